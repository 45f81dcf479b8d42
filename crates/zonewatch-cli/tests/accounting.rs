//! Nothing lost, and the same answer every time: `read = checked + rejected` in every mode
//! and format, byte-identical output and rejects whatever the thread count and chunk size
//! (chunk boundaries placed on bad rows), and outputs that are complete or absent.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const H: &str = "tests/fixtures/hostile/valid";

fn zonewatch(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_zonewatch"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run zonewatch");
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn agreement() -> Vec<String> {
    [
        "--zones",
        &format!("{H}/zones.geojson"),
        "--rules",
        &format!("{H}/rules.toml"),
        "--units",
        &format!("{H}/units.csv"),
    ]
    .map(str::to_string)
    .to_vec()
}

/// What row `i` is: good, or bad in one way.
#[derive(Clone, Copy, PartialEq)]
enum Row {
    Good,
    /// No UTC offset: the reader rejects it.
    LocalTime,
    /// Latitude out of range: the reader rejects it.
    BadLatitude,
    /// A unit not in the table: the checker rejects it (a different path, merged with the
    /// reader's rejects in line order).
    UnknownUnit,
    /// Not JSON at all (NDJSON only; CSV and GeoJSON get a local time instead).
    Garbage,
}

const ROWS: usize = 300;

fn row(i: usize) -> Row {
    if i % 23 == 5 || i == ROWS - 1 {
        Row::LocalTime
    } else if i % 31 == 7 || i == 0 {
        Row::UnknownUnit
    } else if i % 41 == 11 {
        Row::BadLatitude
    } else if i % 29 == 3 {
        Row::Garbage
    } else {
        Row::Good
    }
}

fn fields(i: usize) -> (String, &'static str, String, f64, f64) {
    let r = row(i);
    let unit = match r {
        Row::UnknownUnit => "NOBODY",
        _ if i % 2 == 0 => "U1",
        _ => "U2",
    };
    let time = match r {
        Row::LocalTime | Row::Garbage => format!("2021-02-01T{:02}:00:00", i % 24),
        _ => format!("2021-02-01T{:02}:00:00Z", i % 24),
    };
    let lon = 14.0 + (i * 37 % 400) as f64 / 100.0;
    let lat = match r {
        Row::BadLatitude => 95.0,
        _ => 29.0 + (i * 53 % 300) as f64 / 100.0,
    };
    (format!("r{i}"), unit, time, lon, lat)
}

fn feature(i: usize) -> String {
    let (id, unit, time, lon, lat) = fields(i);
    format!(
        r#"{{"type":"Feature","id":"{id}","properties":{{"unit_id":"{unit}","time":"{time}","accuracy_m":{}}},"geometry":{{"type":"Point","coordinates":[{lon},{lat}]}}}}"#,
        i % 5 * 800
    )
}

/// The same rows in the three formats; each has one row per line after the first.
fn write_inputs(dir: &Path) -> [(PathBuf, u64); 3] {
    let mut csv = String::from("report_id,unit_id,time,lon,lat,accuracy_m\n");
    let mut geojson = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    let mut ndjson = String::from("\n");
    let (mut bad, mut bad_nd) = (0, 0);
    for i in 0..ROWS {
        let (id, unit, time, lon, lat) = fields(i);
        writeln!(csv, "{id},{unit},{time},{lon},{lat},{}", i % 5 * 800).unwrap();
        geojson.push_str(&feature(i));
        geojson.push_str(if i + 1 < ROWS { ",\n" } else { "\n]}\n" });
        if row(i) == Row::Garbage {
            ndjson.push_str("{\"type\":\"Feature\",\n");
        } else {
            writeln!(ndjson, "{}", feature(i)).unwrap();
        }
        bad += (row(i) != Row::Good) as u64;
        bad_nd += (row(i) != Row::Good) as u64;
    }
    let paths = [
        dir.join("reports.csv"),
        dir.join("reports.geojson"),
        dir.join("reports.ndjson"),
    ];
    std::fs::write(&paths[0], csv).unwrap();
    std::fs::write(&paths[1], geojson).unwrap();
    std::fs::write(&paths[2], ndjson).unwrap();
    let [a, b, c] = paths;
    [(a, bad), (b, bad), (c, bad_nd)]
}

#[test]
fn read_equals_checked_plus_rejected_and_output_is_identical_for_any_threads_and_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write_inputs(dir.path());
    // Bad rows are at 0, 5, 7, 11, 28, ...: chunks of 1, 5, 7 and 28 end on them.
    let configs: &[(&str, &str)] = &[
        ("1", "65536"),
        ("1", "1"),
        ("4", "1"),
        ("4", "5"),
        ("2", "7"),
        ("3", "28"),
        ("8", "299"),
        ("2", "300"),
    ];
    let mut per_format_outputs: Vec<Vec<u8>> = Vec::new();
    for (path, bad) in &inputs {
        for format in ["csv", "geojson", "ndjson"] {
            let mut first: Option<(Vec<u8>, Vec<u8>)> = None;
            for (threads, chunk) in configs {
                let rejects = dir.path().join("rejects.csv");
                let mut args = agreement();
                args.extend(
                    [
                        "check",
                        "--format",
                        format,
                        "--threads",
                        threads,
                        "--chunk-size",
                        chunk,
                        "--rejects",
                        rejects.to_str().unwrap(),
                        path.to_str().unwrap(),
                    ]
                    .map(str::to_string),
                );
                args.rotate_right(10);
                let out = zonewatch(&args.iter().map(String::as_str).collect::<Vec<_>>());
                let err = text(&out.stderr);
                assert_eq!(out.status.code(), Some(0), "{err}");
                let tally = format!(
                    "{ROWS} read = {} checked + {bad} rejected",
                    ROWS as u64 - bad
                );
                assert!(
                    err.contains(&tally),
                    "{path:?} {format} {threads}/{chunk}: want {tally:?}:\n{err}"
                );
                let rejected = std::fs::read(&rejects).unwrap();
                assert_eq!(text(&rejected).lines().count() as u64, bad + 1);
                match &first {
                    None => first = Some((out.stdout, rejected)),
                    Some((stdout, rej)) => {
                        assert!(
                            *stdout == out.stdout,
                            "{path:?} {format}: output differs with {threads} threads, chunk {chunk}"
                        );
                        assert!(
                            *rej == rejected,
                            "{path:?}: rejects differ with {threads} threads, chunk {chunk}"
                        );
                    }
                }
            }
            let (stdout, _) = first.unwrap();
            assert!(
                text(&stdout).lines().count() > 10,
                "some violations expected"
            );
            per_format_outputs.push(stdout);
        }
    }
    // CSV and GeoJSON inputs hold the same good rows: the same violations, in every
    // output format. (NDJSON differs: its garbage lines replace some good rows.)
    for f in 0..3 {
        assert_eq!(per_format_outputs[f], per_format_outputs[3 + f]);
    }
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("zonewatch") || n.starts_with("out"))
        .collect()
}

#[test]
fn a_run_that_fails_late_leaves_no_output_and_no_temporary_file_and_keeps_an_old_output() {
    let dir = tempfile::tempdir().unwrap();
    // 5000 good rows (many violations, so the writers have flushed to disk), then one bad
    // row, read in chunks of 100: it fails with --strict after much output was written.
    let mut csv = String::from("unit_id,time,lon,lat\n");
    for i in 0..5000 {
        writeln!(csv, "U1,2021-02-01T00:00:00Z,16.{:04},30.5", i).unwrap();
    }
    csv.push_str("U1,2021-02-01T00:00:00,16.5,30.5\n");
    let reports = dir.path().join("late.csv");
    std::fs::write(&reports, csv).unwrap();
    // A truncated collection: 2000 good features, then cut in the middle of one.
    let mut geojson = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for i in 0..2000 {
        geojson.push_str(&feature(1 + 2 * (i % 100)));
        geojson.push_str(",\n");
    }
    geojson.push_str(&feature(2)[..40]);
    let truncated = dir.path().join("cut.geojson");
    std::fs::write(&truncated, geojson).unwrap();

    for (input, extra, needle) in [
        (&reports, &["--strict"][..], "late.csv:5002: time: "),
        (&truncated, &[][..], "the FeatureCollection is cut short"),
    ] {
        for format in ["csv", "geojson", "ndjson"] {
            let out_file = dir.path().join(format!("out.{format}"));
            let rejects = dir.path().join("out-rejects.csv");
            std::fs::write(&out_file, "an older, complete output\n").unwrap();
            let mut args = vec!["check".to_string()];
            args.extend(agreement());
            args.extend(
                [
                    "--chunk-size",
                    "100",
                    "-o",
                    out_file.to_str().unwrap(),
                    "--rejects",
                    rejects.to_str().unwrap(),
                ]
                .map(str::to_string),
            );
            args.extend(extra.iter().map(|s| s.to_string()));
            args.push(input.to_str().unwrap().into());
            let out = zonewatch(&args.iter().map(String::as_str).collect::<Vec<_>>());
            assert_eq!(out.status.code(), Some(2));
            assert!(text(&out.stderr).contains(needle), "{}", text(&out.stderr));
            // The old output is untouched; no rejects file and no temporary file appear.
            assert_eq!(
                std::fs::read_to_string(&out_file).unwrap(),
                "an older, complete output\n"
            );
            std::fs::remove_file(&out_file).unwrap();
            assert_eq!(leftovers(dir.path()), Vec::<String>::new());
        }
    }
}

#[test]
fn write_errors_are_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    // A directory that cannot exist: its parent is a regular file.
    let file = dir.path().join("plain");
    std::fs::write(&file, "").unwrap();
    let inside = file.join("out.csv");
    let out = zonewatch(&["check", "-o", inside.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("out.csv"),
        "{}",
        text(&out.stderr)
    );
    let out = zonewatch(&["check", "--rejects", inside.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    // A directory as the output.
    let out = zonewatch(&["check", "-o", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is a directory"),
        "{}",
        text(&out.stderr)
    );
    // The output and the rejects in one file: refused before anything is written.
    let same = dir.path().join("out.csv");
    let out = zonewatch(&[
        "check",
        "-o",
        same.to_str().unwrap(),
        "--rejects",
        same.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("name two files"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_exit_2_not_a_silent_truncation_and_devices_are_never_replaced() {
    let before = std::fs::symlink_metadata("/dev/stdout").map(|m| m.file_type());
    let full_before = std::fs::symlink_metadata("/dev/full").unwrap().file_type();
    for args in [
        &["check", "-o", "/dev/full"][..],
        &["check", "--format", "geojson", "-o", "/dev/full"],
        &[
            "check",
            "-o",
            "-",
            "--rejects",
            "/dev/full",
            "tests/fixtures/hostile/reports_csv/unknown_unit.csv",
        ],
    ] {
        let out = zonewatch(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains("/dev/full: No space left on device"),
            "{}",
            text(&out.stderr)
        );
    }
    // Stdout itself on a full device.
    let out = Command::new(env!("CARGO_BIN_EXE_zonewatch"))
        .arg("check")
        .current_dir(repo())
        .stdout(Stdio::from(std::fs::File::create("/dev/full").unwrap()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("stdout: No space left on device"),
        "{}",
        text(&out.stderr)
    );
    // `-o /dev/stdout` writes to stdout, in place.
    let out = zonewatch(&["check", "-q", "-o", "/dev/stdout"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, zonewatch(&["check", "-q"]).stdout);
    assert_eq!(
        std::fs::symlink_metadata("/dev/stdout")
            .map(|m| m.file_type())
            .ok(),
        before.ok()
    );
    assert_eq!(
        std::fs::symlink_metadata("/dev/full").unwrap().file_type(),
        full_before
    );
}

/// An output larger than the write buffer meets the full disk while the run is still
/// going (on the thread that writes the rows, not at the final flush): the run stops
/// with that error, exit 2, and leaves nothing behind.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_mid_run_stops_the_run_with_the_disks_error() {
    let dir = tempfile::tempdir().unwrap();
    // The Sirte reports 40 times over (~260 000 rows, ids made unique): megabytes of
    // violations and of join pairs.
    let sirte = std::fs::read_to_string(repo().join("data/sirte/reports.csv")).unwrap();
    let (header, rows) = sirte.split_once('\n').unwrap();
    let mut many = format!("{header}\n");
    for copy in 0..40 {
        for row in rows.lines() {
            writeln!(many, "c{copy}-{row}").unwrap();
        }
    }
    let input = dir.path().join("many.csv");
    std::fs::write(&input, many).unwrap();
    let input = input.to_str().unwrap();
    let zones = "data/sirte/zones.geojson";
    for args in [
        &["check", input, "-q", "-o", "/dev/full"][..],
        &[
            "check",
            input,
            "-q",
            "--format",
            "ndjson",
            "-o",
            "/dev/full",
        ],
        &["join", "--zones", zones, input, "-q", "-o", "/dev/full"],
    ] {
        let out = zonewatch(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("/dev/full: No space left on device") && !err.contains("stopped"),
            "{args:?}: {err}"
        );
    }
    // The same runs to a file give megabytes: the error came mid-run, not at the end.
    for (args, at_least) in [
        (&["check", input, "-q", "-o"][..], 2 << 20),
        (&["join", "--zones", zones, input, "-q", "-o"], 2 << 20),
    ] {
        let out_path = dir.path().join("out.csv");
        let mut args = args.to_vec();
        args.push(out_path.to_str().unwrap());
        let out = zonewatch(&args);
        assert!(out.status.code().is_some_and(|c| c <= 1), "{args:?}");
        let len = std::fs::metadata(&out_path).unwrap().len();
        assert!(len >= at_least, "{args:?}: {len} bytes");
    }
}

#[cfg(unix)]
#[test]
fn a_symlinked_output_stays_a_link_and_its_target_gets_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.csv");
    let link = dir.path().join("link.csv");
    std::fs::write(&real, "old\n").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let out = zonewatch(&["check", "-q", "-o", link.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        std::fs::read(&real).unwrap(),
        zonewatch(&["check", "-q"]).stdout
    );
}

#[test]
fn a_run_killed_mid_way_never_leaves_a_file_under_the_target_name() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.csv");
    let mut child = Command::new(env!("CARGO_BIN_EXE_zonewatch"))
        .args([
            "check",
            "--chunk-size",
            "10",
            "-o",
            target.to_str().unwrap(),
            "-",
        ])
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Half a stream of reports (the embedded agreement; unit LAAF-FGN-1 in Sirte), then
    // the process dies as in a crash or an out-of-memory kill.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"unit_id,time,lon,lat\n").unwrap();
    for _ in 0..2000 {
        stdin
            .write_all(b"LAAF-FGN-1,2020-10-23T00:37:26Z,16.561455,31.192032\n")
            .unwrap();
    }
    stdin.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    assert!(!target.exists(), "a killed run must not leave {target:?}");
    // What may remain is the hidden temporary file, which no one takes for the output.
    for name in leftovers(dir.path()) {
        assert!(
            name.starts_with(".out.csv.zonewatch-") && name.ends_with(".tmp"),
            "{name}"
        );
    }
}

#[test]
fn accounting_holds_in_strict_mode_and_in_the_join() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = write_inputs(dir.path());
    // --strict with nothing to reject.
    let mut args = vec!["check".to_string()];
    args.extend(agreement());
    args.extend(["--strict".into(), format!("{H}/reports.ndjson")]);
    let out = zonewatch(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("4 read = 4 checked + 0 rejected"));
    // The join reads positions only: of the bad rows, only the latitudes out of range
    // are rejected (in CSV and GeoJSON; NDJSON's garbage lines too).
    let bad_latitudes = (0..ROWS).filter(|&i| row(i) == Row::BadLatitude).count();
    let garbage = (0..ROWS).filter(|&i| row(i) == Row::Garbage).count();
    for ((path, _), rejected) in
        inputs
            .iter()
            .zip([bad_latitudes, bad_latitudes, bad_latitudes + garbage])
    {
        for (threads, chunk) in [("1", "1"), ("3", "7"), ("2", "65536")] {
            let out = zonewatch(&[
                "join",
                "--zones",
                &format!("{H}/zones.geojson"),
                "--threads",
                threads,
                "--chunk-size",
                chunk,
                path.to_str().unwrap(),
            ]);
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
            let tally = format!(
                "points: {ROWS} read = {} joined + {rejected} rejected",
                ROWS - rejected
            );
            assert!(
                text(&out.stderr).contains(&tally),
                "{path:?}: want {tally:?}:\n{}",
                text(&out.stderr)
            );
        }
    }
}

/// The summary's counts (all violations, and per rule, confirmed and possible) are those
/// of the rows written, counted from the output file; in small chunks too, whose counts
/// are kept run by run and added up.
#[test]
fn the_summary_counts_the_rows_written() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.csv");
    let out_arg = out_path.to_str().unwrap();
    for chunk in ["65536", "700"] {
        let out = zonewatch(&["check", "--chunk-size", chunk, "-o", out_arg]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let rows = std::fs::read_to_string(&out_path).unwrap();
        // (rule, confidence) of every row; the header names the columns.
        let mut lines = rows.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let (rule_col, conf_col) = (col("rule_id"), col("confidence"));
        let mut by_rule: std::collections::BTreeMap<String, [u64; 2]> = Default::default();
        for line in lines {
            let cells: Vec<&str> = line.split(',').collect();
            let slot = match cells[conf_col] {
                "confirmed" => 0,
                "possible" => 1,
                other => panic!("confidence {other}"),
            };
            by_rule.entry(cells[rule_col].to_string()).or_default()[slot] += 1;
        }
        let (confirmed, possible) = by_rule
            .values()
            .fold((0, 0), |(c, p), v| (c + v[0], p + v[1]));
        let summary = text(&out.stderr);
        assert!(
            summary.contains(&format!(
                "violations: {} ({confirmed} confirmed, {possible} possible)",
                confirmed + possible
            )),
            "{summary}"
        );
        for (rule, [c, p]) in &by_rule {
            let line = summary
                .lines()
                .find(|l| l.split_whitespace().next() == Some(rule.as_str()))
                .unwrap_or_else(|| panic!("no line for {rule}: {summary}"));
            let counts: Vec<&str> = line.split_whitespace().skip(1).collect();
            assert_eq!(counts, [c.to_string(), p.to_string()], "{rule}: {summary}");
        }
    }
}
