//! The library as a mapping tool embeds it, on cases worked out by hand.
//!
//! The cases sit on the equator, where geodesic distances have closed forms: along the
//! equator, Δλ degrees are a·Δλ·π/180 metres (a = 6 378 137 m), so 0.5° = 55 659.7454 m.

use zonewatch::core::*;

const HALF_DEGREE_ON_EQUATOR_M: f64 = 6_378_137.0 * 0.5 * std::f64::consts::PI / 180.0; // 55 659.7454 m

fn square() -> Zone {
    // lon 0..1, lat −1..1: from (0.5, 0) the nearest edges are the two meridians, 0.5° away
    // along the equator; the parallels at ±1° are ~110.6 km away.
    Zone {
        id: "square".into(),
        name: None,
        shape: Shape::Area {
            polygons: geo_types::MultiPolygon(vec![geo_types::Polygon::new(
                geo_types::LineString::from(vec![
                    (0., -1.),
                    (1., -1.),
                    (1., 1.),
                    (0., 1.),
                    (0., -1.),
                ]),
                vec![],
            )]),
            buffer_m: 0.0,
        },
    }
}

fn circle(id: &str, x: f64, radius_m: f64) -> Zone {
    Zone {
        id: id.into(),
        name: None,
        shape: Shape::Circle {
            centre: Coord { x, y: 0.0 },
            radius_m,
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

fn report(x: f64, accuracy_m: f64) -> Report {
    Report {
        id: "r".into(),
        unit_id: "U1".into(),
        time: Timestamp::from_unix_seconds(1_611_360_000).unwrap(),
        position: Coord { x, y: 0.0 },
        accuracy_m,
        source: None,
        attributes: UnitAttributes::default(),
    }
}

fn unit(id: &str, home: Option<&str>) -> Unit {
    Unit {
        id: id.into(),
        attributes: UnitAttributes::default(),
        home: home.map(str::to_string),
    }
}

#[test]
fn keep_out_depth_is_the_distance_to_the_polygon_edge() {
    let keep_out = rule(
        "k",
        RuleKind::KeepOut {
            zones: vec!["square".into()],
            margin_m: 0.0,
        },
    );
    let checker = Checker::new(Agreement::new(vec![square()], vec![keep_out], vec![]).unwrap());
    let v = checker.check(&report(0.5, 10.0)).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].confidence, Confidence::Confirmed);
    assert!(
        (v[0].depth_m - HALF_DEGREE_ON_EQUATOR_M).abs() < 1e-3,
        "{}",
        v[0].depth_m
    );
}

#[test]
fn keep_out_margin_grows_the_zone_and_the_depth() {
    // 0.5° east of the square's edge at lon 1 is lon 1.5: 55 659.75 m outside. With a
    // 60 km margin it is 4 340.25 m inside the grown zone.
    let keep_out = rule(
        "k",
        RuleKind::KeepOut {
            zones: vec!["square".into()],
            margin_m: 60_000.0,
        },
    );
    let checker = Checker::new(Agreement::new(vec![square()], vec![keep_out], vec![]).unwrap());
    let v = checker.check(&report(1.5, 0.0)).unwrap();
    assert_eq!(v.len(), 1);
    assert!(
        (v[0].depth_m - (60_000.0 - HALF_DEGREE_ON_EQUATOR_M)).abs() < 1e-3,
        "{}",
        v[0].depth_m
    );
    // Inside the polygon itself the depth is edge distance + margin.
    let v = checker.check(&report(0.5, 0.0)).unwrap();
    assert!(
        (v[0].depth_m - (HALF_DEGREE_ON_EQUATOR_M + 60_000.0)).abs() < 1e-3,
        "{}",
        v[0].depth_m
    );
}

#[test]
fn accuracy_reaching_across_the_edge_is_possible() {
    // Circle of 50 km at (0, 0); the report at (0.5, 0) is 55 659.75 m from the centre:
    // 5 659.75 m outside. Accuracy 6 km reaches in → possible, depth −5 659.75.
    // Accuracy 5 km does not → nothing.
    let keep_out = rule(
        "k",
        RuleKind::KeepOut {
            zones: vec!["c".into()],
            margin_m: 0.0,
        },
    );
    let checker = Checker::new(
        Agreement::new(vec![circle("c", 0.0, 50_000.0)], vec![keep_out], vec![]).unwrap(),
    );
    let v = checker.check(&report(0.5, 6_000.0)).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].confidence, Confidence::Possible);
    assert!(
        (v[0].depth_m + (HALF_DEGREE_ON_EQUATOR_M - 50_000.0)).abs() < 1e-3,
        "{}",
        v[0].depth_m
    );
    assert!(checker.check(&report(0.5, 5_000.0)).unwrap().is_empty());
}

#[test]
fn stay_in_home_names_the_nearest_allowed_zone_and_its_distance() {
    // Home camp: 10 km circle at lon 1; holding area: 10 km circle at lon 2. A report at
    // lon 0.5 is 55 659.75 − 10 000 = 45 659.75 m from home's edge and
    // 3 × 55 659.75 − 10 000 from the holding area's: home is nearest.
    let stay = rule(
        "s",
        RuleKind::StayIn {
            zones: vec!["hold".into()],
            home: true,
        },
    );
    let zones = vec![
        circle("home1", 1.0, 10_000.0),
        circle("hold", 2.0, 10_000.0),
    ];
    let checker =
        Checker::new(Agreement::new(zones, vec![stay], vec![unit("U1", Some("home1"))]).unwrap());
    let v = checker.check(&report(0.5, 100.0)).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(checker.zone_id(v[0].zone), "home1");
    assert_eq!(v[0].confidence, Confidence::Confirmed);
    assert!(
        (v[0].depth_m - (HALF_DEGREE_ON_EQUATOR_M - 10_000.0)).abs() < 1e-3,
        "{}",
        v[0].depth_m
    );
    // Inside home, 1 km from its edge (lon 1 + (10 km − 1 km) east): compliant; with 2 km
    // accuracy it is possible, s = −1 000 m, naming home.
    let x = 1.0 + 9_000.0 / (2.0 * HALF_DEGREE_ON_EQUATOR_M);
    assert!(checker.check(&report(x, 0.0)).unwrap().is_empty());
    let v = checker.check(&report(x, 2_000.0)).unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].confidence, Confidence::Possible);
    assert!((v[0].depth_m + 1_000.0).abs() < 1e-3, "{}", v[0].depth_m);
}

#[test]
fn rules_apply_only_in_their_window_and_to_whom_they_cover() {
    let t0 = Timestamp::from_unix_seconds(1_611_360_000).unwrap();
    let mut k = rule(
        "k",
        RuleKind::KeepOut {
            zones: vec!["square".into()],
            margin_m: 0.0,
        },
    );
    k.from = Some(t0);
    k.until = Timestamp::from_unix_seconds(1_611_360_000 + 3600);
    k.who.sides = Some(vec!["LAAF".into()]);
    k.except = Some(UnitFilter {
        roles: Some(vec!["monitor".into()]),
        ..Default::default()
    });
    let mut laaf = unit("U1", None);
    laaf.attributes.side = Some("LAAF".into());
    let checker = Checker::new(Agreement::new(vec![square()], vec![k], vec![laaf]).unwrap());
    let mut r = report(0.5, 0.0);
    assert_eq!(
        checker.check(&r).unwrap().len(),
        1,
        "at `from` the rule is in force"
    );
    r.time = Timestamp::from_unix_seconds(1_611_360_000 - 1).unwrap();
    assert!(checker.check(&r).unwrap().is_empty(), "before `from`");
    r.time = Timestamp::from_unix_seconds(1_611_360_000 + 3600).unwrap();
    assert!(
        checker.check(&r).unwrap().is_empty(),
        "at `until` the rule is no longer in force"
    );
    r.time = t0;
    r.attributes.role = Some("monitor".into());
    assert!(
        checker.check(&r).unwrap().is_empty(),
        "the report's own role exempts it"
    );
    r.attributes.role = None;
    r.attributes.side = Some("GNA".into());
    assert!(
        checker.check(&r).unwrap().is_empty(),
        "the report's side overrides the unit's"
    );
}

#[test]
fn reports_that_cannot_be_judged_are_errors_not_silence() {
    let stay = rule(
        "s",
        RuleKind::StayIn {
            zones: vec![],
            home: true,
        },
    );
    let mut ghost = unit("U2", None);
    ghost.attributes.role = Some("monitor".into());
    let mut s = stay.clone();
    s.except = Some(UnitFilter {
        roles: Some(vec!["monitor".into()]),
        ..Default::default()
    });
    let checker = Checker::new(
        Agreement::new(
            vec![circle("home1", 1.0, 10_000.0)],
            vec![s],
            vec![unit("U1", Some("home1")), ghost],
        )
        .unwrap(),
    );
    let mut r = report(0.5, 0.0);
    r.unit_id = "nobody".into();
    assert_eq!(
        checker.check(&r),
        Err(CheckError::UnknownUnit("nobody".into()))
    );
    // U2 has no home but is exempt as a monitor — unless a report says it is military.
    r.unit_id = "U2".into();
    assert!(checker.check(&r).unwrap().is_empty());
    r.attributes.role = Some("military".into());
    assert!(matches!(
        checker.check(&r),
        Err(CheckError::MissingHome { .. })
    ));
    r.position.y = 91.0;
    assert!(matches!(
        checker.check(&r),
        Err(CheckError::BadPosition { .. })
    ));
}

#[test]
fn agreement_errors_are_all_reported() {
    let bad_rule = rule(
        "k",
        RuleKind::KeepOut {
            zones: vec!["nowhere".into()],
            margin_m: -5.0,
        },
    );
    let stay = rule(
        "s",
        RuleKind::StayIn {
            zones: vec![],
            home: true,
        },
    );
    let errors = Agreement::new(
        vec![square(), square(), circle("c", 0.0, -1.0)],
        vec![bad_rule, stay],
        vec![unit("U1", Some("elsewhere")), unit("U2", None)],
    )
    .unwrap_err();
    let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    for expected in [
        "duplicate zone id 'square'",
        "zone 'c': radius_m must be a finite number ≥ 0, not -1",
        "rule 'k': unknown zone 'nowhere'",
        "rule 'k': margin_m must be a finite number ≥ 0, not -5",
        "unit 'U1': home zone 'elsewhere' does not exist",
        "rule 's' (stay_in \"home\") covers unit 'U2', which has no home zone",
    ] {
        assert!(
            text.iter().any(|t| t == expected),
            "missing {expected:?} in {text:#?}"
        );
    }
}

#[test]
fn batch_results_do_not_depend_on_the_thread_count() {
    let keep_out = rule(
        "k",
        RuleKind::KeepOut {
            zones: vec!["square".into(), "c".into()],
            margin_m: 1_000.0,
        },
    );
    let checker = Checker::new(
        Agreement::new(
            vec![square(), circle("c", 0.8, 30_000.0)],
            vec![keep_out],
            vec![],
        )
        .unwrap(),
    );
    let reports: Vec<Report> = (0..5_000)
        .map(|i| report(-0.5 + 2.0 * i as f64 / 5_000.0, (i % 7) as f64 * 500.0))
        .collect();
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| checker.check_batch(&reports))
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(4));
    // Each batch result equals the single check, and rows are ordered by rule then zone id.
    for (r, got) in reports.iter().zip(&one) {
        assert_eq!(got, &checker.check(r));
        let ids: Vec<&str> = got
            .as_ref()
            .unwrap()
            .iter()
            .map(|v| checker.zone_id(v.zone))
            .collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
    }
}
