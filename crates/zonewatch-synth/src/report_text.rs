//! Generated reports as text: CSV, newline-delimited GeoJSON, or a GeoJSON
//! FeatureCollection — written one report at a time.

use std::io::{self, Write};

use crate::SynthReport;

/// The text formats reports are written in (those `zonewatch` reads).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportText {
    /// `report_id,unit_id,time,lon,lat,accuracy_m`.
    Csv,
    /// One GeoJSON Point Feature per line.
    NdJson,
    /// A GeoJSON FeatureCollection of Point Features, one per line.
    GeoJson,
}

/// Writes reports to `out` in one [`ReportText`] format; numbers are written in their
/// shortest round-trip form, so the reader gets back the very same `f64`s.
pub struct ReportWriter<W: Write> {
    out: W,
    format: ReportText,
    written: u64,
}

impl<W: Write> ReportWriter<W> {
    /// Starts the output (the CSV header, the FeatureCollection's opening).
    pub fn new(mut out: W, format: ReportText) -> io::Result<Self> {
        match format {
            ReportText::Csv => out.write_all(b"report_id,unit_id,time,lon,lat,accuracy_m\n")?,
            ReportText::NdJson => {}
            ReportText::GeoJson => {
                out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?
            }
        }
        Ok(ReportWriter {
            out,
            format,
            written: 0,
        })
    }

    /// Writes one report.
    pub fn write(&mut self, r: &SynthReport) -> io::Result<()> {
        let (lon, lat) = (r.position.x, r.position.y);
        match self.format {
            ReportText::Csv => writeln!(
                self.out,
                "r{},U{:04},{},{lon},{lat},{}",
                r.index, r.unit, r.time, r.accuracy_m
            ),
            ReportText::NdJson | ReportText::GeoJson => {
                if self.format == ReportText::GeoJson && self.written > 0 {
                    self.out.write_all(b",\n")?;
                }
                write!(
                    self.out,
                    "{{\"type\":\"Feature\",\"properties\":{{\"report_id\":\"r{}\",\"unit_id\":\"U{:04}\",\
                     \"time\":\"{}\",\"accuracy_m\":{}}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon},{lat}]}}}}",
                    r.index, r.unit, r.time, r.accuracy_m
                )?;
                if self.format == ReportText::NdJson {
                    self.out.write_all(b"\n")?;
                }
                Ok(())
            }
        }?;
        self.written += 1;
        Ok(())
    }

    /// Ends the output (closes the FeatureCollection) and returns the sink, flushed.
    pub fn finish(mut self) -> io::Result<W> {
        if self.format == ReportText::GeoJson {
            self.out.write_all(b"\n]}\n")?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(format: ReportText) -> String {
        let zones = crate::stress_zones(1);
        let mut w = ReportWriter::new(Vec::new(), format).unwrap();
        for r in crate::reports(&zones, 1, 2) {
            w.write(&r).unwrap();
        }
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn csv_has_the_columns() {
        let t = text(ReportText::Csv);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "report_id,unit_id,time,lon,lat,accuracy_m");
        assert_eq!(lines.len(), 3);
        assert!(lines[2].starts_with("r1,U"), "{}", lines[2]);
        assert!(lines[2].contains(",2021-01-23T00:00:03Z,"));
    }

    #[test]
    fn json_formats_parse_as_features() {
        let t = text(ReportText::GeoJson);
        assert!(t.starts_with("{\"type\":\"FeatureCollection\""));
        assert_eq!(t.matches("\"Feature\"").count(), 2);
        assert!(t.ends_with("]}\n"));
        let n = text(ReportText::NdJson);
        assert_eq!(n.lines().count(), 2);
        assert!(
            n.lines()
                .all(|l| l.starts_with("{\"type\":\"Feature\"") && l.ends_with("]}}"))
        );
    }
}
