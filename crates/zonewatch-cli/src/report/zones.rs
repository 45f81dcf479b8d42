//! The zones as the report's script draws them: the skeleton (polygons, centre, lines)
//! and the distance it is grown by, which the page draws as a stroke of that width.

use serde_json::{Value, json};
use zonewatch_core::{Agreement, Shape};
use zonewatch_io::ZoneRole;

use super::{flat, round5};

/// One object per zone, in the agreement's order: `id`, `name`, `role`, and the shape —
/// `area` (`polygons`: rings as flat lon,lat arrays; `buffer_m`), `circle` (`centre`,
/// `radius_m`) or `band` (`lines`, `buffer_m`).
pub fn zones(agreement: &Agreement, roles: &[ZoneRole]) -> Vec<Value> {
    agreement
        .zones()
        .iter()
        .zip(roles)
        .map(|(zone, role)| {
            let shape = match &zone.shape {
                Shape::Area { polygons, buffer_m } => json!({
                    "kind": "area",
                    "buffer_m": buffer_m,
                    "polygons": polygons.0.iter().map(|p| {
                        std::iter::once(p.exterior())
                            .chain(p.interiors())
                            .map(|ring| flat(ring.0.iter().copied()))
                            .collect::<Vec<_>>()
                    }).collect::<Vec<_>>(),
                }),
                Shape::Circle { centre, radius_m } => json!({
                    "kind": "circle",
                    "centre": [round5(centre.x), round5(centre.y)],
                    "radius_m": radius_m,
                }),
                Shape::Band { lines, buffer_m } => json!({
                    "kind": "band",
                    "buffer_m": buffer_m,
                    "lines": lines.0.iter().map(|l| flat(l.0.iter().copied())).collect::<Vec<_>>(),
                }),
            };
            let mut z = json!({
                "id": zone.id,
                "name": zone.name.as_deref().unwrap_or(&zone.id),
                "role": role.name(),
            });
            if let (Value::Object(z), Value::Object(shape)) = (&mut z, shape) {
                z.extend(shape);
            }
            z
        })
        .collect()
}
