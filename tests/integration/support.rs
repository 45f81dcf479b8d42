//! What several test modules need: repository files, the Sirte agreement, whole report files.

use std::path::Path;

use zonewatch::core::{Checker, Report};
use zonewatch::io::{ReportFormat, ReportReader, load_agreement_files};

/// A file of the repository, as text.
pub fn repo_file(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The Sirte agreement as shipped in data/sirte, prepared.
pub fn sirte_checker() -> Checker {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sirte");
    let agreement = load_agreement_files(
        &dir.join("zones.geojson"),
        &dir.join("rules.toml"),
        Some(&dir.join("units.csv")),
    )
    .unwrap_or_else(|e| panic!("the Sirte scenario must load:\n{e}"));
    Checker::new(agreement)
}

/// Every report of a CSV file of the repository; the file must have no bad rows.
pub fn all_reports(name: &str) -> Vec<Report> {
    let text = repo_file(name);
    let mut reader = ReportReader::new(
        Box::new(std::io::Cursor::new(text.into_bytes())),
        ReportFormat::Csv,
        name,
    )
    .unwrap();
    let (mut reports, mut rejects) = (Vec::new(), Vec::new());
    while reader
        .read_chunk(100_000, &mut reports, &mut rejects)
        .unwrap()
    {}
    assert!(
        rejects.is_empty(),
        "{name} must have no bad rows: {rejects:?}"
    );
    reports
}
