//! The officials' web application: server-rendered pages (minijinja) enhanced by htmx, readable
//! without JavaScript. Every page handler calls the same core use cases as the API.
//!
//! Sign-in is two steps (password, then TOTP or a recovery code; first-time enrolment in between)
//! and ends in a database session whose id is rotated at sign-in. Every form of a signed-in page
//! carries the session's CSRF token, and cross-site form posts are refused outright.

pub mod case_extras;
pub mod custody;
pub mod dashboard;
pub mod forms;
pub mod letters;
pub mod portal;
pub mod render;

use std::collections::BTreeMap;

use axum::body::Body;
use axum::extract::{Form, FromRequest, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Duration, NaiveDate, Utc};
use minijinja::{Value, context};
use netra_core::CoreError;
use netra_core::auth::AuthError;
use netra_core::tracks::TrackTransitionRequest;
use netra_core::workflow::{CaseTransitionRequest, CaseView, RecordAttendance, ScheduleClarification};
use netra_domain::inbox::{actionable_case_states, actionable_track_states};
use netra_domain::policy::Role;
use netra_store::StoreError;
use netra_store::desk::{self, Actionable, DeskCursor, DeskFilter, DeskView};
use serde::Deserialize;
use serde_json::{Map, json};

use self::forms::{ATTENDANCE_FIELDS, FormProblem, SCHEDULE_FIELDS, Submitted, case_fields, to_json, track_fields};
use self::render::{render, zone_of};
use crate::AppState;
use crate::error::{ApiError, Localised};
use crate::i18n::{Lang, t, t_args, try_t};
use crate::routes::{
    ANY_OFFICIAL, Access, BAWASLU, CASE_WORKERS, LANG_COOKIE, Principal, Registry, SESSION_COOKIE, TRACK_ACTORS,
    cookie, page_lang,
};

const PENDING_COOKIE: &str = "netra_pra";
const LOGIN_CSRF_COOKIE: &str = "netra_csrf";

/// The pages and their access policy.
pub fn routes(state: AppState) -> Registry {
    use Access::{Officials, Public};
    use Method as M;
    let state_for_custody = state.clone();
    let state_for_dashboard = state.clone();
    Registry::new(state)
        .route(M::GET, "/", Public, get(home))
        .route(M::GET, "/aset/{file}", Public, get(asset))
        .route(M::GET, "/masuk", Public, get(signin_form))
        .route(M::POST, "/masuk", Public, post(signin))
        .route(M::GET, "/masuk/kode", Public, get(code_form))
        .route(M::POST, "/masuk/kode", Public, post(code_submit))
        .route(M::GET, "/masuk/otp", Public, get(enrol_form))
        .route(M::POST, "/masuk/otp", Public, post(enrol_submit))
        .route(M::POST, "/bahasa", Public, post(set_language))
        .route(M::POST, "/keluar", Officials(ANY_OFFICIAL), post(sign_out))
        .route(M::POST, "/keluar/semua", Officials(ANY_OFFICIAL), post(sign_out_everywhere))
        .route(M::GET, "/kasus", Officials(CASE_WORKERS), get(desk_page))
        .route(M::GET, "/kasus/{id}", Officials(CASE_WORKERS), get(case_page))
        .route(M::POST, "/kasus/{id}/aksi", Officials(BAWASLU), post(case_action))
        .route(M::POST, "/kasus/{id}/klarifikasi", Officials(BAWASLU), post(schedule))
        .route(M::POST, "/kasus/{id}/klarifikasi/{sid}/kehadiran", Officials(BAWASLU), post(attendance))
        .route(M::POST, "/subjek/{id}/aksi", Officials(TRACK_ACTORS), post(track_action))
        .merge(case_extras::routes(state_for_custody.clone()))
        .merge(custody::routes(state_for_custody.clone()))
        .merge(letters::routes(state_for_custody))
        .merge(portal::routes(state_for_dashboard.clone()))
        .merge(dashboard::routes(state_for_dashboard))
}

// ---------------------------------------------------------------------------------------------
// Helpers shared with the access layer
// ---------------------------------------------------------------------------------------------

/// Percent-encodes a value for a query string.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Only local paths may be redirect targets (no `//host` or scheme).
fn local_path(p: Option<&str>) -> &str {
    match p {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.contains("://") => p,
        _ => "/kasus",
    }
}

fn message(status: StatusCode, lang: Lang, title_key: &str, text_key: &str) -> Response {
    render(
        status,
        "message.html",
        context! { lang => lang.code(), title => t(lang, title_key), text => t(lang, text_key) },
    )
}

/// A form that must not be processed (cross-site post, missing or stale CSRF token).
pub fn form_refused(lang: Lang) -> Response {
    message(StatusCode::FORBIDDEN, lang, "error-title", "signin-csrf")
}

pub fn forbidden_page(lang: Lang) -> Response {
    message(StatusCode::FORBIDDEN, lang, "forbidden-title", "notfound-text")
}

pub fn error_page(lang: Lang, err: &Localised) -> Response {
    tracing::error!(error = ?err.0, "page failed");
    let status = if matches!(err.0, ApiError::Core(CoreError::Store(StoreError::Locked))) {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    message(status, lang, "error-title", "error-text")
}

/// Unknown paths, and cases that are missing or out of scope (the two must look the same).
pub async fn not_found(headers: HeaderMap) -> Response {
    message(StatusCode::NOT_FOUND, page_lang(&headers), "notfound-title", "notfound-text")
}

fn cookie_header(s: &AppState, name: &str, value: &str, path: &str, max_age: Option<i64>) -> HeaderValue {
    let mut c = format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict");
    if let Some(a) = max_age {
        c.push_str(&format!("; Max-Age={a}"));
    }
    if s.config.secure_cookies {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie values are tokens")
}

fn with_cookies(mut resp: Response, cookies: Vec<HeaderValue>) -> Response {
    for c in cookies {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

fn random_token() -> String {
    let mut b = [0u8; 24];
    getrandom::fill(&mut b).expect("OS randomness");
    hex_encode(&b)
}

fn hex_encode(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn same(a: &str, b: &str) -> bool {
    // Constant time in the length of the secret: tokens are compared as bytes without early exit.
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Reads a posted form; repeated names keep the last value.
fn collect(pairs: Vec<(String, String)>) -> Submitted {
    pairs.into_iter().collect()
}

/// A form posted by a signed-in official, with its CSRF token checked against the session.
pub struct Posted {
    pub who: Principal,
    pub form: Submitted,
}

impl FromRequest<AppState> for Posted {
    type Rejection = Response;
    async fn from_request(req: Request<Body>, state: &AppState) -> Result<Self, Self::Rejection> {
        let who = req
            .extensions()
            .get::<Principal>()
            .cloned()
            .ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
        let lang = who.lang;
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(|_| message(StatusCode::BAD_REQUEST, lang, "error-title", "signin-csrf"))?;
        let form = collect(pairs);
        let sent = form.get("_csrf").map(String::as_str).unwrap_or("");
        if !who.session.as_ref().is_some_and(|s| s.csrf_matches(sent)) {
            return Err(form_refused(lang));
        }
        Ok(Posted { who, form })
    }
}

/// The context every signed-in page starts from.
fn base_ctx(who: &Principal, path: &str) -> Map<String, serde_json::Value> {
    let mut m = Map::new();
    m.insert("lang".into(), json!(who.lang.code()));
    m.insert("path".into(), json!(path));
    m.insert(
        "user".into(),
        json!({
            "name": who.display_name,
            "username": who.actor.username,
            "role": who.actor.role.as_str(),
            "role_label": role_label(who.actor.role, who.lang),
        }),
    );
    m.insert("csrf".into(), json!(who.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default()));
    m
}

fn role_label(role: Role, lang: Lang) -> String {
    try_t(lang, &format!("userrole-{}", role.as_str())).unwrap_or_else(|| role.as_str().replace('_', " "))
}

// ---------------------------------------------------------------------------------------------
// Public pages: home, assets, language, sign-in
// ---------------------------------------------------------------------------------------------

/// The public landing page: report, follow a report, statistics, sign-in for officials.
async fn home(headers: HeaderMap) -> Response {
    portal::home(headers).await
}

const ASSETS: &[(&str, &str, &[u8])] = &[
    ("netra.css", "text/css; charset=utf-8", include_bytes!("../../assets/netra.css")),
    ("htmx.min.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/htmx.min.js")),
    ("netra.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/netra.js")),
];

async fn asset(Path(file): Path<String>, headers: HeaderMap) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == file) {
        Some((_, ctype, bytes)) => {
            ([(header::CONTENT_TYPE, *ctype), (header::CACHE_CONTROL, "public, max-age=3600")], *bytes).into_response()
        }
        None => not_found(headers).await,
    }
}

#[derive(Deserialize)]
struct LangForm {
    lang: String,
    #[serde(default)]
    back: Option<String>,
}

async fn set_language(State(s): State<AppState>, Form(f): Form<LangForm>) -> Response {
    let lang = Lang::from_code(&f.lang).unwrap_or(Lang::Id);
    let resp = Redirect::to(local_path(f.back.as_deref())).into_response();
    with_cookies(resp, vec![cookie_header(&s, LANG_COOKIE, lang.code(), "/", Some(365 * 24 * 3600))])
}

#[derive(Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    lanjut: Option<String>,
}

fn signin_page(
    s: &AppState,
    lang: Lang,
    next: &str,
    username: &str,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let token = random_token();
    let resp = render(
        status,
        "signin.html",
        context! { lang => lang.code(), path => "/masuk", csrf => token.clone(), next => next, username => username, error => error },
    );
    with_cookies(resp, vec![cookie_header(s, LOGIN_CSRF_COOKIE, &token, "/masuk", Some(3600))])
}

async fn signin_form(State(s): State<AppState>, headers: HeaderMap, Query(q): Query<NextQuery>) -> Response {
    signin_page(&s, page_lang(&headers), local_path(q.lanjut.as_deref()), "", None, StatusCode::OK)
}

fn auth_message(lang: Lang, e: &AuthError, zone_region: Option<&str>) -> String {
    match e {
        AuthError::Locked { until } => {
            t_args(lang, "signin-locked", &[("until", &render::format_when(*until, zone_of(zone_region), lang))])
        }
        AuthError::SessionExpired | AuthError::SignInExpired => t(lang, "signin-expired"),
        _ => t(lang, "signin-failed"),
    }
}

fn login_csrf_ok(headers: &HeaderMap, form: &Submitted) -> bool {
    let sent = form.get("_csrf").map(String::as_str).unwrap_or("");
    cookie(headers, LOGIN_CSRF_COOKIE).is_some_and(|c| !c.is_empty() && same(c, sent))
}

async fn signin(State(s): State<AppState>, headers: HeaderMap, Form(pairs): Form<Vec<(String, String)>>) -> Response {
    let lang = page_lang(&headers);
    let form = collect(pairs);
    let next = local_path(form.get("next").map(String::as_str)).to_owned();
    let username = form.get("username").cloned().unwrap_or_default();
    if !login_csrf_ok(&headers, &form) {
        return signin_page(&s, lang, &next, &username, Some(t(lang, "signin-csrf")), StatusCode::FORBIDDEN);
    }
    let password = form.get("password").cloned().unwrap_or_default();
    match s.netra.auth().begin_sign_in(username.trim(), &password, s.netra.now()).await {
        Ok(p) => {
            let step = if p.needs_enrolment { "/masuk/otp" } else { "/masuk/kode" };
            let resp = Redirect::to(&format!("{step}?lanjut={}", url_encode(&next))).into_response();
            with_cookies(resp, vec![cookie_header(&s, PENDING_COOKIE, &p.token, "/masuk", Some(300))])
        }
        Err(AuthError::Store(e)) => error_page(lang, &Localised(e.into(), lang)),
        Err(e) => signin_page(&s, lang, &next, &username, Some(auth_message(lang, &e, None)), StatusCode::UNAUTHORIZED),
    }
}

fn code_page(lang: Lang, next: &str, error: Option<String>, status: StatusCode) -> Response {
    render(status, "code.html", context! { lang => lang.code(), path => "/masuk/kode", next => next, error => error })
}

async fn code_form(headers: HeaderMap, Query(q): Query<NextQuery>) -> Response {
    let lang = page_lang(&headers);
    if cookie(&headers, PENDING_COOKIE).is_none() {
        return Redirect::to("/masuk").into_response();
    }
    code_page(lang, local_path(q.lanjut.as_deref()), None, StatusCode::OK)
}

/// Ends the sign-in: the session cookie replaces the pending one (a new id, never the old one).
fn signed_in(s: &AppState, session: &netra_core::auth::Session, next: &str) -> Response {
    let resp = Redirect::to(next).into_response();
    with_cookies(
        resp,
        vec![
            cookie_header(s, SESSION_COOKIE, &session.token, "/", None),
            cookie_header(s, PENDING_COOKIE, "", "/masuk", Some(0)),
            cookie_header(s, LOGIN_CSRF_COOKIE, "", "/masuk", Some(0)),
        ],
    )
}

async fn code_submit(
    State(s): State<AppState>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let lang = page_lang(&headers);
    let form = collect(pairs);
    let next = local_path(form.get("next").map(String::as_str)).to_owned();
    let Some(pending) = cookie(&headers, PENDING_COOKIE).filter(|p| !p.is_empty()) else {
        return Redirect::to("/masuk").into_response();
    };
    let code = form.get("code").map(|c| c.trim().to_owned()).unwrap_or_default();
    match s.netra.auth().complete_sign_in(pending, &code, s.netra.now()).await {
        Ok(session) => signed_in(&s, &session, &next),
        Err(AuthError::Store(e)) => error_page(lang, &Localised(e.into(), lang)),
        Err(e @ (AuthError::SignInExpired | AuthError::Locked { .. })) => {
            signin_page(&s, lang, &next, "", Some(auth_message(lang, &e, None)), StatusCode::UNAUTHORIZED)
        }
        Err(e) => code_page(lang, &next, Some(auth_message(lang, &e, None)), StatusCode::UNAUTHORIZED),
    }
}

async fn enrol_form(State(s): State<AppState>, headers: HeaderMap, Query(q): Query<NextQuery>) -> Response {
    let lang = page_lang(&headers);
    let next = local_path(q.lanjut.as_deref());
    let Some(pending) = cookie(&headers, PENDING_COOKIE).filter(|p| !p.is_empty()) else {
        return Redirect::to("/masuk").into_response();
    };
    enrol_page(&s, lang, pending, next, None, StatusCode::OK).await
}

async fn enrol_page(
    s: &AppState,
    lang: Lang,
    pending: &str,
    next: &str,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    match s.netra.auth().begin_enrolment(pending, s.netra.now()).await {
        Ok(e) => {
            use base64_svg::encode;
            render(
                status,
                "enrol.html",
                context! {
                    lang => lang.code(), path => "/masuk/otp", next => next, error => error,
                    secret => e.secret_base32, uri => e.otpauth_uri, qr => encode(&e.qr_svg),
                },
            )
        }
        Err(AuthError::Store(e)) => error_page(lang, &Localised(e.into(), lang)),
        Err(e) => signin_page(s, lang, next, "", Some(auth_message(lang, &e, None)), StatusCode::UNAUTHORIZED),
    }
}

async fn enrol_submit(
    State(s): State<AppState>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let lang = page_lang(&headers);
    let form = collect(pairs);
    let next = local_path(form.get("next").map(String::as_str)).to_owned();
    let Some(pending) = cookie(&headers, PENDING_COOKIE).filter(|p| !p.is_empty()) else {
        return Redirect::to("/masuk").into_response();
    };
    let code = form.get("code").map(|c| c.trim().to_owned()).unwrap_or_default();
    match s.netra.auth().confirm_enrolment(pending, &code, s.netra.now()).await {
        Ok((session, codes)) => {
            let resp = render(
                StatusCode::OK,
                "recovery.html",
                context! { lang => lang.code(), path => "/masuk/otp", next => next, codes => codes },
            );
            with_cookies(
                resp,
                vec![
                    cookie_header(&s, SESSION_COOKIE, &session.token, "/", None),
                    cookie_header(&s, PENDING_COOKIE, "", "/masuk", Some(0)),
                    cookie_header(&s, LOGIN_CSRF_COOKIE, "", "/masuk", Some(0)),
                ],
            )
        }
        Err(AuthError::Store(e)) => error_page(lang, &Localised(e.into(), lang)),
        Err(e @ (AuthError::SignInExpired | AuthError::Locked { .. })) => {
            signin_page(&s, lang, &next, "", Some(auth_message(lang, &e, None)), StatusCode::UNAUTHORIZED)
        }
        Err(e) => {
            enrol_page(&s, lang, pending, &next, Some(auth_message(lang, &e, None)), StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
    }
}

/// The QR code travels as a `data:` image so the page needs no inline SVG styling.
mod base64_svg {
    pub fn encode(svg: &str) -> String {
        format!("data:image/svg+xml;base64,{}", data_encoding::BASE64.encode(svg.as_bytes()))
    }

    #[cfg(test)]
    #[test]
    fn encodes_like_rfc4648() {
        assert_eq!(encode("f"), "data:image/svg+xml;base64,Zg==");
        assert_eq!(encode("foob"), "data:image/svg+xml;base64,Zm9vYg==");
        assert_eq!(encode("foobar"), "data:image/svg+xml;base64,Zm9vYmFy");
    }
}

async fn sign_out(State(s): State<AppState>, headers: HeaderMap, posted: Posted) -> Response {
    let lang = posted.who.lang;
    let token = cookie(&headers, SESSION_COOKIE).unwrap_or_default();
    if let Err(e) = s.netra.auth().sign_out(token, s.netra.now()).await {
        return auth_failure(lang, e);
    }
    with_cookies(Redirect::to("/masuk").into_response(), vec![cookie_header(&s, SESSION_COOKIE, "", "/", Some(0))])
}

async fn sign_out_everywhere(State(s): State<AppState>, posted: Posted) -> Response {
    let lang = posted.who.lang;
    if let Err(e) = s.netra.auth().sign_out_everywhere(&posted.who.actor.user_id, s.netra.now()).await {
        return auth_failure(lang, e);
    }
    with_cookies(Redirect::to("/masuk").into_response(), vec![cookie_header(&s, SESSION_COOKIE, "", "/", Some(0))])
}

// ---------------------------------------------------------------------------------------------
// The case desk
// ---------------------------------------------------------------------------------------------

/// Desk filters, kept in the URL (the same names on the page and in `GET /api/v1/desk`).
#[derive(Debug, Deserialize, Default, Clone, serde::Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeskQuery {
    /// `inbox` (default: what needs my action, by deadline) or `all` (`semua`; newest first).
    #[serde(default)]
    pub view: Option<String>,
    /// Election code or id.
    #[serde(default)]
    pub election: Option<String>,
    /// Region subtree (Kemendagri code) of the handling office.
    #[serde(default)]
    pub region: Option<String>,
    /// Case state.
    #[serde(default)]
    pub state: Option<String>,
    /// Election stage of the alleged act.
    #[serde(default)]
    pub stage: Option<String>,
    /// Violation form code, e.g. `D-2`.
    #[serde(default)]
    pub violation: Option<String>,
    /// Position class of a subject, e.g. `jpt_pratama`.
    #[serde(default)]
    pub position: Option<String>,
    /// Agency code of a subject.
    #[serde(default)]
    pub agency: Option<String>,
    /// Received on or after this local date (YYYY-MM-DD).
    #[serde(default)]
    pub from: Option<String>,
    /// Received on or before this local date.
    #[serde(default)]
    pub to: Option<String>,
    /// Full-text search (number, names, agency, description).
    #[serde(default)]
    pub q: Option<String>,
    /// Cursor from the previous page (`next`).
    #[serde(default)]
    pub after: Option<String>,
}

fn non_empty(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// The query string of the current filters without the cursor (for links that keep the filters).
fn filter_query(q: &DeskQuery) -> String {
    let pairs = [
        ("view", &q.view),
        ("election", &q.election),
        ("region", &q.region),
        ("state", &q.state),
        ("stage", &q.stage),
        ("violation", &q.violation),
        ("position", &q.position),
        ("agency", &q.agency),
        ("from", &q.from),
        ("to", &q.to),
        ("q", &q.q),
    ];
    pairs
        .iter()
        .filter_map(|(k, v)| non_empty(v).map(|v| format!("{k}={}", url_encode(&v))))
        .collect::<Vec<_>>()
        .join("&")
}

/// The desk filter of a query, or the values that could not be read.
pub(crate) fn desk_filter(
    actor: &netra_domain::policy::Actor,
    q: &DeskQuery,
    elections: &[netra_domain::model::Election],
    limit: i64,
) -> (DeskFilter, Vec<String>) {
    let view = if matches!(q.view.as_deref(), Some("semua" | "all")) { DeskView::All } else { DeskView::Inbox };
    let mut problems: Vec<String> = Vec::new();
    let zone = zone_of(actor.scope.region.as_ref().map(|r| r.as_str())).offset();
    let day = |v: &Option<String>, end: bool, problems: &mut Vec<String>| {
        non_empty(v).and_then(|d| match NaiveDate::parse_from_str(&d, "%Y-%m-%d") {
            Ok(d) => {
                let t = if end { d.and_hms_opt(23, 59, 59) } else { d.and_hms_opt(0, 0, 0) }.expect("valid time");
                t.and_local_timezone(zone).single().map(|t| t.with_timezone(&Utc))
            }
            Err(_) => {
                problems.push(d);
                None
            }
        })
    };
    let received_from = day(&q.from, false, &mut problems);
    let received_to = day(&q.to, true, &mut problems);
    let region = non_empty(&q.region).filter(|r| {
        let ok = netra_domain::ids::RegionCode::parse(r).is_ok();
        if !ok {
            problems.push(r.clone());
        }
        ok
    });
    let election_id = non_empty(&q.election).and_then(|code| {
        let found = elections.iter().find(|e| e.code == code || e.id == code).map(|e| e.id.clone());
        if found.is_none() {
            problems.push(code);
        }
        found
    });
    let after = non_empty(&q.after).and_then(|c| {
        let cur = DeskCursor::decode(&c);
        if cur.is_none() {
            problems.push(c);
        }
        cur
    });
    let filter = DeskFilter {
        view,
        actionable: Actionable {
            case_states: actionable_case_states(actor.role),
            track_states: actionable_track_states(actor.role),
        },
        election_id,
        region,
        state: non_empty(&q.state),
        kind: None,
        stage: non_empty(&q.stage),
        violation: non_empty(&q.violation),
        position_class: non_empty(&q.position),
        agency_code: non_empty(&q.agency),
        received_from,
        received_to,
        q: non_empty(&q.q),
        after,
        limit,
    };
    (filter, problems)
}

async fn desk_page(
    State(s): State<AppState>,
    who: Principal,
    q: Result<Query<DeskQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let lang = who.lang;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let elections = match netra_store::people::elections(&s.netra.db).await {
        Ok(e) => e,
        Err(e) => return error_page(lang, &Localised(e.into(), lang)),
    };
    let (filter, problems) = desk_filter(&who.actor, &q, &elections, 50);
    let view = filter.view;
    let now = s.netra.now();
    let (page, counts) = match s.netra.desk(&who.actor, &filter).await {
        Ok(x) => x,
        Err(e) => return core_error_page(&who, e),
    };
    let soon = now + Duration::days(3);
    let rows: Vec<serde_json::Value> = page
        .rows
        .iter()
        .map(|r| {
            let due = r.due_at.or(r.case.deadline_at);
            json!({
                "case": r.case,
                "summary": r.summary,
                "subjects": r.subjects,
                "due": due,
                "overdue": due.is_some_and(|d| d < now),
                "due_soon": due.is_some_and(|d| d >= now && d < soon),
            })
        })
        .collect();
    let base = filter_query(&q);
    let mut ctx = base_ctx(&who, "/kasus");
    ctx.insert("view".into(), json!(if view == DeskView::All { "semua" } else { "masuk" }));
    ctx.insert("rows".into(), json!(rows));
    ctx.insert("counts".into(), json!(counts));
    ctx.insert("cap".into(), json!(desk::COUNT_CAP));
    ctx.insert("q".into(), json!(q));
    ctx.insert("problems".into(), json!(problems));
    ctx.insert("filtered".into(), json!(!base.is_empty() && base != "view=semua"));
    ctx.insert(
        "next".into(),
        json!(page.next.map(|n| format!(
            "/kasus?{base}{}after={}",
            if base.is_empty() { "" } else { "&" },
            url_encode(&n)
        ))),
    );
    ctx.insert("first".into(), json!(q.after.is_some().then(|| format!("/kasus?{base}"))));
    ctx.insert(
        "elections".into(),
        json!(elections.iter().map(|e| json!({"code": e.code, "name": e.name})).collect::<Vec<_>>()),
    );
    ctx.insert(
        "states".into(),
        json!(netra_domain::workflow::CaseState::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
    );
    ctx.insert(
        "violations".into(),
        json!(
            netra_domain::catalogue::violations()
                .entries
                .iter()
                .map(|v| json!({"code": v.code, "name": if lang == Lang::Id { &v.name_id } else { &v.name_en }}))
                .collect::<Vec<_>>()
        ),
    );
    ctx.insert(
        "positions".into(),
        json!(
            netra_domain::catalogue::position_classes()
                .entries
                .iter()
                .map(|p| json!({"code": p.class, "name": if lang == Lang::Id { &p.name_id } else { &p.name_en }}))
                .collect::<Vec<_>>()
        ),
    );
    let status = if problems.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    render(status, "desk.html", Value::from(minijinja::value::Serde(&ctx)))
}

// ---------------------------------------------------------------------------------------------
// The case page and its forms
// ---------------------------------------------------------------------------------------------

/// What a failed form submission brings back to the page: which form, what was typed, what is wrong.
#[derive(Default, serde::Serialize)]
struct FormState {
    id: String,
    values: Submitted,
    errors: BTreeMap<String, String>,
    general: Option<String>,
    /// Shown above the page: the form it belongs to may no longer be offered (state changed).
    top: bool,
}

fn field_message(lang: Lang, code: &str, detail: Option<&str>) -> String {
    let key = format!("field-{}", code.replace('_', "-"));
    let m = try_t(lang, &key).unwrap_or_else(|| t(lang, "invalid-input"));
    match detail {
        Some(d) if lang == Lang::En || !m.contains(d) => format!("{m} ({d})"),
        _ => m,
    }
}

fn problems_state(lang: Lang, id: &str, values: Submitted, problems: Vec<FormProblem>) -> FormState {
    FormState {
        id: id.to_owned(),
        values,
        errors: problems.into_iter().map(|p| (p.field, field_message(lang, p.code, None))).collect(),
        general: Some(t(lang, "form-errors")),
        top: false,
    }
}

fn form_options(fields: &[forms::Field], lang: Lang) -> serde_json::Value {
    json!(fields
        .iter()
        .map(|f| {
            let (kind, options) = match f.kind {
                forms::Kind::Select(opts) => (
                    "select",
                    opts.iter().map(|o| json!({"value": o, "label": t(lang, &format!("{}{o}", f.options_key))})).collect(),
                ),
                other => (
                    match other {
                        forms::Kind::Text => "text",
                        forms::Kind::TextArea | forms::Kind::Lines => "textarea",
                        forms::Kind::Codes => "text",
                        forms::Kind::Date => "date",
                        forms::Kind::DateTime => "datetime-local",
                        forms::Kind::Checkbox => "checkbox",
                        forms::Kind::Track => "track",
                        forms::Kind::Select(_) => unreachable!(),
                    },
                    vec![],
                ),
            };
            json!({"name": f.name, "kind": kind, "required": f.required, "options": options, "label": t(lang, &format!("label-{}", f.name))})
        })
        .collect::<Vec<_>>())
}

async fn case_page(
    State(s): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let view = match s.netra.case_view(&who.actor, &id).await {
        Ok(v) => v,
        Err(e) => return core_error_page(&who, e),
    };
    let flash = q.contains_key("selesai").then(|| t(who.lang, "flash-done"));
    show_case(&s, &who, &view, None, flash, StatusCode::OK).await
}

fn core_error_page(who: &Principal, e: CoreError) -> Response {
    match e {
        CoreError::NotFound | CoreError::Denied(netra_domain::policy::Denied::OutOfScope) => {
            message(StatusCode::NOT_FOUND, who.lang, "notfound-title", "notfound-text")
        }
        CoreError::Denied(_) => forbidden_page(who.lang),
        other => error_page(who.lang, &Localised(other.into(), who.lang)),
    }
}

async fn show_case(
    s: &AppState,
    who: &Principal,
    view: &CaseView,
    form: Option<FormState>,
    flash: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = who.lang;
    let mut case_forms = Vec::new();
    let mut decide_added = false;
    for a in &view.allowed_actions {
        let name = if a.starts_with("decide_") { "decide" } else { a.as_str() };
        if name == "decide" {
            if decide_added {
                continue;
            }
            decide_added = true;
        }
        if let Some(fields) = case_fields(name) {
            case_forms.push(json!({"action": name, "label": t(lang, &format!("action-{name}")), "fields": form_options(fields, lang)}));
        }
    }
    let subjects: Vec<serde_json::Value> = view
        .subjects
        .iter()
        .map(|sv| {
            let forms: Vec<_> = sv
                .allowed_actions
                .iter()
                .filter_map(|a| {
                    track_fields(a).map(|f| {
                        json!({"action": a, "label": t(lang, &format!("track-action-{a}")), "fields": form_options(f, lang)})
                    })
                })
                .collect();
            json!({"view": sv, "forms": forms})
        })
        .collect();
    let can_schedule =
        who.actor.role.is_bawaslu() && view.case.state == netra_domain::workflow::CaseState::Clarification;
    let mut ctx = base_ctx(who, &format!("/kasus/{}", view.case.id));
    ctx.insert("c".into(), json!(view));
    ctx.insert("case_forms".into(), json!(case_forms));
    ctx.insert("subjects".into(), json!(subjects));
    ctx.insert("schedule_fields".into(), if can_schedule { form_options(SCHEDULE_FIELDS, lang) } else { json!([]) });
    ctx.insert(
        "attendance_fields".into(),
        if who.actor.role.is_bawaslu() { form_options(ATTENDANCE_FIELDS, lang) } else { json!([]) },
    );
    ctx.insert("form".into(), json!(form.unwrap_or_default()));
    ctx.insert("custody".into(), custody::case_section(s, who, view).await);
    ctx.insert("extras".into(), case_extras::section(s, who, view).await);
    ctx.insert("letters".into(), json!(letters::offered(who.actor.role, view)));
    ctx.insert("flash".into(), json!(flash));
    let mut resp = render(status, "case.html", Value::from(minijinja::value::Serde(&ctx)));
    resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// Re-renders the case page after a failed submission, keeping what was typed.
async fn redisplay(
    s: &AppState,
    who: &Principal,
    case_id: &str,
    form_id: &str,
    values: Submitted,
    err: CoreError,
) -> Response {
    let lang = who.lang;
    let (status, state) = match &err {
        CoreError::Invalid(fields) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormState {
                id: form_id.into(),
                values,
                errors: fields
                    .iter()
                    .map(|f| {
                        let name = f.field.rsplit('.').next().unwrap_or(&f.field).to_owned();
                        (name, field_message(lang, &f.code, Some(&f.message)))
                    })
                    .collect(),
                general: Some(t(lang, "form-errors")),
                top: false,
            },
        ),
        CoreError::Store(StoreError::Conflict { .. }) => {
            (StatusCode::CONFLICT, FormState { id: form_id.into(), values, ..Default::default() })
        }
        CoreError::NotFound | CoreError::Denied(_) => return core_error_page(who, err),
        CoreError::Store(_) | CoreError::Seal => return error_page(lang, &Localised(err.into(), lang)),
        other => {
            let title = t(lang, problem_code(other));
            (
                StatusCode::CONFLICT,
                FormState {
                    id: form_id.into(),
                    values,
                    general: Some(format!("{title}: {other}")),
                    ..Default::default()
                },
            )
        }
    };
    let view = match s.netra.case_view(&who.actor, case_id).await {
        Ok(v) => v,
        Err(e) => return core_error_page(who, e),
    };
    let mut state = state;
    // A form read before someone else changed the case: say what changed rather than a bare
    // "not allowed" (the action may have become illegal because of that change).
    let stale = form_id.starts_with("case-") && version_of(&state.values) != view.case.version;
    if status == StatusCode::CONFLICT && (state.general.is_none() || stale) {
        state.top = true;
        state.general = Some(t_args(
            lang,
            "case-stale",
            &[
                ("state", &t(lang, &format!("state-{}", view.case.state.as_str()))),
                ("at", &render::format_when(view.case.updated_at, zone_of(view.case.handling_region.as_deref()), lang)),
            ],
        ));
    }
    show_case(s, who, &view, Some(state), None, status).await
}

fn problem_code(e: &CoreError) -> &'static str {
    match e {
        CoreError::Illegal(_) => "illegal-transition",
        CoreError::Clarification(_) => "clarification-rule",
        CoreError::DeadlineNotPassed { .. } => "deadline-not-passed",
        _ => "invalid-input",
    }
}

fn auth_failure(lang: Lang, e: AuthError) -> Response {
    match e {
        AuthError::Store(e) => error_page(lang, &Localised(e.into(), lang)),
        _ => message(StatusCode::UNAUTHORIZED, lang, "error-title", "signin-expired"),
    }
}

fn version_of(form: &Submitted) -> i64 {
    form.get("expected_version").and_then(|v| v.parse().ok()).unwrap_or(-1)
}

async fn case_zone(s: &AppState, who: &Principal, case_id: &str) -> Result<chrono::FixedOffset, Response> {
    match netra_store::cases::case_in_scope(&s.netra.db.pool, &who.actor, case_id).await {
        Ok(c) => Ok(zone_of(c.handling_region.as_deref()).offset()),
        Err(e) => Err(core_error_page(who, e.into())),
    }
}

/// Reads a posted form into the JSON object of a command, with dates in the case's time zone. A form
/// that cannot be read re-displays the case page with each field's problem and what was typed.
async fn command_fields(
    s: &AppState,
    who: &Principal,
    case_id: &str,
    form_id: &str,
    fields: &[forms::Field],
    form: &Submitted,
) -> Result<Map<String, serde_json::Value>, Response> {
    let zone = case_zone(s, who, case_id).await?;
    match to_json(fields, form, zone) {
        Ok(m) => Ok(m),
        Err(p) => {
            let view = match s.netra.case_view(&who.actor, case_id).await {
                Ok(v) => v,
                Err(e) => return Err(core_error_page(who, e)),
            };
            let state = problems_state(who.lang, form_id, form.clone(), p);
            Err(show_case(s, who, &view, Some(state), None, StatusCode::UNPROCESSABLE_ENTITY).await)
        }
    }
}

async fn case_action(State(s): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let action = form.get("action").cloned().unwrap_or_default();
    let form_id = format!("case-{action}");
    let Some(fields) = case_fields(&action) else { return forbidden_page(who.lang) };
    let mut cmd = match command_fields(&s, &who, &id, &form_id, fields, &form).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    cmd.insert("action".into(), json!(action));
    if action == "decide" {
        let subjects: Vec<_> = form
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("outcome.").map(|t| json!({"track_id": t, "outcome": v})))
            .collect();
        cmd.insert("subjects".into(), json!(subjects));
    }
    let req = json!({"expected_version": version_of(&form), "command": cmd});
    let req: CaseTransitionRequest = match serde_json::from_value(req) {
        Ok(r) => r,
        Err(e) => {
            return redisplay(&s, &who, &id, &form_id, form, CoreError::invalid("command", "invalid", e.to_string()))
                .await;
        }
    };
    match s.netra.transition_case(&who.actor, &id, &req).await {
        Ok(_) => Redirect::to(&format!("/kasus/{id}?selesai=1")).into_response(),
        Err(e) => redisplay(&s, &who, &id, &form_id, form, e).await,
    }
}

async fn schedule(State(s): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let mut m = match command_fields(&s, &who, &id, "schedule", SCHEDULE_FIELDS, &form).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    if m.get("subject_track_id").and_then(|v| v.as_str()).is_some_and(str::is_empty) {
        m.remove("subject_track_id");
    }
    let req: ScheduleClarification = match serde_json::from_value(serde_json::Value::Object(m)) {
        Ok(r) => r,
        Err(e) => {
            return redisplay(&s, &who, &id, "schedule", form, CoreError::invalid("form", "invalid", e.to_string()))
                .await;
        }
    };
    match s.netra.schedule_clarification(&who.actor, &id, &req).await {
        Ok(_) => Redirect::to(&format!("/kasus/{id}?selesai=1")).into_response(),
        Err(e) => redisplay(&s, &who, &id, "schedule", form, e).await,
    }
}

async fn attendance(State(s): State<AppState>, Path((id, sid)): Path<(String, String)>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let form_id = format!("attendance-{sid}");
    let attended = matches!(form.get("attended").map(String::as_str), Some("on" | "true" | "1"));
    let minutes = form.get("minutes").map(|m| m.trim().to_owned()).filter(|m| !m.is_empty());
    let req = RecordAttendance { attended, minutes };
    match s.netra.record_attendance(&who.actor, &id, &sid, &req).await {
        Ok(_) => Redirect::to(&format!("/kasus/{id}?selesai=1")).into_response(),
        Err(e) => redisplay(&s, &who, &id, &form_id, form, e).await,
    }
}

async fn track_action(State(s): State<AppState>, Path(track_id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let action = form.get("action").cloned().unwrap_or_default();
    let form_id = format!("track-{track_id}-{action}");
    let Some(fields) = track_fields(&action) else { return forbidden_page(who.lang) };
    // The owning case decides scope; a foreign track looks exactly like a missing one.
    let case_id = match netra_store::cases::track_case_id(&s.netra.db.pool, &track_id).await {
        Ok(c) => c,
        Err(_) => return core_error_page(&who, CoreError::NotFound),
    };
    let mut cmd = match command_fields(&s, &who, &case_id, &form_id, fields, &form).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    cmd.insert("action".into(), json!(action));
    let req = json!({"expected_version": version_of(&form), "command": cmd});
    let req: TrackTransitionRequest = match serde_json::from_value(req) {
        Ok(r) => r,
        Err(e) => {
            return redisplay(
                &s,
                &who,
                &case_id,
                &form_id,
                form,
                CoreError::invalid("command", "invalid", e.to_string()),
            )
            .await;
        }
    };
    match s.netra.transition_track(&who.actor, &track_id, &req).await {
        Ok(_) => Redirect::to(&format!("/kasus/{case_id}?selesai=1")).into_response(),
        Err(e) => redisplay(&s, &who, &case_id, &form_id, form, e).await,
    }
}
