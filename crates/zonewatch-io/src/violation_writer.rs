//! Writing violations: one sink per output format behind one writer type.

use std::io::{self, Write};

use zonewatch_core::{
    Agreement, Checker, Confidence, Report, ReportRef, RuleIndex, Timestamp, Violation, ZoneRef,
};

use crate::OutputFormat;
use crate::violation_csv::ViolationCsv;
use crate::violation_geojson::ViolationGeoJson;
use crate::violation_ndjson::ViolationNdJson;

mod decimal_text;

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
}

impl ViolationRows {
    /// An empty buffer of rows in `format`.
    pub fn new(format: OutputFormat) -> ViolationRows {
        ViolationRows {
            format,
            bytes: Vec::new(),
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
        let out = &mut self.bytes;
        match self.format {
            OutputFormat::NdJson => crate::violation_ndjson::format_row(out, &row),
            OutputFormat::GeoJson => crate::violation_geojson::format_row(out, &row),
            _ => crate::violation_csv::format_row(out, &row),
        }
    }

    /// Reserves room for at least `additional` more bytes, so that a caller who knows
    /// roughly how many rows come can spare the buffer's regrowth (each a copy).
    pub fn reserve(&mut self, additional: usize) {
        self.bytes.reserve(additional);
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

/// Appends `v` as the shortest text that reads back as the same `f64` (Rust's `{}`), or
/// nothing when it is not finite (an empty CSV cell; the JSON sinks write `null`):
/// `false` then.
#[inline]
pub(crate) fn push_coordinate(out: &mut Vec<u8>, v: f64) -> bool {
    let finite = v.is_finite();
    if finite {
        decimal_text::push_shortest(out, v);
    }
    finite
}

/// Appends `depth_m` with 2 decimals (`-0.00` is written `0.00`), or nothing when it is
/// not finite: `false` then (see [`push_coordinate`]).
#[inline]
pub(crate) fn push_depth(out: &mut Vec<u8>, depth_m: f64) -> bool {
    let finite = depth_m.is_finite();
    if finite {
        decimal_text::push_centimetres(out, depth_m);
    }
    finite
}

enum Sink<W: Write> {
    Csv(ViolationCsv<W>),
    GeoJson(ViolationGeoJson<W>),
    NdJson(ViolationNdJson<W>),
}

impl<W: Write> Sink<W> {
    /// Writes rows of the sink's format; `InvalidInput` for rows of another.
    fn append(&mut self, rows: &ViolationRows) -> io::Result<()> {
        match (self, rows.format) {
            (Sink::Csv(s), OutputFormat::Csv) => s.append(&rows.bytes),
            (Sink::NdJson(s), OutputFormat::NdJson) => s.append(&rows.bytes),
            (Sink::GeoJson(s), OutputFormat::GeoJson) => s.append(&rows.bytes),
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "violation rows of another format",
            )),
        }
    }
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
    /// The row being written: formatted as [`ViolationRows`] formats, then appended.
    row: ViolationRows,
}

impl<W: Write> ViolationWriter<W> {
    /// A writer of `format` to `w`; writes the CSV header or opens the collection.
    pub fn new(w: W, format: OutputFormat) -> io::Result<Self> {
        let sink = match format {
            OutputFormat::Csv => Sink::Csv(ViolationCsv::new(w)?),
            OutputFormat::GeoJson => Sink::GeoJson(ViolationGeoJson::new(w)?),
            OutputFormat::NdJson => Sink::NdJson(ViolationNdJson::new(w)),
        };
        Ok(ViolationWriter {
            sink,
            row: ViolationRows::new(format),
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
        self.row.clear();
        self.row.push(report, violation, names);
        self.sink.append(&self.row)
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
        self.sink.append(rows)
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
