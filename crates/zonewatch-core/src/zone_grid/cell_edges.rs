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

use rayon::prelude::*;
use robust::{Coord as RCoord, orient2d};

use super::{Block, EDGE, GridParams, IN, OUT, PIECE_MARGIN_DEG, ZoneGrid};
use crate::Coord;
use crate::area::{Area, Position};

/// An entry's block field: the block's record index, and above this bit, log2 of a split
/// cell's `s` (0: not split).
pub(crate) const SPLIT_SHIFT: u32 = 28;

/// At most this many rings per block (they are described in one 32-byte header).
const MAX_RINGS: usize = 15;
/// At most this many edges per ring in a block (12 bits of the ring's header word).
const MAX_RING_EDGES: usize = (1 << 12) - 1;
/// Ring header word: the ring is the first (exterior) ring of a polygon.
const FIRST: u16 = 1 << 12;
/// Ring header word: the reference point is inside the ring.
const REF_INSIDE: u16 = 1 << 13;
/// Sub-cell entries (a split cell is a table of `s²` of them, 8 per record, followed by
/// the sub-cells' blocks), tagged by their low 2 bits: 0 → outside, inside, or decide
/// with the zone's predicate (the values below); 1 → a block at the table's record
/// index + `v >> 2`; 3 → one ring's edges without header, at the table's index +
/// `v >> 10`, `(v >> 3) & 127` of them, the reference point inside when bit 2 is set.
pub(crate) const SUB_OUTSIDE: u32 = 0;
pub(crate) const SUB_INSIDE: u32 = 4;
pub(crate) const SUB_EXACT: u32 = 8;
/// At most this many edges in a headerless one-ring block.
const MAX_INLINE_EDGES: usize = 127;

/// A sub-cell's entry, decoded.
pub(crate) enum SubCell {
    /// Outside, inside or exact: one of the `SUB_` values.
    Fixed(u32),
    /// A block at this record index.
    Block(u32),
    /// One ring's edges at this record index: (index, count, reference point inside).
    Ring(u32, u32, bool),
}

/// Finest split of a cell, per axis.
const MAX_SPLIT: usize = 4;
/// A split cell's sub-cell blocks may hold at most this many records per edge of the
/// cell (each edge is copied into every sub-cell it meets).
const SPLIT_COPIES: usize = 3;
/// Aim for about this many edges per sub-cell of a split cell.
const EDGES_PER_SUB_CELL: usize = 4;
/// Edge cells per parallel task of one zone's classification (a few hundred µs of work).
const CELLS_PER_TASK: usize = 128;

/// One zone's blocks, as 32-byte records: a block is a header (up to 16 `u16`
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
    /// A block of one ring, without header: `edges` edges at this index of the zone's
    /// own record list (only in a split cell's table, which holds the header's data).
    Ring {
        at: u32,
        edges: u32,
        ref_inside: bool,
    },
    /// A cell split into `2^.1 × 2^.1` sub-cells, its table at this index of the zone's
    /// own record list.
    Split(u32, u32),
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
        CellEdges::from_recs(Vec::new())
    }

    /// The blocks built into `recs` (which starts with the unused record when not empty).
    pub(crate) fn from_recs(mut recs: Vec<[f64; 4]>) -> CellEdges {
        if recs.is_empty() {
            recs.push([0.0; 4]);
        }
        recs.shrink_to_fit();
        CellEdges { recs }
    }

    /// The records.
    #[inline]
    pub(crate) fn recs(&self) -> &[[f64; 4]] {
        &self.recs
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.recs.capacity() * 32
    }

    /// The records' bits (tests: builds compared record for record).
    #[cfg(test)]
    pub(crate) fn record_bits(&self) -> impl Iterator<Item = u64> + '_ {
        self.recs.iter().flatten().map(|v| v.to_bits())
    }

    /// Whether a query in an exact cell whose entry holds `block` (0: none) may ask the
    /// zone's own predicate: no block, or a split cell with an "ask the zone" sub-cell.
    pub(crate) fn asks_zone(&self, block: u32) -> bool {
        let (at, split) = (block & ((1 << SPLIT_SHIFT) - 1), block >> SPLIT_SHIFT);
        block == 0
            || split != 0
                && (0..1usize << (2 * split)).any(|sub| {
                    matches!(
                        self.sub_entry(at, sub),
                        SubCell::Fixed(v) if v != SUB_OUTSIDE && v != SUB_INSIDE
                    )
                })
    }

    /// Sub-cell `sub`'s entry in the split cell table at `at`.
    #[inline]
    pub(crate) fn sub_entry(&self, at: u32, sub: usize) -> SubCell {
        let rec = &self.recs[at as usize + sub / 8];
        let v = (rec[(sub % 8) / 2].to_bits() >> (32 * (sub % 2))) as u32;
        match v & 3 {
            0 => SubCell::Fixed(v),
            1 => SubCell::Block(at + (v >> 2)),
            _ => SubCell::Ring(at + (v >> 10), (v >> 3) & 127, v & 4 != 0),
        }
    }

    /// Where `p` lies relative to a one-ring block's zone (see [`SubCell::Ring`]).
    #[inline]
    pub(crate) fn ring_block_position(
        &self,
        at: u32,
        n: u32,
        ref_inside: bool,
        r: Coord,
        p: Coord,
    ) -> Position {
        let edges = &self.recs[at as usize..at as usize + n as usize];
        ring_position(edges, ref_inside, r, p)
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
    let (lo_x, hi_x) = (r.x.min(p.x), r.x.max(p.x));
    let (lo_y, hi_y) = (r.y.min(p.y), r.y.max(p.y));
    for &[ax, ay, bx, by] in edges {
        // An edge whose box misses the box of r–p neither crosses r–p nor holds p (a
        // corner of that box).
        if ax.max(bx) < lo_x || ax.min(bx) > hi_x || ay.max(by) < lo_y || ay.min(by) > hi_y {
            continue;
        }
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

/// Where `q` lies relative to a ring, from `base`'s status (`base` on no edge of the
/// ring) and the ring's edges that meet a tile holding both: the crossing count of the
/// segment `base–q`, as in the module notes but with edges in any orientation.
fn status_via(edges: &[[f64; 4]], base_inside: bool, base: Coord, q: Coord) -> Position {
    let mut inside = base_inside;
    let (bb, qq) = (
        RCoord {
            x: base.x,
            y: base.y,
        },
        RCoord { x: q.x, y: q.y },
    );
    let (lo_x, hi_x) = (base.x.min(q.x), base.x.max(q.x));
    let (lo_y, hi_y) = (base.y.min(q.y), base.y.max(q.y));
    for &[ax, ay, bx, by] in edges {
        // An edge whose box misses the segment's box neither meets the segment nor holds q.
        if ax.max(bx) < lo_x || ax.min(bx) > hi_x || ay.max(by) < lo_y || ay.min(by) > hi_y {
            continue;
        }
        let (a, b) = (RCoord { x: ax, y: ay }, RCoord { x: bx, y: by });
        let oq = orient2d(a, b, qq);
        if oq == 0.0 {
            if q.x >= ax.min(bx) && q.x <= ax.max(bx) && q.y >= ay.min(by) && q.y <= ay.max(by) {
                return Position::Boundary;
            }
            continue;
        }
        let ob = orient2d(a, b, bb);
        if ob != 0.0
            && (oq > 0.0) != (ob > 0.0)
            && (orient2d(bb, qq, a) > 0.0) != (orient2d(bb, qq, b) > 0.0)
        {
            inside = !inside;
        }
    }
    if inside {
        Position::Inside
    } else {
        Position::Outside
    }
}

/// Entry `used` of `list` (pushed when missing), set to `ring` with no edges: its edge
/// vector is refilled, not reallocated, cell after cell.
fn reuse(list: &mut Vec<RingEdges>, used: usize, ring: usize) -> &mut Vec<[f64; 4]> {
    if used == list.len() {
        list.push(RingEdges {
            ring,
            edges: Vec::new(),
        });
    }
    let re = &mut list[used];
    re.ring = ring;
    re.edges.clear();
    &mut re.edges
}

/// Where `p` lies in each ring of `area` (rings numbered polygon by polygon), from the
/// rings' stripes: into `out`.
fn stripe_statuses(area: &Area, p: Coord, out: &mut Vec<Position>) {
    out.clear();
    out.extend(
        area.ring_stripes()
            .iter()
            .flatten()
            .map(|stripes| stripes.position(p)),
    );
}

/// Each ring's status at `q` into `out` (ring by ring), from `base_status` at `base` (on
/// no ring): flipped by the crossings of the segment `base–q` with the edges listed in
/// `from` ∪ `to` — two lists of `(_, ring key, edge key)` sorted by key, which together
/// must hold every edge meeting the segment (the hits of the two tiles holding `base` and
/// `q`, adjacent along a row or column or with only edge-free tiles between them).
/// `edge(ring key, edge key)` gives an edge and `ring(ring key)` its ring's number.
#[allow(clippy::too_many_arguments)]
fn walk_statuses(
    from: &[(u32, u32, u32)],
    to: &[(u32, u32, u32)],
    edge: impl Fn(u32, u32) -> [f64; 4],
    ring: impl Fn(u32) -> usize,
    base: Coord,
    base_status: &[Position],
    q: Coord,
    out: &mut Vec<Position>,
    buf: &mut Vec<[f64; 4]>,
) {
    out.clear();
    out.extend_from_slice(base_status);
    let (mut i, mut j) = (0, 0);
    while i < from.len() || j < to.len() {
        let key = |h: &(u32, u32, u32)| (h.1, h.2);
        let k = match (from.get(i), to.get(j)) {
            (Some(a), Some(b)) => a.1.min(b.1),
            (Some(a), None) => a.1,
            (None, Some(b)) => b.1,
            (None, None) => unreachable!(),
        };
        // Merge the ring's edges of both lists, each edge once (a crossing counted twice
        // would cancel itself).
        buf.clear();
        loop {
            let a = from.get(i).filter(|h| h.1 == k).map(key);
            let b = to.get(j).filter(|h| h.1 == k).map(key);
            let next = match (a, b) {
                (None, None) => break,
                (Some(x), None) => {
                    i += 1;
                    x
                }
                (None, Some(y)) => {
                    j += 1;
                    y
                }
                (Some(x), Some(y)) => {
                    if x <= y {
                        i += 1;
                    }
                    if y <= x {
                        j += 1;
                    }
                    x.min(y)
                }
            };
            buf.push(edge(next.0, next.1));
        }
        let n = ring(k);
        out[n] = status_via(buf, base_status[n] == Position::Inside, base, q);
    }
}

/// Tests: a status found by walking must be the stripes' own (`RingStripes::position` of
/// every ring at `q`); the build checks every walk this way in the crate's tests, so every
/// test that builds a grid checks them.
#[cfg(test)]
fn check_walk(area: &Area, out: &[Position], q: Coord) {
    let mut want = Vec::new();
    stripe_statuses(area, q, &mut want);
    assert_eq!(out, want.as_slice(), "walk to {q:?}");
    WALKS_CHECKED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

/// How many walks [`check_walk`] checked (all threads, all tests).
#[cfg(test)]
static WALKS_CHECKED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Classifies a zone over one edge-marked cell whose reference point is `r` (already
/// checked to lie in the cell), given the edges meeting the cell grouped by ring (sorted
/// by ring) and where `r` lies in each ring of the zone (`statuses`, rings numbered
/// polygon by polygon). Appends a block to `recs` when one is needed.
fn classify_cell_with(
    area: &Area,
    ring_edges: &[RingEdges],
    r: Coord,
    statuses: &[Position],
    max_edges: usize,
    inline: bool,
    recs: &mut Vec<[f64; 4]>,
) -> CellClass {
    if statuses.contains(&Position::Boundary) {
        return CellClass::Exact;
    }
    let polygons = area.ring_stripes();
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
    let mut first = 0;
    for rings in polygons {
        let ring0 = first;
        let poly = &statuses[first..first + rings.len()];
        first += rings.len();
        let varies = (ring0..first).any(|ring| edges_of(ring).is_some());
        let exterior = poly[0];
        if !varies {
            let inside =
                exterior == Position::Inside && poly[1..].iter().all(|&s| s != Position::Inside);
            if inside {
                return CellClass::Inside;
            }
            continue;
        }
        if edges_of(ring0).is_none() && exterior == Position::Outside {
            continue;
        }
        for (k, &s) in poly.iter().enumerate() {
            let ring = ring0 + k;
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
    let at = recs.len() as u32;
    let single = kept.len() == 1 && total <= MAX_INLINE_EDGES;
    let ring = (single && inline).then(|| CellClass::Ring {
        at,
        edges: total as u32,
        ref_inside: kept[0].0 & REF_INSIDE != 0,
    });
    if ring.is_none() {
        let mut words = [0u16; 16];
        words[0] = kept.len() as u16;
        for (k, (w, _)) in kept.iter().enumerate() {
            words[1 + k] = *w;
        }
        recs.push(header_record(&words));
    }
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
    ring.unwrap_or(CellClass::Block(at))
}

impl ZoneGrid {
    /// For an ungrown polygon zone, each edge cell's class from its reference point and
    /// the edges meeting it: a cell proven inside or outside is re-marked, one that needs
    /// a block gets it in `recs` (listed in `blocks` by raster index).
    pub(super) fn edge_blocks(
        &self,
        area: &Area,
        b: Block,
        raster: &mut [u8],
        params: GridParams,
        blocks: &mut Vec<(u32, u32)>,
        recs: &mut Vec<[f64; 4]>,
    ) {
        // (raster index, ring, edge) for every edge and cell it may meet.
        let mut hits: Vec<(u32, u32, u32)> = Vec::new();
        for (k, ring) in area.rings().enumerate() {
            for (e, pair) in ring.windows(2).enumerate() {
                self.for_each_edge_cell(pair[0], pair[1], b, |i| {
                    hits.push((i as u32, k as u32, e as u32));
                });
            }
        }
        // Group by cell, keeping (ring, edge) order: a counting sort (the raster is at
        // hand, and a comparison sort of the ~3 pieces per edge was a tenth of the build).
        let mut starts = vec![0u32; raster.len() + 1];
        for h in &hits {
            starts[h.0 as usize + 1] += 1;
        }
        for k in 0..raster.len() {
            starts[k + 1] += starts[k];
        }
        let mut sorted = vec![(0u32, 0u32, 0u32); hits.len()];
        for h in &hits {
            let at = &mut starts[h.0 as usize];
            sorted[*at as usize] = *h;
            *at += 1;
        }
        drop(starts);
        let mut hits = sorted;
        hits.dedup();
        let rings: Vec<&[Coord]> = area.rings().collect();
        // Cells are classified independently, so in parallel chunks, each appending to
        // its own records; the chunks' records are then concatenated in cell order and
        // their block indices shifted by the records before them (a split cell's table
        // addresses its sub-cells relative to itself, and headers hold only counts). The
        // result is the very records and indices of one serial pass, whatever the thread
        // count. One huge zone no longer keeps a single thread busy.
        let cells: Vec<&[(u32, u32, u32)]> = hits
            .chunk_by(|x, y| x.0 == y.0)
            .filter(|cell| raster[cell[0].0 as usize] == EDGE)
            .collect();
        // Each edge cell's centre has its status in every ring walked from the previous
        // edge cell's centre along the row: the tiles between them hold no edge, so the
        // segment between the two centres meets only edges of the two cells' own lists
        // (`walk_statuses`). A row's first edge cell walks from a point left of every
        // vertex (outside every ring), on the row's line; the stripes answer only where a
        // walk cannot start (a chunk's first cell within a row, a previous centre on a
        // boundary or outside its tile).
        let x_start = rings
            .iter()
            .flat_map(|ring| ring.iter())
            .fold(f64::INFINITY, |m, p| m.min(p.x))
            - 1.0;
        let n_rings = rings.len();
        let w = b.c1 - b.c0 + 1;
        let row_of = |cell: &[(u32, u32, u32)]| cell[0].0 as usize / w;
        let edge = |ring: u32, e: u32| {
            let (p, q) = (
                rings[ring as usize][e as usize],
                rings[ring as usize][e as usize + 1],
            );
            [p.x, p.y, q.x, q.y]
        };
        let outside = vec![Position::Outside; n_rings];
        let chunks: Vec<_> = cells
            .par_chunks(CELLS_PER_TASK)
            .enumerate()
            .map(|(k, chunk)| {
                let mut classes = Vec::with_capacity(chunk.len());
                let mut local = Vec::new();
                let mut ring_edges = Vec::new();
                let mut prev: Option<&[(u32, u32, u32)]> =
                    (k > 0).then(|| cells[k * CELLS_PER_TASK - 1]);
                // The previous cell's centre and statuses, when a walk may start there.
                let mut prev_at: Option<Coord> = None;
                let (mut prev_status, mut status) = (Vec::new(), Vec::new());
                let mut buf = Vec::new();
                for &cell in chunk {
                    let i = cell[0].0 as usize;
                    let (c, r) = (b.c0 + i % w, b.r0 + i / w);
                    let at = Coord {
                        x: self.ref_x[c],
                        y: self.ref_y[r],
                    };
                    let maps = self.col(at.x) == c && self.row(at.y) == r;
                    let same_row = prev.is_some_and(|p| row_of(p) == i / w);
                    if maps {
                        match (same_row, prev_at) {
                            (false, _) => {
                                let start = Coord {
                                    x: x_start,
                                    y: at.y,
                                };
                                walk_statuses(
                                    &[],
                                    cell,
                                    edge,
                                    |k| k as usize,
                                    start,
                                    &outside,
                                    at,
                                    &mut status,
                                    &mut buf,
                                );
                                #[cfg(test)]
                                check_walk(area, &status, at);
                            }
                            (true, Some(base)) => {
                                walk_statuses(
                                    prev.unwrap_or_default(),
                                    cell,
                                    edge,
                                    |k| k as usize,
                                    base,
                                    &prev_status,
                                    at,
                                    &mut status,
                                    &mut buf,
                                );
                                #[cfg(test)]
                                check_walk(area, &status, at);
                            }
                            (true, None) => stripe_statuses(area, at, &mut status),
                        }
                    }
                    let class = self.classify_edge_cell(
                        area,
                        &rings,
                        b,
                        cell,
                        params,
                        maps.then_some(status.as_slice()),
                        &mut ring_edges,
                        &mut local,
                    );
                    classes.push((cell[0].0, class));
                    prev = Some(cell);
                    prev_at = (maps && !status.contains(&Position::Boundary)).then_some(at);
                    std::mem::swap(&mut prev_status, &mut status);
                }
                (classes, local)
            })
            .collect();
        recs.reserve_exact(chunks.iter().map(|(_, local)| local.len()).sum());
        for (classes, local) in chunks {
            let shift = recs.len() as u32;
            recs.extend_from_slice(&local);
            drop(local);
            for (i, class) in classes {
                match class {
                    CellClass::Inside => raster[i as usize] = IN,
                    CellClass::Outside => raster[i as usize] = OUT,
                    CellClass::Block(k) => blocks.push((i, k + shift)),
                    CellClass::Split(k, s) => blocks.push((i, (k + shift) | s << SPLIT_SHIFT)),
                    CellClass::Exact => {}
                    CellClass::Ring { .. } => unreachable!("cells' blocks have headers"),
                }
            }
        }
    }

    /// Classifies one edge cell of block `b` from its hits (raster index, ring, edge) and
    /// the status of its centre in every ring (`None`: the centre is not in the cell),
    /// appending its block, if any, to `recs` (indices in the result are into `recs`).
    #[allow(clippy::too_many_arguments)]
    fn classify_edge_cell(
        &self,
        area: &Area,
        rings: &[&[Coord]],
        b: Block,
        cell: &[(u32, u32, u32)],
        params: GridParams,
        statuses: Option<&[Position]>,
        ring_edges: &mut Vec<RingEdges>,
        recs: &mut Vec<[f64; 4]>,
    ) -> CellClass {
        let w = b.c1 - b.c0 + 1;
        let i = cell[0].0 as usize;
        let (c, r) = (b.c0 + i % w, b.r0 + i / w);
        let mut used = 0;
        for ring in cell.chunk_by(|x, y| x.1 == y.1) {
            let pts = rings[ring[0].1 as usize];
            let edges = reuse(ring_edges, used, ring[0].1 as usize);
            edges.extend(ring.iter().map(|&(_, _, e)| {
                let (p, q) = (pts[e as usize], pts[e as usize + 1]);
                [p.x, p.y, q.x, q.y]
            }));
            used += 1;
        }
        let ring_edges = &ring_edges[..used];
        let split = (cell.len() > params.split_edges)
            .then(|| {
                let s = cell
                    .len()
                    .div_ceil(EDGES_PER_SUB_CELL)
                    .next_power_of_two()
                    .clamp(2, MAX_SPLIT);
                self.split_cell(
                    area,
                    c,
                    r,
                    s,
                    ring_edges,
                    statuses,
                    params.max_block_edges,
                    recs,
                )
            })
            .flatten();
        if let Some(class) = split {
            return class;
        }
        let Some(statuses) = statuses else {
            return CellClass::Exact;
        };
        let at = Coord {
            x: self.ref_x[c],
            y: self.ref_y[r],
        };
        let max_edges = if cell.len() > params.split_edges {
            params.max_unsplit_edges.max(params.max_block_edges)
        } else {
            params.max_block_edges
        };
        classify_cell_with(area, ring_edges, at, statuses, max_edges, false, recs)
    }

    /// Splits cell (`c`, `r`) into `s × s` sub-cells — the tiles of the grid refined `s`
    /// times, which tile the cell's own tile (see [`fine_col`](Self::fine_col)) — and
    /// classifies each like a cell: the edges of `ring_edges` whose pieces may meet it
    /// (pieces no longer than a sub-cell, boxes widened as for cells), its centre as the
    /// reference point; sub-cells no edge meets take, run by run along each sub-row, the
    /// class of the run's first centre. `None` when the sub-cells would copy the cell's
    /// edges more than [`SPLIT_COPIES`] times over (long edges across many sub-cells):
    /// memory, not exactness, decides.
    #[allow(clippy::too_many_arguments)]
    fn split_cell(
        &self,
        area: &Area,
        c: usize,
        r: usize,
        s: usize,
        ring_edges: &[RingEdges],
        statuses: Option<&[Position]>,
        max_edges: usize,
        recs: &mut Vec<[f64; 4]>,
    ) -> Option<CellClass> {
        let (fc0, fr0) = (c * s, r * s);
        // (sub-cell, ring of ring_edges, edge) for every edge and sub-cell it may meet.
        let mut hits: Vec<(u32, u32, u32)> = Vec::new();
        for (k, re) in ring_edges.iter().enumerate() {
            for (e, &[ax, ay, bx, by]) in re.edges.iter().enumerate() {
                let (a, b) = (Coord { x: ax, y: ay }, Coord { x: bx, y: by });
                let span = ((b.x - a.x).abs() * self.kx).max((b.y - a.y).abs() * self.ky);
                let pieces = ((span * s as f64).ceil() as usize).clamp(1, 1 << 20);
                let at = |j: usize| {
                    if j == 0 {
                        a
                    } else if j == pieces {
                        b
                    } else {
                        let t = j as f64 / pieces as f64;
                        Coord {
                            x: a.x + t * (b.x - a.x),
                            y: a.y + t * (b.y - a.y),
                        }
                    }
                };
                // Only the pieces near the cell: those whose stretch of the edge meets the
                // cell's box grown by `mx`, `my` on every side. A piece is at most a
                // sub-cell long on either axis, and its box is widened by
                // PIECE_MARGIN_DEG, so one that marks a sub-cell of this cell lies within a
                // sub-cell and a margin of the cell: 1.25 sub-cells and twice the margin
                // leave room for the rounding of the cut points (or a whole cell, when
                // that is less). A long edge listed in many cells is not cut whole for
                // each of them.
                let (mx, my) = (
                    (1.0 / self.kx).min(1.25 / (self.kx * s as f64) + 2.0 * PIECE_MARGIN_DEG),
                    (1.0 / self.ky).min(1.25 / (self.ky * s as f64) + 2.0 * PIECE_MARGIN_DEG),
                );
                let (mut t0, mut t1) = (0.0f64, 1.0f64);
                for (lo, hi, start, d) in [
                    (
                        self.x0 + c as f64 / self.kx - mx,
                        self.x0 + (c as f64 + 1.0) / self.kx + mx,
                        a.x,
                        b.x - a.x,
                    ),
                    (
                        self.y0 + r as f64 / self.ky - my,
                        self.y0 + (r as f64 + 1.0) / self.ky + my,
                        a.y,
                        b.y - a.y,
                    ),
                ] {
                    if d == 0.0 {
                        if start < lo || start > hi {
                            t1 = -1.0;
                        }
                    } else {
                        let (u, v) = ((lo - start) / d, (hi - start) / d);
                        t0 = t0.max(u.min(v));
                        t1 = t1.min(u.max(v));
                    }
                }
                let n = pieces as f64;
                let (j0, j1) = if t0 <= t1 {
                    (
                        ((t0 * n).floor() as usize).clamp(1, pieces),
                        ((t1 * n).ceil() as usize + 1).clamp(1, pieces),
                    )
                } else {
                    (1, pieces) // not expected: the edge meets the cell
                };
                // The sub-cells the edge's pieces mark, as bits: each once, in order. A
                // piece p–q marks the sub-cells of its widened box, whose first column is
                // `fine_col(min(p.x, q.x) − margin)`, the lesser of the two points' own
                // (`fine_col` and the subtraction are monotone), and so on: each cut point's
                // four bounds are computed once, for the two pieces it ends.
                let mut marked = 0u16;
                if j0 <= j1 {
                    let mut mark = |[c0, c1, r0, r1]: [usize; 4]| {
                        let (c0, c1) = (c0.max(fc0), c1.min(fc0 + s - 1));
                        let (r0, r1) = (r0.max(fr0), r1.min(fr0 + s - 1));
                        if c0 <= c1 {
                            // Columns c0..=c1 of a sub-row, then each sub-row in r0..=r1.
                            let cols = ((1u16 << (c1 - c0 + 1)) - 1) << (c0 - fc0);
                            for fr in r0..=r1 {
                                marked |= cols << ((fr - fr0) * s);
                            }
                        }
                    };
                    let widened = |p: Coord| {
                        [
                            self.fine_col(p.x - PIECE_MARGIN_DEG, s),
                            self.fine_col(p.x + PIECE_MARGIN_DEG, s),
                            self.fine_row(p.y - PIECE_MARGIN_DEG, s),
                            self.fine_row(p.y + PIECE_MARGIN_DEG, s),
                        ]
                    };
                    let union = |u: [usize; 4], v: [usize; 4]| {
                        [
                            u[0].min(v[0]),
                            u[1].max(v[1]),
                            u[2].min(v[2]),
                            u[3].max(v[3]),
                        ]
                    };
                    if a.x == b.x || a.y == b.y {
                        // Along an axis every cut point has the same column (row) bounds,
                        // so the pieces' boxes, which overlap where they meet, mark one
                        // rectangle: from the lowest cut point's bounds to the highest's.
                        // The cut points before the last are monotone along the edge
                        // (`j / pieces`, the product and the sum round monotonically), so
                        // those are the ends of the run, and `b` when it is in it.
                        let mut u = union(widened(at(j0 - 1)), widened(at(j1.min(pieces - 1))));
                        if j1 == pieces {
                            u = union(u, widened(b));
                        }
                        mark(u);
                    } else {
                        let mut p = widened(at(j0 - 1));
                        for j in j0..=j1 {
                            let q = widened(at(j));
                            mark(union(p, q));
                            p = q;
                        }
                    }
                }
                while marked != 0 {
                    let sub = marked.trailing_zeros();
                    hits.push((sub, k as u32, e as u32));
                    marked &= marked - 1;
                }
            }
        }
        // Every hit becomes a record of its sub-cell's block (unless the sub-cell is left
        // to the zone's predicate): when the hits alone pass the copy limit, the split is
        // abandoned before any sub-cell is classified.
        let edges: usize = ring_edges.iter().map(|re| re.edges.len()).sum();
        if hits.len() > SPLIT_COPIES * edges {
            return None;
        }
        // Group by sub-cell: a stable counting sort (s² buckets) keeps each sub-cell's
        // hits in (ring, edge) order with an edge's repeats adjacent — what a full sort
        // gives, without its cost (a comparison sort here was a tenth of the build).
        let mut starts = [0u32; MAX_SPLIT * MAX_SPLIT + 1];
        for h in &hits {
            starts[h.0 as usize + 1] += 1;
        }
        for k in 0..s * s {
            starts[k + 1] += starts[k];
        }
        let mut sorted = vec![(0u32, 0u32, 0u32); hits.len()];
        for h in &hits {
            let at = &mut starts[h.0 as usize];
            sorted[*at as usize] = *h;
            *at += 1;
        }
        // No repeats to drop: each edge listed each of its sub-cells once.
        let hits = sorted;
        const UNSET: u32 = u32::MAX - 1;
        let mut table = vec![UNSET; s * s];
        let mut sub_recs: Vec<[f64; 4]> = Vec::new();
        let mut sub_edges: Vec<RingEdges> = Vec::new();
        let n_table = (s * s).div_ceil(8);
        // Each sub-cell's centre, when it maps back into the sub-cell (asked several times
        // per sub-cell below: computed once).
        let centres: [Option<Coord>; MAX_SPLIT * MAX_SPLIT] = std::array::from_fn(|sub| {
            if sub >= s * s {
                return None;
            }
            let (fc, fr) = (fc0 + sub % s, fr0 + sub / s);
            let at = self.fine_ref(fc, fr, s);
            (self.fine_col(at.x, s) == fc && self.fine_row(at.y, s) == fr).then_some(at)
        });
        let centre = |sub: usize| centres[sub];
        // Every sub-cell centre's status in each ring follows from the cell centre's
        // (`base`, when it lies in the cell and on no ring), walking: the first sub-cell
        // from the base, across the crossings of the segment between them with the ring's
        // edges that meet the cell (both points lie in the cell's tile); each other
        // sub-cell from its left neighbour (the first of a sub-row: from the one below),
        // across the edges of the two sub-cells only (the segment lies in their tiles).
        // So the stripes are not asked at all, and each walk tests a few edges.
        let base = Coord {
            x: self.ref_x[c],
            y: self.ref_y[r],
        };
        let base_status = statuses.filter(|v| !v.contains(&Position::Boundary));
        let mut sub_hits: [&[(u32, u32, u32)]; MAX_SPLIT * MAX_SPLIT] =
            [&[]; MAX_SPLIT * MAX_SPLIT];
        for cell in hits.chunk_by(|x, y| x.0 == y.0) {
            sub_hits[cell[0].0 as usize] = cell;
        }
        let n_rings = statuses.map_or(0, <[Position]>::len);
        // Per sub-cell (when the base is known and its centre lies in it): its centre's
        // statuses, `n_rings` at `sub * n_rings`, and whether a walk may start there.
        let mut sub_status = vec![Position::Outside; s * s * n_rings];
        let mut walk_from = [false; MAX_SPLIT * MAX_SPLIT];
        if let Some(bs) = base_status {
            let (mut out, mut buf) = (Vec::new(), Vec::new());
            for sub in 0..s * s {
                let Some(at) = centre(sub) else { continue };
                let prev = if sub % s > 0 {
                    Some(sub - 1)
                } else {
                    sub.checked_sub(s)
                };
                match prev.filter(|&p| walk_from[p]) {
                    Some(p) => {
                        let from = centre(p).unwrap_or(base);
                        walk_statuses(
                            sub_hits[p],
                            sub_hits[sub],
                            |k, e| ring_edges[k as usize].edges[e as usize],
                            |k| ring_edges[k as usize].ring,
                            from,
                            &sub_status[p * n_rings..(p + 1) * n_rings],
                            at,
                            &mut out,
                            &mut buf,
                        );
                    }
                    None => {
                        out.clear();
                        out.extend_from_slice(bs);
                        for re in ring_edges {
                            out[re.ring] =
                                status_via(&re.edges, bs[re.ring] == Position::Inside, base, at);
                        }
                    }
                }
                #[cfg(test)]
                check_walk(area, &out, at);
                walk_from[sub] = !out.contains(&Position::Boundary);
                sub_status[sub * n_rings..(sub + 1) * n_rings].copy_from_slice(&out);
            }
        }
        let mut stripes_buf = Vec::new();
        let mut classify_sub =
            |edges: &[RingEdges], sub: usize, at: Coord, max: usize, out: &mut Vec<[f64; 4]>| {
                let st = if base_status.is_some() {
                    &sub_status[sub * n_rings..(sub + 1) * n_rings]
                } else {
                    stripe_statuses(area, at, &mut stripes_buf);
                    stripes_buf.as_slice()
                };
                classify_cell_with(area, edges, at, st, max, true, out)
            };
        let entry = |class: CellClass| match class {
            CellClass::Inside => SUB_INSIDE,
            CellClass::Outside => SUB_OUTSIDE,
            CellClass::Exact => SUB_EXACT,
            CellClass::Block(k) => (n_table as u32 + k) << 2 | 1,
            CellClass::Ring {
                at,
                edges,
                ref_inside,
            } => (n_table as u32 + at) << 10 | edges << 3 | u32::from(ref_inside) << 2 | 3,
            CellClass::Split(..) => unreachable!("sub-cells are not split"),
        };
        for cell in hits.chunk_by(|x, y| x.0 == y.0) {
            let sub = cell[0].0 as usize;
            let Some(at) = centre(sub) else {
                table[sub] = SUB_EXACT;
                continue;
            };
            let mut used = 0;
            for ring in cell.chunk_by(|x, y| x.1 == y.1) {
                let re = &ring_edges[ring[0].1 as usize];
                let edges = reuse(&mut sub_edges, used, re.ring);
                edges.extend(ring.iter().map(|&(_, _, e)| re.edges[e as usize]));
                used += 1;
            }
            table[sub] = entry(classify_sub(
                &sub_edges[..used],
                sub,
                at,
                max_edges,
                &mut sub_recs,
            ));
        }
        for row in table.chunks_mut(s).enumerate() {
            let (i, row) = row;
            let mut run: Option<u32> = None;
            for (j, t) in row.iter_mut().enumerate() {
                if *t != UNSET {
                    run = None;
                    continue;
                }
                *t = match run {
                    Some(v) => v,
                    None => {
                        let v = match centre(i * s + j) {
                            Some(at) => entry(classify_sub(&[], i * s + j, at, 0, &mut sub_recs)),
                            None => SUB_EXACT,
                        };
                        if v != SUB_EXACT {
                            run = Some(v);
                        }
                        v
                    }
                };
            }
        }
        if table.iter().all(|&t| t == SUB_OUTSIDE) {
            return Some(CellClass::Outside);
        }
        if table.iter().all(|&t| t == SUB_INSIDE) {
            return Some(CellClass::Inside);
        }
        if sub_recs.len() > SPLIT_COPIES * edges {
            return None;
        }
        let at = recs.len() as u32;
        for chunk in table.chunks(8) {
            let mut rec = [0.0; 4];
            for (k, pair) in chunk.chunks(2).enumerate() {
                let hi = pair.get(1).copied().unwrap_or(0);
                rec[k] = f64::from_bits(u64::from(pair[0]) | u64::from(hi) << 32);
            }
            recs.push(rec);
        }
        recs.extend_from_slice(&sub_recs);
        Some(CellClass::Split(at, s.trailing_zeros()))
    }
}

/// The walked statuses against the stripes at every centre a build walks to
/// ([`check_walk`] asserts each one), on lattice polygons whose vertices and edges fall on
/// cell and sub-cell centres.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone_index::PreparedZone;
    use crate::{Shape, Zone};
    use geo_types::{LineString, MultiPolygon, Polygon};
    use proptest::prelude::*;
    use std::sync::atomic::Ordering;

    /// A star around `c` quantised to the 1/8° lattice: the centres of 1° cells and of
    /// their 2 × 2 and 4 × 4 sub-cells lie on it, so vertices land on centres, and
    /// horizontal, vertical and diagonal edges run through them.
    fn star(c: (f64, f64), radii: &[f64], scale: f64) -> LineString {
        crate::test_shapes::star(Coord { x: c.0, y: c.1 }, radii, scale, Some(8.0))
    }

    /// A rectangle on the lattice (a vertical or horizontal edge through centres).
    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> LineString {
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
    }

    fn polygon_strategy() -> impl Strategy<Value = Polygon> {
        let star_poly = (
            (4.0..12.0f64, 4.0..12.0f64),
            prop::collection::vec(0.3..1.0f64, 3..48),
            prop::option::of(prop::collection::vec(0.2..0.4f64, 3..10)),
            1.0..7.0f64,
        )
            .prop_map(|(c, radii, hole, scale)| {
                let holes = hole.map(|h| star(c, &h, scale * 0.7)).into_iter().collect();
                Polygon::new(star(c, &radii, scale), holes)
            });
        let box_poly = (0u32..100, 0u32..100, 8u32..60, 8u32..60, any::<bool>()).prop_map(
            |(x, y, w, h, hole)| {
                let (x0, y0) = (f64::from(x) / 8.0, f64::from(y) / 8.0);
                let (x1, y1) = (x0 + f64::from(w) / 8.0, y0 + f64::from(h) / 8.0);
                let holes = if hole {
                    vec![rect(x0 + 0.5, y0 + 0.5, x1 - 0.5, y1 - 0.5)]
                } else {
                    vec![]
                };
                Polygon::new(rect(x0, y0, x1, y1), holes)
            },
        );
        prop_oneof![star_poly, box_poly]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn walked_centre_statuses_equal_the_stripes(
            polygons in prop::collection::vec(polygon_strategy(), 1..4),
            dims in prop::sample::select(vec![(16usize, 16usize), (32, 32), (13, 7), (5, 29)]),
            max_block_edges in prop::sample::select(vec![2usize, 48]),
            max_unsplit_edges in prop::sample::select(vec![0usize, 256]),
            split_edges in prop::sample::select(vec![0usize, 4, usize::MAX]),
        ) {
            // One zone per polygon, and the valid ones together as a multipolygon.
            let mut zones: Vec<Zone> = polygons
                .iter()
                .map(|p| Zone {
                    id: String::new(),
                    name: None,
                    shape: Shape::Area {
                        polygons: MultiPolygon(vec![p.clone()]),
                        buffer_m: 0.0,
                    },
                })
                .collect();
            zones.push(Zone {
                id: String::new(),
                name: None,
                shape: Shape::Area {
                    polygons: MultiPolygon(polygons.clone()),
                    buffer_m: 0.0,
                },
            });
            zones.retain(|z| z.problems().is_empty());
            // The frame fixes the grid to [0, 16]² whatever the polygons.
            zones.push(Zone {
                id: String::new(),
                name: None,
                shape: Shape::Area {
                    polygons: MultiPolygon(vec![Polygon::new(rect(0.0, 0.0, 16.0, 16.0), vec![])]),
                    buffer_m: 0.0,
                },
            });
            let prepared: Vec<PreparedZone> = zones.iter().map(PreparedZone::new).collect();
            let order: Vec<usize> = (0..zones.len()).collect();
            let params = GridParams {
                cells_per_vertex: 0.0,
                min_cells: dims.0 * dims.1,
                max_cells: dims.0 * dims.1,
                dims: Some(dims),
                max_block_edges,
                split_edges,
                max_unsplit_edges,
            };
            let before = WALKS_CHECKED.load(Ordering::Relaxed);
            let grid = ZoneGrid::build(&prepared, &order, 0, params);
            prop_assert!(WALKS_CHECKED.load(Ordering::Relaxed) > before);
            // And every cell centre's answer is the zone's own.
            for (z, zone) in prepared.iter().enumerate() {
                let area = zone.area.as_ref().unwrap();
                for c in 0..dims.0 {
                    for r in 0..dims.1 {
                        let p = Coord { x: grid.ref_x[c], y: grid.ref_y[r] };
                        let hit = grid.cell_at(p);
                        let got = match hit.entries.iter().find(|&&e| super::super::entry_zone(e) == z as u32) {
                            None => Position::Outside,
                            Some(&e) if !super::super::entry_is_exact(e) => Position::Inside,
                            Some(&e) => match super::super::entry_block(e) {
                                0 => area.position(p),
                                k => grid.block_position(z as u32, k, &hit, p).unwrap_or_else(|| area.position(p)),
                            },
                        };
                        prop_assert_eq!(got, area.position_brute_force(p), "zone {} centre {:?}", z, p);
                    }
                }
            }
        }
    }
}
