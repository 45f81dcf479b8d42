//! GeoJSON geometry coordinates as written, before `geo_types` touches them.
//!
//! `geo_types::Polygon::new` silently closes rings, so whether a ring was closed in the
//! file is only visible here, in the raw positions.

use geo_types::{LineString, MultiLineString, MultiPolygon, Polygon};
use serde::Deserialize;
use serde::de::{self, IgnoredAny, SeqAccess, Visitor};
use serde_json::value::RawValue;
use zonewatch_core::{Coord, GeometryPath};

use crate::json_value::json_number;

/// A GeoJSON position: longitude, latitude, and an optional altitude (ignored).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Position(pub(crate) Coord);

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Position;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a position [longitude, latitude]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Position, A::Error> {
                // Raw text, parsed with correct rounding like every other coordinate.
                let mut number = |i: usize| match seq.next_element::<&'de RawValue>()? {
                    None => Err(de::Error::invalid_length(i, &self)),
                    Some(raw) => json_number(raw).ok_or_else(|| {
                        de::Error::custom(format_args!("expected a number, found {}", raw.get()))
                    }),
                };
                let x = number(0)?;
                let y = number(1)?;
                while seq.next_element::<IgnoredAny>()?.is_some() {} // altitude and beyond
                Ok(Position(Coord { x, y }))
            }
        }
        d.deserialize_seq(V)
    }
}

/// The geometry types a zone can be made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GeometryType {
    Point,
    LineString,
    MultiLineString,
    Polygon,
    MultiPolygon,
}

impl GeometryType {
    /// The type named by a GeoJSON `type` member, if zones support it.
    pub(crate) fn from_name(name: &str) -> Option<GeometryType> {
        Some(match name {
            "Point" => GeometryType::Point,
            "LineString" => GeometryType::LineString,
            "MultiLineString" => GeometryType::MultiLineString,
            "Polygon" => GeometryType::Polygon,
            "MultiPolygon" => GeometryType::MultiPolygon,
            _ => return None,
        })
    }

    /// The GeoJSON name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            GeometryType::Point => "Point",
            GeometryType::LineString => "LineString",
            GeometryType::MultiLineString => "MultiLineString",
            GeometryType::Polygon => "Polygon",
            GeometryType::MultiPolygon => "MultiPolygon",
        }
    }
}

/// Coordinates as written in the file, nested as their geometry type says.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RawGeometry {
    Point(Coord),
    /// Lines (one for a LineString).
    Lines(Vec<Vec<Coord>>),
    /// Polygons, each a list of rings (one polygon for a Polygon).
    Polygons(Vec<Vec<Vec<Coord>>>),
}

fn coords(v: Vec<Position>) -> Vec<Coord> {
    v.into_iter().map(|p| p.0).collect()
}

impl RawGeometry {
    /// Parses a `coordinates` member of the given type.
    pub(crate) fn parse(
        kind: GeometryType,
        coordinates: &str,
    ) -> Result<RawGeometry, serde_json::Error> {
        Ok(match kind {
            GeometryType::Point => {
                RawGeometry::Point(serde_json::from_str::<Position>(coordinates)?.0)
            }
            GeometryType::LineString => {
                RawGeometry::Lines(vec![coords(serde_json::from_str(coordinates)?)])
            }
            GeometryType::MultiLineString => RawGeometry::Lines(
                serde_json::from_str::<Vec<Vec<Position>>>(coordinates)?
                    .into_iter()
                    .map(coords)
                    .collect(),
            ),
            GeometryType::Polygon => RawGeometry::Polygons(vec![
                serde_json::from_str::<Vec<Vec<Position>>>(coordinates)?
                    .into_iter()
                    .map(coords)
                    .collect(),
            ]),
            GeometryType::MultiPolygon => RawGeometry::Polygons(
                serde_json::from_str::<Vec<Vec<Vec<Position>>>>(coordinates)?
                    .into_iter()
                    .map(|p| p.into_iter().map(coords).collect())
                    .collect(),
            ),
        })
    }
}

/// The rings whose last position differs from the first (in lon/lat; altitude is
/// ignored), with paths numbered as [`Zone::problems`](zonewatch_core::Zone::problems)
/// numbers them: `part` only when there is more than one polygon.
pub(crate) fn unclosed_rings(polygons: &[Vec<Vec<Coord>>]) -> Vec<GeometryPath> {
    let many = polygons.len() > 1;
    let mut out = Vec::new();
    for (part, rings) in polygons.iter().enumerate() {
        for (r, ring) in rings.iter().enumerate() {
            if ring.len() >= 2 && ring.first() != ring.last() {
                out.push(GeometryPath {
                    part: many.then_some(part),
                    ring: Some(r),
                    vertex: None,
                });
            }
        }
    }
    out
}

/// The polygons as `geo_types` (which closes unclosed rings).
pub(crate) fn to_multi_polygon(polygons: Vec<Vec<Vec<Coord>>>) -> MultiPolygon<f64> {
    MultiPolygon(
        polygons
            .into_iter()
            .map(|rings| {
                let mut rings = rings.into_iter().map(LineString::new);
                let exterior = rings.next().unwrap_or_else(|| LineString::new(Vec::new()));
                Polygon::new(exterior, rings.collect())
            })
            .collect(),
    )
}

/// The lines as `geo_types`.
pub(crate) fn to_multi_line_string(lines: Vec<Vec<Coord>>) -> MultiLineString<f64> {
    MultiLineString(lines.into_iter().map(LineString::new).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_may_have_an_altitude_but_need_two_numbers() {
        let g = RawGeometry::parse(GeometryType::Point, "[16.5, 31.2, 120]").unwrap();
        assert_eq!(g, RawGeometry::Point(Coord { x: 16.5, y: 31.2 }));
        let e = RawGeometry::parse(GeometryType::Point, "[16.5]").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid length 1, expected a position [longitude, latitude] at line 1 column 6"
        );
        let e = RawGeometry::parse(GeometryType::LineString, r#"[[1, 2], [3, "4"]]"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "expected a number, found \"4\" at line 1 column 17"
        );
    }

    #[test]
    fn unclosed_rings_are_found_before_geo_types_closes_them() {
        let closed = vec![
            Coord { x: 0., y: 0. },
            Coord { x: 1., y: 0. },
            Coord { x: 1., y: 1. },
            Coord { x: 0., y: 0. },
        ];
        let open = closed[..3].to_vec();
        let polys = vec![vec![closed.clone(), open.clone()], vec![open.clone()]];
        assert_eq!(
            unclosed_rings(&polys),
            vec![
                GeometryPath {
                    part: Some(0),
                    ring: Some(1),
                    vertex: None
                },
                GeometryPath {
                    part: Some(1),
                    ring: Some(0),
                    vertex: None
                },
            ]
        );
        assert_eq!(
            unclosed_rings(&[vec![closed, open.clone()]]),
            vec![GeometryPath {
                part: None,
                ring: Some(1),
                vertex: None
            }]
        );
        let mp = to_multi_polygon(vec![vec![open]]);
        assert_eq!(mp.0[0].exterior().0.len(), 4, "geo_types closed it");
    }
}
