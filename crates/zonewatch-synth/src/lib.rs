//! # zonewatch-synth
//!
//! Deterministic synthetic data for stress tests and benchmarks: zone sets in the Sirte
//! area and position reports around them. Pure: no files, no clock, no environment; the
//! same seed gives the same bytes on every machine (the random stream is SplitMix64,
//! written here, so no dependency update can change it).
//!
//! ## Map
//! - [`stress_zones`]: ~300 polygon zones, ~340k vertices — a buffered frontline, a
//!   district with holes, a fractal coast strip, multipolygons, large areas, 260 camps;
//!   all valid, ring orientations mixed, many edges axis-aligned.
//! - [`distance_zones`]: circles (`Point` + `radius_m`), line bands (`LineString` +
//!   `buffer_m`) and grown polygons (`Polygon` + `buffer_m`).
//! - [`reports`]: a stream of [`SynthReport`]s near any zone set — uniform background,
//!   clusters around zones, and [`Probe`]s exactly on vertices, on axis-aligned edges and
//!   on slanted edges (of camps drawn on a binary grid), and interpolated on slanted edges.
//! - [`write_zones`] and [`ReportWriter`]: the text forms zonewatch reads (GeoJSON zones;
//!   CSV, NDJSON or GeoJSON reports), written one item at a time.
//!
//! Data flows: seed → zones → (zones, seed, count) → reports → writers → bytes.
//! `zonewatch gen zones` / `zonewatch gen reports N` are the command-line face.
//!
//! ## Example
//! ```
//! use zonewatch_synth::{DEFAULT_SEED, ReportText, ReportWriter, reports, stress_zones};
//!
//! let zones = stress_zones(DEFAULT_SEED);
//! assert_eq!(zones.len(), 300);
//! let mut out = ReportWriter::new(Vec::new(), ReportText::Csv).unwrap();
//! for r in reports(&zones, DEFAULT_SEED, 3) {
//!     out.write(&r).unwrap();
//! }
//! let csv = String::from_utf8(out.finish().unwrap()).unwrap();
//! assert_eq!(csv.lines().count(), 4);
//! assert!(csv.starts_with("report_id,unit_id,time,lon,lat,accuracy_m\nr0,U"));
//! ```
#![warn(missing_docs)]

mod distance_zones;
mod report_text;
mod reports;
mod rings;
mod rng;
mod stress_zones;
mod zones_geojson;

pub use distance_zones::distance_zones;
pub use report_text::{ReportText, ReportWriter};
pub use reports::{Probe, Reports, SynthReport, reports};
pub use rng::Rng;
pub use stress_zones::{SIRTE_AREA, stress_zones};
pub use zones_geojson::write_zones;

/// The default seed: 23 October 2020, the day the Libyan ceasefire was signed.
pub const DEFAULT_SEED: u64 = 20_201_023;
