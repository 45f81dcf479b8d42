//! `zonewatch check`: stream reports through the checker block by block (parsed, checked
//! and formatted on every core), written in input order.

use std::path::{Path, PathBuf};
use std::sync::mpsc::SyncSender;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use zonewatch_core::{CheckError, Checker, Coord, DepthHints, LookAhead, Report, Violation, hint};
use zonewatch_io::{
    OutputFormat, ParsedReports, ParsedRows, Reject, RejectWriter, ReportBlock, ReportBlocks,
    ReportRow, ViolationRows, ViolationWriter,
};

use crate::args::{self, CheckArgs};
use crate::inputs::{self, Input};
use crate::output::{self, Sink};
use crate::pipeline;
use crate::progress::Progress;
use crate::report::{Accounting, ReportJob};
use crate::summary::{Counted, Tally};
use crate::swap::SwapCheck;
use crate::tracks::Tracking;
use crate::{Outcome, set_threads};

pub fn run(args: CheckArgs) -> Result<Outcome> {
    set_threads(args.input.threads)?;
    let loaded = inputs::agreement(&args.agreement, args.report.is_some())?;
    let mut report = match args.report.as_deref() {
        Some(path) => Some(ReportJob::new(path, &loaded, &args)?),
        None => None,
    };
    let checker = Checker::new(loaded.agreement);

    let inputs: Vec<Input> = if args.reports.is_empty() {
        if !loaded.embedded {
            bail!("no REPORTS given (name one or more files, or - to read stdin)");
        }
        vec![inputs::embedded_reports(report.is_some())]
    } else {
        args.reports
            .iter()
            .map(|p| inputs::open(p, args.input.input_format, report.is_some()))
            .collect::<Result<_>>()?
    };
    if let Some(report) = report.as_mut() {
        report.watch(&inputs);
    }

    let format = match args.format {
        Some(args::OutputFormat::Csv) => OutputFormat::Csv,
        Some(args::OutputFormat::Geojson) => OutputFormat::GeoJson,
        Some(args::OutputFormat::Ndjson) => OutputFormat::NdJson,
        None => args
            .output
            .as_deref()
            .and_then(OutputFormat::from_path)
            .unwrap_or(OutputFormat::Csv),
    };
    Sink::distinct(args.output.as_deref(), args.input.rejects.as_deref())?;
    let writer = ViolationWriter::new(Sink::create(args.output.as_deref())?, format)
        .context("cannot write output")?;
    let mut rejects = match &args.input.rejects {
        Some(p) => Some(RejectWriter::new(Sink::create(Some(p))?).context("cannot write rejects")?),
        None => None,
    };
    let mut tally = Tally::new(checker.agreement().rules().len());
    let mut tracking = Tracking::new(&checker, &args.tracks, report.is_some());
    tally.show_duplicates = tracking.active();
    tally.swap = SwapCheck::for_agreement(checker.agreement());

    let paths: Vec<&Path> = args.reports.iter().map(PathBuf::as_path).collect();
    let progress = Progress::new(&paths, args.input.quiet, "checking", "reports");
    // Each block's rows go to a thread of their own, written while the next block is
    // checked.
    let format = writer.format();
    let run = |written: &SyncSender<Vec<ViolationRows>>| -> Result<()> {
        for input in inputs {
            check_input(
                &checker,
                input,
                &args,
                (written, format),
                rejects.as_mut(),
                &mut tally,
                &mut tracking,
                &progress,
            )?;
        }
        Ok(())
    };
    let (result, writer) = pipeline::writing(
        writer,
        |writer, rows: Vec<ViolationRows>| rows.iter().try_for_each(|r| writer.append(r)),
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
    anyhow::ensure!(
        tally.read == tally.checked + tally.rejected + tally.duplicates,
        "internal error: {}",
        tally.accounting()
    );
    let accounting = Accounting {
        read: tally.read,
        checked: tally.checked,
        rejected: tally.rejected,
        duplicates: tally.duplicates,
    };
    let report = report.map(|job| (job, accounting));
    let track_summary = tracking.finish(&checker, &args.tracks, report)?;
    if let Some(warning) = tally.swap.warning() {
        eprintln!("zonewatch: {warning}");
    }
    if !args.input.quiet {
        if args.input.rejects.is_none() {
            eprint!("{}", tally.shown.render(tally.rejected));
        }
        eprint!("{}{track_summary}", tally.render(&checker));
    }
    Ok(if args.fail_on_violation && tally.violations() > 0 {
        Outcome::ViolationsFound
    } else {
        Outcome::Done
    })
}

#[allow(clippy::too_many_arguments)]
fn check_input(
    checker: &Checker,
    input: Input,
    args: &CheckArgs,
    // Where the rows go, and in which format.
    (written, format): (&SyncSender<Vec<ViolationRows>>, OutputFormat),
    mut rejects: Option<&mut RejectWriter<Sink>>,
    tally: &mut Tally,
    tracking: &mut Tracking<'_>,
    progress: &Progress,
) -> Result<()> {
    let rows = args.input.chunk_size as usize;
    let reader = progress.count(input.reader);
    let blocks = ReportBlocks::new(reader, input.format, &input.name, rows)?;
    let source = input.name.as_str();
    let large_index = checker.zone_index().vertex_count() >= LOCALITY_MIN_VERTICES;
    // The last block's parsed pieces, whose strings the next block's reports reuse.
    let mut spent: Vec<ParsedReports> = Vec::new();
    pipeline::run(blocks, ReportBlocks::next_block, |block| {
        let (lines, mut parsed) = match block {
            ReportBlock::Lines(lines) => (Some(lines), Vec::new()),
            ReportBlock::Parsed(p) => (None, vec![p]),
        };
        // Parse: each piece of a block on its own core. CSV reports borrow their texts
        // from the block unless tracks keep reports (as `Report`s, past the block); the
        // others are parsed into a spent piece of the block before (recycled there, on
        // that core). A careful reader's chunk comes parsed.
        let mut borrowed: Vec<ParsedRows<'_>> = Vec::new();
        if let Some(lines) = &lines {
            if lines.has_report_rows() && !tracking.records() {
                borrowed = (0..lines.pieces())
                    .into_par_iter()
                    .map(|i| {
                        let mut p = ParsedRows::default();
                        lines.read_rows(i, &mut p);
                        p
                    })
                    .collect();
            } else {
                let mut pieces = std::mem::take(&mut spent);
                pieces.resize_with(lines.pieces(), ParsedReports::default);
                pieces.par_iter_mut().enumerate().for_each(|(i, p)| {
                    p.recycle();
                    lines.read_reports(i, p);
                });
                parsed = pieces;
            }
        }
        let mut bad: Vec<Reject> = Vec::new();
        for p in &mut parsed {
            tally.read += (p.reports.len() + p.rejects.len()) as u64;
            bad.append(&mut p.rejects);
        }
        for p in &mut borrowed {
            tally.read += (p.rows.len() + p.rejects.len()) as u64;
            bad.append(&mut p.rejects);
        }
        if args.input.strict
            && let Some(first) = bad.first()
        {
            bail!("{first} (--strict stops at the first bad row)");
        }
        for p in &mut parsed {
            tally.duplicates += tracking.drop_duplicates(&mut p.reports, &mut p.lines);
        }
        // Owned reports as rows too (a reader's id is never empty: `with_id` keeps it).
        let owned: Vec<ReportRow<'_>> = parsed
            .iter()
            .flat_map(|p| p.reports.iter().zip(&p.lines))
            .map(|(r, &line)| ReportRow {
                report: r.view(),
                line,
            })
            .collect();
        let block: Vec<&ReportRow<'_>> = owned
            .iter()
            .chain(borrowed.iter().flat_map(|p| &p.rows))
            .collect();
        // Tracks take the `Report`s themselves (there are no borrowed rows then).
        let reports: Vec<&Report> = if tracking.records() {
            parsed.iter().flat_map(|p| &p.reports).collect()
        } else {
            Vec::new()
        };
        // Check: runs of a few thousand reports, each on its own core; for zones with
        // many vertices, in the index's locality order (reports near each other one after
        // the other, so that the cells, edges and segment boxes they read stay in cache).
        // Few vertices stay in cache anyway: there, input order reads the reports
        // themselves (~200 bytes each, and their ids) in order, which is then worth more.
        let order: Vec<u32> = if large_index {
            // On every core: each report's first read here is a cache miss (~2.4 % of a
            // light check, with the other core idle, when this thread read them alone).
            let positions: Vec<Coord> = block.par_iter().map(|r| r.report.position).collect();
            checker.zone_index().locality_order(&positions)
        } else {
            (0..block.len() as u32).collect()
        };
        let answered: Vec<Answered> = order
            .par_chunks(CHECK_SLICE)
            .map(|run| Answered::new(checker, run, &block, tally.counter()))
            .collect();
        // Format: the reports with flags or refusals (few, in a light check), back in
        // input order, in runs each on its own core. (Reading every report's answer in
        // input order, ~1.5 % of a light check, was a miss for most of them.)
        let mut noted: Vec<(u32, u32)> = answered
            .iter()
            .enumerate()
            .flat_map(|(s, a)| {
                let order = &order;
                a.noted.iter().map(move |&j| {
                    let k = s * CHECK_SLICE + j as usize;
                    (order[k], k as u32)
                })
            })
            .collect();
        noted.sort_unstable();
        let mut checked: Vec<Checked> = noted
            .par_chunks(GATHER_SLICE)
            .map(|run| Checked::gather(checker, run, &block, &answered, source, format))
            .collect();
        let mut refused: Vec<Reject> = checked
            .iter_mut()
            .flat_map(|c| c.refused.drain(..))
            .collect();
        if args.input.strict
            && let Some(first) = refused.first()
        {
            bail!("{first} (--strict stops at the first bad row)");
        }
        // The tallies (sums), then in input order: tracks, output, rejects.
        for a in &answered {
            tally.add(&a.counted);
        }
        if tracking.records() {
            let mut place = vec![0u32; block.len()];
            for (k, &i) in order.iter().enumerate() {
                place[i as usize] = k as u32;
            }
            for (report, &k) in reports.iter().zip(&place) {
                let k = k as usize;
                // A refused report's reject is in its run's `refused`.
                if let Ok(violations) = answered[k / CHECK_SLICE].of(k % CHECK_SLICE) {
                    tracking.record(report, violations);
                }
            }
        }
        pipeline::send(written, checked.into_iter().map(|c| c.rows).collect())?;
        bad.append(&mut refused);
        tally.rejected += bad.len() as u64;
        if let Some(w) = rejects.as_deref_mut() {
            bad.sort_by_key(|r| r.line);
            for r in &bad {
                w.write(r)?;
            }
        } else if tally.shown.wants_more() {
            bad.sort_by_key(|r| r.line);
            tally.shown.offer(&bad);
        }
        progress.update(tally.read);
        // Kept for the next block: freeing the reports here (two or three strings each)
        // took ~7 % of a light check's time on this thread while the workers waited.
        drop(block);
        drop(reports);
        drop(owned);
        spent = parsed;
        Ok(())
    })
}

/// Zones with at least this many vertices are read in the index's locality order: their
/// prepared segments for exact distances (~100 bytes a vertex) then fill a core's L2
/// cache (1–2 MB on common machines) a few times over, and a report's depths miss it in
/// input order. (The Sirte agreement's 137 vertices check ~40 % faster in input order,
/// where the reports themselves are read in order; the stress set's 341 k ~25 % faster in
/// locality order.)
const LOCALITY_MIN_VERTICES: usize = 20_000;

/// Reports checked per task.
const CHECK_SLICE: usize = 4096;
/// Reports with flags or refusals formatted per task.
const GATHER_SLICE: usize = 512;
/// How far ahead in a task's run each load is started (see [`Answered::new`]): a
/// report's entry in the block, the report, its grid cell word, its cell's list. Each
/// stage reads what the stage before loaded.
const AHEAD_ENTRY: usize = 20;
const AHEAD_REPORT: usize = 16;
const AHEAD_CELL: usize = 12;
const AHEAD_LIST: usize = 8;

/// A run of a block's reports in locality order, checked: each report's flags, or why
/// the checker refused it.
struct Answered {
    /// The run's `j`-th report's flags are `violations[ends[j]..ends[j + 1]]`.
    violations: Vec<Violation>,
    ends: Vec<u32>,
    /// `(j, why)` of the reports refused, in run order.
    errors: Vec<(u32, CheckError)>,
    /// `j` of the reports flagged or refused, in run order: those with rows or rejects.
    noted: Vec<u32>,
    /// What the run adds to the tallies: counted here, where each report is in cache
    /// (sums, so the order they are added in does not matter). Counted while the rows
    /// were formatted, in input order, it read every report again (~4 % of a light
    /// check), though few of them have a row.
    counted: Counted,
}

impl Answered {
    /// Checks the reports `run` names (indices into `block`), counting them in `counted`.
    fn new(checker: &Checker, run: &[u32], block: &[&ReportRow], counted: Counted) -> Answered {
        let mut a = Answered {
            violations: Vec::new(),
            ends: Vec::with_capacity(run.len() + 1),
            errors: Vec::new(),
            noted: Vec::new(),
            counted,
        };
        a.ends.push(0);
        let mut hints = DepthHints::default();
        for (j, &i) in run.iter().enumerate() {
            // The reports come in locality order, scattered over the block, and their
            // cells are scattered over the grid: start the chain of loads of the reports
            // ahead, each stage from what the one before loaded (the block's entry, the
            // report, its cell word, its cell's list).
            let ahead = |n: usize| run.get(j + n).map(|&k| &block[k as usize]);
            if let Some(entry) = ahead(AHEAD_ENTRY) {
                hint::prefetch(entry);
            }
            if let Some(&row) = ahead(AHEAD_REPORT) {
                hint::prefetch_all(row);
            }
            if let Some(row) = ahead(AHEAD_CELL) {
                checker.prefetch(row.report.position, LookAhead::Cell);
            }
            if let Some(row) = ahead(AHEAD_LIST) {
                checker.prefetch(row.report.position, LookAhead::List);
            }
            let start = a.violations.len();
            let report = block[i as usize].report;
            match checker.check_into_hinted(report, &mut a.violations, &mut hints) {
                Ok(()) => {
                    a.counted.count(report.position, &a.violations[start..]);
                    if a.violations.len() > start {
                        a.noted.push(j as u32);
                    }
                }
                Err(e) => {
                    a.violations.truncate(start);
                    a.errors.push((j as u32, e));
                    a.noted.push(j as u32);
                }
            }
            a.ends.push(a.violations.len() as u32);
        }
        a
    }

    /// The `j`-th report's flags, or why it was refused.
    fn of(&self, j: usize) -> Result<&[Violation], &CheckError> {
        if let Ok(at) = self.errors.binary_search_by_key(&(j as u32), |e| e.0) {
            return Err(&self.errors[at].1);
        }
        Ok(&self.violations[self.ends[j] as usize..self.ends[j + 1] as usize])
    }
}

/// A run of the reports of a block with flags or refusals, in input order: their rows,
/// formatted, and the rejects the refusals make.
struct Checked {
    rows: ViolationRows,
    refused: Vec<Reject>,
}

impl Checked {
    /// The rows and rejects of the reports `run` names: `(i, k)`, the report `block[i]`
    /// at place `k` in the locality order, whose answer is in the runs `answered` in that
    /// order.
    fn gather(
        checker: &Checker,
        run: &[(u32, u32)],
        block: &[&ReportRow],
        answered: &[Answered],
        source: &str,
        format: OutputFormat,
    ) -> Checked {
        let mut c = Checked {
            rows: ViolationRows::new(format),
            refused: Vec::new(),
        };
        // Room for the run's rows, as many bytes a report as the first with rows took,
        // rather than growth by doubling from empty (a copy of the buffer each time).
        let mut reserved = false;
        for (done, &(i, k)) in run.iter().enumerate() {
            let (row, k) = (block[i as usize], k as usize);
            match answered[k / CHECK_SLICE].of(k % CHECK_SLICE) {
                Ok(violations) => row.with_id(source, |report| {
                    for v in violations {
                        c.rows.push(report, v, checker);
                    }
                    if !reserved && !violations.is_empty() {
                        reserved = true;
                        let first = c.rows.as_bytes().len();
                        c.rows.reserve(first * (run.len() - done));
                    }
                }),
                Err(e) => c.refused.push(Reject {
                    source: source.to_string(),
                    line: row.line,
                    field: check_error_field(e).map(str::to_string),
                    reason: e.to_string(),
                }),
            }
        }
        c
    }
}

/// The report field a checker refusal is about, so that the reject names it.
fn check_error_field(e: &CheckError) -> Option<&'static str> {
    match e {
        CheckError::UnknownUnit(_) | CheckError::MissingHome { .. } => Some("unit_id"),
        CheckError::BadAccuracy(_) => Some("accuracy_m"),
        _ => None,
    }
}
