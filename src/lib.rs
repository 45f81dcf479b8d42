//! # zonewatch
//!
//! Geospatial zone monitoring for ceasefire agreements: load the agreed zones (GeoJSON),
//! the rules (TOML) and the units (CSV) once, then check position reports against them —
//! exactly (robust predicates, a point on an edge is inside), with geodesic distances in
//! metres and a confidence an analyst can defend, on all cores.
//!
//! This facade re-exports the two library crates:
//! - [`core`] (`zonewatch-core`): the pure engine — [`Zone`](core::Zone),
//!   [`Rule`](core::Rule), [`Unit`](core::Unit), [`Agreement`](core::Agreement),
//!   [`Checker`](core::Checker), [`ZoneIndex`](core::ZoneIndex), [`geodesic`](core::geodesic).
//! - [`io`] (`zonewatch-io`): the formats — zones, rules, units, streaming report readers,
//!   violation writers.
//!
//! ## Example: load an agreement, prepare it once, check reports
//!
//! ```
//! use zonewatch::core::{Checker, Confidence, Coord, Report, Timestamp, UnitAttributes};
//!
//! let zones = r#"{"type": "FeatureCollection", "features": [
//!   {"type": "Feature", "id": "dmz_sirte", "properties": {"radius_m": 15000},
//!    "geometry": {"type": "Point", "coordinates": [16.5886, 31.2050]}},
//!   {"type": "Feature", "id": "camp_benina", "properties": {"radius_m": 5000},
//!    "geometry": {"type": "Point", "coordinates": [20.2695, 32.0968]}}
//! ]}"#;
//! let rules = r#"
//! [[rule]]
//! id = "dmz"
//! kind = "keep_out"
//! zones = ["dmz_sirte"]
//! from = "2021-01-23T00:00:00Z"
//! [rule.except]
//! roles = ["police", "monitor"]
//!
//! [[rule]]
//! id = "back_to_camp"
//! kind = "stay_in"
//! zones = ["home"]
//! from = "2021-01-23T00:00:00Z"
//! [rule.who]
//! roles = ["military"]
//! "#;
//! let units = "unit_id,side,class,role,foreign,home\nLAAF-ARTY-2,LAAF,artillery,military,false,camp_benina\n";
//!
//! let agreement = zonewatch::io::load_agreement(
//!     (zones, "zones.geojson"),
//!     (rules, "rules.toml"),
//!     Some((units, "units.csv")),
//! )
//! .expect("a valid agreement");
//! let checker = Checker::new(agreement); // prepared once
//!
//! // LAAF-ARTY-2 seen 2 km from the centre of Sirte on 2021-02-01, ±30 m.
//! let report = Report {
//!     id: "r1".into(),
//!     unit_id: "LAAF-ARTY-2".into(),
//!     time: Timestamp::from_unix_seconds(1_612_137_600).unwrap(),
//!     position: Coord { x: 16.6060, y: 31.2130 },
//!     accuracy_m: 30.0,
//!     source: Some("uav".into()),
//!     attributes: UnitAttributes::default(),
//! };
//! let violations = checker.check(&report).unwrap();
//! // Rows come ordered by rule id: back_to_camp (about 360 km from Benina), then dmz.
//! assert_eq!(violations.len(), 2);
//! assert_eq!(checker.rule_id(violations[0].rule), "back_to_camp");
//! assert!(violations[0].depth_m > 300_000.0);
//! assert_eq!(checker.rule_id(violations[1].rule), "dmz");
//! assert_eq!(violations[1].confidence, Confidence::Confirmed);
//! assert!(violations[1].depth_m > 12_000.0); // ~13 km inside the 15 km circle
//! ```
//!
//! For a whole batch across all cores, [`Checker::check_batch`](core::Checker::check_batch);
//! for streams of reports from files, [`io::ReportReader`]. `examples/check_reports.rs` is a
//! small program to copy from.
#![warn(missing_docs)]

pub use zonewatch_core as core;
pub use zonewatch_io as io;
