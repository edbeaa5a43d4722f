//! The deadline engine against hand-computed dates (every expected value was worked out from
//! `data/holidays/holidays-2014-2027.csv`), its error cases, and its monotonicity.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc};
use netra_domain::calendar::{CalendarError, HolidayCalendar, HolidayKind};
use netra_domain::deadline::{
    Deadline, DeadlineError, DeadlineRule, DurationUnit, RuleSet, due, find_rule, is_overdue, working_days_between,
};
use netra_domain::ids::RegionCode;
use netra_domain::region::TimeZoneId;
use proptest::prelude::*;

/// (rule id, `from` in UTC, zone name or region code, expected due, what the count skips).
/// LN = libur nasional, CB = cuti bersama. Working-day counts start the day after the local start date.
#[rustfmt::skip]
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    // --- Pemilu 2024: voting day Wed 14 Feb (LN); Isra Mikraj Thu 8 Feb (LN), Imlek CB Fri 9 Feb.
    ("pemilu.report", "2024-02-13T20:00:00Z", "WIB", "2024-02-23T23:59:59+07:00",
     "03:00 WIB on voting day 14 Feb; counts 15,16,19..23"),
    ("pemilu.report", "2024-02-13T20:00:00Z", "WITA", "2024-02-23T23:59:59+08:00",
     "04:00 WITA on 14 Feb; same count"),
    ("pemilu.report", "2024-02-12T16:30:00Z", "WIB", "2024-02-22T23:59:59+07:00",
     "Mon 12 Feb 23:30 WIB; counts 13, skips 14 Feb Pemilu, 15..22"),
    ("pemilu.report", "2024-02-12T16:30:00Z", "WIT", "2024-02-23T23:59:59+09:00",
     "already Tue 13 Feb 01:30 WIT; skips 14 Feb Pemilu"),
    ("pemilu.report", "2024-02-12T16:30:00Z", "73.71", "2024-02-23T23:59:59+08:00",
     "Makassar (WITA): Tue 13 Feb 00:30; skips 14 Feb Pemilu"),
    ("pemilu.report_quiet_period", "2024-02-13T20:00:00Z", "WIT", "2024-02-15T05:00:00+09:00",
     "24 h from 05:00 WIT on voting day; holidays irrelevant"),
    ("pemilu.report_quiet_period", "2024-02-10T17:00:00Z", "WIB", "2024-02-12T00:00:00+07:00",
     "midnight WIB starting the quiet period, 24 h later"),
    ("pemilu.report_quiet_period", "2024-02-14T08:30:00Z", "51.71", "2024-02-15T16:30:00+08:00",
     "Denpasar (WITA) on voting day"),
    ("pemilu.kajian_awal", "2024-02-13T03:00:00Z", "WIB", "2024-02-16T23:59:59+07:00",
     "Tue 13 Feb; skips 14 Feb Pemilu; counts 15, 16"),
    ("pemilu.kajian_awal", "2024-02-07T02:00:00Z", "WITA", "2024-02-13T23:59:59+08:00",
     "Wed 7 Feb; skips 8 Feb Isra Mikraj LN, 9 Feb Imlek CB, weekend; counts 12, 13"),
    ("pemilu.handling_extended", "2024-02-05T01:00:00Z", "WIB", "2024-02-28T23:59:59+07:00",
     "14 wd from Mon 5 Feb; skips 8 LN, 9 CB, 14 Feb Pemilu, weekends"),
    ("pemilu.handling", "2024-02-14T02:00:00Z", "WIB", "2024-02-21T23:59:59+07:00",
     "calendar days: voting day not skipped"),
    ("pemilu.temuan", "2024-02-13T16:59:59Z", "WIB", "2024-02-20T23:59:59+07:00",
     "last second of 13 Feb WIB; control: calendar days"),
    ("pemilu.temuan", "2024-02-13T18:00:00Z", "WIT", "2024-02-21T23:59:59+09:00",
     "already 14 Feb 03:00 WIT"),
    ("pemilu.clarification_notice", "2024-02-13T10:00:00Z", "WIB", "2024-02-14T23:59:59+07:00",
     "calendar day: voting day counts"),
    // --- Idul Fitri 2024: CB 8, 9, 12, 15 Apr; LN 10, 11 Apr; weekend 13-14 Apr.
    ("pemilu.report", "2024-04-05T03:00:00Z", "WIB", "2024-04-24T23:59:59+07:00",
     "Fri 5 Apr; skips 6-15 Apr (Idul Fitri LN/CB + weekends); counts 16..24"),
    ("pemilu.kajian_awal", "2024-04-05T09:00:00Z", "WITA", "2024-04-17T23:59:59+08:00",
     "Fri 5 Apr 17:00 WITA; skips Idul Fitri week; counts 16, 17"),
    ("pemilu.kajian_awal", "2024-04-05T16:30:00Z", "WIT", "2024-04-17T23:59:59+09:00",
     "Sat 6 Apr 01:30 WIT; skips Idul Fitri week; counts 16, 17"),
    ("pemilu.bawaslu_validation", "2024-04-04T05:00:00Z", "WIB", "2024-04-17T23:59:59+07:00",
     "Thu 4 Apr; counts 5, then 16, 17 after Idul Fitri"),
    ("pemilu.handling_extended", "2024-04-01T02:00:00Z", "WIB", "2024-04-29T23:59:59+07:00",
     "Mon 1 Apr; counts 2-5, skips 8-15 Apr, counts 16-19, 22-26, 29"),
    ("pilkada.report", "2024-04-08T01:00:00Z", "WIB", "2024-04-15T23:59:59+07:00",
     "calendar days straight through Idul Fitri"),
    ("pemilu.completion_notice", "2024-04-09T03:00:00Z", "WITA", "2024-04-16T23:59:59+08:00",
     "Tue 9 Apr (CB); skips 10, 11 LN, 12 CB, weekend, 15 CB"),
    // --- Pilkada 2024: voting day Wed 27 Nov (LN).
    ("pilkada.bawaslu_validation", "2024-11-26T02:00:00Z", "WIB", "2024-12-02T23:59:59+07:00",
     "Tue 26 Nov; skips 27 Nov Pilkada; counts 28, 29 Nov, 2 Dec"),
    ("pilkada.bawaslu_validation", "2024-11-27T15:30:00Z", "WIB", "2024-12-02T23:59:59+07:00",
     "Wed 27 Nov 22:30 WIB; counts 28, 29 Nov, 2 Dec"),
    ("pilkada.bawaslu_validation", "2024-11-27T15:30:00Z", "WIT", "2024-12-03T23:59:59+09:00",
     "already Thu 28 Nov 00:30 WIT; counts 29 Nov, 2, 3 Dec"),
    ("pilkada.report", "2024-11-27T01:00:00Z", "WIT", "2024-12-04T23:59:59+09:00",
     "calendar days from Pilkada voting day"),
    ("pilkada.report", "2024-11-20T16:00:00Z", "WIB", "2024-11-27T23:59:59+07:00",
     "Wed 20 Nov 23:00 WIB; due on voting day, not moved"),
    ("pilkada.report", "2024-11-20T16:00:00Z", "91.71", "2024-11-28T23:59:59+09:00",
     "Jayapura (WIT): already Thu 21 Nov 01:00"),
    ("pilkada.handling", "2024-11-27T17:00:00Z", "WITA", "2024-12-01T23:59:59+08:00",
     "Thu 28 Nov 01:00 WITA + 3 calendar days"),
    ("pilkada.handling_extended", "2024-11-25T03:00:00Z", "WIB", "2024-11-30T23:59:59+07:00",
     "3 + 2 calendar days; Pilkada day and Saturday not skipped"),
    ("pilkada.kajian_awal", "2024-11-26T10:00:00Z", "WIB", "2024-11-28T23:59:59+07:00",
     "2 calendar days across voting day"),
    ("pilkada.completion_notice", "2024-11-30T16:59:59Z", "WIB", "2024-12-01T23:59:59+07:00",
     "last second of Sat 30 Nov WIB"),
    ("pilkada.completion", "2024-11-30T17:00:00Z", "WIB", "2024-12-03T23:59:59+07:00",
     "first second of Sun 1 Dec WIB"),
    ("pilkada.clarification_notice", "2024-11-26T23:00:00Z", "WITA", "2024-11-28T23:59:59+08:00",
     "Wed 27 Nov 07:00 WITA + 1 calendar day"),
    ("pemilu.report", "2024-11-25T02:00:00Z", "WITA", "2024-12-05T23:59:59+08:00",
     "Mon 25 Nov; skips 27 Nov Pilkada and weekend"),
    // --- Christmas / New Year 2024-25: LN 25 Dec, CB 26 Dec, LN 1 Jan.
    ("pemilu.report", "2024-12-20T02:00:00Z", "WIB", "2025-01-03T23:59:59+07:00",
     "Fri 20 Dec; skips 25 LN, 26 CB, 1 Jan LN, weekends"),
    ("pemilu.kajian_awal", "2024-12-24T08:00:00Z", "WIT", "2024-12-30T23:59:59+09:00",
     "Tue 24 Dec; skips 25 LN, 26 CB, weekend; counts 27, 30"),
    ("pemilu.bawaslu_validation", "2024-12-30T16:00:00Z", "WIB", "2025-01-03T23:59:59+07:00",
     "Mon 30 Dec 23:00 WIB; counts 31, skips 1 Jan, counts 2, 3"),
    ("pemilu.bawaslu_validation", "2024-12-30T16:00:00Z", "WIT", "2025-01-06T23:59:59+09:00",
     "already Tue 31 Dec 01:00 WIT; skips 1 Jan, counts 2, 3, 6"),
    ("pemilu.completion_notice", "2024-12-24T03:00:00Z", "WIB", "2024-12-27T23:59:59+07:00",
     "Tue 24 Dec; skips 25 LN, 26 CB"),
    ("pemilu.handling_extended", "2024-12-16T02:00:00Z", "WIB", "2025-01-08T23:59:59+07:00",
     "14 wd; skips 25, 26 Dec, 1 Jan, weekends"),
    ("pemilu.authority_verification", "2024-12-28T03:00:00Z", "WIT", "2025-01-04T23:59:59+09:00",
     "calendar days across New Year"),
    // --- 2025: Isra Mikraj LN Mon 27 Jan, Imlek CB 28, LN 29 Jan.
    ("pemilu.report", "2025-01-24T03:00:00Z", "WIB", "2025-02-07T23:59:59+07:00",
     "Fri 24 Jan; skips weekend, 27 LN, 28 CB, 29 LN"),
    ("pemilu.handling", "2025-02-28T16:00:00Z", "WIB", "2025-03-07T23:59:59+07:00",
     "control: 28 Feb (no leap day) + 7 calendar days"),
    // --- Idul Fitri 2025: CB Fri 28 Mar, LN Sat 29, LN Mon 31 Mar, LN 1 Apr, CB 2-4 Apr, CB Mon 7 Apr.
    ("pemilu.report", "2025-03-27T02:00:00Z", "WIB", "2025-04-16T23:59:59+07:00",
     "Thu 27 Mar; skips 28 Mar-7 Apr (Nyepi/Idul Fitri LN+CB); counts 8-11, 14-16 Apr"),
    ("pemilu.kajian_awal", "2025-03-26T09:00:00Z", "WITA", "2025-04-08T23:59:59+08:00",
     "Wed 26 Mar; counts 27 Mar, skips 28 Mar-7 Apr, counts 8 Apr"),
    ("pemilu.handling_extended", "2025-03-24T01:00:00Z", "WIT", "2025-04-23T23:59:59+09:00",
     "14 wd; skips 28 Mar-7 Apr and Good Friday 18 Apr LN"),
    ("pemilu.report_quiet_period", "2025-03-30T20:00:00Z", "WIT", "2025-04-01T05:00:00+09:00",
     "hours straight through Idul Fitri"),
    ("pemilu.bawaslu_validation", "2025-04-07T16:30:00Z", "WIB", "2025-04-10T23:59:59+07:00",
     "Mon 7 Apr (CB) 23:30 WIB; counts 8, 9, 10"),
    ("pemilu.bawaslu_validation", "2025-04-07T16:30:00Z", "WIT", "2025-04-11T23:59:59+09:00",
     "already Tue 8 Apr 01:30 WIT; counts 9, 10, 11"),
    // --- May-Aug 2025: Waisak LN Mon 12 May, CB 13; Ascension LN 29 May, CB 30; Idul Adha LN Fri 6 Jun,
    //     CB Mon 9 Jun; 17 Aug (Sun) LN, CB Mon 18 Aug.
    ("pemilu.report", "2025-05-08T03:00:00Z", "WIB", "2025-05-21T23:59:59+07:00",
     "Thu 8 May; skips 12 May LN, 13 May CB"),
    ("pemilu.handling_extended", "2025-05-26T02:00:00Z", "WITA", "2025-06-19T23:59:59+08:00",
     "14 wd; skips 29 May LN, 30 May CB, 6 Jun LN, 9 Jun CB"),
    ("pemilu.kajian_awal", "2025-08-15T08:00:00Z", "WIB", "2025-08-20T23:59:59+07:00",
     "Fri 15 Aug; skips weekend (17 Aug LN on Sunday), 18 Aug CB"),
    ("pemilu.bawaslu_validation", "2025-07-10T02:00:00Z", "WIB", "2025-07-15T23:59:59+07:00",
     "control: no holidays, weekend only"),
    ("pemilu.handling_extended", "2025-10-06T02:00:00Z", "35.78", "2025-10-24T23:59:59+07:00",
     "Surabaya (WIB); control: October 2025 has no holidays"),
    // --- Christmas / New Year 2025-26: LN Thu 25 Dec, CB Fri 26 Dec, LN Thu 1 Jan.
    ("pemilu.report", "2025-12-22T02:00:00Z", "WIB", "2026-01-05T23:59:59+07:00",
     "Mon 22 Dec; skips 25 LN, 26 CB, 1 Jan LN, weekends"),
    ("pemilu.bawaslu_validation", "2025-12-24T10:00:00Z", "WITA", "2025-12-31T23:59:59+08:00",
     "Wed 24 Dec; skips 25 LN, 26 CB, weekend"),
    ("pemilu.kajian_awal", "2025-12-23T15:30:00Z", "WIB", "2025-12-29T23:59:59+07:00",
     "Tue 23 Dec 22:30 WIB; counts 24, skips 25 LN, 26 CB, weekend, counts 29"),
    ("pemilu.kajian_awal", "2025-12-23T15:30:00Z", "WIT", "2025-12-30T23:59:59+09:00",
     "already Wed 24 Dec 00:30 WIT; skips 25, 26, weekend; counts 29, 30"),
    ("pemilu.temuan", "2025-12-25T01:00:00Z", "WIB", "2026-01-01T23:59:59+07:00",
     "calendar days; due on New Year's Day, not moved"),
    ("pemilu.completion", "2025-12-30T03:00:00Z", "WIB", "2026-01-02T23:59:59+07:00",
     "Tue 30 Dec; counts 31, skips 1 Jan LN, counts 2 Jan"),
    ("pemilu.ppk_follow_up", "2025-12-20T05:00:00Z", "WITA", "2026-01-03T23:59:59+08:00",
     "14 calendar days across the holidays"),
    ("pemilu.report_quiet_period", "2025-12-31T23:15:30Z", "WIB", "2026-01-02T06:15:30+07:00",
     "hours keep the seconds"),
    // --- 2026: Imlek CB Mon 16 Feb, LN 17 Feb; Nyepi CB 18 Mar, LN 19 Mar; Idul Fitri CB 20 Mar, LN 21-22,
    //     CB 23-24 Mar; Good Friday LN 3 Apr.
    ("pemilu.report", "2026-02-13T02:00:00Z", "WIB", "2026-02-26T23:59:59+07:00",
     "Fri 13 Feb; skips weekend, 16 CB, 17 LN"),
    ("pemilu.report", "2026-03-16T03:00:00Z", "WIB", "2026-04-01T23:59:59+07:00",
     "Mon 16 Mar; counts 17, skips 18-24 Mar (Nyepi, Idul Fitri)"),
    ("pemilu.handling_extended", "2026-03-17T01:00:00Z", "WITA", "2026-04-14T23:59:59+08:00",
     "14 wd; skips 18-24 Mar and 3 Apr Good Friday"),
    ("pilkada.bawaslu_validation", "2026-03-19T05:00:00Z", "WIT", "2026-03-27T23:59:59+09:00",
     "Thu 19 Mar (LN); skips 20-24 Mar; counts 25, 26, 27"),
    ("pemilu.kajian_awal", "2026-03-17T16:30:00Z", "WIB", "2026-03-26T23:59:59+07:00",
     "Tue 17 Mar 23:30 WIB; skips 18-24 Mar; counts 25, 26"),
    ("pemilu.completion_notice", "2026-03-16T16:30:00Z", "WIB", "2026-03-17T23:59:59+07:00",
     "Mon 16 Mar 23:30 WIB; next working day Tue 17"),
    ("pemilu.completion_notice", "2026-03-16T16:30:00Z", "WIT", "2026-03-25T23:59:59+09:00",
     "same instant is Tue 17 Mar 01:30 WIT; skips 18-24 Mar"),
    ("pilkada.temuan", "2026-03-18T03:00:00Z", "WIB", "2026-03-25T23:59:59+07:00",
     "calendar days straight through Nyepi and Idul Fitri"),
    // --- May-Jun 2026: Ascension LN Thu 14 May, CB 15; Idul Adha LN Wed 27 May, CB 28; Pancasila LN Mon 1 Jun;
    //     Tahun Baru Islam LN Tue 16 Jun.
    ("pemilu.report", "2026-05-12T02:00:00Z", "WIB", "2026-05-25T23:59:59+07:00",
     "Tue 12 May; skips 14 May LN, 15 May CB"),
    ("pemilu.handling_extended", "2026-05-22T02:00:00Z", "WIB", "2026-06-17T23:59:59+07:00",
     "14 wd; skips 27 LN, 28 CB, 1 Jun LN, 16 Jun LN"),
    ("pilkada.bawaslu_validation", "2026-07-08T02:00:00Z", "WITA", "2026-07-13T23:59:59+08:00",
     "control: July 2026 has no holidays"),
    ("pemilu.report", "2026-10-05T02:00:00Z", "WIT", "2026-10-14T23:59:59+09:00",
     "control: October 2026 has no holidays"),
    // --- Christmas 2026: CB Thu 24 Dec, LN Fri 25 Dec, LN Fri 1 Jan 2027.
    ("pemilu.report", "2026-12-21T02:00:00Z", "WIB", "2027-01-04T23:59:59+07:00",
     "Mon 21 Dec; skips 24 CB, 25 LN, 1 Jan 2027 LN, weekends"),
    ("pemilu.kajian_awal", "2026-12-23T02:00:00Z", "WITA", "2026-12-29T23:59:59+08:00",
     "Wed 23 Dec; skips 24 CB, 25 LN, weekend"),
    // --- Further zero-holiday controls and calendar-day rules.
    ("pemilu.report", "2024-07-15T02:00:00Z", "WIB", "2024-07-24T23:59:59+07:00",
     "control: weekend only"),
    ("pemilu.kajian_awal", "2024-10-07T02:00:00Z", "WITA", "2024-10-09T23:59:59+08:00",
     "control: Mon to Wed"),
    ("pemilu.kajian_awal", "2024-10-11T02:00:00Z", "WIT", "2024-10-15T23:59:59+09:00",
     "control: Fri, weekend skipped"),
    ("pilkada.handling", "2024-02-28T17:00:00Z", "WITA", "2024-03-03T23:59:59+08:00",
     "leap day 29 Feb 01:00 WITA + 3 calendar days"),
    ("pilkada.authority_verification", "2024-10-01T16:59:59Z", "WIB", "2024-10-08T23:59:59+07:00",
     "last second of 1 Oct WIB"),
    ("pilkada.ppk_follow_up", "2024-11-30T16:00:00Z", "WIT", "2024-12-15T23:59:59+09:00",
     "already 1 Dec 01:00 WIT + 14 calendar days"),
];

fn zone(s: &str) -> TimeZoneId {
    TimeZoneId::parse(s).unwrap_or_else(|| {
        let region = RegionCode::parse(s).expect("zone name or region code");
        TimeZoneId::for_region(&region).expect("region has a zone")
    })
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).expect("RFC 3339").with_timezone(&Utc)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

#[test]
fn deadline_table() {
    assert!(CASES.len() >= 60, "table has {} rows", CASES.len());
    let cal = HolidayCalendar::embedded();
    let mut failures = Vec::new();
    for (rule_id, from, tz, expected, why) in CASES {
        let (_, rule) = find_rule(rule_id).expect("known rule");
        let tz = zone(tz);
        let from = utc(from);
        let expected = DateTime::parse_from_rfc3339(expected).expect("RFC 3339");
        let got = due(rule, from, tz, cal).expect("due computes");
        // Equal instants are not enough: the offset shown must be the local one.
        if got != expected || got.offset() != expected.offset() {
            failures.push(format!("{rule_id} from {from} {}: expected {expected}, got {got} ({why})", tz.as_str()));
        }
        if rule.unit == DurationUnit::WorkingDays {
            let start = from.with_timezone(&tz.offset()).date_naive();
            assert_eq!(
                working_days_between(start, got.date_naive(), cal).unwrap(),
                rule.count,
                "{rule_id} from {from}: working_days_between disagrees with due"
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn table_covers_every_rule_and_zone() {
    let used: Vec<&str> = CASES.iter().map(|c| c.0).collect();
    for set in RuleSet::embedded_all() {
        for id in set.rule_ids() {
            assert!(used.contains(&id), "no table row for {id}");
        }
    }
    for z in [TimeZoneId::Wib, TimeZoneId::Wita, TimeZoneId::Wit] {
        assert!(CASES.iter().any(|c| zone(c.2) == z), "no row in {}", z.as_str());
    }
}

#[test]
fn rule_sets_hold_the_documented_rules() {
    let pemilu = RuleSet::embedded("pemilu").unwrap();
    let pilkada = RuleSet::embedded("pilkada").unwrap();
    assert_eq!((pemilu.version, pilkada.version), (1, 1));
    assert_eq!(pemilu.rules.len(), 12);
    assert_eq!(pilkada.rules.len(), 11);

    let report = pemilu.get("pemilu.report").unwrap();
    assert_eq!((report.count, report.unit), (7, DurationUnit::WorkingDays));
    assert_eq!(report.starts_from, "known_at");
    assert!(report.verified);
    assert!(report.citation.contains("454 ayat (6)"));

    let report = pilkada.get("pilkada.report").unwrap();
    assert_eq!((report.count, report.unit), (7, DurationUnit::CalendarDays));
    assert!(report.citation.contains("134 ayat (4)"));

    for unverified in ["pemilu.completion", "pemilu.ppk_follow_up", "pilkada.ppk_follow_up"] {
        assert!(!find_rule(unverified).unwrap().1.verified, "{unverified}");
    }
    for set in [pemilu, pilkada] {
        for rule in &set.rules {
            assert!(!rule.description_id.is_empty() && !rule.description_en.is_empty(), "{}", rule.id);
        }
    }
}

#[test]
fn unknown_rule_lists_known_rules() {
    let err = find_rule("pemilu.lapor").unwrap_err();
    let DeadlineError::UnknownRule { rule, known } = &err else {
        panic!("expected UnknownRule, got {err:?}");
    };
    assert_eq!(rule, "pemilu.lapor");
    assert_eq!(known.len(), 23);
    let message = err.to_string();
    assert!(message.contains("pemilu.lapor"), "{message}");
    assert!(message.contains("pemilu.report") && message.contains("pilkada.handling_extended"), "{message}");

    // A set only knows its own rules, and ids are always fully qualified.
    let pemilu = RuleSet::embedded("pemilu").unwrap();
    let err = pemilu.get("pilkada.report").unwrap_err();
    assert!(err.to_string().contains("pemilu.kajian_awal"));
    let DeadlineError::UnknownRule { known, .. } = err else { panic!("expected UnknownRule") };
    assert!(known.iter().all(|id| id.starts_with("pemilu.")), "{known:?}");
    assert!(pemilu.get("report").is_err());
    assert!(
        Deadline::for_rule("pilkada.nope", utc("2024-11-27T00:00:00Z"), TimeZoneId::Wib, HolidayCalendar::embedded())
            .is_err()
    );
}

#[test]
fn working_days_refuse_years_the_calendar_does_not_cover() {
    let cal = HolidayCalendar::embedded();
    let (_, report) = find_rule("pemilu.report").unwrap();

    let err = due(report, utc("2013-12-20T03:00:00Z"), TimeZoneId::Wib, cal).unwrap_err();
    assert_eq!(err, DeadlineError::OutsideCalendar { date: date(2013, 12, 20), covered: (2014, 2027) });
    assert!(err.to_string().contains("2014–2027"), "{err}");

    // Fri 24 Dec 2027: counts 27-31 Dec, then would need 2028.
    let err = due(report, utc("2027-12-24T03:00:00Z"), TimeZoneId::Wib, cal).unwrap_err();
    assert_eq!(err, DeadlineError::OutsideCalendar { date: date(2028, 1, 1), covered: (2014, 2027) });

    // Still 2027 in UTC, already 2028 in WIB.
    let (_, validation) = find_rule("pilkada.bawaslu_validation").unwrap();
    let err = due(validation, utc("2027-12-31T17:30:00Z"), TimeZoneId::Wib, cal).unwrap_err();
    assert!(matches!(err, DeadlineError::OutsideCalendar { date: d, .. } if d == date(2028, 1, 1)));

    // Calendar-day and hour rules need no holiday list.
    let (_, temuan) = find_rule("pemilu.temuan").unwrap();
    assert_eq!(
        due(temuan, utc("2030-01-01T00:00:00Z"), TimeZoneId::Wib, cal).unwrap(),
        DateTime::parse_from_rfc3339("2030-01-08T23:59:59+07:00").unwrap()
    );

    assert!(working_days_between(date(2013, 12, 30), date(2014, 1, 10), cal).is_err());
    assert!(working_days_between(date(2027, 12, 1), date(2028, 1, 10), cal).is_err());
}

fn custom_rule(count: u32, unit: DurationUnit) -> DeadlineRule {
    DeadlineRule {
        id: "test.custom".into(),
        count,
        unit,
        starts_from: "known_at".into(),
        citation: "test".into(),
        verified: false,
        description_id: String::new(),
        description_en: String::new(),
    }
}

#[test]
fn zero_counts_and_overflow() {
    let cal = HolidayCalendar::embedded();
    let from = utc("2024-02-13T20:00:00Z"); // 14 Feb 03:00 WIB, a holiday
    let end_of_start_day = DateTime::parse_from_rfc3339("2024-02-14T23:59:59+07:00").unwrap();
    for unit in [DurationUnit::CalendarDays, DurationUnit::WorkingDays] {
        assert_eq!(due(&custom_rule(0, unit), from, TimeZoneId::Wib, cal).unwrap(), end_of_start_day);
    }
    assert_eq!(due(&custom_rule(0, DurationUnit::Hours), from, TimeZoneId::Wib, cal).unwrap(), from);

    for unit in [DurationUnit::CalendarDays, DurationUnit::Hours] {
        assert_eq!(due(&custom_rule(u32::MAX, unit), from, TimeZoneId::Wit, cal), Err(DeadlineError::Overflow));
    }
    assert!(matches!(
        due(&custom_rule(u32::MAX, DurationUnit::WorkingDays), from, TimeZoneId::Wit, cal),
        Err(DeadlineError::OutsideCalendar { .. })
    ));
}

#[test]
fn working_days_between_counts_after_start_through_end() {
    let cal = HolidayCalendar::embedded();
    assert_eq!(working_days_between(date(2024, 4, 5), date(2024, 4, 24), cal), Ok(7));
    assert_eq!(working_days_between(date(2024, 4, 5), date(2024, 4, 15), cal), Ok(0));
    assert_eq!(working_days_between(date(2024, 7, 15), date(2024, 7, 15), cal), Ok(0));
    assert_eq!(working_days_between(date(2024, 7, 16), date(2024, 7, 15), cal), Ok(0));
    // 2025: 365 days, 104 weekend days, and the CSV's holidays that fall on weekdays.
    let weekday_holidays =
        cal.holidays().filter(|h| h.date.year() == 2025 && h.date.weekday().number_from_monday() <= 5).count() as u32;
    assert_eq!(working_days_between(date(2024, 12, 31), date(2025, 12, 31), cal), Ok(261 - weekday_holidays));
}

#[test]
fn deadline_records_rule_version_and_citation() {
    let cal = HolidayCalendar::embedded();
    let d = Deadline::for_rule("pemilu.handling_extended", utc("2024-02-05T01:00:00Z"), TimeZoneId::Wib, cal).unwrap();
    assert_eq!(d.rule_id, "pemilu.handling_extended");
    assert_eq!(d.rule_set_version, 1);
    assert!(d.citation.contains("454 ayat (8)"));
    assert_eq!(d.due, DateTime::parse_from_rfc3339("2024-02-28T23:59:59+07:00").unwrap());

    // Met up to and including the last second, missed strictly after it.
    assert!(!d.is_overdue(utc("2024-02-28T16:59:59Z")));
    assert!(d.is_overdue(utc("2024-02-28T16:59:59Z") + Duration::milliseconds(1)));
    assert!(is_overdue(d.due, utc("2024-02-28T17:00:00Z")));
    assert!(!is_overdue(d.due, utc("2024-02-20T00:00:00Z")));

    let json = serde_json::to_string(&d).unwrap();
    assert!(json.contains("2024-02-28T23:59:59+07:00"), "{json}");
    assert_eq!(serde_json::from_str::<Deadline>(&json).unwrap(), d);
}

#[test]
fn calendar_parse_errors_name_the_line() {
    let err = HolidayCalendar::parse_csv(
        "date,type,name\n2024-01-01,libur_nasional,Tahun Baru\n2024-13-01,libur_nasional,X\n",
    )
    .unwrap_err();
    assert_eq!(err, CalendarError::BadDate { line: 3, value: "2024-13-01".into() });
    assert!(err.to_string().contains("line 3"), "{err}");

    let err = HolidayCalendar::parse_csv("date,type,name\r\n01/02/2024,libur_nasional,X\r\n").unwrap_err();
    assert_eq!(err, CalendarError::BadDate { line: 2, value: "01/02/2024".into() });

    let err = HolidayCalendar::parse_csv("date,type,name\n2024-01-01,libur,X\n").unwrap_err();
    assert_eq!(err, CalendarError::UnknownType { line: 2, value: "libur".into() });

    let err = HolidayCalendar::parse_csv("date,type,name\n2024-01-01,libur_nasional,A\n2024-01-02,cuti_bersama\n")
        .unwrap_err();
    assert!(matches!(err, CalendarError::BadRow { line: 3, .. }), "{err:?}");

    let err = HolidayCalendar::parse_csv("date,type,name\n2024-01-01,cuti_bersama,\n").unwrap_err();
    assert_eq!(err, CalendarError::EmptyName { line: 2 });

    assert!(matches!(HolidayCalendar::parse_csv("tanggal,jenis,nama\n"), Err(CalendarError::Header(_))));
    assert_eq!(HolidayCalendar::parse_csv("date,type,name\n"), Err(CalendarError::Empty));
}

#[test]
fn calendar_reads_quoted_names_and_merges_dates() {
    let cal = HolidayCalendar::parse_csv(
        "date,type,name\n2024-01-01,libur_nasional,\"Tahun Baru, Masehi\"\n2024-01-01,libur_nasional,Lain\n\
         2026-05-01,cuti_bersama,X\n",
    )
    .unwrap();
    assert_eq!(cal.covered_years(), 2024..=2026);
    let h = cal.holiday(date(2024, 1, 1)).unwrap();
    assert_eq!(h.names, ["Tahun Baru, Masehi", "Lain"]);
    assert_eq!(cal.holiday(date(2026, 5, 1)).unwrap().kind, HolidayKind::CutiBersama);
    assert_eq!(cal.holidays().count(), 2);
}

#[test]
fn embedded_calendar_matches_the_csv() {
    let cal = HolidayCalendar::embedded();
    assert_eq!(cal.covered_years(), 2014..=2027);
    // 325 rows, one date (2021-05-13) listed twice.
    assert_eq!(cal.holidays().count(), 324);
    assert_eq!(cal.holidays().filter(|h| h.kind == HolidayKind::CutiBersama).count(), 88);
    assert_eq!(cal.holiday(date(2024, 11, 27)).unwrap().names, ["Hari Pemilihan Kepala Daerah"]);
}

const MIN_FROM: i64 = 1_388_534_400; // 2014-01-01T00:00:00Z
const MAX_FROM: i64 = 1_814_399_999; // 2027-06-30T23:59:59Z

fn zone_strategy() -> impl Strategy<Value = TimeZoneId> {
    prop_oneof![Just(TimeZoneId::Wib), Just(TimeZoneId::Wita), Just(TimeZoneId::Wit)]
}

proptest! {
    #[test]
    fn due_is_monotonic_and_never_before_from(
        a in MIN_FROM..=MAX_FROM,
        b in MIN_FROM..=MAX_FROM,
        tz in zone_strategy(),
    ) {
        let cal = HolidayCalendar::embedded();
        let (a, b) = (a.min(b), a.max(b));
        let (a, b) = (Utc.timestamp_opt(a, 0).unwrap(), Utc.timestamp_opt(b, 0).unwrap());
        for set in RuleSet::embedded_all() {
            for rule in &set.rules {
                let da = due(rule, a, tz, cal).unwrap();
                let db = due(rule, b, tz, cal).unwrap();
                prop_assert!(da <= db, "{}: due({a}) = {da} > due({b}) = {db}", rule.id);
                prop_assert!(da >= a, "{}: due({a}) = {da} is before from", rule.id);
                prop_assert_eq!(da.offset(), &tz.offset());
                if rule.unit == DurationUnit::WorkingDays && rule.count > 0 {
                    prop_assert!(cal.is_working_day(da.date_naive()), "{} due on a day off: {da}", rule.id);
                }
            }
        }
    }
}

#[test]
fn the_same_instant_can_be_different_local_days() {
    let cal = HolidayCalendar::embedded();
    let (_, rule) = find_rule("pemilu.completion_notice").unwrap();
    let from = utc("2026-03-16T16:30:00Z");
    let wib = due(rule, from, TimeZoneId::Wib, cal).unwrap();
    let wit = due(rule, from, TimeZoneId::Wit, cal).unwrap();
    assert_eq!(wib.offset(), &FixedOffset::east_opt(7 * 3600).unwrap());
    assert_eq!((wit.date_naive() - wib.date_naive()).num_days(), 8);
}
