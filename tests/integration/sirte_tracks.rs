//! Tracks over the Sirte scenario: the stories data/sirte/README.md tells (a GPS glitch, a
//! relayed duplicate, a late return to camp, a unit lingering at the DMZ's edge) come out
//! as the incidents, flags and compliance figures a monitor would write down. The
//! per-report violations are checked against the independent oracle in scenario_oracle.rs;
//! the facts asserted here are read off the scenario's script (data/sirte/generate.py).

use zonewatch::core::{
    Checker, Confidence, IncidentStatus, Report, TrackOptions, TrackRecorder, Tracker, Tracks,
};

use crate::support::{all_reports, sirte_checker};

fn scenario() -> (Checker, Vec<Report>) {
    let checker = sirte_checker();
    let reports = all_reports("data/sirte/reports.csv");
    (checker, reports)
}

fn track(checker: &Checker, reports: &[Report]) -> (Tracks, u64) {
    let mut rec = TrackRecorder::new(Tracker::new(checker, TrackOptions::default()));
    let admitted: Vec<&Report> = reports.iter().filter(|r| rec.admit(r)).collect();
    let duplicates = rec.duplicates();
    for r in admitted {
        rec.record(r, &checker.check(r).unwrap());
    }
    (rec.finish(), duplicates)
}

#[test]
fn the_sirte_stories_come_out_as_incidents() {
    let (checker, reports) = scenario();
    let (t, duplicates) = track(&checker, &reports);
    // One observation of LAAF-INF-2 was relayed twice (S02377 and S02378).
    assert_eq!(duplicates, 1);

    // The glitch: LAAF-MLRS-4, 40 min after a good report in the Brega holding area,
    // reported ~400 km west (~600 km/h). Suspect; its incident is only possible, and the
    // unit has no confirmed incident at all.
    let mlrs: Vec<_> = t
        .incidents
        .iter()
        .filter(|i| i.unit_id == "LAAF-MLRS-4")
        .collect();
    assert_eq!(mlrs.len(), 1, "{mlrs:?}");
    assert_eq!(mlrs[0].start.to_string(), "2021-03-14T14:22:47Z");
    assert_eq!(mlrs[0].suspect_reports, 1);
    assert_eq!(mlrs[0].confidence, Confidence::Possible);
    assert!(t.suspect_reports >= 1);
    for i in &t.incidents {
        if i.suspect_reports == i.reports {
            assert_eq!(i.confidence, Confidence::Possible, "{}", i.id);
        }
    }

    // The late return: LAAF-MECH-1 leaves its rear position on 20 Jan and reaches
    // Benghazi on 13 Feb, three weeks after the 23 Jan deadline — one sustained,
    // confirmed camps incident from its first report after the deadline to its last
    // report before it arrives.
    let late: Vec<_> = t
        .incidents
        .iter()
        .filter(|i| i.unit_id == "LAAF-MECH-1" && checker.rule_id(i.rule) == "camps")
        .collect();
    assert_eq!(late.len(), 1, "{late:?}");
    let late = late[0];
    assert_eq!(checker.zone_id(late.zone), "camp_benghazi");
    assert_eq!(late.start.utc_date(), (2021, 1, 24));
    assert_eq!(late.end.utc_date(), (2021, 2, 12));
    assert_eq!(
        (late.status, late.confidence),
        (IncidentStatus::Sustained, Confidence::Confirmed)
    );
    assert!(late.max_depth_m > 300_000.0); // it starts ~340 km from Benghazi

    // Lingering at the DMZ's west edge (22 Jan – 20 Feb, 10 km ± 300 m from the road):
    // the hysteresis (500 m) and max_gap (2 d) merge its flags into a few incidents, far
    // fewer than its flagged reports.
    let linger: Vec<_> = t
        .incidents
        .iter()
        .filter(|i| i.unit_id == "LAAF-INF-2" && checker.rule_id(i.rule) == "dmz")
        .collect();
    let flagged: u32 = linger.iter().map(|i| i.reports).sum();
    assert!(linger.len() * 2 < flagged as usize, "{linger:?}");
    assert!(
        linger
            .iter()
            .any(|i| i.status == IncidentStatus::Sustained && i.reports >= 5)
    );

    // Compliance: on the deadline's date LAAF-MECH-1 is among the units outside their
    // camps; at the end of the data every unit is home.
    let camps: Vec<_> = t
        .compliance
        .iter()
        .filter(|d| checker.rule_id(d.rule) == "camps")
        .collect();
    let deadline = camps.iter().find(|d| d.date() == "2021-01-23").unwrap();
    assert!(deadline.deadline_passed && deadline.outside >= 2);
    let last = camps.last().unwrap();
    assert_eq!(last.date(), "2021-08-31");
    assert_eq!(last.outside, 0);
}

#[test]
fn sirte_tracks_do_not_depend_on_input_order_or_threads() {
    let (checker, reports) = scenario();
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let (base, _) = one.install(|| track(&checker, &reports));
    let n = reports.len();
    // A fixed permutation (7919 is prime, so coprime to n unless n is a multiple).
    assert_ne!(n % 7919, 0);
    let shuffled: Vec<Report> = (0..n).map(|i| reports[(i * 7919) % n].clone()).collect();
    let many = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap();
    let (other, _) = many.install(|| track(&checker, &shuffled));
    assert_eq!(other, base);
}
