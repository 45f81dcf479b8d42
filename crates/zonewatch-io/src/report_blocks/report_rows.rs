//! The report rows of a CSV piece without quotes, read in one pass: a line's commas are
//! found, then each field is read from its column's cell, with no list of cells in
//! between.
//!
//! The pass takes a row only when every field reads on the fast path: the right number
//! of cells, the required texts present, plain decimals, times [`parse_rfc3339_after`]
//! accepts, values in range. Anything else — a blank line, cells missing or extra, a
//! number with an exponent, any problem at all — goes to the careful path: the line is
//! split into cells and read by [`ReportColumns::fields`], which gives the fields or the
//! first problem (and so every reject and message) as before. What the pass takes, the
//! careful path takes too, with the same values: the same parsers and tests, in another
//! order (the tests compare the two).

use zonewatch_core::{AttributeView, Coord};

use super::CsvLine;
use crate::csv_records::{trim, trim_text};
use crate::csv_reports::{ReportColumns, RowFields};
use crate::flag::parse_flag;
use crate::report_fields::{RowProblem, parse_plain_decimal, parse_short_integer};
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
    let width = columns.width;
    let mut pass = RowPass {
        piece,
        columns,
        commas: if width <= MAX_CELLS {
            width - 1
        } else {
            usize::MAX
        },
        last,
        sink,
    };
    let bytes = piece.as_bytes();
    let mut cuts = LineCuts {
        seps: [0; MAX_CELLS + 2],
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

/// Where the cells of a line start and end: cell `k` (up to `count`, below
/// [`MAX_CELLS`]) runs from `seps[k]` to `seps[k + 1] - 1`.
struct LineCuts {
    /// 0 (the line's start), then one past each of the line's first `count` (up to
    /// [`MAX_CELLS`]) commas, then one past its end.
    seps: [u32; MAX_CELLS + 2],
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
            cuts.seps[1 + *count % MAX_CELLS] = i as u32 + 1;
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
    cuts.seps[1 + count.min(MAX_CELLS)] = end as u32 + 1;
    end
}

/// The reader of [`for_each_report_row`].
struct RowPass<'t, 'a, S> {
    piece: &'t str,
    columns: &'a ReportColumns,
    /// The commas of a row the pass reads: one fewer than the columns (a header has at
    /// least the four required ones); none that a line has when there are more than
    /// [`MAX_CELLS`] columns.
    commas: usize,
    last: &'a mut LastDay,
    sink: &'a mut S,
}

impl<'t, S: RowSink<'t>> RowPass<'t, '_, S> {
    /// The row on `line`, from `start` to `end` and cut at `cuts`: to the sink, read
    /// here or on the careful path.
    #[inline(always)]
    fn row(&mut self, line: u64, start: usize, end: usize, cuts: &LineCuts) {
        let fields = if cuts.count == self.commas {
            self.fields(start, cuts)
        } else {
            None
        };
        match fields {
            Some(fields) => self.sink.accept(line, &fields),
            None => careful_row(
                self.piece,
                start,
                end,
                line,
                self.columns,
                self.last,
                self.sink,
            ),
        }
    }

    /// The fields of the line from `start`, cut at `cuts` into as many cells as there
    /// are columns, read from their columns' cells as [`ReportColumns::fields`] reads
    /// them, on the fast path; `None` when a field does not read on it. Columns no
    /// field reads (and `source`) are never looked at.
    #[inline(always)]
    fn fields(&mut self, start: usize, cuts: &LineCuts) -> Option<RowFields<'t>> {
        let c = self.columns;
        let line = Line {
            piece: self.piece,
            start,
            cuts,
        };
        let unit_id = line.text(c.unit_id).filter(|t| !t.is_empty())?;
        let time = parse_rfc3339_after(line.cell(c.time), self.last).ok()?;
        let lon = parse_plain_decimal(line.cell(c.lon))?;
        let lat = parse_plain_decimal(line.cell(c.lat))?;
        if !((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) {
            return None;
        }
        let accuracy_m = match c.accuracy_m {
            None => 0.0,
            Some(k) => line.accuracy(k)?,
        };
        let id = line.optional(c.report_id)?;
        let side = line.optional(c.side)?;
        let class = line.optional(c.class)?;
        let role = line.optional(c.role)?;
        let foreign = match c.foreign.map(|k| line.cell(k)) {
            None | Some(b"") => None,
            Some(cell) => Some(parse_flag(cell)?),
        };
        Some(RowFields {
            id,
            unit_id,
            time,
            position: Coord { x: lon, y: lat },
            accuracy_m,
            source: None,
            attributes: AttributeView {
                side,
                class,
                role,
                foreign,
            },
        })
    }
}

/// A line of a piece, from `start`, cut at `cuts`.
#[derive(Clone, Copy)]
struct Line<'t, 'c> {
    piece: &'t str,
    start: usize,
    cuts: &'c LineCuts,
}

impl<'t> Line<'t, '_> {
    /// Where cell `k` starts and ends in the piece.
    #[inline(always)]
    fn span(self, k: usize) -> (usize, usize) {
        // `k` is below the row's width, at most `MAX_CELLS` (a power of two): the mask
        // keeps it as it is, and tells the compiler both indices are in bounds.
        let (k, seps) = (k & (MAX_CELLS - 1), &self.cuts.seps);
        (
            self.start + seps[k] as usize,
            self.start + seps[k + 1] as usize - 1,
        )
    }

    /// Cell `k`, trimmed.
    #[inline(always)]
    fn cell(self, k: usize) -> &'t [u8] {
        let (a, b) = self.span(k);
        trim(&self.piece.as_bytes()[a..b])
    }

    /// Cell `k` as an accuracy: 0 when empty, `None` unless a plain decimal, not
    /// negative. A cell of one to seven digits (most) is read in one word with the bytes
    /// after it, when the piece has eight from its start.
    #[inline(always)]
    fn accuracy(self, k: usize) -> Option<f64> {
        let (a, b) = self.span(k);
        let bytes = self.piece.as_bytes();
        let cell = trim(&bytes[a..b]);
        if cell.is_empty() {
            return Some(0.0);
        }
        if cell.len() == b - a && cell.len() < 8 {
            if let Some(word) = bytes.get(a..a + 8) {
                let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
                if let Some(v) = parse_short_integer(word, cell.len()) {
                    return Some(v);
                }
            }
        }
        parse_plain_decimal(cell).filter(|&v| v >= 0.0)
    }

    /// Cell `k` as text, trimmed (cut at `,` and line ends, ASCII, so always at
    /// character boundaries: never `None`).
    #[inline(always)]
    fn text(self, k: usize) -> Option<&'t str> {
        let (a, b) = self.span(k);
        self.piece.get(a..b).map(trim_text)
    }

    /// An optional text: `Some(None)` when there is no column or the cell is empty.
    #[inline(always)]
    fn optional(self, column: Option<usize>) -> Option<Option<&'t str>> {
        match column {
            Some(k) => self.text(k).map(nonempty),
            None => Some(None),
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
