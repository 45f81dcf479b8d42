//! The violating reports drawn on the report's map: every violation row is counted, at
//! most [`ViolationSample::CAP`] are kept, chosen by input order alone.

use zonewatch_core::{Confidence, Report, Violation};

/// Violation rows of a run: exact counts, and a deterministic systematic sample of their
/// positions for drawing, held as columns (lon, lat, time, confidence, rule).
///
/// Row `n` (0-based, in output order) is kept iff `n % stride == 0`; the stride doubles
/// whenever more than `cap` rows are held, so the sample stays within `cap` rows, spread
/// evenly over the input, and is the same on every run (output order does not depend on
/// the number of threads).
pub struct ViolationSample {
    cap: usize,
    stride: u64,
    /// Rows seen (the next row's number).
    pub rows: u64,
    /// Rows seen that were confirmed.
    pub confirmed: u64,
    /// Held rows' row numbers, then their columns.
    seq: Vec<u64>,
    pub lon: Vec<f64>,
    pub lat: Vec<f64>,
    /// Seconds since the Unix epoch.
    pub time: Vec<i64>,
    pub confirmed_flag: Vec<bool>,
    pub rule: Vec<u32>,
}

impl ViolationSample {
    /// Rows held at most: about 25 bytes each in the page, so ≤ 6 MB of points.
    pub const CAP: usize = 250_000;

    pub fn new(cap: usize) -> ViolationSample {
        ViolationSample {
            cap: cap.max(1),
            stride: 1,
            rows: 0,
            confirmed: 0,
            seq: Vec::new(),
            lon: Vec::new(),
            lat: Vec::new(),
            time: Vec::new(),
            confirmed_flag: Vec::new(),
            rule: Vec::new(),
        }
    }

    /// Counts one violation row and holds it if the sample takes it.
    pub fn push(&mut self, report: &Report, v: &Violation) {
        let n = self.rows;
        self.rows += 1;
        let confirmed = v.confidence == Confidence::Confirmed;
        self.confirmed += u64::from(confirmed);
        if n % self.stride != 0 {
            return;
        }
        self.seq.push(n);
        self.lon.push(report.position.x);
        self.lat.push(report.position.y);
        self.time
            .push(report.time.unix_nanos().div_euclid(1_000_000_000));
        self.confirmed_flag.push(confirmed);
        self.rule.push(v.rule.0);
        if self.seq.len() > self.cap {
            self.thin();
        }
    }

    /// Doubles the stride and keeps the rows it still takes.
    fn thin(&mut self) {
        self.stride *= 2;
        let stride = self.stride;
        let keep: Vec<bool> = self.seq.iter().map(|n| n % stride == 0).collect();
        fn retain<T>(v: &mut Vec<T>, keep: &[bool]) {
            let mut k = keep.iter();
            v.retain(|_| *k.next().unwrap_or(&false));
        }
        retain(&mut self.seq, &keep);
        retain(&mut self.lon, &keep);
        retain(&mut self.lat, &keep);
        retain(&mut self.time, &keep);
        retain(&mut self.confirmed_flag, &keep);
        retain(&mut self.rule, &keep);
    }

    /// Rows held.
    pub fn held(&self) -> usize {
        self.seq.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zonewatch_core::{Coord, RuleIndex, Timestamp, UnitAttributes, ZoneRef};

    fn report(i: usize) -> Report {
        Report {
            id: format!("r{i}"),
            unit_id: "U".into(),
            time: Timestamp::from_unix_seconds(i as i64).unwrap(),
            position: Coord {
                x: i as f64,
                y: 0.0,
            },
            accuracy_m: 0.0,
            source: None,
            attributes: UnitAttributes::default(),
        }
    }

    fn violation(confidence: Confidence) -> Violation {
        Violation {
            rule: RuleIndex(0),
            zone: ZoneRef(0),
            confidence,
            depth_m: 1.0,
        }
    }

    #[test]
    fn counts_every_row_and_holds_an_evenly_spread_sample_within_the_cap() {
        let mut s = ViolationSample::new(10);
        for i in 0..100 {
            let c = if i % 4 == 0 {
                Confidence::Confirmed
            } else {
                Confidence::Possible
            };
            s.push(&report(i), &violation(c));
        }
        assert_eq!((s.rows, s.confirmed), (100, 25));
        // Strides 1, 2, 4, 8, 16: 100 rows at stride 16 are rows 0, 16, …, 96 (7 rows).
        assert_eq!(s.held(), 7);
        assert_eq!(s.lon, vec![0.0, 16.0, 32.0, 48.0, 64.0, 80.0, 96.0]);
        assert_eq!(s.time, vec![0, 16, 32, 48, 64, 80, 96]);
        assert!(
            s.confirmed_flag.iter().all(|&c| c),
            "multiples of 16 are multiples of 4"
        );
    }

    #[test]
    fn under_the_cap_everything_is_held() {
        let mut s = ViolationSample::new(10);
        for i in 0..10 {
            s.push(&report(i), &violation(Confidence::Possible));
        }
        assert_eq!((s.rows, s.held(), s.confirmed), (10, 10, 0));
    }
}
