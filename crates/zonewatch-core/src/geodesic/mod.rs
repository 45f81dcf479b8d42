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
//! - [`distance_m`]: point to point; up to 600 km from the chord and the normal
//!   curvature along it (`short`: within 10 nm of Karney to 100 km, 5 µm to 600 km),
//!   beyond by Karney's algorithm (geographiclib, ~15 nm).
//! - [`distance_to_segment_m`]: point to lon/lat segment, a safeguarded 1-D minimisation
//!   on top of `distance_m`; within 10 nm of the minimum in practice (see its guarantee).
//! - [`lower_bound_to_box_m`], [`box_grown_by_m`], [`upper_bound_m`]: cheap rigorous
//!   bounds from the metric ds² = dM² + (N cos φ)² dλ² (meridian arc M, parallel
//!   radius N cos φ).
//! - [`SegmentSet`]: many segments, branch and bound over boxes; exact minimum.
//!
//! Layout: `ellipsoid` (constants, meridian arc, bulge of a geodesic), `short` (short
//! geodesics from chords), `bounds`, `segment`, `segment_set`.

mod bounds;
mod ellipsoid;
mod query_point;
mod segment;
mod segment_set;
mod short;

use geographiclib_rs::InverseGeodesic;

use crate::Coord;

pub(crate) use bounds::PreparedBox;
pub use bounds::{box_grown_by_m, lower_bound_to_box_m, upper_bound_m};
pub(crate) use query_point::QueryPoint;
pub use segment::distance_to_segment_m;
pub(crate) use segment_set::Seed;
pub use segment_set::SegmentSet;

/// Geodesic distance between two points, metres (WGS84).
///
/// Points up to 600 km apart (below 89° of latitude) take the short formula of `short.rs`
/// (~50 ns; within 10 nm of Karney's solution to 100 km, 0.2 µm to 300 km, 5 µm to
/// 600 km); the rest Karney's algorithm
/// (geographiclib, ~15 nm, about a microsecond), antipodes included. Symmetric up to
/// rounding; no allocation.
pub fn distance_m(a: Coord, b: Coord) -> f64 {
    short::short_distance_m(a.y, a.x, b.y, b.x)
        .unwrap_or_else(|| ellipsoid::GEOD.inverse(a.y, a.x, b.y, b.x))
}

/// A fixed point prepared for many distances to it (a circle's centre): `distance_m(p)`
/// is [`distance_m`]`(p, at)`, bit for bit, with the point's own trigonometry done once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Anchor {
    at: Coord,
    /// Its [`Place`](short::Place) when the short formula can reach it.
    place: Option<short::Place>,
}

impl Anchor {
    pub(crate) fn new(at: Coord) -> Anchor {
        let place = (at.y.abs() <= short::SHORT_MAX_LAT).then(|| short::Place::new(at.y, at.x));
        Anchor { at, place }
    }

    /// The point.
    pub(crate) fn at(&self) -> Coord {
        self.at
    }

    /// The geodesic distance from `p` to the anchor, metres.
    #[cfg(test)]
    pub(crate) fn distance_m(&self, p: Coord) -> f64 {
        self.place
            .and_then(|q| short::short_distance_to_m(p.y, p.x, &q))
            .unwrap_or_else(|| ellipsoid::GEOD.inverse(p.y, p.x, self.at.y, self.at.x))
    }

    /// [`distance_m`](Self::distance_m) from a prepared query point: the same value.
    pub(crate) fn distance_at(&self, q: &QueryPoint) -> f64 {
        let p = q.at();
        self.place
            .and_then(|c| {
                if p.y.is_nan() || p.y.abs() > short::SHORT_MAX_LAT {
                    return None;
                }
                short::short_distance_between_m(&q.trig().place, &c)
            })
            .unwrap_or_else(|| ellipsoid::GEOD.inverse(p.y, p.x, self.at.y, self.at.x))
    }
}

/// The point reached from `from` by a geodesic of `dist` metres at azimuth `azi` degrees
/// (geographiclib's direct problem: the tests' independent way to place points at known
/// distances).
#[cfg(test)]
pub(crate) fn shoot(from: Coord, azi: f64, dist: f64) -> Coord {
    use geographiclib_rs::DirectGeodesic;
    let (lat, lon): (f64, f64) = ellipsoid::GEOD.direct(from.y, from.x, azi, dist);
    Coord { x: lon, y: lat }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_distances_are_distance_m_bit_for_bit() {
        let centres = [
            (16.6, 31.2),
            (0.0, 0.0),
            (179.9, -45.0),
            (10.0, 89.5),
            (-70.0, -88.9),
        ];
        for &(cx, cy) in &centres {
            let anchor = Anchor::new(Coord { x: cx, y: cy });
            for i in 0..400 {
                // Offsets from metres to thousands of km, every direction, poles included.
                let r = 1e-5 * 1.05f64.powi(i % 200);
                let a = (i as f64 * 2.399_963).rem_euclid(std::f64::consts::TAU);
                let p = Coord {
                    x: cx + r * a.cos(),
                    y: (cy + r * a.sin()).clamp(-90.0, 90.0),
                };
                let want = distance_m(p, Coord { x: cx, y: cy });
                assert_eq!(anchor.distance_m(p).to_bits(), want.to_bits(), "{p:?}");
                let q = QueryPoint::new(p);
                assert_eq!(anchor.distance_at(&q).to_bits(), want.to_bits(), "{p:?}");
            }
        }
    }

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
    fn the_upper_bound_is_never_below_the_distance_and_close_at_short_range() {
        let mut state = 7u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..20_000 {
            let a = Coord {
                x: -180.0 + 360.0 * next(),
                y: -89.0 + 178.0 * next(),
            };
            // Near pairs (metres to tens of km) and far ones.
            let scale = [1e-5, 1e-3, 0.1, 1.0, 30.0][(next() * 5.0) as usize % 5];
            let b = Coord {
                x: (a.x + scale * (2.0 * next() - 1.0)).clamp(-180.0, 180.0),
                y: (a.y + scale * (2.0 * next() - 1.0)).clamp(-90.0, 90.0),
            };
            let (d, ub) = (distance_m(a, b), upper_bound_m(a, b));
            assert!(ub >= d, "{a:?} {b:?}: {ub} < {d}");
            if scale <= 0.1 && a.y.abs() < 60.0 {
                assert!(ub <= 1.5 * d + 1e-3, "{a:?} {b:?}: {ub} vs {d}");
            }
        }
    }

    #[test]
    fn identical_points_are_zero_apart() {
        let p = Coord { x: 16.6, y: 31.2 };
        assert_eq!(distance_m(p, p), 0.0);
    }
}
