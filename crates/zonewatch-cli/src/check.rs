//! `zonewatch check`: stream reports through the checker, chunk by chunk, in input order.

use anyhow::{Context, Result, bail};
use zonewatch_core::{CheckError, Checker, Report};
use zonewatch_io::{OutputFormat, Reject, RejectWriter, ReportReader, ViolationWriter};

use crate::args::{self, CheckArgs};
use crate::inputs::{self, Input};
use crate::output::{self, Sink};
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
        vec![inputs::embedded_reports()]
    } else {
        args.reports
            .iter()
            .map(|p| inputs::open(p, args.input.input_format))
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
            )?;
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

fn check_input(
    checker: &Checker,
    input: Input,
    args: &CheckArgs,
    writer: &mut ViolationWriter<Sink>,
    mut rejects: Option<&mut RejectWriter<Sink>>,
    tally: &mut Tally,
    tracking: &mut Tracking<'_>,
) -> Result<()> {
    let chunk = args.input.chunk_size as usize;
    let mut reader = ReportReader::new(input.reader, input.format, &input.name)?;
    let mut reports: Vec<Report> = Vec::with_capacity(chunk);
    let mut lines: Vec<u64> = Vec::with_capacity(chunk);
    let mut bad: Vec<Reject> = Vec::new();
    loop {
        reports.clear();
        lines.clear();
        bad.clear();
        let more = reader.read_chunk_with_lines(chunk, &mut reports, &mut lines, &mut bad)?;
        tally.read += (reports.len() + bad.len()) as u64;
        if args.input.strict
            && let Some(first) = bad.first()
        {
            bail!("{first} (--strict stops at the first bad row)");
        }
        tally.duplicates += tracking.drop_duplicates(&mut reports, &mut lines);
        let results = checker.check_batch(&reports);
        for ((report, line), result) in reports.iter().zip(&lines).zip(results) {
            match result {
                Ok(violations) => {
                    tally.checked += 1;
                    tracking.record(report, &violations);
                    tally.swap.observe(report.position);
                    for v in &violations {
                        writer.write(report, v, checker)?;
                        tally.count(v);
                    }
                }
                Err(e) => {
                    let reject = Reject {
                        source: input.name.clone(),
                        line: *line,
                        field: check_error_field(&e).map(str::to_string),
                        reason: e.to_string(),
                    };
                    if args.input.strict {
                        bail!("{reject} (--strict stops at the first bad row)");
                    }
                    bad.push(reject);
                }
            }
        }
        tally.rejected += bad.len() as u64;
        if let Some(w) = rejects.as_deref_mut() {
            bad.sort_by_key(|r| r.line);
            for r in &bad {
                w.write(r)?;
            }
        }
        if !more {
            return Ok(());
        }
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
