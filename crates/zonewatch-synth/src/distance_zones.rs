//! The distance-zone set: circles, line bands and grown polygons, around Sirte.

use geo_types::{Coord, LineString, MultiLineString, Polygon};
use zonewatch_core::{Shape, Zone};

use crate::rings::{at, histogram, lon_stretch, orient, star};
use crate::rng::Rng;
use crate::stress_zones::{BASES, area_zone};

/// The distance-zone set for seed `seed`, in this order:
///
/// | ids | what |
/// |---|---|
/// | `circle_001`–`circle_120` | camps as `Point` + `radius_m` (0.5–20 km) |
/// | `band_01`–`band_24` | wiggly lines of 20–2 000 vertices + `buffer_m` (1–15 km); every sixth has two parts |
/// | `grown_01`–`grown_30` | polygons (16–400 vertices) + `buffer_m` (0.2–5 km) |
///
/// Every zone is valid ([`Zone::problems`] is empty).
pub fn distance_zones(seed: u64) -> Vec<Zone> {
    let mut zones = Vec::new();
    let mut rng = Rng::fork(seed, 11);
    for i in 1..=120 {
        let c = near_base(&mut rng);
        zones.push(Zone {
            id: format!("circle_{i:03}"),
            name: Some(format!("Camp circle {i} (synthetic)")),
            shape: Shape::Circle {
                centre: c,
                radius_m: (rng.range(500.0, 20_000.0)).round(),
            },
        });
    }
    let mut rng = Rng::fork(seed, 12);
    for i in 1..=24 {
        let parts = if i % 6 == 0 { 2 } else { 1 };
        let lines = (0..parts).map(|_| wiggly_line(&mut rng)).collect();
        zones.push(Zone {
            id: format!("band_{i:02}"),
            name: Some(format!("Contact line band {i} (synthetic)")),
            shape: Shape::Band {
                lines: MultiLineString(lines),
                buffer_m: rng.range(1_000.0, 15_000.0).round(),
            },
        });
    }
    let mut rng = Rng::fork(seed, 13);
    for i in 1..=30 {
        let c = near_base(&mut rng);
        let r = rng.range(0.01, 0.15);
        let ring = if rng.chance(0.6) {
            let (n, roughness) = (rng.int(16, 400), rng.range(0.0, 0.4));
            star(&mut rng, c, r, n, roughness)
        } else {
            let kx = lon_stretch(c.y);
            let columns = rng.int(7, 199);
            histogram(
                &mut rng,
                c.x - kx * r,
                c.y - r,
                2.0 * kx * r,
                2.0 * r,
                columns,
            )
        };
        let ring = orient(&mut rng, ring);
        let buffer_m = rng.range(200.0, 5_000.0).round();
        zones.push(area_zone(
            format!("grown_{i:02}"),
            format!("Grown holding area {i} (synthetic)"),
            vec![Polygon::new(LineString(ring), vec![])],
            buffer_m,
        ));
    }
    zones
}

fn near_base(rng: &mut Rng) -> Coord {
    if rng.chance(0.7) {
        let (bx, by) = BASES[rng.below(BASES.len())];
        at(bx + 0.2 * rng.normal(), by + 0.2 * rng.normal())
    } else {
        at(rng.range(14.2, 19.8), rng.range(28.2, 32.8))
    }
}

/// A random walk with a slowly turning heading, kept inside the Sirte area.
fn wiggly_line(rng: &mut Rng) -> LineString {
    let n = rng.int(20, 2_000);
    let step = rng.range(0.3, 1.5) / n as f64; // 0.3–1.5° long in all
    let mut p = Coord {
        x: rng.range(14.5, 19.5),
        y: rng.range(28.5, 32.5),
    };
    let mut heading = rng.range(0.0, std::f64::consts::TAU);
    let mut line = Vec::with_capacity(n);
    for _ in 0..n {
        line.push(at(p.x, p.y));
        heading += 0.25 * rng.normal();
        p.x = (p.x + step * heading.cos()).clamp(14.1, 19.9);
        p.y = (p.y + step * heading.sin()).clamp(28.1, 32.9);
    }
    line.dedup();
    LineString(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_set_is_valid() {
        let zones = distance_zones(crate::DEFAULT_SEED);
        assert_eq!(zones.len(), 174);
        for z in &zones {
            assert_eq!(z.problems(), vec![], "zone {}", z.id);
            assert!(z.shape.distance_m() > 0.0, "zone {}", z.id);
        }
        assert_eq!(zones, distance_zones(crate::DEFAULT_SEED));
    }
}
