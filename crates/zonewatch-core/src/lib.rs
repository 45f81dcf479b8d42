//! # zonewatch-core
//!
//! The pure engine of zonewatch: no files, no network, no clock, no environment. Time
//! arrives as data.
//!
//! ## Map
//! - [`Zone`] / [`Shape`]: the agreed areas — polygons (holes allowed, optionally grown by
//!   a buffer), circles (a camp: centre + radius), bands (a line + half-width).
//! - [`Rule`]: `keep_out` / `stay_in`, for whom ([`UnitFilter`]) and when.
//! - [`Unit`]: who is reported, with the attributes rules select on.
//! - [`Agreement`]: zones, rules and units validated together (every problem reported).
//! - [`ZoneIndex`]: zones prepared for exact point queries (the spatial join).
//! - [`Checker`]: an agreement prepared once; [`Checker::check`] judges one [`Report`],
//!   [`Checker::check_batch`] a batch across all cores, both giving [`Violation`]s;
//!   [`Checker::check_into_hinted`] one of many reports checked in a row, its depth
//!   searches seeded from the previous reports' ([`DepthHints`]; the same violations).
//! - Tracks: [`Tracker::step`] turns a unit's time-ordered reports and flags into
//!   [`Transition`]s ([`Incident`]s, [`Event`]s, `suspect` reports); [`TrackRecorder`]
//!   runs a whole batch in any input order and adds [`ComplianceDay`]s.
//! - [`geodesic`]: WGS84 distances in metres (point–point, point–segment, bounds).
//!
//! Data flows one way: zones + rules + units → [`Agreement::new`] → [`Checker::new`]
//! (paid once) → `check` per report → violations (ordered by rule id, then zone id).
//!
//! ## Semantics
//! A point on a zone's edge is inside it (covers). Distances are geodesic on WGS84. The
//! signed depth `s` is positive on the violating side; [`Confidence`] grades a flag by
//! comparing `s` with the report's accuracy. A rule applies when `from ≤ time < until`.
//!
//! ## Example
//! ```
//! use zonewatch_core::*;
//!
//! let dmz = Zone {
//!     id: "dmz".into(),
//!     name: None,
//!     shape: Shape::Circle { centre: Coord { x: 16.5886, y: 31.2050 }, radius_m: 10_000.0 },
//! };
//! let rule = Rule {
//!     id: "no-dmz".into(),
//!     kind: RuleKind::KeepOut { zones: vec!["dmz".into()], margin_m: 0.0 },
//!     from: None,
//!     until: None,
//!     who: UnitFilter::default(),
//!     except: None,
//!     options: RuleOptions::default(),
//! };
//! let checker = Checker::new(Agreement::new(vec![dmz], vec![rule], vec![]).unwrap());
//! let report = Report {
//!     id: "r1".into(),
//!     unit_id: "LAAF-ARTY-2".into(),
//!     time: Timestamp::from_unix_seconds(1_611_360_000).unwrap(),
//!     position: Coord { x: 16.59, y: 31.21 },
//!     accuracy_m: 50.0,
//!     source: None,
//!     attributes: UnitAttributes::default(),
//! };
//! let flags = checker.check(&report).unwrap();
//! assert_eq!(flags.len(), 1);
//! assert_eq!(flags[0].confidence, Confidence::Confirmed);
//! assert!(flags[0].depth_m > 9_000.0); // about 9.4 km inside the 10 km circle
//! ```
#![warn(missing_docs)]
// One `unsafe` block, allowed where it is: the prefetch hint (`hint.rs`).
#![deny(unsafe_code)]

mod agreement;
mod area;
mod checker;
mod extent;
pub mod geodesic;
pub mod hint;
mod report;
mod ring_stripes;
mod rule;
#[cfg(test)]
mod test_shapes;
mod time;
mod track;
mod unit;
mod violation;
mod zone;
mod zone_grid;
mod zone_index;
mod zone_validation;

pub use agreement::{Agreement, AgreementError};
pub use area::{Area, Position, polygon_position, ring_position};
pub use checker::{CheckError, Checker, DepthHints};
pub use geo_types::Coord as GeoCoord;
pub use report::{Report, ReportRef};
pub use rule::{Rule, RuleKind, RuleOptions, UnitFilter};
pub use time::Timestamp;
pub use track::{
    ComplianceDay, Event, EventKind, Incident, IncidentEnd, IncidentStatus, SpeedLimits,
    TrackOptions, TrackRecorder, Tracker, Tracks, Transition, UnitState, incident_id,
};
pub use unit::{AttributeView, Unit, UnitAttributes};
pub use violation::{Confidence, RuleIndex, Violation, ZoneRef};
pub use zone::{GeometryPath, Shape, ValidZone, Zone, ZoneProblem};
pub use zone_index::{LookAhead, Predicate, ZoneHits, ZoneIndex};

/// A lon/lat position in degrees: `x` = longitude, `y` = latitude (WGS84, GeoJSON order).
pub type Coord = geo_types::Coord<f64>;
