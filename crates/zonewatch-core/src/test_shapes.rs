//! Shapes and values the unit tests of several modules build (test builds only).

use geo_types::LineString;

use crate::{Coord, Report, Rule, RuleKind, RuleOptions, Timestamp, UnitFilter};

/// A rule of `kind` for every unit, always in force.
pub(crate) fn rule(id: &str, kind: RuleKind) -> Rule {
    Rule {
        id: id.into(),
        kind,
        from: None,
        until: None,
        who: UnitFilter::default(),
        except: None,
        options: RuleOptions::default(),
    }
}

/// Report "r" of unit "u" at time 0, at `position` with `accuracy_m`, no attributes.
pub(crate) fn report_at(position: Coord, accuracy_m: f64) -> Report {
    Report {
        id: "r".into(),
        unit_id: "u".into(),
        time: Timestamp::from_unix_nanos(0),
        position,
        accuracy_m,
        source: None,
        attributes: Default::default(),
    }
}

/// A closed star around `c`: vertex `i` of `n` at angle 2πi/n, `scale · radii[i]` degrees
/// out, each coordinate rounded to a multiple of 1/`quantum` when given (so that vertices
/// and edges fall on grid lines and cell centres); repeated vertices dropped.
pub(crate) fn star(c: Coord, radii: &[f64], scale: f64, quantum: Option<f64>) -> LineString {
    let n = radii.len();
    let q = |v: f64| quantum.map_or(v, |k| (v * k).round() / k);
    let mut pts: Vec<Coord> = radii
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let t = std::f64::consts::TAU * i as f64 / n as f64;
            Coord {
                x: q(c.x + scale * r * t.cos()),
                y: q(c.y + scale * r * t.sin()),
            }
        })
        .collect();
    pts.dedup();
    pts.push(pts[0]);
    LineString(pts)
}
