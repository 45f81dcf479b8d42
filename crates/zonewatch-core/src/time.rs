//! Instants in time, as data: the engine never reads a clock.

use std::fmt;

const NANOS_PER_DAY: i64 = 86_400 * 1_000_000_000;

/// An instant, in nanoseconds since 1970-01-01T00:00:00Z (UTC, leap seconds not counted).
///
/// The range is about 1678–2262, ample for position reports; the io crate rejects times
/// outside it with a located error rather than wrapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The instant `nanos` nanoseconds after the Unix epoch.
    pub const fn from_unix_nanos(nanos: i64) -> Self {
        Timestamp(nanos)
    }

    /// The instant `secs` seconds after the Unix epoch, or `None` if it is out of range.
    pub const fn from_unix_seconds(secs: i64) -> Option<Self> {
        match secs.checked_mul(1_000_000_000) {
            Some(n) => Some(Timestamp(n)),
            None => None,
        }
    }

    /// Nanoseconds since the Unix epoch.
    pub const fn unix_nanos(self) -> i64 {
        self.0
    }

    /// The UTC calendar date of this instant: (year, month 1–12, day 1–31).
    pub fn utc_date(self) -> (i64, u32, u32) {
        civil_from_days(self.utc_day())
    }

    /// Days since 1970-01-01 of this instant's UTC date (negative before the epoch).
    pub const fn utc_day(self) -> i64 {
        self.0.div_euclid(NANOS_PER_DAY)
    }

    /// The first instant of UTC day `day` (days since 1970-01-01), saturating at the ends
    /// of the range.
    pub const fn start_of_utc_day(day: i64) -> Timestamp {
        Timestamp(day.saturating_mul(NANOS_PER_DAY))
    }
}

/// Formats as RFC 3339 in UTC (`2021-01-23T00:00:00Z`), with fractional seconds only when
/// they are not zero (`2021-01-23T00:00:00.25Z`).
///
/// The digits are written into a buffer and handed over at once: a violation row formats
/// one time each, and the formatter's padded-integer path had been ~4 % of a 10 M
/// stress check.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rfc3339_digits() {
            Some((buf, n)) => f.write_str(std::str::from_utf8(&buf[..n]).expect("ASCII digits")),
            None => self.fmt_general(f),
        }
    }
}

impl Timestamp {
    /// Appends the text [`Display`](fmt::Display) writes (RFC 3339 in UTC) to `out`,
    /// without the formatter's machinery (an output row formats one time each).
    pub fn push_rfc3339(self, out: &mut String) {
        match self.rfc3339_digits() {
            Some((buf, n)) => out.push_str(std::str::from_utf8(&buf[..n]).expect("ASCII digits")),
            None => {
                use std::fmt::Write as _;
                let _ = write!(out, "{self}");
            }
        }
    }

    /// The RFC 3339 text of an instant of a 4-digit year, in a buffer; `None` for the
    /// others, which go the general way.
    fn rfc3339_digits(self) -> Option<([u8; 30], usize)> {
        let secs = self.0.div_euclid(1_000_000_000);
        let nanos = self.0.rem_euclid(1_000_000_000) as u32;
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400) as u32;
        let (y, m, d) = civil_from_days(days);
        // "YYYY-MM-DDTHH:MM:SS" + ".nnnnnnnnn" + "Z"; years of the range are 4 digits
        // (others, which no `Timestamp` of the io crate has, go the general way).
        let y = u32::try_from(y).ok().filter(|&y| y <= 9999)?;
        let mut buf = [0u8; 30];
        // Two digits and a separator at `at` (constant divisors: multiplications).
        let mut two = |at: usize, v: u32, sep: u8| {
            buf[at] = b'0' + (v / 10) as u8;
            buf[at + 1] = b'0' + (v % 10) as u8;
            buf[at + 2] = sep;
        };
        two(0, y / 100, 0);
        two(2, y % 100, b'-');
        two(5, m, b'-');
        two(8, d, b'T');
        two(11, sod / 3600, b':');
        two(14, sod / 60 % 60, b':');
        if nanos == 0 {
            two(17, sod % 60, b'Z');
            return Some((buf, 20));
        }
        two(17, sod % 60, b'.');
        // Nine digits less the trailing zeros, then Z.
        let kept = 9 - decimal_trailing_zeros(nanos) as usize;
        let mut rest = nanos / 10u32.pow(9 - kept as u32);
        for at in (20..20 + kept).rev() {
            buf[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        buf[20 + kept] = b'Z';
        Some((buf, 21 + kept))
    }

    /// `Display` for any instant, through the formatter.
    fn fmt_general(self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.div_euclid(1_000_000_000);
        let nanos = self.0.rem_euclid(1_000_000_000) as u32;
        let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
        let sod = secs.rem_euclid(86_400) as u32;
        write!(f, "{y:04}-{m:02}-{d:02}T{}Z", Hms(sod, nanos))
    }
}

/// A time of day (seconds into the day, nanoseconds) as `HH:MM:SS[.fraction]`: the
/// general path of [`Timestamp`]'s `Display`.
struct Hms(u32, u32);

impl fmt::Display for Hms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Hms(sod, nanos) = *self;
        write!(f, "{:02}:{:02}:{:02}", sod / 3600, sod / 60 % 60, sod % 60)?;
        if nanos != 0 {
            let frac = format!("{nanos:09}");
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        Ok(())
    }
}

/// The trailing decimal zeros of `v` (0 for 0).
fn decimal_trailing_zeros(mut v: u32) -> u32 {
    let mut zeros = 0;
    while v != 0 && v % 10 == 0 {
        v /= 10;
        zeros += 1;
    }
    zeros
}

/// Days since 1970-01-01 → proleptic Gregorian (year, month, day).
/// Howard Hinnant's `civil_from_days`, exact for the whole i64 range used here.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `push_rfc3339` appends what `Display` writes, whatever the instant.
    #[test]
    fn pushed_times_are_the_displayed_ones() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut out = String::new();
        for k in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let nanos = match k % 3 {
                0 => x as i64,
                1 => (x as i64 >> 31) * 1_000_000_000,
                _ => (x as i64 >> 24) * 1_000_000 + (x % 1000) as i64,
            };
            let t = Timestamp::from_unix_nanos(nanos);
            out.clear();
            out.push('>');
            t.push_rfc3339(&mut out);
            assert_eq!(out, format!(">{t}"), "{nanos}");
        }
        for nanos in [i64::MIN, i64::MAX, 0, -1] {
            let t = Timestamp::from_unix_nanos(nanos);
            out.clear();
            t.push_rfc3339(&mut out);
            assert_eq!(out, t.to_string());
        }
    }

    #[test]
    fn formats_known_instants() {
        // 2021-01-23T00:00:00Z is 1611360000 s after the epoch (date -d ... +%s).
        let t = Timestamp::from_unix_seconds(1_611_360_000).unwrap();
        assert_eq!(t.to_string(), "2021-01-23T00:00:00Z");
        assert_eq!(
            Timestamp::from_unix_nanos(0).to_string(),
            "1970-01-01T00:00:00Z"
        );
        // Leap day 2020-02-29T12:34:56.5Z = 1582979696.5 s.
        let t = Timestamp::from_unix_nanos(1_582_979_696_500_000_000);
        assert_eq!(t.to_string(), "2020-02-29T12:34:56.5Z");
        // Before the epoch: 1969-12-31T23:59:59Z.
        assert_eq!(
            Timestamp::from_unix_nanos(-1_000_000_000).to_string(),
            "1969-12-31T23:59:59Z"
        );
    }
}
