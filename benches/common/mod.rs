//! A small deterministic zone and point generator shared by the benches (fixed seeds, no
//! rand crate): synthetic zones around Sirte at the performance issue's scale.

#![allow(dead_code)]

use geo_types::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};
use zonewatch::core::{Shape, Zone};

/// SplitMix64.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next()
    }

    pub fn below(&mut self, n: usize) -> usize {
        ((self.next() * n as f64) as usize).min(n - 1)
    }
}

/// The extent the zones are scattered over: 14–19°E, 29–32°N.
pub const EXTENT: (f64, f64, f64, f64) = (14.0, 29.0, 19.0, 32.0);

/// A wiggly star-shaped ring (simple by construction: angle strictly increasing, radius
/// > 0), `sx`/`sy` the half-widths in degrees; reversed at random.
pub fn ring(rng: &mut Rng, centre: Coord, sx: f64, sy: f64, vertices: usize) -> LineString {
    let (p1, p2, p3) = (
        rng.range(0.0, 6.3),
        rng.range(0.0, 6.3),
        rng.range(0.0, 6.3),
    );
    let mut pts: Vec<Coord> = (0..vertices)
        .map(|k| {
            let t = std::f64::consts::TAU * k as f64 / vertices as f64;
            // Radial wiggles at three scales plus noise: a coast-like edge, but never so
            // jagged that the ring folds back on itself.
            let r = 0.8
                + 0.1 * (5.0 * t + p1).sin()
                + 0.02 * (37.0 * t + p2).sin()
                + 0.002 * (211.0 * t + p3).sin()
                + 0.004 * rng.next() * 1000.0 / vertices.max(1000) as f64;
            Coord {
                x: centre.x + sx * r * t.cos(),
                y: centre.y + sy * r * t.sin(),
            }
        })
        .collect();
    if rng.next() < 0.5 {
        pts.reverse();
    }
    pts.push(pts[0]);
    LineString(pts)
}

fn area(id: String, polygons: Vec<Polygon>, buffer_m: f64) -> Zone {
    Zone {
        id,
        name: None,
        shape: Shape::Area {
            polygons: MultiPolygon(polygons),
            buffer_m,
        },
    }
}

fn centre(rng: &mut Rng, margin: f64) -> Coord {
    let (x0, y0, x1, y1) = EXTENT;
    Coord {
        x: rng.range(x0 + margin, x1 - margin),
        y: rng.range(y0 + margin, y1 - margin),
    }
}

/// ~300 polygon zones, ~340k vertices: a coast-like strip (16k), a district with 20
/// holes (13k), a frontline (5k), 20 multipolygons of 3 parts × 5k, 260 camps of 16–64.
pub fn polygon_zones(seed: u64) -> Vec<Zone> {
    let mut rng = Rng(seed);
    let mut zones = Vec::new();
    let c = centre(&mut rng, 1.0);
    zones.push(area(
        "coast".into(),
        vec![Polygon::new(ring(&mut rng, c, 1.6, 0.4, 16_000), vec![])],
        0.0,
    ));
    let c = centre(&mut rng, 1.0);
    let holes = (0..20)
        .map(|k| {
            let t = std::f64::consts::TAU * k as f64 / 20.0;
            let hc = Coord {
                x: c.x + 0.35 * t.cos(),
                y: c.y + 0.35 * t.sin(),
            };
            ring(&mut rng, hc, 0.04, 0.04, 50)
        })
        .collect();
    zones.push(area(
        "district".into(),
        vec![Polygon::new(ring(&mut rng, c, 0.6, 0.6, 12_000), holes)],
        0.0,
    ));
    let c = centre(&mut rng, 1.0);
    zones.push(area(
        "frontline".into(),
        vec![Polygon::new(ring(&mut rng, c, 1.2, 0.08, 5_000), vec![])],
        0.0,
    ));
    for i in 0..20 {
        let parts = (0..3)
            .map(|_| {
                let c = centre(&mut rng, 0.4);
                let s = rng.range(0.05, 0.25);
                Polygon::new(ring(&mut rng, c, s, s, 5_000), vec![])
            })
            .collect();
        zones.push(area(format!("multi{i:02}"), parts, 0.0));
    }
    for i in 0..260 {
        let c = centre(&mut rng, 0.1);
        let s = rng.range(0.005, 0.03);
        let n = 16 + rng.below(49);
        zones.push(area(
            format!("camp{i:03}"),
            vec![Polygon::new(ring(&mut rng, c, s, s, n), vec![])],
            0.0,
        ));
    }
    zones
}

/// ~300 distance zones: 260 circles (1–5 km), 20 bands (lines of 200 vertices, 2–10 km)
/// and 20 grown polygons (1k vertices, grown 1–5 km).
pub fn distance_zones(seed: u64) -> Vec<Zone> {
    let mut rng = Rng(seed);
    let mut zones = Vec::new();
    for i in 0..260 {
        zones.push(Zone {
            id: format!("circle{i:03}"),
            name: None,
            shape: Shape::Circle {
                centre: centre(&mut rng, 0.1),
                radius_m: rng.range(1_000.0, 5_000.0),
            },
        });
    }
    for i in 0..20 {
        let mut p = centre(&mut rng, 0.5);
        let heading = rng.range(0.0, 6.3);
        let line: Vec<Coord> = (0..200)
            .map(|_| {
                let h = heading + rng.range(-0.5, 0.5);
                p = Coord {
                    x: p.x + 0.01 * h.cos(),
                    y: p.y + 0.01 * h.sin(),
                };
                p
            })
            .collect();
        zones.push(Zone {
            id: format!("band{i:02}"),
            name: None,
            shape: Shape::Band {
                lines: MultiLineString(vec![LineString(line)]),
                buffer_m: rng.range(2_000.0, 10_000.0),
            },
        });
    }
    for i in 0..20 {
        let c = centre(&mut rng, 0.4);
        let s = rng.range(0.05, 0.2);
        let buffer = rng.range(1_000.0, 5_000.0);
        zones.push(area(
            format!("grown{i:02}"),
            vec![Polygon::new(ring(&mut rng, c, s, s, 1_000), vec![])],
            buffer,
        ));
    }
    zones
}

/// Uniform random points over the extent.
pub fn random_points(seed: u64, n: usize) -> Vec<Coord> {
    let mut rng = Rng(seed);
    let (x0, y0, x1, y1) = EXTENT;
    (0..n)
        .map(|_| Coord {
            x: rng.range(x0, x1),
            y: rng.range(y0, y1),
        })
        .collect()
}

/// The points in Z-order (Morton order of 16-bit quantised coordinates): neighbours on
/// the ground come one after another, as in a sorted or tiled input.
pub fn sorted_by_location(points: &[Coord]) -> Vec<Coord> {
    let (x0, y0, x1, y1) = EXTENT;
    let q = |v: f64, lo: f64, hi: f64| (((v - lo) / (hi - lo)).clamp(0.0, 1.0) * 65_535.0) as u32;
    let spread = |mut v: u32| {
        v = (v | (v << 8)) & 0x00FF_00FF;
        v = (v | (v << 4)) & 0x0F0F_0F0F;
        v = (v | (v << 2)) & 0x3333_3333;
        (v | (v << 1)) & 0x5555_5555
    };
    let mut out = points.to_vec();
    out.sort_by_key(|p| spread(q(p.x, x0, x1)) | spread(q(p.y, y0, y1)) << 1);
    out
}

/// Points within a few metres of polygon edges: a random edge, a random point along it,
/// then an offset of up to ±2e-5° (≈ 2 m) on each axis; one in eight exactly on a vertex.
pub fn boundary_points(seed: u64, zones: &[Zone], n: usize) -> Vec<Coord> {
    let mut rng = Rng(seed);
    let edges: Vec<(Coord, Coord)> = zones
        .iter()
        .filter_map(|z| match &z.shape {
            Shape::Area { polygons, .. } => Some(polygons),
            _ => None,
        })
        .flat_map(|mp| mp.iter())
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.0.windows(2).map(|w| (w[0], w[1])).collect::<Vec<_>>())
        .collect();
    (0..n)
        .map(|_| {
            let (a, b) = edges[rng.below(edges.len())];
            if rng.next() < 0.125 {
                return a;
            }
            let t = rng.next();
            Coord {
                x: a.x + t * (b.x - a.x) + rng.range(-2e-5, 2e-5),
                y: a.y + t * (b.y - a.y) + rng.range(-2e-5, 2e-5),
            }
        })
        .collect()
}

/// Total positions in the zones.
pub fn vertex_count(zones: &[Zone]) -> usize {
    zones
        .iter()
        .map(|z| match &z.shape {
            Shape::Area { polygons, .. } => polygons
                .iter()
                .map(|p| {
                    p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()
                })
                .sum(),
            Shape::Circle { .. } => 1,
            Shape::Band { lines, .. } => lines.iter().map(|l| l.0.len()).sum(),
        })
        .sum()
}

/// On a shared, noisy machine criterion's mean drifts with the neighbours' load; the
/// minimum over many short interleaved rounds is the stable figure. With
/// `ZONEWATCH_BENCH_MIN=rounds` set, benches print, for each case, the minimum over that
/// many rounds of the time per element (ns), all cases interleaved round by round.
pub fn min_table(cases: &mut [(&str, usize, &mut dyn FnMut() -> usize)]) {
    let Some(rounds) = std::env::var("ZONEWATCH_BENCH_MIN")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return;
    };
    let mut best = vec![f64::INFINITY; cases.len()];
    for _ in 0..rounds {
        for (i, (_, n, f)) in cases.iter_mut().enumerate() {
            let t = std::time::Instant::now();
            std::hint::black_box(f());
            best[i] = best[i].min(t.elapsed().as_nanos() as f64 / *n as f64);
        }
    }
    for ((name, _, _), ns) in cases.iter().zip(best) {
        eprintln!("min over {rounds} rounds: {name:<40} {ns:>10.1} ns/element");
    }
}
