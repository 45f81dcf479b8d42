//! The built `zonewatch` binary, as a user runs it: exit codes, files, messages.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn zonewatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zonewatch"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run zonewatch")
}

fn zonewatch_stdin(args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_zonewatch"))
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run zonewatch");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const HEADER: &str = "report_id,unit_id,time,lon,lat,rule_id,zone_id,kind,confidence,depth_m";

/// A small agreement of our own: a 10 km circle around Sirte that everybody but monitors
/// must keep out of.
fn small_agreement(dir: &Path) -> (String, String, String) {
    let zones = dir.join("zones.geojson");
    std::fs::write(
        &zones,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","id":"sirte","properties":{"radius_m":10000},"geometry":{"type":"Point","coordinates":[16.5886,31.2050]}}]}"#,
    )
    .unwrap();
    let rules = dir.join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"no_sirte\"\nkind = \"keep_out\"\nzones = [\"sirte\"]\n[rule.except]\nroles = [\"monitor\"]\n",
    )
    .unwrap();
    let units = dir.join("units.csv");
    std::fs::write(&units, "unit_id,side,class,role,foreign,home\nU1,GNA,infantry,military,false,\nM1,UN,,monitor,true,\n")
        .unwrap();
    (
        zones.display().to_string(),
        rules.display().to_string(),
        units.display().to_string(),
    )
}

#[test]
fn the_embedded_scenario_runs_with_no_arguments_and_matches_the_shipped_files() {
    let embedded = zonewatch(&["check"]);
    assert_eq!(
        embedded.status.code(),
        Some(0),
        "{}",
        text(&embedded.stderr)
    );
    let out = text(&embedded.stdout);
    assert!(out.starts_with(HEADER), "{out}");
    assert!(
        out.lines().count() > 10,
        "the Sirte scenario has violations"
    );
    let err = text(&embedded.stderr);
    assert!(
        err.contains(" read = ") && err.contains(" checked + ") && err.contains(" rejected"),
        "{err}"
    );

    // The same reports from the shipped file, against the embedded agreement, give the
    // same rows except the ids of reports, which are the same too (they have report_id).
    let from_file = zonewatch(&["check", "data/sirte/reports.csv"]);
    assert_eq!(
        from_file.status.code(),
        Some(0),
        "{}",
        text(&from_file.stderr)
    );
    assert_eq!(text(&from_file.stdout), out);
    // And with the agreement given explicitly as files.
    let explicit = zonewatch(&[
        "check",
        "--zones",
        "data/sirte/zones.geojson",
        "--rules",
        "data/sirte/rules.toml",
        "--units",
        "data/sirte/units.csv",
        "data/sirte/reports.csv",
    ]);
    assert_eq!(text(&explicit.stdout), out);
}

#[test]
fn output_is_identical_for_any_thread_count_and_chunk_size() {
    let base = zonewatch(&["check", "--threads", "1"]);
    assert_eq!(base.status.code(), Some(0));
    for args in [
        &["check", "--threads", "2"][..],
        &["check", "--threads", "3", "--chunk-size", "7"],
        &["check", "--chunk-size", "1"],
    ] {
        let other = zonewatch(args);
        assert_eq!(other.stdout, base.stdout, "{args:?}");
    }
}

#[test]
fn validate_accepts_the_embedded_scenario() {
    let out = zonewatch(&["validate"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("ok (embedded Sirte scenario):"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn validate_checks_zones_alone_when_no_rules_are_given() {
    let out = zonewatch(&["validate", "--zones", "data/sirte/zones.geojson"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "ok: 20 zones (no rules given: the zones were checked alone)\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.geojson");
    std::fs::write(
        &bad,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"p","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0.5]]]}}]}"#,
    )
    .unwrap();
    let out = zonewatch(&["validate", "--zones", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("feature 0"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&out.stderr).contains("not closed"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn validate_reports_every_problem_with_its_place_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let zones = dir.path().join("bad.geojson");
    std::fs::write(
        &zones,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","id":"a","properties":{},"geometry":{"type":"Point","coordinates":[16.5,31.2]}},
        {"type":"Feature","id":"b","properties":{"radius_m":-5},"geometry":{"type":"Point","coordinates":[16.5,31.2]}},
        {"type":"Feature","id":"c","properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}}]}"#,
    )
    .unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"r\"\nkind = \"keep_out\"\nzones = [\"nowhere\"]\nmragin_m = 5\n",
    )
    .unwrap();
    let out = zonewatch(&[
        "validate",
        "--zones",
        zones.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    for needle in [
        "bad.geojson",
        "feature 0",
        "radius_m",
        "feature 1",
        "feature 2",
        "intersect",
        "rules.toml",
        "mragin_m",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
}

#[test]
fn bad_rows_are_rejected_with_line_and_reason_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let (z, r, u) = small_agreement(dir.path());
    let reports = dir.path().join("reports.csv");
    std::fs::write(
        &reports,
        "report_id,unit_id,time,lon,lat,accuracy_m\n\
         a,U1,2021-02-01T00:00:00Z,16.5886,31.2050,10\n\
         b,U1,2021-02-01T00:00:00,16.5886,31.2050,10\n\
         c,U1,2021-02-01T00:00:00Z,16.5886,95.0,10\n\
         d,NOBODY,2021-02-01T00:00:00Z,16.5886,31.2050,10\n\
         e,M1,2021-02-01T00:00:00Z,16.5886,31.2050,10\n\
         f,U1,2021-02-01T00:00:00Z,18.0,31.2050,-3\n",
    )
    .unwrap();
    let rejects = dir.path().join("rejects.csv");
    let out = zonewatch(&[
        "check",
        "--zones",
        &z,
        "--rules",
        &r,
        "--units",
        &u,
        "--rejects",
        rejects.to_str().unwrap(),
        reports.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Only `a` is flagged: it is at Sirte's centre, 10 km inside; `e` is a monitor.
    let rows: Vec<String> = text(&out.stdout).lines().map(str::to_string).collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(
        rows[1].starts_with(
            "a,U1,2021-02-01T00:00:00Z,16.5886,31.205,no_sirte,sirte,keep_out,confirmed,10000.00"
        ),
        "{}",
        rows[1]
    );
    assert!(
        text(&out.stderr).contains("6 read = 2 checked + 4 rejected"),
        "{}",
        text(&out.stderr)
    );
    let rejected = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<&str> = rejected.lines().collect();
    assert_eq!(lines.len(), 5, "{rejected}");
    assert!(
        lines[1].contains(":3") || lines[1].contains(",3,"),
        "line 3 is row b: {}",
        lines[1]
    );
    assert!(lines[1].contains("time"), "{}", lines[1]);
    assert!(lines[2].contains("lat"), "{}", lines[2]);
    assert!(lines[3].contains("unknown unit"), "{}", lines[3]);
    assert!(lines[4].contains("accuracy"), "{}", lines[4]);

    // --strict stops at the first bad row, exit 2, and leaves no output file behind.
    let target = dir.path().join("out.csv");
    let strict = zonewatch(&[
        "check",
        "--zones",
        &z,
        "--rules",
        &r,
        "--units",
        &u,
        "--strict",
        "-o",
        target.to_str().unwrap(),
        reports.to_str().unwrap(),
    ]);
    assert_eq!(strict.status.code(), Some(2));
    assert!(
        text(&strict.stderr).contains("time"),
        "{}",
        text(&strict.stderr)
    );
    assert!(
        !target.exists(),
        "a failed run must not leave an output file"
    );
    assert_eq!(
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("tmp"))
            .count(),
        0
    );
}

/// The `rejected: …` lines of a run's stderr.
fn rejected_lines(err: &str) -> Vec<&str> {
    err.lines()
        .filter(|l| l.starts_with("rejected: "))
        .collect()
}

/// Without `--rejects`, the summary names the first five rejected rows, in input order
/// whatever the blocks, with their line, field and reason, and counts the rest; with
/// `--rejects` (which takes them all) or `--quiet`, stderr shows none of them. `join` too.
#[test]
fn without_a_rejects_file_the_first_rejected_rows_are_shown_with_their_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let (z, r, u) = small_agreement(dir.path());
    let reports = dir.path().join("reports.csv");
    let mut csv = String::from("report_id,unit_id,time,lon,lat,accuracy_m\n");
    // Lines 2..=21: every third row bad, each in its own way (line 3, 6, 9, ...).
    for i in 0..20 {
        let row = match i % 3 {
            1 => format!("r{i},U1,2021-02-01T00:00:00Z,16.5886,abc{i},10"),
            _ => format!("r{i},U1,2021-02-01T00:00:00Z,16.5886,31.2050,10"),
        };
        writeln!(csv, "{row}").unwrap();
    }
    std::fs::write(&reports, csv).unwrap();
    let bad_lines: Vec<u64> = (0..20).filter(|i| i % 3 == 1).map(|i| i + 2).collect();
    assert_eq!(bad_lines.len(), 7);
    let rejects = dir.path().join("rejects.csv");
    let (reports, rejects) = (reports.to_str().unwrap(), rejects.to_str().unwrap());
    let agreement = ["--zones", &z, "--rules", &r, "--units", &u];
    for chunk in ["65536", "2"] {
        let check = [
            &["check"][..],
            &agreement,
            &["--chunk-size", chunk, reports],
        ]
        .concat();
        let out = zonewatch(&check);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let err = text(&out.stderr);
        let shown = rejected_lines(&err);
        assert_eq!(shown.len(), 6, "{err}");
        for (line, k) in shown.iter().zip(&bad_lines) {
            let i = k - 2;
            if line.contains("more") {
                break;
            }
            let expected = format!("rejected: {reports}:{k}: lat: \"abc{i}\" is not a number");
            assert_eq!(*line, expected, "{err}");
        }
        assert!(
            shown[5].starts_with("rejected: … and 2 more (--rejects FILE"),
            "{err}"
        );
        assert!(err.contains("20 read = 13 checked + 7 rejected"), "{err}");

        let join = ["join", "--zones", &z, "--chunk-size", chunk, reports];
        let out = zonewatch(&join);
        let err = text(&out.stderr);
        let shown = rejected_lines(&err);
        assert_eq!(shown.len(), 6, "{err}");
        assert!(
            shown[0].ends_with(":3: lat: \"abc1\" is not a number"),
            "{err}"
        );
        assert!(
            shown[4].ends_with(":15: lat: \"abc13\" is not a number"),
            "{err}"
        );
    }
    for extra in [&["--rejects", rejects][..], &["--quiet"]] {
        let check = [&["check"][..], &agreement, extra, &[reports]].concat();
        let out = zonewatch(&check);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert!(
            !text(&out.stderr).contains("rejected: "),
            "{}",
            text(&out.stderr)
        );
        let join = [&["join", "--zones", &z][..], extra, &[reports]].concat();
        let out = zonewatch(&join);
        assert!(
            !text(&out.stderr).contains("rejected: "),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn fail_on_violation_exits_1_and_formats_follow_the_flag_or_extension() {
    let dir = tempfile::tempdir().unwrap();
    let (z, r, u) = small_agreement(dir.path());
    let csv = "unit_id,time,lon,lat\nU1,2021-02-01T00:00:00+02:00,16.5886,31.2050\nU1,2021-02-01T00:00:00Z,17.5,31.2\n";
    let out = zonewatch_stdin(
        &[
            "check",
            "--zones",
            &z,
            "--rules",
            &r,
            "--units",
            &u,
            "--fail-on-violation",
            "-",
        ],
        csv,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    // Generated id from stdin and line; time converted to UTC.
    assert!(
        text(&out.stdout).contains("\nstdin:2,U1,2021-01-31T22:00:00Z,"),
        "{}",
        text(&out.stdout)
    );

    let geo = dir.path().join("v.geojson");
    let out = zonewatch_stdin(
        &[
            "check",
            "--zones",
            &z,
            "--rules",
            &r,
            "--units",
            &u,
            "-o",
            geo.to_str().unwrap(),
            "-",
        ],
        csv,
    );
    assert_eq!(out.status.code(), Some(0));
    let fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&geo).unwrap()).unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    let f = &fc["features"][0];
    assert_eq!(f["geometry"]["type"], "Point");
    assert_eq!(f["geometry"]["coordinates"][0], 16.5886);
    assert_eq!(f["properties"]["rule_id"], "no_sirte");
    assert_eq!(f["properties"]["confidence"], "confirmed");
    assert_eq!(fc["features"].as_array().unwrap().len(), 1);

    let out = zonewatch_stdin(
        &[
            "check", "--zones", &z, "--rules", &r, "--units", &u, "--format", "ndjson", "-",
        ],
        csv,
    );
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["properties"]["zone_id"], "sirte");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        zonewatch(&["check", "--zones", "x.geojson"]).status.code(),
        Some(2)
    );
    assert_eq!(zonewatch(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        zonewatch(&["check", "--threads", "0"]).status.code(),
        Some(2)
    );
    let out = zonewatch(&["check", "no/such/file.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no/such/file.csv"),
        "{}",
        text(&out.stderr)
    );
    let out = zonewatch(&["check", "reports.xyz"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn join_agrees_with_geos_on_the_fixture() {
    // Expected pairs were computed by shapely/GEOS (tests/fixtures/join/make_expected.py).
    for (predicate, expected) in [
        ("covers", "expected_covers.csv"),
        ("contains", "expected_contains.csv"),
    ] {
        let out = zonewatch(&[
            "join",
            "--zones",
            "tests/fixtures/join/zones.geojson",
            "--predicate",
            predicate,
            "tests/fixtures/join/points.csv",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let want =
            std::fs::read_to_string(repo().join("tests/fixtures/join").join(expected)).unwrap();
        assert_eq!(
            text(&out.stdout).replace("\r\n", "\n"),
            want.replace("\r\n", "\n"),
            "{predicate}"
        );
    }
}

/// A point without an id is named by its data row number, which counts the rows of the
/// blocks and pieces before it; rows with ids are formatted as soon as their piece is
/// joined, the others later. Every third id blanked, in blocks from one row to all.
#[test]
fn join_numbers_points_without_ids_by_row_whatever_the_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = repo().join("tests/fixtures/join");
    let points = std::fs::read_to_string(fixture.join("points.csv")).unwrap();
    // `p0003`, `p0006`, …; not the header.
    let blank = |id: &str| id[1..].parse::<u64>().is_ok_and(|n| n % 3 == 0);
    let mut csv = String::new();
    for (i, line) in points.lines().enumerate() {
        let (id, rest) = line.split_once(',').unwrap();
        // The fixture's ids are `p0001`, … in row order: row n (from 0) is `p{n+1}`.
        assert!(i == 0 || id == format!("p{i:04}"), "{line}");
        let id = if i > 0 && blank(id) { "" } else { id };
        writeln!(csv, "{id},{rest}").unwrap();
    }
    let path = dir.path().join("points.csv");
    std::fs::write(&path, csv).unwrap();
    // GEOS's pairs, the blanked ids turned into row numbers.
    let mut want = String::new();
    for line in std::fs::read_to_string(fixture.join("expected_covers.csv"))
        .unwrap()
        .lines()
    {
        match line.split_once(',') {
            Some((id, zone)) if blank(id) => {
                let row = id[1..].parse::<u64>().unwrap() - 1;
                writeln!(want, "{row},{zone}").unwrap();
            }
            _ => writeln!(want, "{line}").unwrap(),
        }
    }
    for (threads, chunk) in [("1", "1"), ("2", "7"), ("3", "300"), ("2", "65536")] {
        let out = zonewatch(&[
            "join",
            "--zones",
            "tests/fixtures/join/zones.geojson",
            "--threads",
            threads,
            "--chunk-size",
            chunk,
            "-q",
            path.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), want, "threads {threads}, chunk {chunk}");
    }
}

#[test]
fn validate_writes_the_zones_styled_by_role() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("styled.geojson");
    let out = zonewatch(&["validate", "--styled-zones", out_path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    let features = v["features"].as_array().unwrap();
    assert_eq!(
        features.len(),
        20,
        "the 20 zones of data/sirte/zones.geojson"
    );
    let role = |id: &str| {
        let f = features.iter().find(|f| f["id"] == id).unwrap();
        (
            f["properties"]["role"].as_str().unwrap().to_string(),
            f["properties"]["fill"].as_str().unwrap().to_string(),
        )
    };
    // From data/sirte/rules.toml: the DMZ is kept out of, camps are homes under
    // `stay_in home`, the coastal road's category is corridor.
    assert_eq!(role("dmz_jufra"), ("forbidden".into(), "#fc8d59".into()));
    assert_eq!(role("camp_benina"), ("allowed".into(), "#91cf60".into()));
    assert_eq!(role("coastal_road"), ("corridor".into(), "#c2a5cf".into()));

    // Zones alone: no rule names them, so only the category decides.
    let zones = dir.path().join("z.geojson");
    std::fs::write(
        &zones,
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"road","properties":{"category":"corridor","buffer_m":500},"geometry":{"type":"LineString","coordinates":[[16,31],[16.1,31]]}},
{"type":"Feature","id":"c","properties":{"radius_m":1000},"geometry":{"type":"Point","coordinates":[16,30]}}]}"#,
    )
    .unwrap();
    let out = zonewatch(&[
        "validate",
        "--zones",
        zones.to_str().unwrap(),
        "--styled-zones",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out_path).unwrap()).unwrap();
    let f = &v["features"];
    assert_eq!(f[0]["properties"]["role"], "corridor");
    assert_eq!(f[0]["properties"]["shape"], "band");
    assert_eq!(f[1]["properties"]["role"], "reference");
    assert_eq!(f[1]["geometry"]["type"], "MultiPolygon");
    // A 1 km circle at 30°N: its northernmost vertex is 1000 m / 110 852 m per degree
    // (meridian radius of curvature at 30°N) ≈ 0.009021° north of the centre.
    let north = &f[1]["geometry"]["coordinates"][0][0][0];
    assert_eq!(north[0], 16.0);
    assert!(
        (north[1].as_f64().unwrap() - 30.009021).abs() < 2e-6,
        "{north}"
    );
}
