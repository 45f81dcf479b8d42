//! # zonewatch-io
//!
//! The file formats of zonewatch, converted to and from the core types — nothing else: no
//! checking (that is `zonewatch-core`), no command line (that is `zonewatch-cli`).
//!
//! ## Map
//! **The agreement**, read once and validated as a whole (every problem reported, each
//! located by file, line and column or feature, and field):
//! - [`read_zones`]: GeoJSON FeatureCollection → [`Zone`](zonewatch_core::Zone)s
//!   (polygons, circles from Points with `radius_m`, bands from lines with `buffer_m`).
//! - [`read_rules`]: TOML `[[rule]]` tables → [`Rule`](zonewatch_core::Rule)s.
//! - [`read_units`]: CSV `unit_id,side,class,role,foreign,home` → [`Unit`](zonewatch_core::Unit)s.
//! - [`load_agreement`]: all three, then [`Agreement::new`](zonewatch_core::Agreement::new),
//!   each problem placed in the file where it can be fixed; [`load_agreement_files`] from paths.
//! - Errors: [`InputError`] (source, [`Location`], field, [`ErrorKind`]); [`InputErrors`].
//!
//! **Reports**, streamed in bounded memory (one record or feature at a time):
//! - [`ReportReader`]: CSV, a GeoJSON FeatureCollection, or newline-delimited GeoJSON
//!   ([`ReportFormat`]) → chunks of [`Report`](zonewatch_core::Report)s, and [`Reject`]s
//!   for rows that cannot be reports (line, field, reason).
//! - [`PointReader`]: `(id, position)` pairs for the spatial join.
//! - [`ReportBlocks`] / [`PointBlocks`]: the same rows from CSV and NDJSON in blocks of
//!   whole lines ([`LineBlock`]), cut into pieces that can be parsed on different cores
//!   ([`ParsedReports`], [`ParsedPoints`]); the careful readers take over from the first
//!   quoted CSV field or overlong line, so every row comes out exactly as they read it.
//!
//! **Output**, one sink per format:
//! - [`ViolationWriter`]: violations as CSV, GeoJSON or NDJSON ([`OutputFormat`]), rule and
//!   zone names through [`ViolationNames`] (the run's `Checker`).
//! - [`RejectWriter`] and [`JoinWriter`]: CSV.
//! - [`ViolationRows`], [`JoinWriter::format_row`] and [`JoinRows`] (zone ids formatted
//!   once): rows formatted into byte buffers on any thread, appended in input order (the
//!   same bytes).
//! - Tracks (written once a run ends): [`write_incidents_csv`] / [`write_incidents_geojson`]
//!   (LineString tracks), [`write_events_ndjson`], [`write_compliance_csv`].
//!
//! - [`style`](ZoneRole): the palette shared by the GeoJSON outputs (simplestyle-spec
//!   properties) and the HTML report: [`zone_roles`], [`ZoneRole::style`].
//!
//! Data flows one way: text → readers → core types → `Checker` (in core) → violations →
//! writers → text.
//!
//! ## Conventions
//! - Every reader takes a *source name* (usually the path) used in messages and generated
//!   report ids. Lines are 1-based; columns are 1-based, in characters for TOML and in
//!   bytes for JSON (as serde_json counts); GeoJSON features are numbered from 0.
//! - Times are RFC 3339 with a UTC offset, never guessed when it is missing.
//! - Numbers are parsed with correct rounding (fast-float2), so the same digits give the
//!   same `f64` in CSV and in GeoJSON; written back, `lon`/`lat` are the shortest text
//!   that reads back to the same `f64`.
//! - A UTF-8 byte order mark and `\r\n` line ends are accepted everywhere.
//!
//! ## Example
//! ```
//! use zonewatch_core::{Confidence, RuleIndex, Violation, ZoneRef};
//! use zonewatch_io::{load_agreement, OutputFormat, ReportFormat, ReportReader, ViolationWriter};
//!
//! let zones = r#"{"type": "FeatureCollection", "features": [
//!   {"type": "Feature", "id": "dmz", "properties": {"name": "Sirte–Jufra DMZ"},
//!    "geometry": {"type": "Polygon",
//!                 "coordinates": [[[16.0, 29.5], [17.0, 29.5], [17.0, 31.0], [16.0, 31.0], [16.0, 29.5]]]}}]}"#;
//! let rules = "[[rule]]\nid = \"dmz\"\nkind = \"keep_out\"\nzones = [\"dmz\"]\nfrom = 2021-01-23T00:00:00Z\n";
//! let agreement = load_agreement((zones, "zones.geojson"), (rules, "rules.toml"), None).unwrap();
//!
//! let reports = "report_id,unit_id,time,lon,lat,accuracy_m\n\
//!                r1,LAAF-ARTY-2,2021-02-01T10:00:00+02:00,16.50,30.20,50\n\
//!                r2,LAAF-ARTY-2,2021-02-01T11:00:00,16.51,30.21,50\n";
//! let mut reader = ReportReader::new(Box::new(reports.as_bytes()), ReportFormat::Csv, "reports.csv").unwrap();
//! let (mut batch, mut rejects) = (Vec::new(), Vec::new());
//! while reader.read_chunk(10_000, &mut batch, &mut rejects).unwrap() {}
//! assert_eq!(batch.len(), 1);
//! assert_eq!(rejects[0].to_string(), "reports.csv:3: time: \"2021-02-01T11:00:00\" has no UTC offset \
//!     (add Z or ±HH:MM; a local time is never guessed)");
//!
//! // In a run the flags come from `Checker::check`; here, one made by hand.
//! let flag = Violation { rule: RuleIndex(0), zone: ZoneRef(0), confidence: Confidence::Confirmed, depth_m: 27_301.4 };
//! let mut out = ViolationWriter::new(Vec::new(), OutputFormat::Csv).unwrap();
//! out.write(&batch[0], &flag, &agreement).unwrap();
//! assert_eq!(
//!     String::from_utf8(out.finish().unwrap()).unwrap(),
//!     "report_id,unit_id,time,lon,lat,rule_id,zone_id,kind,confidence,depth_m\n\
//!      r1,LAAF-ARTY-2,2021-02-01T08:00:00Z,16.5,30.2,dmz,dmz,keep_out,confirmed,27301.40\n"
//! );
//! ```
#![warn(missing_docs)]
// Errors are on the cold path, and the Ok values they travel with (reports) are as large.
#![allow(clippy::result_large_err)]

mod agreement;
mod agreement_files;
mod collection_out;
mod compliance_csv;
mod csv_out;
mod csv_records;
mod csv_reports;
mod error;
mod event_ndjson;
mod feature_collection;
mod feature_in;
mod feature_scan;
mod flag;
mod incident_csv;
mod incident_geojson;
mod join_writer;
mod json_features;
mod json_reports;
mod json_value;
mod line_blocks;
mod ndjson_lines;
mod point_reader;
mod reject;
mod reject_writer;
mod report_blocks;
mod report_fields;
mod report_format;
mod report_reader;
mod rfc3339;
mod rules;
mod style;
mod styled_zones;
mod text_position;
mod units;
mod violation_csv;
mod violation_geojson;
mod violation_ndjson;
mod violation_writer;
mod zone_geometry;
mod zone_outline;
mod zones;

pub use agreement::load_agreement;
pub use agreement_files::load_agreement_files;
pub use compliance_csv::{COMPLIANCE_COLUMNS, write_compliance_csv};
pub use error::{ErrorKind, InputError, InputErrors, Location};
pub use event_ndjson::write_events_ndjson;
pub use incident_csv::{INCIDENT_COLUMNS, write_incidents_csv};
pub use incident_geojson::write_incidents_geojson;
pub use join_writer::{JoinRows, JoinWriter};
pub use point_reader::{PointId, PointReader};
pub use reject::Reject;
pub use reject_writer::RejectWriter;
pub use report_blocks::{
    LineBlock, ParsedPoints, ParsedReports, ParsedRows, PointBlock, PointBlocks, ReportBlock,
    ReportBlocks, ReportRow,
};
pub use report_format::{OutputFormat, ReportFormat, UnknownFormat};
pub use report_reader::{Input, ReportReader};
pub use rules::{parse_duration, read_rules};
pub use style::{
    AreaStyle, LineStyle, ZoneRole, confidence_color, incident_style, violation_json_properties,
    zone_categories, zone_roles,
};
pub use styled_zones::write_styled_zones;
pub use units::read_units;
pub use violation_writer::{VIOLATION_COLUMNS, ViolationNames, ViolationRows, ViolationWriter};
pub use zone_outline::{CIRCLE_VERTICES, zone_outline};
pub use zones::read_zones;
