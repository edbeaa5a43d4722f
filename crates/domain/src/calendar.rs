//! Indonesian public holidays and cuti bersama, for counting working days.
//!
//! The list is compiled in from `data/holidays/holidays-2014-2027.csv` (columns `date,type,name`, `type` =
//! `libur_nasional` | `cuti_bersama`; provenance in `data/holidays/SOURCE.md`). A working day is Monday to
//! Friday and neither a *libur nasional* (national holiday, including election-day holidays) nor a *cuti
//! bersama* (collective leave for ASN), because ASN offices are closed on both.
//!
//! Invariants:
//! - The calendar knows which years it covers ([`HolidayCalendar::covered_years`]: first to last year that
//!   has a row). Callers that count working days must refuse dates outside that range rather than treat an
//!   unknown year as holiday-free; [`HolidayCalendar::is_working_day`] alone cannot tell the difference.
//! - A date listed on several rows is one [`Holiday`] carrying every name. If the rows disagree on the
//!   type, [`HolidayKind::LiburNasional`] wins (it is the stronger status; both close offices anyway).
//! - [`HolidayCalendar::version`] is derived from the parsed rows (not the raw bytes, so line endings do
//!   not matter) and changes whenever a date, type or name changes; store it next to computed deadlines.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use thiserror::Error;

const EMBEDDED_CSV: &str = include_str!("../../../data/holidays/holidays-2014-2027.csv");

/// Why a holiday CSV was refused. Line numbers are 1-based and count the header as line 1.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    #[error("holiday CSV header must be `date,type,name`, got `{0}`")]
    Header(String),
    #[error("holiday CSV line {line}: {reason}")]
    BadRow { line: u64, reason: String },
    #[error("holiday CSV line {line}: unknown type `{value}` (expected libur_nasional or cuti_bersama)")]
    UnknownType { line: u64, value: String },
    #[error("holiday CSV line {line}: `{value}` is not a date of the form YYYY-MM-DD")]
    BadDate { line: u64, value: String },
    #[error("holiday CSV line {line}: empty holiday name")]
    EmptyName { line: u64 },
    #[error("holiday CSV has no rows, so it covers no year")]
    Empty,
}

/// Whether the day is a national holiday or collective leave for ASN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    LiburNasional,
    CutiBersama,
}

impl HolidayKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HolidayKind::LiburNasional => "libur_nasional",
            HolidayKind::CutiBersama => "cuti_bersama",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "libur_nasional" => Some(HolidayKind::LiburNasional),
            "cuti_bersama" => Some(HolidayKind::CutiBersama),
            _ => None,
        }
    }
}

impl fmt::Display for HolidayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One day off, with every name the source gives it (in source order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub kind: HolidayKind,
    pub names: Vec<String>,
}

/// Holidays and cuti bersama over a known range of years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayCalendar {
    days: BTreeMap<NaiveDate, Holiday>,
    first_year: i32,
    last_year: i32,
    version: String,
}

impl HolidayCalendar {
    /// Parses `date,type,name` CSV (header required, RFC 4180 quoting, LF or CRLF line ends).
    pub fn parse_csv(text: &str) -> Result<Self, CalendarError> {
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
        let header = reader.headers().map_err(|e| CalendarError::BadRow { line: 1, reason: e.to_string() })?;
        if header.iter().map(str::trim).collect::<Vec<_>>() != ["date", "type", "name"] {
            return Err(CalendarError::Header(header.iter().collect::<Vec<_>>().join(",")));
        }

        let mut days: BTreeMap<NaiveDate, Holiday> = BTreeMap::new();
        let mut hash = Fnv1a64::new();
        for record in reader.records() {
            let record = record.map_err(|e| CalendarError::BadRow {
                line: line_at(text, e.position().map_or(0, |p| p.byte())),
                reason: e.to_string(),
            })?;
            let line = line_at(text, record.position().map_or(0, |p| p.byte()));
            if record.len() != 3 {
                return Err(CalendarError::BadRow {
                    line,
                    reason: format!("expected 3 fields (date,type,name), got {}", record.len()),
                });
            }
            let (date_s, kind_s, name) = (record[0].trim(), record[1].trim(), record[2].trim());
            let date =
                parse_iso_date(date_s).ok_or_else(|| CalendarError::BadDate { line, value: date_s.to_owned() })?;
            let kind = HolidayKind::parse(kind_s)
                .ok_or_else(|| CalendarError::UnknownType { line, value: kind_s.to_owned() })?;
            if name.is_empty() {
                return Err(CalendarError::EmptyName { line });
            }
            hash.write(date_s.as_bytes());
            hash.write(b"\x1f");
            hash.write(kind_s.as_bytes());
            hash.write(b"\x1f");
            hash.write(name.as_bytes());
            hash.write(b"\x1e");

            let entry = days.entry(date).or_insert_with(|| Holiday { date, kind, names: Vec::new() });
            if kind == HolidayKind::LiburNasional {
                entry.kind = HolidayKind::LiburNasional;
            }
            if !entry.names.iter().any(|n| n == name) {
                entry.names.push(name.to_owned());
            }
        }

        let (Some(first), Some(last)) = (days.keys().next(), days.keys().next_back()) else {
            return Err(CalendarError::Empty);
        };
        let (first_year, last_year) = (first.year(), last.year());
        let version = format!("holidays-id-{first_year}-{last_year}/fnv1a64-{:016x}", hash.finish());
        Ok(HolidayCalendar { days, first_year, last_year, version })
    }

    /// The calendar shipped in the binary (parsed once; the data is checked by tests, so a parse failure
    /// here is a build defect, not a runtime condition).
    pub fn embedded() -> &'static HolidayCalendar {
        static CAL: OnceLock<HolidayCalendar> = OnceLock::new();
        CAL.get_or_init(|| HolidayCalendar::parse_csv(EMBEDDED_CSV).expect("embedded holiday CSV is valid"))
    }

    /// First to last year that has at least one row. Years in between are assumed complete.
    pub fn covered_years(&self) -> RangeInclusive<i32> {
        self.first_year..=self.last_year
    }

    pub fn covers(&self, date: NaiveDate) -> bool {
        self.covered_years().contains(&date.year())
    }

    pub fn holiday(&self, date: NaiveDate) -> Option<&Holiday> {
        self.days.get(&date)
    }

    /// Monday to Friday and not a libur nasional or cuti bersama. Says nothing about coverage: a date in
    /// an uncovered year is answered from weekdays alone, so check [`Self::covers`] when it matters.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.days.contains_key(&date)
    }

    /// Every listed day, in date order.
    pub fn holidays(&self) -> impl Iterator<Item = &Holiday> {
        self.days.values()
    }

    /// `holidays-id-<first>-<last>/fnv1a64-<16 hex>`: the covered years and a hash of the parsed rows.
    pub fn version(&self) -> &str {
        &self.version
    }
}

/// 1-based line of the record starting at `byte`. csv's own line counter is off by one after CRLF line
/// ends (the shipped file uses CRLF), and after a CRLF the record offset points at the `\n`, hence `..=`.
fn line_at(text: &str, byte: u64) -> u64 {
    let end = usize::try_from(byte).map_or(text.len(), |b| b.saturating_add(1).min(text.len()));
    let newlines = text.as_bytes()[..end].iter().filter(|b| **b == b'\n').count();
    u64::try_from(newlines).map_or(u64::MAX, |n| n + 1)
}

/// Strict `YYYY-MM-DD` (chrono alone would also accept e.g. `2024-2-1`).
fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// FNV-1a, 64 bit: enough to tell calendar versions apart without pulling a hash crate into the domain.
struct Fnv1a64(u64);

impl Fnv1a64 {
    fn new() -> Self {
        Fnv1a64(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn embedded_covers_2014_to_2027() {
        let cal = HolidayCalendar::embedded();
        assert_eq!(cal.covered_years(), 2014..=2027);
        // Pinned so a change to the shipped list is a deliberate act (update data/holidays/SOURCE.md too).
        assert_eq!(cal.version(), "holidays-id-2014-2027/fnv1a64-5fb321d5047bc48e");
    }

    #[test]
    fn election_days_are_holidays() {
        let cal = HolidayCalendar::embedded();
        // Wed 14 Feb 2024: Pemilu; Wed 27 Nov 2024: Pilkada serentak.
        assert!(!cal.is_working_day(d("2024-02-14")));
        assert_eq!(cal.holiday(d("2024-02-14")).unwrap().kind, HolidayKind::LiburNasional);
        assert!(cal.is_working_day(d("2024-02-15")));
        assert!(!cal.is_working_day(d("2024-11-27")));
        assert!(cal.is_working_day(d("2024-11-28")));
    }

    #[test]
    fn cuti_bersama_is_not_a_working_day() {
        let cal = HolidayCalendar::embedded();
        let boxing = cal.holiday(d("2025-12-26")).unwrap();
        assert_eq!(boxing.kind, HolidayKind::CutiBersama);
        assert_eq!(boxing.names, ["Cuti Bersama Hari Raya Natal"]);
        assert!(!cal.is_working_day(d("2025-12-26")));
        // Mon 15 Apr 2024, the last Idul Fitri cuti bersama of 2024.
        assert!(!cal.is_working_day(d("2024-04-15")));
        assert!(cal.is_working_day(d("2024-04-16")));
        // 2026-12-24 (Thu) is cuti bersama, 2026-12-25 (Fri) Natal.
        assert_eq!(cal.holiday(d("2026-12-24")).unwrap().kind, HolidayKind::CutiBersama);
    }

    #[test]
    fn weekends_and_plain_days() {
        let cal = HolidayCalendar::embedded();
        assert!(!cal.is_working_day(d("2024-02-17"))); // Saturday
        assert!(!cal.is_working_day(d("2024-02-18"))); // Sunday
        assert!(cal.is_working_day(d("2024-02-19")));
        assert!(cal.holiday(d("2024-02-19")).is_none());
    }

    #[test]
    fn duplicate_dates_keep_every_name() {
        let cal = HolidayCalendar::embedded();
        // Ascension Day and Idul Fitri fell on the same day in 2021.
        let h = cal.holiday(d("2021-05-13")).unwrap();
        assert_eq!(h.names.len(), 2);
        assert_eq!(h.kind, HolidayKind::LiburNasional);
    }

    #[test]
    fn mixed_types_on_one_date_become_libur_nasional() {
        let cal =
            HolidayCalendar::parse_csv("date,type,name\n2024-01-02,cuti_bersama,A\n2024-01-02,libur_nasional,B\n")
                .unwrap();
        let h = cal.holiday(d("2024-01-02")).unwrap();
        assert_eq!(h.kind, HolidayKind::LiburNasional);
        assert_eq!(h.names, ["A", "B"]);
    }

    #[test]
    fn version_ignores_line_endings_but_not_content() {
        let lf = HolidayCalendar::parse_csv("date,type,name\n2024-01-01,libur_nasional,X\n").unwrap();
        let crlf = HolidayCalendar::parse_csv("date,type,name\r\n2024-01-01,libur_nasional,X\r\n").unwrap();
        let other = HolidayCalendar::parse_csv("date,type,name\n2024-01-01,libur_nasional,Y\n").unwrap();
        assert_eq!(lf.version(), crlf.version());
        assert_ne!(lf.version(), other.version());
    }

    #[test]
    fn crlf_errors_report_the_right_line() {
        let text = "date,type,name\r\n2024-01-01,libur_nasional,A\r\n2024-01-02,libur,B\r\n";
        assert_eq!(
            HolidayCalendar::parse_csv(text),
            Err(CalendarError::UnknownType { line: 3, value: "libur".into() })
        );
    }

    #[test]
    fn strict_dates() {
        assert!(parse_iso_date("2024-02-01").is_some());
        assert!(parse_iso_date("2024-2-01").is_none());
        assert!(parse_iso_date("2024-02-30").is_none());
        assert!(parse_iso_date("+2024-02-01").is_none());
    }
}
