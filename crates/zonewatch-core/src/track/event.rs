//! Events: a unit's state changes with respect to one zone under one rule.

use std::fmt;

use crate::{Coord, RuleIndex, Timestamp, ZoneRef};

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventKind {
    /// Outside → inside at this report; or the unit's very first report is inside.
    Enter,
    /// Inside → outside at this report.
    Exit,
    /// The rule started applying to the unit (its window opened, or the unit became
    /// covered) while the unit was already inside the zone: a state, not a crossing.
    Inside,
    /// `stay_in` only: the rule started applying while the unit was outside every allowed
    /// zone (`zone` is the nearest one).
    Outside,
}

impl EventKind {
    /// `enter`, `exit`, `inside` or `outside`.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Enter => "enter",
            EventKind::Exit => "exit",
            EventKind::Inside => "inside",
            EventKind::Outside => "outside",
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One event, at one report.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// What happened.
    pub kind: EventKind,
    /// The unit.
    pub unit_id: String,
    /// The rule under which the zone is watched.
    pub rule: RuleIndex,
    /// The zone (for a `keep_out` rule, grown by its margin).
    pub zone: ZoneRef,
    /// The report's time.
    pub time: Timestamp,
    /// The report's position.
    pub position: Coord,
}
