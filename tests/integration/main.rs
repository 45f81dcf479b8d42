//! zonewatch's integration tests: one binary, one module per subject.

mod library;
mod oracle;
