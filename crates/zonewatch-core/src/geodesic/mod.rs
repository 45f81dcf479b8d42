//! Geodesic distances on the WGS84 ellipsoid, in metres.
//!
//! Points are `Coord { x: lon, y: lat }` in degrees. Segments are straight in lon/lat
//! (RFC 7946), not geodesics: the distance from a point to a segment is the smallest
//! geodesic distance to any point of that lon/lat-straight segment.
//!
//! Accuracy contract: within 1 m (in practice far better) for distances up to 500 km.
//! Lower bounds are rigorous: never larger than the true distance.
//!
//! ## Map
//! - [`distance_m`]: point to point, Karney's algorithm (geographiclib), ~15 nm accurate.
//! - [`distance_to_segment_m`]: point to lon/lat segment, a safeguarded 1-D minimisation
//!   on top of `distance_m`; within 10 nm of the minimum in practice (see its guarantee).
//! - [`lower_bound_to_box_m`], [`box_grown_by_m`]: cheap rigorous bounds from the metric
//!   ds² = dM² + (N cos φ)² dλ² (meridian arc M, parallel radius N cos φ).
//! - [`SegmentSet`]: many segments, branch and bound over boxes; exact minimum.
//!
//! Layout: `ellipsoid` (constants, meridian arc, bulge of a geodesic), `bounds`,
//! `segment`, `segment_set`.

mod bounds;
mod ellipsoid;
mod segment;
mod segment_set;

use geographiclib_rs::InverseGeodesic;

use crate::Coord;

pub use bounds::{box_grown_by_m, lower_bound_to_box_m};
pub use segment::distance_to_segment_m;
pub use segment_set::SegmentSet;

/// Geodesic distance between two points, metres (Karney's algorithm, WGS84).
///
/// Accurate to ~15 nm (geographiclib) for any pair, antipodes included; symmetric up to
/// rounding. Cost: one inverse geodesic solution, about a microsecond; no allocation.
pub fn distance_m(a: Coord, b: Coord) -> f64 {
    ellipsoid::GEOD.inverse(a.y, a.x, b.y, b.x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dms(d: f64, m: f64, s: f64) -> f64 {
        d.signum() * (d.abs() + m / 60.0 + s / 3600.0)
    }

    #[test]
    fn flinders_peak_to_buninyong() {
        // Geoscience Australia's worked example (Vincenty): 54 972.271 m.
        let flinders = Coord {
            x: dms(144.0, 25.0, 29.52440),
            y: dms(-37.0, 57.0, 3.72030),
        };
        let buninyong = Coord {
            x: dms(143.0, 55.0, 35.38390),
            y: dms(-37.0, 39.0, 10.15610),
        };
        assert!((distance_m(flinders, buninyong) - 54_972.271).abs() < 1e-3);
        assert!((distance_m(buninyong, flinders) - 54_972.271).abs() < 1e-3);
    }

    #[test]
    fn one_degree_along_the_equator_is_a_pi_over_180() {
        let d = distance_m(Coord { x: 10.0, y: 0.0 }, Coord { x: 11.0, y: 0.0 });
        assert!((d - 111_319.490_8).abs() < 1e-4, "{d}");
    }

    #[test]
    fn equator_to_pole_is_the_quarter_meridian() {
        let d = distance_m(Coord { x: 16.0, y: 0.0 }, Coord { x: 16.0, y: 90.0 });
        assert!((d - 10_001_965.729_3).abs() < 1e-3, "{d}");
    }

    #[test]
    fn identical_points_are_zero_apart() {
        let p = Coord { x: 16.6, y: 31.2 };
        assert_eq!(distance_m(p, p), 0.0);
    }
}
