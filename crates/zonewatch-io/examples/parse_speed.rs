//! Report parsing speed, single thread: synthetic reports (fixed seed) in CSV, NDJSON and
//! a GeoJSON FeatureCollection, held in memory, read with `ReportReader` in chunks.
//!
//! ```text
//! cargo run --release -p zonewatch-io --example parse_speed -- 1000000
//! ```
//!
//! A scratch measurement, not a benchmark suite (those are criterion, in `benches/`).
//! For scale it also times `csv::ByteRecord` iteration alone over the same CSV.

use std::io::{Cursor, Write};
use std::time::Instant;

use zonewatch_io::{ReportFormat, ReportReader};

/// A 64-bit LCG: the same data on every run.
fn next(state: &mut u64) -> f64 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*state >> 11) as f64 / (1u64 << 53) as f64
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(1_000_000, |s| s.parse().expect("a row count"));
    let mut seed = 42;
    let (mut csv, mut ndjson, mut geojson) = (Vec::new(), Vec::new(), Vec::new());
    writeln!(csv, "unit_id,time,lon,lat,accuracy_m").unwrap();
    geojson.extend_from_slice(
        b"{\"type\":\"FeatureCollection\",\"bbox\":[10,25,25,33],\"features\":[\n",
    );
    for i in 0..n {
        let lon = 10.0 + 15.0 * next(&mut seed);
        let lat = 25.0 + 8.0 * next(&mut seed);
        let s = (next(&mut seed) * 86_400.0) as u64;
        let day = 1 + i % 28;
        let time = format!(
            "2021-02-{day:02}T{:02}:{:02}:{:02}Z",
            s / 3600,
            s / 60 % 60,
            s % 60
        );
        let unit = format!("LAAF-{}", i % 500);
        let accuracy = (next(&mut seed) * 100.0) as u32;
        writeln!(csv, "{unit},{time},{lon:.6},{lat:.6},{accuracy}").unwrap();
        let feature = format!(
            "{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon:.6},{lat:.6}]}},\
             \"properties\":{{\"unit_id\":\"{unit}\",\"time\":\"{time}\",\"accuracy_m\":{accuracy}}}}}"
        );
        writeln!(ndjson, "{feature}").unwrap();
        if i > 0 {
            geojson.extend_from_slice(b",\n");
        }
        geojson.extend_from_slice(feature.as_bytes());
    }
    geojson.extend_from_slice(b"\n]}\n");

    let best = |f: &mut dyn FnMut()| {
        (0..3)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    };
    let report = |name: &str, bytes: usize, secs: f64| {
        println!(
            "{name:34} {n} rows, {:6.1} MB: {:5.0} ns/row",
            bytes as f64 / 1e6,
            secs * 1e9 / n as f64
        );
    };

    let secs = best(&mut || {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(Cursor::new(&csv));
        let mut record = csv::ByteRecord::new();
        let mut fields = 0;
        while r.read_byte_record(&mut record).unwrap() {
            fields += record.len();
        }
        assert!(fields > n);
    });
    report("csv::ByteRecord alone (scale)", csv.len(), secs);
    for (name, data, format) in [
        ("CSV reports", csv, ReportFormat::Csv),
        ("NDJSON reports", ndjson, ReportFormat::NdJson),
        (
            "GeoJSON FeatureCollection reports",
            geojson,
            ReportFormat::GeoJson,
        ),
    ] {
        // 'static, so the timed loop reads it in place rather than a fresh copy.
        let data: &'static [u8] = data.leak();
        let secs = best(&mut || {
            let input = Box::new(data);
            let mut reader = ReportReader::new(input, format, "reports").unwrap();
            let (mut reports, mut rejects) = (Vec::with_capacity(1 << 16), Vec::new());
            let mut total = 0;
            while reader
                .read_chunk(1 << 16, &mut reports, &mut rejects)
                .unwrap()
            {
                total += reports.len();
                reports.clear();
            }
            assert_eq!((total, rejects.len()), (n, 0));
        });
        report(name, data.len(), secs);
    }
}
