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
    if x < 1000.0 && push_seven_places(out, v.is_sign_negative(), x) {
        return;
    }
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

/// The short way of [`push_shortest`] for the coordinates of most data, `x` = |v| below
/// 1000 that reads back from a decimal of at most 7 places: appends the text and returns
/// `true`, or appends nothing and returns `false`.
///
/// `m = x · 10^7` rounded (below 10^10, so the conversion through `i64` is exact) is
/// that decimal's digits exactly when `m / 10^7` is `x` again (as in `push_shortest`: one
/// IEEE division of exact operands, as reading `m·10^-7` rounds it). A decimal of at
/// most 10 significant digits that reads back as `x` is the only one of at most 15, so
/// it is the shortest, less its trailing zeros. Its whole part (below 1000: reading back
/// is monotonic and 1000 is exact) comes from three digit bytes with the leading zeros
/// shifted out (one `0` kept), its 7 places from one word of eight digits whose first,
/// always `0`, becomes the point.
#[inline]
fn push_seven_places(out: &mut Vec<u8>, negative: bool, x: f64) -> bool {
    let m = (x * 1e7 + 0.5) as i64;
    if m as f64 / 1e7 != x {
        return false;
    }
    let m = m as u64;
    let (whole, places) = ((m / 10_000_000) as u32, (m % 10_000_000) as u32);
    // [-][1 to 3 whole digits][.7 places]: at most 12 bytes.
    let mut text = [0u8; 16];
    let sign = usize::from(negative);
    text[0] = b'-';
    let whole_digits = 1 + usize::from(whole >= 10) + usize::from(whole >= 100);
    let three = u32::from_le_bytes([
        b'0' + (whole / 100) as u8,
        b'0' + (whole / 10 % 10) as u8,
        b'0' + (whole % 10) as u8,
        0,
    ]) >> (8 * (3 - whole_digits));
    text[sign..sign + 4].copy_from_slice(&three.to_le_bytes());
    let point = sign + whole_digits;
    let fraction = u64::from_le_bytes(eight_digits(places)) & !0xFF | u64::from(b'.');
    text[point..point + 8].copy_from_slice(&fraction.to_le_bytes());
    // The places' trailing zeros (the point stops them), and the point when all are.
    let zeros = (fraction ^ ASCII_ZEROS).leading_zeros() as usize / 8;
    let end = if zeros == 7 { point } else { point + 8 - zeros };
    push_prefix(out, &text, end);
    true
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
        // Through `i64`: one instruction, where `as u64` needs a test for 2⁶³ and over.
        x as i64 as u64
    } else {
        u64::MAX
    };
    let fraction = x - whole as f64;
    if whole != u64::MAX && (fraction - 0.5).abs() > 1.0 / 4096.0 {
        let n = whole + u64::from(fraction > 0.5);
        let negative = d < 0.0 && n != 0;
        if n < 100_000_000 {
            push_cents_below_a_million_metres(out, negative, n as u32);
            return;
        }
        if negative {
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

/// Appends `n` < 10^8 centimetres as metres with 2 decimals, `-` first if `negative`:
/// `n`'s eight digits, the last two moved one byte up behind a point, the leading zeros
/// of the metres (all but one) shifted out, then the sign shifted in.
#[inline]
fn push_cents_below_a_million_metres(out: &mut Vec<u8>, negative: bool, n: u32) {
    let digits = u64::from_le_bytes(eight_digits(n));
    // The metres' leading zeros: at most 5 of their 6 digits.
    let zeros = ((digits ^ ASCII_ZEROS).trailing_zeros() / 8).min(5);
    let metres = digits & 0xFFFF_FFFF_FFFF;
    let cents = digits >> 48;
    let text =
        (u128::from(metres | u64::from(b'.') << 48) | u128::from(cents) << 56) >> (8 * zeros);
    let sign = u32::from(negative);
    let text = (text << (8 * sign)) | (u128::from(b'-') * u128::from(sign));
    push_prefix(out, &text.to_le_bytes(), (9 - zeros + sign) as usize);
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

    /// `push_seven_places`'s text, or `None` when it declines.
    fn seven_places(v: f64) -> Option<String> {
        let mut out = b">".to_vec();
        let taken = push_seven_places(&mut out, v.is_sign_negative(), v.abs());
        assert!(
            taken || out.len() == 1,
            "{v:e}: nothing written when declined"
        );
        taken.then(|| String::from_utf8(out).unwrap()[1..].to_string())
    }

    /// Against std's `{}`: decimals of 0 to 7 places under 1000 of either sign take the
    /// short way and write what the formatter writes (every whole part, with fractions
    /// of every length, with the trailing zeros, and a stride through all 10^7); one ulp
    /// off such a decimal, the short way declines, and so does a value of 8 places.
    #[test]
    fn seven_places_are_the_formatters() {
        let fractions = [
            "", "0", "5", "05", "0000001", "9999999", "1234567", "123456", "12345", "1", "1000000",
            "0100000", "898544", "4510950",
        ];
        for whole in 0..1000 {
            for fraction in fractions {
                for sign in ["", "-"] {
                    let text = format!("{sign}{whole}.{fraction}");
                    let v: f64 = text.parse().unwrap();
                    assert_eq!(seven_places(v), Some(format!("{v}")), "{text}");
                    for ulps in [-1i64, 1] {
                        if v != 0.0 {
                            let near = f64::from_bits(v.to_bits().wrapping_add_signed(ulps));
                            assert_eq!(seven_places(near), None, "{near:e}");
                        }
                    }
                }
            }
        }
        for whole in [0, 16, 31, 179, 999] {
            for fraction in (0..10_000_000).step_by(997) {
                let v: f64 = format!("{whole}.{fraction:07}").parse().unwrap();
                assert_eq!(seven_places(v), Some(format!("{v}")), "{v}");
            }
        }
        for v in [0.12345678, 16.00000001, 999.99999999, 1e-8] {
            assert_eq!(seven_places(v), None, "{v}");
        }
    }

    /// Against std's `{:.2}`: every centimetre count below 10^5 and a stride up to the
    /// short way's end at 10^8 (and past it), of either sign.
    #[test]
    fn centimetres_below_a_million_metres_are_the_formatters() {
        let counts = (0..100_000u64).chain((100_000..100_100_000).step_by(9_973));
        for n in counts.chain([99_999_999, 100_000_000, 100_000_001]) {
            for d in [n as f64 / 100.0, -(n as f64) / 100.0] {
                let mut out = b">".to_vec();
                push_centimetres(&mut out, d);
                let expected = format!("{:.2}", if n == 0 { 0.0 } else { d });
                assert_eq!(&out[1..], expected.as_bytes(), "{d}");
            }
        }
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
