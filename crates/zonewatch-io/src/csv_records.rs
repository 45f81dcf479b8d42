//! CSV records with their true 1-based line numbers, and the header that names columns.
//!
//! `csv::Reader` reports wrong line numbers after blank lines (rust-csv issue #208) and
//! with `\r\n` line ends (#395). So records end at `\n` only (a `\r` before it is trimmed
//! with the other whitespace), a `\n` is added at the end of input when missing, and the
//! line of a record is computed from the reader's position *after* it, which is right:
//! `line = position_after − 1 − (newlines inside the record's quoted fields)`.

use std::io::Read;

/// Reads CSV records, skipping blank lines, each with the line it starts on.
pub(crate) struct CsvRecords<R: Read> {
    reader: csv::Reader<NewlineAtEnd<R>>,
    /// The record last read.
    pub(crate) record: csv::ByteRecord,
    /// Added to the reader's line numbers (when resuming in the middle of a file).
    line_offset: u64,
}

impl CsvRecords<crate::Input> {
    /// Reads `input`, which starts at the beginning of line `first_line` (≥ 2) of a file.
    ///
    /// The parser is given one `\n` first: it strips a byte order mark only at the start
    /// of its input, and must read the rest exactly as it would in the middle of the file.
    pub(crate) fn resume(input: crate::Input, first_line: u64) -> Self {
        let mut records =
            CsvRecords::new(Box::new(std::io::Read::chain(&b"\n"[..], input)) as crate::Input);
        // The extra `\n` is line 1 of the stream: stream line 2 is `first_line`.
        records.line_offset = first_line.saturating_sub(2);
        records.reader.get_mut().line = first_line.saturating_sub(1);
        records
    }
}

impl<R: Read> CsvRecords<R> {
    pub(crate) fn new(input: R) -> Self {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .buffer_capacity(1 << 16)
            .from_reader(NewlineAtEnd {
                inner: input,
                last: b'\n',
                done: false,
                line: 1,
                run: 0,
            });
        CsvRecords {
            reader,
            record: csv::ByteRecord::new(),
            line_offset: 0,
        }
    }

    /// Reads the next record that is not blank into [`record`](Self::record), returning
    /// the 1-based line it starts on, or `None` at the end.
    ///
    /// # Errors
    /// Only I/O errors (the reader is flexible, and works on bytes).
    pub(crate) fn next_record(&mut self) -> Result<Option<u64>, csv::Error> {
        loop {
            let before = self.reader.position().byte();
            if !self.reader.read_byte_record(&mut self.record)? {
                return Ok(None);
            }
            let raw = self.reader.position().byte() - before;
            // Fields + delimiters + terminator: when that is all the record took, nothing
            // was quoted (or skipped), so no field holds a newline and counting is moot.
            let plain = raw as usize == self.record.as_slice().len() + self.record.len();
            let inner = if plain {
                0
            } else {
                self.record
                    .as_slice()
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count() as u64
            };
            let line = self.reader.position().line() - 1 - inner + self.line_offset;
            if self.record.len() == 1 && trim(&self.record[0]).is_empty() {
                continue;
            }
            return Ok(Some(line));
        }
    }

    /// Field `i` of the last record, without surrounding ASCII whitespace (nor the `\r`
    /// of a `\r\n` line end); empty when the record is shorter.
    #[inline]
    pub(crate) fn field(&self, i: usize) -> &[u8] {
        self.record.get(i).map_or(&[], trim)
    }
}

/// The cells of one CSV row, however it was split: by the `csv` parser (the careful path)
/// or by hand on a line without quotes (the block path). Both trim every cell. Cells
/// borrow for `'c` — a block's bytes, or the careful reader's record — so an id read from
/// them can outlive the row.
pub(crate) trait Cells<'c> {
    /// The number of cells in the row.
    fn count(&self) -> usize;
    /// Cell `i`, trimmed; empty when the row is shorter.
    fn cell(&self, i: usize) -> &'c [u8];
    /// Cell `i` as text, trimmed, when the whole row is known to be UTF-8 (checked once
    /// for all its cells); `None` when it is not known, and the caller checks the cell.
    #[inline]
    fn checked_text(&self, _i: usize) -> Option<&'c str> {
        None
    }
}

impl<'c, R: Read> Cells<'c> for &'c CsvRecords<R> {
    #[inline]
    fn count(&self) -> usize {
        self.record.len()
    }
    #[inline]
    fn cell(&self, i: usize) -> &'c [u8] {
        self.field(i)
    }
}

/// Trims ASCII whitespace (space, tab, `\r`, `\n`, form feed) from both ends.
#[inline]
pub(crate) fn trim(b: &[u8]) -> &[u8] {
    // Every such byte is at most b' ': a cell that starts and ends above it (nearly all)
    // is left as it is after two compares.
    match (b.first(), b.last()) {
        (Some(&first), Some(&last)) if first > b' ' && last > b' ' => b,
        _ => b.trim_ascii(),
    }
}

/// [`trim`] for text.
#[inline]
pub(crate) fn trim_text(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&first), Some(&last)) if first > b' ' && last > b' ' => s,
        _ => s.trim_ascii(),
    }
}

/// Column names, lower-cased and trimmed.
pub(crate) struct Header {
    pub(crate) names: Vec<String>,
}

impl Header {
    pub(crate) fn from_record(record: &csv::ByteRecord) -> Header {
        Header {
            names: record
                .iter()
                .map(|f| String::from_utf8_lossy(trim(f)).to_lowercase())
                .collect(),
        }
    }

    /// The index of the one column named by any of `aliases` (lower case).
    ///
    /// # Errors
    /// A message when two columns match.
    pub(crate) fn find(&self, aliases: &[&str]) -> Result<Option<usize>, String> {
        let mut found = self
            .names
            .iter()
            .enumerate()
            .filter(|(_, n)| aliases.contains(&n.as_str()));
        match (found.next(), found.next()) {
            (Some((i, _)), None) => Ok(Some(i)),
            (None, _) => Ok(None),
            (Some((_, a)), Some((_, b))) => {
                Err(format!("columns '{a}' and '{b}' both give {}", aliases[0]))
            }
        }
    }

    /// The number of columns.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }
}

/// The longest line read: `csv` holds a whole record in memory, so a file with no line
/// ends (a binary file, a wrong format) must stop here rather than fill the memory. The
/// same limit as NDJSON lines and GeoJSON features.
pub(crate) const MAX_LINE_BYTES: usize = 16 << 20;

/// Adds a final `\n` when the input does not end with one, so that every record ends
/// with a terminator and line numbers stay exact; fails on a line longer than
/// [`MAX_LINE_BYTES`].
struct NewlineAtEnd<R> {
    inner: R,
    last: u8,
    done: bool,
    /// The 1-based line being read, and its bytes so far.
    line: u64,
    run: usize,
}

impl<R: Read> Read for NewlineAtEnd<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.last = buf[n - 1];
            match memchr::memrchr(b'\n', &buf[..n]) {
                Some(i) => {
                    self.line += memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
                    self.run = n - i - 1;
                }
                None => self.run += n,
            }
            if self.run > MAX_LINE_BYTES {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "line {} is longer than {} MiB: is this a CSV file?",
                        self.line,
                        MAX_LINE_BYTES >> 20
                    ),
                ));
            }
            return Ok(n);
        }
        self.done = true;
        if self.last == b'\n' {
            return Ok(0);
        }
        buf[0] = b'\n';
        Ok(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &str) -> Vec<(u64, Vec<String>)> {
        let mut r = CsvRecords::new(input.as_bytes());
        let mut out = Vec::new();
        while let Some(line) = r.next_record().unwrap() {
            let fields = (0..r.record.len())
                .map(|i| String::from_utf8_lossy(r.field(i)).into_owned())
                .collect();
            out.push((line, fields));
        }
        out
    }

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn line_numbers_are_exact_with_blank_lines_crlf_and_quoted_newlines() {
        // rust-csv alone says 3 for "z" here (issue #208).
        assert_eq!(
            lines("h,b\nx,y\n\nz"),
            vec![(1, v(&["h", "b"])), (2, v(&["x", "y"])), (4, v(&["z"]))]
        );
        // ... and 1, 2 for "x" and "z" here (issue #395).
        assert_eq!(
            lines("\u{feff}h,b\r\nx, y \r\n\r\n\r\nz\r\n"),
            vec![(1, v(&["h", "b"])), (2, v(&["x", "y"])), (5, v(&["z"]))]
        );
        assert_eq!(
            lines("h,b\r\n\"multi\r\nline\",\"q\"\r\nz,w"),
            vec![
                (1, v(&["h", "b"])),
                (2, v(&["multi\r\nline", "q"])),
                (4, v(&["z", "w"]))
            ]
        );
        assert_eq!(lines(""), vec![]);
        assert_eq!(lines("\n\n"), vec![]);
    }

    #[test]
    fn a_line_longer_than_the_limit_is_an_error_not_a_memory_hog() {
        let mut text = String::from("h,b\nx,y\n");
        text.push_str(&"z".repeat(MAX_LINE_BYTES + 10));
        let mut r = CsvRecords::new(text.as_bytes());
        assert!(r.next_record().unwrap().is_some());
        let e = loop {
            match r.next_record() {
                Ok(Some(_)) => continue,
                Ok(None) => panic!("the long line was read"),
                Err(e) => break e,
            }
        };
        assert!(
            e.to_string().contains("line 3 is longer than 16 MiB"),
            "{e}"
        );
        // Just under the limit is fine.
        let mut text = String::from("h\n");
        text.push_str(&"z".repeat(MAX_LINE_BYTES - 1));
        text.push('\n');
        let mut r = CsvRecords::new(text.as_bytes());
        assert_eq!(r.next_record().unwrap(), Some(1));
        assert_eq!(r.next_record().unwrap(), Some(2));
    }

    #[test]
    fn header_finds_columns_by_alias() {
        let mut r = CsvRecords::new(" Unit_ID ,LNG,Lat,x\n".as_bytes());
        r.next_record().unwrap();
        let h = Header::from_record(&r.record);
        assert_eq!(h.find(&["unit_id"]), Ok(Some(0)));
        assert_eq!(h.find(&["lat", "latitude", "y"]), Ok(Some(2)));
        assert_eq!(h.find(&["time"]), Ok(None));
        assert_eq!(
            h.find(&["lon", "lng", "longitude", "x"]),
            Err("columns 'lng' and 'x' both give lon".to_string())
        );
    }
}
