//! Tracks: what a monitor reports — incidents, enter/exit events, data-quality flags and
//! compliance over time — from the checker's per-report flags, unit by unit in time order.
//!
//! - [`Tracker::step`] is detection: a pure function of a unit's [`UnitState`] and its
//!   next report (with the checker's [`Violation`](crate::Violation)s for it), returning
//!   [`Transition`]s — `Suspect`, `Opened`, `Closed(Incident)`, `Event`. No encoding, no
//!   delivery: writers live in the io crate.
//! - [`TrackRecorder`] is the batch driver: it drops exact duplicates, holds the reports
//!   of every unit, sorts each unit's reports by time and replays them through `step`,
//!   units in parallel, and computes the [`ComplianceDay`] table.
//!
//! Semantics (incidents, sustained/transient, hysteresis, events, suspect reports,
//! compliance) are in `docs/tracks.md`.

mod compliance;
mod event;
mod incident;
mod quality;
mod recorder;
mod tracker;

pub use compliance::ComplianceDay;
pub use event::{Event, EventKind};
pub use incident::{Incident, IncidentEnd, IncidentStatus, incident_id};
pub use quality::SpeedLimits;
pub use recorder::{TrackRecorder, Tracks};
pub use tracker::{TrackOptions, Tracker, Transition, UnitState};

#[cfg(test)]
mod tests;
