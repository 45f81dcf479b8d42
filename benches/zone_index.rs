//! The kernel — which zones cover this point — indexed vs naive, on synthetic zones around
//! Sirte. Fixed seeds; run with `cargo bench --bench zone_index`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use geo::algorithm::coordinate_position::{CoordPos, CoordinatePosition};
use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use std::hint::black_box;
use zonewatch::core::{Predicate, Shape, Zone, ZoneIndex};

/// A tiny deterministic generator (SplitMix64), so the bench needs no rand crate.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }
}

/// `n` star-shaped polygons of `vertices` vertices each, scattered over 14–19°E, 29–32°N.
fn zones(rng: &mut Rng, n: usize, vertices: usize) -> Vec<Zone> {
    (0..n)
        .map(|i| {
            let (cx, cy, scale) = (
                rng.range(14.0, 19.0),
                rng.range(29.0, 32.0),
                rng.range(0.02, 0.3),
            );
            let mut ring: Vec<Coord> = (0..vertices)
                .map(|k| {
                    let t = std::f64::consts::TAU * k as f64 / vertices as f64;
                    let r = scale * rng.range(0.6, 1.0);
                    Coord {
                        x: cx + r * t.cos(),
                        y: cy + r * t.sin(),
                    }
                })
                .collect();
            ring.push(ring[0]);
            Zone {
                id: format!("zone{i:04}"),
                name: None,
                shape: Shape::Area {
                    polygons: MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]),
                    buffer_m: 0.0,
                },
            }
        })
        .collect()
}

fn bench_kernel(c: &mut Criterion) {
    let mut rng = Rng(20201023);
    let zones = zones(&mut rng, 300, 256);
    let points: Vec<Coord> = (0..10_000)
        .map(|_| Coord {
            x: rng.range(14.0, 19.0),
            y: rng.range(29.0, 32.0),
        })
        .collect();
    let index = ZoneIndex::build(&zones);
    let polygons: Vec<&MultiPolygon> = zones
        .iter()
        .map(|z| match &z.shape {
            Shape::Area { polygons, .. } => polygons,
            _ => unreachable!(),
        })
        .collect();

    let mut group = c.benchmark_group("covers_300_zones_77k_vertices");
    group.throughput(Throughput::Elements(points.len() as u64));
    group.bench_function(BenchmarkId::new("indexed", "random"), |b| {
        let mut out = Vec::new();
        b.iter(|| {
            for p in &points {
                out.clear();
                index.zones_at(*p, Predicate::Covers, &mut out);
                black_box(&out);
            }
        })
    });
    group.bench_function(BenchmarkId::new("naive_geo", "random"), |b| {
        b.iter(|| {
            for p in &points {
                let n = polygons
                    .iter()
                    .filter(|mp| mp.coordinate_position(p) != CoordPos::Outside)
                    .count();
                black_box(n);
            }
        })
    });
    group.finish();

    c.bench_function("zone_index_build_300_zones", |b| {
        b.iter(|| black_box(ZoneIndex::build(&zones)))
    });
}

criterion_group!(benches, bench_kernel);
criterion_main!(benches);
