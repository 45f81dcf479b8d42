//! The one-pass reader against the `csv` crate: the same rows cut by `csv` (through
//! `CsvRecords`, the careful reader's records) and read by `ReportColumns::fields`, and
//! the values it takes against `str::parse::<f64>` and `jiff`.

use proptest::prelude::*;

use super::*;
use crate::csv_records::{CsvRecords, Header};
use zonewatch_core::Timestamp;

/// A row's outcome, shown: its line, and its fields (`source` left out: the pass does
/// not read it) or its problem.
fn shown(line: u64, fields: Result<&RowFields<'_>, &RowProblem>) -> String {
    match fields {
        Ok(f) => format!(
            "{line}: {:?} {:?} {:?} {:?} {:?} {:?}",
            f.id,
            f.unit_id,
            f.time,
            (f.position.x.to_bits(), f.position.y.to_bits()),
            f.accuracy_m.to_bits(),
            f.attributes
        ),
        Err(p) => format!("{line}: {:?} {}", p.field, p.reason),
    }
}

#[derive(Default)]
struct Collected(Vec<String>);

impl<'t> RowSink<'t> for Collected {
    fn accept(&mut self, line: u64, fields: &RowFields<'t>) {
        self.0.push(shown(line, Ok(fields)));
    }
    fn reject(&mut self, line: u64, problem: RowProblem) {
        self.0.push(shown(line, Err(&problem)));
    }
}

/// The header's columns and the rest of `text` (from line 2), split at the first `\n`.
fn columns_and_rows(text: &str) -> (ReportColumns, &str) {
    let (header, rows) = text.split_once('\n').expect("a header line");
    let record: csv::ByteRecord = header.split(',').collect();
    let columns = ReportColumns::find(&Header::from_record(&record), "r", 1).expect("columns");
    (columns, rows)
}

/// What the pass makes of `text` (a header line, then rows).
fn by_pass(text: &str) -> Vec<String> {
    let (columns, rows) = columns_and_rows(text);
    let mut got = Collected::default();
    for_each_report_row(rows, 2, &columns, &mut LastDay::default(), &mut got);
    got.0
}

/// What the `csv` crate's records make of `text`, read by `ReportColumns::fields`.
fn by_csv_crate(text: &str) -> Vec<String> {
    let (columns, _) = columns_and_rows(text);
    let mut records = CsvRecords::new(text.as_bytes());
    records.next_record().expect("no I/O here");
    let mut want = Vec::new();
    while let Some(line) = records.next_record().expect("no I/O here") {
        let fields = columns.fields(&&records, &mut LastDay::default());
        want.push(shown(line, fields.as_ref()));
    }
    want
}

#[test]
fn a_row_is_read_as_worked_by_hand() {
    let text = "report_id,unit_id,time,lon,lat,accuracy_m,source\n\
                c0-S00001,LAAF-FGN-1,2020-10-23T00:37:26Z,16.561455,31.192032,36,uav\n\
                \n\
                , U2 ,2020-10-23T00:37:27Z,-0.5,-31,,\r\n";
    let (columns, rows) = columns_and_rows(text);
    let mut got = Vec::new();
    struct Kept<'v, 't>(&'v mut Vec<(u64, RowFields<'t>)>);
    impl<'t> RowSink<'t> for Kept<'_, 't> {
        fn accept(&mut self, line: u64, fields: &RowFields<'t>) {
            self.0.push((line, *fields));
        }
        fn reject(&mut self, line: u64, problem: RowProblem) {
            panic!("line {line}: {problem:?}");
        }
    }
    for_each_report_row(
        rows,
        2,
        &columns,
        &mut LastDay::default(),
        &mut Kept(&mut got),
    );
    assert_eq!(got.len(), 2);
    let (line, f) = got[0];
    assert_eq!(line, 2);
    assert_eq!((f.id, f.unit_id), (Some("c0-S00001"), "LAAF-FGN-1"));
    // 2020-10-23 is day 18 558 after 1970-01-01; 00:37:26 is 2 246 s into it.
    let seconds: i64 = 18_558 * 86_400 + 37 * 60 + 26;
    assert_eq!(f.time, Timestamp::from_unix_nanos(seconds * 1_000_000_000));
    assert_eq!((f.position.x, f.position.y), (16.561455, 31.192032));
    assert_eq!(f.accuracy_m, 36.0);
    let (line, f) = got[1];
    assert_eq!(line, 4);
    assert_eq!((f.id, f.unit_id), (None, "U2"));
    assert_eq!((f.position.x, f.position.y), (-0.5, -31.0));
    assert_eq!(f.accuracy_m, 0.0);
}

/// A cell of a generated row: mostly what reports hold, some of it damaged.
fn cell(column: usize) -> BoxedStrategy<String> {
    let good: &[&str] = match column {
        0 => &["c0-S00001", "r", "", "é-ü", "東京", " r1 "],
        1 => &["LAAF-FGN-1", "U", "", " \t", "U 2", "ü"],
        2 => &[
            "2020-10-23T00:37:26Z",
            "2020-10-23T23:59:59Z",
            "2020-10-24T00:00:00Z",
            "2020-10-23t00:00:00z",
            "2020-10-23 00:00:00Z",
            "2020-10-23T00:00:00.5Z",
            "2020-10-23T02:00:00+02:00",
            "2020-10-23T00:00:60Z",
            "2020-02-30T00:00:00Z",
            "2020-10-23T00:00:00",
            "2020-10-23",
            "",
        ],
        3 | 4 => &[
            "16.561455",
            "-31.192032",
            "0",
            "-0",
            "90",
            "-90.0000001",
            "180",
            "1e1",
            "+1",
            ".5",
            "5.",
            "abc",
            "",
            " 16.5 ",
            "16.1234567890123456",
            "1234567.12345678",
            "inf",
        ],
        5 => &["36", "", "0.25", "-1", "-0", "1e3", "x", " 5 "],
        _ => &["uav", "", "gps", "x y"],
    };
    let good: Vec<String> = good.iter().map(|s| s.to_string()).collect();
    prop_oneof![
        8 => proptest::sample::select(good.clone()),
        1 => (proptest::sample::select(good), any::<char>(), any::<prop::sample::Index>()).prop_map(
            |(mut s, c, at)| {
                // A character inserted at a character boundary; no `"` (the pass never
                // sees one: a block holding one goes to the careful reader).
                let c = if c == '"' { '#' } else { c };
                let at = s.char_indices().map(|(i, _)| i).chain([s.len()]).nth(at.index(s.chars().count() + 1)).unwrap_or(0);
                s.insert(at, c);
                s
            }
        ),
    ]
    .boxed()
}

/// A generated row: seven cells, or one more or fewer, joined by `,`, ended by `\n`,
/// `\r\n` or nothing.
fn row() -> impl Strategy<Value = String> {
    ((0..7usize).map(cell).collect::<Vec<_>>(), 0u8..12, 0u8..4).prop_map(
        |(mut cells, shape, end)| {
            match shape {
                0 => {
                    cells.pop();
                }
                1 => cells.push("extra".to_string()),
                2 => cells.clear(),
                _ => {}
            }
            let mut text = cells.join(",");
            text.push_str(match end {
                0 => "\r\n",
                _ => "\n",
            });
            text
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Generated rows read by the pass as the `csv` crate cuts them and
    /// `ReportColumns::fields` reads them: every row, line, field and problem.
    #[test]
    fn rows_are_read_as_the_csv_crate_cuts_them(
        rows in proptest::collection::vec(row(), 0..20),
        last_end in any::<bool>(),
        header in proptest::sample::select(vec![
            "report_id,unit_id,time,lon,lat,accuracy_m,source",
            "id,unit_id,time,x,y,accuracy_m,side",
            "report_id,unit_id,time,lon,lat,foreign,role",
            // Columns in another order, one no field reads.
            "class,unit_id,time,lat,lon,note,role",
        ]),
    ) {
        let mut text = format!("{header}\n{}", rows.concat());
        if !last_end && !rows.is_empty() && text.ends_with('\n') {
            text.pop();
        }
        prop_assert_eq!(by_pass(&text), by_csv_crate(&text));
    }

    /// Coordinates the pass takes are `str::parse::<f64>`'s, bit for bit, and times
    /// jiff's.
    #[test]
    fn values_taken_are_std_and_jiff_values(
        lon in -180.0f64..180.0,
        lat in -90.0f64..90.0,
        digits in 0usize..10,
        seconds in 0i64..4_000_000_000,
    ) {
        let (lon, lat) = (format!("{lon:.digits$}"), format!("{lat:.digits$}"));
        let time = jiff::Timestamp::from_second(seconds).expect("in range").to_string();
        let text = format!("unit_id,time,lon,lat\nU,{time},{lon},{lat}\n");
        let (columns, rows) = columns_and_rows(&text);
        struct One(Option<(f64, f64, Timestamp)>);
        impl<'t> RowSink<'t> for One {
            fn accept(&mut self, _: u64, f: &RowFields<'t>) {
                self.0 = Some((f.position.x, f.position.y, f.time));
            }
            fn reject(&mut self, line: u64, problem: RowProblem) {
                panic!("line {line}: {problem:?}");
            }
        }
        let mut got = One(None);
        for_each_report_row(rows, 2, &columns, &mut LastDay::default(), &mut got);
        let (x, y, t) = got.0.expect("a row");
        prop_assert_eq!(x.to_bits(), lon.parse::<f64>().unwrap().to_bits());
        prop_assert_eq!(y.to_bits(), lat.parse::<f64>().unwrap().to_bits());
        prop_assert_eq!(t, Timestamp::from_unix_nanos(seconds * 1_000_000_000));
    }

    /// The commas of a line and its end, against `memchr`; bytes just above and below
    /// `-` (where the test for low bytes turns) and the other bytes below it next to them.
    #[test]
    fn a_line_is_cut_at_its_commas_and_ends_at_its_first_line_end(
        bytes in proptest::collection::vec(prop_oneof![
            Just(b','), Just(b'\n'), Just(b'-'), Just(b'.'), Just(b'+'), Just(b' '),
            Just(b'\r'), Just(0xACu8), Just(0x8Au8), Just(0xADu8), any::<u8>()
        ], 0..90),
    ) {
        let end = memchr::memchr(b'\n', &bytes).unwrap_or(bytes.len());
        let commas: Vec<u32> = memchr::memchr_iter(b',', &bytes[..end]).map(|i| i as u32).collect();
        let mut cuts = LineCuts { seps: [u32::MAX; MAX_CELLS + 2], count: 0 };
        prop_assert_eq!(cut_line(&bytes, &mut cuts), end);
        prop_assert_eq!(cuts.count, commas.len());
        let kept = commas.len().min(MAX_CELLS);
        // The line's start, one past each comma kept, one past the end.
        let want: Vec<u32> = [0].into_iter()
            .chain(commas[..kept].iter().map(|&c| c + 1))
            .chain([end as u32 + 1])
            .collect();
        prop_assert_eq!(&cuts.seps[1..kept + 2], &want[1..]);
        prop_assert_eq!(cuts.seps[0], u32::MAX, "the start is not the scan's to write");
    }

    /// Accuracies the pass takes are `str::parse::<f64>`'s, bit for bit, whatever
    /// follows the cell in the piece (the short ones are read in one word with the bytes
    /// after them); every row as the `csv` crate and the careful path read it.
    #[test]
    fn accuracies_taken_are_std_values(
        cell in prop_oneof![
            (0u64..100_000_000).prop_map(|v| v.to_string()),
            "[0-9]{1,9}",
            "[-+0-9.e ]{1,9}",
        ],
        after in proptest::sample::select(vec!["", ",uav", "\n", "\r\n", ",1,2,3,4,5,6,7\n"]),
    ) {
        let text = format!("unit_id,time,lon,lat,accuracy_m,source\nU,2020-10-23T00:37:26Z,1,2,{cell}{after}");
        prop_assert_eq!(by_pass(&text), by_csv_crate(&text));
        let (columns, rows) = columns_and_rows(&text);
        struct Accuracy(Option<f64>);
        impl<'t> RowSink<'t> for Accuracy {
            fn accept(&mut self, _: u64, f: &RowFields<'t>) {
                self.0 = Some(f.accuracy_m);
            }
            fn reject(&mut self, _: u64, _: RowProblem) {}
        }
        let mut got = Accuracy(None);
        for_each_report_row(rows, 2, &columns, &mut LastDay::default(), &mut got);
        if let Some(v) = got.0 {
            let want = match cell.trim() {
                "" => 0.0,
                t => t.parse::<f64>().expect("taken, so a number"),
            };
            prop_assert_eq!(v.to_bits(), want.to_bits());
        }
    }
}
