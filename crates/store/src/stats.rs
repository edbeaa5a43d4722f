//! Aggregate counts for dashboards, always within the actor's scope, in both counting units:
//! cases (Bawaslu's unit) and civil servants (the authority's unit: one subject track per ASN).

use chrono::{DateTime, Utc};
use netra_domain::policy::Actor;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::cases::scope_clause;
use crate::codec::{from_json, from_ms, ms};
use crate::{Db, StoreError};

/// The handling funnel of one election. Each step counts what reached it or any later step, so the
/// numbers read like the published ones ("694 ASN reported, 492 recommended, 256 sanctioned").
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Funnel {
    pub reported: i64,
    pub registered: i64,
    pub referred: i64,
    pub recommended: i64,
    pub sanctioned: i64,
    pub not_registered: i64,
    pub stopped: i64,
    pub not_proven: i64,
    pub in_progress: i64,
}

const REFERRED_TRACK: &str = "('awaiting_verification', 'rejected', 'cancelled', 'not_proven', 'left_service', 'recommendation_issued', 'awaiting_ppk', 'overdue', 'data_blocked', 'escalated', 'sanctioned', 'unblocked')";
const RECOMMENDED_TRACK: &str =
    "('recommendation_issued', 'awaiting_ppk', 'overdue', 'data_blocked', 'escalated', 'sanctioned', 'unblocked')";
const SANCTIONED_TRACK: &str = "('sanctioned', 'unblocked')";
const OPEN_CASE: &str = "('received', 'incomplete', 'transferred', 'registered', 'clarification', 'study', 'plenary')";

fn bigint(r: &sqlx::any::AnyRow, c: &str) -> Result<i64, StoreError> {
    Ok(r.try_get::<Option<i64>, _>(c)?.unwrap_or(0))
}

/// The funnel counted in cases and in ASN, within `actor`'s scope.
pub async fn funnel(db: &Db, actor: &Actor, election_id: &str) -> Result<(Funnel, Funnel), StoreError> {
    let (clause, binds) = scope_clause(actor, 2);
    let case_sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS reported,
            CAST(SUM(CASE WHEN c.registered_at IS NOT NULL OR c.state = 'forwarded_direct' THEN 1 ELSE 0 END) AS BIGINT) AS registered,
            CAST(SUM(CASE WHEN c.forwarded THEN 1 ELSE 0 END) AS BIGINT) AS referred,
            CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM subject_tracks t WHERE t.case_id = c.id AND t.state IN {RECOMMENDED_TRACK}) THEN 1 ELSE 0 END) AS BIGINT) AS recommended,
            CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM subject_tracks t WHERE t.case_id = c.id AND t.state IN {SANCTIONED_TRACK}) THEN 1 ELSE 0 END) AS BIGINT) AS sanctioned,
            CAST(SUM(CASE WHEN c.state IN ('not_registered', 'withdrawn') THEN 1 ELSE 0 END) AS BIGINT) AS not_registered,
            CAST(SUM(CASE WHEN c.state IN ('stopped', 'gakkumdu') AND NOT c.forwarded THEN 1 ELSE 0 END) AS BIGINT) AS stopped,
            CAST(SUM(CASE WHEN c.forwarded AND NOT EXISTS (SELECT 1 FROM subject_tracks t WHERE t.case_id = c.id AND t.state NOT IN ('not_proven', 'not_forwarded')) THEN 1 ELSE 0 END) AS BIGINT) AS not_proven,
            CAST(SUM(CASE WHEN c.state IN {OPEN_CASE} THEN 1 ELSE 0 END) AS BIGINT) AS in_progress
         FROM cases c WHERE c.election_id = $1 AND {clause}"
    );
    let asn_sql = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS reported,
            CAST(SUM(CASE WHEN c.registered_at IS NOT NULL OR c.state = 'forwarded_direct' THEN 1 ELSE 0 END) AS BIGINT) AS registered,
            CAST(SUM(CASE WHEN t.state IN {REFERRED_TRACK} THEN 1 ELSE 0 END) AS BIGINT) AS referred,
            CAST(SUM(CASE WHEN t.state IN {RECOMMENDED_TRACK} THEN 1 ELSE 0 END) AS BIGINT) AS recommended,
            CAST(SUM(CASE WHEN t.state IN {SANCTIONED_TRACK} THEN 1 ELSE 0 END) AS BIGINT) AS sanctioned,
            CAST(SUM(CASE WHEN c.state IN ('not_registered', 'withdrawn') THEN 1 ELSE 0 END) AS BIGINT) AS not_registered,
            CAST(SUM(CASE WHEN t.state = 'not_forwarded' AND c.state NOT IN ('not_registered', 'withdrawn') THEN 1 ELSE 0 END) AS BIGINT) AS stopped,
            CAST(SUM(CASE WHEN t.state = 'not_proven' THEN 1 ELSE 0 END) AS BIGINT) AS not_proven,
            CAST(SUM(CASE WHEN t.state IN ('in_bawaslu', 'awaiting_verification', 'recommendation_issued', 'awaiting_ppk', 'overdue', 'data_blocked', 'escalated') OR (t.state = 'sanctioned' AND t.data_blocked) THEN 1 ELSE 0 END) AS BIGINT) AS in_progress
         FROM subject_tracks t JOIN cases c ON c.id = t.case_id WHERE c.election_id = $1 AND {clause}"
    );
    let mut out = [Funnel::default(), Funnel::default()];
    for (i, sql) in [case_sql, asn_sql].into_iter().enumerate() {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(election_id.to_owned());
        for b in &binds {
            q = q.bind(b.clone());
        }
        let r = q.fetch_one(&db.pool).await?;
        out[i] = Funnel {
            reported: bigint(&r, "reported")?,
            registered: bigint(&r, "registered")?,
            referred: bigint(&r, "referred")?,
            recommended: bigint(&r, "recommended")?,
            sanctioned: bigint(&r, "sanctioned")?,
            not_registered: bigint(&r, "not_registered")?,
            stopped: bigint(&r, "stopped")?,
            not_proven: bigint(&r, "not_proven")?,
            in_progress: bigint(&r, "in_progress")?,
        };
    }
    let [cases, asn] = out;
    Ok((cases, asn))
}

// ---------------------------------------------------------------------------------------------
// Breakdowns, PPK compliance, attendance, handling time and regions (dashboards and the map)
// ---------------------------------------------------------------------------------------------

/// What every dashboard figure is restricted to, on top of the actor's scope: one election, and
/// optionally a subtree of handling offices and a window on the receipt instant (both inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsFilter {
    pub election_id: String,
    /// Kemendagri code; the handling office must be this region or inside it.
    pub region: Option<String>,
    pub received_from: Option<DateTime<Utc>>,
    pub received_to: Option<DateTime<Utc>>,
}

/// A bind value of the dynamic statistics queries.
#[derive(Debug, Clone)]
enum Arg {
    Text(String),
    Int(i64),
}

/// `WHERE` condition on cases `c` (scope + filter) and, for ASN counts, on tracks `t` (an agency-
/// scoped actor such as a PPK counts only its own agency's civil servants), with bind values.
/// Every query must use both conditions: PostgreSQL refuses bind values without a placeholder.
struct Where {
    cases: String,
    tracks: String,
    args: Vec<Arg>,
}

impl Where {
    fn new(actor: &Actor, f: &StatsFilter) -> Where {
        let (scope, binds) = scope_clause(actor, 2);
        let mut args = vec![Arg::Text(f.election_id.clone())];
        args.extend(binds.into_iter().map(Arg::Text));
        let mut cases = format!("c.election_id = $1 AND {scope}");
        let mut push = |sql: &str, a: Arg, args: &mut Vec<Arg>| {
            args.push(a);
            cases.push_str(&sql.replace("$?", &format!("${}", args.len())));
        };
        if let Some(r) = &f.region {
            push(" AND (c.handling_region = $?", Arg::Text(r.clone()), &mut args);
            push(" OR c.handling_region LIKE $?)", Arg::Text(format!("{r}.%")), &mut args);
        }
        if let Some(t) = f.received_from {
            push(" AND c.received_at >= $?", Arg::Int(ms(t)), &mut args);
        }
        if let Some(t) = f.received_to {
            push(" AND c.received_at <= $?", Arg::Int(ms(t)), &mut args);
        }
        let tracks = match &actor.scope.agency_id {
            Some(a) => {
                args.push(Arg::Text(a.clone()));
                format!("t.agency_id = ${}", args.len())
            }
            None => "1 = 1".to_owned(),
        };
        Where { cases, tracks, args }
    }

    /// Placeholder for one more bind value appended after the filter's own.
    fn next(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    async fn fetch(&self, db: &Db, sql: String) -> Result<Vec<AnyRow>, StoreError> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for a in &self.args {
            q = match a {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Int(i) => q.bind(*i),
            };
        }
        Ok(q.fetch_all(&db.pool).await?)
    }
}

/// The dimensions a breakdown can be taken along.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Position class of the civil servant; camat/lurah (territorial heads) as their own class.
    PositionClass,
    /// SKB 2022 violation forms named in the alleged act (as reported/registered).
    ViolationForm,
    /// Category chosen by the neutrality authority in its recommendation (kode etik / disiplin).
    Category,
    /// Where the act happened: offline, social media, other online.
    Medium,
    /// Platform named for an online act.
    Platform,
    /// Kind of the employing agency: central, province, kabupaten/kota.
    AgencyKind,
    /// Province of the handling office.
    Province,
    /// Month the report was received, in the handling office's time zone.
    Month,
}

impl Dimension {
    pub const ALL: [Dimension; 8] = [
        Dimension::PositionClass,
        Dimension::ViolationForm,
        Dimension::Category,
        Dimension::Medium,
        Dimension::Platform,
        Dimension::AgencyKind,
        Dimension::Province,
        Dimension::Month,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::PositionClass => "position_class",
            Dimension::ViolationForm => "violation_form",
            Dimension::Category => "category",
            Dimension::Medium => "medium",
            Dimension::Platform => "platform",
            Dimension::AgencyKind => "agency_kind",
            Dimension::Province => "province",
            Dimension::Month => "month",
        }
    }

    pub fn parse(s: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// One category of a breakdown counted in both units. `key` is `None` where the attribute is not
/// recorded (handled by Bawaslu RI without a region, for instance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub key: Option<String>,
    /// Distinct cases with at least one case/ASN in this category.
    pub cases: i64,
    /// Subject tracks (one per civil servant per case) in this category.
    pub asn: i64,
}

fn counts(rows: &[AnyRow]) -> Result<Vec<Count>, StoreError> {
    rows.iter()
        .map(|r| Ok(Count { key: r.try_get("k")?, cases: bigint(r, "cases")?, asn: bigint(r, "asn")? }))
        .collect()
}

/// Cases and ASN within the scope and filter.
pub async fn totals(db: &Db, actor: &Actor, f: &StatsFilter) -> Result<(i64, i64), StoreError> {
    let w = Where::new(actor, f);
    let sql = format!(
        "SELECT CAST(COUNT(DISTINCT c.id) AS BIGINT) AS cases,
            CAST(COUNT(DISTINCT CASE WHEN {tracks} THEN t.id END) AS BIGINT) AS asn
         FROM cases c LEFT JOIN subject_tracks t ON t.case_id = c.id WHERE {cases}",
        tracks = w.tracks,
        cases = w.cases
    );
    let rows = w.fetch(db, sql).await?;
    let r = rows.first().ok_or(StoreError::NotFound)?;
    Ok((bigint(r, "cases")?, bigint(r, "asn")?))
}

/// Grouped counts along `dim` (not [`Dimension::Month`], which needs the time zone of each office:
/// see [`receipt_times`]). Keys are stored codes; the caller attaches labels.
pub async fn breakdown(db: &Db, actor: &Actor, f: &StatsFilter, dim: Dimension) -> Result<Vec<Count>, StoreError> {
    let w = Where::new(actor, f);
    let (cases, tracks) = (&w.cases, &w.tracks);
    // Case-level attributes count every track of the case; track-level ones only matching tracks.
    let grouped = |key: &str, joins: &str, extra: &str| {
        format!(
            "SELECT {key} AS k, CAST(COUNT(DISTINCT c.id) AS BIGINT) AS cases,
                CAST(COUNT(DISTINCT CASE WHEN {tracks} THEN t.id END) AS BIGINT) AS asn
             FROM cases c JOIN subject_tracks t ON t.case_id = c.id {joins}
             WHERE {cases} AND {tracks} {extra} GROUP BY {key} ORDER BY {key}"
        )
    };
    let sql = match dim {
        Dimension::PositionClass => grouped(
            "CASE WHEN a.territorial_head THEN 'territorial_head' ELSE COALESCE(a.position_class, 'unknown') END",
            "JOIN civil_servants a ON a.id = t.civil_servant_id",
            "",
        ),
        Dimension::Category => {
            grouped("COALESCE(r.category, 'none')", "LEFT JOIN recommendations r ON r.track_id = t.id", "")
        }
        Dimension::Medium => grouped("x.medium", "JOIN alleged_acts x ON x.case_id = c.id", ""),
        Dimension::Platform => grouped(
            "CASE WHEN x.medium = 'offline' THEN 'not_online' ELSE COALESCE(LOWER(TRIM(x.platform)), '') END",
            "JOIN alleged_acts x ON x.case_id = c.id",
            "",
        ),
        Dimension::AgencyKind => {
            grouped("COALESCE(g.kind, 'unknown')", "LEFT JOIN agencies g ON g.id = t.agency_id", "")
        }
        Dimension::Province => grouped("SUBSTR(c.handling_region, 1, 2)", "", ""),
        Dimension::ViolationForm => return violation_forms(db, &w).await,
        Dimension::Month => return Err(StoreError::Corrupt("month breakdowns are bucketed by the caller".into())),
    };
    counts(&w.fetch(db, sql).await?)
}

/// Violation forms are a JSON list per act; decoded here and counted per code (`unspecified` when
/// the reporter named none). One case or ASN counts under every form its act names.
async fn violation_forms(db: &Db, w: &Where) -> Result<Vec<Count>, StoreError> {
    let sql = format!(
        "SELECT c.id AS case_id, x.violation_codes, CAST(COUNT(DISTINCT t.id) AS BIGINT) AS asn
         FROM cases c JOIN alleged_acts x ON x.case_id = c.id JOIN subject_tracks t ON t.case_id = c.id
         WHERE {} AND {} GROUP BY c.id, x.violation_codes",
        w.cases, w.tracks
    );
    let mut per_code: std::collections::BTreeMap<String, (std::collections::BTreeSet<String>, i64)> =
        std::collections::BTreeMap::new();
    for r in w.fetch(db, sql).await? {
        let codes: Vec<String> = from_json(&r.try_get::<String, _>("violation_codes")?)?;
        let case_id: String = r.try_get("case_id")?;
        let asn = bigint(&r, "asn")?;
        let codes = if codes.is_empty() { vec!["unspecified".to_owned()] } else { codes };
        for code in codes {
            let e = per_code.entry(code).or_default();
            if e.0.insert(case_id.clone()) {
                e.1 += asn;
            }
        }
    }
    Ok(per_code.into_iter().map(|(k, (cases, asn))| Count { key: Some(k), cases: cases.len() as i64, asn }).collect())
}

/// One case's receipt instant, handling office and number of ASN, for bucketing by local month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub received_at: DateTime<Utc>,
    pub handling_region: Option<String>,
    pub asn: i64,
}

pub async fn receipt_times(db: &Db, actor: &Actor, f: &StatsFilter) -> Result<Vec<Receipt>, StoreError> {
    let w = Where::new(actor, f);
    let sql = format!(
        "SELECT c.id, c.received_at, c.handling_region, CAST(COUNT(DISTINCT CASE WHEN {tracks} THEN t.id END) AS BIGINT) AS asn
         FROM cases c LEFT JOIN subject_tracks t ON t.case_id = c.id WHERE {cases}
         GROUP BY c.id, c.received_at, c.handling_region",
        tracks = w.tracks,
        cases = w.cases
    );
    w.fetch(db, sql)
        .await?
        .iter()
        .map(|r| {
            Ok(Receipt {
                received_at: from_ms(r.try_get("received_at")?),
                handling_region: r.try_get("handling_region")?,
                asn: bigint(r, "asn")?,
            })
        })
        .collect()
}

/// Counts per handling office (region code as stored; `None` for Bawaslu RI), for the map.
pub async fn by_handling_region(db: &Db, actor: &Actor, f: &StatsFilter) -> Result<Vec<Count>, StoreError> {
    let w = Where::new(actor, f);
    let sql = format!(
        "SELECT c.handling_region AS k, CAST(COUNT(DISTINCT c.id) AS BIGINT) AS cases,
            CAST(COUNT(DISTINCT CASE WHEN {tracks} THEN t.id END) AS BIGINT) AS asn
         FROM cases c LEFT JOIN subject_tracks t ON t.case_id = c.id WHERE {cases}
         GROUP BY c.handling_region ORDER BY c.handling_region",
        tracks = w.tracks,
        cases = w.cases
    );
    counts(&w.fetch(db, sql).await?)
}

/// PPK follow-up of recommendations for one employing agency (ASN unit: subject tracks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyCompliance {
    /// `None` when the subject's agency is not recorded.
    pub agency_id: Option<String>,
    pub agency_code: Option<String>,
    pub agency_name: Option<String>,
    pub agency_kind: Option<String>,
    /// Tracks for which a recommendation was issued (they reached `recommendation_issued` or later).
    pub recommended: i64,
    /// Sanction decree recorded by the PPK.
    pub followed_up: i64,
    /// No sanction and the PPK deadline has passed (overdue, data blocked, escalated, or awaiting
    /// past the due instant).
    pub overdue: i64,
    /// No sanction, deadline still running.
    pub pending: i64,
    /// Tracks on which the authority blocked the civil servant's personnel data at least once.
    pub data_blocks: i64,
    /// Tracks escalated to Kemendagri or the President.
    pub escalated: i64,
}

const OVERDUE_TRACK: &str = "('overdue', 'data_blocked', 'escalated')";
const AWAITING_TRACK: &str = "('recommendation_issued', 'awaiting_ppk')";

pub async fn ppk_compliance(
    db: &Db,
    actor: &Actor,
    f: &StatsFilter,
    now: DateTime<Utc>,
) -> Result<Vec<AgencyCompliance>, StoreError> {
    let mut w = Where::new(actor, f);
    let now = w.next(Arg::Int(ms(now)));
    let sql = format!(
        "SELECT t.agency_id, g.code, g.name, g.kind, CAST(COUNT(*) AS BIGINT) AS recommended,
            CAST(SUM(CASE WHEN t.state IN {SANCTIONED_TRACK} THEN 1 ELSE 0 END) AS BIGINT) AS followed_up,
            CAST(SUM(CASE WHEN t.state IN {OVERDUE_TRACK} OR (t.state IN {AWAITING_TRACK} AND t.deadline_at IS NOT NULL AND t.deadline_at < {now}) THEN 1 ELSE 0 END) AS BIGINT) AS overdue,
            CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM enforcement_actions e WHERE e.track_id = t.id AND e.kind = 'data_block') THEN 1 ELSE 0 END) AS BIGINT) AS data_blocks,
            CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM enforcement_actions e WHERE e.track_id = t.id AND e.kind IN ('kemendagri_reprimand', 'president_escalation', 'ppk_sanction')) THEN 1 ELSE 0 END) AS BIGINT) AS escalated
         FROM subject_tracks t JOIN cases c ON c.id = t.case_id LEFT JOIN agencies g ON g.id = t.agency_id
         WHERE {} AND {} AND t.state IN {RECOMMENDED_TRACK}
         GROUP BY t.agency_id, g.code, g.name, g.kind ORDER BY g.name, t.agency_id",
        w.cases, w.tracks
    );
    w.fetch(db, sql)
        .await?
        .iter()
        .map(|r| {
            let (recommended, followed_up, overdue) =
                (bigint(r, "recommended")?, bigint(r, "followed_up")?, bigint(r, "overdue")?);
            Ok(AgencyCompliance {
                agency_id: r.try_get("agency_id")?,
                agency_code: r.try_get("code")?,
                agency_name: r.try_get("name")?,
                agency_kind: r.try_get("kind")?,
                recommended,
                followed_up,
                overdue,
                pending: recommended - followed_up - overdue,
                data_blocks: bigint(r, "data_blocks")?,
                escalated: bigint(r, "escalated")?,
            })
        })
        .collect()
}

/// One clarification invitation as counted by the attendance statistics (no names leave the core).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub case_id: String,
    /// Identifies the invitee within the case (the subject track, else the invitee's name).
    pub invitee: String,
    pub role: String,
    pub invitation_no: i64,
    /// `pending`, `attended` or `absent`.
    pub attendance: String,
}

pub async fn invitations(db: &Db, actor: &Actor, f: &StatsFilter) -> Result<Vec<Invitation>, StoreError> {
    let w = Where::new(actor, f);
    let sql = format!(
        "SELECT s.case_id, COALESCE(s.subject_id, s.invitee_name) AS invitee, s.invitee_role,
            CAST(s.invitation_no AS BIGINT) AS invitation_no, s.attendance
         FROM clarification_sessions s JOIN cases c ON c.id = s.case_id
         WHERE {} AND EXISTS (SELECT 1 FROM subject_tracks t WHERE t.case_id = c.id AND {})
         ORDER BY s.case_id, s.scheduled_at",
        w.cases, w.tracks
    );
    w.fetch(db, sql)
        .await?
        .iter()
        .map(|r| {
            Ok(Invitation {
                case_id: r.try_get("case_id")?,
                invitee: r.try_get("invitee")?,
                role: r.try_get("invitee_role")?,
                invitation_no: bigint(r, "invitation_no")?,
                attendance: r.try_get("attendance")?,
            })
        })
        .collect()
}

/// Phases whose duration is measured against a legal deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Bawaslu: registration → plenary decision (unit: case; office: handling region).
    Bawaslu,
    /// Neutrality authority: referral → verification outcome (unit: ASN; office: authority).
    Authority,
    /// PPK: recommendation → sanction decree recorded (unit: ASN; office: employing agency).
    Ppk,
}

/// One measured interval; `end` is `None` while the phase is still open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    pub phase: Phase,
    /// Handling region (Bawaslu), authority id, or agency id.
    pub office: Option<String>,
    /// Display name when the store knows it (agencies).
    pub office_name: Option<String>,
    /// Handling region of the case: its province sets the time zone the deadline counts in.
    pub handling_region: Option<String>,
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
}

const VERIFICATION_OUTCOMES: &str =
    "('issue_recommendation', 'reject', 'cancel', 'find_not_proven', 'record_left_service')";

pub async fn intervals(db: &Db, actor: &Actor, f: &StatsFilter) -> Result<Vec<Interval>, StoreError> {
    let w = Where::new(actor, f);
    let (cases, tracks) = (&w.cases, &w.tracks);
    let bawaslu = format!(
        "SELECT c.handling_region AS office, CAST(NULL AS TEXT) AS office_name, c.handling_region, c.registered_at AS start_at,
            (SELECT CAST(MIN(p.decided_at) AS BIGINT) FROM plenary_decisions p WHERE p.case_id = c.id) AS end_at
         FROM cases c WHERE {cases} AND c.registered_at IS NOT NULL
            AND EXISTS (SELECT 1 FROM subject_tracks t WHERE t.case_id = c.id AND {tracks})"
    );
    let authority = format!(
        "SELECT t.authority_id AS office, CAST(NULL AS TEXT) AS office_name, c.handling_region,
            (SELECT CAST(MIN(r.referred_at) AS BIGINT) FROM referrals r WHERE r.case_id = c.id) AS start_at,
            (SELECT CAST(MIN(e.at) AS BIGINT) FROM track_events e WHERE e.track_id = t.id AND e.action IN {VERIFICATION_OUTCOMES}) AS end_at
         FROM subject_tracks t JOIN cases c ON c.id = t.case_id
         WHERE {cases} AND {tracks} AND t.state NOT IN ('in_bawaslu', 'not_forwarded')"
    );
    let ppk = format!(
        "SELECT t.agency_id AS office, g.name AS office_name, c.handling_region,
            (SELECT CAST(MIN(r.issued_at) AS BIGINT) FROM recommendations r WHERE r.track_id = t.id) AS start_at,
            (SELECT CAST(MIN(s.recorded_at) AS BIGINT) FROM sanctions s WHERE s.track_id = t.id) AS end_at
         FROM subject_tracks t JOIN cases c ON c.id = t.case_id LEFT JOIN agencies g ON g.id = t.agency_id
         WHERE {cases} AND {tracks} AND t.state IN {RECOMMENDED_TRACK}"
    );
    let mut out = Vec::new();
    for (phase, sql) in [(Phase::Bawaslu, bawaslu), (Phase::Authority, authority), (Phase::Ppk, ppk)] {
        for r in w.fetch(db, sql).await? {
            // A referral without a recorded start (imported data) cannot be measured.
            let Some(start) = r.try_get::<Option<i64>, _>("start_at")? else { continue };
            out.push(Interval {
                phase,
                office: r.try_get("office")?,
                office_name: r.try_get("office_name")?,
                handling_region: r.try_get("handling_region")?,
                start: from_ms(start),
                end: r.try_get::<Option<i64>, _>("end_at")?.map(from_ms),
            });
        }
    }
    Ok(out)
}

/// Inputs of the risk index (`netra_domain::risk`) per province (`prefix_len` 2) or kabupaten/kota
/// (`prefix_len` 5) of the handling office, in the ASN unit. Cases handled by a province office
/// count for the province only; cases without a handling region (Bawaslu RI) count nowhere.
/// A recommendation is unenforced when the PPK blocked it, it was escalated or marked overdue, or
/// its PPK deadline passed before `now` without a sanction (whether or not anyone marked it).
pub async fn risk_inputs(
    db: &Db,
    actor: &Actor,
    f: &StatsFilter,
    prefix_len: usize,
    now: DateTime<Utc>,
) -> Result<Vec<netra_domain::risk::RegionInputs>, StoreError> {
    let mut w = Where::new(actor, f);
    let now = w.next(Arg::Int(ms(now)));
    let forwarded = "t.state NOT IN ('in_bawaslu', 'not_forwarded')";
    let recommended = "t.state IN ('recommendation_issued', 'awaiting_ppk', 'overdue', 'data_blocked', 'escalated', 'sanctioned', 'unblocked')";
    let unenforced = format!(
        "(t.state IN ('overdue', 'escalated', 'data_blocked') OR t.data_blocked = TRUE \
         OR (t.state = 'awaiting_ppk' AND t.deadline_at < {now}))"
    );
    let senior = "(a.territorial_head = TRUE OR a.position_class IN ('jpt_utama', 'jpt_madya', 'jpt_pratama'))";
    let sql = format!(
        "SELECT SUBSTR(c.handling_region, 1, {prefix_len}) AS k,
            CAST(COUNT(t.id) AS BIGINT) AS reported,
            CAST(SUM(CASE WHEN t.state <> 'in_bawaslu' THEN 1 ELSE 0 END) AS BIGINT) AS decided,
            CAST(SUM(CASE WHEN {forwarded} THEN 1 ELSE 0 END) AS BIGINT) AS forwarded,
            CAST(SUM(CASE WHEN {senior} THEN 1 ELSE 0 END) AS BIGINT) AS senior,
            CAST(SUM(CASE WHEN {recommended} THEN 1 ELSE 0 END) AS BIGINT) AS recommended,
            CAST(SUM(CASE WHEN {unenforced} THEN 1 ELSE 0 END) AS BIGINT) AS unenforced
         FROM cases c JOIN subject_tracks t ON t.case_id = c.id JOIN civil_servants a ON a.id = t.civil_servant_id
         WHERE {cases} AND {tracks} AND LENGTH(c.handling_region) >= {prefix_len}
         GROUP BY SUBSTR(c.handling_region, 1, {prefix_len}) ORDER BY 1",
        cases = w.cases,
        tracks = w.tracks
    );
    w.fetch(db, sql)
        .await?
        .iter()
        .map(|r| {
            Ok(netra_domain::risk::RegionInputs {
                region: r.try_get("k")?,
                asn_reported: bigint(r, "reported")?,
                asn_decided: bigint(r, "decided")?,
                asn_forwarded: bigint(r, "forwarded")?,
                asn_senior: bigint(r, "senior")?,
                asn_recommended: bigint(r, "recommended")?,
                asn_unenforced: bigint(r, "unenforced")?,
            })
        })
        .collect()
}
