//! The audit chain: an untouched chain verifies, and every kind of tampering is reported at the
//! exact event it affects. Each test gets its own fresh database.

use netra_store::Db;
use netra_store::audit::{self, GENESIS, NewEvent, Verification, event_hash};
use serde_json::json;
use sqlx::Row;

use crate::support::{at, exec};

const EVENTS: i64 = 10;

/// Appends events 1..=n, one committed write transaction each.
async fn seed(db: &Db, n: i64) -> anyhow::Result<()> {
    for i in 1..=n {
        let mut tx = db.begin_write().await?;
        let entity = format!("case-{}", i % 3);
        let seq = audit::append(
            &mut tx,
            NewEvent {
                actor: if i % 2 == 0 { "officer-a" } else { "officer-b" },
                action: "case.note",
                entity_type: "case",
                entity_id: &entity,
                payload: json!({ "i": i, "note": format!("catatan {i}") }),
            },
            at(i),
        )
        .await?;
        tx.commit().await?;
        assert_eq!(seq, i, "append numbers events 1, 2, 3, …");
    }
    Ok(())
}

#[derive(Debug, Clone)]
struct Stored {
    at: i64,
    actor: String,
    action: String,
    entity_type: String,
    entity_id: String,
    payload: String,
    prev_hash: String,
    hash: String,
}

async fn row(db: &Db, seq: i64) -> anyhow::Result<Stored> {
    let r = sqlx::query(
        "SELECT at, actor, action, entity_type, entity_id, payload, prev_hash, hash FROM audit_events WHERE seq = $1",
    )
    .bind(seq)
    .fetch_one(&db.pool)
    .await?;
    Ok(Stored {
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        action: r.try_get("action")?,
        entity_type: r.try_get("entity_type")?,
        entity_id: r.try_get("entity_id")?,
        payload: r.try_get("payload")?,
        prev_hash: r.try_get("prev_hash")?,
        hash: r.try_get("hash")?,
    })
}

async fn insert_raw(db: &Db, seq: i64, e: &Stored) -> anyhow::Result<()> {
    sqlx::query("INSERT INTO audit_events (seq, id, at, actor, action, entity_type, entity_id, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(seq)
        .bind(format!("forged-{seq}"))
        .bind(e.at)
        .bind(e.actor.clone())
        .bind(e.action.clone())
        .bind(e.entity_type.clone())
        .bind(e.entity_id.clone())
        .bind(e.payload.clone())
        .bind(e.prev_hash.clone())
        .bind(e.hash.clone())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A well-formed event that follows `prev` at `seq` (what a forger with the algorithm would write).
fn forged_after(prev: &Stored, seq: i64) -> Stored {
    let payload = json!({ "i": 0, "note": "forged: case closed" }).to_string();
    let at_ms = prev.at + 1;
    let hash = event_hash(&prev.hash, seq, at_ms, "intruder", "case.note", "case", "case-0", &payload);
    Stored {
        at: at_ms,
        actor: "intruder".into(),
        action: "case.note".into(),
        entity_type: "case".into(),
        entity_id: "case-0".into(),
        payload,
        prev_hash: prev.hash.clone(),
        hash,
    }
}

fn broken_at(v: &Verification) -> Option<i64> {
    match v {
        Verification::Broken { seq, .. } => Some(*seq),
        Verification::Intact { .. } => None,
    }
}

async fn assert_broken_at(db: &Db, expected: i64, what: &str) -> anyhow::Result<String> {
    let v = audit::verify(db).await?;
    assert_eq!(broken_at(&v), Some(expected), "{what}: expected the chain to break at event #{expected}, got {v:?}");
    let Verification::Broken { reason, checked, .. } = v else { unreachable!() };
    assert_eq!(checked, u64::try_from(expected - 1)?, "{what}: every event before the break was checked");
    Ok(reason)
}

async fn empty_chain_is_intact(db: &Db) -> anyhow::Result<()> {
    assert_eq!(audit::verify(db).await?, Verification::Intact { events: 0, head: GENESIS.to_owned() });
    Ok(())
}
netra_testkit::on_all_backends!(empty_chain, empty_chain_is_intact);

async fn untouched_chain_is_intact(db: &Db) -> anyhow::Result<()> {
    seed(db, EVENTS).await?;
    let last = row(db, EVENTS).await?;
    assert_eq!(audit::verify(db).await?, Verification::Intact { events: 10, head: last.hash.clone() });
    // Each event links to its predecessor, starting from the genesis hash.
    assert_eq!(row(db, 1).await?.prev_hash, GENESIS);
    for seq in 2..=EVENTS {
        assert_eq!(row(db, seq).await?.prev_hash, row(db, seq - 1).await?.hash, "link of #{seq}");
    }
    // The timeline of one entity comes back oldest first with its payloads intact.
    let timeline = audit::for_entity(db, "case", "case-1").await?;
    let seqs: Vec<i64> = timeline.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, vec![1, 4, 7, 10]);
    assert_eq!(timeline[1].payload, json!({ "i": 4, "note": "catatan 4" }));
    assert_eq!(timeline[1].at, at(4));
    // An appended event after verification keeps the chain intact.
    seed_one_more(db).await?;
    assert!(matches!(audit::verify(db).await?, Verification::Intact { events: 11, .. }));
    Ok(())
}
netra_testkit::on_all_backends!(intact, untouched_chain_is_intact);

async fn seed_one_more(db: &Db) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await?;
    let ev = NewEvent {
        actor: "officer-a",
        action: "case.note",
        entity_type: "case",
        entity_id: "case-2",
        payload: json!({}),
    };
    assert_eq!(audit::append(&mut tx, ev, at(100)).await?, EVENTS + 1);
    tx.commit().await?;
    Ok(())
}

async fn edited_payload_breaks_at_that_event(db: &Db) -> anyhow::Result<()> {
    seed(db, EVENTS).await?;
    let n = exec(db, r#"UPDATE audit_events SET payload = '{"i":4,"note":"tidak terbukti"}' WHERE seq = 4"#).await?;
    assert_eq!(n, 1);
    let reason = assert_broken_at(db, 4, "edited payload").await?;
    assert!(reason.contains("edited"), "reason: {reason}");
    Ok(())
}
netra_testkit::on_all_backends!(tamper_edit, edited_payload_breaks_at_that_event);

async fn edited_actor_breaks_at_that_event(db: &Db) -> anyhow::Result<()> {
    seed(db, EVENTS).await?;
    assert_eq!(exec(db, "UPDATE audit_events SET actor = 'someone-else' WHERE seq = 7").await?, 1);
    assert_broken_at(db, 7, "edited actor").await?;
    Ok(())
}
netra_testkit::on_all_backends!(tamper_edit_actor, edited_actor_breaks_at_that_event);

async fn deleted_event_breaks_at_the_missing_seq(db: &Db) -> anyhow::Result<()> {
    seed(db, EVENTS).await?;
    assert_eq!(exec(db, "DELETE FROM audit_events WHERE seq = 4").await?, 1);
    let reason = assert_broken_at(db, 4, "deleted event #4").await?;
    assert!(reason.contains("deleted"), "reason: {reason}");
    Ok(())
}
netra_testkit::on_all_backends!(tamper_delete, deleted_event_breaks_at_the_missing_seq);

async fn deleted_and_relinked_event_is_detected(db: &Db) -> anyhow::Result<()> {
    // A forger deletes #4 and renumbers the rest down so there is no gap: the link of the event now
    // at #4 (formerly #5) still points at the deleted event.
    seed(db, EVENTS).await?;
    exec(db, "DELETE FROM audit_events WHERE seq = 4").await?;
    exec(db, "UPDATE audit_events SET seq = -(seq - 1) WHERE seq > 4").await?;
    exec(db, "UPDATE audit_events SET seq = -seq WHERE seq < 0").await?;
    exec(db, "UPDATE audit_head SET seq = seq - 1 WHERE id = 1").await?;
    let reason = assert_broken_at(db, 4, "deleted #4 and renumbered").await?;
    assert!(reason.contains("link"), "reason: {reason}");
    Ok(())
}
netra_testkit::on_all_backends!(tamper_delete_renumber, deleted_and_relinked_event_is_detected);

async fn inserted_event_breaks_the_next_link(db: &Db) -> anyhow::Result<()> {
    // Make room after #4 (two steps: a unique key cannot be shifted in place) and insert a forged #5
    // that links correctly to #4 and carries a correct hash. The forged event itself verifies; the
    // old #5, now #6, still links to #4 and breaks.
    seed(db, EVENTS).await?;
    let fourth = row(db, 4).await?;
    exec(db, "UPDATE audit_events SET seq = -(seq + 1) WHERE seq >= 5").await?;
    exec(db, "UPDATE audit_events SET seq = -seq WHERE seq < 0").await?;
    insert_raw(db, 5, &forged_after(&fourth, 5)).await?;
    let reason = assert_broken_at(db, 6, "forged event inserted as #5").await?;
    assert!(reason.contains("link"), "reason: {reason}");
    Ok(())
}
netra_testkit::on_all_backends!(tamper_insert, inserted_event_breaks_the_next_link);

async fn appended_forgery_is_detected_through_the_head(db: &Db) -> anyhow::Result<()> {
    // A well-formed #11 written straight into the table, bypassing `append` (the head still says 10).
    seed(db, EVENTS).await?;
    let last = row(db, EVENTS).await?;
    insert_raw(db, EVENTS + 1, &forged_after(&last, EVENTS + 1)).await?;
    assert_broken_at_head(db, EVENTS + 1, "forged event appended as #11").await
}
netra_testkit::on_all_backends!(tamper_append, appended_forgery_is_detected_through_the_head);

/// Breaks found only by comparing with `audit_head` come after the whole chain was walked.
async fn assert_broken_at_head(db: &Db, expected: i64, what: &str) -> anyhow::Result<()> {
    let v = audit::verify(db).await?;
    assert_eq!(broken_at(&v), Some(expected), "{what}: expected the chain to break at event #{expected}, got {v:?}");
    Ok(())
}

async fn swapped_content_breaks_at_the_first_swapped_event(db: &Db) -> anyhow::Result<()> {
    // Reorder by swapping what #3 and #4 say while leaving seq and hashes in place.
    seed(db, EVENTS).await?;
    let (third, fourth) = (row(db, 3).await?, row(db, 4).await?);
    for (seq, e) in [(3_i64, &fourth), (4, &third)] {
        sqlx::query("UPDATE audit_events SET at = $1, actor = $2, action = $3, entity_type = $4, entity_id = $5, payload = $6 WHERE seq = $7")
            .bind(e.at)
            .bind(e.actor.clone())
            .bind(e.action.clone())
            .bind(e.entity_type.clone())
            .bind(e.entity_id.clone())
            .bind(e.payload.clone())
            .bind(seq)
            .execute(&db.pool)
            .await?;
    }
    assert_broken_at(db, 3, "content of #3 and #4 swapped").await?;
    Ok(())
}
netra_testkit::on_all_backends!(tamper_reorder_content, swapped_content_breaks_at_the_first_swapped_event);

async fn swapped_rows_break_at_the_first_swapped_event(db: &Db) -> anyhow::Result<()> {
    // Reorder whole rows (hashes travel with them) by swapping their sequence numbers.
    seed(db, EVENTS).await?;
    exec(db, "UPDATE audit_events SET seq = -4 WHERE seq = 4").await?;
    exec(db, "UPDATE audit_events SET seq = 4 WHERE seq = 3").await?;
    exec(db, "UPDATE audit_events SET seq = 3 WHERE seq = -4").await?;
    let reason = assert_broken_at(db, 3, "rows #3 and #4 swapped").await?;
    assert!(reason.contains("link"), "reason: {reason}");
    Ok(())
}
netra_testkit::on_all_backends!(tamper_reorder_rows, swapped_rows_break_at_the_first_swapped_event);

async fn deleted_last_event_is_detected_through_the_head(db: &Db) -> anyhow::Result<()> {
    seed(db, EVENTS).await?;
    assert_eq!(exec(db, "DELETE FROM audit_events WHERE seq = 10").await?, 1);
    let v = audit::verify(db).await?;
    assert_eq!(broken_at(&v), Some(EVENTS), "deleting the last event: {v:?}");
    let Verification::Broken { reason, checked, .. } = v else { unreachable!() };
    assert_eq!(checked, 9);
    assert!(reason.contains("head"), "reason: {reason}");
    Ok(())
}
netra_testkit::on_all_backends!(tamper_delete_last, deleted_last_event_is_detected_through_the_head);

async fn verify_during_appends_never_reports_tampering(db: &Db) -> anyhow::Result<()> {
    // `netra audit verify` may run while officials work: events committed during the walk must not
    // look like tampering (the walk and the head have to come from one consistent snapshot).
    seed(db, 3).await?;
    let writer = {
        let db = db.clone();
        tokio::spawn(async move {
            for i in 0..300 {
                let mut tx = db.begin_write().await?;
                let ev = NewEvent {
                    actor: "officer-a",
                    action: "case.note",
                    entity_type: "case",
                    entity_id: "case-9",
                    payload: json!({ "i": i }),
                };
                audit::append(&mut tx, ev, at(1_000 + i)).await?;
                tx.commit().await?;
            }
            anyhow::Ok(())
        })
    };
    let mut runs = 0;
    while !writer.is_finished() {
        let v = audit::verify(db).await?;
        assert!(matches!(v, Verification::Intact { .. }), "verify during appends (run {runs}) reported {v:?}");
        runs += 1;
    }
    writer.await??;
    assert!(matches!(audit::verify(db).await?, Verification::Intact { events: 303, .. }));
    eprintln!("{runs} verifications ran during the appends");
    Ok(())
}
netra_testkit::on_all_backends!(verify_while_appending, verify_during_appends_never_reports_tampering);
