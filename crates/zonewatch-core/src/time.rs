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
        let mut buf = [0u8; 32];
        match self.rfc3339_digits(&mut buf) {
            Some(n) => f.write_str(std::str::from_utf8(&buf[..n]).expect("ASCII digits")),
            None => self.fmt_general(f),
        }
    }
}

impl Timestamp {
    /// Appends the text [`Display`](fmt::Display) writes (RFC 3339 in UTC) to `out`, as
    /// bytes, without the formatter's machinery: an output row formats one time each, into
    /// a byte buffer.
    pub fn push_rfc3339(self, out: &mut Vec<u8>) {
        let mut buf = [0u8; 32];
        match self.rfc3339_digits(&mut buf) {
            // The whole buffer, a copy of a known length, then the rest cut off again.
            Some(n) => {
                let start = out.len();
                out.extend_from_slice(&buf);
                out.truncate(start + n);
            }
            None => out.extend_from_slice(self.to_string().as_bytes()),
        }
    }

    /// Writes the RFC 3339 text of an instant of a 4-digit year at the start of `buf` and
    /// returns its length; `None` for the others, which go the general way. (Into the
    /// caller's buffer: returned with the length, the buffer was copied once more.)
    #[inline]
    fn rfc3339_digits(self, buf: &mut [u8; 32]) -> Option<usize> {
        let days = self.0.div_euclid(NANOS_PER_DAY);
        let of_day = self.0.rem_euclid(NANOS_PER_DAY) as u64;
        let sod = (of_day / 1_000_000_000) as u32;
        let nanos = (of_day % 1_000_000_000) as u32;
        // "YYYY-MM-DDTHH:MM:SS" + ".nnnnnnnnn" + "Z"; years of the range are 4 digits
        // (others, which no `Timestamp` has, go the general way).
        let (y, m, d) = civil_from_days_0000_9999(days)?;
        // Two digits and a separator at `at`.
        let mut two = |at: usize, v: u32, sep: u8| {
            buf[at..at + 2].copy_from_slice(&DIGIT_PAIRS[v as usize]);
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
            return Some(20);
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
        Some(21 + kept)
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

/// `"00"` to `"99"`: two digits at a time.
const DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0; 2]; 100];
    let mut i = 0;
    while i < 100 {
        pairs[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    pairs
};

/// Days since 1970-01-01 of 0000-03-01 (the start of year 0 in a calendar whose years
/// begin in March, so that the leap day ends a year).
const DAYS_BEFORE_EPOCH: i64 = 719_468;

/// 9999-12-31 in days since 0000-03-01.
const LAST_DAY_OF_9999: u32 = 3_652_364;

/// Days since 1970-01-01 → (year, month, day) when the year is 0000 to 9999, else
/// `None` (January and February of year 0 too: they go the general way). The same dates
/// as [`civil_from_days`] (the test compares every day from 0000-03-01 to 9999-12-31), in 32-bit arithmetic with no division by a variable: Neri
/// and Schneider's algorithm ("Euclidean affine functions and their application to
/// calendar algorithms", 2022, fig. 12), the year counted from March.
fn civil_from_days_0000_9999(z: i64) -> Option<(u32, u32, u32)> {
    // Days since 0000-03-01, up to 9999-12-31 (day 3_652_364; the 32-bit arithmetic
    // holds up to 2^30).
    let n = u32::try_from(z + DAYS_BEFORE_EPOCH)
        .ok()
        .filter(|&n| n <= LAST_DAY_OF_9999)?;
    // Century and day of the century.
    let n1 = 4 * n + 3;
    let century = n1 / 146_097;
    let of_century = n1 % 146_097 / 4;
    // Year of the century and day of the year (from March 1st).
    let p2 = 2_939_745 * u64::from(4 * of_century + 3);
    let year_of_century = (p2 >> 32) as u32;
    let of_year = (p2 as u32) / 2_939_745 / 4;
    // Month (March = 3 … February = 14) and day.
    let n3 = 2_141 * of_year + 197_913;
    let (month, day) = (n3 >> 16, (n3 & 0xFFFF) / 2_141 + 1);
    // January and February belong to the next civil year.
    let january = of_year >= 306;
    let year = 100 * century + year_of_century + u32::from(january);
    let month = if january { month - 12 } else { month };
    Some((year, month, day))
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

    /// `Display`'s general path: Hinnant's `civil_from_days` and the formatter's padded
    /// integers, the oracle of the fast path.
    struct General(Timestamp);

    impl fmt::Display for General {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt_general(f)
        }
    }

    fn pushed(t: Timestamp) -> String {
        let mut out = b">".to_vec();
        t.push_rfc3339(&mut out);
        String::from_utf8(out).unwrap()
    }

    /// `push_rfc3339` and `Display` write what the general path writes, whatever the
    /// instant.
    #[test]
    fn pushed_times_are_the_general_ones() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for k in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let nanos = match k % 4 {
                0 => x as i64,
                1 => (x as i64 >> 31) * 1_000_000_000,
                2 => (x as i64 >> 24) * 1_000_000 + (x % 1000) as i64,
                // Within 2.5 s of a midnight, over ±179 years.
                _ => (x as i64 >> 47) * NANOS_PER_DAY + (x % 5_000_000_001) as i64 - 2_500_000_000,
            };
            let t = Timestamp::from_unix_nanos(nanos);
            let general = General(t).to_string();
            assert_eq!(pushed(t), format!(">{general}"), "{nanos}");
            assert_eq!(t.to_string(), general, "{nanos}");
        }
        for nanos in [
            i64::MIN,
            i64::MAX,
            0,
            -1,
            1,
            NANOS_PER_DAY - 1,
            -NANOS_PER_DAY,
        ] {
            let t = Timestamp::from_unix_nanos(nanos);
            assert_eq!(pushed(t), format!(">{}", General(t)));
        }
    }

    /// The fast calendar gives Hinnant's dates for every day of the years 0000 to 9999
    /// it takes, and leaves the others (year 0's January and February, 10000 on) to the
    /// general way.
    #[test]
    fn fast_dates_are_hinnants_for_every_day() {
        let first = -DAYS_BEFORE_EPOCH; // 0000-03-01
        assert_eq!(civil_from_days(first), (0, 3, 1));
        assert_eq!(civil_from_days_0000_9999(first - 1), None);
        let last = first + i64::from(LAST_DAY_OF_9999);
        assert_eq!(civil_from_days(last), (9999, 12, 31));
        assert_eq!(civil_from_days_0000_9999(last + 1), None);
        for z in first..=last {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(
                civil_from_days_0000_9999(z),
                Some((y as u32, m, d)),
                "day {z}"
            );
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
        // The ends of the range: i64::MIN and i64::MAX nanoseconds (jiff's
        // `Timestamp::from_nanosecond` writes the same).
        assert_eq!(
            pushed(Timestamp::from_unix_nanos(i64::MIN)),
            ">1677-09-21T00:12:43.145224192Z"
        );
        assert_eq!(
            pushed(Timestamp::from_unix_nanos(i64::MAX)),
            ">2262-04-11T23:47:16.854775807Z"
        );
        // 2000-03-01 (a 400-year leap day before it): 951868800 s; 2100-03-01 (no leap
        // day before it): 4107542400 s; 1900-02-28T23:59:59.999999999Z: -2203891200 s less
        // 1 ns.
        for (secs, text) in [
            (951_868_800, ">2000-03-01T00:00:00Z"),
            (4_107_542_400, ">2100-03-01T00:00:00Z"),
        ] {
            assert_eq!(pushed(Timestamp::from_unix_seconds(secs).unwrap()), text);
        }
        assert_eq!(
            pushed(Timestamp::from_unix_nanos(-2_203_891_200_000_000_001)),
            ">1900-02-28T23:59:59.999999999Z"
        );
    }
}
