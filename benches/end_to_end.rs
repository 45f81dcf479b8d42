//! End to end, in process: CSV (or NDJSON) bytes → parse → check → violations as CSV into
//! a sink, on the generated stress set (300 zones, ~340k vertices; one `keep_out` rule
//! over every zone): the chunked reader with `check_batch` (`chunks`) beside the block
//! pipeline `zonewatch check` runs (`blocks`: pieces parsed, checked and formatted on
//! every core, written in order). Plus parsing alone. Fixed seeds; run with
//! `cargo bench --bench end_to_end`. The file-to-file runs against peers are in
//! `benches/compare/`.

use std::io::Cursor;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use std::hint::black_box;
use zonewatch::core::{Agreement, Checker, Rule, RuleKind, RuleOptions, UnitFilter};
use zonewatch::io::{
    OutputFormat, ParsedReports, ReportBlock, ReportBlocks, ReportFormat, ReportReader,
    ViolationRows, ViolationWriter,
};
use zonewatch_synth::{DEFAULT_SEED, ReportText, ReportWriter, reports, stress_zones};

const CHUNK: usize = 65_536;

fn text(zones: &[zonewatch::core::Zone], n: u64, format: ReportText) -> Arc<[u8]> {
    let mut w = ReportWriter::new(Vec::new(), format).unwrap();
    for r in reports(zones, DEFAULT_SEED, n) {
        w.write(&r).unwrap();
    }
    w.finish().unwrap().into()
}

/// Parses, checks and writes; returns the number of violation rows.
fn pipeline(checker: &Checker, bytes: &Arc<[u8]>, format: ReportFormat) -> u64 {
    let mut reader =
        ReportReader::new(Box::new(Cursor::new(bytes.clone())), format, "bench").unwrap();
    let mut writer = ViolationWriter::new(std::io::sink(), OutputFormat::Csv).unwrap();
    let (mut batch, mut rejects) = (Vec::with_capacity(CHUNK), Vec::new());
    let mut rows = 0;
    loop {
        batch.clear();
        let more = reader.read_chunk(CHUNK, &mut batch, &mut rejects).unwrap();
        for (report, result) in batch.iter().zip(checker.check_batch(&batch)) {
            for v in result.unwrap() {
                writer.write(report, &v, checker).unwrap();
                rows += 1;
            }
        }
        if !more {
            break;
        }
    }
    assert!(rejects.is_empty());
    writer.finish().unwrap();
    rows
}

/// The block pipeline of `zonewatch check`; returns the number of violation rows.
fn pipeline_blocks(checker: &Checker, bytes: &Arc<[u8]>, format: ReportFormat) -> u64 {
    let mut blocks =
        ReportBlocks::new(Box::new(Cursor::new(bytes.clone())), format, "bench", CHUNK).unwrap();
    let mut writer = ViolationWriter::new(std::io::sink(), OutputFormat::Csv).unwrap();
    let mut rows = 0;
    while let Some(block) = blocks.next_block().unwrap() {
        let ReportBlock::Lines(lines) = block else {
            panic!("generated data has no quotes")
        };
        let out: Vec<(ViolationRows, u64)> = (0..lines.pieces())
            .into_par_iter()
            .map(|i| {
                let mut parsed = ParsedReports::default();
                lines.read_reports(i, &mut parsed);
                let mut out = ViolationRows::new(OutputFormat::Csv);
                let (mut flags, mut n) = (Vec::new(), 0);
                for report in &parsed.reports {
                    flags.clear();
                    checker.check_into(report, &mut flags).unwrap();
                    for v in &flags {
                        out.push(report, v, checker);
                    }
                    n += flags.len() as u64;
                }
                (out, n)
            })
            .collect();
        for (piece, n) in &out {
            writer.append(piece).unwrap();
            rows += n;
        }
    }
    writer.finish().unwrap();
    rows
}

/// Parses only; returns the number of reports.
fn parse(bytes: &Arc<[u8]>, format: ReportFormat) -> usize {
    let mut reader =
        ReportReader::new(Box::new(Cursor::new(bytes.clone())), format, "bench").unwrap();
    let (mut batch, mut rejects) = (Vec::with_capacity(CHUNK), Vec::new());
    let mut n = 0;
    loop {
        batch.clear();
        let more = reader.read_chunk(CHUNK, &mut batch, &mut rejects).unwrap();
        n += batch.len();
        if !more {
            return n;
        }
    }
}

fn bench_end_to_end(c: &mut Criterion) {
    let zones = stress_zones(DEFAULT_SEED);
    let rule = Rule {
        id: "keep_out_all".into(),
        kind: RuleKind::KeepOut {
            zones: zones.iter().map(|z| z.id.clone()).collect(),
            margin_m: 0.0,
        },
        from: None,
        until: None,
        who: UnitFilter::default(),
        except: None,
        options: RuleOptions::default(),
    };
    let checker = Checker::new(Agreement::new(zones.clone(), vec![rule], vec![]).unwrap());

    let mut group = c.benchmark_group("end_to_end_stress_check");
    group.sample_size(10);
    for n in [10_000u64, 100_000] {
        for (name, text_format, format) in [
            ("csv", ReportText::Csv, ReportFormat::Csv),
            ("ndjson", ReportText::NdJson, ReportFormat::NdJson),
        ] {
            let bytes = text(&zones, n, text_format);
            group.throughput(Throughput::Elements(n));
            assert_eq!(
                pipeline(&checker, &bytes, format),
                pipeline_blocks(&checker, &bytes, format)
            );
            group.bench_with_input(
                BenchmarkId::new(format!("{name}_chunks"), n),
                &bytes,
                |b, bytes| b.iter(|| black_box(pipeline(&checker, bytes, format))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("{name}_blocks"), n),
                &bytes,
                |b, bytes| b.iter(|| black_box(pipeline_blocks(&checker, bytes, format))),
            );
        }
    }
    group.finish();

    let mut group = c.benchmark_group("parse_only");
    group.sample_size(10);
    let n = 1_000_000u64;
    group.throughput(Throughput::Elements(n));
    for (name, text_format, format) in [
        ("csv", ReportText::Csv, ReportFormat::Csv),
        ("ndjson", ReportText::NdJson, ReportFormat::NdJson),
        ("geojson", ReportText::GeoJson, ReportFormat::GeoJson),
    ] {
        let bytes = text(&zones, n, text_format);
        group.bench_with_input(BenchmarkId::new(name, n), &bytes, |b, bytes| {
            b.iter(|| black_box(parse(bytes, format)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_end_to_end);
criterion_main!(benches);
