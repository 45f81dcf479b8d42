//! The progress display: on a terminal only, never in pipes, CI logs or with `--quiet`.

use std::path::Path;
use std::process::Command;

/// Two polygons and a file of `n` points, half inside the first.
fn files(dir: &Path, n: usize) -> (String, String) {
    let zones = dir.join("zones.geojson");
    std::fs::write(
        &zones,
        r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","id":"a","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
        {"type":"Feature","id":"b","geometry":{"type":"Polygon","coordinates":[[[5,5],[6,5],[6,6],[5,6],[5,5]]]}}]}"#,
    )
    .unwrap();
    let points = dir.join("points.csv");
    let mut csv = String::from("id,lon,lat\n");
    for i in 0..n {
        csv.push_str(&format!("p{i},{}.5,0.5\n", i % 2));
    }
    std::fs::write(&points, csv).unwrap();
    (
        zones.to_str().unwrap().to_string(),
        points.to_str().unwrap().to_string(),
    )
}

#[test]
fn a_run_whose_stderr_is_not_a_terminal_prints_no_progress() {
    let dir = tempfile::tempdir().unwrap();
    let (zones, points) = files(dir.path(), 50_000);
    let out = Command::new(env!("CARGO_BIN_EXE_zonewatch"))
        .args(["join", "--zones", &zones, &points, "-o"])
        .arg(dir.path().join("out.csv"))
        .output()
        .unwrap();
    assert!(out.status.success());
    // Exactly the summary: 25 000 points are in `a`, none in `b`.
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "points: 50000 read = 50000 joined + 0 rejected\npairs: 25000\n"
    );
}

/// Runs `command` under a pseudo-terminal (`script`, util-linux); `None` when `script` is
/// not installed.
fn on_a_terminal(dir: &Path, command: &str) -> Option<String> {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    let out = Command::new(script)
        .args(["-q", "-e", "-c", command])
        .arg(dir.join("typescript"))
        .output()
        .ok()?;
    assert!(out.status.success(), "{command}: {out:?}");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_run_on_a_terminal_shows_progress_unless_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let (zones, points) = files(dir.path(), 50_000);
    let bin = env!("CARGO_BIN_EXE_zonewatch");
    let out = dir.path().join("out.csv");
    let out = out.to_str().unwrap();
    let join = format!("'{bin}' join --zones '{zones}' -o '{out}'");
    let Some(shown) = on_a_terminal(dir.path(), &format!("{join} '{points}'")) else {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    };
    // A bar: the size of the file is known.
    assert!(shown.contains("joining ["), "{shown:?}");
    assert!(shown.contains("ETA"), "{shown:?}");
    assert!(shown.contains("points: 50000 read"), "{shown:?}");
    // From stdin, a spinner with the bytes read.
    let shown = on_a_terminal(dir.path(), &format!("cat '{points}' | {join} -")).unwrap();
    assert!(shown.contains("joining: "), "{shown:?}");
    assert!(!shown.contains("ETA"), "{shown:?}");
    // --quiet: nothing at all.
    let shown = on_a_terminal(dir.path(), &format!("{join} --quiet '{points}'")).unwrap();
    assert_eq!(shown, "");
}
