//! Newline-delimited JSON, one line at a time, in bounded memory.
//!
//! Blank lines are skipped (but counted); `\r\n` line ends, a UTF-8 byte order mark and
//! the record separator (0x1E) that RFC 8142 GeoJSON text sequences put before each
//! record are accepted. A line longer than [`MAX_LINE_BYTES`] is skipped over, not stored,
//! and reported.

use std::io::{self, BufRead};

use crate::error::InputError;

/// The longest line kept in memory.
pub(crate) const MAX_LINE_BYTES: usize = 16 << 20;

/// A line found; its text is in [`NdjsonLines::text`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ScannedLine {
    /// The 1-based line number.
    pub(crate) line: u64,
    /// The 0-based number of this non-blank line among the non-blank lines.
    pub(crate) row: u64,
    /// Longer than [`MAX_LINE_BYTES`]: skipped, its bytes not kept.
    pub(crate) too_long: bool,
}

/// Reads non-blank lines.
pub(crate) struct NdjsonLines<R> {
    input: R,
    source: String,
    line: u64,
    row: u64,
    buf: Vec<u8>,
    /// Where the text starts in `buf` (after a BOM or RS).
    start: usize,
}

impl<R: BufRead> NdjsonLines<R> {
    pub(crate) fn new(input: R, source: &str) -> Self {
        NdjsonLines {
            input,
            source: source.to_string(),
            line: 0,
            row: 0,
            buf: Vec::new(),
            start: 0,
        }
    }

    /// Reads `input`, which starts at line `first_line` of a file (no byte order mark is
    /// looked for after line 1); rows are numbered from 0 again.
    pub(crate) fn resume(input: R, source: &str, first_line: u64) -> Self {
        let mut lines = NdjsonLines::new(input, source);
        lines.line = first_line.saturating_sub(1);
        lines
    }

    /// The text of the line last returned, without its line end.
    pub(crate) fn text(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// The next non-blank line, or `None` at the end.
    ///
    /// # Errors
    /// I/O errors only.
    pub(crate) fn next_line(&mut self) -> Result<Option<ScannedLine>, InputError> {
        loop {
            self.buf.clear();
            let mut too_long = false;
            let mut any = false;
            loop {
                let chunk = match self.input.fill_buf() {
                    Ok(c) => c,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(InputError::io(&self.source, e)),
                };
                if chunk.is_empty() {
                    break;
                }
                any = true;
                let (take, used, newline) = match memchr::memchr(b'\n', chunk) {
                    Some(i) => (i, i + 1, true),
                    None => (chunk.len(), chunk.len(), false),
                };
                if !too_long {
                    if self.buf.len() + take > MAX_LINE_BYTES {
                        too_long = true;
                        self.buf.clear();
                    } else {
                        self.buf.extend_from_slice(&chunk[..take]);
                    }
                }
                self.input.consume(used);
                if newline {
                    break;
                }
            }
            if !any {
                return Ok(None);
            }
            self.line += 1;
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
            self.start = 0;
            if self.line == 1 && self.buf.starts_with(b"\xEF\xBB\xBF") {
                self.start = 3;
            }
            if self.buf.get(self.start) == Some(&0x1E) {
                self.start += 1;
            }
            if !too_long && self.text().trim_ascii().is_empty() {
                continue;
            }
            let row = self.row;
            self.row += 1;
            return Ok(Some(ScannedLine {
                line: self.line,
                row,
                too_long,
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_numbered_and_blank_ones_skipped() {
        let input = "\u{feff}{\"a\":1}\r\n\r\n  \n\x1e{\"b\":2}\n{\"c\":3}";
        let mut r = NdjsonLines::new(io::BufReader::with_capacity(2, input.as_bytes()), "r");
        let mut got = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            got.push((l.line, l.row, String::from_utf8(r.text().to_vec()).unwrap()));
        }
        assert_eq!(
            got,
            vec![
                (1, 0, "{\"a\":1}".to_string()),
                (4, 1, "{\"b\":2}".to_string()),
                (5, 2, "{\"c\":3}".to_string()),
            ]
        );
    }
}
