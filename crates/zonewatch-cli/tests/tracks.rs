//! `zonewatch check --incidents/--events/--compliance`, on a hand-worked track.
//!
//! Zones: a 10 km DMZ centred at 16°E 30°N and a 5 km camp at 16°E 31°N; units move along
//! the meridian 16°E, where 0.01° of latitude is ~1.109 km.

use std::path::Path;
use std::process::{Command, Output};

fn zonewatch(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zonewatch"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run zonewatch")
}

const ZONES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"dmz","properties":{"radius_m":10000},"geometry":{"type":"Point","coordinates":[16.0,30.0]}},
{"type":"Feature","id":"camp","properties":{"radius_m":5000},"geometry":{"type":"Point","coordinates":[16.0,31.0]}}]}"#;

const RULES: &str = r#"
[[rule]]
id = "no_dmz"
kind = "keep_out"
zones = ["dmz"]
min_duration = "1h"
min_reports = 2

[[rule]]
id = "camps"
kind = "stay_in"
zones = ["home"]
from = "2021-01-01T12:00:00Z"
"#;

const UNITS: &str = "unit_id,side,class,role,foreign,home\nU,A,tank,military,false,camp\nG,A,tank,military,false,camp\n";

/// U crosses the DMZ (01:00–02:00) and is home by 13:00; G is home at 10:00 but 17 km
/// out at 14:00, after the 12:00 deadline. One row is an exact duplicate.
const REPORTS: [&str; 8] = [
    "u0,U,2021-01-01T00:00:00Z,16.0,30.2",
    "u1,U,2021-01-01T01:00:00Z,16.0,30.0",
    "u2,U,2021-01-01T02:00:00Z,16.0,30.05",
    "u3,U,2021-01-01T03:00:00Z,16.0,30.2",
    "u4,U,2021-01-01T13:00:00Z,16.0,31.0",
    "g0,G,2021-01-01T10:00:00Z,16.0,31.0",
    "g1,G,2021-01-01T14:00:00Z,16.0,31.2",
    "dup,U,2021-01-01T01:00:00Z,16.0,30.0",
];

fn setup(dir: &Path, rows: &[&str]) {
    std::fs::write(dir.join("zones.geojson"), ZONES).unwrap();
    std::fs::write(dir.join("rules.toml"), RULES).unwrap();
    std::fs::write(dir.join("units.csv"), UNITS).unwrap();
    let mut csv = String::from("report_id,unit_id,time,lon,lat\n");
    for r in rows {
        csv.push_str(r);
        csv.push('\n');
    }
    std::fs::write(dir.join("reports.csv"), csv).unwrap();
}

fn run(dir: &Path, threads: &str, incidents: &str) -> Output {
    zonewatch(
        dir,
        &[
            "check",
            "--zones=zones.geojson",
            "--rules=rules.toml",
            "--units=units.csv",
            "--threads",
            threads,
            "-o",
            "violations.csv",
            "--incidents",
            incidents,
            "--events=events.ndjson",
            "--compliance=compliance.csv",
            "reports.csv",
        ],
    )
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn incidents_events_and_compliance_worked_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path(), &REPORTS);
    let out = run(dir.path(), "2", "incidents.csv");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("reports: 8 read = 7 checked + 0 rejected + 1 duplicates"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "compliance camps: 2021-01-01: 1 of 2 units inside; 1 outside, furthest G 17 km"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("incidents: 2 (2 sustained, 0 transient; 2 confirmed)"),
        "{stderr}"
    );

    let incidents = read(dir.path(), "incidents.csv");
    let rows: Vec<Vec<&str>> = incidents.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 3, "{incidents}");
    // incident_id, unit, rule, zone, kind, start, end, duration_s, reports, suspect,
    // max_depth_m, confidence, status, ended_by.
    assert_eq!(
        rows[1][..14],
        [
            "U/no_dmz/dmz/2021-01-01T01:00:00Z",
            "U",
            "no_dmz",
            "dmz",
            "keep_out",
            "2021-01-01T01:00:00Z",
            "2021-01-01T02:00:00Z",
            "3600",
            "2",
            "0",
            "10000.00",
            "confirmed",
            "sustained",
            "compliant",
        ]
    );
    // G at 31.2°N: ~22.2 km from the camp's centre, ~17.2 km outside it. One report, but
    // the camps rule has the default thresholds (1 report, 0 s): sustained.
    assert_eq!(
        rows[2][..10],
        [
            "G/camps/camp/2021-01-01T14:00:00Z",
            "G",
            "camps",
            "camp",
            "stay_in",
            "2021-01-01T14:00:00Z",
            "2021-01-01T14:00:00Z",
            "0",
            "1",
            "0",
        ]
    );
    let depth: f64 = rows[2][10].parse().unwrap();
    assert!((depth - 17_170.0).abs() < 100.0, "{depth}");
    assert_eq!(rows[2][13], "end_of_data");

    let events: Vec<String> = read(dir.path(), "events.ndjson")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            format!(
                "{} {} {} {} {}",
                v["event"], v["unit_id"], v["rule_id"], v["zone_id"], v["time"]
            )
            .replace('"', "")
        })
        .collect();
    assert_eq!(
        events,
        [
            "enter U no_dmz dmz 2021-01-01T01:00:00Z",
            "exit U no_dmz dmz 2021-01-01T03:00:00Z",
            "inside U camps camp 2021-01-01T13:00:00Z",
            "outside G camps camp 2021-01-01T14:00:00Z",
        ]
    );
    let compliance = read(dir.path(), "compliance.csv");
    let lines: Vec<&str> = compliance.lines().collect();
    assert_eq!(
        lines[0],
        "date,rule_id,covered_units,inside,outside,deadline_passed,furthest_unit,furthest_m"
    );
    assert!(
        lines[1].starts_with("2021-01-01,camps,2,1,1,true,G,171"),
        "{compliance}"
    );
    assert_eq!(lines.len(), 2);
}

#[test]
fn track_outputs_do_not_depend_on_input_order_or_threads() {
    let a = tempfile::tempdir().unwrap();
    setup(a.path(), &REPORTS);
    assert!(run(a.path(), "1", "incidents.geojson").status.success());
    let b = tempfile::tempdir().unwrap();
    let mut reversed = REPORTS;
    reversed.reverse();
    setup(b.path(), &reversed);
    assert!(run(b.path(), "3", "incidents.geojson").status.success());
    for f in ["incidents.geojson", "events.ndjson", "compliance.csv"] {
        assert_eq!(read(a.path(), f), read(b.path(), f), "{f}");
    }
    let v: serde_json::Value = serde_json::from_str(&read(a.path(), "incidents.geojson")).unwrap();
    assert_eq!(v["features"][0]["geometry"]["type"], "LineString");
    assert_eq!(
        v["features"][0]["geometry"]["coordinates"],
        serde_json::json!([[16.0, 30.0], [16.0, 30.05]])
    );
}

#[test]
fn a_glitch_is_suspect_unless_the_class_may_go_that_fast() {
    // U (a tank) reports every 30 min ~400 km north of the DMZ; at 01:30 one report puts
    // it in the DMZ's centre: ~800 km/h. Suspect under the default 150 km/h, so the
    // one-report incident is only possible; with --max-speed tank=2000 it is believed.
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<String> = (0..6)
        .map(|k| {
            let lat = if k == 3 { "30.0" } else { "33.6" };
            format!(
                "r{k},U,2021-01-01T{:02}:{:02}:00Z,16.0,{lat}",
                k / 2,
                (k % 2) * 30
            )
        })
        .collect();
    let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
    setup(dir.path(), &rows);
    let out = run(dir.path(), "2", "incidents.csv");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("suspect reports (impossible speed): 1"),
        "{stderr}"
    );
    let incidents = read(dir.path(), "incidents.csv");
    let row: Vec<&str> = incidents.lines().nth(1).unwrap().split(',').collect();
    // reports, suspect_reports, max_depth_m, confidence, status: the centre of the 10 km
    // DMZ; transient too (no_dmz wants 1 h and 2 reports).
    assert_eq!(row[8..13], ["1", "1", "10000.00", "possible", "transient"]);

    let believed = zonewatch(
        dir.path(),
        &[
            "check",
            "--zones=zones.geojson",
            "--rules=rules.toml",
            "--units=units.csv",
            "-o",
            "violations.csv",
            "--incidents=incidents.csv",
            "--max-speed",
            "tank=2000",
            "reports.csv",
        ],
    );
    let stderr = String::from_utf8_lossy(&believed.stderr);
    assert!(
        stderr.contains("suspect reports (impossible speed): 0"),
        "{stderr}"
    );
    let incidents = read(dir.path(), "incidents.csv");
    let row: Vec<&str> = incidents.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row[8..10], ["1", "0"]);

    let bad = zonewatch(dir.path(), &["check", "--max-speed", "tank", "reports.csv"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected CLASS=KMH"));
}
