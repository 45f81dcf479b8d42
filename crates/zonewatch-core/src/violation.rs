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

    /// The confidence of a flag with signed depth `s` (positive on the violating side) and
    /// accuracy `a`, or `None` when there is nothing to flag. `on_edge_violates` says which
    /// side `s = 0` is on: true for `keep_out` (a point on the edge is inside the forbidden
    /// region), false for `stay_in` (a point on the edge is inside the allowed zone).
    pub fn of(s: f64, a: f64, on_edge_violates: bool) -> Option<Confidence> {
        let violating = s > 0.0 || (s == 0.0 && on_edge_violates);
        if violating {
            Some(if s >= a {
                Confidence::Confirmed
            } else {
                Confidence::Possible
            })
        } else if s.abs() < a {
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
        // keep_out: inside by 50 m with 10 m accuracy: confirmed; with 80 m: possible.
        assert_eq!(Confidence::of(50.0, 10.0, true), Some(Confirmed));
        assert_eq!(Confidence::of(50.0, 80.0, true), Some(Possible));
        // outside by 5 m with 10 m accuracy: possible; with 5 m accuracy: not flagged.
        assert_eq!(Confidence::of(-5.0, 10.0, true), Some(Possible));
        assert_eq!(Confidence::of(-5.0, 5.0, true), None);
        // exactly on the edge, no accuracy: keep_out violates (confirmed, s = 0 ≥ a = 0);
        // stay_in complies.
        assert_eq!(Confidence::of(0.0, 0.0, true), Some(Confirmed));
        assert_eq!(Confidence::of(0.0, 0.0, false), None);
        // on the edge with accuracy: possible either way.
        assert_eq!(Confidence::of(0.0, 3.0, true), Some(Possible));
        assert_eq!(Confidence::of(0.0, 3.0, false), Some(Possible));
        // far on the compliant side: nothing.
        assert_eq!(Confidence::of(-1000.0, 0.0, false), None);
    }
}
