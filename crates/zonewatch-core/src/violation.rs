//! Violations: what the checker flags, and how sure it is.

use std::fmt;

/// Index of a rule in its [`Agreement`](crate::Agreement) (rules are kept sorted by id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleIndex(pub u32);

/// Index of a zone in its [`Agreement`](crate::Agreement) or [`ZoneIndex`](crate::ZoneIndex).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ZoneRef(pub u32);

/// How sure a flag is, given the report's accuracy `a` and its signed depth `s`.
///
/// On the violating side, `s ≥ a` is [`Confirmed`](Confidence::Confirmed) and `s < a`
/// [`Possible`](Confidence::Possible); on the compliant side, `|s| < a` is `Possible`
/// (the uncertainty disc reaches across the edge) and anything else is not flagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    /// The uncertainty disc straddles the edge.
    Possible,
    /// The whole uncertainty disc is on the violating side.
    Confirmed,
}

impl Confidence {
    /// `possible` or `confirmed`.
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Possible => "possible",
            Confidence::Confirmed => "confirmed",
        }
    }

    /// The confidence of a flag, or `None` when there is nothing to flag.
    ///
    /// `violating` is the exact side (decided by exact predicates, never by the sign of a
    /// rounded distance); `edge_m` ≥ 0 is the distance to the edge, so the signed depth is
    /// `s = ±edge_m`; `a` is the accuracy. A report on a `keep_out` edge is on the violating
    /// side; on a `stay_in` edge, on the compliant side — the caller decides which.
    pub fn of(violating: bool, edge_m: f64, a: f64) -> Option<Confidence> {
        if violating {
            Some(if edge_m >= a {
                Confidence::Confirmed
            } else {
                Confidence::Possible
            })
        } else if edge_m < a {
            Some(Confidence::Possible)
        } else {
            None
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One flag: a report that violates, or possibly violates, one rule in one zone.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Violation {
    /// The rule.
    pub rule: RuleIndex,
    /// For `keep_out`, the forbidden zone; for `stay_in`, the nearest allowed zone (or,
    /// when the flag comes from the report's accuracy while inside, the covering zone
    /// that sets the depth).
    pub zone: ZoneRef,
    /// How sure.
    pub confidence: Confidence,
    /// Signed depth `s` in metres: positive on the violating side.
    pub depth_m: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_follows_the_design_table() {
        use Confidence::*;
        // Violating side, 50 m deep: 10 m accuracy confirms; 80 m leaves it possible.
        assert_eq!(Confidence::of(true, 50.0, 10.0), Some(Confirmed));
        assert_eq!(Confidence::of(true, 50.0, 80.0), Some(Possible));
        // Compliant side, 5 m from the edge: 10 m accuracy reaches across (possible); 5 m
        // does not (|s| < a is strict).
        assert_eq!(Confidence::of(false, 5.0, 10.0), Some(Possible));
        assert_eq!(Confidence::of(false, 5.0, 5.0), None);
        // On the edge with no accuracy: violating side (keep_out) → confirmed, s = 0 ≥ a = 0;
        // compliant side (stay_in) → nothing.
        assert_eq!(Confidence::of(true, 0.0, 0.0), Some(Confirmed));
        assert_eq!(Confidence::of(false, 0.0, 0.0), None);
        // On the edge with accuracy: possible on either side.
        assert_eq!(Confidence::of(true, 0.0, 3.0), Some(Possible));
        assert_eq!(Confidence::of(false, 0.0, 3.0), Some(Possible));
        // Far on the compliant side: nothing.
        assert_eq!(Confidence::of(false, 1000.0, 0.0), None);
    }
}
