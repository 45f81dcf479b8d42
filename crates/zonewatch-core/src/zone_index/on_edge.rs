//! Reports exactly on a polygon zone's boundary are placed without a depth search
//! (`PreparedZone::place_on_edge`), so the checker is tested here against oracles of its
//! own: `geo`'s robust predicates say where each point lies, and the depth of a point off
//! the boundary is the minimum of `distance_to_segment_m` over every edge of the zone.
//!
//! On the boundary the expected distance is exactly 0, not the brute force's value: the
//! point lies on a lon/lat-straight edge, which is the segment the distances measure to
//! (`geodesic::segment`: the lerp of its ends), so its true distance is 0, and the brute
//! force's few nm (asserted below 1e-7 m) are the rounding of its chords. Points 1 ulp off
//! the boundary are not on it, and keep the brute force's depths bit for bit.

use geo::CoordinatePosition;
use geo::coordinate_position::CoordPos;
use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo_types::{LineString, MultiPolygon, Polygon};

use crate::geodesic::distance_to_segment_m;
use crate::test_shapes::{report_at, rule};
use crate::{
    Agreement, Checker, Confidence, Coord, Rule, RuleIndex, RuleKind, Shape, Violation, Zone,
    ZoneRef,
};

fn polygon(exterior: &[(f64, f64)], holes: &[&[(f64, f64)]]) -> Polygon {
    let ring = |r: &[(f64, f64)]| LineString::from(r.to_vec());
    Polygon::new(ring(exterior), holes.iter().map(|h| ring(h)).collect())
}

fn zone(id: &str, polygons: Vec<Polygon>, buffer_m: f64) -> Zone {
    Zone {
        id: id.into(),
        name: None,
        shape: Shape::Area {
            polygons: MultiPolygon(polygons),
            buffer_m,
        },
    }
}

/// Zones with dyadic vertices (multiples of 1/64°, so that the points at eighths of
/// their edges are exact): a polygon with a hole, a multipolygon of a triangle and a
/// holed quadrilateral, and a polygon grown by 25 m. Axis-aligned and slanted edges,
/// rings of either orientation.
fn zones() -> Vec<Zone> {
    let holed = polygon(
        &[
            (16.0, 30.0),
            (16.5, 30.0),
            (16.75, 30.25),
            (16.5, 30.5),
            (16.0, 30.5),
        ],
        &[&[
            (16.125, 30.125),
            (16.25, 30.125),
            (16.375, 30.3125),
            (16.125, 30.25),
        ]],
    );
    let triangle = polygon(&[(16.875, 30.0), (17.0, 30.0625), (16.9375, 30.1875)], &[]);
    let quad = polygon(
        &[
            (16.875, 30.25),
            (16.875, 30.5),
            (17.125, 30.5),
            (17.125, 30.25),
        ],
        &[&[(16.9375, 30.3125), (17.0625, 30.3125), (17.0, 30.4375)]],
    );
    let grown = polygon(
        &[
            (17.25, 30.0),
            (17.5, 30.0),
            (17.4375, 30.1875),
            (17.25, 30.125),
        ],
        &[],
    );
    vec![
        zone("holed", vec![holed], 0.0),
        zone("multi", vec![triangle, quad], 0.0),
        zone("grown", vec![grown], 25.0),
    ]
}

fn polygons(z: &Zone) -> &MultiPolygon {
    match &z.shape {
        Shape::Area { polygons, .. } => polygons,
        _ => unreachable!("polygon zones only"),
    }
}

fn edges(z: &Zone) -> impl Iterator<Item = (Coord, Coord)> + '_ {
    polygons(z)
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.0.windows(2).map(|w| (w[0], w[1])))
}

/// Where `p` lies relative to the zone's polygons, by `geo` (robust orientation tests):
/// inside one of them, else on the boundary of one, else outside.
fn oracle_position(z: &Zone, p: Coord) -> CoordPos {
    let at: Vec<CoordPos> = polygons(z)
        .iter()
        .map(|poly| poly.coordinate_position(&p))
        .collect();
    if at.contains(&CoordPos::Inside) {
        CoordPos::Inside
    } else if at.contains(&CoordPos::OnBoundary) {
        CoordPos::OnBoundary
    } else {
        CoordPos::Outside
    }
}

/// The distance from `p` to the zone's boundary, every edge tried.
fn brute_force_m(z: &Zone, p: Coord) -> f64 {
    edges(z)
        .map(|(a, b)| distance_to_segment_m(p, a, b))
        .fold(f64::INFINITY, f64::min)
}

/// The edge distance by the oracles: exactly 0 on the boundary (see the module's doc).
fn oracle_edge_m(z: &Zone, p: Coord) -> (CoordPos, f64) {
    match oracle_position(z, p) {
        CoordPos::OnBoundary => {
            let d = brute_force_m(z, p);
            assert!(d < 1e-7, "{p:?} on {}'s boundary, brute force {d}", z.id);
            (CoordPos::OnBoundary, 0.0)
        }
        at => (at, brute_force_m(z, p)),
    }
}

fn buffer_m(z: &Zone) -> f64 {
    match &z.shape {
        Shape::Area { buffer_m, .. } => *buffer_m,
        _ => unreachable!("polygon zones only"),
    }
}

/// DESIGN's keep_out judgement: the region is the zone grown by its buffer and the
/// rule's margin, g; inside the polygons (or on their edge) the edge distance is d + g,
/// outside |d − g|, covered when d ≤ g for g > 0. Covered is the violating side:
/// confirmed when the edge is at least the accuracy away; uncovered within the accuracy
/// of the edge, possible.
fn keep_out(z: &Zone, margin_m: f64, p: Coord, a: f64) -> Option<(Confidence, f64)> {
    let g = buffer_m(z) + margin_m;
    let (at, d) = oracle_edge_m(z, p);
    let (covered, edge) = if at != CoordPos::Outside {
        (true, d + g)
    } else if g > 0.0 && d <= g {
        (true, g - d)
    } else {
        (false, (d - g).abs())
    };
    if covered {
        let c = if edge >= a {
            Confidence::Confirmed
        } else {
            Confidence::Possible
        };
        Some((c, edge))
    } else {
        (edge < a).then_some((Confidence::Possible, if edge == 0.0 { 0.0 } else { -edge }))
    }
}

/// DESIGN's stay_in judgement over ungrown polygon zones (`zones` in id order): covered
/// by some, possible when the accuracy reaches the edge of every covering zone (the
/// deepest sets the depth, ties to the first); else violating at the distance to the
/// nearest (ties to the first).
fn stay_in(zones: &[&Zone], p: Coord, a: f64) -> Option<(Confidence, f64, usize)> {
    let placed: Vec<(CoordPos, f64)> = zones.iter().map(|z| oracle_edge_m(z, p)).collect();
    let covering = placed
        .iter()
        .enumerate()
        .filter(|(_, c)| c.0 != CoordPos::Outside);
    if let Some((k, deepest)) = covering.fold(None, |best: Option<(usize, f64)>, (k, c)| match best
    {
        Some((_, e)) if e >= c.1 => best,
        _ => Some((k, c.1)),
    }) {
        let depth = if deepest == 0.0 { 0.0 } else { -deepest };
        return (deepest < a).then_some((Confidence::Possible, depth, k));
    }
    let (k, nearest) = placed
        .iter()
        .enumerate()
        .fold((0, f64::INFINITY), |best, (k, c)| {
            if c.1 < best.1 { (k, c.1) } else { best }
        });
    let c = if nearest >= a {
        Confidence::Confirmed
    } else {
        Confidence::Possible
    };
    Some((c, nearest, k))
}

/// Vertices, points at eighths of every edge (exact: dyadic coordinates) and points at
/// other fractions (rounded: on the edge or not, as the oracle finds), with their 1-ulp
/// neighbours on either axis.
fn probes(zones: &[Zone]) -> Vec<Coord> {
    let mut out = Vec::new();
    for z in zones {
        for (a, b) in edges(z) {
            for k in 0..8 {
                let t = k as f64 / 8.0;
                let p = Coord {
                    x: a.x + (b.x - a.x) * t,
                    y: a.y + (b.y - a.y) * t,
                };
                // Exactly on the edge, by the robust orientation test.
                assert_eq!(
                    RobustKernel::orient2d(a, b, p),
                    Orientation::Collinear,
                    "{p:?}"
                );
                out.push(p);
            }
            for t in [0.1, 0.3, 1.0 / 3.0, 0.7] {
                out.push(Coord {
                    x: a.x + (b.x - a.x) * t,
                    y: a.y + (b.y - a.y) * t,
                });
            }
        }
    }
    for p in out.clone() {
        out.extend([
            Coord {
                x: p.x.next_up(),
                y: p.y,
            },
            Coord {
                x: p.x.next_down(),
                y: p.y,
            },
            Coord {
                x: p.x,
                y: p.y.next_up(),
            },
            Coord {
                x: p.x,
                y: p.y.next_down(),
            },
        ]);
    }
    out
}

/// Points on vertices, on axis-aligned and on slanted edges of polygons with holes and
/// of a multipolygon are flagged at depth exactly 0 (plus the zone's growth and the
/// rule's margin), possible or confirmed by the accuracy as DESIGN's rules say; points
/// 1 ulp off the boundary get the brute-force depth, bit for bit.
#[test]
fn reports_on_a_zone_edge_are_placed_at_depth_zero_and_off_it_by_brute_force() {
    let zones = zones();
    let out = |zone: &str, margin_m: f64| RuleKind::KeepOut {
        zones: vec![zone.into()],
        margin_m,
    };
    // (rule, zone index, margin) for the keep_out rules.
    let keep = [
        ("holed_out", 0, 0.0),
        ("holed_margin", 0, 5.0),
        ("multi_out", 1, 0.0),
        ("grown_out", 2, 0.0),
    ];
    let mut rules: Vec<Rule> = keep
        .iter()
        .map(|&(id, z, m)| rule(id, out(&zones[z].id, m)))
        .collect();
    rules.push(rule(
        "stay",
        RuleKind::StayIn {
            zones: vec!["holed".into(), "multi".into()],
            home: false,
        },
    ));
    let checker = Checker::new(Agreement::new(zones.clone(), rules, Vec::new()).unwrap());
    // The agreement keeps its own order of rules and zones: found by id.
    let rule_index = |id: &str| {
        let n = keep.len() as u32 + 1;
        (0..n)
            .map(RuleIndex)
            .find(|&r| checker.rule_id(r) == id)
            .unwrap()
    };
    let zone_ref = |id: &str| {
        let n = zones.len() as u32;
        (0..n)
            .map(ZoneRef)
            .find(|&z| checker.zone_id(z) == id)
            .unwrap()
    };
    let (mut on_edge, mut inside, mut outside) = (0, 0, 0);
    for p in probes(&zones) {
        for z in &zones {
            match oracle_position(z, p) {
                CoordPos::OnBoundary => on_edge += 1,
                CoordPos::Inside => inside += 1,
                CoordPos::Outside => outside += 1,
            }
        }
        for a in [0.0, 3.0, 10.0, 3000.0] {
            let report = report_at(p, a);
            let got = checker.check(&report).unwrap();
            let mut want: Vec<Violation> = Vec::new();
            for &(id, z, margin) in &keep {
                if let Some((confidence, depth_m)) = keep_out(&zones[z], margin, p, a) {
                    want.push(Violation {
                        rule: rule_index(id),
                        zone: zone_ref(&zones[z].id),
                        confidence,
                        depth_m,
                    });
                }
            }
            let allowed = [&zones[0], &zones[1]];
            if let Some((confidence, depth_m, k)) = stay_in(&allowed, p, a) {
                want.push(Violation {
                    rule: rule_index("stay"),
                    zone: zone_ref(&allowed[k].id),
                    confidence,
                    depth_m,
                });
            }
            // One flag a rule at most.
            want.sort_by_key(|v| v.rule);
            assert_eq!(
                got.len(),
                want.len(),
                "{p:?} accuracy {a}: {got:?} vs {want:?}"
            );
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(
                    (g.rule, g.zone, g.confidence),
                    (w.rule, w.zone, w.confidence),
                    "{p:?} accuracy {a}: {got:?} vs {want:?}"
                );
                assert_eq!(
                    g.depth_m.to_bits(),
                    w.depth_m.to_bits(),
                    "{p:?} accuracy {a}, rule {:?}: {} vs {}",
                    g.rule,
                    g.depth_m,
                    w.depth_m
                );
            }
        }
    }
    assert!(
        on_edge > 500 && inside > 300 && outside > 1000,
        "{on_edge} {inside} {outside}"
    );
}
