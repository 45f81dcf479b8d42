//! Rigorous lower bounds on geodesic distance to lon/lat boxes, and boxes grown by a
//! distance: the cheap tests that let the exact code run only where it matters.
//!
//! The metric argument: in latitude/longitude the WGS84 line element is
//! ds² = dM² + (N cos φ)² dλ², M the meridian arc. Along any path that stays where
//! N cos φ ≥ c, ds ≥ √(dM² + c² dλ²), the Euclidean line element of the plane
//! (X, Y) = (c λ, M(φ)). So the path is at least as long as the straight line between its
//! images: √(ΔM² + (c Δλ)²).
//!
//! Which c: a geodesic rises poleward of its ends by a bulge that grows with its length
//! ([`bulge_factor`](super::ellipsoid::bulge_factor) bounds it for lengths below a
//! threshold T). So for ANY T, the distance s satisfies s ≥ min(T, √(ΔM² + (c_T Δλ)²)),
//! c_T the parallel radius at the highest latitude a geodesic shorter than T can reach
//! from the highest end: either s ≥ T, or the geodesic stays below that latitude. Pick T
//! at least the bound itself, or a hair above the threshold a caller compares against.

use super::ellipsoid::{
    A, RHO_MIN, SLACK_M, bulge_factor, meridian_arc_sc, parallel_radius_floor, sin2_reduced,
    sin2_reduced_sc,
};
use std::sync::LazyLock;

use super::query_point::QueryPoint;
use crate::Coord;

/// A lower bound on the geodesic distance from `p` to any point of the lon/lat box
/// `[min, max]`; 0 when `p` is inside it. Never exceeds the true distance.
///
/// The bound is √(ΔM² + (c Δλ)²) − 1 mm, where ΔM is the meridian-arc gap from `p`'s
/// latitude to the box's latitude range, Δλ the longitude gap (the shorter way round the
/// antimeridian) and c the smallest parallel radius the shortest geodesic can reach,
/// allowing for its poleward bulge (see the module notes). When the bulge could reach a
/// pole (or beyond ~15 000 km) c drops to 0 and the bound falls back to ΔM. Typically
/// within ~1 % of the true distance for small boxes at mid latitudes; looser (by the ratio
/// of parallel radii) when the box spans many degrees of latitude.
///
/// `min` ≤ `max` in both coordinates, lon in [-180, 180]; an inverted box or a NaN input
/// gives 0 (no claim).
///
/// Cost: 1–3 `sin_cos` and 2 `sqrt`, no allocation (≈ 55 ns measured).
pub fn lower_bound_to_box_m(p: Coord, min: Coord, max: Coord) -> f64 {
    if !(min.x <= max.x && min.y <= max.y) {
        return 0.0;
    }
    let dlon = lon_gap_deg(p.x, min.x, max.x).to_radians();
    // The latitude gap as a meridian arc, and sin²β at the largest |latitude| involved
    // (which is p's or a box edge's), sharing each sin_cos between the two.
    let (dm, s2_top) = if p.y < min.y || p.y > max.y {
        let (near, far) = if p.y < min.y {
            (min.y, max.y)
        } else {
            (max.y, min.y)
        };
        let (phi_p, phi_n) = (p.y.to_radians(), near.to_radians());
        let ((sp, cp), (sn, cn)) = (phi_p.sin_cos(), phi_n.sin_cos());
        let dm = (meridian_arc_sc(phi_n, sn, cn) - meridian_arc_sc(phi_p, sp, cp)).abs();
        if dlon == 0.0 {
            return slacken(dm);
        }
        // |near| lies between |p| and |far| or below both, so the top is p's or far's.
        let s2 = if p.y.abs() >= far.abs() {
            sin2_reduced_sc(sp, cp)
        } else {
            sin2_reduced(far)
        };
        (dm, s2)
    } else if dlon == 0.0 {
        return 0.0;
    } else {
        (0.0, sin2_reduced(min.y.abs().max(max.y.abs())))
    };
    // Any threshold T works (module notes): T = dm + a·dlon is at least the bound itself,
    // so the result is the planar bound with the parallel radius that T allows.
    let c = parallel_radius_floor(s2_top, bulge_factor(dm + A * dlon));
    slacken(norm(dm, c * dlon))
}

/// A lon/lat box prepared for [`lower_bound_to_box_m`] from many points: the meridian
/// arcs and sin²β of its latitude edges computed once, the point's trigonometry taken
/// from its [`QueryPoint`]. No `sin_cos` per call.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PreparedBox {
    min: Coord,
    max: Coord,
    /// Meridian arcs of `min.y` and `max.y`, metres.
    arc_min: f64,
    arc_max: f64,
    /// sin²β of `min.y`, of `max.y`, and of the larger |latitude| of the two.
    s2_min: f64,
    s2_max: f64,
    s2_top: f64,
}

impl PreparedBox {
    /// The box `[min, max]` (any box: an inverted one bounds nothing, as in
    /// [`lower_bound_to_box_m`]).
    pub(crate) fn new(min: Coord, max: Coord) -> PreparedBox {
        let arc = |lat: f64| {
            let phi = lat.to_radians();
            let (s, c) = phi.sin_cos();
            meridian_arc_sc(phi, s, c)
        };
        PreparedBox {
            min,
            max,
            arc_min: arc(min.y),
            arc_max: arc(max.y),
            s2_min: sin2_reduced(min.y),
            s2_max: sin2_reduced(max.y),
            s2_top: sin2_reduced(min.y.abs().max(max.y.abs())),
        }
    }

    /// `lower_bound_to_box_m(q.at(), min, max)`, bit for bit (the same expressions on the
    /// same values, the box's computed once).
    pub(crate) fn lower_bound_m(&self, q: &QueryPoint) -> f64 {
        let (p, min, max) = (q.at(), self.min, self.max);
        if !(min.x <= max.x && min.y <= max.y) {
            return 0.0;
        }
        let dlon = lon_gap_deg(p.x, min.x, max.x).to_radians();
        let (dm, s2_top) = if p.y < min.y || p.y > max.y {
            let (arc_near, far, s2_far) = if p.y < min.y {
                (self.arc_min, max.y, self.s2_max)
            } else {
                (self.arc_max, min.y, self.s2_min)
            };
            let t = q.trig();
            let dm = (arc_near - t.arc_m).abs();
            if dlon == 0.0 {
                return slacken(dm);
            }
            let s2 = if p.y.abs() >= far.abs() { t.s2 } else { s2_far };
            (dm, s2)
        } else if dlon == 0.0 {
            return 0.0;
        } else {
            (0.0, self.s2_top)
        };
        let c = parallel_radius_floor(s2_top, bulge_factor(dm + A * dlon));
        slacken(norm(dm, c * dlon))
    }
}

/// The inverse of a parallel radius N cos φ no larger than the one at any latitude of
/// absolute value up to `lat_abs` (in [0, 90)): the one at the next whole degree, from a
/// table (the radius shrinks poleward). The table's rounding (an ulp or two) is far
/// inside the relative padding its callers add; an inverse makes their quotient a
/// product.
fn inverse_parallel_radius(lat_abs: f64) -> f64 {
    static BY_DEGREE: LazyLock<[f64; 91]> = LazyLock::new(|| {
        std::array::from_fn(|k| 1.0 / (A * (1.0 - sin2_reduced(k as f64)).sqrt()))
    });
    BY_DEGREE[whole_degree_up(lat_abs)]
}

/// The next whole degree up from `lat_abs` (in [0, 90]), at most 90. By hand: `f64::ceil`
/// is a call into libm on baseline x86-64.
fn whole_degree_up(lat_abs: f64) -> usize {
    let whole = lat_abs as u32;
    let up = whole + u32::from(f64::from(whole) < lat_abs);
    up.min(90) as usize
}

/// A lon/lat box that contains every point within `d_m` metres of the box `[min, max]`
/// (rounded outward; clamped to the valid lon/lat range).
///
/// Latitude grows by `d_m` / a(1 − e²) (the smallest meridian radius), longitude by
/// `d_m` / (the smallest parallel radius within the grown latitude range): a point within
/// `d_m` is reached by a path whose every point is within `d_m`, hence inside the grown
/// latitude range, where each metre east–west turns longitude by at most that much. When
/// the box would reach a pole or cross the antimeridian, the longitude range is the full
/// [-180, 180]. `d_m` ≤ 0 returns the box itself; NaN or +∞ the whole world; an inverted
/// box (`min` > `max`, e.g. an empty set's bounds) comes back unchanged.
///
/// The parallel radius is taken at the next whole degree of latitude poleward (a table:
/// it shrinks poleward), so the box is up to tan φ · 1° wider east–west than it need be
/// (~1 % at 30°, 2 % at 45°), and costs a few multiplications: it is asked for every report checked
/// against keep-out zones, where a `sin_cos` of its own was ~3 % of a light check.
pub fn box_grown_by_m(min: Coord, max: Coord, d_m: f64) -> (Coord, Coord) {
    const WORLD: (Coord, Coord) = (
        Coord {
            x: -180.0,
            y: -90.0,
        },
        Coord { x: 180.0, y: 90.0 },
    );
    if !(min.x <= max.x && min.y <= max.y) {
        return (min, max);
    }
    if d_m.is_nan() || d_m == f64::INFINITY {
        return WORLD;
    }
    if d_m <= 0.0 {
        return (min, max);
    }
    // Relative and absolute padding outlast the rounding of the divisions and additions
    // (1e-12° ≈ 0.1 µm is still far above an ulp of 180°).
    let pad = |deg: f64| deg * (1.0 + 1e-9) + 1e-12;
    // Products, not quotients (the padding covers the inverses' rounding).
    const INVERSE_RHO_MIN: f64 = 1.0 / RHO_MIN;
    let dlat = pad((d_m * INVERSE_RHO_MIN).to_degrees());
    let lat_lo = min.y - dlat;
    let lat_hi = max.y + dlat;
    if lat_lo <= -90.0 || lat_hi >= 90.0 {
        return (
            Coord {
                x: -180.0,
                y: lat_lo.max(-90.0),
            },
            Coord {
                x: 180.0,
                y: lat_hi.min(90.0),
            },
        );
    }
    // Over the parallel radius at the next whole degree poleward.
    let inverse = inverse_parallel_radius(lat_lo.abs().max(lat_hi.abs()));
    let dlon = pad((d_m * inverse).to_degrees());
    let (lon_lo, lon_hi) = (min.x - dlon, max.x + dlon);
    if lon_lo < -180.0 || lon_hi > 180.0 {
        return (
            Coord {
                x: -180.0,
                y: lat_lo,
            },
            Coord {
                x: 180.0,
                y: lat_hi,
            },
        );
    }
    (
        Coord {
            x: lon_lo,
            y: lat_lo,
        },
        Coord {
            x: lon_hi,
            y: lat_hi,
        },
    )
}

/// The longitude gap from `lon` to the range `[lo, hi]`, degrees in [0, 180], the shorter
/// way round the circle.
pub(super) fn lon_gap_deg(lon: f64, lo: f64, hi: f64) -> f64 {
    if lon >= lo && lon <= hi {
        return 0.0;
    }
    // With every longitude in [-180, 180] one conditional turn suffices; `rem_euclid`
    // (an fmod, slower than all the rest of a bound) only for values outside it.
    let turn = |d: f64| {
        let d = if d < 0.0 { d + 360.0 } else { d };
        if (0.0..360.0).contains(&d) {
            d
        } else {
            d.rem_euclid(360.0)
        }
    };
    turn(lo - lon).min(turn(lon - hi))
}

/// √(x² + y²) without `hypot`'s overflow care, which these magnitudes never need.
pub(super) fn norm(x: f64, y: f64) -> f64 {
    (x * x + y * y).sqrt()
}

/// A computed bound minus the slack that keeps it rigorous; never negative, NaN → 0.
pub(super) fn slacken(bound_m: f64) -> f64 {
    greater(bound_m - SLACK_M, 0.0)
}

/// The larger of `a` and `b`, `b` if either is NaN: `f64::max` for the bounds' operands,
/// which are never NaN but `slacken`'s. One `maxsd`: `f64::max` also orders NaNs, at four
/// more instructions a call on baseline x86-64, and the searches take dozens a query.
#[inline]
pub(super) fn greater(a: f64, b: f64) -> f64 {
    if a > b { a } else { b }
}

/// The smaller of `a` and `b`, `b` if either is NaN (as [`greater`]).
#[inline]
pub(super) fn lesser(a: f64, b: f64) -> f64 {
    if a < b { a } else { b }
}

/// A rigorous upper bound on the geodesic distance between `a` and `b`, metres: the length
/// of a path along one point's meridian to the other's latitude, then along that parallel
/// (a meridian radius of curvature is at most a/√(1−e²) ≈ 6 399 594 m per radian, a
/// parallel's radius at most that × cos φ). Within a fraction of a percent of the true
/// distance for points a few kilometres apart at mid latitudes; costs two cosines.
pub fn upper_bound_m(a: Coord, b: Coord) -> f64 {
    const RADIUS_MAX_M: f64 = 6_399_594.0;
    let dlat = (a.y - b.y).abs().to_radians();
    let mut dlon = (a.x - b.x).abs();
    if dlon > 180.0 {
        dlon = 360.0 - dlon;
    }
    let cos = a.y.to_radians().cos().min(b.y.to_radians().cos()).max(0.0);
    let bound = RADIUS_MAX_M * (dlat + (cos * (1.0 + 1e-12)).min(1.0) * dlon.to_radians());
    bound * (1.0 + 1e-9) + 1e-6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesic::distance_m;
    use geographiclib_rs::DirectGeodesic;
    use proptest::prelude::*;

    use crate::geodesic::ellipsoid::GEOD;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    /// The smallest distance from `p` to a dense grid over the box (boundary and interior):
    /// an upper bound on the true distance to the box.
    fn sampled_box_distance(p: Coord, lo: Coord, hi: Coord) -> f64 {
        const K: usize = 60;
        let mut best = f64::INFINITY;
        for i in 0..=K {
            for j in 0..=K {
                let q = c(
                    lo.x + (hi.x - lo.x) * i as f64 / K as f64,
                    lo.y + (hi.y - lo.y) * j as f64 / K as f64,
                );
                best = best.min(distance_m(p, q));
            }
        }
        best
    }

    #[test]
    fn inside_is_zero_and_axis_gaps_are_nearly_exact() {
        let (lo, hi) = (c(16.0, 30.0), c(17.0, 31.0));
        assert_eq!(lower_bound_to_box_m(c(16.5, 30.5), lo, hi), 0.0);
        assert_eq!(lower_bound_to_box_m(c(16.0, 31.0), lo, hi), 0.0);
        // Due north: the bound is the meridian arc itself, less the 1 mm slack.
        let north = c(16.5, 31.5);
        let d = distance_m(north, c(16.5, 31.0));
        let lb = lower_bound_to_box_m(north, lo, hi);
        assert!(lb <= d && lb > d - 2e-3, "{lb} vs {d}");
        // Due east at the box's top latitude: within the parallel-radius bulge allowance.
        let east = c(17.5, 31.0);
        let d = distance_m(east, c(17.0, 31.0));
        let lb = lower_bound_to_box_m(east, lo, hi);
        assert!(lb <= d && lb > 0.999 * d, "{lb} vs {d}");
    }

    #[test]
    fn antimeridian_gap_goes_the_short_way() {
        let lb = lower_bound_to_box_m(c(179.5, 0.0), c(-180.0, -1.0), c(-179.5, 1.0));
        let d = distance_m(c(179.5, 0.0), c(-180.0, 0.0));
        assert!(lb <= d && lb > 0.99 * d, "{lb} vs {d}");
    }

    #[test]
    fn inverted_or_nan_inputs_make_no_claim() {
        assert_eq!(
            lower_bound_to_box_m(c(0.0, 0.0), c(1.0, 1.0), c(0.0, 0.0)),
            0.0
        );
        assert_eq!(
            lower_bound_to_box_m(c(f64::NAN, 0.0), c(1.0, 1.0), c(2.0, 2.0)),
            0.0
        );
    }

    #[test]
    fn far_and_polar_boxes_stay_below_the_true_distance() {
        let cases = [
            (c(0.0, 0.0), c(100.0, 10.0), c(110.0, 20.0)),
            (c(-170.0, 80.0), c(10.0, 85.0), c(20.0, 89.0)),
            (c(0.0, 89.9), c(170.0, 89.0), c(180.0, 90.0)),
            (c(16.6, 31.2), c(-60.0, -40.0), c(-50.0, -30.0)),
            (c(0.0, 60.0), c(90.0, 60.0), c(90.0, 60.0)),
        ];
        for (p, lo, hi) in cases {
            let lb = lower_bound_to_box_m(p, lo, hi);
            let d = sampled_box_distance(p, lo, hi);
            assert!(lb <= d, "{p:?} {lo:?} {hi:?}: {lb} > {d}");
        }
    }

    #[test]
    fn the_tabled_inverse_parallel_radius_is_never_below_the_true_one() {
        for i in 0..=8_999 {
            let lat = i as f64 / 100.0;
            let exact = A * (1.0 - sin2_reduced(lat)).sqrt();
            // At least the true inverse, but for rounding far inside the callers'
            // padding (1e-9).
            let ratio = inverse_parallel_radius(lat) * exact;
            assert!(ratio >= 1.0 - 1e-12, "{lat}: {ratio} < 1");
            // A degree poleward costs tan φ · 1° of the radius: ~2 % at 45°.
            assert!(lat > 45.0 || ratio < 1.0 / 0.98, "{lat}: {ratio} ≫ 1");
        }
    }

    #[test]
    fn growing_by_zero_or_nothing() {
        let (lo, hi) = (c(16.0, 30.0), c(17.0, 31.0));
        assert_eq!(box_grown_by_m(lo, hi, 0.0), (lo, hi));
        assert_eq!(
            box_grown_by_m(lo, hi, f64::NAN),
            (c(-180.0, -90.0), c(180.0, 90.0))
        );
        let (glo, ghi) = box_grown_by_m(c(179.0, 0.0), c(179.9, 1.0), 50_000.0);
        assert_eq!((glo.x, ghi.x), (-180.0, 180.0));
        let (glo, ghi) = box_grown_by_m(c(10.0, 89.0), c(11.0, 89.5), 100_000.0);
        assert_eq!((glo.x, ghi.x, ghi.y), (-180.0, 180.0, 90.0));
    }

    /// The prepared box from a prepared point gives `lower_bound_to_box_m` bit for bit:
    /// points north, south, beside and inside boxes, on their edges, at the poles, across
    /// the antimeridian; inverted boxes and NaN.
    #[test]
    fn prepared_box_bounds_are_lower_bound_to_box_m_bit_for_bit() {
        let mut state = 99u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut cases = vec![
            (c(16.5, 31.0), c(16.0, 30.0), c(17.0, 32.0)),
            (c(16.5, 29.0), c(16.0, 30.0), c(17.0, 32.0)),
            (c(16.5, 33.0), c(16.0, 30.0), c(17.0, 32.0)),
            (c(18.0, 31.0), c(16.0, 30.0), c(17.0, 32.0)),
            (c(17.0, 30.0), c(16.0, 30.0), c(17.0, 32.0)),
            (c(0.0, -89.0), c(-10.0, 80.0), c(10.0, 90.0)),
            (c(179.5, 0.0), c(-180.0, -1.0), c(-179.5, 1.0)),
            (c(10.0, -40.0), c(-10.0, -30.0), c(20.0, 35.0)),
            (c(10.0, 50.0), c(-10.0, -30.0), c(20.0, 35.0)),
            (c(0.0, 0.0), c(1.0, 1.0), c(0.0, 0.0)),
            (c(f64::NAN, 0.0), c(1.0, 1.0), c(2.0, 2.0)),
            (c(1.5, f64::NAN), c(1.0, 1.0), c(2.0, 2.0)),
        ];
        for _ in 0..20_000 {
            let lo = c(-180.0 + 350.0 * next(), -90.0 + 170.0 * next());
            let size = [1e-6, 0.01, 1.0, 20.0][(next() * 4.0) as usize % 4];
            let hi = c(
                (lo.x + size * next()).min(180.0),
                (lo.y + size * next()).min(90.0),
            );
            let reach = [0.0, 0.01, 1.0, 30.0][(next() * 4.0) as usize % 4];
            let p = c(
                (lo.x + reach * (2.0 * next() - 1.0)).clamp(-180.0, 180.0),
                (lo.y + reach * (2.0 * next() - 1.0)).clamp(-90.0, 90.0),
            );
            cases.push((p, lo, hi));
            // On an edge's latitude, or mirrored to the other hemisphere.
            cases.push((c(p.x, hi.y), lo, hi));
            cases.push((c(p.x, -p.y), lo, hi));
        }
        for (p, lo, hi) in cases {
            let want = lower_bound_to_box_m(p, lo, hi);
            let got = PreparedBox::new(lo, hi).lower_bound_m(&QueryPoint::new(p));
            assert_eq!(got.to_bits(), want.to_bits(), "{p:?} {lo:?} {hi:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Dense sampling of the box (boundary and interior) gives distances that are
        /// upper bounds of the true distance; the lower bound must sit below all of them.
        #[test]
        fn lower_bound_is_below_sampled_distances(
            lon in -30.0f64..60.0, lat in -75.0f64..75.0,
            w in 0.0f64..3.0, h in 0.0f64..3.0,
            dlon in -8.0f64..8.0, dlat in -8.0f64..8.0,
        ) {
            let (lo, hi) = (c(lon, lat), c(lon + w, lat + h));
            let p = c(lon + w / 2.0 + dlon, (lat + h / 2.0 + dlat).clamp(-90.0, 90.0));
            let lb = lower_bound_to_box_m(p, lo, hi);
            prop_assert!(lb <= sampled_box_distance(p, lo, hi));
        }

        /// Shoot geodesics of length d from points of the box (corners, edge midpoints)
        /// in every direction: the end points must lie in the grown box.
        #[test]
        fn grown_box_holds_points_shot_from_the_box(
            lon in -170.0f64..160.0, lat in -80.0f64..75.0,
            w in 0.0f64..5.0, h in 0.0f64..5.0, d in 1.0f64..500_000.0,
        ) {
            let (lo, hi) = (c(lon, lat), c(lon + w, lat + h));
            let (glo, ghi) = box_grown_by_m(lo, hi, d);
            for fx in [0.0, 0.5, 1.0] {
                for fy in [0.0, 0.5, 1.0] {
                    let q = c(lo.x + w * fx, lo.y + h * fy);
                    for k in 0..72 {
                        let azi = k as f64 * 5.0;
                        let (lat2, lon2): (f64, f64) = GEOD.direct(q.y, q.x, azi, d);
                        let lon2 = (lon2 + 180.0).rem_euclid(360.0) - 180.0;
                        prop_assert!(lat2 >= glo.y && lat2 <= ghi.y, "lat {lat2} {glo:?} {ghi:?}");
                        prop_assert!(lon2 >= glo.x && lon2 <= ghi.x, "lon {lon2} {glo:?} {ghi:?}");
                    }
                }
            }
        }
    }
}
