//! Reference data copied into the database at first start: regions, holidays, catalogues and
//! deadline rule sets, each tagged with its version. Loading is skipped when the stored version
//! marker matches, so a start on a large database costs one query.

use chrono::{DateTime, Utc};
use netra_domain::calendar::HolidayCalendar;
use netra_domain::catalogue;
use netra_domain::deadline::RuleSet;
use sqlx::Row;

use crate::codec::ms;
use crate::{Db, StoreError};

const MARKER: &str = "reference_version";

/// A value of the `meta` table (installation-wide markers such as the reference-data version).
pub async fn meta_value(db: &Db, key: &str) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query("SELECT value FROM meta WHERE key = $1")
        .bind(key)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| r.try_get("value"))
        .transpose()?)
}

/// Sets a `meta` value inside a write transaction.
pub async fn set_meta(tx: &mut crate::Tx, key: &str, value: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM meta WHERE key = $1").bind(key).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2)").bind(key).bind(value).execute(&mut **tx).await?;
    Ok(())
}

/// The combined version of everything loaded here.
pub fn reference_version() -> String {
    let mut parts = vec![catalogue::regions().version().to_owned(), HolidayCalendar::embedded().version().to_owned()];
    for (id, v) in catalogue::catalogue_versions() {
        parts.push(format!("{id}@{v}"));
    }
    for r in RuleSet::embedded_all() {
        parts.push(format!("rules:{}@{}", r.id, r.version));
    }
    parts.join(";")
}

/// Loads reference data if the database does not already hold this version. Returns true if loaded.
pub async fn ensure_loaded(db: &Db, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let version = reference_version();
    let current = meta_value(db, MARKER).await?;
    if current.as_deref() == Some(version.as_str()) {
        return Ok(false);
    }
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM regions").execute(&mut *tx).await?;
    let regions: Vec<_> = catalogue::regions().iter().collect();
    for chunk in regions.chunks(400) {
        let mut sql = String::from("INSERT INTO regions (code, name, level, parent_code, time_zone) VALUES ");
        for i in 0..chunk.len() {
            let b = i * 5;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("(${}, ${}, ${}, ${}, ${})", b + 1, b + 2, b + 3, b + 4, b + 5));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for r in chunk {
            q = q
                .bind(r.code.as_str().to_owned())
                .bind(r.name.clone())
                .bind(r.level.as_str())
                .bind(r.parent.as_ref().map(|p| p.as_str().to_owned()))
                .bind(r.time_zone.as_str());
        }
        q.execute(&mut *tx).await?;
    }
    sqlx::query("DELETE FROM holidays").execute(&mut *tx).await?;
    for h in HolidayCalendar::embedded().holidays() {
        sqlx::query("INSERT INTO holidays (day, kind, names) VALUES ($1, $2, $3)")
            .bind(h.date.to_string())
            .bind(h.kind.as_str())
            .bind(h.names.join("; "))
            .execute(&mut *tx)
            .await?;
    }
    let mut docs: Vec<(String, i64, String)> = vec![
        (
            "skb-2022".into(),
            i64::from(catalogue::violations().version),
            serde_json::to_string(&catalogue::violations().entries).unwrap_or_default(),
        ),
        (
            "sanctions".into(),
            i64::from(catalogue::sanctions().version),
            serde_json::to_string(&catalogue::sanctions().entries).unwrap_or_default(),
        ),
        (
            "position-classes".into(),
            i64::from(catalogue::position_classes().version),
            serde_json::to_string(&catalogue::position_classes().entries).unwrap_or_default(),
        ),
        (
            "neutrality-authorities".into(),
            i64::from(catalogue::authorities().version),
            serde_json::to_string(&catalogue::authorities().entries).unwrap_or_default(),
        ),
    ];
    for r in RuleSet::embedded_all() {
        docs.push((
            format!("rules:{}", r.id),
            i64::from(r.version),
            serde_json::to_string(&r.rules).unwrap_or_default(),
        ));
    }
    for (id, version, content) in docs {
        sqlx::query("DELETE FROM reference_catalogues WHERE id = $1 AND version = $2")
            .bind(&id)
            .bind(version)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO reference_catalogues (id, version, content, loaded_at) VALUES ($1, $2, $3, $4)")
            .bind(&id)
            .bind(version)
            .bind(content)
            .bind(ms(now))
            .execute(&mut *tx)
            .await?;
    }
    set_meta(&mut tx, MARKER, &version).await?;
    tx.commit().await?;
    Ok(true)
}

/// Number of regions stored per level (for health output and tests).
pub async fn region_counts(db: &Db) -> Result<Vec<(String, i64)>, StoreError> {
    let rows = sqlx::query("SELECT level, CAST(COUNT(*) AS BIGINT) AS n FROM regions GROUP BY level ORDER BY level")
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| Ok((r.try_get("level")?, r.try_get("n")?))).collect()
}
