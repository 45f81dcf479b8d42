//! Position reports near the zones: a stream, generated one at a time.

use geo_types::Coord;
use zonewatch_core::{Report, Shape, Timestamp, UnitAttributes, Zone};

use crate::rings::{at, lon_stretch, on_grid, round7};
use crate::rng::Rng;
use crate::stress_zones::SIRTE_AREA;

/// What a generated report is placed to probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Probe {
    /// Uniform over the Sirte area (lon 14–20, lat 28–33): 40 %.
    Background,
    /// Scattered around a zone (a vertex of it, or its centre for a circle): 40 %.
    NearZone,
    /// Exactly on a polygon vertex: 6 %.
    OnVertex,
    /// Exactly on a horizontal or vertical polygon edge: 7 %.
    OnAxisEdge,
    /// Interpolated on a slanted polygon edge, then rounded to 7 decimals: on the edge or
    /// within about a centimetre of it, either side; the engine decides exactly: 5 %.
    OnSlantedEdge,
    /// Exactly on a slanted edge: a quarter, half or three-quarter point of an edge whose
    /// ends lie on the 2⁻¹⁶° grid (computed without rounding): 2 %.
    OnSlantedEdgeExactly,
}

/// One generated report.
#[derive(Clone, Debug, PartialEq)]
pub struct SynthReport {
    /// 0-based position in the stream; the report id is `r{index}`.
    pub index: u64,
    /// The unit number; the unit id is `U{unit:04}` (1–2 000).
    pub unit: u32,
    /// 2021-01-23T00:00:00Z + 3 s × index.
    pub time: Timestamp,
    /// Lon/lat, rounded to 7 decimals (exact vertex copies for [`Probe::OnVertex`]).
    pub position: Coord,
    /// 5–50 m.
    pub accuracy_m: f64,
    /// Why the report is where it is.
    pub probe: Probe,
}

impl SynthReport {
    /// The report id, `r{index}`.
    pub fn id(&self) -> String {
        format!("r{}", self.index)
    }

    /// The unit id, `U{unit:04}`.
    pub fn unit_id(&self) -> String {
        format!("U{:04}", self.unit)
    }

    /// As a core [`Report`] (no source, no attributes).
    pub fn to_report(&self) -> Report {
        Report {
            id: self.id(),
            unit_id: self.unit_id(),
            time: self.time,
            position: self.position,
            accuracy_m: self.accuracy_m,
            source: None,
            attributes: UnitAttributes::default(),
        }
    }
}

/// 2021-01-23T00:00:00Z, the ceasefire's withdrawal deadline.
const START_UNIX_S: i64 = 1_611_360_000;
const ACCURACIES_M: [f64; 6] = [5.0, 10.0, 10.0, 10.0, 25.0, 50.0];

/// The places in a zone set that reports are drawn to.
struct Targets {
    /// Per zone: points to scatter around, and the scatter (degrees of latitude).
    anchors: Vec<(Vec<Coord>, f64)>,
    vertices: Vec<Coord>,
    axis_edges: Vec<(Coord, Coord)>,
    slanted_edges: Vec<(Coord, Coord)>,
    /// Slanted edges with both ends on the binary grid.
    grid_slanted_edges: Vec<(Coord, Coord)>,
}

impl Targets {
    fn of(zones: &[Zone]) -> Targets {
        let mut t = Targets {
            anchors: Vec::new(),
            vertices: Vec::new(),
            axis_edges: Vec::new(),
            slanted_edges: Vec::new(),
            grid_slanted_edges: Vec::new(),
        };
        for zone in zones {
            let grow = zone.shape.distance_m() / 111_000.0;
            match &zone.shape {
                Shape::Area { polygons, .. } => {
                    let mut points = Vec::new();
                    for ring in polygons
                        .iter()
                        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                    {
                        let closed = ring.0.len() >= 2 && ring.0.first() == ring.0.last();
                        let open = &ring.0[..ring.0.len() - usize::from(closed)];
                        points.extend_from_slice(open);
                        t.vertices.extend_from_slice(open);
                        for w in ring.0.windows(2) {
                            if w[0] == w[1] {
                                continue;
                            }
                            if w[0].x == w[1].x || w[0].y == w[1].y {
                                t.axis_edges.push((w[0], w[1]));
                            } else {
                                t.slanted_edges.push((w[0], w[1]));
                                if [w[0].x, w[0].y, w[1].x, w[1].y].into_iter().all(on_grid) {
                                    t.grid_slanted_edges.push((w[0], w[1]));
                                }
                            }
                        }
                    }
                    t.anchors.push((points, 0.01 + grow));
                }
                Shape::Circle { centre, .. } => t.anchors.push((vec![*centre], grow)),
                Shape::Band { lines, .. } => {
                    let points = lines.iter().flat_map(|l| l.0.iter().copied()).collect();
                    t.anchors.push((points, grow));
                }
            }
        }
        t.anchors.retain(|(points, _)| !points.is_empty());
        t
    }
}

/// `count` reports near `zones`, deterministic for `seed`; an [`Iterator`] that holds only
/// the zones' vertices and edges, never the reports (so any count streams).
pub struct Reports {
    targets: Targets,
    rng: Rng,
    next: u64,
    count: u64,
}

/// The report stream for `zones`: see [`Probe`] for the mix.
pub fn reports(zones: &[Zone], seed: u64, count: u64) -> Reports {
    Reports {
        targets: Targets::of(zones),
        rng: Rng::fork(seed, 100),
        next: 0,
        count,
    }
}

impl Reports {
    fn place(&mut self) -> (Coord, Probe) {
        let (rng, t) = (&mut self.rng, &self.targets);
        let u = rng.unit();
        if u < 0.06 && !t.vertices.is_empty() {
            return (t.vertices[rng.below(t.vertices.len())], Probe::OnVertex);
        }
        if u < 0.13 && !t.axis_edges.is_empty() {
            let (a, b) = t.axis_edges[rng.below(t.axis_edges.len())];
            let s = rng.unit();
            // Only the varying coordinate moves, so the point is exactly on the edge.
            let p = if a.x == b.x {
                let y = round7(a.y + s * (b.y - a.y)).clamp(a.y.min(b.y), a.y.max(b.y));
                Coord { x: a.x, y }
            } else {
                let x = round7(a.x + s * (b.x - a.x)).clamp(a.x.min(b.x), a.x.max(b.x));
                Coord { x, y: a.y }
            };
            return (p, Probe::OnAxisEdge);
        }
        if u < 0.15 && !t.grid_slanted_edges.is_empty() {
            let (a, b) = t.grid_slanted_edges[rng.below(t.grid_slanted_edges.len())];
            let k = rng.int(1, 3) as f64;
            // Exact: the difference, the product by k/4 and the sum all fit in 53 bits.
            let p = Coord {
                x: a.x + (b.x - a.x) * k / 4.0,
                y: a.y + (b.y - a.y) * k / 4.0,
            };
            return (p, Probe::OnSlantedEdgeExactly);
        }
        if u < 0.20 && !t.slanted_edges.is_empty() {
            let (a, b) = t.slanted_edges[rng.below(t.slanted_edges.len())];
            let s = rng.unit();
            return (
                at(a.x + s * (b.x - a.x), a.y + s * (b.y - a.y)),
                Probe::OnSlantedEdge,
            );
        }
        if u < 0.60 && !t.anchors.is_empty() {
            let (points, spread) = &t.anchors[rng.below(t.anchors.len())];
            let c = points[rng.below(points.len())];
            let s = spread * rng.range(0.1, 1.5);
            let x = c.x + lon_stretch(c.y) * s * rng.normal();
            let y = c.y + s * rng.normal();
            let (lo, hi) = SIRTE_AREA;
            return (
                at(
                    x.clamp(lo.x - 1.0, hi.x + 1.0),
                    y.clamp(lo.y - 1.0, hi.y + 1.0),
                ),
                Probe::NearZone,
            );
        }
        let (lo, hi) = SIRTE_AREA;
        (
            at(rng.range(lo.x, hi.x), rng.range(lo.y, hi.y)),
            Probe::Background,
        )
    }
}

impl Iterator for Reports {
    type Item = SynthReport;

    fn next(&mut self) -> Option<SynthReport> {
        if self.next >= self.count {
            return None;
        }
        let index = self.next;
        self.next += 1;
        let (position, probe) = self.place();
        let unit = 1 + self.rng.below(2_000) as u32;
        let accuracy_m = ACCURACIES_M[self.rng.below(ACCURACIES_M.len())];
        Some(SynthReport {
            index,
            unit,
            time: Timestamp::from_unix_seconds(START_UNIX_S + 3 * index as i64)
                .expect("in range for any count that fits in memory or on disk"),
            position,
            accuracy_m,
            probe,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.count - self.next).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use zonewatch_core::{Predicate, ZoneIndex};

    #[test]
    fn the_mix_and_the_on_edge_probes_hold() {
        let zones = crate::stress_zones(crate::DEFAULT_SEED);
        let index = ZoneIndex::build(&zones);
        let mut kinds: HashMap<Probe, usize> = HashMap::new();
        let mut out = Vec::new();
        for r in reports(&zones, 1, 20_000) {
            *kinds.entry(r.probe).or_default() += 1;
            if matches!(
                r.probe,
                Probe::OnVertex | Probe::OnAxisEdge | Probe::OnSlantedEdgeExactly
            ) {
                // On the boundary: covered, not contained, by at least one zone.
                out.clear();
                index.zones_at(r.position, Predicate::Covers, &mut out);
                let covers = out.len();
                out.clear();
                index.zones_at(r.position, Predicate::Contains, &mut out);
                assert!(covers > out.len(), "{r:?}");
            }
        }
        for (probe, share) in [
            (Probe::Background, 0.40),
            (Probe::NearZone, 0.40),
            (Probe::OnVertex, 0.06),
            (Probe::OnAxisEdge, 0.07),
            (Probe::OnSlantedEdge, 0.05),
            (Probe::OnSlantedEdgeExactly, 0.02),
        ] {
            let got = kinds[&probe] as f64 / 20_000.0;
            assert!((got - share).abs() < 0.02, "{probe:?}: {got}");
        }
    }

    #[test]
    fn exact_slanted_probes_are_exactly_on_a_slanted_edge() {
        let zones = crate::stress_zones(crate::DEFAULT_SEED);
        let t = Targets::of(&zones);
        assert!(
            t.grid_slanted_edges.len() > 500,
            "{}",
            t.grid_slanted_edges.len()
        );
        // Integer arithmetic in units of 2⁻¹⁸°: the cross product is exactly zero.
        let units = |v: f64| {
            let u = v * 262_144.0;
            assert_eq!(u.fract(), 0.0);
            u as i128
        };
        let mut seen = 0;
        for r in reports(&zones, 2, 5_000) {
            if r.probe != Probe::OnSlantedEdgeExactly {
                continue;
            }
            seen += 1;
            let (px, py) = (units(r.position.x), units(r.position.y));
            let on_some_edge = t.grid_slanted_edges.iter().any(|(a, b)| {
                let (ax, ay, bx, by) = (units(a.x), units(a.y), units(b.x), units(b.y));
                (bx - ax) * (py - ay) == (by - ay) * (px - ax)
                    && (ax.min(bx)..=ax.max(bx)).contains(&px)
                    && (ay.min(by)..=ay.max(by)).contains(&py)
                    && ax != bx
                    && ay != by
            });
            assert!(on_some_edge, "{r:?}");
        }
        assert!(seen > 50, "{seen}");
    }

    #[test]
    fn deterministic_and_streaming() {
        let zones = crate::distance_zones(3);
        let a: Vec<SynthReport> = reports(&zones, 9, 500).collect();
        let b: Vec<SynthReport> = reports(&zones, 9, 500).collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), 500);
        assert_eq!(a[0].id(), "r0");
        assert_eq!(a[1].time.to_string(), "2021-01-23T00:00:03Z");
        assert_eq!(reports(&zones, 9, 10).size_hint(), (10, Some(10)));
    }
}
