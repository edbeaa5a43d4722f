//! Officials and their API tokens. Tokens are 256-bit random values, so a plain SHA-256 of the token
//! is enough to store them (no salt or slow hash needed, unlike passwords or receipt codes).
//!
//! Revoking a user or changing their role ends their browser sessions in the same transaction
//! (see [`crate::auth`]); session and token lookups also require an active user, so nothing issued
//! before the change keeps working.

use chrono::{DateTime, Utc};
use netra_domain::ids::RegionCode;
use netra_domain::policy::{Actor, Role, Scope};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::codec::{from_ms, ms, new_id, parse_enum};
use crate::{Db, StoreError};

#[derive(Debug, Clone, serde::Serialize)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

const INSERT_USER: &str = "INSERT INTO users (id, username, display_name, role, scope_region, scope_agency, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

pub async fn create(
    db: &Db,
    username: &str,
    display_name: &str,
    role: Role,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    let id = new_id();
    sqlx::query(INSERT_USER)
        .bind(&id)
        .bind(username)
        .bind(display_name)
        .bind(role.as_str())
        .bind(scope.region.as_ref().map(|r| r.as_str().to_owned()))
        .bind(scope.agency_id.clone())
        .bind(true)
        .bind(ms(now))
        .execute(&db.pool)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Duplicate(_) => StoreError::Duplicate("username"),
            other => other,
        })?;
    by_username(db, username).await
}

const SELECT_USER: &str = "SELECT id, username, display_name, role, scope_region, scope_agency, CAST(CASE WHEN active THEN 1 ELSE 0 END AS BIGINT) AS active, created_at FROM users";

pub(crate) fn row_to_user(r: &sqlx::any::AnyRow) -> Result<User, StoreError> {
    let region: Option<String> = r.try_get("scope_region")?;
    Ok(User {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        role: parse_enum(&r.try_get::<String, _>("role")?, Role::parse)?,
        scope: Scope {
            region: region
                .map(|c| RegionCode::parse(&c))
                .transpose()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            agency_id: r.try_get("scope_agency")?,
        },
        active: crate::codec::get_bool(r, "active")?,
        created_at: from_ms(r.try_get("created_at")?),
    })
}

pub async fn by_username(db: &Db, username: &str) -> Result<User, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT_USER} WHERE username = $1"));
    let r = sqlx::query(sql).bind(username).fetch_optional(&db.pool).await?.ok_or(StoreError::NotFound)?;
    row_to_user(&r)
}

pub async fn list(db: &Db) -> Result<Vec<User>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT_USER} ORDER BY username"));
    sqlx::query(sql).fetch_all(&db.pool).await?.iter().map(row_to_user).collect()
}

/// Deactivates a user; their tokens stop working at once because lookups require an active user,
/// and their browser sessions and pending sign-ins are deleted. Recorded as `system:admin`.
pub async fn revoke(db: &Db, username: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    revoke_by(db, "system:admin", username, now).await
}

/// [`revoke`] with the acting user named in the audit event (`user.revoked`).
pub async fn revoke_by(db: &Db, actor: &str, username: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut tx = db.begin_write().await?;
    let user = user_in_tx(&mut tx, username).await?;
    sqlx::query("UPDATE users SET active = $1, revoked_at = $2 WHERE id = $3")
        .bind(false)
        .bind(ms(now))
        .bind(&user.id)
        .execute(&mut *tx)
        .await?;
    let sessions = crate::auth::end_user_sessions(&mut tx, &user.id, None).await?;
    crate::audit::append(
        &mut tx,
        crate::audit::NewEvent {
            actor,
            action: "user.revoked",
            entity_type: "user",
            entity_id: &user.id,
            payload: serde_json::json!({ "username": user.username, "sessions_ended": sessions }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a user's role and scope; their sessions end (they sign in again under the new role).
pub async fn change_role(
    db: &Db,
    actor: &str,
    username: &str,
    role: Role,
    scope: &Scope,
    now: DateTime<Utc>,
) -> Result<User, StoreError> {
    let mut tx = db.begin_write().await?;
    let before = user_in_tx(&mut tx, username).await?;
    sqlx::query("UPDATE users SET role = $1, scope_region = $2, scope_agency = $3 WHERE id = $4")
        .bind(role.as_str())
        .bind(scope.region.as_ref().map(|r| r.as_str().to_owned()))
        .bind(scope.agency_id.clone())
        .bind(&before.id)
        .execute(&mut *tx)
        .await?;
    let sessions = crate::auth::end_user_sessions(&mut tx, &before.id, None).await?;
    crate::audit::append(
        &mut tx,
        crate::audit::NewEvent {
            actor,
            action: "user.role_changed",
            entity_type: "user",
            entity_id: &before.id,
            payload: serde_json::json!({
                "username": before.username,
                "from": { "role": before.role.as_str(), "scope": before.scope },
                "to": { "role": role.as_str(), "scope": scope },
                "sessions_ended": sessions,
            }),
        },
        now,
    )
    .await?;
    let after = user_in_tx(&mut tx, username).await?;
    tx.commit().await?;
    Ok(after)
}

async fn user_in_tx(tx: &mut crate::Tx, username: &str) -> Result<User, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT_USER} WHERE username = $1"));
    let r = sqlx::query(sql).bind(username).fetch_optional(&mut **tx).await?.ok_or(StoreError::NotFound)?;
    row_to_user(&r)
}

pub async fn create_token(
    db: &Db,
    user_id: &str,
    token: &str,
    label: &str,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let id = new_id();
    sqlx::query("INSERT INTO api_tokens (id, user_id, token_hash, label, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(user_id)
        .bind(token_hash(token))
        .bind(label)
        .bind(ms(now))
        .execute(&db.pool)
        .await?;
    Ok(id)
}

pub async fn revoke_token(db: &Db, token_id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    let n = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(ms(now))
        .bind(token_id)
        .execute(&db.pool)
        .await?
        .rows_affected();
    if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

const ACTOR_BY_TOKEN: &str = "SELECT u.id, u.username, u.display_name, u.role, u.scope_region, u.scope_agency, CAST(CASE WHEN u.active THEN 1 ELSE 0 END AS BIGINT) AS active, u.created_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = $2";

/// The actor a bearer token belongs to, if the token and its user are both active.
pub async fn actor_by_token(db: &Db, token: &str) -> Result<Option<Actor>, StoreError> {
    let Some(r) = sqlx::query(ACTOR_BY_TOKEN).bind(token_hash(token)).bind(true).fetch_optional(&db.pool).await? else {
        return Ok(None);
    };
    let u = row_to_user(&r)?;
    Ok(Some(Actor { user_id: u.id, username: u.username, role: u.role, scope: u.scope }))
}
