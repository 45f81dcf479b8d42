//! An agreement: its zones, rules and units, validated as a whole.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::{Rule, RuleKind, Unit, ValidZone, Zone, ZoneProblem};

/// A problem with the agreement as a whole. Every problem is reported, not only the first.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AgreementError {
    /// A zone's geometry or distance is invalid.
    #[error("zone '{zone}': {problem}")]
    Zone {
        /// The zone's id.
        zone: String,
        /// What is wrong.
        problem: ZoneProblem,
    },
    /// Two zones share an id.
    #[error("duplicate zone id '{0}'")]
    DuplicateZone(String),
    /// Two rules share an id.
    #[error("duplicate rule id '{0}'")]
    DuplicateRule(String),
    /// Two units share an id.
    #[error("duplicate unit id '{0}'")]
    DuplicateUnit(String),
    /// A rule names a zone that does not exist.
    #[error("rule '{rule}': unknown zone '{zone}'")]
    UnknownRuleZone {
        /// The rule.
        rule: String,
        /// The zone id it names.
        zone: String,
    },
    /// A rule lists no zones at all.
    #[error("rule '{0}': lists no zones")]
    NoZones(String),
    /// A rule's `margin_m` is negative or not finite.
    #[error("rule '{rule}': margin_m must be a finite number ≥ 0, not {value}")]
    BadMargin {
        /// The rule.
        rule: String,
        /// The value.
        value: f64,
    },
    /// A rule's window is empty (`from ≥ until`).
    #[error("rule '{0}': 'from' is not before 'until', so the rule is never in force")]
    EmptyWindow(String),
    /// A unit's home zone does not exist.
    #[error("unit '{unit}': home zone '{zone}' does not exist")]
    UnknownHome {
        /// The unit.
        unit: String,
        /// The zone id given as home.
        zone: String,
    },
    /// A `stay_in` rule allowing `"home"` covers a unit that has no home.
    #[error("rule '{rule}' (stay_in \"home\") covers unit '{unit}', which has no home zone")]
    MissingHome {
        /// The rule.
        rule: String,
        /// The unit.
        unit: String,
    },
}

/// Zones, rules and units that have been checked together: ids unique, every reference
/// resolved, every geometry valid. Rules are kept sorted by id, so output rows come out
/// in rule-id order.
#[derive(Clone, Debug)]
pub struct Agreement {
    zones: Vec<Zone>,
    rules: Vec<Rule>,
    units: Vec<Unit>,
}

impl Agreement {
    /// Validates zones, rules and units together, returning every problem found.
    pub fn new(
        zones: Vec<Zone>,
        rules: Vec<Rule>,
        units: Vec<Unit>,
    ) -> Result<Agreement, Vec<AgreementError>> {
        // Zones are validated in parallel (big zones dominate), reported in zone order.
        let problems: Vec<Vec<ZoneProblem>> = zones.par_iter().map(Zone::problems).collect();
        Self::assemble(zones, problems, rules, units)
    }

    /// Like [`new`](Self::new), for zones whose geometry is known valid (a reader that
    /// validated each zone as it read it, to place its problems in the file): the
    /// geometry is not checked again; ids, rules and units are.
    pub fn from_valid_zones(
        zones: Vec<ValidZone>,
        rules: Vec<Rule>,
        units: Vec<Unit>,
    ) -> Result<Agreement, Vec<AgreementError>> {
        let problems = vec![Vec::new(); zones.len()];
        let zones = zones.into_iter().map(ValidZone::into_zone).collect();
        Self::assemble(zones, problems, rules, units)
    }

    /// The agreement, or every problem: `problems[i]` are zone `i`'s own.
    fn assemble(
        zones: Vec<Zone>,
        problems: Vec<Vec<ZoneProblem>>,
        mut rules: Vec<Rule>,
        units: Vec<Unit>,
    ) -> Result<Agreement, Vec<AgreementError>> {
        let mut errors = Vec::new();
        let mut zone_ids = HashSet::new();
        for (zone, problems) in zones.iter().zip(problems) {
            if !zone_ids.insert(zone.id.as_str()) {
                errors.push(AgreementError::DuplicateZone(zone.id.clone()));
            }
            for problem in problems {
                errors.push(AgreementError::Zone {
                    zone: zone.id.clone(),
                    problem,
                });
            }
        }
        let mut rule_ids = HashSet::new();
        for rule in &rules {
            if !rule_ids.insert(rule.id.as_str()) {
                errors.push(AgreementError::DuplicateRule(rule.id.clone()));
            }
            if let (Some(f), Some(u)) = (rule.from, rule.until)
                && f >= u
            {
                errors.push(AgreementError::EmptyWindow(rule.id.clone()));
            }
            let (listed, home) = match &rule.kind {
                RuleKind::KeepOut { zones, margin_m } => {
                    if !(margin_m.is_finite() && *margin_m >= 0.0) {
                        errors.push(AgreementError::BadMargin {
                            rule: rule.id.clone(),
                            value: *margin_m,
                        });
                    }
                    (zones, false)
                }
                RuleKind::StayIn { zones, home } => (zones, *home),
            };
            if listed.is_empty() && !home {
                errors.push(AgreementError::NoZones(rule.id.clone()));
            }
            for z in listed {
                if !zone_ids.contains(z.as_str()) {
                    errors.push(AgreementError::UnknownRuleZone {
                        rule: rule.id.clone(),
                        zone: z.clone(),
                    });
                }
            }
        }
        let mut unit_ids = HashSet::new();
        for unit in &units {
            if !unit_ids.insert(unit.id.as_str()) {
                errors.push(AgreementError::DuplicateUnit(unit.id.clone()));
            }
            if let Some(h) = &unit.home
                && !zone_ids.contains(h.as_str())
            {
                errors.push(AgreementError::UnknownHome {
                    unit: unit.id.clone(),
                    zone: h.clone(),
                });
            }
        }
        for rule in &rules {
            if let RuleKind::StayIn { home: true, .. } = rule.kind {
                for unit in &units {
                    if unit.home.is_none() && rule.covers_unit(&unit.id, unit.attributes.view()) {
                        errors.push(AgreementError::MissingHome {
                            rule: rule.id.clone(),
                            unit: unit.id.clone(),
                        });
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Agreement {
            zones,
            rules,
            units,
        })
    }

    /// The zones, in the order given.
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    /// The rules, sorted by id.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The units, in the order given.
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// Zone position by id.
    pub fn zone_positions(&self) -> HashMap<&str, usize> {
        self.zones
            .iter()
            .enumerate()
            .map(|(i, z)| (z.id.as_str(), i))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use geo::{LineString, MultiPolygon, Polygon};

    use super::*;
    use crate::{Coord, Shape, UnitFilter};

    fn square(id: &str, x: f64) -> Zone {
        let ring: Vec<(f64, f64)> = vec![(x, 0.0), (x + 1.0, 0.0), (x + 1.0, 1.0), (x, 1.0)];
        Zone {
            id: id.to_string(),
            name: None,
            shape: Shape::Area {
                polygons: MultiPolygon(vec![Polygon::new(LineString::from(ring), vec![])]),
                buffer_m: 0.0,
            },
        }
    }

    fn keep_out(id: &str, zones: &[&str]) -> Rule {
        Rule {
            id: id.to_string(),
            kind: RuleKind::KeepOut {
                zones: zones.iter().map(|z| z.to_string()).collect(),
                margin_m: 0.0,
            },
            from: None,
            until: None,
            who: UnitFilter::default(),
            except: None,
            options: Default::default(),
        }
    }

    #[test]
    fn a_crossing_ring_is_not_a_valid_zone() {
        let mut bowtie = square("bowtie", 0.0);
        if let Shape::Area { polygons, .. } = &mut bowtie.shape {
            let ring = vec![(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0)];
            polygons.0[0] = Polygon::new(LineString::from(ring), vec![]);
        }
        let problems = bowtie.problems();
        assert!(!problems.is_empty());
        let (back, found) = bowtie.clone().validated().unwrap_err();
        assert_eq!((back, found), (bowtie, problems));
        let camp = Zone {
            id: "camp".to_string(),
            name: None,
            shape: Shape::Circle {
                centre: Coord { x: 16.6, y: 31.0 },
                radius_m: 3000.0,
            },
        };
        assert_eq!(camp.clone().validated().unwrap().into_zone(), camp);
    }

    /// Valid zones skip only the geometry: ids, rules and units are checked as `new`
    /// checks them, and the same agreement comes out.
    #[test]
    fn valid_zones_make_the_agreement_new_makes() {
        let zones = vec![square("b", 0.0), square("a", 2.0)];
        let rules = vec![keep_out("z", &["a"]), keep_out("y", &["a", "b"])];
        let valid = |zones: &[Zone]| -> Vec<ValidZone> {
            zones
                .iter()
                .map(|z| z.clone().validated().unwrap())
                .collect()
        };
        let made = Agreement::from_valid_zones(valid(&zones), rules.clone(), vec![]).unwrap();
        let checked = Agreement::new(zones.clone(), rules, vec![]).unwrap();
        assert_eq!(made.zones(), checked.zones());
        assert_eq!(made.rules(), checked.rules());
        assert_eq!(made.rules()[0].id, "y");

        let twice = vec![square("a", 0.0), square("a", 2.0)];
        let bad_rules = vec![keep_out("r", &["nowhere"])];
        let expected = vec![
            AgreementError::DuplicateZone("a".to_string()),
            AgreementError::UnknownRuleZone {
                rule: "r".to_string(),
                zone: "nowhere".to_string(),
            },
        ];
        let err = Agreement::from_valid_zones(valid(&twice), bad_rules.clone(), vec![]);
        assert_eq!(err.unwrap_err(), expected);
        assert_eq!(
            Agreement::new(twice, bad_rules, vec![]).unwrap_err(),
            expected
        );
    }
}
