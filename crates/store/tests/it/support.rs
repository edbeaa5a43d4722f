//! Small helpers shared by the test modules.

use chrono::{DateTime, Duration, TimeZone, Utc};
use netra_store::Db;
use sqlx::Row;

/// A fixed instant plus `secs` seconds (tests never depend on the wall clock).
pub fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 2, 1, 8, 0, 0).single().expect("valid date") + Duration::seconds(secs)
}

/// Runs a statement outside any transaction and returns the affected row count.
pub async fn exec(db: &Db, sql: &'static str) -> anyhow::Result<u64> {
    Ok(sqlx::query(sql).execute(&db.pool).await?.rows_affected())
}

/// A single BIGINT from a `SELECT … AS n` query with one text parameter.
pub async fn count_where(db: &Db, sql: &'static str, param: &str) -> anyhow::Result<i64> {
    let row = sqlx::query(sql).bind(param.to_owned()).fetch_one(&db.pool).await?;
    Ok(row.try_get::<i64, _>("n")?)
}

/// A single BIGINT from a parameterless `SELECT … AS n` query.
pub async fn scalar(db: &Db, sql: &'static str) -> anyhow::Result<i64> {
    let row = sqlx::query(sql).fetch_one(&db.pool).await?;
    Ok(row.try_get::<i64, _>("n")?)
}
