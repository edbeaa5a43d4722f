//! The append-only, hash-chained audit log.
//!
//! Each event stores the hash of its predecessor and its own hash over
//! `prev_hash | seq | at | actor | action | entity_type | entity_id | payload`. Appending happens inside
//! the caller's transaction and goes through the single `audit_head` row, whose UPDATE takes a row lock,
//! so concurrent writers on PostgreSQL serialise instead of forking the chain. `verify` walks the chain
//! in `seq` order and reports the first event that was edited, deleted, inserted or reordered.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::codec::{from_ms, ms, new_id};
use crate::{Db, StoreError, Tx};

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub payload: serde_json::Value,
}

/// A stored event.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEvent {
    pub seq: i64,
    pub id: String,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub payload: serde_json::Value,
    pub hash: String,
}

/// The chain hash of one event.
pub fn event_hash(
    prev: &str,
    seq: i64,
    at_ms: i64,
    actor: &str,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    payload: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), &at_ms.to_string(), actor, action, entity_type, entity_id, payload] {
        // Length prefixes make the encoding unambiguous (no field can absorb its neighbour).
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

const BUMP_HEAD: &str = "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash";
const INSERT_EVENT: &str = "INSERT INTO audit_events (seq, id, at, actor, action, entity_type, entity_id, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
const SET_HEAD_HASH: &str = "UPDATE audit_head SET hash = $1 WHERE id = 1";

/// Appends one event inside `tx` and returns its sequence number.
pub async fn append(tx: &mut Tx, ev: NewEvent<'_>, at: DateTime<Utc>) -> Result<i64, StoreError> {
    let head = sqlx::query(BUMP_HEAD).fetch_one(&mut **tx).await?;
    let seq: i64 = head.try_get("seq")?;
    let prev: String = head.try_get("hash")?;
    let payload = ev.payload.to_string();
    let at_ms = ms(at);
    let hash = event_hash(&prev, seq, at_ms, ev.actor, ev.action, ev.entity_type, ev.entity_id, &payload);
    sqlx::query(INSERT_EVENT)
        .bind(seq)
        .bind(new_id())
        .bind(at_ms)
        .bind(ev.actor)
        .bind(ev.action)
        .bind(ev.entity_type)
        .bind(ev.entity_id)
        .bind(&payload)
        .bind(&prev)
        .bind(&hash)
        .execute(&mut **tx)
        .await?;
    sqlx::query(SET_HEAD_HASH).bind(&hash).execute(&mut **tx).await?;
    Ok(seq)
}

/// Outcome of a chain verification.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum Verification {
    Intact { events: u64, head: String },
    Broken { seq: i64, reason: String, checked: u64 },
}

const SELECT_CHAIN: &str = "SELECT seq, at, actor, action, entity_type, entity_id, payload, prev_hash, hash FROM audit_events WHERE seq > $1 AND seq <= $2 ORDER BY seq";
const MAX_SEQ: &str = "SELECT CAST(COALESCE(MAX(seq), 0) AS BIGINT) AS m FROM audit_events";
const SELECT_HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1";

/// Walks the whole chain. Reads in pages so memory stays flat on millions of events.
pub async fn verify(db: &Db) -> Result<Verification, StoreError> {
    // Small pages: rows are freed on another thread than the one that decoded them, and big pages
    // make that allocator traffic dominate (measured).
    const PAGE: i64 = 2_000;
    // The head is read first and the walk stops there, so appends committed while we verify do not
    // look like tampering; anything stored beyond the head is checked afterwards.
    let head = sqlx::query(SELECT_HEAD).fetch_one(&db.pool).await?;
    let head_seq: i64 = head.try_get("seq")?;
    let head_hash: String = head.try_get("hash")?;
    let mut prev = GENESIS.to_owned();
    let mut expected_seq = 1_i64;
    let mut checked = 0_u64;
    // Pages are fixed seq ranges, so the next one can be fetched (on another connection) while this
    // one is hashed; gaps inside a range show up as a sequence mismatch.
    let fetch = |after: i64| {
        let pool = db.pool.clone();
        let until = (after + PAGE).min(head_seq);
        tokio::spawn(async move { sqlx::query(SELECT_CHAIN).bind(after).bind(until).fetch_all(&pool).await })
    };
    let mut after = 0_i64;
    let mut next = (after < head_seq).then(|| fetch(after));
    while let Some(page) = next.take() {
        let rows = page.await.map_err(|e| StoreError::Unavailable(format!("verification task failed: {e}")))??;
        after = (after + PAGE).min(head_seq);
        if after < head_seq {
            next = Some(fetch(after));
        }
        for r in rows {
            let seq: i64 = r.try_get("seq")?;
            let broken = |reason: String| Ok(Verification::Broken { seq, reason, checked });
            if seq != expected_seq {
                return Ok(Verification::Broken {
                    seq: expected_seq,
                    reason: format!("event #{expected_seq} is missing (next stored is #{seq}): it was deleted"),
                    checked,
                });
            }
            let prev_hash: &str = r.try_get("prev_hash")?;
            if prev_hash != prev {
                return broken(
                    "link to the previous event does not match: events were inserted, deleted or reordered".into(),
                );
            }
            let computed = event_hash(
                &prev,
                seq,
                r.try_get("at")?,
                r.try_get::<&str, _>("actor")?,
                r.try_get::<&str, _>("action")?,
                r.try_get::<&str, _>("entity_type")?,
                r.try_get::<&str, _>("entity_id")?,
                r.try_get::<&str, _>("payload")?,
            );
            let stored: &str = r.try_get("hash")?;
            if computed != stored {
                return broken("content does not match its hash: the event was edited".into());
            }
            prev = computed;
            expected_seq += 1;
            checked += 1;
        }
    }
    // MAX first, head second: a legitimate append raises the head in the same transaction, so a
    // head read later can only be higher than any legitimately stored event.
    let max_seq: i64 = sqlx::query(MAX_SEQ).fetch_one(&db.pool).await?.try_get("m")?;
    let now_head: i64 = sqlx::query(SELECT_HEAD).fetch_one(&db.pool).await?.try_get("seq")?;
    if max_seq > now_head {
        return Ok(Verification::Broken {
            seq: now_head + 1,
            reason: format!(
                "event #{} lies beyond the chain head (#{now_head}): it was inserted outside the audit log",
                now_head + 1
            ),
            checked,
        });
    }
    let last = expected_seq - 1;
    if head_seq != last || head_hash != prev {
        // More events than the head records: the first one past the head was appended outside
        // `append`. Fewer: events at the end were deleted (or the head itself was altered).
        let (seq, reason) = if last > head_seq {
            (
                head_seq + 1,
                format!(
                    "event #{} lies beyond the chain head (#{head_seq}): it was inserted outside the audit log",
                    head_seq + 1
                ),
            )
        } else {
            (
                last + 1,
                format!(
                    "chain ends at event #{last} but the head records #{head_seq}: events at the end were deleted or the head was altered"
                ),
            )
        };
        return Ok(Verification::Broken { seq, reason, checked });
    }
    Ok(Verification::Intact { events: checked, head: prev })
}

const SELECT_ENTITY: &str = "SELECT seq, id, at, actor, action, entity_type, entity_id, payload, hash FROM audit_events WHERE (entity_type = $1 AND entity_id = $2) ORDER BY seq";

/// Events of one entity, oldest first (the case timeline).
pub async fn for_entity(db: &Db, entity_type: &str, entity_id: &str) -> Result<Vec<AuditEvent>, StoreError> {
    let rows = sqlx::query(SELECT_ENTITY).bind(entity_type).bind(entity_id).fetch_all(&db.pool).await?;
    rows.iter().map(row_to_event).collect()
}

fn row_to_event(r: &sqlx::any::AnyRow) -> Result<AuditEvent, StoreError> {
    let payload: String = r.try_get("payload")?;
    Ok(AuditEvent {
        seq: r.try_get("seq")?,
        id: r.try_get("id")?,
        at: from_ms(r.try_get("at")?),
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        entity_type: r.try_get("entity_type")?,
        entity_id: r.try_get("entity_id")?,
        payload: serde_json::from_str(&payload).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        hash: r.try_get("hash")?,
    })
}
