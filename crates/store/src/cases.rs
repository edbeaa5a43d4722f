//! Intakes, cases, subject tracks, clarification sessions and the decisions recorded on them.
//!
//! Every read of a case goes through [`scope_clause`], which turns the actor's scope into SQL, so a
//! case outside the scope is indistinguishable from a missing one. Writes use optimistic
//! concurrency: the caller passes the version it read and gets [`StoreError::Conflict`] if another
//! officer changed the row first; the surrounding transaction then rolls back as a whole.

use chrono::{DateTime, Utc};
use netra_domain::model::{Attendance, CivilServant, ClarificationMode, ClarificationSession, IntakeKind, InviteeRole};
use netra_domain::policy::Actor;
use netra_domain::workflow::{CaseState, TrackState, TrackStatus};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec::{from_ms, ms, parse_enum};
use crate::people::row_to_asn;
use crate::{Db, StoreError, Tx};

/// An intake as stored (reporter identity lives sealed in `sealed_identities`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct IntakeRecord {
    pub id: String,
    pub kind: IntakeKind,
    pub channel: String,
    pub election_id: String,
    pub known_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    pub late: bool,
    pub late_rule: Option<String>,
    pub late_due_at: Option<DateTime<Utc>>,
    pub summary: String,
    pub created_by: String,
}

const INSERT_INTAKE: &str = "INSERT INTO intakes (id, kind, channel, election_id, known_at, received_at, receipt_hash, late, late_rule, late_due_at, summary, created_by, receipt_selector) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)";

/// The stored half of a receipt code: its clear selector and the Argon2id hash of the whole code.
#[derive(Debug, Clone, Copy)]
pub struct StoredReceipt<'a> {
    pub selector: &'a str,
    pub hash: &'a str,
}

pub async fn insert_intake(
    tx: &mut Tx,
    i: &IntakeRecord,
    receipt: Option<StoredReceipt<'_>>,
) -> Result<(), StoreError> {
    sqlx::query(INSERT_INTAKE)
        .bind(&i.id)
        .bind(i.kind.as_str())
        .bind(&i.channel)
        .bind(&i.election_id)
        .bind(ms(i.known_at))
        .bind(ms(i.received_at))
        .bind(receipt.map(|r| r.hash.to_owned()))
        .bind(i.late)
        .bind(i.late_rule.clone())
        .bind(i.late_due_at.map(ms))
        .bind(&i.summary)
        .bind(&i.created_by)
        .bind(receipt.map(|r| r.selector.to_owned()))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn insert_sealed_identity(
    tx: &mut Tx,
    intake_id: &str,
    key_id: &str,
    nonce: &[u8],
    ciphertext: &[u8],
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO sealed_identities (intake_id, key_id, nonce, ciphertext) VALUES ($1, $2, $3, $4)")
        .bind(intake_id)
        .bind(key_id)
        .bind(nonce.to_vec())
        .bind(ciphertext.to_vec())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A case as stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CaseRecord {
    pub id: String,
    pub intake_id: String,
    pub number: Option<String>,
    pub state: CaseState,
    pub version: i64,
    pub election_id: String,
    pub handling_region: Option<String>,
    pub kind: IntakeKind,
    pub received_at: DateTime<Utc>,
    pub registered_at: Option<DateTime<Utc>>,
    pub state_changed_at: DateTime<Utc>,
    pub deadline_rule: Option<String>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub forwarded: bool,
    pub gakkumdu: bool,
    pub catalogue_versions: serde_json::Value,
    pub rule_set_version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const INSERT_CASE: &str = "INSERT INTO cases (id, intake_id, number, state, version, election_id, handling_region, kind, received_at, registered_at, state_changed_at, deadline_rule, deadline_at, forwarded, gakkumdu, catalogue_versions, rule_set_version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)";

pub async fn insert_case(tx: &mut Tx, c: &CaseRecord) -> Result<(), StoreError> {
    sqlx::query(INSERT_CASE)
        .bind(&c.id)
        .bind(&c.intake_id)
        .bind(c.number.clone())
        .bind(c.state.as_str())
        .bind(c.version)
        .bind(&c.election_id)
        .bind(c.handling_region.clone())
        .bind(c.kind.as_str())
        .bind(ms(c.received_at))
        .bind(c.registered_at.map(ms))
        .bind(ms(c.state_changed_at))
        .bind(c.deadline_rule.clone())
        .bind(c.deadline_at.map(ms))
        .bind(c.forwarded)
        .bind(c.gakkumdu)
        .bind(c.catalogue_versions.to_string())
        .bind(c.rule_set_version)
        .bind(ms(c.created_at))
        .bind(ms(c.updated_at))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) const CASE_COLUMNS: &str = "c.id, c.intake_id, c.number, c.state, c.version, c.election_id, c.handling_region, c.kind, c.received_at, c.registered_at, c.state_changed_at, c.deadline_rule, c.deadline_at, CAST(CASE WHEN c.forwarded THEN 1 ELSE 0 END AS BIGINT) AS forwarded, CAST(CASE WHEN c.gakkumdu THEN 1 ELSE 0 END AS BIGINT) AS gakkumdu, c.catalogue_versions, c.rule_set_version, c.created_at, c.updated_at";

pub(crate) fn row_to_case(r: &AnyRow) -> Result<CaseRecord, StoreError> {
    let cv: String = r.try_get("catalogue_versions")?;
    Ok(CaseRecord {
        id: r.try_get("id")?,
        intake_id: r.try_get("intake_id")?,
        number: r.try_get("number")?,
        state: parse_enum(&r.try_get::<String, _>("state")?, CaseState::parse)?,
        version: r.try_get("version")?,
        election_id: r.try_get("election_id")?,
        handling_region: r.try_get("handling_region")?,
        kind: parse_enum(&r.try_get::<String, _>("kind")?, IntakeKind::parse)?,
        received_at: from_ms(r.try_get("received_at")?),
        registered_at: r.try_get::<Option<i64>, _>("registered_at")?.map(from_ms),
        state_changed_at: from_ms(r.try_get("state_changed_at")?),
        deadline_rule: r.try_get("deadline_rule")?,
        deadline_at: r.try_get::<Option<i64>, _>("deadline_at")?.map(from_ms),
        forwarded: crate::codec::get_bool(r, "forwarded")?,
        gakkumdu: crate::codec::get_bool(r, "gakkumdu")?,
        catalogue_versions: serde_json::from_str(&cv).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        rule_set_version: r.try_get("rule_set_version")?,
        created_at: from_ms(r.try_get("created_at")?),
        updated_at: from_ms(r.try_get("updated_at")?),
    })
}

/// SQL condition (on alias `c`) restricting cases to what `actor` may see, with its bind values.
/// Placeholders start at `$first`.
pub fn scope_clause(actor: &Actor, first: usize) -> (String, Vec<String>) {
    let mut sql = String::from("1 = 1");
    let mut binds = Vec::new();
    let mut n = first;
    if let Some(region) = &actor.scope.region {
        sql.push_str(&format!(" AND (c.handling_region = ${n} OR c.handling_region LIKE ${})", n + 1));
        binds.push(region.as_str().to_owned());
        binds.push(format!("{}.%", region.as_str()));
        n += 2;
    }
    if actor.role.sees_forwarded_only() {
        sql.push_str(" AND c.forwarded = TRUE");
    }
    if let Some(agency) = &actor.scope.agency_id {
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM subject_tracks st WHERE st.case_id = c.id AND st.agency_id = ${n} AND st.state NOT IN ('in_bawaslu', 'not_forwarded'))"
        ));
        binds.push(agency.clone());
    }
    (sql, binds)
}

/// A case within the actor's scope; outside the scope it is simply not found.
pub async fn case_in_scope<'e, E>(exec: E, actor: &Actor, id: &str) -> Result<CaseRecord, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let (clause, binds) = scope_clause(actor, 2);
    let sql = sqlx::AssertSqlSafe(format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1 AND {clause}"));
    let mut q = sqlx::query(sql).bind(id.to_owned());
    for b in binds {
        q = q.bind(b);
    }
    let r = q.fetch_optional(exec).await?.ok_or(StoreError::NotFound)?;
    row_to_case(&r)
}

/// A case by id with no scope at all: only for a reporter whose receipt code was just verified
/// against this case's intake (`netra_core::portal`).
pub async fn case_of_verified_receipt<'e, E>(exec: E, id: &str) -> Result<CaseRecord, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = sqlx::AssertSqlSafe(format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1"));
    let r = sqlx::query(sql).bind(id.to_owned()).fetch_optional(exec).await?.ok_or(StoreError::NotFound)?;
    row_to_case(&r)
}

/// Filters for listing cases. All are optional and combine with AND.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CaseFilter {
    pub state: Option<String>,
    pub election_id: Option<String>,
    pub region: Option<String>,
    pub kind: Option<String>,
    pub overdue_at: Option<DateTime<Utc>>,
    pub received_from: Option<DateTime<Utc>>,
    pub received_to: Option<DateTime<Utc>>,
    /// Keyset cursor: only cases with an id below this one (ids are time-ordered UUIDv7).
    pub before: Option<String>,
    pub limit: i64,
}

/// Cases visible to `actor`, newest first.
pub async fn list_in_scope(db: &Db, actor: &Actor, f: &CaseFilter) -> Result<Vec<CaseRecord>, StoreError> {
    let (clause, mut binds) = scope_clause(actor, 1);
    let mut sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE {clause}");
    let mut next = binds.len() + 1;
    let mut text = |sql: &mut String, cond: &str, v: String, binds: &mut Vec<String>| {
        sql.push_str(&cond.replace("$?", &format!("${next}")));
        binds.push(v);
        next += 1;
    };
    if let Some(v) = &f.state {
        text(&mut sql, " AND c.state = $?", v.clone(), &mut binds);
    }
    if let Some(v) = &f.election_id {
        text(&mut sql, " AND c.election_id = $?", v.clone(), &mut binds);
    }
    if let Some(v) = &f.kind {
        text(&mut sql, " AND c.kind = $?", v.clone(), &mut binds);
    }
    if let Some(v) = &f.region {
        text(&mut sql, " AND (c.handling_region = $?", v.clone(), &mut binds);
        text(&mut sql, " OR c.handling_region LIKE $?)", format!("{v}.%"), &mut binds);
    }
    if let Some(v) = &f.before {
        text(&mut sql, " AND c.id < $?", v.clone(), &mut binds);
    }
    let mut ints: Vec<i64> = Vec::new();
    let int_cond = |sql: &mut String, cond: &str, v: i64, ints: &mut Vec<i64>, at: usize| {
        sql.push_str(&cond.replace("$?", &format!("${at}")));
        ints.push(v);
    };
    let mut at = next;
    if let Some(t) = f.overdue_at {
        int_cond(&mut sql, " AND c.deadline_at IS NOT NULL AND c.deadline_at < $?", ms(t), &mut ints, at);
        at += 1;
    }
    if let Some(t) = f.received_from {
        int_cond(&mut sql, " AND c.received_at >= $?", ms(t), &mut ints, at);
        at += 1;
    }
    if let Some(t) = f.received_to {
        int_cond(&mut sql, " AND c.received_at <= $?", ms(t), &mut ints, at);
        at += 1;
    }
    sql.push_str(&format!(" ORDER BY c.id DESC LIMIT ${at}"));
    let sql = sqlx::AssertSqlSafe(sql);
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(b);
    }
    for i in ints {
        q = q.bind(i);
    }
    q = q.bind(f.limit.clamp(1, 500));
    q.fetch_all(&db.pool).await?.iter().map(row_to_case).collect()
}

/// Changes to apply to a case together with its new state.
#[derive(Debug, Clone, Default)]
pub struct CaseUpdate {
    pub number: Option<String>,
    pub registered_at: Option<DateTime<Utc>>,
    pub handling_region: Option<String>,
    pub forwarded: Option<bool>,
    pub gakkumdu: Option<bool>,
}

const UPDATE_CASE: &str = "UPDATE cases SET state = $1, version = version + 1, state_changed_at = $2, updated_at = $2, deadline_rule = $3, deadline_at = $4, number = COALESCE($5, number), registered_at = COALESCE($6, registered_at), handling_region = COALESCE($7, handling_region), forwarded = COALESCE($8, forwarded), gakkumdu = COALESCE($9, gakkumdu) WHERE id = $10 AND version = $11";

/// Moves a case to `state` if nobody changed it since `expected_version` was read.
pub async fn update_case_state(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    state: CaseState,
    at: DateTime<Utc>,
    deadline: Option<(String, DateTime<Utc>)>,
    u: &CaseUpdate,
) -> Result<i64, StoreError> {
    let (rule, due) = deadline.map_or((None, None), |(r, d)| (Some(r), Some(ms(d))));
    let n = sqlx::query(UPDATE_CASE)
        .bind(state.as_str())
        .bind(ms(at))
        .bind(rule)
        .bind(due)
        .bind(u.number.clone())
        .bind(u.registered_at.map(ms))
        .bind(u.handling_region.clone())
        .bind(u.forwarded)
        .bind(u.gakkumdu)
        .bind(id)
        .bind(expected_version)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(version_mismatch(tx, CASE_VERSION, id, expected_version).await);
    }
    Ok(expected_version + 1)
}

const CASE_VERSION: &str = "SELECT version FROM cases WHERE id = $1";
const TRACK_VERSION: &str = "SELECT version FROM subject_tracks WHERE id = $1";

/// Why a versioned UPDATE touched no row: someone else changed it (Conflict) or it does not exist.
async fn version_mismatch(tx: &mut Tx, select_version: &'static str, id: &str, expected: i64) -> StoreError {
    let row = match sqlx::query(select_version).bind(id.to_owned()).fetch_optional(&mut **tx).await {
        Ok(r) => r,
        Err(e) => return e.into(),
    };
    match row.map(|r| r.try_get::<i64, _>("version")) {
        Some(Ok(actual)) => StoreError::Conflict { expected, actual },
        Some(Err(e)) => e.into(),
        None => StoreError::NotFound,
    }
}

/// Next value of a numbering counter (per office, kind, election type and year).
pub async fn next_counter(tx: &mut Tx, key: &str) -> Result<i64, StoreError> {
    let r = sqlx::query("INSERT INTO case_counters (counter_key, value) VALUES ($1, 1) ON CONFLICT (counter_key) DO UPDATE SET value = case_counters.value + 1 RETURNING value")
        .bind(key)
        .fetch_one(&mut **tx)
        .await?;
    Ok(r.try_get("value")?)
}

pub async fn intake(db: &Db, id: &str) -> Result<IntakeRecord, StoreError> {
    let r = sqlx::query("SELECT id, kind, channel, election_id, known_at, received_at, CAST(CASE WHEN late THEN 1 ELSE 0 END AS BIGINT) AS late, late_rule, late_due_at, summary, created_by FROM intakes WHERE id = $1")
        .bind(id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(IntakeRecord {
        id: r.try_get("id")?,
        kind: parse_enum(&r.try_get::<String, _>("kind")?, IntakeKind::parse)?,
        channel: r.try_get("channel")?,
        election_id: r.try_get("election_id")?,
        known_at: from_ms(r.try_get("known_at")?),
        received_at: from_ms(r.try_get("received_at")?),
        late: crate::codec::get_bool(&r, "late")?,
        late_rule: r.try_get("late_rule")?,
        late_due_at: r.try_get::<Option<i64>, _>("late_due_at")?.map(from_ms),
        summary: r.try_get("summary")?,
        created_by: r.try_get("created_by")?,
    })
}

/// The alleged act of a case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ActRecord {
    pub id: String,
    pub case_id: String,
    pub occurred_at: DateTime<Utc>,
    pub region_code: String,
    pub description: String,
    pub violation_codes: Vec<String>,
    pub candidate_id: Option<String>,
    pub candidate_status: Option<String>,
    pub medium: String,
    pub platform: Option<String>,
    pub url: Option<String>,
    pub stage: Option<String>,
}

pub async fn insert_act(tx: &mut Tx, a: &ActRecord) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO alleged_acts (id, case_id, occurred_at, region_code, description, violation_codes, candidate_id, candidate_status, medium, platform, url, stage) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
        .bind(&a.id)
        .bind(&a.case_id)
        .bind(ms(a.occurred_at))
        .bind(&a.region_code)
        .bind(&a.description)
        .bind(serde_json::to_string(&a.violation_codes).expect("strings"))
        .bind(a.candidate_id.clone())
        .bind(a.candidate_status.clone())
        .bind(&a.medium)
        .bind(a.platform.clone())
        .bind(a.url.clone())
        .bind(a.stage.clone())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn acts(db: &Db, case_id: &str) -> Result<Vec<ActRecord>, StoreError> {
    let rows = sqlx::query("SELECT id, case_id, occurred_at, region_code, description, violation_codes, candidate_id, candidate_status, medium, platform, url, stage FROM alleged_acts WHERE case_id = $1 ORDER BY occurred_at")
        .bind(case_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            let codes: String = r.try_get("violation_codes")?;
            Ok(ActRecord {
                id: r.try_get("id")?,
                case_id: r.try_get("case_id")?,
                occurred_at: from_ms(r.try_get("occurred_at")?),
                region_code: r.try_get("region_code")?,
                description: r.try_get("description")?,
                violation_codes: serde_json::from_str(&codes).map_err(|e| StoreError::Corrupt(e.to_string()))?,
                candidate_id: r.try_get("candidate_id")?,
                candidate_status: r.try_get("candidate_status")?,
                medium: r.try_get("medium")?,
                platform: r.try_get("platform")?,
                url: r.try_get("url")?,
                stage: r.try_get("stage")?,
            })
        })
        .collect()
}

/// One civil servant's track in a case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TrackRecord {
    pub id: String,
    pub case_id: String,
    pub civil_servant: CivilServant,
    pub agency_id: Option<String>,
    pub status: TrackStatus,
    pub version: i64,
    pub state_changed_at: DateTime<Utc>,
    pub deadline_rule: Option<String>,
    pub deadline_at: Option<DateTime<Utc>>,
    pub authority_id: Option<String>,
}

pub async fn insert_track(
    tx: &mut Tx,
    id: &str,
    case_id: &str,
    asn: &CivilServant,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO subject_tracks (id, case_id, civil_servant_id, agency_id, state, data_blocked, version, state_changed_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)")
        .bind(id)
        .bind(case_id)
        .bind(&asn.id)
        .bind(asn.agency_id.clone())
        .bind(TrackState::InBawaslu.as_str())
        .bind(false)
        .bind(1_i64)
        .bind(ms(at))
        .execute(&mut **tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Duplicate(_) => StoreError::Duplicate("civil servant in this case"),
            other => other,
        })?;
    Ok(())
}

const TRACK_SELECT: &str = "SELECT t.id AS track_id, t.case_id, t.agency_id AS track_agency, t.state, CAST(CASE WHEN t.data_blocked THEN 1 ELSE 0 END AS BIGINT) AS data_blocked, t.version, t.state_changed_at, t.deadline_rule, t.deadline_at, t.authority_id, a.id, a.name, a.nip, a.employment_type, a.position_class, a.position_title, CAST(CASE WHEN a.territorial_head THEN 1 ELSE 0 END AS BIGINT) AS territorial_head, a.agency_id, a.work_region FROM subject_tracks t JOIN civil_servants a ON a.id = t.civil_servant_id";

fn row_to_track(r: &AnyRow) -> Result<TrackRecord, StoreError> {
    Ok(TrackRecord {
        id: r.try_get("track_id")?,
        case_id: r.try_get("case_id")?,
        civil_servant: row_to_asn(r)?,
        agency_id: r.try_get("track_agency")?,
        status: TrackStatus {
            state: parse_enum(&r.try_get::<String, _>("state")?, TrackState::parse)?,
            data_blocked: crate::codec::get_bool(r, "data_blocked")?,
        },
        version: r.try_get("version")?,
        state_changed_at: from_ms(r.try_get("state_changed_at")?),
        deadline_rule: r.try_get("deadline_rule")?,
        deadline_at: r.try_get::<Option<i64>, _>("deadline_at")?.map(from_ms),
        authority_id: r.try_get("authority_id")?,
    })
}

/// Tracks of a case (the caller already checked the case is in scope).
pub async fn tracks<'e, E>(exec: E, case_id: &str) -> Result<Vec<TrackRecord>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = sqlx::AssertSqlSafe(format!("{TRACK_SELECT} WHERE t.case_id = $1 ORDER BY t.created_at, t.id"));
    sqlx::query(sql).bind(case_id.to_owned()).fetch_all(exec).await?.iter().map(row_to_track).collect()
}

/// The case id a track belongs to (scope is then checked on the case).
pub async fn track_case_id<'e, E>(exec: E, track_id: &str) -> Result<String, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let r = sqlx::query("SELECT case_id FROM subject_tracks WHERE id = $1")
        .bind(track_id.to_owned())
        .fetch_optional(exec)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(r.try_get("case_id")?)
}

const UPDATE_TRACK: &str = "UPDATE subject_tracks SET state = $1, data_blocked = $2, version = version + 1, state_changed_at = $3, deadline_rule = $4, deadline_at = $5, authority_id = COALESCE($6, authority_id) WHERE id = $7 AND version = $8";

pub async fn update_track(
    tx: &mut Tx,
    id: &str,
    expected_version: i64,
    status: TrackStatus,
    at: DateTime<Utc>,
    deadline: Option<(String, DateTime<Utc>)>,
    authority_id: Option<&str>,
) -> Result<i64, StoreError> {
    let (rule, due) = deadline.map_or((None, None), |(r, d)| (Some(r), Some(ms(d))));
    let n = sqlx::query(UPDATE_TRACK)
        .bind(status.state.as_str())
        .bind(status.data_blocked)
        .bind(ms(at))
        .bind(rule)
        .bind(due)
        .bind(authority_id.map(str::to_owned))
        .bind(id)
        .bind(expected_version)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(version_mismatch(tx, TRACK_VERSION, id, expected_version).await);
    }
    Ok(expected_version + 1)
}

/// Appends a row to one of the per-track decision tables (recommendations, sanctions, enforcement).
pub async fn insert_track_event(
    tx: &mut Tx,
    id: &str,
    track_id: &str,
    action: &str,
    at: DateTime<Utc>,
    details: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO track_events (id, track_id, action, at, details) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(track_id)
        .bind(action)
        .bind(ms(at))
        .bind(details.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One recorded action on a track (recommendation, delivery, sanction, enforcement…), oldest first.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TrackEvent {
    pub track_id: String,
    pub action: String,
    pub at: DateTime<Utc>,
    pub details: serde_json::Value,
}

/// Recorded actions of every track of a case.
pub async fn track_events(db: &Db, case_id: &str) -> Result<Vec<TrackEvent>, StoreError> {
    let rows = sqlx::query("SELECT e.track_id, e.action, e.at, e.details FROM track_events e JOIN subject_tracks t ON t.id = e.track_id WHERE t.case_id = $1 ORDER BY e.at, e.id")
        .bind(case_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter()
        .map(|r| {
            let details: String = r.try_get("details")?;
            Ok(TrackEvent {
                track_id: r.try_get("track_id")?,
                action: r.try_get("action")?,
                at: from_ms(r.try_get("at")?),
                details: serde_json::from_str(&details).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            })
        })
        .collect()
}

const SESSION_COLUMNS: &str = "id, case_id, invitee_name, invitee_role, subject_id, invitation_no, scheduled_at, delivered_at, delivery_channel, mode, online_reason, place, attendance, minutes";

pub async fn insert_session(tx: &mut Tx, s: &ClarificationSession) -> Result<(), StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "INSERT INTO clarification_sessions ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    ));
    sqlx::query(sql)
        .bind(&s.id)
        .bind(&s.case_id)
        .bind(&s.invitee_name)
        .bind(s.invitee_role.as_str())
        .bind(s.subject_id.clone())
        .bind(i32::from(s.invitation_no))
        .bind(ms(s.scheduled_at))
        .bind(ms(s.delivered_at))
        .bind(&s.delivery_channel)
        .bind(s.mode.as_str())
        .bind(s.online_reason.clone())
        .bind(&s.place)
        .bind(s.attendance.as_str())
        .bind(s.minutes.clone())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn sessions<'e, E>(exec: E, case_id: &str) -> Result<Vec<ClarificationSession>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {SESSION_COLUMNS} FROM clarification_sessions WHERE case_id = $1 ORDER BY scheduled_at, id"
    ));
    let rows = sqlx::query(sql).bind(case_id.to_owned()).fetch_all(exec).await?;
    rows.iter()
        .map(|r| {
            Ok(ClarificationSession {
                id: r.try_get("id")?,
                case_id: r.try_get("case_id")?,
                invitee_name: r.try_get("invitee_name")?,
                invitee_role: parse_enum(&r.try_get::<String, _>("invitee_role")?, InviteeRole::parse)?,
                subject_id: r.try_get("subject_id")?,
                invitation_no: u8::try_from(r.try_get::<i32, _>("invitation_no")?).unwrap_or(0),
                scheduled_at: from_ms(r.try_get("scheduled_at")?),
                delivered_at: from_ms(r.try_get("delivered_at")?),
                delivery_channel: r.try_get("delivery_channel")?,
                mode: parse_enum(&r.try_get::<String, _>("mode")?, ClarificationMode::parse)?,
                online_reason: r.try_get("online_reason")?,
                place: r.try_get("place")?,
                attendance: parse_enum(&r.try_get::<String, _>("attendance")?, Attendance::parse)?,
                minutes: r.try_get("minutes")?,
            })
        })
        .collect()
}

pub async fn record_attendance(
    tx: &mut Tx,
    session_id: &str,
    attendance: Attendance,
    minutes: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = sqlx::query("UPDATE clarification_sessions SET attendance = $1, minutes = $2, recorded_at = $3 WHERE id = $4 AND attendance = 'pending'")
        .bind(attendance.as_str())
        .bind(minutes.map(str::to_owned))
        .bind(ms(at))
        .bind(session_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 0 { Err(StoreError::Conflict { expected: 0, actual: 1 }) } else { Ok(()) }
}

/// Stores a plenary decision, referral, recommendation or sanction row (generic JSON detail tables).
pub async fn insert_plenary(
    tx: &mut Tx,
    id: &str,
    case_id: &str,
    at: DateTime<Utc>,
    outcome: &str,
    summary: &str,
    subject_outcomes: &serde_json::Value,
    versions: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO plenary_decisions (id, case_id, decided_at, outcome, summary, subject_outcomes, catalogue_versions) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(id)
        .bind(case_id)
        .bind(ms(at))
        .bind(outcome)
        .bind(summary)
        .bind(subject_outcomes.to_string())
        .bind(versions.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn insert_referral(
    tx: &mut Tx,
    id: &str,
    case_id: &str,
    authority_id: &str,
    at: DateTime<Utc>,
    letter: Option<&str>,
    direct: bool,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO referrals (id, case_id, authority_id, referred_at, letter_number, direct) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(id)
        .bind(case_id)
        .bind(authority_id)
        .bind(ms(at))
        .bind(letter.map(str::to_owned))
        .bind(direct)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn insert_recommendation(
    tx: &mut Tx,
    id: &str,
    track_id: &str,
    authority_id: &str,
    category: &str,
    level: &str,
    option: Option<&str>,
    codes: &[String],
    letter: Option<&str>,
    at: DateTime<Utc>,
    versions: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO recommendations (id, track_id, authority_id, category, sanction_level, sanction_option, violation_codes, letter_number, issued_at, catalogue_versions) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(id)
        .bind(track_id)
        .bind(authority_id)
        .bind(category)
        .bind(level)
        .bind(option.map(str::to_owned))
        .bind(serde_json::to_string(codes).expect("strings"))
        .bind(letter.map(str::to_owned))
        .bind(ms(at))
        .bind(versions.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn insert_sanction(
    tx: &mut Tx,
    id: &str,
    track_id: &str,
    option: &str,
    basis: &str,
    decree: &str,
    decree_date: &str,
    at: DateTime<Utc>,
    versions: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO sanctions (id, track_id, sanction_option, legal_basis, decree_number, decree_date, recorded_at, catalogue_versions) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(id)
        .bind(track_id)
        .bind(option)
        .bind(basis)
        .bind(decree)
        .bind(decree_date)
        .bind(ms(at))
        .bind(versions.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn insert_enforcement(
    tx: &mut Tx,
    id: &str,
    track_id: &str,
    kind: &str,
    at: DateTime<Utc>,
    reference: Option<&str>,
    notes: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO enforcement_actions (id, track_id, kind, at, reference, notes) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(track_id)
    .bind(kind)
    .bind(ms(at))
    .bind(reference.map(str::to_owned))
    .bind(notes.map(str::to_owned))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stored idempotent response (encrypted by the caller).
#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub request_hash: String,
    pub status_code: i32,
    pub nonce: Vec<u8>,
    pub response: Vec<u8>,
}

pub async fn idempotent_response<'e, E>(exec: E, key_hash: &str) -> Result<Option<StoredResponse>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let r = sqlx::query("SELECT request_hash, status_code, nonce, response FROM idempotency_keys WHERE key_hash = $1")
        .bind(key_hash.to_owned())
        .fetch_optional(exec)
        .await?;
    r.map(|r| {
        Ok(StoredResponse {
            request_hash: r.try_get("request_hash")?,
            status_code: r.try_get("status_code")?,
            nonce: r.try_get("nonce")?,
            response: r.try_get("response")?,
        })
    })
    .transpose()
}

pub async fn store_idempotent_response(
    tx: &mut Tx,
    key_hash: &str,
    s: &StoredResponse,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO idempotency_keys (key_hash, request_hash, status_code, nonce, response, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(key_hash)
        .bind(&s.request_hash)
        .bind(s.status_code)
        .bind(s.nonce.clone())
        .bind(s.response.clone())
        .bind(ms(at))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Counts used by the demo check and health output.
pub async fn count_by_state(db: &Db) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = sqlx::query("SELECT state, CAST(COUNT(*) AS BIGINT) AS n FROM cases GROUP BY state ORDER BY state")
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| Ok((r.try_get("state")?, r.try_get("n")?))).collect()
}

pub async fn count_tracks_by_state(db: &Db) -> Result<Vec<(String, i64)>, StoreError> {
    let rows =
        sqlx::query("SELECT state, CAST(COUNT(*) AS BIGINT) AS n FROM subject_tracks GROUP BY state ORDER BY state")
            .fetch_all(&db.pool)
            .await?;
    rows.iter().map(|r| Ok((r.try_get("state")?, r.try_get("n")?))).collect()
}
