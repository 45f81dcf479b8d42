use super::*;
use zonewatch_core::{Coord, Timestamp, UnitAttributes};

/// Reads everything with chunks of `max`, returning reports, rejects as text, and the
/// number of read_chunk calls that returned true.
fn read_all(input: &[u8], format: ReportFormat, max: usize) -> (Vec<Report>, Vec<String>, usize) {
    // A tiny buffer, so every extent crosses buffer boundaries.
    let input: Input = Box::new(std::io::BufReader::with_capacity(
        7,
        std::io::Cursor::new(input.to_vec()),
    ));
    let mut reader = ReportReader::new(input, format, "r").unwrap();
    let (mut reports, mut rejects, mut calls) = (Vec::new(), Vec::new(), 0);
    while reader.read_chunk(max, &mut reports, &mut rejects).unwrap() {
        calls += 1;
        assert!(calls < 1000);
    }
    assert_eq!(reader.rows_read() as usize, reports.len() + rejects.len());
    (
        reports,
        rejects.iter().map(|r| r.to_string()).collect(),
        calls,
    )
}

fn fatal(input: &[u8], format: ReportFormat) -> String {
    let input: Input = Box::new(std::io::Cursor::new(input.to_vec()));
    let mut reader = match ReportReader::new(input, format, "r") {
        Ok(r) => r,
        Err(e) => return e.to_string(),
    };
    let (mut reports, mut rejects) = (Vec::new(), Vec::new());
    loop {
        match reader.read_chunk(10, &mut reports, &mut rejects) {
            Ok(true) => {}
            Ok(false) => panic!("no fatal error; rejects: {rejects:?}"),
            Err(e) => return e.to_string(),
        }
    }
}

fn t(s: &str) -> Timestamp {
    crate::rfc3339::parse_rfc3339(s.as_bytes()).unwrap()
}

#[test]
fn csv_with_bom_crlf_aliases_and_generated_ids() {
    let csv = "\u{feff}Report_ID, Unit_ID ,TIME,Lng,Latitude,accuracy_m,source,side,foreign,notes\r\n\
               ,LAAF-1,2021-01-23T00:00:00Z,16.5,31.25,,uav,,yes,x\r\n\
               \r\n\
               r-9,GNA-1,2021-01-23T01:00:00.5+01:00,-0.1,-5,12.5,,GNA,,\r\n";
    let (reports, rejects, _) = read_all(csv.as_bytes(), ReportFormat::Csv, 100);
    assert_eq!(rejects, Vec::<String>::new());
    assert_eq!(
        reports,
        vec![
            Report {
                id: "r:2".into(),
                unit_id: "LAAF-1".into(),
                time: t("2021-01-23T00:00:00Z"),
                position: Coord { x: 16.5, y: 31.25 },
                accuracy_m: 0.0,
                source: Some("uav".into()),
                attributes: UnitAttributes {
                    foreign: Some(true),
                    ..Default::default()
                },
            },
            Report {
                id: "r-9".into(),
                unit_id: "GNA-1".into(),
                time: t("2021-01-23T00:00:00.5Z"),
                position: Coord { x: -0.1, y: -5.0 },
                accuracy_m: 12.5,
                source: None,
                attributes: UnitAttributes {
                    side: Some("GNA".into()),
                    ..Default::default()
                },
            },
        ]
    );
    let (reports, _, _) = read_all(
        b"unit_id,time,X,Y\nu,2021-01-23T00:00:00Z,1,2\n",
        ReportFormat::Csv,
        9,
    );
    assert_eq!(reports[0].position, Coord { x: 1.0, y: 2.0 });
    let (reports, _, _) = read_all(
        b"LONGITUDE,lat,time,unit_id\n3,4,2021-01-23T00:00:00Z,u",
        ReportFormat::Csv,
        9,
    );
    assert_eq!(
        (reports[0].position, reports[0].id.as_str()),
        (Coord { x: 3.0, y: 4.0 }, "r:2")
    );
}

#[test]
fn csv_header_only_gives_nothing() {
    assert_eq!(
        read_all(b"unit_id,time,lon,lat\r\n", ReportFormat::Csv, 10),
        (vec![], vec![], 0)
    );
}

#[test]
fn csv_every_row_problem_is_a_located_reject() {
    let mut csv = b"unit_id,time,lon,lat,accuracy_m,foreign\n".to_vec();
    for row in [
        ",2021-01-23T00:00:00Z,1,2,,",                 // 2
        "u,,1,2,,",                                    // 3
        "u,2021-01-23,1,2,,",                          // 4
        "u,2021-01-23T00:00:00,1,2,,",                 // 5
        "u,1500-01-01T00:00:00Z,1,2,,",                // 6
        "u,2021-02-30T00:00:00Z,1,2,,",                // 7
        "u,2021-01-23T00:00:00Z,abc,2,,",              // 8
        "u,2021-01-23T00:00:00Z,NaN,2,,",              // 9
        "u,2021-01-23T00:00:00Z,1,inf,,",              // 10
        "u,2021-01-23T00:00:00Z,181,2,,",              // 11
        "u,2021-01-23T00:00:00Z,31.2,116.5,,",         // 12
        "u,2021-01-23T00:00:00Z,1,2,-3,",              // 13
        "u,2021-01-23T00:00:00Z,1,2,,perhaps",         // 14
        "u,2021-01-23T00:00:00Z,1,2",                  // 15
        "u,2021-01-23T00:00:00Z,1,2,,,extra",          // 16
        "u,2021-01-23T00:00:00Z,1,,,",                 // 17
        "\"two\nlines\",2021-01-23T00:00:00Z,1,2,,no", // 18-19: accepted
    ] {
        csv.extend_from_slice(row.as_bytes());
        csv.push(b'\n');
    }
    csv.extend_from_slice(b"u\xff\xfe,2021-01-23T00:00:00Z,1,2,,\n"); // 20
    csv.extend_from_slice(b"u,2021-01-23T00:00:00Z,1,2,,\n"); // 21: accepted
    let (reports, rejects, _) = read_all(&csv, ReportFormat::Csv, 4);
    assert_eq!(
        rejects,
        [
            "r:2: unit_id: is missing",
            "r:3: time: is missing",
            "r:4: time: \"2021-01-23\" is not an RFC 3339 time like 2021-01-23T00:00:00Z",
            "r:5: time: \"2021-01-23T00:00:00\" has no UTC offset (add Z or ±HH:MM; a local time is never guessed)",
            "r:6: time: \"1500-01-01T00:00:00Z\" is outside the supported range 1677-09-21T00:12:44Z to 2262-04-11T23:47:16Z",
            "r:7: time: \"2021-02-30T00:00:00Z\" has an invalid day",
            "r:8: lon: \"abc\" is not a number",
            "r:9: lon: \"NaN\" is not a finite number",
            "r:10: lat: \"inf\" is not a finite number",
            "r:11: lon: longitude 181 is outside [-180, 180]",
            "r:12: lat: latitude 116.5 is outside [-90, 90] (lon/lat swapped?)",
            "r:13: accuracy_m: must be a finite number ≥ 0, not -3",
            "r:14: foreign: expected true/false, yes/no or 1/0, found \"perhaps\"",
            "r:15: expected 6 fields, as in the header, found 4",
            "r:16: expected 6 fields, as in the header, found 7",
            "r:17: lat: is missing",
            "r:20: unit_id: is not valid UTF-8 (byte 2 of the cell)",
        ]
    );
    let ids: Vec<&str> = reports.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["r:18", "r:21"]);
    assert_eq!(reports[0].unit_id, "two\nlines");
    assert_eq!(reports[0].attributes.foreign, Some(false));
}

#[test]
fn csv_header_problems_are_fatal() {
    assert_eq!(
        fatal(b"unit_id,lon\n", ReportFormat::Csv),
        "r:1: missing columns time, lat (the header has: unit_id,lon)"
    );
    assert_eq!(
        fatal(b"\n\nunit_id,time,lon,x,lat\n", ReportFormat::Csv),
        "r:3: columns 'lon' and 'x' both give lon"
    );
    assert_eq!(
        fatal(b"", ReportFormat::Csv),
        "r:1: empty input: expected a header line naming the columns (unit_id,time,lon,lat, …)"
    );
}

#[test]
fn chunks_hold_at_most_max_rows_and_lines_can_be_kept() {
    let mut csv = String::from("unit_id,time,lon,lat\n");
    for i in 0..5 {
        csv.push_str(&format!(
            "u{i},2021-01-23T00:00:00Z,1,{}\n",
            if i == 2 { "x" } else { "2" }
        ));
    }
    let input: Input = Box::new(std::io::Cursor::new(csv.into_bytes()));
    let mut reader = ReportReader::new(input, ReportFormat::Csv, "r").unwrap();
    let (mut reports, mut lines, mut rejects) = (Vec::new(), Vec::new(), Vec::new());
    assert!(
        reader
            .read_chunk_with_lines(2, &mut reports, &mut lines, &mut rejects)
            .unwrap()
    );
    assert_eq!((reports.len(), rejects.len()), (2, 0));
    assert!(
        reader
            .read_chunk_with_lines(2, &mut reports, &mut lines, &mut rejects)
            .unwrap()
    );
    assert_eq!((reports.len(), rejects.len()), (3, 1));
    assert!(
        reader
            .read_chunk_with_lines(2, &mut reports, &mut lines, &mut rejects)
            .unwrap()
    );
    assert!(
        !reader
            .read_chunk_with_lines(2, &mut reports, &mut lines, &mut rejects)
            .unwrap()
    );
    assert_eq!(lines, [2, 3, 5, 6]);
    assert_eq!(reader.rows_read(), 5);
}

const POINT: &str = r#"{"type": "Point", "coordinates": [16.5, 31.25]}"#;

#[test]
fn geojson_bbox_first_tricky_strings_and_one_feature_per_chunk() {
    let geojson = format!(
        "{{\"bbox\": [16, 31, 17, 32], \"name\": \"reports [v2] {{draft}}\",\n\
         \"features\": [\n\
         {{\"type\": \"Feature\", \"geometry\": {POINT},\n  \"properties\": {{\"unit_id\": \"U-\\\"1\\\" }}]\", \
           \"time\": \"2021-01-23T00:00:00Z\", \"note\": \"]}}[{{\\\\\"}}}},\n\
         {{\"type\": \"Feature\", \"id\": 42, \"geometry\": {POINT}, \"properties\": {{\"unit_id\": 7, \
           \"time\": \"2021-01-23T00:00:00Z\", \"accuracy_m\": 20, \"foreign\": true, \"role\": \"monitor\"}}}},\n\
         {{\"type\": \"Feature\", \"id\": \"f\", \"geometry\": {POINT}, \"properties\": {{\"report_id\": \"r-3\", \
           \"unit_id\": \"U\", \"time\": \"2021-01-23T00:00:00Z\"}}}}\n\
         ],\n\"type\": \"FeatureCollection\", \"crs\": {{\"type\": \"name\"}}}}\n"
    );
    let (reports, rejects, calls) = read_all(geojson.as_bytes(), ReportFormat::GeoJson, 1);
    assert_eq!(rejects, Vec::<String>::new());
    assert_eq!(calls, 3);
    let ids: Vec<&str> = reports.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["r#0", "42", "r-3"]);
    assert_eq!(reports[0].unit_id, "U-\"1\" }]");
    assert_eq!(reports[0].position, Coord { x: 16.5, y: 31.25 });
    assert_eq!(reports[1].unit_id, "7");
    assert_eq!(reports[1].accuracy_m, 20.0);
    assert_eq!(reports[1].attributes.foreign, Some(true));
    assert_eq!(reports[1].attributes.role.as_deref(), Some("monitor"));
}

#[test]
fn geojson_bad_features_are_rejects_located_in_the_whole_file() {
    let geojson = format!(
        "{{\"type\": \"FeatureCollection\", \"features\": [\n\
         {{\"type\": \"Feature\", \"geometry\": {{\"type\": \"Polygon\", \"coordinates\": [[[0,0],[1,0],[0,1],[0,0]]]}}, \
           \"properties\": {{\"unit_id\": \"U\", \"time\": \"2021-01-23T00:00:00Z\"}}}},\n\
         {{\"type\": \"Feature\", \"geometry\": {POINT},\n\
           \"properties\": {{\"unit_id\": \"U\", \"time\": 2021}}}},\n\
         {{\"type\": \"Feature\", \"geometry\": {POINT},\n\
           \"properties\": {{\"unit_id\": \"U\" \"time\": \"x\"}}}},\n\
         {{\"type\": \"Feature\", \"geometry\": null, \"properties\": {{}}}},\n\
         {{\"type\": \"Feature\", \"geometry\": {{\"type\": \"Point\", \"coordinates\": [31.2, 116.5]}}, \
           \"properties\": {{\"unit_id\": \"U\", \"time\": \"2021-01-23T00:00:00Z\"}}}},\n\
         [1, 2],\n\
         {{\"type\": \"Feature\", \"geometry\": {POINT}, \"properties\": {{\"time\": \"2021-01-23T00:00:00Z\"}}}},\n\
         {{\"type\": \"FeatureCollection\"}}\n\
         ]}}"
    );
    let (reports, rejects, _) = read_all(geojson.as_bytes(), ReportFormat::GeoJson, 3);
    assert!(reports.is_empty());
    assert_eq!(
        rejects,
        [
            "r:2: geometry: is a Polygon, not a Point (feature 0)",
            "r:3: time: expected an RFC 3339 time string, found a number (feature 1)",
            // The missing comma is on line 6 (the feature's second line), before column 31.
            "r:6: not a valid GeoJSON Feature: expected `,` or `}` (column 31) (feature 2)",
            "r:7: geometry: is null or missing; a Point is needed (feature 3)",
            "r:8: geometry: latitude 116.5 is outside [-90, 90] (lon/lat swapped?) (feature 4)",
            "r:9: not a valid GeoJSON Feature: invalid type: sequence, expected a GeoJSON Feature object (column 1) (feature 5)",
            "r:10: unit_id: is missing (feature 6)",
            "r:11: type: expected \"Feature\", found \"FeatureCollection\" (feature 7)",
        ]
    );
}

#[test]
fn geojson_truncated_or_not_json_is_fatal_and_located() {
    let head = format!(
        "{{\"type\": \"FeatureCollection\", \"features\": [\n{{\"type\": \"Feature\", \"geometry\": {POINT}"
    );
    assert_eq!(
        fatal(head.as_bytes(), ReportFormat::GeoJson),
        "r:2:80: unexpected end of input inside feature 0, which starts at line 2: the FeatureCollection is cut short"
    );
    assert_eq!(
        fatal(b"unit_id,time\n", ReportFormat::GeoJson),
        "r:1:1: not a GeoJSON FeatureCollection: expected '{', found 'u'"
    );
}

#[test]
fn ndjson_lines_with_blank_lines_rs_and_errors() {
    let ok = |id: &str| {
        format!(
            "{{\"type\":\"Feature\",{id}\"geometry\":{POINT},\"properties\":{{\"unit_id\":\"U\",\"time\":\"2021-01-23T00:00:00Z\"}}}}"
        )
    };
    let text = format!(
        "{}\r\n\r\n\x1e{}\n{{\"type\":\"Feature\",\"geometry\":{POINT},\"properties\":{{\"unit_id\":\"U\",\"time\":\"2021-01-23T00:00:00\"}}}}\n\
         {{not json}}\n{}",
        ok(""),
        ok("\"id\":\"a\","),
        ok("")
    );
    let (reports, rejects, _) = read_all(text.as_bytes(), ReportFormat::NdJson, 2);
    let ids: Vec<&str> = reports.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["r:1", "a", "r:6"]);
    assert_eq!(
        rejects,
        [
            "r:4: time: \"2021-01-23T00:00:00\" has no UTC offset (add Z or ±HH:MM; a local time is never guessed)",
            "r:5: not a valid GeoJSON Feature: key must be a string (column 2)",
        ]
    );
    let mut bad = ok("").into_bytes();
    let at = bad.windows(3).position(|w| w == b"\"U\"").unwrap() + 1;
    bad[at] = 0xff;
    let (_, rejects, _) = read_all(&bad, ReportFormat::NdJson, 2);
    // The bad byte replaced the "U" of "unit_id": "U", at column 103.
    assert_eq!(rejects, ["r:1: is not valid UTF-8 (column 103)"]);
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn drain(bytes: Vec<u8>, format: ReportFormat) {
        let Ok(mut reader) = ReportReader::new(Box::new(std::io::Cursor::new(bytes)), format, "x")
        else {
            return;
        };
        let (mut reports, mut rejects) = (Vec::new(), Vec::new());
        while let Ok(true) = reader.read_chunk(3, &mut reports, &mut rejects) {}
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            for format in [ReportFormat::Csv, ReportFormat::GeoJson, ReportFormat::NdJson] {
                drain(bytes.clone(), format);
            }
            let mut p = crate::PointReader::new(Box::new(std::io::Cursor::new(bytes.clone())), ReportFormat::Csv, "x");
            if let Ok(p) = p.as_mut() {
                let (mut points, mut rejects) = (Vec::new(), Vec::new());
                while let Ok(true) = p.read_chunk(3, &mut points, &mut rejects) {}
            }
        }

        /// JSON-ish and CSV-ish text, closer to what the parsers branch on.
        #[test]
        fn on_structured_text(text in "[{}\\[\\],:\"a-z0-9.\\- \n]{0,200}") {
            let prefix = "{\"type\":\"FeatureCollection\",\"features\":[";
            drain(format!("{prefix}{text}").into_bytes(), ReportFormat::GeoJson);
            drain(text.clone().into_bytes(), ReportFormat::NdJson);
            drain(format!("unit_id,time,lon,lat\n{text}").into_bytes(), ReportFormat::Csv);
            let _ = crate::read_zones(&format!("{prefix}{text}"), "z");
            let _ = crate::read_rules(&text, "r");
            let _ = crate::read_units(&format!("unit_id,foreign\n{text}"), "u");
        }
    }
}

#[test]
fn readers_can_move_to_another_thread() {
    fn send<T: Send>() {}
    send::<ReportReader>();
    send::<crate::PointReader>();
    send::<crate::ViolationWriter<std::fs::File>>();
    // What `anyhow` (in the binary) needs to wrap them.
    fn error<T: std::error::Error + Send + Sync + 'static>() {}
    error::<crate::InputErrors>();
    error::<InputError>();
    error::<crate::UnknownFormat>();
}
