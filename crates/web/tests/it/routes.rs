//! Every route declares its access policy; this test holds an independent copy of the policy table
//! and walks the real router on a loopback socket with every role: a route missing from the table,
//! a table entry without a route, or a route that lets the wrong role (or nobody) in fails the test.

use std::collections::BTreeMap;
use std::sync::Arc;

use anyhow::{Context, ensure};
use chrono::{DateTime, Utc};
use netra_core::{ManualClock, Netra, Sealer};
use netra_domain::ids::RegionCode;
use netra_domain::numbering::NumberTemplate;
use netra_domain::policy::{Actor, Role, Scope};
use netra_store::Db;
use netra_store::users;
use netra_web::routes::{Access, Surface};

const BAWASLU: &[&str] = &["bawaslu_ri", "bawaslu_provinsi", "bawaslu_kabkota", "panwaslu_kecamatan"];
const WORKERS: &[&str] = &[
    "bawaslu_ri",
    "bawaslu_provinsi",
    "bawaslu_kabkota",
    "panwaslu_kecamatan",
    "identity_custodian",
    "authority_verifier",
    "authority_analyst",
    "ppk",
    "inspectorate",
];
const TRACKS: &[&str] =
    &["bawaslu_ri", "bawaslu_provinsi", "bawaslu_kabkota", "panwaslu_kecamatan", "authority_verifier", "ppk"];
const EVERYONE: &[&str] = &[
    "bawaslu_ri",
    "bawaslu_provinsi",
    "bawaslu_kabkota",
    "panwaslu_kecamatan",
    "identity_custodian",
    "authority_verifier",
    "authority_analyst",
    "ppk",
    "inspectorate",
    "administrator",
    "auditor",
];

/// The expected policy of every route: `None` = public, `Some(roles)` = those official roles only.
fn expected() -> BTreeMap<(&'static str, &'static str), Option<&'static [&'static str]>> {
    let public = None;
    BTreeMap::from([
        (("GET", "/healthz"), public),
        (("GET", "/api/v1/openapi.json"), public),
        (("POST", "/api/v1/reports"), public),
        (("POST", "/api/v1/temuan"), Some(BAWASLU)),
        (("GET", "/api/v1/cases"), Some(WORKERS)),
        (("GET", "/api/v1/cases/{id}"), Some(WORKERS)),
        (("GET", "/api/v1/desk"), Some(WORKERS)),
        (("POST", "/api/v1/cases/{id}/transitions"), Some(BAWASLU)),
        (("POST", "/api/v1/cases/{id}/clarifications"), Some(BAWASLU)),
        (("POST", "/api/v1/cases/{id}/clarifications/{session_id}/attendance"), Some(BAWASLU)),
        (("POST", "/api/v1/tracks/{id}/transitions"), Some(TRACKS)),
        (("GET", "/api/v1/elections"), public),
        (("GET", "/api/v1/catalogues/violations"), public),
        (("GET", "/api/v1/deadlines"), public),
        (("GET", "/api/v1/stats/funnel"), Some(WORKERS)),
        (("GET", "/api/v1/public/stats/funnel"), public),
        (("GET", "/api/v1/stats/breakdown"), Some(WORKERS)),
        (("GET", "/api/v1/stats/ppk-compliance"), Some(WORKERS)),
        (("GET", "/api/v1/stats/attendance"), Some(WORKERS)),
        (("GET", "/api/v1/stats/handling-time"), Some(WORKERS)),
        (("GET", "/api/v1/stats/regions"), Some(WORKERS)),
        (("GET", "/api/v1/public/stats/breakdown"), public),
        (("GET", "/api/v1/public/stats/ppk-compliance"), public),
        (("GET", "/api/v1/public/stats/attendance"), public),
        (("GET", "/api/v1/public/stats/handling-time"), public),
        (("GET", "/api/v1/public/stats/regions"), public),
        (("GET", "/api/v1/stats/risk"), Some(WORKERS)),
        (("GET", "/api/v1/public/stats/risk"), public),
        (("POST", "/api/v1/receipts/status"), public),
        (("POST", "/api/v1/receipts/messages"), public),
        (("POST", "/api/v1/receipts/evidence"), public),
        (("GET", "/api/v1/cases/{id}/messages"), Some(BAWASLU)),
        (("POST", "/api/v1/cases/{id}/messages"), Some(BAWASLU)),
        (("GET", "/api/v1/cases/{id}/evidence"), Some(WORKERS)),
        (("POST", "/api/v1/cases/{id}/evidence"), Some(BAWASLU)),
        (("GET", "/api/v1/evidence/{id}"), Some(WORKERS)),
        (("GET", "/api/v1/evidence/{id}/original"), Some(BAWASLU)),
        (("POST", "/kasus/{id}/pesan"), Some(BAWASLU)),
        (("POST", "/kasus/{id}/bukti"), Some(BAWASLU)),
        (("GET", "/kasus/{id}/bukti/{eid}"), Some(WORKERS)),
        (("GET", "/kasus/{id}/bukti/{eid}/asli"), Some(BAWASLU)),
        (("GET", "/lapor"), public),
        (("POST", "/lapor"), public),
        (("GET", "/lapor/wilayah"), public),
        (("GET", "/tanda-terima"), public),
        (("POST", "/tanda-terima"), public),
        (("POST", "/tanda-terima/pesan"), public),
        (("POST", "/tanda-terima/bukti"), public),
        (("GET", "/"), public),
        (("GET", "/aset/{file}"), public),
        (("GET", "/masuk"), public),
        (("POST", "/masuk"), public),
        (("GET", "/masuk/kode"), public),
        (("POST", "/masuk/kode"), public),
        (("GET", "/masuk/otp"), public),
        (("POST", "/masuk/otp"), public),
        (("POST", "/bahasa"), public),
        (("POST", "/keluar"), Some(EVERYONE)),
        (("POST", "/keluar/semua"), Some(EVERYONE)),
        (("GET", "/kasus"), Some(WORKERS)),
        (("GET", "/kasus/{id}"), Some(WORKERS)),
        (("POST", "/kasus/{id}/aksi"), Some(BAWASLU)),
        (("POST", "/kasus/{id}/klarifikasi"), Some(BAWASLU)),
        (("POST", "/kasus/{id}/klarifikasi/{sid}/kehadiran"), Some(BAWASLU)),
        (("POST", "/subjek/{id}/aksi"), Some(TRACKS)),
        (("GET", "/statistik"), Some(WORKERS)),
        (("GET", "/statistik/ekspor.csv"), Some(WORKERS)),
        (("GET", "/transparansi"), public),
        (("POST", "/kasus/{id}/identitas"), Some(BAWASLU)),
        (("GET", "/kasus/{id}/surat/{kind}"), Some(WORKERS)),
        (("GET", "/identitas"), Some(&["identity_custodian"])),
        (("POST", "/identitas/{rid}/putusan"), Some(&["identity_custodian"])),
        (("GET", "/identitas/{rid}/buka"), Some(BAWASLU)),
        (("POST", "/identitas/{rid}/buka"), Some(BAWASLU)),
    ])
}

fn netra(db: &Db, clock: Arc<ManualClock>) -> Netra {
    Netra::new(db.clone(), Sealer::new([7; 32]), NumberTemplate::default_template(), clock)
}

fn declared(db: &Db) -> Vec<netra_web::routes::RouteSpec> {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    netra_web::registry(netra(db, clock), netra_web::WebConfig::default()).specs().to_vec()
}

/// A signed-in page session and an API token for `role`.
async fn credentials(n: &Netra, role: Role, now: DateTime<Utc>) -> anyhow::Result<(String, String)> {
    let username = format!("u-{}", role.as_str());
    let scope = match role {
        Role::Ppk | Role::Inspectorate => Scope { region: None, agency_id: Some("ag-x".into()) },
        Role::BawasluProvinsi => Scope { region: Some(RegionCode::parse("33")?), agency_id: None },
        Role::BawasluKabKota => Scope { region: Some(RegionCode::parse("33.74")?), agency_id: None },
        _ => Scope::national(),
    };
    let u = users::create(&n.db, &username, &username, role, &scope, now).await?;
    let token = format!("tok-{}", netra_store::codec::new_id());
    users::create_token(&n.db, &u.id, &token, "test", now).await?;
    let admin = Actor {
        user_id: "system:test".into(),
        username: "system:test".into(),
        role: Role::Administrator,
        scope: Scope::national(),
    };
    let password = "kata-sandi-panjang-sekali";
    n.auth().set_password(&admin, &username, password, now).await?;
    let pending = n.auth().begin_sign_in(&username, password, now).await?;
    let e = n.auth().begin_enrolment(&pending.token, now).await?;
    let secret = data_encoding::BASE32_NOPAD.decode(e.secret_base32.as_bytes())?;
    let code = netra_core::auth::totp_code(&secret, now);
    let (session, _) = n.auth().confirm_enrolment(&pending.token, &code, now).await?;
    Ok((session.token, token))
}

fn concrete(path: &str) -> String {
    path.replace("{id}", "00000000-0000-7000-8000-000000000000")
        .replace("{session_id}", "00000000-0000-7000-8000-000000000001")
        .replace("{sid}", "00000000-0000-7000-8000-000000000001")
        .replace("{rid}", "00000000-0000-7000-8000-000000000002")
        .replace("{file}", "netra.css")
        .replace("{kind}", "tanda-terima.pdf")
}

async fn every_route_declares_the_expected_policy(db: &Db) -> anyhow::Result<()> {
    let specs = declared(db);
    let exp = expected();
    let mut seen = BTreeMap::new();
    for s in &specs {
        let key = (s.method.as_str().to_owned(), s.path.to_owned());
        let want = exp
            .iter()
            .find(|((m, p), _)| *m == key.0 && *p == key.1)
            .with_context(|| format!("route {} {} is not in the policy table", key.0, key.1))?
            .1;
        let got: Option<Vec<&str>> = match s.access {
            Access::Public => None,
            Access::Officials(roles) => Some(roles.iter().map(|r| r.as_str()).collect()),
        };
        let want: Option<Vec<&str>> = want.map(|w| w.to_vec());
        ensure!(got == want, "{} {}: declared {got:?}, expected {want:?}", key.0, key.1);
        seen.insert(key, ());
    }
    for (m, p) in exp.keys() {
        ensure!(
            seen.contains_key(&(m.to_string(), p.to_string())),
            "policy table lists {m} {p} but no such route exists"
        );
    }
    // Every API path in the OpenAPI document is a declared route.
    let doc = serde_json::to_value(netra_web::api::openapi())?;
    for (path, item) in doc["paths"].as_object().context("paths")? {
        for method in item.as_object().context("item")?.keys() {
            let m = method.to_uppercase();
            ensure!(
                specs.iter().any(|s| s.path == path && s.method.as_str() == m),
                "OpenAPI documents {m} {path}, which is not routed"
            );
        }
    }
    Ok(())
}

async fn the_router_enforces_every_declared_policy(db: &Db) -> anyhow::Result<()> {
    netra_store::reference::ensure_loaded(db, Utc::now()).await?;
    let now = Utc::now();
    let clock = Arc::new(ManualClock::new(now));
    let n = netra(db, clock);
    let mut creds = BTreeMap::new();
    for role in Role::ALL {
        creds.insert(*role, credentials(&n, *role, now).await?);
    }
    let specs = declared(db);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = netra_web::router(n.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let send = |method: &str, path: &str, auth: Option<(&str, Surface)>| {
        let url = format!("{base}{}", concrete(path));
        let mut r = if method == "GET" { http.get(url) } else { http.post(url) };
        if method == "POST" {
            r = r.header("content-type", "application/x-www-form-urlencoded").body("x=1");
            if path.starts_with("/api/") {
                r = r.header("content-type", "application/json").body("{}");
            }
        }
        match auth {
            Some((tok, Surface::Api)) => r = r.bearer_auth(tok),
            Some((tok, Surface::Page)) => r = r.header("cookie", format!("netra_sesi={tok}")),
            None => {}
        }
        r.send()
    };
    let mut checked = 0;
    for s in &specs {
        let Access::Officials(allowed) = s.access else { continue };
        let m = s.method.as_str();
        // Nobody signed in.
        let r = send(m, s.path, None).await?;
        match s.surface {
            Surface::Api => ensure!(r.status() == 401, "{m} {} without a token: {}", s.path, r.status()),
            Surface::Page => {
                ensure!(r.status() == 303, "{m} {} without a session: {}", s.path, r.status());
                let loc = r.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("");
                ensure!(loc.starts_with("/masuk"), "{m} {} redirects to {loc}", s.path);
            }
        }
        for role in Role::ALL {
            let (session, token) = &creds[role];
            let tok = if s.surface == Surface::Api { token } else { session };
            let r = send(m, s.path, Some((tok, s.surface))).await?;
            let status = r.status().as_u16();
            if allowed.contains(role) {
                if s.surface == Surface::Page && m == "POST" {
                    // Allowed, but a form without the session's CSRF token is refused.
                    ensure!(status == 403, "{m} {} as {role} without CSRF token: {status}", s.path);
                } else {
                    ensure!(![401, 403, 303].contains(&status), "{m} {} as {role} (allowed): {status}", s.path);
                }
            } else {
                ensure!(status == 403, "{m} {} as {role} (not allowed): {status}", s.path);
            }
            checked += 1;
        }
    }
    ensure!(checked >= 15 * Role::ALL.len(), "only {checked} checks ran");
    Ok(())
}

netra_testkit::on_all_backends!(route_policy_table, every_route_declares_the_expected_policy);
netra_testkit::on_all_backends!(route_policy_enforced, the_router_enforces_every_declared_policy);
