//! The checks every report row gets, whatever its format: numbers, positions, accuracy,
//! times, flags. A failed check is a [`RowProblem`], which becomes a [`Reject`].

use std::fmt::Write;

use zonewatch_core::{Coord, Report, Timestamp};

use crate::Reject;
use crate::flag::{FLAG_EXPECTED, parse_flag};
use crate::rfc3339::parse_rfc3339;

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
#[inline]
pub(crate) fn parse_number(bytes: &[u8], field: &'static str) -> Result<f64, RowProblem> {
    if bytes.is_empty() {
        return Err(RowProblem::missing(field));
    }
    if let Some(v) = parse_plain_decimal(bytes) {
        return Ok(v);
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
#[inline]
fn parse_plain_decimal(bytes: &[u8]) -> Option<f64> {
    let (negative, text) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
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
    let v = m as f64 / EXACT_POWERS_OF_TEN[scale];
    Some(if negative { -v } else { v })
}

/// Longitude and latitude in range, or a problem naming the field out of range (and
/// suggesting a swap when the swapped pair would be in range).
#[inline]
pub(crate) fn check_position(
    lon: f64,
    lat: f64,
    fields: (&'static str, &'static str),
) -> Result<Coord, RowProblem> {
    let lon_ok = (-180.0..=180.0).contains(&lon);
    let lat_ok = (-90.0..=90.0).contains(&lat);
    if lon_ok && lat_ok {
        return Ok(Coord { x: lon, y: lat });
    }
    let swapped = (-180.0..=180.0).contains(&lat) && (-90.0..=90.0).contains(&lon);
    let hint = if swapped { " (lon/lat swapped?)" } else { "" };
    Err(if !lon_ok {
        RowProblem::new(
            fields.0,
            format!("longitude {lon} is outside [-180, 180]{hint}"),
        )
    } else {
        RowProblem::new(
            fields.1,
            format!("latitude {lat} is outside [-90, 90]{hint}"),
        )
    })
}

/// An accuracy radius: finite and ≥ 0.
#[inline]
pub(crate) fn check_accuracy(v: f64) -> Result<f64, RowProblem> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(RowProblem::new(
            "accuracy_m",
            format!("must be a finite number ≥ 0, not {v}"),
        ))
    }
}

/// A strict RFC 3339 time with an offset, in UTC.
#[inline]
pub(crate) fn parse_time(bytes: &[u8]) -> Result<Timestamp, RowProblem> {
    if bytes.is_empty() {
        return Err(RowProblem::missing("time"));
    }
    parse_rfc3339(bytes).map_err(|e| RowProblem::new("time", format!("{} {e}", shown(bytes))))
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

    proptest::proptest! {
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
}
