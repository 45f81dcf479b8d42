//! Many segments prepared for exact nearest-distance queries: a branch-and-bound search
//! over a hierarchy of boxes, pruned with rigorous lower bounds.
//!
//! Every bound is a distance in space, never above the geodesic distance: a geodesic is
//! never shorter than the chord between its ends (the chord is s − s³/24R² long: 2 cm
//! short at 25 km), and a lon/lat segment stays within a computable sag of its chord
//! (`ellipsoid::chord_sag_m`).
//! - Segments: the Euclidean distance from p to the segment's chord, less the sag,
//!   typically within millimetres of the geodesic distance, so only the segments within
//!   a few millimetres of the best distance are solved exactly.
//! - Boxes: the distance to a box holding the chords grown by their sag, axis-aligned in
//!   the set's own frame (east, north, up at its centre: as tight as a lon/lat box for a
//!   region's sets), eight sibling boxes bounded together.

use super::bounds::{greater, lesser, slacken};
use super::ellipsoid::{E2, SLACK_M, chord_sag_m, ecef};
use super::query_point::QueryPoint;
use super::segment::{Ends, SegmentTrig, distance_to_segment_with};
use super::short::{Place, SHORT_MAX_LAT, short_distance_between_m};
use crate::Coord;

/// Consecutive pieces per leaf box: small enough that a leaf's box is tight and its
/// chord bounds few, large enough that the tree stays shallow. In the stress zones' depth
/// searches 8 takes 7 % fewer instructions than 16 (fewer chord bounds a leaf, for a
/// level more of boxes bounded eight at a time); 4 would be `LONG_RUN`'s.
const RUN: usize = 8;
/// Pieces per leaf box in a small set of long pieces (at least half of them bounded in
/// parts, e.g. a country outline): a box over 16 edges of 20–500 km spans a thousand
/// kilometres and, from inside, bounds nothing; over 4 it is tight enough to spare most
/// pieces. Such a set is searched leaves-first (`search_long`).
const LONG_RUN: usize = 4;
/// The most pieces such a set may have (so at most 16 leaves).
const LONG_PIECES: usize = 64;
/// A set of at most this many pieces keeps its pieces' end trigonometry (72 bytes a
/// piece, at most 4.6 KB a set), saving each exact solve two `sin_cos` pairs: a small set
/// (a country outline, a road's band) is solved again at every report near it, while the
/// large ones' tables would cost tens of MB on the stress set (`SegmentTrig`'s history in
/// docs/decisions.md).
const TRIG_PIECES: usize = 64;
/// Cells a side of a small set of long pieces' limit grid (`LimitGrid`).
const LIMIT_GRID: usize = 32;
/// Children per inner box.
const FANOUT: usize = 8;
/// A segment whose sag (how far it strays from its chord) exceeds this is also bounded
/// in parts of about this sag at most, metres: a piece's bound is the distance to its
/// chord less the sag, and a long segment (a 140 km edge of a country outline sags
/// ~400 m) would otherwise keep a neighbour from being pruned hundreds of metres away.
const PART_SAG_M: f64 = 4.0;
/// At most this many parts a segment.
const MAX_PARTS: usize = 32;
/// Depth-first stack capacity: each level pushes at most FANOUT entries, and u32 indices
/// cap the depth at log₈(2³²/8) < 10 levels, so 8 × (10 + 1) = 88 < 128 always suffices.
const STACK: usize = 128;

/// Polylines and points prepared for repeated exact distance queries (a polygon's rings,
/// a band's lines, a circle's centre).
///
/// Layout: the segments (and single points) in input order, in leaf runs of 8 under a
/// tree of boxes with fan-out 8 (in the set's frame, `Frame`). A query descends
/// nearest-box-first, bounding a box's eight children together, orders each leaf's
/// segments by a tight lower bound (distance to the segment's chord in space, less its
/// sag; a leaf's 8 chords are stored axis by axis and bounded together), solves exactly
/// only the segments whose bound is below the best distance so far, and stops when no
/// box can beat it. Bounds are rigorous, so the answer is the
/// brute-force minimum over all segments. A small set of long segments (at most 64, half
/// of them long enough to be bounded in parts: a country outline) has leaf runs of 4
/// instead, taken in order of their bounds with no tree above (`search_long`).
///
/// Cost: building is O(n), ≈ 250 ns and ≈ 100 bytes per segment. A query near the set
/// typically solves 1–2 segments exactly (a few evaluations of the short formula, ≈ 60 ns
/// each, within 600 km) after a few dozen box and segment bounds (≈ 10 ns each): well
/// under a microsecond within 50 km of a 5 000-vertex line. No heap allocation.
#[derive(Clone, Debug)]
pub struct SegmentSet {
    pieces: Vec<Piece>,
    /// The pieces' chords, [`RUN`] pieces a block (a tree leaf's pieces are one block).
    chords: Vec<ChordBlock>,
    /// The parts of the long pieces, each piece's consecutive.
    parts: Vec<Chord>,
    /// The tree's boxes in the set's own frame, [`FANOUT`] a block. Level 0: one box per
    /// run of `run` pieces; level l + 1: one box per FANOUT boxes of level l, so that
    /// `boxes[l][i]` holds the children of box i of level l + 1; the last level has at
    /// most FANOUT boxes, one block (a set of long pieces: its leaves only).
    boxes: Vec<Vec<BoxBlock>>,
    /// The frame those boxes are in.
    frame: Frame,
    /// Pieces per leaf box: RUN, or LONG_RUN for a set of long pieces.
    run: usize,
    /// Each piece's end trigonometry, for a set of at most [`TRIG_PIECES`]; else empty.
    trig: Vec<SegmentTrig>,
    /// For a set of long pieces, an upper bound on the answer over each cell of a grid on
    /// its box: the first limit of a cold, uncapped search from inside the box.
    limits: Option<LimitGrid>,
    bounds: (Coord, Coord),
}

/// A segment, or a point when `a == b` (its chord is in `SegmentSet::chords`).
#[derive(Clone, Copy, Debug)]
struct Piece {
    a: Coord,
    b: Coord,
    /// Its parts in `SegmentSet::parts` (first, count; no parts: count 0).
    parts: (u32, u32),
}

/// A chord in space with its sag: a piece's (while the set is built; then in a
/// [`ChordBlock`]), or a part's, one of k equal parts in t of a long segment: the chord
/// of lerp(a, b, t) over [i/k, (i + 1)/k] with its own (smaller) sag. Parts only bound;
/// the segment is solved whole.
#[derive(Clone, Copy, Debug)]
struct Chord {
    qa: [f64; 3],
    qb: [f64; 3],
    /// How far the segment or part can stray from its chord, plus the slack, metres.
    sag: f64,
}

/// The chords of [`RUN`] consecutive pieces, axis by axis, for a leaf's bound pass: its
/// chord bounds read 512 bytes of consecutive arrays and are computed two at a time
/// (`chord_bounds`), where they were the pieces' scattered fields, one at a time.
#[derive(Clone, Debug)]
struct ChordBlock {
    /// The first end, Cartesian, by axis.
    qa: [[f64; RUN]; 3],
    /// The chord qb − qa, by axis.
    d: [[f64; RUN]; 3],
    /// 1 / |qb − qa|², 0 for a point.
    inv_len2: [f64; RUN],
    /// The sag plus the slack, metres; −∞ past the set's last piece (a bound of +∞).
    sag: [f64; RUN],
}

impl ChordBlock {
    fn new(chords: &[Chord]) -> ChordBlock {
        let mut block = ChordBlock {
            qa: [[0.0; RUN]; 3],
            d: [[0.0; RUN]; 3],
            inv_len2: [0.0; RUN],
            sag: [f64::NEG_INFINITY; RUN],
        };
        for (k, ch) in chords.iter().enumerate() {
            let d: [f64; 3] = std::array::from_fn(|j| ch.qb[j] - ch.qa[j]);
            let len2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
            for (j, &dj) in d.iter().enumerate() {
                block.qa[j][k] = ch.qa[j];
                block.d[j][k] = dj;
            }
            block.inv_len2[k] = if len2 > 0.0 { 1.0 / len2 } else { 0.0 };
            block.sag[k] = ch.sag;
        }
        block
    }

    /// The distance from `q` to chord `k`, less its sag, at least 0: the chord bound of
    /// [`Search::chord_bound`], with t = dot / |d|² taken as dot × (1 / |d|²) (a point of
    /// the chord as near q up to rounding, which the slack covers).
    #[inline(always)]
    fn bound(&self, q: &[f64; 3], k: usize) -> f64 {
        let a: [f64; 3] = std::array::from_fn(|j| q[j] - self.qa[j][k]);
        let dot = a[0] * self.d[0][k] + a[1] * self.d[1][k] + a[2] * self.d[2][k];
        let t = lesser(greater(dot * self.inv_len2[k], 0.0), 1.0);
        let g: [f64; 3] = std::array::from_fn(|j| a[j] - t * self.d[j][k]);
        greater(
            (g[0] * g[0] + g[1] * g[1] + g[2] * g[2]).sqrt() - self.sag[k],
            0.0,
        )
    }

    /// Every chord's [`bound`](Self::bound) (+∞ past the last piece), branch-free so that
    /// the compiler computes two a time.
    fn bounds(&self, q: &[f64; 3]) -> [f64; RUN] {
        let mut out = [0.0; RUN];
        for (k, o) in out.iter_mut().enumerate() {
            *o = self.bound(q, k);
        }
        out
    }
}

/// A set's own Cartesian frame: origin at the centre of its lon/lat box on the
/// ellipsoid, axes east, north and up there. Its boxes are aligned with the set's
/// parallels and meridians (as tight as lon/lat boxes, for the sets of a region), and a
/// distance to one of them is a distance in space (a rotation keeps lengths).
///
/// Rigour: the axes are orthonormal up to a few ulps, so a local position's length
/// differs from the true one by ~1e-15 of it (< 1e-8 m even across the globe), and each
/// coordinate is rounded to ~1e-9 m: far below the slack every box bound gives away.
#[derive(Clone, Copy, Debug)]
struct Frame {
    origin: [f64; 3],
    axes: [[f64; 3]; 3],
}

impl Frame {
    fn at(c: Coord) -> Frame {
        let (sp, cp) = c.y.to_radians().sin_cos();
        let (sl, cl) = c.x.to_radians().sin_cos();
        Frame {
            origin: ecef(c),
            axes: [
                [-sl, cl, 0.0],
                [-sp * cl, -sp * sl, cp],
                [cp * cl, cp * sl, sp],
            ],
        }
    }

    /// `x` (Cartesian) in this frame.
    #[inline(always)]
    fn local(&self, x: &[f64; 3]) -> [f64; 3] {
        let d: [f64; 3] = std::array::from_fn(|k| x[k] - self.origin[k]);
        std::array::from_fn(|j| {
            let a = &self.axes[j];
            a[0] * d[0] + a[1] * d[1] + a[2] * d[2]
        })
    }
}

/// An axis-aligned box in a set's [`Frame`] holding every point of some pieces (their
/// chords grown by their sag).
#[derive(Clone, Copy, Debug)]
struct LocalBox {
    lo: [f64; 3],
    hi: [f64; 3],
}

impl LocalBox {
    fn of_chord(frame: &Frame, ch: &Chord) -> LocalBox {
        let (a, b) = (frame.local(&ch.qa), frame.local(&ch.qb));
        LocalBox {
            lo: std::array::from_fn(|k| a[k].min(b[k]) - ch.sag),
            hi: std::array::from_fn(|k| a[k].max(b[k]) + ch.sag),
        }
    }

    fn join(self, o: LocalBox) -> LocalBox {
        LocalBox {
            lo: std::array::from_fn(|k| self.lo[k].min(o.lo[k])),
            hi: std::array::from_fn(|k| self.hi[k].max(o.hi[k])),
        }
    }

    fn of_run(run: &[LocalBox]) -> LocalBox {
        run.iter()
            .copied()
            .reduce(LocalBox::join)
            .expect("runs are never empty")
    }
}

/// Up to [`FANOUT`] boxes (a box's children) axis by axis, bounded together: the
/// descent's step, eight distances to boxes computed two at a time without a branch.
#[derive(Clone, Debug)]
struct BoxBlock {
    lo: [[f64; FANOUT]; 3],
    hi: [[f64; FANOUT]; 3],
}

impl BoxBlock {
    /// Past the last box, an empty one (lo = +∞, hi = −∞): its bound is +∞.
    fn new(boxes: &[LocalBox]) -> BoxBlock {
        let mut block = BoxBlock {
            lo: [[f64::INFINITY; FANOUT]; 3],
            hi: [[f64::NEG_INFINITY; FANOUT]; 3],
        };
        for (k, b) in boxes.iter().enumerate() {
            for j in 0..3 {
                block.lo[j][k] = b.lo[j];
                block.hi[j][k] = b.hi[j];
            }
        }
        block
    }

    /// The distance from `q` (in the set's frame) to each box, less the slack: rigorous
    /// lower bounds on the distance to anything in them.
    #[inline(always)]
    fn bounds(&self, q: &[f64; 3]) -> [f64; FANOUT] {
        let mut gap2 = [0.0; FANOUT];
        for j in 0..3 {
            for (k, g2) in gap2.iter_mut().enumerate() {
                *g2 += self.gap(q, j, k).powi(2);
            }
        }
        gap2.map(|g2| slacken(g2.sqrt()))
    }

    /// Box `k`'s [`bounds`](Self::bounds) alone.
    #[inline(always)]
    fn bound(&self, q: &[f64; 3], k: usize) -> f64 {
        let gap2: f64 = (0..3).map(|j| self.gap(q, j, k).powi(2)).sum();
        slacken(gap2.sqrt())
    }

    /// How far `q` lies outside box `k` along axis `j`.
    #[inline(always)]
    fn gap(&self, q: &[f64; 3], j: usize, k: usize) -> f64 {
        greater(greater(self.lo[j][k] - q[j], q[j] - self.hi[j][k]), 0.0)
    }
}

impl Piece {
    /// The segment `a`–`b` and its chord, with its parts appended to `parts` when its
    /// sag exceeds [`PART_SAG_M`] (k parts: the sag shrinks like 1/k²).
    fn new(a: Coord, b: Coord, parts: &mut Vec<Chord>) -> (Piece, Chord) {
        let sag = chord_sag_m(a, b);
        let k = if sag > PART_SAG_M {
            ((sag / PART_SAG_M).sqrt().ceil() as usize).min(MAX_PARTS)
        } else {
            1
        };
        let first = parts.len() as u32;
        if k > 1 {
            // The parts' ends as the solver computes points of the segment (`Span::at`);
            // the slack covers the rounding of the lerp.
            let at = |i: usize| {
                if i == 0 {
                    return a;
                }
                if i == k {
                    return b;
                }
                let t = i as f64 / k as f64;
                Coord {
                    x: (1.0 - t) * a.x + t * b.x,
                    y: ((1.0 - t) * a.y + t * b.y).clamp(-90.0, 90.0),
                }
            };
            parts.extend((0..k).map(|i| {
                let (pa, pb) = (at(i), at(i + 1));
                Chord {
                    qa: ecef(pa),
                    qb: ecef(pb),
                    sag: chord_sag_m(pa, pb) + SLACK_M,
                }
            }));
        }
        let piece = Piece {
            a,
            b,
            parts: (first, if k > 1 { k as u32 } else { 0 }),
        };
        let chord = Chord {
            qa: ecef(a),
            qb: ecef(b),
            sag: sag + SLACK_M,
        };
        (piece, chord)
    }
}

impl SegmentSet {
    /// Prepares the given paths; each path is a polyline of consecutive positions, and a
    /// path of one position is a point.
    ///
    /// Repeated positions are fine (zero-length segments are dropped; a path of only
    /// repeats is its point); empty paths are ignored. Positions must not be NaN.
    pub fn new<'a>(paths: impl IntoIterator<Item = &'a [Coord]>) -> Self {
        let (mut pieces, mut chords, mut parts) = (Vec::new(), Vec::new(), Vec::new());
        for path in paths {
            let before = pieces.len();
            for w in path.windows(2).filter(|w| w[0] != w[1]) {
                let (pc, ch) = Piece::new(w[0], w[1], &mut parts);
                pieces.push(pc);
                chords.push(ch);
            }
            if pieces.len() == before {
                if let Some(&p) = path.first() {
                    let (pc, ch) = Piece::new(p, p, &mut parts);
                    pieces.push(pc);
                    chords.push(ch);
                }
            }
        }
        let long = pieces.iter().filter(|pc| pc.parts.1 > 0).count();
        let run = if long > 0 && 2 * long >= pieces.len() && pieces.len() <= LONG_PIECES {
            LONG_RUN
        } else {
            RUN
        };
        let bounds = crate::extent::bounding_box(pieces.iter().flat_map(|pc| [pc.a, pc.b]));
        let frame = Frame::at(if pieces.is_empty() {
            Coord { x: 0.0, y: 0.0 }
        } else {
            Coord {
                x: 0.5 * (bounds.0.x + bounds.1.x),
                y: 0.5 * (bounds.0.y + bounds.1.y),
            }
        });
        let mut boxes: Vec<Vec<BoxBlock>> = Vec::new();
        if !pieces.is_empty() {
            let mut level: Vec<LocalBox> = chords
                .iter()
                .map(|ch| LocalBox::of_chord(&frame, ch))
                .collect::<Vec<_>>()
                .chunks(run)
                .map(LocalBox::of_run)
                .collect();
            loop {
                boxes.push(level.chunks(FANOUT).map(BoxBlock::new).collect());
                // The leaves-first search of a set of long pieces needs no boxes above them.
                if run == LONG_RUN || level.len() <= FANOUT {
                    break;
                }
                level = level.chunks(FANOUT).map(LocalBox::of_run).collect();
            }
        }
        let trig = if pieces.len() <= TRIG_PIECES {
            pieces
                .iter()
                .map(|pc| SegmentTrig::new(pc.a, pc.b))
                .collect()
        } else {
            Vec::new()
        };
        let chords = chords.chunks(RUN).map(ChordBlock::new).collect();
        let mut set = SegmentSet {
            pieces,
            chords,
            parts,
            boxes,
            frame,
            run,
            trig,
            limits: None,
            bounds,
        };
        if set.run == LONG_RUN {
            set.limits = Some(LimitGrid::new(&set));
        }
        set
    }

    /// The exact smallest geodesic distance from `p` to any segment or point, metres.
    ///
    /// Equal to the minimum of [`distance_to_segment_m`](super::distance_to_segment_m) over every segment (the pruning
    /// only skips segments that provably cannot win). `f64::INFINITY` for an empty set,
    /// NaN for a NaN `p`.
    pub fn distance_m(&self, p: Coord) -> f64 {
        self.search_uncapped(&QueryPoint::new(p), &mut Seed::default())
    }

    /// [`distance_m`](Self::distance_m) from a prepared query point, capped from the
    /// start by an upper bound on the distance to the piece `seed` names (one near a
    /// recent query point: the previous report's nearest, in locality order; the bound is
    /// the short distance to its nearer end, `seed_ceiling`); `seed` then names the piece
    /// that gave the answer. The same value whatever the seed: the answer is the minimum
    /// of the same exact per-piece solutions, and the seed only decides which pieces are
    /// solved (none whose lower bound exceeds that upper bound, which the answer's does
    /// not). [`Seed::NONE`] is a cold start.
    pub(crate) fn distance_seeded_at(&self, q: &QueryPoint, seed: &mut Seed) -> f64 {
        self.search_uncapped(q, seed)
    }

    /// [`search`](Self::search) with no cap (a set of long pieces is still capped from its
    /// [`LimitGrid`] there).
    fn search_uncapped(&self, q: &QueryPoint, seed: &mut Seed) -> f64 {
        self.search(q, f64::INFINITY, seed)
    }

    /// [`distance_up_to_m`](Self::distance_up_to_m) from a prepared query point: the same
    /// value.
    pub(crate) fn distance_up_to_at(&self, q: &QueryPoint, cap: f64) -> Option<f64> {
        if cap.is_nan() || cap < 0.0 {
            return None;
        }
        let d = self.search(q, cap, &mut Seed::default());
        (d <= cap).then_some(d)
    }

    /// The exact distance if it is ≤ `cap`, else `None`; cheaper than
    /// [`distance_m`](Self::distance_m) when most of the set is far beyond `cap`.
    ///
    /// When `Some(d)`, `d` is bit-identical to `distance_m(p)`. `None` for an empty set, a
    /// NaN `p` or a negative or NaN `cap`.
    pub fn distance_up_to_m(&self, p: Coord, cap: f64) -> Option<f64> {
        self.distance_up_to_at(&QueryPoint::new(p), cap)
    }

    /// The bounding box of every position, lon/lat. An empty set gives the inverted box
    /// (+∞, +∞)–(−∞, −∞).
    pub fn bounds(&self) -> (Coord, Coord) {
        self.bounds
    }

    /// The smallest distance if it is ≤ `cap` (then exact), else some value > `cap`;
    /// `seed` as in [`distance_seeded_at`](Self::distance_seeded_at).
    fn search(&self, q: &QueryPoint, cap: f64, seed: &mut Seed) -> f64 {
        let p = q.at();
        if p.x.is_nan() || p.y.is_nan() {
            return f64::NAN;
        }
        if self.pieces.is_empty() {
            return f64::INFINITY;
        }
        // A set of long pieces, from inside its grid: its cell's candidates under its
        // cell's limit (the answer is within it, and its piece among them), no seed.
        if let Some(grid) = &self.limits
            && let Some(k) = grid.cell_of(p)
        {
            let (limit, listed) = grid.cell(k);
            let mut s = Search::new(q, lesser(cap, limit));
            self.search_listed(&mut s, listed);
            if s.nearest != Seed::NONE.0 {
                *seed = Seed(s.nearest);
            }
            return s.found;
        }
        // Any upper bound on the minimum may serve as the cap (what it prunes lies beyond
        // the answer, and the answer's piece is still solved): the short distance to the
        // seed piece's end nearer in space (the other end's when that one is out of the
        // short formula's reach), one short distance instead of the piece's whole
        // solution. It lets the descent prune at once what a cold start would first visit.
        let cap = match self.pieces.get(seed.0 as usize) {
            Some(pc) => {
                // Both ends' Cartesian positions from the block (the second as qa + (qb −
                // qa): within an ulp of qb, which the ceiling's margin covers).
                let (block, k) = (&self.chords[seed.0 as usize / RUN], seed.0 as usize % RUN);
                let x: [f64; 3] = std::array::from_fn(|j| block.qa[j][k]);
                let y: [f64; 3] = std::array::from_fn(|j| block.qa[j][k] + block.d[j][k]);
                let o = q.trig().place.x;
                let gap2 =
                    |e: &[f64; 3]| (0..3).map(|j| (e[j] - o[j]) * (e[j] - o[j])).sum::<f64>();
                let (near, far) = if gap2(&y) < gap2(&x) {
                    ((pc.b, y), (pc.a, x))
                } else {
                    ((pc.a, x), (pc.b, y))
                };
                let ceiling = seed_ceiling(q, near.0, near.1)
                    .or_else(|| seed_ceiling(q, far.0, far.1))
                    .unwrap_or(f64::INFINITY);
                lesser(cap, ceiling)
            }
            None => cap,
        };
        let mut s = Search::new(q, cap);
        // A stack of FANOUT entries a level suffices (module notes on STACK); sets of up to
        // 512 pieces (two levels) or 32 768 (four) skip zero-filling the full 2 KiB one.
        if self.run == LONG_RUN {
            // A waiting list with room for the set's pieces, no more (as in
            // `search_listed`): the full one costs a zero-fill call per search.
            if self.pieces.len() <= 16 {
                self.search_long::<16>(&mut s);
            } else if self.pieces.len() <= 32 {
                self.search_long::<32>(&mut s);
            } else {
                self.search_long::<LONG_PIECES>(&mut s);
            }
        } else if self.boxes.len() <= 2 {
            self.search_with(&mut s, &mut [Entry::default(); 2 * FANOUT]);
        } else if self.boxes.len() <= 4 {
            self.search_with(&mut s, &mut [Entry::default(); 4 * FANOUT]);
        } else {
            self.search_with(&mut s, &mut [Entry::default(); STACK]);
        }
        if s.nearest != Seed::NONE.0 {
            *seed = Seed(s.nearest);
        }
        s.found
    }

    /// The tree descent: boxes bounded eight at a time in the set's frame, nearest first,
    /// the leaves' pieces solved (`solve_leaf`).
    fn search_with(&self, s: &mut Search, stack: &mut [Entry]) {
        let q = self.frame.local(&s.q);
        let top = self.boxes.len() - 1;
        let mut len = 0;
        s.push_block(&self.boxes[top][0], &q, 0, top as u32, stack, &mut len);
        while len > 0 {
            len -= 1;
            let e = stack[len];
            if e.bound > s.limit() {
                continue;
            }
            if e.level == 0 {
                self.solve_leaf(s, e.index as usize);
            } else {
                let below = e.level as usize - 1;
                let block = &self.boxes[below][e.index as usize];
                s.push_block(
                    block,
                    &q,
                    e.index * FANOUT as u32,
                    e.level - 1,
                    stack,
                    &mut len,
                );
            }
        }
    }

    /// The search of a small set of long pieces: every leaf bounded and taken in order of
    /// its bound, and the pieces of the leaves taken so far solved in order of theirs,
    /// whichever bound is smaller first, so that the first piece solved has the smallest
    /// bound of the whole set (a descent solves the best piece of each leaf it meets while
    /// the limit is still loose). A piece is bounded by its chord, then by its parts once
    /// some piece has been solved (not under a cap alone: the first piece solved is
    /// nearly always the answer, whose parts would only delay its solution), then solved;
    /// the search stops when no leaf or piece left can be
    /// within the limit. The same rigorous bounds, so the same brute-force minimum.
    ///
    /// `N` ≥ the set's number of pieces.
    fn search_long<const N: usize>(&self, s: &mut Search) {
        let mut leaves = [(0.0f64, 0u8); LONG_PIECES / LONG_RUN];
        let mut n_leaves = 0;
        // One leaf at a time: most such sets have one or two leaves, fewer than a block's
        // eight lanes.
        let q = self.frame.local(&s.q);
        for leaf in 0..self.pieces.len().div_ceil(LONG_RUN) {
            let bound = self.boxes[0][leaf / FANOUT].bound(&q, leaf % FANOUT);
            if bound <= s.limit() {
                leaves[n_leaves] = (bound, leaf as u8);
                n_leaves += 1;
            }
        }
        let leaves = &mut leaves[..n_leaves];
        // At most 16, by a plain `<` (bounds are never NaN): an insertion sort costs less
        // than the library's sort by `total_cmp`.
        for k in 1..leaves.len() {
            let mut m = k;
            while m > 0 && leaves[m].0 < leaves[m - 1].0 {
                leaves.swap(m, m - 1);
                m -= 1;
            }
        }
        // Pieces of the leaves taken.
        let mut pending = Pending::<N>::new();
        let mut next = 0;
        loop {
            let (j, best) = pending.smallest();
            if next < leaves.len() && leaves[next].0 <= best {
                let (lb, leaf) = leaves[next];
                next += 1;
                // Skipped, not the end: correctness does not rest on the order.
                if lb > s.limit() {
                    continue;
                }
                let start = leaf as usize * self.run;
                let end = (start + self.run).min(self.pieces.len());
                for i in start..end {
                    pending.add(self, s, i as u8);
                }
                continue;
            }
            if pending.n == 0 || best > s.limit() {
                break;
            }
            pending.take(self, s, j);
        }
    }

    /// The search of a small set of long pieces among the candidates `listed` (some of
    /// which hold the answer: `LimitGrid`): each bounded by its chord, then by its parts
    /// once some piece has been solved (as in `search_long`), then solved, smallest bound
    /// first, until no bound left is within the limit.
    fn search_listed(&self, s: &mut Search, listed: &[u8]) {
        // A waiting list no longer than the listing: a short one is set up in a few
        // stores, where the full one (640 bytes) costs a zero-fill call per search.
        if listed.len() <= 8 {
            self.search_listed_in::<8>(s, listed);
        } else if listed.len() <= 16 {
            self.search_listed_in::<16>(s, listed);
        } else {
            self.search_listed_in::<LONG_PIECES>(s, listed);
        }
    }

    /// [`search_listed`](Self::search_listed) with room for `N` ≥ `listed.len()` pieces.
    fn search_listed_in<const N: usize>(&self, s: &mut Search, listed: &[u8]) {
        let mut pending = Pending::<N>::new();
        for &i in listed {
            pending.add(self, s, i);
        }
        while pending.n > 0 {
            let (j, best) = pending.smallest();
            if best > s.limit() {
                break;
            }
            pending.take(self, s, j);
        }
    }

    /// Solves exactly, in order of their lower bounds, the pieces of one leaf run that may
    /// beat the best so far. A long piece that comes up once some piece has been solved is
    /// first bounded again by its parts (the tighter bound, taken lazily: only for pieces
    /// that would otherwise be solved).
    fn solve_leaf(&self, s: &mut Search, run: usize) {
        // The tree's leaves are its chord blocks (`RUN` pieces each).
        let start = run * RUN;
        let pieces = &self.pieces[start..(start + RUN).min(self.pieces.len())];
        let bounds = self.chords[run].bounds(&s.q);
        // (bound, index, whether the bound is final)
        let mut cand = [(0.0f64, 0u32, false); RUN];
        let mut n = 0;
        for (i, pc) in pieces.iter().enumerate() {
            let lb = bounds[i];
            if lb <= s.limit() {
                cand[n] = (lb, i as u32, pc.parts.1 == 0);
                n += 1;
            }
        }
        while n > 0 {
            let mut j = 0;
            for k in 1..n {
                if cand[k].0 < cand[j].0 {
                    j = k;
                }
            }
            let (lb, i, fine) = cand[j];
            if lb > s.limit() {
                break;
            }
            let pc = &pieces[i as usize];
            // Parts only once a piece is solved (as in `search_long`): under a cap alone
            // they would be computed for the answer's piece.
            if !fine && s.found.is_finite() {
                cand[j] = (lb.max(self.parts_bound(s, pc)), i, true);
                continue;
            }
            cand[j] = cand[n - 1];
            n -= 1;
            let d = self.solve(s, start + i as usize);
            s.offer(d, (start + i as usize) as u32);
        }
    }

    /// The exact distance to piece `i` (its end trigonometry given when the set keeps it).
    fn solve(&self, s: &mut Search, i: usize) -> f64 {
        let pc = &self.pieces[i];
        distance_to_segment_with(s.p, pc.a, pc.b, &mut s.ends, self.trig.get(i))
    }

    /// A rigorous lower bound on the distance to piece `i`: the distance from p to its
    /// chord in space, less the sag (and slack).
    fn piece_bound(&self, s: &Search, i: usize) -> f64 {
        self.chords[i / RUN].bound(&s.q, i % RUN)
    }

    /// A rigorous lower bound on the distance to a piece with parts: the smallest of its
    /// parts' chord bounds (the parts cover the segment).
    fn parts_bound(&self, s: &Search, pc: &Piece) -> f64 {
        let (first, count) = (pc.parts.0 as usize, pc.parts.1 as usize);
        self.parts[first..first + count]
            .iter()
            .map(|pt| s.chord_bound(&pt.qa, &pt.qb, pt.sag))
            .fold(f64::INFINITY, f64::min)
    }
}

#[cfg(test)]
impl SegmentSet {
    /// The bound from the query point of each box holding piece `i`, leaf first.
    fn box_bounds_above(&self, s: &Search, i: usize) -> Vec<f64> {
        let q = self.frame.local(&s.q);
        let mut index = i / self.run;
        let mut out = Vec::new();
        for level in &self.boxes {
            out.push(level[index / FANOUT].bounds(&q)[index % FANOUT]);
            index /= FANOUT;
        }
        out
    }
}

/// A piece of one [`SegmentSet`] remembered as near a recent query point, whose nearer
/// end's distance caps the next search of that set (`distance_seeded_at`). Any value is
/// safe: one that names no piece of the set is ignored, and a far piece costs only two
/// short distances (beyond the short formula's reach, nothing: a cold start).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Seed(pub(crate) u32);

impl Seed {
    /// No piece: the search starts cold.
    pub(crate) const NONE: Seed = Seed(u32::MAX);
}

impl Default for Seed {
    /// [`Seed::NONE`].
    fn default() -> Seed {
        Seed::NONE
    }
}

/// The pieces of a small set of long pieces waiting to be solved (`search_long`,
/// `search_listed`): each with its lower bound and whether that bound is final.
/// Room for `N` pieces (at most [`LONG_PIECES`] are ever added).
struct Pending<const N: usize> {
    bound: [f64; N],
    piece: [(u8, bool); N],
    n: usize,
}

impl<const N: usize> Pending<N> {
    fn new() -> Pending<N> {
        Pending {
            bound: [0.0; N],
            piece: [(0, false); N],
            n: 0,
        }
    }

    /// Adds piece `i` of `set` when its chord bound is within the limit (its bound is
    /// final when it has no parts).
    fn add(&mut self, set: &SegmentSet, s: &Search, i: u8) {
        let lb = set.piece_bound(s, i as usize);
        if lb <= s.limit() {
            self.bound[self.n] = lb;
            self.piece[self.n] = (i, set.pieces[i as usize].parts.1 == 0);
            self.n += 1;
        }
    }

    /// The slot with the smallest bound, and that bound (∞ when none is waiting).
    fn smallest(&self) -> (usize, f64) {
        let mut j = 0;
        for k in 1..self.n {
            if self.bound[k] < self.bound[j] {
                j = k;
            }
        }
        (
            j,
            if self.n > 0 {
                self.bound[j]
            } else {
                f64::INFINITY
            },
        )
    }

    /// Takes slot `j`: a piece whose bound is not final, once some piece has been solved,
    /// is bounded again by its parts and stays (parts only then: under the cap of a limit
    /// grid or a band's reach they would be computed for the answer's piece); else it is
    /// solved and offered.
    fn take(&mut self, set: &SegmentSet, s: &mut Search, j: usize) {
        let (i, fine) = self.piece[j];
        if !fine && s.found.is_finite() {
            let parts = set.parts_bound(s, &set.pieces[i as usize]);
            self.bound[j] = greater(self.bound[j], parts);
            self.piece[j].1 = true;
            return;
        }
        self.n -= 1;
        self.bound[j] = self.bound[self.n];
        self.piece[j] = self.piece[self.n];
        let d = set.solve(s, i as usize);
        s.offer(d, u32::from(i));
    }
}

/// A small set of long pieces' first limits and candidates: over the set's lon/lat box,
/// LIMIT_GRID² cells, each holding a rigorous upper bound on the distance from any of its
/// points to the set, and the pieces that can be nearest to one of its points.
///
/// The limit is the exact distance from the cell's centre (the set's own search, when the
/// set is built: 1 024 searches, each capped by its neighbour's distance plus the step)
/// plus an upper bound on how far a point of the cell is from its centre (the reach). A
/// piece is a candidate unless its rigorous lower bound from the centre (chord, then
/// parts) less the reach exceeds the limit: from any point of the cell it is then farther
/// than the nearest piece, so the nearest is always among the candidates. A search from
/// inside the box bounds and solves only those (a handful; from deep inside a country it
/// otherwise bounds every leaf and the pieces of the nearest ones before its first
/// solution gives it a limit). Unlike a seed it costs no solve: a seed that is not the
/// answer's piece (two thirds of them for the Sirte reports, from a 64 × 64 grid) costs a
/// whole solve more than the cold search.
#[derive(Clone, Debug)]
struct LimitGrid {
    lon0: f64,
    lat0: f64,
    /// Cells per degree.
    lon_scale: f64,
    lat_scale: f64,
    /// Row-major from the south-west cell, metres.
    cells: Box<[f64]>,
    /// Cell k's candidates are `candidates[starts[k]..starts[k + 1]]`, piece indices in
    /// order of their bound from the cell's centre.
    starts: Box<[u32]>,
    candidates: Box<[u8]>,
}

impl LimitGrid {
    fn new(set: &SegmentSet) -> LimitGrid {
        // The largest meridian radius of curvature, rounded up (as `upper_bound_m`): a
        // path along a meridian, then a parallel, of Δφ and Δλ radians is shorter than
        // this × (|Δφ| + |Δλ|).
        const RADIUS_MAX_M: f64 = 6_399_594.0;
        let (lo, hi) = set.bounds;
        let n = LIMIT_GRID as f64;
        let (w, h) = ((hi.x - lo.x) / n, (hi.y - lo.y) / n);
        let reach = RADIUS_MAX_M * (0.5 * (w + h)).to_radians() * (1.0 + 1e-9) + SLACK_M;
        let mut cells = Vec::with_capacity(LIMIT_GRID * LIMIT_GRID);
        let mut starts = Vec::with_capacity(LIMIT_GRID * LIMIT_GRID + 1);
        let mut candidates = Vec::new();
        let mut listed: Vec<(f64, u8)> = Vec::with_capacity(set.pieces.len());
        let mut centres: Vec<f64> = Vec::with_capacity(LIMIT_GRID * LIMIT_GRID);
        for k in 0..LIMIT_GRID * LIMIT_GRID {
            let (i, j) = (k % LIMIT_GRID, k / LIMIT_GRID);
            let centre = Coord {
                x: lo.x + (i as f64 + 0.5) * w,
                y: lo.y + (j as f64 + 0.5) * h,
            };
            let q = QueryPoint::new(centre);
            // Capped by the previous centre's distance plus the step to this one (a
            // parallel's or a meridian's arc, at most RADIUS_MAX_M × the angle): an upper
            // bound, so the search is exact and prunes sooner.
            let cap = if i > 0 {
                (centres[k - 1] + RADIUS_MAX_M * w.to_radians()) * (1.0 + 1e-9) + SLACK_M
            } else if j > 0 {
                (centres[k - LIMIT_GRID] + RADIUS_MAX_M * h.to_radians()) * (1.0 + 1e-9) + SLACK_M
            } else {
                f64::INFINITY
            };
            let d = set.search(&q, cap, &mut Seed::default());
            centres.push(d);
            // The centre's distance is within nanometres of the exact one; the slack
            // (1 mm) in `reach` covers that too.
            let limit = d * (1.0 + 1e-9) + reach;
            let s = Search::new(&q, f64::INFINITY);
            listed.clear();
            for (p, pc) in set.pieces.iter().enumerate() {
                // The parts' bound (tighter, dearer) only where the chord's does not
                // already rule the piece out.
                let mut lb = set.piece_bound(&s, p);
                if pc.parts.1 > 0 && lb - reach <= limit {
                    lb = greater(lb, set.parts_bound(&s, pc));
                }
                if lb - reach <= limit {
                    listed.push((lb, p as u8));
                }
            }
            listed.sort_by(|x, y| x.0.total_cmp(&y.0));
            starts.push(candidates.len() as u32);
            candidates.extend(listed.iter().map(|&(_, p)| p));
            cells.push(limit);
        }
        starts.push(candidates.len() as u32);
        LimitGrid {
            lon0: lo.x,
            lat0: lo.y,
            lon_scale: if w > 0.0 { 1.0 / w } else { 0.0 },
            lat_scale: if h > 0.0 { 1.0 / h } else { 0.0 },
            cells: cells.into(),
            starts: starts.into(),
            candidates: candidates.into(),
        }
    }

    /// The cell holding `p` (row-major index); `None` outside the box (or for NaN).
    fn cell_of(&self, p: Coord) -> Option<usize> {
        let (x, y) = (
            (p.x - self.lon0) * self.lon_scale,
            (p.y - self.lat0) * self.lat_scale,
        );
        // Inside the box (its far edges included: they belong to the last cells).
        if !(x >= 0.0 && y >= 0.0 && x <= LIMIT_GRID as f64 && y <= LIMIT_GRID as f64) {
            return None;
        }
        // Within [0, LIMIT_GRID] here: an `i32` conversion (one instruction and its
        // saturation checks, where `usize`'s takes a dozen) gives the same floor.
        let last = LIMIT_GRID as i32 - 1;
        let (i, j) = ((x as i32).min(last), (y as i32).min(last));
        Some(j as usize * LIMIT_GRID + i as usize)
    }

    /// The limit of the cell holding `p`; ∞ outside the box (or for NaN).
    #[cfg(test)]
    fn limit_at(&self, p: Coord) -> f64 {
        self.cell_of(p).map_or(f64::INFINITY, |k| self.cells[k])
    }

    /// Cell `k`'s limit and candidates.
    fn cell(&self, k: usize) -> (f64, &[u8]) {
        let (a, b) = (self.starts[k] as usize, self.starts[k + 1] as usize);
        (self.cells[k], &self.candidates[a..b])
    }
}

/// A rigorous upper bound on the distance from `q` to `a`, whose Cartesian position is
/// `x` (`ecef(a)`), metres: the short formula's distance grown by far more than its error
/// (5 µm to 600 km) and the rounding of the normal; `None` beyond its reach. The normal
/// at `a` is taken from `x` (∝ (x, y, z / (1 − e²))), not from `a`'s sines and cosines:
/// a square root instead of two `sin_cos`.
fn seed_ceiling(q: &QueryPoint, a: Coord, x: [f64; 3]) -> Option<f64> {
    let p = q.at();
    if p.y.abs() > SHORT_MAX_LAT || a.y.abs() > SHORT_MAX_LAT {
        return None;
    }
    let m = [x[0], x[1], x[2] / (1.0 - E2)];
    let inv = 1.0 / (m[0] * m[0] + m[1] * m[1] + m[2] * m[2]).sqrt();
    let place = Place {
        x,
        n: [m[0] * inv, m[1] * inv, m[2] * inv],
    };
    let d = short_distance_between_m(&q.trig().place, &place)?;
    Some(d * (1.0 + 1e-9) + 1e-6)
}

/// One stacked box: its lower bound, level and index within the level.
#[derive(Clone, Copy, Default)]
struct Entry {
    bound: f64,
    level: u32,
    index: u32,
}

/// Per-query state: the query point in bound-ready form and the best distance so far.
struct Search {
    p: Coord,
    /// Cartesian p.
    q: [f64; 3],
    cap: f64,
    /// Smallest exact distance found (∞ before any), and the piece that gave it
    /// (`Seed::NONE`'s index before any).
    found: f64,
    nearest: u32,
    /// Solutions at segment ends, shared by neighbouring segments.
    ends: Ends,
}

impl Search {
    fn new(qp: &QueryPoint, cap: f64) -> Search {
        // One sine and cosine each of φ and λ (the query point's) serve every form of p.
        let (p, t) = (qp.at(), qp.trig());
        Search {
            p,
            q: t.place.x,
            cap,
            found: f64::INFINITY,
            nearest: Seed::NONE.0,
            ends: Ends::at(p, t.place, t.radii),
        }
    }

    /// Nothing farther than this matters.
    fn limit(&self) -> f64 {
        lesser(self.cap, self.found)
    }

    fn offer(&mut self, d: f64, piece: u32) {
        if d < self.found {
            self.found = d;
            self.nearest = piece;
        }
    }

    /// The distance from p to the chord `qa`–`qb`, less `sag`, at least 0.
    fn chord_bound(&self, qa: &[f64; 3], qb: &[f64; 3], sag: f64) -> f64 {
        let a: [f64; 3] = std::array::from_fn(|k| self.q[k] - qa[k]);
        let d: [f64; 3] = std::array::from_fn(|k| qb[k] - qa[k]);
        let len2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        let dot = a[0] * d[0] + a[1] * d[1] + a[2] * d[2];
        let t = if len2 > 0.0 {
            lesser(greater(dot / len2, 0.0), 1.0)
        } else {
            0.0
        };
        let gap2: f64 = (0..3).map(|k| (a[k] - t * d[k]).powi(2)).sum();
        greater(gap2.sqrt() - sag, 0.0)
    }

    /// Pushes the boxes of `block` (the first is box `first` of `level`) whose bound from
    /// `q` (in their frame) is within the limit, nearest on top.
    fn push_block(
        &self,
        block: &BoxBlock,
        q: &[f64; 3],
        first: u32,
        level: u32,
        stack: &mut [Entry],
        len: &mut usize,
    ) {
        let bounds = block.bounds(q);
        let limit = self.limit();
        // Each box within the limit inserted into the stack's top entries, which stay
        // farthest first (so the nearest is popped first). At most 8, by a plain `<`
        // (bounds are never NaN): cheaper than sorting a buffer and copying it over.
        let base = *len;
        for (k, &bound) in bounds.iter().enumerate() {
            if bound <= limit {
                let mut m = *len;
                while m > base && stack[m - 1].bound < bound {
                    stack[m] = stack[m - 1];
                    m -= 1;
                }
                stack[m] = Entry {
                    bound,
                    level,
                    index: first + k as u32,
                };
                *len += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesic::{distance_m, distance_to_segment_m, lower_bound_to_box_m, shoot};
    use proptest::prelude::*;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    /// The oracle: every segment (or lone point) of every path, no pruning.
    fn brute_force(paths: &[Vec<Coord>], p: Coord) -> f64 {
        let mut best = f64::INFINITY;
        for path in paths {
            if path.len() == 1 {
                best = best.min(distance_m(p, path[0]));
            }
            for w in path.windows(2) {
                best = best.min(distance_to_segment_m(p, w[0], w[1]));
            }
        }
        best
    }

    /// A wiggly random walk: `n` vertices from `start`, steps of `step_m` (some repeated
    /// positions when `repeats`), heading drifting by up to ±`turn` degrees per step.
    fn walk(
        start: Coord,
        n: usize,
        step_m: f64,
        turn: f64,
        seed: u64,
        repeats: bool,
    ) -> Vec<Coord> {
        let mut rng = XorShift(seed | 1);
        let mut heading = rng.next() * 360.0;
        let mut v = vec![start];
        while v.len() < n {
            let last = *v.last().unwrap();
            if repeats && rng.next() < 0.05 {
                v.push(last);
                continue;
            }
            heading += (rng.next() - 0.5) * 2.0 * turn;
            v.push(shoot(last, heading, step_m * (0.2 + rng.next())));
        }
        v
    }

    /// A tiny deterministic generator (uniform in [0, 1)), so tests need no new crate.
    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn empty_set() {
        let set = SegmentSet::new(std::iter::empty());
        assert_eq!(set.distance_m(c(16.0, 31.0)), f64::INFINITY);
        assert_eq!(set.distance_up_to_m(c(16.0, 31.0), 1e9), None);
        let (lo, hi) = set.bounds();
        assert!(lo.x > hi.x && lo.y > hi.y);
        let set = SegmentSet::new([&[][..]]);
        assert_eq!(set.distance_m(c(16.0, 31.0)), f64::INFINITY);
    }

    #[test]
    fn circle_centre_and_repeated_positions() {
        let centre = c(16.5886, 31.2050);
        let set = SegmentSet::new([std::slice::from_ref(&centre)]);
        let p = c(16.59, 31.21);
        assert_eq!(set.distance_m(p), distance_m(p, centre));
        assert_eq!(set.bounds(), (centre, centre));
        // A path of only repeats is its point; repeats inside a line change nothing.
        let set = SegmentSet::new([&[centre, centre, centre][..]]);
        assert_eq!(set.distance_m(p), distance_m(p, centre));
        let line = [
            c(16.0, 31.0),
            c(16.0, 31.0),
            c(16.5, 31.1),
            c(16.5, 31.1),
            c(17.0, 31.0),
        ];
        let set = SegmentSet::new([&line[..]]);
        assert_eq!(set.distance_m(p), brute_force(&[line.to_vec()], p));
    }

    /// The seed's ceiling is above the distance to the seed's end (Karney's, from
    /// geographiclib), from metres to 600 km at any latitude the short formula takes, and
    /// within a millimetre of it; beyond its reach there is none.
    #[test]
    fn seed_ceiling_is_above_the_distance() {
        use crate::geodesic::ellipsoid::GEOD;
        use geographiclib_rs::InverseGeodesic;
        let mut rng = XorShift(0x5eed);
        for _ in 0..20_000 {
            let a = c(-180.0 + 360.0 * rng.next(), -88.99 + 177.98 * rng.next());
            let r = 700_000.0 * rng.next().powi(3);
            let p = shoot(a, 360.0 * rng.next(), r);
            let want: f64 = GEOD.inverse(p.y, p.x, a.y, a.x);
            // As the search passes a piece's second end: qa + (qb − qa), from another point.
            let o = ecef(shoot(a, 360.0 * rng.next(), 50_000.0 * rng.next()));
            let (qa, qb) = (ecef(a), o);
            let via: [f64; 3] = std::array::from_fn(|j| qb[j] + (qa[j] - qb[j]));
            for x in [qa, via] {
                match seed_ceiling(&QueryPoint::new(p), a, x) {
                    Some(u) => assert!(u >= want && u <= want + 1e-3, "{p:?} {a:?}: {u} {want}"),
                    None => assert!(r > 590_000.0 || p.y.abs() > SHORT_MAX_LAT, "{p:?} {a:?}"),
                }
            }
        }
    }

    #[test]
    fn cap_boundary_is_inclusive() {
        let line = walk(c(16.6, 31.2), 500, 300.0, 25.0, 7, false);
        let set = SegmentSet::new([line.as_slice()]);
        let p = shoot(line[250], 45.0, 3_000.0);
        let d = set.distance_m(p);
        assert_eq!(set.distance_up_to_m(p, d), Some(d));
        assert_eq!(set.distance_up_to_m(p, d * (1.0 - 1e-12)), None);
        assert_eq!(set.distance_up_to_m(p, -1.0), None);
        assert_eq!(set.distance_up_to_m(p, f64::NAN), None);
    }

    fn set_case() -> impl Strategy<Value = (Vec<Vec<Coord>>, Vec<Coord>)> {
        (
            prop::collection::vec(
                (
                    2usize..2000,
                    10f64.ln()..20_000f64.ln(),
                    0.0f64..90.0,
                    any::<u64>(),
                ),
                1..4,
            ),
            any::<u64>(),
            0usize..3,
        )
            .prop_map(|(specs, seed, points)| {
                let mut rng = XorShift(seed | 1);
                let mut paths: Vec<Vec<Coord>> = specs
                    .iter()
                    .map(|&(n, log_step, turn, s)| {
                        let start = c(9.0 + 16.0 * rng.next(), 19.0 + 15.0 * rng.next());
                        walk(start, n, log_step.exp(), turn, s, true)
                    })
                    .collect();
                for _ in 0..points {
                    paths.push(vec![c(9.0 + 16.0 * rng.next(), 19.0 + 15.0 * rng.next())]);
                }
                // Query points: near random vertices (0–50 km), and anywhere in the region.
                let all: Vec<Coord> = paths.iter().flatten().copied().collect();
                let mut queries: Vec<Coord> = (0..3)
                    .map(|_| {
                        let v = all[(rng.next() * all.len() as f64) as usize];
                        shoot(v, rng.next() * 360.0, 50_000.0 * rng.next().powi(3))
                    })
                    .collect();
                queries.push(all[(rng.next() * all.len() as f64) as usize]);
                queries.push(c(5.0 + 25.0 * rng.next(), 15.0 + 25.0 * rng.next()));
                (paths, queries)
            })
    }

    /// Far queries at high latitudes (200–1 700 km, where a geodesic rises a few degrees
    /// poleward of its ends) from sets spanning 40° of longitude, whose frame's axes turn
    /// by up to 20° across them: the pruned search still returns the brute-force minimum,
    /// bit for bit, seeded or not. The two clusters after them are placed so that a
    /// bound too large by 2.5 % (a lon/lat bound without the bulge allowance, which this
    /// search used before its boxes were in the set's frame) loses the nearer one.
    #[test]
    fn far_queries_at_high_latitudes_equal_brute_force() {
        let mut rng = XorShift(0x005E_ED70);
        let paths: Vec<Vec<Coord>> = (0..3)
            .map(|k| {
                let start = c(-20.0 + 20.0 * k as f64, 66.0 + 4.0 * k as f64);
                walk(start, 150, 20_000.0, 25.0, 7 + k as u64, false)
            })
            .collect();
        let set = SegmentSet::new(paths.iter().map(|p| p.as_slice()));
        let mut checked = 0;
        for _ in 0..40 {
            // 5°–45° of longitude away along the same band of latitude: 200–1 700 km.
            let lon = -20.0
                + 40.0 * rng.next()
                + (5.0 + 40.0 * rng.next()) * if rng.next() < 0.5 { -1.0 } else { 1.0 };
            let p = c(lon, 64.0 + 12.0 * rng.next());
            let want = brute_force(&paths, p);
            assert_eq!(set.distance_m(p).to_bits(), want.to_bits(), "{p:?}");
            let mut seed = Seed((rng.next() * set.pieces.len() as f64) as u32);
            let d = set.distance_seeded_at(&QueryPoint::new(p), &mut seed);
            assert_eq!(d.to_bits(), want.to_bits(), "{p:?} seeded");
            checked += usize::from(want > 200_000.0);
        }
        assert!(checked >= 25, "{checked} far queries");

        // A cluster 40° of longitude east along 70° N (~1 490 km), and one due south a
        // little farther: without the bulge the east cluster's boxes would be bounded at
        // ~2.5 % more than their distance (the parallel at 70° is longer than the
        // geodesic's way over it), beyond the south cluster's answer, and pruned.
        let p = c(0.0, 70.0);
        let east = walk(c(40.0, 70.0), 100, 50.0, 30.0, 11, false);
        let d_east = brute_force(std::slice::from_ref(&east), p);
        let south = walk(
            shoot(p, 180.0, d_east + 8_000.0),
            100,
            50.0,
            30.0,
            12,
            false,
        );
        let paths = [south, east];
        let set = SegmentSet::new(paths.iter().map(|p| p.as_slice()));
        let want = brute_force(&paths, p);
        assert_eq!(want, d_east);
        assert_eq!(set.distance_m(p).to_bits(), want.to_bits());
        let mut seed = Seed(0);
        let d = set.distance_seeded_at(&QueryPoint::new(p), &mut seed);
        assert_eq!(d.to_bits(), want.to_bits(), "seeded from the south cluster");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// The pruned search returns exactly the brute-force minimum, and the capped query
        /// agrees with it on both sides of the cap.
        #[test]
        fn equals_brute_force((paths, queries) in set_case()) {
            let set = SegmentSet::new(paths.iter().map(|p| p.as_slice()));
            for p in queries {
                let d = set.distance_m(p);
                prop_assert_eq!(d, brute_force(&paths, p), "{:?}", p);
                for cap in [0.0, d * 0.5, d - 1e-6, d, d + 1e-6, d * 2.0, f64::INFINITY] {
                    let got = set.distance_up_to_m(p, cap);
                    prop_assert_eq!(got, (d <= cap).then_some(d), "cap {} {:?}", cap, p);
                }
            }
        }

        /// A seeded search returns the brute-force minimum bit for bit whatever the seed
        /// (none, a piece near the query, a far one, the previous query's nearest, one
        /// past the end), and leaves the seed naming a piece whose exact distance is
        /// that minimum.
        #[test]
        fn seeded_equals_brute_force(
            (paths, queries) in set_case(),
            picks in prop::collection::vec(any::<u32>(), 8),
        ) {
            let set = SegmentSet::new(paths.iter().map(|p| p.as_slice()));
            let n = set.pieces.len() as u32;
            let mut carried = Seed::NONE;
            for (k, p) in queries.into_iter().enumerate() {
                let want = brute_force(&paths, p);
                let seeds = [Seed::NONE, Seed(picks[k] % n), Seed(0), Seed(n), carried];
                for seed in seeds {
                    let mut s = seed;
                    let d = set.distance_seeded_at(&QueryPoint::new(p), &mut s);
                    prop_assert_eq!(d.to_bits(), want.to_bits(), "{:?} from {:?}", p, seed);
                    let pc = &set.pieces[s.0 as usize];
                    let exact = if pc.a == pc.b {
                        distance_m(p, pc.a)
                    } else {
                        distance_to_segment_m(p, pc.a, pc.b)
                    };
                    prop_assert_eq!(exact.to_bits(), d.to_bits(), "{:?}: {:?}", p, s);
                }
                carried = Seed(picks[k] % n);
                set.distance_seeded_at(&QueryPoint::new(p), &mut carried);
            }
        }

        /// Points of the pieces themselves are in every box above their piece, and
        /// within its chord bound; so is the middle of a lone piece, a set of its own,
        /// whose frame is centred under it: there the lon/lat segment rises above its
        /// chord's ends by the full sag, along the frame's up axis (a box that forgot the
        /// sag leaves it 1 mm–10 m outside).
        #[test]
        fn boxes_hold_their_pieces((paths, _) in set_case()) {
            let set = SegmentSet::new(paths.iter().map(|p| p.as_slice()));
            for (i, pc) in set.pieces.iter().enumerate().take(300) {
                let lone = SegmentSet::new([[pc.a, pc.b].as_slice()]);
                for t in [0.5, 0.3] {
                    let p = c((1.0 - t) * pc.a.x + t * pc.b.x, (1.0 - t) * pc.a.y + t * pc.b.y);
                    let d = distance_to_segment_m(p, pc.a, pc.b);
                    let s = Search::new(&QueryPoint::new(p), f64::INFINITY);
                    for (level, bound) in set.box_bounds_above(&s, i).into_iter().enumerate() {
                        prop_assert!(bound <= d, "level {} {:?} {:?}: {} > {}", level, p, pc, bound, d);
                    }
                    prop_assert!(set.piece_bound(&s, i) <= d, "{:?} {:?}", p, pc);
                    prop_assert!(lone.box_bounds_above(&s, 0)[0] <= d, "lone {:?} {:?}", p, pc);
                }
            }
        }

        /// Per-leaf and per-piece bounds are below the exact distances they stand for.
        #[test]
        fn internal_bounds_are_rigorous((paths, queries) in set_case()) {
            let set = SegmentSet::new(paths.iter().map(|p| p.as_slice()));
            for p in queries {
                let searches: Vec<Search> = [(f64::INFINITY, None), (1_000.0, None), (f64::INFINITY, Some(5_000.0))]
                    .into_iter()
                    .map(|(cap, found)| {
                        let mut s = Search::new(&QueryPoint::new(p), cap);
                        if let Some(f) = found {
                            s.offer(f, 0);
                        }
                        s
                    })
                    .collect();
                for (i, pc) in set.pieces.iter().enumerate().take(200) {
                    let d = distance_to_segment_m(p, pc.a, pc.b);
                    let lo = c(pc.a.x.min(pc.b.x), pc.a.y.min(pc.b.y));
                    let hi = c(pc.a.x.max(pc.b.x), pc.a.y.max(pc.b.y));
                    prop_assert!(lower_bound_to_box_m(p, lo, hi) <= d);
                    for s in &searches {
                        prop_assert!(set.piece_bound(s, i) <= d, "{:?} {:?}", p, pc);
                        let block = set.chords[i / RUN].bounds(&s.q);
                        prop_assert!(block[i % RUN] <= d, "{:?} {:?}", p, pc);
                        if pc.parts.1 > 0 {
                            let whole = distance_to_segment_m(p, pc.a, pc.b);
                            prop_assert!(set.parts_bound(s, pc) <= whole, "{:?} {:?}", p, pc);
                        }
                        // The piece's own box, and every box above it, in the set's frame.
                        let ch = Chord { qa: ecef(pc.a), qb: ecef(pc.b), sag: chord_sag_m(pc.a, pc.b) + SLACK_M };
                        let own = BoxBlock::new(&[LocalBox::of_chord(&set.frame, &ch)]);
                        prop_assert!(own.bounds(&set.frame.local(&s.q))[0] <= d);
                        for (level, bound) in set.box_bounds_above(s, i).into_iter().enumerate() {
                            prop_assert!(bound <= d, "level {} {:?} {:?}", level, p, pc);
                        }
                    }
                }
            }
        }
    }
}

/// Long segments (country outlines: 20–500 km edges, bounded in parts), against every
/// segment solved exactly.
#[cfg(test)]
mod long_segments {
    use super::*;
    use crate::geodesic::bounds::norm;
    use crate::geodesic::{distance_m, distance_to_segment_m, shoot};
    use proptest::prelude::*;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    fn brute_force(path: &[Coord], p: Coord) -> f64 {
        path.windows(2)
            .map(|w| distance_to_segment_m(p, w[0], w[1]))
            .fold(f64::INFINITY, f64::min)
    }

    /// A closed outline: a vertex at each of the `radii` (metres) from `centre`, at
    /// jittered, increasing azimuths.
    fn outline(centre: Coord, radii: &[f64], jitter: &[f64]) -> Vec<Coord> {
        let n = radii.len();
        let mut v: Vec<Coord> = (0..n)
            .map(|i| {
                let azi = 360.0 * (i as f64 + 0.8 * jitter[i]) / n as f64;
                shoot(centre, azi, radii[i])
            })
            .collect();
        v.push(v[0]);
        v
    }

    #[test]
    fn a_long_segment_is_bounded_in_parts_of_small_sag() {
        // Libya's outline east of Sirte: 140 km, ~400 m of sag.
        let path = [c(16.61162, 31.18218), c(18.02109, 30.76357)];
        let set = SegmentSet::new([&path[..]]);
        let (first, count) = set.pieces[0].parts;
        assert!(set.chords[0].sag[0] > 100.0 && count > 4, "{count}");
        for pt in &set.parts[first as usize..(first + count) as usize] {
            assert!(pt.sag <= PART_SAG_M + SLACK_M, "{}", pt.sag);
        }
        // Parts cover the segment end to end.
        let parts = &set.parts[first as usize..(first + count) as usize];
        assert_eq!(parts[0].qa, ecef(path[0]));
        assert_eq!(parts[parts.len() - 1].qb, ecef(path[1]));
        for w in parts.windows(2) {
            assert_eq!(w[0].qb, w[1].qa);
        }
        // A short one has none.
        let short = [c(16.5, 31.0), c(16.6, 31.05)];
        assert_eq!(SegmentSet::new([&short[..]]).pieces[0].parts.1, 0);
    }

    /// A small set of mostly long pieces gets leaves of 4 and the leaves-first search;
    /// a larger one, or one of short pieces, the tree of leaves of 8.
    #[test]
    fn small_sets_of_long_pieces_get_small_leaves() {
        let centre = c(17.0, 27.0);
        let radii = |n: usize| vec![300_000.0; n];
        let jitter = vec![0.5; 80];
        let libya_like = outline(centre, &radii(56), &jitter);
        let set = SegmentSet::new([libya_like.as_slice()]);
        assert_eq!((set.run, set.boxes.len()), (LONG_RUN, 1));
        let many = outline(centre, &radii(65), &jitter);
        assert_eq!(SegmentSet::new([many.as_slice()]).run, RUN);
        let short = [c(16.5, 31.0), c(16.6, 31.05), c(16.7, 31.0)];
        assert_eq!(SegmentSet::new([&short[..]]).run, RUN);
    }

    /// A country-sized outline of 56 long pieces (250–400 km from its centre, jittered):
    /// its path and its set, which keeps a limit grid.
    fn country_outline() -> (Vec<Coord>, SegmentSet) {
        let centre = c(17.0, 27.0);
        let radii: Vec<f64> = (0..56)
            .map(|i| 250_000.0 + 150_000.0 * ((i * 7 % 11) as f64 / 11.0))
            .collect();
        let jitter: Vec<f64> = (0..56).map(|i| (i * 5 % 13) as f64 / 13.0).collect();
        let path = outline(centre, &radii, &jitter);
        let set = SegmentSet::new([path.as_slice()]);
        (path, set)
    }

    /// Every cell's limit is above the brute-force distance from points all over the
    /// cell (its corners, edges and inside); points outside the grid's box get none.
    #[test]
    fn limit_grid_cells_bound_the_distance_from_their_points() {
        let (path, set) = country_outline();
        let grid = set
            .limits
            .as_ref()
            .expect("a set of long pieces has a limit grid");
        let (lo, hi) = set.bounds;
        let n = LIMIT_GRID as f64;
        let (w, h) = ((hi.x - lo.x) / n, (hi.y - lo.y) / n);
        let (mut tight, mut cells) = (0, 0);
        for j in (0..LIMIT_GRID).step_by(3) {
            for i in (0..LIMIT_GRID).step_by(3) {
                let limit = grid.cells[j * LIMIT_GRID + i];
                cells += 1;
                let mut worst = 0.0f64;
                for (u, v) in [
                    (0.0, 0.0),
                    (1.0, 1.0),
                    (0.0, 1.0),
                    (1.0, 0.0),
                    (0.5, 0.0),
                    (0.3, 0.8),
                ] {
                    // Just inside the cell, so that it is the cell's own limit.
                    let p = c(
                        lo.x + (i as f64 + 0.999 * u + 1e-4) * w,
                        lo.y + (j as f64 + 0.999 * v + 1e-4) * h,
                    );
                    assert_eq!(grid.limit_at(p).to_bits(), limit.to_bits(), "{p:?}");
                    let want = brute_force(&path, p);
                    assert!(want <= limit, "{p:?}: {want} > {limit}");
                    worst = worst.max(want);
                }
                // Not vacuous: within a cell's diagonal or so of the worst point.
                if limit < worst + 2.0 * norm(w * 111_000.0, h * 111_000.0) {
                    tight += 1;
                }
            }
        }
        assert_eq!(tight, cells);
        for p in [
            c(lo.x - 0.01, lo.y),
            c(hi.x + 0.01, hi.y),
            c(lo.x, hi.y + 0.01),
            c(f64::NAN, 20.0),
        ] {
            assert_eq!(grid.limit_at(p), f64::INFINITY, "{p:?}");
        }
        // The far edges belong to the last cells.
        assert!(grid.limit_at(hi).is_finite());
    }

    /// Every cell's candidates hold a nearest piece of every point of the cell: the
    /// minimum of the exact distances over the candidates alone is the brute-force minimum
    /// over every piece, bit for bit, at points all over each cell (corners, edges,
    /// inside); and the lists are short (not every piece listed everywhere).
    #[test]
    fn limit_grid_cells_list_a_nearest_piece_of_their_points() {
        let (path, set) = country_outline();
        let grid = set.limits.as_ref().expect("a limit grid");
        let (lo, hi) = set.bounds;
        let n = LIMIT_GRID as f64;
        let (w, h) = ((hi.x - lo.x) / n, (hi.y - lo.y) / n);
        let mut listed = 0;
        for j in 0..LIMIT_GRID {
            for i in 0..LIMIT_GRID {
                let k = j * LIMIT_GRID + i;
                let (_, list) = grid.cell(k);
                listed += list.len();
                for (u, v) in [(0.0, 0.0), (1.0, 1.0), (0.0, 1.0), (1.0, 0.0), (0.37, 0.71)] {
                    let p = c(
                        lo.x + (i as f64 + 0.999 * u + 1e-4) * w,
                        lo.y + (j as f64 + 0.999 * v + 1e-4) * h,
                    );
                    assert_eq!(grid.cell_of(p), Some(k), "{p:?}");
                    let want = brute_force(&path, p);
                    let got = list
                        .iter()
                        .map(|&m| {
                            let pc = &set.pieces[m as usize];
                            distance_to_segment_m(p, pc.a, pc.b)
                        })
                        .fold(f64::INFINITY, f64::min);
                    assert_eq!(got.to_bits(), want.to_bits(), "{p:?}: {got} vs {want}");
                }
            }
        }
        // Not vacuous: on average far fewer than all 56 pieces.
        let mean = listed as f64 / (LIMIT_GRID * LIMIT_GRID) as f64;
        assert!(mean < 12.0, "{mean}");
        assert_eq!(grid.cell_of(c(lo.x - 0.01, lo.y)), None);
        assert_eq!(grid.cell_of(c(f64::NAN, 20.0)), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// The search returns the brute-force minimum bit for bit, from inside and outside
        /// the outline, near it and hundreds of km away, capped or not; and every part's
        /// bound is below the exact distance to the segment it belongs to.
        #[test]
        fn equals_brute_force_on_long_edges(
            (cx, cy) in (12.0f64..22.0, 22.0f64..32.0),
            radii in prop::collection::vec(100_000.0f64..400_000.0, 3..60),
            jitter in prop::collection::vec(0.0f64..1.0, 60),
            queries in prop::collection::vec((0.0f64..360.0, 0.0f64..1.0), 6),
        ) {
            let centre = c(cx, cy);
            let path = outline(centre, &radii, &jitter);
            let set = SegmentSet::new([path.as_slice()]);
            for (k, &(azi, r)) in queries.iter().enumerate() {
                // From the centre out to 600 km; every other query near a vertex.
                let p = if k % 2 == 0 {
                    shoot(centre, azi, 600_000.0 * r)
                } else {
                    shoot(path[k % (path.len() - 1)], azi, 30_000.0 * r * r)
                };
                let d = set.distance_m(p);
                let want = brute_force(&path, p);
                prop_assert_eq!(d.to_bits(), want.to_bits(), "{:?}: {} vs {}", p, d, want);
                // Seeded from any piece (the leaves-first search too).
                for i in [0, k * 7, path.len() - 2] {
                    let mut seed = Seed(i as u32);
                    let got = set.distance_seeded_at(&QueryPoint::new(p), &mut seed);
                    prop_assert_eq!(got.to_bits(), want.to_bits(), "{:?} from {}", p, i);
                    let pc = &set.pieces[seed.0 as usize];
                    prop_assert_eq!(distance_to_segment_m(p, pc.a, pc.b).to_bits(), want.to_bits());
                }
                for cap in [0.0, d * 0.5, d, d + 1e-6, f64::INFINITY] {
                    prop_assert_eq!(set.distance_up_to_m(p, cap), (d <= cap).then_some(d));
                }
                prop_assert!(d <= distance_m(p, path[0]));
                let s = Search::new(&QueryPoint::new(p), f64::INFINITY);
                for pc in &set.pieces {
                    let exact = distance_to_segment_m(p, pc.a, pc.b);
                    let parts = if pc.parts.1 > 0 { set.parts_bound(&s, pc) } else { 0.0 };
                    prop_assert!(parts <= exact, "{:?} {:?}: {} > {}", p, pc, parts, exact);
                }
            }
        }
    }
}

/// Timings for the report: `cargo test --release -p zonewatch-core -- --ignored --nocapture timing`.
#[cfg(test)]
mod timing {
    use super::*;
    use crate::geodesic::{distance_m, distance_to_segment_m, lower_bound_to_box_m, shoot};
    use std::hint::black_box;
    use std::time::Instant;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn ns_per<T>(items: &[T], reps: usize, mut f: impl FnMut(&T) -> f64) -> f64 {
        let start = Instant::now();
        let mut acc = 0.0;
        for _ in 0..reps {
            for it in items {
                acc += f(it);
            }
        }
        black_box(acc);
        start.elapsed().as_nanos() as f64 / (items.len() * reps) as f64
    }

    #[test]
    #[ignore]
    fn timing() {
        let sirte = c(16.6, 31.2);
        let mut rng = XorShift(0x5eed);
        let near = |rng: &mut XorShift, r: f64| shoot(sirte, rng.next() * 360.0, r * rng.next());
        let pairs: Vec<(Coord, Coord)> = (0..20_000)
            .map(|_| (near(&mut rng, 50_000.0), near(&mut rng, 50_000.0)))
            .collect();
        println!(
            "distance_m: {:.0} ns",
            ns_per(&pairs, 5, |&(a, b)| distance_m(a, b))
        );
        for (lo, hi) in [(30.0, 300.0), (1_000.0, 50_000.0)] {
            let segs: Vec<(Coord, Coord, Coord)> = (0..20_000)
                .map(|_| {
                    let a = near(&mut rng, 50_000.0);
                    let b = shoot(a, rng.next() * 360.0, lo + (hi - lo) * rng.next());
                    (near(&mut rng, 50_000.0), a, b)
                })
                .collect();
            let t = ns_per(&segs, 2, |&(p, a, b)| distance_to_segment_m(p, a, b));
            println!("distance_to_segment_m ({lo}-{hi} m segments, p 0-50 km): {t:.0} ns");
        }
        // p abeam of the segment, so that the foot is inside it and the solver iterates.
        let segs: Vec<(Coord, Coord, Coord)> = (0..20_000)
            .map(|_| {
                let a = near(&mut rng, 50_000.0);
                let (len, azi) = (100.0 + 20_000.0 * rng.next(), rng.next() * 360.0);
                let b = shoot(a, azi, len);
                let mid = shoot(a, azi, len * rng.next());
                (shoot(mid, azi + 90.0, 50_000.0 * rng.next()), a, b)
            })
            .collect();
        let t = ns_per(&segs, 2, |&(p, a, b)| distance_to_segment_m(p, a, b));
        println!("distance_to_segment_m (foot inside, 0.1-20 km segments, p 0-50 km): {t:.0} ns");
        let boxes: Vec<(Coord, Coord, Coord)> = (0..20_000)
            .map(|_| {
                let a = near(&mut rng, 200_000.0);
                let (w, h) = (rng.next() * 0.5, rng.next() * 0.5);
                (near(&mut rng, 200_000.0), a, c(a.x + w, a.y + h))
            })
            .collect();
        println!(
            "lower_bound_to_box_m: {:.1} ns",
            ns_per(&boxes, 50, |&(p, lo, hi)| lower_bound_to_box_m(p, lo, hi))
        );

        // A 5 000-vertex wiggly line around Sirte (steps 6–36 m, heading wandering ±20°).
        let mut line = vec![c(16.3, 31.2)];
        let mut heading: f64 = 90.0;
        while line.len() < 5_000 {
            heading += (rng.next() - 0.5) * 40.0;
            heading = heading.clamp(30.0, 150.0);
            line.push(shoot(
                *line.last().unwrap(),
                heading,
                6.0 + 30.0 * rng.next(),
            ));
        }
        let set = SegmentSet::new([line.as_slice()]);
        let queries: Vec<Coord> = (0..5_000)
            .map(|_| {
                let v = line[(rng.next() * line.len() as f64) as usize];
                shoot(v, rng.next() * 360.0, 50_000.0 * rng.next())
            })
            .collect();
        println!(
            "SegmentSet::distance_m (5000 vertices, p 0-50 km): {:.0} ns",
            ns_per(&queries, 2, |&p| set.distance_m(p))
        );
        for cap in [100.0, 1_000.0, 10_000.0] {
            let t = ns_per(&queries, 2, |&p| {
                set.distance_up_to_m(p, cap).unwrap_or(-1.0)
            });
            println!("SegmentSet::distance_up_to_m cap {cap} m: {t:.0} ns");
        }
        let mut long = line.clone();
        while long.len() < 20_000 {
            heading += (rng.next() - 0.5) * 40.0;
            heading = heading.clamp(30.0, 150.0);
            long.push(shoot(
                *long.last().unwrap(),
                heading,
                6.0 + 30.0 * rng.next(),
            ));
        }
        let start = Instant::now();
        let big = SegmentSet::new([long.as_slice()]);
        println!(
            "SegmentSet::new (20 000 vertices): {:.2} ms",
            start.elapsed().as_secs_f64() * 1e3
        );
        let t = ns_per(&queries, 2, |&p| big.distance_m(p));
        println!("SegmentSet::distance_m (20 000 vertices, same points): {t:.0} ns");
        let brute = ns_per(&queries[..50], 1, |&p| {
            line.windows(2)
                .map(|w| distance_to_segment_m(p, w[0], w[1]))
                .fold(f64::INFINITY, f64::min)
        });
        println!("brute force over the 4 999 segments: {brute:.0} ns");
    }
}
