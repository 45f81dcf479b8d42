//! Writing the spatial join as CSV: `point_id,zone_id`, one row per pair.

use std::io::{self, BufWriter, Write};

use crate::csv_out::{push_cell, push_row};

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

/// The zone ids of a join, each formatted once as the end of a row (`,zone_id\n`, quoted
/// as [`JoinWriter::format_row`] quotes), so that a point's rows cost its id's cell once
/// and a copy per zone.
///
/// # Example
/// ```
/// use zonewatch_io::{JoinRows, JoinWriter};
/// let rows = JoinRows::new(["dmz", "camp,1"]);
/// let mut out = Vec::new();
/// rows.push_rows(&mut out, "p1", [1, 0]);
/// let mut expected = Vec::new();
/// JoinWriter::<Vec<u8>>::format_row(&mut expected, "p1", "camp,1");
/// JoinWriter::<Vec<u8>>::format_row(&mut expected, "p1", "dmz");
/// assert_eq!(out, expected);
/// ```
#[derive(Clone, Debug)]
pub struct JoinRows {
    /// Each zone's `,zone_id\n`, one after another.
    ends: Vec<u8>,
    /// Zone `z`'s end is `ends[at[z]..at[z + 1]]`.
    at: Vec<usize>,
}

impl JoinRows {
    /// The row ends of `zone_ids`, in order: zone `z` is `zone_ids[z]`.
    pub fn new<'a>(zone_ids: impl IntoIterator<Item = &'a str>) -> JoinRows {
        let (mut ends, mut at) = (Vec::new(), vec![0]);
        for id in zone_ids {
            ends.push(b',');
            push_cell(&mut ends, id.as_bytes());
            ends.push(b'\n');
            at.push(ends.len());
        }
        JoinRows { ends, at }
    }

    /// Appends the rows of `point_id` with each of `zones` (indices into the ids given to
    /// [`new`](Self::new)), in that order: the bytes [`JoinWriter::format_row`] gives.
    ///
    /// # Panics
    /// When a zone index is not below the number of zone ids.
    #[inline]
    pub fn push_rows(
        &self,
        out: &mut Vec<u8>,
        point_id: &str,
        zones: impl IntoIterator<Item = usize>,
    ) {
        let start = out.len();
        let mut id_end = None;
        for z in zones {
            match id_end {
                None => {
                    push_cell(out, point_id.as_bytes());
                    id_end = Some(out.len());
                }
                Some(end) => out.extend_from_within(start..end),
            }
            out.extend_from_slice(&self.ends[self.at[z]..self.at[z + 1]]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_prepared_zones_are_the_rows_format_row_writes() {
        let zones = ["dmz", "", "a,b", "q\"uote", "line\nend", "cr\r", "plain id"];
        let rows = JoinRows::new(zones);
        for point in ["p1", "", "x,y", "\"", "é ü", "a\r\nb"] {
            for picks in [vec![], vec![0], vec![2, 0, 6], vec![1, 1], vec![3, 4, 5]] {
                let mut out = b"before\n".to_vec();
                rows.push_rows(&mut out, point, picks.iter().copied());
                let mut expected = b"before\n".to_vec();
                for &z in &picks {
                    JoinWriter::<Vec<u8>>::format_row(&mut expected, point, zones[z]);
                }
                assert_eq!(out, expected, "{point:?} {picks:?}");
            }
        }
    }
}
