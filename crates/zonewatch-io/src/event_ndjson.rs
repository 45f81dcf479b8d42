//! Events as newline-delimited JSON: one object per line.

use std::io::{self, BufWriter, Write};

use serde::Serialize;
use zonewatch_core::Event;

use crate::ViolationNames;

/// Writes events as one JSON object per line:
/// `{"event":"enter","unit_id":…,"rule_id":…,"zone_id":…,"time":"…Z","lon":…,"lat":…}`,
/// `event` one of `enter`, `exit`, `inside`, `outside`.
///
/// # Errors
/// Any error of the underlying writer.
pub fn write_events_ndjson<W: Write>(
    w: W,
    events: &[Event],
    names: &impl ViolationNames,
) -> io::Result<W> {
    let mut out = BufWriter::with_capacity(1 << 16, w);
    for e in events {
        let line = EventLine {
            event: e.kind.name(),
            unit_id: &e.unit_id,
            rule_id: names.rule_id(e.rule),
            zone_id: names.zone_id(e.zone),
            time: e.time.to_string(),
            lon: e.position.x,
            lat: e.position.y,
        };
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.into_inner().map_err(|e| e.into_error())
}

/// One line, fields in the documented order.
#[derive(Serialize)]
struct EventLine<'a> {
    event: &'static str,
    unit_id: &'a str,
    rule_id: &'a str,
    zone_id: &'a str,
    time: String,
    lon: f64,
    lat: f64,
}
