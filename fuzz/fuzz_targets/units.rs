//! Units: any text through the CSV units reader and the agreement loader.
#![no_main]
use libfuzzer_sys::fuzz_target;

const ZONES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"radius_m":1000},"geometry":{"type":"Point","coordinates":[16,30]}}]}"#;
const RULES: &str = "[[rule]]\nid = \"r\"\nkind = \"stay_in\"\nzones = [\"home\"]\n";

fuzz_target!(|text: &str| {
    let _ = zonewatch_io::read_units(text, "units.csv");
    let _ = zonewatch_io::load_agreement(
        (ZONES, "zones.geojson"),
        (RULES, "rules.toml"),
        Some((text, "units.csv")),
    );
});
