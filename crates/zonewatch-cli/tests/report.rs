//! `zonewatch check --report FILE.html`: the page's embedded data against what is known
//! independently — digests from `sha256sum`, counts from the run's own CSV outputs and
//! from a hand-worked scenario. The page in a real browser: tests/browser.rs.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn zonewatch(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zonewatch"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run zonewatch")
}

/// The JSON object a report page embeds.
fn page_data(html: &str) -> Value {
    let open = r#"<script type="application/json" id="zonewatch-data">"#;
    let start = html.find(open).expect("the data element") + open.len();
    let end = start + html[start..].find("</script>").expect("its end");
    serde_json::from_str(&html[start..end]).expect("the data is JSON")
}

const ZONES: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"dmz","properties":{"name":"The DMZ","radius_m":10000},"geometry":{"type":"Point","coordinates":[16.0,30.0]}},
{"type":"Feature","id":"camp","properties":{"name":"Camp </script> & co","radius_m":5000},"geometry":{"type":"Point","coordinates":[16.0,31.0]}}]}
"#;

const RULES: &str = r#"[[rule]]
id = "no_dmz"
kind = "keep_out"
zones = ["dmz"]

[[rule]]
id = "camps"
kind = "stay_in"
zones = ["home"]
from = "2021-01-01T12:00:00Z"
"#;

const UNITS: &str = "unit_id,side,class,role,foreign,home\nU,A,tank,military,false,camp\nG,A,tank,military,false,camp\n";

/// U crosses the DMZ (u1, u2 inside); one row is bad, one an exact duplicate of u1.
const REPORTS: &str = "report_id,unit_id,time,lon,lat
u0,U,2021-01-01T00:00:00Z,16.0,30.2
u1,U,2021-01-01T01:00:00Z,16.0,30.0
u2,U,2021-01-01T02:00:00Z,16.0,30.05
bad,U,2021-01-01T02:30:00Z,16.0,north
u3,U,2021-01-01T03:00:00Z,16.0,30.2
u4,U,2021-01-01T13:00:00Z,16.0,31.0
g0,G,2021-01-01T10:00:00Z,16.0,31.0
dup,U,2021-01-01T01:00:00Z,16.0,30.0
";

/// G 17 km out of its camp after the deadline; blank lines after the closing bracket,
/// which a GeoJSON reader need not read.
const MORE: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"report_id":"g1","unit_id":"G","time":"2021-01-01T14:00:00Z"},"geometry":{"type":"Point","coordinates":[16.0,31.2]}}]}


"#;

fn setup(dir: &Path) {
    for (name, text) in [
        ("zones.geojson", ZONES),
        ("rules.toml", RULES),
        ("units.csv", UNITS),
        ("reports.csv", REPORTS),
        ("more.geojson", MORE),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

const AGREEMENT: [&str; 3] = [
    "--zones=zones.geojson",
    "--rules=rules.toml",
    "--units=units.csv",
];

#[test]
fn the_report_lists_every_input_with_its_sha256_and_the_run_accounting() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let mut args = vec!["check"];
    args.extend(AGREEMENT);
    args.extend([
        "-o",
        "v.csv",
        "--incidents",
        "i.csv",
        "--report",
        "r.html",
        "reports.csv",
        "more.geojson",
    ]);
    let out = zonewatch(dir.path(), &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    let data = page_data(&html);

    // Digests from `sha256sum` over the files above.
    let inputs: Vec<(&str, &str, u64, &str)> = data["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["role"].as_str().unwrap(),
                f["name"].as_str().unwrap(),
                f["bytes"].as_u64().unwrap(),
                f["sha256"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        inputs,
        vec![
            (
                "zones",
                "zones.geojson",
                ZONES.len() as u64,
                "f367782135ade4826703760dabca44135eb2b4a97703944b4a771c2abd045884"
            ),
            (
                "rules",
                "rules.toml",
                RULES.len() as u64,
                "5d3745e56720c464ba459c24022abadb2b3bbc082327b0d9096952ab84451eaf"
            ),
            (
                "units",
                "units.csv",
                UNITS.len() as u64,
                "7ba29d1d6c9e23b64e0c225ab6188e9374174ecf4bdd167c6ae820240aee8b22"
            ),
            (
                "reports",
                "reports.csv",
                REPORTS.len() as u64,
                "18164b30694f5bcb27db91b7f6cde9adb4ccc6469bab1bc02749d8a1354f7846"
            ),
            (
                "reports",
                "more.geojson",
                MORE.len() as u64,
                "1d2cc746065779a0fc167b67c31936e28c4b0ef81ef9bb321fa3909445680c1b"
            ),
        ]
    );

    // 9 rows read: 7 checked, 1 rejected (lat "north"), 1 duplicate (dup = u1).
    let a = &data["accounting"];
    assert_eq!(
        [&a["read"], &a["checked"], &a["rejected"], &a["duplicates"]],
        [9, 7, 1, 1]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("reports: 9 read = 7 checked + 1 rejected + 1 duplicates"));

    // Violations: u1 and u2 in the DMZ, g1 out of camp after the deadline; counts and
    // incidents agree with the run's own CSV outputs.
    let rows = |f: &str| {
        std::fs::read_to_string(dir.path().join(f))
            .unwrap()
            .lines()
            .count()
            - 1
    };
    assert_eq!(a["violations"], 3);
    assert_eq!(a["violations"], rows("v.csv") as u64);
    assert_eq!(data["points"]["total"], 3);
    assert_eq!(
        data["points"]["lat"],
        serde_json::json!([3_000_000, 3_005_000, 3_120_000])
    );
    assert_eq!(data["points"]["c"], serde_json::json!([1, 1, 1]));
    assert_eq!(data["incidents"].as_array().unwrap().len(), rows("i.csv"));
    assert_eq!(data["incidentsTotal"], 2);

    // The zones by role, with names; the name that tries to end the script is escaped.
    let zones: Vec<(&str, &str, &str)> = data["zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| {
            (
                z["id"].as_str().unwrap(),
                z["role"].as_str().unwrap(),
                z["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        zones,
        vec![
            ("dmz", "forbidden", "circle"),
            ("camp", "allowed", "circle")
        ]
    );
    assert_eq!(data["zones"][1]["name"], "Camp </script> & co");
    assert_eq!(html.matches("</script>").count(), 2, "only the page's own");

    // Compliance of the deadline rule: on 2021-01-01, G outside (g1), U inside (u4).
    assert_eq!(data["compliance"][0]["rule"], "camps");
    let day = &data["compliance"][0]["days"][0];
    assert_eq!(day[0], "2021-01-01");
    assert_eq!([&day[1], &day[2], &day[3]], [2, 1, 1]);

    // Nothing to fetch: no external references at all.
    for needle in ["http://", "https://", "<link", " src="] {
        let hits: Vec<_> = html
            .match_indices(needle)
            .map(|(i, _)| &html[i..(i + 40).min(html.len())])
            .filter(|s| !s.starts_with("http://www.w3.org/2000/svg"))
            .collect();
        assert!(hits.is_empty(), "{needle}: {hits:?}");
    }
}

#[test]
fn a_report_read_from_stdin_is_hashed_as_it_streams() {
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_zonewatch"))
        .args([
            "check",
            "--input-format=geojson",
            "-q",
            "-o",
            "v.csv",
            "--report",
            "r.html",
        ])
        .args(AGREEMENT)
        .arg("-")
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(MORE.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    let data = page_data(&std::fs::read_to_string(dir.path().join("r.html")).unwrap());
    let stdin = &data["inputs"][3];
    assert_eq!(stdin["name"], "stdin");
    assert_eq!(
        stdin["sha256"],
        "1d2cc746065779a0fc167b67c31936e28c4b0ef81ef9bb321fa3909445680c1b"
    );
}

#[test]
fn the_embedded_scenario_report_names_the_embedded_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = zonewatch(
        dir.path(),
        &["check", "-q", "-o", "v.csv", "--report", "r.html"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = page_data(&std::fs::read_to_string(dir.path().join("r.html")).unwrap());
    let repo = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/sirte/");
    let names: Vec<&str> = data["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "<embedded>/sirte/zones.geojson",
            "<embedded>/sirte/rules.toml",
            "<embedded>/sirte/units.csv",
            "<embedded>/sirte/reports.csv"
        ]
    );
    for (f, file) in data["inputs"].as_array().unwrap().iter().zip([
        "zones.geojson",
        "rules.toml",
        "units.csv",
        "reports.csv",
    ]) {
        let bytes = std::fs::read(format!("{repo}{file}")).unwrap();
        assert_eq!(f["bytes"], bytes.len() as u64, "{file}");
        use sha2::Digest as _;
        let hex: String = sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(f["sha256"], hex, "{file}");
    }
    let zones: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{repo}zones.geojson")).unwrap())
            .unwrap();
    assert_eq!(
        data["zones"].as_array().unwrap().len(),
        zones["features"].as_array().unwrap().len()
    );
    assert!(
        !data["outline"].as_array().unwrap().is_empty(),
        "the Libya outline"
    );
}

#[test]
fn the_report_is_a_file_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["check", "--report", "-"][..],
        &["check", "-o", "same.html", "--report", "same.html"][..],
        &[
            "check",
            "--incidents",
            "same.html",
            "--report",
            "./same.html",
        ][..],
    ] {
        let out = zonewatch(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--report"), "{args:?}: {stderr}");
        assert!(!dir.path().join("same.html").exists(), "{args:?}");
    }
}
