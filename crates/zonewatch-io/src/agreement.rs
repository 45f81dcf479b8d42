//! Loading a whole agreement: zones, rules and units read and checked together, every
//! problem of every file reported at once, each in the file where it can be fixed.

use std::collections::{HashMap, HashSet};

use zonewatch_core::{Agreement, AgreementError, RuleKind, ZoneProblem};

use crate::error::{ErrorKind, InputError, InputErrors, Location};
use crate::rules::{LocatedRule, parse_rules};
use crate::units::{LocatedUnit, parse_units};
use crate::zones::parse_zones;

/// Reads zones (GeoJSON), rules (TOML) and, optionally, units (CSV), each given as
/// `(text, source name)`, and validates them together with [`Agreement::new`].
///
/// # Errors
/// Every problem of every file, in file order (zones, rules, units): each file's own
/// problems as [`read_zones`](crate::read_zones), [`read_rules`](crate::read_rules) and
/// [`read_units`](crate::read_units) report them, then the problems between files, each
/// placed where it can be fixed — an unknown zone in a rule at that zone id in the rules
/// file (line and column), an unknown home zone or a homeless unit under a `stay_in
/// "home"` rule at the unit's line in the units file. A rules file with no rule at all is
/// an error (nothing would be checked), and so is a units file with no units. References to zones that exist but
/// are broken are not reported again as unknown; when the zones file cannot be read at
/// all, no reference to a zone is reported.
///
/// # Example
/// ```
/// let zones = r#"{"type": "FeatureCollection", "features": [
///   {"type": "Feature", "id": "camp", "properties": {"radius_m": 3000},
///    "geometry": {"type": "Point", "coordinates": [16.6117, 31.0606]}}]}"#;
/// let rules = "[[rule]]\nid = \"back-to-camp\"\nkind = \"stay_in\"\nzones = [\"home\"]\n";
/// let units = "unit_id,side,home\nLAAF-1,LAAF,camp\nGNA-1,GNA,\n";
/// let errors = zonewatch_io::load_agreement(
///     (zones, "zones.geojson"),
///     (rules, "rules.toml"),
///     Some((units, "units.csv")),
/// )
/// .unwrap_err();
/// assert_eq!(
///     errors.to_string(),
///     "units.csv:3: home: rule 'back-to-camp' (stay_in \"home\") covers unit 'GNA-1', which has no home zone"
/// );
/// ```
pub fn load_agreement(
    zones: (&str, &str),
    rules: (&str, &str),
    units: Option<(&str, &str)>,
) -> Result<Agreement, InputErrors> {
    let parsed_zones = parse_zones(zones.0, zones.1);
    let (located_rules, rule_errors) = parse_rules(rules.0, rules.1);
    let (located_units, unit_errors) = units.map(|(t, s)| parse_units(t, s)).unwrap_or_default();
    let zones_readable = parsed_zones
        .errors
        .iter()
        .all(|e| matches!(e.location, Location::Feature { .. }));
    let places = Places {
        zones_source: zones.1,
        rules_source: rules.1,
        units_source: units.map_or("", |u| u.1),
        zone_index: parsed_zones
            .zones
            .iter()
            .map(|z| (z.zone.zone().id.clone(), z.index))
            .collect(),
        rules: located_rules
            .iter()
            .map(|r| (r.rule.id.clone(), r))
            .collect(),
        units: located_units
            .iter()
            .map(|u| (u.unit.id.clone(), u))
            .collect(),
        broken_zones: &parsed_zones.broken_ids,
        zones_readable,
    };
    let units_given_but_none = units.is_some() && located_units.is_empty();
    let mut by_file = [parsed_zones.errors.clone(), rule_errors, unit_errors];
    // An agreement with no rules would flag nothing, silently: an empty or all-comment
    // rules file is a mistake, not a policy.
    if located_rules.is_empty() && by_file[RULES].is_empty() {
        by_file[RULES].push(InputError::invalid(
            rules.1,
            Location::None,
            None,
            "no [[rule]] tables: an agreement without rules checks nothing",
        ));
    }
    // Likewise a units file with no units: without a table, every unit would be known.
    if units_given_but_none && by_file[UNITS].is_empty() {
        by_file[UNITS].push(InputError::invalid(
            units.map_or("", |u| u.1),
            Location::None,
            None,
            "no units (the file has no rows): list the units, or leave the units file out",
        ));
    }
    // Each zone was validated as it was read (its problems are placed in the file).
    let result = Agreement::from_valid_zones(
        parsed_zones.zones.into_iter().map(|z| z.zone).collect(),
        located_rules.iter().map(|r| r.rule.clone()).collect(),
        located_units.iter().map(|u| u.unit.clone()).collect(),
    );
    if let Err(problems) = &result {
        for p in problems {
            if let Some((file, e)) = places.locate(p) {
                by_file[file].push(e);
            }
        }
    }
    let errors: Vec<InputError> = by_file.into_iter().flatten().collect();
    match result {
        Ok(agreement) if errors.is_empty() => Ok(agreement),
        _ => Err(InputErrors(errors)),
    }
}

/// Where each id came from, to place the agreement's problems in the files.
struct Places<'a> {
    zones_source: &'a str,
    rules_source: &'a str,
    units_source: &'a str,
    zone_index: HashMap<String, usize>,
    rules: HashMap<String, &'a LocatedRule>,
    units: HashMap<String, &'a LocatedUnit>,
    broken_zones: &'a HashSet<String>,
    zones_readable: bool,
}

const ZONES: usize = 0;
const RULES: usize = 1;
const UNITS: usize = 2;

impl Places<'_> {
    /// The file (0 zones, 1 rules, 2 units) and the located error for a problem, or `None`
    /// when it only repeats one already reported.
    fn locate(&self, problem: &AgreementError) -> Option<(usize, InputError)> {
        let kind = ErrorKind::Agreement(problem.clone());
        let rule_at = |id: &str, pick: fn(&LocatedRule) -> (u64, u64)| {
            self.rules.get(id).map_or(Location::None, |r| {
                let (l, c) = pick(r);
                Location::LineColumn(l, c)
            })
        };
        let unit_at = |id: &str| {
            self.units
                .get(id)
                .map_or(Location::None, |u| Location::Line(u.line))
        };
        let zone_at = |id: &str| match self.zone_index.get(id) {
            Some(&index) => Location::Feature {
                index,
                id: Some(id.to_string()),
            },
            None => Location::None,
        };
        let known_elsewhere = |zone: &str| self.broken_zones.contains(zone) || !self.zones_readable;
        let (file, location, field) = match problem {
            AgreementError::Zone { zone, problem } => {
                let field = if matches!(problem, ZoneProblem::BadDistance { .. }) {
                    "properties"
                } else {
                    "geometry"
                };
                (ZONES, zone_at(zone), Some(field))
            }
            AgreementError::DuplicateZone(id) => (ZONES, zone_at(id), Some("id")),
            AgreementError::DuplicateRule(id) => (RULES, rule_at(id, |r| r.at), Some("id")),
            AgreementError::DuplicateUnit(id) => (UNITS, unit_at(id), Some("unit_id")),
            AgreementError::UnknownRuleZone { zone, .. } if known_elsewhere(zone) => return None,
            AgreementError::UnknownRuleZone { rule, zone } => {
                let at = self.rules.get(rule.as_str()).and_then(|r| {
                    let listed = match &r.rule.kind {
                        RuleKind::KeepOut { zones, .. } | RuleKind::StayIn { zones, .. } => zones,
                    };
                    let i = listed.iter().position(|z| z == zone)?;
                    r.zones_at.get(i).map(|&(l, c)| Location::LineColumn(l, c))
                });
                (
                    RULES,
                    at.unwrap_or_else(|| rule_at(rule, |r| r.zone_list_at)),
                    Some("zones"),
                )
            }
            AgreementError::NoZones(rule) => {
                (RULES, rule_at(rule, |r| r.zone_list_at), Some("zones"))
            }
            AgreementError::BadMargin { rule, .. } => {
                (RULES, rule_at(rule, |r| r.margin_at), Some("margin_m"))
            }
            AgreementError::EmptyWindow(rule) => {
                (RULES, rule_at(rule, |r| r.from_at), Some("from"))
            }
            AgreementError::UnknownHome { zone, .. } if known_elsewhere(zone) => return None,
            AgreementError::UnknownHome { unit, .. } | AgreementError::MissingHome { unit, .. } => {
                (UNITS, unit_at(unit), Some("home"))
            }
            _ => (RULES, Location::None, None),
        };
        let source = [self.zones_source, self.rules_source, self.units_source][file];
        Some((file, InputError::new(source, location, field, kind)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZONES_TEXT: &str = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "id": "camp", "properties": {"radius_m": 3000},
   "geometry": {"type": "Point", "coordinates": [16.6117, 31.0606]}},
  {"type": "Feature", "id": "dmz",
   "geometry": {"type": "Polygon", "coordinates": [[[16,30],[17,30],[17,31],[16,30.5]]]}}
]}"#;

    fn load(zones: &str, rules: &str, units: Option<&str>) -> Result<Agreement, Vec<String>> {
        load_agreement(
            (zones, "zones.geojson"),
            (rules, "rules.toml"),
            units.map(|u| (u, "units.csv")),
        )
        .map_err(|e| e.iter().map(|e| e.to_string()).collect())
    }

    #[test]
    fn reports_all_files_problems_together_each_in_its_file() {
        let rules = "[[rule]]\nid = \"out\"\nkind = \"keep_out\"\nzones = [\"dmz\", \"nowhere\"]\n\
                     [[rule]]\nid = \"home\"\nkind = \"stay_in\"\nzones = [\"home\"]\nmargin_m = 3\n\
                     [[rule]]\nid = \"in\"\nkind = \"stay_in\"\nzones = [\"home\", \"camp\"]\n";
        let units = "unit_id,home\nA,camp\nB,\nC,lost\nD,dmz\nA,\n";
        assert_eq!(
            load(ZONES_TEXT, rules, Some(units)).unwrap_err(),
            [
                "zones.geojson: feature 1 (id \"dmz\"): geometry: exterior ring: ring is not closed \
                 (last position differs from the first)",
                "rules.toml:9:12: margin_m: applies only to keep_out rules",
                // "dmz" is broken, not unknown: only "nowhere" is reported, at its column.
                "rules.toml:4:17: zones: rule 'out': unknown zone 'nowhere'",
                "units.csv:6: unit_id: duplicate id \"A\" (also used by line 2)",
                "units.csv:4: home: unit 'C': home zone 'lost' does not exist",
                "units.csv:3: home: rule 'in' (stay_in \"home\") covers unit 'B', which has no home zone",
            ]
        );
    }

    #[test]
    fn a_sound_agreement_loads() {
        let rules = "[[rule]]\nid = \"in\"\nkind = \"stay_in\"\nzones = [\"home\"]\n";
        let zones = ZONES_TEXT.replace("[16,30.5]]", "[16,30.5],[16,30]]");
        let a = load(&zones, rules, Some("unit_id,home\nA,camp\nB,dmz\n")).unwrap();
        assert_eq!(a.zones().len(), 2);
        assert_eq!(a.units().len(), 2);
    }

    #[test]
    fn an_empty_rules_file_or_units_file_is_an_error_not_a_silent_no_op() {
        let zones = ZONES_TEXT.replace("[16,30.5]]", "[16,30.5],[16,30]]");
        assert_eq!(
            load(&zones, "# nothing yet\n", None).unwrap_err(),
            ["rules.toml: no [[rule]] tables: an agreement without rules checks nothing"]
        );
        let rules = "[[rule]]\nid = \"out\"\nkind = \"keep_out\"\nzones = [\"dmz\"]\n";
        assert_eq!(
            load(&zones, rules, Some("unit_id,home\n")).unwrap_err(),
            [
                "units.csv: no units (the file has no rows): list the units, or leave the units file out"
            ]
        );
    }

    #[test]
    fn an_unreadable_zones_file_does_not_make_every_zone_unknown() {
        let rules = "[[rule]]\nid = \"out\"\nkind = \"keep_out\"\nzones = [\"dmz\"]\n";
        assert_eq!(
            load("{", rules, None).unwrap_err(),
            ["zones.geojson:1:1: EOF while parsing an object (is the file truncated?)"]
        );
    }
}
