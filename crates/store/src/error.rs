//! Storage errors. Database failures are classified so callers can tell the user something
//! specific (locked, full, unreachable) instead of a generic failure.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("the record was changed by someone else (expected version {expected}, now {actual})")]
    Conflict { expected: i64, actual: i64 },
    #[error("a record with the same {0} already exists")]
    Duplicate(&'static str),
    #[error("the database is locked by another writer; try again")]
    Locked,
    #[error("the database or disk is full")]
    Full,
    #[error("the database is unreachable: {0}")]
    Unavailable(String),
    #[error("the database is read-only or not writable: {0}")]
    ReadOnly(String),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
                StoreError::Unavailable("no database connection available".into())
            }
            sqlx::Error::Io(io) => StoreError::Unavailable(io.to_string()),
            sqlx::Error::Database(db) => {
                let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
                let msg = db.message().to_owned();
                // SQLite primary codes (extended codes keep the primary in the low byte); PG SQLSTATEs.
                let sqlite_primary = code.parse::<i64>().ok().map(|c| c & 0xff);
                match (sqlite_primary, code.as_str()) {
                    (Some(5 | 6), _) | (_, "55P03" | "40P01") => StoreError::Locked,
                    (Some(13), _) | (_, "53100" | "53200") => StoreError::Full,
                    (Some(8), _) | (_, "25006") => StoreError::ReadOnly(msg),
                    (Some(11 | 26), _) => StoreError::Corrupt(msg),
                    (_, "57P01" | "57P02" | "57P03" | "08000" | "08003" | "08006") => StoreError::Unavailable(msg),
                    _ if db.is_unique_violation() => StoreError::Duplicate("key"),
                    _ => StoreError::Database(e),
                }
            }
            _ => StoreError::Database(e),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        match e {
            sqlx::migrate::MigrateError::Execute(inner) => StoreError::from(inner),
            other => StoreError::Migration(other.to_string()),
        }
    }
}
