//! Canary leak test (security.md, promise 1). 200 laporan whose reporter identity fields hold
//! unique random canaries go through the workflow over the real API: registration, clarification,
//! study, plenary, forwarding, the authority's recommendation, delivery to the PPK and, for half of
//! them, the PPK's sanction. Then every log line written while serving, every audit payload, every
//! API response to every role, and the whole database (the SQLite file and its WAL byte for byte;
//! every row of every table on PostgreSQL) are searched for the canaries: zero hits.
//!
//! A positive control keeps the search honest: a non-identity canary placed in each report's
//! description must be found in the same places the identity canaries must not be.

use std::sync::{Arc, Mutex};

use anyhow::{Context, ensure};
use netra_domain::ids::RegionCode;
use netra_domain::policy::{Role, Scope};
use netra_store::{Db, Dialect};
use serde_json::{Value, json};

use crate::e2e::{App, spawn, t, token};

const REPORTS: usize = 200;

/// Log output of everything served, shared with the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Everything logged in this test process at DEBUG and above (sqlx statements included), from
/// every thread: a global subscriber, because SQLite statements run on sqlx's worker threads.
/// No other test installs one; under `cargo test` both engines' tests share it and each reads
/// only what was written after it started.
fn capture() -> &'static Captured {
    static CAPTURE: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    CAPTURE.get_or_init(|| {
        let c = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(c.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::DEBUG)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other test installs a global subscriber");
        c
    })
}

/// 12 random hex digits (the random tail of a UUIDv7) behind a recognisable prefix.
fn canary(prefix: &str) -> String {
    let id = netra_store::codec::new_id().replace('-', "");
    format!("{prefix}{}", id[id.len() - 12..].to_uppercase())
}

struct Report {
    identity: Vec<String>,
    marker: String,
}

fn report(i: usize) -> (Value, Report) {
    let name = canary("NAMA");
    let address = canary("ALAMAT");
    let phone = canary("TELP");
    let mailbox = canary("surel").to_lowercase();
    let email = format!("{mailbox}@contoh.id");
    // A valid NIK (Kota Semarang, born 15-08-1990) whose serial is the report's number.
    let nik = format!("337401150890{:04}", i + 1);
    let marker = canary("URAIAN");
    let body = json!({
        "kind": "laporan",
        "election": "pilkada-2024",
        "reporter": {"name": format!("Saksi {name}"), "address": format!("Jl. {address} No. 3, Semarang"),
                     "phone": phone, "email": email, "nik": nik},
        "known_at": "2024-10-14T02:00:00Z",
        "act": {
            "occurred_at": "2024-10-13T03:00:00Z", "region_code": "33.74.01",
            "description": format!("Camat mengunggah ajakan memilih paslon 2 ({marker})."),
            "violation_codes": ["D-2"], "medium": "social_media", "platform": "facebook"
        },
        "subjects": [{"name": format!("Terlapor {i}"), "agency": "pemkot-semarang", "position_title": "Camat"}]
    });
    (body, Report { identity: vec![name, address, phone, mailbox, nik], marker })
}

/// Every row of every table as text (PostgreSQL), or the database file and its WAL (SQLite).
async fn database_bytes(db: &Db) -> anyhow::Result<Vec<u8>> {
    match db.dialect {
        Dialect::Sqlite => {
            let file: String = sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                .fetch_one(&db.pool)
                .await?;
            let mut bytes = std::fs::read(&file).with_context(|| format!("reading {file}"))?;
            if let Ok(wal) = std::fs::read(format!("{file}-wal")) {
                bytes.extend_from_slice(&wal);
            }
            Ok(bytes)
        }
        Dialect::Postgres => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            )
            .fetch_all(&db.pool)
            .await?;
            ensure!(tables.len() > 10, "found only {tables:?}");
            let mut out = Vec::new();
            for table in tables {
                let sql = format!("SELECT CAST(t AS TEXT) FROM \"{table}\" t");
                let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_all(&db.pool).await?;
                for r in rows {
                    out.extend_from_slice(r.as_bytes());
                    out.push(b'\n');
                }
            }
            Ok(out)
        }
    }
}

/// Every canary prefix with the number of characters that follow it.
const PREFIXES: &[(&str, usize)] =
    &[("NAMA", 12), ("ALAMAT", 12), ("TELP", 12), ("surel", 12), ("337401150890", 4), ("URAIAN", 12)];

/// The canary-shaped tokens in `hay`: one pass per prefix, so thousands of canaries can be
/// looked up in tens of megabytes of logs and responses without a pass per canary.
fn tokens(hay: &[u8]) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for (prefix, tail) in PREFIXES {
        let p = prefix.as_bytes();
        let mut i = 0;
        while i + p.len() + tail <= hay.len() {
            if &hay[i..i + p.len()] == p {
                out.insert(String::from_utf8_lossy(&hay[i..i + p.len() + tail]).into_owned());
                i += p.len();
            } else {
                i += 1;
            }
        }
    }
    out
}

/// Registration up to the first clarification invitation.
async fn walk_to_clarification(app: &App, case_id: &str) -> anyhow::Result<()> {
    let officer = &app.officer;
    app.act(case_id, officer, json!({"action": "register"})).await?;
    app.act(case_id, officer, json!({"action": "start_clarification"})).await?;
    let (s, session) = app
        .req(
            "POST",
            &format!("/api/v1/cases/{case_id}/clarifications"),
            Some(officer),
            Some(json!({"invitee_name": "Terlapor", "invitee_role": "subject", "scheduled_at": "2024-10-17T02:00:00Z",
                        "delivered_at": "2024-10-15T02:00:00Z", "delivery_channel": "langsung", "mode": "in_person",
                        "place": "Kantor Bawaslu Kota Semarang"})),
            None,
        )
        .await?;
    ensure!(s == 201, "schedule: {s} {session}");
    Ok(())
}

async fn canaries_never_leak(db: &Db) -> anyhow::Result<()> {
    let logs = capture();
    let log_start = logs.0.lock().expect("log buffer").len();
    let app = spawn(db).await?;
    let region = |c: &str| Scope { region: Some(RegionCode::parse(c).expect("region")), agency_id: None };
    let smg = Scope { region: None, agency_id: Some("ag-smg".into()) };
    let mut roles = vec![
        ("officer", app.officer.clone()),
        ("other-office", app.other_officer.clone()),
        ("authority", app.authority.clone()),
        ("ppk", app.ppk.clone()),
    ];
    for (name, role, scope) in [
        ("jateng", Role::BawasluProvinsi, region("33")),
        ("ri", Role::BawasluRi, Scope::national()),
        ("analyst", Role::AuthorityAnalyst, Scope::national()),
        ("inspectorate", Role::Inspectorate, smg.clone()),
        ("custodian", Role::IdentityCustodian, region("33")),
        ("admin", Role::Administrator, Scope::national()),
        ("auditor", Role::Auditor, Scope::national()),
    ] {
        roles.push((name, token(db, &format!("canary-{name}"), role, scope).await?));
    }

    // Intake, then the workflow in phases (the clock moves for all cases together).
    let mut reports = Vec::new();
    let mut cases = Vec::new();
    for i in 0..REPORTS {
        let (body, r) = report(i);
        if i == 0 {
            // The search finds identity canaries wherever they are written.
            let sent = tokens(body.to_string().as_bytes());
            ensure!(r.identity.iter().all(|c| sent.contains(c)), "canary search misses {:?} in {body}", r.identity);
        }
        let (s, v) = app.req("POST", "/api/v1/reports", None, Some(body), None).await?;
        ensure!(s == 201, "report {i}: {s} {v}");
        cases.push(v["case_id"].as_str().context("case id")?.to_owned());
        reports.push(r);
    }
    let mut sessions = Vec::new();
    for id in &cases {
        walk_to_clarification(&app, id).await?;
        let c = app.case(id, &app.officer).await?;
        sessions.push(c["clarification_sessions"][0]["id"].as_str().context("session id")?.to_owned());
    }
    app.clock.set(t("2024-10-17T04:00:00Z"));
    for (id, sid) in cases.iter().zip(&sessions) {
        let (s, v) = app
            .req(
                "POST",
                &format!("/api/v1/cases/{id}/clarifications/{sid}/attendance"),
                Some(&app.officer),
                Some(json!({"attended": true, "minutes": "Terlapor hadir dan memberi keterangan."})),
                None,
            )
            .await?;
        ensure!(s == 200, "attendance: {s} {v}");
        app.act(id, &app.officer, json!({"action": "finish_clarification"})).await?;
        app.act(id, &app.officer, json!({"action": "submit_study", "summary": "Unsur terpenuhi."})).await?;
        let c = app.case(id, &app.officer).await?;
        let track = c["subjects"][0]["track"]["id"].as_str().context("track")?.to_owned();
        let v = app
            .act(id, &app.officer, json!({"action": "decide", "summary": "Diteruskan.", "subjects": [{"track_id": track, "outcome": "refer"}]}))
            .await?;
        ensure!(v["case"]["state"] == "referred", "{v}");
        app.track(id, &app.authority, json!({"action": "issue_recommendation", "category": "disiplin", "sanction_level": "sedang", "violation_codes": ["D-2"]})).await?;
        app.track(id, &app.authority, json!({"action": "deliver_to_ppk", "letter_number": "B-1/PW.01/10/2024"}))
            .await?;
    }
    app.clock.set(t("2024-10-21T03:00:00Z"));
    for id in cases.iter().step_by(2) {
        let v = app.track(id, &app.ppk, json!({"action": "record_sanction", "sanction_option": "pp42.moral.terbuka", "decree_number": "800/123/2024", "decree_date": "2024-10-20"})).await?;
        ensure!(v["subjects"][0]["track"]["status"]["state"] == "sanctioned", "{v}");
    }

    // Everything every role can read through the API.
    let mut responses = String::new();
    let listings = [
        "/api/v1/cases?limit=500",
        "/api/v1/desk?view=all",
        "/api/v1/desk",
        "/api/v1/stats/funnel?election=pilkada-2024",
        "/api/v1/stats/breakdown?election=pilkada-2024&by=region",
        "/api/v1/stats/ppk-compliance?election=pilkada-2024",
        "/api/v1/stats/regions?election=pilkada-2024",
        "/api/v1/public/stats/funnel?election=pilkada-2024",
    ];
    for (name, tok) in &roles {
        for path in listings {
            let (_, v) = app.req("GET", path, Some(tok), None, None).await?;
            responses.push_str(&v.to_string());
        }
        for id in &cases {
            let (s, v) = app.req("GET", &format!("/api/v1/cases/{id}"), Some(tok), None, None).await?;
            ensure!(s != 500, "{name}: {v}");
            responses.push_str(&v.to_string());
        }
    }
    let audit: Vec<String> = sqlx::query_scalar("SELECT payload FROM audit_events").fetch_all(&db.pool).await?;
    let audit = audit.join("\n");
    let log = String::from_utf8_lossy(&logs.0.lock().expect("log buffer")[log_start..]).into_owned();
    let stored = database_bytes(db).await?;

    let places = [
        ("log", tokens(log.as_bytes())),
        ("audit payload", tokens(audit.as_bytes())),
        ("API response", tokens(responses.as_bytes())),
        ("database outside sealed columns", tokens(&stored)),
    ];
    // Positive control: the description canaries are found where expected.
    for r in &reports {
        ensure!(places[2].1.contains(&r.marker), "control canary {} missing from API responses", r.marker);
        ensure!(places[3].1.contains(&r.marker), "control canary {} missing from the database scan", r.marker);
    }
    // The capture works: every statement is logged (its SQL, never its bound values).
    ensure!(log.lines().count() > REPORTS, "the log capture saw only {} lines", log.lines().count());
    ensure!(log.contains("INSERT INTO intakes"), "intake statements are in the captured log");

    let mut hits = Vec::new();
    for r in &reports {
        for c in &r.identity {
            for (place, found) in &places {
                if found.contains(c) {
                    hits.push(format!("{c} in {place}"));
                }
            }
        }
    }
    ensure!(hits.is_empty(), "{} canary hits, first: {:?}", hits.len(), &hits[..hits.len().min(5)]);
    Ok(())
}

netra_testkit::on_all_backends!(identity_canaries_never_leak, canaries_never_leak);
