//! Hand-placed reports against the Sirte scenario, with expected outcomes worked out
//! independently (tests/fixtures/sirte_hand/: Python geographiclib and shapely, and a
//! reason written by hand for every row — see its README). Never the engine's own output.

use std::collections::BTreeMap;

use crate::support::{all_reports, repo_file, sirte_checker};

const TOLERANCE_M: f64 = 0.5;

#[derive(Debug)]
struct Expected {
    rule_id: String,
    zone_id: String,
    kind: String,
    confidence: String,
    depth_m: f64,
    reason: String,
}

#[test]
fn hand_placed_reports_give_the_expected_violations() {
    let checker = sirte_checker();
    let reports = all_reports("tests/fixtures/sirte_hand/reports.csv");
    assert!(reports.len() >= 20, "only {} hand cases", reports.len());

    let mut expected: BTreeMap<String, Vec<Expected>> = BTreeMap::new();
    let expected_text = repo_file("tests/fixtures/sirte_hand/expected.csv");
    let mut csv = csv::Reader::from_reader(expected_text.as_bytes());
    for row in csv.records() {
        let row = row.unwrap();
        expected
            .entry(row[0].to_string())
            .or_default()
            .push(Expected {
                rule_id: row[1].to_string(),
                zone_id: row[2].to_string(),
                kind: row[3].to_string(),
                confidence: row[4].to_string(),
                depth_m: row[5].parse().unwrap(),
                reason: row[6].to_string(),
            });
    }
    let known: std::collections::HashSet<&str> = reports.iter().map(|r| r.id.as_str()).collect();
    for id in expected.keys() {
        assert!(
            known.contains(id.as_str()),
            "expected.csv names unknown report {id}"
        );
    }

    let mut failures = Vec::new();
    for report in &reports {
        let got = checker
            .check(report)
            .unwrap_or_else(|e| panic!("{}: {e}", report.id));
        let want = expected.get(&report.id).map(Vec::as_slice).unwrap_or(&[]);
        let got_rows: Vec<(String, String, String, String, f64)> = got
            .iter()
            .map(|v| {
                (
                    checker.rule_id(v.rule).to_string(),
                    checker.zone_id(v.zone).to_string(),
                    checker.rule_kind(v.rule).to_string(),
                    v.confidence.name().to_string(),
                    v.depth_m,
                )
            })
            .collect();
        let matches = got_rows.len() == want.len()
            && got_rows.iter().zip(want).all(|(g, w)| {
                g.0 == w.rule_id
                    && g.1 == w.zone_id
                    && g.2 == w.kind
                    && g.3 == w.confidence
                    && (g.4 - w.depth_m).abs() <= TOLERANCE_M
            });
        if !matches {
            failures.push(format!(
                "report {}:\n  expected {:#?}\n  got {:#?}",
                report.id, want, got_rows
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} hand cases differ:\n{}",
        failures.len(),
        reports.len(),
        failures.join("\n")
    );
    // Every expectation carries its reason, written by hand.
    assert!(
        expected
            .values()
            .flatten()
            .all(|e| !e.reason.trim().is_empty())
    );
}
