//! Incidents as a GeoJSON FeatureCollection of LineStrings: each incident's track.

use std::io::{self, Write};

use serde::Serialize;
use zonewatch_core::Incident;

use crate::ViolationNames;
use crate::collection_out::write_collection;
use crate::incident_csv::depth;
use crate::style::incident_style;

/// Writes incidents as a GeoJSON FeatureCollection, one Feature per incident whose
/// geometry is its track — the positions of its violating reports in time order — as a
/// LineString (ready for QGIS), and whose properties are the incidents CSV columns
/// (numbers as JSON numbers) followed by simplestyle-spec `stroke`, `stroke-width` and
/// `stroke-opacity` (colour by confidence, thick when sustained; see [`incident_style`]). A one-report incident's LineString repeats its single
/// position, since RFC 7946 asks for two or more.
///
/// # Errors
/// Any error of the underlying writer.
pub fn write_incidents_geojson<W: Write>(
    w: W,
    incidents: &[Incident],
    names: &impl ViolationNames,
) -> io::Result<W> {
    write_collection(
        w,
        incidents.iter().map(|i| {
            let mut coords: Vec<[f64; 2]> = i.track.iter().map(|c| [c.x, c.y]).collect();
            if coords.len() == 1 {
                coords.push(coords[0]);
            }
            let (first, last) = (i.first_position(), i.last_position());
            let max_depth: Option<f64> = depth(i.max_depth_m).parse().ok();
            let style = incident_style(i.status, i.confidence);
            Feature {
                r#type: "Feature",
                geometry: LineString {
                    r#type: "LineString",
                    coordinates: coords,
                },
                properties: Properties {
                    incident_id: &i.id,
                    unit_id: &i.unit_id,
                    rule_id: names.rule_id(i.rule),
                    zone_id: names.zone_id(i.zone),
                    kind: names.rule_kind(i.rule),
                    start: i.start.to_string(),
                    end: i.end.to_string(),
                    duration_s: i.duration_s(),
                    reports: i.reports,
                    suspect_reports: i.suspect_reports,
                    max_depth_m: max_depth,
                    confidence: i.confidence.name(),
                    status: i.status.name(),
                    ended_by: i.ended_by.name(),
                    first_lon: first.x,
                    first_lat: first.y,
                    last_lon: last.x,
                    last_lat: last.y,
                    stroke: style.stroke,
                    stroke_width: style.stroke_width,
                    stroke_opacity: style.stroke_opacity,
                },
            }
        }),
    )
}

#[derive(Serialize)]
struct Feature<'a> {
    r#type: &'static str,
    geometry: LineString,
    properties: Properties<'a>,
}

#[derive(Serialize)]
struct LineString {
    r#type: &'static str,
    coordinates: Vec<[f64; 2]>,
}

/// The incidents CSV columns, in the same order, then the track's simplestyle-spec line
/// properties.
#[derive(Serialize)]
struct Properties<'a> {
    incident_id: &'a str,
    unit_id: &'a str,
    rule_id: &'a str,
    zone_id: &'a str,
    kind: &'static str,
    start: String,
    end: String,
    duration_s: f64,
    reports: u32,
    suspect_reports: u32,
    max_depth_m: Option<f64>,
    confidence: &'static str,
    status: &'static str,
    ended_by: &'static str,
    first_lon: f64,
    first_lat: f64,
    last_lon: f64,
    last_lat: f64,
    stroke: &'static str,
    #[serde(rename = "stroke-width")]
    stroke_width: f64,
    #[serde(rename = "stroke-opacity")]
    stroke_opacity: f64,
}
