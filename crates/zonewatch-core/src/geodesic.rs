//! Geodesic distances on the WGS84 ellipsoid, in metres.
//!
//! Points are `Coord { x: lon, y: lat }` in degrees. Segments are straight in lon/lat
//! (RFC 7946), not geodesics: the distance from a point to a segment is the smallest
//! geodesic distance to any point of that lon/lat-straight segment.
//!
//! Accuracy contract: within 1 m (in practice far better) for distances up to 500 km.
//! Lower bounds are rigorous: never larger than the true distance.

use crate::Coord;

/// Geodesic distance between two points, metres (Karney's algorithm, WGS84).
pub fn distance_m(a: Coord, b: Coord) -> f64 {
    let _ = (a, b);
    todo!("geodesic helper")
}

/// Smallest geodesic distance from `p` to the segment `a`–`b`, straight in lon/lat.
/// `a == b` is a point.
pub fn distance_to_segment_m(p: Coord, a: Coord, b: Coord) -> f64 {
    let _ = (p, a, b);
    todo!("geodesic helper")
}

/// A lower bound on the geodesic distance from `p` to any point of the lon/lat box
/// `[min, max]`; 0 when `p` is inside it. Never exceeds the true distance.
pub fn lower_bound_to_box_m(p: Coord, min: Coord, max: Coord) -> f64 {
    let _ = (p, min, max);
    todo!("geodesic helper")
}

/// A lon/lat box that contains every point within `d_m` metres of the box `[min, max]`
/// (rounded outward; clamped to the valid lon/lat range).
pub fn box_grown_by_m(min: Coord, max: Coord, d_m: f64) -> (Coord, Coord) {
    let _ = d_m;
    todo!("geodesic helper: {min:?} {max:?}")
}

/// Polylines and points prepared for repeated exact distance queries (a polygon's rings,
/// a band's lines, a circle's centre).
#[derive(Clone, Debug)]
pub struct SegmentSet {
    _private: (),
}

impl SegmentSet {
    /// Prepares the given paths; each path is a polyline of consecutive positions, and a
    /// path of one position is a point.
    pub fn new<'a>(paths: impl IntoIterator<Item = &'a [Coord]>) -> Self {
        let _ = paths.into_iter().count();
        todo!("geodesic helper")
    }

    /// The exact smallest geodesic distance from `p` to any segment or point, metres.
    pub fn distance_m(&self, p: Coord) -> f64 {
        let _ = p;
        todo!("geodesic helper")
    }

    /// The exact distance if it is ≤ `cap`, else `None`; cheaper than
    /// [`distance_m`](Self::distance_m) when most of the set is far beyond `cap`.
    pub fn distance_up_to_m(&self, p: Coord, cap: f64) -> Option<f64> {
        let _ = (p, cap);
        todo!("geodesic helper")
    }

    /// The bounding box of every position, lon/lat.
    pub fn bounds(&self) -> (Coord, Coord) {
        todo!("geodesic helper")
    }
}
