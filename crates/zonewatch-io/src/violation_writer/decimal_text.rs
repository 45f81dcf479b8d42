//! The numbers of a violation row as text, written straight into the row's bytes: lon/lat
//! as the shortest decimal that reads back as the same `f64` (Rust's `{}`), depths with 2
//! decimals. Most values take a short way whose digits come eight at a time from one word;
//! the others go through the formatter. Each short way's argument is written where it is.

use std::io::Write as _;

/// Powers of ten that are exact as `f64`, up to 10^15.
const EXACT_POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// The 8 decimal digits of `v` < 10^8, zero-padded: eight lanes of one word, split by
/// multiplications that divide every lane at once (the 4-digit halves by 100 with
/// `· 10486 >> 20`, exact below 10^4, then the 2-digit quarters by 10 with `· 103 >> 10`,
/// exact below 100; no lane's product reaches the next lane, and the masks drop what the
/// shifts bring down from it). The first digit ends in the lowest byte.
#[inline]
fn eight_digits(v: u32) -> [u8; 8] {
    debug_assert!(v < 100_000_000);
    // Two 32-bit lanes: abcd | efgh.
    let halves = u64::from(v / 10_000) | u64::from(v % 10_000) << 32;
    let hundreds = ((halves * 10_486) >> 20) & 0x0000_007F_0000_007F;
    // Four 16-bit lanes: ab | cd | ef | gh.
    let quarters = (halves - 100 * hundreds) << 16 | hundreds;
    let tens = ((quarters * 103) >> 10) & 0x000F_000F_000F_000F;
    // Eight bytes: a | b | … | h.
    let digits = (quarters - 10 * tens) << 8 | tens;
    (digits | u64::from_le_bytes([b'0'; 8])).to_le_bytes()
}

/// The 16 decimal digits of `v` < 10^16, zero-padded.
#[inline]
fn sixteen_digits(v: u64) -> [u8; 16] {
    debug_assert!(v < 10_000_000_000_000_000);
    let mut out = [0; 16];
    out[..8].copy_from_slice(&eight_digits((v / 100_000_000) as u32));
    out[8..].copy_from_slice(&eight_digits((v % 100_000_000) as u32));
    out
}

/// Appends finite `v` as `{v}` writes it: the shortest decimal that reads back as `v`,
/// without an exponent.
///
/// Most coordinates take a short way. When `v` reads back from a decimal of at most 15
/// significant digits, that decimal is the shortest one, and the only one of at most 15
/// digits (two such decimals never round to the same `f64`); rounded to 15 significant
/// digits, `v` is that decimal followed by zeros. So: `m`, `|v|` scaled by `10^s` to 15
/// digits and rounded (the scaled product is within 1/4 of the integer then: one
/// rounding of a value below 2^50), is the decimal followed by zeros exactly when
/// `m / 10^s` is `v` again (one IEEE division of exact operands, as reading `m·10^-s`
/// rounds it; the zeros do not change the quotient), and the text is `m`'s digits with
/// the point `s` from the end, less the fraction's trailing zeros. Anything else (16 or
/// 17 digits, |v| ≥ 10^15, or more digits below 1 than 15 places hold) goes through the
/// formatter. The shortest-float formatter had been ~2–3 % of a check with many rows.
pub(crate) fn push_shortest(out: &mut Vec<u8>, v: f64) {
    let x = v.abs();
    // Digits before the point (0 below 1), so that x · 10^s < 10^15.
    let whole = EXACT_POWERS_OF_TEN.iter().take_while(|&&p| p <= x).count();
    if whole < EXACT_POWERS_OF_TEN.len() {
        let s = 15 - whole;
        let m = (x * EXACT_POWERS_OF_TEN[s] + 0.5) as u64;
        // m < 10^15 when this holds: m = 10^15 would be 10^whole, which is above x.
        if m as f64 / EXACT_POWERS_OF_TEN[s] == x {
            push_digits_with_point(out, v.is_sign_negative(), m, whole);
            return;
        }
    }
    let _ = write!(out, "{v}");
}

/// Appends `-` if `negative`, then `m` < 10^15 as 15 digits with the point after the
/// first `whole` (a `0` before it when `whole` is 0), less the fraction's trailing zeros
/// (and the point with them when nothing is left after it).
#[inline]
fn push_digits_with_point(out: &mut Vec<u8>, negative: bool, m: u64, whole: usize) {
    // [-][0 or whole digits].[15 - whole digits]: at most 18 bytes.
    let mut text = [0u8; 18];
    let sign = usize::from(negative);
    text[0] = b'-';
    // The 15 digits start at `first`: after the sign, the point and the 0 before it when
    // whole is 0; after the sign and one free byte otherwise, the whole digits then moved
    // one place left over it.
    let first = sign + 1 + usize::from(whole == 0);
    // The 16-digit rendering has a leading 0, written over the byte before `first`.
    text[first - 1..first + 15].copy_from_slice(&sixteen_digits(m));
    if whole == 0 {
        text[sign] = b'0';
    } else {
        for at in sign..sign + whole {
            text[at] = text[at + 1];
        }
    }
    let point = first + whole - 1;
    text[point] = b'.';
    // The fraction's trailing zeros, eight bytes at a time from the end (a word's last
    // byte is its most significant): the point, within the last 16 bytes, stops them.
    let mut end = first + 15;
    loop {
        let last_eight = u64::from_le_bytes(text[end - 8..end].try_into().expect("8 bytes"));
        let zeros = (last_eight ^ ASCII_ZEROS).leading_zeros() as usize / 8;
        end -= zeros;
        if zeros < 8 {
            break;
        }
    }
    if end == point + 1 {
        end = point;
    }
    push_prefix(out, &text, end);
}

/// Eight `'0'` bytes as a word.
const ASCII_ZEROS: u64 = u64::from_ne_bytes([b'0'; 8]);

/// Appends the first `len` bytes of `text`: the whole array is copied (a copy of a
/// known length, without a call) and the rest cut off again.
#[inline]
fn push_prefix<const N: usize>(out: &mut Vec<u8>, text: &[u8; N], len: usize) {
    debug_assert!(len <= N);
    let start = out.len();
    out.extend_from_slice(text);
    out.truncate(start + len);
}

/// Appends `d` (finite) with 2 decimals, as `format!("{d:.2}")` writes it (the exact
/// value rounded), except that a value that rounds to zero is `0.00`, never `-0.00`.
///
/// Most depths take a short way: `x = d · 100` is within 2⁻¹⁴ of the exact product while
/// |x| < 2⁴⁰, so when its fraction is farther than 2⁻¹² from one half, `x` rounds to the
/// integer the exact product rounds to, and the digits are that integer's. The rest (a
/// near-tie, a huge value) go through the formatter. Formatting 2-decimal depths had
/// been ~2 % of a 10 M stress check.
pub(crate) fn push_centimetres(out: &mut Vec<u8>, d: f64) {
    let x = (d * 100.0).abs();
    // Below 2⁴⁰ the integer part and the fraction are exact, taken by hand (`fract` and
    // `round` are calls into libm on baseline x86-64); NaN fails the first test.
    let whole = if x < (1u64 << 40) as f64 {
        x as u64
    } else {
        u64::MAX
    };
    let fraction = x - whole as f64;
    if whole != u64::MAX && (fraction - 0.5).abs() > 1.0 / 4096.0 {
        let n = whole + u64::from(fraction > 0.5);
        if d < 0.0 && n != 0 {
            out.push(b'-');
        }
        // metres.cc: the metres (below 2⁴⁰ / 100 < 10^11) as 16 digits of which the
        // significant ones (at least one) are kept, then the centimetres.
        let metres = n / 100;
        let mut text = [0u8; 32];
        if metres < 100_000_000 {
            text[8..16].copy_from_slice(&eight_digits(metres as u32));
        } else {
            text[..16].copy_from_slice(&sixteen_digits(metres));
        }
        text[16] = b'.';
        let cents = (n % 100) as u8;
        text[17..19].copy_from_slice(&[b'0' + cents / 10, b'0' + cents % 10]);
        let digits = metres.checked_ilog10().map_or(1, |log| log as usize + 1);
        let from = 16 - digits;
        let cell: &[u8; 16] = text[from..from + 16].try_into().expect("16 bytes");
        push_prefix(out, cell, digits + 3);
        return;
    }
    let d = if (d * 100.0).round() == 0.0 { 0.0 } else { d };
    let _ = write!(out, "{d:.2}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(v: u32) {
        assert_eq!(eight_digits(v), *format!("{v:08}").as_bytes(), "{v}");
    }

    /// Against std's zero-padded `{:08}`: every value below 10^5, each 4-digit half with
    /// every other (the lanes are independent, so every lane value is seen in each lane),
    /// the ends, and a stride through the rest.
    #[test]
    fn eight_digits_are_the_formatters() {
        (0..100_000).for_each(check);
        for half in 0..10_000 {
            check(half * 10_000 + (9_999 - half));
            check(half * 10_001);
        }
        (0..100_000_000).step_by(9_973).for_each(check);
        check(99_999_999);
    }

    #[test]
    fn sixteen_digits_are_the_formatters() {
        for v in [
            0,
            1,
            99_999_999,
            100_000_000,
            1_234_567_890_123_456,
            9_999_999_999_999_999,
        ] {
            assert_eq!(sixteen_digits(v), *format!("{v:016}").as_bytes(), "{v}");
        }
    }
}
