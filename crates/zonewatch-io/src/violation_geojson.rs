//! Violations as a GeoJSON FeatureCollection of Point features.

use std::io::{self, BufWriter, Write};

use crate::style::violation_json_properties;
use crate::violation_writer::{Scratch, ViolationRow};

/// A FeatureCollection sink: the collection is opened on creation and closed by `finish`.
pub(crate) struct ViolationGeoJson<W: Write> {
    out: BufWriter<W>,
    first: bool,
}

impl<W: Write> ViolationGeoJson<W> {
    pub(crate) fn new(w: W) -> io::Result<Self> {
        let mut out = BufWriter::with_capacity(1 << 16, w);
        out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")?;
        Ok(ViolationGeoJson { out, first: true })
    }

    pub(crate) fn write(&mut self, row: &ViolationRow<'_>, s: &Scratch) -> io::Result<()> {
        self.out
            .write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        write_feature(&mut self.out, row, s)
    }

    /// Writes features formatted by [`format_row`], each after a `,\n`: the first
    /// feature of the collection gets `\n` instead.
    pub(crate) fn append(&mut self, rows: &[u8]) -> io::Result<()> {
        let rows = match rows.strip_prefix(b",") {
            Some(rest) if self.first => {
                self.first = false;
                rest
            }
            _ => rows,
        };
        self.out.write_all(rows)
    }

    pub(crate) fn finish(mut self) -> io::Result<W> {
        self.out.write_all(b"\n]}\n")?;
        self.out.into_inner().map_err(|e| e.into_error())
    }
}

/// Appends one violation as a feature of the collection, after its `,\n` separator (see
/// [`ViolationGeoJson::append`]).
#[inline]
pub(crate) fn format_row(out: &mut Vec<u8>, row: &ViolationRow<'_>, s: &Scratch) {
    out.extend_from_slice(b",\n");
    // Writing to a Vec cannot fail.
    let _ = write_feature(out, row, s);
}

/// Writes one violation as a GeoJSON Point Feature (one line, no line end) whose
/// properties are the output columns, then its simplestyle-spec marker properties. Strings are escaped by serde_json.
pub(crate) fn write_feature<W: Write>(
    out: &mut W,
    row: &ViolationRow<'_>,
    s: &Scratch,
) -> io::Result<()> {
    out.write_all(b"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[")?;
    write!(out, "{},{}", num(&s.lon), num(&s.lat))?;
    out.write_all(b"]},\"properties\":{\"report_id\":")?;
    serde_json::to_writer(&mut *out, row.report_id)?;
    out.write_all(b",\"unit_id\":")?;
    serde_json::to_writer(&mut *out, row.unit_id)?;
    write!(
        out,
        ",\"time\":\"{}\",\"lon\":{},\"lat\":{},\"rule_id\":",
        s.time,
        num(&s.lon),
        num(&s.lat)
    )?;
    serde_json::to_writer(&mut *out, row.rule_id)?;
    out.write_all(b",\"zone_id\":")?;
    serde_json::to_writer(&mut *out, row.zone_id)?;
    write!(
        out,
        ",\"kind\":\"{}\",\"confidence\":\"{}\",\"depth_m\":{}",
        row.kind,
        row.confidence.name(),
        num(&s.depth)
    )?;
    out.write_all(violation_json_properties(row.confidence).as_bytes())?;
    out.write_all(b"}}")
}

/// A formatted number, or `null` for the empty text of a non-finite one.
fn num(text: &str) -> &str {
    if text.is_empty() { "null" } else { text }
}
