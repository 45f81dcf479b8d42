//! Hand-worked tracks. Zones are circles centred on the meridian 16°E; units move along
//! it, so every distance is a latitude difference: at 30°N, 0.01° of latitude is about
//! 1.109 km. Times are hours after 2021-01-01T00:00:00Z.

use std::time::Duration;

use super::*;
use crate::{
    Agreement, Checker, Confidence, Coord, Report, Rule, RuleKind, RuleOptions, Shape, Timestamp,
    Unit, UnitAttributes, Zone,
};

const T0: i64 = 1_609_459_200; // 2021-01-01T00:00:00Z

fn at(hours: f64) -> Timestamp {
    Timestamp::from_unix_nanos(T0 * 1_000_000_000 + (hours * 3.6e12) as i64)
}

fn circle(id: &str, lat: f64, radius_m: f64) -> Zone {
    Zone {
        id: id.into(),
        name: None,
        shape: Shape::Circle {
            centre: Coord { x: 16.0, y: lat },
            radius_m,
        },
    }
}

fn rule(id: &str, kind: RuleKind, options: RuleOptions) -> Rule {
    Rule {
        options,
        ..crate::test_shapes::rule(id, kind)
    }
}

fn keep_out(id: &str, zone: &str, options: RuleOptions) -> Rule {
    rule(
        id,
        RuleKind::KeepOut {
            zones: vec![zone.into()],
            margin_m: 0.0,
        },
        options,
    )
}

fn report(unit: &str, hours: f64, lat: f64) -> Report {
    Report {
        id: format!("{unit}@{hours}"),
        unit_id: unit.into(),
        time: at(hours),
        position: Coord { x: 16.0, y: lat },
        accuracy_m: 0.0,
        source: None,
        attributes: UnitAttributes::default(),
    }
}

fn checker(zones: Vec<Zone>, rules: Vec<Rule>, units: Vec<Unit>) -> Checker {
    Checker::new(Agreement::new(zones, rules, units).unwrap())
}

fn track(checker: &Checker, reports: &[Report]) -> Tracks {
    let mut rec = TrackRecorder::new(Tracker::new(checker, TrackOptions::default()));
    for r in reports {
        if rec.admit(r) {
            rec.record(r, &checker.check(r).unwrap());
        }
    }
    rec.finish()
}

/// (start h, end h, reports, status, confidence, ended by) of each incident.
fn summary(
    t: &Tracks,
) -> Vec<(
    Timestamp,
    Timestamp,
    u32,
    IncidentStatus,
    Confidence,
    IncidentEnd,
)> {
    t.incidents
        .iter()
        .map(|i| {
            (
                i.start,
                i.end,
                i.reports,
                i.status,
                i.confidence,
                i.ended_by,
            )
        })
        .collect()
}

#[test]
fn incidents_merge_runs_and_end_at_compliance_or_a_gap() {
    use Confidence::*;
    use IncidentEnd::*;
    use IncidentStatus::*;
    // A 10 km DMZ at 30°N. lat 30.2 is ~22 km north: outside. lat 30.0 is the centre:
    // 10 km deep. Sustained = at least 1 h and 2 reports.
    let options = RuleOptions {
        min_duration: Duration::from_secs(3600),
        min_reports: 2,
        ..RuleOptions::default()
    };
    let c = checker(
        vec![circle("dmz", 30.0, 10_000.0)],
        vec![keep_out("no-dmz", "dmz", options)],
        vec![],
    );
    let reports = [
        report("U", 0.0, 30.2),  // outside
        report("U", 1.0, 30.0),  // inside → incident A opens
        report("U", 2.0, 30.05), // inside (~4.5 km deep) → A goes on
        report("U", 3.0, 30.2),  // outside → A ends: 01:00–02:00, 2 reports
        report("U", 4.0, 30.0),  // inside → B opens
        report("U", 12.0, 30.0), // 8 h of silence > 6 h: B ends at 04:00 (1 report); C opens
        report("U", 13.0, 30.0), // C goes on: 12:00–13:00, 2 reports, open at the end
    ];
    let t = track(&c, &reports);
    assert_eq!(
        summary(&t),
        vec![
            (at(1.0), at(2.0), 2, Sustained, Confirmed, Compliant),
            (at(4.0), at(4.0), 1, Transient, Possible, Gap),
            (at(12.0), at(13.0), 2, Sustained, Confirmed, EndOfData),
        ]
    );
    let a = &t.incidents[0];
    assert_eq!(a.id, "U/no-dmz/dmz/2021-01-01T01:00:00Z");
    assert_eq!(a.duration_s(), 3600.0);
    assert_eq!(a.max_depth_m, 10_000.0); // the centre of a 10 km circle
    assert_eq!(a.first_position(), Coord { x: 16.0, y: 30.0 });
    assert_eq!(a.last_position(), Coord { x: 16.0, y: 30.05 });
    assert_eq!(c.zone_id(a.zone), "dmz");
}

#[test]
fn a_stay_in_incident_names_the_nearest_zone_at_its_start() {
    // Camps at 30.0 and 31.0 (5 km each). The unit leaves the first camp and walks north
    // to the second: one incident, named after the first camp (nearest at its start).
    let c = checker(
        vec![
            circle("camp_a", 30.0, 5000.0),
            circle("camp_b", 31.0, 5000.0),
        ],
        vec![rule(
            "camps",
            RuleKind::StayIn {
                zones: vec!["camp_a".into(), "camp_b".into()],
                home: false,
            },
            RuleOptions::default(),
        )],
        vec![],
    );
    let reports = [
        report("U", 0.0, 30.0), // in camp_a
        report("U", 1.0, 30.2), // outside, nearest camp_a (~17 km)
        report("U", 2.0, 30.5), // outside, halfway
        report("U", 3.0, 30.8), // outside, nearest camp_b
        report("U", 4.0, 31.0), // in camp_b: the incident ends
    ];
    let t = track(&c, &reports);
    assert_eq!(t.incidents.len(), 1);
    let i = &t.incidents[0];
    assert_eq!((i.start, i.end, i.reports), (at(1.0), at(3.0), 3));
    assert_eq!(c.zone_id(i.zone), "camp_a");
    // Deepest: halfway, ~55.4 km from either centre, so ~50.4 km outside.
    assert!(
        (i.max_depth_m - 50_400.0).abs() < 300.0,
        "{}",
        i.max_depth_m
    );
}

#[test]
fn enter_exit_and_a_rule_coming_into_force_while_inside() {
    use EventKind::*;
    // The DMZ rule comes into force at 02:30. The unit is inside from 01:00; at 03:00 it
    // is still inside (an `inside` event, not an `enter`); it leaves at 04:00; an 8 h
    // silence follows (no event); it re-enters at 12:00.
    let mut r = keep_out("no-dmz", "dmz", RuleOptions::default());
    r.from = Some(at(2.5));
    let c = checker(vec![circle("dmz", 30.0, 10_000.0)], vec![r], vec![]);
    let reports = [
        report("U", 0.0, 30.2),
        report("U", 1.0, 30.0),
        report("U", 3.0, 30.0),
        report("U", 4.0, 30.2),
        report("U", 12.0, 30.2),
        report("U", 13.0, 30.0),
        // A second unit whose very first report is inside, after 02:30: `enter`.
        report("V", 5.0, 30.0),
    ];
    let t = track(&c, &reports);
    let got: Vec<_> = t
        .events
        .iter()
        .map(|e| (e.kind, e.unit_id.as_str(), e.time))
        .collect();
    assert_eq!(
        got,
        vec![
            (Inside, "U", at(3.0)),
            (Exit, "U", at(4.0)),
            (Enter, "V", at(5.0)),
            (Enter, "U", at(13.0)),
        ]
    );
}

#[test]
fn stay_in_deadline_outside_event_then_enter_home() {
    use EventKind::*;
    // Units must be in their home camp from 02:00. U is 22 km out at 03:00 (`outside`,
    // naming its camp), comes home at 04:00 (`enter`).
    let mut r = rule(
        "camps",
        RuleKind::StayIn {
            zones: vec![],
            home: true,
        },
        RuleOptions::default(),
    );
    r.from = Some(at(2.0));
    let unit = Unit {
        id: "U".into(),
        attributes: UnitAttributes::default(),
        home: Some("camp".into()),
    };
    let c = checker(vec![circle("camp", 30.0, 5000.0)], vec![r], vec![unit]);
    let t = track(
        &c,
        &[
            report("U", 1.0, 30.2),
            report("U", 3.0, 30.2),
            report("U", 4.0, 30.0),
        ],
    );
    let got: Vec<_> = t
        .events
        .iter()
        .map(|e| (e.kind, c.zone_id(e.zone), e.time))
        .collect();
    assert_eq!(
        got,
        vec![(Outside, "camp", at(3.0)), (Enter, "camp", at(4.0))]
    );
    assert_eq!(summary(&t).len(), 1);
    assert_eq!(
        (t.incidents[0].start, t.incidents[0].end),
        (at(3.0), at(3.0))
    );
}

#[test]
fn a_gps_glitch_never_confirms_an_incident() {
    // The unit sits ~400 km north of the DMZ (lat 33.6) and reports every 30 min; one
    // report teleports it into the DMZ's centre: 400 km in 30 min is ~800 km/h, far
    // beyond a ground unit's 150 km/h. It is suspect: a one-report incident, possible.
    let c = checker(
        vec![circle("dmz", 30.0, 10_000.0)],
        vec![keep_out("no-dmz", "dmz", RuleOptions::default())],
        vec![],
    );
    let mut reports: Vec<Report> = (0..6).map(|k| report("U", k as f64 * 0.5, 33.6)).collect();
    reports[3].position.y = 30.0; // 01:30, the glitch
    let t = track(&c, &reports);
    assert_eq!(t.suspect_reports, 1);
    assert_eq!(t.incidents.len(), 1);
    let i = &t.incidents[0];
    assert_eq!((i.reports, i.suspect_reports), (1, 1));
    assert_eq!(i.confidence, Confidence::Possible);
    // The glitch moves no zone state: no enter/exit events.
    assert!(t.events.is_empty(), "{:?}", t.events);
}

#[test]
fn hysteresis_keeps_a_hovering_unit_in_one_incident() {
    // Hysteresis 2 km: stepping 1.1 km out (lat 30.1 is ~11.09 km from the centre of a
    // 10 km circle) does not end the incident; 5.5 km out (lat 30.14) does.
    let options = RuleOptions {
        hysteresis_m: 2000.0,
        ..RuleOptions::default()
    };
    let c = checker(
        vec![circle("dmz", 30.0, 10_000.0)],
        vec![keep_out("no-dmz", "dmz", options)],
        vec![],
    );
    let reports = [
        report("U", 0.0, 30.05), // inside
        report("U", 1.0, 30.1),  // 1.1 km out: held
        report("U", 2.0, 30.05), // inside again: the same incident
        report("U", 3.0, 30.1),  // held
        report("U", 4.0, 30.14), // 5.5 km out: ends
        report("U", 5.0, 30.05), // a new incident
    ];
    let t = track(&c, &reports);
    let got: Vec<_> = summary(&t).iter().map(|s| (s.0, s.1, s.2, s.5)).collect();
    assert_eq!(
        got,
        vec![
            (at(0.0), at(2.0), 2, IncidentEnd::Compliant),
            (at(5.0), at(5.0), 1, IncidentEnd::EndOfData),
        ]
    );
    // Without hysteresis the same track gives three incidents.
    let c0 = checker(
        vec![circle("dmz", 30.0, 10_000.0)],
        vec![keep_out("no-dmz", "dmz", RuleOptions::default())],
        vec![],
    );
    assert_eq!(track(&c0, &reports).incidents.len(), 3);
}

#[test]
fn duplicates_are_dropped_and_counted() {
    let c = checker(
        vec![circle("dmz", 30.0, 10_000.0)],
        vec![keep_out("no-dmz", "dmz", RuleOptions::default())],
        vec![],
    );
    let mut rec = TrackRecorder::new(Tracker::new(&c, TrackOptions::default()));
    let a = report("U", 1.0, 30.0);
    let mut b = a.clone();
    b.id = "another id, same observation".into();
    assert!(rec.admit(&a));
    assert!(!rec.admit(&b));
    assert!(rec.admit(&report("U", 1.0, 30.01)));
    assert_eq!(rec.duplicates(), 1);
}

#[test]
fn compliance_counts_units_in_camps_at_the_end_of_each_date() {
    // Deadline 2021-01-02T00:00Z. Home camps: A at 30.0, B at 31.0 (5 km each).
    // Day 1: A in camp; B 22 km out (lat 31.2) → 1 of 2 inside.
    // Day 2: A leaves (lat 30.3, ~28 km out); B comes home → 1 of 2, furthest A.
    // Day 3: C appears in its camp → 2 of 3 (A still out at its last known position).
    let mut r = rule(
        "camps",
        RuleKind::StayIn {
            zones: vec![],
            home: true,
        },
        RuleOptions::default(),
    );
    r.from = Some(at(24.0));
    let unit = |id: &str, home: &str| Unit {
        id: id.into(),
        attributes: UnitAttributes::default(),
        home: Some(home.into()),
    };
    let c = checker(
        vec![
            circle("camp_a", 30.0, 5000.0),
            circle("camp_b", 31.0, 5000.0),
        ],
        vec![r],
        vec![
            unit("A", "camp_a"),
            unit("B", "camp_b"),
            unit("C", "camp_a"),
        ],
    );
    let t = track(
        &c,
        &[
            report("A", 1.0, 30.0),
            report("B", 2.0, 31.2),
            report("A", 30.0, 30.3),
            report("B", 40.0, 31.0),
            report("C", 50.0, 30.0),
        ],
    );
    let got: Vec<_> = t
        .compliance
        .iter()
        .map(|d| {
            (
                d.date(),
                d.deadline_passed,
                d.covered_units,
                d.inside,
                d.outside,
                d.furthest.as_ref().map(|f| f.0.clone()),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("2021-01-01".into(), false, 2, 1, 1, Some("B".into())),
            ("2021-01-02".into(), true, 2, 1, 1, Some("A".into())),
            ("2021-01-03".into(), true, 3, 2, 1, Some("A".into())),
        ]
    );
    // A at lat 30.3: ~33.3 km from its camp's centre, ~28.3 km outside.
    let d = t.compliance[2].furthest.as_ref().unwrap().1;
    assert!((d - 28_270.0).abs() < 300.0, "{d}");
}

#[test]
fn the_result_does_not_depend_on_input_order_or_threads() {
    let c = checker(
        vec![circle("dmz", 30.0, 10_000.0), circle("camp", 30.5, 5000.0)],
        vec![
            keep_out("no-dmz", "dmz", RuleOptions::default()),
            rule(
                "camps",
                RuleKind::StayIn {
                    zones: vec!["camp".into()],
                    home: false,
                },
                RuleOptions {
                    min_reports: 3,
                    ..RuleOptions::default()
                },
            ),
        ],
        vec![],
    );
    // Three units wandering over both zones, with ties in time.
    let mut reports = Vec::new();
    for (u, phase) in [("A", 0.0), ("B", 0.013), ("C", 0.029)] {
        for k in 0..200 {
            let lat = 30.0 + 0.6 * (((k as f64) * 0.21 + phase * 40.0).sin() * 0.5 + 0.5);
            reports.push(report(u, (k / 2) as f64 * 0.25, lat));
        }
    }
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let base = one.install(|| track(&c, &reports));
    assert!(base.incidents.len() > 5 && base.events.len() > 10);
    // A fixed shuffle (a multiplicative permutation), on four threads.
    let n = reports.len();
    let shuffled: Vec<Report> = (0..n).map(|i| reports[(i * 337) % n].clone()).collect();
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    assert_eq!(four.install(|| track(&c, &shuffled)), base);
    let reversed: Vec<Report> = reports.iter().rev().cloned().collect();
    assert_eq!(track(&c, &reversed), base);
}

#[test]
fn a_glitch_as_the_first_report_costs_one_report_not_the_track() {
    // The first report is the glitch (in the DMZ); the unit really is 400 km north. The
    // second report is flagged (it is far from the only fix so far), the third agrees with
    // the second, so tracking starts again from there.
    let c = checker(
        vec![circle("dmz", 30.0, 10_000.0)],
        vec![keep_out("no-dmz", "dmz", RuleOptions::default())],
        vec![],
    );
    let mut reports: Vec<Report> = (0..6).map(|k| report("U", k as f64 * 0.5, 33.6)).collect();
    reports[0].position.y = 30.0;
    let t = track(&c, &reports);
    // The second report was flagged when it came; the third showed that the first was
    // the outlier, which is retracted: two suspect reports, and the glitch's one-report
    // incident is only possible.
    assert_eq!(t.suspect_reports, 2);
    assert_eq!(t.incidents.len(), 1);
    let i = &t.incidents[0];
    assert_eq!((i.reports, i.suspect_reports), (1, 1));
    assert_eq!(i.confidence, Confidence::Possible);
}

#[test]
fn hysteresis_in_time_ends_an_incident_only_after_a_compliant_spell() {
    // hysteresis_time 2 h: the unit steps out at 01:00 and is back in at 02:00 (one
    // incident); out again from 03:00, still out at 04:00 (1 h: held) and 05:00 (2 h:
    // the incident ends there, at its last violating report, 02:00).
    let options = RuleOptions {
        hysteresis_time: Duration::from_secs(7200),
        ..RuleOptions::default()
    };
    let c = checker(
        vec![circle("dmz", 30.0, 10_000.0)],
        vec![keep_out("no-dmz", "dmz", options)],
        vec![],
    );
    let reports = [
        report("U", 0.0, 30.0),
        report("U", 1.0, 30.2),
        report("U", 2.0, 30.0),
        report("U", 3.0, 30.2),
        report("U", 4.0, 30.2),
        report("U", 5.0, 30.2),
        report("U", 6.0, 30.0),
    ];
    let t = track(&c, &reports);
    let got: Vec<_> = summary(&t).iter().map(|s| (s.0, s.1, s.2, s.5)).collect();
    assert_eq!(
        got,
        vec![
            (at(0.0), at(2.0), 2, IncidentEnd::Compliant),
            (at(6.0), at(6.0), 1, IncidentEnd::EndOfData),
        ]
    );
}
