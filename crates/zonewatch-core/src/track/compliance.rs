//! Compliance over time: per UTC date, how many covered units are where a `stay_in` rule
//! wants them at the end of that date.

use std::collections::BTreeMap;

use crate::{RuleIndex, Timestamp};

/// One rule on one UTC date, judged on each covered unit's last known (non-suspect)
/// position at the end of the date. Units not yet seen by then are not counted.
#[derive(Clone, Debug, PartialEq)]
pub struct ComplianceDay {
    /// The UTC date, as days since 1970-01-01 (see [`Timestamp::start_of_utc_day`]).
    pub day: i64,
    /// The `stay_in` rule (one with a `from`: a deadline).
    pub rule: RuleIndex,
    /// Whether the deadline had passed by the end of the date.
    pub deadline_passed: bool,
    /// Covered units seen by the end of the date.
    pub covered_units: u32,
    /// Of those, inside an allowed zone.
    pub inside: u32,
    /// Of those, outside every allowed zone.
    pub outside: u32,
    /// The unit furthest outside and its distance to its nearest allowed zone, metres.
    pub furthest: Option<(String, f64)>,
}

impl ComplianceDay {
    /// The date as `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        let (y, m, d) = Timestamp::start_of_utc_day(self.day).utc_date();
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// A unit's known positions under one rule: (time, outside distance or `None` when
/// inside), in time order.
pub(crate) type Samples = Vec<(Timestamp, Option<f64>)>;

/// Per rule (with its deadline), per unit id: the samples.
pub(crate) type SamplesByRule = BTreeMap<RuleIndex, (Timestamp, BTreeMap<String, Samples>)>;

/// The compliance table for days `first..=last`, rule by rule, date by date.
pub(crate) fn compliance_days(
    samples: &SamplesByRule,
    first: i64,
    last: i64,
) -> Vec<ComplianceDay> {
    let mut out = Vec::new();
    for (&rule, (deadline, units)) in samples {
        let mut cursor: Vec<usize> = vec![0; units.len()];
        for day in first..=last {
            let end = Timestamp::start_of_utc_day(day + 1);
            let mut row = ComplianceDay {
                day,
                rule,
                deadline_passed: *deadline < end,
                covered_units: 0,
                inside: 0,
                outside: 0,
                furthest: None,
            };
            for ((unit, s), c) in units.iter().zip(cursor.iter_mut()) {
                while *c < s.len() && s[*c].0 < end {
                    *c += 1;
                }
                if *c == 0 {
                    continue; // not seen yet
                }
                row.covered_units += 1;
                match s[*c - 1].1 {
                    None => row.inside += 1,
                    Some(d) => {
                        row.outside += 1;
                        if row.furthest.as_ref().is_none_or(|(_, f)| d > *f) {
                            row.furthest = Some((unit.clone(), d));
                        }
                    }
                }
            }
            out.push(row);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> Timestamp {
        Timestamp::from_unix_seconds(h * 3600).unwrap()
    }

    #[test]
    fn last_known_position_at_the_end_of_each_date() {
        // Day 0 and day 1 (1970-01-01, -02). Deadline at 12:00 on day 1.
        // A: inside at 01:00 day 0, outside (5 km) at 23:00 day 0, inside at 10:00 day 1.
        // B: first seen at 13:00 day 1, outside 9 km.
        let mut units = BTreeMap::new();
        units.insert(
            "A".to_string(),
            vec![(t(1), None), (t(23), Some(5000.0)), (t(34), None)],
        );
        units.insert("B".to_string(), vec![(t(37), Some(9000.0))]);
        let mut samples = BTreeMap::new();
        samples.insert(RuleIndex(0), (t(36), units));
        let days = compliance_days(&samples, 0, 1);
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].date(), "1970-01-01");
        assert_eq!(
            (days[0].covered_units, days[0].inside, days[0].outside),
            (1, 0, 1)
        );
        assert_eq!(days[0].furthest, Some(("A".into(), 5000.0)));
        assert!(!days[0].deadline_passed);
        assert_eq!(
            (days[1].covered_units, days[1].inside, days[1].outside),
            (2, 1, 1)
        );
        assert_eq!(days[1].furthest, Some(("B".into(), 9000.0)));
        assert!(days[1].deadline_passed);
    }
}
