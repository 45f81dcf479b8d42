//! A GeoJSON FeatureCollection written feature by feature, one feature per line.

use std::io::{self, BufWriter, Write};

use serde::Serialize;

/// Writes `features` (each serialised by serde) as a FeatureCollection: the opening,
/// then each feature on a line of its own after `,\n` (the first after `\n`), then `\n]}\n`.
///
/// # Errors
/// Any error of the underlying writer, or of serialising a feature.
pub(crate) fn write_collection<W: Write, F: Serialize>(
    w: W,
    features: impl IntoIterator<Item = F>,
) -> io::Result<W> {
    let mut out = BufWriter::with_capacity(1 << 16, w);
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")?;
    for (n, feature) in features.into_iter().enumerate() {
        out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut out, &feature)?;
    }
    out.write_all(b"\n]}\n")?;
    out.into_inner().map_err(|e| e.into_error())
}
