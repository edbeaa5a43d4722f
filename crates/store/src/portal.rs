//! Rows behind the public portal: receipt lookup by selector, messages between the reporter and the
//! handling office, and the shared rate-limit counters.
//!
//! Nothing here knows a receipt's secret part or a client's address: the core hands over the
//! selector and a coarse client tag (see `migrations/*/0008_portal.sql`).

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::codec::{from_ms, ms};
use crate::{Db, StoreError, Tx};

/// An intake whose receipt has this selector (almost always zero or one).
#[derive(Debug, Clone)]
pub struct ReceiptCandidate {
    pub intake_id: String,
    pub case_id: String,
    pub receipt_hash: String,
}

pub async fn receipt_candidates(db: &Db, selector: &str) -> Result<Vec<ReceiptCandidate>, StoreError> {
    let rows = sqlx::query(
        "SELECT i.id AS intake_id, c.id AS case_id, i.receipt_hash FROM intakes i JOIN cases c ON c.intake_id = i.id \
         WHERE i.receipt_selector = $1 AND i.receipt_hash IS NOT NULL",
    )
    .bind(selector.to_owned())
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ReceiptCandidate {
                intake_id: r.try_get("intake_id")?,
                case_id: r.try_get("case_id")?,
                receipt_hash: r.try_get("receipt_hash")?,
            })
        })
        .collect()
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The reporter, through their receipt.
    Reporter,
    /// An officer of the handling office.
    Office,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Reporter => "reporter",
            Direction::Office => "office",
        }
    }

    fn parse_stored(s: &str) -> Result<Self, StoreError> {
        match s {
            "reporter" => Ok(Direction::Reporter),
            "office" => Ok(Direction::Office),
            other => Err(StoreError::Corrupt(format!("message direction `{other}`"))),
        }
    }
}

#[derive(Debug, Clone)]
pub struct MessageRecord {
    pub id: String,
    pub case_id: String,
    pub direction: Direction,
    /// `public` for the reporter, the user id for an officer.
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_message(tx: &mut Tx, m: &MessageRecord) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_messages (id, case_id, direction, author, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(m.id.clone())
    .bind(m.case_id.clone())
    .bind(m.direction.as_str())
    .bind(m.author.clone())
    .bind(m.body.clone())
    .bind(ms(m.created_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The messages of a case, oldest first.
pub async fn messages(db: &Db, case_id: &str) -> Result<Vec<MessageRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, case_id, direction, author, body, created_at FROM case_messages WHERE case_id = $1 \
         ORDER BY created_at, id",
    )
    .bind(case_id.to_owned())
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let direction: String = r.try_get("direction")?;
            Ok(MessageRecord {
                id: r.try_get("id")?,
                case_id: r.try_get("case_id")?,
                direction: Direction::parse_stored(&direction)?,
                author: r.try_get("author")?,
                body: r.try_get("body")?,
                created_at: from_ms(r.try_get("created_at")?),
            })
        })
        .collect()
}

/// Counts one hit in `bucket`'s window starting at `window_start` and returns the hits so far,
/// this one included. One statement, so concurrent hits on any node are all counted.
pub async fn hit(db: &Db, bucket: &str, window_start: DateTime<Utc>) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits",
    )
    .bind(bucket.to_owned())
    .bind(ms(window_start))
    .fetch_one(&db.pool)
    .await?;
    Ok(row.try_get("hits")?)
}

/// Removes counters of windows that started before `before`.
pub async fn prune_hits(db: &Db, before: DateTime<Utc>) -> Result<u64, StoreError> {
    let r = sqlx::query("DELETE FROM rate_limits WHERE window_start < $1").bind(ms(before)).execute(&db.pool).await?;
    Ok(r.rows_affected())
}
