//! Ring builders whose output is simple (non-self-intersecting) by construction.
//!
//! - [`star`]: a star-shaped ring (strictly increasing angle around a centre).
//! - [`histogram`]: a rectilinear ring over a base line (every edge axis-aligned).
//! - [`strip`]: the region between two chains monotone along one axis.
//!
//! Coordinates are rounded to 7 decimals (about 1 cm), as real survey files are; every
//! feature of these rings is orders of magnitude larger, so rounding cannot make a ring
//! cross itself. All rings come closed and counter-clockwise; [`orient`] flips some.

use geo_types::Coord;

use crate::rng::Rng;

/// Rounds degrees to 7 decimals (the nearest `f64` to that decimal, which prints as it).
pub fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

/// A rounded coordinate.
pub fn at(x: f64, y: f64) -> Coord {
    Coord {
        x: round7(x),
        y: round7(y),
    }
}

/// East–west stretch at latitude `lat`, so shapes look round on the ground.
pub fn lon_stretch(lat: f64) -> f64 {
    1.0 / lat.to_radians().cos()
}

/// A star-shaped ring of `n` vertices around `centre`: radius `r` degrees of latitude
/// (stretched east–west), a few smooth lobes and `roughness` (0–0.4) of per-vertex noise.
/// Its vertices lie between `0.35 r` and `0.95 r` from the centre (in the stretched frame).
pub fn star(rng: &mut Rng, centre: Coord, r: f64, n: usize, roughness: f64) -> Vec<Coord> {
    let kx = lon_stretch(centre.y);
    let (lobes, phase, amp) = (
        rng.int(2, 7) as f64,
        rng.range(0.0, 6.3),
        rng.range(0.0, 0.1),
    );
    let mut ring: Vec<Coord> = (0..n)
        .map(|j| {
            // Jitter under half a step keeps the angles strictly increasing.
            let t = std::f64::consts::TAU * (j as f64 + 0.4 * (rng.unit() - 0.5)) / n as f64;
            let rho = r * (0.85 + amp * (lobes * t + phase).sin() - roughness * rng.unit());
            at(centre.x + kx * rho * t.cos(), centre.y + rho * t.sin())
        })
        .collect();
    ring.push(ring[0]);
    ring
}

/// A rectilinear "skyline" ring of `columns` columns over the base from `(x0, y0)`,
/// `width` wide, each column between 0.3 and 1 × `height` tall: `2 × columns + 2`
/// vertices, every edge horizontal or vertical.
pub fn histogram(
    rng: &mut Rng,
    x0: f64,
    y0: f64,
    width: f64,
    height: f64,
    columns: usize,
) -> Vec<Coord> {
    // Each x and y is rounded once and reused, so shared edges are exactly axis-aligned.
    let xs: Vec<f64> = (0..=columns)
        .map(|i| round7(x0 + width * i as f64 / columns as f64))
        .collect();
    let base = round7(y0);
    let mut tops: Vec<f64> = Vec::with_capacity(columns);
    for i in 0..columns {
        let mut top = round7(y0 + height * rng.range(0.3, 1.0));
        if i > 0 && top == tops[i - 1] {
            top = round7(top + height * 0.05); // equal neighbours would repeat a vertex
        }
        tops.push(top);
    }
    let mut ring = vec![
        Coord { x: xs[0], y: base },
        Coord {
            x: xs[columns],
            y: base,
        },
    ];
    for i in (0..columns).rev() {
        ring.push(Coord {
            x: xs[i + 1],
            y: tops[i],
        });
        ring.push(Coord {
            x: xs[i],
            y: tops[i],
        });
    }
    ring.push(ring[0]);
    ring
}

/// The ring between two chains sharing the same strictly increasing `along` values:
/// `low[i] < high[i]` across, so the ring is simple. `vertical` = the chains run
/// south–north (along = latitude, across = longitude), else west–east. The two end
/// edges are axis-aligned.
pub fn strip(along: &[f64], low: &[f64], high: &[f64], vertical: bool) -> Vec<Coord> {
    let point = |a: f64, c: f64| {
        if vertical {
            Coord { x: c, y: a }
        } else {
            Coord { x: a, y: c }
        }
    };
    let mut ring: Vec<Coord> = along.iter().zip(low).map(|(&a, &c)| point(a, c)).collect();
    ring.extend(along.iter().zip(high).rev().map(|(&a, &c)| point(a, c)));
    ring.push(ring[0]);
    ring
}

/// The grid [`snap_to_grid`] uses: 2⁻¹⁶ degree (about 1.7 m).
pub const GRID: f64 = 1.0 / 65_536.0;

/// True when `v` is a multiple of [`GRID`].
pub fn on_grid(v: f64) -> bool {
    (v / GRID).fract() == 0.0
}

/// Moves every vertex to the nearest multiple of [`GRID`]. On such a ring the points
/// `a + k (b − a) / 4` of a slanted edge are exactly representable, so reports can lie
/// exactly on slanted edges (each such point has ≤ 23 significant bits below 32°). The
/// move (≤ 0.8 × 10⁻⁵°) is far below the vertex spacing of the rings snapped here.
pub fn snap_to_grid(ring: Vec<Coord>) -> Vec<Coord> {
    ring.into_iter()
        .map(|c| Coord {
            x: (c.x / GRID).round() * GRID,
            y: (c.y / GRID).round() * GRID,
        })
        .collect()
}

/// Reverses the ring with probability ½: zone files in the wild mix both orientations.
pub fn orient(rng: &mut Rng, mut ring: Vec<Coord>) -> Vec<Coord> {
    if rng.chance(0.5) {
        ring.reverse();
    }
    ring
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_edges_are_axis_aligned() {
        let mut rng = Rng::new(3);
        let ring = histogram(&mut rng, 16.0, 31.0, 0.1, 0.05, 9);
        assert_eq!(ring.len(), 2 * 9 + 3);
        assert_eq!(ring.first(), ring.last());
        for w in ring.windows(2) {
            assert!(w[0].x == w[1].x || w[0].y == w[1].y, "{w:?}");
            assert_ne!(w[0], w[1]);
        }
    }

    #[test]
    fn rounding_prints_short() {
        assert_eq!(round7(16.123_456_749).to_string(), "16.1234567");
        assert_eq!(at(16.5, 31.25), Coord { x: 16.5, y: 31.25 });
    }
}
