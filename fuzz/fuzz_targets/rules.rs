//! Rules: any text through the TOML rules reader and the agreement loader.
#![no_main]
use libfuzzer_sys::fuzz_target;

const ZONES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"radius_m":1000},"geometry":{"type":"Point","coordinates":[16,30]}},
{"type":"Feature","id":"b","properties":{},"geometry":{"type":"Polygon","coordinates":[[[16,30],[17,30],[17,31],[16,30]]]}}]}"#;

fuzz_target!(|text: &str| {
    let _ = zonewatch_io::read_rules(text, "rules.toml");
    let _ = zonewatch_io::load_agreement(
        (ZONES, "zones.geojson"),
        (text, "rules.toml"),
        Some(("unit_id,side,home\nU1,GNA,a\nU2,LAAF,\n", "units.csv")),
    );
});
