//! The polygon stress set: ~300 zones, ~340k vertices, around Sirte.

use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use zonewatch_core::{Shape, Zone};

use crate::rings::{at, histogram, lon_stretch, orient, round7, snap_to_grid, star, strip};
use crate::rng::Rng;

/// Places that camps cluster around (lon, lat), from the project's domain notes.
pub(crate) const BASES: [(f64, f64); 12] = [
    (16.5886, 31.2050), // Sirte
    (16.6117, 31.0606), // Ghardabiya
    (15.9656, 29.1101), // Al-Jufra
    (15.9403, 29.1211), // Hun
    (16.1436, 29.1611), // Waddan
    (15.7847, 29.0669), // Sokna
    (15.2489, 31.4511), // Abu Grein
    (15.0920, 32.3775), // Misrata
    (18.5661, 30.4789), // Ras Lanuf
    (18.3503, 30.6294), // Es Sider
    (19.6669, 30.4350), // Brega
    (18.0864, 30.8008), // Ben Jawad
];

/// The area the stress data covers: lon 14–20, lat 28–33.
pub const SIRTE_AREA: (Coord, Coord) = (Coord { x: 14.0, y: 28.0 }, Coord { x: 20.0, y: 33.0 });

/// The polygon stress set for seed `seed`, in this order:
///
/// | ids | what | vertices |
/// |---|---|---|
/// | `frontline` | a wiggly south–north band west of Sirte (a buffered line, as a polygon) | ~5k |
/// | `district` | a district with 16 holes (stars and rectilinear) | ~13k |
/// | `coast` | a strip under a fractal coastline | ~16k |
/// | `multi_01`–`multi_20` | multipolygons of 3–5 disjoint parts | ~12k each |
/// | `area_01`–`area_17` | large polygons, some with holes | ~3k each |
/// | `camp_001`–`camp_260` | camps of 16–64 vertices (stars, some on a 2⁻¹⁶° grid; rectilinear) | ~10k |
///
/// Every zone is valid ([`Zone::problems`] is empty); ring orientations are mixed; many
/// edges are exactly horizontal or vertical (so points can lie exactly on them).
pub fn stress_zones(seed: u64) -> Vec<Zone> {
    let mut zones = vec![
        frontline(&mut Rng::fork(seed, 1)),
        district(&mut Rng::fork(seed, 2)),
        coast(&mut Rng::fork(seed, 3)),
    ];
    let mut rng = Rng::fork(seed, 4);
    for i in 1..=20 {
        zones.push(multipolygon(&mut rng, i));
    }
    let mut rng = Rng::fork(seed, 5);
    for i in 1..=17 {
        zones.push(large_area(&mut rng, i));
    }
    let mut rng = Rng::fork(seed, 6);
    for i in 1..=260 {
        zones.push(camp(&mut rng, i));
    }
    zones
}

pub(crate) fn area_zone(id: String, name: String, polygons: Vec<Polygon>, buffer_m: f64) -> Zone {
    Zone {
        id,
        name: Some(name),
        shape: Shape::Area {
            polygons: MultiPolygon(polygons),
            buffer_m,
        },
    }
}

fn polygon(shell: Vec<Coord>, holes: Vec<Vec<Coord>>) -> Polygon {
    Polygon::new(
        LineString(shell),
        holes.into_iter().map(LineString).collect(),
    )
}

/// A band 2 × 0.025° wide around a wiggly south–north line: 2 × 2 500 vertices.
fn frontline(rng: &mut Rng) -> Zone {
    let n = 2_500;
    let (y0, y1) = (29.05, 31.25);
    let phase = rng.range(0.0, 6.3);
    let mut drift = 0.0f64;
    let (mut along, mut low, mut high) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let y = y0 + (y1 - y0) * i as f64 / (n - 1) as f64;
        drift = (drift + rng.normal() * 0.002).clamp(-0.05, 0.05);
        let x = 15.75 + 0.12 * (3.0 * y).sin() + 0.03 * (23.0 * y + phase).sin() + drift;
        along.push(round7(y));
        low.push(round7(x - 0.025));
        high.push(round7(x + 0.025));
    }
    let ring = orient(rng, strip(&along, &low, &high, true));
    area_zone(
        "frontline".into(),
        "Frontline band (synthetic)".into(),
        vec![polygon(ring, vec![])],
        0.0,
    )
}

/// A district: a 10 000-vertex shell with 16 holes of ~190 vertices on a 4 × 4 grid.
fn district(rng: &mut Rng) -> Zone {
    let centre = Coord { x: 16.45, y: 30.75 };
    let r = 0.35;
    let kx = lon_stretch(centre.y);
    // Shell vertices are at least 0.75 r out (no roughness); holes stay within
    // 0.34 r + 0.071 r of the centre and 0.071 r of their own centres, 0.16 r apart.
    let shell = star(rng, centre, r, 10_000, 0.0);
    let shell = orient(rng, shell);
    let (g, hr) = (0.16 * r, 0.05 * r);
    let mut holes = Vec::new();
    for i in 0..4 {
        for j in 0..4 {
            let c = Coord {
                x: centre.x + kx * g * (i as f64 - 1.5),
                y: centre.y + g * (j as f64 - 1.5),
            };
            let hole = if (i + j) % 2 == 0 {
                star(rng, c, hr / 0.95, 190, 0.3)
            } else {
                histogram(rng, c.x - kx * hr, c.y - hr, 2.0 * kx * hr, 2.0 * hr, 94)
            };
            let hole = orient(rng, hole);
            holes.push(hole);
        }
    }
    area_zone(
        "district".into(),
        "District with holes (synthetic)".into(),
        vec![polygon(shell, holes)],
        0.0,
    )
}

/// The land strip under a fractal coastline (midpoint displacement, 16 385 vertices),
/// closed by a straight southern edge and two meridian edges.
fn coast(rng: &mut Rng) -> Zone {
    let levels = 14;
    let n = 1usize << levels;
    let (x0, x1) = (15.2, 19.8);
    let mut y = vec![0.0f64; n + 1];
    y[0] = 31.0;
    y[n] = 30.45;
    let mut step = n;
    let mut amp = 0.25;
    while step > 1 {
        let half = step / 2;
        let mut i = half;
        while i < n {
            y[i] = 0.5 * (y[i - half] + y[i + half]) + amp * rng.normal();
            i += step;
        }
        amp *= 0.62; // Hurst exponent ≈ 0.7
        step = half;
    }
    let along: Vec<f64> = (0..=n)
        .map(|i| round7(x0 + (x1 - x0) * i as f64 / n as f64))
        .collect();
    let high: Vec<f64> = y.iter().map(|&v| round7(v)).collect();
    let floor = round7(high.iter().copied().fold(f64::INFINITY, f64::min) - 0.06);
    // Low chain: only its two ends (the southern edge is one straight horizontal edge).
    let mut ring = vec![
        Coord {
            x: along[0],
            y: floor,
        },
        Coord {
            x: along[n],
            y: floor,
        },
    ];
    ring.extend(along.iter().zip(&high).rev().map(|(&x, &y)| Coord { x, y }));
    ring.push(ring[0]);
    let ring = orient(rng, ring);
    area_zone(
        "coast".into(),
        "Coastal strip (synthetic)".into(),
        vec![polygon(ring, vec![])],
        0.0,
    )
}

/// A multipolygon of 3–5 disjoint parts (stars or rectilinear) laid on a 3 × 2 grid.
fn multipolygon(rng: &mut Rng, i: usize) -> Zone {
    let pr = rng.range(0.04, 0.12);
    let spacing = 2.3 * pr;
    let c = at(rng.range(14.5, 19.3), rng.range(28.4, 32.5));
    let kx = lon_stretch(c.y);
    let parts = rng.int(3, 5);
    let per_part = 12_000 / parts;
    let mut slots: Vec<(f64, f64)> = (0..6).map(|s| ((s % 3) as f64, (s / 3) as f64)).collect();
    let mut polygons = Vec::new();
    for _ in 0..parts {
        let (gx, gy) = slots.swap_remove(rng.below(slots.len()));
        let pc = Coord {
            x: c.x + kx * spacing * gx,
            y: c.y + spacing * gy,
        };
        // Stars reach 0.95 pr; rectilinear parts fill a pr-half-width square: with
        // 2.3 pr between slots no two parts meet.
        let shell = if rng.chance(0.6) {
            let roughness = rng.range(0.0, 0.3);
            star(rng, pc, pr, per_part, roughness)
        } else {
            let cols = (per_part - 2) / 2;
            histogram(
                rng,
                pc.x - kx * pr,
                pc.y - pr,
                2.0 * kx * pr,
                2.0 * pr,
                cols,
            )
        };
        let shell = orient(rng, shell);
        polygons.push(polygon(shell, vec![]));
    }
    area_zone(
        format!("multi_{i:02}"),
        format!("Pull-back area {i} (synthetic)"),
        polygons,
        0.0,
    )
}

/// A large star-shaped polygon of ~3 300 vertices; half have 1–4 holes.
fn large_area(rng: &mut Rng, i: usize) -> Zone {
    let r = rng.range(0.1, 0.4);
    let c = at(rng.range(14.4, 19.6), rng.range(28.4, 32.6));
    let kx = lon_stretch(c.y);
    let n_holes = if rng.chance(0.5) { rng.int(1, 4) } else { 0 };
    let roughness = rng.range(0.0, 0.2);
    let shell = star(rng, c, r, 3_300 - 100 * n_holes, roughness);
    let shell = orient(rng, shell);
    // The shell is at least 0.55 r out (roughness ≤ 0.2); holes are centred 0.25 r out,
    // a quarter turn (0.35 r) apart, and reach 0.114 r from their own centres.
    let mut holes = Vec::new();
    for h in 0..n_holes {
        let t = std::f64::consts::FRAC_PI_2 * h as f64 + 0.3;
        let hc = Coord {
            x: c.x + kx * 0.25 * r * t.cos(),
            y: c.y + 0.25 * r * t.sin(),
        };
        let hole = star(rng, hc, 0.12 * r, 100, 0.2);
        holes.push(orient(rng, hole));
    }
    area_zone(
        format!("area_{i:02}"),
        format!("Demilitarised area {i} (synthetic)"),
        vec![polygon(shell, holes)],
        0.0,
    )
}

/// A camp near one of [`BASES`] (70 %) or anywhere: a 16–64-vertex star or a
/// rectilinear compound.
fn camp(rng: &mut Rng, i: usize) -> Zone {
    let c = if rng.chance(0.7) {
        let (bx, by) = BASES[rng.below(BASES.len())];
        at(bx + 0.15 * rng.normal(), by + 0.15 * rng.normal())
    } else {
        at(rng.range(14.2, 19.8), rng.range(28.2, 32.8))
    };
    let r = rng.range(0.004, 0.03);
    let ring = if rng.chance(0.65) {
        let (n, roughness) = (rng.int(16, 64), rng.range(0.0, 0.4));
        let ring = star(rng, c, r, n, roughness);
        // A quarter of the star camps are surveyed on a binary grid, so that reports can
        // be placed exactly on their slanted edges.
        if rng.chance(0.25) {
            snap_to_grid(ring)
        } else {
            ring
        }
    } else {
        let kx = lon_stretch(c.y);
        let columns = rng.int(7, 31);
        histogram(rng, c.x - kx * r, c.y - r, 2.0 * kx * r, 2.0 * r, columns)
    };
    let ring = orient(rng, ring);
    area_zone(
        format!("camp_{i:03}"),
        format!("Camp {i} (synthetic)"),
        vec![polygon(ring, vec![])],
        0.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vertices(z: &Zone) -> usize {
        match &z.shape {
            Shape::Area { polygons, .. } => polygons
                .iter()
                .map(|p| {
                    p.exterior().0.len() - 1
                        + p.interiors().iter().map(|h| h.0.len() - 1).sum::<usize>()
                })
                .sum(),
            _ => 0,
        }
    }

    #[test]
    fn stress_set_is_valid_and_of_the_promised_size() {
        let zones = stress_zones(crate::DEFAULT_SEED);
        assert_eq!(zones.len(), 300);
        let total: usize = zones.iter().map(vertices).sum();
        assert!((320_000..360_000).contains(&total), "{total} vertices");
        for z in &zones {
            assert_eq!(z.problems(), vec![], "zone {}", z.id);
        }
        let ids: std::collections::HashSet<&str> = zones.iter().map(|z| z.id.as_str()).collect();
        assert_eq!(ids.len(), zones.len());
    }

    #[test]
    fn same_seed_same_zones_other_seed_other_zones() {
        assert_eq!(stress_zones(5), stress_zones(5));
        assert_ne!(stress_zones(5)[0], stress_zones(6)[0]);
    }

    #[test]
    fn orientations_are_mixed() {
        let signed = |r: &LineString| -> f64 {
            r.0.windows(2)
                .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
                .sum()
        };
        let (mut ccw, mut cw) = (0, 0);
        for z in stress_zones(crate::DEFAULT_SEED) {
            if let Shape::Area { polygons, .. } = &z.shape {
                for p in polygons {
                    if signed(p.exterior()) > 0.0 {
                        ccw += 1
                    } else {
                        cw += 1
                    }
                }
            }
        }
        assert!(ccw > 50 && cw > 50, "{ccw} ccw, {cw} cw");
    }
}
