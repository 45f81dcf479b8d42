//! The illustrative Sirte scenario, compiled into the binary so that `zonewatch check`
//! works with no files at all. See `data/sirte/README.md`.

/// Zones, GeoJSON.
pub const ZONES: &str = include_str!("../../../data/sirte/zones.geojson");
/// Rules, TOML.
pub const RULES: &str = include_str!("../../../data/sirte/rules.toml");
/// Units, CSV.
pub const UNITS: &str = include_str!("../../../data/sirte/units.csv");
/// Synthetic reports, CSV.
pub const REPORTS: &str = include_str!("../../../data/sirte/reports.csv");

/// Source names used in messages about the embedded files.
pub const ZONES_NAME: &str = "<embedded>/sirte/zones.geojson";
/// See [`ZONES_NAME`].
pub const RULES_NAME: &str = "<embedded>/sirte/rules.toml";
/// See [`ZONES_NAME`].
pub const UNITS_NAME: &str = "<embedded>/sirte/units.csv";
/// See [`ZONES_NAME`].
pub const REPORTS_NAME: &str = "<embedded>/sirte/reports.csv";
