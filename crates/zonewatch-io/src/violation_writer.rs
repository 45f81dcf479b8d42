//! Writing violations: one sink per output format behind one writer type.

use std::io::{self, Write};

use zonewatch_core::{
    Agreement, Checker, Confidence, Report, ReportRef, RuleIndex, Timestamp, Violation, ZoneRef,
};

use crate::OutputFormat;
use crate::violation_csv::ViolationCsv;
use crate::violation_geojson::ViolationGeoJson;
use crate::violation_ndjson::ViolationNdJson;

/// The columns of every violation output, in order.
pub const VIOLATION_COLUMNS: [&str; 10] = [
    "report_id",
    "unit_id",
    "time",
    "lon",
    "lat",
    "rule_id",
    "zone_id",
    "kind",
    "confidence",
    "depth_m",
];

/// Names for the handles in a [`Violation`]: implemented by [`Checker`] (what a run has)
/// and by [`Agreement`] (whose rule and zone order the checker keeps), or by anything
/// else that can name rules and zones.
pub trait ViolationNames {
    /// The rule's id.
    fn rule_id(&self, rule: RuleIndex) -> &str;
    /// The rule's kind: `keep_out` or `stay_in`.
    fn rule_kind(&self, rule: RuleIndex) -> &'static str;
    /// The zone's id.
    fn zone_id(&self, zone: ZoneRef) -> &str;
}

impl ViolationNames for Checker {
    fn rule_id(&self, rule: RuleIndex) -> &str {
        Checker::rule_id(self, rule)
    }
    fn rule_kind(&self, rule: RuleIndex) -> &'static str {
        Checker::rule_kind(self, rule)
    }
    fn zone_id(&self, zone: ZoneRef) -> &str {
        Checker::zone_id(self, zone)
    }
}

impl ViolationNames for Agreement {
    fn rule_id(&self, rule: RuleIndex) -> &str {
        &self.rules()[rule.0 as usize].id
    }
    fn rule_kind(&self, rule: RuleIndex) -> &'static str {
        self.rules()[rule.0 as usize].kind.name()
    }
    fn zone_id(&self, zone: ZoneRef) -> &str {
        &self.zones()[zone.0 as usize].id
    }
}

/// One output row, every value resolved.
pub(crate) struct ViolationRow<'a> {
    pub(crate) report_id: &'a str,
    pub(crate) unit_id: &'a str,
    pub(crate) time: Timestamp,
    pub(crate) lon: f64,
    pub(crate) lat: f64,
    pub(crate) rule_id: &'a str,
    pub(crate) zone_id: &'a str,
    pub(crate) kind: &'static str,
    pub(crate) confidence: Confidence,
    pub(crate) depth_m: f64,
}

impl<'a> ViolationRow<'a> {
    fn new<N: ViolationNames + ?Sized>(
        report: ReportRef<'a>,
        violation: &Violation,
        names: &'a N,
    ) -> Self {
        ViolationRow {
            report_id: report.id,
            unit_id: report.unit_id,
            time: report.time,
            lon: report.position.x,
            lat: report.position.y,
            rule_id: names.rule_id(violation.rule),
            zone_id: names.zone_id(violation.zone),
            kind: names.rule_kind(violation.rule),
            confidence: violation.confidence,
            depth_m: violation.depth_m,
        }
    }
}

/// Violation rows formatted into a byte buffer — on any thread — to be written in input
/// order by [`ViolationWriter::append`]: the bytes [`ViolationWriter::write`] would write.
/// In GeoJSON every feature is formatted after a `,\n` separator; the writer turns the
/// collection's first separator into `\n`, so buffers can be cut anywhere between rows.
///
/// # Example
/// ```
/// # use zonewatch_core::*;
/// use zonewatch_io::{OutputFormat, ViolationRows, ViolationWriter};
/// # let zone = Zone { id: "dmz".into(), name: None,
/// #     shape: Shape::Circle { centre: Coord { x: 16.6, y: 31.2 }, radius_m: 5000.0 } };
/// # let rule = Rule { id: "no-dmz".into(), kind: RuleKind::KeepOut { zones: vec!["dmz".into()], margin_m: 0.0 },
/// #     from: None, until: None, who: UnitFilter::default(), except: None,
/// #     options: RuleOptions::default() };
/// # let agreement = Agreement::new(vec![zone], vec![rule], vec![]).unwrap();
/// # let report = Report { id: "r1".into(), unit_id: "LAAF-1".into(),
/// #     time: Timestamp::from_unix_seconds(1_611_360_000).unwrap(), position: Coord { x: 16.6, y: 31.21 },
/// #     accuracy_m: 0.0, source: None, attributes: UnitAttributes::default() };
/// let flag = Violation { rule: RuleIndex(0), zone: ZoneRef(0), confidence: Confidence::Possible, depth_m: -3.0 };
/// let mut rows = ViolationRows::new(OutputFormat::Csv);
/// rows.push(&report, &flag, &agreement);
/// let mut w = ViolationWriter::new(Vec::new(), OutputFormat::Csv).unwrap();
/// w.append(&rows).unwrap();
/// assert!(String::from_utf8(w.finish().unwrap()).unwrap()
///     .ends_with("\nr1,LAAF-1,2021-01-23T00:00:00Z,16.6,31.21,no-dmz,dmz,keep_out,possible,-3.00\n"));
/// ```
pub struct ViolationRows {
    format: OutputFormat,
    bytes: Vec<u8>,
    scratch: Scratch,
}

impl ViolationRows {
    /// An empty buffer of rows in `format`.
    pub fn new(format: OutputFormat) -> ViolationRows {
        ViolationRows {
            format,
            bytes: Vec::new(),
            scratch: Scratch::default(),
        }
    }

    /// Formats one violation of `report` (a [`Report`] or a [`ReportRef`]).
    pub fn push<'r, N: ViolationNames + ?Sized>(
        &mut self,
        report: impl Into<ReportRef<'r>>,
        violation: &Violation,
        names: &N,
    ) {
        let row = ViolationRow::new(report.into(), violation, names);
        self.scratch.format(&row);
        match self.format {
            OutputFormat::NdJson => {
                crate::violation_ndjson::format_row(&mut self.bytes, &row, &self.scratch)
            }
            OutputFormat::GeoJson => {
                crate::violation_geojson::format_row(&mut self.bytes, &row, &self.scratch)
            }
            _ => crate::violation_csv::format_row(&mut self.bytes, &row, &self.scratch),
        }
    }

    /// The bytes formatted so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Forgets the rows (keeping the buffer).
    pub fn clear(&mut self) {
        self.bytes.clear();
    }
}

/// Number formatting into reused buffers: no allocation per row.
#[derive(Default)]
pub(crate) struct Scratch {
    pub(crate) time: String,
    pub(crate) lon: String,
    pub(crate) lat: String,
    pub(crate) depth: String,
}

impl Scratch {
    /// Formats the row's numbers: time as RFC 3339 UTC, lon/lat as the shortest text that
    /// reads back as the same f64 (Rust's `{}`), depth with 2 decimals (`-0.00` is written
    /// `0.00`). A non-finite number is left empty (CSV) — the JSON sinks write `null`.
    pub(crate) fn format(&mut self, row: &ViolationRow<'_>) {
        self.time.clear();
        row.time.push_rfc3339(&mut self.time);
        for (buf, v) in [(&mut self.lon, row.lon), (&mut self.lat, row.lat)] {
            buf.clear();
            if v.is_finite() {
                push_shortest(buf, v);
            }
        }
        self.depth.clear();
        if row.depth_m.is_finite() {
            push_centimetres(&mut self.depth, row.depth_m);
        }
    }
}

/// Powers of ten that are exact as `f64`, up to 10^15.
const EXACT_POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Appends finite `v` as `{v}` writes it: the shortest decimal that reads back as `v`,
/// without an exponent.
///
/// Most coordinates take a short way. When `v` reads back from a decimal of at most 15
/// significant digits, that decimal is the shortest one, and the only one of at most 15
/// digits (two such decimals never round to the same `f64`); rounded to 15 significant
/// digits, `v` is that decimal followed by zeros. So: `m`, `|v|` scaled by `10^s` to 15
/// digits and rounded (the scaled product is within 1/4 of the integer then: one
/// rounding of a value below 2^50), less its trailing zeros, is the decimal — exactly
/// when `m / 10^s` is `v` again (one IEEE division of exact operands, as reading
/// `m·10^-s` rounds it). Anything else (16 or 17 digits, |v| ≥ 10^15, or more digits
/// below 1 than 15 places hold) goes through the formatter. The shortest-float formatter
/// had been ~2–3 % of a check with many rows.
fn push_shortest(out: &mut String, v: f64) {
    use std::fmt::Write as _;
    match shortest_decimal(v) {
        Some((m, s)) => {
            if v.is_sign_negative() {
                out.push('-');
            }
            // The digits of m, a point before the last s (with zeros before them as
            // needed, and a 0 before the point).
            let (mut buf, mut at, mut rest) = ([0u8; 24], 24, m);
            for k in 0.. {
                if k == s && s > 0 {
                    at -= 1;
                    buf[at] = b'.';
                }
                at -= 1;
                buf[at] = b'0' + (rest % 10) as u8;
                rest /= 10;
                if rest == 0 && k >= s {
                    break;
                }
            }
            out.push_str(std::str::from_utf8(&buf[at..]).expect("ASCII digits"));
        }
        None => {
            let _ = write!(out, "{v}");
        }
    }
}

/// `(m, s)` with `|v| = m / 10^s` the shortest decimal of `|v|` when it has at most 15
/// significant digits (see [`push_shortest`]); `None` otherwise.
fn shortest_decimal(v: f64) -> Option<(u64, usize)> {
    let x = v.abs();
    // Digits before the point (0 below 1), so that x · 10^s < 10^15.
    let whole = EXACT_POWERS_OF_TEN.iter().take_while(|&&p| p <= x).count();
    if whole == EXACT_POWERS_OF_TEN.len() {
        return None;
    }
    let mut s = 15 - whole;
    let mut m = (x * EXACT_POWERS_OF_TEN[s] + 0.5) as u64;
    while s > 0 && m % 10 == 0 {
        m /= 10;
        s -= 1;
    }
    (m as f64 / EXACT_POWERS_OF_TEN[s] == x).then_some((m, s))
}

/// Appends `d` (finite) with 2 decimals, as `format!("{d:.2}")` writes it (the exact
/// value rounded), except that a value that rounds to zero is `0.00`, never `-0.00`.
///
/// Most depths take a short way: `x = d · 100` is within 2⁻¹⁴ of the exact product while
/// |x| < 2⁴⁰, so when its fraction is farther than 2⁻¹² from one half, `x` rounds to the
/// integer the exact product rounds to, and the digits are that integer's. The rest (a
/// near-tie, a huge value) go through the formatter. Formatting 2-decimal depths had
/// been ~2 % of a 10 M stress check.
fn push_centimetres(out: &mut String, d: f64) {
    use std::fmt::Write as _;
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
            out.push('-');
        }
        // The digits of n, a point before the last two, from the right.
        let (mut buf, mut at, mut rest) = ([0u8; 24], 24, n);
        for k in 0.. {
            if k == 2 {
                at -= 1;
                buf[at] = b'.';
            }
            at -= 1;
            buf[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 && k >= 2 {
                break;
            }
        }
        out.push_str(std::str::from_utf8(&buf[at..]).expect("ASCII digits"));
        return;
    }
    let d = if (d * 100.0).round() == 0.0 { 0.0 } else { d };
    let _ = write!(out, "{d:.2}");
}

enum Sink<W: Write> {
    Csv(Box<ViolationCsv<W>>),
    GeoJson(ViolationGeoJson<W>),
    NdJson(ViolationNdJson<W>),
}

/// Writes violations as CSV (a header line, then one row per violation), a GeoJSON
/// FeatureCollection of Point features (ready for QGIS), or one GeoJSON Feature per line.
///
/// The columns (or properties) are exactly [`VIOLATION_COLUMNS`]: `report_id, unit_id,
/// time, lon, lat, rule_id, zone_id, kind, confidence, depth_m`, with the time in UTC
/// RFC 3339, lon/lat as the shortest text that reads back to the same number, `kind`
/// `keep_out`/`stay_in`, `confidence` `possible`/`confirmed`, and `depth_m` with 2
/// decimals. Output is buffered; call [`finish`](Self::finish) to close a GeoJSON
/// collection and flush. A run with no violations is a header-only CSV or an empty,
/// valid FeatureCollection.
///
/// # Example
/// ```
/// use zonewatch_core::*;
/// use zonewatch_io::{OutputFormat, ViolationWriter};
///
/// let zone = Zone { id: "dmz".into(), name: None,
///     shape: Shape::Circle { centre: Coord { x: 16.6, y: 31.2 }, radius_m: 5000.0 } };
/// let rule = Rule { id: "no-dmz".into(), kind: RuleKind::KeepOut { zones: vec!["dmz".into()], margin_m: 0.0 },
///     from: None, until: None, who: UnitFilter::default(), except: None,
///     options: RuleOptions::default() };
/// let agreement = Agreement::new(vec![zone], vec![rule], vec![]).unwrap();
/// let report = Report { id: "r1".into(), unit_id: "LAAF-1".into(),
///     time: Timestamp::from_unix_seconds(1_611_360_000).unwrap(), position: Coord { x: 16.6, y: 31.21 },
///     accuracy_m: 0.0, source: None, attributes: UnitAttributes::default() };
/// let flag = Violation { rule: RuleIndex(0), zone: ZoneRef(0), confidence: Confidence::Confirmed, depth_m: 3891.254 };
///
/// let mut w = ViolationWriter::new(Vec::new(), OutputFormat::Csv).unwrap();
/// w.write(&report, &flag, &agreement).unwrap(); // a run passes its `Checker`
/// let csv = String::from_utf8(w.finish().unwrap()).unwrap();
/// assert_eq!(csv, "report_id,unit_id,time,lon,lat,rule_id,zone_id,kind,confidence,depth_m\n\
///                  r1,LAAF-1,2021-01-23T00:00:00Z,16.6,31.21,no-dmz,dmz,keep_out,confirmed,3891.25\n");
/// ```
pub struct ViolationWriter<W: Write> {
    sink: Sink<W>,
    scratch: Scratch,
}

impl<W: Write> ViolationWriter<W> {
    /// A writer of `format` to `w`; writes the CSV header or opens the collection.
    pub fn new(w: W, format: OutputFormat) -> io::Result<Self> {
        let sink = match format {
            OutputFormat::Csv => Sink::Csv(Box::new(ViolationCsv::new(w)?)),
            OutputFormat::GeoJson => Sink::GeoJson(ViolationGeoJson::new(w)?),
            OutputFormat::NdJson => Sink::NdJson(ViolationNdJson::new(w)),
        };
        Ok(ViolationWriter {
            sink,
            scratch: Scratch::default(),
        })
    }

    /// Writes one violation of `report`, naming its rule and zone through `names` (the
    /// run's [`Checker`]).
    pub fn write<N: ViolationNames + ?Sized>(
        &mut self,
        report: &Report,
        violation: &Violation,
        names: &N,
    ) -> io::Result<()> {
        let row = ViolationRow::new(report.view(), violation, names);
        self.scratch.format(&row);
        match &mut self.sink {
            Sink::Csv(s) => s.write(&row, &self.scratch),
            Sink::GeoJson(s) => s.write(&row, &self.scratch),
            Sink::NdJson(s) => s.write(&row, &self.scratch),
        }
    }

    /// The output format.
    pub fn format(&self) -> OutputFormat {
        match self.sink {
            Sink::Csv(_) => OutputFormat::Csv,
            Sink::GeoJson(_) => OutputFormat::GeoJson,
            Sink::NdJson(_) => OutputFormat::NdJson,
        }
    }

    /// Writes rows formatted by a [`ViolationRows`] of this writer's format.
    ///
    /// # Errors
    /// I/O errors, and `InvalidInput` when the rows are of another format.
    pub fn append(&mut self, rows: &ViolationRows) -> io::Result<()> {
        match (&mut self.sink, rows.format) {
            (Sink::Csv(s), OutputFormat::Csv) => s.append(&rows.bytes),
            (Sink::NdJson(s), OutputFormat::NdJson) => s.append(&rows.bytes),
            (Sink::GeoJson(s), OutputFormat::GeoJson) => s.append(&rows.bytes),
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "violation rows of another format",
            )),
        }
    }

    /// Closes the output (the GeoJSON collection's brackets), flushes, and returns `w`.
    pub fn finish(self) -> io::Result<W> {
        match self.sink {
            Sink::Csv(s) => s.finish(),
            Sink::GeoJson(s) => s.finish(),
            Sink::NdJson(s) => s.finish(),
        }
    }
}

#[cfg(test)]
mod tests;
