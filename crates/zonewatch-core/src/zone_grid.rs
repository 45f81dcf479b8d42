//! A uniform grid over the zones' extent whose cells say, per zone, "wholly inside" or
//! "the edge may pass here": most queries are answered by one cell lookup, and only
//! points in edge cells are decided exactly — for polygon zones by the cell's own edge
//! block (`cell_edges.rs`). See `docs/zone-index.md`.
//!
//! ## Why it is exact
//! A point's cell is `(⌊(x − x0)·kx⌋, ⌊(y − y0)·ky⌋)` clamped to the grid: monotone in
//! each coordinate, so the floats of one column form an interval and the columns tile the
//! real line into half-open tiles `[X_c, X_{c+1})` (`X_c` the smallest float of column
//! `c`); likewise rows. A zone's cell is classified over its whole real tile:
//! - **edge**: every tile that the zone's boundary may meet. Each polygon edge is cut into
//!   pieces no longer than a cell on either axis; each piece's box, widened by 1e-9° to
//!   cover the rounding of the cut points, is mapped to cells by the same monotone
//!   function, which marks every tile holding a point of the piece (a float `lo ≤ q`
//!   maps at or before `q`'s tile, a float `hi ≥ q` at or after it).
//! - a tile no piece marks holds no boundary point, so it lies wholly inside or wholly
//!   outside; so does a run of such tiles along a row (their union is connected). One
//!   float point of the run, checked to map into it, is decided by the exact predicate,
//!   and the answer holds for the whole run: **inside** (strictly: no boundary point, so
//!   both covers and contains hold) or **outside** (not listed).
//! - distance zones (circles, bands, grown polygons): for a block of cells, the distance
//!   `D` from its centre to the skeleton (exact `SegmentSet::distance_m`) and an upper
//!   bound `H` on the geodesic distance from that centre to any point of the block
//!   (meridian radius ≤ a/√(1−e²), parallel radius ≤ the same × cos of the lowest
//!   latitude) bound every point's distance to within `D ± H`. `D + H + 1 mm ≤ d` → every
//!   point is within the grown distance (inside); `D − H − 1 mm > d` → none is (then a
//!   grown polygon's cell takes its polygon class). Else the block is split, down to
//!   single cells, which are left to the exact test. The 1 mm slack dwarfs the distance
//!   computation's error (~10 nm), so the exact test would answer the same.

use rayon::prelude::*;

use crate::Coord;
use crate::area::{Area, Position};
use crate::hint::prefetch;
use cell_edges::{CellEdges, SubCell};

mod cell_edges;
use crate::zone_index::PreparedZone;

/// Cell states in a zone's local raster.
const OUT: u8 = 0;
const IN: u8 = 1;
const EDGE: u8 = 2;
/// Not yet classified.
const UNKNOWN: u8 = 3;

/// Widening of each edge piece's box, degrees: far above the rounding of the cut points
/// (a few ulps of 180°, ~1e-13°), far below a cell.
const PIECE_MARGIN_DEG: f64 = 1e-9;
/// Widening of a block's lon/lat range before bounding distances over it, degrees: covers
/// the rounding of `x0 + c / kx` against the true tile borders.
const BLOCK_MARGIN_DEG: f64 = 1e-9;
/// a / √(1 − e²), the largest radius of curvature of WGS84 (meridian or prime vertical),
/// metres, rounded up.
const RADIUS_MAX_M: f64 = 6_399_594.0;
/// Slack between a distance bound and the threshold, metres.
const DISTANCE_SLACK_M: f64 = 1e-3;
/// Raster rows per parallel task when classifying one zone's cells clear of its edges.
const ROWS_PER_TASK: usize = 16;
/// Cells a side of the tiles batches are answered by (`tile_key`).
const TILE: usize = 8;

/// Grid tuning.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GridParams {
    /// Cells per zone vertex (the grid aims at this many cells in all).
    pub(crate) cells_per_vertex: f64,
    /// Fewest cells.
    pub(crate) min_cells: usize,
    /// Most cells.
    pub(crate) max_cells: usize,
    /// Columns and rows, overriding the above (tests).
    pub(crate) dims: Option<(usize, usize)>,
    /// A polygon zone's edge cell gets its own edge block (see `cell_edges.rs`) when at
    /// most this many of its edges meet the cell; else the zone's stripes decide.
    pub(crate) max_block_edges: usize,
    /// An edge cell meeting more than this many of a zone's edges is split into
    /// sub-cells (2 × 2 or 4 × 4), each with its own block.
    pub(crate) split_edges: usize,
    /// A cell whose split is abandoned (its long edges would be copied into too many
    /// sub-cells) still gets an ordinary block when it meets at most this many of the
    /// zone's edges: a count over them (most skipped by their box) beats the zone's
    /// stripes, which such edges crowd just as much.
    pub(crate) max_unsplit_edges: usize,
}

impl GridParams {
    /// Exactly 16 × 16 cells with the given block limits (tests: a fixed grid of 1°
    /// cells over zones framed by [0, 16]²).
    #[cfg(test)]
    pub(crate) fn sixteen_by_sixteen(
        max_block_edges: usize,
        split_edges: usize,
        max_unsplit_edges: usize,
    ) -> GridParams {
        GridParams {
            cells_per_vertex: 0.0,
            min_cells: 256,
            max_cells: 256,
            dims: Some((16, 16)),
            max_block_edges,
            split_edges,
            max_unsplit_edges,
        }
    }
}

impl Default for GridParams {
    fn default() -> Self {
        GridParams {
            cells_per_vertex: 2.0,
            min_cells: 1 << 14,
            max_cells: 1 << 21,
            dims: None,
            max_block_edges: 48,
            split_edges: 4,
            max_unsplit_edges: 256,
        }
    }
}

/// The grid: per cell, the zones that reach it, in query order, each flagged "decide
/// exactly" or not.
#[derive(Clone, Debug)]
pub(crate) struct ZoneGrid {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    /// Columns (rows) per degree.
    kx: f64,
    ky: f64,
    nx: usize,
    ny: usize,
    /// Per cell: 0 = no zone; odd = the cell's only entry, inline (most cells: one
    /// memory access per query); even = `2 · o`, the cell's list at `lists[o]` (count,
    /// then entries). An entry is `block << 32 | zone << 2 | exact << 1 | 1`, `block` the
    /// cell's edge block for the zone in `edges` (0: none).
    cells: Vec<u64>,
    /// Lists of two or more entries; `lists[0]` unused so that offset 0 means "none".
    lists: Vec<u64>,
    /// The reference point of each column and row: the tile centre (when it maps back
    /// into its tile; blocks exist only where it does).
    ref_x: Vec<f64>,
    ref_y: Vec<f64>,
    /// Per zone (by zone index), its cells' edge blocks (empty but for distance zones).
    edges: Vec<CellEdges>,
    /// Per zone, whether some query may still ask the zone's own predicate (see
    /// [`zones_asked`](Self::zones_asked)).
    asked: Vec<bool>,
}

/// A point's cell: its entries, column and row.
pub(crate) struct CellHit<'a> {
    pub(crate) entries: &'a [u64],
    col: usize,
    row: usize,
}

/// What the classification of one zone yields: its block of cells, their states, the
/// edge blocks (raster index, block index in `recs`) sorted by raster index, and the
/// blocks' records.
struct ZoneRaster {
    block: Block,
    raster: Vec<u8>,
    blocks: Vec<(u32, u32)>,
    recs: Vec<[f64; 4]>,
}

/// A rectangle of cells, inclusive.
#[derive(Clone, Copy, Debug)]
struct Block {
    c0: usize,
    c1: usize,
    r0: usize,
    r1: usize,
}

impl ZoneGrid {
    /// Classifies every cell for every zone. `order` lists zone indices in the order
    /// results must come out; `vertices` is the total vertex count (sizes the grid).
    pub(crate) fn build(
        zones: &[PreparedZone],
        order: &[usize],
        vertices: usize,
        params: GridParams,
    ) -> ZoneGrid {
        let (lo, hi) = crate::extent::bounding_box(
            zones
                .iter()
                .map(|z| z.reach(0.0))
                .filter(|(a, b)| a.x <= b.x && a.y <= b.y)
                .flat_map(|(a, b)| [a, b]),
        );
        if !(lo.x <= hi.x && lo.y <= hi.y) {
            return ZoneGrid {
                x0: f64::INFINITY,
                y0: f64::INFINITY,
                x1: f64::NEG_INFINITY,
                y1: f64::NEG_INFINITY,
                kx: 0.0,
                ky: 0.0,
                nx: 1,
                ny: 1,
                cells: vec![0],
                lists: vec![0],
                ref_x: vec![0.0],
                ref_y: vec![0.0],
                edges: Vec::new(),
                asked: vec![false; zones.len()],
            };
        }
        // A zero-width extent (one circle of radius 0) still gets cells of some size;
        // widening the extent is always safe (the widened part is in no zone).
        let widen = |a: f64, b: f64, lim: f64| {
            if b - a < 1e-7 {
                ((a - 1e-6).max(-lim), (b + 1e-6).min(lim))
            } else {
                (a, b)
            }
        };
        let (x0, x1) = widen(lo.x, hi.x, 180.0);
        let (y0, y1) = widen(lo.y, hi.y, 90.0);
        // Distance zones have few vertices but wide curved edges, whose exact test (a
        // geodesic distance, ~1 µs) is dear: they get the finest grid.
        let any_distance = zones.iter().any(|z| z.area.is_none() || z.distance_m > 0.0);
        let wanted = if any_distance {
            params.max_cells as f64
        } else {
            params.cells_per_vertex * vertices as f64
        };
        let target = wanted.clamp(params.min_cells as f64, params.max_cells as f64);
        // Square cells on the ground: a degree of longitude is cos φ of a degree of
        // latitude.
        let cos_mid = ((y0 + y1) / 2.0).to_radians().cos().max(0.01);
        let (ex, ey) = ((x1 - x0) * cos_mid, y1 - y0);
        let side = (ex * ey / target).sqrt();
        let (nx, ny) = params.dims.unwrap_or((
            ((ex / side).ceil() as usize).clamp(1, 1 << 16),
            ((ey / side).ceil() as usize).clamp(1, 1 << 16),
        ));
        let mut grid = ZoneGrid {
            x0,
            y0,
            x1,
            y1,
            kx: nx as f64 / (x1 - x0),
            ky: ny as f64 / (y1 - y0),
            nx,
            ny,
            cells: Vec::new(),
            lists: Vec::new(),
            ref_x: Vec::new(),
            ref_y: Vec::new(),
            edges: Vec::new(),
            asked: vec![false; zones.len()],
        };
        grid.ref_x = (0..nx)
            .map(|c| grid.x0 + (c as f64 + 0.5) / grid.kx)
            .collect();
        grid.ref_y = (0..ny)
            .map(|r| grid.y0 + (r as f64 + 0.5) / grid.ky)
            .collect();
        let mut rasters: Vec<ZoneRaster> = order
            .par_iter()
            .map(|&z| grid.classify(&zones[z], params))
            .collect();
        // Counting sort by cell, stable in `order`: each cell's entries come out in the
        // order results are reported.
        let n_cells = nx * ny;
        let mut counts = vec![0u32; n_cells + 1];
        for zr in &rasters {
            grid.for_each_listed(zr, |cell, _, _| counts[cell + 1] += 1);
        }
        for c in 0..n_cells {
            counts[c + 1] += counts[c];
        }
        let mut fill = counts[..n_cells].to_vec();
        let mut entries = vec![0u64; counts[n_cells] as usize];
        let mut edges: Vec<CellEdges> = (0..zones.len()).map(|_| CellEdges::new()).collect();
        for (&z, zr) in order.iter().zip(&mut rasters) {
            // Each zone keeps its own records (moved, not copied: no second copy at the
            // peak of the build).
            edges[z] = CellEdges::from_recs(std::mem::take(&mut zr.recs));
            let zr = &*zr;
            let mut asked = false;
            grid.for_each_listed(zr, |cell, state, block| {
                asked = asked || state == EDGE && edges[z].asks_zone(block.unwrap_or(0));
                // Record indices past 2^28 (8 GB of one zone's blocks) were not given out.
                let block = block.map_or(0, u64::from);
                entries[fill[cell] as usize] =
                    block << 32 | (z as u64) << 2 | u64::from(state == EDGE) << 1 | 1;
                fill[cell] += 1;
            });
            grid.asked[z] = asked;
        }
        grid.edges = edges;
        let mut cells = vec![0u64; n_cells];
        let mut lists = vec![0u64];
        for (c, cell) in cells.iter_mut().enumerate() {
            let list = &entries[counts[c] as usize..counts[c + 1] as usize];
            *cell = match list {
                [] => 0,
                [one] => *one,
                _ => {
                    let at = lists.len() as u64;
                    lists.push(list.len() as u64);
                    lists.extend_from_slice(list);
                    at << 1
                }
            };
        }
        grid.cells = cells;
        grid.lists = lists;
        grid
    }

    /// Calls `f(cell, state, edge block)` for every cell of a zone's raster that is
    /// inside or edge.
    fn for_each_listed(&self, zr: &ZoneRaster, mut f: impl FnMut(usize, u8, Option<u32>)) {
        let b = zr.block;
        let w = b.c1 - b.c0 + 1;
        // `blocks` is sorted by raster index; `next` is the first not yet handed out.
        let mut next = 0;
        // Row by row: the cell's index without a division per raster cell.
        for (r, row) in zr.raster.chunks(w).enumerate() {
            let first = (b.r0 + r) * self.nx + b.c0;
            for (c, &s) in row.iter().enumerate() {
                if s == IN || s == EDGE {
                    let i = r * w + c;
                    let block = match zr.blocks.get(next) {
                        Some(&(at, k)) if at as usize == i => {
                            next += 1;
                            Some(k)
                        }
                        _ => None,
                    };
                    f(first + c, s, block);
                }
            }
        }
    }

    #[inline]
    fn col(&self, x: f64) -> usize {
        // `as usize` saturates: negative and NaN give 0.
        (((x - self.x0) * self.kx) as usize).min(self.nx - 1)
    }

    #[inline]
    fn row(&self, y: f64) -> usize {
        (((y - self.y0) * self.ky) as usize).min(self.ny - 1)
    }

    /// [`col`](Self::col) for the queries: the same column for every `x` (NaN and
    /// infinities included), through a saturating `f64 → i32` conversion, half the
    /// instructions of `f64 → usize` on x86-64 (which has no unsigned conversion), taken
    /// two to four times a report. The grid has at most 2¹⁶ columns, so a value past
    /// `i32::MAX` clamps to the last column either way, and one below 0 (or NaN) to 0.
    #[inline]
    fn query_col(&self, x: f64) -> usize {
        ((((x - self.x0) * self.kx) as i32).max(0) as usize).min(self.nx - 1)
    }

    /// [`row`](Self::row) for the queries, as [`query_col`](Self::query_col).
    #[inline]
    fn query_row(&self, y: f64) -> usize {
        ((((y - self.y0) * self.ky) as i32).max(0) as usize).min(self.ny - 1)
    }

    /// The entries of `p`'s cell (see [`entry_zone`], [`entry_is_exact`] and
    /// [`entry_block`]), in report order; empty outside every zone's reach.
    #[cfg(test)]
    pub(crate) fn entries_at(&self, p: Coord) -> &[u64] {
        self.cell_at(p).entries
    }

    /// The tile of `TILE × TILE` cells `p` lies in, row-major, or [`tiles`](Self::tiles)
    /// − 1 outside the grid's extent: points taken tile by tile visit the cells, and their
    /// blocks, nearly in the order they are laid out.
    #[inline]
    pub(crate) fn tile_key(&self, p: Coord) -> u32 {
        if !self.extent_holds(p) {
            return (self.tiles() - 1) as u32;
        }
        let tiles_x = self.nx.div_ceil(TILE);
        ((self.query_row(p.y) / TILE) * tiles_x + self.query_col(p.x) / TILE) as u32
    }

    /// The number of tile keys (see [`tile_key`](Self::tile_key)).
    pub(crate) fn tiles(&self) -> usize {
        self.nx.div_ceil(TILE) * self.ny.div_ceil(TILE) + 1
    }

    /// `p`'s cell: its entries, in report order (none outside every zone's reach).
    #[inline]
    pub(crate) fn cell_at(&self, p: Coord) -> CellHit<'_> {
        if !(p.x >= self.x0 && p.x <= self.x1 && p.y >= self.y0 && p.y <= self.y1) {
            return CellHit {
                entries: &[],
                col: 0,
                row: 0,
            };
        }
        let (col, row) = (self.query_col(p.x), self.query_row(p.y));
        let entries = self.entries_of(&self.cells[row * self.nx + col]);
        CellHit { entries, col, row }
    }

    /// Stage 1 of a batch's look-ahead: start loading `p`'s cell word.
    #[inline]
    pub(crate) fn prefetch_cell(&self, p: Coord) {
        if self.extent_holds(p) {
            prefetch(&self.cells[self.query_row(p.y) * self.nx + self.query_col(p.x)]);
        }
    }

    /// Stage 2: `p`'s cell word (loaded by stage 1) names its list; start loading it.
    #[inline]
    pub(crate) fn prefetch_list(&self, p: Coord) {
        if self.extent_holds(p) {
            let cell = self.cells[self.query_row(p.y) * self.nx + self.query_col(p.x)];
            if cell & 1 == 0 && cell >> 1 != 0 {
                prefetch(&self.lists[(cell >> 1) as usize]);
            }
        }
    }

    /// Stage 3: start loading the edge blocks (or a split cell's sub-entry) of `p`'s
    /// exact entries.
    #[inline]
    pub(crate) fn prefetch_blocks(&self, p: Coord) {
        let hit = &self.cell_at(p);
        for &e in hit.entries {
            let block = entry_block(e);
            if block == 0 || !entry_is_exact(e) {
                continue;
            }
            let recs = self.edges[entry_zone(e) as usize].recs();
            let (at, split) = (
                (block & ((1 << cell_edges::SPLIT_SHIFT) - 1)) as usize,
                block >> cell_edges::SPLIT_SHIFT,
            );
            let at = if split == 0 {
                at
            } else {
                let Some((_, _, sub)) = self.sub_cell(hit, p, 1 << split) else {
                    continue;
                };
                at + sub / 8
            };
            // A block's header and first edges; records are 32 bytes, two a cache line.
            for line in 0..BLOCK_LINES {
                if let Some(r) = recs.get(at + 2 * line) {
                    prefetch(r);
                }
            }
        }
    }

    /// Whether every point within the lon/lat box `[lo, hi]` lies in `hit`'s tile, with
    /// 1e-9° to spare on each side (the computed tile borders may be a few ulps off the
    /// true ones). False for a point outside the grid's extent. A zone that `hit` does not
    /// list then misses the whole box: it does not meet the tile.
    #[inline]
    pub(crate) fn tile_holds_box(&self, hit: &CellHit<'_>, lo: Coord, hi: Coord) -> bool {
        // Outside the extent `hit` is no tile (`cell_at` gives column and row 0).
        if !(self.extent_holds(lo) && self.extent_holds(hi)) {
            return false;
        }
        let lon_lo = self.x0 + hit.col as f64 / self.kx + BLOCK_MARGIN_DEG;
        let lon_hi = self.x0 + (hit.col + 1) as f64 / self.kx - BLOCK_MARGIN_DEG;
        let lat_lo = self.y0 + hit.row as f64 / self.ky + BLOCK_MARGIN_DEG;
        let lat_hi = self.y0 + (hit.row + 1) as f64 / self.ky - BLOCK_MARGIN_DEG;
        lo.x >= lon_lo && hi.x <= lon_hi && lo.y >= lat_lo && hi.y <= lat_hi
    }

    /// The entries of every cell whose tile meets the lon/lat box `[lo, hi]` (which
    /// must lie in the extent), cell by cell, when the tiles of at most `max_cells`
    /// cells hold the whole box (with the margin of
    /// [`tile_holds_box`](Self::tile_holds_box) on each side): a zone that none of them
    /// lists misses the box. `None` otherwise.
    pub(crate) fn cells_holding_box(
        &self,
        lo: Coord,
        hi: Coord,
        max_cells: usize,
    ) -> Option<impl Iterator<Item = &[u64]> + '_> {
        if !(self.extent_holds(lo) && self.extent_holds(hi)) {
            return None;
        }
        // The cells of the corners; one more on a side whose computed border falls
        // within the margin of the box (a few ulps off the true one).
        let (mut c0, mut c1, mut r0, mut r1) = (
            self.query_col(lo.x),
            self.query_col(hi.x),
            self.query_row(lo.y),
            self.query_row(hi.y),
        );
        let border_x = |c: usize| self.x0 + c as f64 / self.kx;
        let border_y = |r: usize| self.y0 + r as f64 / self.ky;
        if lo.x < border_x(c0) + BLOCK_MARGIN_DEG {
            c0 = c0.checked_sub(1)?;
        }
        if hi.x > border_x(c1 + 1) - BLOCK_MARGIN_DEG {
            c1 = (c1 + 1 < self.nx).then_some(c1 + 1)?;
        }
        if lo.y < border_y(r0) + BLOCK_MARGIN_DEG {
            r0 = r0.checked_sub(1)?;
        }
        if hi.y > border_y(r1 + 1) - BLOCK_MARGIN_DEG {
            r1 = (r1 + 1 < self.ny).then_some(r1 + 1)?;
        }
        let holds = lo.x >= border_x(c0) + BLOCK_MARGIN_DEG
            && hi.x <= border_x(c1 + 1) - BLOCK_MARGIN_DEG
            && lo.y >= border_y(r0) + BLOCK_MARGIN_DEG
            && hi.y <= border_y(r1 + 1) - BLOCK_MARGIN_DEG;
        if !holds || (c1 - c0 + 1) * (r1 - r0 + 1) > max_cells {
            return None;
        }
        Some((r0..=r1).flat_map(move |r| {
            (c0..=c1).map(move |c| self.entries_of(&self.cells[r * self.nx + c]))
        }))
    }

    /// The entries a cell word stands for.
    #[inline]
    fn entries_of<'a>(&'a self, cell: &'a u64) -> &'a [u64] {
        if *cell & 1 == 1 {
            std::slice::from_ref(cell)
        } else {
            let at = (*cell >> 1) as usize;
            if at == 0 {
                &[]
            } else {
                let n = self.lists[at] as usize;
                &self.lists[at + 1..at + 1 + n]
            }
        }
    }

    fn extent_holds(&self, p: Coord) -> bool {
        p.x >= self.x0 && p.x <= self.x1 && p.y >= self.y0 && p.y <= self.y1
    }

    /// Where `p` (in `hit`'s cell) lies relative to the polygon zone of edge block
    /// `block` (non-zero, from [`entry_block`]): the same answer as `Area::position`, or
    /// `None` when the zone's own predicate must decide.
    #[inline]
    pub(crate) fn block_position(
        &self,
        zone: u32,
        block: u32,
        hit: &CellHit<'_>,
        p: Coord,
    ) -> Option<Position> {
        let edges = &self.edges[zone as usize];
        let (at, split) = (
            block & ((1 << cell_edges::SPLIT_SHIFT) - 1),
            block >> cell_edges::SPLIT_SHIFT,
        );
        if split == 0 {
            let r = Coord {
                x: self.ref_x[hit.col],
                y: self.ref_y[hit.row],
            };
            return Some(edges.position(at, r, p));
        }
        let s = 1usize << split;
        let (fc, fr, sub) = self.sub_cell(hit, p, s)?;
        match edges.sub_entry(at, sub) {
            SubCell::Ring(b, n, inside) => {
                Some(edges.ring_block_position(b, n, inside, self.fine_ref(fc, fr, s), p))
            }
            SubCell::Block(b) => Some(edges.position(b, self.fine_ref(fc, fr, s), p)),
            SubCell::Fixed(cell_edges::SUB_OUTSIDE) => Some(Position::Outside),
            SubCell::Fixed(cell_edges::SUB_INSIDE) => Some(Position::Inside),
            SubCell::Fixed(_) => None,
        }
    }

    /// `p`'s column and row in the grid refined `s` times, and its sub-cell in `hit`'s
    /// cell split `s × s` (row-major). Within the cell by construction (see
    /// [`fine_col`](Self::fine_col)); checked all the same (`None`), so that a broken
    /// assumption costs speed (the zone's own predicate), never a panic.
    #[inline]
    fn sub_cell(&self, hit: &CellHit<'_>, p: Coord, s: usize) -> Option<(usize, usize, usize)> {
        let (fc, fr) = (self.fine_col(p.x, s), self.fine_row(p.y, s));
        let (dc, dr) = (fc.wrapping_sub(hit.col * s), fr.wrapping_sub(hit.row * s));
        debug_assert!(dc < s && dr < s, "sub-cell ({dc}, {dr}) of {s}: {p:?}");
        (dc < s && dr < s).then_some((fc, fr, dr * s + dc))
    }

    /// The column of `x` in the grid refined `s` times (`s` a power of two): monotone,
    /// and within the `s` sub-columns of `x`'s own column (multiplying by a power of
    /// two is exact, so `⌊y·s⌋` of the column's `y` lies in `[c·s, c·s + s)`).
    #[inline]
    fn fine_col(&self, x: f64, s: usize) -> usize {
        ((((x - self.x0) * self.kx) * s as f64) as usize).min(self.nx * s - 1)
    }

    #[inline]
    fn fine_row(&self, y: f64, s: usize) -> usize {
        ((((y - self.y0) * self.ky) * s as f64) as usize).min(self.ny * s - 1)
    }

    /// The reference point (centre) of sub-cell (`fc`, `fr`) of the grid refined `s`
    /// times.
    #[inline]
    fn fine_ref(&self, fc: usize, fr: usize, s: usize) -> Coord {
        Coord {
            x: self.x0 + (fc as f64 + 0.5) / (self.kx * s as f64),
            y: self.y0 + (fr as f64 + 0.5) / (self.ky * s as f64),
        }
    }

    /// The cells covering the box `[lo, hi]` (clamped to the grid).
    fn block_of(&self, lo: Coord, hi: Coord) -> Block {
        Block {
            c0: self.col(lo.x),
            c1: self.col(hi.x),
            r0: self.row(lo.y),
            r1: self.row(hi.y),
        }
    }

    /// A zone's raster over the cells its reach box covers.
    fn classify(&self, zone: &PreparedZone, params: GridParams) -> ZoneRaster {
        let (lo, hi) = zone.reach(0.0);
        if !(lo.x <= hi.x && lo.y <= hi.y) {
            return ZoneRaster {
                block: Block {
                    c0: 0,
                    c1: 0,
                    r0: 0,
                    r1: 0,
                },
                raster: vec![OUT],
                blocks: Vec::new(),
                recs: Vec::new(),
            };
        }
        let block = self.block_of(lo, hi);
        let w = block.c1 - block.c0 + 1;
        let mut raster = vec![UNKNOWN; w * (block.r1 - block.r0 + 1)];
        if let Some(area) = &zone.area {
            self.classify_area(area, block, &mut raster);
        } else {
            raster.fill(OUT);
        }
        // Record 0 is unused: block index 0 means "none".
        let (mut blocks, mut recs) = (Vec::new(), vec![[0.0; 4]]);
        if zone.distance_m > 0.0 || zone.area.is_none() {
            self.classify_distance(zone, block, &mut raster);
        } else if let Some(area) = &zone.area {
            self.edge_blocks(area, block, &mut raster, params, &mut blocks, &mut recs);
        }
        if recs.len() >= 1 << cell_edges::SPLIT_SHIFT {
            // Beyond what an entry can address (8 GB): the zone's own predicate decides.
            blocks.clear();
            recs = Vec::new();
        }
        ZoneRaster {
            block,
            raster,
            blocks,
            recs,
        }
    }

    /// Marks the cells an area's edges may meet, then classifies the other cells run by
    /// run along each row with one exact test per run.
    fn classify_area(&self, area: &Area, b: Block, raster: &mut [u8]) {
        let w = b.c1 - b.c0 + 1;
        for ring in area.rings() {
            for e in ring.windows(2) {
                self.mark_edge(e[0], e[1], b, raster);
            }
        }
        // Rows are independent: in parallel (one huge zone is many rows).
        raster
            .par_chunks_mut(w)
            .with_min_len(ROWS_PER_TASK)
            .enumerate()
            .for_each(|(k, row)| {
                let r = b.r0 + k;
                let mut run: Option<u8> = None;
                for (j, cell) in row.iter_mut().enumerate() {
                    if *cell == EDGE {
                        run = None;
                        continue;
                    }
                    let state = match run {
                        Some(s) => s,
                        None => {
                            let s = self.decide_tile(area, b.c0 + j, r);
                            if s != EDGE {
                                run = Some(s);
                            }
                            s
                        }
                    };
                    *cell = state;
                }
            });
    }

    /// The exact class of tile (c, r), which no edge meets, from its centre; EDGE when
    /// the computed centre does not map back into the tile.
    fn decide_tile(&self, area: &Area, c: usize, r: usize) -> u8 {
        let p = Coord {
            x: self.x0 + (c as f64 + 0.5) / self.kx,
            y: self.y0 + (r as f64 + 0.5) / self.ky,
        };
        if self.col(p.x) != c || self.row(p.y) != r {
            return EDGE;
        }
        match area.position(p) {
            Position::Inside => IN,
            Position::Outside => OUT,
            Position::Boundary => EDGE,
        }
    }

    /// Marks as EDGE every cell of block `b` that the segment `a`–`e` may meet.
    fn mark_edge(&self, a: Coord, e: Coord, b: Block, raster: &mut [u8]) {
        self.for_each_edge_cell(a, e, b, |i| raster[i] = EDGE);
    }

    /// Calls `f(raster index)` for every cell of block `b` that the segment `a`–`e` may
    /// meet (possibly more than once).
    fn for_each_edge_cell(&self, a: Coord, e: Coord, b: Block, mut f: impl FnMut(usize)) {
        let w = b.c1 - b.c0 + 1;
        let span = ((e.x - a.x).abs() * self.kx).max((e.y - a.y).abs() * self.ky);
        let pieces = (span.ceil() as usize).clamp(1, 1 << 20);
        let at = |j: usize| {
            if j == pieces {
                e
            } else {
                let t = j as f64 / pieces as f64;
                Coord {
                    x: a.x + t * (e.x - a.x),
                    y: a.y + t * (e.y - a.y),
                }
            }
        };
        let mut p = a;
        for j in 1..=pieces {
            let q = at(j);
            let lo = Coord {
                x: p.x.min(q.x) - PIECE_MARGIN_DEG,
                y: p.y.min(q.y) - PIECE_MARGIN_DEG,
            };
            let hi = Coord {
                x: p.x.max(q.x) + PIECE_MARGIN_DEG,
                y: p.y.max(q.y) + PIECE_MARGIN_DEG,
            };
            let cells = self.block_of(lo, hi);
            for r in cells.r0.max(b.r0)..=cells.r1.min(b.r1) {
                for c in cells.c0.max(b.c0)..=cells.c1.min(b.c1) {
                    f((r - b.r0) * w + (c - b.c0));
                }
            }
            p = q;
        }
    }

    /// Classifies the cells of a distance zone (or a grown polygon, whose raster already
    /// holds its polygon classes) by distance bounds over blocks of cells.
    fn classify_distance(&self, zone: &PreparedZone, b: Block, raster: &mut [u8]) {
        let w = b.c1 - b.c0 + 1;
        let d = zone.distance_m;
        let mut stack = vec![b];
        while let Some(k) = stack.pop() {
            let (near, far) = self.distance_class(zone, k, d);
            let single = k.c0 == k.c1 && k.r0 == k.r1;
            if near || far || single {
                for r in k.r0..=k.r1 {
                    for c in k.c0..=k.c1 {
                        let s = &mut raster[(r - b.r0) * w + (c - b.c0)];
                        *s = if near {
                            IN
                        } else if far {
                            *s
                        } else if *s == IN {
                            IN
                        } else {
                            EDGE
                        };
                    }
                }
                continue;
            }
            let cm = (k.c0 + k.c1) / 2;
            let rm = (k.r0 + k.r1) / 2;
            for (c0, c1) in [(k.c0, cm), (cm + 1, k.c1)] {
                for (r0, r1) in [(k.r0, rm), (rm + 1, k.r1)] {
                    if c0 <= c1 && r0 <= r1 {
                        stack.push(Block { c0, c1, r0, r1 });
                    }
                }
            }
        }
    }

    /// (every point of the block is within `d` of the skeleton, none is).
    fn distance_class(&self, zone: &PreparedZone, k: Block, d: f64) -> (bool, bool) {
        let lon_lo = self.x0 + k.c0 as f64 / self.kx - BLOCK_MARGIN_DEG;
        let lon_hi = self.x0 + (k.c1 + 1) as f64 / self.kx + BLOCK_MARGIN_DEG;
        let lat_lo = (self.y0 + k.r0 as f64 / self.ky - BLOCK_MARGIN_DEG).max(-90.0);
        let lat_hi = (self.y0 + (k.r1 + 1) as f64 / self.ky + BLOCK_MARGIN_DEG).min(90.0);
        let centre = Coord {
            x: (lon_lo + lon_hi) / 2.0,
            y: (lat_lo + lat_hi) / 2.0,
        };
        let reach = half_diagonal_bound_m(centre, lon_lo, lon_hi, lat_lo, lat_hi);
        if !reach.is_finite() {
            return (false, false);
        }
        // Beyond d + H + slack the exact value does not matter (the block is out), and
        // the capped search is cheaper.
        let Some(dc) = zone
            .skeleton()
            .distance_up_to_m(centre, d + reach + DISTANCE_SLACK_M)
        else {
            return (false, !centre.x.is_nan() && !centre.y.is_nan());
        };
        (
            dc + reach + DISTANCE_SLACK_M <= d,
            dc - reach - DISTANCE_SLACK_M > d,
        )
    }

    /// Per zone, whether some query in the grid may still ask the zone's own predicate:
    /// an exact entry without an edge block, or a split cell with an "ask the zone"
    /// sub-cell (noted while the build lists the entries).
    pub(crate) fn zones_asked(&self) -> &[bool] {
        &self.asked
    }

    /// [`zones_asked`](Self::zones_asked) found the slow way, by scanning every entry of
    /// the finished grid (tests: the oracle for the bookkeeping of the build).
    #[cfg(test)]
    pub(crate) fn zones_asked_by_scan(&self) -> Vec<bool> {
        let mut asked = vec![false; self.asked.len()];
        let mut mark = |e: u64| {
            let zone = entry_zone(e) as usize;
            asked[zone] |= entry_is_exact(e) && self.edges[zone].asks_zone(entry_block(e));
        };
        for &c in &self.cells {
            if c & 1 == 1 {
                mark(c);
            }
        }
        let mut i = 1;
        while i < self.lists.len() {
            let n = self.lists[i] as usize;
            for &e in &self.lists[i + 1..i + 1 + n] {
                mark(e);
            }
            i += n + 1;
        }
        asked
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.cells.capacity() * 8
            + self.lists.capacity() * 8
            + (self.ref_x.capacity() + self.ref_y.capacity()) * 8
            + self.edges.iter().map(CellEdges::heap_bytes).sum::<usize>()
    }

    /// Columns and rows.
    pub(crate) fn dims(&self) -> (usize, usize) {
        (self.nx, self.ny)
    }

    /// The grid lines: x of column border `c`, y of row border `r` (as computed, which
    /// may be an ulp off the true tile border: tests probe both sides), of the grid
    /// refined `s` times (sub-cell borders; `s` = 1: the grid's own).
    #[cfg(test)]
    pub(crate) fn line_x(&self, c: usize, s: usize) -> f64 {
        self.x0 + c as f64 / (self.kx * s as f64)
    }

    #[cfg(test)]
    pub(crate) fn line_y(&self, r: usize, s: usize) -> f64 {
        self.y0 + r as f64 / (self.ky * s as f64)
    }

    /// Everything the grid holds, as bits (tests: two builds compared exactly).
    #[cfg(test)]
    pub(crate) fn fingerprint(&self) -> Vec<u64> {
        let mut out: Vec<u64> = [self.x0, self.y0, self.x1, self.y1, self.kx, self.ky]
            .iter()
            .map(|v| v.to_bits())
            .collect();
        out.extend([self.nx as u64, self.ny as u64, self.edges.len() as u64]);
        out.extend(&self.cells);
        out.extend(&self.lists);
        out.extend(self.ref_x.iter().chain(&self.ref_y).map(|v| v.to_bits()));
        for zone in &self.edges {
            out.push(u64::MAX);
            out.extend(zone.record_bits());
        }
        out
    }

    /// How many (cell, zone) entries have an edge block.
    #[cfg(test)]
    pub(crate) fn block_count(&self) -> usize {
        let inline = self.cells.iter().filter(|&&c| c & 1 == 1);
        let listed = (1..self.lists.len())
            .scan(1usize, |next, i| {
                if i != *next {
                    return Some(None);
                }
                let n = self.lists[i] as usize;
                *next = i + n + 1;
                Some(Some(&self.lists[i + 1..i + 1 + n]))
            })
            .flatten()
            .flatten();
        inline
            .chain(listed)
            .filter(|&&e| entry_block(e) != 0)
            .count()
    }

    /// The reference point of `p`'s sub-cell in the grid refined `s` times (`s` = 1:
    /// its cell): edge blocks count crossings from there.
    #[cfg(test)]
    pub(crate) fn reference_at(&self, p: Coord, s: usize) -> Coord {
        self.fine_ref(self.fine_col(p.x, s), self.fine_row(p.y, s), s)
    }
}

/// The zone of a cell entry.
#[inline]
pub(crate) fn entry_zone(e: u64) -> u32 {
    (e as u32) >> 2
}

/// Whether a cell entry must be decided exactly (else the zone covers the whole cell).
#[inline]
pub(crate) fn entry_is_exact(e: u64) -> bool {
    e & 2 != 0
}

/// The cell's edge block for an exact entry of an ungrown polygon zone (0: none, decide
/// with the zone's own predicate).
#[inline]
pub(crate) fn entry_block(e: u64) -> u32 {
    (e >> 32) as u32
}

/// Cache lines of an edge block [`ZoneGrid::prefetch_blocks`] asks for: the header and
/// the first six or seven edges (the 10 M stress join scans ~10 edges a block).
const BLOCK_LINES: usize = 4;

/// An upper bound on the geodesic distance from `c` to any point of the lon/lat box
/// (which holds `c`): go along `c`'s meridian to the point's latitude (at most
/// `a/√(1−e²)` per radian), then along that parallel (at most `a/√(1−e²)` · cos φ per
/// radian, φ the lowest |latitude| of the box); the geodesic is no longer. Rounded up.
fn half_diagonal_bound_m(c: Coord, lon_lo: f64, lon_hi: f64, lat_lo: f64, lat_hi: f64) -> f64 {
    let dlat = (c.y - lat_lo).max(lat_hi - c.y).to_radians();
    let dlon = (c.x - lon_lo).max(lon_hi - c.x).to_radians();
    let low = if lat_lo <= 0.0 && lat_hi >= 0.0 {
        0.0
    } else {
        lat_lo.abs().min(lat_hi.abs())
    };
    let cos = (low.to_radians().cos() * (1.0 + 1e-12)).min(1.0);
    RADIUS_MAX_M * (dlat + cos * dlon) * (1.0 + 1e-9) + 1e-6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Shape, Zone};
    use geo_types::{LineString, MultiPolygon, Polygon};

    fn area(id: &str, shell: Vec<(f64, f64)>, holes: Vec<Vec<(f64, f64)>>) -> Zone {
        Zone {
            id: id.into(),
            name: None,
            shape: Shape::Area {
                polygons: MultiPolygon(vec![Polygon::new(
                    LineString::from(shell),
                    holes.into_iter().map(LineString::from).collect(),
                )]),
                buffer_m: 0.0,
            },
        }
    }

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<(f64, f64)> {
        vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    }

    /// A grid over exactly [0, 16] × [0, 16] with 16 × 16 cells of 1°, and the state of
    /// each zone at the cell holding `p` (None = not listed = outside).
    fn grid_of(zones: &[Zone]) -> (Vec<PreparedZone>, ZoneGrid) {
        let prepared: Vec<PreparedZone> = zones.iter().map(PreparedZone::new).collect();
        let order: Vec<usize> = (0..zones.len()).collect();
        let params = GridParams::sixteen_by_sixteen(48, 4, 48);
        (
            prepared.clone(),
            ZoneGrid::build(&prepared, &order, 0, params),
        )
    }

    fn state(grid: &ZoneGrid, zone: u32, p: Coord) -> Option<u8> {
        grid.entries_at(p)
            .iter()
            .find(|&&e| entry_zone(e) == zone)
            .map(|&e| if entry_is_exact(e) { EDGE } else { IN })
    }

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    #[test]
    fn queries_map_every_coordinate_to_the_builds_column_and_row() {
        // An extent and cell size with nothing round about them (default parameters).
        let zones = [area(
            "z",
            vec![(3.17, -12.3), (41.9, -11.1), (20.3, 7.77), (3.17, -12.3)],
            vec![],
        )];
        let prepared: Vec<PreparedZone> = zones.iter().map(PreparedZone::new).collect();
        let grid = ZoneGrid::build(&prepared, &[0], 3, GridParams::default());
        let (nx, ny) = grid.dims();
        assert!(nx > 100 && ny > 50, "{nx} × {ny}");
        let specials = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
            0.0,
            -0.0,
            -1e-300,
            1e300,
            -1e300,
            2147483648.0,
            -2147483649.0,
        ];
        // Every border, an ulp either side, the middle of each cell, and far outside.
        let probes = |lo: f64, k: f64, n: usize| {
            let mut v: Vec<f64> = specials.to_vec();
            for c in 0..=n + 1 {
                let b = lo + c as f64 / k;
                v.extend([b, b.next_up(), b.next_down(), b + 0.5 / k]);
            }
            v.extend([lo - 1e9, lo + 1e9, lo - 0.3 / k, lo + (n as f64 + 7.0) / k]);
            v
        };
        for x in probes(grid.x0, grid.kx, nx) {
            assert_eq!(grid.query_col(x), grid.col(x), "x = {x:e}");
        }
        for y in probes(grid.y0, grid.ky, ny) {
            assert_eq!(grid.query_row(y), grid.row(y), "y = {y:e}");
        }
    }

    #[test]
    fn cells_inside_a_hole_are_outside_and_cells_on_its_edge_are_exact() {
        let zones = [area(
            "z",
            square(0.0, 0.0, 16.0, 16.0),
            vec![square(4.0, 4.0, 12.0, 12.0)],
        )];
        let (_, grid) = grid_of(&zones);
        assert_eq!(grid.dims(), (16, 16));
        assert_eq!(state(&grid, 0, c(8.5, 8.5)), None, "deep in the hole");
        assert_eq!(state(&grid, 0, c(1.5, 1.5)), Some(IN));
        assert_eq!(
            state(&grid, 0, c(4.5, 8.5)),
            Some(EDGE),
            "on the hole's edge"
        );
        // Cells merely touching the hole's edge along their border are exact too: the
        // edge x = 4 is the border between columns 3 and 4.
        assert_eq!(state(&grid, 0, c(3.5, 8.5)), Some(EDGE));
        assert_eq!(state(&grid, 0, c(2.5, 8.5)), Some(IN));
    }

    #[test]
    fn a_cell_straddling_an_edge_is_exact() {
        let zones = [area(
            "z",
            vec![(0.0, 0.0), (16.0, 0.0), (0.0, 16.0), (0.0, 0.0)],
            vec![],
        )];
        let (_, grid) = grid_of(&zones);
        // The diagonal x + y = 16 crosses cell (7, 8) through its corners and (7, 7)
        // through its upper-right corner only.
        assert_eq!(state(&grid, 0, c(7.5, 8.5)), Some(EDGE));
        assert_eq!(
            state(&grid, 0, c(7.5, 7.5)),
            Some(EDGE),
            "touched at a corner"
        );
        assert_eq!(state(&grid, 0, c(5.5, 5.5)), Some(IN));
        assert_eq!(state(&grid, 0, c(10.5, 10.5)), None);
    }

    #[test]
    fn a_tiny_polygon_inside_one_cell_makes_it_exact_and_nothing_inside() {
        let zones = [
            area("big", square(0.0, 0.0, 16.0, 16.0), vec![]),
            area("tiny", square(5.25, 5.25, 5.5, 5.5), vec![]),
        ];
        let (_, grid) = grid_of(&zones);
        assert_eq!(state(&grid, 1, c(5.1, 5.9)), Some(EDGE));
        assert_eq!(state(&grid, 1, c(6.5, 5.5)), None);
        assert_eq!(state(&grid, 0, c(5.1, 5.9)), Some(IN));
    }

    #[test]
    fn a_cell_touched_by_a_vertex_only_is_exact() {
        // A diamond whose left vertex (4, 8) is the corner of four cells.
        let zones = [
            area("frame", square(0.0, 0.0, 16.0, 16.0), vec![]),
            area(
                "diamond",
                vec![(4.0, 8.0), (8.0, 4.0), (12.0, 8.0), (8.0, 12.0), (4.0, 8.0)],
                vec![],
            ),
        ];
        let (prepared, grid) = grid_of(&zones);
        // Tiles are half-open: the vertex belongs to tile (4, 8), and the edges leave it
        // through tiles (4, 7) and (4, 8); the tiles left of x = 4 hold no point of the
        // diamond, so they may (and do) leave it out.
        for p in [c(4.5, 7.5), c(4.5, 8.5)] {
            assert_eq!(state(&grid, 1, p), Some(EDGE), "{p:?}");
        }
        for p in [c(3.5, 7.5), c(3.5, 8.5)] {
            assert_eq!(state(&grid, 1, p), None, "{p:?}");
        }
        let vertex = c(4.0, 8.0);
        assert_eq!(state(&grid, 1, vertex), Some(EDGE));
        assert!(prepared[1].covers(vertex, 0.0) && !prepared[1].contains(vertex));
        assert!(!prepared[1].covers(c(4.0f64.next_down(), 8.0), 0.0));
        assert_eq!(state(&grid, 1, c(2.5, 8.5)), None);
        assert_eq!(state(&grid, 1, c(8.5, 8.5)), Some(IN));
    }

    #[test]
    fn circle_cells_are_inside_outside_or_exact_by_distance() {
        let zones = [Zone {
            id: "camp".into(),
            name: None,
            shape: Shape::Circle {
                centre: c(16.6, 31.0),
                radius_m: 20_000.0,
            },
        }];
        let (prepared, grid) = grid_of(&zones);
        let z = &prepared[0];
        let (lo, hi) = z.reach(0.0);
        let mut seen = [0usize; 3];
        for i in 0..200 {
            for j in 0..200 {
                let p = c(
                    lo.x + (hi.x - lo.x) * i as f64 / 199.0,
                    lo.y + (hi.y - lo.y) * j as f64 / 199.0,
                );
                match state(&grid, 0, p) {
                    Some(IN) => {
                        seen[0] += 1;
                        assert!(z.covers(p, 0.0) && z.contains(p), "{p:?}");
                    }
                    None => {
                        seen[1] += 1;
                        assert!(!z.covers(p, 0.0), "{p:?}");
                    }
                    _ => seen[2] += 1,
                }
            }
        }
        assert!(seen.iter().all(|&n| n > 0), "{seen:?}");
    }
}
