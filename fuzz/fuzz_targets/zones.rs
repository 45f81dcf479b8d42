//! Zones: any text through the GeoJSON zones reader, then whole-agreement loading.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(zones) = zonewatch_io::read_zones(text, "zones.geojson") {
        // Whatever the reader accepts, the index must build and answer.
        let index = zonewatch_core::ZoneIndex::build(&zones);
        let mut out = Vec::new();
        index.zones_at(
            geo_types::Coord { x: 16.5, y: 30.5 },
            zonewatch_core::Predicate::Covers,
            &mut out,
        );
    }
    let _ = zonewatch_io::load_agreement(
        (text, "zones.geojson"),
        (
            "[[rule]]\nid = \"r\"\nkind = \"keep_out\"\nzones = [\"a\"]\n",
            "rules.toml",
        ),
        None,
    );
});
