//! Batch tracking: hold every report per unit, then replay each unit in time order.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;

use crate::track::compliance::{SamplesByRule, compliance_days};
use crate::{
    ComplianceDay, Event, Incident, Report, RuleIndex, RuleKind, Tracker, Transition, UnitState,
    Violation,
};

/// What tracking a whole batch of reports found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tracks {
    /// Incidents, ordered by start, then unit, rule and zone id.
    pub incidents: Vec<Incident>,
    /// Events, ordered by time, then unit; a unit's events at one report in step order.
    pub events: Vec<Event>,
    /// Compliance per `stay_in` rule with a deadline, per UTC date from the first report's
    /// date to the last's.
    pub compliance: Vec<ComplianceDay>,
    /// Reports flagged `suspect` (impossible speed).
    pub suspect_reports: u64,
}

/// Exact-duplicate key: unit, time, position and accuracy, bit for bit.
type DuplicateKey = (String, i64, u64, u64, u64);

struct Held {
    seq: u64,
    report: Report,
    violations: Vec<Violation>,
}

/// Collects checked reports in any order, then tracks each unit in time order.
///
/// Order independence: reports are held per unit and sorted by (time, lon, lat,
/// accuracy) before replay, so the result does not depend on input order or on the
/// number of threads (units are replayed in parallel, results merged in a fixed order).
/// Exact duplicates (same unit, time, position and accuracy) are dropped by
/// [`admit`](Self::admit) and counted.
///
/// Memory: O(all reports admitted) — each held report with its flags, plus one
/// duplicate key per report. A bounded-memory streaming variant (time-sorted input with
/// a reordering window) can feed [`Tracker::step`] directly.
pub struct TrackRecorder<'c> {
    tracker: Tracker<'c>,
    held: HashMap<String, Vec<Held>>,
    seen: HashSet<DuplicateKey>,
    duplicates: u64,
    next_seq: u64,
}

impl<'c> TrackRecorder<'c> {
    /// An empty recorder.
    pub fn new(tracker: Tracker<'c>) -> TrackRecorder<'c> {
        TrackRecorder {
            tracker,
            held: HashMap::new(),
            seen: HashSet::new(),
            duplicates: 0,
            next_seq: 0,
        }
    }

    /// Whether `report` is new; `false` (and counted) for an exact duplicate of a report
    /// admitted before. Call before checking, so duplicates are neither checked nor
    /// written.
    pub fn admit(&mut self, report: &Report) -> bool {
        let key = (
            report.unit_id.clone(),
            report.time.unix_nanos(),
            report.position.x.to_bits(),
            report.position.y.to_bits(),
            report.accuracy_m.to_bits(),
        );
        let new = self.seen.insert(key);
        self.duplicates += u64::from(!new);
        new
    }

    /// Exact duplicates dropped so far.
    pub fn duplicates(&self) -> u64 {
        self.duplicates
    }

    /// Holds a checked report and its flags.
    pub fn record(&mut self, report: &Report, violations: &[Violation]) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.held
            .entry(report.unit_id.clone())
            .or_default()
            .push(Held {
                seq,
                report: report.clone(),
                violations: violations.to_vec(),
            });
    }

    /// Replays every unit in time order and gathers incidents, events and compliance.
    pub fn finish(self) -> Tracks {
        let tracker = &self.tracker;
        let mut units: Vec<(String, Vec<Held>)> = self.held.into_iter().collect();
        units.sort_by(|a, b| a.0.cmp(&b.0));
        let (first_day, last_day) = units
            .iter()
            .flat_map(|(_, h)| h.iter().map(|h| h.report.time.utc_day()))
            .fold((i64::MAX, i64::MIN), |(lo, hi), d| (lo.min(d), hi.max(d)));
        let per_unit: Vec<UnitTracks> = units
            .into_par_iter()
            .map(|(unit, held)| replay(tracker, &unit, held))
            .collect();

        let mut out = Tracks::default();
        let mut samples = SamplesByRule::new();
        for u in per_unit {
            out.incidents.extend(u.incidents);
            out.events.extend(u.events);
            out.suspect_reports += u.suspects;
            for (rule, (deadline, s)) in u.samples {
                samples
                    .entry(rule)
                    .or_insert_with(|| (deadline, BTreeMap::new()))
                    .1
                    .insert(u.unit.clone(), s);
            }
        }
        let checker = tracker.checker();
        out.incidents.sort_by(|a, b| {
            (a.start, &a.unit_id, a.rule, checker.zone_id(a.zone)).cmp(&(
                b.start,
                &b.unit_id,
                b.rule,
                checker.zone_id(b.zone),
            ))
        });
        // Two incidents of one unit, rule and zone starting at the same instant (same-time
        // reports): keep ids unique with a counter.
        for i in 1..out.incidents.len() {
            let (before, rest) = out.incidents.split_at_mut(i);
            if let Some(prev) = before.last()
                && prev.id.split('#').next() == Some(rest[0].id.as_str())
            {
                let n = prev
                    .id
                    .rsplit_once('#')
                    .and_then(|(_, n)| n.parse::<u32>().ok())
                    .unwrap_or(1);
                rest[0].id = format!("{}#{}", rest[0].id, n + 1);
            }
        }
        out.events
            .sort_by(|a, b| (a.time, &a.unit_id).cmp(&(b.time, &b.unit_id)));
        if first_day <= last_day {
            out.compliance = compliance_days(&samples, first_day, last_day);
        }
        out
    }
}

struct UnitTracks {
    unit: String,
    incidents: Vec<Incident>,
    events: Vec<Event>,
    suspects: u64,
    samples: BTreeMap<RuleIndex, (crate::Timestamp, crate::track::compliance::Samples)>,
}

fn replay(tracker: &Tracker<'_>, unit: &str, mut held: Vec<Held>) -> UnitTracks {
    held.sort_by(|a, b| {
        let (p, q) = (&a.report, &b.report);
        p.time
            .cmp(&q.time)
            .then(p.position.x.total_cmp(&q.position.x))
            .then(p.position.y.total_cmp(&q.position.y))
            .then(p.accuracy_m.total_cmp(&q.accuracy_m))
            .then(a.seq.cmp(&b.seq))
    });
    let rules = tracker.checker().agreement().rules();
    let mut state = UnitState::default();
    let mut out = UnitTracks {
        unit: unit.to_string(),
        incidents: Vec::new(),
        events: Vec::new(),
        suspects: 0,
        samples: BTreeMap::new(),
    };
    for h in &held {
        let mut suspect = false;
        for t in tracker.step(&mut state, &h.report, &h.violations) {
            match t {
                Transition::Suspect { .. } => suspect = true,
                Transition::Retracted { .. } => out.suspects += 1,
                Transition::Closed(i) => out.incidents.push(i),
                Transition::Event(e) => out.events.push(e),
                _ => {}
            }
        }
        out.suspects += u64::from(suspect);
        if suspect {
            continue;
        }
        // Compliance samples: stay_in rules with a deadline that cover the unit (in force
        // or not: the table shows before and after the deadline).
        let attrs = tracker.attributes(&h.report);
        for (i, rule) in rules.iter().enumerate() {
            let (RuleKind::StayIn { .. }, Some(deadline)) = (&rule.kind, rule.from) else {
                continue;
            };
            if !rule.covers_unit(unit, attrs) {
                continue;
            }
            let ri = RuleIndex(i as u32);
            let zones = tracker.watched_zones(ri, unit);
            if let Some((inside, s, _)) = tracker.stay_in_place(&zones, h.report.position) {
                out.samples
                    .entry(ri)
                    .or_insert_with(|| (deadline, Vec::new()))
                    .1
                    .push((h.report.time, (!inside).then_some(s)));
            }
        }
    }
    out.incidents.extend(tracker.finish(&mut state, unit));
    out
}
