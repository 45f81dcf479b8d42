//! Zones as a GeoJSON FeatureCollection in the zonewatch zone format (docs/formats.md).

use std::io::{self, Write};

use geo_types::{Coord, LineString, Polygon};
use zonewatch_core::{Shape, Zone};

/// Writes `zones` as a FeatureCollection, one Feature per line, with `properties.name`,
/// `"synthetic": true`, `"illustrative": true`, and `radius_m` / `buffer_m` where the shape
/// has them. Coordinates are written in shortest round-trip form.
pub fn write_zones<W: Write>(mut out: W, zones: &[Zone]) -> io::Result<W> {
    out.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for (i, zone) in zones.iter().enumerate() {
        if i > 0 {
            out.write_all(b",\n")?;
        }
        write!(out, "{{\"type\":\"Feature\",\"id\":")?;
        json_string(&mut out, &zone.id)?;
        out.write_all(b",\"properties\":{")?;
        if let Some(name) = &zone.name {
            out.write_all(b"\"name\":")?;
            json_string(&mut out, name)?;
            out.write_all(b",")?;
        }
        out.write_all(b"\"synthetic\":true,\"illustrative\":true")?;
        match &zone.shape {
            Shape::Area { polygons, buffer_m } => {
                if *buffer_m > 0.0 {
                    write!(out, ",\"buffer_m\":{buffer_m}")?;
                }
                if polygons.0.len() == 1 {
                    out.write_all(b"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":")?;
                    polygon(&mut out, &polygons.0[0])?;
                } else {
                    out.write_all(b"},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[")?;
                    for (k, p) in polygons.iter().enumerate() {
                        if k > 0 {
                            out.write_all(b",")?;
                        }
                        polygon(&mut out, p)?;
                    }
                    out.write_all(b"]")?;
                }
            }
            Shape::Circle { centre, radius_m } => {
                write!(
                    out,
                    ",\"radius_m\":{radius_m}}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":"
                )?;
                position(&mut out, *centre)?;
            }
            Shape::Band { lines, buffer_m } => {
                write!(out, ",\"buffer_m\":{buffer_m}}},\"geometry\":")?;
                if lines.0.len() == 1 {
                    out.write_all(b"{\"type\":\"LineString\",\"coordinates\":")?;
                    line(&mut out, &lines.0[0])?;
                } else {
                    out.write_all(b"{\"type\":\"MultiLineString\",\"coordinates\":[")?;
                    for (k, l) in lines.iter().enumerate() {
                        if k > 0 {
                            out.write_all(b",")?;
                        }
                        line(&mut out, l)?;
                    }
                    out.write_all(b"]")?;
                }
            }
        }
        out.write_all(b"}}")?;
    }
    out.write_all(b"\n]}\n")?;
    out.flush()?;
    Ok(out)
}

fn position<W: Write>(out: &mut W, c: Coord) -> io::Result<()> {
    write!(out, "[{},{}]", c.x, c.y)
}

fn line<W: Write>(out: &mut W, l: &LineString) -> io::Result<()> {
    out.write_all(b"[")?;
    for (i, c) in l.0.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        position(out, *c)?;
    }
    out.write_all(b"]")
}

fn polygon<W: Write>(out: &mut W, p: &Polygon) -> io::Result<()> {
    out.write_all(b"[")?;
    for (i, ring) in std::iter::once(p.exterior())
        .chain(p.interiors())
        .enumerate()
    {
        if i > 0 {
            out.write_all(b",")?;
        }
        line(out, ring)?;
    }
    out.write_all(b"]")
}

/// A JSON string literal (ids and names are generated, but escape properly anyway).
fn json_string<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    for ch in s.chars() {
        match ch {
            '"' => out.write_all(b"\\\"")?,
            '\\' => out.write_all(b"\\\\")?,
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32)?,
            c => write!(out, "{c}")?,
        }
    }
    out.write_all(b"\"")
}
