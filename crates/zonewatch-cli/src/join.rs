//! `zonewatch join`: the plain spatial join, point by point, in input order.

use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use zonewatch_core::{Coord, Predicate, ZoneHits, ZoneIndex};
use zonewatch_io::{
    JoinRows, JoinWriter, ParsedPoints, PointBlock, PointBlocks, PointId, Reject, RejectWriter,
    read_zones,
};

use crate::args::{JoinArgs, JoinPredicate};
use crate::inputs;
use crate::output::{self, Sink};
use crate::pipeline;
use crate::progress::Progress;
use crate::rejected::Shown;
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
    let writer =
        JoinWriter::new(Sink::create(args.output.as_deref())?).context("cannot write output")?;
    let mut rejects = match &args.input.rejects {
        Some(p) => Some(RejectWriter::new(Sink::create(Some(p))?).context("cannot write rejects")?),
        None => None,
    };
    let (mut read, mut joined, mut rejected, mut pairs) = (0u64, 0u64, 0u64, 0u64);
    let mut shown = Shown::default();
    let chunk_rows = args.input.chunk_size as usize;
    let zone_rows = JoinRows::new(zones.iter().map(|z| z.id.as_str()));
    let paths: Vec<&Path> = args.points.iter().map(PathBuf::as_path).collect();
    let progress = Progress::new(&paths, args.input.quiet, "joining", "points");
    // The rows of each block go to a thread of their own, which writes them while the
    // next block is parsed and joined: the cores never wait on the writes.
    let run = |written: &SyncSender<Vec<Vec<u8>>>| -> Result<()> {
        for path in &args.points {
            let input = inputs::open(path, args.input.input_format, false)?;
            let reader = progress.count(input.reader);
            let blocks = PointBlocks::new(reader, input.format, &input.name, chunk_rows)?;
            // `PointId::Row` numbers count from the rows of the blocks before.
            let mut rows_before = 0u64;
            pipeline::run(blocks, PointBlocks::next_block, |block| {
                let lines;
                // Parse: each piece of a block on its own core; a careful reader's chunk
                // as is. Row numbers count from the chunk's start.
                let pieces: Vec<ParsedPoints<'_>> = match block {
                    PointBlock::Lines(l) => {
                        lines = l;
                        (0..lines.pieces())
                            .into_par_iter()
                            .map(|i| {
                                let mut parsed = ParsedPoints::default();
                                lines.read_points(i, &mut parsed);
                                parsed
                            })
                            .collect()
                    }
                    PointBlock::Parsed(p) => vec![p],
                };
                let mut bad: Vec<&Reject> = Vec::new();
                let mut starts = Vec::with_capacity(pieces.len());
                for piece in &pieces {
                    starts.push(rows_before);
                    rows_before += piece.rows;
                    read += (piece.points.len() + piece.rejects.len()) as u64;
                    bad.extend(&piece.rejects);
                }
                if args.input.strict
                    && let Some(first) = bad.first()
                {
                    bail!("{first} (--strict stops at the first bad row)");
                }
                // Join: the whole block at once, in the order of the index's cells.
                let points: Vec<Coord> = pieces
                    .iter()
                    .flat_map(|piece| piece.points.iter().map(|(_, p)| *p))
                    .collect();
                let hits = index.zones_at_all(&points, predicate);
                // Format: runs of points, each on its own core; then in order.
                let mut runs = Vec::new();
                let mut first = 0;
                for (piece, &start) in pieces.iter().zip(&starts) {
                    for (k, run) in piece.points.chunks(FORMAT_RUN).enumerate() {
                        runs.push((run, first + k * FORMAT_RUN, start));
                    }
                    first += piece.points.len();
                }
                let out: Vec<Vec<u8>> = runs
                    .par_iter()
                    .map(|&(run, first, start)| rows(run, &hits, first, start, &zone_rows))
                    .collect();
                pipeline::send(written, out)?;
                pairs += hits.pairs() as u64;
                joined += points.len() as u64;
                rejected += bad.len() as u64;
                // In line order: the pieces' rejects in the order of the pieces.
                if let Some(w) = rejects.as_mut() {
                    for r in bad {
                        w.write(r)?;
                    }
                } else {
                    shown.offer(bad);
                }
                progress.update(read);
                Ok(())
            })?;
        }
        Ok(())
    };
    let (result, writer) = pipeline::writing(
        writer,
        |writer, out: Vec<Vec<u8>>| out.iter().try_for_each(|bytes| writer.append(bytes)),
        run,
    );
    progress.finish();
    output::settle(
        result,
        vec![
            ("output", Some(writer.finish())),
            ("rejects", rejects.map(|r| r.finish())),
        ],
    )?;
    if !args.input.quiet {
        if args.input.rejects.is_none() {
            eprint!("{}", shown.render(rejected));
        }
        eprintln!("points: {read} read = {joined} joined + {rejected} rejected\npairs: {pairs}");
    }
    Ok(Outcome::Done)
}

/// Points whose rows one task formats.
const FORMAT_RUN: usize = 4096;

/// The `point_id,zone_id` rows of `run`, whose first point is point `first` of `hits`;
/// [`PointId::Row`] numbers start at `rows_before`.
fn rows(
    run: &[(PointId<'_>, Coord)],
    hits: &ZoneHits,
    first: usize,
    rows_before: u64,
    zone_rows: &JoinRows,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(run.len() * 16);
    for (i, (id, _)) in run.iter().enumerate() {
        let zones = hits.of(first + i);
        if zones.is_empty() {
            continue;
        }
        let id = id.to_text(rows_before);
        zone_rows.push_rows(&mut out, &id, zones.iter().map(|z| z.0 as usize));
    }
    out
}
