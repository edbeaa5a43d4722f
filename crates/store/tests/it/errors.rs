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
            eprintln!("unreachable PostgreSQL after {took:?}: {msg}")
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
