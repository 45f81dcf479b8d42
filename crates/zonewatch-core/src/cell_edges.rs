//! Per-cell edge blocks: for a grid cell that a polygon zone's boundary may cross, the
//! few edges that meet the cell, and the exact status of a reference point of the cell
//! (its centre) in each ring. A query in the cell then counts the crossings of the
//! segment from the reference point to the query point with those edges only — one short,
//! contiguous run of memory instead of the zone's ring stripes. See `docs/zone-index.md`.
//!
//! ## Why it is exact
//! Let `r` be the reference point and `p` the query point, both in the cell's tile (a
//! half-open box of the plane, so the segment `r–p` lies in it), `r` on no ring's
//! boundary. Every edge that meets the tile is in the block (the grid's edge marking
//! guarantees that a tile no edge piece marks holds no boundary point).
//! - `p` is on ring R's boundary iff it is on one of R's block edges: `orient2d(a, b, p)
//!   = 0` and `p` in the edge's box — exact, as in [`ring_position`](crate::ring_position).
//! - Otherwise, perturb the segment `r–p` by an infinitesimal shift to the left of
//!   `r → p`: `r` and `p` keep their status (neither is on the boundary, a closed set), the
//!   shifted segment passes through no vertex (a vertex exactly on the line `r p` counts
//!   as right of it: `orient2d(r, p, v) ≤ 0`), and it meets only block edges (any other
//!   edge is at a positive distance from the compact segment). It crosses edge `a–b` iff
//!   `a` and `b` lie on different sides of the (shifted) line, and `r` and `p` on strictly
//!   different sides of the edge's line. When `a`, `b` straddle the line through `r` and
//!   `p`, neither `r` nor `p` lies on the edge's line (it meets the line `r p` at one point,
//!   which is on the edge, and neither `r` nor `p` is on the edge), so the signs of
//!   `orient2d(a, b, ·)` are non-zero and unchanged by the shift. Each crossing enters or
//!   leaves the ring's region, so `p` is inside R iff `r` is, XOR an odd crossing count.
//! - The block stores each edge oriented so that `orient2d(a, b, r) ≥ 0`; an edge with
//!   `r` on its line (= 0) never straddles a line through `r` (that line meets the edge's
//!   line only at `r`, off the edge), so the test "`orient2d(a, b, p) < 0` and `a`, `b`
//!   straddle" counts exactly the crossings.
//!
//! Rings are combined per polygon and polygons as a union, exactly as
//! [`Area::position`](crate::Area::position) does; rings that no edge of the block belongs
//! to have a constant status over the tile (that of `r`), which the builder folds in.

use robust::{Coord as RCoord, orient2d};

use crate::Coord;
use crate::area::{Area, Position};

/// At most this many rings per block (they are described in one 32-byte header).
const MAX_RINGS: usize = 15;
/// At most this many edges per ring in a block (12 bits of the ring's header word).
const MAX_RING_EDGES: usize = (1 << 12) - 1;
/// Ring header word: the ring is the first (exterior) ring of a polygon.
const FIRST: u16 = 1 << 12;
/// Ring header word: the reference point is inside the ring.
const REF_INSIDE: u16 = 1 << 13;

/// The blocks of all cells, as 32-byte records: a block is a header (up to 16 `u16`
/// words: the ring count, then one word per ring) followed by each ring's edges
/// `[ax, ay, bx, by]`. Record 0 is unused, so that block index 0 means "no block".
#[derive(Clone, Debug)]
pub(crate) struct CellEdges {
    recs: Vec<[f64; 4]>,
}

/// What a zone is over one edge-marked cell, found at build time.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum CellClass {
    /// The zone covers the whole tile (a polygon no edge meets holds it).
    Inside,
    /// No point of the tile is in the zone.
    Outside,
    /// A block, at this index of the zone's own record list.
    Block(u32),
    /// Decide with the zone's own exact predicate (no usable reference point, or too
    /// many edges).
    Exact,
}

/// One ring's share of a cell: its index among the zone's rings (polygon by polygon,
/// exterior first) and its edges that meet the cell.
pub(crate) struct RingEdges {
    pub(crate) ring: usize,
    pub(crate) edges: Vec<[f64; 4]>,
}

impl CellEdges {
    pub(crate) fn new() -> CellEdges {
        CellEdges {
            recs: vec![[0.0; 4]],
        }
    }

    /// Appends a zone's own record list; its block `i` becomes block `returned + i`.
    pub(crate) fn append(&mut self, recs: &[[f64; 4]]) -> u32 {
        let base = self.recs.len() as u32;
        self.recs.extend_from_slice(recs);
        base
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.recs.capacity() * 32
    }

    /// Where `p` lies relative to the zone of block `at`, `r` being the reference point of
    /// the cell (and `p` in the cell). The same answer as [`Area::position`].
    #[inline]
    pub(crate) fn position(&self, at: u32, r: Coord, p: Coord) -> Position {
        let at = at as usize;
        let words = header_words(self.recs[at]);
        let n_rings = words[0] as usize;
        let mut i = at + 1;
        let mut on_boundary = false;
        let mut k = 0;
        while k < n_rings {
            // One polygon: rings k..end.
            let mut end = k + 1;
            while end < n_rings && words[1 + end] & FIRST == 0 {
                end += 1;
            }
            let mut decided: Option<Position> = None;
            for j in k..end {
                let w = words[1 + j];
                let n = (w & MAX_RING_EDGES as u16) as usize;
                let edges = &self.recs[i..i + n];
                i += n;
                if decided.is_some() {
                    continue;
                }
                let s = ring_position(edges, w & REF_INSIDE != 0, r, p);
                decided = match (j == k, s) {
                    (true, Position::Outside) => Some(Position::Outside),
                    (true, Position::Boundary) | (false, Position::Boundary) => {
                        Some(Position::Boundary)
                    }
                    (false, Position::Inside) => Some(Position::Outside),
                    _ => None,
                };
            }
            match decided.unwrap_or(Position::Inside) {
                Position::Inside => return Position::Inside,
                Position::Boundary => on_boundary = true,
                Position::Outside => {}
            }
            k = end;
        }
        if on_boundary {
            Position::Boundary
        } else {
            Position::Outside
        }
    }
}

fn header_words(h: [f64; 4]) -> [u16; 16] {
    let mut w = [0u16; 16];
    for (q, v) in h.iter().enumerate() {
        let b = v.to_bits();
        for k in 0..4 {
            w[q * 4 + k] = (b >> (16 * k)) as u16;
        }
    }
    w
}

fn header_record(words: &[u16; 16]) -> [f64; 4] {
    let mut h = [0.0; 4];
    for (q, v) in h.iter_mut().enumerate() {
        let mut b = 0u64;
        for k in 0..4 {
            b |= u64::from(words[q * 4 + k]) << (16 * k);
        }
        *v = f64::from_bits(b);
    }
    h
}

/// Where `p` lies relative to one ring, from the ring's edges in the cell and whether the
/// reference point `r` is inside it (see the module notes).
#[inline]
fn ring_position(edges: &[[f64; 4]], ref_inside: bool, r: Coord, p: Coord) -> Position {
    let mut inside = ref_inside;
    let (rr, pp) = (RCoord { x: r.x, y: r.y }, RCoord { x: p.x, y: p.y });
    for &[ax, ay, bx, by] in edges {
        let (a, b) = (RCoord { x: ax, y: ay }, RCoord { x: bx, y: by });
        let o = orient2d(a, b, pp);
        if o == 0.0 {
            if p.x >= ax.min(bx) && p.x <= ax.max(bx) && p.y >= ay.min(by) && p.y <= ay.max(by) {
                return Position::Boundary;
            }
        } else if o < 0.0 && (orient2d(rr, pp, a) > 0.0) != (orient2d(rr, pp, b) > 0.0) {
            inside = !inside;
        }
    }
    if inside {
        Position::Inside
    } else {
        Position::Outside
    }
}

/// Classifies a zone over one edge-marked cell whose reference point is `r` (already
/// checked to lie in the cell), given the edges meeting the cell grouped by ring (sorted
/// by ring). Appends a block to `recs` when one is needed.
pub(crate) fn classify_cell(
    area: &Area,
    ring_edges: &[RingEdges],
    r: Coord,
    max_edges: usize,
    recs: &mut Vec<[f64; 4]>,
) -> CellClass {
    // The status of r in every ring, polygon by polygon.
    let mut polygons: Vec<Vec<(usize, Position)>> = Vec::new();
    let mut ring = 0;
    for rings in area.ring_stripes() {
        let mut poly = Vec::with_capacity(rings.len());
        for stripes in rings {
            let s = stripes.position(r);
            if s == Position::Boundary {
                return CellClass::Exact;
            }
            poly.push((ring, s));
            ring += 1;
        }
        polygons.push(poly);
    }
    let edges_of = |ring: usize| {
        ring_edges
            .binary_search_by_key(&ring, |re| re.ring)
            .ok()
            .map(|k| &ring_edges[k].edges)
    };
    // Keep the polygons whose status may vary over the tile, and only their rings that
    // matter: a constant ring outside the point set matters only as an exterior.
    let mut kept: Vec<(u16, &[[f64; 4]])> = Vec::new();
    let mut total = 0usize;
    for poly in &polygons {
        let varies = poly.iter().any(|&(ring, _)| edges_of(ring).is_some());
        let (_, exterior) = poly[0];
        if !varies {
            let inside = exterior == Position::Inside
                && poly[1..].iter().all(|&(_, s)| s != Position::Inside);
            if inside {
                return CellClass::Inside;
            }
            continue;
        }
        if edges_of(poly[0].0).is_none() && exterior == Position::Outside {
            continue;
        }
        for (k, &(ring, s)) in poly.iter().enumerate() {
            let edges: &[[f64; 4]] = edges_of(ring).map_or(&[], |e| e.as_slice());
            if k > 0 && edges.is_empty() && s == Position::Outside {
                continue;
            }
            if edges.len() > MAX_RING_EDGES {
                return CellClass::Exact;
            }
            total += edges.len();
            let mut w = edges.len() as u16;
            if k == 0 {
                w |= FIRST;
            }
            if s == Position::Inside {
                w |= REF_INSIDE;
            }
            kept.push((w, edges));
        }
    }
    if kept.is_empty() {
        return CellClass::Outside;
    }
    if kept.len() > MAX_RINGS || total > max_edges {
        return CellClass::Exact;
    }
    let mut words = [0u16; 16];
    words[0] = kept.len() as u16;
    for (k, (w, _)) in kept.iter().enumerate() {
        words[1 + k] = *w;
    }
    let at = recs.len() as u32;
    recs.push(header_record(&words));
    let rr = RCoord { x: r.x, y: r.y };
    for (_, edges) in kept {
        for &[ax, ay, bx, by] in edges {
            let o = orient2d(RCoord { x: ax, y: ay }, RCoord { x: bx, y: by }, rr);
            recs.push(if o < 0.0 {
                [bx, by, ax, ay]
            } else {
                [ax, ay, bx, by]
            });
        }
    }
    CellClass::Block(at)
}
