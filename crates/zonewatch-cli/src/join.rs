//! `zonewatch join`: the plain spatial join, point by point, in input order.

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use zonewatch_core::{Coord, Predicate, ZoneIndex, ZoneRef};
use zonewatch_io::{JoinWriter, PointReader, Reject, RejectWriter, read_zones};

use crate::args::{JoinArgs, JoinPredicate};
use crate::inputs;
use crate::output::{self, Sink};
use crate::{Outcome, set_threads};

pub fn run(args: JoinArgs) -> Result<Outcome> {
    set_threads(args.input.threads)?;
    let text = std::fs::read_to_string(&args.zones)
        .with_context(|| format!("cannot read {}", args.zones.display()))?;
    let zones = read_zones(&text, &args.zones.display().to_string())
        .map_err(|e| anyhow::anyhow!("{} problem(s) in the zones:\n{e}", e.0.len()))?;
    let index = ZoneIndex::build(&zones);
    let predicate = match args.predicate {
        JoinPredicate::Covers => Predicate::Covers,
        JoinPredicate::Contains => Predicate::Contains,
    };
    Sink::distinct(args.output.as_deref(), args.input.rejects.as_deref())?;
    let mut writer =
        JoinWriter::new(Sink::create(args.output.as_deref())?).context("cannot write output")?;
    let mut rejects = match &args.input.rejects {
        Some(p) => Some(RejectWriter::new(Sink::create(Some(p))?).context("cannot write rejects")?),
        None => None,
    };
    let (mut read, mut joined, mut rejected, mut pairs) = (0u64, 0u64, 0u64, 0u64);
    let chunk = args.input.chunk_size as usize;
    let mut run = || -> Result<()> {
        for path in &args.points {
            let input = inputs::open(path, args.input.input_format)?;
            let mut reader = PointReader::new(input.reader, input.format, &input.name)?;
            let mut points: Vec<(String, Coord)> = Vec::with_capacity(chunk);
            let mut bad: Vec<Reject> = Vec::new();
            loop {
                points.clear();
                bad.clear();
                let more = reader.read_chunk(chunk, &mut points, &mut bad)?;
                read += (points.len() + bad.len()) as u64;
                if args.input.strict
                    && let Some(first) = bad.first()
                {
                    bail!("{first} (--strict stops at the first bad row)");
                }
                let hits: Vec<Vec<ZoneRef>> = points
                    .par_iter()
                    .with_min_len(512)
                    .map(|(_, p)| {
                        let mut out = Vec::new();
                        index.zones_at(*p, predicate, &mut out);
                        out
                    })
                    .collect();
                for ((id, _), zs) in points.iter().zip(&hits) {
                    for z in zs {
                        writer.write(id, &zones[z.0 as usize].id)?;
                    }
                    pairs += zs.len() as u64;
                }
                joined += points.len() as u64;
                rejected += bad.len() as u64;
                if let Some(w) = rejects.as_mut() {
                    for r in &bad {
                        w.write(r)?;
                    }
                }
                if !more {
                    break;
                }
            }
        }
        Ok(())
    };
    let result = run();
    output::settle(
        result,
        vec![
            ("output", Some(writer.finish())),
            ("rejects", rejects.map(|r| r.finish())),
        ],
    )?;
    if !args.input.quiet {
        eprintln!("points: {read} read = {joined} joined + {rejected} rejected\npairs: {pairs}");
    }
    Ok(Outcome::Done)
}
