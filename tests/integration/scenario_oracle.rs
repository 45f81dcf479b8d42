//! The whole Sirte scenario against the independent Python oracle
//! (tests/fixtures/sirte_hand/oracle.py: shapely covers, geographiclib distances, its own
//! segment minimisation; rows in tests/fixtures/sirte_full/expected.csv, made by
//! `compute_expected.py --scenario-rows`). Every one of the 6 476 reports is checked by the
//! engine and every row must match: same rows in the same order, same confidence, depth
//! within 2 cm (the oracle rounds to 1 cm and samples segments before refining).

use crate::support::{all_reports, repo_file, sirte_checker};

const DEPTH_TOLERANCE_M: f64 = 0.02;

#[test]
fn every_row_of_the_sirte_scenario_matches_the_python_oracle() {
    let checker = sirte_checker();
    let reports = all_reports("data/sirte/reports.csv");
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
    let expected = repo_file("tests/fixtures/sirte_full/expected.csv");
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
