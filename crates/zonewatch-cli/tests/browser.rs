//! The HTML report in a real browser (issue #6): generate the Sirte report with the built
//! binary, then let `tests/browser/report.test.mjs` drive it in headless Chromium through
//! playwright-core. It checks the page against the zones file and the same run's
//! `--incidents` CSV, clicks an incident, moves the time filter, and saves
//! `target/browser/report.png`.
//!
//! Needs node, Chromium (`/usr/bin/chromium`, or `ZONEWATCH_CHROMIUM`) and
//! `npm ci` in tests/browser. Without them it prints a SKIP line and passes, unless
//! `ZONEWATCH_REQUIRE_BROWSER=1` (CI sets it), when it fails.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Why the browser test cannot run here, if it cannot.
fn missing(package: &Path) -> Option<String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Some("node is not on PATH".into());
    }
    let chromium = std::env::var("ZONEWATCH_CHROMIUM").unwrap_or("/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        return Some(format!("{chromium} is missing (apt-get install chromium)"));
    }
    if !package.join("node_modules/playwright-core").is_dir() {
        return Some(format!(
            "{}/node_modules is missing (run npm ci there)",
            package.display()
        ));
    }
    None
}

#[test]
fn the_sirte_report_works_in_headless_chromium() {
    let repo = repo();
    let package = repo.join("tests/browser");
    if let Some(why) = missing(&package) {
        if std::env::var("ZONEWATCH_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("browser test required (ZONEWATCH_REQUIRE_BROWSER=1) but {why}");
        }
        println!("SKIP the browser test of the HTML report: {why}");
        eprintln!("SKIP the browser test of the HTML report: {why}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("sirte.html");
    let incidents = dir.path().join("incidents.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_zonewatch"))
        .arg("check")
        .arg("-q")
        .arg("-o")
        .arg(dir.path().join("violations.csv"))
        .arg("--incidents")
        .arg(&incidents)
        .arg("--report")
        .arg(&report)
        .output()
        .expect("run zonewatch");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let artifact = repo.join("target/browser/report.png");
    let out = Command::new("node")
        .arg("report.test.mjs")
        .arg(&report)
        .arg(repo.join("data/sirte/zones.geojson"))
        .arg(&incidents)
        .arg(&artifact)
        .current_dir(&package)
        .output()
        .expect("run node");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{log}");
    assert!(out.status.success(), "the browser test failed:\n{log}");
    assert!(artifact.is_file(), "the screenshot {}", artifact.display());
}
