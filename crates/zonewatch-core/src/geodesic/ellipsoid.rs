//! The WGS84 ellipsoid: constants, the shared [`Geodesic`] solver, and the closed-form
//! quantities the bounds are built from (meridian arc, parallel radius, radii of
//! curvature, the poleward bulge of a geodesic).

use std::sync::LazyLock;

use geographiclib_rs::Geodesic;

/// Equatorial radius, metres.
pub(super) const A: f64 = 6_378_137.0;
/// Flattening, written as geographiclib writes it so both agree to the last bit.
pub(super) const F: f64 = 1.0 / (298_257_223_563.0 / 1_000_000_000.0);
/// Polar semi-axis, metres.
pub(super) const B: f64 = A * (1.0 - F);
/// First eccentricity squared.
pub(super) const E2: f64 = F * (2.0 - F);
/// Smallest meridian radius of curvature (at the equator), a(1 − e²), metres: any
/// north–south displacement of `d` metres changes latitude by at most `d / RHO_MIN` rad.
pub(super) const RHO_MIN: f64 = A * (1.0 - E2);
/// Largest meridian radius of curvature (at the poles), a / √(1 − e²), metres, rounded up.
pub(super) const RHO_MAX: f64 = 6_399_593.7;
/// An upper bound on |dρ/dφ| (metres per radian) = max of 3a(1−e²)e² sinφ cosφ /
/// (1 − e² sin²φ)^(5/2) ≈ 64 153 m: the meridian arc M(φ) bends from its chord by at most
/// this · Δφ² / 8.
pub(super) const RHO_SLOPE_MAX: f64 = 65_000.0;

/// Slack subtracted from every lower bound, metres. It covers the truncation of the
/// meridian-arc series (< 1e-7 m), floating-point rounding in the bounds (< 1e-7 m) and
/// the distances' own error (geographiclib ~15 nm, the short formula ≤ 5 µm), 200-fold
/// over: bounds stay rigorous against the distances this module computes, and 1 mm costs
/// nothing in pruning.
pub(super) const SLACK_M: f64 = 1e-3;

/// The one geodesic solver, built once (its constructor fills series coefficients).
pub(super) static GEOD: LazyLock<Geodesic> = LazyLock::new(Geodesic::wgs84);

// Helmert's series for the meridian arc, in the third flattening n = f / (2 − f);
// truncated after n⁴, the error is O(n⁵·a) ≈ 1e-7 m.
const N: f64 = F / (2.0 - F);
const ARC_SCALE: f64 = A / (1.0 + N);
const ARC_0: f64 = 1.0 + N * N / 4.0 + N * N * N * N / 64.0;
const ARC_2: f64 = 1.5 * (N - N * N * N / 8.0);
const ARC_4: f64 = 15.0 / 16.0 * (N * N - N * N * N * N / 4.0);
const ARC_6: f64 = 35.0 / 48.0 * N * N * N;
const ARC_8: f64 = 315.0 / 512.0 * N * N * N * N;

/// Meridian arc length from the equator to latitude `lat_deg`, metres (odd, increasing).
///
/// Cost: one `sin_cos` and a few multiplications (~10 ns). Only the tests take it from
/// degrees; the query point's (`meridian_arc_sc`) shares its sine and cosine.
#[cfg(test)]
pub(super) fn meridian_arc_m(lat_deg: f64) -> f64 {
    let phi = lat_deg.to_radians();
    let (s, c) = phi.sin_cos();
    meridian_arc_sc(phi, s, c)
}

/// [`meridian_arc_m`] from φ in radians and its sine and cosine (no trig calls).
pub(super) fn meridian_arc_sc(phi: f64, s: f64, c: f64) -> f64 {
    // sin 2kφ by the double-angle and angle-addition recurrences.
    let s2 = 2.0 * s * c;
    let c2 = c * c - s * s;
    let s4 = 2.0 * s2 * c2;
    let c4 = c2 * c2 - s2 * s2;
    let s6 = s4 * c2 + c4 * s2;
    let s8 = 2.0 * s4 * c4;
    ARC_SCALE * (ARC_0 * phi - ARC_2 * s2 + ARC_4 * s4 - ARC_6 * s6 + ARC_8 * s8)
}

/// sin²β of the reduced latitude β of `lat_deg` (tan β = (1 − f) tan φ). The parallel
/// radius N cos φ equals a cos β = a √(1 − sin²β), and it shrinks as |φ| grows.
pub(super) fn sin2_reduced(lat_deg: f64) -> f64 {
    let (s, c) = lat_deg.to_radians().sin_cos();
    sin2_reduced_sc(s, c)
}

/// [`sin2_reduced`] from sin φ and cos φ.
pub(super) fn sin2_reduced_sc(s: f64, c: f64) -> f64 {
    let t = (1.0 - F) * s;
    (t * t / (c * c + t * t)).min(1.0)
}

/// Meridian and prime-vertical radii of curvature (ρ, N) at latitude `lat_deg`, metres,
/// with cos φ: a velocity (dφ, dλ) in radians is (ρ dφ, N cos φ dλ) metres north, east.
pub(super) fn radii(lat_deg: f64) -> (f64, f64, f64) {
    let (s, c) = lat_deg.to_radians().sin_cos();
    let w2 = 1.0 - E2 * s * s;
    let n = A / w2.sqrt();
    (n * (1.0 - E2) / w2, n, c)
}

/// Earth-centred Cartesian coordinates of a point on the ellipsoid, metres.
pub(super) fn ecef(p: crate::Coord) -> [f64; 3] {
    let (s, c) = p.y.to_radians().sin_cos();
    let (sl, cl) = p.x.to_radians().sin_cos();
    let n = A / (1.0 - E2 * s * s).sqrt();
    [n * c * cl, n * c * sl, n * (1.0 - E2) * s]
}

/// An upper bound on how far the lon/lat-straight segment `a`–`b` strays in space from
/// the straight chord between its ends, metres.
///
/// Why: q(t) = ecef(lerp(a, b, t)) deviates from the chord's point at t by at most
/// t(1 − t)/2 · max|q''| ≤ max|q''| / 8, and q'' = q_φφ Δφ² + 2 q_φλ Δφ Δλ + q_λλ Δλ²
/// with |q_φφ| = √(ρ² + ρ'²) ≤ ρ_max + max|ρ'|, |q_φλ| = ρ |sin φ| and |q_λλ| = N cos φ
/// (the parallel's radius). Smooth everywhere, poles included.
pub(super) fn chord_sag_m(a: crate::Coord, b: crate::Coord) -> f64 {
    let dlat = (b.y - a.y).to_radians().abs();
    let dlon = (b.x - a.x).to_radians().abs();
    let lat_far = a.y.abs().max(b.y.abs());
    let lat_near = if a.y.signum() != b.y.signum() {
        0.0
    } else {
        a.y.abs().min(b.y.abs())
    };
    let r_max = A * (1.0 - sin2_reduced(lat_near)).sqrt();
    let sin_far = lat_far.to_radians().sin().min(1.0);
    let q2 = (RHO_MAX + RHO_SLOPE_MAX) * dlat * dlat
        + 2.0 * RHO_MAX * sin_far * dlat * dlon
        + r_max * dlon * dlon;
    q2 / 8.0
}

/// An upper bound on 1 / cos²(T / 2b), or `None` when no useful bound exists.
///
/// Why: on the auxiliary sphere a geodesic's latitude obeys sin β = sin β_v cos σ, σ
/// being the spherical arc from its vertex (highest point) β_v, and the ellipsoidal length
/// is ≥ b·σ. If a geodesic of length s < T has its vertex between its ends, the nearer end
/// X is within σ ≤ T / 2b of it, so sin β_v = sin β_X / cos σ ≤ sin β_X / cos(T / 2b);
/// otherwise its highest point is an end. Hence sin²β along the whole geodesic is at most
/// (largest sin²β of its ends) × this factor. 1 − x²/2 ≤ cos x makes the bound safe;
/// the argument needs σ < π/2, which x < 1.2 ensures.
pub(super) fn bulge_factor(t_m: f64) -> Option<f64> {
    let x = t_m / (2.0 * B);
    if x.is_nan() || x >= 1.2 {
        return None;
    }
    let den = 1.0 - 0.5 * x * x;
    Some(1.0 / (den * den))
}

/// A lower bound on the parallel radius N cos φ along any geodesic shorter than the `T`
/// that `bulge` was made from, whose ends have sin²β ≤ `s2_top`; 0 when there is none.
pub(super) fn parallel_radius_floor(s2_top: f64, bulge: Option<f64>) -> f64 {
    match bulge {
        Some(k) => A * (1.0 - s2_top * k).max(0.0).sqrt(),
        None => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geographiclib_rs::InverseGeodesic;

    #[test]
    fn quarter_meridian_matches_the_published_wgs84_value() {
        // WGS84 quarter meridian, 10 001 965.7293 m (e.g. NGA TR8350.2, Karney 2011).
        assert!((meridian_arc_m(90.0) - 10_001_965.729_3).abs() < 1e-3);
    }

    #[test]
    fn meridian_arc_matches_geographiclib_along_a_meridian() {
        for i in 0..=180 {
            let lat = -90.0 + i as f64;
            let s: f64 = GEOD.inverse(0.0, 10.0, lat, 10.0);
            let m = meridian_arc_m(lat);
            assert!(
                (m.abs() - s).abs() < 1e-6,
                "lat {lat}: series {m} vs geodesic {s}"
            );
        }
    }

    #[test]
    fn parallel_radius_is_a_cos_beta() {
        for lat in [0.0, 12.5, 31.2, 60.0, 89.0] {
            let (_, n, c) = radii(lat);
            let r = A * (1.0 - sin2_reduced(lat)).sqrt();
            assert!((n * c - r).abs() < 1e-6, "lat {lat}");
        }
    }

    #[test]
    fn chord_sag_bounds_the_sampled_deviation() {
        let cases = [
            ((16.0, 31.0), (16.5, 31.2)),
            ((9.0, 19.0), (25.0, 34.0)),
            ((-10.0, -5.0), (10.0, 5.0)),
            ((0.0, 80.0), (120.0, 89.0)),
            ((-170.0, 60.0), (170.0, 60.0)),
            ((30.0, 0.0), (30.0, 90.0)),
        ];
        for ((ax, ay), (bx, by)) in cases {
            let (a, b) = (crate::Coord { x: ax, y: ay }, crate::Coord { x: bx, y: by });
            let (pa, pb) = (ecef(a), ecef(b));
            let sag = chord_sag_m(a, b);
            let mut worst: f64 = 0.0;
            for i in 0..=1000 {
                let t = i as f64 / 1000.0;
                let q = ecef(crate::Coord {
                    x: ax + t * (bx - ax),
                    y: ay + t * (by - ay),
                });
                let d: f64 = (0..3)
                    .map(|k| (q[k] - (pa[k] + t * (pb[k] - pa[k]))).powi(2))
                    .sum::<f64>();
                worst = worst.max(d.sqrt());
            }
            assert!(worst <= sag, "{a:?}-{b:?}: deviation {worst} > bound {sag}");
            // Not absurdly loose either (within 2x) for the shorter cases.
            if sag < 1e5 {
                assert!(
                    sag < 2.0 * worst + 1e-9,
                    "{a:?}-{b:?}: bound {sag} vs {worst}"
                );
            }
        }
    }

    #[test]
    fn radius_slope_bound_holds() {
        // dρ/dφ by central differences on a fine grid stays under the constant.
        let h = 1e-4;
        for i in 0..900 {
            let lat = i as f64 * 0.1;
            let d = (radii(lat + h).0 - radii(lat - h).0) / (2.0 * h).to_radians();
            assert!(d.abs() < RHO_SLOPE_MAX, "lat {lat}: {d}");
        }
        assert!(radii(90.0).0 <= RHO_MAX && radii(0.0).0 >= RHO_MIN - 1e-6);
    }
}
