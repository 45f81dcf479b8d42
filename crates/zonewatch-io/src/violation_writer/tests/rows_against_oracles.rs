//! Whole rows of every format against independent oracles: the `csv` crate's writer for
//! the quoting, serde_json for the strings, jiff for the times, std's `{}` for lon/lat
//! and `{:.2}` for depths.

use super::*;

/// The time as jiff writes it (RFC 3339 in UTC, the fraction only when not zero, without
/// its trailing zeros).
fn time_by_jiff(t: Timestamp) -> String {
    jiff::Timestamp::from_nanosecond(i128::from(t.unix_nanos()))
        .unwrap()
        .to_string()
}

/// A coordinate as std writes it; nothing for a number that is not finite.
fn coordinate_by_std(v: f64) -> Option<String> {
    v.is_finite().then(|| format!("{v}"))
}

/// A depth as std writes it with 2 decimals, `-0.00` as `0.00`; nothing for a number
/// that is not finite.
fn depth_by_std(d: f64) -> Option<String> {
    d.is_finite().then(|| centimetres_by_formatter(d))
}

fn csv_by_the_crate(row: &ViolationRow<'_>) -> Vec<u8> {
    let or_empty = |v: Option<String>| v.unwrap_or_default();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        row.report_id.to_string(),
        row.unit_id.to_string(),
        time_by_jiff(row.time),
        or_empty(coordinate_by_std(row.lon)),
        or_empty(coordinate_by_std(row.lat)),
        row.rule_id.to_string(),
        row.zone_id.to_string(),
        row.kind.to_string(),
        row.confidence.name().to_string(),
        or_empty(depth_by_std(row.depth_m)),
    ])
    .unwrap();
    w.into_inner().unwrap()
}

/// The feature: the template of the format, filled with serde_json's strings and std's
/// numbers.
fn feature_by_serde(row: &ViolationRow<'_>) -> String {
    let text = |s: &str| serde_json::to_string(s).unwrap();
    let or_null = |v: Option<String>| v.unwrap_or_else(|| "null".into());
    let (lon, lat) = (
        or_null(coordinate_by_std(row.lon)),
        or_null(coordinate_by_std(row.lat)),
    );
    format!(
        "{{\"type\":\"Feature\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{lon},{lat}]}},\
         \"properties\":{{\"report_id\":{},\"unit_id\":{},\"time\":\"{}\",\"lon\":{lon},\"lat\":{lat},\
         \"rule_id\":{},\"zone_id\":{},\"kind\":\"{}\",\"confidence\":\"{}\",\"depth_m\":{}{}}}}}",
        text(row.report_id),
        text(row.unit_id),
        time_by_jiff(row.time),
        text(row.rule_id),
        text(row.zone_id),
        row.kind,
        row.confidence.name(),
        or_null(depth_by_std(row.depth_m)),
        crate::violation_json_properties(row.confidence),
    )
}

/// Checks one row in the three formats, after bytes already in the buffer.
fn check_row(row: &ViolationRow<'_>) {
    let before = b"earlier rows\n".to_vec();
    let mut out = before.clone();
    crate::violation_csv::format_row(&mut out, row);
    assert_eq!(
        String::from_utf8_lossy(&out[before.len()..]),
        String::from_utf8_lossy(&csv_by_the_crate(row)),
    );
    let feature = feature_by_serde(row);
    let mut out = before.clone();
    crate::violation_geojson::format_row(&mut out, row);
    assert_eq!(
        String::from_utf8(out[before.len()..].to_vec()).unwrap(),
        format!(",\n{feature}")
    );
    let mut out = before.clone();
    crate::violation_ndjson::format_row(&mut out, row);
    assert_eq!(
        String::from_utf8(out[before.len()..].to_vec()).unwrap(),
        format!("{feature}\n")
    );
    // And the feature is JSON, whose strings read back.
    let v: serde_json::Value = serde_json::from_str(&feature).unwrap();
    assert_eq!(v["properties"]["zone_id"], row.zone_id);
}

/// Ids of the fixture data, ids every byte of which needs a look (quotes, separators,
/// control characters, backslashes, multibyte characters) at each length up to 20 and
/// each position.
#[test]
fn ids_of_every_length_with_any_character_anywhere_are_written_as_the_oracles_write_them() {
    let specials = [
        ',', '"', '\r', '\n', '\\', '\t', '\0', '\u{1f}', '\u{7f}', ' ', '-', 'a', 'é', '€', '😀',
    ];
    fn row(id: &str) -> ViolationRow<'_> {
        ViolationRow {
            report_id: id,
            unit_id: "GNA-FTC-1",
            time: Timestamp::from_unix_seconds(1_603_415_723).unwrap(),
            lon: 11.898544,
            lat: 32.451095,
            rule_id: id,
            zone_id: id,
            kind: "keep_out",
            confidence: Confidence::Confirmed,
            depth_m: 65409.46,
        }
    }
    check_row(&row("c0-S00002"));
    for len in 0..=20 {
        for at in 0..len.max(1) {
            for &c in &specials {
                let id: String = (0..len).map(|k| if k == at { c } else { 'x' }).collect();
                check_row(&row(&id));
            }
        }
    }
    // Every ASCII byte, alone and inside ids of 3, 7, 8 and 9 bytes.
    for b in 0u8..128 {
        for len in [1, 3, 7, 8, 9] {
            let id: String = (0..len)
                .map(|k| if k == len / 2 { b as char } else { 'y' })
                .collect();
            check_row(&row(&id));
        }
    }
}

/// Times around the ends of days, months, leap years and centuries, and the ends of
/// the range, with and without fractions.
#[test]
fn times_are_written_as_jiff_writes_them() {
    let row = |t: Timestamp| ViolationRow {
        report_id: "r",
        unit_id: "u",
        time: t,
        lon: 0.0,
        lat: 0.0,
        rule_id: "q",
        zone_id: "z",
        kind: "stay_in",
        confidence: Confidence::Possible,
        depth_m: 0.0,
    };
    const DAY: i64 = 86_400_000_000_000;
    for nanos in [
        i64::MIN,
        i64::MAX,
        0,
        -1,
        1,
        999_999_999,
        1_000_000_000,
        DAY - 1,
        DAY,
        -DAY,
    ] {
        check_row(&row(Timestamp::from_unix_nanos(nanos)));
    }
    // 1900-03-01, 2000-03-01, 2100-03-01 (seconds since the epoch) and the seconds
    // around them.
    for start in [-2_203_891_200i64, 951_868_800, 4_107_542_400] {
        for ds in -2..=2 {
            for nanos in [0, 1, 500_000_000, 999_999_999] {
                check_row(&row(Timestamp::from_unix_nanos(
                    (start + ds) * 1_000_000_000 + nanos,
                )));
            }
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

    /// Any row: ids from bytes that need looking at, times anywhere in the range (whole
    /// seconds, and with fractions), coordinates with 0 to 17 decimals or any bits,
    /// depths near the half-centimetre ties or anywhere.
    #[test]
    fn any_row_is_written_as_the_oracles_write_it(
        ids in proptest::collection::vec("[a-z0-9,\"\r\n\\\\\t é😀-]{0,24}", 4),
        nanos in proptest::prelude::any::<i64>(),
        whole_seconds in proptest::prelude::any::<bool>(),
        lon_text in (-180i64..=180, 0u64..100_000_000_000_000_000, 0usize..=17),
        lat_bits in proptest::prelude::any::<u64>(),
        cents in -100_000_000i64..100_000_000,
        ulps in -3i64..=3,
        depth_bits in proptest::prelude::any::<u64>(),
        pick in 0u8..4,
    ) {
        let nanos = if whole_seconds { nanos / 1_000_000_000 * 1_000_000_000 } else { nanos };
        let (whole, digits, places) = lon_text;
        let fraction = format!("{digits:017}");
        let lon: f64 = format!("{whole}.{}", &fraction[..places.max(1)]).parse().unwrap();
        let tie = (cents as f64 + 0.5) / 100.0;
        let depth = match pick {
            0 => f64::from_bits((tie.to_bits() as i64 + ulps) as u64),
            1 => f64::from_bits(depth_bits),
            2 => cents as f64 / 100.0,
            _ => -(cents as f64).abs() / 1e9,
        };
        let lat = if pick == 3 { f64::from_bits(lat_bits) } else { lon / 3.0 };
        check_row(&ViolationRow {
            report_id: &ids[0],
            unit_id: &ids[1],
            time: Timestamp::from_unix_nanos(nanos),
            lon,
            lat,
            rule_id: &ids[2],
            zone_id: &ids[3],
            kind: "keep_out",
            confidence: if pick % 2 == 0 { Confidence::Confirmed } else { Confidence::Possible },
            depth_m: depth,
        });
    }
}
