//! `zonewatch join`: the plain spatial join, point by point, in input order.

use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;
use std::thread::ScopedJoinHandle;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use zonewatch_core::{Coord, Predicate, Zone, ZoneHits, ZoneIndex};
use zonewatch_io::{
    JoinRows, JoinWriter, ParsedPoints, PointBlock, PointBlocks, PointId, Reject, RejectWriter,
    read_zones,
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
    // The index is built on a thread of its own while the first block is read and
    // parsed, which need only the zones' ids: the build's last stretch runs on one core.
    std::thread::scope(|scope| join_with(&args, &zones, scope.spawn(|| ZoneIndex::build(&zones))))
}

/// [`run`] once the zones are read, their index on its way from `building`.
fn join_with<'s>(
    args: &JoinArgs,
    zones: &[Zone],
    building: ScopedJoinHandle<'s, ZoneIndex>,
) -> Result<Outcome> {
    let mut index = Pending {
        building: Some(building),
        index: None,
    };
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
            // Kept from block to block, so that their memory is reused.
            let (mut points, mut hits) = (Vec::new(), ZoneHits::default());
            // The pieces' point lists of the block before, emptied, to parse into.
            let mut spare: Vec<Vec<(PointId<'static>, Coord)>> = Vec::new();
            pipeline::run(blocks, PointBlocks::next_block, |block| {
                let lines;
                // Parse: each piece of a block on its own core; a careful reader's chunk
                // as is. Row numbers count from the chunk's start.
                let pieces: Vec<ParsedPoints<'_>> = match block {
                    PointBlock::Lines(l) => {
                        lines = l;
                        let mut lists = std::mem::take(&mut spare);
                        lists.resize_with(lines.pieces(), Vec::new);
                        lists
                            .into_par_iter()
                            .enumerate()
                            .map(|(i, list)| {
                                let mut parsed = ParsedPoints {
                                    points: emptied(list),
                                    ..ParsedPoints::default()
                                };
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
                gather_points(&pieces, &mut points);
                index.get().zones_at_all_into(&points, predicate, &mut hits);
                let hits = &hits;
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
                    .map(|&(run, first, start)| rows(run, hits, first, start, &zone_rows))
                    .collect();
                pipeline::send(written, out)?;
                pairs += hits.pairs() as u64;
                joined += points.len() as u64;
                rejected += bad.len() as u64;
                if let Some(w) = rejects.as_mut() {
                    for r in bad {
                        w.write(r)?;
                    }
                }
                progress.update(read);
                // Emptied on the cores, not on this thread while they wait: an id may own
                // its text, so each point is looked at.
                pieces
                    .into_par_iter()
                    .map(|piece| emptied(piece.points))
                    .collect_into_vec(&mut spare);
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
        eprintln!("points: {read} read = {joined} joined + {rejected} rejected\npairs: {pairs}");
    }
    Ok(Outcome::Done)
}

/// The zone index, on its way from the thread that builds it until first asked for.
struct Pending<'s> {
    building: Option<ScopedJoinHandle<'s, ZoneIndex>>,
    index: Option<ZoneIndex>,
}

impl Pending<'_> {
    /// The index, waiting for its build the first time (a panic there is raised here).
    fn get(&mut self) -> &ZoneIndex {
        self.index.get_or_insert_with(|| {
            let building = self.building.take().expect("the index is built once");
            building
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    }
}

/// The coordinates of every piece's points, in order, into `points` (its old ones
/// dropped), each piece copied on its own core.
fn gather_points(pieces: &[ParsedPoints<'_>], points: &mut Vec<Coord>) {
    let n = pieces.iter().map(|piece| piece.points.len()).sum();
    // Every point is written below: only a longer list than the last block's is filled.
    points.resize(n, Coord { x: 0.0, y: 0.0 });
    let mut rest = &mut points[..];
    let mut parts = Vec::with_capacity(pieces.len());
    for piece in pieces {
        let (part, tail) = std::mem::take(&mut rest).split_at_mut(piece.points.len());
        parts.push((part, piece));
        rest = tail;
    }
    parts.into_par_iter().for_each(|(part, piece)| {
        for (to, (_, p)) in part.iter_mut().zip(&piece.points) {
            *to = *p;
        }
    });
}

/// `list` emptied, its memory kept for points of another lifetime (collected in place:
/// the element types have the same layout).
fn emptied<'b>(mut list: Vec<(PointId<'_>, Coord)>) -> Vec<(PointId<'b>, Coord)> {
    list.clear();
    list.into_iter().map(|_| unreachable!("emptied")).collect()
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
