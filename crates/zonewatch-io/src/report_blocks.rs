//! Reports and points in blocks of whole lines, for parsing on every core: the fast path
//! of reading CSV and newline-delimited GeoJSON.
//!
//! A block is split into pieces; each piece is parsed on its own (by whatever thread the
//! caller chooses) into the same reports, lines and rejects the careful, one-row-at-a-time
//! readers ([`ReportReader`], [`PointReader`]) give. The fast CSV path splits lines at
//! `,` by hand, so it takes only blocks without a `"`: from the first block holding one,
//! the rest of the input goes through the careful reader (the `csv` crate), resumed at
//! that line. So does the rest of an input from a line longer than 16 MiB, and a GeoJSON
//! FeatureCollection as a whole. Report rows borrowing the block ([`LineBlock::read_rows`])
//! are read in one pass over a piece (`report_rows`), each cell handed to its field as
//! it is cut, with the cell-list path as the fallback for every row it does not take.

use std::sync::Arc;

use zonewatch_core::{Coord, Report, ReportRef};

use crate::csv_records::{Cells, Header, trim, trim_text};
use crate::csv_reports::{ReportColumns, RowFields};
use crate::error::InputError;
use crate::feature_in::FeatureIn;
use crate::feature_scan::LineShapes;
use crate::json_features::{FeatureSlot, parse_feature_line};
use crate::json_reports::feature_to_report;
use crate::line_blocks::{BlockSize, LineBlocks, Next, PieceSpan, Pool, RawBlock, lines};
use crate::point_reader::{PointColumns, PointId, json_point};
use crate::report_fields::{RowProblem, StringPool, generated_id};
use crate::rfc3339::LastDay;
use crate::{Input, PointReader, Reject, ReportFormat, ReportReader};

mod report_rows;

use report_rows::{RowSink, for_each_report_row};

/// Reports parsed from a piece of a block (or a careful reader's chunk), in input order.
#[derive(Debug, Default)]
pub struct ParsedReports {
    /// The accepted reports.
    pub reports: Vec<Report>,
    /// The 1-based line of each accepted report.
    pub lines: Vec<u64>,
    /// The rejected rows.
    pub rejects: Vec<Reject>,
    /// The strings of reports [`recycle`](Self::recycle)d, for the reports read next.
    strings: StringPool,
}

impl ParsedReports {
    /// Empties it for the next piece, keeping its reports' strings: the CSV reports read
    /// into it next take their ids and texts from them instead of the allocator.
    pub fn recycle(&mut self) {
        for report in &mut self.reports {
            self.strings.keep(report);
        }
        self.reports.clear();
        self.lines.clear();
        self.rejects.clear();
    }
}

/// A report of a CSV block, its texts borrowed from the block: no string is allocated,
/// copied or freed for it. (Owned reports' strings, recycled from block to block, still
/// cost ~12 % of a light check: taking them back, copying the texts in, freeing them.)
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ReportRow<'a> {
    /// The report. Its `id` is empty when the row has none: the reader's id is then
    /// `{source}:{line}` (see [`with_id`](Self::with_id)); a given id is never empty.
    pub report: ReportRef<'a>,
    /// The 1-based line of the report.
    pub line: u64,
}

impl ReportRow<'_> {
    /// Calls `f` with the report, its id as [`ReportReader`] gives it (generated from
    /// `source`, the input's name, and the line when the row has none).
    pub fn with_id<T>(&self, source: &str, f: impl FnOnce(ReportRef<'_>) -> T) -> T {
        if self.report.id.is_empty() {
            let id = generated_id(source, ':', self.line);
            f(ReportRef {
                id: &id,
                ..self.report
            })
        } else {
            f(self.report)
        }
    }
}

/// Where [`LineBlock::read_rows`] puts rows: accepted as [`ReportRow`]s, rejected as
/// rejects of `source`.
struct RowsOut<'o, 'a> {
    out: &'o mut ParsedRows<'a>,
    source: &'o str,
}

impl<'a> RowSink<'a> for RowsOut<'_, 'a> {
    #[inline(always)]
    fn accept(&mut self, line: u64, f: &RowFields<'a>) {
        self.out.rows.push(ReportRow {
            report: ReportRef {
                id: f.id.unwrap_or_default(),
                unit_id: f.unit_id,
                time: f.time,
                position: f.position,
                accuracy_m: f.accuracy_m,
                attributes: f.attributes,
            },
            line,
        });
    }

    #[inline(never)]
    fn reject(&mut self, line: u64, problem: RowProblem) {
        self.out
            .rejects
            .push(problem.into_reject(self.source, line, None));
    }
}

/// Reports parsed from a piece of a CSV block into [`ReportRow`]s, which borrow the block.
#[derive(Debug, Default)]
pub struct ParsedRows<'a> {
    /// The accepted reports, in input order.
    pub rows: Vec<ReportRow<'a>>,
    /// The rejected rows.
    pub rejects: Vec<Reject>,
}

/// Points parsed from a piece of a block (or a careful reader's chunk), in input order.
#[derive(Debug, Default)]
pub struct ParsedPoints<'a> {
    /// The accepted points; ids may borrow from the block.
    pub points: Vec<(PointId<'a>, Coord)>,
    /// The rejected rows.
    pub rejects: Vec<Reject>,
    /// Rows read (accepted + rejected): [`PointId::Row`] numbers count from the rows of the
    /// pieces before.
    pub rows: u64,
}

/// How the lines of a block are read.
#[derive(Debug)]
enum Layout {
    CsvReports(ReportColumns),
    CsvPoints(PointColumns),
    NdJson,
}

/// Whole lines of an input, cut into pieces to parse in parallel.
pub struct LineBlock {
    bytes: Vec<u8>,
    pieces: Vec<PieceSpan>,
    layout: Arc<Layout>,
    source: Arc<str>,
    /// Where the bytes go back when the block is dropped.
    pool: Pool,
}

impl Drop for LineBlock {
    fn drop(&mut self) {
        self.pool.give(std::mem::take(&mut self.bytes));
    }
}

impl LineBlock {
    fn new(raw: RawBlock, layout: &Arc<Layout>, source: &Arc<str>, pool: &Pool) -> LineBlock {
        LineBlock {
            pool: pool.clone(),
            bytes: raw.bytes,
            pieces: raw.pieces,
            layout: layout.clone(),
            source: source.clone(),
        }
    }

    /// The number of pieces.
    pub fn pieces(&self) -> usize {
        self.pieces.len()
    }

    /// The bytes of the block.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the block holds no bytes.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Parses piece `i` as reports, appending to `out`.
    ///
    /// # Panics
    /// When the block came from a [`PointBlocks`] reader of CSV (whose header need not
    /// name report columns), or `i` is not below [`pieces`](Self::pieces).
    pub fn read_reports(&self, i: usize, out: &mut ParsedReports) {
        let p = self.pieces[i];
        let bytes = &self.bytes[p.start..p.end];
        let source = &*self.source;
        // At most one row a line: no report is moved by a growing vector.
        let rows = (p.end_line - p.first_line + 1) as usize;
        out.reports.reserve(rows);
        out.lines.reserve(rows);
        match &*self.layout {
            Layout::CsvReports(columns) => {
                let mut last = LastDay::default();
                csv_rows(bytes, p.first_line, |line, row| {
                    match columns.report(row, source, line, &mut out.strings, &mut last) {
                        Ok(report) => {
                            out.reports.push(report);
                            out.lines.push(line);
                        }
                        Err(e) => out.rejects.push(e.into_reject(source, line, None)),
                    }
                });
            }
            Layout::NdJson => {
                let mut shapes = LineShapes::default();
                for (slot, text) in ndjson_features(bytes, p.first_line) {
                    let mut f = FeatureIn::default();
                    match parse_feature_line(text, slot, &mut f, &mut shapes) {
                        Ok(()) => match feature_to_report(&f, slot, source) {
                            Ok(report) => {
                                out.reports.push(report);
                                out.lines.push(slot.line);
                            }
                            Err(e) => out.rejects.push(slot.reject(source, slot.line, e)),
                        },
                        Err((line, e)) => out.rejects.push(slot.reject(source, line, e)),
                    }
                }
            }
            Layout::CsvPoints(_) => panic!("a block of points read as reports"),
        }
    }

    /// Whether [`read_rows`](Self::read_rows) reads this block: a block of CSV reports.
    /// (Reports of newline-delimited GeoJSON are read by
    /// [`read_reports`](Self::read_reports) only.)
    pub fn has_report_rows(&self) -> bool {
        matches!(*self.layout, Layout::CsvReports(_))
    }

    /// Parses piece `i` as reports borrowing the block's texts, appending to `out`: the
    /// reports, lines and rejects [`read_reports`](Self::read_reports) gives.
    ///
    /// # Panics
    /// When [`has_report_rows`](Self::has_report_rows) is false, or `i` is not below
    /// [`pieces`](Self::pieces).
    pub fn read_rows<'a>(&'a self, i: usize, out: &mut ParsedRows<'a>) {
        let Layout::CsvReports(columns) = &*self.layout else {
            panic!("only a block of CSV reports is read as rows");
        };
        let p = self.pieces[i];
        let bytes = &self.bytes[p.start..p.end];
        let source = &*self.source;
        out.rows.reserve((p.end_line - p.first_line + 1) as usize);
        let mut last = LastDay::default();
        let mut sink = RowsOut { out, source };
        // A piece that is not UTF-8 is read line by line, and its lines that are not,
        // cell by cell (`csv_rows`), which names the cell and byte at fault.
        match std::str::from_utf8(bytes) {
            Ok(piece) => for_each_report_row(piece, p.first_line, columns, &mut last, &mut sink),
            Err(_) => csv_rows(bytes, p.first_line, |line, cells| {
                match columns.fields(cells, &mut last) {
                    Ok(fields) => sink.accept(line, &fields),
                    Err(problem) => sink.reject(line, problem),
                }
            }),
        }
    }

    /// Parses piece `i` as points, appending to `out` (ids borrow from the block).
    ///
    /// # Panics
    /// When the block came from a [`ReportBlocks`] reader of CSV, or `i` is not below
    /// [`pieces`](Self::pieces).
    pub fn read_points<'a>(&'a self, i: usize, out: &mut ParsedPoints<'a>) {
        let p = self.pieces[i];
        let bytes = &self.bytes[p.start..p.end];
        let source = &*self.source;
        out.points.reserve((p.end_line - p.first_line + 1) as usize);
        match &*self.layout {
            Layout::CsvPoints(columns) => {
                csv_rows(bytes, p.first_line, |line, row| {
                    // The id borrows from the block, not from `row`.
                    match columns.point(row, out.rows) {
                        Ok(point) => out.points.push(point),
                        Err(e) => out.rejects.push(e.into_reject(source, line, None)),
                    }
                    out.rows += 1;
                });
            }
            Layout::NdJson => {
                let mut shapes = LineShapes::default();
                for (mut slot, text) in ndjson_features(bytes, p.first_line) {
                    slot.number = out.rows;
                    let mut f = FeatureIn::default();
                    match parse_feature_line(text, slot, &mut f, &mut shapes) {
                        Ok(()) => match json_point(&f, out.rows) {
                            Ok(point) => out.points.push(point),
                            Err(e) => out.rejects.push(slot.reject(source, slot.line, e)),
                        },
                        Err((line, e)) => out.rejects.push(slot.reject(source, line, e)),
                    }
                    out.rows += 1;
                }
            }
            Layout::CsvReports(_) => panic!("a block of reports read as points"),
        }
    }
}

/// The non-blank lines of an NDJSON piece as features, as `NdjsonLines` sees them: `\r`
/// before the line end dropped, a byte order mark on line 1 and a leading record separator
/// skipped. `number` is left 0 (the row is the caller's to count).
fn ndjson_features(bytes: &[u8], first_line: u64) -> impl Iterator<Item = (FeatureSlot, &[u8])> {
    lines(bytes, first_line).filter_map(|(line, mut text)| {
        if let Some(t) = text.strip_suffix(b"\r") {
            text = t;
        }
        if line == 1
            && let Some(t) = text.strip_prefix(b"\xEF\xBB\xBF")
        {
            text = t;
        }
        if let Some(t) = text.strip_prefix(b"\x1E") {
            text = t;
        }
        if text.trim_ascii().is_empty() {
            return None;
        }
        let slot = FeatureSlot {
            line,
            column: 1,
            number: 0,
            in_collection: false,
            oversize: false,
        };
        Some((slot, text))
    })
}

/// Calls `f` with each CSV line of `bytes` (no quotes; the first on `first_line`) that
/// is not blank, split at `,`: one pass over the bytes finds both cell and line ends.
///
/// The piece is checked for UTF-8 once, and its lines' texts are then cut from it (at
/// `,` and line ends, ASCII, so always at a character boundary): a check per text cell
/// cost ~3 times as much. A piece that is not UTF-8 is checked line by line, and a line
/// that is not, cell by cell (by the caller), which names the cell and byte at fault.
#[inline]
fn csv_rows<'t>(bytes: &'t [u8], first_line: u64, mut f: impl FnMut(u64, &CsvLine<'t>)) {
    let piece = std::str::from_utf8(bytes).ok();
    let mut row = CsvLine::default();
    let (mut line, mut line_start, mut cell_start) = (first_line, 0usize, 0usize);
    let mut end_line =
        |row: &mut CsvLine<'t>, line: u64, end: usize, line_start: usize, cell_start: usize| {
            row.text = &bytes[line_start..end];
            row.utf8 = match piece {
                Some(piece) => piece.get(line_start..end),
                None => std::str::from_utf8(row.text).ok(),
            };
            row.cells
                .push(((cell_start - line_start) as u32, (end - line_start) as u32));
            let blank = row.cells.len() == 1 && trim(row.text).is_empty();
            if !blank {
                f(line, row);
            }
            row.cells.clear();
        };
    for_each_separator(bytes, |i| {
        if bytes[i] == b',' {
            row.cells
                .push(((cell_start - line_start) as u32, (i - line_start) as u32));
            cell_start = i + 1;
        } else {
            end_line(&mut row, line, i, line_start, cell_start);
            line += 1;
            line_start = i + 1;
            cell_start = i + 1;
        }
    });
    if line_start < bytes.len() {
        end_line(&mut row, line, bytes.len(), line_start, cell_start);
    }
}

/// Calls `f` with the position of every `,` and `\n` in `bytes`, in order. Eight bytes
/// at a time: a CSV line has a separator every few bytes, and a vector search restarted
/// after each one cost more than this. Each byte's test is exact (no carry crosses
/// bytes), so every marked byte is a separator. (Plain loops: as an iterator of
/// adapters, this was slower than the search it replaces.)
#[inline]
fn for_each_separator(bytes: &[u8], mut f: impl FnMut(usize)) {
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // The high bit of each byte of `t` that is not zero (and other bits): a byte is a
    // separator where it is not set for both `,` and `\n`.
    let nonzero = |t: u64| ((t & LOW) + LOW) | t;
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let x = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let either = nonzero(x ^ (ONES * u64::from(b','))) & nonzero(x ^ (ONES * u64::from(b'\n')));
        let mut m = !either & !LOW;
        while m != 0 {
            f(at + (m.trailing_zeros() / 8) as usize);
            m &= m - 1;
        }
        at += 8;
    }
    for (i, &b) in words.remainder().iter().enumerate() {
        if b == b',' || b == b'\n' {
            f(at + i);
        }
    }
}

/// One CSV line without quotes, split at `,`.
#[derive(Default)]
struct CsvLine<'t> {
    text: &'t [u8],
    /// `text`, when it is UTF-8.
    utf8: Option<&'t str>,
    /// Where each cell starts and ends in `text`.
    cells: Vec<(u32, u32)>,
}

impl<'t> CsvLine<'t> {
    /// Splits `text`; `false` for a blank line (one cell, only whitespace), which the
    /// careful reader skips too.
    #[inline]
    fn split(&mut self, text: &'t [u8]) -> bool {
        self.text = text;
        self.utf8 = None;
        self.cells.clear();
        let mut start = 0u32;
        for i in memchr::memchr_iter(b',', text) {
            self.cells.push((start, i as u32));
            start = i as u32 + 1;
        }
        self.cells.push((start, text.len() as u32));
        !(self.cells.len() == 1 && trim(text).is_empty())
    }
}

impl<'t> Cells<'t> for CsvLine<'t> {
    #[inline]
    fn count(&self) -> usize {
        self.cells.len()
    }
    #[inline(always)]
    fn cell(&self, i: usize) -> &'t [u8] {
        match self.cells.get(i) {
            Some(&(a, b)) => trim(&self.text[a as usize..b as usize]),
            None => &[],
        }
    }
    #[inline(always)]
    fn checked_text(&self, i: usize) -> Option<&'t str> {
        let text = self.utf8?;
        Some(match self.cells.get(i) {
            Some(&(a, b)) => trim_text(text.get(a as usize..b as usize)?),
            None => "",
        })
    }
}

/// The header of a CSV block without quotes: the first line that is not blank (after a
/// byte order mark), and where the lines after it start. `None` when the block holds a
/// `"` or no header.
fn plain_header(raw: &RawBlock) -> Option<(Header, u64, usize)> {
    let bytes = &raw.bytes[raw.start..];
    if memchr::memchr(b'"', bytes).is_some() {
        return None;
    }
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let mut row = CsvLine::default();
    for (line, text) in lines(&bytes[bom..], raw.first_line) {
        if !row.split(text) {
            continue;
        }
        let record: csv::ByteRecord = (0..row.count())
            .map(|i| {
                let (a, b) = row.cells[i];
                &text[a as usize..b as usize]
            })
            .collect();
        let end = text.as_ptr() as usize - raw.bytes.as_ptr() as usize + text.len();
        let after = (end + 1).min(raw.bytes.len());
        return Some((Header::from_record(&record), line, after));
    }
    None
}

/// A careful, one-row-at-a-time reader that takes over where blocks cannot go.
trait Careful: Sized {
    /// The layout of a CSV input with this header.
    fn layout(header: &Header, source: &str, line: u64) -> Result<Layout, InputError>;
    /// A reader of the whole input.
    fn from_start(input: Input, format: ReportFormat, source: &str) -> Result<Self, InputError>;
    /// A reader of the rest of an input, from `first_line` on.
    fn resume(input: Input, layout: &Layout, source: &str, first_line: u64) -> Self;
}

impl Careful for ReportReader {
    fn layout(header: &Header, source: &str, line: u64) -> Result<Layout, InputError> {
        ReportColumns::find(header, source, line).map(Layout::CsvReports)
    }
    fn from_start(input: Input, format: ReportFormat, source: &str) -> Result<Self, InputError> {
        ReportReader::new(input, format, source)
    }
    fn resume(input: Input, layout: &Layout, source: &str, first_line: u64) -> Self {
        match layout {
            Layout::CsvReports(c) => ReportReader::resume_csv(input, c.clone(), source, first_line),
            _ => ReportReader::resume_ndjson(input, source, first_line),
        }
    }
}

impl Careful for PointReader {
    fn layout(header: &Header, source: &str, line: u64) -> Result<Layout, InputError> {
        PointColumns::find(header, source, line).map(Layout::CsvPoints)
    }
    fn from_start(input: Input, format: ReportFormat, source: &str) -> Result<Self, InputError> {
        PointReader::new(input, format, source)
    }
    fn resume(input: Input, layout: &Layout, source: &str, first_line: u64) -> Self {
        match layout {
            Layout::CsvPoints(c) => PointReader::resume_csv(input, c.clone(), source, first_line),
            _ => PointReader::resume_ndjson(input, source, first_line),
        }
    }
}

/// Where a reader of blocks is.
enum State<R> {
    Lines {
        lines: LineBlocks,
        layout: Arc<Layout>,
        /// The rest of the first block, after the header.
        pending: Option<RawBlock>,
    },
    Careful(R),
    Done,
}

/// The block reader shared by reports and points; `R` is the careful reader.
struct Blocks<R> {
    state: State<R>,
    source: Arc<str>,
}

/// What a block reader gives next.
enum Step {
    Lines(LineBlock),
    /// Read the next chunk from the careful reader.
    Careful,
    End,
}

impl<R: Careful> Blocks<R> {
    /// Opens `input`; for CSV, reads the header from the first block (or hands the whole
    /// input to the careful reader when that block is not plain).
    fn open(
        input: Input,
        format: ReportFormat,
        source: &str,
        rows: usize,
    ) -> Result<Blocks<R>, InputError> {
        let size = BlockSize::for_rows(rows);
        let state = match format {
            ReportFormat::NdJson => State::Lines {
                lines: LineBlocks::new(input, size),
                layout: Arc::new(Layout::NdJson),
                pending: None,
            },
            ReportFormat::Csv => {
                let mut lines = LineBlocks::new(input, size);
                let first = lines.next_block().map_err(|e| InputError::io(source, e))?;
                match first {
                    Next::Block(raw) => match plain_header(&raw) {
                        Some((header, line, after)) => State::Lines {
                            layout: Arc::new(R::layout(&header, source, line)?),
                            lines,
                            pending: Some(raw.from(after, line + 1, size.piece)),
                        },
                        None => {
                            let rest = lines.rest(raw.bytes);
                            State::Careful(R::from_start(rest, format, source)?)
                        }
                    },
                    Next::LongLine { rest, .. } => {
                        State::Careful(R::from_start(rest, format, source)?)
                    }
                    Next::End => {
                        let rest = lines.rest(Vec::new());
                        State::Careful(R::from_start(rest, format, source)?)
                    }
                }
            }
            _ => State::Careful(R::from_start(input, format, source)?),
        };
        Ok(Blocks {
            state,
            source: source.into(),
        })
    }

    fn next_step(&mut self) -> Result<Step, InputError> {
        loop {
            let State::Lines {
                lines,
                layout,
                pending,
            } = &mut self.state
            else {
                return Ok(match self.state {
                    State::Careful(_) => Step::Careful,
                    _ => Step::End,
                });
            };
            let raw = match pending.take() {
                Some(raw) => raw,
                None => match lines
                    .next_block()
                    .map_err(|e| InputError::io(&self.source, e))?
                {
                    Next::Block(raw) => raw,
                    Next::LongLine { rest, first_line } => {
                        self.state =
                            State::Careful(R::resume(rest, layout, &self.source, first_line));
                        continue;
                    }
                    Next::End => {
                        self.state = State::Done;
                        return Ok(Step::End);
                    }
                },
            };
            let csv = !matches!(**layout, Layout::NdJson);
            if csv && memchr::memchr(b'"', &raw.bytes[raw.start..]).is_some() {
                let first_line = raw.first_line;
                let mut bytes = raw.bytes;
                bytes.drain(..raw.start);
                let rest = lines.rest(bytes);
                self.state = State::Careful(R::resume(rest, layout, &self.source, first_line));
                continue;
            }
            if raw.start == raw.bytes.len() {
                continue;
            }
            let block = LineBlock::new(raw, layout, &self.source, &lines.pool);
            return Ok(Step::Lines(block));
        }
    }
}

/// Reports from CSV or newline-delimited GeoJSON in blocks of whole lines, to be parsed
/// in parallel ([`LineBlock::read_reports`]); a GeoJSON FeatureCollection, and the part of
/// a CSV input from its first `"` on, come already parsed, by a [`ReportReader`].
///
/// Every row ends up exactly as [`ReportReader`] reads it: the same reports, lines and
/// rejects, in the same order.
///
/// # Example
/// ```
/// use zonewatch_io::{ParsedReports, ReportBlock, ReportBlocks, ReportFormat};
///
/// let csv = "unit_id,time,lon,lat\nU1,2021-01-23T00:00:00Z,16.5,31.2\nU2,noon,16,31\n";
/// let mut blocks = ReportBlocks::new(Box::new(csv.as_bytes()), ReportFormat::Csv, "r.csv", 65_536).unwrap();
/// let mut parsed = ParsedReports::default();
/// while let Some(block) = blocks.next_block().unwrap() {
///     match block {
///         ReportBlock::Lines(lines) => (0..lines.pieces()).for_each(|i| lines.read_reports(i, &mut parsed)),
///         ReportBlock::Parsed(p) => parsed = p,
///     }
/// }
/// assert_eq!((parsed.reports[0].id.as_str(), parsed.lines[0]), ("r.csv:2", 2));
/// assert_eq!(parsed.rejects[0].line, 3);
/// ```
pub struct ReportBlocks {
    blocks: Blocks<ReportReader>,
    rows: usize,
}

/// A block of reports: lines to parse, or rows a careful reader parsed.
pub enum ReportBlock {
    /// Whole lines, to parse piece by piece.
    Lines(LineBlock),
    /// Rows already parsed.
    Parsed(ParsedReports),
}

impl ReportBlocks {
    /// A reader of `input` in `format`, named `source`, in blocks of about `rows` rows
    /// (memory is bounded by this, not by the input). For CSV, the header is read here.
    ///
    /// # Errors
    /// As for [`ReportReader::new`].
    pub fn new(
        input: Input,
        format: ReportFormat,
        source: &str,
        rows: usize,
    ) -> Result<ReportBlocks, InputError> {
        Ok(ReportBlocks {
            blocks: Blocks::open(input, format, source, rows)?,
            rows: rows.max(1),
        })
    }

    /// The next block, or `None` at the end.
    ///
    /// # Errors
    /// As for [`ReportReader::read_chunk`].
    pub fn next_block(&mut self) -> Result<Option<ReportBlock>, InputError> {
        Ok(match self.blocks.next_step()? {
            Step::Lines(b) => Some(ReportBlock::Lines(b)),
            Step::End => None,
            Step::Careful => {
                let State::Careful(reader) = &mut self.blocks.state else {
                    unreachable!("a careful step has a careful reader")
                };
                let mut p = ParsedReports::default();
                if reader.read_chunk_with_lines(
                    self.rows,
                    &mut p.reports,
                    &mut p.lines,
                    &mut p.rejects,
                )? {
                    Some(ReportBlock::Parsed(p))
                } else {
                    self.blocks.state = State::Done;
                    None
                }
            }
        })
    }
}

/// Points for the join from CSV or newline-delimited GeoJSON in blocks of whole lines,
/// as [`ReportBlocks`] reads reports; the points are those [`PointReader`] reads.
pub struct PointBlocks {
    blocks: Blocks<PointReader>,
    rows: usize,
}

/// A block of points: lines to parse, or rows a careful reader parsed.
pub enum PointBlock {
    /// Whole lines, to parse piece by piece.
    Lines(LineBlock),
    /// Rows already parsed.
    Parsed(ParsedPoints<'static>),
}

impl PointBlocks {
    /// A reader of `input` in `format`, named `source`, in blocks of about `rows` rows.
    ///
    /// # Errors
    /// As for [`PointReader::new`].
    pub fn new(
        input: Input,
        format: ReportFormat,
        source: &str,
        rows: usize,
    ) -> Result<PointBlocks, InputError> {
        Ok(PointBlocks {
            blocks: Blocks::open(input, format, source, rows)?,
            rows: rows.max(1),
        })
    }

    /// The next block, or `None` at the end.
    ///
    /// # Errors
    /// As for [`PointReader::read_chunk`].
    pub fn next_block(&mut self) -> Result<Option<PointBlock>, InputError> {
        Ok(match self.blocks.next_step()? {
            Step::Lines(b) => Some(PointBlock::Lines(b)),
            Step::End => None,
            Step::Careful => {
                let State::Careful(reader) = &mut self.blocks.state else {
                    unreachable!("a careful step has a careful reader")
                };
                let mut p = ParsedPoints::default();
                let before = reader.rows_read();
                if reader.read_batch(self.rows, &mut p.points, &mut p.rejects)? {
                    p.rows = reader.rows_read() - before;
                    Some(PointBlock::Parsed(p))
                } else {
                    self.blocks.state = State::Done;
                    None
                }
            }
        })
    }
}

#[cfg(test)]
mod tests;
