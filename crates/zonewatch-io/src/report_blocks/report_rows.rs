//! The report rows of a CSV piece without quotes, read in one pass: each cell goes to
//! its column's field as its separator is found, with no list of cells in between.
//!
//! The pass takes a row only when every field reads on the fast path: the right number
//! of cells, the required texts present, plain decimals, times [`parse_rfc3339_after`]
//! accepts, values in range. Anything else — a blank line, cells missing or extra, a
//! number with an exponent, any problem at all — goes to the careful path: the line is
//! split into cells and read by [`ReportColumns::fields`], which gives the fields or the
//! first problem (and so every reject and message) as before. What the pass takes, the
//! careful path takes too, with the same values: the same parsers and tests, in another
//! order (the tests compare the two).

use zonewatch_core::{AttributeView, Coord, Timestamp};

use super::CsvLine;
use crate::csv_records::{trim, trim_text};
use crate::csv_reports::{ColumnField, ReportColumns, RowFields};
use crate::flag::parse_flag;
use crate::report_fields::{RowProblem, parse_plain_decimal};
use crate::rfc3339::{LastDay, parse_rfc3339_after};

/// Where the rows of [`for_each_report_row`] go.
pub(super) trait RowSink<'t> {
    /// The fields of the row on `line`.
    fn accept(&mut self, line: u64, fields: &RowFields<'t>);
    /// The problem of the row on `line`.
    fn reject(&mut self, line: u64, problem: RowProblem);
}

/// Gives `sink` the line and the fields (or the problem) of every CSV line of `piece`
/// (no quotes; the first on `first_line`) that is not blank, as
/// [`ReportColumns::fields`] reads the line's cells; `last` as for it. The `source` of
/// rows read in the pass is left `None` (the rows read as [`super::ReportRow`]s do not
/// keep it; being text is all its check, and the piece is).
#[inline]
pub(super) fn for_each_report_row<'t>(
    piece: &'t str,
    first_line: u64,
    columns: &ReportColumns,
    last: &mut LastDay,
    sink: &mut impl RowSink<'t>,
) {
    let mut pass = RowPass {
        piece,
        columns,
        by_column: columns.by_column(),
        last,
        sink,
        fields: RowFields {
            id: None,
            unit_id: "",
            time: Timestamp::from_unix_nanos(0),
            position: Coord { x: 0.0, y: 0.0 },
            accuracy_m: 0.0,
            source: None,
            attributes: AttributeView::default(),
        },
        lon: 0.0,
        lat: 0.0,
    };
    let bytes = piece.as_bytes();
    let mut cuts = LineCuts {
        ends: [0; MAX_CELLS + 1],
        count: 0,
    };
    let (mut line, mut start) = (first_line, 0);
    while let Some(text) = bytes.get(start..) {
        if text.is_empty() {
            break;
        }
        let end = start + cut_line(text, &mut cuts);
        pass.row(line, start, end, &cuts);
        line += 1;
        start = end + 1;
    }
}

/// The most cells a row read in the pass has; wider rows go to the careful path.
const MAX_CELLS: usize = 32;

/// Where the cells of a line end.
struct LineCuts {
    /// The line's first `count` (up to [`MAX_CELLS`]) commas, and then its end.
    ends: [u32; MAX_CELLS + 1],
    /// The number of commas.
    count: usize,
}

/// Finds the commas of `line` (a line of a piece and the lines after it) before its
/// first `\n`, and returns where that is (the length of `line` when there is none).
///
/// Eight bytes at a time, by one test for all eight: the bytes below `-`, which are
/// every `,` and `\n` and the few other bytes that low (spaces, `\r`, `+`, …), told
/// apart one by one; report rows have few of those (digits, letters, `-`, `.` and `:`
/// are above `-`). A loop of its own, before the cells are read: with the cells read
/// inside it, its state and constants were spilled around the inlined parsers.
#[inline(always)]
fn cut_line(line: &[u8], cuts: &mut LineCuts) -> usize {
    const LOW: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const ONES: u64 = 0x0101_0101_0101_0101;
    // A byte's high bit after adding 0x80 - '-' to its low seven bits: set when they are
    // '-' or more (no carry leaves a byte: at most 0x7F + 0x53). Or'ed with the byte's own
    // high bit, it is clear exactly for the bytes below '-'.
    const ADD: u64 = ONES * (0x80 - b'-' as u64);
    let mut count = 0;
    let mut end = line.len();
    // Notes a comma; `true` at the line end.
    let mut found = |i: usize, byte: u8, count: &mut usize| match byte {
        b'\n' => true,
        b',' => {
            cuts.ends[*count % MAX_CELLS] = i as u32;
            *count += 1;
            false
        }
        _ => false,
    };
    let mut words = line.chunks_exact(8);
    let mut at = 0;
    'words: for word in &mut words {
        let x = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let mut m = !(((x & LOW) + ADD) | x) & !LOW;
        while m != 0 {
            let k = (m.trailing_zeros() / 8) as usize;
            let i = at + k;
            if found(i, word[k], &mut count) {
                end = i;
                break 'words;
            }
            m &= m - 1;
        }
        at += 8;
    }
    if end == line.len() {
        for (i, &b) in words.remainder().iter().enumerate() {
            if found(at + i, b, &mut count) {
                end = at + i;
                break;
            }
        }
    }
    cuts.count = count;
    cuts.ends[count.min(MAX_CELLS)] = end as u32;
    end
}

/// The reader of [`for_each_report_row`], and the fields of the row last read.
///
/// A row the pass takes has a cell in every column, so it sets every field that has a
/// column; the fields without one keep their empty values from the start. So `fields`
/// is never reset between rows (a row left half-read goes to the careful path, and the
/// next row sets its fields again).
struct RowPass<'t, 'a, S> {
    piece: &'t str,
    columns: &'a ReportColumns,
    by_column: &'a [ColumnField],
    last: &'a mut LastDay,
    sink: &'a mut S,
    fields: RowFields<'t>,
    lon: f64,
    lat: f64,
}

impl<'t, S: RowSink<'t>> RowPass<'t, '_, S> {
    /// The row on `line`, from `start` to `end` and cut at `cuts`: to the sink, read
    /// here or on the careful path.
    #[inline(always)]
    fn row(&mut self, line: u64, start: usize, end: usize, cuts: &LineCuts) {
        let width = self.by_column.len();
        let mut taken = cuts.count + 1 == width && width <= MAX_CELLS;
        if taken {
            // Cell `k` runs from after the cut before it (or the line's start) to cut `k`.
            let mut a = start;
            for (&field, &cut) in self.by_column.iter().zip(&cuts.ends) {
                let b = start + cut as usize;
                if !self.take(field, a, b) {
                    taken = false;
                    break;
                }
                a = b + 1;
            }
        }
        taken = taken && (-180.0..=180.0).contains(&self.lon) && (-90.0..=90.0).contains(&self.lat);
        if taken {
            self.fields.position = Coord {
                x: self.lon,
                y: self.lat,
            };
            self.sink.accept(line, &self.fields);
        } else {
            careful_row(
                self.piece,
                start,
                end,
                line,
                self.columns,
                self.last,
                self.sink,
            );
        }
    }

    /// Reads the cell from `a` to `b` into `field`; `false` when the fast path does not
    /// take it.
    #[inline(always)]
    fn take(&mut self, field: ColumnField, a: usize, b: usize) -> bool {
        let piece = self.piece;
        let cell = || trim(&piece.as_bytes()[a..b]);
        // Cut at `,` and line ends (ASCII), so always at character boundaries.
        let text = || piece.get(a..b).map(trim_text);
        let f = &mut self.fields;
        match field {
            ColumnField::Ignored | ColumnField::Source => true,
            ColumnField::UnitId => match text() {
                Some(t) if !t.is_empty() => {
                    f.unit_id = t;
                    true
                }
                _ => false,
            },
            ColumnField::Time => match parse_rfc3339_after(cell(), self.last) {
                Ok(t) => {
                    f.time = t;
                    true
                }
                Err(_) => false,
            },
            ColumnField::Lon => parse_plain_decimal(cell()).map(|v| self.lon = v).is_some(),
            ColumnField::Lat => parse_plain_decimal(cell()).map(|v| self.lat = v).is_some(),
            ColumnField::AccuracyM => {
                let cell = cell();
                if cell.is_empty() {
                    f.accuracy_m = 0.0;
                    return true;
                }
                match parse_plain_decimal(cell) {
                    Some(v) if v >= 0.0 => {
                        f.accuracy_m = v;
                        true
                    }
                    _ => false,
                }
            }
            ColumnField::ReportId => text().map(|t| f.id = nonempty(t)).is_some(),
            ColumnField::Side => text().map(|t| f.attributes.side = nonempty(t)).is_some(),
            ColumnField::Class => text().map(|t| f.attributes.class = nonempty(t)).is_some(),
            ColumnField::Role => text().map(|t| f.attributes.role = nonempty(t)).is_some(),
            ColumnField::Foreign => {
                let cell = cell();
                if cell.is_empty() {
                    f.attributes.foreign = None;
                    return true;
                }
                parse_flag(cell)
                    .map(|v| f.attributes.foreign = Some(v))
                    .is_some()
            }
        }
    }
}

/// An optional text: `None` when empty.
#[inline(always)]
fn nonempty(t: &str) -> Option<&str> {
    (!t.is_empty()).then_some(t)
}

/// The line of `piece` from `start` to `end` (on `line`) on the careful path: split
/// into cells and read by [`ReportColumns::fields`]; nothing for a blank line.
#[cold]
#[inline(never)]
fn careful_row<'t>(
    piece: &'t str,
    start: usize,
    end: usize,
    line: u64,
    columns: &ReportColumns,
    last: &mut LastDay,
    sink: &mut impl RowSink<'t>,
) {
    let text = &piece[start..end];
    let mut row = CsvLine::default();
    if row.split(text.as_bytes()) {
        row.utf8 = Some(text);
        match columns.fields(&row, last) {
            Ok(fields) => sink.accept(line, &fields),
            Err(problem) => sink.reject(line, problem),
        }
    }
}

#[cfg(test)]
mod tests;
