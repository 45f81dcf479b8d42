//! Shared by the report-reader targets.
use std::io::{BufReader, Cursor};
use std::sync::OnceLock;

use zonewatch_core::Checker;
use zonewatch_io::{ReportFormat, ReportReader};

fn checker() -> &'static Checker {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| {
        let zones = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"radius_m":1000},"geometry":{"type":"Point","coordinates":[16,30]}},
{"type":"Feature","id":"b","properties":{},"geometry":{"type":"Polygon","coordinates":[[[16,30],[17,30],[17,31],[16,30]]]}}]}"#;
        let rules = "[[rule]]\nid = \"k\"\nkind = \"keep_out\"\nzones = [\"a\", \"b\"]\nmargin_m = 500\n\
                     [[rule]]\nid = \"s\"\nkind = \"stay_in\"\nzones = [\"home\"]\n";
        let units = "unit_id,side,home\nU1,GNA,a\nU2,LAAF,b\n";
        Checker::new(
            zonewatch_io::load_agreement(
                (zones, "zones.geojson"),
                (rules, "rules.toml"),
                Some((units, "units.csv")),
            )
            .unwrap(),
        )
    })
}

pub fn run(data: &[u8], format: ReportFormat) {
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
    // Accounting: every row read is a report or a reject.
    assert_eq!(reader.rows_read(), (reports.len() + rejects.len()) as u64);
    assert_eq!(reports.len(), lines.len());
    for r in &reports {
        let _ = checker().check(r);
    }
}
