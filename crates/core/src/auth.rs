//! Signing officials in to the web application (`docs/auth.md`).
//!
//! Two steps: [`Auth::begin_sign_in`] checks username and password (Argon2id) and returns a
//! short-lived pending token; [`Auth::complete_sign_in`] checks a TOTP code (RFC 6238) or a one-time
//! recovery code and returns a new [`Session`]. An official without a confirmed TOTP secret must
//! enrol first ([`Auth::begin_enrolment`], [`Auth::confirm_enrolment`]). Every request then calls
//! [`Auth::authenticate`], one query that joins the user so revocation and role changes apply at
//! once.
//!
//! What is stored: the password as an Argon2id PHC string, the TOTP secret sealed with the
//! [`crate::Sealer`], session and pending tokens and recovery codes as SHA-256 only. Failures are
//! counted per attempted username — also for usernames that do not exist, which run Argon2id
//! against a fixed dummy hash — so an unknown user and a wrong password look and take the same.
//! Every change of state is one transaction with its audit event; no password, code or token is
//! ever written to the audit log.

use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use chrono::{DateTime, TimeDelta, Utc};
use data_encoding::{BASE32_NOPAD, BASE64URL_NOPAD};
use hmac::{Hmac, KeyInit, Mac};
use netra_domain::policy::{self, Action, Actor, Denied};
use netra_store::audit::{self, NewEvent};
use netra_store::auth::{self as store, Credentials, NewSession, SealedSecret};
use netra_store::codec::new_id;
use netra_store::{StoreError, Tx};
use serde::Serialize;
use serde_json::json;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use thiserror::Error;

pub use netra_store::users::User;

use crate::Netra;
use crate::seal::random_bytes;

// ---------------------------------------------------------------------------------------------
// The rules, in one place
// ---------------------------------------------------------------------------------------------

/// A session ends after this long without a request.
pub const SESSION_IDLE_TIMEOUT: TimeDelta = TimeDelta::minutes(30);
/// A session ends this long after sign-in, however active.
pub const SESSION_ABSOLUTE_LIFETIME: TimeDelta = TimeDelta::hours(12);
/// `last_seen_at` is written at most this often per session (not on every request).
pub const SESSION_TOUCH_INTERVAL: TimeDelta = TimeDelta::minutes(1);
/// Time between the password step and the code step.
pub const PENDING_SIGN_IN_LIFETIME: TimeDelta = TimeDelta::minutes(5);
/// Sensitive actions (identity unsealing) need a re-authentication at most this old.
pub const REAUTHENTICATION_WINDOW: TimeDelta = TimeDelta::minutes(5);
/// Consecutive failures (password or code) within [`LOCKOUT_WINDOW`] that lock a username.
pub const LOCKOUT_THRESHOLD: i64 = 5;
pub const LOCKOUT_WINDOW: TimeDelta = TimeDelta::minutes(15);
pub const LOCKOUT_DURATION: TimeDelta = TimeDelta::minutes(15);
/// Password length limits, in characters.
pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 256;
/// Recovery codes issued at enrolment.
pub const RECOVERY_CODE_COUNT: usize = 10;
/// TOTP: RFC 6238 with HMAC-SHA-1, 6 digits, 30-second steps, one step of clock skew either way.
pub const TOTP_DIGITS: u32 = 6;
pub const TOTP_PERIOD_SECS: i64 = 30;
pub const TOTP_SKEW_STEPS: i64 = 1;
/// Attempted usernames are cut to this many characters before they key a failure counter.
const USERNAME_MAX_CHARS: usize = 128;
const ISSUER: &str = "Netra";

/// Argon2id parameters for passwords: OWASP's m=19456 KiB, t=2, p=1. Verification uses the
/// parameters stored in each PHC string; the dummy hash below uses these same parameters.
pub const PASSWORD_PARAMS: Params = Params::DEFAULT;

/// A fixed Argon2id hash (of a random password nobody knows, made with [`PASSWORD_PARAMS`]) that
/// sign-in verifies against when the username does not exist or has no password, so that costs
/// the same time as a wrong password. A unit test checks that its parameters are the current ones.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$tgK6ULY+Qm8yOMiy+D+fcg$PUEysBnyBTFn6ld8hHYMhtMFSkEIzDcUNAMjj3ieYsU";

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    SameAsUsername,
}

impl PasswordProblem {
    pub fn code(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "password_too_short",
            PasswordProblem::TooLong => "password_too_long",
            PasswordProblem::SameAsUsername => "password_same_as_username",
        }
    }
}

impl std::fmt::Display for PasswordProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PasswordProblem::TooShort => write!(f, "the password needs at least {PASSWORD_MIN_CHARS} characters"),
            PasswordProblem::TooLong => write!(f, "the password may have at most {PASSWORD_MAX_CHARS} characters"),
            PasswordProblem::SameAsUsername => write!(f, "the password must not be the username"),
        }
    }
}

#[derive(Debug, Error)]
pub enum AuthError {
    /// Unknown user, wrong password, wrong or replayed code, inactive user: one answer for all.
    #[error("the username, password or code is not correct")]
    InvalidCredentials,
    /// Too many failures; identical for existing and unknown usernames.
    #[error("too many failed attempts; sign-in is locked until {until}")]
    Locked { until: DateTime<Utc> },
    /// The pending sign-in token is unknown, used or older than five minutes: start again.
    #[error("the sign-in has expired; start again")]
    SignInExpired,
    /// No such session, signed out, expired (idle or absolute), or the user was revoked.
    #[error("the session has expired; sign in again")]
    SessionExpired,
    /// The official has no confirmed TOTP secret yet: enrol before a session is granted.
    #[error("two-factor enrolment is required before signing in")]
    EnrolmentRequired,
    /// `confirm_enrolment` before `begin_enrolment`.
    #[error("enrolment has not been started")]
    EnrolmentNotStarted,
    #[error("two-factor authentication is already set up")]
    AlreadyEnrolled,
    /// The action needs a re-authentication within [`REAUTHENTICATION_WINDOW`].
    #[error("confirm your password and code again to continue")]
    ReauthenticationRequired,
    #[error("the password is not accepted: {0}")]
    WeakPassword(PasswordProblem),
    /// Administration commands on a username that does not exist.
    #[error("user `{0}` not found")]
    UnknownUser(String),
    #[error(transparent)]
    Denied(Denied),
    #[error("sealed data could not be decrypted")]
    Seal,
    #[error("internal error: {0}")]
    Internal(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AuthError {
    fn from(e: StoreError) -> Self {
        AuthError::Store(e)
    }
}

impl AuthError {
    /// A stable machine code (for problem+json `code`).
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::InvalidCredentials => "invalid_credentials",
            AuthError::Locked { .. } => "locked",
            AuthError::SignInExpired => "sign_in_expired",
            AuthError::SessionExpired => "session_expired",
            AuthError::EnrolmentRequired => "enrolment_required",
            AuthError::EnrolmentNotStarted => "enrolment_not_started",
            AuthError::AlreadyEnrolled => "already_enrolled",
            AuthError::ReauthenticationRequired => "reauthentication_required",
            AuthError::WeakPassword(p) => p.code(),
            AuthError::UnknownUser(_) => "not_found",
            AuthError::Denied(_) => "forbidden",
            AuthError::Seal => "seal",
            AuthError::Internal(_) => "internal",
            AuthError::Store(_) => "storage",
        }
    }
}

/// The result of the password step. The browser keeps `token` until the code step.
#[derive(Clone, Serialize)]
pub struct PendingSignIn {
    pub token: String,
    /// True when the official must enrol TOTP first (`begin_enrolment` → `confirm_enrolment`).
    pub needs_enrolment: bool,
    pub expires_at: DateTime<Utc>,
}

/// What an authenticator app needs; shown once, during enrolment.
#[derive(Clone, Serialize)]
pub struct Enrolment {
    pub secret_base32: String,
    pub otpauth_uri: String,
    /// A standalone `<svg>` element (no XML declaration), ready to inline in a page.
    pub qr_svg: String,
}

/// A new session. `token` goes into the session cookie; `csrf_token` into pages and forms.
#[derive(Clone, Serialize)]
pub struct Session {
    pub id: String,
    pub token: String,
    pub csrf_token: String,
    pub user: User,
    /// The absolute end of the session (it also ends after [`SESSION_IDLE_TIMEOUT`] idle).
    pub expires_at: DateTime<Utc>,
}

/// The signed-in official behind a request.
#[derive(Clone)]
pub struct SessionContext {
    pub session_id: String,
    pub actor: Actor,
    pub user: User,
    /// The CSRF token bound to this session (derived from the session token; never stored).
    pub csrf_token: String,
    pub signed_in_at: DateTime<Utc>,
    pub reauthenticated_at: DateTime<Utc>,
    /// The absolute end of the session.
    pub expires_at: DateTime<Utc>,
}

macro_rules! redacted_debug {
    ($ty:ident { $($field:ident),* }) => {
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($ty))$(.field(stringify!($field), &self.$field))*.finish_non_exhaustive()
            }
        }
    };
}
redacted_debug!(PendingSignIn { needs_enrolment, expires_at });
redacted_debug!(Enrolment {});
redacted_debug!(Session { id, user, expires_at });
redacted_debug!(SessionContext { session_id, actor, signed_in_at, reauthenticated_at, expires_at });

impl SessionContext {
    /// Compares a submitted CSRF token with this session's, in constant time.
    pub fn csrf_matches(&self, submitted: &str) -> bool {
        bool::from(self.csrf_token.as_bytes().ct_eq(submitted.as_bytes()))
    }

    /// `Ok` when the session re-authenticated within [`REAUTHENTICATION_WINDOW`] before `now`.
    pub fn require_recent_reauthentication(&self, now: DateTime<Utc>) -> Result<(), AuthError> {
        if now - self.reauthenticated_at <= REAUTHENTICATION_WINDOW && self.reauthenticated_at <= now {
            Ok(())
        } else {
            Err(AuthError::ReauthenticationRequired)
        }
    }
}

/// Which second factor was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Factor {
    Totp,
    RecoveryCode,
}

impl Factor {
    fn as_str(self) -> &'static str {
        match self {
            Factor::Totp => "totp",
            Factor::RecoveryCode => "recovery_code",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Primitives: tokens, TOTP, recovery codes, passwords
// ---------------------------------------------------------------------------------------------

/// A fresh 256-bit token, base64url without padding (43 characters).
fn new_token() -> String {
    BASE64URL_NOPAD.encode(&random_bytes::<32>())
}

/// What the database stores for a session or pending token.
fn token_hash(token: &str) -> String {
    netra_store::users::token_hash(token)
}

/// The CSRF token of a session: derived from the session token, so nothing extra is stored and
/// knowing it reveals nothing about the session token.
fn csrf_token_for(session_token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"netra/csrf/v1/");
    h.update(session_token.as_bytes());
    BASE64URL_NOPAD.encode(&h.finalize())
}

/// HOTP (RFC 4226) with HMAC-SHA-1: the `digits`-digit code for `counter`.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(secret).expect("HMAC accepts keys of any length");
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = usize::from(h[h.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([h[offset] & 0x7f, h[offset + 1], h[offset + 2], h[offset + 3]]);
    binary % 10u32.pow(digits)
}

/// The RFC 6238 time step of `at`.
pub fn totp_step(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(TOTP_PERIOD_SECS)
}

/// The 6-digit TOTP code of `secret` at `at` (what an authenticator app shows).
pub fn totp_code(secret: &[u8], at: DateTime<Utc>) -> String {
    let step = u64::try_from(totp_step(at)).unwrap_or(0);
    format!("{:0width$}", hotp(secret, step, TOTP_DIGITS), width = TOTP_DIGITS as usize)
}

/// The step within ±[`TOTP_SKEW_STEPS`] of `now` whose code is `code`, comparing every candidate
/// in constant time.
fn match_totp(secret: &[u8], code: &str, now: DateTime<Utc>) -> Option<i64> {
    let current = totp_step(now);
    let mut found = None;
    for step in (current - TOTP_SKEW_STEPS)..=(current + TOTP_SKEW_STEPS) {
        let Ok(counter) = u64::try_from(step) else { continue };
        let expected = format!("{:0width$}", hotp(secret, counter, TOTP_DIGITS), width = TOTP_DIGITS as usize);
        if bool::from(expected.as_bytes().ct_eq(code.as_bytes())) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// What a submitted code looks like once spaces and dashes are removed.
enum CodeShape {
    Totp(String),
    Recovery(String),
    Invalid,
}

/// Crockford's base32 alphabet in lower case (no i, l, o, u: nothing to misread).
const RECOVERY_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const RECOVERY_CODE_CHARS: usize = 16;

fn classify_code(code: &str) -> CodeShape {
    let compact: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if compact.len() == TOTP_DIGITS as usize && compact.bytes().all(|b| b.is_ascii_digit()) {
        return CodeShape::Totp(compact);
    }
    let normalised: String = compact
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            'o' => '0',
            'i' | 'l' => '1',
            other => other,
        })
        .collect();
    if normalised.len() == RECOVERY_CODE_CHARS && normalised.bytes().all(|b| RECOVERY_ALPHABET.contains(&b)) {
        CodeShape::Recovery(normalised)
    } else {
        CodeShape::Invalid
    }
}

/// A new recovery code, `xxxx-xxxx-xxxx-xxxx` (80 bits from the OS RNG).
fn new_recovery_code() -> String {
    let bytes = random_bytes::<RECOVERY_CODE_CHARS>();
    let mut out = String::with_capacity(RECOVERY_CODE_CHARS + 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        // 256 is a multiple of 32, so masking keeps the distribution uniform.
        out.push(char::from(RECOVERY_ALPHABET[usize::from(b & 31)]));
    }
    out
}

/// Recovery codes are high-entropy, so SHA-256 (bound to the user) is enough to store them.
fn recovery_code_hash(user_id: &str, normalised: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"netra/recovery/v1/");
    h.update(user_id.as_bytes());
    h.update(b"/");
    h.update(normalised.as_bytes());
    hex::encode(h.finalize())
}

/// Checks the password rules: at least 12 characters, at most 256, not the username.
pub fn check_password(username: &str, password: &str) -> Result<(), AuthError> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        return Err(AuthError::WeakPassword(PasswordProblem::TooShort));
    }
    if chars > PASSWORD_MAX_CHARS {
        return Err(AuthError::WeakPassword(PasswordProblem::TooLong));
    }
    if password.trim().to_lowercase() == username.trim().to_lowercase() {
        return Err(AuthError::WeakPassword(PasswordProblem::SameAsUsername));
    }
    Ok(())
}

/// Argon2id with the OWASP parameters: passwords here, receipt codes in [`crate::portal`].
pub(crate) fn argon2id() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, PASSWORD_PARAMS)
}

/// Runs CPU- and memory-heavy Argon2 work off the async workers, at most one per CPU at a time
/// (each run holds 19 MiB).
async fn hashing<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AuthError> {
    static PERMITS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    let permits = PERMITS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get))
    });
    let _permit = permits.acquire().await.map_err(|e| AuthError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(f).await.map_err(|e| AuthError::Internal(format!("password hashing failed: {e}")))
}

/// Argon2id verification; `phc` is the user's hash or [`DUMMY_HASH`].
async fn verify_password(password: &str, phc: String) -> Result<bool, AuthError> {
    let password = password.to_owned();
    hashing(move || match PasswordHash::new(&phc) {
        Ok(parsed) => argon2id().verify_password(password.as_bytes(), &parsed).is_ok(),
        Err(_) => {
            // A corrupt stored hash: still spend the time, then refuse.
            let _ = argon2id().verify_password(password.as_bytes(), DUMMY_HASH);
            false
        }
    })
    .await
}

/// A new Argon2id PHC string for `password`, with a random salt.
pub async fn hash_password(password: &str) -> Result<String, AuthError> {
    let password = password.to_owned();
    hashing(move || argon2id().hash_password(password.as_bytes()).map(|h| h.to_string()))
        .await?
        .map_err(|e| AuthError::Internal(format!("password hashing failed: {e}")))
}

/// The key a username's failures are counted under.
fn failure_key(username: &str) -> String {
    username.chars().take(USERNAME_MAX_CHARS).collect()
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn totp_aad(user_id: &str) -> String {
    format!("netra/totp/{user_id}")
}

fn enrolment_aad(pending_id: &str) -> String {
    format!("netra/totp-enrolment/{pending_id}")
}

// ---------------------------------------------------------------------------------------------
// Use cases
// ---------------------------------------------------------------------------------------------

/// Sign-in use cases; get one with [`Netra::auth`].
#[derive(Clone, Copy)]
pub struct Auth<'a> {
    netra: &'a Netra,
}

impl Netra {
    /// Sign-in, sessions and credential administration.
    pub fn auth(&self) -> Auth<'_> {
        Auth { netra: self }
    }
}

impl Auth<'_> {
    fn seal(&self, plaintext: &[u8], aad: &str) -> SealedSecret {
        let (nonce, ciphertext) = self.netra.sealer.seal(plaintext, aad.as_bytes());
        SealedSecret { key_id: self.netra.sealer.key_id().to_owned(), nonce, ciphertext }
    }

    fn open(&self, s: &SealedSecret, aad: &str) -> Result<Vec<u8>, AuthError> {
        if s.key_id != self.netra.sealer.key_id() {
            return Err(AuthError::Seal);
        }
        self.netra.sealer.open(&s.nonce, &s.ciphertext, aad.as_bytes()).map_err(|_| AuthError::Seal)
    }

    /// Step 1: username and password. On success a pending sign-in valid for five minutes.
    ///
    /// An unknown username, a user without a password, an inactive user and a wrong password all
    /// give [`AuthError::InvalidCredentials`] after the same Argon2id work, and all count towards
    /// the lockout of that username.
    pub async fn begin_sign_in(
        &self,
        username: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<PendingSignIn, AuthError> {
        let db = &self.netra.db;
        let key = failure_key(username);
        if let Some(until) = store::locked_until(db, &key, now).await? {
            return Err(AuthError::Locked { until });
        }
        let creds = if username.chars().count() <= USERNAME_MAX_CHARS {
            store::credentials_by_username(db, username).await?
        } else {
            None
        };
        let phc = creds.as_ref().and_then(|c| c.password_hash.clone()).unwrap_or_else(|| DUMMY_HASH.to_owned());
        let password_ok = verify_password(password, phc).await?;
        let known_id = creds.as_ref().map(|c| c.user.id.clone());
        let creds = creds.filter(|c| password_ok && c.password_hash.is_some() && c.user.active);

        let mut tx = self.netra.db.begin_write().await?;
        store::purge_expired(&mut tx, now, now - SESSION_IDLE_TIMEOUT, now - LOCKOUT_WINDOW).await?;
        let Some(creds) = creds else {
            return Err(self.fail(tx, &key, known_id.as_deref(), "password", now).await);
        };
        // A lock may have been set while the password was being checked.
        if let Some(until) = store::locked_until_tx(&mut tx, &key, now).await? {
            tx.rollback().await.map_err(StoreError::from)?;
            return Err(AuthError::Locked { until });
        }
        let token = new_token();
        let pending_id = new_id();
        let expires_at = now + PENDING_SIGN_IN_LIFETIME;
        store::create_pending(&mut tx, &pending_id, &token_hash(&token), &creds.user.id, now, expires_at).await?;
        let needs_enrolment = creds.totp.is_none();
        audit::append(
            &mut tx,
            NewEvent {
                actor: &creds.user.username,
                action: "auth.password_accepted",
                entity_type: "user",
                entity_id: &creds.user.id,
                payload: json!({ "username": creds.user.username, "needs_enrolment": needs_enrolment }),
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(PendingSignIn { token, needs_enrolment, expires_at })
    }

    /// Step 2: a TOTP code or an unused recovery code. The pending token stops working and a new
    /// session (new id, new token) is returned.
    pub async fn complete_sign_in(
        &self,
        pending_token: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Session, AuthError> {
        let mut tx = self.netra.db.begin_write().await?;
        let pending = self.pending(&mut tx, pending_token, now).await?;
        let creds = &pending.credentials;
        let Some(sealed) = &creds.totp else {
            tx.rollback().await.map_err(StoreError::from)?;
            return Err(AuthError::EnrolmentRequired);
        };
        let factor = match self.second_factor(&mut tx, creds, sealed, code, now).await? {
            Some(f) => f,
            None => {
                return Err(self.fail(tx, &failure_key(&creds.user.username), Some(&creds.user.id), "code", now).await);
            }
        };
        if !store::delete_pending(&mut tx, &pending.id).await? {
            tx.rollback().await.map_err(StoreError::from)?;
            return Err(AuthError::SignInExpired);
        }
        let session = self.start_session(&mut tx, &creds.user, factor, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(session)
    }

    /// Enrolment step 1 (after a password step that said `needs_enrolment`): a new TOTP secret for
    /// the authenticator app. Calling it again replaces the secret.
    pub async fn begin_enrolment(&self, pending_token: &str, now: DateTime<Utc>) -> Result<Enrolment, AuthError> {
        let mut tx = self.netra.db.begin_write().await?;
        let pending = self.pending(&mut tx, pending_token, now).await?;
        let user = &pending.credentials.user;
        if pending.credentials.totp.is_some() {
            tx.rollback().await.map_err(StoreError::from)?;
            return Err(AuthError::AlreadyEnrolled);
        }
        let secret = random_bytes::<20>();
        store::set_pending_enrolment(&mut tx, &pending.id, &self.seal(&secret, &enrolment_aad(&pending.id))).await?;
        audit::append(
            &mut tx,
            NewEvent {
                actor: &user.username,
                action: "auth.enrolment_started",
                entity_type: "user",
                entity_id: &user.id,
                payload: json!({ "username": user.username }),
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        enrolment(&user.username, &secret)
    }

    /// Enrolment step 2: the first code from the app. Stores the secret (sealed), issues
    /// [`RECOVERY_CODE_COUNT`] recovery codes (shown once) and starts a session.
    pub async fn confirm_enrolment(
        &self,
        pending_token: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<(Session, Vec<String>), AuthError> {
        let mut tx = self.netra.db.begin_write().await?;
        let pending = self.pending(&mut tx, pending_token, now).await?;
        let user = pending.credentials.user.clone();
        if pending.credentials.totp.is_some() {
            tx.rollback().await.map_err(StoreError::from)?;
            return Err(AuthError::AlreadyEnrolled);
        }
        let Some(candidate) = &pending.enrolment else {
            tx.rollback().await.map_err(StoreError::from)?;
            return Err(AuthError::EnrolmentNotStarted);
        };
        let secret = self.open(candidate, &enrolment_aad(&pending.id))?;
        let step = match classify_code(code) {
            CodeShape::Totp(c) => match_totp(&secret, &c, now),
            _ => None,
        };
        let Some(step) = step else {
            return Err(self.fail(tx, &failure_key(&user.username), Some(&user.id), "enrolment", now).await);
        };
        store::set_totp(&mut tx, &user.id, &self.seal(&secret, &totp_aad(&user.id)), step, now).await?;
        let codes: Vec<String> = (0..RECOVERY_CODE_COUNT).map(|_| new_recovery_code()).collect();
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| match classify_code(c) {
                CodeShape::Recovery(n) => recovery_code_hash(&user.id, &n),
                _ => unreachable!("generated recovery codes have the recovery shape"),
            })
            .collect();
        store::replace_recovery_codes(&mut tx, &user.id, &hashes, now).await?;
        if !store::delete_pending(&mut tx, &pending.id).await? {
            tx.rollback().await.map_err(StoreError::from)?;
            return Err(AuthError::SignInExpired);
        }
        audit::append(
            &mut tx,
            NewEvent {
                actor: &user.username,
                action: "auth.totp_enrolled",
                entity_type: "user",
                entity_id: &user.id,
                payload: json!({ "username": user.username, "recovery_codes": RECOVERY_CODE_COUNT }),
            },
            now,
        )
        .await?;
        let session = self.start_session(&mut tx, &user, Factor::Totp, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok((session, codes))
    }

    /// The session behind `session_token`, with the user's current role and scope. One query;
    /// `last_seen_at` is written at most once per [`SESSION_TOUCH_INTERVAL`].
    pub async fn authenticate(&self, session_token: &str, now: DateTime<Utc>) -> Result<SessionContext, AuthError> {
        let db = &self.netra.db;
        let Some(s) = store::session_by_token_hash(db, &token_hash(session_token)).await? else {
            return Err(AuthError::SessionExpired);
        };
        if now >= s.expires_at || now - s.last_seen_at >= SESSION_IDLE_TIMEOUT {
            store::delete_session(db, &s.id).await?;
            return Err(AuthError::SessionExpired);
        }
        if now - s.last_seen_at >= SESSION_TOUCH_INTERVAL {
            store::touch_session(db, &s.id, now).await?;
        }
        let u = s.user;
        Ok(SessionContext {
            session_id: s.id,
            actor: Actor { user_id: u.id.clone(), username: u.username.clone(), role: u.role, scope: u.scope.clone() },
            user: u,
            csrf_token: csrf_token_for(session_token),
            signed_in_at: s.created_at,
            reauthenticated_at: s.reauthenticated_at,
            expires_at: s.expires_at,
        })
    }

    /// Confirms password and code again inside a session; returns the new `reauthenticated_at`.
    /// Failures count towards the lockout like sign-in failures.
    pub async fn reauthenticate(
        &self,
        session_token: &str,
        password: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, AuthError> {
        let ctx = self.authenticate(session_token, now).await?;
        let key = failure_key(&ctx.user.username);
        if let Some(until) = store::locked_until(&self.netra.db, &key, now).await? {
            return Err(AuthError::Locked { until });
        }
        let creds = store::credentials_by_username(&self.netra.db, &ctx.user.username).await?;
        let phc = creds.as_ref().and_then(|c| c.password_hash.clone()).unwrap_or_else(|| DUMMY_HASH.to_owned());
        let password_ok = verify_password(password, phc).await?;
        let mut tx = self.netra.db.begin_write().await?;
        let factor = match creds.as_ref().filter(|c| password_ok && c.password_hash.is_some()) {
            Some(c) => match &c.totp {
                Some(sealed) => self.second_factor(&mut tx, c, sealed, code, now).await?,
                None => None,
            },
            None => None,
        };
        let Some(factor) = factor else {
            return Err(self.fail(tx, &key, Some(&ctx.user.id), "reauthentication", now).await);
        };
        store::set_reauthenticated(&mut tx, &ctx.session_id, now).await?;
        store::clear_failures(&mut tx, &key).await?;
        audit::append(
            &mut tx,
            NewEvent {
                actor: &ctx.user.username,
                action: "auth.reauthenticated",
                entity_type: "user",
                entity_id: &ctx.user.id,
                payload: json!({ "session_id": ctx.session_id, "method": factor.as_str() }),
            },
            now,
        )
        .await?;
        if factor == Factor::RecoveryCode {
            self.audit_recovery_code_used(&mut tx, &ctx.user, now).await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(now)
    }

    /// Ends this session (a no-op when it is already gone).
    pub async fn sign_out(&self, session_token: &str, now: DateTime<Utc>) -> Result<(), AuthError> {
        let mut tx = self.netra.db.begin_write().await?;
        let Some((session_id, user_id, username)) =
            store::delete_session_by_token_hash(&mut tx, &token_hash(session_token)).await?
        else {
            tx.rollback().await.map_err(StoreError::from)?;
            return Ok(());
        };
        audit::append(
            &mut tx,
            NewEvent {
                actor: &username,
                action: "auth.signed_out",
                entity_type: "user",
                entity_id: &user_id,
                payload: json!({ "session_id": session_id }),
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Ends every session (and pending sign-in) of the user; returns how many sessions ended.
    pub async fn sign_out_everywhere(&self, user_id: &str, now: DateTime<Utc>) -> Result<u64, AuthError> {
        let mut tx = self.netra.db.begin_write().await?;
        let Some(c) = store::credentials_by_id(&mut tx, user_id).await? else {
            tx.rollback().await.map_err(StoreError::from)?;
            return Err(AuthError::UnknownUser(user_id.to_owned()));
        };
        let n = store::end_user_sessions(&mut tx, user_id, None).await?;
        audit::append(
            &mut tx,
            NewEvent {
                actor: &c.user.username,
                action: "auth.signed_out_everywhere",
                entity_type: "user",
                entity_id: user_id,
                payload: json!({ "sessions_ended": n }),
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(n)
    }

    /// The signed-in official changes their own password; their other sessions end.
    pub async fn change_password(
        &self,
        session_token: &str,
        current_password: &str,
        new_password: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AuthError> {
        let ctx = self.authenticate(session_token, now).await?;
        let key = failure_key(&ctx.user.username);
        if let Some(until) = store::locked_until(&self.netra.db, &key, now).await? {
            return Err(AuthError::Locked { until });
        }
        check_password(&ctx.user.username, new_password)?;
        let creds = store::credentials_by_username(&self.netra.db, &ctx.user.username).await?;
        let phc = creds.as_ref().and_then(|c| c.password_hash.clone()).unwrap_or_else(|| DUMMY_HASH.to_owned());
        if !verify_password(current_password, phc).await? {
            let tx = self.netra.db.begin_write().await?;
            return Err(self.fail(tx, &key, Some(&ctx.user.id), "password_change", now).await);
        }
        let phc = hash_password(new_password).await?;
        let mut tx = self.netra.db.begin_write().await?;
        store::set_password_hash(&mut tx, &ctx.user.id, &phc, now).await?;
        let n = store::end_user_sessions(&mut tx, &ctx.user.id, Some(&ctx.session_id)).await?;
        audit::append(
            &mut tx,
            NewEvent {
                actor: &ctx.user.username,
                action: "auth.password_changed",
                entity_type: "user",
                entity_id: &ctx.user.id,
                payload: json!({ "username": ctx.user.username, "other_sessions_ended": n }),
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    // -----------------------------------------------------------------------------------------
    // Administration (administrators; the CLI acts as `system:admin-cli` with that role)
    // -----------------------------------------------------------------------------------------

    /// Sets a user's password (first password or a reset); all their sessions end.
    pub async fn set_password(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AuthError> {
        policy::can(actor, Action::ManageUsers, None).map_err(AuthError::Denied)?;
        check_password(username, password)?;
        let phc = hash_password(password).await?;
        let mut tx = self.netra.db.begin_write().await?;
        let user = self.user_for_admin(&mut tx, username).await?;
        store::set_password_hash(&mut tx, &user.id, &phc, now).await?;
        let n = store::end_user_sessions(&mut tx, &user.id, None).await?;
        audit::append(
            &mut tx,
            NewEvent {
                actor: &actor.username,
                action: "auth.password_set",
                entity_type: "user",
                entity_id: &user.id,
                payload: json!({ "username": user.username, "sessions_ended": n }),
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Forgets the user's TOTP secret and recovery codes (they enrol again at the next sign-in)
    /// and ends their sessions.
    pub async fn reset_totp(&self, actor: &Actor, username: &str, now: DateTime<Utc>) -> Result<(), AuthError> {
        policy::can(actor, Action::ManageUsers, None).map_err(AuthError::Denied)?;
        let mut tx = self.netra.db.begin_write().await?;
        let user = self.user_for_admin(&mut tx, username).await?;
        store::clear_totp(&mut tx, &user.id).await?;
        let n = store::end_user_sessions(&mut tx, &user.id, None).await?;
        audit::append(
            &mut tx,
            NewEvent {
                actor: &actor.username,
                action: "auth.totp_reset",
                entity_type: "user",
                entity_id: &user.id,
                payload: json!({ "username": user.username, "sessions_ended": n }),
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Lifts a lockout and forgets failures of `username` (existing or not). True when there was a
    /// lock or failure count to clear.
    pub async fn unlock(&self, actor: &Actor, username: &str, now: DateTime<Utc>) -> Result<bool, AuthError> {
        policy::can(actor, Action::ManageUsers, None).map_err(AuthError::Denied)?;
        let key = failure_key(username);
        let mut tx = self.netra.db.begin_write().await?;
        let was_locked = store::locked_until_tx(&mut tx, &key, now).await?.is_some();
        let cleared = store::clear_failures(&mut tx, &key).await?;
        audit::append(
            &mut tx,
            NewEvent {
                actor: &actor.username,
                action: "auth.unlocked",
                entity_type: "username",
                entity_id: &key,
                payload: json!({ "username": key, "was_locked": was_locked }),
            },
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(cleared)
    }

    /// Until when `username` is locked, if it is (for administrators and the CLI).
    pub async fn locked_until(&self, username: &str, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, AuthError> {
        Ok(store::locked_until(&self.netra.db, &failure_key(username), now).await?)
    }

    // -----------------------------------------------------------------------------------------
    // Helpers
    // -----------------------------------------------------------------------------------------

    async fn user_for_admin(&self, tx: &mut Tx, username: &str) -> Result<User, AuthError> {
        match store::credentials_by_username_tx(tx, username).await? {
            Some(c) => Ok(c.user),
            None => Err(AuthError::UnknownUser(username.to_owned())),
        }
    }

    /// The live pending sign-in for `token` inside `tx`, or the reason it cannot be used (expired
    /// records are left to `purge_expired`).
    async fn pending(&self, tx: &mut Tx, token: &str, now: DateTime<Utc>) -> Result<store::Pending, AuthError> {
        let Some(p) = store::pending_by_token_hash(tx, &token_hash(token)).await? else {
            return Err(AuthError::SignInExpired);
        };
        if now >= p.expires_at || !p.credentials.user.active {
            return Err(AuthError::SignInExpired);
        }
        if let Some(until) = store::locked_until_tx(tx, &failure_key(&p.credentials.user.username), now).await? {
            return Err(AuthError::Locked { until });
        }
        Ok(p)
    }

    /// Checks a TOTP code (not replayed) or an unused recovery code, consuming it on success.
    async fn second_factor(
        &self,
        tx: &mut Tx,
        creds: &Credentials,
        sealed: &SealedSecret,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Factor>, AuthError> {
        let user_id = &creds.user.id;
        match classify_code(code) {
            CodeShape::Totp(c) => {
                let secret = self.open(sealed, &totp_aad(user_id))?;
                match match_totp(&secret, &c, now) {
                    Some(step) if store::claim_totp_step(tx, user_id, step).await? => Ok(Some(Factor::Totp)),
                    _ => Ok(None),
                }
            }
            CodeShape::Recovery(n) => {
                if store::use_recovery_code(tx, user_id, &recovery_code_hash(user_id, &n), now).await? {
                    Ok(Some(Factor::RecoveryCode))
                } else {
                    Ok(None)
                }
            }
            CodeShape::Invalid => Ok(None),
        }
    }

    /// Creates the session row, clears the failure count and records the sign-in.
    async fn start_session(
        &self,
        tx: &mut Tx,
        user: &User,
        factor: Factor,
        now: DateTime<Utc>,
    ) -> Result<Session, AuthError> {
        let token = new_token();
        let id = new_id();
        let expires_at = now + SESSION_ABSOLUTE_LIFETIME;
        store::create_session(
            tx,
            NewSession { id: &id, token_hash: &token_hash(&token), user_id: &user.id, created_at: now, expires_at },
        )
        .await?;
        store::clear_failures(tx, &failure_key(&user.username)).await?;
        audit::append(
            tx,
            NewEvent {
                actor: &user.username,
                action: "auth.signed_in",
                entity_type: "user",
                entity_id: &user.id,
                payload: json!({ "username": user.username, "session_id": id, "method": factor.as_str() }),
            },
            now,
        )
        .await?;
        if factor == Factor::RecoveryCode {
            self.audit_recovery_code_used(tx, user, now).await?;
        }
        Ok(Session { id, csrf_token: csrf_token_for(&token), token, user: user.clone(), expires_at })
    }

    async fn audit_recovery_code_used(&self, tx: &mut Tx, user: &User, now: DateTime<Utc>) -> Result<(), AuthError> {
        let left = store::recovery_codes_left(tx, &user.id).await?;
        audit::append(
            tx,
            NewEvent {
                actor: &user.username,
                action: "auth.recovery_code_used",
                entity_type: "user",
                entity_id: &user.id,
                payload: json!({ "username": user.username, "recovery_codes_left": left }),
            },
            now,
        )
        .await?;
        Ok(())
    }

    /// Records a failure for `key` (and a lockout at the threshold), commits, and returns the error
    /// to give: [`AuthError::InvalidCredentials`] or [`AuthError::Locked`].
    async fn fail(&self, mut tx: Tx, key: &str, user_id: Option<&str>, step: &str, now: DateTime<Utc>) -> AuthError {
        match self.record_failure(&mut tx, key, user_id, step, now).await {
            Ok(err) => match tx.commit().await {
                Ok(()) => err,
                Err(e) => AuthError::Store(StoreError::from(e)),
            },
            Err(e) => e,
        }
    }

    async fn record_failure(
        &self,
        tx: &mut Tx,
        key: &str,
        user_id: Option<&str>,
        step: &str,
        now: DateTime<Utc>,
    ) -> Result<AuthError, AuthError> {
        let failures = store::record_failure(tx, key, now, now - LOCKOUT_WINDOW).await?;
        let (entity_type, entity_id) = match user_id {
            Some(id) => ("user", id),
            None => ("username", key),
        };
        audit::append(
            tx,
            NewEvent {
                actor: "anonymous",
                action: "auth.sign_in_failed",
                entity_type,
                entity_id,
                payload: json!({ "username": key, "step": step, "consecutive_failures": failures }),
            },
            now,
        )
        .await?;
        if failures < LOCKOUT_THRESHOLD {
            return Ok(AuthError::InvalidCredentials);
        }
        let until = now + LOCKOUT_DURATION;
        store::lock(tx, key, until, now).await?;
        audit::append(
            tx,
            NewEvent {
                actor: "anonymous",
                action: "auth.locked",
                entity_type,
                entity_id,
                payload: json!({ "username": key, "until": until, "failures": failures }),
            },
            now,
        )
        .await?;
        Ok(AuthError::Locked { until })
    }
}

/// The secret, URI and QR code shown to the official during enrolment.
fn enrolment(username: &str, secret: &[u8]) -> Result<Enrolment, AuthError> {
    let secret_base32 = BASE32_NOPAD.encode(secret);
    let otpauth_uri = format!(
        "otpauth://totp/{ISSUER}:{}?secret={secret_base32}&issuer={ISSUER}&digits={TOTP_DIGITS}&period={TOTP_PERIOD_SECS}",
        percent_encode(username)
    );
    let code = qrcode::QrCode::with_error_correction_level(otpauth_uri.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| AuthError::Internal(format!("QR code: {e}")))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    let qr_svg = match (svg.starts_with("<?xml"), svg.find("?>")) {
        (true, Some(end)) => svg[end + 2..].trim_start().to_owned(),
        _ => svg,
    };
    Ok(Enrolment { secret_base32, otpauth_uri, qr_svg })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, 0).single().unwrap()
    }

    /// RFC 6238 appendix B, SHA-1 rows (8 digits, seed "12345678901234567890").
    #[test]
    fn hotp_matches_rfc6238_sha1_vectors() {
        let seed = b"12345678901234567890";
        for (t, expected) in [
            (59_i64, 94_287_082_u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            let step = u64::try_from(totp_step(at(t))).unwrap();
            assert_eq!(hotp(seed, step, 8), expected, "time {t}");
        }
        // The 6-digit code is the last six digits of the same value.
        assert_eq!(totp_code(seed, at(59)), "287082");
        assert_eq!(totp_code(seed, at(1_111_111_109)), "081804");
    }

    #[test]
    fn totp_window_is_one_step_either_way() {
        let secret = [9_u8; 20];
        let now = at(1_700_000_000);
        let code_prev = totp_code(&secret, now - TimeDelta::seconds(30));
        let code_next = totp_code(&secret, now + TimeDelta::seconds(30));
        let code_old = totp_code(&secret, now - TimeDelta::seconds(60));
        assert_eq!(match_totp(&secret, &code_prev, now), Some(totp_step(now) - 1));
        assert_eq!(match_totp(&secret, &code_next, now), Some(totp_step(now) + 1));
        assert_eq!(match_totp(&secret, &totp_code(&secret, now), now), Some(totp_step(now)));
        if code_old != code_prev && code_old != code_next && code_old != totp_code(&secret, now) {
            assert_eq!(match_totp(&secret, &code_old, now), None);
        }
    }

    #[test]
    fn dummy_hash_uses_the_production_parameters() {
        let parsed = PasswordHash::new(DUMMY_HASH).unwrap();
        let p = Params::try_from(&parsed).unwrap();
        assert_eq!((p.m_cost(), p.t_cost(), p.p_cost()), (19_456, 2, 1), "OWASP Argon2id parameters");
        assert_eq!(
            (p.m_cost(), p.t_cost(), p.p_cost()),
            (PASSWORD_PARAMS.m_cost(), PASSWORD_PARAMS.t_cost(), PASSWORD_PARAMS.p_cost())
        );
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
    }

    #[test]
    fn password_rules() {
        assert!(check_password("siti", "short").is_err());
        assert!(matches!(
            check_password("siti.aminah.2024", "Siti.Aminah.2024"),
            Err(AuthError::WeakPassword(PasswordProblem::SameAsUsername))
        ));
        assert!(matches!(
            check_password("siti", "elevenchars"),
            Err(AuthError::WeakPassword(PasswordProblem::TooShort))
        ));
        assert!(check_password("siti", "twelve chars").is_ok());
        assert!(check_password("siti", &"x".repeat(257)).is_err());
    }

    #[test]
    fn recovery_codes_have_the_documented_shape() {
        let c = new_recovery_code();
        assert_eq!(c.len(), 19, "{c}");
        assert_eq!(c.matches('-').count(), 3, "{c}");
        assert!(matches!(classify_code(&c), CodeShape::Recovery(_)));
        assert!(matches!(classify_code(&c.to_uppercase()), CodeShape::Recovery(_)));
        assert!(matches!(classify_code("123 456"), CodeShape::Totp(_)));
        assert!(matches!(classify_code("12345"), CodeShape::Invalid));
        assert_ne!(new_recovery_code(), new_recovery_code());
    }

    #[test]
    fn enrolment_uri_and_qr() {
        let e = enrolment("siti aminah", &[1_u8; 20]).unwrap();
        assert_eq!(e.secret_base32, BASE32_NOPAD.encode(&[1_u8; 20]));
        assert_eq!(
            e.otpauth_uri,
            format!("otpauth://totp/Netra:siti%20aminah?secret={}&issuer=Netra&digits=6&period=30", e.secret_base32)
        );
        assert!(e.qr_svg.starts_with("<svg"), "{}", &e.qr_svg[..40]);
        assert!(e.qr_svg.trim_end().ends_with("</svg>"));
    }
}
