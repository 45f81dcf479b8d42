//! Rules: who must keep out of, or stay in, which zones, and when.

use std::time::Duration;

use crate::{AttributeView, Timestamp};

/// One rule of the agreement.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// Unique id; output rows are ordered by it.
    pub id: String,
    /// What the rule demands.
    pub kind: RuleKind,
    /// In force from this instant (inclusive); `None` = always has been.
    pub from: Option<Timestamp>,
    /// In force until this instant (exclusive); `None` = for ever.
    pub until: Option<Timestamp>,
    /// Who the rule covers: every filter present must match.
    pub who: UnitFilter,
    /// Who is exempt: a unit matching every filter present here is not covered.
    /// `None` exempts nobody.
    pub except: Option<UnitFilter>,
    /// How the rule's flags become incidents over time (tracks); the defaults make every
    /// run of flags an incident, as a monitor reading the violation rows would.
    pub options: RuleOptions,
}

/// How a rule's flags are merged into incidents over time (see `docs/tracks.md`).
///
/// The defaults: `max_gap` 6 h, `min_duration` 0, `min_reports` 1, `hysteresis_m` 0,
/// `hysteresis_time` 0 —
/// every incident is `sustained`, and an incident ends at the first compliant report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RuleOptions {
    /// A silence longer than this between two reports of the unit ends an open incident
    /// (at its last violating report); the next flag opens a new one.
    pub max_gap: Duration,
    /// An incident is `sustained` only if it lasts at least this long (end − start).
    pub min_duration: Duration,
    /// ... and holds at least this many violating reports (≥ 1).
    pub min_reports: u32,
    /// Hysteresis: an open incident ends only at a compliant report at least this many
    /// metres on the compliant side (signed depth `s ≤ −hysteresis_m`). Compliant reports
    /// nearer the edge neither end the incident nor count as violating reports.
    pub hysteresis_m: f64,
    /// Hysteresis in time: an open incident ends only once the unit has been back (beyond
    /// `hysteresis_m`) for at least this long — from the first report of an unbroken run
    /// of such reports to the current one. Zero ends it at the first.
    pub hysteresis_time: Duration,
}

impl RuleOptions {
    /// The default `max_gap`: six hours.
    pub const DEFAULT_MAX_GAP: Duration = Duration::from_secs(6 * 3600);
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            max_gap: Self::DEFAULT_MAX_GAP,
            min_duration: Duration::ZERO,
            min_reports: 1,
            hysteresis_m: 0.0,
            hysteresis_time: Duration::ZERO,
        }
    }
}

/// What a rule demands.
#[derive(Clone, Debug, PartialEq)]
pub enum RuleKind {
    /// Keep out of every listed zone, and out of `margin_m` around it.
    KeepOut {
        /// Zone ids.
        zones: Vec<String>,
        /// Extra forbidden distance around each zone, metres (≥ 0).
        margin_m: f64,
    },
    /// Stay inside at least one of the allowed zones.
    StayIn {
        /// Listed zone ids.
        zones: Vec<String>,
        /// Whether each unit's own home zone is allowed too (the word `"home"` in the list).
        home: bool,
    },
}

impl RuleKind {
    /// The name used in files and output: `keep_out` or `stay_in`.
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::KeepOut { .. } => "keep_out",
            RuleKind::StayIn { .. } => "stay_in",
        }
    }
}

/// Selects units by their attributes. Every filter present must match; a filter on an
/// attribute the unit does not have does not match. An empty filter matches everybody.
/// Matching is exact (case-sensitive).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitFilter {
    /// The unit's side is one of these.
    pub sides: Option<Vec<String>>,
    /// The unit's class is one of these.
    pub classes: Option<Vec<String>>,
    /// The unit's role is one of these.
    pub roles: Option<Vec<String>>,
    /// The unit's foreign flag equals this.
    pub foreign: Option<bool>,
    /// The unit's id is one of these.
    pub units: Option<Vec<String>>,
}

impl UnitFilter {
    /// Whether a unit with this id and these attributes matches every filter present.
    pub fn matches(&self, unit_id: &str, attrs: AttributeView<'_>) -> bool {
        fn one_of(list: &Option<Vec<String>>, value: Option<&str>) -> bool {
            match list {
                None => true,
                Some(list) => value.is_some_and(|v| list.iter().any(|x| x == v)),
            }
        }
        one_of(&self.sides, attrs.side)
            && one_of(&self.classes, attrs.class)
            && one_of(&self.roles, attrs.role)
            && one_of(&self.units, Some(unit_id))
            && self.foreign.is_none_or(|f| attrs.foreign == Some(f))
    }
}

impl Rule {
    /// Whether the rule is in force at `time`: `from ≤ time < until`.
    pub fn in_force(&self, time: Timestamp) -> bool {
        self.from.is_none_or(|f| f <= time) && self.until.is_none_or(|u| time < u)
    }

    /// Whether the rule covers a unit: `who` matches and `except` does not.
    pub fn covers_unit(&self, unit_id: &str, attrs: AttributeView<'_>) -> bool {
        self.who.matches(unit_id, attrs)
            && !self
                .except
                .as_ref()
                .is_some_and(|e| e.matches(unit_id, attrs))
    }
}
