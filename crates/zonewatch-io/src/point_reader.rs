//! Points for the spatial join: an id and a position per row, nothing else required.

use std::borrow::Cow;

use zonewatch_core::Coord;

use crate::csv_records::Header;
use crate::csv_records::{Cells, CsvRecords};
use crate::csv_reports::{ColumnFinder, LAT, LON, read_header};
use crate::error::InputError;
use crate::feature_in::FeatureIn;
use crate::json_features::{JsonFeatures, parse_feature};
use crate::json_reports::id_text;
use crate::json_value::Scalar;
use crate::report_fields::{RowProblem, check_position, parse_number};
use crate::{Input, Reject, ReportFormat};

/// Reads `(point_id, position)` pairs from CSV, a GeoJSON FeatureCollection or
/// newline-delimited GeoJSON, a chunk at a time, in bounded memory.
///
/// Only the position is required (CSV columns `lon`/`lng`/`longitude`/`x` and
/// `lat`/`latitude`/`y`; GeoJSON: the Point geometry). The point id is the `id` column,
/// else `report_id`, else the 0-based data row number (GeoJSON: the Feature's `id`, else
/// `properties.id`, else `properties.report_id`, else the feature index or the 0-based
/// non-blank line). Bad rows are [`Reject`]s, as in [`ReportReader`](crate::ReportReader).
///
/// # Example
/// ```
/// use zonewatch_io::{PointReader, ReportFormat};
///
/// let csv = "name,Y,X\nSirte,31.2050,16.5886\n";
/// let mut reader = PointReader::new(Box::new(csv.as_bytes()), ReportFormat::Csv, "points.csv").unwrap();
/// let (mut points, mut rejects) = (Vec::new(), Vec::new());
/// while reader.read_chunk(1000, &mut points, &mut rejects).unwrap() {}
/// assert_eq!(points, vec![("0".to_string(), zonewatch_core::Coord { x: 16.5886, y: 31.2050 })]);
/// ```
pub struct PointReader {
    source: String,
    input: PointInput,
    rows: u64,
}

enum PointInput {
    Csv(Box<CsvPoints>),
    Json(Box<JsonFeatures<Input>>),
}

struct CsvPoints {
    records: CsvRecords<Input>,
    columns: PointColumns,
}

/// Where a point's fields are, and how many cells a row has.
#[derive(Clone, Debug)]
pub(crate) struct PointColumns {
    id: Option<usize>,
    report_id: Option<usize>,
    lon: usize,
    lat: usize,
    width: usize,
}

/// A point's id as read: its text, or — when the row gives none — its 0-based row number
/// counted from the start of the batch it was read in (the caller adds the rows of the
/// batches before).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PointId<'a> {
    /// The id, as given.
    Text(Cow<'a, str>),
    /// No id given: the row's number within its batch.
    Row(u64),
}

impl PointId<'_> {
    /// The id as text, `Row(n)` numbered from `rows_before`.
    pub fn to_text(&self, rows_before: u64) -> Cow<'_, str> {
        match self {
            PointId::Text(t) => Cow::Borrowed(t.as_ref()),
            PointId::Row(n) => Cow::Owned((rows_before + n).to_string()),
        }
    }

    /// The same id, owning its text.
    pub fn into_owned(self) -> PointId<'static> {
        match self {
            PointId::Text(t) => PointId::Text(Cow::Owned(t.into_owned())),
            PointId::Row(n) => PointId::Row(n),
        }
    }
}

impl PointReader {
    /// A reader of `input` in `format`, named `source` in messages. For CSV, the header is
    /// read here.
    ///
    /// # Errors
    /// For CSV: an empty input, no longitude or latitude column, or a field given by two
    /// columns.
    pub fn new(
        input: Input,
        format: ReportFormat,
        source: &str,
    ) -> Result<PointReader, InputError> {
        let input = match format {
            ReportFormat::Csv => {
                let mut records = CsvRecords::new(input);
                let (header, line) = read_header(&mut records, source, "lon,lat")?;
                let columns = PointColumns::find(&header, source, line)?;
                PointInput::Csv(Box::new(CsvPoints { records, columns }))
            }
            _ => PointInput::Json(Box::new(JsonFeatures::new(input, format, source))),
        };
        Ok(PointReader {
            source: source.to_string(),
            input,
            rows: 0,
        })
    }

    /// Reads up to `max` rows (at least one), appending accepted points and rejected rows,
    /// each in input order. Returns `Ok(false)` only when nothing was left to read.
    ///
    /// # Errors
    /// Fatal problems with the input, as for
    /// [`ReportReader::read_chunk`](crate::ReportReader::read_chunk).
    pub fn read_chunk(
        &mut self,
        max: usize,
        points: &mut Vec<(String, Coord)>,
        rejects: &mut Vec<Reject>,
    ) -> Result<bool, InputError> {
        let rows_before = self.rows;
        let mut batch = Vec::new();
        let more = self.read_batch(max, &mut batch, rejects);
        points.extend(
            batch
                .into_iter()
                .map(|(id, p)| (id.to_text(rows_before).into_owned(), p)),
        );
        more
    }

    /// Like [`read_chunk`](Self::read_chunk), with ids as [`PointId`]s: `Row(n)` counts
    /// from the first row of this call.
    pub fn read_batch(
        &mut self,
        max: usize,
        points: &mut Vec<(PointId<'static>, Coord)>,
        rejects: &mut Vec<Reject>,
    ) -> Result<bool, InputError> {
        let rows_before = self.rows;
        for n in 0..max.max(1) {
            let row = self.rows - rows_before;
            let outcome = match &mut self.input {
                PointInput::Csv(csv) => match csv.records.next_record() {
                    Err(e) => return Err(InputError::io(&self.source, e.into())),
                    Ok(None) => None,
                    Ok(Some(line)) => Some(
                        csv.columns
                            .point(&&csv.records, row)
                            .map(|(id, p)| (id.into_owned(), p))
                            .map_err(|p| p.into_reject(&self.source, line, None)),
                    ),
                },
                PointInput::Json(json) => match json.next()? {
                    None => None,
                    Some(slot) => {
                        let mut f = FeatureIn::default();
                        Some(match parse_feature(json.bytes(), slot, &mut f) {
                            Err((line, p)) => Err(slot.reject(&self.source, line, p)),
                            Ok(()) => json_point(&f, row)
                                .map(|(id, p)| (id.into_owned(), p))
                                .map_err(|p| slot.reject(&self.source, slot.line, p)),
                        })
                    }
                },
            };
            let Some(outcome) = outcome else {
                return Ok(n > 0);
            };
            self.rows += 1;
            match outcome {
                Ok(point) => points.push(point),
                Err(reject) => rejects.push(reject),
            }
        }
        Ok(true)
    }

    /// A reader of the rest of a CSV file whose header gave `columns`: `input` starts at
    /// line `first_line` (≥ 2).
    pub(crate) fn resume_csv(
        input: Input,
        columns: PointColumns,
        source: &str,
        first_line: u64,
    ) -> PointReader {
        let records = CsvRecords::resume(input, first_line);
        PointReader {
            source: source.to_string(),
            input: PointInput::Csv(Box::new(CsvPoints { records, columns })),
            rows: 0,
        }
    }

    /// A reader of the rest of an NDJSON file: `input` starts at line `first_line`.
    pub(crate) fn resume_ndjson(input: Input, source: &str, first_line: u64) -> PointReader {
        PointReader {
            source: source.to_string(),
            input: PointInput::Json(Box::new(JsonFeatures::resume_lines(
                input, source, first_line,
            ))),
            rows: 0,
        }
    }

    /// Rows read so far (accepted + rejected).
    pub fn rows_read(&self) -> u64 {
        self.rows
    }

    /// The input's name, as given.
    pub fn source(&self) -> &str {
        &self.source
    }
}

/// A feature's point: id from the Feature's `id`, else `properties.id`, else
/// `properties.report_id`, else `PointId::Row(row)`.
pub(crate) fn json_point<'a>(
    f: &FeatureIn<'a>,
    row: u64,
) -> Result<(PointId<'a>, Coord), RowProblem> {
    let position = f.point()?;
    let p = &f.properties;
    for (s, field) in [(&f.id, "id"), (&p.id, "id"), (&p.report_id, "report_id")] {
        if let Some(id) = id_cow(s, field)? {
            return Ok((PointId::Text(id), position));
        }
    }
    Ok((PointId::Row(row), position))
}

/// As [`id_text`], borrowing the input's text where it can.
fn id_cow<'a>(s: &Scalar<'a>, field: &'static str) -> Result<Option<Cow<'a, str>>, RowProblem> {
    match s {
        Scalar::Str(Cow::Borrowed(t)) if !t.trim().is_empty() => Ok(Some(Cow::Borrowed(t.trim()))),
        _ => Ok(id_text(s, field)?.map(Cow::Owned)),
    }
}

impl PointColumns {
    /// The columns named by `header` (on `line`).
    ///
    /// # Errors
    /// No longitude or latitude column, or a field given by two columns.
    pub(crate) fn find(header: &Header, source: &str, line: u64) -> Result<Self, InputError> {
        let mut f = ColumnFinder::new(header);
        let (id, report_id) = (f.optional(&["id"]), f.optional(&["report_id"]));
        let (lon, lat) = (f.required(LON), f.required(LAT));
        f.finish(source, line)?;
        Ok(PointColumns {
            id,
            report_id,
            lon,
            lat,
            width: header.len(),
        })
    }

    /// The point in a row of `cells`; `row` is its 0-based row number in its batch.
    #[inline]
    pub(crate) fn point<'c>(
        &self,
        r: &impl Cells<'c>,
        row: u64,
    ) -> Result<(PointId<'c>, Coord), RowProblem> {
        if r.count() != self.width {
            let reason = format!(
                "expected {} fields, as in the header, found {}",
                self.width,
                r.count()
            );
            return Err(RowProblem {
                field: None,
                reason,
            });
        }
        let lon = parse_number(r.cell(self.lon), "lon")?;
        let lat = parse_number(r.cell(self.lat), "lat")?;
        let position = check_position(lon, lat, ("lon", "lat"))?;
        Ok((self.id(r, row)?, position))
    }

    /// The row's id: the `id` cell when given, else the `report_id` cell when given, else
    /// the row number.
    #[inline]
    fn id<'c>(&self, r: &impl Cells<'c>, row: u64) -> Result<PointId<'c>, RowProblem> {
        for (column, field) in [(self.id, "id"), (self.report_id, "report_id")] {
            let Some(i) = column else { continue };
            let text = match r.checked_text(i) {
                Some(text) => text,
                None => std::str::from_utf8(r.cell(i))
                    .map_err(|_| RowProblem::new(field, "is not valid UTF-8"))?,
            };
            if !text.is_empty() {
                return Ok(PointId::Text(Cow::Borrowed(text)));
            }
        }
        Ok(PointId::Row(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &str, format: ReportFormat) -> (Vec<(String, Coord)>, Vec<String>) {
        let mut reader = PointReader::new(
            Box::new(std::io::Cursor::new(input.as_bytes().to_vec())),
            format,
            "p",
        )
        .unwrap();
        let (mut points, mut rejects) = (Vec::new(), Vec::new());
        while reader.read_chunk(2, &mut points, &mut rejects).unwrap() {}
        (points, rejects.iter().map(|r| r.to_string()).collect())
    }

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    #[test]
    fn csv_points_take_id_then_report_id_then_row_number() {
        let csv = "\u{feff}ID,report_id,Longitude,LAT,other\r\na,r1,1,2,x\r\n,r2,3,4,\r\n,,5,6,\r\n,,500,6,\r\n,,7,8,\r\n";
        let (points, rejects) = read(csv, ReportFormat::Csv);
        assert_eq!(
            points,
            vec![
                ("a".into(), c(1., 2.)),
                ("r2".into(), c(3., 4.)),
                ("2".into(), c(5., 6.)),
                ("4".into(), c(7., 8.))
            ]
        );
        assert_eq!(rejects, ["p:5: lon: longitude 500 is outside [-180, 180]"]);
        let e = PointReader::new(Box::new(&b"id,lon\n"[..]), ReportFormat::Csv, "p")
            .err()
            .unwrap();
        assert_eq!(
            e.to_string(),
            "p:1: missing column lat (the header has: id,lon)"
        );
    }

    #[test]
    fn geojson_and_ndjson_points() {
        let f = |id: &str, props: &str| {
            format!(
                r#"{{"type":"Feature",{id}"geometry":{{"type":"Point","coordinates":[1,2]}},"properties":{{{props}}}}}"#
            )
        };
        let fc = format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[{},{},{},{}]}}",
            f("\"id\":9,", ""),
            f("", "\"id\":\"p\""),
            f("", "\"report_id\":\"r\""),
            f("", "")
        );
        let (points, rejects) = read(&fc, ReportFormat::GeoJson);
        let ids: Vec<&str> = points.iter().map(|p| p.0.as_str()).collect();
        assert_eq!((ids, rejects.len()), (vec!["9", "p", "r", "3"], 0));
        let nd = format!(
            "{}\n\n{}\n{{\"type\":\"Feature\",\"geometry\":null}}\n",
            f("", ""),
            f("", "")
        );
        let (points, rejects) = read(&nd, ReportFormat::NdJson);
        let ids: Vec<&str> = points.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(ids, ["0", "1"]);
        assert_eq!(
            rejects,
            ["p:4: geometry: is null or missing; a Point is needed"]
        );
    }
}
