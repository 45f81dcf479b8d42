//! Incidents as CSV: one row per incident.

use std::io::{self, Write};

use zonewatch_core::Incident;

use crate::ViolationNames;
use crate::violation_csv::finish_csv;

/// The columns of the incidents CSV, in order.
pub const INCIDENT_COLUMNS: [&str; 18] = [
    "incident_id",
    "unit_id",
    "rule_id",
    "zone_id",
    "kind",
    "start",
    "end",
    "duration_s",
    "reports",
    "suspect_reports",
    "max_depth_m",
    "confidence",
    "status",
    "ended_by",
    "first_lon",
    "first_lat",
    "last_lon",
    "last_lat",
];

/// Writes incidents as CSV with the header [`INCIDENT_COLUMNS`]: times in UTC RFC 3339,
/// `duration_s` in whole or fractional seconds, `max_depth_m` with 2 decimals,
/// `confidence` `confirmed`/`possible`, `status` `sustained`/`transient`, `ended_by`
/// `compliant`/`gap`/`rule_window`/`end_of_data`.
///
/// # Errors
/// Any error of the underlying writer.
pub fn write_incidents_csv<W: Write>(
    w: W,
    incidents: &[Incident],
    names: &impl ViolationNames,
) -> io::Result<W> {
    let mut csv = csv::WriterBuilder::new()
        .buffer_capacity(1 << 16)
        .from_writer(w);
    csv.write_record(INCIDENT_COLUMNS)?;
    for i in incidents {
        let (first, last) = (i.first_position(), i.last_position());
        csv.write_record([
            i.id.as_str(),
            &i.unit_id,
            names.rule_id(i.rule),
            names.zone_id(i.zone),
            names.rule_kind(i.rule),
            &i.start.to_string(),
            &i.end.to_string(),
            &i.duration_s().to_string(),
            &i.reports.to_string(),
            &i.suspect_reports.to_string(),
            &depth(i.max_depth_m),
            i.confidence.name(),
            i.status.name(),
            i.ended_by.name(),
            &first.x.to_string(),
            &first.y.to_string(),
            &last.x.to_string(),
            &last.y.to_string(),
        ])?;
    }
    finish_csv(csv)
}

/// A depth with 2 decimals (`-0.00` written `0.00`); empty when not finite.
pub(crate) fn depth(d: f64) -> String {
    if !d.is_finite() {
        String::new()
    } else if (d * 100.0).round() == 0.0 {
        "0.00".into()
    } else {
        format!("{d:.2}")
    }
}

#[cfg(test)]
mod tests {
    use zonewatch_core::{
        Agreement, ComplianceDay, Confidence, Coord, Event, EventKind, IncidentEnd, IncidentStatus,
        Rule, RuleIndex, RuleKind, RuleOptions, Shape, Timestamp, UnitFilter, Zone, ZoneRef,
    };

    use super::*;
    use crate::{write_compliance_csv, write_events_ndjson, write_incidents_geojson};

    fn agreement() -> Agreement {
        let zone = Zone {
            id: "dmz".into(),
            name: None,
            shape: Shape::Circle {
                centre: Coord { x: 16.0, y: 30.0 },
                radius_m: 10_000.0,
            },
        };
        let rule = Rule {
            id: "no-dmz".into(),
            kind: RuleKind::KeepOut {
                zones: vec!["dmz".into()],
                margin_m: 0.0,
            },
            from: None,
            until: None,
            who: UnitFilter::default(),
            except: None,
            options: RuleOptions::default(),
        };
        Agreement::new(vec![zone], vec![rule], vec![]).unwrap()
    }

    fn t(s: i64) -> Timestamp {
        Timestamp::from_unix_seconds(1_609_459_200 + s).unwrap()
    }

    fn incident(track: Vec<Coord>) -> Incident {
        Incident {
            id: "U/no-dmz/dmz/2021-01-01T01:00:00Z".into(),
            unit_id: "U".into(),
            rule: RuleIndex(0),
            zone: ZoneRef(0),
            start: t(3600),
            end: t(7200),
            reports: track.len() as u32,
            suspect_reports: 0,
            max_depth_m: 10_000.0,
            confidence: Confidence::Confirmed,
            status: IncidentStatus::Sustained,
            ended_by: IncidentEnd::Compliant,
            track,
        }
    }

    #[test]
    fn incidents_as_csv_and_geojson() {
        let a = agreement();
        let i = incident(vec![
            Coord { x: 16.0, y: 30.0 },
            Coord { x: 16.0, y: 30.05 },
        ]);
        let csv = String::from_utf8(
            write_incidents_csv(Vec::new(), std::slice::from_ref(&i), &a).unwrap(),
        )
        .unwrap();
        assert_eq!(
            csv,
            "incident_id,unit_id,rule_id,zone_id,kind,start,end,duration_s,reports,\
             suspect_reports,max_depth_m,confidence,status,ended_by,first_lon,first_lat,\
             last_lon,last_lat\n\
             U/no-dmz/dmz/2021-01-01T01:00:00Z,U,no-dmz,dmz,keep_out,2021-01-01T01:00:00Z,\
             2021-01-01T02:00:00Z,3600,2,0,10000.00,confirmed,sustained,compliant,16,30,16,30.05\n"
        );
        let one = incident(vec![Coord { x: 16.0, y: 30.0 }]);
        let geojson =
            String::from_utf8(write_incidents_geojson(Vec::new(), &[i, one], &a).unwrap()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&geojson).unwrap();
        let f = &v["features"];
        assert_eq!(f[0]["geometry"]["type"], "LineString");
        assert_eq!(
            f[0]["geometry"]["coordinates"],
            serde_json::json!([[16.0, 30.0], [16.0, 30.05]])
        );
        // A one-report incident: its single position twice (RFC 7946 wants two or more).
        assert_eq!(
            f[1]["geometry"]["coordinates"],
            serde_json::json!([[16.0, 30.0], [16.0, 30.0]])
        );
        assert_eq!(f[0]["properties"]["status"], "sustained");
        assert_eq!(f[0]["properties"]["duration_s"], 3600.0);
        assert_eq!(f[0]["properties"]["max_depth_m"], 10000.0);
        // simplestyle-spec: confirmed is dark red, sustained is thick and opaque.
        assert_eq!(f[0]["properties"]["stroke"], "#b2182b");
        assert_eq!(f[0]["properties"]["stroke-width"], 4.0);
        assert_eq!(f[0]["properties"]["stroke-opacity"], 0.9);
    }

    #[test]
    fn events_as_ndjson_and_compliance_as_csv() {
        let a = agreement();
        let e = Event {
            kind: EventKind::Enter,
            unit_id: "U".into(),
            rule: RuleIndex(0),
            zone: ZoneRef(0),
            time: t(3600),
            position: Coord { x: 16.0, y: 30.0 },
        };
        let nd = String::from_utf8(write_events_ndjson(Vec::new(), &[e], &a).unwrap()).unwrap();
        assert_eq!(
            nd,
            "{\"event\":\"enter\",\"unit_id\":\"U\",\"rule_id\":\"no-dmz\",\"zone_id\":\"dmz\",\
             \"time\":\"2021-01-01T01:00:00Z\",\"lon\":16.0,\"lat\":30.0}\n"
        );
        let days = [
            ComplianceDay {
                day: 18_628, // 2021-01-01
                rule: RuleIndex(0),
                deadline_passed: false,
                covered_units: 2,
                inside: 1,
                outside: 1,
                furthest: Some(("B".into(), 22_174.4)),
            },
            ComplianceDay {
                day: 18_629,
                rule: RuleIndex(0),
                deadline_passed: true,
                covered_units: 2,
                inside: 2,
                outside: 0,
                furthest: None,
            },
        ];
        let csv = String::from_utf8(write_compliance_csv(Vec::new(), &days, &a).unwrap()).unwrap();
        assert_eq!(
            csv,
            "date,rule_id,covered_units,inside,outside,deadline_passed,furthest_unit,furthest_m\n\
             2021-01-01,no-dmz,2,1,1,false,B,22174\n\
             2021-01-02,no-dmz,2,2,0,true,,\n"
        );
    }
}
