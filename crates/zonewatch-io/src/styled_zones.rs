//! The agreement's zones as a styled GeoJSON FeatureCollection, ready for geojson.io or
//! QGIS: each zone drawn as polygons ([`zone_outline`]) with its role, the rules that name
//! it, and simplestyle-spec properties.

use std::io::{self, Write};

use serde::Serialize;
use zonewatch_core::{Agreement, RuleKind, Shape};

use crate::collection_out::write_collection;
use crate::style::ZoneRole;
use crate::zone_outline::zone_outline;

/// Writes every zone of `agreement`, in its order, as a Feature whose geometry is the
/// zone's outline (a MultiPolygon) and whose properties are `name`, `role`, `shape`
/// (`area`, `circle` or `band`), `distance_m` (buffer or radius; 0 for a plain area),
/// `rules` (ids of the rules that name the zone), `drawn` (`exact` for a plain area,
/// `approximate` for an outline drawn from a circle or a grown shape), then simplestyle-spec
/// `title`, `stroke`, `stroke-width`, `stroke-opacity`, `fill`, `fill-opacity` by role.
/// `roles` is [`zone_roles`](crate::zone_roles)' answer, one per zone.
///
/// # Errors
/// Any error of the underlying writer.
///
/// # Panics
/// If `roles` does not have one role per zone.
pub fn write_styled_zones<W: Write>(
    w: W,
    agreement: &Agreement,
    roles: &[ZoneRole],
) -> io::Result<W> {
    assert_eq!(roles.len(), agreement.zones().len(), "one role per zone");
    let features = agreement.zones().iter().zip(roles).map(|(zone, role)| {
        let rules: Vec<&str> = agreement
            .rules()
            .iter()
            .filter(|r| match &r.kind {
                RuleKind::KeepOut { zones, .. } | RuleKind::StayIn { zones, .. } => {
                    zones.contains(&zone.id)
                }
            })
            .map(|r| r.id.as_str())
            .collect();
        let (shape, drawn) = match &zone.shape {
            Shape::Area { buffer_m, .. } if *buffer_m <= 0.0 => ("area", "exact"),
            Shape::Area { .. } => ("area", "approximate"),
            Shape::Circle { .. } => ("circle", "approximate"),
            Shape::Band { .. } => ("band", "approximate"),
        };
        let outline = zone_outline(&zone.shape);
        let style = role.style();
        Feature {
            r#type: "Feature",
            id: &zone.id,
            geometry: Geometry {
                r#type: "MultiPolygon",
                coordinates: outline
                    .0
                    .iter()
                    .map(|p| {
                        std::iter::once(p.exterior())
                            .chain(p.interiors())
                            .map(|ring| ring.0.iter().map(|c| [c.x, c.y]).collect())
                            .collect()
                    })
                    .collect(),
            },
            properties: Properties {
                name: zone.name.as_deref(),
                role: role.name(),
                shape,
                distance_m: zone.shape.distance_m(),
                rules,
                drawn,
                title: zone.name.as_deref().unwrap_or(&zone.id),
                stroke: style.stroke,
                stroke_width: style.stroke_width,
                stroke_opacity: style.stroke_opacity,
                fill: style.fill,
                fill_opacity: style.fill_opacity,
            },
        }
    });
    write_collection(w, features)
}

#[derive(Serialize)]
struct Feature<'a> {
    r#type: &'static str,
    id: &'a str,
    geometry: Geometry,
    properties: Properties<'a>,
}

#[derive(Serialize)]
struct Geometry {
    r#type: &'static str,
    coordinates: Vec<Vec<Vec<[f64; 2]>>>,
}

#[derive(Serialize)]
struct Properties<'a> {
    name: Option<&'a str>,
    role: &'static str,
    shape: &'static str,
    distance_m: f64,
    rules: Vec<&'a str>,
    drawn: &'static str,
    title: &'a str,
    stroke: &'static str,
    #[serde(rename = "stroke-width")]
    stroke_width: f64,
    #[serde(rename = "stroke-opacity")]
    stroke_opacity: f64,
    fill: &'static str,
    #[serde(rename = "fill-opacity")]
    fill_opacity: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone_roles;

    #[test]
    fn the_sirte_zones_are_written_styled_by_role() {
        let (agreement, categories) = crate::style::tests::sirte();
        let roles = zone_roles(&agreement, &categories);
        let text =
            String::from_utf8(write_styled_zones(Vec::new(), &agreement, &roles).unwrap()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let features = v["features"].as_array().unwrap();
        assert_eq!(features.len(), 20, "every zone of data/sirte/zones.geojson");
        let by_id = |id: &str| features.iter().find(|f| f["id"] == id).unwrap();

        // Worked out from data/sirte: dmz_sirte is a 15 km circle that rule names as
        // keep_out; camp_misrata a unit's home; oil_es_sider a plain polygon.
        let dmz = &by_id("dmz_sirte")["properties"];
        assert_eq!(dmz["role"], "forbidden");
        assert_eq!(dmz["shape"], "circle");
        assert_eq!(dmz["distance_m"], 15000.0);
        assert_eq!(dmz["drawn"], "approximate");
        assert_eq!(dmz["stroke"], "#d7301f");
        assert_eq!(dmz["fill-opacity"], 0.25);
        assert_eq!(dmz["title"], "DMZ: Sirte");
        assert_eq!(by_id("camp_misrata")["properties"]["fill"], "#91cf60");
        assert_eq!(by_id("coastal_road")["properties"]["role"], "corridor");
        let oil = by_id("oil_es_sider");
        assert_eq!(oil["properties"]["drawn"], "exact");
        let rules = oil["properties"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 1);
        // A plain polygon keeps its vertices: the first one is the input's first one.
        let zones = include_str!("../../../data/sirte/zones.geojson");
        let input: serde_json::Value = serde_json::from_str(zones).unwrap();
        let given = input["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == "oil_es_sider")
            .unwrap();
        let first_given = match given["geometry"]["type"].as_str().unwrap() {
            "Polygon" => &given["geometry"]["coordinates"][0][0],
            _ => &given["geometry"]["coordinates"][0][0][0],
        };
        assert_eq!(&oil["geometry"]["coordinates"][0][0][0], first_given);
        assert_eq!(oil["geometry"]["type"], "MultiPolygon");
    }
}
