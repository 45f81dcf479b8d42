//! A zones file split into its features by one byte scan, so that the features can be
//! checked and read on every core: serde's own pass over the whole collection (to find
//! where each feature ends) ran on one core while the others waited.
//!
//! The scan only finds where things are; serde still reads every byte of them. It gives
//! up — `None`, and the caller reads the file the careful way — on anything it is unsure
//! serde would read the same way: a member name with an escape or a control character,
//! `type` or `features` given twice, nesting deeper than [`MAX_DEPTH`], bytes that are not
//! JSON's whitespace between tokens, a trailing comma, anything after the closing brace.
//! What it accepts is the layout `serde_json::from_str::<CollectionIn>` accepts, each
//! member value ([`SplitCollection::check`]) and each feature (by the caller, in parallel)
//! then being checked by serde itself: a well-formed value has one extent, so the
//! features found are the ones serde would find.

use serde::de::IgnoredAny;

/// Deeper nesting is left to serde, whose limit (128 levels) counts from the top of the
/// file: a value checked on its own would have one level more.
const MAX_DEPTH: usize = 100;

/// A FeatureCollection's members as found by the scan: the `type` (its JSON text) and the
/// features (each one's JSON text), and the other members' values, all still unchecked.
pub(super) struct SplitCollection<'a> {
    pub(super) kind: Option<&'a str>,
    pub(super) features: Option<Vec<&'a str>>,
    pub(super) others: Vec<&'a str>,
}

impl SplitCollection<'_> {
    /// The members other than the features are JSON, and the `type` a string or `null`, as
    /// serde's typed read needs (the features are checked by the caller, in parallel).
    pub(super) fn check(&self) -> Option<Option<String>> {
        for v in &self.others {
            serde_json::from_str::<IgnoredAny>(v).ok()?;
        }
        match self.kind {
            None => Some(None),
            Some(k) => serde_json::from_str::<Option<String>>(k).ok(),
        }
    }
}

/// Splits `text` (a whole file, BOM stripped) into the members of one JSON object, and its
/// `features` array into elements; `None` when unsure (see the module notes).
pub(super) fn split_collection(text: &str) -> Option<SplitCollection<'_>> {
    let mut s = Scan {
        b: text.as_bytes(),
        i: 0,
    };
    let mut out = SplitCollection {
        kind: None,
        features: None,
        others: Vec::new(),
    };
    let mut seen_features = false;
    s.expect(b'{')?;
    if s.peek()? == b'}' {
        s.i += 1;
    } else {
        loop {
            let name = s.name()?;
            s.expect(b':')?;
            s.whitespace();
            match name {
                b"type" if out.kind.is_none() => out.kind = Some(s.value(text, 1)?),
                b"features" if !seen_features => {
                    seen_features = true;
                    out.features = s.elements(text)?;
                }
                b"type" | b"features" => return None,
                _ => out.others.push(s.value(text, 1)?),
            }
            match s.peek()? {
                b',' => s.i += 1,
                b'}' => {
                    s.i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    s.whitespace();
    (s.i == s.b.len()).then_some(out)
}

/// The bytes that matter inside an object or array: brackets and the opening quote.
const NESTING: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'{' as usize] = true;
    t[b'[' as usize] = true;
    t[b'}' as usize] = true;
    t[b']' as usize] = true;
    t
};

struct Scan<'b> {
    b: &'b [u8],
    i: usize,
}

impl<'b> Scan<'b> {
    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    /// The next byte after whitespace (not consumed).
    fn peek(&mut self) -> Option<u8> {
        self.whitespace();
        self.b.get(self.i).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.i += 1)
    }

    /// A member name without escapes or control characters: its bytes.
    fn name(&mut self) -> Option<&'b [u8]> {
        self.expect(b'"')?;
        let start = self.i;
        loop {
            match *self.b.get(self.i)? {
                b'"' => break,
                b'\\' | 0..0x20 => return None,
                _ => self.i += 1,
            }
        }
        self.i += 1;
        Some(&self.b[start..self.i - 1])
    }

    /// The extent of the value starting here (after whitespace), at nesting `depth`, as
    /// text: a string, an object or array by bracket matching (strings skipped, escapes
    /// included), anything else up to the next delimiter or whitespace.
    fn value<'t>(&mut self, text: &'t str, depth: usize) -> Option<&'t str> {
        let start = self.i;
        match *self.b.get(self.i)? {
            b'"' => self.string()?,
            b'{' | b'[' => self.nested(depth)?,
            _ => {
                while let Some(&c) = self.b.get(self.i) {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.i += 1;
                }
            }
        }
        // Both ends are ASCII bytes, so on character boundaries.
        Some(&text[start..self.i])
    }

    /// Past the object or array starting here, at nesting `depth`: brackets matched, the
    /// strings inside skipped. Most bytes are digits, passed over by one table lookup.
    fn nested(&mut self, depth: usize) -> Option<()> {
        let b = self.b;
        let mut i = self.i;
        let mut open = 0usize;
        while i < b.len() {
            let c = b[i];
            i += 1;
            if !NESTING[usize::from(c)] {
                continue;
            }
            match c {
                b'"' => loop {
                    let c = *b.get(i)?;
                    i += if c == b'\\' { 2 } else { 1 };
                    if c == b'"' {
                        break;
                    }
                },
                b'{' | b'[' => {
                    open += 1;
                    if depth + open > MAX_DEPTH {
                        return None;
                    }
                }
                _ => {
                    open -= 1;
                    if open == 0 {
                        self.i = i;
                        return Some(());
                    }
                }
            }
        }
        None
    }

    /// Past the string starting here (at its opening quote).
    fn string(&mut self) -> Option<()> {
        self.i += 1;
        loop {
            match *self.b.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => self.i += 2,
                _ => self.i += 1,
            }
        }
    }

    /// The `features` value: `null` (no features) or an array, split into its elements.
    fn elements<'t>(&mut self, text: &'t str) -> Option<Option<Vec<&'t str>>> {
        if self.b[self.i..].starts_with(b"null") {
            self.i += 4;
            return Some(None);
        }
        self.expect(b'[')?;
        let mut out = Vec::new();
        if self.peek()? == b']' {
            self.i += 1;
            return Some(Some(out));
        }
        loop {
            self.whitespace();
            out.push(self.value(text, 2)?);
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(Some(out));
                }
                _ => return None,
            }
        }
    }
}
