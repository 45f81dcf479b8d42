//! Writing rejected rows as CSV: `source,line,field,reason`.

use std::io::{self, Write};

use crate::Reject;
use crate::violation_csv::finish_csv;

/// Writes [`Reject`]s as CSV with the header `source,line,field,reason` (an absent field
/// is an empty cell).
///
/// # Example
/// ```
/// use zonewatch_io::{Reject, RejectWriter};
/// let mut w = RejectWriter::new(Vec::new()).unwrap();
/// let r = Reject { source: "reports.csv".into(), line: 17, field: Some("lat".into()), reason: "is missing".into() };
/// w.write(&r).unwrap();
/// assert_eq!(String::from_utf8(w.finish().unwrap()).unwrap(), "source,line,field,reason\nreports.csv,17,lat,is missing\n");
/// ```
pub struct RejectWriter<W: Write> {
    csv: csv::Writer<W>,
    line: String,
}

impl<W: Write> RejectWriter<W> {
    /// A writer to `w`; writes the header.
    pub fn new(w: W) -> io::Result<Self> {
        let mut csv = csv::WriterBuilder::new()
            .buffer_capacity(1 << 16)
            .from_writer(w);
        csv.write_record(["source", "line", "field", "reason"])?;
        Ok(RejectWriter {
            csv,
            line: String::new(),
        })
    }

    /// Writes one rejected row.
    pub fn write(&mut self, reject: &Reject) -> io::Result<()> {
        use std::fmt::Write as _;
        self.line.clear();
        let _ = write!(self.line, "{}", reject.line);
        let field = reject.field.as_deref().unwrap_or("");
        self.csv
            .write_record([reject.source.as_str(), &self.line, field, &reject.reason])?;
        Ok(())
    }

    /// Flushes and returns `w`.
    pub fn finish(self) -> io::Result<W> {
        finish_csv(self.csv)
    }
}
