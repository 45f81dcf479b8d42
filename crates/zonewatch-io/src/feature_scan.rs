//! A hand-written scanner for the common shape of a report Feature on one line:
//! `{"type":"Feature","geometry":{"type":"Point","coordinates":[lon,lat]},"properties":{…}}`,
//! members in any order. It fills the same [`FeatureIn`] that serde's typed parse
//! ([`read_feature`](crate::feature_in::read_feature)) fills, at a fraction of the cost,
//! and gives up — returns `false` — on anything it is not sure serde would read the same
//! way: a key with an escape, a surrogate escape, a control character, a known member
//! given twice, a geometry or properties that are neither an object nor `null`,
//! coordinates that are not an array of at least two numbers, a property number serde
//! would round differently or refuse, nesting deeper than [`MAX_SKIP_DEPTH`], and any
//! text that is not JSON. The caller then parses that line carefully, so every message,
//! reject and error stays the careful reader's.
//!
//! What it accepts, it reads exactly as serde does: whitespace is JSON's four bytes;
//! strings borrow from the line unless they hold escapes; coordinates are parsed from
//! their text with `fast-float2` (as [`json_number`](crate::json_value::json_number)), or
//! directly where one exact operation gives the same float;
//! property numbers become `UInt`/`Int` (integers of up to 18 digits, `-0` a float as in
//! serde_json) or `Float` computed as serde_json computes it, taken only where that is
//! exact (at most 2^53 in the digits, a power of ten up to 10^22), so also correctly
//! rounded whichever float parser serde_json was built with; unknown members are skipped
//! after checking their grammar as serde's `IgnoredAny` does.

use std::borrow::Cow;

use crate::feature_in::{FeatureIn, GeometryIn, PropertiesIn};
use crate::json_value::{Coordinates, Scalar};

mod shape;

pub(crate) use shape::LineShapes;
#[cfg(test)]
pub(crate) use shape::tests::shaped_lines;

/// How deep a skipped value may nest before the scanner leaves it to serde (whose own
/// limit is 128 levels in all).
const MAX_SKIP_DEPTH: u32 = 64;

/// Fills `out` from `text`, one JSON object, as serde's typed parse would; `false` when
/// unsure (then `out` holds partial values: reset it before parsing carefully).
pub(crate) fn scan_feature<'a>(text: &'a str, out: &mut FeatureIn<'a>) -> bool {
    let mut c = Cursor {
        s: text,
        b: text.as_bytes(),
        i: 0,
    };
    c.feature(out).is_some()
}

/// A member name of up to 16 bytes as one number (little-endian, zero-padded), so that
/// names are told apart by integer compares: a `match` on the bytes called `memcmp` for
/// each candidate.
const fn pack(name: &[u8]) -> u128 {
    let mut v = 0u128;
    let mut i = 0;
    while i < name.len() {
        v |= (name[i] as u128) << (8 * i);
        i += 1;
    }
    v
}

/// `key` packed as [`pack`] packs it; `None` past 16 bytes (no known name is as long).
#[inline]
fn packed(key: &[u8]) -> Option<u128> {
    if key.len() > 16 {
        return None;
    }
    let mut buf = [0u8; 16];
    for (b, k) in buf.iter_mut().zip(key) {
        *b = *k;
    }
    Some(u128::from_le_bytes(buf))
}

/// The index of a Feature's member name (its bit in the names seen), `None` for others.
/// (No name holds a zero byte — a control character gives up before — so the padding
/// cannot make two names equal.)
#[inline]
fn feature_member(key: &[u8]) -> Option<usize> {
    const NAMES: [u128; 4] = [
        pack(b"type"),
        pack(b"id"),
        pack(b"geometry"),
        pack(b"properties"),
    ];
    let k = packed(key)?;
    NAMES.iter().position(|&n| n == k)
}

/// As [`feature_member`], for a geometry.
#[inline]
fn geometry_member(key: &[u8]) -> Option<usize> {
    const NAMES: [u128; 2] = [pack(b"type"), pack(b"coordinates")];
    let k = packed(key)?;
    NAMES.iter().position(|&n| n == k)
}

/// As [`feature_member`], for the properties.
#[inline]
fn property_member(key: &[u8]) -> Option<usize> {
    // The same names, in the same order, as `PropertiesIn::slot` reads them.
    const NAMES: [u128; 10] = {
        let mut out = [0u128; 10];
        let mut i = 0;
        while i < out.len() {
            out[i] = pack(PropertiesIn::NAMES[i].as_bytes());
            i += 1;
        }
        out
    };
    let k = packed(key)?;
    NAMES.iter().position(|&n| n == k)
}

/// The bytes that end the plain run of a string: `"`, the backslash and the control
/// characters.
const STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Powers of ten that are exact in an f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The length of the plain run of a string starting at `b[0]`: the index of its first
/// `"`, backslash or control character, or `None` when there is none. Eight bytes at a
/// time where eight remain: the first byte a test marks is exact (a borrow only runs
/// upwards, past a byte already marked).
#[inline]
fn plain_run(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut at = 0;
    while let Some(word) = b.get(at..at + 8) {
        let x = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let quote = x ^ (ONES * u64::from(b'"'));
        let backslash = x ^ (ONES * u64::from(b'\\'));
        let stop = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (x.wrapping_sub(ONES * 0x20) & !x);
        let stop = stop & HIGH;
        if stop != 0 {
            return Some(at + (stop.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    b[at..]
        .iter()
        .position(|&c| STRING_STOP[c as usize])
        .map(|i| at + i)
}

struct Cursor<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

/// A JSON number, its grammar checked.
struct Number<'a> {
    text: &'a str,
    negative: bool,
    /// The digits as one integer, when there are at most 19 of them.
    digits: Option<u64>,
    /// Has a fraction or an exponent (serde reads it as a float).
    float: bool,
    /// The power of ten to apply to `digits`, when small enough to compute.
    exponent: Option<i32>,
}

impl<'a> Cursor<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// Skips JSON whitespace and returns the next byte.
    #[inline]
    fn next_token(&mut self) -> Option<u8> {
        while let Some(&b) = self.b.get(self.i) {
            if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(b);
            }
            self.i += 1;
        }
        None
    }

    /// Skips whitespace and `byte`.
    #[inline]
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.next_token()? == byte).then(|| self.i += 1)
    }

    /// After a member: `true` at `,`, `false` at the closing `}`.
    #[inline]
    fn more_members(&mut self) -> Option<bool> {
        match self.next_token()? {
            b',' => {
                self.i += 1;
                Some(true)
            }
            b'}' => {
                self.i += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// A member name without escapes, and its `:`.
    #[inline]
    fn key(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        let run = plain_run(&self.b[start..])?;
        // A `\` or a control character: left to serde.
        if self.b[start + run] != b'"' {
            return None;
        }
        self.i = start + run + 1;
        self.eat(b':')?;
        Some(&self.b[start..start + run])
    }

    /// Calls `member` with each member's index by `names` (or `None` for another name)
    /// of the object starting here; a known name given twice gives up.
    #[inline]
    fn object(
        &mut self,
        names: fn(&[u8]) -> Option<usize>,
        mut member: impl FnMut(&mut Self, Option<usize>) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        if self.next_token()? == b'}' {
            self.i += 1;
            return Some(());
        }
        let mut seen = 0u32;
        loop {
            let key = self.key()?;
            let k = names(key);
            if let Some(k) = k {
                if seen & (1 << k) != 0 {
                    return None;
                }
                seen |= 1 << k;
            }
            member(self, k)?;
            if !self.more_members()? {
                return Some(());
            }
        }
    }

    fn feature(&mut self, out: &mut FeatureIn<'a>) -> Option<()> {
        self.object(feature_member, |c, k| match k {
            Some(0) => c.scalar(&mut out.kind),
            Some(1) => c.scalar(&mut out.id),
            Some(2) => c.geometry(&mut out.geometry),
            Some(_) => c.properties(&mut out.properties),
            None => c.skip_value(0),
        })?;
        // Only whitespace may follow.
        match self.next_token() {
            None => Some(()),
            Some(_) => None,
        }
    }

    fn geometry(&mut self, out: &mut Option<GeometryIn<'a>>) -> Option<()> {
        if self.next_token()? == b'n' {
            self.literal(b"null")?;
            *out = None;
            return Some(());
        }
        let g = out.insert(GeometryIn::default());
        self.object(geometry_member, |c, k| match k {
            Some(0) => c.scalar(&mut g.kind),
            Some(_) => c.coordinates().map(|x| g.coordinates = x),
            None => c.skip_value(0),
        })
    }

    fn properties(&mut self, p: &mut PropertiesIn<'a>) -> Option<()> {
        if self.next_token()? == b'n' {
            return self.literal(b"null");
        }
        self.object(property_member, |c, k| {
            let Some(k) = k else {
                return c.skip_value(0);
            };
            c.scalar(p.slot(k))
        })
    }

    /// `null`, or an array of at least two numbers: the position is the first two, each
    /// parsed from its text as the careful reader parses it.
    fn coordinates(&mut self) -> Option<Coordinates> {
        match self.next_token()? {
            b'n' => {
                self.literal(b"null")?;
                Some(Coordinates::Missing)
            }
            b'[' => {
                self.i += 1;
                let mut xy = [0.0f64; 2];
                let mut count = 0;
                loop {
                    let n = self.number()?;
                    if count < 2 {
                        xy[count] = match exact_float(&n) {
                            Some(f) => f,
                            None => fast_float2::parse(n.text).ok()?,
                        };
                    }
                    count += 1;
                    match self.next_token()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                (count >= 2).then_some(Coordinates::Position(xy[0], xy[1]))
            }
            _ => None,
        }
    }

    /// Any value into `slot`, as [`Scalar`]'s deserializer keeps it. Written in place: a
    /// returned `Option<Scalar>` went through memory and was read back in wider loads
    /// than it was stored with, which stalled.
    #[inline]
    fn scalar(&mut self, slot: &mut Scalar<'a>) -> Option<()> {
        *slot = match self.next_token()? {
            b'"' => {
                self.i += 1;
                Scalar::Str(self.string()?)
            }
            b'n' => {
                self.literal(b"null")?;
                Scalar::Null
            }
            b't' => {
                self.literal(b"true")?;
                Scalar::Bool(true)
            }
            b'f' => {
                self.literal(b"false")?;
                Scalar::Bool(false)
            }
            b'[' => {
                self.skip_value(0)?;
                Scalar::Array
            }
            b'{' => {
                self.skip_value(0)?;
                Scalar::Object
            }
            _ => number_scalar(self.number()?)?,
        };
        Some(())
    }

    #[inline]
    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i + word.len();
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// The rest of a string whose opening `"` was read: borrowed when it has no escape.
    #[inline]
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let start = self.i;
        // The plain run first, byte by byte through a table, without the cursor.
        let run = plain_run(&self.b[start..])?;
        self.i = start + run;
        loop {
            let b = self.peek()?;
            match b {
                b'"' => {
                    self.i += 1;
                    // `start` and `self.i - 1` are at ASCII bytes: char boundaries.
                    return Some(Cow::Borrowed(&self.s[start..self.i - 1]));
                }
                b'\\' => return self.escaped(start).map(Cow::Owned),
                0..=0x1F => return None,
                _ => self.i += 1,
            }
        }
    }

    /// The rest of a string with escapes, from its first character at `start`; the
    /// cursor is at the first `\`.
    fn escaped(&mut self, start: usize) -> Option<String> {
        let mut text = String::with_capacity(self.i - start + 16);
        let mut run = start;
        loop {
            let b = self.peek()?;
            match b {
                b'"' => {
                    text.push_str(&self.s[run..self.i]);
                    self.i += 1;
                    return Some(text);
                }
                b'\\' => {
                    text.push_str(&self.s[run..self.i]);
                    text.push(self.escape()?);
                    run = self.i;
                }
                0..=0x1F => return None,
                _ => self.i += 1,
            }
        }
    }

    /// One escape, the cursor at its `\`: the character, or `None` for a surrogate
    /// (left to serde, whose handling of pairs and lone halves is its own) or a bad one.
    fn escape(&mut self) -> Option<char> {
        let c = *self.b.get(self.i + 1)?;
        self.i += 2;
        Some(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\x08',
            b'f' => '\x0C',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hex = self.b.get(self.i..self.i + 4)?;
                let mut n = 0u32;
                for &h in hex {
                    n = n * 16 + (h as char).to_digit(16)?;
                }
                self.i += 4;
                if (0xD800..=0xDFFF).contains(&n) {
                    return None;
                }
                char::from_u32(n)?
            }
            _ => return None,
        })
    }

    /// A number, its grammar checked as serde_json checks it. The index is kept in a
    /// local, not in the cursor, so that it stays in a register.
    fn number(&mut self) -> Option<Number<'a>> {
        self.next_token()?;
        let b = self.b;
        let start = self.i;
        let mut i = start;
        let negative = b.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let mut digits = 0u64;
        let mut count = 0u32;
        // One `0`, or digits not starting with one.
        match *b.get(i)? {
            b'0' => {
                i += 1;
                count = 1;
                if matches!(b.get(i), Some(b'0'..=b'9')) {
                    return None;
                }
            }
            b'1'..=b'9' => {
                while let Some(&d @ b'0'..=b'9') = b.get(i) {
                    i += 1;
                    count += 1;
                    if count <= 19 {
                        digits = digits * 10 + u64::from(d - b'0');
                    }
                }
            }
            _ => return None,
        }
        let mut float = false;
        let mut fraction = 0i32;
        if b.get(i) == Some(&b'.') {
            i += 1;
            float = true;
            let before = i;
            while let Some(&d @ b'0'..=b'9') = b.get(i) {
                i += 1;
                count += 1;
                if count <= 19 {
                    digits = digits * 10 + u64::from(d - b'0');
                }
            }
            if i == before {
                return None;
            }
            fraction = (i - before).min(i32::MAX as usize) as i32;
        }
        let mut exponent = Some(-fraction);
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            float = true;
            let sign = match *b.get(i)? {
                b'-' => {
                    i += 1;
                    -1
                }
                b'+' => {
                    i += 1;
                    1
                }
                _ => 1,
            };
            let before = i;
            let mut e = 0i32;
            while let Some(&d @ b'0'..=b'9') = b.get(i) {
                i += 1;
                e = e.saturating_mul(10).saturating_add(i32::from(d - b'0'));
            }
            if i == before {
                return None;
            }
            exponent = exponent.and_then(|f| f.checked_add(sign * e.min(100_000)));
        }
        self.i = i;
        Some(Number {
            text: &self.s[start..i],
            negative,
            digits: (count <= 19).then_some(digits),
            float,
            exponent,
        })
    }

    /// Skips one value after checking its grammar, as serde's `IgnoredAny` does (giving
    /// up, rather than failing, on what serde might refuse).
    fn skip_value(&mut self, depth: u32) -> Option<()> {
        match self.next_token()? {
            b'"' => {
                self.i += 1;
                self.string().map(drop)
            }
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'[' => {
                if depth >= MAX_SKIP_DEPTH {
                    return None;
                }
                self.i += 1;
                if self.next_token()? == b']' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.skip_value(depth + 1)?;
                    match self.next_token()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'{' => {
                if depth >= MAX_SKIP_DEPTH {
                    return None;
                }
                self.i += 1;
                if self.next_token()? == b'}' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.key()?;
                    self.skip_value(depth + 1)?;
                    if !self.more_members()? {
                        return Some(());
                    }
                }
            }
            _ => self.number().map(drop),
        }
    }
}

/// A property number as serde_json gives it to [`Scalar`], or `None` where it would
/// round in a way of its own (or refuse the number).
fn number_scalar(n: Number<'_>) -> Option<Scalar<'static>> {
    let digits = n.digits?;
    if !n.float {
        // serde_json: u64 when non-negative, i64 when negative, and `-0` as a float.
        if n.text.len() > 19 {
            return None;
        }
        return Some(match (n.negative, digits) {
            (false, d) => Scalar::UInt(d),
            (true, 0) => Scalar::Float(-0.0),
            (true, d) => Scalar::Int(-(d as i64)),
        });
    }
    exact_float(&n).map(Scalar::Float)
}

/// The number as a float when one correctly rounded operation gives it — at most 2^53 in
/// the digits, a power of ten up to 10^22 (Clinger's fast path) — so the same float any
/// correctly rounding parser gives (serde_json, `fast-float2`); `None` otherwise.
#[inline]
fn exact_float(n: &Number<'_>) -> Option<f64> {
    let (digits, e) = (n.digits?, n.exponent?);
    if digits > 1 << 53 || e.unsigned_abs() as usize >= POW10.len() {
        return None;
    }
    // serde_json's own computation; exact operands, so one correctly rounded operation.
    let pow = POW10[e.unsigned_abs() as usize];
    let f = if e >= 0 {
        digits as f64 * pow
    } else {
        digits as f64 / pow
    };
    Some(if n.negative { -f } else { f })
}

#[cfg(test)]
pub(crate) mod tests;
