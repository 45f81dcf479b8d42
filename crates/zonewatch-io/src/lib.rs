//! zonewatch-io (in progress)
