//! An interrupted run (Ctrl-C, SIGTERM, SIGHUP) leaves nothing behind: no output under the
//! target's name, and no hidden temporary file either.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// Starts `check -o out.csv --rejects bad.csv -`, feeds it reports, waits until both
/// temporary files exist, sends `signal` with kill(1), and returns the exit code.
fn interrupted_by(signal: &str) -> (Option<i32>, Vec<String>, String) {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_zonewatch"))
        .args(["check", "--chunk-size", "10", "-o"])
        .arg(dir.path().join("out.csv"))
        .arg("--rejects")
        .arg(dir.path().join("bad.csv"))
        .arg("-")
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // The embedded agreement; LAAF-FGN-1 in Sirte (a violation per report).
    stdin.write_all(b"unit_id,time,lon,lat\n").unwrap();
    for _ in 0..100 {
        stdin
            .write_all(b"LAAF-FGN-1,2020-10-23T00:37:26Z,16.561455,31.192032\n")
            .unwrap();
    }
    stdin.flush().unwrap();
    let start = Instant::now();
    while names(dir.path()).len() < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no temporary files appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        names(dir.path()).iter().all(|n| n.ends_with(".tmp")),
        "{:?}",
        names(dir.path())
    );
    let pid = child.id().to_string();
    let killed = Command::new("kill").args([signal, &pid]).status().unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    (
        out.status.code(),
        names(dir.path()),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ctrl_c_removes_the_temporary_files_and_exits_130() {
    let (code, left, stderr) = interrupted_by("-INT");
    assert_eq!(code, Some(130), "{stderr}");
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(
        stderr.contains("interrupted; no output was written"),
        "{stderr}"
    );
}

#[test]
fn sigterm_and_sighup_do_the_same() {
    for signal in ["-TERM", "-HUP"] {
        let (code, left, stderr) = interrupted_by(signal);
        assert_eq!(code, Some(130), "{signal}: {stderr}");
        assert!(left.is_empty(), "{signal} left behind: {left:?}");
    }
}
