//! The prepared zone index: every zone's region ready for exact point queries, behind a
//! grid of classified cells (the join kernel, see `zone_grid.rs` and `docs/zone-index.md`)
//! and an R-tree over their bounding boxes (queries with a reach, and the brute-force
//! reference path).

use std::sync::OnceLock;

use rayon::prelude::*;
use rstar::{AABB, Envelope, RTree, RTreeObject};

use crate::area::{Area, Position};
use crate::geodesic::{self, QueryPoint, Seed, SegmentSet};
use crate::zone_grid::{CellHit, GridParams, ZoneGrid, entry_block, entry_is_exact, entry_zone};
use crate::{Coord, Shape, Zone, ZoneRef};

mod batch;
#[cfg(test)]
mod on_edge;
pub use batch::{LookAhead, ZoneHits};

/// Which relation a spatial join asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Predicate {
    /// The point is in the zone or on its edge (PostGIS `ST_Covers`, shapely `covers`).
    #[default]
    Covers,
    /// The point is strictly inside the zone, not on its edge (`ST_Contains`).
    Contains,
}

/// One zone prepared for exact queries: region = area ∪ { p : d(p, skeleton) ≤ distance }.
#[derive(Clone, Debug)]
pub(crate) struct PreparedZone {
    /// The polygons, for `Shape::Area`.
    pub(crate) area: Option<Area>,
    /// Polygon rings, band lines, or a circle's centre. A polygon zone's is built at its
    /// first distance (`skeleton()`): a join of ungrown polygons never asks for one, and
    /// the stress set's take ~30 MB and a tenth of the preparation; `Checker::new` builds
    /// them all up front, so no report pays for one.
    skeleton: OnceLock<SegmentSet>,
    /// How far the skeleton is grown, metres.
    pub(crate) distance_m: f64,
    /// Bounding box of the skeleton (not grown).
    pub(crate) bounds: (Coord, Coord),
    /// The same box, prepared for lower bounds from query points.
    bounds_box: geodesic::PreparedBox,
    /// A circle's centre, prepared for distances.
    anchor: Option<geodesic::Anchor>,
    /// The cosine of a circle's centre latitude, rounded up (for
    /// [`inner_edge_lower_bound_m`](Self::inner_edge_lower_bound_m)); 1 for other shapes.
    centre_cos: f64,
}

/// Where a point lies relative to a zone grown by some extra distance, with its distance
/// to the grown region's edge, as DESIGN's signed depth defines it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Placement {
    /// Inside the grown region or on its edge.
    pub(crate) covered: bool,
    /// Distance to the region's edge, metres, ≥ 0.
    pub(crate) edge_m: f64,
}

impl PreparedZone {
    pub(crate) fn new(zone: &Zone) -> PreparedZone {
        let (area, skeleton, bounds) = match &zone.shape {
            Shape::Area { polygons, .. } => {
                let area = Area::new(polygons);
                let bounds = crate::extent::bounding_box(area.rings().flatten().copied());
                (Some(area), OnceLock::new(), bounds)
            }
            Shape::Circle { centre, .. } => {
                let set = SegmentSet::new([std::slice::from_ref(centre)]);
                let bounds = set.bounds();
                (None, OnceLock::from(set), bounds)
            }
            Shape::Band { lines, .. } => {
                let set = SegmentSet::new(lines.iter().map(|l| l.0.as_slice()));
                let bounds = set.bounds();
                (None, OnceLock::from(set), bounds)
            }
        };
        let (anchor, centre_cos) = match &zone.shape {
            Shape::Circle { centre, .. } => (
                Some(geodesic::Anchor::new(*centre)),
                // An ulp of libm's cosine, and more, covered by the relative padding.
                (centre.y.to_radians().cos().max(0.0) * (1.0 + 1e-12)).min(1.0),
            ),
            _ => (None, 1.0),
        };
        PreparedZone {
            area,
            skeleton,
            distance_m: zone.shape.distance_m(),
            bounds,
            bounds_box: geodesic::PreparedBox::new(bounds.0, bounds.1),
            anchor,
            centre_cos,
        }
    }

    /// The skeleton, built now if this is its first use (see the field).
    /// Whether the skeleton has been built.
    #[cfg(test)]
    pub(crate) fn skeleton_built(&self) -> bool {
        self.skeleton.get().is_some()
    }

    pub(crate) fn skeleton(&self) -> &SegmentSet {
        self.skeleton.get_or_init(|| {
            let area = self
                .area
                .as_ref()
                .expect("only a polygon zone's is built late");
            SegmentSet::new(area.rings())
        })
    }

    /// The exact distance from `p` to the skeleton (a circle's centre: one distance, no
    /// search; the result is the same).
    fn skeleton_at(&self, q: &QueryPoint) -> f64 {
        self.skeleton_seeded_at(q, &mut Seed::default())
    }

    /// [`skeleton_at`](Self::skeleton_at), a polygon's or band's search seeded with
    /// `seed` (`SegmentSet::distance_seeded_at`): the same value.
    fn skeleton_seeded_at(&self, q: &QueryPoint, seed: &mut Seed) -> f64 {
        let p = q.at();
        match &self.anchor {
            Some(c) if !p.x.is_nan() && !p.y.is_nan() => c.distance_at(q),
            _ => self.skeleton().distance_seeded_at(q, seed),
        }
    }

    /// [`SegmentSet::distance_up_to_m`] of the skeleton, a circle's without a search.
    fn skeleton_up_to_m(&self, p: Coord, cap: f64) -> Option<f64> {
        self.skeleton_up_to_at(&QueryPoint::new(p), cap)
    }

    /// [`skeleton_up_to_m`](Self::skeleton_up_to_m) from a prepared query point.
    fn skeleton_up_to_at(&self, q: &QueryPoint, cap: f64) -> Option<f64> {
        match &self.anchor {
            Some(c) if cap >= 0.0 => {
                let d = c.distance_at(q);
                (d <= cap).then_some(d)
            }
            _ => self.skeleton().distance_up_to_at(q, cap),
        }
    }

    /// A rigorous lower bound on the edge distance of a point `p` that the (ungrown) region
    /// covers, metres, cheap (no geodesic solution, no trigonometry): for a circle of
    /// radius r, r minus an upper bound on d(p, centre); for other shapes −∞ (no bound).
    ///
    /// The upper bound is `geodesic::upper_bound_m`'s path (along one point's meridian to
    /// the other's latitude, then along that parallel, each radius at most a/√(1−e²) ≈
    /// 6 399 594 m), walked along the parallel of whichever point has the smaller cos φ:
    /// no longer than with the centre's own cos φ, computed once. Looser than
    /// `upper_bound_m` by cos φc − min(cos φp, cos φc), ~1e-4 relative for a point a few
    /// km from the centre; `upper_bound_m`'s two libm cosines were ~3 % of a Sirte check.
    pub(crate) fn inner_edge_lower_bound_m(&self, p: Coord) -> f64 {
        const RADIUS_MAX_M: f64 = 6_399_594.0;
        let Some(c) = &self.anchor else {
            return f64::NEG_INFINITY;
        };
        let c = c.at();
        let dlat = (p.y - c.y).abs().to_radians();
        let mut dlon = (p.x - c.x).abs();
        if dlon > 180.0 {
            dlon = 360.0 - dlon;
        }
        let bound = RADIUS_MAX_M * (dlat + self.centre_cos * dlon.to_radians());
        self.distance_m - (bound * (1.0 + 1e-9) + 1e-6)
    }

    /// The lon/lat box holding every point of the region grown by `extra_m`.
    pub(crate) fn reach(&self, extra_m: f64) -> (Coord, Coord) {
        geodesic::box_grown_by_m(self.bounds.0, self.bounds.1, self.distance_m + extra_m)
    }

    /// A rigorous lower bound on the distance from `p` to the region grown by `extra_m`
    /// (0 when `p` may be inside).
    pub(crate) fn lower_bound_m(&self, p: Coord, extra_m: f64) -> f64 {
        (geodesic::lower_bound_to_box_m(p, self.bounds.0, self.bounds.1)
            - self.distance_m
            - extra_m)
            .max(0.0)
    }

    /// [`lower_bound_m`](Self::lower_bound_m) from a prepared query point: the same value,
    /// without trigonometry of its own.
    pub(crate) fn lower_bound_at(&self, q: &QueryPoint, extra_m: f64) -> f64 {
        (self.bounds_box.lower_bound_m(q) - self.distance_m - extra_m).max(0.0)
    }

    /// Whether the distance test may put a point in the region grown to `grow`. Not for an
    /// area that is not grown: there the exact point-in-polygon predicate alone decides,
    /// and a geodesic distance rounded to "0" must never pull an outside point in.
    fn grows(&self, grow: f64) -> bool {
        self.area.is_none() || grow > 0.0
    }

    /// Whether `p` is in the region grown by `extra_m` (edge included).
    pub(crate) fn covers(&self, p: Coord, extra_m: f64) -> bool {
        // The query point computes nothing until a bound or distance needs it.
        self.covers_at(&QueryPoint::new(p), extra_m)
    }

    /// [`covers`](Self::covers) from a prepared query point, whose trigonometry the
    /// report's other distances share.
    pub(crate) fn covers_at(&self, q: &QueryPoint, extra_m: f64) -> bool {
        let p = q.at();
        if let Some(area) = &self.area
            && self.distance_m + extra_m == 0.0
        {
            // Ungrown: the exact predicate alone decides (a covered point is in the box,
            // where the distance bound below is 0).
            return area.covers(p);
        }
        if self.lower_bound_at(q, extra_m) > 0.0 {
            return false;
        }
        if self.area.as_ref().is_some_and(|a| a.covers(p)) {
            return true;
        }
        let grow = self.distance_m + extra_m;
        self.grows(grow) && self.skeleton_up_to_at(q, grow).is_some()
    }

    /// Whether `p` is strictly inside the region (edge excluded).
    pub(crate) fn contains(&self, p: Coord) -> bool {
        if let Some(area) = &self.area
            && self.distance_m == 0.0
        {
            return area.position(p) == Position::Inside;
        }
        self.contains_with(p, Area::position)
    }

    /// [`covers`](Self::covers) (no extra growth) testing every polygon edge: the
    /// reference path.
    fn covers_brute_force(&self, p: Coord) -> bool {
        if self.lower_bound_m(p, 0.0) > 0.0 {
            return false;
        }
        if self
            .area
            .as_ref()
            .is_some_and(|a| a.position_brute_force(p).is_covered())
        {
            return true;
        }
        self.grows(self.distance_m) && self.skeleton_up_to_m(p, self.distance_m).is_some()
    }

    fn contains_with(&self, p: Coord, position: impl Fn(&Area, Coord) -> Position) -> bool {
        if self.lower_bound_m(p, 0.0) > 0.0 {
            return false;
        }
        if let Some(area) = &self.area {
            match position(area, p) {
                Position::Inside => return true,
                Position::Boundary => return self.distance_m > 0.0,
                Position::Outside if self.distance_m == 0.0 => return false,
                Position::Outside => {}
            }
        }
        self.skeleton()
            .distance_up_to_m(p, self.distance_m)
            .is_some_and(|d| d < self.distance_m)
    }

    /// Exact placement of `p` relative to the region grown by `extra_m`.
    ///
    /// Edge distance: inside an area, d(p, boundary) + grow; elsewhere |d(p, skeleton) − grow|,
    /// where grow = the zone's own distance + `extra_m`.
    pub(crate) fn place(&self, p: Coord, extra_m: f64) -> Placement {
        self.place_at(&QueryPoint::new(p), extra_m)
    }

    /// [`place`](Self::place) from a prepared query point.
    pub(crate) fn place_at(&self, q: &QueryPoint, extra_m: f64) -> Placement {
        let p = q.at();
        let grow = self.distance_m + extra_m;
        let d = self.skeleton_at(q);
        if self.area.as_ref().is_some_and(|a| a.covers(p)) {
            return Placement {
                covered: true,
                edge_m: d + grow,
            };
        }
        Placement {
            covered: self.grows(grow) && d <= grow,
            edge_m: (d - grow).abs(),
        }
    }

    /// The edge distance of a point `p` that the region does not cover, when it is at
    /// most `cap_m`: then bit-identical to `place(p, 0.0).edge_m` (the capped search finds
    /// the same exact distance); `None` when it is larger.
    pub(crate) fn outside_edge_up_to_m(&self, q: &QueryPoint, cap_m: f64) -> Option<f64> {
        let grow = self.distance_m;
        let d = self.skeleton_up_to_at(q, cap_m + grow)?;
        Some((d - grow).abs())
    }

    /// [`place`](Self::place) (no extra growth) of a point `p` the region is known to
    /// cover: an ungrown polygon's edge distance needs no cover test then.
    pub(crate) fn place_covered(&self, q: &QueryPoint) -> Placement {
        if self.area.is_some() && self.distance_m == 0.0 {
            return Placement {
                covered: true,
                edge_m: self.skeleton_at(q) + self.distance_m,
            };
        }
        self.place_at(q, 0.0)
    }

    /// [`place`](Self::place) of a point `p` the zone's polygons cover, relative to the
    /// region grown by `extra_m`: its depth searched from `seed` (see
    /// [`place_near_with`](Self::place_near_with)).
    fn place_covered_seeded(&self, q: &QueryPoint, extra_m: f64, seed: &mut Seed) -> Placement {
        let grow = self.distance_m + extra_m;
        Placement {
            covered: true,
            edge_m: self.skeleton_seeded_at(q, seed) + grow,
        }
    }

    /// [`place`](Self::place) (relative to the region grown by `extra_m`) of a point that
    /// the exact predicate puts on the boundary of the zone's polygons, without a search.
    ///
    /// The boundary is the skeleton: its rings, whose pieces are straight in lon/lat like
    /// the segments the depth search measures to (`geodesic::segment`, `Span::at`, the
    /// lerp of the ends). A point on a ring is a point of a segment, at distance exactly
    /// 0 from the skeleton, so the edge distance is `0 + grow`, what
    /// [`place_covered_seeded`](Self::place_covered_seeded) gives for a distance of 0.
    /// (The search itself returns 0 or a few nm there, the rounding of the chords it
    /// minimises: up to 2^-32 m … 1e-8 m on the stress set's on-edge probes.)
    fn place_on_edge(&self, extra_m: f64) -> Placement {
        let grow = self.distance_m + extra_m;
        Placement {
            covered: true,
            edge_m: 0.0 + grow,
        }
    }

    /// [`place`](Self::place) of `p` relative to the region grown by `extra_m`, when `p` is
    /// in it or within `beyond_m` outside it; `None` when it is farther out.
    #[cfg(test)]
    pub(crate) fn place_near(&self, p: Coord, extra_m: f64, beyond_m: f64) -> Option<Placement> {
        let q = QueryPoint::new(p);
        self.place_near_with(
            &q,
            extra_m,
            beyond_m,
            |a| a.position(p),
            &mut Seed::default(),
        )
    }

    /// [`place_near`](Self::place_near), with `area_position(area)` answering where `p`
    /// lies relative to the zone's polygons (the grid may know it without the stripes),
    /// and the depth of a covered point searched from `seed` (a piece of the skeleton
    /// near a recent point; updated to the nearest piece found). The same placement
    /// whatever the seed. A point on the polygons' boundary needs no search
    /// ([`place_on_edge`](Self::place_on_edge)).
    pub(crate) fn place_near_with(
        &self,
        q: &QueryPoint,
        extra_m: f64,
        beyond_m: f64,
        area_position: impl FnOnce(&Area) -> Position,
        seed: &mut Seed,
    ) -> Option<Placement> {
        if self.lower_bound_at(q, extra_m + beyond_m) > 0.0 {
            return None;
        }
        if let Some(area) = &self.area {
            match area_position(area) {
                Position::Inside => return Some(self.place_covered_seeded(q, extra_m, seed)),
                Position::Boundary => return Some(self.place_on_edge(extra_m)),
                Position::Outside => {}
            }
        }
        let grow = self.distance_m + extra_m;
        let d = self.skeleton_up_to_at(q, grow + beyond_m)?;
        if self.grows(grow) && d <= grow {
            Some(Placement {
                covered: true,
                edge_m: grow - d,
            })
        } else if (d - grow).abs() < beyond_m {
            Some(Placement {
                covered: false,
                edge_m: (d - grow).abs(),
            })
        } else {
            None
        }
    }
}

#[derive(Clone, Debug)]
struct Entry {
    zone: u32,
    envelope: AABB<[f64; 2]>,
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

/// The boxes of the zones with an extra reach: a list while there are few (a scan of a
/// handful of boxes costs less than a tree walk, whose iterator alone is ~100 ns), an
/// R-tree beyond. Both give every box that intersects the query's (`AABB::intersects`).
#[derive(Clone, Debug)]
enum Reach {
    Few(Vec<Entry>),
    Many(RTree<Entry>),
}

impl Reach {
    /// Up to this many boxes are scanned.
    const FEW: usize = 16;

    fn new(entries: Vec<Entry>) -> Reach {
        if entries.len() <= Self::FEW {
            Reach::Few(entries)
        } else {
            Reach::Many(RTree::bulk_load(entries))
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Reach::Few(list) => list.is_empty(),
            Reach::Many(tree) => tree.size() == 0,
        }
    }

    fn for_each_intersecting(&self, env: &AABB<[f64; 2]>, f: impl FnMut(&Entry)) {
        match self {
            Reach::Few(list) => list
                .iter()
                .filter(|e| e.envelope.intersects(env))
                .for_each(f),
            Reach::Many(tree) => tree.locate_in_envelope_intersecting(env).for_each(f),
        }
    }
}

/// At most this many cells around a keep-out disc that reaches beyond its own cell are
/// read for candidates (a 3 × 3 block), and at most this many zones of theirs that the
/// own cell does not list; beyond either, the R-tree over all zones' boxes answers.
const NEAR_CELLS: usize = 9;
const NEAR_ZONES: usize = 32;

/// A point's grid cell and what it says of one zone: answers whether the zone's own region
/// covers the point without looking the cell up again.
pub(crate) struct CellCover<'a> {
    cell: &'a CellHit<'a>,
    entry: InCell,
}

/// A zone's entry in a cell.
#[derive(Clone, Copy)]
enum InCell {
    /// This one.
    Listed(u64),
    /// None: the zone's region misses the cell, hence does not cover the point.
    Absent,
    /// Not looked for yet (found when the cover is asked).
    Unsought,
}

/// Zones prepared once for many point queries: exact, geodesic, boundary-inclusive.
///
/// Build cost is paid once ([`ZoneIndex::build`]): every polygon ring's edges are filed in
/// horizontal stripes, and a grid over the zones' extent records, per cell, which zones
/// cover it wholly and which have an edge that may pass through it, with, for polygon
/// zones, the edges that meet the cell (dense cells split into sub-cells). A query reads
/// its cell: wholly covering zones are answered at once, the others are decided exactly
/// (a crossing count over the cell's own few edges; else the stripes: only the edges at
/// the point's latitude). Answers are exactly those of testing every edge of every zone
/// ([`ZoneIndex::zones_at_brute_force`]); see `docs/zone-index.md`.
///
/// Cost: about 2 cells per vertex (at most 2²¹ cells), 8 bytes per cell and per
/// (cell, zone) pair, ≈ 32 bytes per edge and cell (or sub-cell) it meets, plus ≈ 32
/// bytes per edge and stripe it reaches.
#[derive(Clone, Debug)]
pub struct ZoneIndex {
    zones: Vec<PreparedZone>,
    /// Rank of each zone in byte order of ids: query results come out in this order.
    rank: Vec<u32>,
    tree: RTree<Entry>,
    /// The zones with a positive extra reach only (keep-out candidates the grid cannot
    /// give: their grown regions are not classified).
    reach: Reach,
    /// The extra reach each zone's box was grown by (beyond its own distance).
    extra_reach_m: Vec<f64>,
    /// Cells over the zones' extent, classified per zone (regions not grown by any
    /// extra reach).
    grid: ZoneGrid,
    /// Positions in all the zones' shapes.
    vertices: usize,
}

impl ZoneIndex {
    /// Prepares `zones` (which must be valid: see [`Zone::problems`]).
    pub fn build(zones: &[Zone]) -> ZoneIndex {
        Self::build_with_reach(zones, &vec![0.0; zones.len()])
    }

    /// Prepares `zones`, growing each zone's index box by `extra_reach_m[i]` beyond its own
    /// distance, so queries for regions grown by up to that much find it.
    pub(crate) fn build_with_reach(zones: &[Zone], extra_reach_m: &[f64]) -> ZoneIndex {
        Self::build_with_params(zones, extra_reach_m, GridParams::default())
    }

    pub(crate) fn build_with_params(
        zones: &[Zone],
        extra_reach_m: &[f64],
        params: GridParams,
    ) -> ZoneIndex {
        let prepared: Vec<PreparedZone> = zones.par_iter().map(PreparedZone::new).collect();
        let entries: Vec<Entry> = prepared
            .iter()
            .zip(extra_reach_m)
            .enumerate()
            .map(|(i, (z, &extra))| {
                let (lo, hi) = z.reach(extra);
                Entry {
                    zone: i as u32,
                    envelope: AABB::from_corners([lo.x, lo.y], [hi.x, hi.y]),
                }
            })
            .collect();
        let mut order: Vec<usize> = (0..zones.len()).collect();
        order.sort_by(|&a, &b| zones[a].id.as_bytes().cmp(zones[b].id.as_bytes()));
        let mut rank = vec![0u32; zones.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i] = r as u32;
        }
        let vertices = zones.iter().map(|z| vertex_count(&z.shape)).sum();
        let grid = ZoneGrid::build(&prepared, &order, vertices, params);
        // An ungrown polygon zone whose every edge cell has its edge block needs no
        // stripes after the build: the grid answers its queries (the checker's too), and
        // what else asks the zone (tests, the reference path) scans its edges instead.
        let mut prepared = prepared;
        for (zone, &asked) in prepared.iter_mut().zip(grid.zones_asked()) {
            if !asked
                && zone.distance_m == 0.0
                && let Some(area) = &mut zone.area
            {
                area.drop_stripes();
            }
        }
        let reached = entries
            .iter()
            .filter(|e| extra_reach_m[e.zone as usize] > 0.0)
            .cloned()
            .collect();
        ZoneIndex {
            zones: prepared,
            rank,
            tree: RTree::bulk_load(entries),
            reach: Reach::new(reached),
            extra_reach_m: extra_reach_m.to_vec(),
            grid,
            vertices,
        }
    }

    /// Builds the skeletons of the zones `wanted` names now (in parallel) rather than at
    /// their first distance: for a caller that will ask distances of those zones and wants
    /// no query to pay for one (`Checker::new`). The others stay lazy.
    pub(crate) fn build_skeletons(&self, wanted: &[bool]) {
        self.zones
            .par_iter()
            .zip(wanted)
            .filter(|(_, w)| **w)
            .for_each(|(z, _)| {
                z.skeleton();
            });
    }

    /// The number of positions in all the zones' shapes (polygon and line vertices,
    /// circle centres): what exact distances search through, ~100 bytes each prepared.
    pub fn vertex_count(&self) -> usize {
        self.vertices
    }

    /// The grid's columns and rows (for tuning and reports).
    pub fn grid_dims(&self) -> (usize, usize) {
        self.grid.dims()
    }

    /// Bytes of heap the index holds beyond the zones' own geometry: the grid, the
    /// polygon stripes and the R-tree (approximately, for the tree).
    pub fn index_heap_bytes(&self) -> usize {
        self.grid.heap_bytes()
            + self
                .zones
                .iter()
                .filter_map(|z| z.area.as_ref())
                .map(Area::index_heap_bytes)
                .sum::<usize>()
            + self.zones.len() * (std::mem::size_of::<Entry>() + 16)
    }

    /// The number of zones.
    pub fn len(&self) -> usize {
        self.zones.len()
    }

    /// Whether there are no zones.
    pub fn is_empty(&self) -> bool {
        self.zones.is_empty()
    }

    /// Appends to `out` every zone whose region relates to `p` by `predicate`, in byte
    /// order of zone ids.
    ///
    /// # Example
    /// ```
    /// use zonewatch_core::{Coord, Predicate, Shape, Zone, ZoneIndex};
    /// let camp = Zone {
    ///     id: "camp".into(),
    ///     name: None,
    ///     shape: Shape::Circle { centre: Coord { x: 16.6117, y: 31.0606 }, radius_m: 3000.0 },
    /// };
    /// let index = ZoneIndex::build(&[camp]);
    /// let mut hits = Vec::new();
    /// index.zones_at(Coord { x: 16.62, y: 31.07 }, Predicate::Covers, &mut hits);
    /// assert_eq!(hits.len(), 1);
    /// ```
    ///
    /// Cost: one cell lookup, plus an exact test for each zone whose edge may pass
    /// through the cell (≈ 20–60 ns in all for most points; see `docs/benchmarks.md`).
    #[inline]
    pub fn zones_at(&self, p: Coord, predicate: Predicate, out: &mut Vec<ZoneRef>) {
        // The grid lists each cell's zones in id order already.
        let cell = self.grid.cell_at(p);
        for &e in cell.entries {
            let zone = entry_zone(e);
            let hit = !entry_is_exact(e) || {
                let block = entry_block(e);
                // An ungrown polygon zone: the cell's own edges decide.
                let at = if block != 0 {
                    self.grid.block_position(zone, block, &cell, p)
                } else {
                    None
                };
                if let Some(at) = at {
                    match predicate {
                        Predicate::Covers => at != Position::Outside,
                        Predicate::Contains => at == Position::Inside,
                    }
                } else {
                    let z = &self.zones[zone as usize];
                    match predicate {
                        Predicate::Covers => z.covers(p, 0.0),
                        Predicate::Contains => z.contains(p),
                    }
                }
            };
            if hit {
                out.push(ZoneRef(zone));
            }
        }
    }

    /// The same answer as [`zones_at`](Self::zones_at), the slow way: an R-tree over the
    /// zones' boxes, then every edge of each candidate polygon. The reference that tests
    /// and benchmarks compare the fast path against.
    pub fn zones_at_brute_force(&self, p: Coord, predicate: Predicate, out: &mut Vec<ZoneRef>) {
        let start = out.len();
        let at = AABB::from_point([p.x, p.y]);
        for e in self.tree.locate_in_envelope_intersecting(&at) {
            let z = &self.zones[e.zone as usize];
            let hit = match predicate {
                Predicate::Covers => z.covers_brute_force(p),
                Predicate::Contains => z.contains_with(p, Area::position_brute_force),
            };
            if hit {
                out.push(ZoneRef(e.zone));
            }
        }
        out[start..].sort_unstable_by_key(|z| self.rank[z.0 as usize]);
    }

    /// Calls `f` for every zone whose box, grown by its extra reach and by `reach_m`, may
    /// hold `p`: a superset of the zones within `reach_m` of `p`.
    pub(crate) fn for_each_candidate(&self, p: Coord, reach_m: f64, mut f: impl FnMut(ZoneRef)) {
        let env = if reach_m <= 0.0 {
            AABB::from_point([p.x, p.y])
        } else {
            let (lo, hi) = geodesic::box_grown_by_m(p, p, reach_m);
            AABB::from_corners([lo.x, lo.y], [hi.x, hi.y])
        };
        for e in self.tree.locate_in_envelope_intersecting(&env) {
            f(ZoneRef(e.zone));
        }
    }

    /// [`for_each_keep_out_candidate_in`](Self::for_each_keep_out_candidate_in), the box
    /// around the disc computed here.
    #[cfg(test)]
    pub(crate) fn for_each_keep_out_candidate(
        &self,
        p: Coord,
        reach_m: f64,
        f: impl FnMut(ZoneRef, Option<CellCover<'_>>),
    ) {
        let disc = geodesic::box_grown_by_m(p, p, reach_m + 1e-3);
        self.for_each_keep_out_candidate_in(p, reach_m, disc, &self.cell_at(p), f);
    }

    /// `p`'s grid cell, for the calls that take one (a report's keep-out candidates and
    /// stay_in cover tests share it).
    #[inline]
    pub(crate) fn cell_at(&self, p: Coord) -> CellHit<'_> {
        self.grid.cell_at(p)
    }

    /// Calls `f(zone, cover)` for every zone whose region grown by its extra reach may lie
    /// within `reach_m` of `p` (a superset of those that do), like
    /// [`for_each_candidate`](Self::for_each_candidate) but mostly from the grid: when
    /// the disc of radius `reach_m` (+ 1 mm) around `p` provably lies in `p`'s tile, the
    /// zones without extra reach that the cell does not list miss the tile, hence are
    /// farther than `reach_m`, and only the listed ones are candidates; when it lies in
    /// the tiles of at most 3 × 3 cells, the zones those cells list (each once). Else the
    /// R-tree over every zone's box. The zones with an extra reach come from their own
    /// R-tree. `cover`, when given, answers from `p`'s cell whether the zone's own region
    /// covers `p` (see [`place_near_in`](Self::place_near_in)): given for every zone but
    /// those of the R-tree over all zones.
    ///
    /// `(lo, hi)` is the box holding every point within `reach_m` + 1 mm of `p`,
    /// `geodesic::box_grown_by_m(p, p, reach_m + 1e-3)` (rounded outward), which the
    /// checker has computed already for its keep-out boxes; `cell` is `p`'s
    /// ([`cell_at`](Self::cell_at)).
    pub(crate) fn for_each_keep_out_candidate_in<'i>(
        &'i self,
        p: Coord,
        reach_m: f64,
        (lo, hi): (Coord, Coord),
        cell: &CellHit<'i>,
        mut f: impl FnMut(ZoneRef, Option<CellCover<'_>>),
    ) {
        let grown = |zone: u32| self.extra_reach_m[zone as usize] != 0.0;
        // A disc that reaches beyond `p`'s cell: the zones of the cells around it too,
        // each once (they do not meet `p`'s cell, so do not cover `p`). Too many cells or
        // zones: the R-tree.
        let mut near = [0u32; NEAR_ZONES];
        let others: &[u32] = if self.grid.tile_holds_box(cell, lo, hi) {
            &[]
        } else {
            let listed = |zone: u32| cell.entries.iter().any(|&e| entry_zone(e) == zone);
            let mut n = 0;
            let found = self
                .grid
                .cells_holding_box(lo, hi, NEAR_CELLS)
                .and_then(|cells| {
                    // p's own cell (or one sharing its list) lists nothing new.
                    let around = cells.filter(|&entries| !std::ptr::eq(entries, cell.entries));
                    for zone in around.flatten().map(|&e| entry_zone(e)) {
                        if !(grown(zone) || listed(zone) || near[..n].contains(&zone)) {
                            *near.get_mut(n)? = zone;
                            n += 1;
                        }
                    }
                    Some(n)
                });
            let Some(n) = found else {
                self.for_each_candidate(p, reach_m, |z| f(z, None));
                return;
            };
            &near[..n]
        };
        for &entry in cell.entries.iter().filter(|&&e| !grown(entry_zone(e))) {
            let cover = CellCover {
                cell,
                entry: InCell::Listed(entry),
            };
            f(ZoneRef(entry_zone(entry)), Some(cover));
        }
        // Not listed by p's cell: their regions do not cover p.
        for &zone in others {
            let cover = CellCover {
                cell,
                entry: InCell::Absent,
            };
            f(ZoneRef(zone), Some(cover));
        }
        if !self.reach.is_empty() {
            let (lo, hi) = if reach_m <= 0.0 { (p, p) } else { (lo, hi) };
            let env = AABB::from_corners([lo.x, lo.y], [hi.x, hi.y]);
            self.reach.for_each_intersecting(&env, |e| {
                let cover = CellCover {
                    cell,
                    entry: InCell::Unsought,
                };
                f(ZoneRef(e.zone), Some(cover));
            });
        }
    }

    /// [`place_near`](Self::place_near), with the cover test taken from `cover` (the
    /// zone's entry in `p`'s cell) when given, and a covered point's depth searched from
    /// `seed` (see [`PreparedZone::place_near_with`]; the same placement whatever it is).
    /// A point the exact predicate puts on the polygons' boundary takes no search
    /// ([`PreparedZone::place_on_edge`]): the cell's edge block says so as it decides the
    /// cover.
    pub(crate) fn place_near_in(
        &self,
        z: ZoneRef,
        q: &QueryPoint,
        extra_m: f64,
        beyond_m: f64,
        cover: Option<&CellCover<'_>>,
        seed: &mut Seed,
    ) -> Option<Placement> {
        let Some(cover) = cover else {
            return self.place_near(z, q, extra_m, beyond_m, seed);
        };
        let p = q.at();
        let zone = &self.zones[z.0 as usize];
        if zone.distance_m != 0.0 {
            return zone.place_near_with(q, extra_m, beyond_m, |a| a.position(p), seed);
        }
        let cell = cover.cell;
        let entry = match cover.entry {
            InCell::Listed(e) => Some(e),
            InCell::Absent => None,
            InCell::Unsought => cell.entries.iter().copied().find(|&e| entry_zone(e) == z.0),
        };
        // An ungrown polygon covering the whole cell covers `p`, which is then in its box:
        // the lower bound `place_near_with` tries first is 0, and the cover test says yes.
        if zone.area.is_some()
            && let Some(e) = entry
            && !entry_is_exact(e)
        {
            return Some(zone.place_covered_seeded(q, extra_m, seed));
        }
        let area_position =
            |_: &Area| entry.map_or(Position::Outside, |e| self.entry_position(z, cell, e, p));
        zone.place_near_with(q, extra_m, beyond_m, area_position, seed)
    }

    /// Placement of `p` relative to zone `z` grown by `extra_m`, when within `beyond_m`
    /// of it: [`PreparedZone::place_near`], with an ungrown polygon's cover test answered
    /// from the grid cell where it can be.
    pub(crate) fn place_near(
        &self,
        z: ZoneRef,
        q: &QueryPoint,
        extra_m: f64,
        beyond_m: f64,
        seed: &mut Seed,
    ) -> Option<Placement> {
        let p = q.at();
        let zone = &self.zones[z.0 as usize];
        let area_position = |area: &Area| {
            if zone.distance_m == 0.0 {
                self.area_position_at(z, p)
            } else {
                area.position(p)
            }
        };
        zone.place_near_with(q, extra_m, beyond_m, area_position, seed)
    }

    /// Whether zone `z`'s region covers `p`: `self.zone(z).covers(p, 0.0)`, answered from
    /// `p`'s grid cell when the cell decides it (the zone covers the whole cell, or does
    /// not reach it), exactly otherwise.
    #[cfg(test)]
    pub(crate) fn covers_zone(&self, z: ZoneRef, p: Coord) -> bool {
        self.covers_zone_in(z, &QueryPoint::new(p), &self.cell_at(p))
    }

    /// [`covers_zone`](Self::covers_zone) of `q`'s point, from its `cell`
    /// ([`cell_at`](Self::cell_at)); a zone's own predicate, where the cell does not
    /// decide, takes its bounds and distances from `q`.
    pub(crate) fn covers_zone_in(&self, z: ZoneRef, q: &QueryPoint, cell: &CellHit<'_>) -> bool {
        let Some(&e) = cell.entries.iter().find(|&&e| entry_zone(e) == z.0) else {
            return false;
        };
        self.entry_covers(z, cell, e, q)
    }

    /// Where `p` lies relative to the polygons of zone `z`, an ungrown polygon zone:
    /// `Area::position`, answered from `p`'s grid cell where it can be.
    fn area_position_at(&self, z: ZoneRef, p: Coord) -> Position {
        let cell = self.grid.cell_at(p);
        match cell.entries.iter().find(|&&e| entry_zone(e) == z.0) {
            Some(&e) => self.entry_position(z, &cell, e, p),
            None => Position::Outside,
        }
    }

    /// [`PreparedZone::place_covered`] of zone `z` at a point it covers: no search for a
    /// point on an ungrown polygon zone's boundary ([`PreparedZone::place_on_edge`]),
    /// which [`area_position_at`](Self::area_position_at) finds again (a cell lookup and
    /// its edge block, a fraction of the search it saves; keeping the first answer
    /// through the caller's cover tests cost more, for every report, than this for the
    /// few that get here).
    pub(crate) fn place_covered(&self, z: ZoneRef, q: &QueryPoint) -> Placement {
        let zone = &self.zones[z.0 as usize];
        if zone.area.is_some()
            && zone.distance_m == 0.0
            && self.area_position_at(z, q.at()) == Position::Boundary
        {
            return zone.place_on_edge(0.0);
        }
        zone.place_covered(q)
    }

    /// Whether zone `z`'s region covers `p`, from `e`, the zone's entry in `p`'s cell.
    fn entry_covers(&self, z: ZoneRef, cell: &CellHit<'_>, e: u64, q: &QueryPoint) -> bool {
        if !entry_is_exact(e) {
            return true;
        }
        let block = entry_block(e);
        if block != 0
            && let Some(at) = self.grid.block_position(z.0, block, cell, q.at())
        {
            return at != Position::Outside;
        }
        self.zones[z.0 as usize].covers_at(q, 0.0)
    }

    /// Where `p` lies relative to the polygons of zone `z`, an ungrown polygon zone, from
    /// `e`, the zone's entry in `p`'s cell: [`entry_covers`](Self::entry_covers)'s steps,
    /// the boundary kept apart. Inside for a cell the zone covers wholly (strictly: its
    /// boundary meets no point of the cell's tile, see `zone_grid.rs`), else the cell's
    /// edge block's exact answer, else the zone's own predicate.
    fn entry_position(&self, z: ZoneRef, cell: &CellHit<'_>, e: u64, p: Coord) -> Position {
        if !entry_is_exact(e) {
            return Position::Inside;
        }
        let block = entry_block(e);
        if block != 0
            && let Some(at) = self.grid.block_position(z.0, block, cell, p)
        {
            return at;
        }
        let area = self.zones[z.0 as usize].area.as_ref();
        area.map_or(Position::Outside, |a| a.position(p))
    }

    pub(crate) fn zone(&self, z: ZoneRef) -> &PreparedZone {
        &self.zones[z.0 as usize]
    }

    pub(crate) fn rank(&self, z: ZoneRef) -> u32 {
        self.rank[z.0 as usize]
    }

    #[allow(dead_code)]
    pub(crate) fn extra_reach_m(&self, z: ZoneRef) -> f64 {
        self.extra_reach_m[z.0 as usize]
    }
}

/// Positions in a shape (sizes the grid).
fn vertex_count(shape: &Shape) -> usize {
    match shape {
        Shape::Area { polygons, .. } => polygons
            .iter()
            .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
            .sum(),
        Shape::Circle { .. } => 1,
        Shape::Band { lines, .. } => lines.iter().map(|l| l.0.len()).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{LineString, MultiPolygon, Polygon};

    /// A polygon zone's skeleton is built at its first distance, not before: point
    /// queries never build one, and the distance is the one of a set built up front from
    /// the same rings (a hole included).
    #[test]
    fn a_polygon_skeleton_is_built_at_its_first_distance() {
        let shell = LineString::from(vec![(16.0, 30.0), (17.0, 30.0), (17.0, 31.0), (16.0, 30.0)]);
        let hole = LineString::from(vec![(16.7, 30.2), (16.9, 30.2), (16.9, 30.4), (16.7, 30.2)]);
        let zone = Zone {
            id: "t".into(),
            name: None,
            shape: Shape::Area {
                polygons: MultiPolygon(vec![Polygon::new(shell.clone(), vec![hole.clone()])]),
                buffer_m: 0.0,
            },
        };
        let index = ZoneIndex::build(std::slice::from_ref(&zone));
        let p = Coord { x: 16.8, y: 30.5 };
        let mut out = Vec::new();
        index.zones_at(p, Predicate::Covers, &mut out);
        assert_eq!(out, [ZoneRef(0)]);
        let z = index.zone(ZoneRef(0));
        assert!(z.skeleton.get().is_none(), "built by a point query");
        let up_front = SegmentSet::new([shell.0.as_slice(), hole.0.as_slice()]);
        assert_eq!(z.place(p, 0.0).edge_m, up_front.distance_m(p));
        assert!(z.skeleton.get().is_some());
        assert_eq!(z.bounds, up_front.bounds());
    }

    /// A circle's inner edge bound never exceeds the edge distance r − d(p, centre),
    /// d by geographiclib (an independent solution), at every latitude, across the
    /// antimeridian and near the poles; and close to it a few km from a mid-latitude centre.
    #[test]
    fn a_circles_inner_edge_bound_never_exceeds_its_edge_distance() {
        use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
        let geod = Geodesic::wgs84();
        let centres = [
            (16.6, 31.2),
            (0.0, 0.0),
            (179.99, -12.0),
            (-179.995, 45.0),
            (10.0, 60.0),
            (-70.0, -84.0),
            (33.0, 89.0),
        ];
        let mut tight = 0;
        for (k, &(cx, cy)) in centres.iter().enumerate() {
            for radius_m in [300.0, 4_000.0, 150_000.0] {
                let zone = PreparedZone::new(&Zone {
                    id: "c".into(),
                    name: None,
                    shape: Shape::Circle {
                        centre: Coord { x: cx, y: cy },
                        radius_m,
                    },
                });
                for i in 0..200 {
                    let azimuth = f64::from(i) * 137.508 % 360.0 - 180.0;
                    let s = radius_m * f64::from(i % 50) / 50.0;
                    let (lat, lon): (f64, f64) = geod.direct(cy, cx, azimuth, s);
                    let p = Coord { x: lon, y: lat };
                    let d: f64 = geod.inverse(lat, lon, cy, cx);
                    let bound = zone.inner_edge_lower_bound_m(p);
                    assert!(bound <= radius_m - d, "{p:?}: {bound} > {radius_m} − {d}");
                    if k == 0 && radius_m == 4_000.0 && d < 2_000.0 {
                        assert!(bound >= radius_m - 1.5 * d - 1e-3, "{p:?}: {bound}, d {d}");
                        tight += 1;
                    }
                }
            }
        }
        assert!(tight > 50, "{tight}");
    }

    /// Found by the brute-force property test: the midpoint of a slanted edge, rounded to
    /// f64, lies 2e-10 m outside the triangle (exact rational arithmetic: orient2d =
    /// −8.58e-17). The geodesic distance to the edge rounds to ~0, which once pulled the
    /// point in; an ungrown area must be decided by the exact predicate alone.
    #[test]
    fn rounded_zero_distance_never_pulls_a_point_into_an_ungrown_polygon() {
        let triangle = Polygon::new(
            LineString::from(vec![
                (10.025, 20.0),
                (9.9875, 20.021650635094613),
                (9.9875, 19.978349364905387),
                (10.025, 20.0),
            ]),
            vec![],
        );
        let zone = Zone {
            id: "t".into(),
            name: None,
            shape: Shape::Area {
                polygons: MultiPolygon(vec![triangle]),
                buffer_m: 0.0,
            },
        };
        let p = Coord {
            x: (10.025 + 9.9875) / 2.0,
            y: (20.0 + 20.021650635094613) / 2.0,
        };
        let z = PreparedZone::new(&zone);
        assert!(!z.covers(p, 0.0));
        assert!(!z.contains(p));
        assert!(!z.place(p, 0.0).covered);
        assert_eq!(z.place_near(p, 0.0, 0.0), None);
        // With accuracy the report is flagged possible from the compliant side, not inside.
        let near = z.place_near(p, 0.0, 1.0).unwrap();
        assert!(!near.covered && near.edge_m < 1e-6);
        // Any growth makes the distance test meaningful again.
        assert!(z.covers(p, 0.001));
    }
}

/// The build classifies one zone's cells in parallel chunks (and zones in parallel): the
/// grid, every edge block record and every answer must not depend on the thread count.
#[cfg(test)]
mod thread_count {
    use super::*;
    use geo_types::{LineString, MultiLineString, MultiPolygon, Polygon};

    /// A jagged closed ring of `n` vertices around `c` (radii from a fixed LCG).
    fn jagged(c: Coord, n: usize, scale: f64, seed: &mut u64) -> LineString {
        let mut pts: Vec<Coord> = (0..n)
            .map(|i| {
                *seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let r = 0.6 + 0.4 * ((*seed >> 11) as f64 / (1u64 << 53) as f64);
                let t = std::f64::consts::TAU * i as f64 / n as f64;
                Coord {
                    x: c.x + scale * r * t.cos(),
                    y: c.y + scale * r * t.sin(),
                }
            })
            .collect();
        pts.push(pts[0]);
        LineString(pts)
    }

    fn zones() -> Vec<Zone> {
        let mut seed = 7;
        let area = |id: &str, polygons: Vec<Polygon>, buffer_m: f64| Zone {
            id: id.into(),
            name: None,
            shape: Shape::Area {
                polygons: MultiPolygon(polygons),
                buffer_m,
            },
        };
        let c = |x: f64, y: f64| Coord { x, y };
        // A big zone with holes (thousands of edge cells, many split), a multipolygon,
        // small ones, a circle, a band and a grown polygon.
        let holes: Vec<LineString> = (0..6)
            .map(|k| {
                let t = std::f64::consts::TAU * k as f64 / 6.0;
                jagged(
                    c(16.5 + 0.15 * t.cos(), 30.5 + 0.15 * t.sin()),
                    200,
                    0.06,
                    &mut seed,
                )
            })
            .collect();
        let big = Polygon::new(jagged(c(16.5, 30.5), 6000, 0.5, &mut seed), holes);
        let parts = (0..3)
            .map(|k| {
                Polygon::new(
                    jagged(c(17.2 + 0.3 * k as f64, 31.2), 1500, 0.12, &mut seed),
                    vec![],
                )
            })
            .collect();
        let mut zones = vec![
            area("big", vec![big], 0.0),
            area("multi", parts, 0.0),
            area(
                "grown",
                vec![Polygon::new(
                    jagged(c(15.8, 29.9), 300, 0.1, &mut seed),
                    vec![],
                )],
                800.0,
            ),
            Zone {
                id: "camp".into(),
                name: None,
                shape: Shape::Circle {
                    centre: c(16.2, 30.2),
                    radius_m: 5_000.0,
                },
            },
            Zone {
                id: "road".into(),
                name: None,
                shape: Shape::Band {
                    lines: MultiLineString(vec![LineString::from(vec![
                        (15.6, 29.8),
                        (17.9, 31.4),
                    ])]),
                    buffer_m: 300.0,
                },
            },
        ];
        for k in 0..12 {
            let at = c(15.7 + 0.2 * k as f64, 29.75 + 0.13 * k as f64);
            zones.push(area(
                &format!("small_{k:02}"),
                vec![Polygon::new(jagged(at, 40, 0.03, &mut seed), vec![])],
                0.0,
            ));
        }
        for z in &zones {
            assert!(z.problems().is_empty(), "{}: {:?}", z.id, z.problems());
        }
        zones
    }

    fn build_on(threads: usize, zones: &[Zone]) -> ZoneIndex {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| ZoneIndex::build(zones))
    }

    #[test]
    fn the_build_is_the_same_on_one_thread_and_on_four() {
        let zones = zones();
        let one = build_on(1, &zones);
        let four = build_on(4, &zones);
        let fingerprint = one.grid.fingerprint();
        assert!(one.grid.block_count() > 1000, "{}", one.grid.block_count());
        assert!(fingerprint == four.grid.fingerprint(), "grids differ");
        let (mut a, mut b, mut brute) = (Vec::new(), Vec::new(), Vec::new());
        let n = 600;
        for i in 0..=n {
            for j in 0..=n {
                let p = Coord {
                    x: 15.5 + 2.6 * i as f64 / n as f64,
                    y: 29.6 + 2.0 * j as f64 / n as f64,
                };
                for predicate in [Predicate::Covers, Predicate::Contains] {
                    // Both append.
                    a.clear();
                    b.clear();
                    brute.clear();
                    one.zones_at(p, predicate, &mut a);
                    four.zones_at(p, predicate, &mut b);
                    assert_eq!(a, b, "{p:?} {predicate:?}");
                    if (i + j) % 7 == 0 {
                        one.zones_at_brute_force(p, predicate, &mut brute);
                        assert_eq!(a, brute, "{p:?} {predicate:?}");
                    }
                }
            }
        }
    }
}

/// Edge blocks on degenerate geometry: vertices on cell reference points (the tile
/// centres of a 16 × 16 grid of 1° cells), horizontal and vertical edges along the
/// reference points' rows and columns, rays from a reference point through vertices,
/// holes, a multipolygon whose parts touch; every point of a 1/8° lattice (which holds all
/// of these) must get the brute-force answer.
#[cfg(test)]
mod edge_block_cases {
    use super::*;
    use geo_types::{LineString, MultiPolygon, Polygon};

    fn area(id: &str, polygons: Vec<Polygon>) -> Zone {
        Zone {
            id: id.into(),
            name: None,
            shape: Shape::Area {
                polygons: MultiPolygon(polygons),
                buffer_m: 0.0,
            },
        }
    }

    fn ring(pts: &[(f64, f64)]) -> LineString {
        let mut v = pts.to_vec();
        v.push(pts[0]);
        LineString::from(v)
    }

    #[test]
    fn edge_blocks_agree_with_brute_force_on_degenerate_geometry() {
        let frame = area(
            "frame",
            vec![Polygon::new(
                ring(&[(0.0, 0.0), (16.0, 0.0), (16.0, 16.0), (0.0, 16.0)]),
                vec![],
            )],
        );
        // A staircase through tile centres, with horizontal and vertical edges on the
        // centres' rows and columns, and slanted edges whose lines pass through centres.
        let stairs = area(
            "stairs",
            vec![Polygon::new(
                ring(&[
                    (1.5, 1.5),
                    (6.5, 1.5),
                    (6.5, 3.5),
                    (8.5, 3.5),
                    (8.5, 5.5),
                    (10.5, 7.5),
                    (6.5, 7.5),
                    (4.5, 5.5),
                    (3.5, 5.5),
                    (2.5, 4.5),
                    (1.5, 4.5),
                ]),
                vec![ring(&[(2.5, 2.5), (4.5, 2.5), (3.5, 3.5)])],
            )],
        );
        // A diamond with vertices at centres and a hole touching its shell at a vertex;
        // two squares touching at a corner (one multipolygon), one with a hole.
        let diamond = area(
            "diamond",
            vec![Polygon::new(
                ring(&[(12.5, 8.5), (14.5, 10.5), (12.5, 12.5), (10.5, 10.5)]),
                vec![ring(&[(12.5, 8.5), (13.0, 10.5), (12.0, 10.5)])],
            )],
        );
        let pair = area(
            "pair",
            vec![
                Polygon::new(
                    ring(&[(1.5, 9.5), (4.5, 9.5), (4.5, 12.5), (1.5, 12.5)]),
                    vec![ring(&[(2.5, 10.5), (3.5, 10.5), (3.5, 11.5), (2.5, 11.5)])],
                ),
                Polygon::new(
                    ring(&[(4.5, 12.5), (7.5, 12.5), (7.5, 14.5), (4.5, 14.5)]),
                    vec![],
                ),
            ],
        );
        // Vertices a quarter cell from the centres, so that segments from a centre to
        // lattice points pass through them; horizontal and vertical edges on a centre's
        // row or column that stop short of the centre.
        let comb = area(
            "comb",
            vec![Polygon::new(
                ring(&[
                    (8.75, 12.5),
                    (9.25, 12.5),
                    (9.25, 12.25),
                    (9.75, 12.25),
                    (9.75, 12.75),
                    (9.5, 12.75),
                    (9.5, 13.25),
                    (9.75, 13.25),
                    (9.75, 13.75),
                    (8.25, 13.75),
                    (8.25, 12.75),
                ]),
                vec![],
            )],
        );
        let zones = vec![frame, stairs, diamond, pair, comb];
        for z in &zones {
            assert!(z.problems().is_empty(), "{}: {:?}", z.id, z.problems());
        }
        for (max_block_edges, split_edges, max_unsplit_edges) in [
            (2, usize::MAX, 0),
            (48, usize::MAX, 0),
            (48, 0, 0),
            (2, 1, 0),
            (2, 1, 256),
            (48, 4, 256),
        ] {
            let params =
                GridParams::sixteen_by_sixteen(max_block_edges, split_edges, max_unsplit_edges);
            let index = ZoneIndex::build_with_params(&zones, &[0.0; 5], params);
            assert!(index.grid.block_count() > 20, "the cases use edge blocks");
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            for i in -4..=132 {
                for j in -4..=132 {
                    let p = Coord {
                        x: i as f64 / 8.0,
                        y: j as f64 / 8.0,
                    };
                    for predicate in [Predicate::Covers, Predicate::Contains] {
                        fast.clear();
                        slow.clear();
                        index.zones_at(p, predicate, &mut fast);
                        index.zones_at_brute_force(p, predicate, &mut slow);
                        assert_eq!(
                            fast, slow,
                            "{p:?} {predicate:?} {max_block_edges} {split_edges}"
                        );
                    }
                }
            }
        }
    }

    /// A comb of 99 teeth, 0.01° wide and 1.5–4.5° tall, over 2° of a 1° grid: a cell
    /// meets up to 100 of its edges, most of them crossing the whole cell, so a split
    /// would copy each into four sub-rows and is abandoned. Such cells get an ordinary
    /// block of up to `max_unsplit_edges` edges (else the zone's stripes decide): the
    /// answers must be the brute force's either way, on a lattice, on every vertex and
    /// on every edge's midpoint.
    #[test]
    fn cells_whose_split_is_abandoned_get_a_large_block() {
        let mut pts = vec![(1.0, 1.0), (3.0, 1.0), (3.0, 2.0)];
        // Tooth i spans x_i ± 0.005 around x_i = 1 + 0.02 i: the cells' centres (1.5 and
        // 2.5) lie inside teeth, so blocks count from inside a ring too.
        for i in (1..100).rev() {
            let x = 1.0 + i as f64 * 0.02;
            let h = 3.5 + (i % 13) as f64 * 0.25;
            pts.extend([
                (x + 0.005, 2.0),
                (x + 0.005, h),
                (x - 0.005, h),
                (x - 0.005, 2.0),
            ]);
        }
        pts.push((1.0, 2.0));
        let comb = area("comb", vec![Polygon::new(ring(&pts), vec![])]);
        assert!(comb.problems().is_empty(), "{:?}", comb.problems());
        let mut probes: Vec<Coord> = Vec::new();
        for i in 0..=72 {
            for j in 0..=200 {
                probes.push(Coord {
                    x: 0.9 + i as f64 / 32.0,
                    y: 0.9 + j as f64 / 32.0,
                });
            }
        }
        let closed: Vec<(f64, f64)> = pts.iter().chain(&pts[..1]).copied().collect();
        for w in closed.windows(2) {
            probes.push(Coord {
                x: w[0].0,
                y: w[0].1,
            });
            probes.push(Coord {
                x: (w[0].0 + w[1].0) / 2.0,
                y: (w[0].1 + w[1].1) / 2.0,
            });
        }
        // The frame fixes the grid's extent: 1° cells.
        let frame = area(
            "frame",
            vec![Polygon::new(
                ring(&[(0.0, 0.0), (16.0, 0.0), (16.0, 16.0), (0.0, 16.0)]),
                vec![],
            )],
        );
        let zones = vec![frame, comb];
        let mut blocks = Vec::new();
        for max_unsplit_edges in [0, 256] {
            let params = GridParams::sixteen_by_sixteen(48, 4, max_unsplit_edges);
            let index = ZoneIndex::build_with_params(&zones, &[0.0; 2], params);
            blocks.push(index.grid.block_count());
            // The build's note of which zones keep their stripes, against a scan.
            assert_eq!(index.grid.zones_asked(), index.grid.zones_asked_by_scan());
            assert!(
                index.grid.zones_asked()[1],
                "some sub-cell centres lie on teeth"
            );
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            for &p in &probes {
                for predicate in [Predicate::Covers, Predicate::Contains] {
                    fast.clear();
                    slow.clear();
                    index.zones_at(p, predicate, &mut fast);
                    index.zones_at_brute_force(p, predicate, &mut slow);
                    assert_eq!(fast, slow, "{p:?} {predicate:?} {max_unsplit_edges}");
                }
            }
        }
        // The comb's cells from y = 2 up: without large blocks some are left to the
        // stripes; with them every one has a block.
        assert!(blocks[1] > blocks[0], "block counts {blocks:?}");
    }
}

/// The grid path against the brute-force path (R-tree + every edge), on random polygons
/// (holes, mixed orientation, axis-aligned edges), circles, bands and grown polygons,
/// with small grids so that cell borders cut through everything; probes on vertices, on
/// edges, on grid lines and a float step to either side of them, and at random.
#[cfg(test)]
mod grid_oracle {
    use super::*;
    use crate::test_shapes::star;
    use geo_types::{LineString, MultiLineString, MultiPolygon, Polygon};
    use proptest::prelude::*;

    fn shape_strategy() -> impl Strategy<Value = Shape> {
        let polygon = (
            (16.0..17.0f64, 30.0..31.0f64),
            prop::collection::vec(0.5..1.0f64, 3..40),
            prop::option::of(prop::collection::vec(0.1..0.45f64, 3..12)),
            0.01..0.4f64,
            any::<bool>(),
            prop::option::of(prop::sample::select(vec![64.0, 256.0])),
            prop::sample::select(vec![0.0, 0.0, 0.0, 300.0, 3000.0]),
        )
            .prop_filter_map(
                "quantised star too small",
                |((cx, cy), radii, hole, scale, reverse, quantum, buffer_m)| {
                    let c = Coord { x: cx, y: cy };
                    let mut shell = star(c, &radii, scale, quantum);
                    if reverse {
                        shell.0.reverse();
                    }
                    let min_r = radii.iter().cloned().fold(f64::INFINITY, f64::min);
                    let holes: Vec<LineString> = hole
                        .map(|h| star(c, &h, scale * min_r, None))
                        .into_iter()
                        .collect();
                    let shape = Shape::Area {
                        polygons: MultiPolygon(vec![Polygon::new(shell, holes)]),
                        buffer_m,
                    };
                    let zone = Zone {
                        id: String::new(),
                        name: None,
                        shape,
                    };
                    zone.problems().is_empty().then_some(zone.shape)
                },
            );
        let circle = ((16.0..17.0f64, 30.0..31.0f64), 0.0..20_000.0f64).prop_map(|((x, y), r)| {
            Shape::Circle {
                centre: Coord { x, y },
                radius_m: r,
            }
        });
        let band = (
            prop::collection::vec((16.0..17.0f64, 30.0..31.0f64), 2..6),
            0.0..10_000.0f64,
        )
            .prop_map(|(pts, b)| Shape::Band {
                lines: MultiLineString(vec![LineString::from(pts)]),
                buffer_m: b,
            });
        prop_oneof![4 => polygon, 1 => circle, 1 => band]
    }

    /// Zones of the given shapes, their ids distinct (up to 11 shapes) and not in input
    /// order.
    fn named(shapes: Vec<Shape>) -> Vec<Zone> {
        shapes
            .into_iter()
            .enumerate()
            .map(|(i, shape)| Zone {
                id: format!("z{:02}", (i * 7) % 11),
                name: None,
                shape,
            })
            .collect()
    }

    /// A grid of exactly `cells` cells.
    fn fixed_grid(cells: usize) -> GridParams {
        GridParams {
            cells_per_vertex: 0.0,
            min_cells: cells,
            max_cells: cells,
            ..GridParams::default()
        }
    }

    fn probes(zones: &[Zone], index: &ZoneIndex, random: &[(f64, f64)]) -> Vec<Coord> {
        let mut out: Vec<Coord> = random.iter().map(|&(x, y)| Coord { x, y }).collect();
        for z in zones {
            if let Shape::Area { polygons, .. } = &z.shape {
                for ring in polygons
                    .iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                {
                    for w in ring.0.windows(2) {
                        out.push(w[0]);
                        out.push(Coord {
                            x: (w[0].x + w[1].x) / 2.0,
                            y: (w[0].y + w[1].y) / 2.0,
                        });
                    }
                }
            }
        }
        // Cell reference points (edge blocks count crossings from there) and points
        // whose segment to the reference point runs through a vertex, along a horizontal
        // or vertical edge, or ends on the reference point's row or column.
        for (k, v) in out.clone().into_iter().enumerate() {
            let r = index.grid.reference_at(v, 1 << (k % 5));
            let (dx, dy) = (v.x - r.x, v.y - r.y);
            out.extend([
                r,
                Coord {
                    x: v.x + dx,
                    y: v.y + dy,
                },
                Coord {
                    x: v.x + dx / 2.0,
                    y: v.y + dy / 2.0,
                },
                Coord {
                    x: v.x - dx / 2.0,
                    y: v.y - dy / 2.0,
                },
                Coord {
                    x: r.x - dx,
                    y: r.y - dy,
                },
                Coord { x: v.x, y: r.y },
                Coord { x: r.x, y: v.y },
            ]);
        }
        // Grid lines (of the grid and of its refinements, where split cells have their
        // sub-cell borders) through the probes so far, and a float step to either side.
        let (nx, ny) = index.grid.dims();
        let n = out.len();
        for (k, p) in out.clone().into_iter().take(n).enumerate() {
            let s = 1usize << (k % 5);
            let x = index.grid.line_x((k * 7919) % (nx * s + 1), s);
            let y = index.grid.line_y((k * 104_729) % (ny * s + 1), s);
            for (dx, dy) in [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1)] {
                let step = |v: f64, d: i32| match d {
                    1 => v.next_up(),
                    -1 => v.next_down(),
                    _ => v,
                };
                out.push(Coord {
                    x: step(x, dx),
                    y: p.y,
                });
                out.push(Coord {
                    x: p.x,
                    y: step(y, dy),
                });
                out.push(Coord {
                    x: step(x, dx),
                    y: step(y, dy),
                });
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// The checker's keep-out candidates (from the cell when the accuracy disc fits
        /// in the point's tile, else from the cells around it, else the R-tree) include
        /// every zone that some placement finds, each once, and the placement with the
        /// cell's cover answer is the zone's own.
        #[test]
        fn keep_out_candidates_hold_every_placed_zone(
            shapes in prop::collection::vec(shape_strategy(), 1..8),
            cells in prop::sample::select(vec![16usize, 256, 4096, 65_536]),
            reach in prop::collection::vec(prop::sample::select(vec![0.0, 0.0, 700.0]), 8),
            random in prop::collection::vec((15.8..17.2f64, 29.8..31.2f64), 150),
        ) {
            let (zones, params) = (named(shapes), fixed_grid(cells));
            let reach = &reach[..zones.len()];
            let index = ZoneIndex::build_with_params(&zones, reach, params);
            for (k, p) in probes(&zones, &index, &random).into_iter().enumerate() {
                let a = [0.0, 0.5, 30.0, 2000.0][k % 4];
                let mut found: Vec<(u32, Option<Placement>)> = Vec::new();
                index.for_each_keep_out_candidate(p, a, |z, cover| {
                    let q = QueryPoint::new(p);
                    let placed = index.place_near_in(
                        z, &q, reach[z.0 as usize], a, cover.as_ref(), &mut Seed::default(),
                    );
                    found.push((z.0, placed));
                });
                let mut ids: Vec<u32> = found.iter().map(|f| f.0).collect();
                ids.sort_unstable();
                ids.dedup();
                prop_assert_eq!(ids.len(), found.len(), "a zone offered twice at {:?}", p);
                for (z, zone) in index.zones.iter().enumerate() {
                    let want = zone.place_near(p, reach[z], a);
                    let got = found.iter().find(|f| f.0 == z as u32);
                    prop_assert!(
                        got.map_or(want.is_none(), |g| g.1 == want),
                        "point {:?} accuracy {} zone {}: {:?} vs {:?}", p, a, z, got, want
                    );
                }
            }
        }

        /// A batch answered tile by tile gives every point the zones the brute force
        /// finds, in input order (the probes, and a short batch answered in order).
        #[test]
        fn batch_answers_equal_brute_force(
            shapes in prop::collection::vec(shape_strategy(), 1..8),
            cells in prop::sample::select(vec![16usize, 256, 4096, 65_536]),
            random in prop::collection::vec((15.8..17.2f64, 29.8..31.2f64), 150),
        ) {
            let (zones, params) = (named(shapes), fixed_grid(cells));
            let index = ZoneIndex::build_with_params(&zones, &vec![0.0; zones.len()], params);
            let mut points = probes(&zones, &index, &random);
            // Repeats, so that some points share a cell and a key's index breaks the tie.
            points.extend_from_within(..points.len().min(500));
            while points.len() < 5000 {
                points.extend_from_within(..points.len().min(5000 - points.len()));
            }
            let mut slow = Vec::new();
            for batch in [&points[..100], &points[..]] {
                for predicate in [Predicate::Covers, Predicate::Contains] {
                    let hits = index.zones_at_all(batch, predicate);
                    prop_assert_eq!(hits.len(), batch.len());
                    let mut pairs = 0;
                    for (i, &p) in batch.iter().enumerate() {
                        slow.clear();
                        index.zones_at_brute_force(p, predicate, &mut slow);
                        prop_assert_eq!(hits.of(i), &slow[..], "point {} {:?} {:?}", i, p, predicate);
                        pairs += slow.len();
                    }
                    prop_assert_eq!(hits.pairs(), pairs);
                }
            }
        }

        #[test]
        fn grid_answers_equal_brute_force(
            shapes in prop::collection::vec(shape_strategy(), 1..8),
            cells in prop::sample::select(vec![16usize, 256, 4096, 65_536]),
            max_block_edges in prop::sample::select(vec![2usize, 48, 4096]),
            max_unsplit_edges in prop::sample::select(vec![0usize, 256]),
            split_edges in prop::sample::select(vec![0usize, 4, usize::MAX]),
            random in prop::collection::vec((15.8..17.2f64, 29.8..31.2f64), 150),
        ) {
            let zones: Vec<Zone> = shapes
                .into_iter()
                .enumerate()
                .map(|(i, shape)| Zone { id: format!("z{:02}", (i * 7) % 11), name: None, shape })
                .collect();
            let params = GridParams {
                cells_per_vertex: 0.0,
                min_cells: cells,
                max_cells: cells,
                dims: None,
                max_block_edges,
                split_edges,
                max_unsplit_edges,
            };
            let index = ZoneIndex::build_with_params(&zones, &vec![0.0; zones.len()], params);
            prop_assert_eq!(index.grid.zones_asked(), index.grid.zones_asked_by_scan());
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            for p in probes(&zones, &index, &random) {
                for predicate in [Predicate::Covers, Predicate::Contains] {
                    fast.clear();
                    slow.clear();
                    index.zones_at(p, predicate, &mut fast);
                    index.zones_at_brute_force(p, predicate, &mut slow);
                    prop_assert_eq!(&fast, &slow, "point {:?} predicate {:?}", p, predicate);
                }
                for z in 0..zones.len() {
                    let zr = ZoneRef(z as u32);
                    prop_assert_eq!(
                        index.covers_zone(zr, p),
                        index.zone(zr).covers(p, 0.0),
                        "covers_zone: point {:?} zone {}", p, z
                    );
                }
            }
        }
    }
}
