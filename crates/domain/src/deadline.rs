//! The deadline engine: legal time limits as versioned data, and one function that computes a due time.
//!
//! Rule sets live in `data/rules/pemilu.json` and `data/rules/pilkada.json` (sources and verification
//! status in `data/rules/SOURCE.md`) and are compiled in. Rule ids are fully qualified, `<set>.<name>`
//! (`pemilu.report`). A set carries a `version`; bump it whenever a rule changes, and keep the version
//! with every stored [`Deadline`] so an old case can be explained with the rules it was computed under.
//!
//! # Semantics of [`due`]
//!
//! `from` is first converted to the local time zone of the office handling the case (WIB, WITA or WIT);
//! every "day" below is a local calendar day in that zone.
//!
//! - [`DurationUnit::Hours`]: `from + count` hours. The same instant, only shown in the local offset.
//! - [`DurationUnit::CalendarDays`]: the local start date plus `count` days; due at 23:59:59 local time of
//!   that day (the last whole second of the day). `count = 0` is the end of the start day.
//! - [`DurationUnit::WorkingDays`]: counting starts on the day *after* the local start date; each
//!   Monday–Friday that is neither a libur nasional nor a cuti bersama counts, until `count` days have been
//!   counted; due at 23:59:59 local time of the last counted day. `count = 0` is the end of the start day.
//!   The start date and every day walked over must lie in the holiday calendar's covered years, otherwise
//!   [`DeadlineError::OutsideCalendar`]: an uncovered year is never treated as having no holidays.
//!
//! Consequences the rest of the system relies on: `due(from) >= from`, and `due` is monotonic
//! (non-decreasing) in `from` for a fixed rule, zone and calendar. Day-based deadlines do not depend on the
//! time of day of `from`, only on its local date. A deadline is missed only when `now` is strictly after
//! the due instant ([`is_overdue`]).

use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeDelta, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calendar::HolidayCalendar;
use crate::region::TimeZoneId;

const EMBEDDED_SETS: [(&str, &str); 2] = [
    ("pemilu.json", include_str!("../../../data/rules/pemilu.json")),
    ("pilkada.json", include_str!("../../../data/rules/pilkada.json")),
];

/// Why a deadline could not be computed or a rule set was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeadlineError {
    #[error("unknown deadline rule `{rule}`; known rules: {}", .known.join(", "))]
    UnknownRule { rule: String, known: Vec<String> },
    #[error(
        "cannot count working days on {date}: the holiday calendar covers only {}–{}",
        .covered.0, .covered.1
    )]
    OutsideCalendar { date: NaiveDate, covered: (i32, i32) },
    #[error("deadline falls outside the representable date range")]
    Overflow,
    #[error("invalid rule set {source_name}: {reason}")]
    InvalidRuleSet { source_name: String, reason: String },
}

/// How a rule's `count` is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    CalendarDays,
    WorkingDays,
    Hours,
}

/// One legal time limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineRule {
    /// `<set>.<name>`, e.g. `pemilu.report`.
    pub id: String,
    pub count: u32,
    pub unit: DurationUnit,
    /// The case event that starts the clock (`known_at`, `received_at`, `registered_at`, …).
    pub starts_from: String,
    /// Legal or documentary basis, as cited to users.
    pub citation: String,
    /// `true` only when the research saw the cited text itself ([V]); reported or unverified limits are
    /// `false` and should be shown as configurable defaults.
    pub verified: bool,
    pub description_id: String,
    pub description_en: String,
}

impl DeadlineRule {
    pub fn due(
        &self,
        from: DateTime<Utc>,
        tz: TimeZoneId,
        cal: &HolidayCalendar,
    ) -> Result<DateTime<FixedOffset>, DeadlineError> {
        due(self, from, tz, cal)
    }
}

/// A versioned set of rules for one election regime (`pemilu` or `pilkada`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub rules: Vec<DeadlineRule>,
}

impl RuleSet {
    /// Parses and checks a rule set: version ≥ 1, rule ids `<set id>.<name>` in `[a-z0-9_]`, unique,
    /// with a non-empty `starts_from` and citation.
    pub fn parse_json(source_name: &str, text: &str) -> Result<Self, DeadlineError> {
        let invalid = |reason: String| DeadlineError::InvalidRuleSet { source_name: source_name.to_owned(), reason };
        let set: RuleSet = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if !is_name(&set.id) {
            return Err(invalid(format!("set id `{}` must be [a-z0-9_]+", set.id)));
        }
        if set.version == 0 {
            return Err(invalid("version must be at least 1".into()));
        }
        let mut seen = std::collections::BTreeSet::new();
        for rule in &set.rules {
            let name_ok =
                rule.id.strip_prefix(set.id.as_str()).and_then(|rest| rest.strip_prefix('.')).is_some_and(is_name);
            if !name_ok {
                return Err(invalid(format!("rule id `{}` must be `{}.<name>` with name [a-z0-9_]+", rule.id, set.id)));
            }
            if !seen.insert(rule.id.as_str()) {
                return Err(invalid(format!("rule id `{}` appears twice", rule.id)));
            }
            if rule.starts_from.trim().is_empty() || rule.citation.trim().is_empty() {
                return Err(invalid(format!("rule `{}` needs starts_from and citation", rule.id)));
            }
        }
        Ok(set)
    }

    /// The compiled-in rule sets, `pemilu` then `pilkada`.
    pub fn embedded_all() -> &'static [RuleSet] {
        static SETS: OnceLock<Vec<RuleSet>> = OnceLock::new();
        SETS.get_or_init(|| {
            EMBEDDED_SETS
                .iter()
                .map(|(name, text)| RuleSet::parse_json(name, text).expect("embedded rule set is valid"))
                .collect()
        })
    }

    pub fn embedded(id: &str) -> Option<&'static RuleSet> {
        Self::embedded_all().iter().find(|s| s.id == id)
    }

    /// Looks up a fully qualified rule id (`pemilu.report`) in this set.
    pub fn get(&self, rule_id: &str) -> Result<&DeadlineRule, DeadlineError> {
        self.rules.iter().find(|r| r.id == rule_id).ok_or_else(|| DeadlineError::UnknownRule {
            rule: rule_id.to_owned(),
            known: self.rule_ids().map(str::to_owned).collect(),
        })
    }

    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Finds a fully qualified rule id among the embedded sets.
pub fn find_rule(rule_id: &str) -> Result<(&'static RuleSet, &'static DeadlineRule), DeadlineError> {
    let sets = RuleSet::embedded_all();
    sets.iter().find_map(|set| set.get(rule_id).ok().map(|rule| (set, rule))).ok_or_else(|| {
        DeadlineError::UnknownRule {
            rule: rule_id.to_owned(),
            known: sets.iter().flat_map(RuleSet::rule_ids).map(str::to_owned).collect(),
        }
    })
}

/// When `rule` expires for a clock started at `from`, in the local offset of `tz` (see the module doc).
pub fn due(
    rule: &DeadlineRule,
    from: DateTime<Utc>,
    tz: TimeZoneId,
    cal: &HolidayCalendar,
) -> Result<DateTime<FixedOffset>, DeadlineError> {
    let offset = tz.offset();
    let local = from.with_timezone(&offset);
    match rule.unit {
        DurationUnit::Hours => {
            local.checked_add_signed(TimeDelta::hours(i64::from(rule.count))).ok_or(DeadlineError::Overflow)
        }
        DurationUnit::CalendarDays => {
            let day = local
                .date_naive()
                .checked_add_days(chrono::Days::new(u64::from(rule.count)))
                .ok_or(DeadlineError::Overflow)?;
            end_of_day(day, offset)
        }
        DurationUnit::WorkingDays => {
            let day = nth_working_day_after(local.date_naive(), rule.count, cal)?;
            end_of_day(day, offset)
        }
    }
}

fn end_of_day(day: NaiveDate, offset: FixedOffset) -> Result<DateTime<FixedOffset>, DeadlineError> {
    let last_second = day.and_hms_opt(23, 59, 59).ok_or(DeadlineError::Overflow)?;
    offset.from_local_datetime(&last_second).single().ok_or(DeadlineError::Overflow)
}

fn outside(date: NaiveDate, cal: &HolidayCalendar) -> DeadlineError {
    let years = cal.covered_years();
    DeadlineError::OutsideCalendar { date, covered: (*years.start(), *years.end()) }
}

fn nth_working_day_after(start: NaiveDate, count: u32, cal: &HolidayCalendar) -> Result<NaiveDate, DeadlineError> {
    if !cal.covers(start) {
        return Err(outside(start, cal));
    }
    let mut day = start;
    let mut left = count;
    while left > 0 {
        day = day.succ_opt().ok_or(DeadlineError::Overflow)?;
        if !cal.covers(day) {
            return Err(outside(day, cal));
        }
        if cal.is_working_day(day) {
            left -= 1;
        }
    }
    Ok(day)
}

/// Working days in `(start, end]`: the days after `start` up to and including `end`, counted like
/// [`DurationUnit::WorkingDays`], so `working_days_between(start, due_date) == count` for a working-day
/// rule. Zero when `end <= start`. Both dates must lie in the calendar's covered years.
pub fn working_days_between(start: NaiveDate, end: NaiveDate, cal: &HolidayCalendar) -> Result<u32, DeadlineError> {
    for date in [start, end] {
        if !cal.covers(date) {
            return Err(outside(date, cal));
        }
    }
    // Covered years are contiguous, so every day between two covered dates is covered too.
    Ok(start
        .iter_days()
        .skip(1)
        .take_while(|d| *d <= end)
        .filter(|d| cal.is_working_day(*d))
        .count()
        .try_into()
        .unwrap_or(u32::MAX))
}

/// A computed deadline, with what is needed to explain it later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub rule_id: String,
    pub rule_set_version: u32,
    pub due: DateTime<FixedOffset>,
    pub citation: String,
}

impl Deadline {
    pub fn compute(
        set: &RuleSet,
        rule: &DeadlineRule,
        from: DateTime<Utc>,
        tz: TimeZoneId,
        cal: &HolidayCalendar,
    ) -> Result<Self, DeadlineError> {
        Ok(Deadline {
            rule_id: rule.id.clone(),
            rule_set_version: set.version,
            due: due(rule, from, tz, cal)?,
            citation: rule.citation.clone(),
        })
    }

    /// [`Deadline::compute`] for a fully qualified id among the embedded rule sets.
    pub fn for_rule(
        rule_id: &str,
        from: DateTime<Utc>,
        tz: TimeZoneId,
        cal: &HolidayCalendar,
    ) -> Result<Self, DeadlineError> {
        let (set, rule) = find_rule(rule_id)?;
        Self::compute(set, rule, from, tz, cal)
    }

    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        is_overdue(self.due, now)
    }
}

/// Missed only strictly after the due instant: at 23:59:59 local the deadline is still met.
pub fn is_overdue(due: DateTime<FixedOffset>, now: DateTime<Utc>) -> bool {
    now > due
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_sets_parse() {
        let ids: Vec<_> = RuleSet::embedded_all().iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["pemilu", "pilkada"]);
    }

    #[test]
    fn rejects_bad_rule_ids() {
        let json = r#"{"id":"pemilu","version":1,"title":"t","rules":[{"id":"pilkada.x","count":1,
            "unit":"hours","starts_from":"known_at","citation":"c","verified":false,
            "description_id":"","description_en":""}]}"#;
        let err = RuleSet::parse_json("t.json", json).unwrap_err();
        assert!(err.to_string().contains("pilkada.x"), "{err}");
    }

    #[test]
    fn year_check_uses_calendar_coverage() {
        let cal = HolidayCalendar::embedded();
        let start = NaiveDate::from_ymd_opt(2027, 12, 30).unwrap();
        assert!(matches!(
            nth_working_day_after(start, 2, cal),
            Err(DeadlineError::OutsideCalendar { covered: (2014, 2027), .. })
        ));
    }
}
