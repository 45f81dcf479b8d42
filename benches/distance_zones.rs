//! The kernel on distance zones — 260 circles, 20 line bands, 20 grown polygons — beside
//! the polygon zones of the `zone_index` bench, same random points: the grid answers most
//! points from cell classes computed with rigorous geodesic bounds. Also the v0.1 path
//! (R-tree + exact geodesic distances). Fixed seeds; run with
//! `cargo bench --bench distance_zones`.

mod common;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use geo_types::Coord;
use std::hint::black_box;
use zonewatch::core::{Predicate, ZoneIndex};

fn run(index: &ZoneIndex, points: &[Coord], brute_force: bool) -> usize {
    let mut out = Vec::new();
    let mut n = 0;
    for p in points {
        out.clear();
        if brute_force {
            index.zones_at_brute_force(*p, Predicate::Covers, &mut out);
        } else {
            index.zones_at(*p, Predicate::Covers, &mut out);
        }
        n += out.len();
    }
    n
}

fn bench_distance(c: &mut Criterion) {
    let polygons = ZoneIndex::build(&common::polygon_zones(20201023));
    let distance_zones = common::distance_zones(20210123);
    let distance = ZoneIndex::build(&distance_zones);
    let (nx, ny) = distance.grid_dims();
    eprintln!(
        "distance zones: grid {nx} x {ny}; index heap {:.1} MB",
        distance.index_heap_bytes() as f64 / 1e6
    );
    let random = common::random_points(7, 100_000);
    assert_eq!(
        run(&distance, &random[..2000], false),
        run(&distance, &random[..2000], true)
    );
    common::min_table(&mut [
        ("grid polygons random", random.len(), &mut || {
            run(&polygons, &random, false)
        }),
        ("grid distance random", random.len(), &mut || {
            run(&distance, &random, false)
        }),
        ("rtree_v0.1 distance random", 2000, &mut || {
            run(&distance, &random[..2000], true)
        }),
    ]);
    let mut group = c.benchmark_group("distance_zones");
    group.throughput(Throughput::Elements(random.len() as u64));
    group.bench_function(BenchmarkId::new("grid", "polygons"), |b| {
        b.iter(|| black_box(run(&polygons, &random, false)))
    });
    group.bench_function(BenchmarkId::new("grid", "distance"), |b| {
        b.iter(|| black_box(run(&distance, &random, false)))
    });
    let few = &random[..2000];
    group.throughput(Throughput::Elements(few.len() as u64));
    group.bench_function(BenchmarkId::new("rtree_v0.1", "distance"), |b| {
        b.iter(|| black_box(run(&distance, few, true)))
    });
    group.finish();
}

criterion_group!(benches, bench_distance);
criterion_main!(benches);
