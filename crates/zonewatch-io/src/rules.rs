//! Rules from TOML: `[[rule]]` tables with `[rule.who]` and `[rule.except]` filters.
//!
//! The file is first parsed into a permissive, spanned table; then each rule is read on
//! its own with `deny_unknown_fields` and checked, so every rule's problems are reported,
//! each with its line and column.

use std::collections::HashMap;

use serde::Deserialize;
use std::time::Duration;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use zonewatch_core::{Rule, RuleKind, RuleOptions, Timestamp, UnitFilter};

use crate::error::{ErrorKind, InputError, InputErrors, Location, all_or_errors};
use crate::rfc3339::parse_rfc3339;
use crate::text_position::{line_column, strip_bom};

/// Reads the rules of an agreement from TOML.
///
/// ```toml
/// [[rule]]
/// id = "dmz"                     # unique
/// kind = "keep_out"              # keep_out | stay_in
/// zones = ["dmz_sirte_jufra"]    # stay_in: the word "home" allows each unit's home zone
/// margin_m = 0                   # keep_out only; default 0
/// from = "2021-01-23T00:00:00Z"  # optional, inclusive; RFC 3339 with an offset
/// until = 2021-12-31T00:00:00Z   # optional, exclusive; a TOML offset date-time also works
/// max_gap = "6h"                 # tracks: a longer silence ends an incident (default 6h)
/// min_duration = "90m"           # tracks: shorter incidents are transient (default 0s)
/// min_reports = 3                # tracks: incidents with fewer reports are transient (default 1)
/// hysteresis_m = 500             # tracks: an incident ends only 500 m back on the compliant side
/// hysteresis_time = "2h"         # tracks: ... and only once back for 2 h (default 0s)
/// [rule.who]                     # sides, classes, roles, foreign, units
/// sides = ["LAAF"]
/// [rule.except]
/// roles = ["monitor"]
/// ```
///
/// Unknown zone ids are found later, by [`load_agreement`](crate::load_agreement) (or
/// [`Agreement::new`](zonewatch_core::Agreement::new)).
///
/// # Errors
/// Every problem in the file, each with its line and column: TOML syntax, unknown keys,
/// values of the wrong type, a missing `id`, `kind` or `zones`, `margin_m` on a `stay_in`
/// rule, times without a UTC offset, empty time windows, empty filters, duplicate ids.
///
/// # Example
/// ```
/// let rules = zonewatch_io::read_rules(
///     "[[rule]]\nid = \"camps\"\nkind = \"stay_in\"\nzones = [\"home\"]\n",
///     "rules.toml",
/// )
/// .unwrap();
/// assert_eq!(rules[0].kind, zonewatch_core::RuleKind::StayIn { zones: vec![], home: true });
/// ```
pub fn read_rules(text: &str, source: &str) -> Result<Vec<Rule>, InputErrors> {
    let (rules, errors) = parse_rules(text, source);
    all_or_errors(rules.into_iter().map(|r| r.rule).collect(), errors)
}

/// A 1-based line and column.
pub(crate) type LineColumn = (u64, u64);

/// A rule and where its parts are in the file.
pub(crate) struct LocatedRule {
    pub(crate) rule: Rule,
    /// The `[[rule]]` header.
    pub(crate) at: LineColumn,
    /// Each zone id of the rule's list (as in `rule.kind`, "home" removed).
    pub(crate) zones_at: Vec<LineColumn>,
    /// The `zones` list.
    pub(crate) zone_list_at: LineColumn,
    /// The `from` value, else the header.
    pub(crate) from_at: LineColumn,
    /// The `margin_m` value, else the header.
    pub(crate) margin_at: LineColumn,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleIn {
    id: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    zones: Option<Spanned<Vec<Spanned<String>>>>,
    margin_m: Option<Spanned<f64>>,
    from: Option<Spanned<toml::Value>>,
    until: Option<Spanned<toml::Value>>,
    who: Option<Spanned<FilterIn>>,
    except: Option<Spanned<FilterIn>>,
    max_gap: Option<Spanned<String>>,
    min_duration: Option<Spanned<String>>,
    min_reports: Option<Spanned<i64>>,
    hysteresis_m: Option<Spanned<f64>>,
    hysteresis_time: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FilterIn {
    sides: Option<Spanned<Vec<String>>>,
    classes: Option<Spanned<Vec<String>>>,
    roles: Option<Spanned<Vec<String>>>,
    foreign: Option<bool>,
    units: Option<Spanned<Vec<String>>>,
}

pub(crate) fn parse_rules(text: &str, source: &str) -> (Vec<LocatedRule>, Vec<InputError>) {
    let text = strip_bom(text);
    let mut checker = RuleChecker {
        text,
        source,
        errors: Vec::new(),
    };
    let doc = match DeTable::parse(text) {
        Ok(doc) => doc,
        Err(e) => {
            let at = checker.position(e.span().map_or(0, |s| s.start));
            let message = e.message().trim_end().to_string();
            checker.errors.push(InputError::new(
                source,
                at,
                None,
                ErrorKind::Syntax(message),
            ));
            return (Vec::new(), checker.errors);
        }
    };
    let mut rules = Vec::new();
    for (key, value) in doc.get_ref() {
        if key.get_ref() != "rule" {
            let message = format!(
                "unknown key `{}`: the file holds [[rule]] tables",
                key.get_ref()
            );
            checker.invalid(key.span().start, None, message);
            continue;
        }
        let Some(array) = value.get_ref().as_array() else {
            checker.invalid(value.span().start, Some("rule"), "expected [[rule]] tables");
            continue;
        };
        for element in array.iter() {
            if let Some(rule) = checker.rule(element) {
                rules.push(rule);
            }
        }
    }
    let mut first_line: HashMap<&str, u64> = HashMap::new();
    let mut unique = Vec::with_capacity(rules.len());
    for r in &rules {
        if let Some(&first) = first_line.get(r.rule.id.as_str()) {
            let kind = ErrorKind::DuplicateId {
                id: r.rule.id.clone(),
                first: format!("the rule at line {first}"),
            };
            let at = Location::LineColumn(r.at.0, r.at.1);
            checker
                .errors
                .push(InputError::new(source, at, Some("id"), kind));
            unique.push(false);
        } else {
            first_line.insert(&r.rule.id, r.at.0);
            unique.push(true);
        }
    }
    let mut unique = unique.into_iter();
    rules.retain(|_| unique.next().unwrap_or(false));
    (rules, checker.errors)
}

struct RuleChecker<'t> {
    text: &'t str,
    source: &'t str,
    errors: Vec<InputError>,
}

impl RuleChecker<'_> {
    fn position(&self, offset: usize) -> Location {
        let (l, c) = line_column(self.text, offset);
        Location::LineColumn(l, c)
    }

    fn line_column(&self, offset: usize) -> LineColumn {
        line_column(self.text, offset)
    }

    fn invalid(&mut self, offset: usize, field: Option<&str>, message: impl Into<String>) {
        let at = self.position(offset);
        self.errors
            .push(InputError::invalid(self.source, at, field, message));
    }

    /// One `[[rule]]` table, or `None` after recording every problem found in it.
    fn rule(&mut self, element: &Spanned<DeValue<'_>>) -> Option<LocatedRule> {
        let header = element.span().start;
        if element.get_ref().as_table().is_none() {
            self.invalid(header, Some("rule"), "expected a table ([[rule]])");
            return None;
        }
        let raw = match RuleIn::deserialize(ValueDeserializer::from(element.clone())) {
            Ok(r) => r,
            Err(e) => {
                let at = e.span().map_or(header, |s| s.start);
                // A type error points at the value: name the key written before it.
                let key = key_before(self.text, at);
                self.invalid(at, key, e.message().trim_end().to_string());
                return None;
            }
        };
        let before = self.errors.len();
        let id = match &raw.id {
            Some(id) if id.get_ref().trim().is_empty() => {
                self.invalid(id.span().start, Some("id"), "is empty");
                None
            }
            Some(id) => Some(id.get_ref().clone()),
            None => {
                let at = self.position(header);
                self.errors.push(InputError::new(
                    self.source,
                    at,
                    Some("id"),
                    ErrorKind::Missing,
                ));
                None
            }
        };
        let zones = match &raw.zones {
            Some(z) => Some(z),
            None => {
                let at = self.position(header);
                self.errors.push(InputError::new(
                    self.source,
                    at,
                    Some("zones"),
                    ErrorKind::Missing,
                ));
                None
            }
        };
        let margin_at = raw.margin_m.as_ref().map_or(header, |m| m.span().start);
        let kind = match raw
            .kind
            .as_ref()
            .map(|k| (k.get_ref().as_str(), k.span().start))
        {
            Some(("keep_out", _)) => {
                let margin_m = raw.margin_m.as_ref().map_or(0.0, |m| *m.get_ref());
                if !(margin_m.is_finite() && margin_m >= 0.0) {
                    let message = format!("must be a finite number ≥ 0, not {margin_m}");
                    self.invalid(margin_at, Some("margin_m"), message);
                }
                zones.map(|z| {
                    (
                        RuleKind::KeepOut {
                            zones: ids(z),
                            margin_m,
                        },
                        z,
                    )
                })
            }
            Some(("stay_in", _)) => {
                if raw.margin_m.is_some() {
                    self.invalid(
                        margin_at,
                        Some("margin_m"),
                        "applies only to keep_out rules",
                    );
                }
                zones.map(|z| {
                    let home = z.get_ref().iter().any(|s| s.get_ref() == "home");
                    let listed = ids(z).into_iter().filter(|s| s != "home").collect();
                    (
                        RuleKind::StayIn {
                            zones: listed,
                            home,
                        },
                        z,
                    )
                })
            }
            Some((other, at)) => {
                self.invalid(
                    at,
                    Some("kind"),
                    format!("expected \"keep_out\" or \"stay_in\", found {other:?}"),
                );
                None
            }
            None => {
                let at = self.position(header);
                self.errors.push(InputError::new(
                    self.source,
                    at,
                    Some("kind"),
                    ErrorKind::Missing,
                ));
                None
            }
        };
        if let Some((
            RuleKind::KeepOut { zones, .. } | RuleKind::StayIn { zones, home: false },
            list,
        )) = &kind
            && zones.is_empty()
        {
            self.invalid(list.span().start, Some("zones"), "lists no zones");
        }
        let from = raw.from.as_ref().and_then(|t| self.time(t, "from"));
        let until = raw.until.as_ref().and_then(|t| self.time(t, "until"));
        let from_at = raw.from.as_ref().map_or(header, |t| t.span().start);
        if let (Some(f), Some(u)) = (from, until)
            && f >= u
        {
            self.invalid(
                from_at,
                Some("from"),
                "is not before until, so the rule is never in force",
            );
        }
        let who = raw
            .who
            .as_ref()
            .map(|w| self.filter(w, "who"))
            .unwrap_or_default();
        let except = raw.except.as_ref().map(|e| self.filter(e, "except"));
        if let Some(e) = &raw.except
            && except.as_ref().is_some_and(|f| *f == UnitFilter::default())
        {
            self.invalid(
                e.span().start,
                Some("except"),
                "has no filters, so it would exempt every unit",
            );
        }
        let options = self.options(&raw);
        let (id, (kind, zone_list)) = (id?, kind?);
        if self.errors.len() > before {
            return None;
        }
        let zones_at = zone_list
            .get_ref()
            .iter()
            .filter(|s| !(matches!(kind, RuleKind::StayIn { .. }) && s.get_ref() == "home"))
            .map(|s| self.line_column(s.span().start))
            .collect();
        Some(LocatedRule {
            rule: Rule {
                id,
                kind,
                from,
                until,
                who,
                except,
                options,
            },
            at: self.line_column(header),
            zones_at,
            zone_list_at: self.line_column(zone_list.span().start),
            from_at: self.line_column(from_at),
            margin_at: self.line_column(margin_at),
        })
    }

    fn time(&mut self, value: &Spanned<toml::Value>, field: &str) -> Option<Timestamp> {
        let at = value.span().start;
        let text = match value.get_ref() {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(d)
                if d.date.is_some() && d.time.is_some() && d.offset.is_none() =>
            {
                let message = format!(
                    "{d} has no UTC offset (add Z or ±HH:MM; a local time is never guessed)"
                );
                self.invalid(at, Some(field), message);
                return None;
            }
            toml::Value::Datetime(d) if d.offset.is_none() => {
                self.invalid(
                    at,
                    Some(field),
                    format!("{d} is not an instant (give a date, a time and an offset)"),
                );
                return None;
            }
            toml::Value::Datetime(d) => d.to_string(),
            other => {
                let message = format!(
                    "expected an RFC 3339 time like \"2021-01-23T00:00:00Z\", found {}",
                    other.type_str()
                );
                self.invalid(at, Some(field), message);
                return None;
            }
        };
        match parse_rfc3339(text.as_bytes()) {
            Ok(t) => Some(t),
            Err(e) => {
                self.invalid(at, Some(field), format!("{text:?} {e}"));
                None
            }
        }
    }

    /// The tracking options (`max_gap`, `min_duration`, `min_reports`, `hysteresis_m`).
    fn options(&mut self, raw: &RuleIn) -> RuleOptions {
        let mut options = RuleOptions::default();
        if let Some(d) = raw
            .max_gap
            .as_ref()
            .and_then(|d| self.duration(d, "max_gap"))
        {
            if d.is_zero() {
                self.invalid(
                    d_at(&raw.max_gap),
                    Some("max_gap"),
                    "must be longer than 0s",
                );
            }
            options.max_gap = d;
        }
        if let Some(d) = raw
            .min_duration
            .as_ref()
            .and_then(|d| self.duration(d, "min_duration"))
        {
            options.min_duration = d;
        }
        if let Some(n) = &raw.min_reports {
            match u32::try_from(*n.get_ref()) {
                Ok(v) if v >= 1 => options.min_reports = v,
                _ => self.invalid(
                    n.span().start,
                    Some("min_reports"),
                    format!("must be a whole number ≥ 1, not {}", n.get_ref()),
                ),
            }
        }
        if let Some(d) = raw
            .hysteresis_time
            .as_ref()
            .and_then(|d| self.duration(d, "hysteresis_time"))
        {
            options.hysteresis_time = d;
        }
        if let Some(h) = &raw.hysteresis_m {
            let v = *h.get_ref();
            if v.is_finite() && v >= 0.0 {
                options.hysteresis_m = v;
            } else {
                self.invalid(
                    h.span().start,
                    Some("hysteresis_m"),
                    format!("must be a finite number ≥ 0, not {v}"),
                );
            }
        }
        options
    }

    fn duration(&mut self, value: &Spanned<String>, field: &str) -> Option<Duration> {
        match parse_duration(value.get_ref()) {
            Some(d) => Some(d),
            None => {
                self.invalid(
                    value.span().start,
                    Some(field),
                    format!(
                        "{:?} is not a duration: write a whole number and a unit, like \"6h\", \"90m\", \"45s\" or \"2d\"",
                        value.get_ref()
                    ),
                );
                None
            }
        }
    }

    fn filter(&mut self, f: &Spanned<FilterIn>, table: &str) -> UnitFilter {
        let raw = f.get_ref();
        let mut list = |l: &Option<Spanned<Vec<String>>>, name: &str| {
            let l = l.as_ref()?;
            if l.get_ref().is_empty() {
                self.invalid(
                    l.span().start,
                    Some(&format!("{table}.{name}")),
                    "is empty, so it matches no unit",
                );
            }
            Some(l.get_ref().clone())
        };
        UnitFilter {
            sides: list(&raw.sides, "sides"),
            classes: list(&raw.classes, "classes"),
            roles: list(&raw.roles, "roles"),
            foreign: raw.foreign,
            units: list(&raw.units, "units"),
        }
    }
}

fn d_at(d: &Option<Spanned<String>>) -> usize {
    d.as_ref().map_or(0, |d| d.span().start)
}

/// A duration written as a whole number and a unit: `45s`, `90m`, `6h`, `2d`; units may
/// be combined, largest first (`1h30m`). `0s` is zero.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut last_unit = u64::MAX;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let unit = match &rest[..unit_len] {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return None,
        };
        if unit >= last_unit {
            return None;
        }
        last_unit = unit;
        rest = &rest[unit_len..];
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    Some(Duration::from_secs(total))
}

fn ids(zones: &Spanned<Vec<Spanned<String>>>) -> Vec<String> {
    zones
        .get_ref()
        .iter()
        .map(|s| s.get_ref().clone())
        .collect()
}

/// The key of `key = value` when `offset` is at the value, on the same line.
fn key_before(text: &str, offset: usize) -> Option<&str> {
    let before = text.get(..offset)?;
    let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
    let key = line[..line.rfind('=')?].trim();
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-.".contains(c);
    (!key.is_empty() && key.chars().all(plain)).then_some(key)
}

#[cfg(test)]
mod tests;
