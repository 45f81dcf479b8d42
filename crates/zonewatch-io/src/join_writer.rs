//! Writing the spatial join as CSV: `point_id,zone_id`, one row per pair.

use std::io::{self, Write};

use crate::violation_csv::finish_csv;

/// Writes `(point id, zone id)` pairs as CSV with the header `point_id,zone_id`.
///
/// # Example
/// ```
/// use zonewatch_io::JoinWriter;
/// let mut w = JoinWriter::new(Vec::new()).unwrap();
/// w.write("p1", "dmz").unwrap();
/// assert_eq!(String::from_utf8(w.finish().unwrap()).unwrap(), "point_id,zone_id\np1,dmz\n");
/// ```
pub struct JoinWriter<W: Write> {
    csv: csv::Writer<W>,
}

impl<W: Write> JoinWriter<W> {
    /// A writer to `w`; writes the header.
    pub fn new(w: W) -> io::Result<Self> {
        let mut csv = csv::WriterBuilder::new()
            .buffer_capacity(1 << 16)
            .from_writer(w);
        csv.write_record(["point_id", "zone_id"])?;
        Ok(JoinWriter { csv })
    }

    /// Writes one pair.
    pub fn write(&mut self, point_id: &str, zone_id: &str) -> io::Result<()> {
        self.csv.write_record([point_id, zone_id])?;
        Ok(())
    }

    /// Flushes and returns `w`.
    pub fn finish(self) -> io::Result<W> {
        finish_csv(self.csv)
    }
}
