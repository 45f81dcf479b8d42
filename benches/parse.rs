//! Parsing reports and points, careful vs blocks, side by side: the one-row-at-a-time
//! readers (`ReportReader`, `PointReader`: the `csv` crate, serde one feature at a time)
//! against the block path (`ReportBlocks`, `PointBlocks`: whole-line blocks split by hand;
//! for NDJSON, each line through the hand-written feature scanner, serde only for lines
//! it leaves), the latter on one thread and on all cores. 1 M generated reports (fixed
//! seed), from bytes in memory. `cargo bench --bench parse` (`-- parse_ndjson` for the
//! NDJSON group alone).

use std::io::Cursor;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use std::hint::black_box;
use zonewatch::io::{
    ParsedPoints, ParsedReports, PointBlock, PointBlocks, PointReader, ReportBlock, ReportBlocks,
    ReportFormat, ReportReader,
};
use zonewatch_synth::{DEFAULT_SEED, ReportText, ReportWriter, reports, stress_zones};

const ROWS: usize = 65_536;
const N: u64 = 1_000_000;

fn text(n: u64, format: ReportText) -> Arc<[u8]> {
    let zones = stress_zones(DEFAULT_SEED);
    let mut w = ReportWriter::new(Vec::new(), format).unwrap();
    for r in reports(&zones, DEFAULT_SEED, n) {
        w.write(&r).unwrap();
    }
    w.finish().unwrap().into()
}

fn input(bytes: &Arc<[u8]>) -> Box<dyn std::io::BufRead + Send> {
    Box::new(Cursor::new(bytes.clone()))
}

fn careful_reports(bytes: &Arc<[u8]>, format: ReportFormat) -> usize {
    let mut r = ReportReader::new(input(bytes), format, "bench").unwrap();
    let (mut batch, mut rejects, mut n) = (Vec::with_capacity(ROWS), Vec::new(), 0);
    loop {
        batch.clear();
        let more = r.read_chunk(ROWS, &mut batch, &mut rejects).unwrap();
        n += batch.len();
        if !more {
            return n;
        }
    }
}

fn block_reports(bytes: &Arc<[u8]>, format: ReportFormat, parallel: bool) -> usize {
    let mut blocks = ReportBlocks::new(input(bytes), format, "bench", ROWS).unwrap();
    let mut n = 0;
    while let Some(block) = blocks.next_block().unwrap() {
        let ReportBlock::Lines(b) = block else {
            panic!("no careful blocks in generated data")
        };
        let parse = |i| {
            let mut p = ParsedReports::default();
            b.read_reports(i, &mut p);
            p.reports.len()
        };
        n += if parallel {
            (0..b.pieces()).into_par_iter().map(parse).sum::<usize>()
        } else {
            (0..b.pieces()).map(parse).sum()
        };
    }
    n
}

fn careful_points(bytes: &Arc<[u8]>, format: ReportFormat) -> usize {
    let mut r = PointReader::new(input(bytes), format, "bench").unwrap();
    let (mut batch, mut rejects, mut n) = (Vec::with_capacity(ROWS), Vec::new(), 0);
    loop {
        batch.clear();
        let more = r.read_chunk(ROWS, &mut batch, &mut rejects).unwrap();
        n += batch.len();
        if !more {
            return n;
        }
    }
}

fn block_points(bytes: &Arc<[u8]>, format: ReportFormat, parallel: bool) -> usize {
    let mut blocks = PointBlocks::new(input(bytes), format, "bench", ROWS).unwrap();
    let mut n = 0;
    while let Some(block) = blocks.next_block().unwrap() {
        let PointBlock::Lines(b) = block else {
            panic!("no careful blocks in generated data")
        };
        let parse = |i| {
            let mut p = ParsedPoints::default();
            b.read_points(i, &mut p);
            p.points.len()
        };
        n += if parallel {
            (0..b.pieces()).into_par_iter().map(parse).sum::<usize>()
        } else {
            (0..b.pieces()).map(parse).sum()
        };
    }
    n
}

fn bench_parse(c: &mut Criterion) {
    for (name, text_format, format) in [
        ("csv", ReportText::Csv, ReportFormat::Csv),
        ("ndjson", ReportText::NdJson, ReportFormat::NdJson),
    ] {
        let bytes = text(N, text_format);
        let mut group = c.benchmark_group(format!("parse_{name}"));
        group.sample_size(10);
        group.throughput(Throughput::Elements(N));
        let id = |what: &str| BenchmarkId::new(what, N);
        group.bench_function(id("reports_careful"), |b| {
            b.iter(|| black_box(careful_reports(&bytes, format)))
        });
        group.bench_function(id("reports_blocks_1_thread"), |b| {
            b.iter(|| black_box(block_reports(&bytes, format, false)))
        });
        group.bench_function(id("reports_blocks_all_cores"), |b| {
            b.iter(|| black_box(block_reports(&bytes, format, true)))
        });
        group.bench_function(id("points_careful"), |b| {
            b.iter(|| black_box(careful_points(&bytes, format)))
        });
        group.bench_function(id("points_blocks_1_thread"), |b| {
            b.iter(|| black_box(block_points(&bytes, format, false)))
        });
        group.bench_function(id("points_blocks_all_cores"), |b| {
            b.iter(|| black_box(block_points(&bytes, format, true)))
        });
        group.finish();
    }
}

criterion_group!(benches, bench_parse);
criterion_main!(benches);
