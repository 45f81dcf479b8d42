//! Incidents: runs of one unit's flags under one rule (and, for `keep_out`, one zone).

use std::fmt;

use crate::{Confidence, Coord, RuleIndex, RuleOptions, Timestamp, ZoneRef};

/// Whether an incident meets its rule's sustained-presence thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IncidentStatus {
    /// Lasted at least `min_duration` and held at least `min_reports` reports.
    Sustained,
    /// Below a threshold: kept, but never `confirmed`.
    Transient,
}

impl IncidentStatus {
    /// `sustained` or `transient`.
    pub fn name(self) -> &'static str {
        match self {
            IncidentStatus::Sustained => "sustained",
            IncidentStatus::Transient => "transient",
        }
    }
}

impl fmt::Display for IncidentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an incident ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IncidentEnd {
    /// A compliant report of the unit (beyond the rule's hysteresis).
    Compliant,
    /// The unit fell silent for longer than the rule's `max_gap`.
    Gap,
    /// The rule stopped applying to the unit (its window closed, or the unit's reported
    /// attributes no longer match).
    RuleWindow,
    /// The data ended while the incident was open.
    EndOfData,
}

impl IncidentEnd {
    /// `compliant`, `gap`, `rule_window` or `end_of_data`.
    pub fn name(self) -> &'static str {
        match self {
            IncidentEnd::Compliant => "compliant",
            IncidentEnd::Gap => "gap",
            IncidentEnd::RuleWindow => "rule_window",
            IncidentEnd::EndOfData => "end_of_data",
        }
    }
}

/// One incident: consecutive flags of one unit under one rule and zone, merged.
///
/// `start` and `end` are the times of the first and last violating reports. For
/// `stay_in`, the incident is per unit and rule, and `zone` is the nearest allowed zone at
/// its start.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    /// Stable id: `unit/rule/zone/start` (reruns over the same reports give the same ids).
    pub id: String,
    /// The unit.
    pub unit_id: String,
    /// The rule.
    pub rule: RuleIndex,
    /// The zone (for `stay_in`, the nearest allowed zone at the start).
    pub zone: ZoneRef,
    /// Time of the first violating report.
    pub start: Timestamp,
    /// Time of the last violating report.
    pub end: Timestamp,
    /// Violating reports merged into the incident (suspect ones included).
    pub reports: u32,
    /// Of those, how many were `suspect` (impossible speed).
    pub suspect_reports: u32,
    /// The deepest signed depth of any of its reports, metres.
    pub max_depth_m: f64,
    /// `Confirmed` iff some non-suspect report was confirmed and the incident is
    /// sustained; else `Possible`.
    pub confidence: Confidence,
    /// Sustained or transient.
    pub status: IncidentStatus,
    /// Why it ended.
    pub ended_by: IncidentEnd,
    /// Positions of its violating reports, in time order (first and last positions are
    /// the ends of this track).
    pub track: Vec<Coord>,
}

impl Incident {
    /// `end − start` in seconds.
    pub fn duration_s(&self) -> f64 {
        (self.end.unix_nanos() - self.start.unix_nanos()) as f64 / 1e9
    }

    /// Where the first violating report was.
    pub fn first_position(&self) -> Coord {
        self.track[0]
    }

    /// Where the last violating report was.
    pub fn last_position(&self) -> Coord {
        self.track[self.track.len() - 1]
    }
}

/// An incident still open: what is known so far.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct OpenIncident {
    pub(crate) zone: ZoneRef,
    pub(crate) start: Timestamp,
    pub(crate) end: Timestamp,
    pub(crate) reports: u32,
    pub(crate) max_depth_m: f64,
    pub(crate) track: Vec<Coord>,
    /// Per report, parallel to `track`: its time, whether it was confirmed, whether it is
    /// suspect (a report can become suspect later: see [`OpenIncident::discredit`]).
    pub(crate) marks: Vec<(Timestamp, bool, bool)>,
    /// The first report of the current run of compliant reports (hysteresis in time).
    pub(crate) compliant_since: Option<Timestamp>,
}

impl OpenIncident {
    pub(crate) fn new(zone: ZoneRef) -> OpenIncident {
        OpenIncident {
            zone,
            start: Timestamp::from_unix_nanos(i64::MAX),
            end: Timestamp::from_unix_nanos(i64::MIN),
            reports: 0,
            max_depth_m: f64::NEG_INFINITY,
            track: Vec::new(),
            marks: Vec::new(),
            compliant_since: None,
        }
    }

    /// Adds one violating report.
    pub(crate) fn add(
        &mut self,
        time: Timestamp,
        position: Coord,
        confidence: Confidence,
        depth_m: f64,
        suspect: bool,
    ) {
        self.start = self.start.min(time);
        self.end = self.end.max(time);
        self.reports += 1;
        self.compliant_since = None;
        self.max_depth_m = self.max_depth_m.max(depth_m);
        self.track.push(position);
        self.marks
            .push((time, confidence == Confidence::Confirmed, suspect));
    }

    /// Marks the report at `time` and `position`, taken as good when it came, as suspect:
    /// it can no longer confirm the incident.
    pub(crate) fn discredit(&mut self, time: Timestamp, position: Coord) {
        for (m, p) in self.marks.iter_mut().zip(&self.track) {
            if m.0 == time && *p == position {
                m.2 = true;
            }
        }
    }

    /// The closed incident, graded by the rule's thresholds.
    pub(crate) fn close(
        self,
        unit_id: &str,
        rule: RuleIndex,
        names: (&str, &str),
        options: &RuleOptions,
        ended_by: IncidentEnd,
    ) -> Incident {
        let duration_ns = (self.end.unix_nanos() as i128) - (self.start.unix_nanos() as i128);
        let sustained = duration_ns >= options.min_duration.as_nanos() as i128
            && self.reports >= options.min_reports;
        let status = if sustained {
            IncidentStatus::Sustained
        } else {
            IncidentStatus::Transient
        };
        let confirmed = self.marks.iter().any(|&(_, c, suspect)| c && !suspect);
        let suspect_reports = self.marks.iter().filter(|m| m.2).count() as u32;
        let confidence = if sustained && confirmed {
            Confidence::Confirmed
        } else {
            Confidence::Possible
        };
        Incident {
            id: incident_id(unit_id, names.0, names.1, self.start),
            unit_id: unit_id.to_string(),
            rule,
            zone: self.zone,
            start: self.start,
            end: self.end,
            reports: self.reports,
            suspect_reports,
            max_depth_m: self.max_depth_m,
            confidence,
            status,
            ended_by,
            track: self.track,
        }
    }
}

/// The readable, stable id of an incident: `unit/rule/zone/start`.
pub fn incident_id(unit_id: &str, rule_id: &str, zone_id: &str, start: Timestamp) -> String {
    format!("{unit_id}/{rule_id}/{zone_id}/{start}")
}
