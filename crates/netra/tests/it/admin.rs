//! `netra admin`: refusals with specific messages, users and tokens, and revocation that a running
//! server honours at once; passwords from stdin, TOTP reset and unlock checked against the sign-in
//! use cases on the same database.

use std::io::Write;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use netra_core::auth::{AuthError, Session};
use netra_core::{Netra, Sealer, SystemClock};
use netra_domain::numbering::NumberTemplate;
use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{COMMAND_TIMEOUT, Instance, Output, Server};

/// `create-token` prints `token id: ID` and then the token itself.
#[track_caller]
fn create_token(n: &Instance, username: &str) -> (String, String) {
    let out = n.run(&["admin", "create-token", "--username", username]).success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "create-token prints the id and the token:\n{out}");
    let id = lines[0].strip_prefix("token id: ").unwrap_or_else(|| panic!("first line is `token id: …`:\n{out}"));
    let token = lines[1];
    assert!(token.len() >= 32 && !token.contains(char::is_whitespace), "token looks wrong: {token:?}\n{out}");
    (id.to_owned(), token.to_owned())
}

#[track_caller]
fn users(n: &Instance) -> Vec<Value> {
    let out = n.run(&["admin", "list-users"]).success();
    out.json().as_array().unwrap_or_else(|| panic!("list-users prints a JSON array:\n{out}")).clone()
}

fn user<'a>(list: &'a [Value], username: &str) -> &'a Value {
    list.iter().find(|u| u["username"] == username).unwrap_or_else(|| panic!("no user {username} in {list:?}"))
}

/// GET /api/v1/cases with `token`: the status (and, on 401, a problem+json body).
async fn list_cases(s: &Server, token: Option<&str>) -> StatusCode {
    let (status, headers, body) = s.get("/api/v1/cases", token).await;
    match status {
        StatusCode::OK => {
            let page: Value =
                serde_json::from_str(&body).unwrap_or_else(|e| panic!("cases page is not JSON ({e}): {body}"));
            assert!(page["items"].is_array(), "a page of cases has `items`: {body}");
        }
        StatusCode::UNAUTHORIZED => {
            let ct = headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
            assert!(ct.starts_with("application/problem+json"), "401 is problem+json, got {ct:?}: {body}");
            assert!(!body.contains("netra_"), "a 401 must not echo the token: {body}");
        }
        _ => {}
    }
    status
}

async fn refusals(n: &Instance) {
    let create = |args: &[&str]| {
        let mut all = vec!["admin", "create-user"];
        all.extend_from_slice(args);
        n.run(&all)
    };
    create(&["--username", "x", "--role", "lurah", "--region", "33.74"])
        .failure()
        .stderr_has(&["unknown role `lurah`"]);
    create(&["--username", "x", "--role", "bawaslu_kabkota", "--region", "33.99"])
        .failure()
        .stderr_has(&["unknown region `33.99`"]);
    create(&["--username", "x", "--role", "bawaslu_kabkota", "--region", "Semarang"])
        .failure()
        .stderr_has(&["`Semarang`", "PP.KK"]);
    create(&["--username", "x", "--role", "ppk"]).failure().stderr_has(&["ppk", "needs --agency"]);
    create(&["--username", "x", "--role", "inspectorate"]).failure().stderr_has(&["inspectorate", "needs --agency"]);
    create(&["--username", "x", "--role", "ppk", "--agency", "pemkot-atlantis"])
        .failure()
        .stderr_has(&["agency `pemkot-atlantis`", "not found"]);
    n.run(&["admin", "create-token", "--username", "ghost"]).failure().stderr_has(&["user `ghost`", "not found"]);
    n.run(&["admin", "revoke-user", "--username", "ghost"]).failure().stderr_has(&["not found"]);
    // Nothing was half-created by the refused commands.
    assert_eq!(users(n), Vec::<Value>::new());
}

async fn users_tokens_and_immediate_revocation(n: &Instance) {
    refusals(n).await;

    let out = n
        .run(&[
            "admin",
            "create-user",
            "--username",
            "siti",
            "--name",
            "Siti Aminah",
            "--role",
            "bawaslu_kabkota",
            "--region",
            "33.74",
        ])
        .success();
    let siti = out.json();
    assert_eq!(siti["username"], "siti", "{out}");
    assert_eq!(siti["role"], "bawaslu_kabkota", "the printed role must be the name `--role` accepts:\n{out}");
    assert_eq!(siti["active"], true, "{out}");
    n.run(&["admin", "create-user", "--username", "siti", "--role", "auditor"])
        .failure()
        .stderr_has(&["already exists"]);
    n.run(&["admin", "create-user", "--username", "rina", "--role", "bawaslu_provinsi", "--region", "33"]).success();
    let (_, siti_token) = create_token(n, "siti");
    let (rina_token_id, rina_token) = create_token(n, "rina");
    let (_, rina_token_2) = create_token(n, "rina");
    assert_ne!(rina_token, rina_token_2, "every token is new");

    let s = n.serve(&[]);
    let health = s.wait_healthy().await;
    assert_eq!(health["database"], n.engine(), "healthz names the engine: {health}");
    assert_eq!(list_cases(&s, None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(list_cases(&s, Some("netra_0000")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(list_cases(&s, Some(&siti_token)).await, StatusCode::OK);
    assert_eq!(list_cases(&s, Some(&rina_token)).await, StatusCode::OK);

    // Revoking while the server runs: the very next request is refused, no restart, no waiting.
    n.run(&["admin", "revoke-user", "--username", "siti"]).success().stdout_has(&["siti"]);
    assert_eq!(list_cases(&s, Some(&siti_token)).await, StatusCode::UNAUTHORIZED, "{}", s.log());
    assert_eq!(list_cases(&s, Some(&rina_token)).await, StatusCode::OK, "other users keep working");
    n.run(&["admin", "create-token", "--username", "siti"]).failure().stderr_has(&["revoked"]);

    // Revoking one token leaves the user's other tokens alone.
    n.run(&["admin", "revoke-token", "--id", &rina_token_id]).success();
    assert_eq!(list_cases(&s, Some(&rina_token)).await, StatusCode::UNAUTHORIZED);
    assert_eq!(list_cases(&s, Some(&rina_token_2)).await, StatusCode::OK);

    let list = users(n);
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(user(&list, "siti")["active"], false);
    assert_eq!(user(&list, "rina")["active"], true);
    assert!(!serde_json::to_string(&list).unwrap().contains(&rina_token_2), "list-users never shows tokens");

    // Ctrl-C stops the server gracefully, with idle keep-alive connections still open.
    let status = s.interrupt();
    assert!(status.success(), "serve exits 0 after SIGINT, got {status}");
    n.run(&["audit", "verify"]).success().stdout_has(&["intact"]);
}

on_both_engines!(admin_users_and_tokens, super::users_tokens_and_immediate_revocation);

/// `netra ARGS` with `input` on standard input.
fn run_stdin(n: &Instance, args: &[&str], input: &str) -> Output {
    let mut cmd = n.command(args);
    let command = format!("netra {} <<< (stdin)", args.join(" "));
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start `{command}`: {e}"));
    child.stdin.take().expect("piped stdin").write_all(input.as_bytes()).expect("writing stdin");
    let started = Instant::now();
    let out = child.wait_with_output().expect("waiting for netra");
    assert!(started.elapsed() < COMMAND_TIMEOUT, "`{command}` took too long");
    Output {
        command,
        status: out.status,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The sign-in use cases over the instance's database, with the key the CLI created.
async fn service(n: &Instance) -> Netra {
    let db = netra_store::Db::connect(&n.database_url()).await.expect("opening the instance's database");
    let key = std::fs::read_to_string(n.data().join("keys").join("seal.key")).expect("the CLI created the sealing key");
    let key: [u8; 32] = hex_decode(key.trim()).try_into().expect("32-byte key");
    Netra::new(db, Sealer::new(key), NumberTemplate::default_template(), Arc::new(SystemClock))
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
}

/// RFC 4648 base32 without padding (the enrolment secret).
fn base32_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let (mut bits, mut acc, mut out) = (0_u32, 0_u32, Vec::new());
    for c in s.bytes() {
        let v = ALPHABET.iter().position(|a| *a == c).expect("base32 character");
        acc = (acc << 5) | u32::try_from(v).expect("small");
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).expect("byte"));
        }
    }
    out
}

/// Enrols `username` (who must need enrolment) at `now`: the session and the TOTP secret.
async fn enrol(netra: &Netra, username: &str, password: &str, now: DateTime<Utc>) -> (Session, Vec<u8>) {
    let a = netra.auth();
    let p = a.begin_sign_in(username, password, now).await.expect("password step");
    assert!(p.needs_enrolment, "{username} must enrol");
    let e = a.begin_enrolment(&p.token, now).await.expect("enrolment");
    let secret = base32_decode(&e.secret_base32);
    let code = netra_core::auth::totp_code(&secret, now);
    let (s, codes) = a.confirm_enrolment(&p.token, &code, now).await.expect("confirming enrolment");
    assert_eq!(codes.len(), 10);
    (s, secret)
}

async fn sign_in_administration(n: &Instance) {
    let create = |username: &str, password: &str| {
        run_stdin(
            n,
            &[
                "admin",
                "create-user",
                "--username",
                username,
                "--role",
                "bawaslu_kabkota",
                "--region",
                "33.74",
                "--password-stdin",
            ],
            password,
        )
    };
    create("tari", "short\n").failure().stderr_has(&["at least 12 characters"]);
    create("tari.wulandari", "Tari.Wulandari\n").failure().stderr_has(&["must not be the username"]);
    create("tari", "").failure().stderr_has(&["no password"]);
    assert_eq!(users(n), Vec::<Value>::new(), "refused passwords create no user");
    let out = create("tari", "pasar-johar-semarang\n").success();
    assert_eq!(out.json()["username"], "tari", "{out}");
    assert!(!out.stdout.contains("pasar-johar") && !out.stderr.contains("pasar-johar"), "{out}");

    // Times a step apart, so every TOTP code below is fresh (codes cannot be replayed).
    let base = Utc::now();
    let t = |k: i64| base + Duration::seconds(30 * k);
    let netra = service(n).await;
    let a = netra.auth();
    let (s1, secret) = enrol(&netra, "tari", "pasar-johar-semarang", t(0)).await;
    a.authenticate(&s1.token, t(0)).await.expect("signed in");

    // set-password: rules, unknown users, then the new password replaces the old and sessions end.
    run_stdin(n, &["admin", "set-password", "--username", "tari"], "too short\n")
        .failure()
        .stderr_has(&["at least 12 characters"]);
    run_stdin(n, &["admin", "set-password", "--username", "ghost"], "a long enough password\n")
        .failure()
        .stderr_has(&["user `ghost` not found"]);
    run_stdin(n, &["admin", "set-password", "--username", "tari"], "tugu-muda-lawang-sewu\r\n")
        .success()
        .stdout_has(&["tari"]);
    assert!(matches!(a.authenticate(&s1.token, t(0)).await, Err(AuthError::SessionExpired)));
    assert!(matches!(a.begin_sign_in("tari", "pasar-johar-semarang", t(1)).await, Err(AuthError::InvalidCredentials)));
    let p = a.begin_sign_in("tari", "tugu-muda-lawang-sewu", t(1)).await.expect("new password");
    assert!(!p.needs_enrolment);
    let s2 = a
        .complete_sign_in(&p.token, &netra_core::auth::totp_code(&secret, t(1)), t(1))
        .await
        .expect("TOTP still enrolled after a password reset");

    // reset-totp: sessions end and the next sign-in must enrol again.
    n.run(&["admin", "reset-totp", "--username", "tari"]).success().stdout_has(&["tari"]);
    assert!(matches!(a.authenticate(&s2.token, t(1)).await, Err(AuthError::SessionExpired)));
    n.run(&["admin", "reset-totp", "--username", "ghost"]).failure().stderr_has(&["user `ghost` not found"]);
    let (s3, _) = enrol(&netra, "tari", "tugu-muda-lawang-sewu", t(2)).await;

    // unlock: after five failures even the right password is refused until an administrator unlocks.
    for username in ["tari", "ghost"] {
        let mut last = None;
        for _ in 0..5 {
            last = Some(a.begin_sign_in(username, "wrong password!", t(3)).await);
        }
        assert!(matches!(last, Some(Err(AuthError::Locked { .. }))), "{username}: {last:?}");
        n.run(&["admin", "unlock", "--username", username]).success().stdout_has(&[&format!("{username} unlocked")]);
    }
    a.begin_sign_in("tari", "tugu-muda-lawang-sewu", t(3)).await.expect("unlocked");
    n.run(&["admin", "unlock", "--username", "tari"]).success().stdout_has(&["tari was not locked"]);

    // revoke-user ends browser sessions too.
    a.authenticate(&s3.token, t(3)).await.expect("still signed in");
    n.run(&["admin", "revoke-user", "--username", "tari"]).success();
    assert!(matches!(a.authenticate(&s3.token, t(3)).await, Err(AuthError::SessionExpired)));

    netra.db.close().await;
    n.run(&["audit", "verify"]).success().stdout_has(&["intact"]);
    let mut conn = n.connect().await;
    let actions: Vec<(String, String)> =
        sqlx::query_as("SELECT actor, action FROM audit_events WHERE actor = 'system:admin-cli' ORDER BY seq")
            .fetch_all(&mut conn)
            .await
            .expect("reading the audit log");
    for expected in ["auth.password_set", "auth.totp_reset", "auth.unlocked", "user.revoked"] {
        assert!(actions.iter().any(|(_, a)| a == expected), "{expected} by system:admin-cli: {actions:?}");
    }
    let payloads: Vec<(String,)> =
        sqlx::query_as("SELECT payload FROM audit_events").fetch_all(&mut conn).await.expect("reading the audit log");
    assert!(
        payloads.iter().all(|(p,)| !p.contains("tugu-muda") && !p.contains("pasar-johar")),
        "no password in the audit log"
    );
}

on_both_engines!(admin_passwords_totp_and_unlock, super::sign_in_administration);
