//! `netra serve`: the embedded default with demo data, a crash, a restart; and failures to start.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::support::{Instance, netra_command, run_with_timeout};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_on_sqlite_survives_a_kill() {
    let n = Instance::sqlite();
    let s = n.serve(&["--demo"]);
    let health = s.wait_healthy().await;
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["database"], "sqlite", "{health}");
    assert!(n.data().join("netra.db").is_file(), "the embedded database lives in DIR/netra.db");
    let key_path = n.data().join("keys").join("seal.key");
    let key = std::fs::read_to_string(&key_path).expect("DIR/keys/seal.key is created on first start");
    assert_eq!(key.trim().len(), 64, "the sealing key is 32 bytes of hex");

    let (status, headers, body) = s.get("/api/v1/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ct = headers.get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(ct.starts_with("application/json"), "openapi.json content type {ct:?}");
    let doc: Value = serde_json::from_str(&body).expect("the OpenAPI document is JSON");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')), "an OpenAPI 3 document: {}", doc["openapi"]);
    for path in ["/healthz", "/api/v1/reports", "/api/v1/cases", "/api/v1/deadlines"] {
        assert!(doc["paths"].get(path).is_some(), "OpenAPI documents {path}");
    }

    // The demo is public-visible through the election list.
    let (status, _, body) = s.get("/api/v1/elections", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let elections: Value = serde_json::from_str(&body).expect("elections JSON");
    assert_eq!(elections.as_array().map(Vec::len), Some(2), "the demo has two elections: {body}");

    // A crash (SIGKILL) leaves a consistent database behind.
    s.kill();
    let verified = n.run(&["audit", "verify"]).success().stdout_has(&["intact"]);

    // Restarting on the same folder reuses the key and does not load the demo twice.
    let s = n.serve(&["--demo"]);
    s.wait_healthy().await;
    assert_eq!(std::fs::read_to_string(&key_path).unwrap(), key, "the sealing key survives a restart");
    s.kill();
    let again = n.run(&["audit", "verify"]).success();
    let strip = |s: &str| s.split(" (").next().unwrap_or_default().to_owned();
    assert_eq!(strip(&again.stdout), strip(&verified.stdout), "a second `--demo` start writes nothing");
}

#[test]
fn serve_with_an_unreachable_postgres_fails_fast_without_leaking_the_password() {
    let dir = tempfile::tempdir().unwrap();
    for url in ["postgres://nobody@127.0.0.1:1/x", "postgres://nobody:s3cret-pw@127.0.0.1:1/x"] {
        let data = dir.path().to_str().unwrap();
        let cmd = netra_command(&["--data", data, "--database-url", url, "serve", "--listen", "127.0.0.1:0"]);
        let started = Instant::now();
        let out = run_with_timeout(cmd, Duration::from_secs(30)).failure();
        assert!(started.elapsed() < Duration::from_secs(15), "took {:?} to give up:\n{out}", started.elapsed());
        let out = out.stderr_has(&["127.0.0.1:1"]);
        assert!(!out.stderr.contains("s3cret-pw") && !out.stdout.contains("s3cret-pw"), "password leaked:\n{out}");
        assert!(!out.stdout.contains("listening"), "{out}");
    }
    assert!(!dir.path().join("netra.db").exists(), "with --database-url nothing is created in the data folder");
}

#[test]
fn serve_on_a_busy_port_fails_naming_the_address() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let n = Instance::sqlite();
    let mut cmd = n.command(&["serve", "--listen", &addr]);
    cmd.env("NETRA_LOG", "warn");
    let out = run_with_timeout(cmd, Duration::from_secs(60)).failure().stderr_has(&[&addr]);
    assert!(!out.stdout.contains("listening"), "{out}");
}
