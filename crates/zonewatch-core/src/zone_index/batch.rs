//! Many points at once: [`ZoneIndex::zones_at_all`].
//!
//! A query near a boundary waits on three or four dependent memory loads (the cell, its
//! list, the sub-cell table, the edges), each a cache miss when points come in no
//! particular order (`docs/decisions.md`, "Memory stalls"). Asked tile by tile of the
//! grid instead (8 × 8 cells), neighbouring points find the cells and edge blocks they
//! need still in cache, or next to what was just read. So a batch is ordered by tile (a
//! counting sort: one pass to count, one to place), answered in that order on every
//! core, and each point remembers its place in that order, through which its answer is
//! read. The answers are those of one [`ZoneIndex::zones_at`] call per point: the same
//! calls, in another order.
//!
//! Even in tile order, most queries still miss the cache: a 4 MiB block of a join holds
//! ~70 000 points over ~10 000 tiles. So each query looks ahead in its run, in three
//! stages that each start a load from what the stage before loaded: the cell word of
//! the point [`AHEAD_CELL`] ahead, the list of the point [`AHEAD_LIST`] ahead (its cell
//! word now in cache), the edge blocks of the point [`AHEAD_BLOCKS`] ahead. By the time
//! a point's turn comes, its chain of loads is in cache or on its way (the 10 M stress
//! join: −7 % CPU; decisions.md, "Prefetching a batch's loads").

use rayon::prelude::*;

use super::{Predicate, ZoneIndex};
use crate::{Coord, ZoneRef};

/// A stage of the look-ahead of queries answered one after another in a known order
/// ([`ZoneIndex::prefetch`]). Each stage reads what the one before loaded, so each pays
/// off only when the stage before ran for the same point a few queries earlier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookAhead {
    /// Start loading the point's grid cell word.
    Cell,
    /// Start loading its cell's list of zones (reads the cell word).
    List,
    /// Start loading the first edges of the zones whose boundary crosses its cell (reads
    /// the list).
    Edges,
}

/// Below this many points a batch is answered in input order: sorting would not pay.
const SORT_MIN: usize = 2048;
/// Points answered per task, in tile order.
const TASK: usize = 4096;
/// How far ahead of the point being answered each stage of the look-ahead works (module
/// notes): far enough that a load from memory (~100 ns) lands before its stage needs it,
/// near enough that the lines are still in L1 when the point's turn comes.
const AHEAD_CELL: usize = 12;
const AHEAD_LIST: usize = 8;
const AHEAD_BLOCKS: usize = 4;

/// The zones of each point of a batch (see [`ZoneIndex::zones_at_all`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ZoneHits {
    /// Each point's place in the order the batch was answered in; `None`: input order.
    place: Option<Vec<u32>>,
    zones: Vec<ZoneRef>,
    /// The point answered `k`-th has the zones `zones[ends[k]..ends[k + 1]]`.
    ends: Vec<u32>,
}

impl ZoneHits {
    /// The number of points.
    pub fn len(&self) -> usize {
        self.ends.len().saturating_sub(1)
    }

    /// Whether the batch had no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The zones of point `i` (of the batch, in input order), in byte order of zone ids.
    ///
    /// # Panics
    /// When `i` is not below [`len`](Self::len).
    pub fn of(&self, i: usize) -> &[ZoneRef] {
        let k = self.place.as_ref().map_or(i, |place| place[i] as usize);
        &self.zones[self.ends[k] as usize..self.ends[k + 1] as usize]
    }

    /// The number of (point, zone) pairs.
    pub fn pairs(&self) -> usize {
        self.zones.len()
    }
}

impl ZoneIndex {
    /// Starts loading what a query at `p` will read, one [`LookAhead`] stage: for a
    /// caller that answers queries one at a time in an order it knows ahead (as
    /// [`zones_at_all`](Self::zones_at_all) does for itself), e.g. `Cell` for the point
    /// 12 ahead, `List` for the point 8 ahead, `Edges` for the point 4 ahead. A hint
    /// (`crate::hint`): no answer depends on it, and a point outside the grid is ignored.
    #[inline]
    pub fn prefetch(&self, p: Coord, stage: LookAhead) {
        match stage {
            LookAhead::Cell => self.grid.prefetch_cell(p),
            LookAhead::List => self.grid.prefetch_list(p),
            LookAhead::Edges => self.grid.prefetch_blocks(p),
        }
    }

    /// The indices of `points` in an order that reads the index's memory nearly in the
    /// order it is laid out: tile by tile of the grid (8 × 8 cells, row by row), within a
    /// tile in input order, points outside the grid last. Answering a large batch in this
    /// order rather than as it comes saves most cache misses (see the module notes).
    ///
    /// # Panics
    /// When `points` holds 2³² points or more.
    pub fn locality_order(&self, points: &[Coord]) -> Vec<u32> {
        let mut order = vec![0u32; points.len()];
        self.sort_by_tile(points, |i, at| order[at] = i as u32);
        order
    }

    /// A stable counting sort of `points` by tile (count, sum, place): `put(i, at)` for
    /// every point `i`, in input order, with its place `at` in the sorted order.
    ///
    /// # Panics
    /// When `points` holds 2³² points or more.
    fn sort_by_tile(&self, points: &[Coord], mut put: impl FnMut(usize, usize)) {
        assert!(
            u32::try_from(points.len()).is_ok(),
            "a batch of 2^32 points or more"
        );
        let keys: Vec<u32> = points.par_iter().map(|&p| self.grid.tile_key(p)).collect();
        let mut next = vec![0u32; self.grid.tiles() + 1];
        for &k in &keys {
            next[k as usize + 1] += 1;
        }
        for t in 1..next.len() {
            next[t] += next[t - 1];
        }
        for (i, &k) in keys.iter().enumerate() {
            let at = &mut next[k as usize];
            put(i, *at as usize);
            *at += 1;
        }
    }

    /// [`zones_at`](Self::zones_at) for every point of `points`, on all cores: the same
    /// answers, point by point, faster for large batches in no particular order (they
    /// are answered tile by tile of the grid, which keeps the index's memory in cache;
    /// see the module notes).
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
    /// let points = [Coord { x: 16.62, y: 31.07 }, Coord { x: 17.0, y: 31.0 }];
    /// let hits = index.zones_at_all(&points, Predicate::Covers);
    /// assert_eq!((hits.of(0).len(), hits.of(1).len()), (1, 0));
    /// ```
    ///
    /// # Panics
    /// When the batch has 2³² points or pairs or more (answer it in parts).
    pub fn zones_at_all(&self, points: &[Coord], predicate: Predicate) -> ZoneHits {
        let n = points.len();
        assert!(u32::try_from(n).is_ok(), "a batch of 2^32 points or more");
        if n < SORT_MIN {
            let mut hits = ZoneHits {
                place: None,
                zones: Vec::new(),
                ends: Vec::with_capacity(n + 1),
            };
            hits.ends.push(0);
            for &p in points {
                self.zones_at(p, predicate, &mut hits.zones);
                hits.ends.push(to_u32(hits.zones.len()));
            }
            return hits;
        }
        // Each point's place in tile order, and the points placed there by the same pass
        // (it reads them in input order, at no cost), so that the queries read them one
        // after the other. Read through an order instead, each point was a cache miss at
        // the head of its query's chain of loads (~8 % of a join's time went to that load).
        let mut place = vec![0u32; n];
        let mut sorted = vec![Coord { x: 0.0, y: 0.0 }; n];
        self.sort_by_tile(points, |i, at| {
            place[i] = at as u32;
            sorted[at] = points[i];
        });
        // Answered in that order, a task per run of points: each task's zones, and each
        // of its points' zone count.
        let answered: Vec<(Vec<ZoneRef>, Vec<u32>)> = sorted
            .par_chunks(TASK)
            .map(|run| {
                let (mut zones, mut counts) = (Vec::new(), Vec::with_capacity(run.len()));
                for (k, &p) in run.iter().enumerate() {
                    // Start loading what the queries a few points ahead will read, each
                    // stage from what the stage before loaded (module notes).
                    if let Some(&q) = run.get(k + AHEAD_CELL) {
                        self.prefetch(q, LookAhead::Cell);
                    }
                    if let Some(&q) = run.get(k + AHEAD_LIST) {
                        self.prefetch(q, LookAhead::List);
                    }
                    if let Some(&q) = run.get(k + AHEAD_BLOCKS) {
                        self.prefetch(q, LookAhead::Edges);
                    }
                    let before = zones.len();
                    self.zones_at(p, predicate, &mut zones);
                    counts.push(to_u32(zones.len() - before));
                }
                (zones, counts)
            })
            .collect();
        let pairs: usize = answered.iter().map(|a| a.0.len()).sum();
        to_u32(pairs);
        let mut hits = ZoneHits {
            place: Some(place),
            zones: Vec::with_capacity(pairs),
            ends: Vec::with_capacity(n + 1),
        };
        hits.ends.push(0);
        for (zones, counts) in &answered {
            hits.zones.extend_from_slice(zones);
            let mut end = *hits.ends.last().expect("ends starts with 0");
            hits.ends.extend(counts.iter().map(|&c| {
                end += c;
                end
            }));
        }
        hits
    }
}

/// A count of pairs as `u32`; 2³² pairs or more in one batch is a caller's error.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 2^32 pairs in one batch")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Shape, Zone};
    use geo_types::{LineString, MultiPolygon, Polygon};
    use proptest::prelude::*;

    fn square() -> ZoneIndex {
        let ring = LineString::from(vec![(16.0, 30.0), (17.0, 30.0), (17.0, 31.0), (16.0, 30.0)]);
        ZoneIndex::build(&[Zone {
            id: "z".into(),
            name: None,
            shape: Shape::Area {
                polygons: MultiPolygon(vec![Polygon::new(ring, vec![])]),
                buffer_m: 0.0,
            },
        }])
    }

    proptest! {
        /// A permutation of the input, tile by tile, each tile's points in input order.
        #[test]
        fn locality_order_is_a_stable_sort_by_tile(
            raw in prop::collection::vec((15.5..17.5f64, 29.5..31.5f64), 0..3000),
        ) {
            let index = square();
            let points: Vec<Coord> = raw.into_iter().map(|(x, y)| Coord { x, y }).collect();
            let order = index.locality_order(&points);
            let mut seen = vec![false; points.len()];
            for &i in &order {
                prop_assert!(!std::mem::replace(&mut seen[i as usize], true));
            }
            prop_assert!(seen.iter().all(|&s| s));
            let key = |i: u32| (index.grid.tile_key(points[i as usize]), i);
            prop_assert!(order.windows(2).all(|w| key(w[0]) < key(w[1])));
        }
    }
}
