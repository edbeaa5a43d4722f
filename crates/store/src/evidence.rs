//! Evidence rows (migration 0006). The objects live in the evidence store (`netra-evidence`); a row
//! records where, what they hash to and what cleaning did. Rows are written only after their objects,
//! inside the use case's transaction with its audit event.

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec::{from_ms, ms};
use crate::{Db, StoreError, Tx};

/// One piece of evidence as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EvidenceRecord {
    pub id: String,
    pub case_id: String,
    /// Set when the reporter uploaded it with their report.
    pub intake_id: Option<String>,
    /// `image`, `video` or `document`.
    pub kind: String,
    /// Sanitised client file name (display only).
    pub display_name: Option<String>,
    pub media_type: String,
    pub size_bytes: i64,
    /// SHA-256 (hex) of the raw upload.
    pub sha256: String,
    pub original_key: String,
    /// Fingerprint of the age key the original is encrypted to.
    pub key_id: String,
    pub derivative_key: Option<String>,
    pub derivative_sha256: Option<String>,
    pub derivative_size: Option<i64>,
    /// `cleaned` or `not_possible`.
    pub cleaning: String,
    /// JSON: `{"removed": [...]}` or `{"reason": "..."}`.
    pub cleaning_detail: String,
    /// `reporter` or the official's user id.
    pub added_by: String,
    pub added_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, case_id, intake_id, kind, display_name, media_type, size_bytes, sha256, original_key, key_id, derivative_key, derivative_sha256, derivative_size, cleaning, cleaning_detail, added_by, added_at";

const INSERT: &str = "INSERT INTO evidence (id, case_id, intake_id, kind, display_name, media_type, size_bytes, sha256, original_key, key_id, derivative_key, derivative_sha256, derivative_size, cleaning, cleaning_detail, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)";

pub async fn insert(tx: &mut Tx, e: &EvidenceRecord) -> Result<(), StoreError> {
    sqlx::query(INSERT)
        .bind(&e.id)
        .bind(&e.case_id)
        .bind(e.intake_id.clone())
        .bind(&e.kind)
        .bind(e.display_name.clone())
        .bind(&e.media_type)
        .bind(e.size_bytes)
        .bind(&e.sha256)
        .bind(&e.original_key)
        .bind(&e.key_id)
        .bind(e.derivative_key.clone())
        .bind(e.derivative_sha256.clone())
        .bind(e.derivative_size)
        .bind(&e.cleaning)
        .bind(&e.cleaning_detail)
        .bind(&e.added_by)
        .bind(ms(e.added_at))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn row_to_evidence(r: &AnyRow) -> Result<EvidenceRecord, StoreError> {
    Ok(EvidenceRecord {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        intake_id: r.try_get("intake_id")?,
        kind: r.try_get("kind")?,
        display_name: r.try_get("display_name")?,
        media_type: r.try_get("media_type")?,
        size_bytes: r.try_get("size_bytes")?,
        sha256: r.try_get("sha256")?,
        original_key: r.try_get("original_key")?,
        key_id: r.try_get("key_id")?,
        derivative_key: r.try_get("derivative_key")?,
        derivative_sha256: r.try_get("derivative_sha256")?,
        derivative_size: r.try_get("derivative_size")?,
        cleaning: r.try_get("cleaning")?,
        cleaning_detail: r.try_get("cleaning_detail")?,
        added_by: r.try_get("added_by")?,
        added_at: from_ms(r.try_get("added_at")?),
    })
}

/// The evidence of one case, oldest first. The caller checks the case is in the actor's scope.
pub async fn for_case<'e, E>(exec: E, case_id: &str) -> Result<Vec<EvidenceRecord>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM evidence WHERE case_id = $1 ORDER BY added_at, id"));
    sqlx::query(sql).bind(case_id.to_owned()).fetch_all(exec).await?.iter().map(row_to_evidence).collect()
}

/// One piece of evidence by id ([`StoreError::NotFound`] when missing).
pub async fn get<'e, E>(exec: E, id: &str) -> Result<EvidenceRecord, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM evidence WHERE id = $1"));
    let r = sqlx::query(sql).bind(id.to_owned()).fetch_optional(exec).await?.ok_or(StoreError::NotFound)?;
    row_to_evidence(&r)
}

/// All evidence in id order, a page at a time (keyset: rows with an id above `after`).
pub async fn page(db: &Db, after: Option<&str>, limit: i64) -> Result<Vec<EvidenceRecord>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM evidence WHERE id > $1 ORDER BY id LIMIT $2"));
    sqlx::query(sql)
        .bind(after.unwrap_or("").to_owned())
        .bind(limit.clamp(1, 1_000))
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(row_to_evidence)
        .collect()
}

/// True when a row references `key` as its original or its derivative.
pub async fn key_referenced(db: &Db, key: &str) -> Result<bool, StoreError> {
    let n: i64 = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM evidence WHERE original_key = $1 OR derivative_key = $2",
    )
    .bind(key)
    .bind(key)
    .fetch_one(&db.pool)
    .await?
    .try_get("n")?;
    Ok(n > 0)
}

/// Number of evidence rows.
pub async fn count(db: &Db) -> Result<i64, StoreError> {
    Ok(sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM evidence").fetch_one(&db.pool).await?.try_get("n")?)
}

/// The intake a case was opened from (`None` when there is no such case). Used to check that a
/// reporter attaches evidence to the case of their own report.
pub async fn case_intake<'e, E>(exec: E, case_id: &str) -> Result<Option<String>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let r =
        sqlx::query("SELECT intake_id FROM cases WHERE id = $1").bind(case_id.to_owned()).fetch_optional(exec).await?;
    Ok(match r {
        Some(r) => Some(r.try_get("intake_id")?),
        None => None,
    })
}
