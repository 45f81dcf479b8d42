//! Reports from CSV rows: the hot path of reading (bytes, no per-cell allocation beyond
//! the report's own strings, correctly rounded floats, a hand-written RFC 3339 parser).

use std::io::Read;

use zonewatch_core::{AttributeView, Coord, Report, Timestamp, UnitAttributes};

use crate::csv_records::{Cells, CsvRecords, Header};
use crate::error::{InputError, Location};
use crate::report_fields::{
    RowProblem, StringPool, check_accuracy, check_position, generated_id, parse_foreign,
    parse_number, parse_time_after,
};
use crate::report_reader::Sink;
use crate::rfc3339::LastDay;

/// Column names a longitude may have (lower case).
pub(crate) const LON: &[&str] = &["lon", "lng", "longitude", "x"];
/// Column names a latitude may have (lower case).
pub(crate) const LAT: &[&str] = &["lat", "latitude", "y"];

/// Reads the header of a CSV input, for a reader that needs `required` columns.
///
/// # Errors
/// An empty input, two columns for one field, or missing required columns (all named).
pub(crate) fn read_header<R: Read>(
    records: &mut CsvRecords<R>,
    source: &str,
    required: &str,
) -> Result<(Header, u64), InputError> {
    match records.next_record() {
        Ok(Some(line)) => Ok((Header::from_record(&records.record), line)),
        Ok(None) => Err(InputError::invalid(
            source,
            Location::Line(1),
            None,
            format!("empty input: expected a header line naming the columns ({required}, …)"),
        )),
        Err(e) => Err(InputError::io(source, e.into())),
    }
}

/// Finds the columns for a set of fields; every problem is collected into one message.
pub(crate) struct ColumnFinder<'h> {
    header: &'h Header,
    missing: Vec<&'static str>,
    clashes: Vec<String>,
}

impl<'h> ColumnFinder<'h> {
    pub(crate) fn new(header: &'h Header) -> Self {
        ColumnFinder {
            header,
            missing: Vec::new(),
            clashes: Vec::new(),
        }
    }

    pub(crate) fn optional(&mut self, aliases: &[&'static str]) -> Option<usize> {
        match self.header.find(aliases) {
            Ok(c) => c,
            Err(clash) => {
                self.clashes.push(clash);
                None
            }
        }
    }

    /// The column's index (`usize::MAX` when it is missing or doubled: then
    /// [`finish`](Self::finish) fails).
    pub(crate) fn required(&mut self, aliases: &[&'static str]) -> usize {
        match self.header.find(aliases) {
            Ok(Some(c)) => c,
            Ok(None) => {
                self.missing.push(aliases[0]);
                usize::MAX
            }
            Err(clash) => {
                self.clashes.push(clash);
                usize::MAX
            }
        }
    }

    /// Everything wrong with the header, as one error.
    pub(crate) fn finish(self, source: &str, line: u64) -> Result<(), InputError> {
        let mut problems = self.clashes;
        if !self.missing.is_empty() {
            let plural = if self.missing.len() > 1 { "s" } else { "" };
            let found = self.header.names.join(",");
            problems.push(format!(
                "missing column{plural} {} (the header has: {found})",
                self.missing.join(", ")
            ));
        }
        if problems.is_empty() {
            return Ok(());
        }
        Err(InputError::invalid(
            source,
            Location::Line(line),
            None,
            problems.join("; "),
        ))
    }
}

/// Where each report field is, and how many cells a row has: the column of each field
/// (the one-pass reader of blocks, `report_blocks::report_rows`, reads the cells from
/// them as [`fields`](Self::fields) does).
#[derive(Clone, Debug)]
pub(crate) struct ReportColumns {
    pub(crate) report_id: Option<usize>,
    pub(crate) unit_id: usize,
    pub(crate) time: usize,
    pub(crate) lon: usize,
    pub(crate) lat: usize,
    pub(crate) accuracy_m: Option<usize>,
    pub(crate) source: Option<usize>,
    pub(crate) side: Option<usize>,
    pub(crate) class: Option<usize>,
    pub(crate) role: Option<usize>,
    pub(crate) foreign: Option<usize>,
    pub(crate) width: usize,
}

impl ReportColumns {
    /// The columns named by `header` (on `line`).
    ///
    /// # Errors
    /// Missing required columns (`unit_id`, `time`, `lon`, `lat`) or two columns for one
    /// field, all named in one error.
    pub(crate) fn find(header: &Header, source: &str, line: u64) -> Result<Self, InputError> {
        let mut f = ColumnFinder::new(header);
        let columns = ReportColumns {
            report_id: f.optional(&["report_id"]),
            unit_id: f.required(&["unit_id"]),
            time: f.required(&["time"]),
            lon: f.required(LON),
            lat: f.required(LAT),
            accuracy_m: f.optional(&["accuracy_m"]),
            source: f.optional(&["source"]),
            side: f.optional(&["side"]),
            class: f.optional(&["class"]),
            role: f.optional(&["role"]),
            foreign: f.optional(&["foreign"]),
            width: header.len(),
        };
        f.finish(source, line)?;
        Ok(columns)
    }

    /// The fields of a row of `cells`, checked, its texts borrowed from the cells; the
    /// id is `None` when there is no `report_id` column or the cell is empty. `last` is
    /// the day of the time read before (the rows before, in order).
    ///
    /// # Errors
    /// The first problem found, in the order of the fields below (the one reported).
    #[inline]
    pub(crate) fn fields<'c>(
        &self,
        r: &impl Cells<'c>,
        last: &mut LastDay,
    ) -> Result<RowFields<'c>, RowProblem> {
        let c = self;
        if r.count() != self.width {
            let reason = format!(
                "expected {} fields, as in the header, found {}",
                self.width,
                r.count()
            );
            return Err(RowProblem {
                field: None,
                reason,
            });
        }
        let unit_id =
            text(r, c.unit_id, "unit_id")?.ok_or_else(|| RowProblem::missing("unit_id"))?;
        let time = parse_time_after(r.cell(c.time), last)?;
        let lon = parse_number(r.cell(c.lon), "lon")?;
        let lat = parse_number(r.cell(c.lat), "lat")?;
        let position = check_position(lon, lat, ("lon", "lat"))?;
        let accuracy_m = match c.accuracy_m.map(|i| r.cell(i)).filter(|f| !f.is_empty()) {
            None => 0.0,
            Some(f) => check_accuracy(parse_number(f, "accuracy_m")?)?,
        };
        let id = optional(r, c.report_id, "report_id")?;
        let (side, class, role) = (
            optional(r, c.side, "side")?,
            optional(r, c.class, "class")?,
            optional(r, c.role, "role")?,
        );
        let foreign = match c.foreign {
            Some(i) => parse_foreign(r.cell(i))?,
            None => None,
        };
        let source = optional(r, c.source, "source")?;
        Ok(RowFields {
            id,
            unit_id,
            time,
            position,
            accuracy_m,
            source,
            attributes: AttributeView {
                side,
                class,
                role,
                foreign,
            },
        })
    }

    /// The report in a row of `cells` on `line` of `source` (`last`: as for
    /// [`fields`](Self::fields)).
    #[inline]
    pub(crate) fn report<'c>(
        &self,
        r: &impl Cells<'c>,
        source: &str,
        line: u64,
        strings: &mut StringPool,
        last: &mut LastDay,
    ) -> Result<Report, RowProblem> {
        // Every field checked before any string is taken from the pool.
        let f = self.fields(r, last)?;
        let mut owned = |s: &str| strings.text(s);
        Ok(Report {
            id: f
                .id
                .map(&mut owned)
                .unwrap_or_else(|| generated_id(source, ':', line)),
            unit_id: owned(f.unit_id),
            time: f.time,
            position: f.position,
            accuracy_m: f.accuracy_m,
            source: f.source.map(&mut owned),
            attributes: UnitAttributes {
                side: f.attributes.side.map(&mut owned),
                class: f.attributes.class.map(&mut owned),
                role: f.attributes.role.map(&mut owned),
                foreign: f.attributes.foreign,
            },
        })
    }
}

/// A CSV row's fields, checked, its texts borrowed.
#[derive(Clone, Copy)]
pub(crate) struct RowFields<'c> {
    pub(crate) id: Option<&'c str>,
    pub(crate) unit_id: &'c str,
    pub(crate) time: Timestamp,
    pub(crate) position: Coord,
    pub(crate) accuracy_m: f64,
    pub(crate) source: Option<&'c str>,
    pub(crate) attributes: AttributeView<'c>,
}

/// Reports from CSV.
pub(crate) struct CsvReports<R: Read> {
    records: CsvRecords<R>,
    columns: ReportColumns,
    source: String,
    last_day: LastDay,
}

impl<R: Read> CsvReports<R> {
    /// Reads the header.
    ///
    /// # Errors
    /// See [`read_header`]; the required columns are `unit_id`, `time`, `lon`, `lat`.
    pub(crate) fn new(input: R, source: &str) -> Result<Self, InputError> {
        let mut records = CsvRecords::new(input);
        let (header, line) = read_header(&mut records, source, "unit_id,time,lon,lat")?;
        let columns = ReportColumns::find(&header, source, line)?;
        Ok(CsvReports {
            records,
            columns,
            source: source.to_string(),
            last_day: LastDay::default(),
        })
    }

    /// Reads the next row into `sink` (a report or a reject); `false` at the end.
    ///
    /// # Errors
    /// I/O errors.
    #[inline]
    pub(crate) fn read_row(&mut self, sink: &mut Sink<'_>) -> Result<bool, InputError> {
        let line = match self.records.next_record() {
            Ok(Some(line)) => line,
            Ok(None) => return Ok(false),
            Err(e) => return Err(InputError::io(&self.source, e.into())),
        };
        // Built straight into the sink: a report is large, and each move is a memcpy.
        match self.columns.report(
            &&self.records,
            &self.source,
            line,
            &mut StringPool::default(),
            &mut self.last_day,
        ) {
            Ok(report) => sink.accept(report, line),
            Err(p) => sink.rejects.push(p.into_reject(&self.source, line, None)),
        }
        Ok(true)
    }
}

impl CsvReports<crate::Input> {
    /// Reads the data rows of `input`, which starts at line `first_line` (≥ 2) of a file
    /// whose header gave `columns`.
    pub(crate) fn resume(
        input: crate::Input,
        columns: ReportColumns,
        source: &str,
        first_line: u64,
    ) -> Self {
        CsvReports {
            records: CsvRecords::resume(input, first_line),
            columns,
            source: source.to_string(),
            last_day: LastDay::default(),
        }
    }
}

/// Cell `i` as text; `None` when empty.
#[inline(always)]
fn text<'c>(
    r: &impl Cells<'c>,
    i: usize,
    field: &'static str,
) -> Result<Option<&'c str>, RowProblem> {
    let text = match r.checked_text(i) {
        Some(text) => text,
        None => checked_cell(r.cell(i), field)?,
    };
    Ok((!text.is_empty()).then_some(text))
}

/// A cell of a row not known to be UTF-8, checked on its own: the problem names the
/// first byte that is not.
#[inline(never)]
fn checked_cell<'a>(bytes: &'a [u8], field: &'static str) -> Result<&'a str, RowProblem> {
    std::str::from_utf8(bytes).map_err(|e| {
        RowProblem::new(
            field,
            format!(
                "is not valid UTF-8 (byte {} of the cell)",
                e.valid_up_to() + 1
            ),
        )
    })
}

/// An optional column's cell; `None` when the column or value is absent.
#[inline(always)]
fn optional<'c>(
    r: &impl Cells<'c>,
    column: Option<usize>,
    field: &'static str,
) -> Result<Option<&'c str>, RowProblem> {
    match column {
        None => Ok(None),
        Some(i) => text(r, i, field),
    }
}
