//! Sign-in storage: credentials on `users`, pending sign-ins, sessions, recovery codes and failure
//! counters (`migrations/*/0003_auth.sql`, rules in `netra-core`'s `auth` module and `docs/auth.md`).
//!
//! Tokens (session and pending) are 256-bit random values and are stored only as SHA-256
//! ([`crate::users::token_hash`]); recovery codes likewise. Everything that changes state takes the
//! caller's transaction so the change and its audit event commit together.

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::codec::{from_ms, ms};
use crate::users::{User, row_to_user};
use crate::{Db, StoreError, Tx};

/// A secret sealed by the core `Sealer` (key id, nonce, ciphertext).
#[derive(Clone, PartialEq, Eq)]
pub struct SealedSecret {
    pub key_id: String,
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for SealedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedSecret").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

fn sealed(r: &sqlx::any::AnyRow, key_id: &str, nonce: &str, ct: &str) -> Result<Option<SealedSecret>, StoreError> {
    let key_id: Option<String> = r.try_get(key_id)?;
    let nonce: Option<Vec<u8>> = r.try_get(nonce)?;
    let ciphertext: Option<Vec<u8>> = r.try_get(ct)?;
    Ok(match (key_id, nonce, ciphertext) {
        (Some(key_id), Some(nonce), Some(ciphertext)) => Some(SealedSecret { key_id, nonce, ciphertext }),
        _ => None,
    })
}

/// A user with what is needed to check their credentials.
#[derive(Clone)]
pub struct Credentials {
    pub user: User,
    /// Argon2id PHC string; `None` until a password is set.
    pub password_hash: Option<String>,
    /// The sealed TOTP secret; `None` until enrolment is confirmed (or after a reset).
    pub totp: Option<SealedSecret>,
    pub totp_last_step: Option<i64>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user.username)
            .field("has_password", &self.password_hash.is_some())
            .field("enrolled", &self.totp.is_some())
            .finish_non_exhaustive()
    }
}

const SELECT_CREDENTIALS: &str = "SELECT id, username, display_name, role, scope_region, scope_agency, CAST(CASE WHEN active THEN 1 ELSE 0 END AS BIGINT) AS active, created_at, password_hash, totp_key_id, totp_nonce, totp_sealed, totp_last_step FROM users";

fn row_to_credentials(r: &sqlx::any::AnyRow) -> Result<Credentials, StoreError> {
    Ok(Credentials {
        user: row_to_user(r)?,
        password_hash: r.try_get("password_hash")?,
        totp: sealed(r, "totp_key_id", "totp_nonce", "totp_sealed")?,
        totp_last_step: r.try_get("totp_last_step")?,
    })
}

/// Credentials by username (any state: the caller decides what an inactive user means).
pub async fn credentials_by_username(db: &Db, username: &str) -> Result<Option<Credentials>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT_CREDENTIALS} WHERE username = $1"));
    sqlx::query(sql).bind(username).fetch_optional(&db.pool).await?.as_ref().map(row_to_credentials).transpose()
}

/// [`credentials_by_username`] inside `tx`.
pub async fn credentials_by_username_tx(tx: &mut Tx, username: &str) -> Result<Option<Credentials>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT_CREDENTIALS} WHERE username = $1"));
    sqlx::query(sql).bind(username).fetch_optional(&mut **tx).await?.as_ref().map(row_to_credentials).transpose()
}

/// Credentials by user id, read inside `tx`.
pub async fn credentials_by_id(tx: &mut Tx, user_id: &str) -> Result<Option<Credentials>, StoreError> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT_CREDENTIALS} WHERE id = $1"));
    sqlx::query(sql).bind(user_id).fetch_optional(&mut **tx).await?.as_ref().map(row_to_credentials).transpose()
}

/// Stores a new password hash.
pub async fn set_password_hash(tx: &mut Tx, user_id: &str, phc: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    let n = sqlx::query("UPDATE users SET password_hash = $1, password_set_at = $2 WHERE id = $3")
        .bind(phc)
        .bind(ms(now))
        .bind(user_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Stores a confirmed TOTP secret; `step` (the step of the confirming code) counts as used.
pub async fn set_totp(
    tx: &mut Tx,
    user_id: &str,
    secret: &SealedSecret,
    step: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let n = sqlx::query("UPDATE users SET totp_key_id = $1, totp_nonce = $2, totp_sealed = $3, totp_enrolled_at = $4, totp_last_step = $5 WHERE id = $6")
        .bind(&secret.key_id)
        .bind(secret.nonce.clone())
        .bind(secret.ciphertext.clone())
        .bind(ms(now))
        .bind(step)
        .bind(user_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

/// Forgets the TOTP secret and every recovery code: the next sign-in must enrol again.
pub async fn clear_totp(tx: &mut Tx, user_id: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE users SET totp_key_id = NULL, totp_nonce = NULL, totp_sealed = NULL, totp_enrolled_at = NULL, totp_last_step = NULL WHERE id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM auth_recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

/// Marks TOTP time step `step` as used, only if it is later than every step used before. False
/// means the code is a replay (or an older code): the single UPDATE makes this race-free.
pub async fn claim_totp_step(tx: &mut Tx, user_id: &str, step: i64) -> Result<bool, StoreError> {
    let n = sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $3)",
    )
    .bind(step)
    .bind(user_id)
    .bind(step)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Replaces the user's recovery codes with `hashes`.
pub async fn replace_recovery_codes(
    tx: &mut Tx,
    user_id: &str,
    hashes: &[String],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM auth_recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    for h in hashes {
        sqlx::query("INSERT INTO auth_recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(h)
            .bind(ms(now))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Uses an unused recovery code; false when there is none with this hash (or it was used).
pub async fn use_recovery_code(
    tx: &mut Tx,
    user_id: &str,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = sqlx::query(
        "UPDATE auth_recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(ms(now))
    .bind(user_id)
    .bind(code_hash)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// How many unused recovery codes the user has.
pub async fn recovery_codes_left(tx: &mut Tx, user_id: &str) -> Result<i64, StoreError> {
    let r = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM auth_recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(r.try_get("n")?)
}

// ---------------------------------------------------------------------------------------------
// Failure counters and lockout
// ---------------------------------------------------------------------------------------------

/// Until when `username` is locked, if it is locked at `now`.
pub async fn locked_until(db: &Db, username: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, StoreError> {
    let r = sqlx::query("SELECT locked_until FROM auth_failures WHERE username = $1 AND locked_until > $2")
        .bind(username)
        .bind(ms(now))
        .fetch_optional(&db.pool)
        .await?;
    Ok(match r {
        Some(r) => r.try_get::<Option<i64>, _>("locked_until")?.map(from_ms),
        None => None,
    })
}

/// [`locked_until`] inside a transaction.
pub async fn locked_until_tx(
    tx: &mut Tx,
    username: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let r = sqlx::query("SELECT locked_until FROM auth_failures WHERE username = $1 AND locked_until > $2")
        .bind(username)
        .bind(ms(now))
        .fetch_optional(&mut **tx)
        .await?;
    Ok(match r {
        Some(r) => r.try_get::<Option<i64>, _>("locked_until")?.map(from_ms),
        None => None,
    })
}

const RECORD_FAILURE: &str = "INSERT INTO auth_failures (username, failures, window_started_at, locked_until) VALUES ($1, 1, $2, NULL) \
     ON CONFLICT (username) DO UPDATE SET \
     failures = CASE WHEN auth_failures.window_started_at <= $3 THEN 1 ELSE auth_failures.failures + 1 END, \
     window_started_at = CASE WHEN auth_failures.window_started_at <= $4 THEN $5 ELSE auth_failures.window_started_at END \
     RETURNING failures";

/// Counts one failure for `username` and returns the consecutive failures in the current window;
/// a window older than `window_start` starts again at 1.
pub async fn record_failure(
    tx: &mut Tx,
    username: &str,
    now: DateTime<Utc>,
    window_start: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let r = sqlx::query(RECORD_FAILURE)
        .bind(username)
        .bind(ms(now))
        .bind(ms(window_start))
        .bind(ms(window_start))
        .bind(ms(now))
        .fetch_one(&mut **tx)
        .await?;
    Ok(r.try_get("failures")?)
}

/// Locks `username` until `until`; the failure count starts again after the lock.
pub async fn lock(tx: &mut Tx, username: &str, until: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), StoreError> {
    sqlx::query("UPDATE auth_failures SET failures = 0, window_started_at = $1, locked_until = $2 WHERE username = $3")
        .bind(ms(now))
        .bind(ms(until))
        .bind(username)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Forgets failures and any lock of `username`; true when there was something to forget.
pub async fn clear_failures(tx: &mut Tx, username: &str) -> Result<bool, StoreError> {
    let n = sqlx::query("DELETE FROM auth_failures WHERE username = $1")
        .bind(username)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(n > 0)
}

// ---------------------------------------------------------------------------------------------
// Pending sign-ins (between the password and the code step)
// ---------------------------------------------------------------------------------------------

/// A pending sign-in with its user.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: String,
    pub expires_at: DateTime<Utc>,
    /// Candidate TOTP secret of an enrolment in progress.
    pub enrolment: Option<SealedSecret>,
    pub credentials: Credentials,
}

pub async fn create_pending(
    tx: &mut Tx,
    id: &str,
    token_hash: &str,
    user_id: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO auth_pending (id, token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(token_hash)
    .bind(user_id)
    .bind(ms(now))
    .bind(ms(expires_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const SELECT_PENDING: &str = "SELECT p.id AS pending_id, p.expires_at AS pending_expires_at, p.enrol_key_id, p.enrol_nonce, p.enrol_sealed, \
     u.id, u.username, u.display_name, u.role, u.scope_region, u.scope_agency, CAST(CASE WHEN u.active THEN 1 ELSE 0 END AS BIGINT) AS active, \
     u.created_at, u.password_hash, u.totp_key_id, u.totp_nonce, u.totp_sealed, u.totp_last_step \
     FROM auth_pending p JOIN users u ON u.id = p.user_id WHERE p.token_hash = $1";

/// The pending sign-in with this token hash (expired ones too: the caller checks `expires_at`).
pub async fn pending_by_token_hash(tx: &mut Tx, token_hash: &str) -> Result<Option<Pending>, StoreError> {
    let Some(r) = sqlx::query(SELECT_PENDING).bind(token_hash).fetch_optional(&mut **tx).await? else {
        return Ok(None);
    };
    Ok(Some(Pending {
        id: r.try_get("pending_id")?,
        expires_at: from_ms(r.try_get("pending_expires_at")?),
        enrolment: sealed(&r, "enrol_key_id", "enrol_nonce", "enrol_sealed")?,
        credentials: row_to_credentials(&r)?,
    }))
}

/// Stores the candidate TOTP secret of an enrolment in progress.
pub async fn set_pending_enrolment(tx: &mut Tx, pending_id: &str, secret: &SealedSecret) -> Result<(), StoreError> {
    sqlx::query("UPDATE auth_pending SET enrol_key_id = $1, enrol_nonce = $2, enrol_sealed = $3 WHERE id = $4")
        .bind(&secret.key_id)
        .bind(secret.nonce.clone())
        .bind(secret.ciphertext.clone())
        .bind(pending_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Deletes a pending sign-in; false when it was already gone (a concurrent completion won).
pub async fn delete_pending(tx: &mut Tx, pending_id: &str) -> Result<bool, StoreError> {
    let n = sqlx::query("DELETE FROM auth_pending WHERE id = $1")
        .bind(pending_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(n == 1)
}

// ---------------------------------------------------------------------------------------------
// Sessions
// ---------------------------------------------------------------------------------------------

/// A new session row.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub id: &'a str,
    pub token_hash: &'a str,
    pub user_id: &'a str,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn create_session(tx: &mut Tx, s: NewSession<'_>) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO auth_sessions (id, token_hash, user_id, created_at, last_seen_at, reauthenticated_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(s.id)
        .bind(s.token_hash)
        .bind(s.user_id)
        .bind(ms(s.created_at))
        .bind(ms(s.created_at))
        .bind(ms(s.created_at))
        .bind(ms(s.expires_at))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A stored session of an active user.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub id: String,
    pub user: User,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub reauthenticated_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

const SESSION_BY_TOKEN: &str = "SELECT s.id AS session_id, s.created_at AS session_created_at, s.last_seen_at, s.reauthenticated_at, s.expires_at, \
     u.id, u.username, u.display_name, u.role, u.scope_region, u.scope_agency, CAST(CASE WHEN u.active THEN 1 ELSE 0 END AS BIGINT) AS active, u.created_at \
     FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND u.active = $2";

/// The session with this token hash, joined with its user's current row; `None` when there is no
/// such session or the user is no longer active. One query per request.
pub async fn session_by_token_hash(db: &Db, token_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
    let Some(r) = sqlx::query(SESSION_BY_TOKEN).bind(token_hash).bind(true).fetch_optional(&db.pool).await? else {
        return Ok(None);
    };
    Ok(Some(SessionRecord {
        id: r.try_get("session_id")?,
        user: row_to_user(&r)?,
        created_at: from_ms(r.try_get("session_created_at")?),
        last_seen_at: from_ms(r.try_get("last_seen_at")?),
        reauthenticated_at: from_ms(r.try_get("reauthenticated_at")?),
        expires_at: from_ms(r.try_get("expires_at")?),
    }))
}

/// Records activity (the caller does this at most once a minute per session).
pub async fn touch_session(db: &Db, session_id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    sqlx::query("UPDATE auth_sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $3")
        .bind(ms(now))
        .bind(session_id)
        .bind(ms(now))
        .execute(&db.pool)
        .await?;
    Ok(())
}

pub async fn set_reauthenticated(tx: &mut Tx, session_id: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    sqlx::query("UPDATE auth_sessions SET reauthenticated_at = $1, last_seen_at = $2 WHERE id = $3")
        .bind(ms(now))
        .bind(ms(now))
        .bind(session_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Deletes one session by id (expired sessions are removed when met).
pub async fn delete_session(db: &Db, session_id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM auth_sessions WHERE id = $1").bind(session_id).execute(&db.pool).await?;
    Ok(())
}

/// Deletes the session with this token hash and returns `(session id, user id, username)`.
pub async fn delete_session_by_token_hash(
    tx: &mut Tx,
    token_hash: &str,
) -> Result<Option<(String, String, String)>, StoreError> {
    let Some(r) = sqlx::query(
        "SELECT s.id, s.user_id, u.username FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let id: String = r.try_get("id")?;
    sqlx::query("DELETE FROM auth_sessions WHERE id = $1").bind(&id).execute(&mut **tx).await?;
    Ok(Some((id, r.try_get("user_id")?, r.try_get("username")?)))
}

/// Ends every session of a user, optionally sparing one, and drops their pending sign-ins.
/// Returns the number of sessions ended.
pub async fn end_user_sessions(tx: &mut Tx, user_id: &str, except_session: Option<&str>) -> Result<u64, StoreError> {
    let n = match except_session {
        Some(keep) => sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(keep)
            .execute(&mut **tx)
            .await?
            .rows_affected(),
        None => sqlx::query("DELETE FROM auth_sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut **tx)
            .await?
            .rows_affected(),
    };
    sqlx::query("DELETE FROM auth_pending WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    Ok(n)
}

/// Removes expired sessions and pending sign-ins, and failure counters that no longer matter.
pub async fn purge_expired(
    tx: &mut Tx,
    now: DateTime<Utc>,
    idle_cutoff: DateTime<Utc>,
    failure_window_start: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM auth_sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(ms(now))
        .bind(ms(idle_cutoff))
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM auth_pending WHERE expires_at <= $1").bind(ms(now)).execute(&mut **tx).await?;
    sqlx::query(
        "DELETE FROM auth_failures WHERE window_started_at <= $1 AND (locked_until IS NULL OR locked_until <= $2)",
    )
    .bind(ms(failure_window_start))
    .bind(ms(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
