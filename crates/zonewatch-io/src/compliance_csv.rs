//! Compliance over time as CSV: one row per rule and UTC date.

use std::io::{self, Write};

use zonewatch_core::ComplianceDay;

use crate::ViolationNames;
use crate::violation_csv::finish_csv;

/// The columns of the compliance CSV, in order.
pub const COMPLIANCE_COLUMNS: [&str; 8] = [
    "date",
    "rule_id",
    "covered_units",
    "inside",
    "outside",
    "deadline_passed",
    "furthest_unit",
    "furthest_m",
];

/// Writes the compliance table as CSV with the header [`COMPLIANCE_COLUMNS`]: `date`
/// `YYYY-MM-DD` (UTC), counts at the end of that date, `deadline_passed` `true`/`false`,
/// and the unit furthest outside with its distance to its nearest allowed zone (metres,
/// 0 decimals; both empty when every unit is inside).
///
/// # Errors
/// Any error of the underlying writer.
pub fn write_compliance_csv<W: Write>(
    w: W,
    days: &[ComplianceDay],
    names: &impl ViolationNames,
) -> io::Result<W> {
    let mut csv = csv::WriterBuilder::new().from_writer(w);
    csv.write_record(COMPLIANCE_COLUMNS)?;
    for d in days {
        let (unit, metres) = match &d.furthest {
            Some((u, m)) => (u.as_str(), format!("{m:.0}")),
            None => ("", String::new()),
        };
        csv.write_record([
            d.date().as_str(),
            names.rule_id(d.rule),
            &d.covered_units.to_string(),
            &d.inside.to_string(),
            &d.outside.to_string(),
            if d.deadline_passed { "true" } else { "false" },
            unit,
            &metres,
        ])?;
    }
    finish_csv(csv)
}
