//! CSV cells written by hand, exactly as the `csv` crate writes them (its default
//! `QuoteStyle::Necessary`): a cell holding `,`, `"`, `\r` or `\n` is quoted, with each
//! `"` doubled; any other cell is written as it is. Rows end with `\n`.
//!
//! By hand so that rows can be formatted into plain byte buffers on every core and the
//! buffers written in input order; the test checks every byte against the crate.

/// Appends one cell.
#[inline]
pub(crate) fn push_cell(out: &mut Vec<u8>, cell: &[u8]) {
    let n = cell.len();
    if (8..=16).contains(&n) {
        // Most ids: the scan's two words, the last overlapping the first, are also the
        // copy (of a known length, without a call to `memcpy`).
        let first = u64::from_le_bytes(cell[..8].try_into().expect("eight bytes"));
        let last = u64::from_le_bytes(cell[n - 8..].try_into().expect("eight bytes"));
        if !word_needs_quotes(first) && !word_needs_quotes(last) {
            let mut text = [0u8; 16];
            text[n - 8..n].copy_from_slice(&last.to_le_bytes());
            text[..8].copy_from_slice(&first.to_le_bytes());
            let start = out.len();
            out.extend_from_slice(&text);
            out.truncate(start + n);
            return;
        }
    } else if !any_word_hits(cell, word_needs_quotes) {
        out.extend_from_slice(cell);
        return;
    }
    push_quoted(out, cell);
}

/// Appends a cell that needs quotes: apart, so that the common cell's path saves and
/// restores fewer registers.
#[cold]
#[inline(never)]
fn push_quoted(out: &mut Vec<u8>, cell: &[u8]) {
    out.push(b'"');
    for part in cell.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
}

/// Whether some byte of `word` makes a cell quoted: `,`, `"`, `\r` or `\n`. The four are
/// below `-`, which most bytes of ids are not, so that test goes first.
#[inline]
fn word_needs_quotes(word: u64) -> bool {
    has_byte_below(word, b'-')
        && (has_byte(word, b',')
            || has_byte(word, b'"')
            || has_byte(word, b'\r')
            || has_byte(word, b'\n'))
}

const ONES: u64 = u64::from_ne_bytes([1; 8]);

/// Whether a byte of `word` is below `n` (at most 128): the classic `hasless`, eight
/// bytes at once. Exact as a whole: with no byte below `n` nothing borrows, and a top bit
/// set after the subtraction was set before (masked by `!word`); the lowest byte below
/// `n` takes no borrow from below and ends with its top bit set, as `!word`'s is (the
/// bytes above it may be misjudged, and are not looked at).
#[inline]
pub(crate) const fn has_byte_below(word: u64, n: u8) -> bool {
    debug_assert!(n <= 128);
    word.wrapping_sub(ONES * n as u64) & !word & (ONES * 0x80) != 0
}

/// Whether a byte of `word` is `b` (a zero byte after xor with `b` everywhere).
#[inline]
pub(crate) const fn has_byte(word: u64, b: u8) -> bool {
    has_byte_below(word ^ (ONES * b as u64), 1)
}

/// Whether `hit` is true of some eight bytes of `bytes` taken as a word (little-endian):
/// words one after another, the last one ending at the end (overlapping the one before);
/// 4 to 7 bytes as their first four and last four; fewer padded with `a`, which `hit` must
/// not look for. So `hit` sees every byte, and only bytes of `bytes` or `a`.
#[inline]
pub(crate) fn any_word_hits(bytes: &[u8], hit: impl Fn(u64) -> bool) -> bool {
    let word = |eight: &[u8]| u64::from_le_bytes(eight.try_into().expect("eight bytes"));
    let half = |four: &[u8]| u32::from_le_bytes(four.try_into().expect("four bytes"));
    let n = bytes.len();
    if n >= 8 {
        bytes.chunks_exact(8).any(|eight| hit(word(eight)))
            || (n % 8 != 0 && hit(word(&bytes[n - 8..])))
    } else if n >= 4 {
        hit(u64::from(half(&bytes[..4])) | u64::from(half(&bytes[n - 4..])) << 32)
    } else {
        let mut padded = [b'a'; 8];
        for (to, &b) in padded.iter_mut().zip(bytes) {
            *to = b;
        }
        hit(u64::from_le_bytes(padded))
    }
}

/// Appends a row of at least two cells (a row of one empty cell is written `""` by the
/// `csv` crate; no caller writes one).
#[inline]
pub(crate) fn push_row(out: &mut Vec<u8>, cells: &[&[u8]]) {
    debug_assert!(cells.len() >= 2);
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_cell(out, cell);
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn by_the_crate(cells: &[Vec<u8>]) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(cells).unwrap();
        w.into_inner().unwrap()
    }

    #[test]
    fn cells_are_quoted_as_the_csv_crate_quotes_them() {
        for cells in [
            vec!["a", "b"],
            vec!["", ""],
            vec!["x,y", "say \"hi\""],
            vec!["line\nbreak", "cr\r"],
            vec!["\"", "\"\""],
            vec![" padded ", "#hash"],
            vec!["é", "ü,"],
        ] {
            let cells: Vec<Vec<u8>> = cells.iter().map(|c| c.as_bytes().to_vec()).collect();
            let mut out = Vec::new();
            push_row(
                &mut out,
                &cells.iter().map(Vec::as_slice).collect::<Vec<_>>(),
            );
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&by_the_crate(&cells))
            );
        }
    }

    /// Every byte value at every place of cells of 0 to 24 bytes (the scan's words,
    /// their overlapping last word and the short cells' halves and padding), and two
    /// specials in one cell.
    #[test]
    fn any_byte_anywhere_is_quoted_as_the_csv_crate_quotes_it() {
        for len in 0..=24usize {
            for at in 0..len.max(1) {
                for b in 0..=255u8 {
                    let mut cell = vec![b'x'; len];
                    if len > 0 {
                        cell[at] = b;
                    }
                    let cells = [cell, b"id".to_vec()];
                    let mut out = Vec::new();
                    push_row(&mut out, &[&cells[0], &cells[1]]);
                    assert_eq!(out, by_the_crate(&cells), "{len} {at} {b}");
                }
                if len > 0 {
                    let mut cell = vec![b'-'; len];
                    cell[at] = b'"';
                    cell[len - 1 - at] = b',';
                    let cells = [b"id".to_vec(), cell];
                    let mut out = Vec::new();
                    push_row(&mut out, &[&cells[0], &cells[1]]);
                    assert_eq!(out, by_the_crate(&cells), "{len} {at}");
                }
            }
        }
    }

    /// The word tests against byte-by-byte ones: every threshold and byte value, in
    /// words of random bytes.
    #[test]
    fn word_tests_are_the_byte_tests() {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for k in 0..200_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Some words of bytes near the thresholds, some of any bytes.
            let word = if k % 2 == 0 {
                x & 0x3F3F_3F3F_3F3F_3F3F
            } else {
                x
            };
            let bytes = word.to_le_bytes();
            let n = (k % 129) as u8;
            assert_eq!(
                has_byte_below(word, n),
                bytes.iter().any(|&b| b < n),
                "{word:x} {n}"
            );
            let b = (k >> 7) as u8 ^ bytes[(k % 8) as usize] & 0x81;
            assert_eq!(has_byte(word, b), bytes.contains(&b), "{word:x} {b}");
        }
    }

    proptest! {
        #[test]
        fn any_cells_are_written_as_the_csv_crate_writes_them(
            cells in proptest::collection::vec(
                proptest::collection::vec(prop_oneof![
                    Just(b','), Just(b'"'), Just(b'\r'), Just(b'\n'), Just(b' '), Just(b'-'),
                    any::<u8>(), Just(b'x'), Just(b'x'), Just(b'x'), Just(b'x')
                ], 0..40),
                2..6,
            )
        ) {
            let mut out = Vec::new();
            push_row(&mut out, &cells.iter().map(Vec::as_slice).collect::<Vec<_>>());
            prop_assert_eq!(out, by_the_crate(&cells));
        }
    }
}
