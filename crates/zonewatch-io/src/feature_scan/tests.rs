//! The scanner against serde's typed parse, the reference: on every line it accepts, the
//! same `FeatureIn` (compared through `Debug`, which tells `-0.0` from `0.0` and shows
//! every field); lines it must accept, so the fast path is not a dead letter.

use super::*;
use crate::feature_in::read_feature;
use proptest::prelude::*;

/// The scanner's reading, or `None` when it gives up.
pub(crate) fn fast(text: &str) -> Option<String> {
    let mut f = FeatureIn::default();
    scan_feature(text, &mut f).then(|| format!("{f:?}"))
}

/// serde's reading, or its error.
pub(crate) fn careful(text: &str) -> Result<String, String> {
    let mut f = FeatureIn::default();
    read_feature(text, &mut f)
        .map(|()| format!("{f:?}"))
        .map_err(|e| e.to_string())
}

/// Whether the scanner took the line; panics when it read it otherwise than serde.
fn agrees(text: &str) -> bool {
    match fast(text) {
        None => false,
        Some(got) => {
            assert_eq!(Ok(got), careful(text), "{text}");
            true
        }
    }
}

pub(crate) const COMMON: &str = r#"{"type":"Feature","properties":{"report_id":"r1","unit_id":"U0001","time":"2021-01-23T00:00:00Z","accuracy_m":25},"geometry":{"type":"Point","coordinates":[16.5,31.25]}}"#;

/// Lines the scanner must take (the common shapes) and read as serde does.
pub(crate) const TAKEN: &[&str] = &[
    COMMON,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[16.5,31.25]},"properties":{"unit_id":"U","time":"t"}}"#,
    r#"  { "geometry" : { "coordinates" : [ -16.5 , -31.25 , 120 ] , "type" : "Point" } , "type" : "Feature" , "id" : 7 }  "#,
    "{\t\"type\":\"Feature\",\r\"properties\":null,\"geometry\":null}",
    r#"{"type":"Feature","properties":{"unit_id":"U \"q\" \\ \/ \b\f\n\r\t \u00e9 \u4e2d \u0000","time":"é ü 中"}}"#,
    r#"{"type":"Feature","properties":{"x":{"a":[1,{"b":"}]\"{["}],"c":null},"y":[[],{},"",-0.0e-0,1E+400],"z":"{\"}"}}"#,
    r#"{"type":"Feature","bbox":[1,2,3,4],"crs":{"type":"name"},"properties":{"accuracy_m":12.5,"foreign":true,"side":"LAAF"}}"#,
    r#"{"type":"Feature","properties":{"accuracy_m":-0,"report_id":123456789012345678,"id":-123456789012345678}}"#,
    r#"{"type":"Feature","properties":{"accuracy_m":0.1,"id":1e22,"report_id":9007199254740992e-22,"foreign":0}}"#,
    r#"{"type":"Feature","properties":{"accuracy_m":1.5e3,"time":[1],"unit_id":{"a":1},"foreign":false}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1e400,-2.2250738585072011e-308]}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[0.30000000000000004,123456789012345678901234567890.5]}}"#,
    r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":null,"bbox":[]}}"#,
    r#"{"type":"Point","geometry":{"type":7}}"#,
    r#"{"type":null,"id":"x"}"#,
    r#"{}"#,
    r#"{"type":"Feature","properties":{"type":"Feature","geometry":"no"}}"#,
    r#"{"type":"Feature","properties":{"report_id":"\u00e9\u00E9"},"properties2":{"report_id":1,"report_id":2}}"#,
    // Names near the known ones (prefixes, one byte more, past 16 bytes): other members.
    r#"{"typ":1,"types":2,"type":"Feature","i":3,"idd":4,"geometry_and_more_than_16":5,"properties":{"report_i":"a","report_idd":"b","accuracy_m_":7,"unit_id":"U"}}"#,
    r#"{"type":"Feature","geometry":{"typ":"x","coordinate":[9,9],"coordinatesx":[8,8],"coordinates":[1,2],"type":"Point"}}"#,
];

/// Lines the scanner leaves to serde (serde may read them or refuse them).
pub(crate) const LEFT: &[&str] = &[
    "",
    "  ",
    "[1,2]",
    "null",
    r#"{"ty\u0070e":"Feature"}"#,
    r#"{"type":"Feature","type":"Feature"}"#,
    r#"{"type":"Feature","properties":{"time":"a","time":"b"}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","type":"Point"}}"#,
    r#"{"type":"Feature","geometry":"Point"}"#,
    r#"{"type":"Feature","properties":[1]}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1]}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[]}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,"2"]}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[[1,2]]}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":{"x":1}}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2,[3]]}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[01,2]}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1.,2]}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[.5,2]}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[+1,2]}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1e,2]}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[NaN,2]}}"#,
    r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2,]}}"#,
    r#"{"type":"Feature","properties":{"accuracy_m":1e400}}"#,
    r#"{"type":"Feature","properties":{"accuracy_m":0.30000000000000004}}"#,
    r#"{"type":"Feature","properties":{"accuracy_m":1e23}}"#,
    r#"{"type":"Feature","properties":{"accuracy_m":12345678901234567890}}"#,
    r#"{"type":"Feature","properties":{"id":-1234567890123456789}}"#,
    r#"{"type":"Feature","properties":{"unit_id":"\ud83d\ude00"}}"#,
    r#"{"type":"Feature","properties":{"unit_id":"\ud83d"}}"#,
    r#"{"type":"Feature","properties":{"unit_id":"\x"}}"#,
    r#"{"type":"Feature","properties":{"unit_id":"\u12"}}"#,
    "{\"type\":\"Feature\",\"properties\":{\"unit_id\":\"tab\there\"}}",
    "{\"type\":\"Feature\",\u{a0}\"properties\":{}}",
    "{\"type\":\"Feature\",\u{c}\"properties\":{}}",
    r#"{"type":"Feature","properties":{},}"#,
    r#"{"type":"Feature","properties":{"a":1,}}"#,
    r#"{"type":"Feature","properties":{"a" 1}}"#,
    r#"{"type":"Feature","properties":{"a":tru}}"#,
    r#"{"type":"Feature","properties":{"a":nulll}}"#,
    r#"{"type":"Feature"} x"#,
    r#"{"type":"Feature"}}"#,
    r#"{"type":"Feature""#,
    r#"{"type":"Feature","properties":{"unit_id":"U"#,
    r#"{'type':'Feature'}"#,
];

#[test]
fn common_lines_are_taken_and_read_as_serde_reads_them() {
    for line in TAKEN {
        assert!(agrees(line), "not taken: {line}");
    }
}

#[test]
fn doubtful_lines_are_left_to_serde() {
    for line in LEFT {
        assert_eq!(fast(line), None, "taken: {line}");
    }
    // Deeper than the scanner skips, still within serde's limit.
    let (open, close) = ("[".repeat(70), "]".repeat(70));
    let deep = format!(r#"{{"type":"Feature","properties":{{"x":{open}{close}}}}}"#);
    assert_eq!(fast(&deep), None);
    assert!(careful(&deep).is_ok());
    let shallow = deep
        .replacen(&"[".repeat(10), "", 1)
        .replacen(&"]".repeat(10), "", 1);
    assert!(agrees(&shallow));
}

#[test]
fn numbers_become_the_scalars_serde_makes() {
    for n in [
        "0",
        "-0",
        "7",
        "-7",
        "0.0",
        "-0.0",
        "1.5",
        "-1.5",
        "1e2",
        "1E-2",
        "1e+2",
        "12.50",
        "0.001",
        "123456789012345678",
        "-123456789012345678",
        "9007199254740993.0",
        "9007199254740992e22",
        "1234567890123456789",
        "0.1e-21",
        "2.5e-22",
        "5e-23",
    ] {
        let line = format!(r#"{{"properties":{{"accuracy_m":{n},"id":{n}}},"id":{n}}}"#);
        if fast(&line).is_some() {
            assert!(agrees(&line));
        }
    }
    // These must be taken (the common cases).
    for n in ["0", "25", "12.5", "-3", "1e2", "0.25"] {
        assert!(
            agrees(&format!(r#"{{"properties":{{"accuracy_m":{n}}}}}"#)),
            "{n}"
        );
    }
}

/// A value for an unknown property: nested, with braces and quotes in strings.
pub(crate) fn junk() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        number(),
        string(),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|v| format!("[{}]", v.join(","))),
            proptest::collection::vec((string(), inner), 0..4).prop_map(|v| {
                let members: Vec<String> = v.into_iter().map(|(k, x)| format!("{k}:{x}")).collect();
                format!("{{{}}}", members.join(", "))
            }),
        ]
    })
}

/// Numbers in many notations (some of them not JSON).
pub(crate) fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<f64>().prop_map(|f| format!("{f}")),
        1 => any::<f64>().prop_map(|f| format!("{f:e}")),
        1 => any::<f64>().prop_map(|f| format!("{f:E}")),
        1 => any::<i64>().prop_map(|i| i.to_string()),
        1 => any::<u64>().prop_map(|i| i.to_string()),
        10 => (-200.0f64..200.0).prop_map(|f| format!("{f}")),
        4 => (-200.0f64..200.0, 0usize..20).prop_map(|(f, d)| format!("{f:.d$}")),
        3 => (0u64..1000, -30i32..30).prop_map(|(m, e)| format!("{m}e{e}")),
        3 => (0u64..1000, 0u32..5, -30i32..30).prop_map(|(m, f, e)| format!("{m}.{f}E+{e}")),
        3 => "-?(0|[1-9][0-9]{0,22})(\\.[0-9]{1,22})?([eE][+-]?[0-9]{1,3})?",
        1 => prop_oneof![
            Just("-0"),
            Just("01"),
            Just("1."),
            Just(".5"),
            Just("+1"),
            Just("1e"),
            Just("NaN"),
            Just("-"),
            Just("1_0"),
        ]
        .prop_map(str::to_string),
    ]
}

/// Strings, as JSON text: plain, with every escape, braces, quotes, control characters.
pub(crate) fn string() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        40 => "[a-zA-Z0-9 ,:{}\\[\\]]{0,6}",
        2 => Just("\\\"".to_string()),
        1 => Just("\\\\".to_string()),
        1 => Just("\\/".to_string()),
        1 => Just("\\n\\r\\t\\b\\f".to_string()),
        1 => Just("\\u00e9".to_string()),
        1 => Just("\\u4E2D".to_string()),
        1 => Just("\\ud83d\\ude00".to_string()),
        1 => Just("\\ud83d".to_string()),
        1 => Just("\\x".to_string()),
        1 => Just("\t".to_string()),
        1 => Just("é中".to_string()),
        1 => Just("{\\\"}".to_string()),
    ];
    proptest::collection::vec(piece, 0..4).prop_map(|p| format!("\"{}\"", p.concat()))
}

/// Whitespace between tokens: usually none, sometimes JSON's, rarely not JSON's.
fn space() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        30 => Just(""),
        6 => Just(" "),
        2 => Just("\t \r"),
        1 => Just("\u{a0}"),
    ]
}

/// A member `"key":value` of a properties object.
fn property() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        3 => Just("report_id"),
        3 => Just("id"),
        3 => Just("unit_id"),
        3 => Just("time"),
        3 => Just("accuracy_m"),
        3 => Just("source"),
        3 => Just("side"),
        3 => Just("class"),
        3 => Just("role"),
        3 => Just("foreign"),
        3 => Just("extra"),
        1 => Just("tim\\u0065"),
        1 => Just("{\\\"}"),
    ];
    let value = prop_oneof![
        6 => string(),
        4 => number(),
        2 => Just("\"2021-01-23T00:00:00Z\"".to_string()),
        1 => junk(),
    ];
    (key, space(), value).prop_map(|(k, s, v)| format!("\"{k}\"{s}:{s}{v}"))
}

/// A Feature line: members in random order, sometimes one twice or one missing.
pub(crate) fn feature_line() -> impl Strategy<Value = String> {
    let coordinates = prop_oneof![
        6 => (number(), number()).prop_map(|(x, y)| format!("[{x},{y}]")),
        1 => (number(), number(), number()).prop_map(|(x, y, z)| format!("[{x}, {y}, {z}]")),
        1 => junk(),
    ];
    let kind = prop_oneof![
        6 => Just("\"Point\"".to_string()),
        1 => Just("\"LineString\"".to_string()),
        1 => junk(),
    ];
    let geometry = prop_oneof![
        8 => (coordinates, kind, any::<bool>(), proptest::option::of(junk())).prop_map(
            |(c, k, swap, extra)| {
                let mut m = vec![format!("\"type\":{k}"), format!("\"coordinates\":{c}")];
                if swap {
                    m.reverse();
                }
                if let Some(x) = extra {
                    m.push(format!("\"bbox\":{x}"));
                }
                format!("{{{}}}", m.join(","))
            }
        ),
        1 => Just("null".to_string()),
        1 => junk(),
    ];
    let properties = prop_oneof![
        8 => proptest::collection::vec(property(), 0..6).prop_map(|m| format!("{{{}}}", m.join(","))),
        1 => Just("null".to_string()),
        1 => junk(),
    ];
    let kind = prop_oneof![
        8 => Just("\"Feature\"".to_string()),
        1 => junk(),
    ];
    let members = (
        kind,
        geometry,
        properties,
        proptest::option::of(junk()),
        proptest::option::of(junk()),
    )
        .prop_map(|(k, g, p, id, extra)| {
            let mut m = vec![
                format!("\"type\":{k}"),
                format!("\"geometry\":{g}"),
                format!("\"properties\":{p}"),
            ];
            if let Some(id) = id {
                m.push(format!("\"id\":{id}"));
            }
            if let Some(x) = extra {
                m.push(format!("\"extra\":{x}"));
            }
            m
        });
    (members, any::<u64>(), space(), 0u8..20).prop_map(|(mut m, seed, s, odd)| {
        // A shuffle from the seed; sometimes a member dropped or given twice.
        let n = m.len();
        for i in (1..n).rev() {
            m.swap(i, (seed >> (i * 5)) as usize % (i + 1));
        }
        match odd {
            0 => {
                m.pop();
            }
            1 => m.push(m[0].clone()),
            _ => {}
        }
        format!("{s}{{{s}{}{s}}}{s}", m.join(&format!("{s},{s}")))
    })
}

/// The generated lines exercise both sides: many taken, many left to serde.
#[test]
fn generated_lines_are_often_taken_and_often_left() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut taken, mut left) = (0, 0);
    for _ in 0..2000 {
        let line = feature_line().new_tree(&mut runner).unwrap().current();
        if agrees(&line) {
            taken += 1;
        } else {
            left += 1;
        }
    }
    assert!(taken > 200 && left > 200, "taken {taken}, left {left}");
}

/// The plain run of a string, eight bytes at a time, against a byte-by-byte search.
fn plain_run_by_byte(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20)
}

#[test]
fn plain_runs_end_at_the_first_stop_byte() {
    for text in [
        &b""[..],
        b"abc",
        b"abcdefgh",
        b"abcdefgh\"",
        b"\x1f\x20\x21\"",
        b"\xff\xfe\x80\x7f\x5b\x5d\x21\x23\x00",
        b"\x00\"\\",
        b"\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\xe9\\",
        b"0123456789abcdef\n",
    ] {
        assert_eq!(plain_run(text), plain_run_by_byte(text), "{text:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn any_feature_line_is_read_as_serde_reads_it_or_left_to_serde(line in feature_line()) {
        if let Some(got) = fast(&line) {
            prop_assert_eq!(Ok(got), careful(&line), "{}", line);
        }
    }

    #[test]
    fn plain_runs_are_found_as_byte_by_byte(
        text in proptest::collection::vec(prop_oneof![
            Just(b'"'), Just(b'\\'), Just(0x1Fu8), Just(0x20u8), Just(0x00u8), Just(0x80u8),
            Just(0xA2u8), Just(0xDCu8), 0x21u8..0x7F, any::<u8>()
        ], 0..40)
    ) {
        prop_assert_eq!(plain_run(&text), plain_run_by_byte(&text));
    }

    /// Coordinates with up to 20 digits and exponents around the exact range (10^22),
    /// computed directly or by `fast-float2`: the float serde's reading gives.
    #[test]
    fn coordinates_are_the_floats_serde_reads(
        int in 0u64..100_000_000_000,
        frac in "[0-9]{0,10}",
        e in proptest::option::of(-30i32..30),
        negative in any::<bool>(),
    ) {
        let mut n = format!("{}{int}", if negative { "-" } else { "" });
        if !frac.is_empty() {
            n = format!("{n}.{frac}");
        }
        if let Some(e) = e {
            n = format!("{n}e{e}");
        }
        let line = format!(r#"{{"geometry":{{"type":"Point","coordinates":[{n},{n}]}}}}"#);
        prop_assert!(agrees(&line), "{}", line);
    }

    #[test]
    fn common_lines_with_random_values_are_taken(
        lon in -180.0f64..180.0,
        lat in -90.0f64..90.0,
        acc in 0u32..10_000,
        id in "[a-z0-9_-]{1,12}",
        swap in any::<bool>(),
    ) {
        let g = format!(r#""geometry":{{"type":"Point","coordinates":[{lon},{lat}]}}"#);
        let p = format!(r#""properties":{{"report_id":"{id}","unit_id":"U1","time":"2021-01-23T00:00:00Z","accuracy_m":{acc}.5}}"#);
        let line = if swap {
            format!(r#"{{"type":"Feature",{p},{g}}}"#)
        } else {
            format!(r#"{{"type":"Feature",{g},{p}}}"#)
        };
        prop_assert!(agrees(&line), "{}", line);
    }
}
