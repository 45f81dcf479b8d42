//! A query point (a report's position) prepared once for every distance and bound taken
//! from it: the sines and cosines of its latitude and longitude, and what the short
//! formula, the segment solver and the box bounds derive from them. A report checked
//! against several zones used to recompute them for each (a search, a circle's centre,
//! a box bound, a segment's first step: a dozen `sin_cos` for a flagged report).
//!
//! Every quantity is computed by the same expression, on the same inputs, as the code
//! that takes a bare `Coord` computes it, so the distances and bounds are bit-identical
//! whichever way they are asked for (tests hold both ways equal).

use std::cell::OnceCell;

use super::ellipsoid::{A, E2, meridian_arc_sc, sin2_reduced_sc};
use super::short::Place;
use crate::Coord;

/// A point prepared lazily for geodesic distances and bounds: nothing is computed until
/// the first distance or bound that needs it, then once.
#[derive(Clone, Debug)]
pub(crate) struct QueryPoint {
    p: Coord,
    trig: OnceCell<Trig>,
}

/// What distances and bounds take from the query point.
#[derive(Clone, Copy, Debug)]
pub(super) struct Trig {
    /// Cartesian position and normal (`Place::new`), whatever the latitude.
    pub(super) place: Place,
    /// Meridian arc from the equator, metres (`meridian_arc_m`).
    pub(super) arc_m: f64,
    /// sin²β of the reduced latitude (`sin2_reduced`).
    pub(super) s2: f64,
    /// Meridian and prime-vertical radii and cos φ (`radii`).
    pub(super) radii: (f64, f64, f64),
}

impl QueryPoint {
    /// The point `p` (lon/lat degrees), nothing computed yet.
    pub(crate) fn new(p: Coord) -> QueryPoint {
        QueryPoint {
            p,
            trig: OnceCell::new(),
        }
    }

    /// The point.
    pub(crate) fn at(&self) -> Coord {
        self.p
    }

    /// The prepared quantities, computed on first use.
    pub(super) fn trig(&self) -> &Trig {
        self.trig.get_or_init(|| {
            let phi = self.p.y.to_radians();
            let (sin_lat, cos_lat) = phi.sin_cos();
            let (sin_lon, cos_lon) = self.p.x.to_radians().sin_cos();
            let w2 = 1.0 - E2 * sin_lat * sin_lat;
            let n = A / w2.sqrt();
            Trig {
                place: Place::from_sc(sin_lat, cos_lat, sin_lon, cos_lon),
                arc_m: meridian_arc_sc(phi, sin_lat, cos_lat),
                s2: sin2_reduced_sc(sin_lat, cos_lat),
                radii: (n * (1.0 - E2) / w2, n, cos_lat),
            }
        })
    }
}
