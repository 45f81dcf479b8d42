//! The checks every report row gets, whatever its format: numbers, positions, accuracy,
//! times, flags. A failed check is a [`RowProblem`], which becomes a [`Reject`].

use std::fmt::Write;

use zonewatch_core::{Coord, Report, Timestamp};

use crate::Reject;
use crate::flag::{FLAG_EXPECTED, parse_flag};
use crate::rfc3339::{LastDay, TimeError, parse_rfc3339_after};

/// Why one row was rejected: the field (if one) and the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RowProblem {
    pub(crate) field: Option<&'static str>,
    pub(crate) reason: String,
}

impl RowProblem {
    pub(crate) fn new(field: &'static str, reason: impl Into<String>) -> RowProblem {
        RowProblem {
            field: Some(field),
            reason: reason.into(),
        }
    }

    pub(crate) fn missing(field: &'static str) -> RowProblem {
        RowProblem::new(field, "is missing")
    }

    /// The reject, at `line` of `source`, with `suffix` appended to the reason.
    pub(crate) fn into_reject(self, source: &str, line: u64, suffix: Option<usize>) -> Reject {
        let mut reason = self.reason;
        if let Some(index) = suffix {
            let _ = write!(reason, " (feature {index})");
        }
        Reject {
            source: source.to_string(),
            line,
            field: self.field.map(str::to_string),
            reason,
        }
    }
}

/// Shows raw cell bytes in a message, quoted, shortened when long.
pub(crate) fn shown(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{:?}…", &text[..cut]),
        None => format!("{text:?}"),
    }
}

/// A CSV cell as a finite number, correctly rounded.
#[inline(always)]
pub(crate) fn parse_number(bytes: &[u8], field: &'static str) -> Result<f64, RowProblem> {
    // The plain decimals every row has, inline; the rest (and every problem) out of line.
    match parse_plain_decimal(bytes) {
        Some(v) => Ok(v),
        None => parse_other_number(bytes, field),
    }
}

/// [`parse_number`] for what is not a plain decimal: empty, an exponent, `inf`, a typo.
#[cold]
#[inline(never)]
fn parse_other_number(bytes: &[u8], field: &'static str) -> Result<f64, RowProblem> {
    if bytes.is_empty() {
        return Err(RowProblem::missing(field));
    }
    match fast_float2::parse::<f64, _>(bytes) {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(RowProblem::new(
            field,
            format!("{} is not a finite number", shown(bytes)),
        )),
        Err(_) => Err(RowProblem::new(
            field,
            format!("{} is not a number", shown(bytes)),
        )),
    }
}

/// Powers of ten that are exact as `f64` (up to 10^15 is all [`parse_plain_decimal`] needs).
const EXACT_POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The most digits [`parse_plain_decimal`] takes: below 10^15 every digit string is an
/// exact `f64` (< 2^53).
const PLAIN_DIGITS: usize = 15;

/// `-`? digits (`.` digits)? with at most 15 digits in all: the way coordinates are
/// written. `None` for anything else (an exponent, `+`, `inf`, a bare `.`, more digits),
/// which [`fast_float2`] then reads.
///
/// The digits are an integer `m` < 2^53 and the value is `m / 10^k` with `k` ≤ 15: both
/// exact as `f64`, so the one IEEE division rounds the decimal correctly — the value
/// fast-float2 gives (Clinger's fast path, which it takes too), without its generic
/// checks. The tests compare the two bit for bit.
#[inline(always)]
pub(crate) fn parse_plain_decimal(bytes: &[u8]) -> Option<f64> {
    let (negative, text) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    let (m, scale) = match eight_byte_decimal(text) {
        Some(found) => found,
        None => short_decimal(text)?,
    };
    // As `i64` (`m` < 10^15): x86-64 converts a signed integer in one instruction, an
    // unsigned one in several.
    let v = m as i64 as f64 / EXACT_POWERS_OF_TEN[scale];
    Some(if negative { -v } else { v })
}

/// [`parse_plain_decimal`] of a cell of one to seven digits and nothing else (the way
/// accuracies are written), handed over as the first `n` bytes of `word` (the cell and
/// the bytes after it, the first in the low byte): the digits read in one word, with no
/// loop over them. `None` for anything else (a sign, a `.`), which
/// [`parse_plain_decimal`] then reads.
#[inline(always)]
pub(crate) fn parse_short_integer(word: u64, n: usize) -> Option<f64> {
    debug_assert!((1..8).contains(&n));
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    // The cell's bytes moved to the high end, the bytes before them made '0'.
    let digits = (word << (8 * (8 - n))) | (ZEROS >> (8 * n));
    // Below 10^7, exact; `m / 10^0` is `m`.
    Some(eight_digits(digits)? as i64 as f64)
}

/// Powers of ten up to the eighth, as integers.
const POWERS_OF_TEN: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// [`parse_plain_decimal`]'s digits `m` and scale `k` (the value is `m / 10^k`) for the
/// way coordinates are written: 8 to 16 bytes, 1 to 7 digits, `.`, 1 to 8 digits. Read
/// as two (overlapping) words, the first and last eight bytes, with no loop over the
/// digits: a digit at a time was ~15 instructions. `None` for any other text, which
/// [`short_decimal`] then reads (or refuses).
#[inline(always)]
fn eight_byte_decimal(text: &[u8]) -> Option<(u64, usize)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    let n = text.len();
    let first = u64::from_le_bytes(text.get(..8)?.try_into().ok()?);
    let last = u64::from_le_bytes(text.get(n - 8..)?.try_into().ok()?);
    // The first `.`: the lowest marked byte of a zero-byte test (marks above it may be
    // false; the lowest never is). None in the first eight bytes is for `short_decimal`.
    let x = first ^ (ONES * u64::from(b'.'));
    let dots = x.wrapping_sub(ONES) & !x & (ONES << 7);
    let whole = (dots.trailing_zeros() / 8) as usize;
    let scale = n.wrapping_sub(whole + 1);
    if whole == 0 || whole == 8 || !(1..=8).contains(&scale) {
        return None;
    }
    // The digits moved to the high end of a word (the low bytes are the leading digits,
    // in little-endian order), the bytes before them made '0': the whole part and the
    // fraction in one word when they fit, as coordinates with six decimals do.
    let keep_fraction = u64::MAX << (8 * (8 - scale));
    let fraction = last & keep_fraction;
    if whole + scale <= 8 {
        let keep = u64::MAX << (8 * (8 - whole - scale));
        let digits = fraction | ((first << (8 * (8 - whole))) >> (8 * scale)) | (ZEROS & !keep);
        return Some((eight_digits(digits)?, scale));
    }
    let whole_digits = (first << (8 * (8 - whole))) | (ZEROS >> (8 * whole));
    let fraction_digits = fraction | (ZEROS & !keep_fraction);
    let m = eight_digits(whole_digits)? * POWERS_OF_TEN[scale] + eight_digits(fraction_digits)?;
    Some((m, scale))
}

/// Eight ASCII digits, the first in the low byte, as their value; `None` unless every
/// byte is a digit.
#[inline(always)]
fn eight_digits(x: u64) -> Option<u64> {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    // Each byte's high nibble, and that of the byte plus 6, both 3: a digit (from ':'
    // on, adding 6 carries into the high nibble). No carry crosses bytes: a byte above
    // 0xF9 has a high nibble that is not 3 anyway.
    let nibbles = (x & HIGH) | ((x.wrapping_add(0x0606_0606_0606_0606) & HIGH) >> 4);
    if nibbles != 0x3333_3333_3333_3333 {
        return None;
    }
    // Pairs, then fours, then all eight: each step's lanes hold at most 99, 9999,
    // 99 999 999, so no lane spills into the next.
    let v = x - ZEROS;
    let v = (v * 10 + (v >> 8)) & 0x00FF_00FF_00FF_00FF;
    let v = (v * 100 + (v >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((v * 10_000 + (v >> 32)) & 0xFFFF_FFFF)
}

/// [`parse_plain_decimal`]'s digits and scale for any plain decimal, a digit at a time.
#[inline(always)]
fn short_decimal(text: &[u8]) -> Option<(u64, usize)> {
    let digit = |b: u8| b.wrapping_sub(b'0');
    let mut m = 0u64;
    let mut i = 0;
    // Wrapping: more than 19 digits overflow, and are refused by the count below.
    while i < text.len() && digit(text[i]) < 10 {
        m = m.wrapping_mul(10).wrapping_add(u64::from(digit(text[i])));
        i += 1;
    }
    let whole = i;
    if whole == 0 {
        return None;
    }
    let mut scale = 0;
    if i < text.len() {
        if text[i] != b'.' {
            return None;
        }
        i += 1;
        while i < text.len() && digit(text[i]) < 10 {
            m = m.wrapping_mul(10).wrapping_add(u64::from(digit(text[i])));
            i += 1;
        }
        scale = i - whole - 1;
        if scale == 0 || i < text.len() {
            return None;
        }
    }
    if whole + scale > PLAIN_DIGITS {
        return None;
    }
    Some((m, scale))
}

/// Longitude and latitude in range, or a problem naming the field out of range (and
/// suggesting a swap when the swapped pair would be in range).
#[inline(always)]
pub(crate) fn check_position(
    lon: f64,
    lat: f64,
    fields: (&'static str, &'static str),
) -> Result<Coord, RowProblem> {
    if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) {
        Ok(Coord { x: lon, y: lat })
    } else {
        Err(position_problem(lon, lat, fields))
    }
}

/// Why a position [`check_position`] refused is out of range.
#[cold]
#[inline(never)]
fn position_problem(lon: f64, lat: f64, fields: (&'static str, &'static str)) -> RowProblem {
    let lon_ok = (-180.0..=180.0).contains(&lon);
    let swapped = (-180.0..=180.0).contains(&lat) && (-90.0..=90.0).contains(&lon);
    let hint = if swapped { " (lon/lat swapped?)" } else { "" };
    if !lon_ok {
        RowProblem::new(
            fields.0,
            format!("longitude {lon} is outside [-180, 180]{hint}"),
        )
    } else {
        RowProblem::new(
            fields.1,
            format!("latitude {lat} is outside [-90, 90]{hint}"),
        )
    }
}

/// An accuracy radius: finite and ≥ 0.
#[inline(always)]
pub(crate) fn check_accuracy(v: f64) -> Result<f64, RowProblem> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(accuracy_problem(v))
    }
}

#[cold]
#[inline(never)]
fn accuracy_problem(v: f64) -> RowProblem {
    RowProblem::new(
        "accuracy_m",
        format!("must be a finite number ≥ 0, not {v}"),
    )
}

/// A strict RFC 3339 time with an offset, in UTC.
#[inline]
pub(crate) fn parse_time(bytes: &[u8]) -> Result<Timestamp, RowProblem> {
    parse_time_after(bytes, &mut LastDay::default())
}

/// [`parse_time`] for one of a run of times (the rows of a file), `last` the day read
/// last (see [`LastDay`]).
#[inline(always)]
pub(crate) fn parse_time_after(bytes: &[u8], last: &mut LastDay) -> Result<Timestamp, RowProblem> {
    match parse_rfc3339_after(bytes, last) {
        Ok(t) => Ok(t),
        Err(e) => Err(time_problem(bytes, e)),
    }
}

/// Why [`parse_time`] refused `bytes`.
#[cold]
#[inline(never)]
fn time_problem(bytes: &[u8], e: TimeError) -> RowProblem {
    if bytes.is_empty() {
        return RowProblem::missing("time");
    }
    RowProblem::new("time", format!("{} {e}", shown(bytes)))
}

/// A foreign flag; empty is absent.
#[inline]
pub(crate) fn parse_foreign(bytes: &[u8]) -> Result<Option<bool>, RowProblem> {
    if bytes.is_empty() {
        return Ok(None);
    }
    match parse_flag(bytes) {
        Some(b) => Ok(Some(b)),
        None => Err(RowProblem::new(
            "foreign",
            format!("{FLAG_EXPECTED}, found {}", shown(bytes)),
        )),
    }
}

/// Strings of reports read before, kept for their capacity: a report read next takes
/// its texts from here, and only a text longer than any kept one calls the allocator.
/// (Two or three allocations a report, and as many frees, were ~10 % of a light check.)
#[derive(Debug, Default)]
pub(crate) struct StringPool(Vec<String>);

impl StringPool {
    /// `s` as an owned string, in a kept one when there is one.
    #[inline]
    pub(crate) fn text(&mut self, s: &str) -> String {
        match self.0.pop() {
            Some(mut t) => {
                t.clear();
                t.push_str(s);
                t
            }
            None => s.to_owned(),
        }
    }

    /// Takes the strings of `report` (leaving it empty ones) for the reports read next.
    /// In place, so that no ~180-byte report is moved out of its vector (not measured on
    /// its own: it went in with other changes).
    pub(crate) fn keep(&mut self, report: &mut Report) {
        let attributes = &mut report.attributes;
        self.0.push(std::mem::take(&mut report.id));
        self.0.push(std::mem::take(&mut report.unit_id));
        for text in [
            &mut report.source,
            &mut attributes.side,
            &mut attributes.class,
            &mut attributes.role,
        ] {
            self.0.extend(text.take());
        }
    }
}

/// `{source}{separator}{n}`: the id of a report that has none.
pub(crate) fn generated_id(source: &str, separator: char, n: u64) -> String {
    // By hand: `format!` costs more than the rest of a CSV row's parsing.
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut id = String::with_capacity(source.len() + 1 + digits.len() - i);
    id.push_str(source);
    id.push(separator);
    id.push_str(std::str::from_utf8(&digits[i..]).unwrap_or_default());
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_checked_and_named() {
        assert_eq!(parse_number(b"16.25", "lon"), Ok(16.25));
        assert_eq!(parse_number(b"", "lon"), Err(RowProblem::missing("lon")));
        assert_eq!(
            parse_number(b"abc", "lat").unwrap_err().reason,
            "\"abc\" is not a number"
        );
        assert_eq!(
            parse_number(b"NaN", "lat").unwrap_err().reason,
            "\"NaN\" is not a finite number"
        );
        assert_eq!(
            parse_number(b"1e400", "lat").unwrap_err().reason,
            "\"1e400\" is not a finite number"
        );
        assert_eq!(
            parse_number(b"16,5", "lon").unwrap_err().reason,
            "\"16,5\" is not a number"
        );
    }

    /// What fast-float2 makes of `text`, as `parse_number` would keep it.
    fn by_fast_float(text: &[u8]) -> Option<u64> {
        fast_float2::parse::<f64, _>(text)
            .ok()
            .filter(|v: &f64| v.is_finite())
            .map(f64::to_bits)
    }

    fn bits(text: &[u8]) -> Option<u64> {
        parse_number(text, "lon").ok().map(f64::to_bits)
    }

    #[test]
    fn plain_decimals_are_read_as_fast_float_reads_them() {
        for text in [
            "0",
            "-0",
            "0.0",
            "-0.0",
            "7",
            "-7",
            "16.5886",
            "-179.9999999",
            "180",
            "90.0000000",
            "0.1",
            "0.3",
            "1.7976931348623157",
            "9007199254740991",
            "900719925474099.1",
            "123456789012345",
            "1234567890123456",
            "0.000000000000001",
            "0.0000000000000001",
            "007.50",
            "99999999999999.9",
            "1e5",
            "1E-3",
            "+1",
            "+1.5",
            ".5",
            "5.",
            "-.5",
            "-",
            ".",
            "-5.",
            "1.2.3",
            "1..2",
            "--1",
            "1-",
            "inf",
            "-inf",
            "NaN",
            "infinity",
            "1_0",
            "0x10",
            "1 ",
            " 1",
            "1,5",
            "١",
            "12345678901234567890123",
            "0.5e",
            "3.14abc",
        ] {
            assert_eq!(
                bits(text.as_bytes()),
                by_fast_float(text.as_bytes()),
                "{text:?}"
            );
        }
        // Taken by the plain path, not handed on.
        assert_eq!(
            parse_plain_decimal(b"-0").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(parse_plain_decimal(b"16.5886"), Some(16.5886));
        assert_eq!(
            parse_plain_decimal(b"-1234567.12345678"),
            Some(-1234567.12345678)
        );
        assert_eq!(
            parse_plain_decimal(b"1.23456789012345"),
            Some(1.23456789012345)
        );
        assert_eq!(parse_plain_decimal(b"1234567"), Some(1234567.0));
        assert_eq!(
            parse_plain_decimal(b"123456789012345"),
            Some(123456789012345.0)
        );
        // More than 15 digits in all: fast-float2's.
        assert_eq!(parse_plain_decimal(b"1234567890123456"), None);
        assert_eq!(parse_plain_decimal(b"1.234567890123456"), None);
        assert_eq!(parse_plain_decimal(b"1.12345678901234567"), None);
        assert_eq!(parse_plain_decimal(b"0.00000000000001"), Some(1e-14));
        assert_eq!(parse_plain_decimal(b"0.000000000000001"), None);
        for text in ["1e5", "+1", ".5", "5.", "-", "", "1.2.3", "0x1"] {
            assert_eq!(parse_plain_decimal(text.as_bytes()), None, "{text:?}");
        }
    }

    #[test]
    fn coordinates_with_any_one_byte_changed_read_as_fast_float_reads_them() {
        // Every byte value at every place of the lengths the word reader takes (8 to 16
        // bytes, the dot anywhere in the first eight), and just outside them.
        for text in [
            "16.561455",
            "-18.3250591",
            "1.2345678",
            "1234567.8",
            "1234567.12345678",
            "12345678.1",
            "1.23456789",
            "0.000000",
            "9999999.99999999",
        ] {
            for at in 0..text.len() {
                for b in 0..=255u8 {
                    let mut bytes = text.as_bytes().to_vec();
                    bytes[at] = b;
                    assert_eq!(bits(&bytes), by_fast_float(&bytes), "{:?}", shown(&bytes));
                }
            }
        }
    }

    #[test]
    fn eight_byte_decimals_are_whole_then_fraction_digits() {
        assert_eq!(eight_byte_decimal(b"16.561455"), Some((16_561_455, 6)));
        assert_eq!(eight_byte_decimal(b"1.2345678"), Some((12_345_678, 7)));
        assert_eq!(
            eight_byte_decimal(b"1234567.12345678"),
            Some((123_456_712_345_678, 8))
        );
        assert_eq!(eight_byte_decimal(b"0000000.0"), Some((0, 1)));
        // Not the word reader's: short, no dot in the first eight, more than eight
        // decimals, a dot first or last, two dots.
        for text in [
            "1.23456",
            "12345678.1",
            "123456789",
            "1.234567891",
            ".1234567",
            "1234567.",
            "1.2.3456",
            "1.23456+8",
        ] {
            assert_eq!(eight_byte_decimal(text.as_bytes()), None, "{text}");
        }
        assert_eq!(
            eight_digits(u64::from_le_bytes(*b"01234567")),
            Some(1_234_567)
        );
        assert_eq!(
            eight_digits(u64::from_le_bytes(*b"99999999")),
            Some(99_999_999)
        );
        assert_eq!(eight_digits(u64::from_le_bytes(*b"0123456:")), None);
        assert_eq!(eight_digits(u64::from_le_bytes(*b"/1234567")), None);
    }

    proptest::proptest! {
        #[test]
        fn random_coordinates_read_as_std_reads_them(
            negative: bool,
            whole in "[0-9]{1,8}",
            fraction in "[0-9]{1,9}",
        ) {
            let text = format!("{}{whole}.{fraction}", if negative { "-" } else { "" });
            let want: f64 = text.parse().unwrap();
            proptest::prop_assert_eq!(
                parse_number(text.as_bytes(), "lon").map(f64::to_bits),
                Ok(want.to_bits()),
                "{}", text
            );
        }

        #[test]
        fn random_bytes_read_as_fast_float_reads_them(
            text in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24),
        ) {
            proptest::prop_assert_eq!(bits(&text), by_fast_float(&text));
        }


        #[test]
        fn random_plain_decimals_round_as_fast_float_does(
            negative: bool,
            whole in "[0-9]{1,16}",
            fraction in proptest::option::of("[0-9]{0,16}"),
        ) {
            let mut text = String::new();
            if negative {
                text.push('-');
            }
            text.push_str(&whole);
            if let Some(f) = &fraction {
                text.push('.');
                text.push_str(f);
            }
            proptest::prop_assert_eq!(bits(text.as_bytes()), by_fast_float(text.as_bytes()), "{}", text);
        }

        #[test]
        fn random_number_like_bytes_read_as_fast_float_reads_them(text in "[-+.0-9eE]{0,20}") {
            let b = text.as_bytes();
            let ours = if b.is_empty() { None } else { bits(b) };
            proptest::prop_assert_eq!(ours, by_fast_float(b), "{}", text);
        }
    }

    #[test]
    fn positions_out_of_range_suggest_a_swap_when_it_fits() {
        let f = ("lon", "lat");
        assert_eq!(
            check_position(16.5, 31.2, f),
            Ok(Coord { x: 16.5, y: 31.2 })
        );
        assert_eq!(
            check_position(-180.0, 90.0, f),
            Ok(Coord { x: -180.0, y: 90.0 })
        );
        // A latitude of 116.5 with a longitude of 31.2: swapped, both fit.
        assert_eq!(
            check_position(31.2, 116.5, f),
            Err(RowProblem::new(
                "lat",
                "latitude 116.5 is outside [-90, 90] (lon/lat swapped?)"
            ))
        );
        assert_eq!(
            check_position(190.0, 10.0, f),
            Err(RowProblem::new(
                "lon",
                "longitude 190 is outside [-180, 180]"
            ))
        );
        assert_eq!(
            check_position(100.0, -95.0, ("geometry", "geometry")),
            Err(RowProblem::new(
                "geometry",
                "latitude -95 is outside [-90, 90]"
            ))
        );
    }

    #[test]
    fn times_accuracies_and_flags() {
        assert_eq!(
            parse_time(b"1970-01-01T00:00:01Z"),
            Ok(Timestamp::from_unix_nanos(1_000_000_000))
        );
        assert_eq!(
            parse_time(b"2021-01-23T00:00:00").unwrap_err().reason,
            "\"2021-01-23T00:00:00\" has no UTC offset (add Z or ±HH:MM; a local time is never guessed)"
        );
        assert_eq!(parse_time(b""), Err(RowProblem::missing("time")));
        assert_eq!(check_accuracy(0.0), Ok(0.0));
        assert_eq!(
            check_accuracy(-1.0).unwrap_err().reason,
            "must be a finite number ≥ 0, not -1"
        );
        assert_eq!(parse_foreign(b"No"), Ok(Some(false)));
        assert_eq!(parse_foreign(b""), Ok(None));
        assert_eq!(
            parse_foreign(b"maybe").unwrap_err().reason,
            "expected true/false, yes/no or 1/0, found \"maybe\""
        );
        assert_eq!(generated_id("reports.csv", ':', 17), "reports.csv:17");
        assert_eq!(generated_id("r", '#', 0), "r#0");
        assert_eq!(generated_id("r", ':', u64::MAX), format!("r:{}", u64::MAX));
        assert_eq!(
            shown("x".repeat(50).as_bytes()),
            format!("\"{}\"…", "x".repeat(40))
        );
    }

    #[test]
    fn short_integers_are_read_as_std_reads_them() {
        // The cell, then what follows it in the piece; only the first `n` bytes count.
        for (cell, after) in [
            ("0", ",uav\n"),
            ("7", "\n"),
            ("36", ",humint"),
            ("365", "99999"),
            ("0012", ".5,,,"),
            ("9999999", "\n"),
            ("1234567", "x"),
        ] {
            let bytes = format!("{cell}{after}........");
            let word = u64::from_le_bytes(bytes.as_bytes()[..8].try_into().unwrap());
            let got = parse_short_integer(word, cell.len()).map(f64::to_bits);
            assert_eq!(got, Some(cell.parse::<f64>().unwrap().to_bits()), "{cell}");
        }
        for cell in ["-1", "+1", "1.5", "1e3", "1 2", "a", "1,", "12345\n"] {
            let bytes = format!("{cell}........");
            let word = u64::from_le_bytes(bytes.as_bytes()[..8].try_into().unwrap());
            assert_eq!(parse_short_integer(word, cell.len()), None, "{cell}");
        }
    }
}
