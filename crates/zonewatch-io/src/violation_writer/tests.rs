//! Writer output, checked character by character against text written out by hand.
//!
//! Names come from an [`Agreement`] through [`ViolationNames`]: building a `Checker` would
//! need the geodesic helpers, and the writer only needs the names.

use super::decimal_text::{push_centimetres, push_shortest};
use super::*;
use zonewatch_core::{
    Confidence, Coord, Rule, RuleKind, RuleOptions, Shape, UnitAttributes, UnitFilter, Zone,
    ZoneRef,
};

fn agreement() -> Agreement {
    let circle = |id: &str, x: f64| Zone {
        id: id.into(),
        name: None,
        shape: Shape::Circle {
            centre: Coord { x, y: 31.0 },
            radius_m: 1000.0,
        },
    };
    let rule = |id: &str, kind: RuleKind| Rule {
        id: id.into(),
        kind,
        from: None,
        until: None,
        who: UnitFilter::default(),
        except: None,
        options: RuleOptions::default(),
    };
    Agreement::new(
        vec![circle("camp \"A\"", 16.0), circle("dmz", 17.0)],
        vec![
            // Rules are sorted by id: "camps" is RuleIndex(0), "dmz,out" RuleIndex(1).
            rule(
                "dmz,out",
                RuleKind::KeepOut {
                    zones: vec!["dmz".into()],
                    margin_m: 0.0,
                },
            ),
            rule(
                "camps",
                RuleKind::StayIn {
                    zones: vec!["camp \"A\"".into()],
                    home: false,
                },
            ),
        ],
        vec![],
    )
    .unwrap()
}

fn report() -> Report {
    Report {
        id: "r,1 \"x\"".into(),
        unit_id: "LAAF-1".into(),
        // 2021-01-23T00:00:00.25Z
        time: Timestamp::from_unix_nanos(1_611_360_000_250_000_000),
        position: Coord {
            x: 16.59,
            y: 0.1 + 0.2,
        },
        accuracy_m: 0.0,
        source: None,
        attributes: UnitAttributes::default(),
    }
}

fn flags() -> [Violation; 2] {
    [
        Violation {
            rule: RuleIndex(1),
            zone: ZoneRef(1),
            confidence: Confidence::Confirmed,
            depth_m: 1234.5678,
        },
        Violation {
            rule: RuleIndex(0),
            zone: ZoneRef(0),
            confidence: Confidence::Possible,
            depth_m: -0.001,
        },
    ]
}

fn written(format: OutputFormat, violations: &[Violation]) -> String {
    let a = agreement();
    let mut w = ViolationWriter::new(Vec::new(), format).unwrap();
    for v in violations {
        w.write(&report(), v, &a).unwrap();
    }
    String::from_utf8(w.finish().unwrap()).unwrap()
}

// 0.1 + 0.2 is 0.30000000000000004 in f64: written so that it reads back exactly.
const FEATURE_1: &str = r##"{"type":"Feature","geometry":{"type":"Point","coordinates":[16.59,0.30000000000000004]},"properties":{"report_id":"r,1 \"x\"","unit_id":"LAAF-1","time":"2021-01-23T00:00:00.25Z","lon":16.59,"lat":0.30000000000000004,"rule_id":"dmz,out","zone_id":"dmz","kind":"keep_out","confidence":"confirmed","depth_m":1234.57,"marker-color":"#b2182b","marker-size":"medium","marker-symbol":"cross"}}"##;
const FEATURE_2: &str = r##"{"type":"Feature","geometry":{"type":"Point","coordinates":[16.59,0.30000000000000004]},"properties":{"report_id":"r,1 \"x\"","unit_id":"LAAF-1","time":"2021-01-23T00:00:00.25Z","lon":16.59,"lat":0.30000000000000004,"rule_id":"camps","zone_id":"camp \"A\"","kind":"stay_in","confidence":"possible","depth_m":0.00,"marker-color":"#f4a582","marker-size":"small","marker-symbol":"circle"}}"##;

#[test]
fn csv_output_is_exact_and_quoted() {
    assert_eq!(
        written(OutputFormat::Csv, &flags()),
        "report_id,unit_id,time,lon,lat,rule_id,zone_id,kind,confidence,depth_m\n\
         \"r,1 \"\"x\"\"\",LAAF-1,2021-01-23T00:00:00.25Z,16.59,0.30000000000000004,\"dmz,out\",dmz,keep_out,confirmed,1234.57\n\
         \"r,1 \"\"x\"\"\",LAAF-1,2021-01-23T00:00:00.25Z,16.59,0.30000000000000004,camps,\"camp \"\"A\"\"\",stay_in,possible,0.00\n"
    );
    // And it reads back with the csv crate to the same fields.
    let text = written(OutputFormat::Csv, &flags());
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let row = r.records().next().unwrap().unwrap();
    assert_eq!(&row[0], "r,1 \"x\"");
    assert_eq!(row[4].parse::<f64>().unwrap(), 0.1 + 0.2);
}

#[test]
fn geojson_output_is_exact_and_valid() {
    let text = written(OutputFormat::GeoJson, &flags());
    assert_eq!(
        text,
        format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[\n{FEATURE_1},\n{FEATURE_2}\n]}}\n"
        )
    );
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let props = &v["features"][1]["properties"];
    assert_eq!(props["zone_id"], "camp \"A\"");
    assert_eq!(props["depth_m"], 0.0);
    let keys: Vec<&str> = props
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    // The output columns, then the simplestyle-spec marker properties.
    let mut columns = VIOLATION_COLUMNS.to_vec();
    columns.extend(["marker-color", "marker-size", "marker-symbol"]);
    columns.sort_unstable(); // serde_json's map is sorted
    assert_eq!(keys, columns);
}

#[test]
fn ndjson_output_is_one_feature_per_line() {
    assert_eq!(
        written(OutputFormat::NdJson, &flags()),
        format!("{FEATURE_1}\n{FEATURE_2}\n")
    );
}

#[test]
fn an_empty_run_is_still_a_valid_file() {
    assert_eq!(
        written(OutputFormat::Csv, &[]),
        "report_id,unit_id,time,lon,lat,rule_id,zone_id,kind,confidence,depth_m\n"
    );
    let text = written(OutputFormat::GeoJson, &[]);
    assert_eq!(text, "{\"type\":\"FeatureCollection\",\"features\":[\n]}\n");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["features"].as_array().unwrap().len(), 0);
    assert_eq!(written(OutputFormat::NdJson, &[]), "");
}

/// A row's CSV cells, read back with the csv crate.
fn csv_cells(row: &ViolationRow<'_>) -> Vec<String> {
    let mut out = Vec::new();
    crate::violation_csv::format_row(&mut out, row);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.as_slice());
    let record = r.records().next().unwrap().unwrap();
    record.iter().map(str::to_string).collect()
}

#[test]
fn depths_round_to_two_decimals_and_non_finite_numbers_are_null() {
    let mut row = ViolationRow {
        report_id: "",
        unit_id: "",
        time: Timestamp::from_unix_nanos(0),
        lon: f64::NAN,
        lat: 1e-7,
        rule_id: "",
        zone_id: "",
        kind: "",
        confidence: Confidence::Possible,
        depth_m: 2.675,
    };
    // 2.675 is 2.67499999999999982236431605997495353221893310546875 in f64: the exact
    // value is rounded, so down.
    let cells = csv_cells(&row);
    assert_eq!(
        (&*cells[3], &*cells[4], &*cells[9]),
        ("", "0.0000001", "2.67")
    );
    row.depth_m = -0.0;
    assert_eq!(csv_cells(&row)[9], "0.00");
    row.depth_m = -12.5;
    assert_eq!(csv_cells(&row)[9], "-12.50");
    row.depth_m = f64::INFINITY;
    assert_eq!(csv_cells(&row)[9], "");
    let mut out = Vec::new();
    crate::violation_geojson::push_feature(&mut out, &row);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert!(v["geometry"]["coordinates"][0].is_null());
    assert!(v["properties"]["lon"].is_null());
    assert_eq!(v["properties"]["lat"], 1e-7);
    assert!(v["properties"]["depth_m"].is_null());
}

#[test]
fn reject_and_join_writers_quote_like_csv() {
    let mut w = crate::RejectWriter::new(Vec::new()).unwrap();
    w.write(&crate::Reject {
        source: "a.csv".into(),
        line: 3,
        field: None,
        reason: "expected 4 fields, found 5".into(),
    })
    .unwrap();
    w.write(&crate::Reject {
        source: "b.geojson".into(),
        line: 12,
        field: Some("time".into()),
        reason: "\"x\" is not an RFC 3339 time (feature 2)".into(),
    })
    .unwrap();
    assert_eq!(
        String::from_utf8(w.finish().unwrap()).unwrap(),
        "source,line,field,reason\na.csv,3,,\"expected 4 fields, found 5\"\n\
         b.geojson,12,time,\"\"\"x\"\" is not an RFC 3339 time (feature 2)\"\n"
    );
    let mut j = crate::JoinWriter::new(Vec::new()).unwrap();
    j.write("7", "camp, west").unwrap();
    assert_eq!(
        String::from_utf8(j.finish().unwrap()).unwrap(),
        "point_id,zone_id\n7,\"camp, west\"\n"
    );
}

/// Rows formatted into buffers cut anywhere — one row each, several, none, the writer's
/// own `write` in between — give the bytes of writing them one by one, in every format
/// (the GeoJSON collection's separators included).
#[test]
fn formatted_rows_in_any_pieces_are_the_written_bytes() {
    let a = agreement();
    let flags = flags();
    // Six rows: each flag three times.
    let all: Vec<&Violation> = flags.iter().cycle().take(6).collect();
    for format in [
        OutputFormat::Csv,
        OutputFormat::GeoJson,
        OutputFormat::NdJson,
    ] {
        let mut one_by_one = ViolationWriter::new(Vec::new(), format).unwrap();
        for v in &all {
            one_by_one.write(&report(), v, &a).unwrap();
        }
        let expected = String::from_utf8(one_by_one.finish().unwrap()).unwrap();
        // Cuts: [], [0], [1..3], [], [3..6], written as pieces; then the same with the
        // first row written by `write`.
        for first_by_write in [false, true] {
            let mut w = ViolationWriter::new(Vec::new(), format).unwrap();
            let mut start = 0;
            if first_by_write {
                w.write(&report(), all[0], &a).unwrap();
                start = 1;
            }
            for end in [start, start.max(1), 3, 3, 6] {
                let mut rows = ViolationRows::new(format);
                for v in &all[start..end] {
                    rows.push(&report(), v, &a);
                }
                w.append(&rows).unwrap();
                start = end;
            }
            let got = String::from_utf8(w.finish().unwrap()).unwrap();
            assert_eq!(
                got, expected,
                "{format:?}, first by write: {first_by_write}"
            );
        }
        // No rows at all, appended as empty buffers.
        let mut w = ViolationWriter::new(Vec::new(), format).unwrap();
        w.append(&ViolationRows::new(format)).unwrap();
        let empty = String::from_utf8(w.finish().unwrap()).unwrap();
        assert_eq!(empty, written(format, &[]));
    }
    assert!(
        written(OutputFormat::GeoJson, &flags)
            .starts_with("{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\"")
    );
}

/// The std formatter's 2 decimals, with a value that rounds to zero written `0.00`.
fn centimetres_by_formatter(d: f64) -> String {
    let d = if (d * 100.0).round() == 0.0 { 0.0 } else { d };
    format!("{d:.2}")
}

#[test]
fn depths_near_half_a_centimetre_and_zero_are_written_as_the_formatter_writes_them() {
    for d in [
        0.0,
        -0.0,
        0.004,
        -0.004,
        0.005,
        -0.005,
        0.015,
        0.125,
        -0.125,
        1.005,
        2.675,
        1e-300,
        -1e-300,
        0.995,
        9.995,
        99.995,
        1e9 + 0.125,
        1.5e10,
        2e12,
        -2e12,
        1e300,
        123.456,
    ] {
        assert_eq!(centimetres(d), centimetres_by_formatter(d), "{d:e}");
    }
}

proptest::proptest! {
    /// Whatever the depth, the short way writes what the formatter writes: random values
    /// over many magnitudes, and values a few ulps from the half-centimetre ties.
    #[test]
    fn depths_are_written_as_the_formatter_writes_them(
        mantissa in -1.0f64..1.0,
        exponent in -12i32..14,
        cents in -1_000_000i64..1_000_000,
        ulps in -4i64..4,
    ) {
        let random = mantissa * 10f64.powi(exponent);
        let tie = (cents as f64 + 0.5) / 100.0;
        let near_tie = f64::from_bits((tie.to_bits() as i64 + ulps) as u64);
        for d in [random, tie, near_tie] {
            proptest::prop_assert_eq!(centimetres(d), centimetres_by_formatter(d), "{:e}", d);
        }
    }
}

/// `push_shortest`'s text, after a byte that must stay.
fn shortest(v: f64) -> String {
    let mut out = b">".to_vec();
    push_shortest(&mut out, v);
    String::from_utf8(out).unwrap()[1..].to_string()
}

/// `push_centimetres`'s text, after a byte that must stay.
fn centimetres(d: f64) -> String {
    let mut out = b">".to_vec();
    push_centimetres(&mut out, d);
    String::from_utf8(out).unwrap()[1..].to_string()
}

#[test]
fn coordinates_are_written_as_the_formatter_writes_them_by_hand() {
    for (v, text) in [
        (0.0, "0"),
        (-0.0, "-0"),
        (50.0, "50"),
        (-180.0, "-180"),
        (16.59, "16.59"),
        (18.3250591, "18.3250591"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e-7, "0.0000001"),
        (1.234567e-7, "0.0000001234567"),
        (123_456_789_012_345.0, "123456789012345"),
        (1e15, "1000000000000000"),
        (19.20384979248047, "19.20384979248047"),
        // Trailing zeros over more than one word, none, and every digit a zero.
        (10.5, "10.5"),
        (-100.0, "-100"),
        (0.5, "0.5"),
        (1e-15, "0.000000000000001"),
        (123_456_789.012_345_6, "123456789.0123456"),
        (11.898544, "11.898544"),
    ] {
        assert_eq!(shortest(v), text, "{v:e}");
        assert_eq!(format!("{v}"), text, "{v:e}");
    }
    for v in [
        5e-324,
        f64::MAX,
        f64::MIN_POSITIVE,
        999_999_999_999_999.9,
        0.1,
        // Rounds to 10^15 at 15 digits; one digit below 10^-15.
        9.999_999_999_999_999,
        1.5e-15,
        -1e-16,
    ] {
        assert_eq!(shortest(v), format!("{v}"), "{v:e}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

    /// Whatever the number, the short way writes what the formatter writes: decimals as
    /// coordinates are written (0 to 17 places, so that some need 16 or 17 digits), a few
    /// ulps from them, values over many magnitudes, and any bits.
    #[test]
    fn coordinates_are_written_as_the_formatter_writes_them(
        whole in -180i64..=180,
        digits in 0u64..100_000_000_000_000_000,
        places in 0usize..=17,
        ulps in -3i64..=3,
        mantissa in -1.0f64..1.0,
        exponent in -30i32..30,
        bits in proptest::prelude::any::<u64>(),
    ) {
        let fraction = format!("{digits:017}");
        let v: f64 = format!("{whole}.{}", &fraction[..places.max(1)]).parse().unwrap();
        let near = f64::from_bits((v.to_bits() as i64 + ulps) as u64);
        let scaled = mantissa * 10f64.powi(exponent);
        for v in [v, near, scaled, f64::from_bits(bits)] {
            if v.is_finite() {
                proptest::prop_assert_eq!(shortest(v), format!("{v}"), "{:e}", v);
            }
        }
    }
}

mod rows_against_oracles;
