//! The checker: an agreement prepared once, then every report judged against its rules.

use std::cell::Cell;
use std::collections::HashMap;

use rayon::prelude::*;

use crate::geodesic::{self, QueryPoint, Seed};
use crate::zone_grid::CellHit;
use crate::zone_index::{LookAhead, Placement, ZoneIndex};
use crate::{
    Agreement, Confidence, Coord, Report, ReportRef, Rule, RuleIndex, RuleKind, Timestamp, Unit,
    Violation, ZoneRef,
};

/// Why a report could not be checked. The report is rejected, counted, and reported with
/// this reason; it is never silently dropped.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// The report's unit is not in the agreement's units table.
    #[error("unknown unit '{0}' (not in the units table)")]
    UnknownUnit(String),
    /// A `stay_in "home"` rule covers the report's unit, but the unit has no home zone.
    #[error("rule '{rule}' (stay_in \"home\") covers unit '{unit}', which has no home zone")]
    MissingHome {
        /// The rule.
        rule: String,
        /// The unit.
        unit: String,
    },
    /// The position is not a valid lon/lat.
    #[error("position out of range (lon {lon}, lat {lat})")]
    BadPosition {
        /// Longitude.
        lon: f64,
        /// Latitude.
        lat: f64,
    },
    /// The accuracy is negative or not finite.
    #[error("accuracy_m must be a finite number ≥ 0, not {0}")]
    BadAccuracy(f64),
}

/// The signed depth `s` from the exact side and the edge distance: positive on the
/// violating side, negative (never −0) on the compliant side.
fn signed_depth(violating: bool, edge_m: f64) -> f64 {
    if violating || edge_m == 0.0 {
        edge_m
    } else {
        -edge_m
    }
}

/// FxHash (rustc's multiply-rotate hash) for the units table: unit ids are short, and
/// SipHash's flood resistance buys nothing for a table built once from the agreement
/// (a lookup of an untrusted id cannot grow it, so its cost is bounded by the table).
#[derive(Clone, Copy, Default)]
struct UnitIdHasher(u64);

impl UnitIdHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for UnitIdHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        // The last 1–7 bytes, read in place (a copy to a padded word was a call to memcpy
        // for every report's unit id): every byte is in the word, so ids of one length
        // never share it (of different lengths they rarely do, and a shared hash only
        // costs the table a comparison).
        let rest = chunks.remainder();
        let n = rest.len();
        let w = match n {
            0 => return,
            1..=3 => {
                let two = u64::from(rest[0]) | u64::from(rest[n / 2]) << 8;
                two | u64::from(rest[n - 1]) << 16 | (n as u64) << 24
            }
            _ => {
                let head = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
                let tail = u32::from_le_bytes([rest[n - 4], rest[n - 3], rest[n - 2], rest[n - 1]]);
                u64::from(head) | u64::from(tail) << 32
            }
        };
        self.add(w);
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type UnitIds = HashMap<String, usize, std::hash::BuildHasherDefault<UnitIdHasher>>;

/// A `stay_in` report outside every allowed zone tries the zones in order of their lower
/// bounds when there are at most this many (the common case), else in the given order.
const STAY_IN_SORTED: usize = 32;

/// What one worker remembers between the reports it checks (see
/// [`Checker::check_into_hinted`]): for each zone, the piece of its boundary nearest the
/// last report whose depth inside it was searched. Empty at first; a few bytes a zone.
/// Hints from another checker are harmless (an index that names no piece is ignored).
#[derive(Clone, Debug, Default)]
pub struct DepthHints {
    seeds: Vec<Seed>,
}

impl DepthHints {
    /// The seed of zone `z`'s depth searches.
    fn seed(&mut self, z: ZoneRef) -> &mut Seed {
        let i = z.0 as usize;
        if i >= self.seeds.len() {
            self.seeds.resize(i + 1, Seed::NONE);
        }
        &mut self.seeds[i]
    }
}

/// A `stay_in` rule, resolved to zone handles.
#[derive(Clone, Debug)]
struct StayIn {
    rule: RuleIndex,
    zones: Vec<ZoneRef>,
    home: bool,
}

/// Up to this many zones named by `keep_out` rules, a report is first tested against
/// their boxes (a scan of a few boxes costs less than the grid's cell and its list).
const FEW_KEEP_OUT: usize = 16;

/// An [`Agreement`] prepared for checking: zones in a [`ZoneIndex`], rules resolved to
/// zone handles, units by id. Preparation is paid once; [`check`](Checker::check) is then
/// cheap and allocation-free apart from the violations it returns, and
/// [`check_batch`](Checker::check_batch) spreads a batch over all cores.
#[derive(Clone, Debug)]
pub struct Checker {
    agreement: Agreement,
    index: ZoneIndex,
    /// For each zone, the `keep_out` rules that name it, with their margins.
    keep_out_by_zone: Vec<Vec<(RuleIndex, f64)>>,
    /// For each zone, the same rules as a mask (bit i: rule i; all bits when a rule past
    /// the 64th names it): a zone none of whose rules apply to a report is passed over.
    keep_out_zone_rules: Vec<u64>,
    /// The largest `keep_out` margin of any rule.
    max_margin_m: f64,
    /// While few zones are named by `keep_out` rules (up to [`FEW_KEEP_OUT`]): each one's
    /// index box, grown by its largest margin, and its rules' mask. A report whose
    /// accuracy disc meets none of the boxes of zones with a rule that applies to it is
    /// within reach of no keep-out zone it can break, and the grid is not asked.
    keep_out_boxes: Option<Box<[(Coord, Coord, u64)]>>,
    /// Where a report may ask the grid: everywhere, or (no `stay_in` rule, few keep-out
    /// zones) only within reach of a keep-out box; `Some` holds the box around them all
    /// (inverted when there are none), for [`prefetch`](Self::prefetch).
    grid_hull: Option<(Coord, Coord)>,
    stay_in: Vec<StayIn>,
    unit_by_id: UnitIds,
    unit_home: Vec<Option<ZoneRef>>,
    /// For each unit, which of the first 64 rules cover it by its own attributes (bit i:
    /// rule i), for the reports that override none of them.
    unit_rules: Vec<u64>,
    /// Which of the first 64 rules are in force when (see [`RulesInForce`]).
    in_force: RulesInForce,
    /// The `keep_out` rules (bit i: rule i); `None` when one is past the 64th.
    keep_out_rules: Option<u64>,
    /// The `stay_in` rules, the same way.
    stay_in_rules: Option<u64>,
}

/// Whether a rule applies to a report whose rules are not known from its unit (it
/// overrides some attribute, or names no unit, or the rule is past the 64th), remembered
/// for the first 64 rules: a rule is asked once per zone it names and again by the stay_in
/// validation and judgement.
struct Asked<'a> {
    rules: &'a [Rule],
    report: &'a ReportRef<'a>,
    /// The report's unit, from the units table: its attributes, under the report's own.
    unit: Option<&'a Unit>,
    /// [`RulesInForce::at`] the report's time.
    in_force: u64,
    known: Cell<u64>,
    value: Cell<u64>,
}

impl Asked<'_> {
    /// Whether rule `ri` (bit `bit`, 0 past the 64th) applies. Kept out of line: most
    /// reports know their rules from their unit, and the check's loops stay small.
    #[inline(never)]
    fn applies(&self, ri: RuleIndex, bit: u64) -> bool {
        if self.known.get() & bit != 0 {
            return self.value.get() & bit != 0;
        }
        let rule = &self.rules[ri.0 as usize];
        let in_force = if bit != 0 {
            self.in_force & bit != 0
        } else {
            rule.in_force(self.report.time)
        };
        // Merged here, not for every report: most never get here.
        let attrs = (self.unit.map(|u| u.attributes.view()))
            .unwrap_or_default()
            .overridden_by(self.report.attributes);
        let yes = in_force && rule.covers_unit(self.report.unit_id, attrs);
        self.known.set(self.known.get() | bit);
        if yes {
            self.value.set(self.value.get() | bit);
        }
        yes
    }
}

/// Which of the first 64 rules are in force at a time (bit i: rule i): constant between
/// the instants where some rule comes into force or lapses, so a short sorted list of
/// those instants, each with the rules in force from it on, answers for every time.
#[derive(Clone, Debug)]
struct RulesInForce {
    /// Before the first instant: the rules with no start.
    before: u64,
    /// Each instant (sorted, distinct) and the rules in force from it until the next.
    from: Vec<(Timestamp, u64)>,
}

impl RulesInForce {
    fn new(rules: &[Rule]) -> RulesInForce {
        let rules = &rules[..rules.len().min(64)];
        let mask = |keep: &dyn Fn(&Rule) -> bool| {
            (rules.iter().enumerate())
                .filter(|(_, r)| keep(r))
                .fold(0u64, |m, (i, _)| m | 1 << i)
        };
        let mut instants: Vec<Timestamp> = rules
            .iter()
            .flat_map(|r| [r.from, r.until])
            .flatten()
            .collect();
        instants.sort_unstable();
        instants.dedup();
        RulesInForce {
            // Every end is an instant, so none has passed yet.
            before: mask(&|r| r.from.is_none()),
            from: instants
                .iter()
                .map(|&t| (t, mask(&|r| r.in_force(t))))
                .collect(),
        }
    }

    /// The rules in force at `time`.
    #[inline]
    fn at(&self, time: Timestamp) -> u64 {
        match self.from.partition_point(|&(t, _)| t <= time) {
            0 => self.before,
            k => self.from[k - 1].1,
        }
    }
}

impl Checker {
    /// Prepares an agreement for checking.
    pub fn new(agreement: Agreement) -> Checker {
        let zone_pos = agreement.zone_positions();
        let zref = |id: &str| ZoneRef(zone_pos[id] as u32);
        let mut keep_out_by_zone = vec![Vec::new(); agreement.zones().len()];
        let mut keep_out_zone_rules = vec![0u64; agreement.zones().len()];
        let mut reach = vec![0.0f64; agreement.zones().len()];
        let mut max_margin_m = 0.0f64;
        let (mut keep_out_rules, mut stay_in_rules) = (Some(0u64), Some(0u64));
        let mut stay_in = Vec::new();
        for (i, rule) in agreement.rules().iter().enumerate() {
            let ri = RuleIndex(i as u32);
            match &rule.kind {
                RuleKind::KeepOut { zones, margin_m } => {
                    for z in zones {
                        let zr = zref(z);
                        keep_out_by_zone[zr.0 as usize].push((ri, *margin_m));
                        keep_out_zone_rules[zr.0 as usize] |=
                            1u64.checked_shl(ri.0).unwrap_or(u64::MAX);
                        reach[zr.0 as usize] = reach[zr.0 as usize].max(*margin_m);
                    }
                    max_margin_m = max_margin_m.max(*margin_m);
                    keep_out_rules =
                        keep_out_rules.and_then(|mask| Some(mask | 1u64.checked_shl(ri.0)?));
                }
                RuleKind::StayIn { zones, home } => {
                    stay_in_rules =
                        stay_in_rules.and_then(|mask| Some(mask | 1u64.checked_shl(ri.0)?));
                    stay_in.push(StayIn {
                        rule: ri,
                        zones: zones.iter().map(|z| zref(z)).collect(),
                        home: *home,
                    });
                }
            }
        }
        let index = ZoneIndex::build_with_reach(agreement.zones(), &reach);
        let named: Vec<usize> = (0..keep_out_by_zone.len())
            .filter(|&z| !keep_out_by_zone[z].is_empty())
            .collect();
        // The same boxes as the index's own (the zone's bounds grown by its distance and
        // margin, rounded outward).
        let keep_out_boxes = (named.len() <= FEW_KEEP_OUT).then(|| {
            named
                .iter()
                .map(|&z| {
                    let (lo, hi) = index.zone(ZoneRef(z as u32)).reach(reach[z]);
                    (lo, hi, keep_out_zone_rules[z])
                })
                .collect()
        });
        // A check may need the distances to the zones a rule names, and to the units'
        // homes under a `stay_in "home"` rule: build them now, not at some report. No
        // check asks for the others' (a zone no rule names is never placed), which keeps
        // their memory (~100 bytes a vertex) and time.
        let mut wanted: Vec<bool> = keep_out_by_zone.iter().map(|k| !k.is_empty()).collect();
        for s in &stay_in {
            for z in &s.zones {
                wanted[z.0 as usize] = true;
            }
        }
        if stay_in.iter().any(|s| s.home) {
            for home in agreement.units().iter().filter_map(|u| u.home.as_deref()) {
                wanted[zref(home).0 as usize] = true;
            }
        }
        index.build_skeletons(&wanted);
        let grid_hull = keep_out_boxes
            .as_deref()
            .filter(|_| stay_in.is_empty())
            .map(|boxes: &[(Coord, Coord, u64)]| {
                let none = (
                    Coord {
                        x: f64::INFINITY,
                        y: f64::INFINITY,
                    },
                    Coord {
                        x: f64::NEG_INFINITY,
                        y: f64::NEG_INFINITY,
                    },
                );
                boxes.iter().fold(none, |(lo, hi), (zlo, zhi, _)| {
                    (
                        Coord {
                            x: lo.x.min(zlo.x),
                            y: lo.y.min(zlo.y),
                        },
                        Coord {
                            x: hi.x.max(zhi.x),
                            y: hi.y.max(zhi.y),
                        },
                    )
                })
            });
        let unit_by_id: UnitIds = agreement
            .units()
            .iter()
            .enumerate()
            .map(|(i, u)| (u.id.clone(), i))
            .collect();
        let unit_home = agreement
            .units()
            .iter()
            .map(|u| u.home.as_deref().map(zref))
            .collect();
        let unit_rules = agreement
            .units()
            .iter()
            .map(|u| {
                let rules = agreement.rules().iter().take(64).enumerate();
                rules
                    .filter(|(_, rule)| rule.covers_unit(&u.id, u.attributes.view()))
                    .fold(0u64, |mask, (i, _)| mask | 1 << i)
            })
            .collect();
        let in_force = RulesInForce::new(agreement.rules());
        Checker {
            agreement,
            index,
            keep_out_by_zone,
            keep_out_zone_rules,
            max_margin_m,
            keep_out_boxes,
            grid_hull,
            stay_in,
            unit_by_id,
            unit_home,
            unit_rules,
            in_force,
            keep_out_rules,
            stay_in_rules,
        }
    }

    /// The agreement being checked.
    pub fn agreement(&self) -> &Agreement {
        &self.agreement
    }

    /// The prepared zones.
    pub fn zone_index(&self) -> &ZoneIndex {
        &self.index
    }

    /// Starts loading, a few reports ahead, what checking a report at `p` will read from
    /// the zone index (see [`ZoneIndex::prefetch`]): nothing when the checker will not
    /// ask the grid there. With no `stay_in` rule and few keep-out zones, only the reports
    /// whose accuracy disc meets a keep-out zone's box do; those outside the box around
    /// them all are not loaded for (a report just outside, with a wide disc, only misses
    /// the head start). The answers do not depend on it.
    #[inline]
    pub fn prefetch(&self, p: Coord, stage: LookAhead) {
        if let Some((lo, hi)) = self.grid_hull
            && !(lo.x <= p.x && p.x <= hi.x && lo.y <= p.y && p.y <= hi.y)
        {
            return;
        }
        self.index.prefetch(p, stage);
    }

    /// Every violation of `report`, ordered by rule id then zone id.
    ///
    /// # Errors
    /// A [`CheckError`] when the report cannot be judged (unknown unit, a homeless unit
    /// under a `stay_in "home"` rule, an invalid position or accuracy).
    pub fn check(&self, report: &Report) -> Result<Vec<Violation>, CheckError> {
        let mut out = Vec::new();
        self.check_into(report, &mut out)?;
        Ok(out)
    }

    /// Like [`check`](Self::check), appending to `out` (which it does not clear). On error
    /// nothing is appended.
    pub fn check_into(&self, report: &Report, out: &mut Vec<Violation>) -> Result<(), CheckError> {
        self.check_with(report.view(), out, None)
    }

    /// Like [`check_into`](Self::check_into), for a worker checking many reports one
    /// after another (best in [`ZoneIndex::locality_order`]): each depth inside a zone
    /// starts from the zone's boundary piece nearest the last report placed inside it
    /// (`hints`), whose exact distance lets the search prune at once. The violations are
    /// bit for bit those of `check_into`, whatever `hints` holds: a hint only decides
    /// which boundary pieces are solved, never the minimum over them.
    ///
    /// `report` is a [`Report`] or a [`ReportRef`] (a reader's borrowed report).
    pub fn check_into_hinted<'r>(
        &self,
        report: impl Into<ReportRef<'r>>,
        out: &mut Vec<Violation>,
        hints: &mut DepthHints,
    ) -> Result<(), CheckError> {
        self.check_with(report.into(), out, Some(hints))
    }

    fn check_with(
        &self,
        report: ReportRef<'_>,
        out: &mut Vec<Violation>,
        mut hints: Option<&mut DepthHints>,
    ) -> Result<(), CheckError> {
        let p = report.position;
        // NaN and the infinities are in no range: no `is_finite` (a dozen integer
        // instructions each on x86-64).
        if !((-180.0..=180.0).contains(&p.x) && (-90.0..=90.0).contains(&p.y)) {
            return Err(CheckError::BadPosition { lon: p.x, lat: p.y });
        }
        let a = report.accuracy_m;
        // Finite and not negative: two comparisons (a bound of +∞, like `is_finite`,
        // becomes a dozen integer instructions).
        if !(0.0..=f64::MAX).contains(&a) {
            return Err(CheckError::BadAccuracy(a));
        }
        // Without a units table no lookup (it would read the id's bytes, a cache miss of
        // its own when reports are checked out of input order).
        let unit = if self.unit_by_id.is_empty() {
            None
        } else {
            match self.unit_by_id.get(report.unit_id) {
                Some(&u) => Some(u),
                None => return Err(CheckError::UnknownUnit(report.unit_id.to_string())),
            }
        };
        let home = unit.and_then(|u| self.unit_home[u]);
        // Which of the first 64 rules are in force, and (when the report overrides none of
        // its unit's attributes: the same question on the same attributes) cover the unit,
        // known from the agreement.
        let in_force = self.in_force.at(report.time);
        let over = report.attributes;
        let overrides = over.side.is_some()
            || over.class.is_some()
            || over.role.is_some()
            || over.foreign.is_some();
        let unit_rules = unit
            .filter(|_| !overrides)
            .map(|u| self.unit_rules[u] & in_force);
        let asked = Asked {
            rules: self.agreement.rules(),
            report: &report,
            unit: unit.map(|u| &self.agreement.units()[u]),
            in_force,
            known: Cell::new(0),
            value: Cell::new(0),
        };
        let applies = |ri: RuleIndex| {
            let bit = 1u64.checked_shl(ri.0).unwrap_or(0);
            match unit_rules {
                Some(mask) if bit != 0 => mask & bit != 0,
                _ => asked.applies(ri, bit),
            }
        };

        // A report whose unit no stay_in rule in force covers asks none of them.
        let stay_in = match (unit_rules, self.stay_in_rules) {
            (Some(unit), Some(stay_in)) if unit & stay_in == 0 => &[][..],
            _ => &self.stay_in[..],
        };
        // Validate before appending anything, so an error leaves `out` untouched.
        for s in stay_in {
            if s.home && home.is_none() && applies(s.rule) {
                return Err(CheckError::MissingHome {
                    rule: self.agreement.rules()[s.rule.0 as usize].id.clone(),
                    unit: report.unit_id.to_string(),
                });
            }
        }

        let start = out.len();
        // The position's trigonometry, computed at the first distance or bound that needs
        // it and shared by every zone and rule after.
        let q = QueryPoint::new(p);
        // The position's grid cell, looked up by the first keep-out candidate search or
        // stay_in cover test that needs it and shared by the others (an `Option` filled
        // in place: `OnceCell`'s first fill is a call out of line).
        let mut cell: Option<CellHit<'_>> = None;
        // The keep-out rules that may apply: those in force that cover the unit, when known
        // from its mask; else any. A zone none of whose rules is among them is passed
        // over, and a report for which none is asks for no candidate.
        let may_apply = match (unit_rules, self.keep_out_rules) {
            (Some(unit), Some(keep_out)) => unit & keep_out,
            _ => u64::MAX,
        };
        // Rounded outward: holds every point within a + 1 mm of p.
        let disc = || geodesic::box_grown_by_m(p, p, a + 1e-3);
        if may_apply != 0
            && let Some(disc) = self.near_keep_out(disc, may_apply)
        {
            let hit = cell.get_or_insert_with(|| self.index.cell_at(p));
            self.index
                .for_each_keep_out_candidate_in(p, a, disc, hit, |z, cover| {
                    if self.keep_out_zone_rules[z.0 as usize] & may_apply == 0 {
                        return;
                    }
                    // Rules naming the zone with the same margin (e.g. "training crews out" and
                    // "foreign forces out" of one country) share one placement: the same call.
                    let mut last: Option<(f64, Option<Placement>)> = None;
                    for &(ri, margin) in &self.keep_out_by_zone[z.0 as usize] {
                        if !applies(ri) {
                            continue;
                        }
                        let placed = match last {
                            Some((m, placed)) if m == margin => placed,
                            _ => {
                                let mut cold = Seed::NONE;
                                let seed = match hints.as_deref_mut() {
                                    Some(h) => h.seed(z),
                                    None => &mut cold,
                                };
                                let placed = self.index.place_near_in(
                                    z,
                                    &q,
                                    margin,
                                    a,
                                    cover.as_ref(),
                                    seed,
                                );
                                last = Some((margin, placed));
                                placed
                            }
                        };
                        let Some(pl) = placed else {
                            continue;
                        };
                        // keep_out: covered (the edge included) is the violating side.
                        if let Some(confidence) = Confidence::of(pl.covered, pl.edge_m, a) {
                            out.push(Violation {
                                rule: ri,
                                zone: z,
                                confidence,
                                depth_m: signed_depth(pl.covered, pl.edge_m),
                            });
                        }
                    }
                });
        }
        for s in stay_in {
            if !applies(s.rule) {
                continue;
            }
            let allowed = s
                .zones
                .iter()
                .copied()
                .chain(if s.home { home } else { None });
            let hit = cell.get_or_insert_with(|| self.index.cell_at(p));
            if let Some(v) = self.judge_stay_in(s.rule, allowed, &q, hit, a) {
                out.push(v);
            }
        }
        if out.len() - start > 1 {
            out[start..].sort_unstable_by_key(|v| (v.rule, self.index.rank(v.zone)));
        }
        Ok(())
    }

    /// Whether some zone named by a `keep_out` rule among `may_apply` may lie within `a`
    /// of `p` (grown by its largest margin), given `disc()`, the box holding every point
    /// within `a` (+ 1 mm) of `p`: always, when there are many such zones; else whether
    /// the box meets one of their boxes. Both boxes are rigorous (rounded outward), so a
    /// zone whose box is missed is farther than `a` from `p`, and the grid would offer it
    /// for nothing: its placement is `None`. `Some(disc())` when near.
    fn near_keep_out(
        &self,
        disc: impl FnOnce() -> (Coord, Coord),
        may_apply: u64,
    ) -> Option<(Coord, Coord)> {
        let (lo, hi) = disc();
        let Some(boxes) = self.keep_out_boxes.as_deref() else {
            return Some((lo, hi));
        };
        boxes
            .iter()
            .any(|(zlo, zhi, rules)| {
                rules & may_apply != 0
                    && lo.x <= zhi.x
                    && zlo.x <= hi.x
                    && lo.y <= zhi.y
                    && zlo.y <= hi.y
            })
            .then_some((lo, hi))
    }

    /// Judges one `stay_in` rule for a position that `covering` (never empty) covers:
    /// possibly flagged when the accuracy disc reaches the edge of every covering zone.
    fn judge_covered(
        &self,
        rule: RuleIndex,
        covering: impl Iterator<Item = ZoneRef> + Clone,
        q: &QueryPoint,
        a: f64,
    ) -> Option<Violation> {
        let p = q.at();
        if a == 0.0 {
            return None;
        }
        // No flag when some covering zone is provably at least `a` deep: the largest
        // edge distance is then ≥ a. The 1 mm slack dwarfs the error of the exact
        // distance (~15 nm), so the exact computation would agree.
        if covering
            .clone()
            .any(|z| self.index.zone(z).inner_edge_lower_bound_m(p) >= a + 1e-3)
        {
            return None;
        }
        // s = −(largest edge distance among covering zones); ties go to the first in
        // zone-id order.
        let (zone, edge) = covering
            .map(|z| (z, self.index.place_covered(z, q).edge_m))
            .max_by(|x, y| {
                x.1.total_cmp(&y.1)
                    .then(self.index.rank(y.0).cmp(&self.index.rank(x.0)))
            })?;
        // stay_in: covered (the edge included) is the compliant side.
        Confidence::of(false, edge, a).map(|confidence| Violation {
            rule,
            zone,
            confidence,
            depth_m: signed_depth(false, edge),
        })
    }

    /// Judges one `stay_in` rule: outside every allowed zone → a violation at the distance
    /// to the nearest; inside → possibly flagged when the accuracy disc reaches the edge of
    /// every covering zone.
    fn judge_stay_in(
        &self,
        rule: RuleIndex,
        allowed: impl Iterator<Item = ZoneRef> + Clone,
        q: &QueryPoint,
        cell: &CellHit<'_>,
        a: f64,
    ) -> Option<Violation> {
        // The covering zones, each asked once (the judgement below reads them up to three
        // times); beyond the buffer, asked again as needed.
        let mut buf = [ZoneRef(0); STAY_IN_SORTED];
        let mut n = 0;
        let mut overflow = false;
        for z in allowed
            .clone()
            .filter(|&z| self.index.covers_zone_in(z, q, cell))
        {
            if n == STAY_IN_SORTED {
                overflow = true;
                break;
            }
            buf[n] = z;
            n += 1;
        }
        if overflow {
            let covering = allowed.filter(|&z| self.index.covers_zone_in(z, q, cell));
            return self.judge_covered(rule, covering, q, a);
        }
        if n > 0 {
            return self.judge_covered(rule, buf[..n].iter().copied(), q, a);
        }
        // The nearest allowed zone (ties to the first in zone-id order). Zones are tried
        // in order of a rigorous lower bound on their edge distance, so the nearest is
        // usually solved first; a zone whose bound already exceeds the best edge distance
        // found by more than 1 mm (five orders of magnitude above the error of the exact
        // distances) cannot be the nearest, nor tie with it, and any other zone's search
        // is capped there: beyond the cap its exact distance is not needed. The minimum
        // by (edge distance, zone rank) does not depend on the order zones are tried in.
        let mut bounded = [(0.0f64, ZoneRef(0)); STAY_IN_SORTED];
        let mut n = 0;
        let mut unsorted = false;
        for z in allowed.clone() {
            if n == STAY_IN_SORTED {
                unsorted = true;
                break;
            }
            bounded[n] = (self.index.zone(z).lower_bound_at(q, 0.0), z);
            n += 1;
        }
        let bounded = &mut bounded[..n];
        if !unsorted {
            bounded.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
        }
        let mut best: Option<(ZoneRef, f64)> = None;
        let mut consider = |z: ZoneRef, lb: f64| {
            if best.is_some_and(|(_, e)| lb > e + 1e-3) {
                return;
            }
            let zone = self.index.zone(z);
            // Uncovered: the edge distance is |d − the zone's own distance| (`place`).
            let cap = best.map_or(f64::INFINITY, |(_, e)| e + 1e-3);
            let Some(edge) = zone.outside_edge_up_to_m(q, cap) else {
                return;
            };
            let nearer = best.is_none_or(|(bz, be)| {
                edge.total_cmp(&be)
                    .then(self.index.rank(z).cmp(&self.index.rank(bz)))
                    .is_lt()
            });
            if nearer {
                best = Some((z, edge));
            }
        };
        if unsorted {
            for z in allowed {
                consider(z, self.index.zone(z).lower_bound_at(q, 0.0));
            }
        } else {
            for &(lb, z) in bounded.iter() {
                consider(z, lb);
            }
        }
        let (zone, edge) = best?;
        Confidence::of(true, edge, a).map(|confidence| Violation {
            rule,
            zone,
            confidence,
            depth_m: signed_depth(true, edge),
        })
    }

    /// Checks every report in parallel; results are in input order whatever the number
    /// of threads.
    pub fn check_batch(&self, reports: &[Report]) -> Vec<Result<Vec<Violation>, CheckError>> {
        reports
            .par_iter()
            .with_min_len(256)
            .map_init(DepthHints::default, |hints, r| {
                let mut out = Vec::new();
                self.check_into_hinted(r, &mut out, hints).map(|()| out)
            })
            .collect()
    }

    /// The id of a rule.
    pub fn rule_id(&self, rule: RuleIndex) -> &str {
        &self.agreement.rules()[rule.0 as usize].id
    }

    /// The kind name (`keep_out`, `stay_in`) of a rule.
    pub fn rule_kind(&self, rule: RuleIndex) -> &'static str {
        self.agreement.rules()[rule.0 as usize].kind.name()
    }

    /// The id of a zone.
    pub fn zone_id(&self, zone: ZoneRef) -> &str {
        &self.agreement.zones()[zone.0 as usize].id
    }

    /// The largest `keep_out` margin in the agreement, metres.
    pub fn max_margin_m(&self) -> f64 {
        self.max_margin_m
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_shapes::{report_at, rule};
    use crate::{Coord, Rule, Shape, Timestamp, UnitFilter, Zone};
    use geo_types::{LineString, MultiPolygon, Polygon};

    fn area(id: &str, ring: &[(f64, f64)]) -> Zone {
        Zone {
            id: id.into(),
            name: None,
            shape: Shape::Area {
                polygons: MultiPolygon(vec![Polygon::new(LineString::from(ring.to_vec()), vec![])]),
                buffer_m: 0.0,
            },
        }
    }

    fn circle(id: &str, x: f64, y: f64, radius_m: f64) -> Zone {
        Zone {
            id: id.into(),
            name: None,
            shape: Shape::Circle {
                centre: Coord { x, y },
                radius_m,
            },
        }
    }

    fn names(zones: &[&str]) -> Vec<String> {
        zones.iter().map(|z| z.to_string()).collect()
    }

    fn stay_in(id: &str, zones: &[&str]) -> Rule {
        let zones = names(zones);
        rule(id, RuleKind::StayIn { zones, home: false })
    }

    /// The checker builds the distances (skeletons) of the zones its rules can ask about
    /// up front, and only those: named by a keep_out or stay_in rule, or a unit's home
    /// under a `stay_in "home"` rule.
    #[test]
    fn only_the_zones_rules_name_have_their_distances_built_up_front() {
        let square = |id: &str, x: f64| {
            area(
                id,
                &[
                    (x, 30.0),
                    (x + 0.1, 30.0),
                    (x + 0.1, 30.1),
                    (x, 30.1),
                    (x, 30.0),
                ],
            )
        };
        let zones = vec![
            square("out", 16.0),
            square("in", 16.2),
            square("none", 16.4),
            square("home", 16.6),
        ];
        let keep_out = RuleKind::KeepOut {
            zones: names(&["out"]),
            margin_m: 0.0,
        };
        let home = RuleKind::StayIn {
            zones: names(&["in"]),
            home: true,
        };
        let unit = crate::Unit {
            id: "U".into(),
            attributes: Default::default(),
            home: Some("home".into()),
        };
        let built = |rules: Vec<Rule>, units: Vec<crate::Unit>| -> Vec<bool> {
            let checker = Checker::new(Agreement::new(zones.clone(), rules, units).unwrap());
            (0..zones.len())
                .map(|i| checker.index.zone(ZoneRef(i as u32)).skeleton_built())
                .collect()
        };
        let rules = vec![rule("k", keep_out.clone()), rule("h", home)];
        assert_eq!(built(rules, vec![unit.clone()]), [true, true, false, true]);
        let rules = vec![rule("k", keep_out), stay_in("s", &["in"])];
        assert_eq!(built(rules, vec![unit]), [true, true, false, false]);
    }

    /// The keep-out boxes' shortcut (few keep-out zones: a report whose accuracy disc
    /// meets none of their boxes asks nothing else) gives the same violations as asking
    /// the grid and the exact placement for every report, at points inside, on the
    /// edges, and at every distance outside the zones, with accuracies from 0 to 20 km
    /// and margins; and reports outside a zone's box are flagged only through their
    /// disc, so a box not grown by the accuracy would lose them.
    #[test]
    fn keep_out_boxes_skip_only_reports_no_keep_out_zone_can_flag() {
        let zones = vec![
            area(
                "tri",
                &[(16.0, 30.0), (16.3, 30.05), (16.1, 30.4), (16.0, 30.0)],
            ),
            area(
                "square",
                &[
                    (16.5, 30.5),
                    (16.6, 30.5),
                    (16.6, 30.6),
                    (16.5, 30.6),
                    (16.5, 30.5),
                ],
            ),
            area(
                "unnamed",
                &[
                    (16.2, 30.2),
                    (16.7, 30.2),
                    (16.7, 30.3),
                    (16.2, 30.3),
                    (16.2, 30.2),
                ],
            ),
            circle("dmz", 16.9, 30.1, 3_000.0),
        ];
        let keep_out = |id: &str, named: &[&str], margin_m: f64| {
            let zones = names(named);
            rule(id, RuleKind::KeepOut { zones, margin_m })
        };
        let rules = vec![
            keep_out("plain", &["tri", "square"], 0.0),
            keep_out("wide", &["square", "dmz"], 800.0),
        ];
        let checker = Checker::new(Agreement::new(zones, rules, Vec::new()).unwrap());
        assert!(checker.keep_out_boxes.is_some() && checker.grid_hull.is_some());
        let mut plain = checker.clone();
        plain.keep_out_boxes = None;
        let centres = [(16.13, 30.15), (16.55, 30.55), (16.9, 30.1), (16.45, 30.25)];
        let (mut checked, mut flagged_beyond_boxes) = (0, 0);
        for &(cx, cy) in &centres {
            for k in 0..48 {
                let angle = f64::from(k) * std::f64::consts::TAU / 48.0;
                for step in 0..40 {
                    let r = 0.004 * f64::from(step) * f64::from(step);
                    let position = Coord {
                        x: cx + r * angle.cos(),
                        y: cy + r * angle.sin(),
                    };
                    for accuracy_m in [0.0, 30.0, 400.0, 2_500.0, 20_000.0] {
                        let report = report_at(position, accuracy_m);
                        let expected = plain.check(&report).unwrap();
                        assert_eq!(checker.check(&report).unwrap(), expected, "{report:?}");
                        checked += 1;
                        let in_box = |z: ZoneRef| {
                            let (lo, hi) = checker.index.zone(z).reach(checker.max_margin_m);
                            lo.x <= position.x
                                && position.x <= hi.x
                                && lo.y <= position.y
                                && position.y <= hi.y
                        };
                        flagged_beyond_boxes += expected.iter().filter(|v| !in_box(v.zone)).count();
                    }
                }
            }
        }
        assert_eq!(checked, 4 * 48 * 40 * 5);
        assert!(flagged_beyond_boxes > 100, "{flagged_beyond_boxes}");
    }

    /// A report passes over the keep-out zones none of whose rules apply to it (in force,
    /// covering its unit), and asks for no candidate when its disc meets no box of a zone
    /// whose rules do. The oracle: the same report with its unit's attributes restated,
    /// whose rules are asked of the filters one by one (no masks), on a checker without
    /// keep-out boxes.
    #[test]
    fn keep_out_zones_are_passed_over_only_when_none_of_their_rules_applies() {
        use crate::{Unit, UnitAttributes};
        use geo_types::MultiLineString;
        let list = |s: &[&str]| Some(s.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        let t = |days: i64| Timestamp::from_unix_nanos(days * 86_400 * 1_000_000_000);
        let square = |id: &str, x: f64, y: f64, side: f64| {
            area(
                id,
                &[
                    (x, y),
                    (x + side, y),
                    (x + side, y + side),
                    (x, y + side),
                    (x, y),
                ],
            )
        };
        let zones = vec![
            square("country", 16.0, 30.0, 2.0),
            Zone {
                id: "line".into(),
                name: None,
                shape: Shape::Band {
                    lines: MultiLineString(vec![LineString::from(vec![
                        (15.8, 31.9),
                        (16.9, 31.1),
                        (17.2, 29.8),
                    ])]),
                    buffer_m: 0.0,
                },
            },
            square("oil1", 17.5, 30.4, 0.1),
            square("oil2", 16.3, 31.6, 0.05),
            circle("dmz", 17.0, 31.0, 12_000.0),
        ];
        let keep_out = |id: &str, zones: &[&str], margin_m: f64, who: UnitFilter| Rule {
            who,
            ..rule(
                id,
                RuleKind::KeepOut {
                    zones: names(zones),
                    margin_m,
                },
            )
        };
        let rules = vec![
            keep_out(
                "tank_band",
                &["line"],
                15_000.0,
                UnitFilter {
                    classes: list(&["tank"]),
                    ..UnitFilter::default()
                },
            ),
            Rule {
                from: Some(t(10)),
                ..keep_out(
                    "arty_band",
                    &["line"],
                    25_000.0,
                    UnitFilter {
                        classes: list(&["artillery"]),
                        ..UnitFilter::default()
                    },
                )
            },
            Rule {
                from: Some(t(10)),
                ..keep_out(
                    "foreign_out",
                    &["country"],
                    5_000.0,
                    UnitFilter {
                        foreign: Some(true),
                        ..UnitFilter::default()
                    },
                )
            },
            Rule {
                except: Some(UnitFilter {
                    roles: list(&["police"]),
                    ..UnitFilter::default()
                }),
                ..keep_out(
                    "oil",
                    &["oil1", "oil2"],
                    0.0,
                    UnitFilter {
                        sides: list(&["GNA", "LAAF"]),
                        ..UnitFilter::default()
                    },
                )
            },
            Rule {
                until: Some(t(20)),
                ..keep_out(
                    "dmz",
                    &["dmz"],
                    0.0,
                    UnitFilter {
                        sides: list(&["GNA"]),
                        ..UnitFilter::default()
                    },
                )
            },
        ];
        let unit = |id: &str, side: &str, class: &str, role: &str, foreign: bool| Unit {
            id: id.into(),
            attributes: UnitAttributes {
                side: Some(side.into()),
                class: Some(class.into()),
                role: Some(role.into()),
                foreign: Some(foreign),
            },
            home: None,
        };
        let units = vec![
            unit("tank", "GNA", "tank", "military", false),
            unit("arty", "LAAF", "artillery", "military", false),
            unit("crew", "LAAF", "infantry", "training", true),
            unit("police", "GNA", "police", "police", false),
            unit("none", "JMC", "observer", "monitor", false),
        ];
        let checker = Checker::new(Agreement::new(zones, rules, units.clone()).unwrap());
        assert!(checker.keep_out_boxes.is_some());
        let mut plain = checker.clone();
        plain.keep_out_boxes = None;
        let (mut flagged, mut passed_over) = (0, 0);
        for i in 0..25 {
            for j in 0..25 {
                let position = Coord {
                    x: 15.5 + 0.13 * f64::from(i),
                    y: 29.5 + 0.13 * f64::from(j),
                };
                for u in &units {
                    for (time, accuracy_m) in [(t(0), 0.0), (t(15), 700.0), (t(30), 20_000.0)] {
                        let report = Report {
                            unit_id: u.id.clone(),
                            time,
                            ..report_at(position, accuracy_m)
                        };
                        let restated = Report {
                            attributes: u.attributes.clone(),
                            ..report.clone()
                        };
                        let got = checker.check(&report).unwrap();
                        assert_eq!(got, plain.check(&restated).unwrap(), "{report:?}");
                        flagged += got.len();
                        // A zone whose box the disc meets, none of whose rules applies.
                        let disc = geodesic::box_grown_by_m(position, position, accuracy_m + 1e-3);
                        let ui = checker.unit_by_id[&u.id];
                        let may_apply = checker.unit_rules[ui] & checker.in_force.at(time);
                        let boxes = checker.keep_out_boxes.as_deref().unwrap();
                        passed_over += boxes
                            .iter()
                            .filter(|(lo, hi, rules)| {
                                rules & may_apply == 0
                                    && disc.0.x <= hi.x
                                    && lo.x <= disc.1.x
                                    && disc.0.y <= hi.y
                                    && lo.y <= disc.1.y
                            })
                            .count();
                    }
                }
            }
        }
        assert!(flagged > 1_000, "{flagged}");
        assert!(passed_over > 5_000, "{passed_over}");
    }

    /// Outside every allowed zone, the nearest is found whatever the order its lower
    /// bound puts the zones in (here the far L-shaped zone's box holds the point: bound 0,
    /// tried first), and an exact tie goes to the first zone in id order.
    #[test]
    fn stay_in_nearest_zone_does_not_depend_on_the_order_zones_are_tried_in() {
        let zones = vec![
            area(
                "a_ell",
                &[
                    (16.0, 30.0),
                    (17.0, 30.0),
                    (17.0, 30.01),
                    (16.01, 30.01),
                    (16.01, 31.0),
                    (16.0, 31.0),
                    (16.0, 30.0),
                ],
            ),
            area(
                "b_square",
                &[
                    (16.81, 30.80),
                    (16.82, 30.80),
                    (16.82, 30.81),
                    (16.81, 30.81),
                    (16.81, 30.80),
                ],
            ),
            circle("twin_a", 16.7, 30.805, 500.0),
            circle("twin_b", 16.7, 30.805, 500.0),
        ];
        let rules = vec![
            stay_in("near", &["b_square", "a_ell"]),
            stay_in("near_rev", &["a_ell", "b_square"]),
            stay_in("twins", &["twin_b", "twin_a"]),
        ];
        let checker = Checker::new(Agreement::new(zones, rules, Vec::new()).unwrap());
        let p = Coord { x: 16.8, y: 30.805 };
        let report = report_at(p, 0.0);
        let found = checker.check(&report).unwrap();
        let named: Vec<(&str, &str)> = found
            .iter()
            .map(|v| (checker.rule_id(v.rule), checker.zone_id(v.zone)))
            .collect();
        assert_eq!(
            named,
            [
                ("near", "b_square"),
                ("near_rev", "b_square"),
                ("twins", "twin_a")
            ]
        );
        let square = checker.index.zone(ZoneRef(1)).place(p, 0.0).edge_m;
        let west_edge = crate::geodesic::distance_to_segment_m(
            p,
            Coord { x: 16.81, y: 30.80 },
            Coord { x: 16.81, y: 30.81 },
        );
        assert_eq!(found[0].depth_m, square);
        assert!(
            (square - west_edge).abs() < 1e-6 && square > 900.0,
            "{square}"
        );
        let twin = checker.index.zone(ZoneRef(2)).place(p, 0.0).edge_m;
        assert_eq!(found[2].depth_m, twin);
    }

    /// Depths found from hints (`check_into_hinted`, one `DepthHints` carried along a
    /// walk of reports, as the CLI carries one along a run) are those of `check_into`,
    /// and both are the brute-force minimum over every edge of the zone (an ungrown
    /// polygon's keep-out depth is the distance to its boundary); hints made by another
    /// checker (another zone count, other pieces) change nothing either.
    #[test]
    fn hinted_depths_equal_the_brute_force_minimum_over_every_edge() {
        use crate::geodesic::distance_to_segment_m;
        // A jagged 600-vertex star around Sirte (many leaves), and a small square.
        let star: Vec<(f64, f64)> = (0..=600)
            .map(|i| {
                let t = (i % 600) as f64 / 600.0 * std::f64::consts::TAU;
                let r = 0.5 + 0.08 * (7.0 * t).sin() + 0.03 * (i % 5) as f64 / 5.0;
                (16.6 + r * t.cos(), 31.0 + 0.8 * r * t.sin())
            })
            .collect();
        let square = [
            (16.5, 30.9),
            (16.7, 30.9),
            (16.7, 31.1),
            (16.5, 31.1),
            (16.5, 30.9),
        ];
        let keep_out = |zones: &[&str]| {
            let zones = names(zones);
            rule(
                "out",
                RuleKind::KeepOut {
                    zones,
                    margin_m: 0.0,
                },
            )
        };
        let zones = vec![area("star", &star), area("square", &square)];
        let checker = Checker::new(
            Agreement::new(
                zones.clone(),
                vec![keep_out(&["star", "square"])],
                Vec::new(),
            )
            .unwrap(),
        );
        let other = Checker::new(
            Agreement::new(
                vec![zones[1].clone()],
                vec![keep_out(&["square"])],
                Vec::new(),
            )
            .unwrap(),
        );
        let report = |x: f64, y: f64| report_at(Coord { x, y }, 0.0);
        // A spiral walk through both zones: neighbours close, then far apart.
        let walk: Vec<Report> = (0..400)
            .map(|i| {
                let (t, r) = (i as f64 * 0.37, 0.6 * (i as f64 / 400.0).sqrt());
                report(16.6 + r * t.cos(), 31.0 + 0.8 * r * t.sin())
            })
            .collect();
        let edges = |ring: &[(f64, f64)], p: Coord| {
            ring.windows(2)
                .map(|w| {
                    let (a, b) = (
                        Coord {
                            x: w[0].0,
                            y: w[0].1,
                        },
                        Coord {
                            x: w[1].0,
                            y: w[1].1,
                        },
                    );
                    distance_to_segment_m(p, a, b)
                })
                .fold(f64::INFINITY, f64::min)
        };
        let mut hints = DepthHints::default();
        let (mut foreign, mut flagged) = (DepthHints::default(), 0);
        for r in &walk {
            other
                .check_into_hinted(r, &mut Vec::new(), &mut foreign)
                .unwrap();
        }
        for (k, r) in walk.iter().enumerate() {
            let cold = checker.check(r).unwrap();
            let mut warm = Vec::new();
            checker.check_into_hinted(r, &mut warm, &mut hints).unwrap();
            let mut odd = Vec::new();
            checker
                .check_into_hinted(r, &mut odd, &mut foreign)
                .unwrap();
            assert_eq!(cold, warm, "report {k}");
            assert_eq!(cold, odd, "report {k}");
            for v in &cold {
                let ring: &[(f64, f64)] = if v.zone == ZoneRef(0) { &star } else { &square };
                let want = edges(ring, r.position);
                assert_eq!(v.depth_m.to_bits(), want.to_bits(), "report {k}");
                flagged += 1;
            }
        }
        assert!(flagged > 300, "{flagged}");
    }

    /// Which rules cover a report's unit is taken from the units table only when the
    /// report overrides none of the unit's attributes: each report's flagged rules are
    /// exactly those whose filters match its unit id and its merged attributes, asked of
    /// the filters directly.
    #[test]
    fn unit_rule_coverage_yields_to_the_reports_own_attributes() {
        use crate::{Unit, UnitAttributes};
        let attrs = |side: &str, foreign: bool| UnitAttributes {
            side: Some(side.into()),
            class: Some("tank".into()),
            role: Some("military".into()),
            foreign: Some(foreign),
        };
        let keep_out = |id: &str, who: UnitFilter, except: Option<UnitFilter>| Rule {
            who,
            except,
            ..rule(
                id,
                RuleKind::KeepOut {
                    zones: names(&["zone"]),
                    margin_m: 0.0,
                },
            )
        };
        let sides = |s: &[&str]| Some(s.iter().map(|x| x.to_string()).collect());
        let rules = vec![
            keep_out(
                "gna",
                UnitFilter {
                    sides: sides(&["GNA"]),
                    ..UnitFilter::default()
                },
                None,
            ),
            keep_out(
                "foreign",
                UnitFilter {
                    foreign: Some(true),
                    ..UnitFilter::default()
                },
                Some(UnitFilter {
                    units: sides(&["x"]),
                    ..UnitFilter::default()
                }),
            ),
            keep_out("everyone", UnitFilter::default(), None),
        ];
        let units = vec![
            Unit {
                id: "g".into(),
                attributes: attrs("GNA", false),
                home: None,
            },
            Unit {
                id: "x".into(),
                attributes: attrs("LAAF", true),
                home: None,
            },
            Unit {
                id: "l".into(),
                attributes: attrs("LAAF", true),
                home: None,
            },
        ];
        let zones = vec![circle("zone", 16.6, 31.2, 5_000.0)];
        let checker = Checker::new(Agreement::new(zones, rules.clone(), units.clone()).unwrap());
        let overrides = [
            UnitAttributes::default(),
            UnitAttributes {
                side: Some("GNA".into()),
                ..UnitAttributes::default()
            },
            UnitAttributes {
                side: Some("LAAF".into()),
                foreign: Some(false),
                ..UnitAttributes::default()
            },
            UnitAttributes {
                foreign: Some(true),
                ..UnitAttributes::default()
            },
        ];
        for unit in &units {
            for over in &overrides {
                let report = Report {
                    id: "r".into(),
                    unit_id: unit.id.clone(),
                    time: Timestamp::from_unix_nanos(0),
                    position: Coord { x: 16.6, y: 31.2 },
                    accuracy_m: 0.0,
                    source: None,
                    attributes: over.clone(),
                };
                let merged = unit.attributes.view().overridden_by(over.view());
                let mut want: Vec<&str> = rules
                    .iter()
                    .filter(|r| r.covers_unit(&unit.id, merged))
                    .map(|r| r.id.as_str())
                    .collect();
                want.sort_unstable();
                let got = flagged_rules(&checker, &report);
                assert_eq!(got, want, "unit {} overridden by {over:?}", unit.id);
            }
        }
    }

    /// The ids of the rules that flag `report`, in the checker's order.
    fn flagged_rules<'c>(checker: &'c Checker, report: &Report) -> Vec<&'c str> {
        let found = checker.check(report).unwrap();
        found.iter().map(|v| checker.rule_id(v.rule)).collect()
    }

    /// keep_out of the zone `zone`, no margin (the rule-applicability tests).
    fn keep_out_zone() -> RuleKind {
        RuleKind::KeepOut {
            zones: names(&["zone"]),
            margin_m: 0.0,
        }
    }

    /// stay_in the zone `far` (the rule-applicability tests).
    fn stay_far() -> RuleKind {
        stay_in("-", &["far"]).kind
    }

    /// Which rules apply at a time, taken from the rules in force between the instants
    /// where one starts or lapses (and, for reports that override no attribute, from the
    /// unit): exactly the rules in force (`from ≤ t < until`, asked of each rule) that
    /// cover the unit by its merged attributes, at every instant, a nanosecond either
    /// side, and at the ends of time; a unit no keep-out rule in force covers is flagged
    /// by the stay_in rules alone.
    #[test]
    fn rules_apply_exactly_while_in_force() {
        use crate::{Unit, UnitAttributes};
        let t = Timestamp::from_unix_nanos;
        let sides = |s: &[&str]| Some(s.iter().map(|x| x.to_string()).collect());
        let timed = |id: &str, kind: RuleKind, from: Option<i64>, until: Option<i64>| Rule {
            from: from.map(t),
            until: until.map(t),
            ..rule(id, kind)
        };
        let rules = vec![
            timed("a_window", keep_out_zone(), Some(100), Some(200)),
            Rule {
                who: UnitFilter {
                    sides: sides(&["GNA"]),
                    ..UnitFilter::default()
                },
                ..timed("b_gna_from", keep_out_zone(), Some(150), None)
            },
            Rule {
                who: UnitFilter {
                    foreign: Some(true),
                    ..UnitFilter::default()
                },
                ..timed("c_foreign_until", keep_out_zone(), None, Some(150))
            },
            Rule {
                who: UnitFilter {
                    sides: sides(&["LAAF"]),
                    ..UnitFilter::default()
                },
                ..timed("d_laaf_always", keep_out_zone(), None, None)
            },
            timed("e_one_instant", stay_far(), Some(200), Some(201)),
            timed("f_stay_until", stay_far(), None, Some(100)),
            Rule {
                except: Some(UnitFilter {
                    units: sides(&["x"]),
                    ..UnitFilter::default()
                }),
                ..timed("g_but_x", keep_out_zone(), Some(150), Some(300))
            },
        ];
        let attrs = |side: &str, foreign: bool| UnitAttributes {
            side: Some(side.into()),
            foreign: Some(foreign),
            ..UnitAttributes::default()
        };
        let units: Vec<Unit> = [
            ("g", "GNA", false),
            ("l", "LAAF", true),
            ("x", "LAAF", false),
        ]
        .iter()
        .map(|&(id, side, foreign)| Unit {
            id: id.into(),
            attributes: attrs(side, foreign),
            home: None,
        })
        .collect();
        let zones = vec![
            circle("zone", 16.6, 31.2, 5_000.0),
            circle("far", 17.6, 31.2, 5_000.0),
        ];
        let checker = Checker::new(Agreement::new(zones, rules.clone(), units.clone()).unwrap());
        let mut times = vec![i64::MIN, 0, i64::MAX];
        for i in [100, 150, 200, 300] {
            times.extend([i - 1, i, i + 1]);
        }
        let overrides = [
            UnitAttributes::default(),
            UnitAttributes {
                side: Some("GNA".into()),
                ..UnitAttributes::default()
            },
        ];
        let (mut stay_in_only, mut checked) = (0, 0);
        for unit in &units {
            for over in &overrides {
                for &time in &times {
                    let report = Report {
                        id: "r".into(),
                        unit_id: unit.id.clone(),
                        time: t(time),
                        position: Coord { x: 16.6, y: 31.2 },
                        accuracy_m: 0.0,
                        source: None,
                        attributes: over.clone(),
                    };
                    let merged = unit.attributes.view().overridden_by(over.view());
                    let want: Vec<&str> = rules
                        .iter()
                        .filter(|r| r.in_force(t(time)) && r.covers_unit(&unit.id, merged))
                        .map(|r| r.id.as_str())
                        .collect();
                    let got = flagged_rules(&checker, &report);
                    assert_eq!(
                        got, want,
                        "unit {} at {time} overridden by {over:?}",
                        unit.id
                    );
                    stay_in_only += usize::from(want == ["f_stay_until"]);
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 3 * 2 * 15);
        assert!(stay_in_only >= 4, "{stay_in_only}");
    }

    /// A keep-out or stay_in rule past the 64th (beyond the bits that say which rules a
    /// unit's reports need) is still asked, whatever the first 64 say: 70 rules of the
    /// other kind that cover nobody, then one that covers everyone.
    #[test]
    fn a_rule_past_the_64th_is_still_asked() {
        let nobody = UnitFilter {
            units: Some(vec!["nobody".into()]),
            ..UnitFilter::default()
        };
        for stay_in_last in [false, true] {
            let (first, last) = if stay_in_last {
                (keep_out_zone(), stay_far())
            } else {
                (stay_far(), keep_out_zone())
            };
            let mut rules: Vec<Rule> = (0..70)
                .map(|i| Rule {
                    who: nobody.clone(),
                    ..rule(&format!("s{i:02}"), first.clone())
                })
                .collect();
            rules.push(rule("zz_last", last));
            let units = vec![crate::Unit {
                id: "u".into(),
                attributes: Default::default(),
                home: None,
            }];
            let zones = vec![
                circle("zone", 16.6, 31.2, 5_000.0),
                circle("far", 17.6, 31.2, 5_000.0),
            ];
            let checker = Checker::new(Agreement::new(zones, rules, units).unwrap());
            let report = report_at(Coord { x: 16.6, y: 31.2 }, 0.0);
            let got: Vec<&str> = (checker.check(&report).unwrap().iter())
                .map(|v| checker.rule_id(v.rule))
                .collect();
            assert_eq!(got, ["zz_last"]);
        }
    }

    /// Reports whose accuracy disc reaches past their grid cell find every keep-out zone
    /// within reach, from the cells around or the R-tree: 36 small squares ~3 km apart
    /// (a fine grid), reports on a lattice across them with discs of 0.5-4 km, and the
    /// violations equal the brute force (lon/lat containment, the minimum over the four
    /// edges' geodesic distances, the confidence rules by hand), depths bit for bit.
    #[test]
    fn keep_out_discs_past_their_cell_find_every_zone_within_reach() {
        use crate::geodesic::distance_to_segment_m;
        let corner = |i: usize, j: usize| (16.0 + 0.03 * i as f64, 30.0 + 0.03 * j as f64);
        let side = 0.01;
        let mut zones = Vec::new();
        for k in 0..36 {
            let (x, y) = corner(k % 6, k / 6);
            let ring = [
                (x, y),
                (x + side, y),
                (x + side, y + side),
                (x, y + side),
                (x, y),
            ];
            zones.push(area(&format!("z{k:02}"), &ring));
        }
        let all: Vec<String> = (0..36).map(|k| format!("z{k:02}")).collect();
        let rules = vec![rule(
            "out",
            RuleKind::KeepOut {
                zones: all,
                margin_m: 0.0,
            },
        )];
        let checker = Checker::new(Agreement::new(zones, rules, Vec::new()).unwrap());
        let (mut flagged_outside, mut checked) = (0, 0);
        for i in 0..45 {
            for j in 0..45 {
                let p = Coord {
                    x: 15.99 + 0.0043 * f64::from(i),
                    y: 29.99 + 0.0043 * f64::from(j),
                };
                for a in [500.0, 2_000.0, 4_000.0] {
                    let report = report_at(p, a);
                    let mut want = Vec::new();
                    for k in 0..36 {
                        let (x, y) = corner(k % 6, k / 6);
                        let c = [
                            Coord { x, y },
                            Coord { x: x + side, y },
                            Coord {
                                x: x + side,
                                y: y + side,
                            },
                            Coord { x, y: y + side },
                        ];
                        let d = (0..4)
                            .map(|e| distance_to_segment_m(p, c[e], c[(e + 1) % 4]))
                            .fold(f64::INFINITY, f64::min);
                        let inside = x <= p.x && p.x <= x + side && y <= p.y && p.y <= y + side;
                        let (confidence, depth_m) = if inside {
                            let sure = d >= a;
                            let c = if sure {
                                Confidence::Confirmed
                            } else {
                                Confidence::Possible
                            };
                            (c, d)
                        } else if d < a {
                            flagged_outside += 1;
                            (Confidence::Possible, -d)
                        } else {
                            continue;
                        };
                        want.push(Violation {
                            rule: RuleIndex(0),
                            zone: ZoneRef(k as u32),
                            confidence,
                            depth_m,
                        });
                    }
                    let got = checker.check(&report).unwrap();
                    assert_eq!(got.len(), want.len(), "{p:?} accuracy {a}");
                    for (g, w) in got.iter().zip(&want) {
                        assert_eq!(
                            (g.rule, g.zone, g.confidence, g.depth_m.to_bits()),
                            (w.rule, w.zone, w.confidence, w.depth_m.to_bits()),
                            "{p:?} accuracy {a}"
                        );
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 45 * 45 * 3);
        assert!(flagged_outside > 5_000, "{flagged_outside}");
    }
}
