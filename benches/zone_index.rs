//! The kernel — which zones cover this point — on ~300 synthetic polygon zones (~340k
//! vertices) around Sirte: the grid index (`zones_at`) beside the v0.1 path (R-tree +
//! every edge, `zones_at_brute_force`) and naive `geo` (per-zone box, then
//! `coordinate_position`), on random points, the same points sorted by location, and
//! points within a few metres of edges; each set also as one batch (`zones_at_all`,
//! answered in the order of the grid's cells); then 1 vs 2 threads. Fixed seeds; run with
//! `cargo bench --bench zone_index` (`ZONEWATCH_BENCH_MIN=rounds` for the minima table).

mod common;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use geo::BoundingRect;
use geo::algorithm::coordinate_position::{CoordPos, CoordinatePosition};
use geo_types::{Coord, MultiPolygon, Rect};
use rayon::prelude::*;
use std::hint::black_box;
use zonewatch::core::{Predicate, Shape, ZoneIndex};

fn run(index: &ZoneIndex, points: &[Coord]) -> usize {
    let mut out = Vec::new();
    let mut n = 0;
    for p in points {
        out.clear();
        index.zones_at(*p, Predicate::Covers, &mut out);
        n += out.len();
    }
    n
}

/// The whole set as one batch (`zones_at_all`: answered in cell order, on the pool's
/// threads).
fn run_batch(index: &ZoneIndex, points: &[Coord]) -> usize {
    index.zones_at_all(points, Predicate::Covers).pairs()
}

fn run_brute_force(index: &ZoneIndex, points: &[Coord]) -> usize {
    let mut out = Vec::new();
    let mut n = 0;
    for p in points {
        out.clear();
        index.zones_at_brute_force(*p, Predicate::Covers, &mut out);
        n += out.len();
    }
    n
}

fn run_naive(polygons: &[(Rect, &MultiPolygon)], points: &[Coord]) -> usize {
    points
        .iter()
        .map(|p| {
            polygons
                .iter()
                .filter(|(r, mp)| {
                    r.min().x <= p.x
                        && p.x <= r.max().x
                        && r.min().y <= p.y
                        && p.y <= r.max().y
                        && mp.coordinate_position(p) != CoordPos::Outside
                })
                .count()
        })
        .sum()
}

fn bench_kernel(c: &mut Criterion) {
    let zones = common::polygon_zones(20201023);
    let index = ZoneIndex::build(&zones);
    let (nx, ny) = index.grid_dims();
    eprintln!(
        "{} zones, {} vertices; grid {nx} x {ny}; index heap {:.1} MB",
        zones.len(),
        common::vertex_count(&zones),
        index.index_heap_bytes() as f64 / 1e6
    );
    let polygons: Vec<(Rect, &MultiPolygon)> = zones
        .iter()
        .map(|z| match &z.shape {
            Shape::Area { polygons, .. } => (polygons.bounding_rect().unwrap(), polygons),
            _ => unreachable!(),
        })
        .collect();
    let random = common::random_points(7, 100_000);
    let sorted = common::sorted_by_location(&random);
    let boundary = common::boundary_points(11, &zones, 100_000);
    // Same answers on every set (a cheap guard that the bench measures the same thing).
    for pts in [&random, &boundary] {
        assert_eq!(
            run(&index, &pts[..2000]),
            run_brute_force(&index, &pts[..2000])
        );
        assert_eq!(run(&index, &pts[..200]), run_naive(&polygons, &pts[..200]));
    }

    let pool1 = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let pool2 = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let threaded = |pool: &rayon::ThreadPool| {
        pool.install(|| {
            random
                .par_chunks(4096)
                .map(|chunk| run(&index, chunk))
                .sum::<usize>()
        })
    };
    common::min_table(&mut [
        ("grid random", random.len(), &mut || run(&index, &random)),
        ("grid sorted", sorted.len(), &mut || run(&index, &sorted)),
        ("grid boundary", boundary.len(), &mut || {
            run(&index, &boundary)
        }),
        ("grid batch random, 1 thread", random.len(), &mut || {
            pool1.install(|| run_batch(&index, &random))
        }),
        ("grid batch boundary, 1 thread", boundary.len(), &mut || {
            pool1.install(|| run_batch(&index, &boundary))
        }),
        ("grid batch random, 2 threads", random.len(), &mut || {
            pool2.install(|| run_batch(&index, &random))
        }),
        ("grid random, rayon 1 thread", random.len(), &mut || {
            threaded(&pool1)
        }),
        ("grid random, rayon 2 threads", random.len(), &mut || {
            threaded(&pool2)
        }),
        ("rtree_v0.1 random", 10_000, &mut || {
            run_brute_force(&index, &random[..10_000])
        }),
        ("rtree_v0.1 sorted", 10_000, &mut || {
            run_brute_force(&index, &sorted[..10_000])
        }),
        ("rtree_v0.1 boundary", 10_000, &mut || {
            run_brute_force(&index, &boundary[..10_000])
        }),
        ("naive_geo random", 500, &mut || {
            run_naive(&polygons, &random[..500])
        }),
        ("naive_geo boundary", 500, &mut || {
            run_naive(&polygons, &boundary[..500])
        }),
    ]);

    let mut group = c.benchmark_group("kernel_300_zones_340k_vertices");
    for (name, pts) in [
        ("random", &random),
        ("sorted", &sorted),
        ("boundary", &boundary),
    ] {
        group.throughput(Throughput::Elements(pts.len() as u64));
        group.bench_function(BenchmarkId::new("grid", name), |b| {
            b.iter(|| black_box(run(&index, pts)))
        });
        group.bench_function(BenchmarkId::new("grid_batch_1_thread", name), |b| {
            b.iter(|| pool1.install(|| black_box(run_batch(&index, pts))))
        });
        let few = &pts[..10_000];
        group.throughput(Throughput::Elements(few.len() as u64));
        group.bench_function(BenchmarkId::new("rtree_v0.1", name), |b| {
            b.iter(|| black_box(run_brute_force(&index, few)))
        });
        if name != "sorted" {
            let fewer = &pts[..500];
            group.throughput(Throughput::Elements(fewer.len() as u64));
            group.bench_function(BenchmarkId::new("naive_geo", name), |b| {
                b.iter(|| black_box(run_naive(&polygons, fewer)))
            });
        }
    }
    group.finish();

    let mut group = c.benchmark_group("kernel_threads");
    group.throughput(Throughput::Elements(random.len() as u64));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(BenchmarkId::new("grid_random", threads), |b| {
            b.iter(|| {
                pool.install(|| {
                    black_box(
                        random
                            .par_chunks(4096)
                            .map(|chunk| run(&index, chunk))
                            .sum::<usize>(),
                    )
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_kernel);
criterion_main!(benches);
