//! Byte offsets in a whole text → 1-based line and column, as people count them.

/// Strips a leading UTF-8 byte order mark (editors on Windows write one).
pub(crate) fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
///
/// Lines end at `\n` (so `\r\n` works too). An offset past the end is clamped to it.
pub(crate) fn line_column(text: &str, offset: usize) -> (u64, u64) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() as u64 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() as u64 + 1;
    (line, column)
}

/// The byte offset of `inner` within `outer`, when `inner` is a slice of it.
pub(crate) fn offset_in(outer: &str, inner: &str) -> Option<usize> {
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    (start + inner.len() <= outer.len()).then_some(start)
}

/// Converts a position reported by serde_json while parsing `inner` (a slice of `outer`)
/// into a line and column of `outer`.
pub(crate) fn json_error_position(outer: &str, inner: &str, e: &serde_json::Error) -> (u64, u64) {
    let (line0, col0) = line_column(outer, offset_in(outer, inner).unwrap_or(0));
    let (l, c) = (e.line() as u64, e.column() as u64);
    if l <= 1 {
        (line0, col0 + c.saturating_sub(1))
    } else {
        (line0 + l - 1, c)
    }
}

/// serde_json's message without its trailing ` at line L column C`.
pub(crate) fn json_error_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) if e.line() > 0 => s[..i].to_string(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_characters() {
        let t = "ab\r\nçé x\n";
        assert_eq!(line_column(t, 0), (1, 1));
        assert_eq!(line_column(t, 4), (2, 1));
        // 'x' is after "çé " (5 bytes, 3 characters).
        assert_eq!(line_column(t, 4 + 5), (2, 4));
        assert_eq!(line_column(t, 999), (3, 1));
        assert_eq!(strip_bom("\u{feff}x"), "x");
    }

    #[test]
    fn json_errors_inside_a_slice_are_placed_in_the_whole_text() {
        let outer = "[\n  {\"a\": 1,\n   \"b\": x}\n]";
        let inner = &outer[4..outer.len() - 2];
        let e = serde_json::from_str::<serde::de::IgnoredAny>(inner).unwrap_err();
        // 'x' is on line 3, column 9 of the whole text.
        assert_eq!(json_error_position(outer, inner, &e), (3, 9));
        assert_eq!(json_error_message(&e), "expected value");
        let one_line = "xx{\"a\": ]}";
        let e = serde_json::from_str::<serde::de::IgnoredAny>(&one_line[2..]).unwrap_err();
        assert_eq!(json_error_position(one_line, &one_line[2..], &e), (1, 9));
    }
}
