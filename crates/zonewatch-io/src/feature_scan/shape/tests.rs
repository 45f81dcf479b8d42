//! The shape path against the scanner alone and against serde's typed parse, the
//! reference: line by line, every line reads exactly as the scanner reads it (taken or
//! left alike), and what is taken as serde reads it. Lines come in layouts, so that the
//! learned layout is hit, missed by one byte, and changed within one run.

use super::*;
use crate::feature_scan::tests::{COMMON, careful, fast, junk, number, string};
use proptest::prelude::*;

/// The shape path's reading of each line in turn, as `fast` gives the scanner's.
fn shaped(lines: &[String]) -> Vec<Option<String>> {
    let mut shapes = LineShapes::default();
    lines
        .iter()
        .map(|line| {
            let mut f = FeatureIn::default();
            shapes.scan_feature(line, &mut f).then(|| format!("{f:?}"))
        })
        .collect()
}

/// Checks each line: the shape path reads it as the scanner does, and serde agrees.
fn check_lines(lines: &[String]) -> Result<(), TestCaseError> {
    for (line, got) in lines.iter().zip(shaped(lines)) {
        prop_assert_eq!(&got, &fast(line), "{}", line);
        if let Some(got) = got {
            prop_assert_eq!(Ok(got), careful(line), "{}", line);
        }
    }
    Ok(())
}

/// The learned shape's reading of `text`, or `None` on a miss.
fn read(shape: &FeatureShape, text: &str) -> Option<String> {
    let mut f = FeatureIn::default();
    shape.read(text, &mut f).then(|| format!("{f:?}"))
}

#[test]
fn a_line_of_the_learned_layout_is_read_by_it() {
    let shape = FeatureShape::learn(COMMON).unwrap();
    let other = COMMON
        .replace("\"r1\"", "\"report-77\"")
        .replace("\"U0001\"", "\"é中 unit\"")
        .replace("25}", "-1.5e3}")
        .replace("16.5,31.25", "-0.0,89.99999999999999");
    let got = read(&shape, &other).expect("same layout");
    assert_eq!(Ok(got), careful(&other));
    // The learned line itself, too.
    assert_eq!(Ok(read(&shape, COMMON).unwrap()), careful(COMMON));
}

#[test]
fn every_one_byte_change_of_a_literal_misses() {
    let shape = FeatureShape::learn(COMMON).unwrap();
    let line = COMMON.as_bytes();
    // The bytes in literal runs (the opening quote of a string slot included).
    let mut literal = vec![false; line.len()];
    for r in shape
        .pieces
        .iter()
        .map(|p| p.literal.clone())
        .chain([shape.tail.clone()])
    {
        literal[r].iter_mut().for_each(|l| *l = true);
    }
    assert!(literal.iter().filter(|&&l| l).count() > 100);
    for (i, &was) in line.iter().enumerate() {
        for b in [
            b' ', b'"', b'\\', b',', b'0', b'9', b'x', b'}', b']', b'\t', b'-', b'e',
        ] {
            if b == was {
                continue;
            }
            let mut changed = line.to_vec();
            changed[i] = b;
            let text = std::str::from_utf8(&changed).unwrap();
            let got = read(&shape, text);
            if literal[i] {
                assert_eq!(got, None, "byte {i} to {:?}: {text}", b as char);
            } else if let Some(got) = got {
                // A slot's byte changed: read as the scanner and serde read it.
                assert_eq!(Some(&got), fast(text).as_ref(), "{text}");
                assert_eq!(Ok(got), careful(text), "{text}");
            }
        }
    }
    // A byte more or less anywhere, and trailing bytes, miss or read as serde does.
    for i in 0..=line.len() {
        for insert in [true, false] {
            let mut changed = line.to_vec();
            if insert {
                changed.insert(i, b' ');
            } else if i < line.len() {
                changed.remove(i);
            }
            let text = std::str::from_utf8(&changed).unwrap();
            if let Some(got) = read(&shape, text) {
                assert!(!literal.get(i).copied().unwrap_or(true) || !insert || i == 0);
                assert_eq!(Ok(got), careful(text), "{text}");
            }
        }
    }
}

#[test]
fn slots_with_escapes_or_odd_numbers_miss() {
    let shape = FeatureShape::learn(COMMON).unwrap();
    for (from, to) in [
        ("\"U0001\"", r#""U\"1""#),
        ("\"U0001\"", r#""U\\1""#),
        ("\"U0001\"", r#""\u0055""#),
        ("\"U0001\"", "\"U\t1\""),
        ("\"U0001\"", "\"U\u{1}1\""),
        ("25}", "25 }"),
        ("25}", " 25}"),
        ("25}", "1e400}"),
        ("25}", "0.30000000000000004}"),
        ("25}", "12345678901234567890}"),
        ("25}", "025}"),
        ("25}", "2.}"),
        ("25}", "\"25\"}"),
        ("25}", "null}"),
        ("16.5,", "16.5 ,"),
        ("16.5,", "+16.5,"),
        ("16.5,", ".5,"),
        ("31.25]", "31.25,0]"),
        ("31.25]", "\"31.25\"]"),
        ("}}", "}} "),
        ("}}", "}}x"),
    ] {
        let text = COMMON.replacen(from, to, 1);
        assert_ne!(text, COMMON);
        assert_eq!(read(&shape, &text), None, "{text}");
        // The scanner (or serde) still reads it its own way.
        check_lines(&[COMMON.to_string(), text]).unwrap();
    }
}

#[test]
fn literal_values_are_fixed_by_the_layout() {
    let line = r#"{"id":null,"type":"Feature","geometry":{"type":"Point","coordinates":[1,2,3],"bbox":[0]},"properties":{"side":true,"class":[1],"role":{"a":"b"},"unit_id":"U","foreign":false,"x":"\n"}}"#;
    let shape = FeatureShape::learn(line).unwrap();
    assert_eq!(Ok(read(&shape, line).unwrap()), careful(line));
    let moved = line.replace("[1,2,3]", "[-7.25,8e1,3]");
    assert_eq!(Ok(read(&shape, &moved).unwrap()), careful(&moved));
    for changed in [
        line.replace("true", "false"),
        line.replace("[1,2,3]", "[1,2,4]"),
        line.replace("{\"a\":\"b\"}", "{\"a\":\"c\"}"),
        line.replace("\"x\":\"\\n\"", "\"x\":\"\\t\""),
    ] {
        assert_eq!(read(&shape, &changed), None, "{changed}");
    }
    // A known member's string with an escape is not learned; nor what the scanner leaves.
    assert!(FeatureShape::learn(r#"{"type":"Feature","properties":{"unit_id":"U\n"}}"#).is_none());
    for line in crate::feature_scan::tests::LEFT {
        assert!(FeatureShape::learn(line).is_none(), "{line}");
    }
    for line in crate::feature_scan::tests::TAKEN {
        if let Some(shape) = FeatureShape::learn(line) {
            assert_eq!(Ok(read(&shape, line).unwrap()), careful(line), "{line}");
        }
    }
}

#[test]
fn a_changed_layout_is_learned_again() {
    let a = COMMON.to_string();
    let b = COMMON.replace(",\"accuracy_m\":25", "");
    let mut shapes = LineShapes::default();
    let mut f = FeatureIn::default();
    assert!(shapes.scan_feature(&a, &mut f));
    assert!(shapes.shape.as_ref().is_some_and(|s| read(s, &a).is_some()));
    for _ in 0..2 {
        let mut f = FeatureIn::default();
        assert!(shapes.scan_feature(&b, &mut f));
    }
    assert!(shapes.shape.as_ref().is_some_and(|s| read(s, &b).is_some()));
}

/// One layout of a Feature line: member order, whitespace, which properties.
#[derive(Clone, Debug)]
struct Layout {
    top: Vec<&'static str>,
    space: &'static str,
    geometry_swapped: bool,
    bbox: Option<String>,
    /// Each property's name and whether its value is a number (else a string).
    properties: Vec<(&'static str, bool)>,
    extra: Option<String>,
}

fn layout() -> impl Strategy<Value = Layout> {
    let key = prop_oneof![
        Just("report_id"),
        Just("id"),
        Just("unit_id"),
        Just("time"),
        Just("accuracy_m"),
        Just("source"),
        Just("side"),
        Just("class"),
        Just("role"),
        Just("foreign"),
        Just("extra"),
    ];
    (
        any::<u64>(),
        any::<bool>(),
        prop_oneof![8 => Just(""), 1 => Just(" "), 1 => Just("\t ")],
        any::<bool>(),
        proptest::option::of(junk()),
        proptest::collection::vec((key, any::<bool>()), 0..7),
        proptest::option::of(junk()),
    )
        .prop_map(|(seed, id, space, swapped, bbox, properties, extra)| {
            let mut top = vec!["type", "geometry", "properties"];
            if id {
                top.push("id");
            }
            if extra.is_some() {
                top.push("extra");
            }
            for i in (1..top.len()).rev() {
                top.swap(i, (seed >> (i * 5)) as usize % (i + 1));
            }
            Layout {
                top,
                space,
                geometry_swapped: swapped,
                bbox,
                properties,
                extra,
            }
        })
}

/// A value for a known member: a plain string, a number (in any notation, some of which
/// serde rounds its own way or refuses), or rarely something else — an escape, `null`,
/// a boolean, a nested value — that changes the layout.
fn value() -> impl Strategy<Value = Value> {
    let plain = prop_oneof![
        4 => "\"[a-zA-Z0-9 ._:é-]{0,12}\"",
        1 => "\"2021-0[1-9]-[12][0-9]T[01][0-9]:00:00Z\"",
    ];
    let numeric = prop_oneof![
        4 => (0u32..100_000).prop_map(|n| n.to_string()),
        4 => (-500.0f64..500.0, 0usize..6).prop_map(|(f, d)| format!("{f:.d$}")),
        1 => (-500.0f64..500.0).prop_map(|f| format!("{f}")),
        3 => number(),
    ];
    let odd = prop_oneof![
        3 => string(),
        1 => Just("null".to_string()),
        1 => Just("true".to_string()),
        1 => junk(),
    ];
    (plain, numeric, odd, 0u8..20).prop_map(|(plain, numeric, odd, pick)| Value {
        plain,
        numeric,
        odd: (pick >= 18).then_some(odd),
    })
}

/// The candidates for one value: the layout says which kind the line uses, unless odd.
#[derive(Clone, Debug)]
struct Value {
    plain: String,
    numeric: String,
    odd: Option<String>,
}

impl Value {
    fn text(&self, numeric: bool) -> &str {
        match (&self.odd, numeric) {
            (Some(odd), _) => odd,
            (None, true) => &self.numeric,
            (None, false) => &self.plain,
        }
    }
}

/// A coordinate: mostly the common forms, sometimes any number notation.
fn coordinate() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (-180.0f64..180.0).prop_map(|f| format!("{f}")),
        2 => (-180.0f64..180.0, 0usize..17).prop_map(|(f, d)| format!("{f:.d$}")),
        3 => number(),
    ]
}

/// The values of one line: its type, geometry type, coordinates, id and properties.
#[derive(Clone, Debug)]
struct Values {
    kind: String,
    geometry_kind: String,
    coordinates: String,
    id: Value,
    properties: Vec<Value>,
    /// Sometimes: a place (a literal or a slot) changed by one ASCII character.
    tweak: Option<Tweak>,
}

fn values() -> impl Strategy<Value = Values> {
    let coordinates = prop_oneof![
        10 => (coordinate(), coordinate()).prop_map(|(x, y)| format!("[{x},{y}]")),
        1 => (coordinate(), coordinate()).prop_map(|(x, y)| format!("[{x},{y},0]")),
        1 => Just("null".to_string()),
        1 => junk(),
    ];
    (
        prop_oneof![10 => Just("\"Feature\"".to_string()), 1 => value().prop_map(|v| v.text(false).to_string())],
        prop_oneof![10 => Just("\"Point\"".to_string()), 1 => value().prop_map(|v| v.text(true).to_string())],
        coordinates,
        value(),
        proptest::collection::vec(value(), 7),
        proptest::option::weighted(
            0.2,
            (
                any::<usize>(),
                prop_oneof![
                    Just(' '),
                    Just('"'),
                    Just('\\'),
                    Just(','),
                    Just('1'),
                    Just('e'),
                    Just('}'),
                    Just('\t'),
                    Just('\u{1}'),
                ],
                0u8..4,
            )
                .prop_map(|(at, c, how)| Tweak { at, c, how }),
        ),
    )
        .prop_map(
            |(kind, geometry_kind, coordinates, id, properties, tweak)| Values {
                kind,
                geometry_kind,
                coordinates,
                id,
                properties,
                tweak,
            },
        )
}

fn render(l: &Layout, v: &Values) -> String {
    let s = l.space;
    let join = |m: Vec<String>| format!("{{{s}{}{s}}}", m.join(&format!("{s},{s}")));
    let mut geometry = vec![
        format!("\"type\":{s}{}", v.geometry_kind),
        format!("\"coordinates\":{s}{}", v.coordinates),
    ];
    if l.geometry_swapped {
        geometry.reverse();
    }
    if let Some(b) = &l.bbox {
        geometry.push(format!("\"bbox\":{b}"));
    }
    let properties: Vec<String> = l
        .properties
        .iter()
        .zip(&v.properties)
        .map(|((k, numeric), x)| format!("\"{k}\":{}", x.text(*numeric)))
        .collect();
    let top = l
        .top
        .iter()
        .map(|&k| match k {
            "type" => format!("\"type\":{}", v.kind),
            "geometry" => format!("\"geometry\":{}", join(geometry.clone())),
            "properties" => format!("\"properties\":{}", join(properties.clone())),
            "id" => format!("\"id\":{}", v.id.text(false)),
            _ => format!("\"extra\":{}", l.extra.as_deref().unwrap_or("0")),
        })
        .collect::<Vec<_>>();
    let mut line = join(top);
    if let Some(t) = &v.tweak {
        t.apply(&mut line);
    }
    line
}

/// One character put in or swapped in a line.
#[derive(Clone, Debug)]
struct Tweak {
    at: usize,
    c: char,
    /// 0: inserted at `at`; 1: replacing the character at `at`; 2: replacing a `"`
    /// (a string slot's closing quote, say); 3: appended.
    how: u8,
}

impl Tweak {
    fn apply(&self, line: &mut String) {
        let quotes: Vec<usize> = line.match_indices('"').map(|(i, _)| i).collect();
        let mut at = self.at % (line.len() + 1);
        while !line.is_char_boundary(at) {
            at -= 1;
        }
        match self.how {
            0 => line.insert(at, self.c),
            1 | 2 => {
                let at = match (self.how, quotes.is_empty()) {
                    (2, false) => quotes[self.at % quotes.len()],
                    _ => at,
                };
                if let Some(old) = line[at..].chars().next() {
                    line.replace_range(at..at + old.len_utf8(), self.c.encode_utf8(&mut [0; 4]));
                }
            }
            _ => line.push(self.c),
        }
    }
}

/// Runs of lines from one to three layouts, mixed.
pub(crate) fn shaped_lines() -> impl Strategy<Value = Vec<String>> {
    (
        proptest::collection::vec(layout(), 1..4),
        proptest::collection::vec((any::<prop::sample::Index>(), values()), 1..24),
    )
        .prop_map(|(layouts, lines)| {
            lines
                .iter()
                .map(|(which, v)| render(which.get(&layouts), v))
                .collect()
        })
}

/// The generated runs exercise the layout path: most lines of a one-layout run hit it.
#[test]
fn generated_runs_mostly_hit_the_learned_layout() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let (mut hits, mut misses) = (0, 0);
    for _ in 0..300 {
        let l = layout().new_tree(&mut runner).unwrap().current();
        let first = render(&l, &values().new_tree(&mut runner).unwrap().current());
        let Some(shape) = FeatureShape::learn(&first) else {
            continue;
        };
        for _ in 0..10 {
            let line = render(&l, &values().new_tree(&mut runner).unwrap().current());
            match read(&shape, &line) {
                Some(got) => {
                    assert_eq!(Ok(got), careful(&line), "{line}");
                    hits += 1;
                }
                None => misses += 1,
            }
        }
    }
    assert!(hits > 200 && misses > 200, "hits {hits}, misses {misses}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Lines in layouts: each read as the scanner alone reads it, and as serde does.
    #[test]
    fn lines_in_layouts_are_read_as_the_scanner_and_serde_read_them(lines in shaped_lines()) {
        check_lines(&lines)?;
    }

    /// Lines of any shape (the scanner's generator: members in any order, whitespace,
    /// escapes, duplicates): the same.
    #[test]
    fn lines_of_any_shape_are_read_as_the_scanner_and_serde_read_them(
        lines in proptest::collection::vec(crate::feature_scan::tests::feature_line(), 1..12),
    ) {
        check_lines(&lines)?;
    }

    /// A layout learned from one line, read on lines of another layout, or the same
    /// layout with other values: never read otherwise than serde.
    #[test]
    fn a_learned_layout_reads_only_what_serde_reads_the_same(
        l in layout(),
        first in values(),
        second in values(),
        other in layout(),
    ) {
        let first = render(&l, &first);
        if let Some(shape) = FeatureShape::learn(&first) {
            prop_assert_eq!(Ok(read(&shape, &first).unwrap()), careful(&first));
            for line in [render(&l, &second), render(&other, &second)] {
                if let Some(got) = read(&shape, &line) {
                    prop_assert_eq!(Some(got.clone()), fast(&line), "{}", line);
                    prop_assert_eq!(Ok(got), careful(&line), "{}", line);
                }
            }
        }
    }
}
