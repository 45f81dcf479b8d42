//! Zones as polygons for drawing: what geojson.io, QGIS or the HTML report can show.
//!
//! Decisions never use these outlines (the checker measures geodesics exactly); they are
//! pictures. A plain polygon zone is drawn as it is. A circle is drawn as a polygon whose
//! vertices lie on the geodesic circle ([`CIRCLE_VERTICES`] of them). A band, or a polygon
//! grown by `buffer_m`, is grown in a local plane around the zone (metres per degree of
//! latitude and of longitude at the zone's middle latitude, WGS84) with round joins and
//! caps, then mapped back to lon/lat: over the few hundred kilometres of a zone the drawn
//! width is within about 1 % of the true one (tested below: ±107 m on a 10 km band
//! spanning 2° of latitude).

use geo::{BoundingRect, Buffer, MapCoords};
use geo_types::{Coord, LineString, MultiPolygon, Polygon, Rect};
use geographiclib_rs::{DirectGeodesic, Geodesic};
use zonewatch_core::Shape;

/// Vertices of a drawn circle.
pub const CIRCLE_VERTICES: usize = 96;

/// A picture of the zone's region as polygons, lon/lat degrees (see the module notes).
pub fn zone_outline(shape: &Shape) -> MultiPolygon<f64> {
    match shape {
        Shape::Area { polygons, buffer_m } if *buffer_m <= 0.0 => polygons.clone(),
        Shape::Area { polygons, buffer_m } => grown(polygons, *buffer_m),
        Shape::Circle { centre, radius_m } => MultiPolygon(vec![circle(*centre, *radius_m)]),
        Shape::Band { lines, buffer_m } => grown(lines, *buffer_m),
    }
}

fn circle(centre: Coord<f64>, radius_m: f64) -> Polygon<f64> {
    let geod = Geodesic::wgs84();
    let mut ring: Vec<Coord<f64>> = (0..CIRCLE_VERTICES)
        .map(|k| {
            // Azimuths grow clockwise (north, east, ...); RFC 7946 asks for
            // counter-clockwise exteriors, so step the other way.
            let azimuth = -(k as f64) * 360.0 / CIRCLE_VERTICES as f64;
            let (lat, lon): (f64, f64) = geod.direct(centre.y, centre.x, azimuth, radius_m);
            Coord { x: lon, y: lat }
        })
        .collect();
    ring.push(ring[0]);
    Polygon::new(LineString(ring), vec![])
}

/// `geometry` grown by `distance_m` in the zone's local plane.
fn grown<G>(geometry: &G, distance_m: f64) -> MultiPolygon<f64>
where
    G: Buffer<Scalar = f64>
        + BoundingRect<f64, Output = Option<Rect<f64>>>
        + MapCoords<f64, f64, Output = G>,
{
    let Some(rect) = geometry.bounding_rect() else {
        return MultiPolygon(vec![]);
    };
    let origin = rect.center();
    let (per_deg_lat, per_deg_lon) = metres_per_degree(origin.y);
    let to_plane = |c: Coord<f64>| Coord {
        x: (c.x - origin.x) * per_deg_lon,
        y: (c.y - origin.y) * per_deg_lat,
    };
    let to_lonlat = |c: Coord<f64>| Coord {
        x: origin.x + c.x / per_deg_lon,
        y: origin.y + c.y / per_deg_lat,
    };
    geometry
        .map_coords(to_plane)
        .buffer(distance_m)
        .map_coords(to_lonlat)
}

/// Metres per degree of latitude (meridian radius of curvature) and of longitude (radius
/// of the parallel) at latitude `lat_deg`, WGS84.
fn metres_per_degree(lat_deg: f64) -> (f64, f64) {
    const A: f64 = 6_378_137.0;
    const F: f64 = 1.0 / 298.257_223_563;
    let e2 = F * (2.0 - F);
    let s = lat_deg.to_radians().sin();
    let w = (1.0 - e2 * s * s).sqrt();
    let meridian = A * (1.0 - e2) / (w * w * w);
    let parallel = A / w * lat_deg.to_radians().cos();
    let rad = std::f64::consts::PI / 180.0;
    (meridian * rad, parallel * rad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{MultiLineString, polygon};
    use geographiclib_rs::InverseGeodesic;
    use zonewatch_core::geodesic::distance_to_segment_m;

    fn distance(a: Coord<f64>, b: Coord<f64>) -> f64 {
        Geodesic::wgs84().inverse(a.y, a.x, b.y, b.x)
    }

    fn vertices(m: &MultiPolygon<f64>) -> Vec<Coord<f64>> {
        m.0.iter()
            .flat_map(|p| p.exterior().0.iter().copied())
            .collect()
    }

    #[test]
    fn a_circle_is_drawn_on_the_geodesic_circle() {
        let centre = Coord {
            x: 16.5886,
            y: 31.2050,
        }; // Sirte
        let outline = zone_outline(&Shape::Circle {
            centre,
            radius_m: 15_000.0,
        });
        let v = vertices(&outline);
        assert_eq!(v.len(), CIRCLE_VERTICES + 1);
        assert_eq!(v[0], v[CIRCLE_VERTICES], "closed");
        for c in &v {
            assert!((distance(centre, *c) - 15_000.0).abs() < 1e-6, "{c:?}");
        }
        // The first vertex is due north: 15 km north of 31.205 N is about 0.1353°.
        assert!((v[0].x - centre.x).abs() < 1e-12);
        assert!((v[0].y - centre.y - 0.1353).abs() < 1e-3);
        // Counter-clockwise (RFC 7946): positive shoelace area in lon/lat.
        let ring = &outline.0[0].exterior().0;
        let twice_area: f64 = ring
            .windows(2)
            .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
            .sum();
        assert!(twice_area > 0.0);
    }

    /// Distance from `c` to the nearest segment of `line`, geodesic.
    fn to_line(c: Coord<f64>, line: &[Coord<f64>]) -> f64 {
        line.windows(2)
            .map(|w| distance_to_segment_m(c, w[0], w[1]))
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    fn a_band_is_drawn_at_its_width_within_a_few_per_cent() {
        // The Sirte–Jufra road, about 250 km north to south, 10 km each side.
        let road = vec![
            Coord { x: 16.59, y: 31.20 },
            Coord { x: 16.61, y: 31.06 },
            Coord { x: 16.14, y: 29.16 },
            Coord { x: 15.97, y: 29.11 },
        ];
        let outline = zone_outline(&Shape::Band {
            lines: MultiLineString(vec![LineString(road.clone())]),
            buffer_m: 10_000.0,
        });
        assert_eq!(outline.0.len(), 1);
        for c in vertices(&outline) {
            let d = to_line(c, &road);
            // Measured: within ±107 m (about 1 %) over the 2° of latitude the road spans.
            assert!((d - 10_000.0).abs() < 150.0, "{c:?} is {d} m from the road");
        }
    }

    #[test]
    fn a_grown_polygon_contains_the_polygon_and_plain_ones_are_unchanged() {
        let square = polygon![
            (x: 18.0, y: 30.0), (x: 18.1, y: 30.0), (x: 18.1, y: 30.1), (x: 18.0, y: 30.1),
            (x: 18.0, y: 30.0)
        ];
        let plain = Shape::Area {
            polygons: MultiPolygon(vec![square.clone()]),
            buffer_m: 0.0,
        };
        assert_eq!(zone_outline(&plain), MultiPolygon(vec![square.clone()]));
        let grown = zone_outline(&Shape::Area {
            polygons: MultiPolygon(vec![square.clone()]),
            buffer_m: 1_000.0,
        });
        let edges: Vec<Coord<f64>> = square.exterior().0.clone();
        for c in vertices(&grown) {
            let d = to_line(c, &edges);
            assert!((d - 1_000.0).abs() < 20.0, "{c:?} is {d} m from the square");
        }
        // The corner is rounded: some vertex lies on the diagonal beyond (18.1, 30.1).
        assert!(vertices(&grown).iter().any(|c| c.x > 18.1 && c.y > 30.1));
    }
}
