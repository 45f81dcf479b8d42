//! Yes/no flags as people write them in spreadsheets: `true`/`false`, `yes`/`no`, `1`/`0`.

/// The flag written in `b` (any letter case), or `None` when it is not one.
pub(crate) fn parse_flag(b: &[u8]) -> Option<bool> {
    const TRUE: [&[u8]; 3] = [b"true", b"yes", b"1"];
    const FALSE: [&[u8]; 3] = [b"false", b"no", b"0"];
    if TRUE.iter().any(|t| b.eq_ignore_ascii_case(t)) {
        Some(true)
    } else if FALSE.iter().any(|f| b.eq_ignore_ascii_case(f)) {
        Some(false)
    } else {
        None
    }
}

/// What a bad flag gets told.
pub(crate) const FLAG_EXPECTED: &str = "expected true/false, yes/no or 1/0";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_usual_spellings_only() {
        for t in ["true", "TRUE", "Yes", "1"] {
            assert_eq!(parse_flag(t.as_bytes()), Some(true), "{t}");
        }
        for f in ["false", "False", "NO", "0"] {
            assert_eq!(parse_flag(f.as_bytes()), Some(false), "{f}");
        }
        for x in ["", "y", "2", "truee", "oui"] {
            assert_eq!(parse_flag(x.as_bytes()), None, "{x}");
        }
    }
}
