//! Zone preparation: `ZoneIndex::build` (stripes + grid with its per-cell edge blocks +
//! R-tree) on the benches' ~300 polygon zones (~340k vertices), on ~300 distance zones,
//! and on `zonewatch gen`'s stress sets (`zonewatch_synth`: 300 polygon zones / 341k
//! vertices with rectilinear camps and a fractal coast; its distance set). Fixed seeds;
//! run with `cargo bench --bench zone_index_build`.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use zonewatch::core::ZoneIndex;
use zonewatch_synth::{DEFAULT_SEED, distance_zones, stress_zones};

fn bench_build(c: &mut Criterion) {
    let polygons = common::polygon_zones(20201023);
    let distance = common::distance_zones(20210123);
    let stress = stress_zones(DEFAULT_SEED);
    let stress_distance = distance_zones(DEFAULT_SEED);
    for (name, zones) in [
        ("bench polygons", &polygons),
        ("bench distance", &distance),
        ("gen zones", &stress),
        ("gen zones --distance", &stress_distance),
    ] {
        let t = std::time::Instant::now();
        let index = ZoneIndex::build(zones);
        let (nx, ny) = index.grid_dims();
        eprintln!(
            "{name:<22} {} zones, {} vertices: first build {:.0} ms, grid {nx} x {ny}, index heap {:.1} MB",
            zones.len(),
            common::vertex_count(zones),
            t.elapsed().as_secs_f64() * 1e3,
            index.index_heap_bytes() as f64 / 1e6
        );
    }
    common::min_table(&mut [
        ("build polygons (per zone)", polygons.len(), &mut || {
            ZoneIndex::build(&polygons).len()
        }),
        ("build distance (per zone)", distance.len(), &mut || {
            ZoneIndex::build(&distance).len()
        }),
        ("build gen zones (per zone)", stress.len(), &mut || {
            ZoneIndex::build(&stress).len()
        }),
        (
            "build gen zones --distance (per zone)",
            stress_distance.len(),
            &mut || ZoneIndex::build(&stress_distance).len(),
        ),
    ]);
    let mut group = c.benchmark_group("zone_index_build");
    group.sample_size(10);
    group.bench_function("polygons_300_zones_340k_vertices", |b| {
        b.iter(|| black_box(ZoneIndex::build(&polygons)))
    });
    group.bench_function("distance_300_zones", |b| {
        b.iter(|| black_box(ZoneIndex::build(&distance)))
    });
    group.bench_function("gen_zones_300_zones_341k_vertices", |b| {
        b.iter(|| black_box(ZoneIndex::build(&stress)))
    });
    group.finish();
}

criterion_group!(benches, bench_build);
criterion_main!(benches);
