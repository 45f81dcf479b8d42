//! An agreement: its zones, rules and units, validated as a whole.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;

use crate::{Rule, RuleKind, Unit, Zone, ZoneProblem};

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
        mut rules: Vec<Rule>,
        units: Vec<Unit>,
    ) -> Result<Agreement, Vec<AgreementError>> {
        let mut errors = Vec::new();
        let mut zone_ids = HashSet::new();
        // Zones are validated in parallel (big zones dominate), reported in zone order.
        let problems: Vec<Vec<ZoneProblem>> = zones.par_iter().map(Zone::problems).collect();
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
