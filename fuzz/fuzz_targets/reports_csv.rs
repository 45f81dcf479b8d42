//! Reports (csv): any bytes through the streaming reader, in chunks of a size the input
//! chooses (so chunk boundaries fall everywhere), then through the checker.
#![no_main]
use libfuzzer_sys::fuzz_target;
use zonewatch_io::ReportFormat;

#[path = "common/reports.rs"]
mod reports;

fuzz_target!(|data: &[u8]| reports::run(data, ReportFormat::Csv));
