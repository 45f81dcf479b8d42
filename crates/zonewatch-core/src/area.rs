//! Exact point-in-polygon with covers semantics.
//!
//! A crossing count along a horizontal ray, with every orientation decided by Shewchuk's
//! adaptive exact predicate (`robust::orient2d`): no tolerance, no rounding error, so a
//! point exactly on an edge or vertex is always found there.

use geo_types::{LineString, MultiPolygon, Polygon};
use robust::{Coord as RCoord, orient2d};

use crate::Coord;
use crate::ring_stripes::RingStripes;

/// Where a point lies relative to a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// Strictly inside.
    Inside,
    /// On the boundary (an edge or vertex of any ring, holes included).
    Boundary,
    /// Strictly outside (a hole's interior is outside).
    Outside,
}

impl Position {
    /// Inside or on the boundary: the `covers` predicate.
    pub fn is_covered(self) -> bool {
        self != Position::Outside
    }
}

/// Polygons prepared for exact point queries: each polygon's bounding box first, then its
/// rings, each ring's edges filed in horizontal stripes (see `ring_stripes.rs`) so a query
/// tests only the few edges at the point's latitude.
#[derive(Clone, Debug)]
pub struct Area {
    polygons: Vec<(Bounds, Polygon<f64>)>,
    /// Per polygon: the exterior ring, then the holes. Empty once dropped
    /// ([`drop_stripes`](Self::drop_stripes)): queries then scan every edge.
    stripes: Vec<Vec<RingStripes>>,
}

#[derive(Clone, Copy, Debug)]
struct Bounds {
    min: Coord,
    max: Coord,
}

impl Bounds {
    fn of(ring: &LineString<f64>) -> Bounds {
        let (min, max) = crate::extent::bounding_box(ring.0.iter().copied());
        Bounds { min, max }
    }

    fn contains(&self, p: Coord) -> bool {
        self.min.x <= p.x && p.x <= self.max.x && self.min.y <= p.y && p.y <= self.max.y
    }
}

impl Area {
    /// Prepares the polygons. Ring orientation does not matter; rings must be closed.
    pub fn new(polygons: &MultiPolygon<f64>) -> Area {
        Area {
            polygons: polygons
                .iter()
                .map(|p| (Bounds::of(p.exterior()), p.clone()))
                .collect(),
            stripes: polygons
                .iter()
                .map(|p| {
                    std::iter::once(p.exterior())
                        .chain(p.interiors())
                        .map(|r| RingStripes::new(&r.0))
                        .collect()
                })
                .collect(),
        }
    }

    /// Like [`position`](Self::position), testing every edge of every ring (no stripes):
    /// the reference the indexed path is checked against.
    pub fn position_brute_force(&self, p: Coord) -> Position {
        let mut on_boundary = false;
        for (bounds, polygon) in &self.polygons {
            if !bounds.contains(p) {
                continue;
            }
            match polygon_position(polygon, p) {
                Position::Inside => return Position::Inside,
                Position::Boundary => on_boundary = true,
                Position::Outside => {}
            }
        }
        if on_boundary {
            Position::Boundary
        } else {
            Position::Outside
        }
    }

    /// Every ring of every polygon, as closed position lists.
    pub(crate) fn rings(&self) -> impl Iterator<Item = &[Coord]> {
        self.polygons
            .iter()
            .flat_map(|(_, p)| std::iter::once(p.exterior()).chain(p.interiors()))
            .map(|r| r.0.as_slice())
    }

    /// Per polygon, its rings' stripes (exterior first): the order of [`rings`](Self::rings).
    pub(crate) fn ring_stripes(&self) -> &[Vec<RingStripes>] {
        &self.stripes
    }

    /// Frees the stripes, for an area whose queries the grid's edge blocks answer: later
    /// queries (rare, or tests) give the same answers by testing every edge.
    pub(crate) fn drop_stripes(&mut self) {
        self.stripes = Vec::new();
    }

    /// Heap bytes held by the stripe indexes (the polygons themselves not counted).
    pub(crate) fn index_heap_bytes(&self) -> usize {
        self.stripes
            .iter()
            .flatten()
            .map(RingStripes::heap_bytes)
            .sum()
    }

    /// Where `p` lies: on the boundary of any polygon → `Boundary`; else inside any → `Inside`.
    ///
    /// The polygons form a union: a point strictly inside any polygon is `Inside`, even
    /// when it lies on another's boundary (valid multipolygons do not overlap, so this only
    /// matters for invalid input).
    pub fn position(&self, p: Coord) -> Position {
        if self.stripes.is_empty() {
            return self.position_brute_force(p);
        }
        let mut on_boundary = false;
        for rings in &self.stripes {
            match striped_polygon_position(rings, p) {
                Position::Inside => return Position::Inside,
                Position::Boundary => on_boundary = true,
                Position::Outside => {}
            }
        }
        if on_boundary {
            Position::Boundary
        } else {
            Position::Outside
        }
    }

    /// Whether `p` is inside or on the boundary.
    pub fn covers(&self, p: Coord) -> bool {
        self.position(p).is_covered()
    }
}

/// [`polygon_position`] over striped rings (exterior first): the same answer.
fn striped_polygon_position(rings: &[RingStripes], p: Coord) -> Position {
    let Some((exterior, holes)) = rings.split_first() else {
        return Position::Outside;
    };
    match exterior.position(p) {
        Position::Outside => return Position::Outside,
        Position::Boundary => return Position::Boundary,
        Position::Inside => {}
    }
    for hole in holes {
        match hole.position(p) {
            Position::Inside => return Position::Outside,
            Position::Boundary => return Position::Boundary,
            Position::Outside => {}
        }
    }
    Position::Inside
}

/// Where `p` lies relative to one polygon with holes.
pub fn polygon_position(polygon: &Polygon<f64>, p: Coord) -> Position {
    match ring_position(polygon.exterior(), p) {
        Position::Outside => return Position::Outside,
        Position::Boundary => return Position::Boundary,
        Position::Inside => {}
    }
    for hole in polygon.interiors() {
        match ring_position(hole, p) {
            Position::Inside => return Position::Outside,
            Position::Boundary => return Position::Boundary,
            Position::Outside => {}
        }
    }
    Position::Inside
}

/// Where `p` lies relative to the region a closed ring encloses.
///
/// Crossing rule: an edge counts when it straddles the horizontal line through `p`
/// half-open (one endpoint strictly above, the other at or below) and passes to the right
/// of `p`, decided by the sign of the exact orientation. An edge whose bounding box holds
/// `p` and whose orientation with `p` is exactly zero has `p` on it.
pub fn ring_position(ring: &LineString<f64>, p: Coord) -> Position {
    let pts = &ring.0;
    let mut inside = false;
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let in_box = p.y >= a.y.min(b.y)
            && p.y <= a.y.max(b.y)
            && p.x >= a.x.min(b.x)
            && p.x <= a.x.max(b.x);
        if in_box && orient(a, b, p) == 0.0 {
            return Position::Boundary;
        }
        if (a.y > p.y) != (b.y > p.y) {
            let o = orient(a, b, p);
            if (b.y > a.y) == (o > 0.0) {
                inside = !inside;
            }
        }
    }
    if inside {
        Position::Inside
    } else {
        Position::Outside
    }
}

#[inline]
fn orient(a: Coord, b: Coord, p: Coord) -> f64 {
    orient2d(
        RCoord { x: a.x, y: a.y },
        RCoord { x: b.x, y: b.y },
        RCoord { x: p.x, y: p.y },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{LineString, Polygon, polygon};

    fn square_with_hole() -> Polygon<f64> {
        // Exterior 0..10 (counter-clockwise), hole 4..6 (also counter-clockwise: the
        // algorithm must not care).
        Polygon::new(
            LineString::from(vec![(0., 0.), (10., 0.), (10., 10.), (0., 10.), (0., 0.)]),
            vec![LineString::from(vec![
                (4., 4.),
                (6., 4.),
                (6., 6.),
                (4., 6.),
                (4., 4.),
            ])],
        )
    }

    #[test]
    fn classifies_inside_outside_hole_and_boundaries() {
        let p = square_with_hole();
        let at = |x, y| polygon_position(&p, Coord { x, y });
        assert_eq!(at(1., 1.), Position::Inside);
        assert_eq!(at(11., 1.), Position::Outside);
        assert_eq!(at(5., 5.), Position::Outside, "hole interior is outside");
        assert_eq!(at(0., 0.), Position::Boundary, "exterior vertex");
        assert_eq!(at(5., 0.), Position::Boundary, "horizontal exterior edge");
        assert_eq!(at(10., 3.), Position::Boundary, "vertical exterior edge");
        assert_eq!(at(4., 5.), Position::Boundary, "hole edge");
        assert_eq!(at(6., 6.), Position::Boundary, "hole vertex");
        // Rays through vertices: the half-open rule must not double count.
        assert_eq!(at(-1., 0.), Position::Outside);
        assert_eq!(at(-1., 10.), Position::Outside);
        assert_eq!(
            at(2., 4.),
            Position::Inside,
            "ray passes through the hole's vertices"
        );
        assert_eq!(at(2., 6.), Position::Inside);
    }

    #[test]
    fn slanted_edge_points_are_exact() {
        // A triangle with a slanted edge from (0,0) to (3,1). The point (0.3, 0.1) is
        // not exactly representable, so it lies strictly on one side of the edge; the
        // exact predicate decides which, and must agree with exact rational arithmetic:
        // 0.3 and 0.1 as f64 are 0.299999999999999988898 and 0.100000000000000005551,
        // so y·3 − x = 0.30000000000000001665 − 0.29999999999999998890 > 0: left of
        // the edge, i.e. inside the triangle (which lies to its left).
        let t = polygon![(x: 0., y: 0.), (x: 3., y: 1.), (x: 0., y: 1.), (x: 0., y: 0.)];
        assert_eq!(
            polygon_position(&t, Coord { x: 0.3, y: 0.1 }),
            Position::Inside
        );
        // (1.5, 0.5) is exactly on the edge (both exactly representable).
        assert_eq!(
            polygon_position(&t, Coord { x: 1.5, y: 0.5 }),
            Position::Boundary
        );
        // Reversed ring orientation gives the same answers.
        let r = polygon![(x: 0., y: 0.), (x: 0., y: 1.), (x: 3., y: 1.), (x: 0., y: 0.)];
        assert_eq!(
            polygon_position(&r, Coord { x: 0.3, y: 0.1 }),
            Position::Inside
        );
        assert_eq!(
            polygon_position(&r, Coord { x: 1.5, y: 0.5 }),
            Position::Boundary
        );
    }

    #[test]
    fn multipolygon_is_a_union() {
        let a = polygon![(x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 2.), (x: 0., y: 2.), (x: 0., y: 0.)];
        let b = polygon![(x: 1., y: 1.), (x: 3., y: 1.), (x: 3., y: 3.), (x: 1., y: 3.), (x: 1., y: 1.)];
        let area = Area::new(&MultiPolygon(vec![a, b]));
        // On b's boundary but strictly inside a: inside the union.
        assert_eq!(area.position(Coord { x: 1.5, y: 1. }), Position::Inside);
        assert_eq!(area.position(Coord { x: 3., y: 2. }), Position::Boundary);
        assert_eq!(area.position(Coord { x: 2.5, y: 0.5 }), Position::Outside);
    }
}
