use super::*;

fn errors(text: &str) -> Vec<String> {
    match read_zones(text, "zones.geojson") {
        Ok(z) => panic!("expected errors, got {} zones", z.len()),
        Err(e) => e.iter().map(|e| e.to_string()).collect(),
    }
}

fn collection(features: &[&str]) -> String {
    format!(
        "{{\"type\": \"FeatureCollection\", \"features\": [\n{}\n]}}",
        features.join(",\n")
    )
}

const SQUARE: &str = "[[0,0],[4,0],[4,4],[0,4],[0,0]]";

#[test]
fn reads_every_kind_of_zone() {
    let text = collection(&[
        &format!(
            r#"{{"type":"Feature","id":"dmz","properties":{{"name":"DMZ"}},"geometry":{{"type":"Polygon","coordinates":[{SQUARE},[[1,1],[2,1],[2,2],[1,1]]]}}}}"#
        ),
        r#"{"type":"Feature","id":7,"properties":{"radius_m":3000},"geometry":{"type":"Point","coordinates":[16.6117,31.0606,12.5]}}"#,
        r#"{"type":"Feature","properties":{"id":"road","buffer_m":500},"geometry":{"type":"LineString","coordinates":[[15,31],[16,31.2]]}}"#,
        &format!(
            r#"{{"type":"Feature","id":"grown","properties":{{"buffer_m":250.5}},"geometry":{{"type":"MultiPolygon","coordinates":[[{SQUARE}]]}}}}"#
        ),
        r#"{"type":"Feature","id":"lines","properties":{"buffer_m":10,"radius_m":null},"geometry":{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3]]]}}"#,
    ]);
    let zones = read_zones(&text, "zones.geojson").unwrap();
    let ids: Vec<_> = zones.iter().map(|z| z.id.as_str()).collect();
    assert_eq!(ids, ["dmz", "7", "road", "grown", "lines"]);
    assert_eq!(zones[0].name.as_deref(), Some("DMZ"));
    match &zones[0].shape {
        Shape::Area { polygons, buffer_m } => {
            assert_eq!(polygons.0[0].interiors().len(), 1);
            assert_eq!(*buffer_m, 0.0);
        }
        s => panic!("{s:?}"),
    }
    assert_eq!(
        zones[1].shape,
        Shape::Circle {
            centre: zonewatch_core::Coord {
                x: 16.6117,
                y: 31.0606
            },
            radius_m: 3000.0
        }
    );
    assert!(matches!(
        zones[2].shape,
        Shape::Band {
            buffer_m: 500.0,
            ..
        }
    ));
    assert!(matches!(
        &zones[3].shape,
        Shape::Area {
            buffer_m: 250.5,
            ..
        }
    ));
    assert!(matches!(&zones[4].shape, Shape::Band { lines, .. } if lines.0.len() == 2));
}

#[test]
fn bom_crlf_and_members_in_any_order_are_fine() {
    let text = "\u{feff}{\"features\": [{\"geometry\": {\"coordinates\": [1, 2], \"type\": \"Point\"},\r\n\
                \"properties\": {\"radius_m\": 5}, \"id\": \"a\", \"type\": \"Feature\"}],\r\n\
                \"bbox\": [0, 0, 1, 1], \"type\": \"FeatureCollection\"}\r\n";
    assert_eq!(read_zones(text, "z").unwrap().len(), 1);
}

#[test]
fn unclosed_hole_is_reported_with_feature_id_and_field() {
    let text = collection(&[
        r#"{"type":"Feature","id":"a","properties":{"radius_m":1},"geometry":{"type":"Point","coordinates":[0,0]}}"#,
        r#"{"type":"Feature","id":"b","properties":{"radius_m":1},"geometry":{"type":"Point","coordinates":[0,1]}}"#,
        r#"{"type":"Feature","id":"c","properties":{"radius_m":1},"geometry":{"type":"Point","coordinates":[0,2]}}"#,
        &format!(
            r#"{{"type":"Feature","id":"camp_x","geometry":{{"type":"Polygon","coordinates":[{SQUARE},[[1,1],[2,1],[2,2],[1,2]]]}}}}"#
        ),
    ]);
    assert_eq!(
        errors(&text),
        [
            "zones.geojson: feature 3 (id \"camp_x\"): geometry: hole 1: ring is not closed \
          (last position differs from the first)"
        ]
    );
}

#[test]
fn every_bad_feature_is_reported() {
    let text = collection(&[
        // 0: a Point without radius_m.
        r#"{"type":"Feature","id":"camp","geometry":{"type":"Point","coordinates":[16.6,31.0]}}"#,
        // 1: fine.
        &format!(
            r#"{{"type":"Feature","id":"ok","geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}}}}"#
        ),
        // 2: no id, and an unsupported geometry.
        r#"{"type":"Feature","properties":{},"geometry":{"type":"GeometryCollection","geometries":[]}}"#,
        // 3: a line without buffer_m.
        r#"{"type":"Feature","id":"line","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}"#,
        // 4: null geometry.
        r#"{"type":"Feature","id":"nothing","geometry":null}"#,
        // 5: duplicate of feature 1.
        &format!(
            r#"{{"type":"Feature","id":"ok","geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}}}}"#
        ),
        // 6: bow tie, negative buffer, latitude out of range in a second polygon.
        r#"{"type":"Feature","id":"bad","properties":{"buffer_m":-5},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[2,2],[2,0],[0,2],[0,0]]],[[[0,0],[1,0],[1,95],[0,0]]]]}}"#,
    ]);
    assert_eq!(
        errors(&text),
        [
            "zones.geojson: feature 0 (id \"camp\"): properties: Point needs properties.radius_m (a circle's radius in metres)",
            "zones.geojson: feature 2: id: missing: give the Feature an \"id\" or set properties.id",
            "zones.geojson: feature 2: geometry: unsupported geometry type GeometryCollection (expected Polygon, MultiPolygon, Point, LineString or MultiLineString)",
            "zones.geojson: feature 3 (id \"line\"): properties: LineString needs properties.buffer_m (the band's half-width in metres)",
            "zones.geojson: feature 4 (id \"nothing\"): geometry: is null or missing",
            "zones.geojson: feature 5 (id \"ok\"): id: duplicate id \"ok\" (also used by feature 1)",
            "zones.geojson: feature 6 (id \"bad\"): properties: buffer_m must be a finite number ≥ 0, not -5",
            // (0,0)–(2,2) crosses (2,0)–(0,2) at (1,1).
            "zones.geojson: feature 6 (id \"bad\"): geometry: part 0, exterior ring, position 0: ring intersects itself or another ring of the polygon near lon 1, lat 1",
            "zones.geojson: feature 6 (id \"bad\"): geometry: part 1, exterior ring, position 2: coordinate out of range (lon 1, lat 95); longitude must be in [-180, 180] and latitude in [-90, 90] (is the order lon, lat?)",
        ]
    );
}

#[test]
fn values_of_the_wrong_type_are_located_in_the_file() {
    let text = collection(&[
        r#"{"type":"Feature","id":"a","properties":{"radius_m":"3000"},"geometry":{"type":"Point","coordinates":[0,0]}}"#,
        "{\"type\":\"Feature\",\"id\":\"b\",\"properties\":{\"buffer_m\":1},\n \"geometry\":{\"type\":\"LineString\",\n \"coordinates\":[[0,0],[1,\"x\"]]}}",
        r#"{"type":"Feature","id":["x"],"properties":{"radius_m":1},"geometry":{"type":"Point","coordinates":[0]}}"#,
        r#"{"type":"Feature","id":"d","properties":{"name":5,"radius_m":1},"geometry":{"type":"Point","coordinates":[0,0]}}"#,
        r#"[1, 2]"#,
        r#"{"type":"Feature","id":"f","properties":[],"geometry":null}"#,
    ]);
    assert_eq!(
        errors(&text),
        [
            "zones.geojson: feature 0 (id \"a\"): properties.radius_m: expected a number of metres, found a string (\"3000\")",
            // Feature 1 starts on line 3, so the "x" is on line 5; serde_json points at
            // the end of the bad value: the "]" after it, column 29.
            "zones.geojson: feature 1 (id \"b\"): geometry.coordinates: expected a number, found \"x\" (line 5, column 29)",
            "zones.geojson: feature 2: id: expected a string or a number, found an array",
            "zones.geojson: feature 2: geometry.coordinates: invalid length 1, expected a position [longitude, latitude] (line 6, column 101)",
            "zones.geojson: feature 3 (id \"d\"): properties.name: expected a string, found a number",
            "zones.geojson: feature 4: feature: expected a GeoJSON Feature object, found an array",
            "zones.geojson: feature 5 (id \"f\"): properties: expected an object, found an array",
        ]
    );
}

#[test]
fn rings_too_short_count_positions_as_written() {
    // Unclosed two-position ring: geo_types would close it to 3 positions.
    let text = collection(&[
        r#"{"type":"Feature","id":"t","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0]]]}}"#,
    ]);
    assert_eq!(
        errors(&text),
        [
            "zones.geojson: feature 0 (id \"t\"): geometry: exterior ring: ring is not closed (last position differs from the first)",
            "zones.geojson: feature 0 (id \"t\"): geometry: exterior ring: ring has 2 positions; a closed ring needs at least 4",
        ]
    );
}

#[test]
fn not_json_or_truncated_is_located_by_line_and_column() {
    assert_eq!(
        errors("{\"type\": \"FeatureCollection\",\n \"features\": [}"),
        ["zones.geojson:2:15: expected value"]
    );
    assert_eq!(
        errors("{\"type\": \"FeatureCollection\",\n \"features\": [\n"),
        ["zones.geojson:3:1: EOF while parsing a list (is the file truncated?)"]
    );
    assert_eq!(
        errors("[]"),
        ["zones.geojson: expected a GeoJSON FeatureCollection object, found an array"]
    );
    assert_eq!(
        errors(r#"{"type": "Feature"}"#),
        ["zones.geojson: type: expected a GeoJSON FeatureCollection, found type \"Feature\""]
    );
    assert_eq!(
        errors(r#"{"type": "FeatureCollection"}"#),
        ["zones.geojson: features: is required but missing"]
    );
}

#[test]
fn an_empty_collection_has_no_zones() {
    assert_eq!(
        read_zones(r#"{"type":"FeatureCollection","features":[]}"#, "z").unwrap(),
        vec![]
    );
}

/// What reading a file gave, comparable: the zones with their feature index, the broken
/// ids (sorted), the errors as shown.
type ReadAs = (Vec<(usize, Zone)>, Vec<String>, Vec<String>);

/// [`ReadAs`] split by the scan, then the careful way.
fn read_both_ways(text: &str) -> [ReadAs; 2] {
    [true, false].map(|split| {
        let parsed = parse_zones_with(text, "zones.geojson", split);
        let mut broken: Vec<String> = parsed.broken_ids.into_iter().collect();
        broken.sort();
        (
            parsed
                .zones
                .into_iter()
                .map(|z| (z.index, z.zone.into_zone()))
                .collect(),
            broken,
            parsed.errors.iter().map(|e| e.to_string()).collect(),
        )
    })
}

/// The byte scan that splits the features (`split.rs`) reads what serde's pass over the
/// whole collection reads, or gives up: the same zones and the same errors, on a valid
/// file with its layout varied and on every one-byte change of a small one (each byte
/// deleted, or replaced by one of the bytes the scan looks for).
#[test]
fn features_split_by_the_scan_read_as_serde_reads_them() {
    let feature = |id: &str| {
        format!(
            r#"{{"type":"Feature","id":"{id}","properties":{{"name":"a \"q\" \\ ]}}"}},"geometry":{{"type":"Polygon","coordinates":[{SQUARE}]}}}}"#
        )
    };
    let (a, b) = (feature("a"), feature("b"));
    let texts = [
        collection(&[&a, &b]),
        collection(&[]),
        format!("\u{feff} \r\n{{\"features\":[{a}],\"type\":\"FeatureCollection\"}} \n"),
        format!(
            r#"{{"bbox":[0,0,4,4],"type":"FeatureCollection","crs":{{"a":[{{}}]}},"features":[ {a} , {b} ]}}"#
        ),
        format!(r#"{{"type":"FeatureCollection","features":[{a},{a}]}}"#),
        format!(r#"{{"type":"FeatureCollection","features":[{a},]}}"#),
        format!(r#"{{"type":"FeatureCollection","features":[{a}]}} x"#),
        format!(r#"{{"type":"FeatureCollection","type":"FeatureCollection","features":[{a}]}}"#),
        format!(r#"{{"type":"FeatureCollection","features":[{a}],"features":[{b}]}}"#),
        format!(r#"{{"typ\u0065":"FeatureCollection","features":[{a}]}}"#),
        r#"{"type":"FeatureCollection","features":null}"#.to_string(),
        r#"{"type":null,"features":[]}"#.to_string(),
        r#"{"type":7,"features":[]}"#.to_string(),
        r#"{"type":"FeatureCollection","features":[1,"x",null,[],{}]}"#.to_string(),
        r#"{"type":"FeatureCollection","features":{}}"#.to_string(),
        r#"{"type":"FeatureCollection","features":[]"#.to_string(),
        r#"{"type":"FeatureCollection","features":[],"x":tru}"#.to_string(),
        format!(
            r#"{{"type":"FeatureCollection","features":[{}{}]}}"#,
            "[".repeat(130),
            "]".repeat(130)
        ),
        format!(
            r#"{{"type":"FeatureCollection","features":[{}{}]}}"#,
            "[".repeat(99),
            "]".repeat(99)
        ),
        "[]".to_string(),
        String::new(),
    ];
    for text in &texts {
        let [split, careful] = read_both_ways(text);
        assert_eq!(split, careful, "{text}");
    }
    // Every one-byte change of a small file.
    let small = r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"a\"","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}, {"id":2}]}"#;
    let bytes = small.as_bytes();
    for i in 0..bytes.len() {
        let mut changed: Vec<Vec<u8>> = vec![[&bytes[..i], &bytes[i + 1..]].concat()];
        for &c in b"\"\\{}[],: \tnx1" {
            let mut v = bytes.to_vec();
            v[i] = c;
            changed.push(v);
        }
        for v in changed {
            let Ok(text) = String::from_utf8(v) else {
                continue;
            };
            let [split, careful] = read_both_ways(&text);
            assert_eq!(split, careful, "{text}");
        }
    }
}
