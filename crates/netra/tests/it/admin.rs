//! `netra admin`: refusals with specific messages, users and tokens, and revocation that a running
//! server honours at once.

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{Instance, Server};

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
