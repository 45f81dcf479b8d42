//! `zonewatch check --incidents/--events/--compliance`: track units over the run and write
//! what a monitor reports once every report has been checked.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use zonewatch_core::{
    Checker, ComplianceDay, Confidence, IncidentStatus, Report, SpeedLimits, TrackOptions,
    TrackRecorder, Tracker, Tracks, Violation,
};
use zonewatch_io::{
    write_compliance_csv, write_events_ndjson, write_incidents_csv, write_incidents_geojson,
};

use crate::output::Sink;
use crate::report::{Accounting, ReportJob, ViolationSample};

/// Track outputs of `check`. Any of them holds every report in memory, per unit, until the
/// run ends (see docs/tracks.md), and drops exact duplicate reports (counted).
#[derive(Debug, Args)]
pub struct TrackArgs {
    /// Write incidents (merged runs of violations) here: CSV, or GeoJSON LineString tracks
    /// when FILE ends in .geojson or .json.
    #[arg(long, value_name = "FILE")]
    pub incidents: Option<PathBuf>,
    /// Write enter/exit/inside/outside events here, one JSON object per line.
    #[arg(long, value_name = "FILE")]
    pub events: Option<PathBuf>,
    /// Write compliance per UTC date for stay_in rules with a deadline here (CSV).
    #[arg(long, value_name = "FILE")]
    pub compliance: Option<PathBuf>,
    /// Maximum plausible speed of a class, km/h, as CLASS=KMH (repeatable); faster moves
    /// make a report `suspect` [defaults: 150 on the ground; 1000 for aircraft, drone,
    /// helicopter, uav].
    #[arg(long, value_name = "CLASS=KMH", value_parser = parse_speed)]
    pub max_speed: Vec<(String, f64)>,
}

fn parse_speed(s: &str) -> Result<(String, f64), String> {
    let (class, kmh) = s
        .split_once('=')
        .ok_or_else(|| format!("expected CLASS=KMH, like tank=80, not {s:?}"))?;
    let kmh: f64 = kmh
        .trim()
        .parse()
        .map_err(|_| format!("{kmh:?} is not a speed in km/h"))?;
    if !(kmh.is_finite() && kmh > 0.0) {
        return Err(format!(
            "a speed must be a positive number of km/h, not {kmh}"
        ));
    }
    Ok((class.trim().to_string(), kmh))
}

/// Tracking during a run: `None` inside when no track output (nor the HTML report) was
/// asked for, so a plain run keeps its bounded memory.
pub struct Tracking<'c> {
    recorder: Option<TrackRecorder<'c>>,
    /// The violation rows for the HTML report's map (a bounded sample, exact counts).
    sample: Option<ViolationSample>,
}

impl<'c> Tracking<'c> {
    /// `report`: whether the HTML report is wanted (it shows incidents and compliance, so
    /// it needs the recorder too).
    pub fn new(checker: &'c Checker, args: &TrackArgs, report: bool) -> Tracking<'c> {
        let wanted = report
            || args.incidents.is_some()
            || args.events.is_some()
            || args.compliance.is_some();
        let recorder = wanted.then(|| {
            let speed = SpeedLimits {
                by_class: args
                    .max_speed
                    .iter()
                    .map(|(c, kmh)| (c.clone(), kmh / 3.6))
                    .collect(),
                ..SpeedLimits::default()
            };
            TrackRecorder::new(Tracker::new(checker, TrackOptions { speed }))
        });
        Tracking {
            recorder,
            sample: report.then(|| ViolationSample::new(ViolationSample::CAP)),
        }
    }

    /// Whether duplicates are dropped (and the accounting line shows them).
    pub fn active(&self) -> bool {
        self.recorder.is_some()
    }

    /// Drops exact duplicates of reports seen before (in input order); returns how many.
    pub fn drop_duplicates(&mut self, reports: &mut Vec<Report>, lines: &mut Vec<u64>) -> u64 {
        let Some(rec) = self.recorder.as_mut() else {
            return 0;
        };
        let before = rec.duplicates();
        let keep: Vec<bool> = reports.iter().map(|r| rec.admit(r)).collect();
        let mut k = keep.iter();
        reports.retain(|_| *k.next().unwrap_or(&true));
        let mut k = keep.iter();
        lines.retain(|_| *k.next().unwrap_or(&true));
        rec.duplicates() - before
    }

    /// Holds a checked report and its flags.
    /// Whether [`record`](Self::record) keeps anything (tracks or the report's sample).
    pub fn records(&self) -> bool {
        self.recorder.is_some() || self.sample.is_some()
    }

    pub fn record(&mut self, report: &Report, violations: &[Violation]) {
        if let Some(rec) = self.recorder.as_mut() {
            rec.record(report, violations);
        }
        if let Some(sample) = self.sample.as_mut() {
            for v in violations {
                sample.push(report, v);
            }
        }
    }

    /// Replays every unit, writes the asked-for files (and the HTML report, given its job
    /// and the run's final counts), and returns the summary lines.
    pub fn finish(
        self,
        checker: &Checker,
        args: &TrackArgs,
        report: Option<(ReportJob, Accounting)>,
    ) -> Result<String> {
        let Some(rec) = self.recorder else {
            return Ok(String::new());
        };
        let tracks = rec.finish();
        if let (Some((job, accounting)), Some(sample)) = (report, &self.sample) {
            job.write(checker, &accounting, &tracks, sample)?;
        }
        if let Some(path) = &args.incidents {
            let sink = Sink::create(Some(path))?;
            let sink = if is_geojson(path) {
                write_incidents_geojson(sink, &tracks.incidents, checker)
            } else {
                write_incidents_csv(sink, &tracks.incidents, checker)
            }
            .with_context(|| format!("cannot write {}", path.display()))?;
            sink.commit()?;
        }
        if let Some(path) = &args.events {
            write_events_ndjson(Sink::create(Some(path))?, &tracks.events, checker)
                .with_context(|| format!("cannot write {}", path.display()))?
                .commit()?;
        }
        if let Some(path) = &args.compliance {
            write_compliance_csv(Sink::create(Some(path))?, &tracks.compliance, checker)
                .with_context(|| format!("cannot write {}", path.display()))?
                .commit()?;
        }
        Ok(summary(&tracks, checker))
    }
}

fn is_geojson(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"))
}

/// The tracks part of the run summary.
fn summary(tracks: &Tracks, checker: &Checker) -> String {
    let mut s = String::new();
    let sustained = tracks
        .incidents
        .iter()
        .filter(|i| i.status == IncidentStatus::Sustained)
        .count();
    let confirmed = tracks
        .incidents
        .iter()
        .filter(|i| i.confidence == Confidence::Confirmed)
        .count();
    let _ = writeln!(
        s,
        "incidents: {} ({sustained} sustained, {} transient; {confirmed} confirmed)",
        tracks.incidents.len(),
        tracks.incidents.len() - sustained,
    );
    let _ = writeln!(
        s,
        "events: {}; suspect reports (impossible speed): {}",
        tracks.events.len(),
        tracks.suspect_reports
    );
    let mut rules: Vec<_> = tracks.compliance.iter().map(|d| d.rule).collect();
    rules.dedup();
    for rule in rules {
        let days: Vec<&ComplianceDay> = tracks
            .compliance
            .iter()
            .filter(|d| d.rule == rule)
            .collect();
        let deadline = days.iter().find(|d| d.deadline_passed);
        let last = days.last();
        let mut shown = Vec::new();
        for d in [deadline, last].into_iter().flatten() {
            if !shown.contains(&d.day) {
                shown.push(d.day);
                let _ = writeln!(
                    s,
                    "compliance {}: {}",
                    checker.rule_id(rule),
                    compliance_line(d)
                );
            }
        }
    }
    s
}

/// "2021-01-23: 14 of 19 units inside; 5 outside, furthest LAAF-BDE-1 312 km".
pub fn compliance_line(d: &ComplianceDay) -> String {
    let mut line = format!(
        "{}: {} of {} units inside; {} outside",
        d.date(),
        d.inside,
        d.covered_units,
        d.outside
    );
    if let Some((unit, m)) = &d.furthest {
        let _ = write!(line, ", furthest {unit} {:.0} km", m / 1000.0);
    }
    if !d.deadline_passed {
        line.push_str(" (before the deadline)");
    }
    line
}
