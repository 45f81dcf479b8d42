//! Points for the spatial join: any bytes, each format chosen by the first byte.
#![no_main]
use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use zonewatch_io::{PointReader, ReportFormat};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let format = [
        ReportFormat::Csv,
        ReportFormat::GeoJson,
        ReportFormat::NdJson,
    ][first as usize % 3];
    let Ok(mut reader) = PointReader::new(Box::new(Cursor::new(rest.to_vec())), format, "fuzz")
    else {
        return;
    };
    let (mut points, mut rejects) = (Vec::new(), Vec::new());
    while let Ok(true) = reader.read_chunk(1 + first as usize % 5, &mut points, &mut rejects) {}
});
