//! Large blocks of whole lines, read in one go and cut into pieces that can be parsed on
//! different cores.
//!
//! A block ends at a line end (or at the end of the input), so no line is split between
//! blocks; a piece is a run of whole lines of a block, with the number of the line it
//! starts on (counted once, here, so each piece knows its lines without looking back).

use std::io::{self, Read};
use std::sync::{Arc, Mutex};

use crate::Input;

/// The longest line the block path takes: the careful readers' limit (CSV: an error,
/// NDJSON: a reject), which they then apply themselves.
pub(crate) const MAX_LINE_BYTES: usize = 16 << 20;

/// How large blocks and pieces are.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BlockSize {
    /// Bytes read per block (a block grows past this only to end a long line).
    pub(crate) block: usize,
    /// Bytes per piece, roughly (a piece ends at the first line end after this).
    pub(crate) piece: usize,
}

impl BlockSize {
    /// Sizes for batches of about `rows` rows: 64 bytes a row (a typical report line),
    /// blocks of at most 4 MiB in 16 pieces. Small batches give small blocks, which only
    /// tests want.
    pub(crate) fn for_rows(rows: usize) -> BlockSize {
        let block = rows.saturating_mul(64).clamp(64, 4 << 20);
        BlockSize {
            block,
            piece: (block / 16).max(1),
        }
    }
}

/// Whole lines: `bytes[start..]`, the first on line `first_line`, cut into `pieces`.
pub(crate) struct RawBlock {
    pub(crate) bytes: Vec<u8>,
    pub(crate) start: usize,
    pub(crate) first_line: u64,
    pub(crate) pieces: Vec<PieceSpan>,
}

impl RawBlock {
    /// The block from `start` (a line start, on `first_line`) on, cut again.
    pub(crate) fn from(self, start: usize, first_line: u64, piece: usize) -> RawBlock {
        let pieces = cut_pieces(&self.bytes, start, first_line, piece);
        RawBlock {
            start,
            first_line,
            pieces,
            ..self
        }
    }
}

/// What the block reader found next.
pub(crate) enum Next {
    Block(RawBlock),
    /// A line longer than [`MAX_LINE_BYTES`] starts at `first_line`: the rest of the
    /// input from there is for a careful reader.
    LongLine {
        rest: Input,
        first_line: u64,
    },
    End,
}

/// Buffers of blocks done with, for the next blocks: fresh 4 MiB buffers cost a page
/// fault every 4 KiB.
#[derive(Clone, Default)]
pub(crate) struct Pool(Arc<Mutex<Vec<Vec<u8>>>>);

impl Pool {
    /// Buffers kept: the blocks in flight, and one.
    const KEEP: usize = 4;

    /// A buffer; its bytes are left from an earlier block (scratch to read over, so that
    /// they need not be zeroed again).
    fn take(&self) -> Vec<u8> {
        self.0
            .lock()
            .map(|mut p| p.pop())
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// Keeps `buf` for a later block.
    pub(crate) fn give(&self, buf: Vec<u8>) {
        if let Ok(mut p) = self.0.lock()
            && p.len() < Self::KEEP
        {
            p.push(buf);
        }
    }
}

/// Reads an input in blocks of whole lines.
pub(crate) struct LineBlocks {
    input: Input,
    pub(crate) pool: Pool,
    /// The start of an unfinished line, read with the previous block.
    carry: Vec<u8>,
    /// The line `carry` (the next block) starts on.
    next_line: u64,
    eof: bool,
    size: BlockSize,
}

impl LineBlocks {
    pub(crate) fn new(input: Input, size: BlockSize) -> LineBlocks {
        LineBlocks {
            input,
            pool: Pool::default(),
            carry: Vec::new(),
            next_line: 1,
            eof: false,
            size,
        }
    }

    /// The next block.
    ///
    /// # Errors
    /// I/O errors.
    pub(crate) fn next_block(&mut self) -> io::Result<Next> {
        // `buf[..filled]` is the block so far; the bytes after it are scratch, written
        // before (a pooled buffer) or zeroed once, and read into in place.
        let mut buf = self.pool.take();
        let mut filled = self.carry.len();
        if buf.len() < filled {
            buf.resize(filled, 0);
        }
        buf[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        let mut want = self.size.block;
        loop {
            if filled < want && !self.eof {
                if buf.len() < want {
                    buf.resize(want, 0);
                }
                filled += self.fill(&mut buf[filled..want])?;
            }
            let text = &buf[..filled];
            if text.is_empty() {
                return Ok(Next::End);
            }
            let first_line_len = memchr::memchr(b'\n', text).unwrap_or(filled);
            if first_line_len > MAX_LINE_BYTES {
                buf.truncate(filled);
                return Ok(Next::LongLine {
                    rest: self.rest(buf),
                    first_line: self.next_line,
                });
            }
            let end = if self.eof {
                filled
            } else {
                match memchr::memrchr(b'\n', text) {
                    Some(i) => i + 1,
                    None => {
                        // One line longer than a block: read on to its end.
                        want = filled + self.size.block;
                        continue;
                    }
                }
            };
            self.carry.extend_from_slice(&buf[end..filled]);
            buf.truncate(end);
            let first_line = self.next_line;
            let pieces = cut_pieces(&buf, 0, first_line, self.size.piece);
            self.next_line = pieces.last().map_or(first_line, |p| p.end_line);
            return Ok(Next::Block(RawBlock {
                bytes: buf,
                start: 0,
                first_line,
                pieces,
            }));
        }
    }

    /// Reads into all of `space` unless the input ends first (then `eof` is set); returns
    /// the bytes read. Straight into the block: a read as large as the input's buffer
    /// passes it by, where `read_to_end`'s small first reads were copied through it.
    fn fill(&mut self, space: &mut [u8]) -> io::Result<usize> {
        let mut got = 0;
        while got < space.len() {
            match self.input.read(&mut space[got..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(got)
    }

    /// The input from `unread` on: `unread`, then what was read ahead, then the rest.
    pub(crate) fn rest(&mut self, unread: Vec<u8>) -> Input {
        let carry = std::mem::take(&mut self.carry);
        let input = std::mem::replace(&mut self.input, Box::new(io::empty()));
        Box::new(io::Cursor::new(unread).chain(io::Cursor::new(carry).chain(input)))
    }
}

/// The number of `\n` bytes. Counted in runs of 128 bytes into a `u8`, which the
/// compiler turns into vector compares and adds (several times faster than a filter).
#[inline]
pub(crate) fn count_newlines(bytes: &[u8]) -> u64 {
    let mut runs = bytes.chunks_exact(128);
    let mut n = 0u64;
    for run in &mut runs {
        n += run.iter().fold(0u8, |a, &b| a + u8::from(b == b'\n')) as u64;
    }
    n + runs.remainder().iter().filter(|&&b| b == b'\n').count() as u64
}

/// A run of whole lines of a block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PieceSpan {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) first_line: u64,
    /// The line after the piece's last `\n`.
    pub(crate) end_line: u64,
}

/// Cuts `bytes[start..]` (whole lines, the first on `first_line`) into pieces of about
/// `piece` bytes, each ending at a line end.
pub(crate) fn cut_pieces(
    bytes: &[u8],
    start: usize,
    first_line: u64,
    piece: usize,
) -> Vec<PieceSpan> {
    let mut pieces = Vec::with_capacity((bytes.len() - start) / piece.max(1) + 1);
    let (mut at, mut line) = (start, first_line);
    while at < bytes.len() {
        let target = (at + piece.max(1)).min(bytes.len());
        let end = match memchr::memchr(b'\n', &bytes[target - 1..]) {
            Some(i) => target + i,
            None => bytes.len(),
        };
        let end_line = line + count_newlines(&bytes[at..end]);
        pieces.push(PieceSpan {
            start: at,
            end,
            first_line: line,
            end_line,
        });
        line = end_line;
        at = end;
    }
    pieces
}

/// The lines of a piece: `(line number, text without its \n)`.
#[inline]
pub(crate) fn lines(bytes: &[u8], first_line: u64) -> impl Iterator<Item = (u64, &[u8])> {
    let mut rest = bytes;
    let mut line = first_line;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (text, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        line += 1;
        Some((line - 1, text))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(input: &str, size: BlockSize) -> Vec<(u64, String)> {
        let mut b = LineBlocks::new(
            Box::new(std::io::Cursor::new(input.as_bytes().to_vec())),
            size,
        );
        let mut out = Vec::new();
        loop {
            match b.next_block().unwrap() {
                Next::Block(raw) => out.push((
                    raw.first_line,
                    String::from_utf8(raw.bytes[raw.start..].to_vec()).unwrap(),
                )),
                Next::End => return out,
                Next::LongLine { .. } => panic!("no long line here"),
            }
        }
    }

    #[test]
    fn blocks_end_at_line_ends_and_know_their_first_line() {
        let size = BlockSize { block: 5, piece: 1 };
        assert_eq!(
            blocks("ab\ncdefgh\n\ni\nj", size),
            // "cdefgh" is longer than a block: the block grows by a block to end it.
            vec![
                (1, "ab\n".to_string()),
                (2, "cdefgh\n\ni\n".to_string()),
                (5, "j".to_string())
            ]
        );
        assert_eq!(blocks("", size), vec![]);
        let all = "x,1\ny,2\r\n\nz,3\n";
        for block in 1..20 {
            let got = blocks(all, BlockSize { block, piece: 1 });
            let joined: String = got.iter().map(|(_, t)| t.as_str()).collect();
            assert_eq!(joined, all, "block {block}");
        }
    }

    /// Gives at most `most` bytes a read, and is interrupted every third call.
    struct Trickle {
        text: std::io::Cursor<Vec<u8>>,
        most: usize,
        calls: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.calls += 1;
            if self.calls % 3 == 0 {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = buf.len().min(self.most);
            self.text.read(&mut buf[..n])
        }
    }

    impl io::BufRead for Trickle {
        fn fill_buf(&mut self) -> io::Result<&[u8]> {
            self.text.fill_buf()
        }
        fn consume(&mut self, n: usize) {
            self.text.consume(n)
        }
    }

    #[test]
    fn blocks_read_over_stale_pooled_buffers_from_short_reads_are_the_same() {
        let all = "x,1\ny,2\r\n\nz,3\nlonger line here\n\n\nend";
        for block in 1..12 {
            let size = BlockSize { block, piece: 2 };
            let want = blocks(all, size);
            for most in [1, 2, 5, 64] {
                let input = Trickle {
                    text: std::io::Cursor::new(all.as_bytes().to_vec()),
                    most,
                    calls: 0,
                };
                let mut b = LineBlocks::new(Box::new(input), size);
                // Stale bytes that must never show: line ends and letters.
                b.pool.give(vec![b'\n'; 3]);
                b.pool.give(b"stale\nbytes\n".repeat(4));
                let mut got = Vec::new();
                loop {
                    match b.next_block().unwrap() {
                        Next::Block(raw) => {
                            let text = String::from_utf8(raw.bytes[raw.start..].to_vec()).unwrap();
                            got.push((raw.first_line, text));
                            b.pool.give(raw.bytes);
                        }
                        Next::End => break,
                        Next::LongLine { .. } => panic!("no long line here"),
                    }
                }
                assert_eq!(got, want, "block {block}, reads of at most {most}");
            }
        }
    }

    #[test]
    fn pieces_cover_the_block_and_count_lines() {
        let bytes = b"a\nbb\nccc\n\ndddd";
        for piece in 1..16 {
            let pieces = cut_pieces(bytes, 0, 7, piece);
            assert_eq!(pieces[0].start, 0);
            assert_eq!(pieces.last().unwrap().end, bytes.len());
            let mut all = Vec::new();
            for (i, p) in pieces.iter().enumerate() {
                if i > 0 {
                    assert_eq!(p.start, pieces[i - 1].end);
                    assert_eq!(bytes[p.start - 1], b'\n');
                }
                all.extend(lines(&bytes[p.start..p.end], p.first_line));
            }
            let want: Vec<(u64, &[u8])> =
                vec![(7, b"a"), (8, b"bb"), (9, b"ccc"), (10, b""), (11, b"dddd")];
            assert_eq!(all, want, "piece {piece}");
        }
    }

    #[test]
    fn a_line_longer_than_the_limit_hands_over_the_rest() {
        let mut text = String::from("a\nb\n");
        text.push_str(&"z".repeat(MAX_LINE_BYTES + 1));
        text.push_str("\nlast\n");
        let size = BlockSize {
            block: 1 << 20,
            piece: 1 << 16,
        };
        let mut b = LineBlocks::new(Box::new(std::io::Cursor::new(text.into_bytes())), size);
        let Next::Block(first) = b.next_block().unwrap() else {
            panic!()
        };
        assert_eq!(first.bytes, b"a\nb\n");
        let Next::LongLine {
            mut rest,
            first_line,
        } = b.next_block().unwrap()
        else {
            panic!("the long line")
        };
        assert_eq!(first_line, 3);
        let mut tail = Vec::new();
        rest.read_to_end(&mut tail).unwrap();
        assert_eq!(tail.len(), MAX_LINE_BYTES + 1 + 6);
        assert!(tail.ends_with(b"z\nlast\n"));
    }
}
