//! Spotting reports whose longitude and latitude were swapped: a common spreadsheet
//! mistake that no single row betrays when both values lie within ±90.
//!
//! The test costs four comparisons per report: a report counts as *swapped-looking* when
//! its position lies outside the bounding box of all zones (grown by their distances) but
//! the swapped position lies inside it. When most reports look swapped, the run warns; it
//! never changes or rejects anything.

use zonewatch_core::{Agreement, Coord, RuleKind, Shape, Zone};

/// Metres per degree of latitude (and of longitude at the equator), roughly.
const METRES_PER_DEGREE: f64 = 111_320.0;

/// The zones' extent and the counts kept against it.
pub struct SwapCheck {
    /// `[min_lon, min_lat, max_lon, max_lat]`; `None` without zones.
    extent: Option<[f64; 4]>,
    seen: u64,
    swapped_looking: u64,
}

impl SwapCheck {
    /// The extent of `zones`, each grown by its radius or buffer (and by `margin_m`, the
    /// largest margin of any rule).
    pub fn new(zones: &[Zone], margin_m: f64) -> SwapCheck {
        let mut extent: Option<[f64; 4]> = None;
        let mut add = |c: Coord, grow_m: f64| {
            let dlat = grow_m / METRES_PER_DEGREE;
            let cos = c.y.to_radians().cos().max(0.01);
            let dlon = (grow_m / (METRES_PER_DEGREE * cos)).min(360.0);
            let e = extent.get_or_insert([c.x, c.y, c.x, c.y]);
            e[0] = e[0].min(c.x - dlon);
            e[1] = e[1].min(c.y - dlat);
            e[2] = e[2].max(c.x + dlon);
            e[3] = e[3].max(c.y + dlat);
        };
        for zone in zones {
            let grow = zone.shape.distance_m() + margin_m;
            match &zone.shape {
                Shape::Area { polygons, .. } => {
                    for p in polygons {
                        for c in &p.exterior().0 {
                            add(*c, grow);
                        }
                    }
                }
                Shape::Circle { centre, .. } => add(*centre, grow),
                Shape::Band { lines, .. } => {
                    for l in lines {
                        for c in &l.0 {
                            add(*c, grow);
                        }
                    }
                }
            }
        }
        SwapCheck {
            extent,
            seen: 0,
            swapped_looking: 0,
        }
    }

    /// The extent of the agreement's zones, grown by the largest `keep_out` margin.
    pub fn for_agreement(agreement: &Agreement) -> SwapCheck {
        let margin = agreement
            .rules()
            .iter()
            .map(|r| match r.kind {
                RuleKind::KeepOut { margin_m, .. } => margin_m,
                _ => 0.0,
            })
            .fold(0.0, f64::max);
        SwapCheck::new(agreement.zones(), margin)
    }

    /// A check against the same extent with nothing seen yet (to count a run of reports
    /// on its own core, then [`merge`](Self::merge)).
    pub fn fresh(&self) -> SwapCheck {
        SwapCheck {
            extent: self.extent,
            seen: 0,
            swapped_looking: 0,
        }
    }

    /// Adds what `other` (a [`fresh`](Self::fresh) copy) has seen.
    pub fn merge(&mut self, other: &SwapCheck) {
        self.seen += other.seen;
        self.swapped_looking += other.swapped_looking;
    }

    /// Counts one report's position.
    #[inline]
    pub fn observe(&mut self, p: Coord) {
        self.seen += 1;
        if let Some(e) = &self.extent {
            let inside = |x: f64, y: f64| x >= e[0] && x <= e[2] && y >= e[1] && y <= e[3];
            if !inside(p.x, p.y) && inside(p.y, p.x) {
                self.swapped_looking += 1;
            }
        }
    }

    /// The warning to print, when more than half the reports look swapped.
    pub fn warning(&self) -> Option<String> {
        (self.swapped_looking * 2 > self.seen).then(|| {
            format!(
                "warning: {} of {} reports lie outside every zone's extent but would lie \
                 inside it with longitude and latitude swapped: are the columns (or the \
                 coordinate order) swapped? GeoJSON and zonewatch use lon, lat.",
                self.swapped_looking, self.seen
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn circle(x: f64, y: f64, r: f64) -> Zone {
        Zone {
            id: "c".into(),
            name: None,
            shape: Shape::Circle {
                centre: Coord { x, y },
                radius_m: r,
            },
        }
    }

    #[test]
    fn warns_only_when_most_reports_look_swapped() {
        let zones = [circle(16.5, 31.2, 10_000.0), circle(17.0, 30.5, 0.0)];
        let mut check = SwapCheck::new(&zones, 0.0);
        // Swapped: (31.2, 16.5) is far outside; swapped back it is at the first circle.
        check.observe(Coord { x: 31.2, y: 16.5 });
        check.observe(Coord { x: 30.6, y: 16.9 });
        // Inside the extent, and far away in both orders.
        check.observe(Coord { x: 16.8, y: 30.9 });
        check.observe(Coord { x: -70.0, y: 40.0 });
        assert_eq!(check.warning(), None, "2 of 4 is not most");
        check.observe(Coord { x: 31.0, y: 16.6 });
        let w = check.warning().unwrap();
        assert!(w.starts_with("warning: 3 of 5 reports"), "{w}");
    }

    #[test]
    fn no_zones_no_warning() {
        let mut check = SwapCheck::new(&[], 0.0);
        check.observe(Coord { x: 31.2, y: 16.5 });
        assert_eq!(check.warning(), None);
    }
}
