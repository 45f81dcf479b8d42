//! The index against brute force: for random zones and points — including points exactly
//! on vertices and on edges — `ZoneIndex::zones_at` must return exactly the zones that an
//! independent check over every zone returns. Polygons are judged by `geo`'s own
//! `coordinate_position` (exact predicates, its own code); circles by the plain geodesic
//! distance to the centre (`geo::Geodesic`); bands and grown polygons by dense sampling of
//! the skeleton, skipping the few points too close to the threshold for sampling to decide.

use geo::algorithm::coordinate_position::{CoordPos, CoordinatePosition};
use geo::{Distance, Geodesic, Point};
use geo_types::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};
use proptest::prelude::*;
use zonewatch::core::{Predicate, Shape, Zone, ZoneIndex};

/// A star-shaped ring: simple by construction (angles strictly increasing, radii > 0).
fn star(centre: Coord, radii: &[f64], scale: f64) -> LineString {
    let n = radii.len();
    let mut pts: Vec<Coord> = radii
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let t = std::f64::consts::TAU * i as f64 / n as f64;
            Coord {
                x: centre.x + scale * r * t.cos(),
                y: centre.y + scale * r * t.sin(),
            }
        })
        .collect();
    pts.push(pts[0]);
    LineString(pts)
}

/// A random valid polygon near Libya: a star shell, optionally a star hole well inside it
/// (hole radii < 0.5 × the shell's smallest), ring orientation random; or an axis-aligned
/// rectangle (so that points on horizontal and vertical edges are exercised).
fn polygon_strategy() -> impl Strategy<Value = Polygon> {
    let star_poly = (
        (10.0..24.0f64, 20.0..33.0f64),
        prop::collection::vec(0.5..1.0f64, 3..24),
        prop::option::of(prop::collection::vec(0.1..0.45f64, 3..10)),
        0.05..1.5f64,
        any::<bool>(),
    )
        .prop_map(|((cx, cy), radii, hole, scale, reverse)| {
            let c = Coord { x: cx, y: cy };
            let mut shell = star(c, &radii, scale);
            if reverse {
                shell.0.reverse();
            }
            let min_r = radii.iter().cloned().fold(f64::INFINITY, f64::min);
            let holes = hole
                .map(|h| star(c, &h, scale * min_r))
                .into_iter()
                .collect();
            Polygon::new(shell, holes)
        });
    let rect = ((10.0..24.0f64, 20.0..33.0f64), (0.01..2.0f64, 0.01..2.0f64)).prop_map(
        |((x, y), (w, h))| {
            // Quantise to 1/1024° so corners and edge midpoints are exactly representable.
            let q = |v: f64| (v * 1024.0).round() / 1024.0;
            let (x0, y0, x1, y1) = (
                q(x),
                q(y),
                q(x + w).max(q(x) + 1.0 / 512.0),
                q(y + h).max(q(y) + 1.0 / 512.0),
            );
            Polygon::new(
                LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
                vec![],
            )
        },
    );
    prop_oneof![3 => star_poly, 1 => rect]
}

/// Probe points for a set of polygons: every vertex, the midpoint of every edge (exact on
/// axis-aligned edges, rounded on slanted ones), points along edges, and random points.
fn probes(polys: &[Polygon], random: &[(f64, f64)]) -> Vec<Coord> {
    let mut out = Vec::new();
    for p in polys {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            for w in ring.0.windows(2) {
                out.push(w[0]);
                out.push(Coord {
                    x: (w[0].x + w[1].x) / 2.0,
                    y: (w[0].y + w[1].y) / 2.0,
                });
                out.push(Coord {
                    x: w[0].x + (w[1].x - w[0].x) / 3.0,
                    y: w[0].y + (w[1].y - w[0].y) / 3.0,
                });
            }
        }
    }
    out.extend(random.iter().map(|&(x, y)| Coord { x, y }));
    out
}

fn area_zone(i: usize, p: Polygon) -> Zone {
    Zone {
        id: format!("z{i:03}"),
        name: None,
        shape: Shape::Area {
            polygons: MultiPolygon(vec![p]),
            buffer_m: 0.0,
        },
    }
}

fn oracle_polygons(zones: &[Zone], p: Coord, predicate: Predicate) -> Vec<String> {
    let mut ids: Vec<String> = zones
        .iter()
        .filter(|z| {
            let Shape::Area { polygons, .. } = &z.shape else {
                unreachable!()
            };
            match polygons.coordinate_position(&p) {
                CoordPos::Inside => true,
                CoordPos::OnBoundary => predicate == Predicate::Covers,
                CoordPos::Outside => false,
            }
        })
        .map(|z| z.id.clone())
        .collect();
    ids.sort();
    ids
}

fn index_answer(index: &ZoneIndex, zones: &[Zone], p: Coord, predicate: Predicate) -> Vec<String> {
    let mut hits = Vec::new();
    index.zones_at(p, predicate, &mut hits);
    hits.iter()
        .map(|z| zones[z.0 as usize].id.clone())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn polygon_index_matches_geo_brute_force(
        polys in prop::collection::vec(polygon_strategy(), 1..12),
        random in prop::collection::vec((9.0..25.0f64, 19.0..34.0f64), 200),
    ) {
        let zones: Vec<Zone> = polys.iter().cloned().enumerate().map(|(i, p)| area_zone(i, p)).collect();
        for z in &zones {
            prop_assert!(z.problems().is_empty(), "generator made an invalid zone: {:?}", z.problems());
        }
        let index = ZoneIndex::build(&zones);
        for p in probes(&polys, &random) {
            for predicate in [Predicate::Covers, Predicate::Contains] {
                prop_assert_eq!(
                    index_answer(&index, &zones, p, predicate),
                    oracle_polygons(&zones, p, predicate),
                    "point {:?} predicate {:?}", p, predicate
                );
            }
        }
    }
}

/// Dense-sampled geodesic distance from `p` to a polyline: an upper bound within
/// `step/2` metres of the truth, where `step` is the sampling interval along each segment.
fn sampled_distance(p: Coord, line: &[Coord], samples_per_segment: usize) -> f64 {
    let mut best = f64::INFINITY;
    for w in line.windows(2) {
        for k in 0..=samples_per_segment {
            let t = k as f64 / samples_per_segment as f64;
            let q = Coord {
                x: w[0].x + t * (w[1].x - w[0].x),
                y: w[0].y + t * (w[1].y - w[0].y),
            };
            best = best.min(Geodesic.distance(Point(p), Point(q)));
        }
    }
    best
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn circles_and_bands_match_geodesic_brute_force(
        circles in prop::collection::vec(((15.0..18.0f64, 30.0..32.0f64), 100.0..40_000.0f64), 1..5),
        bands in prop::collection::vec((prop::collection::vec((15.0..18.0f64, 30.0..32.0f64), 2..5), 100.0..20_000.0f64), 1..4),
        random in prop::collection::vec((14.5..18.5f64, 29.5..32.5f64), 120),
    ) {
        let mut zones = Vec::new();
        for (i, ((x, y), r)) in circles.iter().enumerate() {
            zones.push(Zone { id: format!("c{i}"), name: None, shape: Shape::Circle { centre: Coord { x: *x, y: *y }, radius_m: *r } });
        }
        for (i, (pts, b)) in bands.iter().enumerate() {
            let line = LineString::from(pts.clone());
            zones.push(Zone { id: format!("b{i}"), name: None, shape: Shape::Band { lines: MultiLineString(vec![line]), buffer_m: *b } });
        }
        let index = ZoneIndex::build(&zones);
        // Probes: random points, plus points shot exactly along a meridian from each
        // circle's centre to just inside and just outside its radius.
        let mut points: Vec<Coord> = random.iter().map(|&(x, y)| Coord { x, y }).collect();
        for ((x, y), r) in &circles {
            for f in [0.999, 1.001] {
                // ~111.2 km per degree of latitude near 31°N; the oracle recomputes exactly.
                points.push(Coord { x: *x, y: y + f * r / 110_900.0 });
            }
        }
        for p in points {
            let got = index_answer(&index, &zones, p, Predicate::Covers);
            for z in &zones {
                let (d, limit, tolerance) = match &z.shape {
                    Shape::Circle { centre, radius_m } => (Geodesic.distance(Point(p), Point(*centre)), *radius_m, 1e-6),
                    Shape::Band { lines, buffer_m } => {
                        // 1000 samples per segment of ≤ ~350 km: interval h ≤ 350 m, so the sampled
                        // distance overestimates by at most h/2 ≤ 175 m (never under); skip points whose
                        // sampled distance is within 200 m of the threshold.
                        (sampled_distance(p, &lines.0[0].0, 1000), *buffer_m, 200.0)
                    }
                    Shape::Area { .. } => unreachable!(),
                };
                if (d - limit).abs() <= tolerance {
                    continue;
                }
                prop_assert_eq!(got.contains(&z.id), d <= limit, "zone {} point {:?} d {} limit {}", z.id, p, d, limit);
            }
        }
    }
}
