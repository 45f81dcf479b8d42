//! Violations as CSV.

use std::io::{self, Write};

use crate::violation_writer::{Scratch, VIOLATION_COLUMNS, ViolationRow};

/// A CSV sink: quoting by the `csv` writer, which also buffers.
pub(crate) struct ViolationCsv<W: Write> {
    csv: csv::Writer<W>,
}

impl<W: Write> ViolationCsv<W> {
    pub(crate) fn new(w: W) -> io::Result<Self> {
        let mut csv = csv::WriterBuilder::new()
            .buffer_capacity(1 << 16)
            .from_writer(w);
        csv.write_record(VIOLATION_COLUMNS)?;
        Ok(ViolationCsv { csv })
    }

    pub(crate) fn write(&mut self, row: &ViolationRow<'_>, s: &Scratch) -> io::Result<()> {
        let fields: [&str; 10] = [
            row.report_id,
            row.unit_id,
            &s.time,
            &s.lon,
            &s.lat,
            row.rule_id,
            row.zone_id,
            row.kind,
            row.confidence,
            &s.depth,
        ];
        self.csv.write_record(fields)?;
        Ok(())
    }

    pub(crate) fn finish(self) -> io::Result<W> {
        finish_csv(self.csv)
    }
}

/// Flushes a CSV writer and returns what it wrote to.
pub(crate) fn finish_csv<W: Write>(csv: csv::Writer<W>) -> io::Result<W> {
    csv.into_inner()
        .map_err(|e| io::Error::new(e.error().kind(), e.error().to_string()))
}
