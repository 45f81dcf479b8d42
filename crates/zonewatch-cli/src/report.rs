//! `zonewatch check --report FILE.html`: one self-contained HTML page — the zones by role
//! over an outline of Libya, the violating reports by confidence, the incidents as tracks
//! and in a table by severity, compliance over time per deadline rule, and the run's
//! accounting with every input's SHA-256. See docs/report.md.
//!
//! The page is a template (`assets/report.html`) with its stylesheet, script and one JSON
//! object inlined; it asks for nothing over the network. The JSON is built here; the
//! drawing is hand-written canvas code in `assets/report.js`.

mod points;
mod zones;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use zonewatch_core::{Checker, Confidence, Coord, Incident, IncidentStatus, Tracks};
use zonewatch_io::{ZoneRole, confidence_color, incident_style, zone_roles};

use crate::args::CheckArgs;
use crate::inputs::{Input, InputDigest, InputFile, LoadedAgreement, Provenance};
use crate::output::Sink;

pub use points::ViolationSample;

const TEMPLATE: &str = include_str!("../assets/report.html");
const STYLE: &str = include_str!("../assets/report.css");
const SCRIPT: &str = include_str!("../assets/report.js");
/// Natural Earth's Libya (public domain), the map's background; see data/ne_libya.SOURCE.md.
const OUTLINE: &str = include_str!("../../../data/ne_libya.geojson");

/// Incidents embedded at most, the most severe first (all are counted; the page says when
/// some are left out).
const INCIDENT_CAP: usize = 10_000;
/// Positions per incident track embedded at most (first and last always kept).
const TRACK_POINTS_CAP: usize = 100;
/// Positions of all embedded tracks together at most: past it, an incident's track is its
/// first and last positions only (the page draws fewer than this anyway).
const TRACK_POINTS_BUDGET: usize = 100_000;

/// The counts of a run, as its `read = checked + rejected + duplicates` line gives them.
pub struct Accounting {
    pub read: u64,
    pub checked: u64,
    pub rejected: u64,
    pub duplicates: u64,
}

/// What a report needs besides the tracks: where to write it, the agreement's files and
/// zone categories, and the report inputs' digests (computed while they stream).
pub struct ReportJob {
    path: PathBuf,
    provenance: Provenance,
    digests: Vec<(String, InputDigest)>,
}

impl ReportJob {
    /// Fails when `path` is stdout (`-`) or names the same file as another output of the
    /// run: one of the two would silently replace the other.
    pub fn new(path: &Path, loaded: &LoadedAgreement, args: &CheckArgs) -> Result<ReportJob> {
        if path == Path::new("-") {
            bail!("--report writes a file, not stdout: name one, like --report report.html");
        }
        // The files need not exist yet: resolve the directory, keep the name.
        let real = |p: &Path| {
            let dir = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            match (fs::canonicalize(dir), p.file_name()) {
                (Ok(dir), Some(name)) => dir.join(name),
                _ => p.to_path_buf(),
            }
        };
        let others = [
            ("--output", args.output.as_deref()),
            ("--rejects", args.input.rejects.as_deref()),
            ("--incidents", args.tracks.incidents.as_deref()),
            ("--events", args.tracks.events.as_deref()),
            ("--compliance", args.tracks.compliance.as_deref()),
        ];
        for (flag, other) in others {
            if let Some(other) = other
                && real(other) == real(path)
            {
                bail!(
                    "--report and {flag} are both {}: name two files",
                    path.display()
                );
            }
        }
        let provenance = loaded
            .provenance
            .clone()
            .context("internal error: the agreement was loaded without its provenance")?;
        Ok(ReportJob {
            path: path.to_path_buf(),
            provenance,
            digests: Vec::new(),
        })
    }

    /// Keeps a handle on each input's digest, before the inputs are consumed.
    pub fn watch(&mut self, inputs: &[Input]) {
        self.digests = inputs
            .iter()
            .map(|i| (i.name.clone(), i.digest.clone()))
            .collect();
    }

    /// Writes the page.
    pub fn write(
        self,
        checker: &Checker,
        accounting: &Accounting,
        tracks: &Tracks,
        sample: &ViolationSample,
    ) -> Result<()> {
        let mut files = self.provenance.files;
        for (name, digest) in &self.digests {
            files.push(digest.finish(name)?);
        }
        let roles = zone_roles(checker.agreement(), &self.provenance.categories);
        let model = model(checker, accounting, tracks, sample, &files, &roles)?;
        let html = page(&model)?;
        let mut sink = Sink::create(Some(&self.path))?;
        sink.write_all(html.as_bytes())
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        sink.commit()
    }
}

/// The page: the template with its style, script and data inlined.
fn page(model: &Value) -> Result<String> {
    // `</` may only appear inside JSON strings, where `<\/` means the same: the data can
    // then never close its <script> element early, whatever the zone names say.
    let data = serde_json::to_string(model)?.replace("</", "<\\/");
    let title = model["title"].as_str().unwrap_or("zonewatch report");
    Ok(fill(
        TEMPLATE,
        &[
            ("{{TITLE}}", &html_escape(title)),
            ("/*{{STYLE}}*/", STYLE),
            ("{{DATA}}", &data),
            ("/*{{SCRIPT}}*/", SCRIPT),
        ],
    ))
}

/// The template with each marker replaced, in one pass over the template only: text put
/// in (a zone name, say) is never searched for markers.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some((at, marker, value)) = values
        .iter()
        .filter_map(|(m, v)| rest.find(m).map(|at| (at, *m, *v)))
        .min_by_key(|(at, _, _)| *at)
    {
        out.push_str(&rest[..at]);
        out.push_str(value);
        rest = &rest[at + marker.len()..];
    }
    out.push_str(rest);
    out
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Rounds to 5 decimals (about 1 m): enough to draw, a third of the text.
fn round5(x: f64) -> f64 {
    (x * 1e5).round() / 1e5
}

fn seconds(t: zonewatch_core::Timestamp) -> i64 {
    t.unix_nanos().div_euclid(1_000_000_000)
}

fn flat(coords: impl IntoIterator<Item = Coord>) -> Vec<f64> {
    coords
        .into_iter()
        .flat_map(|c| [round5(c.x), round5(c.y)])
        .collect()
}

/// At most `cap` of `track`'s positions, evenly spaced, the first and last included.
fn thin_track(track: &[Coord], cap: usize) -> Vec<Coord> {
    if track.len() <= cap {
        return track.to_vec();
    }
    let last = track.len() - 1;
    (0..cap).map(|i| track[i * last / (cap - 1)]).collect()
}

fn model(
    checker: &Checker,
    accounting: &Accounting,
    tracks: &Tracks,
    sample: &ViolationSample,
    files: &[InputFile],
    roles: &[ZoneRole],
) -> Result<Value> {
    let agreement = checker.agreement();
    let rules: Vec<Value> = agreement
        .rules()
        .iter()
        .map(|r| json!({"id": r.id, "kind": r.kind.name()}))
        .collect();
    let role_styles: serde_json::Map<String, Value> = ZoneRole::ALL
        .iter()
        .map(|role| {
            let s = role.style();
            (
                role.name().to_string(),
                json!({"stroke": s.stroke, "strokeWidth": s.stroke_width,
                       "fill": s.fill, "fillOpacity": s.fill_opacity}),
            )
        })
        .collect();
    let incident_styles: serde_json::Map<String, Value> =
        [IncidentStatus::Sustained, IncidentStatus::Transient]
            .iter()
            .flat_map(|&status| {
                [Confidence::Confirmed, Confidence::Possible].map(|c| {
            let s = incident_style(status, c);
            (
                format!("{}/{}", status.name(), c.name()),
                json!({"stroke": s.stroke, "width": s.stroke_width, "opacity": s.stroke_opacity}),
            )
        })
            })
            .collect();

    let t0 = sample.time.iter().copied().min().unwrap_or(0);
    let points = json!({
        "total": sample.rows,
        "confirmed": sample.confirmed,
        "held": sample.held(),
        "t0": t0,
        // Columns: 1e-5 degrees as integers, seconds after t0, 1 = confirmed, rule index.
        "lon": sample.lon.iter().map(|x| (x * 1e5).round() as i64).collect::<Vec<_>>(),
        "lat": sample.lat.iter().map(|y| (y * 1e5).round() as i64).collect::<Vec<_>>(),
        "t": sample.time.iter().map(|t| t - t0).collect::<Vec<_>>(),
        "c": sample.confirmed_flag.iter().map(|&c| u8::from(c)).collect::<Vec<_>>(),
        "rule": sample.rule,
    });

    let mut budget = TRACK_POINTS_BUDGET;
    let incidents: Vec<Value> = by_severity(&tracks.incidents)
        .into_iter()
        .take(INCIDENT_CAP)
        .map(|i| {
            let cap = TRACK_POINTS_CAP.min(budget).max(2);
            let track = thin_track(&i.track, cap);
            budget = budget.saturating_sub(track.len());
            incident(checker, i, track)
        })
        .collect();

    let mut compliance: Vec<Value> = Vec::new();
    for day in &tracks.compliance {
        let rule = checker.rule_id(day.rule);
        if compliance.last().is_none_or(|c| c["rule"] != rule) {
            compliance.push(json!({"rule": rule, "days": []}));
        }
        let (unit, metres) = match &day.furthest {
            Some((u, m)) => (Value::from(u.as_str()), Value::from(m.round())),
            None => (Value::Null, Value::Null),
        };
        if let Some(Value::Array(days)) = compliance.last_mut().map(|c| &mut c["days"]) {
            days.push(json!([
                day.date(),
                day.covered_units,
                day.inside,
                day.outside,
                u8::from(day.deadline_passed),
                unit,
                metres
            ]));
        }
    }

    let outline: Value = serde_json::from_str(OUTLINE).context("the embedded Libya outline")?;
    let outline: Vec<Value> = outline["features"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["geometry"].clone())
        .collect();

    Ok(json!({
        "title": "zonewatch report",
        "version": env!("CARGO_PKG_VERSION"),
        "accounting": {
            "read": accounting.read,
            "checked": accounting.checked,
            "rejected": accounting.rejected,
            "duplicates": accounting.duplicates,
            "violations": sample.rows,
            "confirmed": sample.confirmed,
            "possible": sample.rows - sample.confirmed,
            "incidents": tracks.incidents.len(),
            "events": tracks.events.len(),
            "suspect": tracks.suspect_reports,
        },
        "inputs": files.iter().map(|f| json!({
            "role": f.role, "name": f.name, "bytes": f.bytes, "sha256": f.sha256,
            "complete": f.complete,
        })).collect::<Vec<_>>(),
        "style": {
            "roles": role_styles,
            "confidence": {
                "confirmed": confidence_color(Confidence::Confirmed),
                "possible": confidence_color(Confidence::Possible),
            },
            "incidents": incident_styles,
        },
        "rules": rules,
        "zones": zones::zones(agreement, roles),
        "outline": outline,
        "points": points,
        "incidents": incidents,
        "incidentsTotal": tracks.incidents.len(),
        "compliance": compliance,
    }))
}

/// The incidents by severity, as the page's table lists them: confirmed first, then the
/// deepest, then the longest; ties by id.
fn by_severity(incidents: &[Incident]) -> Vec<&Incident> {
    let mut sorted: Vec<&Incident> = incidents.iter().collect();
    sorted.sort_by(|a, b| {
        let confirmed = |i: &Incident| i.confidence != Confidence::Confirmed;
        confirmed(a)
            .cmp(&confirmed(b))
            .then(b.max_depth_m.total_cmp(&a.max_depth_m))
            .then(b.duration_s().total_cmp(&a.duration_s()))
            .then_with(|| a.id.cmp(&b.id))
    });
    sorted
}

fn incident(checker: &Checker, i: &Incident, track: Vec<Coord>) -> Value {
    json!({
        "id": i.id,
        "unit": i.unit_id,
        "rule": checker.rule_id(i.rule),
        "zone": checker.zone_id(i.zone),
        "start": seconds(i.start),
        "end": seconds(i.end),
        "duration": i.duration_s(),
        "reports": i.reports,
        "suspect": i.suspect_reports,
        "depth": i.max_depth_m.round(),
        "confidence": i.confidence.name(),
        "status": i.status.name(),
        "endedBy": i.ended_by.name(),
        "track": flat(track),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thin_track_keeps_the_ends_and_spreads_the_rest() {
        let track: Vec<Coord> = (0..10)
            .map(|i| Coord {
                x: i as f64,
                y: 0.0,
            })
            .collect();
        let xs: Vec<f64> = thin_track(&track, 4).iter().map(|c| c.x).collect();
        assert_eq!(xs, vec![0.0, 3.0, 6.0, 9.0]);
        assert_eq!(thin_track(&track, 20).len(), 10);
    }

    #[test]
    fn data_cannot_close_its_script_element() {
        let html = page(&json!({"title": "a<b", "zones": ["</script><script>alert(1)"]})).unwrap();
        assert!(!html.contains("</script><script>alert"));
        assert!(html.contains("<\\/script>"));
        assert!(html.contains("<title>a&lt;b"));
    }

    #[test]
    fn markers_in_the_data_are_left_alone() {
        let out = fill("<{{A}}|{{B}}>", &[("{{A}}", "{{B}}"), ("{{B}}", "b")]);
        assert_eq!(out, "<{{B}}|b>");
    }
}
