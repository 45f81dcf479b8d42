//! Units from CSV: `unit_id,side,class,role,foreign,home`.

use std::collections::HashMap;

use zonewatch_core::{Unit, UnitAttributes};

use crate::csv_records::{CsvRecords, Header};
use crate::error::{ErrorKind, InputError, InputErrors, Location, all_or_errors};
use crate::flag::{FLAG_EXPECTED, parse_flag};
use crate::text_position::strip_bom;

/// Reads the units table from CSV.
///
/// Columns (names in any letter case, surrounding spaces ignored, in any order):
/// `unit_id` (required), and optionally `side`, `class`, `role`, `foreign`
/// (`true`/`false`, `yes`/`no`, `1`/`0`) and `home` (a zone id). An empty cell is an absent
/// value; other columns are ignored. A UTF-8 byte order mark and `\r\n` line ends are fine.
///
/// # Errors
/// Every problem, each with its line and column name: a missing `unit_id` column, an
/// empty `unit_id`, a bad `foreign` flag, a row with the wrong number of fields, a
/// duplicate unit id (naming both lines).
///
/// # Example
/// ```
/// let units = zonewatch_io::read_units("unit_id,side,home\nLAAF-ARTY-2,LAAF,\n", "units.csv").unwrap();
/// assert_eq!(units[0].attributes.side.as_deref(), Some("LAAF"));
/// assert_eq!(units[0].home, None);
/// ```
pub fn read_units(text: &str, source: &str) -> Result<Vec<Unit>, InputErrors> {
    let (units, errors) = parse_units(text, source);
    all_or_errors(units.into_iter().map(|u| u.unit).collect(), errors)
}

/// A unit and the line it is on.
pub(crate) struct LocatedUnit {
    pub(crate) unit: Unit,
    pub(crate) line: u64,
}

pub(crate) fn parse_units(text: &str, source: &str) -> (Vec<LocatedUnit>, Vec<InputError>) {
    let mut records = CsvRecords::new(strip_bom(text).as_bytes());
    let mut errors = Vec::new();
    let mut units = Vec::new();
    // Reading from memory cannot fail.
    let Ok(Some(header_line)) = records.next_record() else {
        errors.push(InputError::invalid(
            source,
            Location::Line(1),
            Some("unit_id"),
            "no header line (empty file)",
        ));
        return (units, errors);
    };
    let header = Header::from_record(&records.record);
    let mut column = |name: &str| match header.find(&[name]) {
        Ok(c) => c,
        Err(message) => {
            errors.push(InputError::invalid(
                source,
                Location::Line(header_line),
                Some(name),
                message,
            ));
            None
        }
    };
    let (id, side, class, role, foreign, home) = (
        column("unit_id"),
        column("side"),
        column("class"),
        column("role"),
        column("foreign"),
        column("home"),
    );
    let Some(id) = id else {
        if errors.is_empty() {
            let at = Location::Line(header_line);
            errors.push(InputError::new(
                source,
                at,
                Some("unit_id"),
                ErrorKind::Missing,
            ));
        }
        return (units, errors);
    };
    let mut first_line: HashMap<String, u64> = HashMap::new();
    while let Ok(Some(line)) = records.next_record() {
        let at = Location::Line(line);
        if records.record.len() != header.len() {
            let message = format!(
                "expected {} fields, as in the header, found {}",
                header.len(),
                records.record.len()
            );
            errors.push(InputError::invalid(source, at, None, message));
            continue;
        }
        // Always valid UTF-8: the text is a str and fields split at ASCII bytes.
        let text = |c: Option<usize>| {
            c.map(|c| String::from_utf8_lossy(records.field(c)).into_owned())
                .filter(|s| !s.is_empty())
        };
        let Some(unit_id) = text(Some(id)) else {
            errors.push(InputError::new(
                source,
                at,
                Some("unit_id"),
                ErrorKind::Missing,
            ));
            continue;
        };
        let flag = match foreign.map(|c| records.field(c)).filter(|f| !f.is_empty()) {
            None => None,
            Some(f) => match parse_flag(f) {
                Some(b) => Some(b),
                None => {
                    let message =
                        format!("{FLAG_EXPECTED}, found {:?}", String::from_utf8_lossy(f));
                    errors.push(InputError::invalid(source, at, Some("foreign"), message));
                    continue;
                }
            },
        };
        if let Some(&first) = first_line.get(&unit_id) {
            let kind = ErrorKind::DuplicateId {
                id: unit_id,
                first: format!("line {first}"),
            };
            errors.push(InputError::new(source, at, Some("unit_id"), kind));
            continue;
        }
        first_line.insert(unit_id.clone(), line);
        let attributes = UnitAttributes {
            side: text(side),
            class: text(class),
            role: text(role),
            foreign: flag,
        };
        units.push(LocatedUnit {
            unit: Unit {
                id: unit_id,
                attributes,
                home: text(home),
            },
            line,
        });
    }
    (units, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        match read_units(text, "units.csv") {
            Ok(u) => panic!("expected errors, got {} units", u.len()),
            Err(e) => e.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn reads_units_with_bom_crlf_any_column_order_and_extra_columns() {
        let text = "\u{feff}Home, UNIT_ID ,notes,foreign,side\r\ncamp_a,LAAF-1,x,Yes,LAAF\r\n,GNA-1,,,\r\n";
        let units = read_units(text, "units.csv").unwrap();
        assert_eq!(
            units,
            vec![
                Unit {
                    id: "LAAF-1".into(),
                    attributes: UnitAttributes {
                        side: Some("LAAF".into()),
                        foreign: Some(true),
                        ..Default::default()
                    },
                    home: Some("camp_a".into()),
                },
                Unit {
                    id: "GNA-1".into(),
                    attributes: UnitAttributes::default(),
                    home: None
                },
            ]
        );
        assert_eq!(read_units("unit_id,side\n", "u").unwrap(), vec![]);
    }

    #[test]
    fn every_bad_row_is_reported_with_line_and_field() {
        let text = "unit_id,foreign,home\na,maybe,\n\n,1,\nb,0\nc,no,x\na,no,\n";
        assert_eq!(
            errors(text),
            [
                "units.csv:2: foreign: expected true/false, yes/no or 1/0, found \"maybe\"",
                "units.csv:4: unit_id: is required but missing",
                "units.csv:5: expected 3 fields, as in the header, found 2",
                // Line 7 repeats "a", but line 2's "a" was rejected: no duplicate to report.
            ]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
        );
    }

    #[test]
    fn duplicates_name_the_first_line() {
        assert_eq!(
            errors("unit_id\nx\ny\nx\n"),
            ["units.csv:4: unit_id: duplicate id \"x\" (also used by line 2)"]
        );
    }

    #[test]
    fn header_problems() {
        assert_eq!(
            errors("side,role\n"),
            ["units.csv:1: unit_id: is required but missing"]
        );
        assert_eq!(
            errors(""),
            ["units.csv:1: unit_id: no header line (empty file)"]
        );
        assert_eq!(
            errors("unit_id,side,SIDE\n"),
            ["units.csv:1: side: columns 'side' and 'side' both give side"]
        );
    }
}
