//! zonewatch's integration tests: one binary, one module per subject. Tests of the built
//! `zonewatch` binary live in `crates/zonewatch-cli/tests/` (see docs/decisions.md).

mod hand_cases;
mod hostile_inputs;
mod join_oracle;
mod library;
mod oracle;
mod scenario_oracle;
mod sirte_tracks;
mod support;
