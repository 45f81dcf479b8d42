//! GeoJSON Point features from either JSON layout — a FeatureCollection or one feature
//! per line — parsed one at a time with typed structs, positions placed in the whole file.

use std::io::BufRead;

use zonewatch_core::Coord;

use crate::error::InputError;
use crate::feature_collection::{FeatureCollectionScanner, MAX_FEATURE_BYTES};
use crate::feature_in::{FeatureIn, read_feature};
use crate::feature_scan::LineShapes;
use crate::json_value::{Coordinates, Scalar};
use crate::ndjson_lines::NdjsonLines;
use crate::report_fields::{RowProblem, check_position};
use crate::{Reject, ReportFormat};

/// Features, one at a time, from a FeatureCollection or from newline-delimited GeoJSON.
pub(crate) enum JsonFeatures<R> {
    Collection(FeatureCollectionScanner<R>),
    Lines(NdjsonLines<R>),
}

/// Where the current feature is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FeatureSlot {
    /// 1-based line and column (bytes) of its first byte.
    pub(crate) line: u64,
    pub(crate) column: u64,
    /// In a collection, the index in `features`; in NDJSON, the 0-based non-blank line.
    pub(crate) number: u64,
    pub(crate) in_collection: bool,
    /// Too large to keep: not read.
    pub(crate) oversize: bool,
}

impl FeatureSlot {
    /// A reject for this feature at `line`: in a collection, the reason ends with the
    /// feature's index.
    pub(crate) fn reject(&self, source: &str, line: u64, problem: RowProblem) -> Reject {
        problem.into_reject(
            source,
            line,
            self.in_collection.then_some(self.number as usize),
        )
    }

    /// The id of a report that has none: `{source}#{index}` in a collection,
    /// `{source}:{line}` in NDJSON.
    pub(crate) fn generated_id(&self, source: &str) -> String {
        if self.in_collection {
            crate::report_fields::generated_id(source, '#', self.number)
        } else {
            crate::report_fields::generated_id(source, ':', self.line)
        }
    }
}

impl<R: BufRead> JsonFeatures<R> {
    /// Reads from `input` in the given JSON layout (`format` is not CSV).
    pub(crate) fn new(input: R, format: ReportFormat, source: &str) -> Self {
        match format {
            ReportFormat::NdJson => JsonFeatures::Lines(NdjsonLines::new(input, source)),
            _ => JsonFeatures::Collection(FeatureCollectionScanner::new(input, source)),
        }
    }

    /// Newline-delimited features from `input`, which starts at line `first_line` of a file.
    pub(crate) fn resume_lines(input: R, source: &str, first_line: u64) -> Self {
        JsonFeatures::Lines(NdjsonLines::resume(input, source, first_line))
    }

    /// The next feature, or `None` at the end.
    ///
    /// # Errors
    /// Fatal problems only (I/O; in a collection, a broken or truncated structure).
    pub(crate) fn next(&mut self) -> Result<Option<FeatureSlot>, InputError> {
        Ok(match self {
            JsonFeatures::Collection(c) => c.next_feature()?.map(|f| FeatureSlot {
                line: f.line,
                column: f.column,
                number: f.index as u64,
                in_collection: true,
                oversize: f.too_large,
            }),
            JsonFeatures::Lines(l) => l.next_line()?.map(|l| FeatureSlot {
                line: l.line,
                column: 1,
                number: l.row,
                in_collection: false,
                oversize: l.too_long,
            }),
        })
    }

    /// The current feature's bytes.
    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            JsonFeatures::Collection(c) => c.feature(),
            JsonFeatures::Lines(l) => l.text(),
        }
    }
}

/// Parses the feature in `bytes` into `out`. A problem comes with the file line it is on.
pub(crate) fn parse_feature<'b>(
    bytes: &'b [u8],
    slot: FeatureSlot,
    out: &mut FeatureIn<'b>,
) -> Result<(), (u64, RowProblem)> {
    let problem = |reason: String| RowProblem {
        field: None,
        reason,
    };
    if slot.oversize {
        let reason = format!("is larger than {} MiB", MAX_FEATURE_BYTES >> 20);
        return Err((slot.line, problem(reason)));
    }
    // One UTF-8 check for the whole feature (then serde_json need not check each string).
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let before = &bytes[..e.valid_up_to()];
            let newlines = before.iter().filter(|&&b| b == b'\n').count() as u64;
            let column = match before.iter().rposition(|&b| b == b'\n') {
                Some(i) => (before.len() - i) as u64,
                None => slot.column + before.len() as u64,
            };
            let reason = format!("is not valid UTF-8 (column {column})");
            return Err((slot.line + newlines, problem(reason)));
        }
    };
    if let Err(e) = read_feature(text, out) {
        let (l, c) = (e.line() as u64, e.column() as u64);
        let (line, column) = if l <= 1 {
            (slot.line, slot.column + c.saturating_sub(1))
        } else {
            (slot.line + l - 1, c)
        };
        let message = crate::text_position::json_error_message(&e);
        let reason = format!("not a valid GeoJSON Feature: {message} (column {column})");
        return Err((line, problem(reason)));
    }
    check_kind(out, slot)
}

/// As [`parse_feature`] for a line of newline-delimited GeoJSON, trying first the layout
/// of earlier lines and the hand-written scanner ([`LineShapes::scan_feature`], whose
/// state `shapes` is kept per run of lines): the careful parse runs only for the lines
/// they give up on, so the result is the careful one either way, only sooner.
#[inline]
pub(crate) fn parse_feature_line<'b>(
    bytes: &'b [u8],
    slot: FeatureSlot,
    out: &mut FeatureIn<'b>,
    shapes: &mut LineShapes,
) -> Result<(), (u64, RowProblem)> {
    if !slot.oversize
        && let Ok(text) = std::str::from_utf8(bytes)
    {
        if shapes.scan_feature(text, out) {
            return check_kind(out, slot);
        }
        *out = FeatureIn::default();
    }
    parse_feature(bytes, slot, out)
}

/// A Feature's `type`, when it is a string, must be `Feature`.
fn check_kind(out: &FeatureIn<'_>, slot: FeatureSlot) -> Result<(), (u64, RowProblem)> {
    match &out.kind {
        Scalar::Str(s) if s != "Feature" => Err((
            slot.line,
            RowProblem::new("type", format!("expected \"Feature\", found {s:?}")),
        )),
        _ => Ok(()),
    }
}

impl FeatureIn<'_> {
    /// The Point geometry's position, in range.
    pub(crate) fn point(&self) -> Result<Coord, RowProblem> {
        let Some(g) = &self.geometry else {
            return Err(RowProblem::new(
                "geometry",
                "is null or missing; a Point is needed",
            ));
        };
        match &g.kind {
            Scalar::Str(s) if s == "Point" => {}
            Scalar::Str(s) => {
                return Err(RowProblem::new(
                    "geometry",
                    format!("is a {s}, not a Point"),
                ));
            }
            _ => {
                return Err(RowProblem::new(
                    "geometry",
                    "has no type; a Point is needed",
                ));
            }
        }
        match g.coordinates {
            Coordinates::Position(x, y) => check_position(x, y, ("geometry", "geometry")),
            Coordinates::Missing => Err(RowProblem::new("geometry", "has no coordinates")),
            Coordinates::Nested => Err(RowProblem::new(
                "geometry",
                "coordinates are not a single position",
            )),
            Coordinates::Invalid => Err(RowProblem::new(
                "geometry",
                "coordinates are not [lon, lat] numbers",
            )),
        }
    }
}
