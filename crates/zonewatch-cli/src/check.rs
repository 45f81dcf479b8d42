//! `zonewatch check`: stream reports through the checker block by block (parsed, checked
//! and formatted on every core), written in input order.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use zonewatch_core::{CheckError, Checker, Report, Violation};
use zonewatch_io::{
    OutputFormat, ParsedReports, Reject, RejectWriter, ReportBlock, ReportBlocks, ViolationRows,
    ViolationWriter,
};

use crate::args::{self, CheckArgs};
use crate::inputs::{self, Input};
use crate::output::{self, Sink};
use crate::pipeline;
use crate::progress::Progress;
use crate::report::{Accounting, ReportJob};
use crate::summary::Tally;
use crate::swap::SwapCheck;
use crate::tracks::Tracking;
use crate::{Outcome, set_threads};

pub fn run(args: CheckArgs) -> Result<Outcome> {
    set_threads(args.input.threads)?;
    let loaded = inputs::agreement(&args.agreement)?;
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
    let mut writer = ViolationWriter::new(Sink::create(args.output.as_deref())?, format)
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
    let run = || -> Result<()> {
        for input in inputs {
            check_input(
                &checker,
                input,
                &args,
                &mut writer,
                rejects.as_mut(),
                &mut tally,
                &mut tracking,
                &progress,
            )?;
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
    writer: &mut ViolationWriter<Sink>,
    mut rejects: Option<&mut RejectWriter<Sink>>,
    tally: &mut Tally,
    tracking: &mut Tracking<'_>,
    progress: &Progress,
) -> Result<()> {
    let rows = args.input.chunk_size as usize;
    let reader = progress.count(input.reader);
    let blocks = ReportBlocks::new(reader, input.format, &input.name, rows)?;
    let source = input.name.as_str();
    let format = writer.format();
    pipeline::run(blocks, ReportBlocks::next_block, |block| {
        // Parse: each piece of a block on its own core; a careful reader's chunk as is.
        let mut parsed: Vec<ParsedReports> = match block {
            ReportBlock::Lines(lines) => (0..lines.pieces())
                .into_par_iter()
                .map(|i| {
                    let mut p = ParsedReports::default();
                    lines.read_reports(i, &mut p);
                    p
                })
                .collect(),
            ReportBlock::Parsed(p) => vec![p],
        };
        let mut bad: Vec<Reject> = Vec::new();
        for p in &mut parsed {
            tally.read += (p.reports.len() + p.rejects.len()) as u64;
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
        // Check and format: slices of a few thousand reports, each on its own core.
        let slices: Vec<(&[Report], &[u64])> = parsed
            .iter()
            .flat_map(|p| {
                p.reports
                    .chunks(CHECK_SLICE)
                    .zip(p.lines.chunks(CHECK_SLICE))
            })
            .collect();
        let checked: Vec<Checked> = slices
            .par_iter()
            .map(|(reports, lines)| Checked::new(checker, reports, lines, source, format))
            .collect();
        // In input order: tallies, tracks, output, rejects.
        let mut refused: Vec<Reject> = Vec::new();
        for ((reports, _), c) in slices.iter().zip(&checked) {
            let mut refusals = c.refused.iter().map(|(at, _)| *at).peekable();
            for (i, report) in reports.iter().enumerate() {
                if refusals.next_if_eq(&i).is_some() {
                    continue;
                }
                let violations = &c.violations[c.ends[i]..c.ends[i + 1]];
                tally.checked += 1;
                tracking.record(report, violations);
                tally.swap.observe(report.position);
                for v in violations {
                    tally.count(v);
                }
            }
            refused.extend(c.refused.iter().map(|(_, r)| r.clone()));
            if args.input.strict
                && let Some(first) = refused.first()
            {
                bail!("{first} (--strict stops at the first bad row)");
            }
        }
        for c in &checked {
            writer.append(&c.rows)?;
        }
        bad.append(&mut refused);
        tally.rejected += bad.len() as u64;
        if let Some(w) = rejects.as_deref_mut() {
            bad.sort_by_key(|r| r.line);
            for r in &bad {
                w.write(r)?;
            }
        }
        progress.update(tally.read);
        Ok(())
    })
}

/// Reports checked per task.
const CHECK_SLICE: usize = 4096;

/// A slice of reports, checked: each report's flags (and their rows, formatted), or the
/// reject the checker's refusal makes.
struct Checked {
    /// Every flag of the slice; report `i`'s are `violations[ends[i]..ends[i + 1]]`.
    violations: Vec<Violation>,
    ends: Vec<usize>,
    /// `(index in the slice, reject)` of the reports the checker refused.
    refused: Vec<(usize, Reject)>,
    /// The violations as output rows.
    rows: ViolationRows,
}

impl Checked {
    fn new(
        checker: &Checker,
        reports: &[Report],
        lines: &[u64],
        source: &str,
        format: OutputFormat,
    ) -> Checked {
        let mut c = Checked {
            violations: Vec::new(),
            ends: Vec::with_capacity(reports.len() + 1),
            refused: Vec::new(),
            rows: ViolationRows::new(format),
        };
        c.ends.push(0);
        for (i, (report, line)) in reports.iter().zip(lines).enumerate() {
            let start = c.violations.len();
            if let Err(e) = checker.check_into(report, &mut c.violations) {
                c.violations.truncate(start);
                let reject = Reject {
                    source: source.to_string(),
                    line: *line,
                    field: check_error_field(&e).map(str::to_string),
                    reason: e.to_string(),
                };
                c.refused.push((i, reject));
            } else {
                for v in &c.violations[start..] {
                    c.rows.push(report, v, checker);
                }
            }
            c.ends.push(c.violations.len());
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
