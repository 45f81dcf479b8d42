use super::*;

fn errors(text: &str) -> Vec<String> {
    match read_rules(text, "rules.toml") {
        Ok(r) => panic!("expected errors, got {} rules", r.len()),
        Err(e) => e.iter().map(|e| e.to_string()).collect(),
    }
}

fn t(s: &str) -> Timestamp {
    parse_rfc3339(s.as_bytes()).unwrap()
}

#[test]
fn reads_the_design_example() {
    let text = r#"
[[rule]]
id = "dmz"                      # unique
kind = "keep_out"               # keep_out | stay_in
zones = ["dmz_sirte_jufra"]
margin_m = 0
from = "2021-01-23T00:00:00Z"
until = "2021-12-31T00:00:00Z"
[rule.who]
sides = ["GNA", "LAAF"]
classes = ["artillery", "mlrs"]
roles = ["military"]
foreign = true
units = ["LAAF-ARTY-2"]
[rule.except]
roles = ["police", "monitor"]

[[rule]]
id = "camps"
kind = "stay_in"
zones = ["home", "holding_area"]
from = 2021-01-23T02:00:00+02:00
"#;
    let rules = read_rules(text, "rules.toml").unwrap();
    assert_eq!(
        rules[0],
        Rule {
            id: "dmz".into(),
            kind: RuleKind::KeepOut {
                zones: vec!["dmz_sirte_jufra".into()],
                margin_m: 0.0
            },
            from: Some(t("2021-01-23T00:00:00Z")),
            until: Some(t("2021-12-31T00:00:00Z")),
            who: UnitFilter {
                sides: Some(vec!["GNA".into(), "LAAF".into()]),
                classes: Some(vec!["artillery".into(), "mlrs".into()]),
                roles: Some(vec!["military".into()]),
                foreign: Some(true),
                units: Some(vec!["LAAF-ARTY-2".into()]),
            },
            except: Some(UnitFilter {
                roles: Some(vec!["police".into(), "monitor".into()]),
                ..UnitFilter::default()
            }),
            options: RuleOptions::default(),
        }
    );
    assert_eq!(
        rules[1].kind,
        RuleKind::StayIn {
            zones: vec!["holding_area".into()],
            home: true
        }
    );
    // A TOML offset date-time: 02:00 at +02:00 is midnight UTC.
    assert_eq!(rules[1].from, Some(t("2021-01-23T00:00:00Z")));
    assert_eq!(rules[1].who, UnitFilter::default());
    assert_eq!(rules[1].except, None);
}

#[test]
fn an_empty_file_has_no_rules_and_bom_crlf_are_fine() {
    assert_eq!(read_rules("", "r").unwrap(), vec![]);
    let text = "\u{feff}[[rule]]\r\nid = \"a\"\r\nkind = \"keep_out\"\r\nzones = [\"z\"]\r\nmargin_m = 2.5\r\n";
    assert_eq!(
        read_rules(text, "r").unwrap()[0].kind,
        RuleKind::KeepOut {
            zones: vec!["z".into()],
            margin_m: 2.5
        }
    );
}

#[test]
fn unknown_keys_are_named_with_line_and_column() {
    let text = "[[rule]]\nid = \"a\"\nkind = \"keep_out\"\nzones = [\"z\"]\nmargn_m = 5\n";
    assert_eq!(
        errors(text),
        [
            "rules.toml:5:1: unknown field `margn_m`, expected one of `id`, `kind`, `zones`, `margin_m`, \
          `from`, `until`, `who`, `except`, `max_gap`, `min_duration`, `min_reports`, `hysteresis_m`, `hysteresis_time`"
        ]
    );
    let text = "[[rule]]\nid = \"a\"\nkind = \"keep_out\"\nzones = [\"z\"]\n[rule.who]\nside = [\"GNA\"]\n";
    assert_eq!(
        errors(text),
        [
            "rules.toml:6:1: unknown field `side`, expected one of `sides`, `classes`, `roles`, `foreign`, `units`"
        ]
    );
    assert_eq!(
        errors("title = \"x\"\n"),
        ["rules.toml:1:1: unknown key `title`: the file holds [[rule]] tables"]
    );
}

#[test]
fn every_rule_is_checked_and_every_problem_reported() {
    let text = r#"[[rule]]
id = "a"
kind = "stay_in"
zones = ["z"]
margin_m = 10
from = "2021-01-23T00:00:00"

[[rule]]
kind = "keepout"
zones = ["z"]

[[rule]]
id = "c"
kind = "keep_out"
zones = []
margin_m = -1
from = 2021-02-01T00:00:00Z
until = 2021-01-01T00:00:00Z

[[rule]]
id = "d"
kind = "keep_out"
zones = ["z"]
from = 2021-01-23T00:00:00
until = 2021-01-23
[rule.who]
sides = []
[rule.except]

[[rule]]
id = 5
kind = "keep_out"
zones = ["z"]

[[rule]]
id = "a"
kind = "keep_out"
zones = ["z"]
until = "2021-01-23T00:00:00+01"
"#;
    assert_eq!(
        errors(text),
        [
            "rules.toml:5:12: margin_m: applies only to keep_out rules",
            "rules.toml:6:8: from: \"2021-01-23T00:00:00\" has no UTC offset (add Z or ±HH:MM; a local time is never guessed)",
            "rules.toml:8:1: id: is required but missing",
            "rules.toml:9:8: kind: expected \"keep_out\" or \"stay_in\", found \"keepout\"",
            "rules.toml:16:12: margin_m: must be a finite number ≥ 0, not -1",
            "rules.toml:15:9: zones: lists no zones",
            "rules.toml:17:8: from: is not before until, so the rule is never in force",
            "rules.toml:24:8: from: 2021-01-23T00:00:00 has no UTC offset (add Z or ±HH:MM; a local time is never guessed)",
            "rules.toml:25:9: until: 2021-01-23 is not an instant (give a date, a time and an offset)",
            "rules.toml:27:9: who.sides: is empty, so it matches no unit",
            "rules.toml:28:1: except: has no filters, so it would exempt every unit",
            "rules.toml:31:6: id: invalid type: integer `5`, expected a string",
            "rules.toml:39:9: until: \"2021-01-23T00:00:00+01\" is not an RFC 3339 time like 2021-01-23T00:00:00Z",
        ]
    );
}

#[test]
fn duplicate_ids_name_both_lines() {
    let rule =
        |id: &str| format!("[[rule]]\nid = \"{id}\"\nkind = \"keep_out\"\nzones = [\"z\"]\n");
    let text = format!("{}{}{}", rule("a"), rule("b"), rule("a"));
    assert_eq!(
        errors(&text),
        ["rules.toml:9:1: id: duplicate id \"a\" (also used by the rule at line 1)"]
    );
}

#[test]
fn syntax_errors_have_line_and_column() {
    assert_eq!(
        errors("[[rule]]\nid = \"a\nkind = 1\n"),
        ["rules.toml:2:8: invalid basic string, expected `\"`"]
    );
    assert_eq!(
        errors("rule = 3\n"),
        ["rules.toml:1:8: rule: expected [[rule]] tables"]
    );
}

#[test]
fn located_rules_know_where_their_zones_are() {
    let text =
        "[[rule]]\nid = \"s\"\nkind = \"stay_in\"\nzones = [\"home\",\n  \"camp_a\", \"camp_b\"]\n";
    let (rules, errors) = parse_rules(text, "r");
    assert!(errors.is_empty());
    assert_eq!(rules[0].at, (1, 1));
    assert_eq!(rules[0].zones_at, vec![(5, 3), (5, 13)]);
    assert_eq!(rules[0].zone_list_at, (4, 9));
}

#[test]
fn tracking_options_default_and_parse() {
    let text = r#"
[[rule]]
id = "a"
kind = "keep_out"
zones = ["z"]

[[rule]]
id = "b"
kind = "stay_in"
zones = ["home"]
max_gap = "90m"
min_duration = "1h30m"
min_reports = 3
hysteresis_m = 500
hysteresis_time = "2h"
"#;
    let rules = read_rules(text, "rules.toml").unwrap();
    assert_eq!(rules[0].options, RuleOptions::default());
    assert_eq!(rules[0].options.max_gap, Duration::from_secs(6 * 3600));
    assert_eq!(
        rules[1].options,
        RuleOptions {
            max_gap: Duration::from_secs(90 * 60),
            min_duration: Duration::from_secs(5400),
            min_reports: 3,
            hysteresis_m: 500.0,
            hysteresis_time: Duration::from_secs(7200),
        }
    );
}

#[test]
fn durations_are_a_number_and_a_unit() {
    let d = |s: &str| parse_duration(s).map(|d| d.as_secs());
    assert_eq!(d("45s"), Some(45));
    assert_eq!(d("90m"), Some(5400));
    assert_eq!(d("6h"), Some(21_600));
    assert_eq!(d("2d"), Some(172_800));
    assert_eq!(d("1h30m"), Some(5400));
    assert_eq!(d("0s"), Some(0));
    for bad in ["", "6", "h", "6 h", "1.5h", "-6h", "6x", "30m1h", "1h1h"] {
        assert_eq!(d(bad), None, "{bad:?}");
    }
}

#[test]
fn bad_tracking_options_are_located() {
    let text = "[[rule]]\nid = \"a\"\nkind = \"keep_out\"\nzones = [\"z\"]\nmax_gap = \"6 hours\"\nmin_reports = 0\nhysteresis_m = -1\nmin_duration = \"0s\"\n";
    assert_eq!(
        errors(text),
        vec![
            "rules.toml:5:11: max_gap: \"6 hours\" is not a duration: write a whole number and a unit, like \"6h\", \"90m\", \"45s\" or \"2d\"",
            "rules.toml:6:15: min_reports: must be a whole number ≥ 1, not 0",
            "rules.toml:7:16: hysteresis_m: must be a finite number ≥ 0, not -1",
        ]
    );
    let zero = "[[rule]]\nid = \"a\"\nkind = \"keep_out\"\nzones = [\"z\"]\nmax_gap = \"0s\"\n";
    assert_eq!(
        errors(zero),
        vec!["rules.toml:5:11: max_gap: must be longer than 0s"]
    );
}
