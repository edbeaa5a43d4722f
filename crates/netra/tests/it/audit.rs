//! `netra audit verify` after `netra demo`, then with the database tampered with behind Netra's back.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Connection, Row};

use crate::support::{Instance, Output};

const COLUMNS: &str = "seq, id, at, actor, action, entity_type, entity_id, payload, prev_hash, hash";

/// One stored audit event, kept to put it back after a tampering step.
struct StoredEvent {
    seq: i64,
    id: String,
    at: i64,
    actor: String,
    action: String,
    entity_type: String,
    entity_id: String,
    payload: String,
    prev_hash: String,
    hash: String,
}

impl StoredEvent {
    fn from_row(r: &AnyRow) -> StoredEvent {
        StoredEvent {
            seq: r.get("seq"),
            id: r.get("id"),
            at: r.get("at"),
            actor: r.get("actor"),
            action: r.get("action"),
            entity_type: r.get("entity_type"),
            entity_id: r.get("entity_id"),
            payload: r.get("payload"),
            prev_hash: r.get("prev_hash"),
            hash: r.get("hash"),
        }
    }
}

async fn read_event(n: &Instance, seq: i64) -> StoredEvent {
    let mut c = n.connect().await;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM audit_events WHERE seq = $1")))
        .bind(seq)
        .fetch_one(&mut c)
        .await
        .unwrap_or_else(|e| panic!("reading audit event #{seq}: {e}"));
    let ev = StoredEvent::from_row(&row);
    c.close().await.expect("closing");
    ev
}

async fn last_seq(n: &Instance) -> i64 {
    let mut c = n.connect().await;
    let m: i64 = sqlx::query("SELECT CAST(MAX(seq) AS BIGINT) AS m FROM audit_events")
        .fetch_one(&mut c)
        .await
        .expect("max seq")
        .get("m");
    c.close().await.expect("closing");
    m
}

async fn set_payload(n: &Instance, seq: i64, payload: &str) {
    let mut c = n.connect().await;
    let done = sqlx::query("UPDATE audit_events SET payload = $1 WHERE seq = $2")
        .bind(payload)
        .bind(seq)
        .execute(&mut c)
        .await
        .expect("editing a payload");
    assert_eq!(done.rows_affected(), 1);
    c.close().await.expect("closing");
}

async fn delete_event(n: &Instance, seq: i64) {
    let mut c = n.connect().await;
    let done = sqlx::query("DELETE FROM audit_events WHERE seq = $1")
        .bind(seq)
        .execute(&mut c)
        .await
        .expect("deleting an event");
    assert_eq!(done.rows_affected(), 1);
    c.close().await.expect("closing");
}

async fn put_back(n: &Instance, ev: &StoredEvent) {
    let mut c: AnyConnection = n.connect().await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO audit_events ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )))
    .bind(ev.seq)
    .bind(&ev.id)
    .bind(ev.at)
    .bind(&ev.actor)
    .bind(&ev.action)
    .bind(&ev.entity_type)
    .bind(&ev.entity_id)
    .bind(&ev.payload)
    .bind(&ev.prev_hash)
    .bind(&ev.hash)
    .execute(&mut c)
    .await
    .expect("restoring an event");
    c.close().await.expect("closing");
}

/// `audit verify` must exit 0 and say "intact"; returns the "N events, head H" part.
#[track_caller]
fn verify_intact(n: &Instance) -> String {
    let out = n.run(&["audit", "verify"]).success().stdout_has(&["intact"]);
    summary(&out)
}

fn summary(out: &Output) -> String {
    // "audit log intact: 406 events, head 9e08… (37.86ms)": drop the timing.
    let line = out.stdout.lines().next().unwrap_or_default();
    line.split(" (").next().unwrap_or_default().to_owned()
}

/// `audit verify` must exit exactly 1 (not 2, an error) and name `#seq` and `why`.
#[track_caller]
fn verify_broken(n: &Instance, seq: i64, why: &str) {
    let out = n.run(&["audit", "verify"]);
    assert_eq!(out.code(), Some(1), "a broken chain exits 1:\n{out}");
    let first = format!("BROKEN at event #{seq}:");
    let out = out.stdout_has(&[&first, why]);
    assert!(!out.stdout.contains("intact"), "{out}");
}

async fn detects_edits_and_deletions(n: &Instance) {
    let demo = n.run(&["demo"]).success();
    assert_eq!(demo.json()["loaded"], true, "{demo}");
    let intact = verify_intact(n);
    let last = last_seq(n).await;
    assert!(last > 10, "the demo should leave a long audit log, has {last} events");
    assert!(intact.contains(&format!("{last} events")), "verify should count {last} events: {intact}");

    // 1. One payload edited at #5.
    let original = read_event(n, 5).await;
    let mut edited: serde_json::Value = serde_json::from_str(&original.payload).expect("payload is JSON");
    match edited.as_object_mut() {
        Some(obj) => {
            obj.insert("tampered".into(), serde_json::Value::Bool(true));
        }
        None => edited = serde_json::json!({ "tampered": edited }),
    }
    set_payload(n, 5, &edited.to_string()).await;
    verify_broken(n, 5, "edited");
    set_payload(n, 5, &original.payload).await;
    assert_eq!(verify_intact(n), intact, "restoring the payload restores the chain");

    // 2. A row in the middle deleted.
    let victim = read_event(n, 7).await;
    delete_event(n, 7).await;
    verify_broken(n, 7, "deleted");
    put_back(n, &victim).await;
    assert_eq!(verify_intact(n), intact, "putting the row back restores the chain");

    // 3. The newest row deleted: nothing follows it, only the head remembers it.
    let newest = read_event(n, last).await;
    delete_event(n, last).await;
    verify_broken(n, last, "deleted");
    put_back(n, &newest).await;
    assert_eq!(verify_intact(n), intact);
}

on_both_engines!(verify_after_demo_and_tampering, super::detects_edits_and_deletions);
