//! The file formats of reports (input) and violations (output), by name or file extension.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// The format of a file of position reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReportFormat {
    /// CSV with a header line.
    Csv,
    /// A GeoJSON FeatureCollection of Point features, read one feature at a time.
    GeoJson,
    /// Newline-delimited GeoJSON: one Feature per line (GeoJSONSeq; a leading RS is fine).
    NdJson,
}

/// The format of a file of violations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OutputFormat {
    /// CSV with a header line.
    Csv,
    /// A GeoJSON FeatureCollection of Point features.
    GeoJson,
    /// One GeoJSON Feature per line.
    NdJson,
}

/// A format name that is not known.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown format '{0}' (expected csv, geojson or ndjson)")]
pub struct UnknownFormat(pub String);

/// The three formats, by lower-case extension or name.
#[derive(Clone, Copy)]
enum Kind {
    Csv,
    GeoJson,
    NdJson,
}

fn kind_of_extension(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "csv" => Some(Kind::Csv),
        "geojson" | "json" => Some(Kind::GeoJson),
        "geojsonl" | "geojsons" | "ndjson" | "jsonl" => Some(Kind::NdJson),
        _ => None,
    }
}

fn kind_of_name(name: &str) -> Result<Kind, UnknownFormat> {
    match name.to_ascii_lowercase().as_str() {
        "csv" => Ok(Kind::Csv),
        "geojson" | "json" => Ok(Kind::GeoJson),
        "ndjson" | "geojsonl" | "geojsons" | "geojsonseq" | "jsonl" => Ok(Kind::NdJson),
        _ => Err(UnknownFormat(name.to_string())),
    }
}

macro_rules! format_impls {
    ($t:ident) => {
        impl $t {
            /// The format a file's extension implies: `.csv`; `.geojson` or `.json`;
            /// `.geojsonl`, `.geojsons`, `.ndjson` or `.jsonl` (any letter case).
            pub fn from_path(path: &Path) -> Option<Self> {
                kind_of_extension(path).map(Self::from_kind)
            }

            fn from_kind(k: Kind) -> Self {
                match k {
                    Kind::Csv => $t::Csv,
                    Kind::GeoJson => $t::GeoJson,
                    Kind::NdJson => $t::NdJson,
                }
            }

            /// The format's name: `csv`, `geojson` or `ndjson`.
            pub fn name(self) -> &'static str {
                match self {
                    $t::Csv => "csv",
                    $t::GeoJson => "geojson",
                    $t::NdJson => "ndjson",
                }
            }
        }

        /// Parses `csv`, `geojson` (or `json`), `ndjson` (or `geojsonl`, `geojsons`,
        /// `geojsonseq`, `jsonl`), in any letter case.
        impl FromStr for $t {
            type Err = UnknownFormat;
            fn from_str(s: &str) -> Result<Self, UnknownFormat> {
                kind_of_name(s).map(Self::from_kind)
            }
        }

        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

format_impls!(ReportFormat);
format_impls!(OutputFormat);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_extensions_and_names() {
        let f = |p: &str| ReportFormat::from_path(Path::new(p));
        assert_eq!(f("a/reports.csv"), Some(ReportFormat::Csv));
        assert_eq!(f("r.GeoJSON"), Some(ReportFormat::GeoJson));
        assert_eq!(f("r.json"), Some(ReportFormat::GeoJson));
        for p in ["r.geojsonl", "r.geojsons", "r.ndjson", "r.jsonl"] {
            assert_eq!(f(p), Some(ReportFormat::NdJson), "{p}");
        }
        assert_eq!(f("r.txt"), None);
        assert_eq!(f("reports"), None);
        assert_eq!(
            OutputFormat::from_path(Path::new("v.ndjson")),
            Some(OutputFormat::NdJson)
        );
        assert_eq!("CSV".parse::<ReportFormat>(), Ok(ReportFormat::Csv));
        assert_eq!("geojson".parse::<OutputFormat>(), Ok(OutputFormat::GeoJson));
        assert_eq!("ndjson".parse::<OutputFormat>(), Ok(OutputFormat::NdJson));
        assert_eq!(
            "xml".parse::<ReportFormat>().unwrap_err().to_string(),
            "unknown format 'xml' (expected csv, geojson or ndjson)"
        );
        assert_eq!(OutputFormat::GeoJson.to_string(), "geojson");
    }
}
