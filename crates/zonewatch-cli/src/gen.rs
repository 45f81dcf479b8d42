//! `zonewatch gen`: deterministic stress data — zones and reports — for tests and
//! benchmarks. Reports are streamed: any count runs in constant memory.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use zonewatch_io::{ReportFormat, read_zones};
use zonewatch_synth::{
    DEFAULT_SEED, ReportText, ReportWriter, distance_zones, reports, stress_zones, write_zones,
};

use crate::Outcome;
use crate::output::Sink;

#[derive(Debug, Args)]
pub struct GenArgs {
    #[command(subcommand)]
    pub what: GenCommand,
}

#[derive(Debug, Subcommand)]
pub enum GenCommand {
    /// Synthetic zones around Sirte as GeoJSON: ~300 polygons / ~340k vertices (frontline
    /// band, district with holes, fractal coast, multipolygons, camps), or with --distance
    /// circles, line bands and grown polygons. All valid; illustrative only.
    Zones(GenZonesArgs),
    /// N synthetic position reports near the zones: uniform background, clusters around
    /// zones, and probes exactly on vertices and edges.
    Reports(GenReportsArgs),
}

#[derive(Debug, Args)]
pub struct GenZonesArgs {
    /// Write here [default: stdout].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Random seed (same seed, same bytes).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// The distance-zone set (Point + radius_m, LineString + buffer_m, Polygon + buffer_m)
    /// instead of the polygon set.
    #[arg(long)]
    pub distance: bool,
}

#[derive(Debug, Args)]
pub struct GenReportsArgs {
    /// How many reports.
    #[arg(value_name = "N")]
    pub count: u64,
    /// Write here [default: stdout].
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Random seed (same seed, same bytes).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Output format [default: from the output file's extension, else csv].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<GenFormat>,
    /// Place reports near these zones [default: the polygon set `gen zones --seed N` makes].
    #[arg(long, value_name = "FILE")]
    pub zones: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum GenFormat {
    Csv,
    Ndjson,
    Geojson,
}

pub fn run(args: GenArgs) -> Result<Outcome> {
    match args.what {
        GenCommand::Zones(a) => gen_zones(a),
        GenCommand::Reports(a) => gen_reports(a),
    }
}

fn gen_zones(args: GenZonesArgs) -> Result<Outcome> {
    let zones = if args.distance {
        distance_zones(args.seed)
    } else {
        stress_zones(args.seed)
    };
    let sink = Sink::create(args.output.as_deref())?;
    write_zones(sink, &zones)
        .context("cannot write zones")?
        .commit()?;
    Ok(Outcome::Done)
}

fn gen_reports(args: GenReportsArgs) -> Result<Outcome> {
    let zones = match &args.zones {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            read_zones(&text, &path.display().to_string())
                .map_err(|e| anyhow::anyhow!("{} problem(s) in the zones:\n{e}", e.0.len()))?
        }
        None => stress_zones(args.seed),
    };
    let format = match args.format {
        Some(GenFormat::Csv) => ReportText::Csv,
        Some(GenFormat::Ndjson) => ReportText::NdJson,
        Some(GenFormat::Geojson) => ReportText::GeoJson,
        None => match args.output.as_deref().and_then(ReportFormat::from_path) {
            Some(ReportFormat::GeoJson) => ReportText::GeoJson,
            Some(ReportFormat::NdJson) => ReportText::NdJson,
            _ => ReportText::Csv,
        },
    };
    let sink = Sink::create(args.output.as_deref())?;
    let mut writer = ReportWriter::new(sink, format).context("cannot write reports")?;
    let written = (|| -> std::io::Result<()> {
        for r in reports(&zones, args.seed, args.count) {
            writer.write(&r)?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        writer.finish().map(Sink::abandon).ok();
        return Err(e).context("cannot write reports");
    }
    writer.finish().context("cannot write reports")?.commit()?;
    Ok(Outcome::Done)
}
