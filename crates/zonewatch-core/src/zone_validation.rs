//! Validation of zone geometry: every problem found, each with where it is.

use robust::{Coord as RCoord, orient2d};

use crate::area::{Position, ring_position};
use crate::{Coord, GeometryPath, Shape, ZoneProblem};
use geo_types::{LineString, Polygon};

/// Every problem with a shape. See [`Zone::problems`](crate::Zone::problems).
pub(crate) fn problems(shape: &Shape) -> Vec<ZoneProblem> {
    let mut out = Vec::new();
    match shape {
        Shape::Area { polygons, buffer_m } => {
            distance("buffer_m", *buffer_m, &mut out);
            if polygons.0.is_empty() {
                out.push(ZoneProblem::Empty);
            }
            for (part, polygon) in polygons.iter().enumerate() {
                let part = (polygons.0.len() > 1).then_some(part);
                polygon_problems(polygon, part, &mut out);
            }
        }
        Shape::Circle { centre, radius_m } => {
            distance("radius_m", *radius_m, &mut out);
            coordinate(*centre, GeometryPath::default(), &mut out);
        }
        Shape::Band { lines, buffer_m } => {
            distance("buffer_m", *buffer_m, &mut out);
            if lines.0.is_empty() {
                out.push(ZoneProblem::Empty);
            }
            for (part, line) in lines.iter().enumerate() {
                let at = GeometryPath {
                    part: (lines.0.len() > 1).then_some(part),
                    ..Default::default()
                };
                if line.0.len() < 2 {
                    out.push(ZoneProblem::LineTooShort {
                        at,
                        count: line.0.len(),
                    });
                }
                for (v, c) in line.0.iter().enumerate() {
                    coordinate(
                        *c,
                        GeometryPath {
                            vertex: Some(v),
                            ..at
                        },
                        &mut out,
                    );
                }
            }
        }
    }
    out
}

fn distance(field: &'static str, value: f64, out: &mut Vec<ZoneProblem>) {
    if !(value.is_finite() && value >= 0.0) {
        out.push(ZoneProblem::BadDistance { field, value });
    }
}

/// Records a coordinate problem; returns whether the coordinate is usable.
fn coordinate(c: Coord, at: GeometryPath, out: &mut Vec<ZoneProblem>) -> bool {
    if !c.x.is_finite() || !c.y.is_finite() {
        let value = if c.x.is_finite() { c.y } else { c.x };
        out.push(ZoneProblem::NonFiniteCoordinate { at, value });
        false
    } else if !(-180.0..=180.0).contains(&c.x) || !(-90.0..=90.0).contains(&c.y) {
        out.push(ZoneProblem::CoordinateOutOfRange {
            at,
            lon: c.x,
            lat: c.y,
        });
        false
    } else {
        true
    }
}

fn polygon_problems(polygon: &Polygon<f64>, part: Option<usize>, out: &mut Vec<ZoneProblem>) {
    let rings: Vec<&LineString<f64>> = std::iter::once(polygon.exterior())
        .chain(polygon.interiors())
        .collect();
    let mut sound = true;
    for (r, ring) in rings.iter().enumerate() {
        let at = GeometryPath {
            part,
            ring: Some(r),
            vertex: None,
        };
        let before = out.len();
        for (v, c) in ring.0.iter().enumerate() {
            coordinate(
                *c,
                GeometryPath {
                    vertex: Some(v),
                    ..at
                },
                out,
            );
        }
        if ring.0.len() < 4 {
            out.push(ZoneProblem::RingTooShort {
                at,
                count: ring.0.len(),
            });
        } else if ring.0.first() != ring.0.last() {
            out.push(ZoneProblem::UnclosedRing { at });
        } else if out.len() == before && is_degenerate(&ring.0) {
            out.push(ZoneProblem::DegenerateRing { at });
        }
        sound &= out.len() == before;
    }
    if !sound {
        return; // crossings of broken rings would only repeat the problem
    }
    let crossings_before = out.len();
    crossing_problems(&rings, part, out);
    if out.len() > crossings_before {
        return;
    }
    for (r, hole) in rings.iter().enumerate().skip(1) {
        // A hole that crosses nothing is wholly inside or wholly outside the shell; any of
        // its vertices not on the shell's boundary says which.
        let outside = hole
            .0
            .iter()
            .map(|&v| ring_position(rings[0], v))
            .find(|&pos| pos != Position::Boundary)
            .is_some_and(|pos| pos == Position::Outside);
        if outside {
            out.push(ZoneProblem::HoleOutsideShell {
                at: GeometryPath {
                    part,
                    ring: Some(r),
                    vertex: None,
                },
            });
        }
    }
}

fn is_degenerate(ring: &[Coord]) -> bool {
    let a = ring[0];
    let Some(&b) = ring.iter().find(|&&c| c != a) else {
        return true;
    };
    ring.iter().all(|&c| orient(a, b, c) == 0.0)
}

#[derive(Clone, Copy)]
struct Edge {
    ring: usize,
    /// Index of the edge's first position in the ring (after dropping repeated positions).
    index: usize,
    a: Coord,
    b: Coord,
}

impl Edge {
    /// The edge's extent along the sweep axis (`x` when `along_x`, else `y`), then across.
    fn extents(&self, along_x: bool) -> ((f64, f64), (f64, f64)) {
        let span = |p: f64, q: f64| (p.min(q), p.max(q));
        let (x, y) = (span(self.a.x, self.b.x), span(self.a.y, self.b.y));
        if along_x { (x, y) } else { (y, x) }
    }
}

/// Finds edges that cross, overlap, or (within one ring) touch away from their shared
/// vertex. Rings of one polygon may touch each other at single points. Reports at most
/// one problem per ring: for each edge in ring order, the first (lowest ring, then
/// index) edge it meets badly, unless its ring was reported already.
///
/// Candidate pairs are every pair whose bounding boxes meet (closed: touching boxes are
/// candidates), found by [`grid_pairs`] (or, when long edges would fill its buckets, by
/// [`sweep_pairs`]); the exact predicates then decide. The lowest bad partner does not
/// depend on the order pairs come in.
fn crossing_problems(rings: &[&LineString<f64>], part: Option<usize>, out: &mut Vec<ZoneProblem>) {
    let all = RingEdges::new(rings);
    let first_bad = first_bad(&all, Pairs::GridOrSweep).unwrap_or_default();
    all.report(&first_bad, rings.len(), part, out);
}

/// How candidate pairs are found (tests try each alone).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Pairs {
    /// [`grid_pairs`], else (long edges) [`sweep_pairs`].
    GridOrSweep,
    /// [`grid_pairs`] alone: `None` when it declines.
    #[cfg(test)]
    Grid,
    /// [`sweep_pairs`] alone.
    #[cfg(test)]
    Sweep,
}

/// Per edge `e` (numbered in (ring, index) order), the lowest `f > e` that `e` meets
/// badly, over the candidate pairs found `how`.
fn first_bad(all: &RingEdges, how: Pairs) -> Option<Vec<Option<usize>>> {
    let mut first_bad: Vec<Option<usize>> = vec![None; all.edges.len()];
    let mut test = |i: usize, j: usize| {
        let (e, f) = if i < j { (i, j) } else { (j, i) };
        if first_bad[e].is_none_or(|g| f < g) && all.bad(e, f) {
            first_bad[e] = Some(f);
        }
    };
    let found = match how {
        Pairs::GridOrSweep => {
            if !grid_pairs(&all.edges, &mut test) {
                sweep_pairs(&all.edges, &mut test);
            }
            true
        }
        #[cfg(test)]
        Pairs::Grid => grid_pairs(&all.edges, &mut test),
        #[cfg(test)]
        Pairs::Sweep => {
            sweep_pairs(&all.edges, &mut test);
            true
        }
    };
    found.then_some(first_bad)
}

/// At most this many bucket entries per edge in [`grid_pairs`] (long edges copied into
/// many buckets); beyond, the sweep.
const GRID_COPIES: usize = 4;

/// Hands `test` every pair of edges whose closed boxes meet, exactly once: edges are
/// filed in the buckets of a uniform grid (about one bucket per edge) that their boxes
/// overlap, and a pair is tested in one bucket only, the one holding the lowest corner
/// of the two boxes' intersection (a point of both boxes, so both are filed there: the
/// bucket of a coordinate is monotone in it). False, having tested nothing, when the
/// buckets would hold more than [`GRID_COPIES`] entries per edge.
fn grid_pairs(edges: &[Edge], test: &mut impl FnMut(usize, usize)) -> bool {
    let n = edges.len();
    if n < 2 {
        return true;
    }
    let boxes: Vec<(Coord, Coord)> = edges
        .iter()
        .map(|e| {
            (
                Coord {
                    x: e.a.x.min(e.b.x),
                    y: e.a.y.min(e.b.y),
                },
                Coord {
                    x: e.a.x.max(e.b.x),
                    y: e.a.y.max(e.b.y),
                },
            )
        })
        .collect();
    let (lo, hi) = crate::extent::bounding_box(boxes.iter().flat_map(|b| [b.0, b.1]));
    // Square buckets, about one per edge; an axis of zero extent gets one bucket.
    let (w, h) = (hi.x - lo.x, hi.y - lo.y);
    let side = if w > 0.0 && h > 0.0 {
        (w * h / n as f64).sqrt()
    } else {
        w.max(h) / n as f64
    };
    let dim = |extent: f64| {
        if side > 0.0 {
            ((extent / side).ceil() as usize).clamp(1, n)
        } else {
            1
        }
    };
    let (nx, ny) = (dim(w), dim(h));
    let (kx, ky) = (
        if w > 0.0 { nx as f64 / w } else { 0.0 },
        if h > 0.0 { ny as f64 / h } else { 0.0 },
    );
    // `as usize` saturates (negative gives 0); monotone in the coordinate.
    let col = |x: f64| (((x - lo.x) * kx) as usize).min(nx - 1);
    let row = |y: f64| (((y - lo.y) * ky) as usize).min(ny - 1);
    let mut starts = vec![0u32; nx * ny + 1];
    let mut total = 0usize;
    for b in &boxes {
        let (c0, c1, r0, r1) = (col(b.0.x), col(b.1.x), row(b.0.y), row(b.1.y));
        total += (c1 - c0 + 1) * (r1 - r0 + 1);
        if total > GRID_COPIES * n {
            return false;
        }
        for r in r0..=r1 {
            for c in c0..=c1 {
                starts[r * nx + c + 1] += 1;
            }
        }
    }
    for k in 0..nx * ny {
        starts[k + 1] += starts[k];
    }
    let mut fill = starts[..nx * ny].to_vec();
    let mut filed = vec![0u32; total];
    for (i, b) in boxes.iter().enumerate() {
        for r in row(b.0.y)..=row(b.1.y) {
            for c in col(b.0.x)..=col(b.1.x) {
                let at = &mut fill[r * nx + c];
                filed[*at as usize] = i as u32;
                *at += 1;
            }
        }
    }
    for (k, bucket) in starts.windows(2).enumerate() {
        let bucket = &filed[bucket[0] as usize..bucket[1] as usize];
        for (a, &i) in bucket.iter().enumerate() {
            let bi = boxes[i as usize];
            for &j in &bucket[a + 1..] {
                let bj = boxes[j as usize];
                if bi.1.x < bj.0.x || bj.1.x < bi.0.x || bi.1.y < bj.0.y || bj.1.y < bi.0.y {
                    continue;
                }
                let corner = (bi.0.x.max(bj.0.x), bi.0.y.max(bj.0.y));
                if row(corner.1) * nx + col(corner.0) == k {
                    test(i as usize, j as usize);
                }
            }
        }
    }
    true
}

/// Hands `test` every pair of edges whose closed boxes meet (some more than once is
/// harmless, none is missed): a sweep along the edges' longer side, edges sorted by
/// where they start along it, each tested against the still-open edges whose extent
/// across overlaps its own.
fn sweep_pairs(edges: &[Edge], test: &mut impl FnMut(usize, usize)) {
    let (lo, hi) = edges.iter().fold(
        ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]),
        |(lo, hi), e| {
            (
                [lo[0].min(e.a.x), lo[1].min(e.a.y)],
                [hi[0].max(e.a.x), hi[1].max(e.a.y)],
            )
        },
    );
    let along_x = hi[0] - lo[0] >= hi[1] - lo[1];
    let spans: Vec<((f64, f64), (f64, f64))> = edges.iter().map(|e| e.extents(along_x)).collect();
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_unstable_by(|&i, &j| spans[i].0.0.total_cmp(&spans[j].0.0));
    // Open edges as (edge, end along, extent across), contiguous: one pass both drops
    // the edges that ended and tests the others.
    let mut open: Vec<(usize, f64, (f64, f64))> = Vec::new();
    for &i in &order {
        let (along, across) = spans[i];
        let mut kept = 0;
        for k in 0..open.len() {
            let (j, end, other) = open[k];
            if end < along.0 {
                continue;
            }
            open[kept] = open[k];
            kept += 1;
            if other.0 > across.1 || other.1 < across.0 {
                continue;
            }
            test(i, j);
        }
        open.truncate(kept);
        open.push((i, along.1, across));
    }
}

/// The edges of a polygon's rings (repeated positions dropped), numbered in (ring, index)
/// order, and how many each ring has.
struct RingEdges {
    edges: Vec<Edge>,
    per_ring: Vec<usize>,
}

impl RingEdges {
    fn new(rings: &[&LineString<f64>]) -> RingEdges {
        let mut edges = Vec::new();
        let mut per_ring = Vec::new();
        for (r, ring) in rings.iter().enumerate() {
            let mut pts: Vec<Coord> = ring.0.clone();
            pts.dedup();
            let n = pts.len().saturating_sub(1);
            per_ring.push(n);
            edges.extend((0..n).map(|i| Edge {
                ring: r,
                index: i,
                a: pts[i],
                b: pts[i + 1],
            }));
        }
        RingEdges { edges, per_ring }
    }

    /// Edges `e` < `f` meet where they must not: within a ring, neighbours folding back
    /// or others touching at all; between rings, a crossing or an overlap.
    fn bad(&self, e: usize, f: usize) -> bool {
        let (e, f) = (&self.edges[e], &self.edges[f]);
        if f.ring == e.ring {
            let n = self.per_ring[e.ring];
            let adjacent = f.index == e.index + 1 || (e.index == 0 && f.index + 1 == n);
            if adjacent {
                overlaps_at_shared_vertex(e, f)
            } else {
                touches(e, f)
            }
        } else {
            crosses_or_overlaps(e, f)
        }
    }

    /// One problem per ring: in edge order, each edge's first bad partner, unless the
    /// edge's ring was reported already.
    fn report(
        &self,
        first_bad: &[Option<usize>],
        rings: usize,
        part: Option<usize>,
        out: &mut Vec<ZoneProblem>,
    ) {
        let mut reported = vec![false; rings];
        for (e, f) in first_bad.iter().enumerate() {
            let (e, Some(f)) = (&self.edges[e], f.map(|f| &self.edges[f])) else {
                continue;
            };
            if reported[e.ring] {
                continue;
            }
            reported[e.ring] = true;
            reported[f.ring] = true;
            let at = meeting_point(e, f);
            out.push(ZoneProblem::SelfIntersection {
                at: GeometryPath {
                    part,
                    ring: Some(e.ring),
                    vertex: Some(e.index),
                },
                lon: at.x,
                lat: at.y,
            });
        }
    }
}

fn orient(a: Coord, b: Coord, p: Coord) -> f64 {
    orient2d(
        RCoord { x: a.x, y: a.y },
        RCoord { x: b.x, y: b.y },
        RCoord { x: p.x, y: p.y },
    )
}

/// `p` (collinear with `a`–`b`) lies within the segment's box.
fn on_segment(a: Coord, b: Coord, p: Coord) -> bool {
    orient(a, b, p) == 0.0
        && p.x >= a.x.min(b.x)
        && p.x <= a.x.max(b.x)
        && p.y >= a.y.min(b.y)
        && p.y <= a.y.max(b.y)
}

/// `f` lies strictly on one side of `e`'s line (orientations `o1`, `o2` of its ends,
/// exact in sign): then the segments share no point — no end of either lies on the other,
/// and they do not cross — so neither [`touches`] nor [`crosses_or_overlaps`] need the
/// other two orientations.
fn one_side(o1: f64, o2: f64) -> bool {
    (o1 > 0.0 && o2 > 0.0) || (o1 < 0.0 && o2 < 0.0)
}

/// The segments share at least one point.
fn touches(e: &Edge, f: &Edge) -> bool {
    let (o1, o2) = (orient(e.a, e.b, f.a), orient(e.a, e.b, f.b));
    if one_side(o1, o2) {
        return false;
    }
    let (o3, o4) = (orient(f.a, f.b, e.a), orient(f.a, f.b, e.b));
    if o1 * o2 < 0.0 && o3 * o4 < 0.0 {
        return true;
    }
    on_segment(e.a, e.b, f.a)
        || on_segment(e.a, e.b, f.b)
        || on_segment(f.a, f.b, e.a)
        || on_segment(f.a, f.b, e.b)
}

/// A point where two intersecting edges meet, for the message: the crossing point of a
/// proper crossing (rounded), else an end point of one edge lying on the other (a touch,
/// the start of an overlap, the vertex a spike folds back at).
fn meeting_point(e: &Edge, f: &Edge) -> Coord {
    let (o1, o2) = (orient(e.a, e.b, f.a), orient(e.a, e.b, f.b));
    let (o3, o4) = (orient(f.a, f.b, e.a), orient(f.a, f.b, e.b));
    if o1 * o2 < 0.0 && o3 * o4 < 0.0 {
        // o3 and o4 are twice the signed areas of (f.a, f.b, e.a) and (f.a, f.b, e.b):
        // e crosses f's line at the fraction o3 / (o3 - o4) of the way from e.a to e.b.
        let t = o3 / (o3 - o4);
        return Coord {
            x: e.a.x + t * (e.b.x - e.a.x),
            y: e.a.y + t * (e.b.y - e.a.y),
        };
    }
    [(e, f.a), (e, f.b), (f, e.a), (f, e.b)]
        .into_iter()
        .find(|(g, p)| on_segment(g.a, g.b, *p))
        .map_or(e.b, |(_, p)| p)
}

/// Segments of different rings cross properly, or overlap along a stretch.
fn crosses_or_overlaps(e: &Edge, f: &Edge) -> bool {
    let (o1, o2) = (orient(e.a, e.b, f.a), orient(e.a, e.b, f.b));
    if one_side(o1, o2) {
        return false;
    }
    let (o3, o4) = (orient(f.a, f.b, e.a), orient(f.a, f.b, e.b));
    if o1 * o2 < 0.0 && o3 * o4 < 0.0 {
        return true;
    }
    if o1 == 0.0 && o2 == 0.0 {
        // Collinear: overlap along a stretch if they share more than one point.
        let (lo, hi) = if (e.a.x, e.a.y) <= (e.b.x, e.b.y) {
            (e.a, e.b)
        } else {
            (e.b, e.a)
        };
        let (flo, fhi) = if (f.a.x, f.a.y) <= (f.b.x, f.b.y) {
            (f.a, f.b)
        } else {
            (f.b, f.a)
        };
        let start = if (lo.x, lo.y) >= (flo.x, flo.y) {
            lo
        } else {
            flo
        };
        let end = if (hi.x, hi.y) <= (fhi.x, fhi.y) {
            hi
        } else {
            fhi
        };
        return (start.x, start.y) < (end.x, end.y);
    }
    // A vertex of one lying in the interior of the other is a crossing unless it only
    // touches; a touch at a point is allowed between rings, so only proper crossings count.
    false
}

/// Consecutive edges `e` then `f` sharing `e.b == f.a` (or, for the ring's wrap-around,
/// `f.b == e.a`) fold back over each other (a spike).
fn overlaps_at_shared_vertex(e: &Edge, f: &Edge) -> bool {
    let (shared, x, y) = if e.b == f.a {
        (e.b, e.a, f.b)
    } else {
        (e.a, e.b, f.a)
    };
    orient(x, shared, y) == 0.0 && {
        // Collinear: they overlap if x and y are on the same side of `shared`.
        let dx = (x.x - shared.x, x.y - shared.y);
        let dy = (y.x - shared.x, y.y - shared.y);
        dx.0 * dy.0 + dx.1 * dy.1 > 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{LineString, MultiPolygon, Polygon};

    fn area(exterior: Vec<(f64, f64)>, holes: Vec<Vec<(f64, f64)>>) -> Shape {
        Shape::Area {
            polygons: MultiPolygon(vec![Polygon::new(
                LineString::from(exterior),
                holes.into_iter().map(LineString::from).collect(),
            )]),
            buffer_m: 0.0,
        }
    }

    const SQUARE: [(f64, f64); 5] = [(0., 0.), (4., 0.), (4., 4.), (0., 4.), (0., 0.)];

    /// Where the single self-intersection of `s` is reported.
    fn meeting(s: &Shape) -> (f64, f64) {
        match problems(s)[..] {
            [ZoneProblem::SelfIntersection { lon, lat, .. }] => (lon, lat),
            ref other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_self_intersection_is_reported_where_the_edges_meet() {
        // Bow tie: (0,0)–(3,3) crosses (3,0)–(0,3) at (1.5, 1.5).
        let bow_tie = area(
            vec![(0., 0.), (3., 3.), (3., 0.), (0., 3.), (0., 0.)],
            vec![],
        );
        assert_eq!(meeting(&bow_tie), (1.5, 1.5));
        // A crossing off the diagonal: (0,0)–(4,2) crosses (1,2)–(3,0) at (2, 1).
        let skew = area(
            vec![(0., 0.), (4., 2.), (4., 0.5), (3., 0.), (1., 2.), (0., 0.)],
            vec![],
        );
        assert_eq!(meeting(&skew), (2.0, 1.0));
        // A hole crossing the shell's edge x = 4 twice: at (4, 1) and at (4, 1.5).
        let hole = area(
            SQUARE.to_vec(),
            vec![vec![(3., 1.), (5., 1.), (5., 2.), (3., 1.)]],
        );
        let at = meeting(&hole);
        assert!([(4.0, 1.0), (4.0, 1.5)].contains(&at), "{at:?}");
    }

    #[test]
    fn a_valid_polygon_with_a_hole_has_no_problems() {
        let s = area(
            SQUARE.to_vec(),
            vec![vec![(1., 1.), (2., 1.), (2., 2.), (1., 1.)]],
        );
        assert_eq!(problems(&s), vec![]);
    }

    #[test]
    fn a_hole_touching_the_shell_at_one_point_is_allowed() {
        let s = area(
            SQUARE.to_vec(),
            vec![vec![(0., 2.), (1., 1.), (1., 3.), (0., 2.)]],
        );
        assert_eq!(problems(&s), vec![]);
    }

    #[test]
    fn bow_tie_is_self_intersecting() {
        let s = area(
            vec![(0., 0.), (2., 2.), (2., 0.), (0., 2.), (0., 0.)],
            vec![],
        );
        assert!(
            matches!(problems(&s)[..], [ZoneProblem::SelfIntersection { .. }]),
            "{:?}",
            problems(&s)
        );
    }

    #[test]
    fn spike_folding_back_is_self_intersecting() {
        let s = area(
            vec![(0., 0.), (4., 0.), (6., 0.), (4., 0.), (4., 4.), (0., 0.)],
            vec![],
        );
        assert!(
            matches!(problems(&s)[..], [ZoneProblem::SelfIntersection { .. }]),
            "{:?}",
            problems(&s)
        );
    }

    #[test]
    fn ring_touching_itself_at_a_vertex_is_self_intersecting() {
        // Figure-eight through (2, 2).
        let s = area(
            vec![
                (0., 0.),
                (2., 2.),
                (4., 0.),
                (4., 4.),
                (2., 2.),
                (0., 4.),
                (0., 0.),
            ],
            vec![],
        );
        assert!(
            matches!(problems(&s)[..], [ZoneProblem::SelfIntersection { .. }]),
            "{:?}",
            problems(&s)
        );
    }

    #[test]
    fn hole_crossing_shell_is_reported() {
        let s = area(
            SQUARE.to_vec(),
            vec![vec![(3., 1.), (5., 1.), (5., 2.), (3., 1.)]],
        );
        assert!(
            matches!(problems(&s)[..], [ZoneProblem::SelfIntersection { .. }]),
            "{:?}",
            problems(&s)
        );
    }

    #[test]
    fn hole_outside_shell_is_reported() {
        let s = area(
            SQUARE.to_vec(),
            vec![vec![(5., 1.), (6., 1.), (6., 2.), (5., 1.)]],
        );
        assert!(
            matches!(problems(&s)[..], [ZoneProblem::HoleOutsideShell { .. }]),
            "{:?}",
            problems(&s)
        );
    }

    #[test]
    fn short_degenerate_and_bad_coordinates_are_all_reported() {
        let s = Shape::Area {
            polygons: MultiPolygon(vec![
                Polygon::new(LineString::from(vec![(0., 0.), (1., 0.), (0., 0.)]), vec![]),
                Polygon::new(
                    LineString::from(vec![(0., 0.), (1., 1.), (2., 2.), (0., 0.)]),
                    vec![],
                ),
                Polygon::new(
                    LineString::from(vec![(0., 0.), (f64::NAN, 0.), (1., 91.), (0., 0.)]),
                    vec![],
                ),
            ]),
            buffer_m: -1.0,
        };
        let p = problems(&s);
        assert!(matches!(
            p[0],
            ZoneProblem::BadDistance {
                field: "buffer_m",
                ..
            }
        ));
        assert!(matches!(p[1], ZoneProblem::RingTooShort { count: 3, .. }));
        assert!(matches!(p[2], ZoneProblem::DegenerateRing { .. }));
        assert!(matches!(p[3], ZoneProblem::NonFiniteCoordinate { .. }));
        assert!(matches!(p[4], ZoneProblem::CoordinateOutOfRange { .. }));
        assert_eq!(p.len(), 5, "{p:?}");
        assert_eq!(
            p[1].to_string(),
            "part 0, exterior ring: ring has 3 positions; a closed ring needs at least 4"
        );
        // geo_types closes rings on construction, so an unclosed ring can only be seen in
        // the raw input: the GeoJSON reader reports it.
        let mut ring = LineString::from(vec![(0., 0.), (1., 0.), (1., 1.), (0., 1.)]);
        assert!(!ring.is_closed());
        ring.close();
        assert!(ring.is_closed());
    }

    #[test]
    fn circles_and_bands_check_distances_and_lines() {
        let c = Shape::Circle {
            centre: Coord { x: 200.0, y: 0.0 },
            radius_m: f64::INFINITY,
        };
        assert_eq!(problems(&c).len(), 2);
        let b = Shape::Band {
            lines: geo_types::MultiLineString(vec![LineString::from(vec![(0., 0.)])]),
            buffer_m: 10.0,
        };
        assert!(matches!(
            problems(&b)[..],
            [ZoneProblem::LineTooShort { count: 1, .. }]
        ));
    }
}

#[cfg(test)]
mod message_tests {
    use super::*;

    /// Regression: a one-part line's problem once read "geometry: : line has 1 positions"
    /// because an empty path still printed its separator.
    #[test]
    fn a_problem_with_no_path_has_no_stray_separator() {
        let b = Shape::Band {
            lines: geo_types::MultiLineString(vec![geo_types::LineString::from(vec![(0., 0.)])]),
            buffer_m: 10.0,
        };
        assert_eq!(
            problems(&b)[0].to_string(),
            "line has 1 positions; it needs at least 2"
        );
        let c = Shape::Circle {
            centre: Coord { x: 200.0, y: 0.0 },
            radius_m: 1.0,
        };
        assert_eq!(
            problems(&c)[0].to_string(),
            "coordinate out of range (lon 200, lat 0); longitude must be in [-180, 180] and latitude in [-90, 90] (is the order lon, lat?)"
        );
    }
}

/// The sweep finds exactly what testing every pair of edges finds.
#[cfg(test)]
mod sweep_tests {
    use super::*;
    use geo_types::LineString;
    use proptest::prelude::*;

    /// The oracle: every pair (e < f) tested with the same exact predicates and the lowest
    /// bad f kept per e — what the sweep must find without testing every pair.
    fn all_pairs(rings: &[&LineString<f64>], part: Option<usize>) -> Vec<ZoneProblem> {
        let all = RingEdges::new(rings);
        let n = all.edges.len();
        let first_bad: Vec<Option<usize>> = (0..n)
            .map(|e| (e + 1..n).find(|&f| all.bad(e, f)))
            .collect();
        let mut out = Vec::new();
        all.report(&first_bad, rings.len(), part, &mut out);
        out
    }

    /// A closed ring of `n` points on a small integer grid (so that collinear overlaps,
    /// touches at vertices and shared edges are common), shifted by `dx`.
    fn ring(max: i32) -> impl Strategy<Value = LineString<f64>> {
        prop::collection::vec((0..max, 0..max), 3..12).prop_map(|pts| {
            let mut c: Vec<Coord> = pts
                .into_iter()
                .map(|(x, y)| Coord {
                    x: f64::from(x),
                    y: f64::from(y),
                })
                .collect();
            c.push(c[0]);
            LineString(c)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn the_sweep_agrees_with_all_pairs(
            shell in ring(8),
            holes in prop::collection::vec(ring(8), 0..3),
            tall in any::<bool>(),
        ) {
            // Tall or wide, so that both sweep axes are used.
            let stretch = |r: &LineString<f64>| LineString(r.0.iter().map(|c| if tall {
                Coord { x: c.x, y: c.y * 3.0 }
            } else {
                Coord { x: c.x * 3.0, y: c.y }
            }).collect());
            let rings: Vec<LineString<f64>> =
                std::iter::once(&shell).chain(&holes).map(stretch).collect();
            let rings: Vec<&LineString<f64>> = rings.iter().collect();
            let mut swept = Vec::new();
            crossing_problems(&rings, Some(1), &mut swept);
            let want = all_pairs(&rings, Some(1));
            prop_assert_eq!(&swept, &want);
            // Each way of finding the pairs alone, the grid when it takes the rings.
            let all = RingEdges::new(&rings);
            for how in [Pairs::Sweep, Pairs::Grid] {
                if let Some(first_bad) = first_bad(&all, how) {
                    let mut problems = Vec::new();
                    all.report(&first_bad, rings.len(), Some(1), &mut problems);
                    prop_assert_eq!(&problems, &want, "{:?}", how);
                }
            }
        }
    }
}

/// The pair predicates against an independent oracle: on small integer coordinates every
/// quantity below is an exact integer, so whether two segments share a point, cross
/// properly or overlap along a stretch is decided by solving for the meeting point.
#[cfg(test)]
mod predicate_tests {
    use super::*;
    use proptest::prelude::*;

    fn edge(a: (i64, i64), b: (i64, i64)) -> Edge {
        let c = |p: (i64, i64)| Coord {
            x: p.0 as f64,
            y: p.1 as f64,
        };
        Edge {
            ring: 0,
            index: 0,
            a: c(a),
            b: c(b),
        }
    }

    /// (share a point, cross at a point inside both, overlap along a stretch) for
    /// segments p0–p1 and q0–q1 (each of positive length).
    fn oracle(p0: (i64, i64), p1: (i64, i64), q0: (i64, i64), q1: (i64, i64)) -> [bool; 3] {
        let (r, s) = ((p1.0 - p0.0, p1.1 - p0.1), (q1.0 - q0.0, q1.1 - q0.1));
        let cross = |u: (i64, i64), v: (i64, i64)| u.0 * v.1 - u.1 * v.0;
        let qp = (q0.0 - p0.0, q0.1 - p0.1);
        let den = cross(r, s);
        if den != 0 {
            // p0 + t·r = q0 + u·s with t = t_num / den, u = u_num / den.
            let (t_num, u_num) = (cross(qp, s), cross(qp, r));
            let within = |n: i64, strict: bool| {
                let (n, d) = if den < 0 { (-n, -den) } else { (n, den) };
                if strict {
                    0 < n && n < d
                } else {
                    0 <= n && n <= d
                }
            };
            let meet = within(t_num, false) && within(u_num, false);
            let proper = within(t_num, true) && within(u_num, true);
            return [meet, proper, false];
        }
        if cross(qp, r) != 0 {
            return [false, false, false]; // parallel lines apart
        }
        // Collinear: compare positions along r.
        let at = |p: (i64, i64)| (p.0 - p0.0) * r.0 + (p.1 - p0.1) * r.1;
        let (lo, hi) = (0, at(p1));
        let (a, b) = (at(q0).min(at(q1)), at(q0).max(at(q1)));
        let (start, end) = (lo.max(a), hi.min(b));
        [start <= end, false, start < end]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20000))]
        #[test]
        fn touches_and_crossings_agree_with_exact_arithmetic(
            p0 in (0i64..6, 0i64..6), p1 in (0i64..6, 0i64..6),
            q0 in (0i64..6, 0i64..6), q1 in (0i64..6, 0i64..6),
        ) {
            if p0 == p1 || q0 == q1 {
                return Ok(()); // edges have two distinct ends
            }
            let (e, f) = (edge(p0, p1), edge(q0, q1));
            let [meet, proper, overlap] = oracle(p0, p1, q0, q1);
            prop_assert_eq!(touches(&e, &f), meet);
            prop_assert_eq!(crosses_or_overlaps(&e, &f), proper || overlap);
        }
    }
}
