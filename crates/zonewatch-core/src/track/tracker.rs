//! The per-unit state machine: (previous state, next report) → transitions.

use std::collections::{BTreeMap, HashMap};

use crate::track::incident::OpenIncident;
use crate::track::quality::{Fix, implied_speed_mps};
use crate::{
    AttributeView, Checker, Confidence, Coord, Event, EventKind, Incident, IncidentEnd, Report,
    RuleIndex, RuleKind, SpeedLimits, Timestamp, Violation, ZoneRef,
};

/// Settings for tracking that are not per rule.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrackOptions {
    /// Per-class maximum speeds for the `suspect` flag.
    pub speed: SpeedLimits,
}

/// What one report changed. Detection returns these; encoding and delivery are elsewhere.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Transition {
    /// The report implies an impossible speed since the unit's previous good report: it
    /// can join an incident but never confirm one, ends none, and moves no zone state.
    Suspect {
        /// The implied speed, metres per second (infinite for two places at one instant).
        speed_mps: f64,
    },
    /// An earlier report of the unit (at `time`), taken as a good fix when it came, turned
    /// out to be the outlier: this report and the one before agree with each other but
    /// not with it. It is now suspect: it can no longer confirm an open incident. (Its
    /// zone events stand.)
    Retracted {
        /// The earlier report's time.
        time: Timestamp,
    },
    /// A new incident opened at this report.
    Opened {
        /// The rule.
        rule: RuleIndex,
        /// The zone (for `stay_in`, the nearest allowed zone).
        zone: ZoneRef,
    },
    /// An incident closed (at or before this report).
    Closed(Incident),
    /// An enter/exit or inside/outside event at this report.
    Event(Event),
}

/// Where one unit stands: open incidents, zone states, its last good fix. Start from
/// `UnitState::default()` and feed the unit's reports to [`Tracker::step`] in time order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitState {
    last_time: Option<Timestamp>,
    last_good: Option<Fix>,
    /// The previous report, when it was suspect.
    last_suspect: Option<Fix>,
    /// Open incidents by (rule, zone); `stay_in` incidents are keyed with no zone.
    open: BTreeMap<(RuleIndex, Option<ZoneRef>), OpenIncident>,
    /// Inside (true) or outside, per (rule, zone) while the rule applies to the unit.
    inside: BTreeMap<(RuleIndex, ZoneRef), bool>,
}

impl UnitState {
    /// Whether any incident is open.
    pub fn has_open_incidents(&self) -> bool {
        !self.open.is_empty()
    }
}

/// A [`Checker`]'s agreement prepared for tracking: per-rule zone lists and unit homes
/// resolved once. Detection is [`step`](Tracker::step), a pure function of the unit's
/// state and its next report (with the checker's verdict on it).
#[derive(Clone, Debug)]
pub struct Tracker<'c> {
    checker: &'c Checker,
    options: TrackOptions,
    unit_by_id: HashMap<&'c str, usize>,
    home: Vec<Option<ZoneRef>>,
    /// Per rule, its listed zones.
    rule_zones: Vec<Vec<ZoneRef>>,
}

impl<'c> Tracker<'c> {
    /// Prepares tracking over `checker`'s agreement.
    pub fn new(checker: &'c Checker, options: TrackOptions) -> Tracker<'c> {
        let agreement = checker.agreement();
        let pos = agreement.zone_positions();
        let zref = |id: &str| ZoneRef(pos[id] as u32);
        let unit_by_id = agreement
            .units()
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.as_str(), i))
            .collect();
        let home = agreement
            .units()
            .iter()
            .map(|u| u.home.as_deref().map(zref))
            .collect();
        let rule_zones = agreement
            .rules()
            .iter()
            .map(|r| match &r.kind {
                RuleKind::KeepOut { zones, .. } | RuleKind::StayIn { zones, .. } => {
                    zones.iter().map(|z| zref(z)).collect()
                }
            })
            .collect();
        Tracker {
            checker,
            options,
            unit_by_id,
            home,
            rule_zones,
        }
    }

    /// The checker tracked over.
    pub fn checker(&self) -> &'c Checker {
        self.checker
    }

    /// The unit's attributes as rules see them at this report (the report's own win).
    pub(crate) fn attributes<'r>(&'r self, report: &'r Report) -> AttributeView<'r> {
        let base = self
            .unit_by_id
            .get(report.unit_id.as_str())
            .map(|&u| self.checker.agreement().units()[u].attributes.view())
            .unwrap_or_default();
        base.overridden_by(report.attributes.view())
    }

    fn home(&self, unit_id: &str) -> Option<ZoneRef> {
        self.unit_by_id.get(unit_id).and_then(|&u| self.home[u])
    }

    /// The zones a rule watches for this unit: its listed zones, plus the unit's home for
    /// a `stay_in "home"` rule.
    pub(crate) fn watched_zones(&self, rule: RuleIndex, unit_id: &str) -> Vec<ZoneRef> {
        let mut zones = self.rule_zones[rule.0 as usize].clone();
        if let RuleKind::StayIn { home: true, .. } =
            self.checker.agreement().rules()[rule.0 as usize].kind
            && let Some(h) = self.home(unit_id)
            && !zones.contains(&h)
        {
            zones.push(h);
        }
        zones
    }

    fn margin(&self, rule: RuleIndex) -> f64 {
        match self.checker.agreement().rules()[rule.0 as usize].kind {
            RuleKind::KeepOut { margin_m, .. } => margin_m,
            RuleKind::StayIn { .. } => 0.0,
        }
    }

    /// Signed depth of `p` for one `keep_out` zone (grown by the rule's margin): positive
    /// inside.
    fn keep_out_depth(&self, rule: RuleIndex, zone: ZoneRef, p: Coord) -> f64 {
        let place = self
            .checker
            .zone_index()
            .zone(zone)
            .place(p, self.margin(rule));
        if place.covered {
            place.edge_m
        } else {
            -place.edge_m
        }
    }

    /// For a `stay_in` rule: whether `p` is inside some allowed zone, and its signed depth
    /// (positive outside: the distance to the nearest allowed zone, named; negative inside:
    /// minus the largest distance to the edge of a covering zone).
    pub(crate) fn stay_in_place(
        &self,
        zones: &[ZoneRef],
        p: Coord,
    ) -> Option<(bool, f64, ZoneRef)> {
        let index = self.checker.zone_index();
        let places = zones.iter().map(|&z| (z, index.zone(z).place(p, 0.0)));
        let inside = places
            .clone()
            .filter(|(_, pl)| pl.covered)
            .max_by(|a, b| a.1.edge_m.total_cmp(&b.1.edge_m));
        if let Some((z, pl)) = inside {
            return Some((true, -pl.edge_m, z));
        }
        places
            .min_by(|a, b| a.1.edge_m.total_cmp(&b.1.edge_m))
            .map(|(z, pl)| (false, pl.edge_m, z))
    }

    /// Advances one unit by its next report, in time order: `violations` are the
    /// checker's flags for that report. Returns what changed, in this order: a `Suspect`
    /// flag, incidents closed by a reporting gap, then per rule (in rule-id order)
    /// incidents closed, incidents opened, and zone events.
    ///
    /// Pure: the same state and report always give the same transitions and next state.
    pub fn step(
        &self,
        state: &mut UnitState,
        report: &Report,
        violations: &[Violation],
    ) -> Vec<Transition> {
        let mut out = Vec::new();
        let t = report.time;
        let p = report.position;
        let rules = self.checker.agreement().rules();
        let attrs = self.attributes(report);

        // 1. Data quality: is the report reachable from the unit's last good fix?
        let fix = Fix {
            time: t,
            position: p,
            accuracy_m: report.accuracy_m,
        };
        let limit = self.options.speed.limit_mps(attrs.class);
        let too_fast = |from: Option<Fix>| {
            from.and_then(|prev| implied_speed_mps(prev, fix))
                .filter(|&v| v > limit)
        };
        let mut speed = too_fast(state.last_good);
        // Two reports in a row that are far from the last good fix but near each other:
        // the "good" fix was the outlier (a glitch as the unit's first report). Start again
        // from here rather than flag the rest of the track.
        if speed.is_some()
            && state.last_suspect.is_some()
            && too_fast(state.last_suspect).is_none()
            && let Some(outlier) = state.last_good
        {
            speed = None;
            for open in state.open.values_mut() {
                open.discredit(outlier.time, outlier.position);
            }
            out.push(Transition::Retracted { time: outlier.time });
        }
        let suspect = speed.is_some();
        if let Some(speed_mps) = speed {
            out.push(Transition::Suspect { speed_mps });
            state.last_suspect = Some(fix);
        } else {
            state.last_good = Some(fix);
            state.last_suspect = None;
        }

        // 2. A silence longer than a rule's max_gap ends that rule's open incidents.
        if let Some(last) = state.last_time {
            let gap = (t.unix_nanos() as i128) - (last.unix_nanos() as i128);
            let expired: Vec<_> = state
                .open
                .keys()
                .filter(|(r, _)| gap > rules[r.0 as usize].options.max_gap.as_nanos() as i128)
                .copied()
                .collect();
            for key in expired {
                self.close(state, key, &report.unit_id, IncidentEnd::Gap, &mut out);
            }
        }
        let first_report = state.last_time.is_none();
        state.last_time = Some(t);

        // 3. Per rule: incidents, then zone events.
        for (i, rule) in rules.iter().enumerate() {
            let ri = RuleIndex(i as u32);
            if !(rule.in_force(t) && rule.covers_unit(&report.unit_id, attrs)) {
                let ended: Vec<_> = state
                    .open
                    .range((ri, None)..)
                    .take_while(|(k, _)| k.0 == ri)
                    .map(|(k, _)| *k)
                    .collect();
                for key in ended {
                    self.close(
                        state,
                        key,
                        &report.unit_id,
                        IncidentEnd::RuleWindow,
                        &mut out,
                    );
                }
                state.inside.retain(|k, _| k.0 != ri);
                continue;
            }
            let flags = violations.iter().filter(|v| v.rule == ri);
            let h = rule.options.hysteresis_m;
            match rule.kind {
                RuleKind::KeepOut { .. } => {
                    for v in flags.clone() {
                        self.add(state, (ri, Some(v.zone)), v, report, suspect, &mut out);
                    }
                    let open: Vec<_> = state
                        .open
                        .range((ri, None)..)
                        .take_while(|(k, _)| k.0 == ri)
                        .map(|(k, _)| *k)
                        .filter(|k| !flags.clone().any(|v| Some(v.zone) == k.1))
                        .collect();
                    for key in open {
                        let zone = key.1.expect("keep_out incidents have a zone");
                        if !suspect {
                            let back = h == 0.0 || self.keep_out_depth(ri, zone, p) <= -h;
                            self.compliant(state, key, back, report, &mut out);
                        }
                    }
                }
                RuleKind::StayIn { .. } => {
                    let key = (ri, None);
                    if let Some(v) = flags.clone().next() {
                        self.add(state, key, v, report, suspect, &mut out);
                    } else if !suspect && state.open.contains_key(&key) {
                        let zones = self.watched_zones(ri, &report.unit_id);
                        let back = h == 0.0
                            || self
                                .stay_in_place(&zones, p)
                                .is_none_or(|(_, s, _)| s <= -h);
                        self.compliant(state, key, back, report, &mut out);
                    }
                }
            }
            if !suspect {
                self.zone_events(state, ri, report, first_report, &mut out);
            }
        }
        out
    }

    /// Closes every open incident of the unit: the end of its data.
    pub fn finish(&self, state: &mut UnitState, unit_id: &str) -> Vec<Incident> {
        let mut out = Vec::new();
        let keys: Vec<_> = state.open.keys().copied().collect();
        for key in keys {
            self.close(state, key, unit_id, IncidentEnd::EndOfData, &mut out);
        }
        out.into_iter()
            .filter_map(|t| match t {
                Transition::Closed(i) => Some(i),
                _ => None,
            })
            .collect()
    }

    /// A compliant report for an open incident; `back` = beyond the rule's hysteresis
    /// distance. The incident ends once the unit has been back for `hysteresis_time`
    /// (at once when that is zero); a report not back restarts the count.
    fn compliant(
        &self,
        state: &mut UnitState,
        key: (RuleIndex, Option<ZoneRef>),
        back: bool,
        report: &Report,
        out: &mut Vec<Transition>,
    ) {
        let Some(open) = state.open.get_mut(&key) else {
            return;
        };
        if !back {
            open.compliant_since = None;
            return;
        }
        let since = *open.compliant_since.get_or_insert(report.time);
        let hold = self.checker.agreement().rules()[key.0.0 as usize]
            .options
            .hysteresis_time;
        let held = (report.time.unix_nanos() as i128) - (since.unix_nanos() as i128);
        if held >= hold.as_nanos() as i128 {
            self.close(state, key, &report.unit_id, IncidentEnd::Compliant, out);
        }
    }

    fn add(
        &self,
        state: &mut UnitState,
        key: (RuleIndex, Option<ZoneRef>),
        v: &Violation,
        report: &Report,
        suspect: bool,
        out: &mut Vec<Transition>,
    ) {
        let open = state.open.entry(key).or_insert_with(|| {
            out.push(Transition::Opened {
                rule: key.0,
                zone: v.zone,
            });
            OpenIncident::new(v.zone)
        });
        // A suspect report never confirms: it joins as a possible flag.
        let confidence = if suspect {
            Confidence::Possible
        } else {
            v.confidence
        };
        open.add(report.time, report.position, confidence, v.depth_m, suspect);
    }

    fn close(
        &self,
        state: &mut UnitState,
        key: (RuleIndex, Option<ZoneRef>),
        unit_id: &str,
        why: IncidentEnd,
        out: &mut Vec<Transition>,
    ) {
        if let Some(open) = state.open.remove(&key) {
            let rule = &self.checker.agreement().rules()[key.0.0 as usize];
            let names = (rule.id.as_str(), self.checker.zone_id(open.zone));
            out.push(Transition::Closed(open.close(
                unit_id,
                key.0,
                names,
                &rule.options,
                why,
            )));
        }
    }

    fn zone_events(
        &self,
        state: &mut UnitState,
        rule: RuleIndex,
        report: &Report,
        first_report: bool,
        out: &mut Vec<Transition>,
    ) {
        let p = report.position;
        let margin = self.margin(rule);
        let zones = self.watched_zones(rule, &report.unit_id);
        let index = self.checker.zone_index();
        let fresh = !state.inside.keys().any(|k| k.0 == rule);
        let mut any_inside = false;
        for &z in &zones {
            let inside = index.zone(z).covers(p, margin);
            any_inside |= inside;
            let kind = match state.inside.insert((rule, z), inside) {
                None if inside && first_report => Some(EventKind::Enter),
                None if inside => Some(EventKind::Inside),
                Some(false) if inside => Some(EventKind::Enter),
                Some(true) if !inside => Some(EventKind::Exit),
                _ => None,
            };
            if let Some(kind) = kind {
                out.push(self.event(kind, rule, z, report));
            }
        }
        let stay_in = matches!(
            self.checker.agreement().rules()[rule.0 as usize].kind,
            RuleKind::StayIn { .. }
        );
        if fresh
            && stay_in
            && !any_inside
            && let Some((_, _, nearest)) = self.stay_in_place(&zones, p)
        {
            out.push(self.event(EventKind::Outside, rule, nearest, report));
        }
    }

    fn event(
        &self,
        kind: EventKind,
        rule: RuleIndex,
        zone: ZoneRef,
        report: &Report,
    ) -> Transition {
        Transition::Event(Event {
            kind,
            unit_id: report.unit_id.clone(),
            rule,
            zone,
            time: report.time,
            position: report.position,
        })
    }
}
