//! Command-line arguments: what the user typed, before it is resolved into settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// zonewatch: check position reports against the zones and rules of a ceasefire agreement.
///
/// Exit codes: 0 success; 1 violations found with --fail-on-violation; 2 bad input or usage.
#[derive(Debug, Parser)]
#[command(name = "zonewatch", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check reports against the agreement's rules and write the violations.
    ///
    /// Without --zones and --rules, the embedded illustrative Sirte scenario is used; with
    /// no REPORTS either, its embedded reports are checked too.
    Check(CheckArgs),
    /// Spatial join: every (point, zone) pair where the zone covers (or contains) the point.
    Join(JoinArgs),
    /// Validate zones, rules and units (or zones alone); report every problem found.
    Validate(ValidateArgs),
    /// Generate deterministic stress data: zones, reports.
    Gen(crate::r#gen::GenArgs),
}

/// Where the agreement comes from.
#[derive(Debug, Args)]
pub struct AgreementArgs {
    /// Zones, a GeoJSON FeatureCollection [default: the embedded Sirte zones].
    #[arg(long, value_name = "FILE")]
    pub zones: Option<PathBuf>,
    /// Rules, TOML [default: the embedded Sirte rules].
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Units, CSV `unit_id,side,class,role,foreign,home` [default: the embedded Sirte units
    /// when the zones and rules are embedded, else none].
    #[arg(long, value_name = "FILE")]
    pub units: Option<PathBuf>,
}

/// `zonewatch validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub agreement: AgreementArgs,
    /// Also write the zones as GeoJSON styled by role (simplestyle-spec: forbidden red,
    /// allowed green, corridors purple, references grey), for geojson.io or QGIS. Circles,
    /// bands and grown polygons are drawn as polygons (display only; see docs/formats.md).
    #[arg(long, value_name = "FILE")]
    pub styled_zones: Option<PathBuf>,
}

/// How the input is read and rejects are handled.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Input format [default: from each file's extension; csv for stdin].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,
    /// Write rejected rows (file, line, field, reason) to this CSV file.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,
    /// Stop at the first bad row instead of rejecting it and carrying on.
    #[arg(long)]
    pub strict: bool,
    /// Worker threads [default: all cores].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Reports read, checked and written per chunk (memory is bounded by this).
    #[arg(long, value_name = "N", default_value_t = 65_536, value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk_size: u32,
    /// Print no summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub agreement: AgreementArgs,
    #[command(flatten)]
    pub input: InputArgs,
    /// Write violations here [default: stdout].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format [default: from the output file's extension, else csv].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<OutputFormat>,
    /// Exit with code 1 when any violation is found.
    #[arg(long)]
    pub fail_on_violation: bool,
    #[command(flatten)]
    pub tracks: crate::tracks::TrackArgs,
    /// Write a self-contained HTML map report here: zones, violations, incidents,
    /// compliance over time, the run's accounting and its inputs' SHA-256 (works offline).
    #[arg(long, value_name = "FILE.html")]
    pub report: Option<PathBuf>,
    /// Report files (CSV, GeoJSON, newline-delimited GeoJSON); `-` reads stdin.
    #[arg(value_name = "REPORTS")]
    pub reports: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct JoinArgs {
    /// Zones, a GeoJSON FeatureCollection.
    #[arg(long, value_name = "FILE")]
    pub zones: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    /// Write `point_id,zone_id` rows here [default: stdout].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// covers: on the edge counts (ST_Covers); contains: strictly inside (ST_Contains).
    #[arg(long, value_enum, default_value_t = JoinPredicate::Covers)]
    pub predicate: JoinPredicate,
    /// Point files (CSV with lon/lat columns, or GeoJSON/NDJSON points); `-` reads stdin.
    #[arg(value_name = "POINTS", required = true)]
    pub points: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum InputFormat {
    Csv,
    Geojson,
    Ndjson,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutputFormat {
    Csv,
    Geojson,
    Ndjson,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum JoinPredicate {
    Covers,
    Contains,
}
