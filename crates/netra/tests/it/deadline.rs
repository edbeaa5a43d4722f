//! `netra deadline`: one RFC 3339 line on stdout, checked against an independent count over the
//! shipped holiday calendar (`data/holidays/holidays-2014-2027.csv`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Weekday};

use crate::support::{Output, netra};

fn repo_file(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(rel)
}

/// date → holiday names, read straight from the CSV (not through the domain crate).
fn holidays() -> BTreeMap<NaiveDate, String> {
    let path = repo_file("data/holidays/holidays-2014-2027.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut out = BTreeMap::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let mut cols = line.splitn(3, ',');
        let date = cols.next().unwrap_or_default();
        let _kind = cols.next();
        let name = cols.next().unwrap_or_default().trim_matches('"');
        let date =
            NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").unwrap_or_else(|e| panic!("bad row {line:?}: {e}"));
        out.entry(date).and_modify(|n: &mut String| *n = format!("{n}; {name}")).or_insert_with(|| name.to_owned());
    }
    out
}

/// End (23:59:59 local) of the `count`-th Monday–Friday after `from`'s local date that is not in the
/// calendar: the statutory meaning of "N hari kerja".
fn expected_working_days(from: &str, count: u32, offset_hours: i32) -> String {
    let cal = holidays();
    let offset = FixedOffset::east_opt(offset_hours * 3600).unwrap();
    let mut day = DateTime::parse_from_rfc3339(from).unwrap().with_timezone(&offset).date_naive();
    let mut left = count;
    while left > 0 {
        day = day.succ_opt().unwrap();
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !cal.contains_key(&day) {
            left -= 1;
        }
    }
    day.and_hms_opt(23, 59, 59).unwrap().and_local_timezone(offset).unwrap().to_rfc3339()
}

#[track_caller]
fn deadline(rule: &str, from: &str, region: &str) -> Output {
    netra(&["deadline", "--rule", rule, "--from", from, "--region", region])
}

/// Asserts the command printed exactly `expected` as its only line, and that it is RFC 3339.
#[track_caller]
fn assert_due(out: Output, expected: &str) {
    let out = out.success();
    assert_eq!(out.stdout, format!("{expected}\n"), "stdout must be exactly one RFC 3339 line:\n{out}");
    DateTime::parse_from_rfc3339(out.stdout.trim_end()).unwrap_or_else(|e| panic!("not RFC 3339 ({e}):\n{out}"));
}

#[test]
fn wib_report_deadline_skips_the_idul_fitri_2024_holidays() {
    // The calendar really lists the whole Idul Fitri 2024 week (Mon 8 – Fri 12 April) and Mon 15 April.
    let cal = holidays();
    for d in ["2024-04-08", "2024-04-09", "2024-04-10", "2024-04-11", "2024-04-12", "2024-04-15"] {
        let date = NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let name = cal.get(&date).unwrap_or_else(|| panic!("{d} is missing from the holiday calendar"));
        assert!(name.contains("Idul Fitri"), "{d} is listed as {name:?}, not Idul Fitri");
    }
    // Friday 5 April 10:00 WIB + 7 working days: 16, 17, 18, 19, 22, 23, 24 April.
    let from = "2024-04-05T10:00:00+07:00";
    let expected = expected_working_days(from, 7, 7);
    assert_eq!(expected, "2024-04-24T23:59:59+07:00");
    assert_due(deadline("pemilu.report", from, "33.74"), &expected);
    // Pilkada's report period (UU 1/2015 Pasal 134) is 7 calendar days: holidays do not stretch it.
    assert_due(deadline("pilkada.report", from, "33.74"), "2024-04-12T23:59:59+07:00");
}

#[test]
fn wit_region_counts_local_days_in_utc_plus_9() {
    // 23:30 WIB on Monday 15 April (a holiday) is already Tuesday 16 April 01:30 in Jayapura (WIT),
    // so the count starts a day later there than in Semarang.
    let from = "2024-04-15T23:30:00+07:00";
    let wib = expected_working_days(from, 7, 7);
    let wit = expected_working_days(from, 7, 9);
    assert_eq!(wib, "2024-04-24T23:59:59+07:00");
    assert_eq!(wit, "2024-04-25T23:59:59+09:00");
    assert_due(deadline("pemilu.report", from, "33.74"), &wib);
    assert_due(deadline("pemilu.report", from, "91.03"), &wit);
}

#[test]
fn wita_region_skips_nyepi_and_shows_utc_plus_8() {
    let cal = holidays();
    for d in ["2024-03-11", "2024-03-12"] {
        let date = NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        assert!(cal.get(&date).is_some_and(|n| n.contains("Nyepi")), "{d} should be Nyepi in the calendar");
    }
    // Friday 8 March 10:00 WITA in Denpasar: Nyepi (11) and its cuti bersama (12) do not count.
    let from = "2024-03-08T10:00:00+08:00";
    let expected = expected_working_days(from, 7, 8);
    assert_eq!(expected, "2024-03-21T23:59:59+08:00");
    assert_due(deadline("pemilu.report", from, "51.71"), &expected);
    // An hour-based rule is the same instant, shown in the local offset (Makassar, WITA).
    assert_due(
        deadline("pemilu.report_quiet_period", "2024-02-10T10:00:00+07:00", "73.71"),
        "2024-02-11T11:00:00+08:00",
    );
}

#[test]
fn unknown_rule_fails_and_names_every_known_rule() {
    let out = deadline("pemilu.nope", "2024-04-05T10:00:00+07:00", "33.74").failure();
    assert!(out.stdout.is_empty(), "nothing may be printed on stdout:\n{out}");
    let out = out.stderr_has(&["unknown deadline rule `pemilu.nope`", "known rules"]);
    for set in ["pemilu", "pilkada"] {
        let path = repo_file(&format!("data/rules/{set}.json"));
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let rules = json["rules"].as_array().unwrap_or_else(|| panic!("{} has no rules array", path.display()));
        assert!(!rules.is_empty());
        for r in rules {
            let id = r["id"].as_str().unwrap();
            assert!(out.stderr.contains(id), "stderr should name the known rule {id}:\n{out}");
        }
    }
}

#[test]
fn unknown_or_malformed_region_fails_with_a_specific_message() {
    let out = deadline("pemilu.report", "2024-04-05T10:00:00+07:00", "33.99").failure();
    assert!(out.stdout.is_empty(), "{out}");
    out.stderr_has(&["unknown region `33.99`"]);

    let out = deadline("pemilu.report", "2024-04-05T10:00:00+07:00", "Semarang").failure();
    assert!(out.stdout.is_empty(), "{out}");
    out.stderr_has(&["`Semarang`", "PP.KK"]);
}

#[test]
fn malformed_from_fails_with_a_specific_message() {
    for bad in ["2024-04-05", "2024-04-05 10:00", "2024-04-05T10:00:00", "besok"] {
        let out = deadline("pemilu.report", bad, "33.74").failure();
        assert!(out.stdout.is_empty(), "{out}");
        out.stderr_has(&[&format!("--from `{bad}` is not RFC 3339")]);
    }
}

#[test]
fn working_days_outside_the_holiday_calendar_are_refused() {
    // An uncovered year is never silently treated as having no holidays.
    let out = deadline("pemilu.report", "2030-02-11T10:00:00+07:00", "33.74").failure();
    assert!(out.stdout.is_empty(), "{out}");
    out.stderr_has(&["holiday calendar covers only 2014", "2027"]);
}
