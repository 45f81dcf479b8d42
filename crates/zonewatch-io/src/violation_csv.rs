//! Violations as CSV.

use std::io::{self, BufWriter, Write};

use crate::csv_out::{push_cell, push_row};

use crate::violation_writer::{VIOLATION_COLUMNS, ViolationRow, push_coordinate, push_depth};

/// A CSV sink, quoting as the `csv` crate does.
pub(crate) struct ViolationCsv<W: Write> {
    out: BufWriter<W>,
}

impl<W: Write> ViolationCsv<W> {
    pub(crate) fn new(w: W) -> io::Result<Self> {
        let mut out = BufWriter::with_capacity(1 << 16, w);
        let mut header = Vec::new();
        push_row(&mut header, &VIOLATION_COLUMNS.map(str::as_bytes));
        out.write_all(&header)?;
        Ok(ViolationCsv { out })
    }

    /// Writes rows formatted by [`format_row`].
    pub(crate) fn append(&mut self, rows: &[u8]) -> io::Result<()> {
        self.out.write_all(rows)
    }

    pub(crate) fn finish(self) -> io::Result<W> {
        self.out.into_inner().map_err(|e| e.into_error())
    }
}

/// Appends one violation row. The ids are quoted where they need it; the other cells
/// never do (digits, signs, `.`, `:`, `T`, `Z`, and the fixed names of kinds and
/// confidences), so they are written without the scan; a number that is not finite is an
/// empty cell.
#[inline]
pub(crate) fn format_row(out: &mut Vec<u8>, row: &ViolationRow<'_>) {
    push_cell(out, row.report_id.as_bytes());
    out.push(b',');
    push_cell(out, row.unit_id.as_bytes());
    out.push(b',');
    row.time.push_rfc3339(out);
    out.push(b',');
    push_coordinate(out, row.lon);
    out.push(b',');
    push_coordinate(out, row.lat);
    out.push(b',');
    push_cell(out, row.rule_id.as_bytes());
    out.push(b',');
    push_cell(out, row.zone_id.as_bytes());
    for plain in [row.kind, row.confidence.name()] {
        out.push(b',');
        out.extend_from_slice(plain.as_bytes());
    }
    out.push(b',');
    push_depth(out, row.depth_m);
    out.push(b'\n');
}

/// Flushes a CSV writer and returns what it wrote to.
pub(crate) fn finish_csv<W: Write>(csv: csv::Writer<W>) -> io::Result<W> {
    csv.into_inner()
        .map_err(|e| io::Error::new(e.error().kind(), e.error().to_string()))
}
