//! Violations as a GeoJSON FeatureCollection of Point features.

use std::io::{self, BufWriter, Write};
use std::ops::Range;

use crate::csv_out::{any_word_hits, has_byte, has_byte_below};
use crate::style::violation_json_properties;
use crate::violation_writer::{ViolationRow, push_coordinate, push_depth};

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
pub(crate) fn format_row(out: &mut Vec<u8>, row: &ViolationRow<'_>) {
    out.extend_from_slice(b",\n");
    push_feature(out, row);
}

/// Appends one violation as a GeoJSON Point Feature (one line, no line end) whose
/// properties are the output columns, then its simplestyle-spec marker properties.
/// Strings are escaped as serde_json escapes them; a number that is not finite is `null`.
/// The coordinates are formatted once, and copied into the properties.
pub(crate) fn push_feature(out: &mut Vec<u8>, row: &ViolationRow<'_>) {
    out.extend_from_slice(
        b"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[",
    );
    let lon = push_number(out, |out| push_coordinate(out, row.lon));
    out.push(b',');
    let lat = push_number(out, |out| push_coordinate(out, row.lat));
    out.extend_from_slice(b"]},\"properties\":{\"report_id\":");
    push_json_str(out, row.report_id);
    out.extend_from_slice(b",\"unit_id\":");
    push_json_str(out, row.unit_id);
    out.extend_from_slice(b",\"time\":\"");
    row.time.push_rfc3339(out);
    out.extend_from_slice(b"\",\"lon\":");
    out.extend_from_within(lon);
    out.extend_from_slice(b",\"lat\":");
    out.extend_from_within(lat);
    out.extend_from_slice(b",\"rule_id\":");
    push_json_str(out, row.rule_id);
    out.extend_from_slice(b",\"zone_id\":");
    push_json_str(out, row.zone_id);
    // The kind and the confidence are fixed names that need no escaping.
    out.extend_from_slice(b",\"kind\":\"");
    out.extend_from_slice(row.kind.as_bytes());
    out.extend_from_slice(b"\",\"confidence\":\"");
    out.extend_from_slice(row.confidence.name().as_bytes());
    out.extend_from_slice(b"\",\"depth_m\":");
    push_number(out, |out| push_depth(out, row.depth_m));
    out.extend_from_slice(violation_json_properties(row.confidence).as_bytes());
    out.extend_from_slice(b"}}");
}

/// Appends a number with `push` (which says whether it was finite), or `null`; returns
/// where its text is in `out`.
#[inline]
fn push_number(out: &mut Vec<u8>, push: impl FnOnce(&mut Vec<u8>) -> bool) -> Range<usize> {
    let start = out.len();
    if !push(out) {
        out.extend_from_slice(b"null");
    }
    start..out.len()
}

/// Appends `s` as a JSON string, escaped as `serde_json` escapes it: a string without a
/// control character, `"` or `\` (every id in practice) is written between quotes as it
/// is; the others through serde_json.
#[inline]
pub(crate) fn push_json_str(out: &mut Vec<u8>, s: &str) {
    let escaped =
        |word| has_byte_below(word, 0x20) || has_byte(word, b'"') || has_byte(word, b'\\');
    if any_word_hits(s.as_bytes(), escaped) {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
        return;
    }
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pushed(s: &str) -> String {
        let mut out = b"[".to_vec();
        push_json_str(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    /// Every character that serde_json escapes, and others, at every place of strings of
    /// 0 to 20 characters.
    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let chars = (0u8..128)
            .map(char::from)
            .chain(['é', '€', '😀', '\u{80}', '\u{2028}']);
        for c in chars {
            for len in 0..=20 {
                for at in 0..len {
                    let s: String = (0..len).map(|k| if k == at { c } else { 'x' }).collect();
                    assert_eq!(
                        pushed(&s),
                        format!("[{}", serde_json::to_string(&s).unwrap())
                    );
                }
            }
        }
        assert_eq!(pushed(""), "[\"\"");
    }

    proptest::proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(s in proptest::prelude::any::<String>()) {
            proptest::prop_assert_eq!(pushed(&s), format!("[{}", serde_json::to_string(&s).unwrap()));
        }
    }
}
