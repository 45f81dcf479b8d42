//! Input errors: what is wrong, and where — the file, the line (and column) or the
//! feature, and the field.

use std::fmt;
use std::sync::Arc;

use zonewatch_core::{AgreementError, ZoneProblem};

/// Where in a file a problem lies.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Location {
    /// The file as a whole.
    #[default]
    None,
    /// A 1-based line (CSV, NDJSON).
    Line(u64),
    /// A 1-based line and column: in characters for TOML, in bytes for JSON (as
    /// serde_json counts them).
    LineColumn(u64, u64),
    /// A feature of a GeoJSON FeatureCollection: its 0-based index, and its id if known.
    Feature {
        /// Position in the `features` array, from 0.
        index: usize,
        /// The feature's id, when it has one.
        id: Option<String>,
    },
}

impl Location {
    /// The 1-based line, if the location has one.
    pub fn line(&self) -> Option<u64> {
        match self {
            Location::Line(l) | Location::LineColumn(l, _) => Some(*l),
            _ => None,
        }
    }
}

/// What is wrong with the input.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not well-formed JSON, TOML or CSV, or is cut short.
    #[error("{0}")]
    Syntax(String),
    /// Reading the input failed.
    #[error("read error: {0}")]
    Io(Arc<std::io::Error>),
    /// A required field or column is absent.
    #[error("is required but missing")]
    Missing,
    /// A value of the wrong type or outside its allowed range.
    #[error("{0}")]
    Invalid(String),
    /// An id used twice.
    #[error("duplicate id \"{id}\" (also used by {first})")]
    DuplicateId {
        /// The id.
        id: String,
        /// Where it was first used (`feature 2`, `line 7`).
        first: String,
    },
    /// A GeoJSON geometry type that no zone can be made of.
    #[error(
        "unsupported geometry type {0} (expected Polygon, MultiPolygon, Point, LineString or MultiLineString)"
    )]
    UnsupportedGeometry(String),
    /// A zone's geometry or distance is invalid.
    #[error("{0}")]
    Zone(ZoneProblem),
    /// Zones, rules and units do not fit together.
    #[error("{0}")]
    Agreement(AgreementError),
}

/// One problem in one input file, with where it is.
///
/// Displays as `source: location: field: problem`, e.g.
/// `zones.geojson: feature 3 (id "camp_x"): geometry: hole 1: ring is not closed (…)` or
/// `rules.toml:12:1: margn_m: unknown field …`.
#[derive(Clone, Debug)]
pub struct InputError {
    /// The file (or stream) name given by the caller.
    pub source: String,
    /// Where in it.
    pub location: Location,
    /// The field, column or key, when the problem is in one.
    pub field: Option<String>,
    /// What is wrong.
    pub kind: ErrorKind,
}

impl InputError {
    /// A new error.
    pub fn new(
        source: &str,
        location: Location,
        field: Option<&str>,
        kind: ErrorKind,
    ) -> InputError {
        InputError {
            source: source.to_string(),
            location,
            field: field.map(str::to_string),
            kind,
        }
    }

    /// An [`ErrorKind::Invalid`] error with the given message.
    pub fn invalid(
        source: &str,
        location: Location,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> InputError {
        InputError::new(source, location, field, ErrorKind::Invalid(message.into()))
    }

    /// An I/O error while reading `source`.
    pub fn io(source: &str, error: std::io::Error) -> InputError {
        InputError::new(source, Location::None, None, ErrorKind::Io(Arc::new(error)))
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)?;
        match &self.location {
            Location::None => {}
            Location::Line(l) => write!(f, ":{l}")?,
            Location::LineColumn(l, c) => write!(f, ":{l}:{c}")?,
            Location::Feature { index, id: None } => write!(f, ": feature {index}")?,
            Location::Feature {
                index,
                id: Some(id),
            } => write!(f, ": feature {index} (id {id:?})")?,
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for InputError {}

/// Every problem found in the inputs, in file order. Displays one per line.
#[derive(Clone, Debug, Default)]
pub struct InputErrors(pub Vec<InputError>);

impl InputErrors {
    /// The number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, InputError> {
        self.0.iter()
    }
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

impl From<InputError> for InputErrors {
    fn from(e: InputError) -> Self {
        InputErrors(vec![e])
    }
}

impl IntoIterator for InputErrors {
    type Item = InputError;
    type IntoIter = std::vec::IntoIter<InputError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a InputErrors {
    type Item = &'a InputError;
    type IntoIter = std::slice::Iter<'a, InputError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// `Ok(value)` when there are no errors.
pub(crate) fn all_or_errors<T>(value: T, errors: Vec<InputError>) -> Result<T, InputErrors> {
    if errors.is_empty() {
        Ok(value)
    } else {
        Err(InputErrors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zonewatch_core::GeometryPath;

    #[test]
    fn displays_source_location_field_and_problem() {
        let e = InputError::new(
            "zones.geojson",
            Location::Feature {
                index: 3,
                id: Some("camp_x".into()),
            },
            Some("geometry"),
            ErrorKind::Zone(ZoneProblem::UnclosedRing {
                at: GeometryPath {
                    part: None,
                    ring: Some(1),
                    vertex: None,
                },
            }),
        );
        assert_eq!(
            e.to_string(),
            "zones.geojson: feature 3 (id \"camp_x\"): geometry: hole 1: ring is not closed \
             (last position differs from the first)"
        );
        let e = InputError::invalid("units.csv", Location::Line(5), Some("foreign"), "bad");
        assert_eq!(e.to_string(), "units.csv:5: foreign: bad");
        let e = InputError::new(
            "rules.toml",
            Location::LineColumn(2, 7),
            None,
            ErrorKind::Syntax("oops".into()),
        );
        assert_eq!(e.to_string(), "rules.toml:2:7: oops");
        let e = InputError::new(
            "z",
            Location::Feature { index: 0, id: None },
            Some("id"),
            ErrorKind::Missing,
        );
        assert_eq!(e.to_string(), "z: feature 0: id: is required but missing");
        let all = InputErrors(vec![e.clone(), e]);
        assert_eq!(all.to_string().lines().count(), 2);
    }
}
