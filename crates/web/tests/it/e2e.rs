//! Walks one laporan from intake to SANCTIONED and an informasi awal to STOPPED through the real API.

use std::sync::Arc;

use anyhow::{Context, ensure};
use chrono::{DateTime, Utc};
use netra_core::{ManualClock, Netra, Sealer};
use netra_domain::numbering::NumberTemplate;
use netra_domain::policy::{Role, Scope};
use netra_store::Db;
use netra_store::audit::Verification;
use netra_store::users;
use serde_json::{Value, json};

pub(crate) fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub(crate) struct App {
    pub(crate) base: String,
    http: reqwest::Client,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) officer: String,
    pub(crate) authority: String,
    pub(crate) ppk: String,
    pub(crate) other_officer: String,
}

pub(crate) async fn token(db: &Db, username: &str, role: Role, scope: Scope) -> anyhow::Result<String> {
    let u = users::create(db, username, username, role, &scope, Utc::now()).await?;
    let tok = format!("tok-{username}-{}", uuid_like());
    users::create_token(db, &u.id, &tok, "test", Utc::now()).await?;
    Ok(tok)
}

fn uuid_like() -> String {
    netra_store::codec::new_id()
}

/// The test site (public rate limits off: some tests file hundreds of reports from one address).
pub(crate) async fn spawn(db: &Db) -> anyhow::Result<App> {
    netra_testkit::seed_pilkada_2024(db).await?;
    let region = |c: &str| Scope { region: Some(netra_domain::ids::RegionCode::parse(c).unwrap()), agency_id: None };
    let officer = token(db, "kota-semarang", Role::BawasluKabKota, region("33.74")).await?;
    let other_officer = token(db, "kab-garut", Role::BawasluKabKota, region("32.05")).await?;
    let authority = token(db, "bkn-verifier", Role::AuthorityVerifier, Scope::national()).await?;
    let ppk = token(db, "ppk-semarang", Role::Ppk, Scope { region: None, agency_id: Some("ag-smg".into()) }).await?;
    let clock = Arc::new(ManualClock::new(t("2024-10-15T03:00:00Z")));
    let netra = Netra::new(db.clone(), Sealer::new([9; 32]), NumberTemplate::default_template(), clock.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = netra_web::router(netra.with_rate_limits(netra_core::portal::RateLimits::off()));
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(App { base, http: reqwest::Client::new(), clock, officer, authority, ppk, other_officer })
}

impl App {
    pub(crate) async fn req(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        idem: Option<&str>,
    ) -> anyhow::Result<(u16, Value)> {
        let url = format!("{}{path}", self.base);
        let mut r = match method {
            "GET" => self.http.get(url),
            _ => self.http.post(url),
        };
        if let Some(tok) = token {
            r = r.bearer_auth(tok);
        }
        if let Some(k) = idem {
            r = r.header("Idempotency-Key", k);
        }
        if let Some(b) = body {
            r = r.json(&b);
        }
        let resp = r.send().await?;
        let status = resp.status().as_u16();
        let text = resp.text().await?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::String(text))))
    }

    pub(crate) async fn case(&self, id: &str, tok: &str) -> anyhow::Result<Value> {
        let (s, v) = self.req("GET", &format!("/api/v1/cases/{id}"), Some(tok), None, None).await?;
        ensure!(s == 200, "GET case: {s} {v}");
        Ok(v)
    }

    pub(crate) async fn act(&self, id: &str, tok: &str, command: Value) -> anyhow::Result<Value> {
        let version = self.case(id, tok).await?["case"]["version"].as_i64().context("version")?;
        let (s, v) = self
            .req(
                "POST",
                &format!("/api/v1/cases/{id}/transitions"),
                Some(tok),
                Some(json!({"expected_version": version, "command": command})),
                None,
            )
            .await?;
        ensure!(s == 200, "transition {command}: {s} {v}");
        Ok(v)
    }

    pub(crate) async fn track(&self, case_id: &str, tok: &str, command: Value) -> anyhow::Result<Value> {
        let c = self.case(case_id, tok).await?;
        let tr = &c["subjects"][0]["track"];
        let (id, version) = (tr["id"].as_str().context("track id")?, tr["version"].as_i64().context("track version")?);
        let (s, v) = self
            .req(
                "POST",
                &format!("/api/v1/tracks/{id}/transitions"),
                Some(tok),
                Some(json!({"expected_version": version, "command": command})),
                None,
            )
            .await?;
        ensure!(s == 200, "track {command}: {s} {v}");
        Ok(v)
    }
}

fn laporan() -> Value {
    json!({
        "kind": "laporan",
        "election": "pilkada-2024",
        "reporter": {"name": "Siti Rahmawati", "address": "Jl. Pemuda No. 12, Semarang"},
        "known_at": "2024-10-14T02:00:00Z",
        "act": {
            "occurred_at": "2024-10-13T03:00:00Z", "region_code": "33.74.01",
            "description": "Camat mengunggah foto bersama paslon nomor urut 2 dengan ajakan memilih.",
            "violation_codes": ["D-2"], "medium": "social_media", "platform": "facebook"
        },
        "subjects": [{"name": "Budi Santoso", "nip": "197805122005011003", "agency": "pemkot-semarang", "position_class": "administrator", "territorial_head": true}]
    })
}

async fn walk_to_sanctioned_and_stopped(db: &Db) -> anyhow::Result<()> {
    let app = spawn(db).await?;
    let (s, h) = app.req("GET", "/healthz", None, None, None).await?;
    ensure!(s == 200 && h["status"] == "ok", "healthz {s} {h}");

    // Intake with an Idempotency-Key: a retry returns the very same receipt.
    let (s, first) = app.req("POST", "/api/v1/reports", None, Some(laporan()), Some("key-1")).await?;
    ensure!(s == 201, "submit: {s} {first}");
    let receipt = first["receipt_code"].as_str().context("receipt")?;
    ensure!(receipt.len() >= 16 && receipt.bytes().all(|b| b.is_ascii_digit()), "receipt {receipt}");
    ensure!(first["late"] == false && first["reporting_deadline"]["rule"] == "pilkada.report");
    let (s, again) = app.req("POST", "/api/v1/reports", None, Some(laporan()), Some("key-1")).await?;
    ensure!(s == 201 && again == first, "retry must return the same response: {again}");
    let mut other = laporan();
    other["act"]["description"] = json!("Isi yang berbeda dengan kunci yang sama, harus ditolak.");
    let (s, p) = app.req("POST", "/api/v1/reports", None, Some(other), Some("key-1")).await?;
    ensure!(s == 422 && p["code"] == "idempotency-mismatch", "{s} {p}");
    let case_id = first["case_id"].as_str().context("case id")?.to_owned();

    // Scope: another regency's officer and the PPK (not yet forwarded) get the same 404 as a missing case.
    let (s, _) = app.req("GET", &format!("/api/v1/cases/{case_id}"), Some(&app.other_officer), None, None).await?;
    ensure!(s == 404, "foreign office must get 404, got {s}");
    let (s, _) = app.req("GET", &format!("/api/v1/cases/{case_id}"), Some(&app.ppk), None, None).await?;
    ensure!(s == 404, "PPK before forwarding must get 404, got {s}");
    let (s, _) = app.req("GET", &format!("/api/v1/cases/{case_id}"), None, None, None).await?;
    ensure!(s == 401, "no token must get 401");

    // Wrong-state action: a typed 409 naming the allowed actions.
    let (s, p) = app
        .req(
            "POST",
            &format!("/api/v1/cases/{case_id}/transitions"),
            Some(&app.officer),
            Some(json!({"expected_version": 1, "command": {"action": "submit_study", "summary": "x"}})),
            None,
        )
        .await?;
    ensure!(s == 409 && p["code"] == "illegal-transition", "{s} {p}");
    ensure!(p["allowed_actions"].as_array().is_some_and(|a| a.iter().any(|x| x == "register")), "{p}");

    let v = app.act(&case_id, &app.officer, json!({"action": "register"})).await?;
    ensure!(v["case"]["state"] == "registered", "{v}");
    ensure!(v["case"]["number"] == "001/LP/PB/Kota/33.74/X/2024", "number {}", v["case"]["number"]);
    ensure!(v["deadline"]["rule"] == "pilkada.handling", "{}", v["deadline"]);
    // A stale version is refused and changes nothing.
    let (s, p) = app
        .req(
            "POST",
            &format!("/api/v1/cases/{case_id}/transitions"),
            Some(&app.officer),
            Some(json!({"expected_version": 1, "command": {"action": "start_clarification"}})),
            None,
        )
        .await?;
    ensure!(s == 409 && p["code"] == "conflict", "{s} {p}");

    app.act(&case_id, &app.officer, json!({"action": "start_clarification"})).await?;
    let invite = |scheduled: &str, delivered: &str| json!({"invitee_name": "Budi Santoso", "invitee_role": "subject", "scheduled_at": scheduled, "delivered_at": delivered, "delivery_channel": "langsung", "mode": "in_person", "place": "Kantor Bawaslu Kota Semarang"});
    let (s, p) = app
        .req(
            "POST",
            &format!("/api/v1/cases/{case_id}/clarifications"),
            Some(&app.officer),
            Some(invite("2024-10-15T06:00:00Z", "2024-10-15T02:00:00Z")),
            None,
        )
        .await?;
    ensure!(s == 422 && p["code"] == "clarification-rule", "same-day invitation must be refused: {s} {p}");
    let (s, session) = app
        .req(
            "POST",
            &format!("/api/v1/cases/{case_id}/clarifications"),
            Some(&app.officer),
            Some(invite("2024-10-17T02:00:00Z", "2024-10-15T02:00:00Z")),
            None,
        )
        .await?;
    ensure!(s == 201 && session["invitation_no"] == 1, "{s} {session}");
    app.clock.set(t("2024-10-17T04:00:00Z"));
    let sid = session["id"].as_str().context("session id")?;
    let (s, p) = app
        .req(
            "POST",
            &format!("/api/v1/cases/{case_id}/clarifications/{sid}/attendance"),
            Some(&app.officer),
            Some(json!({"attended": true, "minutes": "Terlapor hadir dan memberi keterangan."})),
            None,
        )
        .await?;
    ensure!(s == 200 && p["attendance"] == "attended", "{s} {p}");
    app.act(&case_id, &app.officer, json!({"action": "finish_clarification"})).await?;
    app.act(
        &case_id,
        &app.officer,
        json!({"action": "submit_study", "summary": "Unsur pelanggaran netralitas terpenuhi."}),
    )
    .await?;
    let c = app.case(&case_id, &app.officer).await?;
    let track_id = c["subjects"][0]["track"]["id"].as_str().context("track")?.to_owned();
    let v = app.act(&case_id, &app.officer, json!({"action": "decide", "summary": "Diteruskan ke BKN.", "subjects": [{"track_id": track_id, "outcome": "refer"}]})).await?;
    ensure!(v["case"]["state"] == "referred", "{v}");
    ensure!(v["subjects"][0]["track"]["status"]["state"] == "awaiting_verification", "{v}");
    ensure!(
        v["subjects"][0]["track"]["authority_id"] == "bkn",
        "authority after 2024-08-24 is BKN: {}",
        v["subjects"][0]["track"]["authority_id"]
    );

    let v = app.track(&case_id, &app.authority, json!({"action": "issue_recommendation", "category": "disiplin", "sanction_level": "sedang", "violation_codes": ["D-2"]})).await?;
    ensure!(v["subjects"][0]["track"]["status"]["state"] == "recommendation_issued", "{v}");
    app.track(&case_id, &app.authority, json!({"action": "deliver_to_ppk", "letter_number": "B-1/PW.01/10/2024"}))
        .await?;
    // The PPK now sees the case (forwarded, own agency) — but never the reporter.
    let c = app.case(&case_id, &app.ppk).await?;
    ensure!(
        !c.to_string().contains("Siti Rahmawati") && !c.to_string().contains("Jl. Pemuda"),
        "reporter identity leaked to PPK"
    );
    let (s, p) = app.req("POST", &format!("/api/v1/tracks/{track_id}/transitions"), Some(&app.authority), Some(json!({"expected_version": c["subjects"][0]["track"]["version"], "command": {"action": "mark_overdue"}})), None).await?;
    ensure!(s == 409 && p["code"] == "deadline-not-passed", "{s} {p}");
    let v = app.track(&case_id, &app.ppk, json!({"action": "record_sanction", "sanction_option": "pp42.moral.terbuka", "decree_number": "800/123/2024", "decree_date": "2024-10-20"})).await;
    // Decree date after "today" (2024-10-17 local) must be refused; move the clock and retry.
    ensure!(v.is_err(), "future decree date accepted");
    app.clock.set(t("2024-10-21T03:00:00Z"));
    let v = app.track(&case_id, &app.ppk, json!({"action": "record_sanction", "sanction_option": "pp42.moral.terbuka", "decree_number": "800/123/2024", "decree_date": "2024-10-20"})).await?;
    ensure!(v["subjects"][0]["track"]["status"]["state"] == "sanctioned", "{v}");
    ensure!(v["subjects"][0]["allowed_actions"].as_array().is_some_and(Vec::is_empty), "sanctioned is terminal");
    let events: Vec<&str> =
        v["subjects"][0]["events"].as_array().context("events")?.iter().filter_map(|e| e["action"].as_str()).collect();
    ensure!(events == ["issue_recommendation", "deliver_to_ppk", "record_sanction"], "{events:?}");
    ensure!(v["subjects"][0]["events"][2]["details"]["decree_number"] == "800/123/2024");
    ensure!(
        v["subjects"][0]["events"][2]["details"]["legal_basis"].as_str().is_some_and(|b| b.contains("42/2004")),
        "{}",
        v["subjects"][0]["events"][2]["details"]
    );
    let timeline = v["timeline"].as_array().context("timeline")?;
    ensure!(timeline.len() == 11, "timeline has {} events", timeline.len());
    ensure!(!v.to_string().contains("Siti"), "identity leaked in case view");

    // Second report: anonymous informasi awal, two no-shows, then stopped.
    let mut tip = laporan();
    tip["kind"] = json!("informasi_awal");
    tip.as_object_mut().unwrap().remove("reporter");
    tip["known_at"] = json!("2024-10-20T02:00:00Z");
    tip["act"]["occurred_at"] = json!("2024-10-19T02:00:00Z");
    tip["subjects"] = json!([{"name": "Rina Kartika", "position_title": "Lurah"}]);
    let (s, r) = app.req("POST", "/api/v1/reports", None, Some(tip), None).await?;
    ensure!(s == 201, "{s} {r}");
    let case_b = r["case_id"].as_str().context("case b")?.to_owned();
    app.act(&case_b, &app.officer, json!({"action": "register"})).await?;
    app.act(&case_b, &app.officer, json!({"action": "start_clarification"})).await?;
    let inv = |sched: &str, deliv: &str| json!({"invitee_name": "Rina Kartika", "invitee_role": "subject", "scheduled_at": sched, "delivered_at": deliv, "delivery_channel": "sigaplapor", "mode": "in_person", "place": "Kantor Bawaslu Kota Semarang"});
    let (_, s1) = app
        .req(
            "POST",
            &format!("/api/v1/cases/{case_b}/clarifications"),
            Some(&app.officer),
            Some(inv("2024-10-23T02:00:00Z", "2024-10-21T02:00:00Z")),
            None,
        )
        .await?;
    app.clock.set(t("2024-10-23T05:00:00Z"));
    let (s, _) = app
        .req(
            "POST",
            &format!("/api/v1/cases/{case_b}/clarifications/{}/attendance", s1["id"].as_str().unwrap()),
            Some(&app.officer),
            Some(json!({"attended": false})),
            None,
        )
        .await?;
    ensure!(s == 200);
    let (s, s2) = app
        .req(
            "POST",
            &format!("/api/v1/cases/{case_b}/clarifications"),
            Some(&app.officer),
            Some(inv("2024-10-25T02:00:00Z", "2024-10-23T05:00:00Z")),
            None,
        )
        .await?;
    ensure!(s == 201 && s2["invitation_no"] == 2, "second invitation: {s} {s2}");
    app.clock.set(t("2024-10-25T05:00:00Z"));
    app.req(
        "POST",
        &format!("/api/v1/cases/{case_b}/clarifications/{}/attendance", s2["id"].as_str().unwrap()),
        Some(&app.officer),
        Some(json!({"attended": false})),
        None,
    )
    .await?;
    let (s, p) = app
        .req(
            "POST",
            &format!("/api/v1/cases/{case_b}/clarifications"),
            Some(&app.officer),
            Some(inv("2024-10-28T02:00:00Z", "2024-10-25T05:00:00Z")),
            None,
        )
        .await?;
    ensure!(s == 422 && p["code"] == "clarification-rule", "third invitation must be refused: {s} {p}");
    app.act(
        &case_b,
        &app.officer,
        json!({"action": "finish_clarification", "note": "Terlapor dua kali tidak hadir; kajian atas bukti yang ada."}),
    )
    .await?;
    app.act(&case_b, &app.officer, json!({"action": "submit_study", "summary": "Bukti tidak cukup."})).await?;
    let c = app.case(&case_b, &app.officer).await?;
    let tb = c["subjects"][0]["track"]["id"].as_str().unwrap().to_owned();
    let v = app.act(&case_b, &app.officer, json!({"action": "decide", "summary": "Dihentikan: tidak terbukti.", "subjects": [{"track_id": tb, "outcome": "stop"}]})).await?;
    ensure!(v["case"]["state"] == "stopped" && v["subjects"][0]["track"]["status"]["state"] == "not_forwarded", "{v}");
    ensure!(v["allowed_actions"].as_array().is_some_and(Vec::is_empty), "stopped is terminal");

    // Listing respects scope; the PPK sees only the forwarded case of its agency.
    let (_, page) = app.req("GET", "/api/v1/cases?limit=10", Some(&app.ppk), None, None).await?;
    let ids: Vec<&str> = page["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    ensure!(ids == vec![case_id.as_str()], "PPK list: {ids:?}");
    let (_, page) = app.req("GET", "/api/v1/cases?state=stopped", Some(&app.officer), None, None).await?;
    ensure!(page["items"].as_array().unwrap().len() == 1);
    let (_, page) = app.req("GET", "/api/v1/cases", Some(&app.other_officer), None, None).await?;
    ensure!(page["items"].as_array().unwrap().is_empty(), "foreign office sees nothing");

    // The funnel in both units, within scope; the public one withholds counts below 5.
    let (s, f) = app.req("GET", "/api/v1/stats/funnel?election=pilkada-2024", Some(&app.officer), None, None).await?;
    ensure!(s == 200, "{s} {f}");
    for unit in ["cases", "asn"] {
        let u = &f[unit];
        ensure!(u["reported"] == 2 && u["registered"] == 2 && u["referred"] == 1, "{unit}: {u}");
        ensure!(
            u["recommended"] == 1 && u["sanctioned"] == 1 && u["stopped"] == 1 && u["in_progress"] == 0,
            "{unit}: {u}"
        );
    }
    let (_, f) =
        app.req("GET", "/api/v1/stats/funnel?election=pilkada-2024", Some(&app.other_officer), None, None).await?;
    ensure!(f["cases"]["reported"] == 0, "foreign office counts nothing: {f}");
    let (s, p) = app.req("GET", "/api/v1/public/stats/funnel?election=pilkada-2024", None, None, None).await?;
    ensure!(
        s == 200 && p["cases"]["reported"]["suppressed"] == true && p["cases"]["reported"]["value"].is_null(),
        "{p}"
    );
    ensure!(p["asn"]["in_progress"]["value"] == 0, "{p}");
    let (s, _) = app.req("GET", "/api/v1/public/stats/funnel?election=nope", None, None, None).await?;
    ensure!(s == 404);

    // Reporter identity is stored only sealed.
    let rows: Vec<(Vec<u8>,)> = sqlx::query_as("SELECT ciphertext FROM sealed_identities").fetch_all(&db.pool).await?;
    ensure!(rows.len() == 1 && !rows[0].0.windows(4).any(|w| w == b"Siti"));
    match netra_store::audit::verify(db).await? {
        Verification::Intact { events, .. } => ensure!(events >= 20, "{events} events"),
        b => anyhow::bail!("audit chain broken: {b:?}"),
    }
    Ok(())
}

netra_testkit::on_all_backends!(laporan_to_sanctioned_and_tip_to_stopped, walk_to_sanctioned_and_stopped);

async fn bad_input_gets_specific_errors(db: &Db) -> anyhow::Result<()> {
    let app = spawn(db).await?;
    let post = |body: Value, lang: &'static str| {
        let http = app.http.clone();
        let url = format!("{}/api/v1/reports", app.base);
        async move {
            let r = http
                .post(url)
                .header("Accept-Language", lang)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await?;
            let status = r.status().as_u16();
            let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap_or("").to_owned()).unwrap_or_default();
            let v: Value = r.json().await?;
            anyhow::Ok((status, ct, v))
        }
    };
    let r = app
        .http
        .post(format!("{}/api/v1/reports", app.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await?;
    ensure!(r.status() == 400);
    ensure!(r.headers()["content-type"] == "application/problem+json");
    let p: Value = r.json().await?;
    ensure!(p["code"] == "malformed-json" && p["title"].as_str().unwrap().contains("JSON"), "{p}");

    let mut bad = laporan();
    bad["act"]["region_code"] = json!("33.99.01");
    bad["subjects"][0]["nip"] = json!("197813122005011003");
    bad["act"]["occurred_at"] = json!("2030-01-01T00:00:00Z");
    let (s, ct, p) = post(bad, "en").await?;
    ensure!(s == 422 && ct == "application/problem+json", "{s} {ct}");
    let fields: Vec<&str> = p["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for f in ["act.region_code", "subjects[0].nip", "act.occurred_at"] {
        ensure!(fields.contains(&f), "missing error for {f}: {fields:?}");
    }
    ensure!(p["title"] == "The submitted data is invalid. Check the fields listed.", "{p}");
    // The same errors for an Indonesian client: the catalogue's sentence per error code.
    let mut bad_id = laporan();
    bad_id["subjects"][0]["nip"] = json!("197813122005011003");
    let (s, _, p) = post(bad_id, "id-ID").await?;
    ensure!(s == 422 && p["title"] == "Data yang dikirim tidak valid. Periksa kolom yang disebutkan.", "{p}");
    ensure!(p["errors"][0]["message"].as_str().is_some_and(|m| m.starts_with("NIP tidak valid.")), "{p}");
    let (_, _, p) = post(json!({"kind": "laporan"}), "id").await?;
    ensure!(p["code"] == "malformed-json" && p["title"].as_str().unwrap().starts_with("Isi permintaan"), "{p}");

    // Reported long after the 7-day window: stored, flagged late, citing the rule.
    let mut late = laporan();
    late["known_at"] = json!("2024-10-01T02:00:00Z");
    late["act"]["occurred_at"] = json!("2024-09-30T02:00:00Z");
    let (s, _, r) = post(late, "id").await?;
    ensure!(s == 201 && r["late"] == true && r["reporting_deadline"]["rule"] == "pilkada.report", "{s} {r}");
    ensure!(r["reporting_deadline"]["due"] == "2024-10-08T16:59:59Z", "{}", r["reporting_deadline"]["due"]);

    let (s, v) = app
        .req("GET", "/api/v1/deadlines?rule=pemilu.nope&from=2024-01-01T00:00:00Z&region=33.74", None, None, None)
        .await?;
    ensure!(s == 400 && v["code"] == "unknown-rule", "{s} {v}");
    let (s, v) = app
        .req("GET", "/api/v1/deadlines?rule=pemilu.report&from=2024-04-05T03:00:00Z&region=33.74", None, None, None)
        .await?;
    ensure!(s == 200 && v["due"] == "2024-04-24T23:59:59+07:00", "{s} {v}");
    Ok(())
}

netra_testkit::on_all_backends!(bad_input_gets_specific_errors, bad_input_gets_specific_errors_impl);

async fn bad_input_gets_specific_errors_impl(db: &Db) -> anyhow::Result<()> {
    bad_input_gets_specific_errors(db).await
}

async fn openapi_documents_every_route_with_examples(db: &Db) -> anyhow::Result<()> {
    let app = spawn(db).await?;
    let (s, doc) = app.req("GET", "/api/v1/openapi.json", None, None, None).await?;
    ensure!(s == 200, "{s}");
    let paths = doc["paths"].as_object().context("paths")?;
    for p in [
        "/api/v1/reports",
        "/api/v1/temuan",
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/transitions",
        "/api/v1/cases/{id}/clarifications",
        "/api/v1/cases/{id}/clarifications/{session_id}/attendance",
        "/api/v1/tracks/{id}/transitions",
        "/api/v1/deadlines",
        "/healthz",
    ] {
        ensure!(paths.contains_key(p), "OpenAPI lacks {p}");
    }
    // Every request body has an example; the report example is accepted as-is by the API.
    for (path, item) in paths {
        for (_, op) in item.as_object().unwrap() {
            if let Some(rb) = op.get("requestBody") {
                // Evidence uploads are multipart forms: their fields are documented, not an example.
                let Some(json_body) = rb["content"].get("application/json") else { continue };
                let schema = &json_body["schema"];
                let name = schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()).context("ref")?;
                let ex = &doc["components"]["schemas"][name]["example"];
                ensure!(!ex.is_null(), "request body of {path} ({name}) has no example");
                ensure!(rb["content"]["application/json"]["example"] == *ex, "media example of {path} missing");
            }
        }
    }
    let ex = doc["components"]["schemas"]["ReportInput"]["example"].clone();
    app.clock.set(t("2024-10-15T03:00:00Z"));
    let (s, r) = app.req("POST", "/api/v1/reports", None, Some(ex), None).await?;
    ensure!(s == 201, "the documented example must be accepted: {s} {r}");
    Ok(())
}

netra_testkit::on_all_backends!(openapi_covers_routes, openapi_documents_every_route_with_examples);

/// A database locked by another writer gives a specific, retryable error and writes nothing; the
/// retry with the same Idempotency-Key then succeeds once the lock is gone.
#[test]
fn locked_sqlite_database_is_reported_and_loses_nothing() {
    netra_testkit::__run(async {
        let t = netra_testkit::TestDb::sqlite().await;
        let app = spawn(&t.db).await.unwrap();
        let count = |db: Db| async move {
            let (n,): (i64,) =
                sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM cases").fetch_one(&db.pool).await.unwrap();
            n
        };
        let before = count(t.db.clone()).await;
        let mut locker = <sqlx::AnyConnection as sqlx::Connection>::connect(&t.url).await.unwrap();
        sqlx::Executor::execute(&mut locker, "BEGIN EXCLUSIVE").await.unwrap();
        let (s, p) = app.req("POST", "/api/v1/reports", None, Some(laporan()), Some("locked-1")).await.unwrap();
        assert_eq!(s, 503, "{p}");
        assert_eq!(p["code"], "database-locked");
        sqlx::Executor::execute(&mut locker, "ROLLBACK").await.unwrap();
        assert_eq!(count(t.db.clone()).await, before, "nothing half-written");
        let (s, r) = app.req("POST", "/api/v1/reports", None, Some(laporan()), Some("locked-1")).await.unwrap();
        assert_eq!(s, 201, "{r}");
        assert_eq!(count(t.db.clone()).await, before + 1);
        t.close().await;
    });
}

/// Two officers act on the same case version at the same moment: exactly one transition is applied,
/// the other gets 409 conflict, and the audit log holds exactly one event for it.
async fn concurrent_transitions_apply_once(db: &Db) -> anyhow::Result<()> {
    let app = spawn(db).await?;
    for round in 0..5 {
        let (s, r) = app.req("POST", "/api/v1/reports", None, Some(laporan()), Some(&format!("race-{round}"))).await?;
        ensure!(s == 201, "{s} {r}");
        let id = r["case_id"].as_str().context("id")?.to_owned();
        let path = format!("/api/v1/cases/{id}/transitions");
        let register = json!({"expected_version": 1, "command": {"action": "register"}});
        let refuse =
            json!({"expected_version": 1, "command": {"action": "refuse_registration", "reason": "Terlambat."}});
        let (a, b) = tokio::join!(
            app.req("POST", &path, Some(&app.officer), Some(register), None),
            app.req("POST", &path, Some(&app.officer), Some(refuse), None)
        );
        let (a, b) = (a?, b?);
        let mut codes = [a.0, b.0];
        codes.sort_unstable();
        ensure!(codes == [200, 409], "round {round}: {a:?} / {b:?}");
        let loser = if a.0 == 409 { &a.1 } else { &b.1 };
        ensure!(loser["code"] == "conflict" || loser["code"] == "illegal-transition", "{loser}");
        let case = app.case(&id, &app.officer).await?;
        ensure!(case["case"]["version"] == 2, "{}", case["case"]["version"]);
        let transitions = case["timeline"]
            .as_array()
            .context("timeline")?
            .iter()
            .filter(|e| e["action"] != "intake.received")
            .count();
        ensure!(transitions == 1, "round {round}: {transitions} transition events");
    }
    Ok(())
}

netra_testkit::on_all_backends!(concurrent_api_transitions, concurrent_transitions_apply_once);
