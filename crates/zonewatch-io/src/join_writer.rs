//! Writing the spatial join as CSV: `point_id,zone_id`, one row per pair.

use std::io::{self, BufWriter, Write};

use crate::csv_out::push_row;

/// Writes `(point id, zone id)` pairs as CSV with the header `point_id,zone_id`, quoted
/// as the `csv` crate quotes.
///
/// Rows can also be formatted elsewhere — on other threads, into byte buffers — with
/// [`JoinWriter::format_row`], and the buffers written in order with
/// [`append`](Self::append); the bytes are the same.
///
/// # Example
/// ```
/// use zonewatch_io::JoinWriter;
/// let mut w = JoinWriter::new(Vec::new()).unwrap();
/// w.write("p1", "dmz").unwrap();
/// let mut rows = Vec::new();
/// JoinWriter::<Vec<u8>>::format_row(&mut rows, "p,2", "camp");
/// w.append(&rows).unwrap();
/// assert_eq!(
///     String::from_utf8(w.finish().unwrap()).unwrap(),
///     "point_id,zone_id\np1,dmz\n\"p,2\",camp\n"
/// );
/// ```
pub struct JoinWriter<W: Write> {
    out: BufWriter<W>,
    row: Vec<u8>,
}

impl<W: Write> JoinWriter<W> {
    /// A writer to `w`; writes the header.
    pub fn new(w: W) -> io::Result<Self> {
        let mut out = BufWriter::with_capacity(1 << 16, w);
        out.write_all(b"point_id,zone_id\n")?;
        Ok(JoinWriter {
            out,
            row: Vec::new(),
        })
    }

    /// Writes one pair.
    pub fn write(&mut self, point_id: &str, zone_id: &str) -> io::Result<()> {
        self.row.clear();
        Self::format_row(&mut self.row, point_id, zone_id);
        self.out.write_all(&self.row)
    }

    /// Appends the row of one pair to `out`, as [`write`](Self::write) would write it.
    #[inline]
    pub fn format_row(out: &mut Vec<u8>, point_id: &str, zone_id: &str) {
        push_row(out, &[point_id.as_bytes(), zone_id.as_bytes()]);
    }

    /// Writes rows formatted by [`format_row`](Self::format_row).
    pub fn append(&mut self, rows: &[u8]) -> io::Result<()> {
        self.out.write_all(rows)
    }

    /// Flushes and returns `w`.
    pub fn finish(self) -> io::Result<W> {
        self.out.into_inner().map_err(|e| e.into_error())
    }
}
