//! The officials' pages over real HTTP: sign-in answers that do not reveal whether a user exists,
//! CSRF and cross-site form refusal, security headers, the stale-form explanation, and search.

use std::sync::Arc;

use anyhow::{Context, ensure};
use chrono::{DateTime, NaiveDate, Utc};
use netra_core::intake::ReportInput;
use netra_core::{ManualClock, Netra, Sealer};
use netra_domain::model::{Election, ElectionKind, Stage, StageKind};
use netra_domain::numbering::NumberTemplate;
use netra_domain::policy::{Actor, Role, Scope};
use netra_store::Db;
use netra_store::people;
use serde_json::json;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

struct Site {
    base: String,
    http: reqwest::Client,
    netra: Netra,
}

const PASSWORD: &str = "kata-sandi-panjang-sekali";

async fn site(db: &Db) -> anyhow::Result<Site> {
    netra_store::reference::ensure_loaded(db, Utc::now()).await?;
    let mut tx = db.begin_write().await?;
    let election = Election {
        id: "el-pilkada".into(),
        code: "pilkada-2024".into(),
        name: "Pemilihan Serentak 2024".into(),
        kind: ElectionKind::RegionalSimultaneous,
        year: 2024,
        voting_day: d("2024-11-27"),
        stages: vec![
            Stage { kind: StageKind::Campaign, starts_on: d("2024-09-25"), ends_on: d("2024-11-23") },
            Stage { kind: StageKind::Voting, starts_on: d("2024-11-27"), ends_on: d("2024-11-27") },
        ],
        regions: vec![],
    };
    people::insert_election(&mut tx, &election, 1, 0).await?;
    tx.commit().await?;
    let clock = Arc::new(ManualClock::new(t("2024-10-15T03:00:00Z")));
    let netra = Netra::new(db.clone(), Sealer::new([5; 32]), NumberTemplate::default_template(), clock);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = netra_web::router(netra.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    Ok(Site { base, http, netra })
}

impl Site {
    /// An official with a password and an enrolled authenticator; returns the session cookie.
    async fn official(&self, username: &str, role: Role, region: &str) -> anyhow::Result<String> {
        let now = self.clock_now();
        let scope = Scope { region: Some(netra_domain::ids::RegionCode::parse(region)?), agency_id: None };
        netra_store::users::create(&self.netra.db, username, username, role, &scope, now).await?;
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

    fn clock_now(&self) -> DateTime<Utc> {
        self.netra.now()
    }

    async fn get(&self, path: &str, cookie: &str) -> anyhow::Result<(u16, reqwest::header::HeaderMap, String)> {
        let r = self.http.get(format!("{}{path}", self.base)).header("cookie", cookie).send().await?;
        let (s, h) = (r.status().as_u16(), r.headers().clone());
        Ok((s, h, r.text().await?))
    }

    async fn post(&self, path: &str, cookie: &str, form: &[(&str, &str)]) -> anyhow::Result<(u16, String)> {
        let r = self.http.post(format!("{}{path}", self.base)).header("cookie", cookie).form(form).send().await?;
        Ok((r.status().as_u16(), r.text().await?))
    }
}

/// The CSRF token embedded in a signed-in page.
fn csrf_of(html: &str) -> anyhow::Result<String> {
    let i = html.find("name=\"_csrf\" value=\"").context("no CSRF field on the page")? + 20;
    Ok(html[i..].split('"').next().unwrap_or_default().to_owned())
}

async fn report(n: &Netra, word: &str) -> anyhow::Result<String> {
    let input: ReportInput = serde_json::from_value(json!({
        "kind": "laporan", "election": "pilkada-2024",
        "reporter": {"name": "Rahasia Pelapor", "address": "Jl. Pemuda 1"},
        "known_at": "2024-10-14T02:00:00Z",
        "act": {"occurred_at": "2024-10-13T03:00:00Z", "region_code": "33.74.05",
                "description": format!("Camat {word} mengunggah ajakan memilih paslon 2."),
                "violation_codes": ["D-2"], "medium": "social_media", "platform": "facebook"},
        "subjects": [{"name": format!("Camat {word}"), "position_title": "Camat", "territorial_head": true}]
    }))?;
    Ok(n.submit_report(&input, None).await?.case_id)
}

async fn pages_protect_and_explain(db: &Db) -> anyhow::Result<()> {
    let s = site(db).await?;
    let cookie = s.official("kota", Role::BawasluKabKota, "33.74").await?;
    let id = report(&s.netra, "Kuswandaru").await?;
    report(&s.netra, "Prasetyo").await?;

    // Security headers on a case page.
    let (status, h, html) = s.get(&format!("/kasus/{id}"), &cookie).await?;
    ensure!(status == 200, "case page: {status}");
    let csp = h.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("");
    ensure!(
        csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'") && !csp.contains("http"),
        "{csp}"
    );
    ensure!(h.get("cache-control").and_then(|v| v.to_str().ok()) == Some("no-store"));
    ensure!(h.get("x-content-type-options").is_some() && h.get("referrer-policy").is_some());
    ensure!(!html.contains("Rahasia Pelapor"), "the reporter identity never reaches a case page");
    ensure!(!html.contains("https://") || !html.contains("<script src=\"http"), "no third-party script");
    let csrf = csrf_of(&html)?;

    // Full-text search narrows the desk to the matching case.
    let (_, _, desk) = s.get("/kasus?view=semua&q=Kuswandaru", &cookie).await?;
    ensure!(desk.contains(&format!("/kasus/{id}")) && !desk.contains("Prasetyo"), "search result");

    // A form without the session's CSRF token changes nothing.
    let (status, _) =
        s.post(&format!("/kasus/{id}/aksi"), &cookie, &[("action", "register"), ("expected_version", "1")]).await?;
    ensure!(status == 403, "missing CSRF: {status}");
    let (status, _) = s
        .post(
            &format!("/kasus/{id}/aksi"),
            &cookie,
            &[("action", "register"), ("expected_version", "1"), ("_csrf", "x")],
        )
        .await?;
    ensure!(status == 403, "wrong CSRF: {status}");
    let v = s.netra.case_view(&Actor::system("test"), &id).await?;
    ensure!(v.case.state.as_str() == "received", "nothing changed");

    // Register through the page, then submit the same (now stale) form again.
    let version = v.case.version.to_string();
    let form = [("action", "register"), ("expected_version", version.as_str()), ("_csrf", csrf.as_str())];
    let (status, _) = s.post(&format!("/kasus/{id}/aksi"), &cookie, &form).await?;
    ensure!(status == 303, "register: {status}");
    // Browsers send `Origin: null` for same-origin forms under `Referrer-Policy: no-referrer`.
    let r = s
        .http
        .post(format!("{}/kasus/{id}/aksi", s.base))
        .header("cookie", &cookie)
        .header("origin", "null")
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await?;
    let (status, html) = (r.status().as_u16(), r.text().await?);
    ensure!(status == 409, "stale form: {status}");
    ensure!(html.contains("telah diubah") && html.contains("Diregistrasi"), "the stale form explains what changed");

    // Bad input keeps what was typed and names the field.
    let v = s.netra.case_view(&Actor::system("test"), &id).await?;
    let version = v.case.version.to_string();
    let (status, _) = s
        .post(
            &format!("/kasus/{id}/aksi"),
            &cookie,
            &[("action", "start_clarification"), ("expected_version", &version), ("_csrf", &csrf)],
        )
        .await?;
    ensure!(status == 303, "start clarification: {status}");
    let (status, html) = s
        .post(
            &format!("/kasus/{id}/klarifikasi"),
            &cookie,
            &[("_csrf", &csrf), ("invitee_name", "Saksi Satu Dua"), ("invitee_role", "witness"), ("mode", "in_person")],
        )
        .await?;
    ensure!(status == 422, "incomplete invitation: {status}");
    ensure!(
        html.contains("Saksi Satu Dua") && html.contains("aria-invalid=\"true\""),
        "typed values kept, fields marked"
    );

    // A cross-site form post is refused before anything runs.
    let r = s
        .http
        .post(format!("{}/kasus/{id}/aksi", s.base))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "cross-site")
        .form(&[("action", "register"), ("_csrf", csrf.as_str())])
        .send()
        .await?;
    ensure!(r.status() == 403, "cross-site post: {}", r.status());

    // Sign-in: unknown user and wrong password give the same page (apart from the form token).
    let strip = |html: String| {
        html.split("name=\"_csrf\"").map(|p| p.split_once('>').map_or("", |x| x.1).to_owned()).collect::<String>()
    };
    let s = &s;
    let attempt = |user: &'static str| async move {
        let r = s.http.get(format!("{}/masuk", s.base)).send().await?;
        let set = r.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let token = set.split(';').next().unwrap_or("").trim_start_matches("netra_csrf=").to_owned();
        let r = s
            .http
            .post(format!("{}/masuk", s.base))
            .header("cookie", format!("netra_csrf={token}"))
            .form(&[
                ("username", user),
                ("password", "bukan-sandinya-sama-sekali"),
                ("_csrf", token.as_str()),
                ("next", "/kasus"),
            ])
            .send()
            .await?;
        anyhow::Ok((r.status().as_u16(), r.text().await?))
    };
    let (s1, b1) = attempt("kota").await?;
    let (s2, b2) = attempt("tidak-ada").await?;
    ensure!(s1 == 401 && s2 == 401, "{s1} {s2}");
    let (b1, b2) = (strip(b1).replace("kota", "USER"), strip(b2).replace("tidak-ada", "USER"));
    ensure!(b1 == b2, "unknown user and wrong password must look the same");
    Ok(())
}

netra_testkit::on_all_backends!(pages_protect, pages_protect_and_explain);
