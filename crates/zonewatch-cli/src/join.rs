//! `zonewatch join`: the plain spatial join, point by point, in input order.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use zonewatch_core::{Predicate, ZoneIndex, ZoneRef};
use zonewatch_io::{
    JoinWriter, ParsedPoints, PointBlock, PointBlocks, PointId, Reject, RejectWriter, read_zones,
};

use crate::args::{JoinArgs, JoinPredicate};
use crate::inputs;
use crate::output::{self, Sink};
use crate::pipeline;
use crate::progress::Progress;
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
    let rows = args.input.chunk_size as usize;
    let zone_ids: Vec<&str> = zones.iter().map(|z| z.id.as_str()).collect();
    let paths: Vec<&Path> = args.points.iter().map(PathBuf::as_path).collect();
    let progress = Progress::new(&paths, args.input.quiet, "joining", "points");
    let mut run = || -> Result<()> {
        for path in &args.points {
            let input = inputs::open(path, args.input.input_format, false)?;
            let reader = progress.count(input.reader);
            let blocks = PointBlocks::new(reader, input.format, &input.name, rows)?;
            // `PointId::Row` numbers count from the rows of the blocks before.
            let mut rows_before = 0u64;
            pipeline::run(blocks, PointBlocks::next_block, |block| {
                let lines;
                // Parse and join: each piece of a block on its own core.
                let mut joined_pieces: Vec<Joined<'_>> = match block {
                    PointBlock::Lines(l) => {
                        lines = l;
                        (0..lines.pieces())
                            .into_par_iter()
                            .map(|i| {
                                let mut parsed = ParsedPoints::default();
                                lines.read_points(i, &mut parsed);
                                let mut j = Joined::new(parsed, &index, predicate);
                                // Formatted now, while the piece's bytes are in cache: read
                                // later, each id was a cache miss.
                                j.out = j.rows(None, &zone_ids);
                                j
                            })
                            .collect()
                    }
                    PointBlock::Parsed(p) => {
                        // Row numbers count from the chunk's start: every slice starts
                        // there, and the last carries the chunk's rows and rejects.
                        let mut slices: Vec<Joined<'_>> = p
                            .points
                            .par_chunks(JOIN_SLICE)
                            .map(|points| {
                                let parsed = ParsedPoints {
                                    points: points.to_vec(),
                                    ..ParsedPoints::default()
                                };
                                Joined::new(parsed, &index, predicate)
                            })
                            .collect();
                        if slices.is_empty() {
                            slices.push(Joined::new(ParsedPoints::default(), &index, predicate));
                        }
                        let last = slices.last_mut().expect("one slice at least");
                        last.parsed.rows = p.rows;
                        last.parsed.rejects = p.rejects;
                        slices
                    }
                };
                let mut early: Vec<Option<Vec<u8>>> = Vec::with_capacity(joined_pieces.len());
                for j in &mut joined_pieces {
                    early.push(j.out.take());
                }
                let mut bad: Vec<&Reject> = Vec::new();
                let mut starts = Vec::with_capacity(joined_pieces.len());
                for j in &joined_pieces {
                    starts.push(rows_before);
                    rows_before += j.parsed.rows;
                    read += (j.parsed.points.len() + j.parsed.rejects.len()) as u64;
                    bad.extend(&j.parsed.rejects);
                }
                if args.input.strict
                    && let Some(first) = bad.first()
                {
                    bail!("{first} (--strict stops at the first bad row)");
                }
                // Format: each piece into its own buffer, on its own core; then in order.
                let out: Vec<Vec<u8>> = joined_pieces
                    .par_iter()
                    .zip(&starts)
                    .zip(early)
                    .map(|((j, start), early)| match early {
                        Some(out) => out,
                        None => j.rows(Some(*start), &zone_ids).expect("rows numbered"),
                    })
                    .collect();
                for (j, bytes) in joined_pieces.iter().zip(&out) {
                    writer.append(bytes)?;
                    pairs += j.zones.len() as u64;
                    joined += j.parsed.points.len() as u64;
                }
                rejected += bad.len() as u64;
                if let Some(w) = rejects.as_mut() {
                    for r in bad {
                        w.write(r)?;
                    }
                }
                progress.update(read);
                Ok(())
            })?;
        }
        Ok(())
    };
    let result = run();
    progress.finish();
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

/// Points joined per task when they come from a careful reader's chunk.
const JOIN_SLICE: usize = 4096;

/// A piece of points with the zones each is in.
struct Joined<'a> {
    parsed: ParsedPoints<'a>,
    /// Every pair's zone; point `i`'s are `zones[ends[i]..ends[i + 1]]`.
    zones: Vec<ZoneRef>,
    ends: Vec<usize>,
    /// The rows, when formatted already.
    out: Option<Vec<u8>>,
}

impl<'a> Joined<'a> {
    fn new(parsed: ParsedPoints<'a>, index: &ZoneIndex, predicate: Predicate) -> Joined<'a> {
        let mut zones = Vec::new();
        let mut ends = Vec::with_capacity(parsed.points.len() + 1);
        ends.push(0);
        for (_, p) in &parsed.points {
            index.zones_at(*p, predicate, &mut zones);
            ends.push(zones.len());
        }
        Joined {
            parsed,
            zones,
            ends,
            out: None,
        }
    }

    /// The `point_id,zone_id` rows; `PointId::Row` numbers start at `rows_before`.
    /// Without `rows_before`, `None` when a point in a zone has no id of its own (its
    /// number depends on the pieces before).
    fn rows(&self, rows_before: Option<u64>, zone_ids: &[&str]) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(self.zones.len() * 24);
        for (i, (id, _)) in self.parsed.points.iter().enumerate() {
            let zones = &self.zones[self.ends[i]..self.ends[i + 1]];
            if zones.is_empty() {
                continue;
            }
            let id = match (id, rows_before) {
                (PointId::Row(_), None) => return None,
                (id, before) => id.to_text(before.unwrap_or(0)),
            };
            for z in zones {
                JoinWriter::<Sink>::format_row(&mut out, &id, zone_ids[z.0 as usize]);
            }
        }
        Some(out)
    }
}
