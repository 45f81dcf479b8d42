//! The whole Sirte scenario against the independent Python oracle
//! (tests/fixtures/sirte_hand/oracle.py: shapely covers, geographiclib distances, its own
//! segment minimisation; rows in tests/fixtures/sirte_full/expected.csv, made by
//! `compute_expected.py --scenario-rows`). Every one of the 6 476 reports is checked by the
//! engine and every row must match: same rows in the same order, same confidence, depth
//! within 2 cm (the oracle rounds to 1 cm and samples segments before refining).

use std::path::Path;

use zonewatch::core::{Checker, Report};
use zonewatch::io::{ReportFormat, ReportReader, load_agreement};

const DEPTH_TOLERANCE_M: f64 = 0.02;

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

#[test]
fn every_row_of_the_sirte_scenario_matches_the_python_oracle() {
    let (zones, rules, units) = (
        read("data/sirte/zones.geojson"),
        read("data/sirte/rules.toml"),
        read("data/sirte/units.csv"),
    );
    let checker = Checker::new(
        load_agreement(
            (&zones, "zones.geojson"),
            (&rules, "rules.toml"),
            Some((&units, "units.csv")),
        )
        .unwrap(),
    );
    let text = read("data/sirte/reports.csv");
    let mut reader = ReportReader::new(
        Box::new(std::io::Cursor::new(text.into_bytes())),
        ReportFormat::Csv,
        "reports.csv",
    )
    .unwrap();
    let (mut reports, mut lines, mut rejects) = (Vec::<Report>::new(), Vec::new(), Vec::new());
    while reader
        .read_chunk_with_lines(100_000, &mut reports, &mut lines, &mut rejects)
        .unwrap()
    {}
    assert!(rejects.is_empty(), "{rejects:?}");
    assert_eq!(reports.len(), 6476);

    let mut got = Vec::new();
    for (report, result) in reports.iter().zip(checker.check_batch(&reports)) {
        for v in result.unwrap_or_else(|e| panic!("{}: {e}", report.id)) {
            got.push((
                report.id.clone(),
                checker.rule_id(v.rule).to_string(),
                checker.zone_id(v.zone).to_string(),
                checker.rule_kind(v.rule).to_string(),
                v.confidence.name().to_string(),
                v.depth_m,
            ));
        }
    }
    let expected = read("tests/fixtures/sirte_full/expected.csv");
    let mut csv = csv::Reader::from_reader(expected.as_bytes());
    let want: Vec<(String, String, String, String, String, f64)> = csv
        .records()
        .map(|r| r.unwrap())
        .map(|r| {
            (
                r[0].into(),
                r[1].into(),
                r[2].into(),
                r[3].into(),
                r[4].into(),
                r[5].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(want.len(), 1552);

    let mut diffs = Vec::new();
    for i in 0..got.len().max(want.len()) {
        let (g, w) = (got.get(i), want.get(i));
        let same = match (g, w) {
            (Some(g), Some(w)) => {
                g.0 == w.0
                    && g.1 == w.1
                    && g.2 == w.2
                    && g.3 == w.3
                    && g.4 == w.4
                    && (g.5 - w.5).abs() <= DEPTH_TOLERANCE_M
            }
            _ => false,
        };
        if !same {
            diffs.push(format!("row {i}: engine {g:?}\n        oracle {w:?}"));
            if diffs.len() == 10 {
                break;
            }
        }
    }
    assert!(
        diffs.is_empty(),
        "{} rows vs {} expected; first differences:\n{}",
        got.len(),
        want.len(),
        diffs.join("\n")
    );
}
