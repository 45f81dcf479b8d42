//! zonewatch (facade).
pub use zonewatch_core as core;
pub use zonewatch_io as io;
