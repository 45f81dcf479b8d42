//! Geodesics up to [`SHORT_MAX_M`] long from their chords: a distance in ~50 ns instead
//! of a Karney inverse solution (~700 ns), within 10 nm of it up to 100 km, 0.2 µm up to
//! 300 km and 5 µm up to 600 km (measured against geographiclib, itself ~15 nm; the
//! tests hold these bounds with margin).
//!
//! Why it works: a geodesic has no geodesic curvature, so its curvature in space is the
//! surface's normal curvature in its direction, κ = cos²α / M + sin²α / N (Euler; α the
//! azimuth, M and N the meridian and prime-vertical radii). An arc of constant curvature
//! κ over a chord c is s = (2/κ)·asin(κc/2); along a geodesic κ drifts by a relative
//! O(e²·s/a), and an effective κ from the normal curvatures at the ends and under the
//! chord's midpoint (in the chord's direction) takes the drift into account to second
//! order ([`arc_from_chord`]). The chord itself is exact (Cartesian coordinates).
//! What remains grows like e²·s⁵/a⁴.

use super::ellipsoid::{A, E2};

/// Longest chord handled here, metres (the error grows like its fifth power).
pub(super) const SHORT_MAX_M: f64 = 600_000.0;
/// Chords up to this length take the one-curvature form of [`arc_from_chord`], metres.
const NEAR_M: f64 = 50_000.0;
/// Largest |latitude| handled here, degrees (the azimuth frame degenerates at the poles).
pub(super) const SHORT_MAX_LAT: f64 = 89.0;

/// A point in the form the short formula needs: Cartesian position (metres) and unit
/// outward normal.
#[derive(Clone, Copy, Debug)]
pub(super) struct Place {
    pub(super) x: [f64; 3],
    pub(super) n: [f64; 3],
}

impl Place {
    /// From sin/cos of the latitude and longitude.
    pub(super) fn from_sc(sin_lat: f64, cos_lat: f64, sin_lon: f64, cos_lon: f64) -> Place {
        let nu = A / (1.0 - E2 * sin_lat * sin_lat).sqrt();
        let n = [cos_lat * cos_lon, cos_lat * sin_lon, sin_lat];
        Place {
            x: [nu * n[0], nu * n[1], nu * (1.0 - E2) * sin_lat],
            n,
        }
    }

    /// From latitude and longitude in degrees.
    pub(super) fn new(lat_deg: f64, lon_deg: f64) -> Place {
        let (s, c) = lat_deg.to_radians().sin_cos();
        let (sl, cl) = lon_deg.to_radians().sin_cos();
        Place::from_sc(s, c, sl, cl)
    }
}

/// The normal curvature of the ellipsoid at the point with (not necessarily unit) normal
/// `n`, in the direction of `d` projected on its tangent plane, 1/metres: Euler's
/// cos²α / M + sin²α / N with 1/M = W³ / (a(1 − e²)), 1/N = W / a, W² = 1 − e² sin²φ.
fn normal_curvature(n: [f64; 3], d: [f64; 3]) -> f64 {
    // Two divisions, not five (by nn once, by the constants as products): a probe takes
    // up to three of these, and the divider is the slow part of its arithmetic.
    const INV_A: f64 = 1.0 / A;
    const INV_1_E2: f64 = 1.0 / (1.0 - E2);
    let nn = n[0] * n[0] + n[1] * n[1] + n[2] * n[2];
    let inv_nn = 1.0 / nn;
    let sin2 = n[2] * n[2] * inv_nn;
    let dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    let dn = d[0] * n[0] + d[1] * n[1] + d[2] * n[2];
    let tangent2 = dd - dn * dn * inv_nn;
    // north = (−sinφ cosλ, −sinφ sinλ, cosφ) = (−n_z n_x, −n_z n_y, h²) / (h |n|) with
    // h² = n_x² + n_y²; `north` below is d · north scaled by h |n| (no divisions).
    let h2 = n[0] * n[0] + n[1] * n[1];
    let north = -n[2] * (d[0] * n[0] + d[1] * n[1]) + h2 * d[2];
    let cos2_az = if tangent2 > 0.0 {
        (north * north / (h2 * nn * tangent2)).min(1.0)
    } else {
        0.0
    };
    let w2 = 1.0 - E2 * sin2;
    (cos2_az * w2 * INV_1_E2 + (1.0 - cos2_az)) * w2.sqrt() * INV_A
}

/// The (unnormalised) surface normal under the chord's midpoint: the normal of the
/// ellipsoid point whose normal line passes through it, i.e. the geodetic latitude of a
/// point h ≈ −c²/8R below the surface, by one fixed-point step from the surface's
/// tan φ = z / ((1 − e²) p): tan φ = z / (p (1 − e² N / (N + h))). One step leaves an
/// error of O(e²·(h/N)²) in tan φ, 1e-13 at 600 km; the arc's midpoint lies under the
/// chord's to O(e²·c³/a²). (The sum of the ends' normals is off by O(e²·c²/a²), which
/// cost 15 µm at 500 km.)
fn midpoint_normal(p: &Place, q: &Place) -> [f64; 3] {
    const INV_1_E2: f64 = 1.0 / (1.0 - E2);
    let mid: [f64; 3] = std::array::from_fn(|k| 0.5 * (p.x[k] + q.x[k]));
    let r = (mid[0] * mid[0] + mid[1] * mid[1]).sqrt();
    // One division by r (products after it): only the direction of the result counts.
    let inv_r = 1.0 / r;
    let t0 = mid[2] * inv_r * INV_1_E2;
    let sec2 = 1.0 + t0 * t0;
    let n0 = A / (1.0 - E2 * t0 * t0 / sec2).sqrt();
    let h = r * sec2.sqrt() - n0;
    let t1 = mid[2] * inv_r / (1.0 - E2 * n0 / (n0 + h));
    // (cos λ, sin λ, tan φ) ∝ (cos φ cos λ, cos φ sin λ, sin φ).
    [mid[0] * inv_r, mid[1] * inv_r, t1]
}

/// The geodesic distance from `p` to `q` and its derivative with respect to the chord
/// length, (s, ds/dc), given the chord `d` = q − p and its length `c` (> 0, ≤
/// [`SHORT_MAX_M`]). Both points below [`SHORT_MAX_LAT`].
///
/// Beyond [`NEAR_M`] the curvature is the arc's effective one, from the normal
/// curvatures κ_p, κ_m, κ_q in the chord's direction at the ends and under the chord's
/// midpoint ([`midpoint_normal`]): for κ(u) = κ_m + κ₁u + κ₂u² along an arc of length s, the chord falls short
/// of the arc by s³/24 · (κ_m² + κ_m κ₂ s²/10 + κ₁² s²/60) to this order, and
/// κ₂ s² = 2(κ_p + κ_q − 2κ_m), κ₁ s = κ_q − κ_p.
pub(super) fn arc_from_chord(p: &Place, q: &Place, d: [f64; 3], c: f64) -> (f64, f64) {
    if c <= NEAR_M {
        // Short enough that κ's drift is below 10 nm: the curvature under the midpoint
        // (normal: the sum of the ends') alone.
        let m = [p.n[0] + q.n[0], p.n[1] + q.n[1], p.n[2] + q.n[2]];
        let x = 0.5 * normal_curvature(m, d) * c;
        return arc_of_circle(c, x * x);
    }
    let m = midpoint_normal(p, q);
    let (kp, km, kq) = (
        normal_curvature(p.n, d),
        normal_curvature(m, d),
        normal_curvature(q.n, d),
    );
    let k2 = km * km + km * (kp + kq - 2.0 * km) * 0.2 + (kq - kp) * (kq - kp) * (1.0 / 60.0);
    arc_of_circle(c, 0.25 * k2 * c * c)
}

/// The arc of a circle over chord `c` and its derivative, (s, ds/dc), given x² = (κc/2)²:
/// s = c·asin(x)/x and ds/dc = 1/√(1 − x²) by their series in x² (for κ const). Within
/// reach x ≤ 0.05, where the first term left out (63x¹⁰/2816 of s) is below 1e-9 m.
fn arc_of_circle(c: f64, x2: f64) -> (f64, f64) {
    let s = 1.0 + x2 * (1.0 / 6.0 + x2 * (3.0 / 40.0 + x2 * (5.0 / 112.0 + x2 * (35.0 / 1152.0))));
    let ds = 1.0 + x2 * (0.5 + x2 * (3.0 / 8.0 + x2 * (5.0 / 16.0 + x2 * (35.0 / 128.0))));
    (c * s, ds)
}

/// The distance between two points when they are within reach of the short formula
/// (chord ≤ [`SHORT_MAX_M`], both below [`SHORT_MAX_LAT`]), else `None`.
pub(super) fn short_distance_m(a_lat: f64, a_lon: f64, b_lat: f64, b_lon: f64) -> Option<f64> {
    if b_lat.is_nan() || b_lat.abs() > SHORT_MAX_LAT {
        return None;
    }
    short_distance_to_m(a_lat, a_lon, &Place::new(b_lat, b_lon))
}

/// [`short_distance_m`] to a point whose [`Place`] is at hand (and below
/// [`SHORT_MAX_LAT`]): the same value.
pub(super) fn short_distance_to_m(a_lat: f64, a_lon: f64, q: &Place) -> Option<f64> {
    if a_lat.is_nan() || a_lat.abs() > SHORT_MAX_LAT {
        return None;
    }
    short_distance_between_m(&Place::new(a_lat, a_lon), q)
}

/// [`short_distance_to_m`] from the [`Place`] of a point below [`SHORT_MAX_LAT`].
pub(super) fn short_distance_between_m(p: &Place, q: &Place) -> Option<f64> {
    let d = [q.x[0] - p.x[0], q.x[1] - p.x[1], q.x[2] - p.x[2]];
    let c = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
    if c == 0.0 {
        return Some(0.0);
    }
    (c <= SHORT_MAX_M).then(|| arc_from_chord(p, q, d, c).0)
}

#[cfg(test)]
mod tests {
    use super::super::ellipsoid::GEOD;
    use super::*;
    use geographiclib_rs::{DirectGeodesic, InverseGeodesic};
    use proptest::prelude::*;

    fn karney(a_lat: f64, a_lon: f64, b_lat: f64, b_lon: f64) -> f64 {
        GEOD.inverse(a_lat, a_lon, b_lat, b_lon)
    }

    /// The point `dist` metres from (lat, lon) at azimuth `azi` (geographiclib's direct
    /// problem), and the short formula's distance back to it (`None` when out of reach:
    /// past 89° of latitude).
    fn there_and_back(lat: f64, lon: f64, azi: f64, dist: f64) -> Option<(f64, f64, f64)> {
        let (lat2, lon2): (f64, f64) = GEOD.direct(lat, lon, azi, dist);
        let s = short_distance_m(lat, lon, lat2, lon2)?;
        Some((lat2, lon2, s))
    }

    #[test]
    fn worst_error_by_distance_against_geographiclib() {
        // 20 000 random pairs a band (fixed seed), latitudes to ±85°; the bands' worst
        // errors are what the module documents (measured 3.7 nm, 7.9 nm, 0.16 µm, 4.7 µm).
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        for (max, tol) in [
            (10_000.0, 2e-8),
            (100_000.0, 2e-8),
            (300_000.0, 1e-6),
            (SHORT_MAX_M * 0.999, 1e-5),
        ] {
            let mut worst: f64 = 0.0;
            for _ in 0..20_000 {
                let (lat, lon) = (-85.0 + 170.0 * next(), -180.0 + 360.0 * next());
                let (azi, dist) = (360.0 * next(), max * next());
                let Some((lat2, lon2, s)) = there_and_back(lat, lon, azi, dist) else {
                    assert!(lat.abs() > 80.0, "{lat} {lon} {azi} {dist}: out of reach");
                    continue;
                };
                worst = worst.max((s - karney(lat, lon, lat2, lon2)).abs());
            }
            eprintln!("up to {max} m: worst |short - karney| = {worst:e} m");
            assert!(worst < tol, "up to {max} m: {worst} m");
        }
    }

    #[test]
    fn reach_is_by_chord_and_latitude() {
        assert_eq!(short_distance_m(31.0, 16.0, 31.0, 16.0), Some(0.0));
        // 1° of longitude at 31° N is ~95 km: in reach, and 6° (~573 km); 7° is not.
        assert!(short_distance_m(31.0, 16.0, 31.0, 17.0).is_some());
        assert!(short_distance_m(31.0, 16.0, 31.0, 22.0).is_some());
        assert!(short_distance_m(31.0, 16.0, 31.0, 23.0).is_none());
        assert!(short_distance_m(89.5, 0.0, 89.4, 0.0).is_none());
        assert!(short_distance_m(f64::NAN, 0.0, 0.0, 0.0).is_none());
    }

    proptest! {
        #[test]
        fn short_formula_matches_geographiclib_near_the_sirte_front(
            lat in 25.0f64..35.0,
            lon in 10.0f64..25.0,
            azi in 0.0f64..360.0,
            dist in 0.0f64..60_000.0,
        ) {
            let (lat2, lon2, s) = there_and_back(lat, lon, azi, dist).expect("within reach");
            let k = karney(lat, lon, lat2, lon2);
            prop_assert!((s - k).abs() < 2e-8, "{s} vs {k}");
        }

        #[test]
        fn short_formula_matches_geographiclib_anywhere(
            lat in -88.0f64..88.0,
            lon in -180.0f64..180.0,
            azi in 0.0f64..360.0,
            dist in 0.0f64..290_000.0,
        ) {
            let (lat2, lon2): (f64, f64) = GEOD.direct(lat, lon, azi, dist);
            if let Some(s) = short_distance_m(lat, lon, lat2, lon2) {
                let k = karney(lat, lon, lat2, lon2);
                prop_assert!((s - k).abs() < 2e-6, "{s} vs {k}");
            }
        }
    }
}
