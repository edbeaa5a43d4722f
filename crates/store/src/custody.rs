//! Identity custody: requests to unseal a laporan's reporter identity and their decisions.
//!
//! Rows here never hold the identity; it stays encrypted in `sealed_identities` and is only read by
//! [`sealed_identity`] inside the unseal transaction. Reads of requests go through
//! [`crate::cases::scope_clause`] on the request's case, so a request of a case outside the actor's
//! scope is indistinguishable from a missing one. State changes are conditional UPDATEs
//! (`WHERE status = …`): of two concurrent decisions or unseals exactly one touches the row.

use chrono::{DateTime, Utc};
use netra_domain::policy::Actor;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec::{from_ms, ms};
use crate::{Db, StoreError, Tx};

/// Where an unseal request stands. `Expired` is never stored: it is an approval whose validity
/// window has passed without use, computed at read time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnsealStatus {
    Pending,
    Approved,
    Refused,
    Unsealed,
    Expired,
}

impl UnsealStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UnsealStatus::Pending => "pending",
            UnsealStatus::Approved => "approved",
            UnsealStatus::Refused => "refused",
            UnsealStatus::Unsealed => "unsealed",
            UnsealStatus::Expired => "expired",
        }
    }

    fn parse_stored(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(UnsealStatus::Pending),
            "approved" => Some(UnsealStatus::Approved),
            "refused" => Some(UnsealStatus::Refused),
            "unsealed" => Some(UnsealStatus::Unsealed),
            _ => None,
        }
    }
}

/// One unseal request as stored (the stored status; see [`UnsealRequestRecord::status_at`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnsealRequestRecord {
    pub id: String,
    pub case_id: String,
    /// Registration number of the case (read from `cases`, not stored here).
    pub case_number: Option<String>,
    pub intake_id: String,
    /// User id of the requesting officer; only this user may unseal.
    pub requested_by: String,
    pub requested_by_name: String,
    pub reason: String,
    pub requested_at: DateTime<Utc>,
    pub status: UnsealStatus,
    pub decided_by: Option<String>,
    pub decided_by_name: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// An approval can be used once, until this instant.
    pub valid_until: Option<DateTime<Utc>>,
    pub unsealed_at: Option<DateTime<Utc>>,
}

impl UnsealRequestRecord {
    /// The status as a person should see it at `now` (an unused approval past its window is expired).
    pub fn status_at(&self, now: DateTime<Utc>) -> UnsealStatus {
        match (self.status, self.valid_until) {
            (UnsealStatus::Approved, Some(until)) if now > until => UnsealStatus::Expired,
            (s, _) => s,
        }
    }
}

const COLUMNS: &str = "r.id, r.case_id, c.number AS case_number, r.intake_id, r.requested_by, r.requested_by_name, r.reason, r.requested_at, r.status, r.decided_by, r.decided_by_name, r.decision_reason, r.decided_at, r.valid_until, r.unsealed_at";

fn row_to_request(r: &AnyRow) -> Result<UnsealRequestRecord, StoreError> {
    let status: String = r.try_get("status")?;
    Ok(UnsealRequestRecord {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        case_number: r.try_get("case_number")?,
        intake_id: r.try_get("intake_id")?,
        requested_by: r.try_get("requested_by")?,
        requested_by_name: r.try_get("requested_by_name")?,
        reason: r.try_get("reason")?,
        requested_at: from_ms(r.try_get("requested_at")?),
        status: UnsealStatus::parse_stored(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown unseal status `{status}`")))?,
        decided_by: r.try_get("decided_by")?,
        decided_by_name: r.try_get("decided_by_name")?,
        decision_reason: r.try_get("decision_reason")?,
        decided_at: r.try_get::<Option<i64>, _>("decided_at")?.map(from_ms),
        valid_until: r.try_get::<Option<i64>, _>("valid_until")?.map(from_ms),
        unsealed_at: r.try_get::<Option<i64>, _>("unsealed_at")?.map(from_ms),
    })
}

const INSERT_REQUEST: &str = "INSERT INTO unseal_requests (id, case_id, intake_id, requested_by, requested_by_name, reason, requested_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')";

/// Stores a new pending request. A second pending request of the same officer for the same case is
/// refused with [`StoreError::Duplicate`]`("pending unseal request")`.
pub async fn insert_request(tx: &mut Tx, r: &UnsealRequestRecord) -> Result<(), StoreError> {
    sqlx::query(INSERT_REQUEST)
        .bind(&r.id)
        .bind(&r.case_id)
        .bind(&r.intake_id)
        .bind(&r.requested_by)
        .bind(&r.requested_by_name)
        .bind(&r.reason)
        .bind(ms(r.requested_at))
        .execute(&mut **tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Duplicate(_) => StoreError::Duplicate("pending unseal request"),
            other => other,
        })?;
    Ok(())
}

/// A request whose case is within the actor's scope; otherwise simply not found.
pub async fn request_in_scope<'e, E>(exec: E, actor: &Actor, id: &str) -> Result<UnsealRequestRecord, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let (clause, binds) = crate::cases::scope_clause(actor, 2);
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM unseal_requests r JOIN cases c ON c.id = r.case_id WHERE r.id = $1 AND {clause}"
    ));
    let mut q = sqlx::query(sql).bind(id.to_owned());
    for b in binds {
        q = q.bind(b);
    }
    let r = q.fetch_optional(exec).await?.ok_or(StoreError::NotFound)?;
    row_to_request(&r)
}

/// Requests of one case, oldest first (the caller already checked the case is in scope).
pub async fn requests_for_case(db: &Db, case_id: &str) -> Result<Vec<UnsealRequestRecord>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM unseal_requests r JOIN cases c ON c.id = r.case_id WHERE r.case_id = $1 ORDER BY r.requested_at, r.id"
    ));
    sqlx::query(sql).bind(case_id.to_owned()).fetch_all(&db.pool).await?.iter().map(row_to_request).collect()
}

/// Pending requests on cases within the actor's scope, oldest first (the custodian's queue).
pub async fn pending_in_scope(db: &Db, actor: &Actor) -> Result<Vec<UnsealRequestRecord>, StoreError> {
    let (clause, binds) = crate::cases::scope_clause(actor, 1);
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM unseal_requests r JOIN cases c ON c.id = r.case_id WHERE r.status = 'pending' AND {clause} ORDER BY r.requested_at, r.id"
    ));
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(b);
    }
    q.fetch_all(&db.pool).await?.iter().map(row_to_request).collect()
}

/// The custodian's decision on a request.
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    pub approve: bool,
    pub decided_by: &'a str,
    pub decided_by_name: &'a str,
    pub reason: &'a str,
    pub at: DateTime<Utc>,
    /// Set for an approval: the end of its validity window.
    pub valid_until: Option<DateTime<Utc>>,
}

const DECIDE: &str = "UPDATE unseal_requests SET status = $1, decided_by = $2, decided_by_name = $3, decision_reason = $4, decided_at = $5, valid_until = $6 WHERE id = $7 AND status = 'pending'";

/// Records a decision if the request is still pending. Returns false when it was already decided.
pub async fn decide(tx: &mut Tx, id: &str, d: &Decision<'_>) -> Result<bool, StoreError> {
    let status = if d.approve { UnsealStatus::Approved } else { UnsealStatus::Refused };
    let n = sqlx::query(DECIDE)
        .bind(status.as_str())
        .bind(d.decided_by)
        .bind(d.decided_by_name)
        .bind(d.reason)
        .bind(ms(d.at))
        .bind(d.valid_until.map(ms))
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(n == 1)
}

const MARK_UNSEALED: &str = "UPDATE unseal_requests SET status = 'unsealed', unsealed_at = $1 WHERE id = $2 AND status = 'approved' AND unsealed_at IS NULL AND valid_until >= $1";

/// Uses an approval: succeeds once, and only within its validity window. Returns false otherwise.
pub async fn mark_unsealed(tx: &mut Tx, id: &str, at: DateTime<Utc>) -> Result<bool, StoreError> {
    let n = sqlx::query(MARK_UNSEALED).bind(ms(at)).bind(id).execute(&mut **tx).await?.rows_affected();
    Ok(n == 1)
}

/// The sealed identity of an intake: which key sealed it, the nonce and the ciphertext.
#[derive(Clone)]
pub struct SealedIdentity {
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for SealedIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedIdentity").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

/// True when the intake has a sealed identity (a laporan); anonymous intakes have none.
pub async fn has_sealed_identity<'e, E>(exec: E, intake_id: &str) -> Result<bool, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let r = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM sealed_identities WHERE intake_id = $1")
        .bind(intake_id.to_owned())
        .fetch_one(exec)
        .await?;
    Ok(r.try_get::<i64, _>("n")? > 0)
}

/// Reads the sealed identity of an intake. Only the unseal use case calls this.
pub async fn sealed_identity<'e, E>(exec: E, intake_id: &str) -> Result<Option<SealedIdentity>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let r = sqlx::query("SELECT key_id, nonce, ciphertext FROM sealed_identities WHERE intake_id = $1")
        .bind(intake_id.to_owned())
        .fetch_optional(exec)
        .await?;
    r.map(|r| {
        Ok(SealedIdentity {
            key_id: r.try_get("key_id")?,
            nonce: r.try_get("nonce")?,
            ciphertext: r.try_get("ciphertext")?,
        })
    })
    .transpose()
}
