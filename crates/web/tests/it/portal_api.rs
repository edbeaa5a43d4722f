//! The reporter follow-up API and evidence over a real loopback socket: receipt status (same 404
//! for unknown and wrong codes, rate limits), two-way messages (Bawaslu only, bodies never in the
//! audit log), idempotent submission under concurrency, receipts never stored, evidence upload and
//! verified downloads (tampering refused), and the case page's messages and evidence sections.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, ensure};
use chrono::{DateTime, Utc};
use netra_core::portal::RateLimits;
use netra_core::{ManualClock, Netra, Sealer};
use netra_domain::numbering::NumberTemplate;
use netra_domain::policy::{Actor, Role, Scope};
use netra_evidence::{EvidenceConfig, UploadPolicy, Vault, sha256_hex};
use netra_store::Db;
use netra_store::users;
use serde_json::{Value, json};

const JPEG: &[u8] = include_bytes!("../../../evidence/tests/corpus/jpeg_full_le.jpg");
const PNG: &[u8] = include_bytes!("../../../evidence/tests/corpus/png_text_exif_xmp.png");
const EXE: &[u8] = include_bytes!("../../../evidence/tests/corpus/hostile_exe_named_jpg.jpg");
const PASSWORD: &str = "kata-sandi-panjang-sekali";

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn region(c: &str) -> Scope {
    Scope { region: Some(netra_domain::ids::RegionCode::parse(c).unwrap()), agency_id: None }
}

/// A folder under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> anyhow::Result<TempDir> {
        let p = std::env::temp_dir().join(format!("netra-{what}-{}", netra_store::codec::new_id()));
        std::fs::create_dir_all(&p)?;
        Ok(TempDir(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Site {
    base: String,
    http: reqwest::Client,
    netra: Netra,
    officer: String,
    other_officer: String,
    authority: String,
    ppk: String,
    /// The local evidence vault's folder, when the site has one.
    vault: Option<TempDir>,
}

async fn token(db: &Db, username: &str, role: Role, scope: Scope) -> anyhow::Result<String> {
    let u = users::create(db, username, username, role, &scope, Utc::now()).await?;
    let tok = format!("tok-{username}-{}", netra_store::codec::new_id());
    users::create_token(db, &u.id, &tok, "test", Utc::now()).await?;
    Ok(tok)
}

/// The test site; `vault_limit` is the upload limit of a local evidence vault (`None`: no vault).
async fn site(db: &Db, limits: RateLimits, vault_limit: Option<u64>) -> anyhow::Result<Site> {
    netra_testkit::seed_pilkada_2024(db).await?;
    let officer = token(db, "kota-semarang", Role::BawasluKabKota, region("33.74")).await?;
    let other_officer = token(db, "kab-garut", Role::BawasluKabKota, region("32.05")).await?;
    let authority = token(db, "bkn-verifier", Role::AuthorityVerifier, Scope::national()).await?;
    let ppk = token(db, "ppk-semarang", Role::Ppk, Scope { region: None, agency_id: Some("ag-smg".into()) }).await?;
    let clock = Arc::new(ManualClock::new(t("2024-10-15T03:00:00Z")));
    let netra = Netra::new(db.clone(), Sealer::new([3; 32]), NumberTemplate::default_template(), clock)
        .with_rate_limits(limits);
    let (vault_dir, evidence) = if let Some(max_bytes) = vault_limit {
        let dir = TempDir::new("evidence")?;
        let mut cfg = EvidenceConfig::local(&dir.0);
        cfg.policy.max_bytes = max_bytes;
        let vault = Vault::open(&cfg)?;
        (Some(dir), Some(Arc::new(vault)))
    } else {
        (None, None)
    };
    let config = netra_web::WebConfig { evidence, ..Default::default() };
    let app = netra_web::router_with(netra.clone(), config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await });
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    Ok(Site { base, http, netra, officer, other_officer, authority, ppk, vault: vault_dir })
}

fn report_body(word: &str) -> Value {
    json!({
        "kind": "informasi_awal", "election": "pilkada-2024",
        "known_at": "2024-10-14T02:00:00Z",
        "act": {"occurred_at": "2024-10-13T03:00:00Z", "region_code": "33.74.05",
                "description": format!("Camat {word} mengunggah ajakan memilih paslon 2."),
                "violation_codes": ["D-2"], "medium": "social_media", "platform": "facebook"},
        "subjects": [{"name": format!("Camat {word}"), "position_title": "Camat", "territorial_head": true}]
    })
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    bytes: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl Site {
    async fn send(&self, r: reqwest::RequestBuilder) -> anyhow::Result<Answer> {
        let resp = r.send().await?;
        let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
        Ok(Answer { status, headers, bytes: resp.bytes().await?.to_vec() })
    }

    async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> anyhow::Result<Answer> {
        let mut r = self.http.post(format!("{}{path}", self.base)).json(body);
        if let Some(tok) = token {
            r = r.bearer_auth(tok);
        }
        self.send(r).await
    }

    async fn get(&self, path: &str, token: Option<&str>) -> anyhow::Result<Answer> {
        let mut r = self.http.get(format!("{}{path}", self.base));
        if let Some(tok) = token {
            r = r.bearer_auth(tok);
        }
        self.send(r).await
    }

    async fn post_form(&self, path: &str, token: &str, form: reqwest::multipart::Form) -> anyhow::Result<Answer> {
        self.send(self.http.post(format!("{}{path}", self.base)).bearer_auth(token).multipart(form)).await
    }

    /// Submits a tip through the public API; returns (case id, receipt code).
    async fn submit(&self, word: &str, idem: Option<&str>) -> anyhow::Result<(String, String)> {
        let mut r = self.http.post(format!("{}/api/v1/reports", self.base)).json(&report_body(word));
        if let Some(k) = idem {
            r = r.header("Idempotency-Key", k);
        }
        let a = self.send(r).await?;
        ensure!(a.status == 201, "submission: {} {}", a.status, a.text());
        let v = a.json();
        Ok((
            v["case_id"].as_str().context("case_id")?.to_owned(),
            v["receipt_code"].as_str().context("receipt_code")?.to_owned(),
        ))
    }

    async fn status(&self, receipt: &str) -> anyhow::Result<Answer> {
        self.post_json("/api/v1/receipts/status", None, &json!({ "receipt": receipt })).await
    }

    /// An official with a password and an enrolled authenticator; returns the session cookie.
    async fn session(&self, username: &str, role: Role, scope: Scope) -> anyhow::Result<String> {
        let now = self.netra.now();
        users::create(&self.netra.db, username, username, role, &scope, now).await?;
        let admin = Actor {
            user_id: "system:test".into(),
            username: "system:test".into(),
            role: Role::Administrator,
            scope: Scope::national(),
        };
        self.netra.auth().set_password(&admin, username, PASSWORD, now).await?;
        let pending = self.netra.auth().begin_sign_in(username, PASSWORD, now).await?;
        let e = self.netra.auth().begin_enrolment(&pending.token, now).await?;
        let secret = data_encoding::BASE32_NOPAD.decode(e.secret_base32.as_bytes())?;
        let code = netra_core::auth::totp_code(&secret, now);
        let (session, _) = self.netra.auth().confirm_enrolment(&pending.token, &code, now).await?;
        Ok(format!("netra_sesi={}", session.token))
    }

    async fn page(&self, path: &str, cookie: &str) -> anyhow::Result<Answer> {
        self.send(self.http.get(format!("{}{path}", self.base)).header("cookie", cookie)).await
    }
}

/// The CSRF token embedded in a signed-in page.
fn csrf_of(html: &str) -> anyhow::Result<String> {
    let i = html.find("name=\"_csrf\" value=\"").context("no CSRF field on the page")? + 20;
    Ok(html[i..].split('"').next().unwrap_or_default().to_owned())
}

/// A receipt with one digit changed: right selector, wrong secret.
fn wrong(receipt: &str) -> String {
    let mut b = receipt.as_bytes().to_vec();
    let last = b.len() - 1;
    b[last] = if b[last] == b'9' { b'0' } else { b[last] + 1 };
    String::from_utf8(b).unwrap()
}

async fn receipt_status_impl(db: &Db) -> anyhow::Result<()> {
    let limits = RateLimits { receipts_per_client: Some(8), ..RateLimits::off() };
    let s = site(db, limits, None).await?;
    let (case_id, receipt) = s.submit("Kuswandaru", None).await?;
    ensure!(receipt.len() == 24 && receipt.bytes().all(|b| b.is_ascii_digit()), "24 digits: {receipt}");

    // The code as issued, and as a person copies it (groups of four).
    let a = s.status(&receipt).await?;
    ensure!(a.status == 200, "status: {} {}", a.status, a.text());
    let v = a.json();
    ensure!(v["status"] == "received" && v["kind"] == "informasi_awal", "{v}");
    ensure!(v["messages"].as_array().is_some_and(Vec::is_empty) && v["evidence"].as_array().is_some());
    ensure!(!a.text().contains(&case_id), "the reporter is not told internal ids");
    let grouped: Vec<String> = receipt.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    ensure!(s.status(&grouped.join(" ")).await?.status == 200, "grouped code");

    // Unknown selector and wrong secret: the same 404, byte for byte.
    let unknown = s.status(&"1".repeat(24)).await?;
    let mismatch = s.status(&wrong(&receipt)).await?;
    ensure!(unknown.status == 404 && mismatch.status == 404, "{} {}", unknown.status, mismatch.status);
    ensure!(unknown.bytes == mismatch.bytes, "bodies differ:\n{}\n{}", unknown.text(), mismatch.text());
    ensure!(unknown.header("content-type") == Some("application/problem+json"));

    // Letters are a field error, with the code the portal explains.
    let letters = s.status("1234 5678 9O12 3456 7890 1234").await?;
    ensure!(letters.status == 422, "letters: {}", letters.status);
    ensure!(letters.json()["errors"][0]["code"] == "receipt_not_digits", "{}", letters.text());

    // The per-client cap (8 uses in this window; 5 spent above) ends in 429 with Retry-After.
    let mut limited = None;
    for _ in 0..6 {
        let a = s.status(&receipt).await?;
        if a.status == 429 {
            limited = Some(a);
            break;
        }
        ensure!(a.status == 200, "before the cap: {}", a.status);
    }
    let limited = limited.context("no 429 after the per-client cap")?;
    ensure!(limited.json()["code"] == "rate-limited", "{}", limited.text());
    let retry: u64 = limited.header("retry-after").context("Retry-After")?.parse()?;
    ensure!((1..=15 * 60).contains(&retry), "Retry-After {retry}");
    Ok(())
}
netra_testkit::on_all_backends!(receipt_status, receipt_status_impl);

async fn messages_impl(db: &Db) -> anyhow::Result<()> {
    let s = site(db, RateLimits::off(), None).await?;
    let (case_id, receipt) = s.submit("Prasetyo", None).await?;
    let secret_text = "Atasan saya Pak Dirgantara menyuruh kami hadir";
    let reply_text = "Terima kasih, mohon kirim foto undangannya";

    let a = s.post_json("/api/v1/receipts/messages", None, &json!({"receipt": receipt, "body": secret_text})).await?;
    ensure!(a.status == 201, "reporter message: {} {}", a.status, a.text());
    ensure!(a.json()["direction"] == "reporter");
    let a = s.post_json("/api/v1/receipts/messages", None, &json!({"receipt": wrong(&receipt), "body": "x"})).await?;
    ensure!(a.status == 404, "wrong receipt writes nothing: {}", a.status);
    let a = s.post_json("/api/v1/receipts/messages", None, &json!({"receipt": receipt, "body": "   "})).await?;
    ensure!(a.status == 422, "empty message: {}", a.status);

    let path = format!("/api/v1/cases/{case_id}/messages");
    let a = s.get(&path, Some(&s.officer)).await?;
    ensure!(a.status == 200, "officer reads: {} {}", a.status, a.text());
    ensure!(a.json()[0]["body"] == secret_text, "{}", a.text());
    let a = s.post_json(&path, Some(&s.officer), &json!({"body": reply_text})).await?;
    ensure!(a.status == 201 && a.json()["direction"] == "office", "reply: {} {}", a.status, a.text());

    let v = s.status(&receipt).await?.json();
    let bodies: Vec<&str> =
        v["messages"].as_array().context("messages")?.iter().filter_map(|m| m["body"].as_str()).collect();
    ensure!(bodies == [secret_text, reply_text], "reporter sees the thread: {bodies:?}");
    ensure!(!v.to_string().contains("kota-semarang"), "officers' names are not shown to the reporter");

    // Roles that must never read what reporters write, and an office out of scope.
    for (who, tok) in [("authority", &s.authority), ("ppk", &s.ppk)] {
        let a = s.get(&path, Some(tok)).await?;
        ensure!(matches!(a.status, 403 | 404), "{who} reads messages: {}", a.status);
        ensure!(!a.text().contains(secret_text));
        let a = s.post_json(&path, Some(tok), &json!({"body": "halo"})).await?;
        ensure!(matches!(a.status, 403 | 404), "{who} writes: {}", a.status);
    }
    let a = s.get(&path, Some(&s.other_officer)).await?;
    ensure!(a.status == 404, "out of scope: {}", a.status);
    let missing = s.get("/api/v1/cases/00000000-0000-0000-0000-000000000000/messages", Some(&s.other_officer)).await?;
    ensure!(a.bytes == missing.bytes, "foreign and missing cases answer alike");
    ensure!(s.get(&path, None).await?.status == 401);

    // Audit: both directions recorded, never the text.
    let events = netra_store::audit::for_entity(&s.netra.db, "case", &case_id).await?;
    for action in ["message.from_reporter", "message.to_reporter"] {
        let e = events.iter().find(|e| e.action == action).with_context(|| format!("no {action} event"))?;
        let p = e.payload.to_string();
        ensure!(!p.contains("Dirgantara") && !p.contains("foto undangan"), "{action} payload has the body: {p}");
    }
    ensure!(events.iter().any(|e| e.action == "message.from_reporter" && e.actor == "public"));

    // The case page: the thread and the reply form for Bawaslu, nothing for the custodian.
    let cookie = s.session("pengawas", Role::BawasluKabKota, region("33.74")).await?;
    let page = s.page(&format!("/kasus/{case_id}"), &cookie).await?;
    ensure!(page.status == 200, "case page: {}", page.status);
    let html = page.text();
    ensure!(html.contains("Pesan dengan pelapor") && html.contains("Pak Dirgantara"), "thread on the page");
    let csrf = csrf_of(&html)?;
    let post = |form: Vec<(&'static str, String)>| {
        s.http.post(format!("{}/kasus/{case_id}/pesan", s.base)).header("cookie", cookie.clone()).form(&form)
    };
    let a = s.send(post(vec![("_csrf", csrf.clone()), ("body", " ".into())])).await?;
    ensure!(a.status == 422 && a.text().contains("id=\"message-body-err\""), "empty reply re-displayed: {}", a.status);
    let a = s.send(post(vec![("body", "tanpa token".into())])).await?;
    ensure!(a.status == 403, "no CSRF token: {}", a.status);
    let a = s.send(post(vec![("_csrf", csrf), ("body", "Balasan dari halaman kasus".into())])).await?;
    ensure!(a.status == 303, "reply from the page: {}", a.status);
    let page = s.page(&format!("/kasus/{case_id}"), &cookie).await?.text();
    ensure!(page.contains("Balasan dari halaman kasus"));

    let custodian = s.session("kustodian", Role::IdentityCustodian, region("33.74")).await?;
    let page = s.page(&format!("/kasus/{case_id}"), &custodian).await?;
    ensure!(
        !page.text().contains("Pak Dirgantara") && !page.text().contains("id=\"pesan\""),
        "custodian sees no messages"
    );
    let a = s
        .send(
            s.http
                .post(format!("{}/kasus/{case_id}/pesan", s.base))
                .header("cookie", custodian)
                .form(&[("_csrf", "x"), ("body", "y")]),
        )
        .await?;
    ensure!(a.status == 403, "custodian cannot post: {}", a.status);
    Ok(())
}
netra_testkit::on_all_backends!(messages, messages_impl);

async fn idempotent_impl(db: &Db) -> anyhow::Result<()> {
    let s = Arc::new(site(db, RateLimits::off(), None).await?);
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let r = s
                .http
                .post(format!("{}/api/v1/reports", s.base))
                .header("Idempotency-Key", "sama-sekali-satu")
                .json(&report_body("Sekali"));
            s.send(r).await
        }));
    }
    let mut bodies = Vec::new();
    for t in tasks {
        let a = t.await??;
        ensure!(a.status == 201, "concurrent retry: {} {}", a.status, a.text());
        bodies.push(a.json());
    }
    let first = &bodies[0];
    ensure!(first["receipt_code"].as_str().is_some_and(|r| r.len() == 24), "{first}");
    ensure!(bodies.iter().all(|b| b == first), "10 identical answers: {bodies:?}");
    let cases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(&s.netra.db.pool).await?;
    ensure!(cases == 1, "exactly one case, found {cases}");
    ensure!(s.status(first["receipt_code"].as_str().unwrap()).await?.status == 200);
    Ok(())
}
netra_testkit::on_all_backends!(idempotent_submission, idempotent_impl);

fn scan(path: &Path, needles: &[String]) -> anyhow::Result<Vec<String>> {
    let Ok(bytes) = std::fs::read(path) else { return Ok(vec![]) };
    Ok(needles.iter().filter(|n| bytes.windows(n.len()).any(|w| w == n.as_bytes())).cloned().collect())
}

/// SQLite only: the database file and its write-ahead log are scanned byte by byte.
#[test]
fn receipts_are_never_stored() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let dir = TempDir::new("receipts").unwrap();
        let db = Db::open_sqlite_dir(&dir.0).await.unwrap();
        db.migrate().await.unwrap();
        receipts_not_stored(&db, &dir.0).await.unwrap();
    });
}

async fn receipts_not_stored(db: &Db, dir: &Path) -> anyhow::Result<()> {
    let s = Arc::new(site(db, RateLimits::off(), None).await?);
    let mut receipts = Vec::new();
    for batch in 0..25 {
        let mut tasks = Vec::new();
        for i in 0..8 {
            let s = s.clone();
            // Half with an idempotency key: the stored answer must not hold the code in clear either.
            let key = (i % 2 == 0).then(|| format!("kunci-{batch}-{i}"));
            tasks.push(tokio::spawn(async move { s.submit(&format!("Nomor{batch}x{i}"), key.as_deref()).await }));
        }
        for t in tasks {
            receipts.push(t.await??.1);
        }
    }
    ensure!(receipts.len() == 200);
    // The 16-digit secret part is what must never be kept (the 8-digit selector is stored by design).
    let secrets: Vec<String> = receipts.iter().map(|r| r[8..].to_owned()).collect();
    let mut files = vec![dir.join("netra.db"), dir.join("netra.db-wal")];
    files.retain(|f| f.exists());
    ensure!(files.len() == 2, "expected the database and its WAL in {}", dir.display());
    for f in &files {
        let found = scan(f, &secrets)?;
        ensure!(found.is_empty(), "{} holds {} receipt secrets", f.display(), found.len());
    }
    let payloads: Vec<String> = sqlx::query_scalar("SELECT payload FROM audit_events").fetch_all(&db.pool).await?;
    ensure!(payloads.len() >= 200, "audit events: {}", payloads.len());
    for p in &payloads {
        ensure!(!secrets.iter().any(|sec| p.contains(sec.as_str())), "an audit payload holds a receipt: {p}");
    }
    Ok(())
}

async fn evidence_impl(db: &Db) -> anyhow::Result<()> {
    let s = site(db, RateLimits::off(), Some(UploadPolicy::default().max_bytes)).await?;
    let (case_id, receipt) = s.submit("Wibisono", None).await?;
    let part = |bytes: &'static [u8], name: &str, mime: &str| {
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()).mime_str(mime).unwrap()
    };

    // An officer uploads a photo; the reporter adds one with their receipt.
    let path = format!("/api/v1/cases/{case_id}/evidence");
    let form = reqwest::multipart::Form::new().part("file", part(JPEG, "IMG_Siti_Rahmawati.jpg", "image/jpeg"));
    let a = s.post_form(&path, &s.officer, form).await?;
    ensure!(a.status == 201, "officer upload: {} {}", a.status, a.text());
    let up = a.json();
    ensure!(up["name"] == "IMG_Siti_Rahmawati.jpg" && up["cleaning"] == "cleaned", "{up}");
    let eid = up["id"].as_str().context("id")?.to_owned();
    let dsha = up["derivative_sha256"].as_str().context("derivative_sha256")?.to_owned();
    ensure!(up["sha256"] == sha256_hex(JPEG));

    let form = reqwest::multipart::Form::new()
        .text("receipt", receipt.clone())
        .part("file", part(PNG, "tangkapan.png", "image/png"));
    let a = s.send(s.http.post(format!("{}/api/v1/receipts/evidence", s.base)).multipart(form)).await?;
    ensure!(a.status == 201, "reporter upload: {} {}", a.status, a.text());
    ensure!(a.json()["added_by"] == "reporter" && a.json()["name"] != "tangkapan.png", "{}", a.text());
    let form = reqwest::multipart::Form::new()
        .text("receipt", wrong(&receipt))
        .part("file", part(PNG, "tangkapan.png", "image/png"));
    let a = s.send(s.http.post(format!("{}/api/v1/receipts/evidence", s.base)).multipart(form)).await?;
    ensure!(a.status == 404, "wrong receipt uploads nothing: {}", a.status);
    let v = s.status(&receipt).await?.json();
    ensure!(v["evidence"].as_array().map(Vec::len) == Some(2), "reporter sees both: {v}");

    // A refused file: the specific code, 422.
    let form = reqwest::multipart::Form::new().part("file", part(EXE, "foto.jpg", "image/jpeg"));
    let a = s.post_form(&path, &s.officer, form).await?;
    ensure!(a.status == 422 && a.json()["code"] == "evidence-type-not-allowed", "{} {}", a.status, a.text());
    let a = s
        .post_form(&path, &s.ppk, reqwest::multipart::Form::new().part("file", part(JPEG, "a.jpg", "image/jpeg")))
        .await?;
    ensure!(a.status == 403, "PPK uploads: {}", a.status);

    // The list, and the cleaned copy that hashes to what the list says.
    let a = s.get(&path, Some(&s.officer)).await?;
    ensure!(a.status == 200 && a.json().as_array().map(Vec::len) == Some(2), "{} {}", a.status, a.text());
    let a = s.get(&format!("/api/v1/evidence/{eid}"), Some(&s.officer)).await?;
    ensure!(a.status == 200, "cleaned copy: {} {}", a.status, a.text());
    ensure!(sha256_hex(&a.bytes) == dsha && a.header("x-netra-sha256") == Some(dsha.as_str()));
    ensure!(a.header("content-type") == Some("image/jpeg"), "{:?}", a.header("content-type"));
    ensure!(a.header("content-disposition").is_some_and(|v| v.starts_with("attachment;") && v.contains("IMG_Siti")));
    ensure!(a.header("x-content-type-options") == Some("nosniff"));
    ensure!(a.bytes != JPEG, "the cleaned copy is not the original");

    // The original: Bawaslu only.
    let a = s.get(&format!("/api/v1/evidence/{eid}/original"), Some(&s.officer)).await?;
    ensure!(a.status == 200 && a.bytes == JPEG, "original: {}", a.status);
    for (who, tok) in [("ppk", &s.ppk), ("authority", &s.authority)] {
        let a = s.get(&format!("/api/v1/evidence/{eid}/original"), Some(tok)).await?;
        ensure!(matches!(a.status, 403 | 404) && a.bytes != JPEG, "{who} opens the original: {}", a.status);
        let a = s.get(&format!("/api/v1/evidence/{eid}"), Some(tok)).await?;
        ensure!(matches!(a.status, 403 | 404), "{who} before forwarding: {}", a.status);
    }
    let a = s.get(&format!("/api/v1/evidence/{eid}"), Some(&s.other_officer)).await?;
    ensure!(a.status == 404, "out of scope: {}", a.status);

    // The case page lists the evidence and serves the copies under the case's path only.
    let cookie = s.session("pengawas", Role::BawasluKabKota, region("33.74")).await?;
    let page = s.page(&format!("/kasus/{case_id}"), &cookie).await?;
    let html = page.text();
    ensure!(html.contains("IMG_Siti_Rahmawati.jpg") && html.contains(&format!("/kasus/{case_id}/bukti/{eid}/asli")));
    ensure!(html.contains(&sha256_hex(JPEG)[..12]), "short hash of the upload shown");
    let a = s.page(&format!("/kasus/{case_id}/bukti/{eid}"), &cookie).await?;
    ensure!(a.status == 200 && sha256_hex(&a.bytes) == dsha, "page download: {}", a.status);
    let a = s.page(&format!("/kasus/{case_id}/bukti/{eid}/asli"), &cookie).await?;
    ensure!(a.status == 200 && a.bytes == JPEG, "page original: {}", a.status);
    let (other, _) = s.submit("Lain", None).await?;
    let a = s.page(&format!("/kasus/{other}/bukti/{eid}"), &cookie).await?;
    ensure!(a.status == 404, "evidence under another case's path: {}", a.status);

    // Page upload: the CSRF token is read from the multipart form.
    let csrf = csrf_of(&html)?;
    let upload = |token: Option<String>, bytes: &'static [u8]| {
        let mut form = reqwest::multipart::Form::new();
        if let Some(tok) = token {
            form = form.text("_csrf", tok);
        }
        let form = form.part("file", part(bytes, "rapat.png", "image/png"));
        s.http.post(format!("{}/kasus/{case_id}/bukti", s.base)).header("cookie", cookie.clone()).multipart(form)
    };
    let a = s.send(upload(None, PNG)).await?;
    ensure!(a.status == 403, "upload without CSRF: {}", a.status);
    let a = s.send(upload(Some("0".repeat(csrf.len())), PNG)).await?;
    ensure!(a.status == 403, "upload with a wrong CSRF token: {}", a.status);
    let a = s.send(upload(Some(csrf.clone()), EXE)).await?;
    ensure!(a.status == 422 && a.text().contains("id=\"bukti\""), "refused file re-displayed: {}", a.status);
    let a = s.send(upload(Some(csrf), PNG)).await?;
    ensure!(a.status == 303, "page upload: {} {}", a.status, a.text());
    ensure!(s.get(&path, Some(&s.officer)).await?.json().as_array().map(Vec::len) == Some(3));

    // Tampering with the stored cleaned copy: refused with the integrity code, never the bytes.
    let root = &s.vault.as_ref().context("vault")?.0;
    let dkey = netra_store::evidence::get(&s.netra.db.pool, &eid).await?.derivative_key.context("derivative key")?;
    let file = root.join("evidence").join(&dkey);
    let mut bytes = std::fs::read(&file).with_context(|| format!("{}", file.display()))?;
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&file, &bytes)?;
    let a = s.get(&format!("/api/v1/evidence/{eid}"), Some(&s.officer)).await?;
    ensure!(a.status == 500, "tampered: {} {}", a.status, a.text());
    ensure!(a.json()["code"] == "evidence-integrity-mismatch", "{}", a.text());
    ensure!(a.json()["title"].as_str().is_some_and(|t| t.contains("SHA-256")), "localised title: {}", a.text());
    ensure!(a.header("content-type") == Some("application/problem+json") && !a.bytes.starts_with(&[0xFF, 0xD8]));
    let a = s.page(&format!("/kasus/{case_id}/bukti/{eid}"), &cookie).await?;
    ensure!(
        a.status == 500 && a.header("content-type").is_some_and(|c| c.starts_with("text/html")),
        "page: {}",
        a.status
    );
    Ok(())
}
netra_testkit::on_all_backends!(evidence, evidence_impl);

async fn unconfigured_impl(db: &Db) -> anyhow::Result<()> {
    let s = site(db, RateLimits::off(), None).await?;
    let (case_id, receipt) = s.submit("Tanpa", None).await?;
    let file = || reqwest::multipart::Part::bytes(JPEG).file_name("a.jpg");
    let a = s
        .post_form(
            &format!("/api/v1/cases/{case_id}/evidence"),
            &s.officer,
            reqwest::multipart::Form::new().part("file", file()),
        )
        .await?;
    ensure!(a.status == 503 && a.json()["code"] == "evidence-unconfigured", "{} {}", a.status, a.text());
    let form = reqwest::multipart::Form::new().text("receipt", receipt).part("file", file());
    let a = s.send(s.http.post(format!("{}/api/v1/receipts/evidence", s.base)).multipart(form)).await?;
    ensure!(a.status == 503 && a.json()["code"] == "evidence-unconfigured", "{} {}", a.status, a.text());
    let cookie = s.session("pengawas", Role::BawasluKabKota, region("33.74")).await?;
    let page = s.page(&format!("/kasus/{case_id}"), &cookie).await?;
    ensure!(page.status == 200 && page.text().contains("Penyimpanan bukti belum dikonfigurasi"), "{}", page.status);
    Ok(())
}
netra_testkit::on_all_backends!(evidence_unconfigured, unconfigured_impl);

async fn too_large_impl(db: &Db) -> anyhow::Result<()> {
    let s = site(db, RateLimits::off(), Some(1000)).await?;
    let (case_id, receipt) = s.submit("Besar", None).await?;
    let file = || reqwest::multipart::Part::bytes(JPEG).file_name("besar.jpg");
    let path = format!("/api/v1/cases/{case_id}/evidence");
    let a = s.post_form(&path, &s.officer, reqwest::multipart::Form::new().part("file", file())).await?;
    ensure!(a.status == 413 && a.json()["code"] == "evidence-too-large", "{} {}", a.status, a.text());
    let form = reqwest::multipart::Form::new().text("receipt", receipt).part("file", file());
    let a = s.send(s.http.post(format!("{}/api/v1/receipts/evidence", s.base)).multipart(form)).await?;
    ensure!(a.status == 413 && a.json()["code"] == "evidence-too-large", "{} {}", a.status, a.text());
    // Nothing was kept.
    ensure!(s.get(&path, Some(&s.officer)).await?.json().as_array().is_some_and(Vec::is_empty));
    Ok(())
}
netra_testkit::on_all_backends!(evidence_too_large, too_large_impl);

/// The new paths are in the OpenAPI document with their request bodies.
#[test]
fn documented() {
    let doc = serde_json::to_value(netra_web::api::openapi()).unwrap();
    for p in [
        "/api/v1/receipts/status",
        "/api/v1/receipts/messages",
        "/api/v1/receipts/evidence",
        "/api/v1/cases/{id}/messages",
        "/api/v1/cases/{id}/evidence",
        "/api/v1/evidence/{id}",
        "/api/v1/evidence/{id}/original",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} undocumented");
    }
    assert!(
        doc["paths"]["/api/v1/receipts/evidence"]["post"]["requestBody"]["content"]["multipart/form-data"].is_object()
    );
}
