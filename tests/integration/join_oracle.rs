//! The spatial join against GEOS: `ZoneIndex::zones_at` on the fixture must give exactly
//! the (point, zone) pairs that shapely's `covers` / `contains` gave
//! (tests/fixtures/join/make_expected.py), including every vertex and edge point.

use std::path::Path;

use zonewatch::core::{Coord, Predicate, ZoneIndex};
use zonewatch::io::read_zones;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/join")
            .join(name),
    )
    .unwrap()
}

fn expected_pairs(name: &str) -> Vec<(String, String)> {
    let text = fixture(name);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect()
}

#[test]
fn zone_index_matches_geos_covers_and_contains() {
    let zones = read_zones(&fixture("zones.geojson"), "zones.geojson").unwrap();
    let index = ZoneIndex::build(&zones);
    let points_text = fixture("points.csv");
    let mut reader = csv::Reader::from_reader(points_text.as_bytes());
    let points: Vec<(String, Coord)> = reader
        .records()
        .map(|r| r.unwrap())
        .map(|r| {
            (
                r[0].to_string(),
                Coord {
                    x: r[1].parse().unwrap(),
                    y: r[2].parse().unwrap(),
                },
            )
        })
        .collect();
    assert!(points.len() > 500);
    for (predicate, file) in [
        (Predicate::Covers, "expected_covers.csv"),
        (Predicate::Contains, "expected_contains.csv"),
    ] {
        let mut got = Vec::new();
        let mut hits = Vec::new();
        for (id, p) in &points {
            hits.clear();
            index.zones_at(*p, predicate, &mut hits);
            got.extend(
                hits.iter()
                    .map(|z| (id.clone(), zones[z.0 as usize].id.clone())),
            );
        }
        let want = expected_pairs(file);
        let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).take(10).collect();
        let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).take(10).collect();
        assert_eq!(
            got, want,
            "{predicate:?}: missing {missing:?}, extra {extra:?}"
        );
    }
}
