//! Streaming a GeoJSON FeatureCollection one feature at a time, in bounded memory.
//!
//! The scanner walks the top-level object (members such as `bbox`, `crs`, `name` may come
//! before or after `features`, and are skipped), and hands out each element of the
//! `features` array as its own byte extent, found by bracket matching that respects
//! strings and escapes. Each extent is then deserialized on its own, with typed structs.
//! (`geojson::FeatureReader` breaks when `bbox` or any `[` comes before `features`, and
//! places errors relative to the feature; here every position is in the whole file.)
//! At most one feature is held in memory; a feature larger than [`MAX_FEATURE_BYTES`] is
//! skipped over and reported, not stored.

use std::io::{self, BufRead};

use crate::error::{ErrorKind, InputError, Location};

/// The largest feature kept in memory; a larger one is rejected.
pub(crate) const MAX_FEATURE_BYTES: usize = 16 << 20;

/// Where a feature was found; its bytes are in [`FeatureCollectionScanner::feature`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ScannedFeature {
    /// The 1-based line and column (bytes) of its first byte.
    pub(crate) line: u64,
    pub(crate) column: u64,
    /// The 0-based index in the `features` array.
    pub(crate) index: usize,
    /// Larger than [`MAX_FEATURE_BYTES`]: skipped, its bytes not kept.
    pub(crate) too_large: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Start,
    /// In the top-level object, before a member (`first`: no member yet).
    Members {
        first: bool,
    },
    /// In the `features` array, before an element.
    Features {
        first: bool,
    },
    Done,
}

/// Reads a FeatureCollection from `input`, one feature per call.
pub(crate) struct FeatureCollectionScanner<R> {
    input: R,
    source: String,
    state: State,
    line: u64,
    /// Bytes consumed so far, and the offset where the current line starts.
    offset: u64,
    line_start: u64,
    next_index: usize,
    seen_features: bool,
    feature: Vec<u8>,
    scratch: Vec<u8>,
}

impl<R: BufRead> FeatureCollectionScanner<R> {
    pub(crate) fn new(input: R, source: &str) -> Self {
        FeatureCollectionScanner {
            input,
            source: source.to_string(),
            state: State::Start,
            line: 1,
            offset: 0,
            line_start: 0,
            next_index: 0,
            seen_features: false,
            feature: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// The bytes of the feature last returned by [`next_feature`](Self::next_feature).
    pub(crate) fn feature(&self) -> &[u8] {
        &self.feature
    }

    /// The next feature, or `None` after the collection's closing brace.
    ///
    /// # Errors
    /// Fatal problems, located by line and column: I/O errors, input that is not a JSON
    /// object with a `features` array, a truncated collection, data after its end.
    pub(crate) fn next_feature(&mut self) -> Result<Option<ScannedFeature>, InputError> {
        loop {
            match self.state {
                State::Done => return Ok(None),
                State::Start => {
                    self.skip_bom()?;
                    match self.peek_token()? {
                        Some(b'{') => {
                            self.bump();
                            self.state = State::Members { first: true };
                        }
                        Some(b) => {
                            let found = shown(b);
                            return Err(self.fatal(format!(
                                "not a GeoJSON FeatureCollection: expected '{{', found {found}"
                            )));
                        }
                        None => {
                            return Err(
                                self.fatal("empty input: expected a GeoJSON FeatureCollection")
                            );
                        }
                    }
                }
                State::Members { first } => self.member(first)?,
                State::Features { first } => {
                    match self.peek_token()? {
                        None => return Err(self.truncated("in the features array")),
                        Some(b']') => {
                            self.bump();
                            self.state = State::Members { first: false };
                            continue;
                        }
                        Some(b',') if !first => {
                            self.bump();
                            match self.peek_token()? {
                                None => return Err(self.truncated("in the features array")),
                                Some(b']') => return Err(self.fatal("',' after the last feature")),
                                Some(_) => {}
                            }
                        }
                        Some(_) if first => {}
                        Some(b) => {
                            let message = format!(
                                "expected ',' or ']' after feature {}, found {}",
                                self.next_index - 1,
                                shown(b)
                            );
                            return Err(self.fatal(message));
                        }
                    }
                    let index = self.next_index;
                    let (line, column) = (self.line, self.column());
                    self.next_index += 1;
                    let mut feature = std::mem::take(&mut self.feature);
                    feature.clear();
                    let captured = self.capture(Some(&mut feature));
                    self.feature = feature;
                    let too_large = captured.map_err(|e| match e {
                        Capture::Truncated => self.truncated(&format!(
                            "inside feature {index}, which starts at line {line}"
                        )),
                        Capture::Failed(e) => e,
                    })?;
                    self.state = State::Features { first: false };
                    return Ok(Some(ScannedFeature {
                        line,
                        column,
                        index,
                        too_large,
                    }));
                }
            }
        }
    }

    /// One member of the top-level object, or its closing brace.
    fn member(&mut self, first: bool) -> Result<(), InputError> {
        match self.peek_token()? {
            None => return Err(self.truncated("in the top-level object")),
            Some(b'}') => {
                self.bump();
                return self.end();
            }
            Some(b',') if !first => self.bump(),
            Some(_) if first => {}
            Some(b) => {
                let found = shown(b);
                return Err(self.fatal(format!(
                    "expected ',' or '}}' after a member, found {found}"
                )));
            }
        }
        match self.peek_token()? {
            Some(b'"') => {}
            None => return Err(self.truncated("in the top-level object")),
            Some(b) => {
                let found = shown(b);
                return Err(self.fatal(format!(
                    "expected a member name in double quotes, found {found}"
                )));
            }
        }
        let name = self.capture_small()?;
        let name = serde_json::from_slice::<String>(&name).unwrap_or_default();
        self.expect(b':', "':' after a member name")?;
        if self.peek_token()?.is_none() {
            return Err(self.truncated("in the top-level object"));
        }
        self.state = State::Members { first: false };
        match name.as_str() {
            "features" => {
                if self.seen_features {
                    return Err(self.fatal("a second \"features\" member"));
                }
                self.seen_features = true;
                self.expect(b'[', "'[' (the features array)")?;
                self.state = State::Features { first: true };
            }
            "type" => {
                let value = self.capture_small()?;
                if value != b"\"FeatureCollection\"" {
                    let found = String::from_utf8_lossy(&value);
                    let hint = if value == b"\"Feature\"" {
                        " (one Feature per line is newline-delimited GeoJSON: read it as ndjson)"
                    } else {
                        ""
                    };
                    let message = format!("not a GeoJSON FeatureCollection: type is {found}{hint}");
                    return Err(self.fatal(message));
                }
            }
            _ => {
                self.capture(None)
                    .map_err(|e| self.capture_error(e, "in the top-level object"))?;
            }
        }
        Ok(())
    }

    /// After the closing brace: nothing but whitespace may follow.
    fn end(&mut self) -> Result<(), InputError> {
        if let Some(b) = self.peek_token()? {
            let found = shown(b);
            return Err(self.fatal(format!(
                "unexpected {found} after the end of the FeatureCollection"
            )));
        }
        if !self.seen_features {
            return Err(InputError::new(
                &self.source,
                Location::None,
                Some("features"),
                ErrorKind::Missing,
            ));
        }
        self.state = State::Done;
        Ok(())
    }

    /// Captures a short value (a member name, the `type`) into a fresh vector.
    fn capture_small(&mut self) -> Result<Vec<u8>, InputError> {
        let mut v = std::mem::take(&mut self.scratch);
        v.clear();
        let r = self.capture(Some(&mut v));
        let out = v.clone();
        self.scratch = v;
        r.map_err(|e| self.capture_error(e, "in the top-level object"))?;
        Ok(out)
    }

    fn capture_error(&self, e: Capture, context: &str) -> InputError {
        match e {
            Capture::Truncated => self.truncated(context),
            Capture::Failed(e) => e,
        }
    }

    /// Consumes one JSON value starting at the next byte (not whitespace), appending its
    /// bytes to `out` unless it grows past [`MAX_FEATURE_BYTES`]. Returns whether it did.
    ///
    /// Objects and arrays end at the bracket that brings the depth back to zero (brackets
    /// inside strings, and escaped quotes, are skipped); strings at their closing quote;
    /// other values before the next delimiter. Malformed content inside is left for the
    /// JSON parser to report.
    fn capture(&mut self, mut out: Option<&mut Vec<u8>>) -> Result<bool, Capture> {
        let mut depth = 0u32;
        let mut in_string = false;
        let mut escaped = false;
        let mut too_large = false;
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Capture::Failed(InputError::io(&self.source, e))),
            };
            if chunk.is_empty() {
                return Err(Capture::Truncated);
            }
            let mut i = 0;
            let mut done = false;
            while i < chunk.len() {
                if in_string && !escaped {
                    // Jump over the string's plain bytes: most of a feature is strings.
                    match memchr::memchr3(b'"', b'\\', b'\n', &chunk[i..]) {
                        Some(k) => i += k,
                        None => {
                            i = chunk.len();
                            break;
                        }
                    }
                }
                let b = chunk[i];
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                        if depth == 0 {
                            i += 1;
                            done = true;
                            break;
                        }
                    } else if b == b'\n' {
                        self.line += 1;
                        self.line_start = self.offset + i as u64 + 1;
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' if depth == 0 => {
                            done = true;
                            break;
                        }
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                done = true;
                                break;
                            }
                        }
                        b',' | b' ' | b'\t' | b'\r' | b'\n' if depth == 0 => {
                            done = true;
                            break;
                        }
                        b'\n' => {
                            self.line += 1;
                            self.line_start = self.offset + i as u64 + 1;
                        }
                        _ => {}
                    }
                }
                i += 1;
            }
            if let Some(out) = out.as_deref_mut()
                && !too_large
            {
                if out.len() + i > MAX_FEATURE_BYTES {
                    too_large = true;
                    out.clear();
                    out.shrink_to(1 << 16);
                } else {
                    out.extend_from_slice(&chunk[..i]);
                }
            }
            self.input.consume(i);
            self.offset += i as u64;
            if done {
                return Ok(too_large);
            }
        }
    }

    /// Skips whitespace and returns the next byte, not consumed; `None` at the end.
    fn peek_token(&mut self) -> Result<Option<u8>, InputError> {
        loop {
            let chunk = match self.input.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(InputError::io(&self.source, e)),
            };
            if chunk.is_empty() {
                return Ok(None);
            }
            let mut found = None;
            let mut i = 0;
            while i < chunk.len() {
                match chunk[i] {
                    b' ' | b'\t' | b'\r' => {}
                    b'\n' => {
                        self.line += 1;
                        self.line_start = self.offset + i as u64 + 1;
                    }
                    b => {
                        found = Some(b);
                        break;
                    }
                }
                i += 1;
            }
            self.input.consume(i);
            self.offset += i as u64;
            if found.is_some() {
                return Ok(found);
            }
        }
    }

    /// Consumes one byte already peeked (never a newline).
    fn bump(&mut self) {
        self.input.consume(1);
        self.offset += 1;
    }

    fn expect(&mut self, want: u8, what: &str) -> Result<(), InputError> {
        match self.peek_token()? {
            Some(b) if b == want => {
                self.bump();
                Ok(())
            }
            Some(b) => {
                let found = shown(b);
                Err(self.fatal(format!("expected {what}, found {found}")))
            }
            None => Err(self.truncated("in the top-level object")),
        }
    }

    fn skip_bom(&mut self) -> Result<(), InputError> {
        let chunk = self
            .input
            .fill_buf()
            .map_err(|e| InputError::io(&self.source, e))?;
        if chunk.starts_with(b"\xEF\xBB\xBF") {
            self.input.consume(3);
            self.offset = 3;
            self.line_start = 3;
        }
        Ok(())
    }

    fn column(&self) -> u64 {
        self.offset - self.line_start + 1
    }

    fn fatal(&self, message: impl Into<String>) -> InputError {
        let at = Location::LineColumn(self.line, self.column());
        InputError::new(&self.source, at, None, ErrorKind::Syntax(message.into()))
    }

    fn truncated(&self, context: &str) -> InputError {
        self.fatal(format!(
            "unexpected end of input {context}: the FeatureCollection is cut short"
        ))
    }
}

/// Why a capture stopped short.
enum Capture {
    Truncated,
    Failed(InputError),
}

/// A byte, for messages.
fn shown(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}'", b as char)
    } else {
        format!("byte 0x{b:02x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every feature's (line, column, index, text), or the fatal error's text.
    fn scan(input: &str) -> Result<Vec<(u64, u64, usize, String)>, String> {
        // A tiny buffer, so extents cross buffer boundaries everywhere.
        let reader = io::BufReader::with_capacity(3, input.as_bytes());
        let mut s = FeatureCollectionScanner::new(reader, "r.geojson");
        let mut out = Vec::new();
        while let Some(f) = s.next_feature().map_err(|e| e.to_string())? {
            out.push((
                f.line,
                f.column,
                f.index,
                String::from_utf8(s.feature().to_vec()).unwrap(),
            ));
        }
        Ok(out)
    }

    #[test]
    fn members_before_and_after_features_are_skipped() {
        let input = "\u{feff}{\"bbox\": [0, 0, [1], 1], \"crs\": {\"a\": [\"]\"]},\n \"type\": \"FeatureCollection\",\n\
                     \"features\": [\n  {\"p\": \"a}]\\\"[{\"},\n  {\"q\": [1, {\"r\": 2}]}\n ],\n \"name\": \"x ] }\"}\n";
        assert_eq!(
            scan(input).unwrap(),
            vec![
                (4, 3, 0, "{\"p\": \"a}]\\\"[{\"}".to_string()),
                (5, 3, 1, "{\"q\": [1, {\"r\": 2}]}".to_string()),
            ]
        );
    }

    #[test]
    fn features_may_be_any_json_values_and_span_lines() {
        let input = "{\"features\":[1,\"s\",null,\n{\"a\":\n1}]}";
        let got = scan(input).unwrap();
        let texts: Vec<&str> = got.iter().map(|f| f.3.as_str()).collect();
        assert_eq!(texts, ["1", "\"s\"", "null", "{\"a\":\n1}"]);
        assert_eq!((got[3].0, got[3].1), (2, 1));
        assert_eq!(
            scan("{\"type\":\"FeatureCollection\",\"features\":[]}").unwrap(),
            vec![]
        );
    }

    #[test]
    fn fatal_errors_are_located() {
        assert_eq!(
            scan("").unwrap_err(),
            "r.geojson:1:1: empty input: expected a GeoJSON FeatureCollection"
        );
        assert_eq!(
            scan("\n [1]").unwrap_err(),
            "r.geojson:2:2: not a GeoJSON FeatureCollection: expected '{', found '['"
        );
        assert_eq!(
            scan("{\"features\": [{\"a\": 1},\n {\"b\": [2").unwrap_err(),
            "r.geojson:2:10: unexpected end of input inside feature 1, which starts at line 2: \
             the FeatureCollection is cut short"
        );
        assert_eq!(
            scan("{\"features\": [{\"a\": 1}").unwrap_err(),
            "r.geojson:1:23: unexpected end of input in the features array: the FeatureCollection is cut short"
        );
        assert_eq!(
            scan("{\"features\": []").unwrap_err(),
            "r.geojson:1:16: unexpected end of input in the top-level object: the FeatureCollection is cut short"
        );
        assert_eq!(
            scan("{\"features\": [1 2]}").unwrap_err(),
            "r.geojson:1:17: expected ',' or ']' after feature 0, found '2'"
        );
        assert_eq!(
            scan("{\"features\": [1,]}").unwrap_err(),
            "r.geojson:1:17: ',' after the last feature"
        );
        assert_eq!(
            scan("{\"features\": []} x").unwrap_err(),
            "r.geojson:1:18: unexpected 'x' after the end of the FeatureCollection"
        );
        assert_eq!(
            scan("{\"type\": \"Feature\"}").unwrap_err(),
            "r.geojson:1:19: not a GeoJSON FeatureCollection: type is \"Feature\" \
             (one Feature per line is newline-delimited GeoJSON: read it as ndjson)"
        );
        assert_eq!(
            scan("{\"bbox\": []}").unwrap_err(),
            "r.geojson: features: is required but missing"
        );
        assert_eq!(
            scan("{features: []}").unwrap_err(),
            "r.geojson:1:2: expected a member name in double quotes, found 'f'"
        );
    }
}

#[cfg(test)]
mod oracle {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The extents found by bracket matching are exactly the elements serde_json sees
        /// when it parses the whole collection, whatever the strings hold.
        #[test]
        fn extents_match_a_full_parse(
            texts in proptest::collection::vec("[a-z{}\\[\\]\"\\\\,: \n\té]{0,12}", 0..6),
            before in "[a-z{}\\[\\]\"]{0,8}",
            capacity in 1usize..9,
        ) {
            let features: Vec<serde_json::Value> = texts
                .iter()
                .map(|t| serde_json::json!({"type": "Feature", "properties": {"note": t, "list": [t, {"k": t}]}}))
                .collect();
            let doc = serde_json::json!({"name": before, "bbox": [[1], {"a": before}], "features": features});
            let text = serde_json::to_string_pretty(&doc).unwrap();
            let reader = io::BufReader::with_capacity(capacity, text.as_bytes());
            let mut s = FeatureCollectionScanner::new(reader, "o");
            let mut got = Vec::new();
            while let Some(f) = s.next_feature().unwrap() {
                got.push(serde_json::from_slice::<serde_json::Value>(s.feature()).unwrap());
                // The reported line is the line of the feature's first byte.
                let line_of = |text: &str, line: u64| text.lines().nth(line as usize - 1).unwrap().to_string();
                let starts_there = line_of(&text, f.line)[(f.column - 1) as usize..].starts_with('{');
                prop_assert!(starts_there, "feature {} at {}:{}", f.index, f.line, f.column);
            }
            prop_assert_eq!(got, features);
        }
    }
}
