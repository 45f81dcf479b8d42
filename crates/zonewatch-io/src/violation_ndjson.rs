//! Violations as newline-delimited GeoJSON: one Feature per line (GeoJSONSeq without the
//! record separator).

use std::io::{self, BufWriter, Write};

use crate::violation_geojson::push_feature;
use crate::violation_writer::ViolationRow;

/// A one-feature-per-line sink.
pub(crate) struct ViolationNdJson<W: Write> {
    out: BufWriter<W>,
}

impl<W: Write> ViolationNdJson<W> {
    pub(crate) fn new(w: W) -> Self {
        ViolationNdJson {
            out: BufWriter::with_capacity(1 << 16, w),
        }
    }

    /// Writes rows formatted by [`format_row`].
    pub(crate) fn append(&mut self, rows: &[u8]) -> io::Result<()> {
        self.out.write_all(rows)
    }

    pub(crate) fn finish(self) -> io::Result<W> {
        self.out.into_inner().map_err(|e| e.into_error())
    }
}

/// Appends one violation as a line.
#[inline]
pub(crate) fn format_row(out: &mut Vec<u8>, row: &ViolationRow<'_>) {
    push_feature(out, row);
    out.push(b'\n');
}
