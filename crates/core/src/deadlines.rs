//! Which legal deadline runs in which state. The rule values live in `data/rules/*.json`
//! (netra-domain::deadline); this module only says which rule applies when, and from what instant.

use chrono::FixedOffset;
use chrono::{DateTime, Utc};
use netra_domain::calendar::HolidayCalendar;
use netra_domain::deadline::{DeadlineRule, RuleSet, due, find_rule};
use netra_domain::ids::RegionCode;
use netra_domain::model::ElectionKind;
use netra_domain::region::TimeZoneId;
use netra_domain::workflow::{CaseState, TrackState};

use crate::CoreError;

/// Time zone a case is counted in: its handling region's province (WIB for Bawaslu RI).
pub fn case_time_zone(handling_region: Option<&str>) -> TimeZoneId {
    handling_region
        .and_then(|r| RegionCode::parse(r).ok())
        .and_then(|r| TimeZoneId::for_region(&r))
        .unwrap_or(TimeZoneId::Wib)
}

/// Computes the due instant of `rule` (fully-qualified id such as `pemilu.report`).
pub fn due_at(rule: &str, from: DateTime<Utc>, tz: TimeZoneId) -> Result<DateTime<Utc>, CoreError> {
    let (_, r) = find_rule(rule)?;
    Ok(due(r, from, tz, HolidayCalendar::embedded())?.with_timezone(&Utc))
}

/// The deadline a case carries in `state`, counted from `from` (the instant the clock started).
pub fn case_deadline(
    kind: ElectionKind,
    state: CaseState,
    from: DateTime<Utc>,
    tz: TimeZoneId,
) -> Result<Option<(String, DateTime<Utc>)>, CoreError> {
    let name = match state {
        CaseState::Received => "kajian_awal",
        CaseState::Incomplete => "completion",
        CaseState::Registered => "handling",
        // Clarification means more information is being gathered: the extended handling period.
        CaseState::Clarification | CaseState::Study | CaseState::Plenary => "handling_extended",
        _ => return Ok(None),
    };
    let rule = format!("{}.{name}", kind.rule_set());
    Ok(Some((rule.clone(), due_at(&rule, from, tz)?)))
}

/// The deadline a subject track carries in `state`, or `None` when no clock runs.
pub fn track_deadline(
    kind: ElectionKind,
    state: TrackState,
    from: DateTime<Utc>,
    tz: TimeZoneId,
) -> Result<Option<(String, DateTime<Utc>)>, CoreError> {
    let name = match state {
        TrackState::AwaitingVerification => "authority_verification",
        TrackState::RecommendationIssued | TrackState::AwaitingPpk => "ppk_follow_up",
        _ => return Ok(None),
    };
    let rule = format!("{}.{name}", kind.rule_set());
    Ok(Some((rule.clone(), due_at(&rule, from, tz)?)))
}

/// Version of the deadline rule set that governs `kind` (stored with every case).
pub fn rule_set_version(kind: ElectionKind) -> i64 {
    RuleSet::embedded(kind.rule_set()).map_or(0, |r| i64::from(r.version))
}

/// A deadline explained for a person checking it by hand: the due instant in the region's zone,
/// the rule applied and the zone. Shared by `GET /api/v1/deadlines` and `netra deadline`.
pub fn deadline_in_region(
    rule: &str,
    from: DateTime<Utc>,
    region: &str,
) -> Result<(DateTime<FixedOffset>, &'static DeadlineRule, TimeZoneId), CoreError> {
    let code = RegionCode::parse(region).map_err(|e| CoreError::invalid("region", "invalid_region", e.to_string()))?;
    if netra_domain::catalogue::regions().get(&code).is_none() {
        return Err(CoreError::invalid("region", "unknown_region", format!("unknown region `{code}`")));
    }
    let tz = case_time_zone(Some(code.as_str()));
    let (_, r) = find_rule(rule)?;
    Ok((due(r, from, tz, HolidayCalendar::embedded())?, r, tz))
}
