//! CSV cells written by hand, exactly as the `csv` crate writes them (its default
//! `QuoteStyle::Necessary`): a cell holding `,`, `"`, `\r` or `\n` is quoted, with each
//! `"` doubled; any other cell is written as it is. Rows end with `\n`.
//!
//! By hand so that rows can be formatted into plain byte buffers on every core and the
//! buffers written in input order; the test checks every byte against the crate.

/// Appends one cell.
#[inline]
pub(crate) fn push_cell(out: &mut Vec<u8>, cell: &[u8]) {
    let special = |b: &u8| matches!(b, b',' | b'"' | b'\r' | b'\n');
    if !cell.iter().any(special) {
        out.extend_from_slice(cell);
        return;
    }
    out.push(b'"');
    for part in cell.split_inclusive(|&b| b == b'"') {
        out.extend_from_slice(part);
        if part.last() == Some(&b'"') {
            out.push(b'"');
        }
    }
    out.push(b'"');
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

    proptest! {
        #[test]
        fn any_cells_are_written_as_the_csv_crate_writes_them(
            cells in proptest::collection::vec(
                proptest::collection::vec(prop_oneof![
                    Just(b','), Just(b'"'), Just(b'\r'), Just(b'\n'), Just(b' '), any::<u8>()
                ], 0..12),
                2..6,
            )
        ) {
            let mut out = Vec::new();
            push_row(&mut out, &cells.iter().map(Vec::as_slice).collect::<Vec<_>>());
            prop_assert_eq!(out, by_the_crate(&cells));
        }
    }
}
