//! The streaming report reader: any report format in, chunks of reports and rejects out,
//! in bounded memory.

use std::io::BufRead;

use zonewatch_core::Report;

use crate::csv_reports::CsvReports;
use crate::error::InputError;
use crate::feature_in::FeatureIn;
use crate::json_features::{JsonFeatures, parse_feature};
use crate::json_reports::feature_to_report;
use crate::{Reject, ReportFormat};

/// The input a reader streams from.
pub type Input = Box<dyn BufRead + Send>;

/// Reads position reports from CSV, a GeoJSON FeatureCollection, or newline-delimited
/// GeoJSON, a chunk at a time. Memory stays bounded whatever the input's size: one CSV
/// record or one feature is held at a time, besides the chunk being filled.
///
/// Fields: `report_id` (a string or number; generated when absent or empty —
/// `{source}:{line}` for CSV and NDJSON, `{source}#{feature index}` for a
/// FeatureCollection), `unit_id` (required), `time` (RFC 3339 with an offset; required),
/// the position (CSV columns `lon`/`lng`/`longitude`/`x` and `lat`/`latitude`/`y`, any
/// letter case; GeoJSON: the Point geometry), `accuracy_m` (≥ 0; absent = 0), `source`,
/// and unit attributes `side`, `class`, `role`, `foreign` that override the units table.
/// In GeoJSON, the report id is `properties.report_id`, else the Feature's `id`.
///
/// A row that cannot be a report is a [`Reject`] with its line, field and reason; only
/// problems with the input as a whole (I/O, a CSV header without the required columns, a
/// broken or truncated FeatureCollection) are errors.
///
/// # Example
/// ```
/// use zonewatch_io::{ReportFormat, ReportReader};
///
/// let csv = "unit_id,time,lng,lat\nLAAF-1,2021-01-23T02:00:00+02:00,16.59,31.21\nGNA-1,yesterday,16,31\n";
/// let mut reader = ReportReader::new(Box::new(csv.as_bytes()), ReportFormat::Csv, "reports.csv").unwrap();
/// let (mut reports, mut rejects) = (Vec::new(), Vec::new());
/// while reader.read_chunk(1000, &mut reports, &mut rejects).unwrap() {}
/// assert_eq!(reports[0].id, "reports.csv:2");
/// assert_eq!(reports[0].time.to_string(), "2021-01-23T00:00:00Z");
/// assert_eq!(
///     rejects[0].to_string(),
///     "reports.csv:3: time: \"yesterday\" is not an RFC 3339 time like 2021-01-23T00:00:00Z"
/// );
/// ```
pub struct ReportReader {
    source: String,
    format: ReportFormat,
    input: ReportInput,
    rows: u64,
}

enum ReportInput {
    Csv(Box<CsvReports<Input>>),
    Json(Box<JsonFeatures<Input>>),
}

impl ReportReader {
    /// A reader of `input` in `format`, named `source` in ids and messages. For CSV, the
    /// header is read here.
    ///
    /// # Errors
    /// For CSV: an empty input, missing required columns (`unit_id`, `time`, a longitude
    /// and a latitude column), a field given by two columns, or an I/O error.
    pub fn new(
        input: Input,
        format: ReportFormat,
        source: &str,
    ) -> Result<ReportReader, InputError> {
        let input = match format {
            ReportFormat::Csv => ReportInput::Csv(Box::new(CsvReports::new(input, source)?)),
            _ => ReportInput::Json(Box::new(JsonFeatures::new(input, format, source))),
        };
        Ok(ReportReader {
            source: source.to_string(),
            format,
            input,
            rows: 0,
        })
    }

    /// A reader of the rest of a CSV file whose header gave `columns`: `input` starts at
    /// line `first_line` (≥ 2).
    pub(crate) fn resume_csv(
        input: Input,
        columns: crate::csv_reports::ReportColumns,
        source: &str,
        first_line: u64,
    ) -> ReportReader {
        ReportReader {
            source: source.to_string(),
            format: ReportFormat::Csv,
            input: ReportInput::Csv(Box::new(CsvReports::resume(
                input, columns, source, first_line,
            ))),
            rows: 0,
        }
    }

    /// A reader of the rest of an NDJSON file: `input` starts at line `first_line`.
    pub(crate) fn resume_ndjson(input: Input, source: &str, first_line: u64) -> ReportReader {
        ReportReader {
            source: source.to_string(),
            format: ReportFormat::NdJson,
            input: ReportInput::Json(Box::new(JsonFeatures::resume_lines(
                input, source, first_line,
            ))),
            rows: 0,
        }
    }

    /// Reads up to `max` rows (at least one), appending the accepted ones to `reports` and
    /// the rejected ones to `rejects`, each in input order.
    ///
    /// Returns `Ok(false)` only when the input was already exhausted, so that nothing was
    /// appended; `while reader.read_chunk(..)? { .. }` sees every row.
    ///
    /// # Errors
    /// A fatal problem with the input: an I/O error, or a FeatureCollection that is not
    /// JSON at the top level, is cut short, or has data after its end. Rows appended
    /// before the error stay appended.
    pub fn read_chunk(
        &mut self,
        max: usize,
        reports: &mut Vec<Report>,
        rejects: &mut Vec<Reject>,
    ) -> Result<bool, InputError> {
        self.read(max, reports, None, rejects)
    }

    /// Like [`read_chunk`](Self::read_chunk), also appending to `lines` the 1-based line
    /// of each accepted report (where its feature starts, for GeoJSON), so that a report
    /// the checker refuses can be rejected with its line.
    pub fn read_chunk_with_lines(
        &mut self,
        max: usize,
        reports: &mut Vec<Report>,
        lines: &mut Vec<u64>,
        rejects: &mut Vec<Reject>,
    ) -> Result<bool, InputError> {
        self.read(max, reports, Some(lines), rejects)
    }

    fn read(
        &mut self,
        max: usize,
        reports: &mut Vec<Report>,
        lines: Option<&mut Vec<u64>>,
        rejects: &mut Vec<Reject>,
    ) -> Result<bool, InputError> {
        let source = self.source.as_str();
        let mut sink = Sink {
            reports,
            lines,
            rejects,
        };
        for n in 0..max.max(1) {
            let more = match &mut self.input {
                ReportInput::Csv(csv) => csv.read_row(&mut sink)?,
                ReportInput::Json(json) => match json.next()? {
                    None => false,
                    Some(slot) => {
                        let mut f = FeatureIn::default();
                        match parse_feature(json.bytes(), slot, &mut f) {
                            Ok(()) => match feature_to_report(&f, slot, source) {
                                Ok(report) => sink.accept(report, slot.line),
                                Err(p) => sink.rejects.push(slot.reject(source, slot.line, p)),
                            },
                            Err((line, p)) => sink.rejects.push(slot.reject(source, line, p)),
                        }
                        true
                    }
                },
            };
            if !more {
                return Ok(n > 0);
            }
            self.rows += 1;
        }
        Ok(true)
    }

    /// Rows read so far (accepted + rejected): CSV records, features, non-blank lines.
    pub fn rows_read(&self) -> u64 {
        self.rows
    }

    /// The input's name, as given.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The input's format.
    pub fn format(&self) -> ReportFormat {
        self.format
    }
}

/// Where rows go: accepted reports (with their lines, when asked) and rejects.
pub(crate) struct Sink<'a> {
    pub(crate) reports: &'a mut Vec<Report>,
    pub(crate) lines: Option<&'a mut Vec<u64>>,
    pub(crate) rejects: &'a mut Vec<Reject>,
}

impl Sink<'_> {
    #[inline]
    pub(crate) fn accept(&mut self, report: Report, line: u64) {
        self.reports.push(report);
        if let Some(lines) = self.lines.as_deref_mut() {
            lines.push(line);
        }
    }
}

#[cfg(test)]
mod tests;
