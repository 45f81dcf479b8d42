//! The check itself on arbitrary geometry and points: zones built from a coarse grid of
//! vertices (so that shared vertices, collinear edges and points exactly on edges are
//! common), validated by `Agreement::new`, then every point checked.
//!
//! Invariant (no oracle needed): with accuracy 0, a `keep_out` of the zones with no
//! margin and a `stay_in` of the same zones flag complementary sets — a point is covered
//! by some zone (boundary included) or it is not.
#![no_main]
use arbitrary::Arbitrary;
use geo_types::{Coord, LineString, MultiLineString, MultiPolygon, Polygon};
use libfuzzer_sys::fuzz_target;
use zonewatch_core::{
    Agreement, Checker, Report, Rule, RuleKind, RuleOptions, Shape, Timestamp, Unit,
    UnitAttributes, UnitFilter, Zone,
};

#[derive(Arbitrary, Debug)]
enum ZoneIn {
    Polygon {
        rings: Vec<Vec<(i8, i8)>>,
        buffer: u16,
    },
    Circle {
        centre: (i8, i8),
        radius: u32,
    },
    Band {
        lines: Vec<Vec<(i8, i8)>>,
        buffer: u16,
    },
}

#[derive(Arbitrary, Debug)]
struct PointIn {
    grid: (i8, i8),
    /// Added to the grid position, scaled small, for points near (not on) edges.
    nudge: (i16, i16),
    accuracy: u16,
}

#[derive(Arbitrary, Debug)]
struct Input {
    zones: Vec<ZoneIn>,
    points: Vec<PointIn>,
    margin: u16,
}

/// Grid to lon/lat: 0.25° steps around (16, 30).
fn at((x, y): (i8, i8)) -> Coord<f64> {
    Coord {
        x: 16.0 + x as f64 * 0.25,
        y: 30.0 + (y as f64 * 0.25).clamp(-59.0, 59.0),
    }
}

fn ring(points: &[(i8, i8)]) -> LineString<f64> {
    let mut coords: Vec<Coord<f64>> = points.iter().take(12).copied().map(at).collect();
    if let Some(&first) = coords.first() {
        coords.push(first);
    }
    LineString(coords)
}

fn shape(z: &ZoneIn) -> Shape {
    match z {
        ZoneIn::Polygon { rings, buffer } => {
            let mut rings = rings.iter().take(3).map(|r| ring(r));
            let exterior = rings.next().unwrap_or_else(|| LineString(vec![]));
            Shape::Area {
                polygons: MultiPolygon(vec![Polygon::new(exterior, rings.collect())]),
                buffer_m: (*buffer % 4 * 1000) as f64,
            }
        }
        ZoneIn::Circle { centre, radius } => Shape::Circle {
            centre: at(*centre),
            radius_m: (*radius % 600_000) as f64,
        },
        ZoneIn::Band { lines, buffer } => Shape::Band {
            lines: MultiLineString(
                lines
                    .iter()
                    .take(3)
                    .map(|l| LineString(l.iter().take(8).copied().map(at).collect()))
                    .collect(),
            ),
            buffer_m: *buffer as f64 * 10.0,
        },
    }
}

fn rule(id: &str, kind: RuleKind) -> Rule {
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

fuzz_target!(|input: Input| {
    let zones: Vec<Zone> = input
        .zones
        .iter()
        .take(4)
        .enumerate()
        .map(|(i, z)| Zone {
            id: format!("z{i}"),
            name: None,
            shape: shape(z),
        })
        .collect();
    if zones.is_empty() {
        return;
    }
    let ids: Vec<String> = zones.iter().map(|z| z.id.clone()).collect();
    let rules = vec![
        rule(
            "in",
            RuleKind::StayIn {
                zones: ids.clone(),
                home: false,
            },
        ),
        rule(
            "margin",
            RuleKind::KeepOut {
                zones: ids.clone(),
                margin_m: input.margin as f64 * 10.0,
            },
        ),
        rule(
            "out",
            RuleKind::KeepOut {
                zones: ids,
                margin_m: 0.0,
            },
        ),
    ];
    let units = vec![Unit {
        id: "u".into(),
        attributes: UnitAttributes::default(),
        home: None,
    }];
    let Ok(agreement) = Agreement::new(zones, rules, units) else {
        return;
    };
    let checker = Checker::new(agreement);
    let rule_index = |id: &str| {
        checker
            .agreement()
            .rules()
            .iter()
            .position(|r| r.id == id)
            .unwrap()
    };
    let (stay_in, keep_out) = (rule_index("in"), rule_index("out"));
    for p in input.points.iter().take(16) {
        let g = at(p.grid);
        let position = Coord {
            x: g.x + p.nudge.0 as f64 * 1e-7,
            y: g.y + p.nudge.1 as f64 * 1e-7,
        };
        let report = Report {
            id: "r".into(),
            unit_id: "u".into(),
            time: Timestamp::from_unix_nanos(0),
            position,
            accuracy_m: 0.0,
            source: None,
            attributes: UnitAttributes::default(),
        };
        let flags = checker.check(&report).expect("a valid report");
        let out = flags.iter().any(|v| v.rule.0 as usize == keep_out);
        let in_ = flags.iter().any(|v| v.rule.0 as usize == stay_in);
        assert!(
            out != in_,
            "at {position:?}: keep_out flagged {out}, stay_in flagged {in_}: {flags:?}"
        );
        for v in &flags {
            assert!(v.depth_m.is_finite(), "{v:?}");
        }
        let with_accuracy = Report {
            accuracy_m: p.accuracy as f64,
            ..report
        };
        let _ = checker.check(&with_accuracy);
    }
});
