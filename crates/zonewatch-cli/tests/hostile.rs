//! The hostile-input corpus (`tests/fixtures/hostile/`, made by its `make_fixtures.py`)
//! through the built binary: one table row per file, with the exact behaviour expected —
//! exit 2 and a message naming the file, the line or feature and the field; or, for one bad
//! report row in the default lenient mode, a reject with its line, field and reason, the
//! count, and the run carrying on to the same violations as the clean file. Never a panic.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const H: &str = "tests/fixtures/hostile";

/// Exit code, stdout, stderr.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn zonewatch(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_zonewatch"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run zonewatch");
    let run = Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "{args:?} panicked:\n{}",
        run.stderr
    );
    assert!(run.code.is_some(), "{args:?} was killed by a signal");
    run
}

fn valid(name: &str) -> String {
    format!("{H}/valid/{name}")
}

/// `check` with the valid agreement, one of its three files replaced by `swap`.
fn check_args(swap: Option<(&str, &str)>, reports: &str, extra: &[&str]) -> Vec<String> {
    let mut files = [
        ("--zones", valid("zones.geojson")),
        ("--rules", valid("rules.toml")),
        ("--units", valid("units.csv")),
    ];
    if let Some((flag, file)) = swap {
        for (f, path) in files.iter_mut() {
            if *f == flag {
                *path = file.to_string();
            }
        }
    }
    let mut args = vec!["check".to_string()];
    for (f, path) in files {
        args.push(f.into());
        args.push(path);
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(reports.into());
    args
}

fn run_owned(args: &[String]) -> Run {
    zonewatch(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The violations of the clean reports: every lenient run over a file with one bad row in
/// the middle must give exactly these.
fn clean_output() -> String {
    let run = run_owned(&check_args(None, &valid("reports.csv"), &[]));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 4, "{}", run.stdout);
    run.stdout
}

fn no_files_but(dir: &Path, allowed: &[&str]) {
    let left: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !allowed.contains(&n.as_str()))
        .collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}

/// Agreement files that must fail the run: (flag, file under the corpus, substrings of
/// the message besides the file's path).
const AGREEMENT_FAILURES: &[(&str, &str, &[&str])] = &[
    (
        "--zones",
        "zones/empty.geojson",
        &["empty.geojson:1:1", "EOF while parsing", "truncated"],
    ),
    (
        "--zones",
        "zones/not_json.geojson",
        &["not_json.geojson:1:2"],
    ),
    (
        "--zones",
        "zones/truncated.geojson",
        &["truncated.geojson:4:", "truncated"],
    ),
    (
        "--zones",
        "zones/features_not_array.geojson",
        &[": features: ", "expected a sequence"],
    ),
    (
        "--zones",
        "zones/not_a_collection.geojson",
        &["expected a GeoJSON FeatureCollection object, found an array"],
    ),
    (
        "--zones",
        "zones/coordinates_wrong_type.geojson",
        &[
            "feature 0 (id \"dmz\"): geometry.coordinates: ",
            "expected a sequence",
        ],
    ),
    ("--zones", "zones/nan.geojson", &["nan.geojson:2:104"]),
    (
        "--zones",
        "zones/huge_number.geojson",
        &[
            "feature 0 (id \"dmz\"): geometry: exterior ring, position 1: coordinate is not a finite number",
        ],
    ),
    (
        "--zones",
        "zones/lat_beyond_90.geojson",
        &[
            "feature 0 (id \"dmz\"): geometry: exterior ring, position 2: coordinate out of range (lon 17, lat 95)",
        ],
    ),
    (
        "--zones",
        "zones/lon_beyond_180.geojson",
        &[
            "feature 0 (id \"dmz\"): geometry: exterior ring, position 1: coordinate out of range (lon 200, lat 30)",
        ],
    ),
    (
        "--zones",
        "zones/ring_not_closed.geojson",
        &["feature 0 (id \"dmz\"): geometry: exterior ring: ring is not closed"],
    ),
    (
        "--zones",
        "zones/ring_too_short.geojson",
        &["feature 0 (id \"dmz\"): geometry: exterior ring: ring has 3 positions"],
    ),
    (
        "--zones",
        "zones/self_intersecting.geojson",
        &[
            "feature 0 (id \"bowtie\"): geometry: exterior ring",
            "intersects itself",
        ],
    ),
    (
        "--zones",
        "zones/hole_outside_shell.geojson",
        &["feature 0 (id \"holey\"): geometry: hole 1: hole lies outside"],
    ),
    (
        "--zones",
        "zones/duplicate_id.geojson",
        &["feature 1 (id \"dmz\"): id: duplicate id \"dmz\" (also used by feature 0)"],
    ),
    (
        "--zones",
        "zones/missing_id.geojson",
        &["feature 0: id: missing"],
    ),
    (
        "--zones",
        "zones/negative_radius.geojson",
        &["feature 0 (id \"camp\"): properties: radius_m must be a finite number ≥ 0, not -5000"],
    ),
    (
        "--zones",
        "zones/negative_buffer.geojson",
        &["feature 0 (id \"road\"): properties: buffer_m must be a finite number ≥ 0, not -1"],
    ),
    (
        "--zones",
        "zones/radius_not_number.geojson",
        &[
            "feature 0 (id \"camp\"): properties.radius_m: expected a number of metres, found a string",
        ],
    ),
    (
        "--zones",
        "zones/line_too_short.geojson",
        &[
            "feature 0 (id \"road\"): geometry: ",
            "line has 1 positions; it needs at least 2",
        ],
    ),
    (
        "--zones",
        "zones/unsupported_geometry.geojson",
        &["feature 0 (id \"gc\"): geometry: unsupported geometry type GeometryCollection"],
    ),
    (
        "--zones",
        "zones/non_utf8.geojson",
        &["non_utf8.geojson:2:53: not valid UTF-8 (byte 0xff)"],
    ),
    (
        "--rules",
        "rules/empty.toml",
        &["empty.toml: no [[rule]] tables"],
    ),
    ("--rules", "rules/not_toml.toml", &["not_toml.toml:1:8: "]),
    ("--rules", "rules/truncated.toml", &["truncated.toml:4:3: "]),
    (
        "--rules",
        "rules/unknown_kind.toml",
        &["unknown_kind.toml:3:8: kind: expected \"keep_out\" or \"stay_in\", found \"keep_away\""],
    ),
    (
        "--rules",
        "rules/unknown_key.toml",
        &["unknown_key.toml:5:1: ", "unknown field `margn_m`"],
    ),
    (
        "--rules",
        "rules/unknown_zone.toml",
        &["unknown_zone.toml:4:10: zones: rule 'dmz': unknown zone 'dmx'"],
    ),
    (
        "--rules",
        "rules/negative_margin.toml",
        &["negative_margin.toml:5:12: margin_m: must be a finite number ≥ 0, not -100"],
    ),
    (
        "--rules",
        "rules/nan_margin.toml",
        &["nan_margin.toml:5:12: margin_m: must be a finite number ≥ 0, not NaN"],
    ),
    (
        "--rules",
        "rules/infinite_margin.toml",
        &["infinite_margin.toml:5:12: margin_m: must be a finite number ≥ 0, not inf"],
    ),
    (
        "--rules",
        "rules/bad_timestamp.toml",
        &["bad_timestamp.toml:6:8: from: \"2021-13-01T00:00:00Z\" has an invalid month"],
    ),
    (
        "--rules",
        "rules/timestamp_no_offset.toml",
        &["timestamp_no_offset.toml:6:8: from: \"2021-01-01T00:00:00\" has no UTC offset"],
    ),
    (
        "--rules",
        "rules/toml_local_datetime.toml",
        &["toml_local_datetime.toml:6:8: from: 2021-01-01T00:00:00 has no UTC offset"],
    ),
    (
        "--rules",
        "rules/duplicate_id.toml",
        &["duplicate_id.toml:8:1: id: duplicate id \"dmz\""],
    ),
    (
        "--rules",
        "rules/zones_wrong_type.toml",
        &["zones_wrong_type.toml:4:9: zones: ", "expected a sequence"],
    ),
    (
        "--rules",
        "rules/missing_kind.toml",
        &["missing_kind.toml:1:1: kind: is required but missing"],
    ),
    (
        "--rules",
        "rules/non_utf8.toml",
        &["non_utf8.toml:2:8: not valid UTF-8 (byte 0xff)"],
    ),
    (
        "--units",
        "units/empty.csv",
        &["empty.csv:1: unit_id: no header line"],
    ),
    (
        "--units",
        "units/missing_column.csv",
        &["missing_column.csv:1: unit_id: is required but missing"],
    ),
    (
        "--units",
        "units/duplicate_id.csv",
        &["duplicate_id.csv:4: unit_id: duplicate id \"U1\" (also used by line 2)"],
    ),
    (
        "--units",
        "units/unknown_home.csv",
        &["unknown_home.csv:3: home: unit 'U2': home zone 'kamp' does not exist"],
    ),
    (
        "--units",
        "units/bad_foreign.csv",
        &[
            "bad_foreign.csv:2: foreign: expected true/false",
            "\"maybe\"",
        ],
    ),
    (
        "--units",
        "units/truncated.csv",
        &["truncated.csv:3: expected 6 fields, as in the header, found 4"],
    ),
    (
        "--units",
        "units/header_only.csv",
        &["header_only.csv: no units (the file has no rows)"],
    ),
    (
        "--units",
        "units/non_utf8.csv",
        &["non_utf8.csv:2:5: not valid UTF-8 (byte 0xff)"],
    ),
];

#[test]
fn every_broken_agreement_file_fails_with_exit_2_naming_file_place_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("violations.csv");
    let out = out.to_str().unwrap();
    for (flag, file, needles) in AGREEMENT_FAILURES {
        let path = format!("{H}/{file}");
        for command in ["check", "validate"] {
            let mut args = check_args(Some((flag, &path)), &valid("reports.csv"), &["-o", out]);
            if command == "validate" {
                args.truncate(7);
                args[0] = "validate".into();
            }
            let run = run_owned(&args);
            assert_eq!(run.code, Some(2), "{command} {file}: {}", run.stderr);
            assert!(
                run.stderr.contains(&path),
                "{file}: no file name in:\n{}",
                run.stderr
            );
            for n in *needles {
                assert!(
                    run.stderr.contains(n),
                    "{file}: missing {n:?} in:\n{}",
                    run.stderr
                );
            }
            assert!(run.stdout.is_empty(), "{file}: {}", run.stdout);
        }
        no_files_but(dir.path(), &[]);
    }
}

#[test]
fn unusual_but_valid_agreement_files_work() {
    let clean = clean_output();
    for (flag, file) in [
        ("--zones", "zones/bom_crlf.geojson"),
        ("--rules", "rules/bom_crlf.toml"),
        ("--units", "units/bom_crlf.csv"),
    ] {
        let path = format!("{H}/{file}");
        let run = run_owned(&check_args(Some((flag, &path)), &valid("reports.csv"), &[]));
        assert_eq!(run.code, Some(0), "{file}: {}", run.stderr);
        assert_eq!(run.stdout, clean, "{file}");
    }
}

/// Report files with one bad row: (file, its line, field, reason substring, rows read,
/// whether the good rows are exactly the clean file's four).
const REJECTED_ROWS: &[(&str, u64, &str, &str, u64, bool)] = &[
    (
        "reports_csv/bad_timestamp.csv",
        4,
        "time",
        "\"\"2021-02-30T00:00:00Z\"\" has an invalid day",
        5,
        true,
    ),
    ("reports_csv/empty_lat.csv", 4, "lat", "is missing", 5, true),
    (
        "reports_csv/huge_lon.csv",
        4,
        "lon",
        "\"\"1e400\"\" is not a finite number",
        5,
        true,
    ),
    (
        "reports_csv/inf_lat.csv",
        4,
        "lat",
        "\"\"inf\"\" is not a finite number",
        5,
        true,
    ),
    (
        "reports_csv/nan_lon.csv",
        4,
        "lon",
        "\"\"NaN\"\" is not a finite number",
        5,
        true,
    ),
    (
        "reports_csv/lat_beyond_90.csv",
        4,
        "lat",
        "latitude 90.5 is outside [-90, 90]",
        5,
        true,
    ),
    (
        "reports_csv/lon_beyond_180.csv",
        4,
        "lon",
        "longitude -180.5 is outside [-180, 180]",
        5,
        true,
    ),
    (
        "reports_csv/long_line.csv",
        4,
        "accuracy_m",
        "is not a number",
        5,
        true,
    ),
    (
        "reports_csv/negative_accuracy.csv",
        4,
        "accuracy_m",
        "must be a finite number ≥ 0, not -1",
        5,
        true,
    ),
    (
        "reports_csv/non_utf8.csv",
        4,
        "unit_id",
        "is not valid UTF-8",
        5,
        true,
    ),
    (
        "reports_csv/timestamp_no_offset.csv",
        4,
        "time",
        "has no UTC offset",
        5,
        true,
    ),
    (
        "reports_csv/too_few_fields.csv",
        4,
        "",
        "expected 6 fields, as in the header, found 3",
        5,
        true,
    ),
    (
        "reports_csv/unknown_unit.csv",
        4,
        "unit_id",
        "unknown unit 'NOBODY'",
        5,
        true,
    ),
    (
        "reports_csv/truncated.csv",
        5,
        "",
        "expected 6 fields, as in the header, found 4",
        4,
        false,
    ),
    (
        "reports_geojson/geometry_wrong_type.geojson",
        4,
        "",
        "expected a GeoJSON geometry object or null",
        5,
        true,
    ),
    (
        "reports_geojson/huge_lon.geojson",
        4,
        "geometry",
        "longitude inf is outside [-180, 180] (feature 2)",
        5,
        true,
    ),
    (
        "reports_geojson/lat_beyond_90.geojson",
        4,
        "geometry",
        "latitude -91 is outside [-90, 90]",
        5,
        true,
    ),
    (
        "reports_geojson/negative_accuracy.geojson",
        4,
        "accuracy_m",
        "not -5 (feature 2)",
        5,
        true,
    ),
    (
        "reports_geojson/non_utf8.geojson",
        4,
        "",
        "is not valid UTF-8 (column 26) (feature 2)",
        5,
        true,
    ),
    (
        "reports_geojson/not_a_point.geojson",
        4,
        "geometry",
        "is a LineString, not a Point (feature 2)",
        5,
        true,
    ),
    (
        "reports_geojson/time_is_number.geojson",
        4,
        "time",
        "expected an RFC 3339 time string, found a number",
        5,
        true,
    ),
    (
        "reports_geojson/timestamp_no_offset.geojson",
        4,
        "time",
        "has no UTC offset",
        5,
        true,
    ),
    (
        "reports_geojson/unknown_unit.geojson",
        4,
        "unit_id",
        "unknown unit 'NOBODY'",
        5,
        true,
    ),
    (
        "reports_ndjson/bad_timestamp.ndjson",
        3,
        "time",
        "is not an RFC 3339 time",
        5,
        true,
    ),
    (
        "reports_ndjson/lon_beyond_180.ndjson",
        3,
        "geometry",
        "longitude 181 is outside",
        5,
        true,
    ),
    (
        "reports_ndjson/nan_lat.ndjson",
        3,
        "",
        "not a valid GeoJSON Feature",
        5,
        true,
    ),
    (
        "reports_ndjson/non_utf8.ndjson",
        3,
        "",
        "is not valid UTF-8 (column 26)",
        5,
        true,
    ),
    (
        "reports_ndjson/not_json_line.ndjson",
        3,
        "",
        "not a valid GeoJSON Feature: expected value (column 1)",
        5,
        true,
    ),
    (
        "reports_ndjson/truncated.ndjson",
        4,
        "",
        "not a valid GeoJSON Feature: EOF while parsing",
        4,
        false,
    ),
    (
        "reports_ndjson/unknown_unit.ndjson",
        3,
        "unit_id",
        "unknown unit 'NOBODY'",
        5,
        true,
    ),
    (
        "reports_ndjson/wrong_type_line.ndjson",
        3,
        "",
        "expected a GeoJSON Feature object",
        5,
        true,
    ),
];

#[test]
fn one_bad_report_row_is_rejected_with_line_field_and_reason_and_the_run_carries_on() {
    let clean = clean_output();
    let dir = tempfile::tempdir().unwrap();
    let rejects = dir.path().join("rejects.csv");
    let rejects = rejects.to_str().unwrap();
    for &(file, line, field, reason, read, same) in REJECTED_ROWS {
        let path = format!("{H}/{file}");
        for threads in ["1", "2"] {
            let run = run_owned(&check_args(
                None,
                &path,
                &[
                    "--rejects",
                    rejects,
                    "--threads",
                    threads,
                    "--chunk-size",
                    "2",
                ],
            ));
            assert_eq!(run.code, Some(0), "{file}: {}", run.stderr);
            let tally = format!("{read} read = {} checked + 1 rejected", read - 1);
            assert!(
                run.stderr.contains(&tally),
                "{file}: want {tally:?}:\n{}",
                run.stderr
            );
            if same {
                assert_eq!(
                    run.stdout, clean,
                    "{file}: the good rows must all be checked"
                );
            }
            let rejected = std::fs::read_to_string(rejects).unwrap();
            let rows: Vec<&str> = rejected.lines().collect();
            assert_eq!(rows.len(), 2, "{file}: {rejected}");
            assert_eq!(rows[0], "source,line,field,reason");
            let start = format!("{path},{line},{field},");
            assert!(
                rows[1].starts_with(&start),
                "{file}: want {start:?}, got {}",
                rows[1]
            );
            assert!(
                rows[1].contains(reason),
                "{file}: want {reason:?}, got {}",
                rows[1]
            );
        }

        // --strict: the same row stops the run, exit 2, named by file, line and field;
        // the output file is not left behind.
        let out = dir.path().join("out.csv");
        let run = run_owned(&check_args(
            None,
            &path,
            &["--strict", "-o", out.to_str().unwrap()],
        ));
        assert_eq!(run.code, Some(2), "{file} --strict: {}", run.stderr);
        let at = if field.is_empty() {
            format!("{path}:{line}: ")
        } else {
            format!("{path}:{line}: {field}: ")
        };
        assert!(
            run.stderr.contains(&at),
            "{file}: want {at:?}:\n{}",
            run.stderr
        );
        assert!(run.stderr.contains("--strict"), "{}", run.stderr);
        no_files_but(dir.path(), &["rejects.csv"]);
    }
}

/// Report files that cannot be read as a whole: exit 2 in every mode.
const REPORT_FAILURES: &[(&str, &str)] = &[
    (
        "reports_csv/empty.csv",
        "empty.csv:1: empty input: expected a header line",
    ),
    (
        "reports_csv/missing_column.csv",
        "missing_column.csv:1: missing column time (the header has: report_id,unit_id,lon,lat)",
    ),
    (
        "reports_geojson/empty.geojson",
        "empty.geojson:1:1: empty input: expected a GeoJSON FeatureCollection",
    ),
    (
        "reports_geojson/not_json.geojson",
        "not_json.geojson:1:1: not a GeoJSON FeatureCollection: expected '{', found 'r'",
    ),
    (
        "reports_geojson/features_not_array.geojson",
        "features_not_array.geojson:1:40: expected '[' (the features array)",
    ),
    (
        "reports_geojson/truncated.geojson",
        "truncated.geojson:5:103: unexpected end of input inside feature 3, which starts at line 5: the FeatureCollection is cut short",
    ),
];

#[test]
fn unreadable_report_files_fail_with_exit_2_and_leave_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.geojson");
    let rejects = dir.path().join("rejects.csv");
    for (file, needle) in REPORT_FAILURES {
        let path = format!("{H}/{file}");
        for mode in [&[][..], &["--strict"][..]] {
            let mut extra = vec![
                "-o",
                out.to_str().unwrap(),
                "--rejects",
                rejects.to_str().unwrap(),
            ];
            extra.extend_from_slice(mode);
            let run = run_owned(&check_args(None, &path, &extra));
            assert_eq!(run.code, Some(2), "{file}: {}", run.stderr);
            assert!(
                run.stderr.contains(needle),
                "{file}: want {needle:?}:\n{}",
                run.stderr
            );
            // The truncated collection had three good features before the cut: their
            // violations must not appear as a complete-looking file.
            no_files_but(dir.path(), &[]);
        }
    }
}

#[test]
fn unusual_but_valid_report_files_work() {
    let clean = clean_output();
    for file in [
        "reports_csv/bom_crlf.csv",
        "reports_geojson/bom_crlf.geojson",
        "reports_ndjson/bom_crlf.ndjson",
        "valid/reports.geojson",
        "valid/reports.ndjson",
    ] {
        let run = run_owned(&check_args(None, &format!("{H}/{file}"), &[]));
        assert_eq!(run.code, Some(0), "{file}: {}", run.stderr);
        assert_eq!(run.stdout, clean, "{file}");
        assert!(
            run.stderr.contains("4 read = 4 checked + 0 rejected"),
            "{}",
            run.stderr
        );
    }
    for (file, tally) in [
        (
            "reports_csv/header_only.csv",
            "0 read = 0 checked + 0 rejected",
        ),
        (
            "reports_ndjson/empty.ndjson",
            "0 read = 0 checked + 0 rejected",
        ),
        // A 200 kB report id is long, not wrong.
        (
            "reports_ndjson/long_line.ndjson",
            "5 read = 5 checked + 0 rejected",
        ),
    ] {
        let run = run_owned(&check_args(None, &format!("{H}/{file}"), &[]));
        assert_eq!(run.code, Some(0), "{file}: {}", run.stderr);
        assert!(run.stderr.contains(tally), "{file}: {}", run.stderr);
    }
}

#[test]
fn swapped_lon_lat_is_a_warning_saying_how_many_not_an_error() {
    let run = run_owned(&check_args(
        None,
        &format!("{H}/reports_csv/swapped.csv"),
        &[],
    ));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("warning: 3 of 4 reports lie outside every zone's extent but would lie inside it with longitude and latitude swapped"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("4 read = 4 checked + 0 rejected"),
        "{}",
        run.stderr
    );
    // (r2 is outside the zones either way.) Even with --quiet: it is a warning, not part of the summary.
    let quiet = run_owned(&check_args(
        None,
        &format!("{H}/reports_csv/swapped.csv"),
        &["-q"],
    ));
    assert!(quiet.stderr.contains("warning: 3 of 4"), "{}", quiet.stderr);
    // The clean file gets no warning.
    let clean = run_owned(&check_args(None, &valid("reports.csv"), &[]));
    assert!(!clean.stderr.contains("warning"), "{}", clean.stderr);
}
