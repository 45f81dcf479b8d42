//! Data quality: reports that imply an impossible speed are `suspect`.

use crate::{Coord, Timestamp, geodesic};

/// The fastest a unit can plausibly move, by equipment class, in metres per second.
///
/// A report is `suspect` when reaching it from the unit's previous good (non-suspect)
/// report would take more than this speed — after both reports' accuracies are allowed
/// for: the implied speed is `(d − a₁ − a₂) / Δt`, so two fuzzy fixes a few hundred metres
/// apart at the same instant are not flagged.
#[derive(Clone, Debug, PartialEq)]
pub struct SpeedLimits {
    /// For classes not listed elsewhere (and units without a class). Default 150 km/h.
    pub ground_mps: f64,
    /// For the classes in `air_classes`. Default 1,000 km/h.
    pub air_mps: f64,
    /// Classes that fly. Default `aircraft`, `drone`, `helicopter`, `uav`.
    pub air_classes: Vec<String>,
    /// Per-class overrides, which win over both defaults.
    pub by_class: Vec<(String, f64)>,
}

impl Default for SpeedLimits {
    fn default() -> Self {
        SpeedLimits {
            ground_mps: 150.0 / 3.6,
            air_mps: 1000.0 / 3.6,
            air_classes: ["aircraft", "drone", "helicopter", "uav"]
                .map(String::from)
                .to_vec(),
            by_class: Vec::new(),
        }
    }
}

impl SpeedLimits {
    /// The limit for a unit of this class, metres per second.
    pub fn limit_mps(&self, class: Option<&str>) -> f64 {
        if let Some(c) = class {
            if let Some((_, v)) = self.by_class.iter().find(|(k, _)| k == c) {
                return *v;
            }
            if self.air_classes.iter().any(|k| k == c) {
                return self.air_mps;
            }
        }
        self.ground_mps
    }
}

/// A position fix as the speed check remembers it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Fix {
    pub(crate) time: Timestamp,
    pub(crate) position: Coord,
    pub(crate) accuracy_m: f64,
}

/// The speed implied by moving from `from` to `to`, metres per second, after allowing for
/// both accuracies; `None` when the move fits inside the accuracies (no evidence of
/// motion). Infinite when the two are at the same instant but apart.
pub(crate) fn implied_speed_mps(from: Fix, to: Fix) -> Option<f64> {
    let d = geodesic::distance_m(from.position, to.position) - from.accuracy_m - to.accuracy_m;
    if d <= 0.0 {
        return None;
    }
    let dt = (to.time.unix_nanos() - from.time.unix_nanos()).unsigned_abs() as f64 * 1e-9;
    Some(if dt == 0.0 { f64::INFINITY } else { d / dt })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(secs: i64, lat: f64, a: f64) -> Fix {
        Fix {
            time: Timestamp::from_unix_seconds(secs).unwrap(),
            position: Coord { x: 16.0, y: lat },
            accuracy_m: a,
        }
    }

    #[test]
    fn speed_along_a_meridian() {
        // 0.1° of latitude at 31°N is about 11.09 km; in one hour that is ~11 km/h.
        let v = implied_speed_mps(fix(0, 31.0, 0.0), fix(3600, 31.1, 0.0)).unwrap();
        assert!((v * 3.6 - 11.09).abs() < 0.05, "{v}");
        // The accuracies absorb the move entirely: no evidence of motion.
        assert_eq!(
            implied_speed_mps(fix(0, 31.0, 6000.0), fix(60, 31.1, 6000.0)),
            None
        );
        // Same instant, apart: infinitely fast.
        assert_eq!(
            implied_speed_mps(fix(0, 31.0, 0.0), fix(0, 31.1, 0.0)),
            Some(f64::INFINITY)
        );
    }

    #[test]
    fn limits_by_class() {
        let mut l = SpeedLimits::default();
        assert!((l.limit_mps(Some("tank")) * 3.6 - 150.0).abs() < 1e-9);
        assert!((l.limit_mps(Some("aircraft")) * 3.6 - 1000.0).abs() < 1e-9);
        assert!((l.limit_mps(None) * 3.6 - 150.0).abs() < 1e-9);
        l.by_class.push(("aircraft".into(), 100.0));
        assert_eq!(l.limit_mps(Some("aircraft")), 100.0);
    }
}
