//! zonewatch-io (in progress)
#![warn(missing_docs)]

mod agreement;
mod csv_records;
mod error;
mod flag;
mod rfc3339;
mod rules;
mod text_position;
mod units;
mod zone_geometry;
mod zones;

pub use agreement::load_agreement;
pub use error::{ErrorKind, InputError, InputErrors, Location};
pub use rules::read_rules;
pub use units::read_units;
pub use zones::read_zones;
