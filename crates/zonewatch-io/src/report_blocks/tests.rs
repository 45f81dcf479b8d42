//! The block path against the careful readers, which are tested against hand-worked
//! expectations on their own: every input, every block size, the same rows.

use super::*;

/// What a reader made of an input: reports (debug text, with lines), rejects (display
/// text), or the fatal error.
#[derive(Debug, Default, PartialEq)]
struct Outcome {
    rows: Vec<String>,
    rejects: Vec<String>,
    error: Option<String>,
}

fn input(bytes: &[u8]) -> Input {
    // A tiny buffer, so that reads return little at a time.
    Box::new(std::io::BufReader::with_capacity(
        5,
        std::io::Cursor::new(bytes.to_vec()),
    ))
}

fn careful_reports(bytes: &[u8], format: ReportFormat) -> Outcome {
    careful_reports_shown(bytes, format, |r| format!("{r:?}"))
}

/// The careful reader's reports as the rows path sees them: borrowed (`Report::view`).
fn careful_views(bytes: &[u8], format: ReportFormat) -> Outcome {
    careful_reports_shown(bytes, format, |r| format!("{:?}", r.view()))
}

fn careful_reports_shown(
    bytes: &[u8],
    format: ReportFormat,
    show: impl Fn(&Report) -> String,
) -> Outcome {
    let mut out = Outcome::default();
    let mut reader = match ReportReader::new(input(bytes), format, "r") {
        Ok(r) => r,
        Err(e) => {
            out.error = Some(e.to_string());
            return out;
        }
    };
    let (mut reports, mut lines, mut rejects) = (Vec::new(), Vec::new(), Vec::new());
    loop {
        match reader.read_chunk_with_lines(3, &mut reports, &mut lines, &mut rejects) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                out.error = Some(e.to_string());
                break;
            }
        }
    }
    out.rows = reports
        .iter()
        .zip(&lines)
        .map(|(r, l)| format!("{l}: {}", show(r)))
        .collect();
    out.rejects = rejects.iter().map(|r| r.to_string()).collect();
    out
}

/// The block reader over `bytes`, or the outcome of an input refused before its first
/// block (its error).
fn open_blocks(bytes: &[u8], format: ReportFormat, rows: usize) -> Result<ReportBlocks, Outcome> {
    ReportBlocks::new(input(bytes), format, "r", rows).map_err(|e| Outcome {
        error: Some(e.to_string()),
        ..Outcome::default()
    })
}

fn block_reports(bytes: &[u8], format: ReportFormat, rows: usize) -> Outcome {
    let mut out = Outcome::default();
    let mut blocks = match open_blocks(bytes, format, rows) {
        Ok(b) => b,
        Err(refused) => return refused,
    };
    let (mut all, mut piece) = (ParsedReports::default(), ParsedReports::default());
    loop {
        match blocks.next_block() {
            Ok(Some(ReportBlock::Lines(b))) => {
                // Each piece read into the piece before, recycled (as `check` does): its
                // reports take the strings of the reports read before.
                for i in 0..b.pieces() {
                    piece.recycle();
                    b.read_reports(i, &mut piece);
                    all.reports.extend(piece.reports.iter().cloned());
                    all.lines.extend(&piece.lines);
                    all.rejects.extend(piece.rejects.iter().cloned());
                }
            }
            Ok(Some(ReportBlock::Parsed(p))) => {
                all.reports.extend(p.reports);
                all.lines.extend(p.lines);
                all.rejects.extend(p.rejects);
            }
            Ok(None) => break,
            Err(e) => {
                out.error = Some(e.to_string());
                break;
            }
        }
    }
    out.rows = all
        .reports
        .iter()
        .zip(&all.lines)
        .map(|(r, l)| format!("{l}: {r:?}"))
        .collect();
    out.rejects = all.rejects.iter().map(|r| r.to_string()).collect();
    out
}

/// Blocks read as `check` reads them without tracks: CSV blocks as rows borrowing the
/// block (their ids resolved by `with_id`), the others as reports, viewed.
fn block_rows(bytes: &[u8], format: ReportFormat, rows: usize) -> Outcome {
    let mut out = Outcome::default();
    let mut blocks = match open_blocks(bytes, format, rows) {
        Ok(b) => b,
        Err(refused) => return refused,
    };
    let mut shown = |report: ReportRef<'_>, line: u64| {
        out.rows.push(format!("{line}: {report:?}"));
    };
    let mut rejects = Vec::new();
    loop {
        match blocks.next_block() {
            Ok(Some(ReportBlock::Lines(b))) if b.has_report_rows() => {
                for i in 0..b.pieces() {
                    let mut piece = ParsedRows::default();
                    b.read_rows(i, &mut piece);
                    for row in &piece.rows {
                        row.with_id("r", |report| shown(report, row.line));
                    }
                    rejects.extend(piece.rejects);
                }
            }
            Ok(Some(ReportBlock::Lines(b))) => {
                for i in 0..b.pieces() {
                    let mut piece = ParsedReports::default();
                    b.read_reports(i, &mut piece);
                    for (r, &line) in piece.reports.iter().zip(&piece.lines) {
                        shown(r.view(), line);
                    }
                    rejects.extend(piece.rejects);
                }
            }
            Ok(Some(ReportBlock::Parsed(p))) => {
                for (r, &line) in p.reports.iter().zip(&p.lines) {
                    shown(r.view(), line);
                }
                rejects.extend(p.rejects);
            }
            Ok(None) => break,
            Err(e) => {
                out.error = Some(e.to_string());
                break;
            }
        }
    }
    out.rejects = rejects.iter().map(|r| r.to_string()).collect();
    out
}

fn careful_points(bytes: &[u8], format: ReportFormat) -> Outcome {
    let mut out = Outcome {
        rows: Vec::new(),
        rejects: Vec::new(),
        error: None,
    };
    let mut reader = match PointReader::new(input(bytes), format, "r") {
        Ok(r) => r,
        Err(e) => {
            out.error = Some(e.to_string());
            return out;
        }
    };
    let (mut points, mut rejects) = (Vec::new(), Vec::new());
    loop {
        match reader.read_chunk(2, &mut points, &mut rejects) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                out.error = Some(e.to_string());
                break;
            }
        }
    }
    out.rows = points.iter().map(|p| format!("{p:?}")).collect();
    out.rejects = rejects.iter().map(|r| r.to_string()).collect();
    out
}

fn block_points(bytes: &[u8], format: ReportFormat, rows: usize) -> Outcome {
    let mut out = Outcome {
        rows: Vec::new(),
        rejects: Vec::new(),
        error: None,
    };
    let mut blocks = match PointBlocks::new(input(bytes), format, "r", rows) {
        Ok(b) => b,
        Err(e) => {
            out.error = Some(e.to_string());
            return out;
        }
    };
    let mut before = 0;
    let mut push = |p: &ParsedPoints<'_>, out: &mut Outcome| {
        for (id, c) in &p.points {
            out.rows
                .push(format!("{:?}", (id.to_text(before).into_owned(), c)));
        }
        out.rejects.extend(p.rejects.iter().map(|r| r.to_string()));
        before += p.rows;
    };
    loop {
        match blocks.next_block() {
            Ok(Some(PointBlock::Lines(b))) => {
                for i in 0..b.pieces() {
                    let mut p = ParsedPoints::default();
                    b.read_points(i, &mut p);
                    push(&p, &mut out);
                }
            }
            Ok(Some(PointBlock::Parsed(p))) => push(&p, &mut out),
            Ok(None) => break,
            Err(e) => {
                out.error = Some(e.to_string());
                break;
            }
        }
    }
    out
}

/// Hand-made inputs at the edges of the fast path, and the project's hostile fixtures.
fn inputs() -> Vec<(String, Vec<u8>, ReportFormat)> {
    let header = "report_id,unit_id,time,lon,lat,accuracy_m";
    let good = |i: usize| format!("r{i},U{i},2021-01-23T00:00:{:02}Z,16.{i},31.5,{i}", i % 60);
    let mut many = String::from(header);
    many.push('\n');
    for i in 0..40 {
        many.push_str(&good(i));
        many.push('\n');
    }
    let csv = [
        "".to_string(),
        "\n\n".to_string(),
        header.to_string(),
        format!("{header}\n"),
        format!("\u{feff}{header}\r\n{}\r\n\r\n  \r\n{}", good(1), good(2)),
        format!("\n \n{header}\n{}\n,,,,,\n{}\n", good(1), good(2)),
        format!("{header}\n{}\n{},extra\n{}", good(1), good(2), good(3)),
        format!(
            "{header}\n{}\n\"r9\",U9,2021-01-23T00:00:00Z,1,2,3\n{}\n",
            good(1),
            good(2)
        ),
        format!(
            "{header}\n{}\n\"multi\nline\",U9,2021-01-23T00:00:00Z,1,2,3\n{}\n",
            good(1),
            good(2)
        ),
        format!("\"report_id\",unit_id,time,lon,lat\n{}\n", good(1)),
        format!("{header}\n{many}\"q\",U,2021-01-23T00:00:00Z,1,2,3\n{many}"),
        format!("{many}r,U,2021-01-23T00:00:00,1,2,3\nr,U,2021-01-23T00:00:00Z,200,2,3\n"),
        format!(
            "{many}r,U,2021-01-23T00:00:00Z,nan,2,3\n \u{feff}r,U,2021-01-23T00:00:00Z,1,2,-1\n"
        ),
        "unit_id,time,x,Y\nU,2021-01-23T00:00:00Z,1,2\n,,,\nU,2021-01-23T00:00:00Z,3,4\n"
            .to_string(),
        "id,lon,lat\na,1,2\n,3,4\nb,5\n,6,7\n".to_string(),
        "lon,lat\n1,2\n".to_string(),
        "unit_id,lon\nU,1\n".to_string(),
        // Optional texts of every length, present and absent, and rows refused after
        // some of their texts were read: recycled strings must carry nothing over.
        "report_id,unit_id,time,lon,lat,side,class,role,foreign,source\n\
         r1,U1,2021-01-23T00:00:00Z,1,2,GNA,armour,,yes,uav\n\
         a-report-id-longer-than-any-before-it,LAAF-FGN-1,2021-01-23T00:00:01Z,1,2,,,training,no,\n\
         ,U,2021-01-23T00:00:02Z,1,2,LAAF,,,,humint-with-a-long-source-name\n\
         r4,U4,2021-01-23T00:00:03Z,1,2,GNA,artillery,command,maybe,gps\n\
         r5,U5,2021-01-23T00:00:04Z,1,2,,,,,\n\
         r6,a-unit-id-longer-than-any-before-it-too,2021-01-23T00:00:05Z,1,2,S,C,R,1,s\n\
         r7,U7,2021-01-23T00:00:06Z,1,,GNA,armour,,yes,uav\n\
         r8,U8,2021-01-23T00:00:07Z,1,2,,,,,\n"
            .to_string(),
    ];
    let nd = |i: usize| {
        format!(
            r#"{{"type":"Feature","properties":{{"report_id":"r{i}","unit_id":"U","time":"2021-01-23T00:00:00Z"}},"geometry":{{"type":"Point","coordinates":[16.{i},31]}}}}"#
        )
    };
    let noid = r#"{"type":"Feature","properties":{"unit_id":"U","time":"2021-01-23T00:00:00Z"},"geometry":{"type":"Point","coordinates":[1,2]}}"#;
    // Lines the fast scanner takes and lines it leaves to serde, and report fields each
    // reader checks after it: one input, so blocks cut them at every place.
    let when = "2021-01-23T00:00:00Z";
    let reports = [
        format!(
            r#"{{"type":"Feature","properties":{{"unit_id":"U","time":"{when}","accuracy_m":-1}},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#
        ),
        format!(
            r#"{{"type":"Feature","properties":{{"unit_id":"U","time":"{when}","accuracy_m":"5"}},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#
        ),
        format!(
            r#"{{"type":"Feature","properties":{{"unit_id":7,"time":"{when}","report_id":1.5,"foreign":"yes","side":" A "}},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#
        ),
        format!(
            r#"{{"type":"Feature","properties":{{"unit_id":"U","time":"{when}","foreign":2}},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#
        ),
        format!(
            r#"{{"type":"Feature","properties":{{"unit_id":"U","time":"{when}","source":1}},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#
        ),
        format!(
            r#"{{"type":"Feature","properties":{{"unit_id":"U","time":"{when}"}},"geometry":{{"type":"Point","coordinates":[200,2]}}}}"#
        ),
        format!(
            r#"{{"type":"Feature","properties":{{"unit_id":"U","time":"{when}"}},"geometry":{{"type":"Point","coordinates":[31,116.5]}}}}"#
        ),
        format!(
            r#"{{"type":"Feature","properties":{{"unit_id":"U","time":"{when}"}},"geometry":{{"type":"Point","coordinates":[1e400,2]}}}}"#
        ),
        r#"{"type":"Feature","properties":{"unit_id":"U","time":"2021-01-23T00:00:00"},"geometry":{"type":"Point","coordinates":[1,2]}}"#.to_string(),
        r#"{"type":"Feature","properties":{"unit_id":"U","time":7},"geometry":{"type":"Point","coordinates":[1,2]}}"#.to_string(),
        format!(
            r#"{{"type":"Feature","properties":{{"unit_id":" ","time":"{when}"}},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#
        ),
        format!(
            r#"{{"type":"Feature","id":"f1","properties":{{"unit_id":"U","time":"{when}","id":"p1"}},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#
        ),
        format!(
            r#"{{"type":"Feature","id":[1],"properties":{{"unit_id":"U","time":"{when}"}},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#
        ),
        format!(
            r#"{{"type":"Feature","properties":{{"unit_id":"U\"\u00e9","time":"{when}","report_id":"r\n1"}},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#
        ),
        format!(
            r#"{{"type":"Feature","properties":{{"unit_id":"U","time":"{when}"}},"geometry":{{"type":"LineString","coordinates":[[1,2],[3,4]]}}}}"#
        ),
        format!(
            r#"{{"type":"Feature","properties":{{"unit_id":"U","time":"{when}"}},"geometry":{{"coordinates":[1,2]}}}}"#
        ),
        format!(
            r#"{{"type":"Feature","properties":{{"unit_id":"U","time":"{when}"}},"geometry":null}}"#
        ),
        format!(r#"{{"type":"Feature","properties":{{"unit_id":"U","time":"{when}"}}}}"#),
        format!(
            r#"{{"type":"Feat","properties":{{"unit_id":"U","time":"{when}"}},"geometry":{{"type":"Point","coordinates":[1,2]}}}}"#
        ),
    ];
    let mut tricky = String::new();
    for line in crate::feature_scan::tests::TAKEN
        .iter()
        .chain(crate::feature_scan::tests::LEFT)
        .map(|l| l.to_string())
        .chain(reports)
    {
        tricky.push_str(&line);
        tricky.push('\n');
    }
    let ndjson = [
        tricky,
        "".to_string(),
        format!("\u{feff}{}\r\n\r\n\x1e{}\n{noid}\n", nd(1), nd(2)),
        format!(
            "{}\nnot json\n{{\"type\":\"Point\"}}\n\n{noid}\n{}",
            nd(1),
            nd(2)
        ),
        format!("{noid}\n  \n{noid}\n{noid}\n"),
        format!("\n\n{}\n\u{feff}{}\n", nd(1), nd(2)),
    ];
    let mut all = Vec::new();
    for (i, t) in csv.into_iter().enumerate() {
        all.push((format!("csv {i}"), t.into_bytes(), ReportFormat::Csv));
    }
    for (i, t) in ndjson.into_iter().enumerate() {
        all.push((format!("ndjson {i}"), t.into_bytes(), ReportFormat::NdJson));
    }
    let mut bad = b"report_id,unit_id,time,lon,lat\nr1,U\xff,2021-01-23T00:00:00Z,1,2\nr\xfe,U,2021-01-23T00:00:00Z,1,2\n".to_vec();
    bad.extend_from_slice(b"r3,U,2021-01-23T00:00:00Z,1,2");
    all.push(("csv not UTF-8".into(), bad, ReportFormat::Csv));
    // Lines that are UTF-8 (some not ASCII) about lines that are not, the bad bytes in a
    // text the reader takes, in a number, and in a column it ignores: each line's
    // problem, or none, as the careful reader finds it.
    let mut mixed = b"report_id,unit_id,time,lon,lat,source,notes\n".to_vec();
    for (i, line) in [
        &b"r\xc3\xa9,U\xd8\xb3,2021-01-23T00:00:00Z,1,2,uav,fine"[..],
        b"r2,U,2021-01-23T00:00:00Z,1,2,s\xe9,x",
        b"r3,U,2021-01-23T00:00:00Z,1\xff,2,uav,x",
        b"r4,U,2021-01-23T00:00:00Z,1,2,uav,caf\xe9",
        b"r5,\xf0\x9f\x98,2021-01-23T00:00:00Z,1,2,uav,x",
        b"\xed\xa0\x80,U,2021-01-23T00:00:00Z,1,2,uav,x",
        b"r7,\xe2\x82\xac\xe2\x82\xac,2021-01-23T00:00:00Z,1,2,\xf0\x9f\x98\x80,x",
    ]
    .iter()
    .enumerate()
    {
        for _ in 0..i + 1 {
            mixed.extend_from_slice(line);
            mixed.push(b'\n');
        }
    }
    all.push(("csv partly UTF-8".into(), mixed, ReportFormat::Csv));
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/hostile");
    for (dir, format) in [
        ("reports_csv", ReportFormat::Csv),
        ("reports_ndjson", ReportFormat::NdJson),
    ] {
        for entry in std::fs::read_dir(format!("{fixtures}/{dir}")).unwrap() {
            let path = entry.unwrap().path();
            all.push((
                path.display().to_string(),
                std::fs::read(&path).unwrap(),
                format,
            ));
        }
    }
    all
}

#[test]
fn blocks_read_every_input_as_the_careful_readers_do() {
    for (name, bytes, format) in inputs() {
        let reports = careful_reports(&bytes, format);
        let views = careful_views(&bytes, format);
        let points = careful_points(&bytes, format);
        let big = bytes.len() > 1 << 20;
        let sizes: &[usize] = if big {
            &[1, 65_536]
        } else {
            &[1, 2, 3, 5, 64, 65_536]
        };
        for &rows in sizes {
            assert_eq!(
                block_reports(&bytes, format, rows),
                reports,
                "{name}: reports, blocks of {rows} rows"
            );
            assert_eq!(
                block_rows(&bytes, format, rows),
                views,
                "{name}: rows, blocks of {rows} rows"
            );
            assert_eq!(
                block_points(&bytes, format, rows),
                points,
                "{name}: points, blocks of {rows} rows"
            );
        }
    }
}

#[test]
fn a_geojson_collection_is_read_by_the_careful_reader() {
    let fc = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"unit_id":"U","time":"2021-01-23T00:00:00Z"},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
    let got = block_reports(fc.as_bytes(), ReportFormat::GeoJson, 10);
    assert_eq!(got, careful_reports(fc.as_bytes(), ReportFormat::GeoJson));
    assert_eq!(got.rows.len(), 1);
    assert!(got.rows[0].contains("\"r#0\""), "{:?}", got.rows);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Random feature lines (the scanner's own generator: members in any order, escapes,
    /// extra properties, numbers in many notations), read in blocks as the careful
    /// readers read them.
    #[test]
    fn random_feature_lines_are_read_as_the_careful_readers_read_them(
        lines in proptest::collection::vec(crate::feature_scan::tests::feature_line(), 1..12),
        rows in 1usize..5,
    ) {
        let text = lines.join("\n");
        let bytes = text.as_bytes();
        let format = ReportFormat::NdJson;
        proptest::prop_assert_eq!(block_reports(bytes, format, rows), careful_reports(bytes, format));
        proptest::prop_assert_eq!(block_points(bytes, format, rows), careful_points(bytes, format));
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Runs of lines in one to three layouts, mixed (the shape path's generator: most
    /// lines hit the learned layout, some miss it by a value or a byte), read in blocks
    /// as the careful readers read them.
    #[test]
    fn lines_in_layouts_are_read_as_the_careful_readers_read_them(
        lines in crate::feature_scan::shaped_lines(),
        rows in 1usize..9,
    ) {
        let text = lines.join("\n");
        let bytes = text.as_bytes();
        let format = ReportFormat::NdJson;
        proptest::prop_assert_eq!(block_reports(bytes, format, rows), careful_reports(bytes, format));
        proptest::prop_assert_eq!(block_points(bytes, format, rows), careful_points(bytes, format));
    }
}

proptest::proptest! {
    /// Separators found eight bytes at a time, against `memchr`; bytes one off `,` and
    /// `\n` (`-`, `+`, `\t`, `\v`) next to them, where a carry would mark them falsely.
    #[test]
    fn separators_are_every_comma_and_line_end(
        bytes in proptest::collection::vec(proptest::prop_oneof![
            proptest::strategy::Just(b','), proptest::strategy::Just(b'\n'),
            proptest::strategy::Just(b'-'), proptest::strategy::Just(b'+'),
            proptest::strategy::Just(b'\t'), proptest::strategy::Just(0x0Bu8),
            proptest::strategy::Just(0xACu8), proptest::strategy::Just(0x8Au8),
            proptest::prelude::any::<u8>()
        ], 0..70),
    ) {
        let want: Vec<usize> = memchr::memchr2_iter(b',', b'\n', &bytes).collect();
        let mut got = Vec::new();
        for_each_separator(&bytes, |i| got.push(i));
        proptest::prop_assert_eq!(got, want);
    }

    /// Random CSV rows (numbers in several notations, blank and short rows, ids or none)
    /// read in blocks as the careful readers read them.
    #[test]
    fn random_csv_rows_are_read_as_the_careful_readers_read_them(
        rows in proptest::collection::vec(
            (
                proptest::sample::select(vec!["", "p1", "r-2", "é"]),
                proptest::sample::select(vec!["16.5", "-16.25", "007.5", "1e1", "", "x", "-0", "200", "16.123456789012345678901"]),
                proptest::sample::select(vec!["31.5", "-31.0625", ".5", "5.", "+3", "91", " 30 "]),
                0u8..8,
            ),
            1..30,
        ),
        chunk in 1usize..6,
        header in proptest::sample::select(vec!["id", "report_id"]),
    ) {
        // Under `report_id`, an empty id is generated from the line, as without one.
        let mut text = format!("{header},lon,lat,unit_id,time\n");
        for (id, lon, lat, odd) in rows {
            match odd {
                0 => text.push('\n'),
                1 => text.push_str(&format!("{id},{lon}\n")),
                _ => text.push_str(&format!("{id},{lon},{lat},U1,2021-01-23T00:00:00Z\n")),
            }
        }
        let bytes = text.as_bytes();
        let format = ReportFormat::Csv;
        proptest::prop_assert_eq!(block_reports(bytes, format, chunk), careful_reports(bytes, format));
        proptest::prop_assert_eq!(block_rows(bytes, format, chunk), careful_views(bytes, format));
        proptest::prop_assert_eq!(block_points(bytes, format, chunk), careful_points(bytes, format));
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Report rows as they usually come, some with a byte replaced or inserted (any
    /// byte: invalid UTF-8, `"`, separators, whitespace) or cells dropped or added,
    /// with `\n` or `\r\n` line ends: read in blocks (the one-pass reader, its careful
    /// path, the line-by-line path of pieces that are not UTF-8, the `csv` crate from
    /// the first `"`) as the careful readers read them.
    #[test]
    fn damaged_report_rows_are_read_as_the_careful_readers_read_them(
        rows in proptest::collection::vec(
            (0u32..100_000, 0u8..20, proptest::prelude::any::<u8>(), proptest::prelude::any::<proptest::sample::Index>()),
            1..40,
        ),
        crlf in proptest::prelude::any::<bool>(),
        chunk in 1usize..8,
    ) {
        let mut text = b"report_id,unit_id,time,lon,lat,accuracy_m,source\n".to_vec();
        for (n, damage, byte, at) in rows {
            let mut row = format!(
                "c0-S{n:05},LAAF-{}-1,2020-10-23T{:02}:{:02}:{:02}Z,{}.{:06},-3{}.{:07},{},uav",
                n % 7, n % 24, n % 60, (n / 60) % 60, n % 180, n, n % 10, n, n % 400
            )
            .into_bytes();
            let (len, i) = (row.len(), at.index(row.len() + 1));
            // A `"` always closed (one left open swallows the rest of the input, and
            // the careful reader resumed after a block then misnumbers that row: a
            // known problem of the resumed reader, not of the blocks).
            let byte = if byte == b'"' { b'#' } else { byte };
            match damage {
                0 => row[i.min(len - 1)] = byte,
                1 => row.insert(i, byte),
                4 => {
                    row.splice(..0, *b"\"a,\"\"q\"\"");
                    row.insert(17, b'"');
                }
                2 => row.truncate(i),
                3 => row.extend_from_slice(b",extra"),
                _ => {}
            }
            if crlf {
                row.push(b'\r');
            }
            row.push(b'\n');
            text.extend_from_slice(&row);
        }
        let format = ReportFormat::Csv;
        proptest::prop_assert_eq!(block_rows(&text, format, chunk), careful_views(&text, format));
        proptest::prop_assert_eq!(block_reports(&text, format, chunk), careful_reports(&text, format));
    }
}
