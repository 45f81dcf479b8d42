//! Library latency: `Checker::check(&report)` one report at a time on the Sirte scenario
//! (data/sirte, the embedded scenario: 20 zones, 15 rules, 20 units, 6 476 reports),
//! single thread. Criterion has no percentiles, so the bench times every call on its own
//! with `Instant`, after a warm-up, over many passes through the reports in a fixed
//! shuffled order (seed 20201023), and prints p50 / p90 / p99 / p99.9 / max; the same
//! figures per kind of report (no flag, flagged). A criterion group then measures the
//! mean per report. Run with `cargo bench --bench check_latency`
//! (`ZONEWATCH_LATENCY_PASSES=n` for more or fewer passes; default 40).
//!
//! With `ZONEWATCH_STRESS_DIR` set to a directory holding the stress set (`zones.geojson`,
//! `rules.toml`, `reports_1000000.csv`, as `benches/compare/run.sh` writes them), it
//! first times `check`'s work on them the way the CLI does it: the first 262 144 reports
//! (four 4 MiB blocks' worth) in the index's locality order, in runs of 4 096, one
//! thread, `check_into` against `check_into_hinted`; the best and the median of 5 passes,
//! per report (`ZONEWATCH_STRESS_REPORTS=n` for another count).

use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use zonewatch::core::{Checker, Coord, DepthHints, Report};
use zonewatch::io::{ReportFormat, ReportReader, load_agreement_files};

fn sirte() -> (Checker, Vec<Report>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sirte");
    let agreement = load_agreement_files(
        &dir.join("zones.geojson"),
        &dir.join("rules.toml"),
        Some(&dir.join("units.csv")),
    )
    .expect("the Sirte scenario loads");
    let text = std::fs::read(dir.join("reports.csv")).expect("data/sirte/reports.csv");
    (Checker::new(agreement), read_reports(text, "reports.csv"))
}

/// A fixed permutation (SplitMix64 Fisher–Yates): no order effects from the file.
fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    order
}

fn percentiles(name: &str, ns: &mut [u64]) {
    if ns.is_empty() {
        return;
    }
    ns.sort_unstable();
    let at = |q: f64| ns[((ns.len() - 1) as f64 * q).round() as usize];
    eprintln!(
        "{name:<22} n={:>8}  p50 {:>6} ns  p90 {:>6} ns  p99 {:>6} ns  p99.9 {:>7} ns  max {:>8} ns",
        ns.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(0.999),
        ns[ns.len() - 1]
    );
}

fn read_reports(text: Vec<u8>, name: &str) -> Vec<Report> {
    let cursor = Box::new(std::io::Cursor::new(text));
    let mut reader = ReportReader::new(cursor, ReportFormat::Csv, name).unwrap();
    let (mut reports, mut rejects) = (Vec::new(), Vec::new());
    while reader
        .read_chunk(100_000, &mut reports, &mut rejects)
        .unwrap()
    {}
    assert!(rejects.is_empty());
    reports
}

/// The stress set's check work, as the CLI does it (module notes).
fn stress_check(dir: &Path) {
    let n: usize = std::env::var("ZONEWATCH_STRESS_REPORTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(262_144);
    let agreement = load_agreement_files(&dir.join("zones.geojson"), &dir.join("rules.toml"), None)
        .expect("the stress set loads");
    let checker = Checker::new(agreement);
    let text = std::fs::read(dir.join("reports_1000000.csv")).expect("reports_1000000.csv");
    let mut reports = read_reports(text, "reports_1000000.csv");
    reports.truncate(n);
    let positions: Vec<Coord> = reports.iter().map(|r| r.position).collect();
    let order = checker.zone_index().locality_order(&positions);
    let mut out = Vec::new();
    let mut pass = |hinted: bool| {
        let t = Instant::now();
        let mut rows = 0;
        for run in order.chunks(4096) {
            let mut hints = DepthHints::default();
            for &i in run {
                out.clear();
                let r = &reports[i as usize];
                if hinted {
                    checker.check_into_hinted(r, &mut out, &mut hints).unwrap();
                } else {
                    checker.check_into(r, &mut out).unwrap();
                }
                rows += out.len();
            }
        }
        (t.elapsed().as_nanos() as f64 / reports.len() as f64, rows)
    };
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        cold.push(pass(false));
        warm.push(pass(true));
    }
    assert!(cold.iter().chain(&warm).all(|&(_, rows)| rows == cold[0].1));
    for (name, mut ns) in [("check_into", cold), ("check_into_hinted", warm)] {
        ns.sort_by(|a, b| a.0.total_cmp(&b.0));
        eprintln!(
            "stress check, {} reports in locality order, 1 thread, {name:<18}: best {:.0} ns, median {:.0} ns a report ({} rows)",
            reports.len(),
            ns[0].0,
            ns[2].0,
            ns[0].1
        );
    }
}

fn bench_check_latency(c: &mut Criterion) {
    if let Some(dir) = std::env::var_os("ZONEWATCH_STRESS_DIR") {
        stress_check(Path::new(&dir));
    }
    let (checker, reports) = sirte();
    let passes: usize = std::env::var("ZONEWATCH_LATENCY_PASSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let order = shuffled(reports.len(), 20201023);
    // Warm-up: every report a few times (caches, branch predictors, lazy pages).
    for _ in 0..3 {
        for r in &reports {
            black_box(checker.check(r).unwrap());
        }
    }
    // The timer's own cost, to read the figures against.
    let mut empty = Vec::with_capacity(100_000);
    for _ in 0..100_000 {
        let t = Instant::now();
        empty.push(t.elapsed().as_nanos() as u64);
    }
    let (mut all, mut quiet, mut flagged) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..passes {
        for &i in &order {
            let r = &reports[i];
            let t = Instant::now();
            let v = checker.check(black_box(r));
            let ns = t.elapsed().as_nanos() as u64;
            let rows = black_box(v.unwrap()).len();
            all.push(ns);
            if rows == 0 {
                quiet.push(ns);
            } else {
                flagged.push(ns);
            }
        }
    }
    eprintln!(
        "check(&report), Sirte scenario, {} reports x {passes} passes, 1 thread",
        reports.len()
    );
    percentiles("all reports", &mut all);
    percentiles("  no flag", &mut quiet);
    percentiles("  flagged", &mut flagged);
    percentiles("timer alone", &mut empty);

    let mut group = c.benchmark_group("check_latency_sirte");
    group.throughput(Throughput::Elements(reports.len() as u64));
    group.bench_function("check_each_report", |b| {
        b.iter(|| {
            let mut rows = 0;
            for r in &reports {
                rows += checker.check(r).unwrap().len();
            }
            black_box(rows)
        })
    });
    group.finish();
}

criterion_group!(benches, bench_check_latency);
criterion_main!(benches);
