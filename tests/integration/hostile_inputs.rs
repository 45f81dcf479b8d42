//! The fuzz targets' properties on stable Rust, so that CI catches regressions without
//! nightly or cargo-fuzz: every file of the hostile corpus (`tests/fixtures/hostile/`) and
//! of the committed fuzz corpus (`fuzz/corpus/`) replayed through the parsers, random
//! mutations of the hostile files (cut, flipped, inserted and repeated bytes), and the
//! check itself on arbitrary grid geometry. Never a panic; every row read is accounted for.

use std::io::{BufReader, Cursor};
use std::path::{Path, PathBuf};

use geo_types::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};
use proptest::prelude::*;
use zonewatch::core::{
    Agreement, Checker, Report, Rule, RuleKind, RuleOptions, Shape, Timestamp, Unit,
    UnitAttributes, UnitFilter, Zone,
};
use zonewatch::io::{ReportFormat, ReportReader};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(repo().join(dir))
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

const ZONES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"radius_m":1000},"geometry":{"type":"Point","coordinates":[16,30]}},
{"type":"Feature","id":"b","properties":{},"geometry":{"type":"Polygon","coordinates":[[[16,30],[17,30],[17,31],[16,30]]]}}]}"#;
const RULES: &str = "[[rule]]\nid = \"k\"\nkind = \"keep_out\"\nzones = [\"a\", \"b\"]\nmargin_m = 500\n\
                     [[rule]]\nid = \"s\"\nkind = \"stay_in\"\nzones = [\"home\"]\n";
const UNITS: &str = "unit_id,side,home\nU1,GNA,a\nU2,LAAF,b\n";

fn agreement_files(zones: &str, rules: &str, units: &str) {
    let _ = zonewatch::io::read_zones(zones, "zones.geojson");
    let _ = zonewatch::io::read_rules(rules, "rules.toml");
    let _ = zonewatch::io::read_units(units, "units.csv");
    let _ = zonewatch::io::load_agreement(
        (zones, "zones.geojson"),
        (rules, "rules.toml"),
        Some((units, "units.csv")),
    );
}

/// As the report fuzz targets: the first byte picks the chunk and buffer sizes.
fn reports(data: &[u8], format: ReportFormat, checker: &Checker) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let chunk = 1 + (first as usize % 7);
    let buffer = 1 + (first as usize >> 3) * 3;
    let input = Box::new(BufReader::with_capacity(buffer, Cursor::new(rest.to_vec())));
    let Ok(mut reader) = ReportReader::new(input, format, "fuzz") else {
        return;
    };
    let (mut reports, mut lines, mut rejects) = (Vec::new(), Vec::new(), Vec::new());
    loop {
        let before = reports.len() + rejects.len();
        match reader.read_chunk_with_lines(chunk, &mut reports, &mut lines, &mut rejects) {
            Ok(true) => assert!(reports.len() + rejects.len() > before, "no progress"),
            Ok(false) => break,
            Err(_) => return,
        }
        assert!(reports.len() + rejects.len() - before <= chunk);
    }
    assert_eq!(reader.rows_read(), (reports.len() + rejects.len()) as u64);
    assert_eq!(reports.len(), lines.len());
    for r in &reports {
        let _ = checker.check(r);
    }
}

fn checker() -> Checker {
    Checker::new(
        zonewatch::io::load_agreement(
            (ZONES, "zones.geojson"),
            (RULES, "rules.toml"),
            Some((UNITS, "units.csv")),
        )
        .unwrap(),
    )
}

fn format_of(path: &Path) -> Option<ReportFormat> {
    match path.extension()?.to_str()? {
        "csv" => Some(ReportFormat::Csv),
        "geojson" => Some(ReportFormat::GeoJson),
        "ndjson" => Some(ReportFormat::NdJson),
        _ => None,
    }
}

#[test]
fn the_committed_fuzz_corpus_replays_without_a_panic() {
    let checker = checker();
    let mut replayed = 0;
    for (target, format) in [
        ("reports_csv", ReportFormat::Csv),
        ("reports_geojson", ReportFormat::GeoJson),
        ("reports_ndjson", ReportFormat::NdJson),
    ] {
        for f in files(&format!("fuzz/corpus/{target}")) {
            // (A fuzzer running beside the tests may remove a file meanwhile.)
            let Ok(bytes) = std::fs::read(&f) else {
                continue;
            };
            reports(&bytes, format, &checker);
            replayed += 1;
        }
    }
    for target in ["zones", "rules", "units"] {
        for f in files(&format!("fuzz/corpus/{target}")) {
            let Ok(bytes) = std::fs::read(&f) else {
                continue;
            };
            let Ok(text) = std::str::from_utf8(&bytes) else {
                continue;
            };
            match target {
                "zones" => agreement_files(text, RULES, UNITS),
                "rules" => agreement_files(ZONES, text, UNITS),
                _ => agreement_files(ZONES, RULES, text),
            }
            replayed += 1;
        }
    }
    assert!(replayed > 0 || !repo().join("fuzz/corpus").exists());
}

/// Every hostile file, cut short at every length up to 300 bytes and at a few later ones.
#[test]
fn every_hostile_file_cut_anywhere_is_handled() {
    let checker = checker();
    for dir in [
        "tests/fixtures/hostile/valid",
        "tests/fixtures/hostile/reports_csv",
        "tests/fixtures/hostile/reports_geojson",
        "tests/fixtures/hostile/reports_ndjson",
        "tests/fixtures/hostile/zones",
        "tests/fixtures/hostile/rules",
        "tests/fixtures/hostile/units",
    ] {
        for f in files(dir) {
            let bytes = std::fs::read(&f).unwrap();
            let cuts = (0..bytes.len().min(300)).chain((300..bytes.len()).step_by(997));
            for cut in cuts {
                feed(&f, dir, &bytes[..cut], &checker);
            }
        }
    }
}

fn feed(path: &Path, dir: &str, bytes: &[u8], checker: &Checker) {
    if dir.contains("reports") || path.to_string_lossy().contains("reports.") {
        if let Some(format) = format_of(path) {
            let mut data = vec![5u8];
            data.extend_from_slice(bytes);
            reports(&data, format, checker);
        }
        return;
    }
    let text = String::from_utf8_lossy(bytes);
    match format_of(path) {
        Some(ReportFormat::GeoJson) => agreement_files(&text, RULES, UNITS),
        Some(ReportFormat::Csv) => agreement_files(ZONES, RULES, &text),
        _ => agreement_files(ZONES, &text, UNITS),
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Flip(usize, u8),
    Insert(usize, u8),
    Repeat(usize, usize),
    Cut(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (
            any::<usize>(),
            prop::sample::select(b"{}[]\",:0-.e\n\r\\x\xff".to_vec())
        )
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<usize>(), 1..64usize).prop_map(|(i, n)| Edit::Repeat(i, n)),
        any::<usize>().prop_map(Edit::Cut),
    ]
}

fn apply(bytes: &mut Vec<u8>, e: &Edit) {
    let n = bytes.len().max(1);
    match *e {
        Edit::Flip(i, b) if !bytes.is_empty() => bytes[i % n] ^= b,
        Edit::Insert(i, b) => bytes.insert(i % (bytes.len() + 1), b),
        Edit::Repeat(i, len) if !bytes.is_empty() => {
            let start = i % n;
            let end = (start + len).min(bytes.len());
            let slice = bytes[start..end].to_vec();
            bytes.splice(start..start, slice);
        }
        Edit::Cut(i) => bytes.truncate(i % (bytes.len() + 1)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random edits of the hostile files: what a fuzzer's mutator does, on stable.
    #[test]
    fn mutated_hostile_files_are_handled(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let mut all = Vec::new();
        for dir in ["valid", "reports_csv", "reports_geojson", "reports_ndjson", "zones", "rules", "units"] {
            let dir = format!("tests/fixtures/hostile/{dir}");
            for f in files(&dir) {
                if std::fs::metadata(&f).unwrap().len() < 20_000 {
                    all.push((dir.clone(), f));
                }
            }
        }
        let (dir, path) = &all[pick.index(all.len())];
        let mut bytes = std::fs::read(path).unwrap();
        for e in &edits {
            apply(&mut bytes, e);
        }
        feed(path, dir, &bytes, &checker());
    }

    /// The check on arbitrary geometry (as the `check` fuzz target): with accuracy 0, a
    /// keep_out of some zones without margin and a stay_in of the same zones flag exactly
    /// complementary sets of points — a point is covered by some zone or it is not.
    #[test]
    fn keep_out_and_stay_in_of_the_same_zones_are_complementary(
        zones in prop::collection::vec(zone_strategy(), 1..4),
        points in prop::collection::vec((any::<(i8, i8)>(), any::<(i16, i16)>()), 1..16),
    ) {
        let zones: Vec<Zone> = zones.into_iter().enumerate().map(|(i, shape)| Zone {
            id: format!("z{i}"),
            name: None,
            shape,
        }).collect();
        let ids: Vec<String> = zones.iter().map(|z| z.id.clone()).collect();
        let rule = |id: &str, kind| Rule {
            id: id.into(),
            kind,
            from: None,
            until: None,
            who: UnitFilter::default(),
            except: None,
            options: RuleOptions::default(),
        };
        let rules = vec![
            rule("in", RuleKind::StayIn { zones: ids.clone(), home: false }),
            rule("out", RuleKind::KeepOut { zones: ids, margin_m: 0.0 }),
        ];
        let units = vec![Unit { id: "u".into(), attributes: UnitAttributes::default(), home: None }];
        let Ok(agreement) = Agreement::new(zones, rules, units) else {
            return Ok(());
        };
        let checker = Checker::new(agreement);
        let index = |id: &str| checker.agreement().rules().iter().position(|r| r.id == id).unwrap() as u32;
        let (stay_in, keep_out) = (index("in"), index("out"));
        for (grid, nudge) in points {
            let g = at(grid);
            let position = Coord { x: g.x + nudge.0 as f64 * 1e-7, y: g.y + nudge.1 as f64 * 1e-7 };
            let report = Report {
                id: "r".into(),
                unit_id: "u".into(),
                time: Timestamp::from_unix_nanos(0),
                position,
                accuracy_m: 0.0,
                source: None,
                attributes: UnitAttributes::default(),
            };
            let flags = checker.check(&report).unwrap();
            let out = flags.iter().any(|v| v.rule.0 == keep_out);
            let inside = flags.iter().any(|v| v.rule.0 == stay_in);
            prop_assert!(out != inside, "at {:?}: keep_out {}, stay_in {}: {:?}", position, out, inside, flags);
        }
    }
}

/// Grid to lon/lat: 0.25° steps around (16, 30), so that shared vertices, collinear edges
/// and points exactly on edges are common.
fn at((x, y): (i8, i8)) -> Coord<f64> {
    Coord {
        x: 16.0 + x as f64 * 0.25,
        y: 30.0 + y as f64 * 0.25,
    }
}

fn ring(points: Vec<(i8, i8)>) -> LineString<f64> {
    let mut coords: Vec<Coord<f64>> = points.into_iter().map(at).collect();
    coords.push(coords[0]);
    LineString(coords)
}

fn zone_strategy() -> impl Strategy<Value = Shape> {
    let small = || (-8i8..8, -8i8..8);
    prop_oneof![
        (
            prop::collection::vec(small(), 3..8),
            prop::collection::vec(prop::collection::vec(small(), 3..6), 0..2),
            0u16..3
        )
            .prop_map(|(shell, holes, b)| Shape::Area {
                polygons: MultiPolygon(vec![Polygon::new(
                    ring(shell),
                    holes.into_iter().map(ring).collect()
                )]),
                buffer_m: b as f64 * 1000.0,
            }),
        (small(), 0u32..200_000).prop_map(|(c, r)| Shape::Circle {
            centre: at(c),
            radius_m: r as f64,
        }),
        (prop::collection::vec(small(), 2..5), 0u16..5000).prop_map(|(l, b)| Shape::Band {
            lines: MultiLineString(vec![LineString(l.into_iter().map(at).collect())]),
            buffer_m: b as f64,
        }),
    ]
}
