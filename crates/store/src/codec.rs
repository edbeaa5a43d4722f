//! The one place where domain values become column values and back.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use crate::StoreError;

pub fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub fn from_ms(v: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(v).single().unwrap_or_default()
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn parse_date(s: &str) -> Result<NaiveDate, StoreError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| StoreError::Corrupt(format!("date `{s}`: {e}")))
}

pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("domain values serialise")
}

pub fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("json: {e}")))
}

/// Parses a stored enum value, or reports the row as corrupt.
pub fn parse_enum<T>(s: &str, f: impl Fn(&str) -> Option<T>) -> Result<T, StoreError> {
    f(s).ok_or_else(|| StoreError::Corrupt(format!("unknown value `{s}`")))
}

/// Booleans are selected as `CAST(col AS BIGINT)`: the Any driver cannot decode SQLite's BOOLEAN.
pub fn get_bool(r: &sqlx::any::AnyRow, col: &str) -> Result<bool, StoreError> {
    use sqlx::Row;
    Ok(r.try_get::<i64, _>(col)? != 0)
}
