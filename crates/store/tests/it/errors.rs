//! Connection failures are classified, fast, and say what is wrong.

use std::time::{Duration, Instant};

use netra_store::{Db, StoreError};

#[tokio::test]
async fn unreachable_postgres_is_unavailable_quickly() {
    let started = Instant::now();
    let result = Db::connect("postgres://nobody@127.0.0.1:1/x").await;
    let took = started.elapsed();
    match result {
        Err(StoreError::Unavailable(msg)) => {
            assert!(msg.contains("127.0.0.1:1"), "the message names the server: {msg}");
            assert!(!msg.contains("nobody@"), "no credentials in the message: {msg}");
        }
        other => panic!("expected StoreError::Unavailable, got {other:?}"),
    }
    assert!(took < Duration::from_secs(5), "an unreachable server must be reported quickly, took {took:?}");
}

#[tokio::test]
async fn sqlite_data_folder_that_is_a_file_is_a_clear_error() {
    let file = tempfile::NamedTempFile::new().expect("temp file");
    let result = Db::open_sqlite_dir(file.path()).await;
    match result {
        Err(StoreError::Unavailable(msg)) => {
            assert!(msg.contains(&file.path().display().to_string()), "the message names the path: {msg}");
        }
        other => panic!("expected StoreError::Unavailable, got {other:?}"),
    }
}

#[tokio::test]
async fn unsupported_url_scheme_is_rejected_and_redacted() {
    match Db::connect("mysql://root:hunter2@db/netra").await {
        Err(StoreError::Unavailable(msg)) => {
            assert!(msg.contains("unsupported"), "{msg}");
            assert!(!msg.contains("hunter2"), "the password must not appear in errors: {msg}");
        }
        other => panic!("expected StoreError::Unavailable, got {other:?}"),
    }
}

#[test]
fn redact_hides_the_password() {
    assert_eq!(netra_store::db::redact("postgres://u:secret@h:5432/db"), "postgres://***@h:5432/db");
    assert_eq!(netra_store::db::redact("sqlite://x.db"), "sqlite://x.db");
}

/// A full disk (simulated with SQLite's page limit) is reported as `Full`, and the failed
/// transaction leaves what was stored before untouched.
#[tokio::test]
async fn full_database_is_reported_and_loses_nothing() {
    let t = netra_testkit::TestDb::sqlite().await;
    let mut tx = t.db.begin_write().await.unwrap();
    sqlx::query("INSERT INTO meta (key, value) VALUES ('kept', 'yes')").execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    let mut conn = t.db.pool.acquire().await.unwrap();
    let (pages,): (i64,) = sqlx::query_as("SELECT CAST(page_count AS BIGINT) FROM pragma_page_count()")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA max_page_count = {}", pages + 2)))
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut *conn).await.unwrap();
    let big = "x".repeat(64 * 1024);
    let err = sqlx::query("INSERT INTO meta (key, value) VALUES ('big', $1)")
        .bind(big)
        .execute(&mut *conn)
        .await
        .unwrap_err();
    // SQLite rolls back by itself on SQLITE_FULL; a second ROLLBACK is harmless if it did not.
    let _ = sqlx::query("ROLLBACK").execute(&mut *conn).await;
    drop(conn);
    assert!(matches!(StoreError::from(err), StoreError::Full), "expected Full");
    let (v,): (String,) =
        sqlx::query_as("SELECT value FROM meta WHERE key = 'kept'").fetch_one(&t.db.pool).await.unwrap();
    assert_eq!(v, "yes");
    t.close().await;
}
