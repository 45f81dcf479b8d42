//! zonewatch-io (in progress)
#![warn(missing_docs)]
// Errors are on the cold path, and the Ok values they travel with (reports) are as large.
#![allow(clippy::result_large_err)]

mod agreement;
mod csv_records;
mod csv_reports;
mod error;
mod feature_collection;
mod feature_in;
mod flag;
mod json_features;
mod json_reports;
mod json_value;
mod ndjson_lines;
mod point_reader;
mod reject;
mod report_fields;
mod report_format;
mod report_reader;
mod rfc3339;
mod rules;
mod text_position;
mod units;
mod zone_geometry;
mod zones;

pub use agreement::load_agreement;
pub use error::{ErrorKind, InputError, InputErrors, Location};
pub use point_reader::PointReader;
pub use reject::Reject;
pub use report_format::{OutputFormat, ReportFormat, UnknownFormat};
pub use report_reader::{Input, ReportReader};
pub use rules::read_rules;
pub use units::read_units;
pub use zones::read_zones;
