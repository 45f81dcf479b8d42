//! A ring's edges in horizontal stripes (tidwall/tg's "ystripes"): a point query tests only
//! the edges whose latitude range can reach the point's latitude.
//!
//! Exactness: the stripe of a latitude is `⌊(y − y0) · k⌋` clamped to the stripe range, a
//! composition of monotone floating operations, so it never decreases as `y` grows. An
//! edge is filed in every stripe from that of its lowest to that of its highest end, so
//! any point whose latitude lies within the edge's latitude range — the only points for
//! which [`ring_position`](crate::ring_position) looks at the edge at all (its box test
//! and its half-open straddle test both need it) — finds the edge in its stripe. The
//! crossing rule itself is the very same; parity does not depend on the order of edges,
//! and a boundary hit on any edge answers `Boundary` whatever the order. So the answer is
//! bit-identical to the brute-force scan over every edge.

use robust::{Coord as RCoord, orient2d};

use crate::Coord;
use crate::area::Position;

/// Rings with at most this many edges are scanned whole: one stripe.
const SMALL_RING: usize = 8;

/// One ring prepared for exact point-in-ring queries.
#[derive(Clone, Debug)]
pub(crate) struct RingStripes {
    min: Coord,
    max: Coord,
    y0: f64,
    /// Stripes per degree of latitude.
    per_deg: f64,
    /// `starts[s]..starts[s + 1]` are stripe `s`'s edges in `edges`.
    starts: Vec<u32>,
    /// Edges as `[ax, ay, bx, by]`, copied into every stripe they reach (contiguous per
    /// stripe, for the cache).
    edges: Vec<[f64; 4]>,
}

impl RingStripes {
    /// Prepares a closed ring (first position = last).
    pub(crate) fn new(ring: &[Coord]) -> RingStripes {
        let (min, max) = crate::extent::bounding_box(ring.iter().copied());
        let n_edges = ring.len().saturating_sub(1);
        let height = max.y - min.y;
        // Latitude travelled along the ring: each edge is copied into about
        // 1 + |Δy| / stripe-height stripes.
        let travel: f64 = ring.windows(2).map(|w| (w[1].y - w[0].y).abs()).sum();
        let n_stripes = if n_edges <= SMALL_RING || height.is_nan() || height <= 0.0 {
            1
        } else {
            // About one stripe per edge (a horizontal line meets only a few edges of a
            // ring, so each stripe holds a handful), but fewer for a jagged ring whose
            // edges would each be copied into many: at most ~4 copies per edge overall.
            let by_memory = 3.0 * n_edges as f64 * height / travel.max(f64::MIN_POSITIVE);
            (by_memory as usize).clamp(1, n_edges.min(1 << 20))
        };
        let per_deg = if n_stripes == 1 {
            0.0
        } else {
            n_stripes as f64 / height
        };
        let mut stripes = RingStripes {
            min,
            max,
            y0: min.y,
            per_deg,
            starts: vec![0; n_stripes + 1],
            edges: Vec::new(),
        };
        // Two passes (count, then fill) keep each stripe's edges contiguous.
        let spans: Vec<(usize, usize)> = ring
            .windows(2)
            .map(|w| {
                let (lo, hi) = (w[0].y.min(w[1].y), w[0].y.max(w[1].y));
                (stripes.stripe(lo), stripes.stripe(hi))
            })
            .collect();
        for &(lo, hi) in &spans {
            for s in lo..=hi {
                stripes.starts[s + 1] += 1;
            }
        }
        for s in 0..n_stripes {
            stripes.starts[s + 1] += stripes.starts[s];
        }
        let mut fill: Vec<u32> = stripes.starts[..n_stripes].to_vec();
        stripes.edges = vec![[0.0; 4]; stripes.starts[n_stripes] as usize];
        for (w, &(lo, hi)) in ring.windows(2).zip(&spans) {
            for f in &mut fill[lo..=hi] {
                stripes.edges[*f as usize] = [w[0].x, w[0].y, w[1].x, w[1].y];
                *f += 1;
            }
        }
        stripes
    }

    /// The stripe of latitude `y`: monotone non-decreasing in `y` (see the module notes).
    #[inline]
    fn stripe(&self, y: f64) -> usize {
        // `as usize` saturates: negative and NaN give 0.
        let s = ((y - self.y0) * self.per_deg) as usize;
        s.min(self.starts.len() - 2)
    }

    /// Whether `p` lies in the ring's bounding box.
    #[inline]
    pub(crate) fn box_contains(&self, p: Coord) -> bool {
        self.min.x <= p.x && p.x <= self.max.x && self.min.y <= p.y && p.y <= self.max.y
    }

    /// Where `p` lies relative to the region the ring encloses; the same answer as
    /// [`ring_position`](crate::ring_position) over every edge.
    pub(crate) fn position(&self, p: Coord) -> Position {
        if !self.box_contains(p) {
            return Position::Outside;
        }
        let s = self.stripe(p.y);
        let edges = &self.edges[self.starts[s] as usize..self.starts[s + 1] as usize];
        let mut inside = false;
        for &[ax, ay, bx, by] in edges {
            let in_y = p.y >= ay.min(by) && p.y <= ay.max(by);
            if !in_y {
                continue;
            }
            let (a, b) = (RCoord { x: ax, y: ay }, RCoord { x: bx, y: by });
            let in_box = p.x >= ax.min(bx) && p.x <= ax.max(bx);
            let straddles = (ay > p.y) != (by > p.y);
            if in_box || straddles {
                let o = orient2d(a, b, RCoord { x: p.x, y: p.y });
                if in_box && o == 0.0 {
                    return Position::Boundary;
                }
                if straddles && (by > ay) == (o > 0.0) {
                    inside = !inside;
                }
            }
        }
        if inside {
            Position::Inside
        } else {
            Position::Outside
        }
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.starts.capacity() * 4 + self.edges.capacity() * 32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ring_position;
    use geo_types::LineString;

    #[test]
    fn stripes_agree_with_the_full_scan_on_vertices_edges_and_grid_points() {
        // A 64-vertex star with some horizontal and vertical edges.
        let mut ring: Vec<Coord> = (0..64)
            .map(|k| {
                let t = std::f64::consts::TAU * k as f64 / 64.0;
                let r = if k % 3 == 0 { 1.0 } else { 0.7 };
                Coord {
                    x: (r * t.cos() * 64.0).round() / 64.0,
                    y: (r * t.sin() * 64.0).round() / 64.0,
                }
            })
            .collect();
        ring.push(ring[0]);
        let stripes = RingStripes::new(&ring);
        let line = LineString(ring.clone());
        let mut probes = ring.clone();
        for w in ring.windows(2) {
            probes.push(Coord {
                x: (w[0].x + w[1].x) / 2.0,
                y: (w[0].y + w[1].y) / 2.0,
            });
        }
        for i in -80..=80 {
            for j in -80..=80 {
                probes.push(Coord {
                    x: i as f64 / 64.0,
                    y: j as f64 / 64.0,
                });
            }
        }
        for p in probes {
            assert_eq!(stripes.position(p), ring_position(&line, p), "{p:?}");
        }
    }
}
