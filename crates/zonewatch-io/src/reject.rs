//! Rejected report rows: which row, which field, and why. Nothing is dropped silently.

use std::fmt;

/// A row (CSV line, NDJSON line or GeoJSON feature) that could not become a report.
///
/// Displays as `reports.csv:17: time: "2021-01-23" is not an RFC 3339 time …`. For GeoJSON
/// features, `line` is where the feature starts (or where its JSON goes wrong) and the
/// reason ends with the feature's index, `(feature 12)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reject {
    /// The input's name, as given to the reader.
    pub source: String,
    /// The 1-based line.
    pub line: u64,
    /// The field at fault, when it is one field.
    pub field: Option<String>,
    /// Why the row was rejected.
    pub reason: String,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.source, self.line)?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_a_compiler_message() {
        let r = Reject {
            source: "reports.csv".into(),
            line: 17,
            field: Some("time".into()),
            reason: "bad".into(),
        };
        assert_eq!(r.to_string(), "reports.csv:17: time: bad");
        let r = Reject { field: None, ..r };
        assert_eq!(r.to_string(), "reports.csv:17: bad");
    }
}
