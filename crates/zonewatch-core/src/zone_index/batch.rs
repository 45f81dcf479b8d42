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
/// Points answered per task, in tile order: small enough that the two cores finish a
/// block's tasks nearly together (a 4 MiB block of a join is ~70 000 points). A task
/// looks ahead into the next one's points, so its own first points' loads are on their
/// way when the same thread answered the run before.
const TASK: usize = 1024;
/// Fewest points a part of the counting sort takes: each part counts every tile (~10 000
/// for the stress set), which must stay small beside its points.
const SORT_PART_MIN: usize = 16 * 1024;
/// How far ahead of the point being answered each stage of the look-ahead works (module
/// notes): far enough that a load from memory (~100 ns) lands before its stage needs it,
/// near enough that the lines are still in L1 when the point's turn comes.
const AHEAD_CELL: usize = 12;
const AHEAD_LIST: usize = 8;
const AHEAD_BLOCKS: usize = 4;

/// The zones of each point of a batch (see [`ZoneIndex::zones_at_all`]). Kept between
/// batches ([`ZoneIndex::zones_at_all_into`]), it reuses its buffers.
#[derive(Clone, Debug, Default)]
pub struct ZoneHits {
    /// Whether the batch was answered in input order (then `place` is unused).
    in_order: bool,
    /// Each point's place in the order the batch was answered in.
    place: Vec<u32>,
    /// The answers, a run of [`TASK`] points each (the last may be shorter), in the
    /// order the batch was answered in: the point answered `k`-th is point `k % TASK`
    /// of run `k / TASK`. Each run is a task's own output, read where it was written
    /// rather than copied into one list on one core.
    runs: Vec<Run>,
    len: usize,
    pairs: usize,
    /// Scratch: the batch's points in the order they are answered in, and their tiles.
    sorted: Vec<Coord>,
    keys: Vec<u32>,
}

/// The answers of one run of points (see [`ZoneHits`]).
#[derive(Clone, Debug, Default)]
struct Run {
    zones: Vec<ZoneRef>,
    /// The run's `j`-th point has the zones `zones[ends[j]..ends[j + 1]]`; `ends[0] == 0`.
    ends: Vec<u32>,
}

impl Run {
    /// Answers the first `len` points of `ahead` in their order into this run (its old
    /// answers dropped), each query looking ahead (module notes) in all of `ahead`, the
    /// points from the run's first to the batch's last: a thread that answers the next
    /// run after this one then finds its first points' loads on their way.
    fn answer(&mut self, index: &ZoneIndex, ahead: &[Coord], len: usize, predicate: Predicate) {
        self.zones.clear();
        self.ends.clear();
        self.ends.push(0);
        for (k, &p) in ahead[..len].iter().enumerate() {
            // Start loading what the queries a few points ahead will read, each stage
            // from what the stage before loaded (module notes).
            if let Some(&q) = ahead.get(k + AHEAD_CELL) {
                index.prefetch(q, LookAhead::Cell);
            }
            if let Some(&q) = ahead.get(k + AHEAD_LIST) {
                index.prefetch(q, LookAhead::List);
            }
            if let Some(&q) = ahead.get(k + AHEAD_BLOCKS) {
                index.prefetch(q, LookAhead::Edges);
            }
            index.zones_at(p, predicate, &mut self.zones);
            self.ends.push(to_u32(self.zones.len()));
        }
    }
}

impl ZoneHits {
    /// The number of points.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the batch had no points.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The zones of point `i` (of the batch, in input order), in byte order of zone ids.
    ///
    /// # Panics
    /// When `i` is not below [`len`](Self::len).
    pub fn of(&self, i: usize) -> &[ZoneRef] {
        assert!(i < self.len, "point {i} of a batch of {}", self.len);
        let k = if self.in_order {
            i
        } else {
            self.place[i] as usize
        };
        let run = &self.runs[k / TASK];
        let j = k % TASK;
        &run.zones[run.ends[j] as usize..run.ends[j + 1] as usize]
    }

    /// The number of (point, zone) pairs.
    pub fn pairs(&self) -> usize {
        self.pairs
    }
}

/// Equal when they hold the same points with the same zones (whatever order each batch
/// was answered in).
impl PartialEq for ZoneHits {
    fn eq(&self, other: &ZoneHits) -> bool {
        self.len == other.len && (0..self.len).all(|i| self.of(i) == other.of(i))
    }
}

impl Eq for ZoneHits {}

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
        let (mut order, mut keys) = (vec![0u32; points.len()], Vec::new());
        let parts = sort_parts(points.len());
        self.sort_by_tile(points, |i| i as u32, &mut order, &mut [], &mut keys, parts);
        order
    }

    /// A stable counting sort of `points` by tile, in `parts` contiguous parts of the
    /// input on every core ([`place_by_key`]): `sorted[at] = value(i)` for every point
    /// `i`, with its place `at` in the sorted order, and `place[i] = at` unless `place`
    /// is empty. `keys` is scratch (the points' tiles).
    ///
    /// # Panics
    /// When `points` holds 2³² points or more, or `sorted` (or a non-empty `place`) is not
    /// as long as `points`.
    fn sort_by_tile<T: Send>(
        &self,
        points: &[Coord],
        value: impl Fn(usize) -> T + Sync,
        sorted: &mut [T],
        place: &mut [u32],
        keys: &mut Vec<u32>,
        parts: usize,
    ) {
        assert!(
            u32::try_from(points.len()).is_ok(),
            "a batch of 2^32 points or more"
        );
        let part_len = points.len().div_ceil(parts.max(1)).max(1);
        let tiles = self.grid.tiles();
        keys.resize(points.len(), 0);
        // Each part's keys and their histogram, in one pass on its own core.
        let counts: Vec<Vec<u32>> = points
            .par_chunks(part_len)
            .zip(keys.par_chunks_mut(part_len))
            .map(|(points, keys)| {
                let mut count = vec![0u32; tiles];
                for (k, &p) in keys.iter_mut().zip(points) {
                    *k = self.grid.tile_key(p);
                    count[*k as usize] += 1;
                }
                count
            })
            .collect();
        place_by_key(keys, counts, part_len, value, sorted, place);
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
        let mut hits = ZoneHits::default();
        self.zones_at_all_into(points, predicate, &mut hits);
        hits
    }

    /// [`zones_at_all`](Self::zones_at_all) into `hits`, whose earlier answers it
    /// replaces: a caller answering batch after batch keeps one [`ZoneHits`], whose
    /// buffers are then reused instead of allocated (and their pages faulted in) anew.
    ///
    /// # Panics
    /// When the batch has 2³² points or pairs or more (answer it in parts).
    pub fn zones_at_all_into(&self, points: &[Coord], predicate: Predicate, hits: &mut ZoneHits) {
        self.zones_at_all_in_parts(points, predicate, hits, sort_parts(points.len()));
    }

    /// [`zones_at_all_into`](Self::zones_at_all_into), the sort in `parts` parts (tests
    /// ask for more parts than a small batch gets).
    pub(crate) fn zones_at_all_in_parts(
        &self,
        points: &[Coord],
        predicate: Predicate,
        hits: &mut ZoneHits,
        parts: usize,
    ) {
        let n = points.len();
        assert!(u32::try_from(n).is_ok(), "a batch of 2^32 points or more");
        hits.len = n;
        if n < SORT_MIN {
            hits.in_order = true;
            hits.runs.resize_with(n.div_ceil(TASK), Run::default);
            for (t, run) in hits.runs.iter_mut().enumerate() {
                run.answer(self, &points[t * TASK..], TASK.min(n - t * TASK), predicate);
            }
            hits.pairs = hits.runs.iter().map(|r| r.zones.len()).sum();
            return;
        }
        // Each point's place in tile order, and the points placed there by the same pass
        // (it reads them in input order, at no cost), so that the queries read them one
        // after the other. Read through an order instead, each point was a cache miss at
        // the head of its query's chain of loads (~8 % of a join's time went to that load).
        hits.in_order = false;
        hits.place.resize(n, 0);
        hits.sorted.resize(n, Coord { x: 0.0, y: 0.0 });
        self.sort_by_tile(
            points,
            |i| points[i],
            &mut hits.sorted,
            &mut hits.place,
            &mut hits.keys,
            parts,
        );
        // Answered in that order, a task per run of points, each into its own run.
        hits.runs.resize_with(n.div_ceil(TASK), Run::default);
        let sorted = &hits.sorted[..n];
        hits.runs.par_iter_mut().enumerate().for_each(|(t, run)| {
            run.answer(self, &sorted[t * TASK..], TASK.min(n - t * TASK), predicate);
        });
        hits.pairs = hits.runs.iter().map(|r| r.zones.len()).sum();
        to_u32(hits.pairs);
    }
}

/// Parts of a batch of `n` points for the counting sort: one a thread, each at least
/// [`SORT_PART_MIN`] points.
fn sort_parts(n: usize) -> usize {
    rayon::current_num_threads().min(n / SORT_PART_MIN).max(1)
}

/// The placing pass of a stable counting sort, on every core: item `i` of `keys` (each
/// below `counts[0].len()`) is given its place `at` in the sorted order, `value(i)` is
/// written to `sorted[at]`, and `at` to `place[i]` unless `place` is empty. `counts[c]`
/// is the histogram of part `c` of `keys`, `keys[c * part_len..][..part_len]`.
///
/// The sorted order is, bucket by bucket, part 0's items of the bucket, then part 1's, …;
/// so `sorted` is cut (`split_at_mut`, in that order) into one slice per (bucket, part),
/// and each part fills only its own slices, front to back, and only its own stretch of
/// `place`: no two threads write the same memory, without atomics or `unsafe`.
///
/// # Panics
/// When `counts` does not match `keys`, or `sorted` (or a non-empty `place`) is not as
/// long as `keys`.
fn place_by_key<T: Send>(
    keys: &[u32],
    mut counts: Vec<Vec<u32>>,
    part_len: usize,
    value: impl Fn(usize) -> T + Sync,
    sorted: &mut [T],
    place: &mut [u32],
) {
    assert_eq!(
        sorted.len(),
        keys.len(),
        "a place in the order for every item"
    );
    assert!(place.is_empty() || place.len() == keys.len());
    assert_eq!(counts.len(), keys.len().div_ceil(part_len.max(1)));
    let buckets = counts.first().map_or(0, Vec::len);
    // Each part's slice of every bucket, and (in `counts`, turned into starts) where it
    // begins in the sorted order.
    let mut slots: Vec<Vec<&mut [T]>> = counts
        .iter()
        .map(|_| (0..buckets).map(|_| <&mut [T]>::default()).collect())
        .collect();
    let mut rest = sorted;
    let mut at = 0u32;
    for b in 0..buckets {
        for (count, slots) in counts.iter_mut().zip(&mut slots) {
            let n = std::mem::replace(&mut count[b], at);
            if n > 0 {
                let (slot, tail) = std::mem::take(&mut rest).split_at_mut(n as usize);
                slots[b] = slot;
                rest = tail;
                at += n;
            }
        }
    }
    assert!(rest.is_empty(), "the counts cover every item");
    let mut places: Vec<&mut [u32]> = place.chunks_mut(part_len.max(1)).collect();
    places.resize_with(counts.len(), Default::default);
    keys.par_chunks(part_len.max(1))
        .zip(counts)
        .zip(slots)
        .zip(places)
        .enumerate()
        .for_each(|(c, (((keys, mut starts), mut slots), place))| {
            let first = c * part_len;
            for (j, &k) in keys.iter().enumerate() {
                let k = k as usize;
                let (slot, tail) = std::mem::take(&mut slots[k])
                    .split_first_mut()
                    .expect("a slot for every counted item");
                *slot = value(first + j);
                slots[k] = tail;
                if let Some(at) = place.get_mut(j) {
                    *at = starts[k];
                    starts[k] += 1;
                }
            }
        });
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

    /// The sequential counting sort (count, sum, place): the oracle of [`place_by_key`].
    fn place_by_key_in_one_pass(keys: &[u32], buckets: usize) -> (Vec<u32>, Vec<u32>) {
        let mut next = vec![0u32; buckets + 1];
        for &k in keys {
            next[k as usize + 1] += 1;
        }
        for b in 1..next.len() {
            next[b] += next[b - 1];
        }
        let (mut sorted, mut place) = (vec![u32::MAX; keys.len()], vec![0u32; keys.len()]);
        for (i, &k) in keys.iter().enumerate() {
            let at = &mut next[k as usize];
            (sorted[*at as usize], place[i]) = (i as u32, *at);
            *at += 1;
        }
        (sorted, place)
    }

    fn histograms(keys: &[u32], buckets: usize, part_len: usize) -> Vec<Vec<u32>> {
        keys.chunks(part_len)
            .map(|part| {
                let mut count = vec![0u32; buckets];
                part.iter().for_each(|&k| count[k as usize] += 1);
                count
            })
            .collect()
    }

    proptest! {
        /// The parallel placing pass, in any number of parts, puts every item where the
        /// sequential counting sort does, with or without its places.
        #[test]
        fn placing_in_parts_equals_one_pass(
            keys in prop::collection::vec(0u32..40, 0..600),
            skew in 0u32..40,
            parts in 1usize..9,
        ) {
            // Some runs crowd into a few buckets, so that parts share buckets.
            let keys: Vec<u32> = keys.iter().map(|&k| if k < skew { k % 3 } else { k }).collect();
            let buckets = 40;
            let (want_sorted, want_place) = place_by_key_in_one_pass(&keys, buckets);
            let part_len = keys.len().div_ceil(parts).max(1);
            let (mut sorted, mut place) = (vec![u32::MAX; keys.len()], vec![0u32; keys.len()]);
            let counts = histograms(&keys, buckets, part_len);
            place_by_key(&keys, counts, part_len, |i| i as u32, &mut sorted, &mut place);
            prop_assert_eq!(&sorted, &want_sorted);
            prop_assert_eq!(&place, &want_place);
            let mut alone = vec![u32::MAX; keys.len()];
            let counts = histograms(&keys, buckets, part_len);
            place_by_key(&keys, counts, part_len, |i| i as u32, &mut alone, &mut []);
            prop_assert_eq!(&alone, &want_sorted);
        }

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
