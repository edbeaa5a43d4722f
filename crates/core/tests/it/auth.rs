//! Sign-in, enrolment, sessions and lockout (`netra_core::auth`), each test on SQLite and
//! PostgreSQL (`netra_testkit::on_all_backends!`), with a manual clock.

use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, TimeZone, Utc};
use data_encoding::BASE32_NOPAD;
use netra_core::auth::{self, AuthError, Session};
use netra_core::{ManualClock, Netra, Sealer};
use netra_domain::ids::RegionCode;
use netra_domain::numbering::NumberTemplate;
use netra_domain::policy::{Actor, Role, Scope};
use netra_store::audit::Verification;
use netra_store::{Db, users};
use sqlx::Row;

type Result = anyhow::Result<()>;

const PASSWORD: &str = "kopi-tubruk-semarang-24";

struct Fx {
    netra: Netra,
    clock: Arc<ManualClock>,
}

impl Fx {
    fn new(db: &Db) -> Fx {
        // 08:00:00 UTC starts a TOTP step, so `advance(30)` always reaches the next one.
        let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2024, 2, 1, 8, 0, 0).unwrap()));
        let netra = Netra::new(db.clone(), Sealer::new([5; 32]), NumberTemplate::default_template(), clock.clone());
        Fx { netra, clock }
    }

    fn now(&self) -> DateTime<Utc> {
        self.netra.now()
    }

    fn advance(&self, secs: i64) {
        self.clock.set(self.now() + Duration::seconds(secs));
    }

    fn auth(&self) -> auth::Auth<'_> {
        self.netra.auth()
    }

    /// A Bawaslu official with [`PASSWORD`].
    async fn official(&self, username: &str) -> anyhow::Result<users::User> {
        let u = users::create(
            &self.netra.db,
            username,
            username,
            Role::BawasluKabKota,
            &Scope { region: Some(RegionCode::parse("33.74")?), agency_id: None },
            self.now(),
        )
        .await?;
        self.auth().set_password(&admin(), username, PASSWORD, self.now()).await?;
        Ok(u)
    }

    /// Password step, enrolment, first code: the session, the recovery codes and the TOTP secret.
    async fn enrol(&self, username: &str) -> anyhow::Result<(Session, Vec<String>, Vec<u8>)> {
        let pending = self.auth().begin_sign_in(username, PASSWORD, self.now()).await?;
        assert!(pending.needs_enrolment);
        let e = self.auth().begin_enrolment(&pending.token, self.now()).await?;
        let secret = BASE32_NOPAD.decode(e.secret_base32.as_bytes())?;
        let (session, codes) = self.auth().confirm_enrolment(&pending.token, &self.code(&secret), self.now()).await?;
        Ok((session, codes, secret))
    }

    /// A full sign-in with a fresh TOTP code (moves the clock to the next time step first).
    async fn sign_in(&self, username: &str, secret: &[u8]) -> anyhow::Result<Session> {
        self.advance(30);
        let pending = self.auth().begin_sign_in(username, PASSWORD, self.now()).await?;
        assert!(!pending.needs_enrolment);
        Ok(self.auth().complete_sign_in(&pending.token, &self.code(secret), self.now()).await?)
    }

    fn code(&self, secret: &[u8]) -> String {
        auth::totp_code(secret, self.now())
    }

    async fn audit_actions(&self) -> anyhow::Result<Vec<String>> {
        let rows = sqlx::query("SELECT action FROM audit_events ORDER BY seq").fetch_all(&self.netra.db.pool).await?;
        Ok(rows.iter().map(|r| r.try_get::<String, _>("action")).collect::<std::result::Result<_, _>>()?)
    }

    async fn assert_chain_intact(&self) -> Result {
        let v = netra_store::audit::verify(&self.netra.db).await?;
        assert!(matches!(v, Verification::Intact { .. }), "{v:?}");
        Ok(())
    }
}

fn admin() -> Actor {
    Actor {
        user_id: "system:test".into(),
        username: "system:test".into(),
        role: Role::Administrator,
        scope: Scope::national(),
    }
}

/// A 6-digit code that is not valid anywhere in the ±1 step window around `now`.
fn wrong_code(secret: &[u8], now: DateTime<Utc>) -> String {
    let valid: Vec<String> =
        [-30, 0, 30].iter().map(|d| auth::totp_code(secret, now + Duration::seconds(*d))).collect();
    (0..).map(|i| format!("{i:06}")).find(|c| !valid.contains(c)).expect("a wrong code exists")
}

#[track_caller]
fn assert_invalid<T: std::fmt::Debug>(r: std::result::Result<T, AuthError>) {
    assert!(matches!(r, Err(AuthError::InvalidCredentials)), "expected InvalidCredentials, got {r:?}");
}

#[track_caller]
fn assert_session_expired<T: std::fmt::Debug>(r: std::result::Result<T, AuthError>) {
    assert!(matches!(r, Err(AuthError::SessionExpired)), "expected SessionExpired, got {r:?}");
}

async fn enrolment_then_sign_in(db: &Db) -> Result {
    let fx = Fx::new(db);
    let siti = fx.official("siti").await?;
    let a = fx.auth();

    let pending = a.begin_sign_in("siti", PASSWORD, fx.now()).await?;
    assert!(pending.needs_enrolment, "a new official must enrol first");
    assert!(pending.token.len() >= 43, "256-bit token");
    assert!(matches!(a.complete_sign_in(&pending.token, "123456", fx.now()).await, Err(AuthError::EnrolmentRequired)));
    assert!(matches!(
        a.confirm_enrolment(&pending.token, "123456", fx.now()).await,
        Err(AuthError::EnrolmentNotStarted)
    ));

    let e = a.begin_enrolment(&pending.token, fx.now()).await?;
    let secret = BASE32_NOPAD.decode(e.secret_base32.as_bytes())?;
    assert_eq!(secret.len(), 20);
    assert_eq!(
        e.otpauth_uri,
        format!("otpauth://totp/Netra:siti?secret={}&issuer=Netra&digits=6&period=30", e.secret_base32)
    );
    assert!(e.qr_svg.starts_with("<svg") && e.qr_svg.contains("<path"), "QR code as SVG");

    // A wrong first code is refused; the right one confirms, signs in and issues recovery codes.
    assert_invalid(a.confirm_enrolment(&pending.token, &wrong_code(&secret, fx.now()), fx.now()).await);
    let (session, codes) = a.confirm_enrolment(&pending.token, &fx.code(&secret), fx.now()).await?;
    assert_eq!(codes.len(), 10);
    assert!(codes.iter().all(|c| c.len() == 19 && c.matches('-').count() == 3), "{codes:?}");
    assert_eq!(session.user.id, siti.id);
    assert_eq!(session.expires_at, fx.now() + auth::SESSION_ABSOLUTE_LIFETIME);
    assert_ne!(session.token, pending.token);

    // Rotation: the pending token is spent.
    assert!(matches!(
        a.complete_sign_in(&pending.token, &fx.code(&secret), fx.now()).await,
        Err(AuthError::SignInExpired)
    ));
    assert!(matches!(a.begin_enrolment(&pending.token, fx.now()).await, Err(AuthError::SignInExpired)));
    assert_session_expired(a.authenticate(&pending.token, fx.now()).await);

    let ctx = a.authenticate(&session.token, fx.now()).await?;
    assert_eq!(ctx.actor.user_id, siti.id);
    assert_eq!(ctx.actor.role, Role::BawasluKabKota);
    assert_eq!(ctx.actor.scope.region.as_ref().map(|r| r.as_str().to_owned()), Some("33.74".to_owned()));
    assert_eq!(ctx.csrf_token, session.csrf_token);
    assert!(ctx.csrf_matches(&session.csrf_token) && !ctx.csrf_matches("forged"));
    assert_ne!(session.csrf_token, session.token);

    // The next sign-in needs no enrolment; the code used to confirm enrolment cannot be replayed.
    let p2 = a.begin_sign_in("siti", PASSWORD, fx.now()).await?;
    assert!(!p2.needs_enrolment);
    assert!(matches!(a.begin_enrolment(&p2.token, fx.now()).await, Err(AuthError::AlreadyEnrolled)));
    assert_invalid(a.complete_sign_in(&p2.token, &fx.code(&secret), fx.now()).await);
    fx.advance(30);
    let code = fx.code(&secret);
    let s2 = a.complete_sign_in(&p2.token, &code, fx.now()).await?;
    assert_ne!(s2.token, session.token);
    assert_ne!(s2.id, session.id);
    // The same code (same time step) is refused for another sign-in, even 20 s later.
    fx.advance(20);
    let p3 = a.begin_sign_in("siti", PASSWORD, fx.now()).await?;
    assert_invalid(a.complete_sign_in(&p3.token, &code, fx.now()).await);
    // A code from the previous step is accepted (±1 step), one from two steps back is not.
    fx.advance(40); // two steps after `code`'s
    let prev = auth::totp_code(&secret, fx.now() - Duration::seconds(30));
    let s3 = a.complete_sign_in(&p3.token, &prev, fx.now()).await?;
    a.authenticate(&s3.token, fx.now()).await?;

    // Sign-out ends only that session.
    a.sign_out(&s2.token, fx.now()).await?;
    assert_session_expired(a.authenticate(&s2.token, fx.now()).await);
    a.authenticate(&session.token, fx.now()).await?;
    a.sign_out(&s2.token, fx.now()).await?; // idempotent

    let actions = fx.audit_actions().await?;
    for expected in [
        "auth.password_set",
        "auth.password_accepted",
        "auth.enrolment_started",
        "auth.sign_in_failed",
        "auth.totp_enrolled",
        "auth.signed_in",
        "auth.signed_out",
    ] {
        assert!(actions.iter().any(|a| a == expected), "audit has {expected}: {actions:?}");
    }
    fx.assert_chain_intact().await
}
netra_testkit::on_all_backends!(enrolment_and_sign_in, enrolment_then_sign_in);

async fn pending_sign_in_expires(db: &Db) -> Result {
    let fx = Fx::new(db);
    fx.official("rina").await?;
    let (_, _, secret) = fx.enrol("rina").await?;
    fx.advance(30);
    let p = fx.auth().begin_sign_in("rina", PASSWORD, fx.now()).await?;
    fx.advance(5 * 60);
    let r = fx.auth().complete_sign_in(&p.token, &fx.code(&secret), fx.now()).await;
    assert!(matches!(r, Err(AuthError::SignInExpired)), "{r:?}");
    Ok(())
}
netra_testkit::on_all_backends!(pending_expires_after_five_minutes, pending_sign_in_expires);

async fn recovery_codes_work_once(db: &Db) -> Result {
    let fx = Fx::new(db);
    fx.official("budi").await?;
    let (_, codes, _) = fx.enrol("budi").await?;
    let a = fx.auth();
    fx.advance(30);
    let p = a.begin_sign_in("budi", PASSWORD, fx.now()).await?;
    let s = a.complete_sign_in(&p.token, &codes[0], fx.now()).await?;
    a.authenticate(&s.token, fx.now()).await?;

    let p = a.begin_sign_in("budi", PASSWORD, fx.now()).await?;
    assert_invalid(a.complete_sign_in(&p.token, &codes[0], fx.now()).await);
    // Case and dashes do not matter.
    let typed = codes[1].to_uppercase().replace('-', " ");
    a.complete_sign_in(&p.token, &typed, fx.now()).await?;
    // A code of another shape, or someone else's format, is simply wrong.
    let p = a.begin_sign_in("budi", PASSWORD, fx.now()).await?;
    assert_invalid(a.complete_sign_in(&p.token, "not-a-code", fx.now()).await);
    assert_invalid(a.complete_sign_in(&p.token, "0000-0000-0000-0000", fx.now()).await);

    let actions = fx.audit_actions().await?;
    assert_eq!(actions.iter().filter(|a| *a == "auth.recovery_code_used").count(), 2, "{actions:?}");
    let left: i64 = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM auth_recovery_codes rc JOIN users u ON u.id = rc.user_id WHERE u.username = 'budi' AND rc.used_at IS NULL",
    )
    .fetch_one(&db.pool)
    .await?
    .try_get("n")?;
    assert_eq!(left, 8);
    fx.assert_chain_intact().await
}
netra_testkit::on_all_backends!(recovery_code_works_once, recovery_codes_work_once);

/// The five results of five wrong passwords for `username`.
async fn five_wrong(fx: &Fx, username: &str) -> Vec<std::result::Result<(), AuthError>> {
    let mut out = Vec::new();
    for i in 0..5 {
        let r = fx.auth().begin_sign_in(username, &format!("wrong password {i}"), fx.now()).await.map(|_| ());
        out.push(r);
        fx.advance(10);
    }
    out
}

async fn lockout(db: &Db) -> Result {
    let fx = Fx::new(db);
    fx.official("dewi").await?;
    let (_, _, secret) = fx.enrol("dewi").await?;
    fx.advance(60);

    let start = fx.now();
    let known = five_wrong(&fx, "dewi").await;
    fx.clock.set(start);
    let unknown = five_wrong(&fx, "hantu").await;
    for results in [&known, &unknown] {
        for r in &results[..4] {
            assert!(matches!(r, Err(AuthError::InvalidCredentials)), "{results:?}");
        }
    }
    let (Err(AuthError::Locked { until: u1 }), Err(AuthError::Locked { until: u2 })) = (&known[4], &unknown[4]) else {
        panic!("the fifth failure locks, for existing and unknown users alike: {known:?} / {unknown:?}");
    };
    assert_eq!(u1, u2, "identical lock for an existing and an unknown username");
    assert_eq!(*u1, start + Duration::seconds(40) + auth::LOCKOUT_DURATION);

    // While locked, even the right password is refused, identically.
    let r1 = fx.auth().begin_sign_in("dewi", PASSWORD, fx.now()).await;
    let r2 = fx.auth().begin_sign_in("hantu", PASSWORD, fx.now()).await;
    assert_eq!(format!("{:?}", r1.as_ref().map(|_| ())), format!("{:?}", r2.as_ref().map(|_| ())));
    assert!(matches!(r1, Err(AuthError::Locked { until }) if until == *u1));
    assert_eq!(fx.auth().locked_until("dewi", fx.now()).await?, Some(*u1));

    // After the lock the right password works again.
    fx.clock.set(*u1);
    let p = fx.auth().begin_sign_in("dewi", PASSWORD, fx.now()).await?;
    let s = fx.auth().complete_sign_in(&p.token, &fx.code(&secret), fx.now()).await?;
    fx.auth().authenticate(&s.token, fx.now()).await?;

    // Failures only count within 15 minutes: 4 now and 4 after 16 minutes do not lock.
    for _ in 0..4 {
        assert_invalid(fx.auth().begin_sign_in("dewi", "not the password", fx.now()).await);
    }
    fx.advance(16 * 60);
    for _ in 0..4 {
        assert_invalid(fx.auth().begin_sign_in("dewi", "not the password", fx.now()).await);
    }
    // Wrong codes count too: the fifth failure in the window is a wrong code.
    let p = fx.auth().begin_sign_in("dewi", PASSWORD, fx.now()).await?;
    let r = fx.auth().complete_sign_in(&p.token, &wrong_code(&secret, fx.now()), fx.now()).await;
    assert!(matches!(r, Err(AuthError::Locked { .. })), "{r:?}");

    // An administrator unlocks (also an unknown username).
    assert!(fx.auth().unlock(&admin(), "dewi", fx.now()).await?);
    fx.auth().begin_sign_in("dewi", PASSWORD, fx.now()).await?;
    fx.auth().unlock(&admin(), "hantu", fx.now()).await?;

    let actions = fx.audit_actions().await?;
    assert!(actions.iter().filter(|a| *a == "auth.locked").count() >= 3, "{actions:?}");
    assert!(actions.iter().any(|a| a == "auth.unlocked"));
    // Failed attempts are logged with the username, never the password.
    let payloads: Vec<String> = sqlx::query("SELECT payload FROM audit_events WHERE action = 'auth.sign_in_failed'")
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| r.try_get("payload"))
        .collect::<std::result::Result<_, _>>()?;
    assert!(payloads.iter().any(|p| p.contains("\"hantu\"")));
    assert!(payloads.iter().all(|p| !p.contains("wrong password") && !p.contains("not the password")));
    fx.assert_chain_intact().await
}
netra_testkit::on_all_backends!(lockout_identical_for_unknown_users, lockout);

async fn session_expiry(db: &Db) -> Result {
    let fx = Fx::new(db);
    fx.official("agus").await?;
    let (s, _, secret) = fx.enrol("agus").await?;
    let a = fx.auth();
    let last_seen = async || -> anyhow::Result<i64> {
        Ok(sqlx::query("SELECT last_seen_at FROM auth_sessions").fetch_one(&db.pool).await?.try_get("last_seen_at")?)
    };
    let t0 = fx.now();
    // Touch at most once a minute.
    fx.advance(30);
    a.authenticate(&s.token, fx.now()).await?;
    assert_eq!(last_seen().await?, t0.timestamp_millis(), "no write within the first minute");
    fx.advance(31);
    a.authenticate(&s.token, fx.now()).await?;
    assert_eq!(last_seen().await?, fx.now().timestamp_millis(), "touched after a minute");

    // Idle: 29 minutes of silence is fine, 30 is not.
    fx.advance(29 * 60);
    a.authenticate(&s.token, fx.now()).await?;
    fx.advance(30 * 60);
    assert_session_expired(a.authenticate(&s.token, fx.now()).await);
    assert_session_expired(a.authenticate(&s.token, fx.now() - Duration::minutes(10)).await);

    // Absolute: active every 20 minutes, the session still ends 12 hours after sign-in.
    let s = fx.sign_in("agus", &secret).await?;
    let signed_in = fx.now();
    while fx.now() + Duration::minutes(20) < signed_in + auth::SESSION_ABSOLUTE_LIFETIME {
        fx.advance(20 * 60);
        a.authenticate(&s.token, fx.now()).await?;
    }
    fx.clock.set(signed_in + auth::SESSION_ABSOLUTE_LIFETIME);
    assert_session_expired(a.authenticate(&s.token, fx.now()).await);
    Ok(())
}
netra_testkit::on_all_backends!(session_idle_and_absolute_expiry, session_expiry);

async fn revocation(db: &Db) -> Result {
    let fx = Fx::new(db);
    fx.official("eko").await?;
    fx.official("fitri").await?;
    let (eko, _, _) = fx.enrol("eko").await?;
    let (fitri, _, fitri_secret) = fx.enrol("fitri").await?;
    let a = fx.auth();
    a.authenticate(&eko.token, fx.now()).await?;

    users::revoke(db, "eko", fx.now()).await?;
    assert_session_expired(a.authenticate(&eko.token, fx.now()).await);
    let n: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM auth_sessions WHERE user_id = $1")
        .bind(&eko.user.id)
        .fetch_one(&db.pool)
        .await?
        .try_get("n")?;
    assert_eq!(n, 0, "revocation deletes the sessions");
    assert_invalid(a.begin_sign_in("eko", PASSWORD, fx.now()).await);
    a.authenticate(&fitri.token, fx.now()).await?;

    // A role change ends sessions too; the next session carries the new role.
    users::change_role(
        db,
        "system:test",
        "fitri",
        Role::BawasluProvinsi,
        &Scope { region: Some(RegionCode::parse("33")?), agency_id: None },
        fx.now(),
    )
    .await?;
    assert_session_expired(a.authenticate(&fitri.token, fx.now()).await);
    let s = fx.sign_in("fitri", &fitri_secret).await?;
    assert_eq!(a.authenticate(&s.token, fx.now()).await?.actor.role, Role::BawasluProvinsi);

    // Even without the deletion, the joined lookup refuses a deactivated user at once.
    sqlx::query("UPDATE users SET active = $1 WHERE username = 'fitri'").bind(false).execute(&db.pool).await?;
    assert_session_expired(a.authenticate(&s.token, fx.now()).await);

    let actions = fx.audit_actions().await?;
    assert!(actions.iter().any(|a| a == "user.revoked") && actions.iter().any(|a| a == "user.role_changed"));
    fx.assert_chain_intact().await
}
netra_testkit::on_all_backends!(revocation_ends_sessions, revocation);

async fn everywhere(db: &Db) -> Result {
    let fx = Fx::new(db);
    let gita = fx.official("gita").await?;
    fx.official("hadi").await?;
    let (s1, _, secret) = fx.enrol("gita").await?;
    let s2 = fx.sign_in("gita", &secret).await?;
    let (other, _, _) = fx.enrol("hadi").await?;
    let a = fx.auth();
    let pending = {
        fx.advance(30);
        a.begin_sign_in("gita", PASSWORD, fx.now()).await?
    };
    assert_eq!(a.sign_out_everywhere(&gita.id, fx.now()).await?, 2);
    assert_session_expired(a.authenticate(&s1.token, fx.now()).await);
    assert_session_expired(a.authenticate(&s2.token, fx.now()).await);
    assert!(matches!(
        a.complete_sign_in(&pending.token, &fx.code(&secret), fx.now()).await,
        Err(AuthError::SignInExpired)
    ));
    a.authenticate(&other.token, fx.now()).await?;
    assert!(fx.audit_actions().await?.iter().any(|a| a == "auth.signed_out_everywhere"));
    fx.assert_chain_intact().await
}
netra_testkit::on_all_backends!(sign_out_everywhere_ends_every_session, everywhere);

async fn reauthentication(db: &Db) -> Result {
    let fx = Fx::new(db);
    fx.official("indah").await?;
    let (s, codes, secret) = fx.enrol("indah").await?;
    let a = fx.auth();
    let ctx = a.authenticate(&s.token, fx.now()).await?;
    ctx.require_recent_reauthentication(fx.now())?;
    fx.advance(6 * 60);
    let ctx = a.authenticate(&s.token, fx.now()).await?;
    assert!(matches!(ctx.require_recent_reauthentication(fx.now()), Err(AuthError::ReauthenticationRequired)));

    assert_invalid(a.reauthenticate(&s.token, "wrong password!", &fx.code(&secret), fx.now()).await);
    assert_invalid(a.reauthenticate(&s.token, PASSWORD, "000000x", fx.now()).await);
    let at = a.reauthenticate(&s.token, PASSWORD, &fx.code(&secret), fx.now()).await?;
    assert_eq!(at, fx.now());
    let ctx = a.authenticate(&s.token, fx.now()).await?;
    assert_eq!(ctx.reauthenticated_at, at);
    ctx.require_recent_reauthentication(fx.now() + Duration::minutes(4))?;
    // The same code cannot serve twice; a recovery code can stand in.
    assert_invalid(a.reauthenticate(&s.token, PASSWORD, &fx.code(&secret), fx.now()).await);
    a.reauthenticate(&s.token, PASSWORD, &codes[3], fx.now()).await?;
    assert!(fx.audit_actions().await?.iter().any(|a| a == "auth.reauthenticated"));
    Ok(())
}
netra_testkit::on_all_backends!(reauthentication_window, reauthentication);

async fn admin_operations(db: &Db) -> Result {
    let fx = Fx::new(db);
    fx.official("joko").await?;
    let (s, _, _) = fx.enrol("joko").await?;
    let a = fx.auth();

    // Password rules, and only administrators may set passwords.
    let weak = a.set_password(&admin(), "joko", "short", fx.now()).await;
    assert!(matches!(weak, Err(AuthError::WeakPassword(auth::PasswordProblem::TooShort))), "{weak:?}");
    let same = a.set_password(&admin(), "joko.widodo.99", "Joko.Widodo.99", fx.now()).await;
    assert!(matches!(same, Err(AuthError::WeakPassword(auth::PasswordProblem::SameAsUsername))), "{same:?}");
    let ctx = a.authenticate(&s.token, fx.now()).await?;
    assert!(matches!(
        a.set_password(&ctx.actor, "joko", "a new long password", fx.now()).await,
        Err(AuthError::Denied(_))
    ));
    assert!(matches!(
        a.set_password(&admin(), "nobody", "a new long password", fx.now()).await,
        Err(AuthError::UnknownUser(_))
    ));

    // A TOTP reset ends sessions and forces enrolment again.
    a.reset_totp(&admin(), "joko", fx.now()).await?;
    assert_session_expired(a.authenticate(&s.token, fx.now()).await);
    let (s, _, secret) = fx.enrol("joko").await?;

    // The official changes their own password: other sessions end, this one stays.
    let other = fx.sign_in("joko", &secret).await?;
    assert_invalid(a.change_password(&s.token, "not my password", "brand new passphrase", fx.now()).await);
    a.change_password(&s.token, PASSWORD, "brand new passphrase", fx.now()).await?;
    a.authenticate(&s.token, fx.now()).await?;
    assert_session_expired(a.authenticate(&other.token, fx.now()).await);
    assert_invalid(a.begin_sign_in("joko", PASSWORD, fx.now()).await);
    a.begin_sign_in("joko", "brand new passphrase", fx.now()).await?;

    // An administrator's password reset ends every session.
    a.set_password(&admin(), "joko", PASSWORD, fx.now()).await?;
    assert_session_expired(a.authenticate(&s.token, fx.now()).await);
    let actions = fx.audit_actions().await?;
    for expected in ["auth.totp_reset", "auth.password_changed", "auth.password_set"] {
        assert!(actions.iter().any(|a| a == expected), "{expected}: {actions:?}");
    }
    fx.assert_chain_intact().await
}
netra_testkit::on_all_backends!(administration, admin_operations);

/// Every text and binary value stored in `table` (columns found in the engine's catalogue, so a
/// column added later is searched too).
async fn stored_values(db: &Db, table: &str) -> anyhow::Result<(Vec<String>, Vec<Vec<u8>>)> {
    let columns = match db.dialect {
        netra_store::Dialect::Sqlite => {
            sqlx::query("SELECT name, type FROM pragma_table_info($1)").bind(table).fetch_all(&db.pool).await?
        }
        netra_store::Dialect::Postgres => {
            sqlx::query("SELECT CAST(column_name AS TEXT) AS name, CAST(data_type AS TEXT) AS type FROM information_schema.columns WHERE table_name = $1")
                .bind(table)
                .fetch_all(&db.pool)
                .await?
        }
    };
    assert!(!columns.is_empty(), "table {table} has columns");
    let (mut texts, mut blobs) = (Vec::new(), Vec::new());
    for c in &columns {
        let name: String = c.try_get("name")?;
        let ty = c.try_get::<String, _>("type")?.to_lowercase();
        let sql = sqlx::AssertSqlSafe(format!("SELECT {name} AS v FROM {table} WHERE {name} IS NOT NULL"));
        if ty == "text" {
            for r in sqlx::query(sql).fetch_all(&db.pool).await? {
                texts.push(r.try_get::<String, _>("v")?);
            }
        } else if ty == "blob" || ty == "bytea" {
            for r in sqlx::query(sql).fetch_all(&db.pool).await? {
                blobs.push(r.try_get::<Vec<u8>, _>("v")?);
            }
        }
    }
    assert!(!texts.is_empty(), "table {table} holds text");
    Ok((texts, blobs))
}

async fn nothing_in_clear(db: &Db) -> Result {
    let fx = Fx::new(db);
    fx.official("kartika").await?;
    let pending = fx.auth().begin_sign_in("kartika", PASSWORD, fx.now()).await?;
    let e = fx.auth().begin_enrolment(&pending.token, fx.now()).await?;
    let secret = BASE32_NOPAD.decode(e.secret_base32.as_bytes())?;
    let (session, codes) = fx.auth().confirm_enrolment(&pending.token, &fx.code(&secret), fx.now()).await?;
    let s2 = fx.sign_in("kartika", &secret).await?;
    fx.advance(30);
    let p3 = fx.auth().begin_sign_in("kartika", PASSWORD, fx.now()).await?; // left pending
    fx.auth().reauthenticate(&session.token, PASSWORD, &fx.code(&secret), fx.now()).await?;
    fx.auth().begin_sign_in("kartika", "a wrong password 42", fx.now()).await.ok();

    let mut secrets: Vec<(&str, String)> = vec![
        ("password", PASSWORD.into()),
        ("wrong password", "a wrong password 42".into()),
        ("session token", session.token.clone()),
        ("second session token", s2.token.clone()),
        ("csrf token", session.csrf_token.clone()),
        ("pending token", pending.token.clone()),
        ("open pending token", p3.token.clone()),
        ("TOTP secret (base32)", e.secret_base32.clone()),
        ("TOTP secret (hex)", hex_lower(&secret)),
    ];
    for c in &codes {
        secrets.push(("recovery code", c.clone()));
        secrets.push(("recovery code (compact)", c.replace('-', "")));
    }
    for table in ["users", "auth_sessions", "auth_pending", "auth_recovery_codes", "auth_failures", "audit_events"] {
        let (texts, blobs) = stored_values(db, table).await?;
        for (what, s) in &secrets {
            assert!(!texts.iter().any(|t| t.contains(s.as_str())), "{what} stored in clear in {table}");
            assert!(
                !blobs.iter().any(|b| b.windows(s.len()).any(|w| w == s.as_bytes())),
                "{what} stored in clear in {table}"
            );
        }
        assert!(
            !blobs.iter().any(|b| b.windows(secret.len()).any(|w| w == secret.as_slice())),
            "raw TOTP secret stored in {table}"
        );
    }
    // The password is an Argon2id PHC string with OWASP's parameters.
    let phc: String = sqlx::query("SELECT password_hash FROM users WHERE username = 'kartika'")
        .fetch_one(&db.pool)
        .await?
        .try_get("password_hash")?;
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
    Ok(())
}
netra_testkit::on_all_backends!(secrets_never_stored_in_clear, nothing_in_clear);

fn hex_lower(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn median(mut v: Vec<StdDuration>) -> StdDuration {
    v.sort();
    v[v.len() / 2]
}

/// Medians of 15 timed wrong-password and 15 unknown-user attempts, taken in ABBA order so drift
/// in machine load affects both alike (after one untimed warm-up pair).
async fn timed_medians(fx: &Fx) -> anyhow::Result<(StdDuration, StdDuration)> {
    let a = fx.auth();
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for round in 0..16 {
        let order = if round % 2 == 0 { [true, false] } else { [false, true] };
        for is_known in order {
            let username = if is_known { "lestari" } else { "siluman" };
            let started = Instant::now();
            let r = a.begin_sign_in(username, "definitely not it", fx.now()).await;
            let took = started.elapsed();
            assert_invalid(r);
            // Keeps both usernames below the lockout (outside the timed part).
            a.unlock(&admin(), username, fx.now()).await?;
            if round > 0 {
                if is_known { known.push(took) } else { unknown.push(took) }
            }
        }
    }
    Ok((median(known), median(unknown)))
}

/// An unknown username costs the same time as a wrong password (Argon2id runs either way): the
/// medians differ by at most 25 %. A real difference shows in every measurement; a burst of load
/// from tests running in parallel on a small machine does not, so up to three measurements are
/// taken and one within the bound passes.
async fn timing(db: &Db) -> Result {
    let fx = Fx::new(db);
    fx.official("lestari").await?;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let (k, u) = timed_medians(&fx).await?;
        let ratio = k.as_secs_f64().max(u.as_secs_f64()) / k.as_secs_f64().min(u.as_secs_f64());
        eprintln!("median wrong password {k:?}, unknown user {u:?}, ratio {ratio:.3}");
        if ratio <= 1.25 {
            return Ok(());
        }
        seen.push(format!("{k:?} vs {u:?}"));
    }
    panic!("wrong password vs unknown user medians differ by more than 25 % in every measurement: {seen:?}");
}
netra_testkit::on_all_backends!(unknown_user_takes_as_long_as_wrong_password, timing);
