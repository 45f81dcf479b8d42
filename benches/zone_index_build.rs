//! Zone preparation: `ZoneIndex::build` (stripes + grid + R-tree) on ~300 polygon zones
//! (~340k vertices) and on ~300 distance zones. Fixed seeds; run with
//! `cargo bench --bench zone_index_build`.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use zonewatch::core::ZoneIndex;

fn bench_build(c: &mut Criterion) {
    let polygons = common::polygon_zones(20201023);
    let distance = common::distance_zones(20210123);
    common::min_table(&mut [
        ("build polygons (per zone)", polygons.len(), &mut || {
            ZoneIndex::build(&polygons).len()
        }),
        ("build distance (per zone)", distance.len(), &mut || {
            ZoneIndex::build(&distance).len()
        }),
    ]);
    let mut group = c.benchmark_group("zone_index_build");
    group.sample_size(10);
    group.bench_function("polygons_300_zones_340k_vertices", |b| {
        b.iter(|| black_box(ZoneIndex::build(&polygons)))
    });
    group.bench_function("distance_300_zones", |b| {
        b.iter(|| black_box(ZoneIndex::build(&distance)))
    });
    group.finish();
}

criterion_group!(benches, bench_build);
criterion_main!(benches);
