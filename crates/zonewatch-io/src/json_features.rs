//! GeoJSON Point features from either JSON layout — a FeatureCollection or one feature
//! per line — parsed one at a time with typed structs, positions placed in the whole file.

use std::io::BufRead;

use serde::Deserialize;
use zonewatch_core::Coord;

use crate::error::InputError;
use crate::feature_collection::{FeatureCollectionScanner, MAX_FEATURE_BYTES};
use crate::json_value::{Coordinates, Object, Scalar};
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

/// A GeoJSON Feature, as much of it as reports and points need.
#[derive(Deserialize)]
pub(crate) struct FeatureIn<'a> {
    #[serde(rename = "type", borrow, default)]
    pub(crate) kind: Scalar<'a>,
    #[serde(borrow, default)]
    pub(crate) id: Scalar<'a>,
    #[serde(borrow, default)]
    pub(crate) geometry: Option<Object<GeometryIn<'a>>>,
    #[serde(borrow, default)]
    pub(crate) properties: Option<Object<PropertiesIn<'a>>>,
}

#[derive(Deserialize)]
pub(crate) struct GeometryIn<'a> {
    #[serde(rename = "type", borrow, default)]
    pub(crate) kind: Scalar<'a>,
    #[serde(default)]
    pub(crate) coordinates: Coordinates,
}

/// The properties reports and points read; others are skipped.
#[derive(Deserialize, Default)]
pub(crate) struct PropertiesIn<'a> {
    #[serde(borrow, default)]
    pub(crate) report_id: Scalar<'a>,
    #[serde(borrow, default)]
    pub(crate) id: Scalar<'a>,
    #[serde(borrow, default)]
    pub(crate) unit_id: Scalar<'a>,
    #[serde(borrow, default)]
    pub(crate) time: Scalar<'a>,
    #[serde(borrow, default)]
    pub(crate) accuracy_m: Scalar<'a>,
    #[serde(borrow, default)]
    pub(crate) source: Scalar<'a>,
    #[serde(borrow, default)]
    pub(crate) side: Scalar<'a>,
    #[serde(borrow, default)]
    pub(crate) class: Scalar<'a>,
    #[serde(borrow, default)]
    pub(crate) role: Scalar<'a>,
    #[serde(borrow, default)]
    pub(crate) foreign: Scalar<'a>,
}

/// Parses the feature in `bytes`. A problem comes with the file line it is on.
pub(crate) fn parse_feature(
    bytes: &[u8],
    slot: FeatureSlot,
) -> Result<FeatureIn<'_>, (u64, RowProblem)> {
    if slot.oversize {
        let reason = format!("is larger than {} MiB", MAX_FEATURE_BYTES >> 20);
        return Err((
            slot.line,
            RowProblem {
                field: None,
                reason,
            },
        ));
    }
    let feature = match serde_json::from_slice::<Object<FeatureIn>>(bytes) {
        Ok(f) => f.0,
        Err(e) => {
            let (l, c) = (e.line() as u64, e.column() as u64);
            let (line, column) = if l <= 1 {
                (slot.line, slot.column + c.saturating_sub(1))
            } else {
                (slot.line + l - 1, c)
            };
            let message = crate::text_position::json_error_message(&e);
            let reason = format!("not a valid GeoJSON Feature: {message} (column {column})");
            return Err((
                line,
                RowProblem {
                    field: None,
                    reason,
                },
            ));
        }
    };
    match &feature.kind {
        Scalar::Str(s) if s != "Feature" => Err((
            slot.line,
            RowProblem::new("type", format!("expected \"Feature\", found {s:?}")),
        )),
        _ => Ok(feature),
    }
}

impl FeatureIn<'_> {
    /// The Point geometry's position, in range.
    pub(crate) fn point(&self) -> Result<Coord, RowProblem> {
        let Some(Object(g)) = &self.geometry else {
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
