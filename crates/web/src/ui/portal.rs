//! The public portal: the reporting form (laporan or anonymous informasi awal, with evidence), the
//! receipt shown once, and the reporter's follow-up with the receipt code (status, messages,
//! more evidence). No cookies, no JavaScript needed, no absolute URLs; nothing about the client is
//! stored or logged (security.md, promise 2).
//!
//! The receipt code travels only in POST bodies and in the `no-store` pages that answer them: never
//! in a URL, a cookie or a log line.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Form, FromRequest, Multipart, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use minijinja::{Value, context};
use netra_core::CoreError;
use netra_core::evidence::{EvidenceError, Uploader};
use netra_core::intake::{ActInput, ReportInput, ReporterInput, SubjectInput};
use netra_core::portal::{Limit, ReceiptAccess, ReporterView, group_digits};
use netra_domain::catalogue;
use netra_domain::ids::RegionCode;
use netra_domain::model::{Election, IntakeKind};
use netra_domain::region::RegionLevel;
use netra_evidence::{UploadPolicy, Vault};
use serde::Deserialize;
use serde_json::json;

use super::error_page;
use super::render::{format_when, zone_of};
use crate::AppState;
use crate::error::{ApiError, Localised};
use crate::i18n::{Lang, t, t_args, try_t};
use crate::routes::{Access, PublicClient, Registry, page_lang};
use crate::upload::{FormFile, TextFieldError, body_limit, read_file_field, read_text_field};

/// Most evidence files in one form.
pub const MAX_FILES: usize = 5;
/// Number of civil-servant rows on the form (more go in the description).
const SUBJECT_ROWS: usize = 3;
/// Longest accepted text field (the description and messages may be long; the rest are short).
const LONG_TEXT: usize = 32 * 1024;
const SHORT_TEXT: usize = 2 * 1024;

pub fn routes(state: AppState) -> Registry {
    use Access::Public;
    use Method as M;
    let limit = hard_limit(&upload_policy(&state));
    Registry::new(state)
        .route(M::GET, "/lapor", Public, get(report_form))
        .route(M::POST, "/lapor", Public, post(report_submit).layer(DefaultBodyLimit::max(limit)))
        .route(M::GET, "/lapor/wilayah", Public, get(region_fragment))
        .route(M::GET, "/tanda-terima", Public, get(receipt_form))
        .route(M::POST, "/tanda-terima", Public, post(receipt_open))
        .route(M::POST, "/tanda-terima/pesan", Public, post(receipt_message))
        .route(M::POST, "/tanda-terima/bukti", Public, post(receipt_evidence).layer(DefaultBodyLimit::max(limit)))
}

fn upload_policy(s: &AppState) -> UploadPolicy {
    s.config.evidence.as_ref().map(|v| v.policy().clone()).unwrap_or_default()
}

/// The body limit of the multipart routes. Twice the room of [`MAX_FILES`] files: a file over the
/// per-file limit is refused by [`read_file_field`] (with its own message) while the rest of the
/// form is still read, so the reporter sees which file was refused and keeps what they typed. Only
/// a body past this limit is cut off.
fn hard_limit(policy: &UploadPolicy) -> usize {
    body_limit(policy, MAX_FILES).saturating_mul(2)
}

// ---------------------------------------------------------------------------------------------
// Rendering (templates live in `render.rs` with every other page)
// ---------------------------------------------------------------------------------------------

/// Renders a portal page. Every portal answer is `no-store`: it may hold a receipt code or what a
/// reporter typed, which must not stay in a shared cache or the browser's disk cache.
fn page(status: StatusCode, name: &str, ctx: Value) -> Response {
    match super::render::env().get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => {
            let mut resp = (status, Html(html)).into_response();
            resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(e) => {
            tracing::error!(template = name, error = %format!("{e:#}"), "portal template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

fn message_page(status: StatusCode, lang: Lang, title: String, text: String) -> Response {
    page(status, "portal_message.html", context! { lang => lang.code(), path => "/lapor", title, text })
}

/// The public landing page (`GET /`): where to report, where to follow a report, and sign-in.
pub async fn home(headers: HeaderMap) -> Response {
    let lang = page_lang(&headers);
    page(StatusCode::OK, "portal_home.html", context! { lang => lang.code(), path => "/" })
}

fn random_key() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("OS randomness");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn wait_text(lang: Lang, secs: u64) -> String {
    let minutes = secs.div_ceil(60).max(1);
    t_args(lang, "portal-rate-limited", &[("minutes", &minutes.to_string())])
}

fn rate_limited(lang: Lang, secs: u64) -> Response {
    let mut resp =
        message_page(StatusCode::TOO_MANY_REQUESTS, lang, t(lang, "portal-rate-limited-title"), wait_text(lang, secs));
    resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    resp
}

/// Counts one submission (a report, or files added later) against the client's and the global cap.
async fn submission_limit(s: &AppState, lang: Lang, client: &netra_core::portal::Client) -> Option<Response> {
    match s.netra.check_rate_limit(Limit::Submission, client).await {
        Ok(()) => None,
        Err(CoreError::RateLimited { retry_after_secs }) => Some(rate_limited(lang, retry_after_secs)),
        Err(e) => Some(failed(lang, e)),
    }
}

fn failed(lang: Lang, e: CoreError) -> Response {
    error_page(lang, &Localised(ApiError::Core(e), lang))
}

// ---------------------------------------------------------------------------------------------
// Reading the multipart forms
// ---------------------------------------------------------------------------------------------

type Values = BTreeMap<String, String>;
type Errors = BTreeMap<String, String>;

/// A multipart form as far as it could be read.
#[derive(Default)]
struct Parsed {
    values: Values,
    violations: Vec<String>,
    files: Vec<FormFile>,
    /// Error code (`evidence-…` or `portal-…`) of the first refused file.
    file_error: Option<&'static str>,
    /// Some file was sent (so the reporter must choose files again after a re-render).
    any_file: bool,
    /// The body stopped before its end (too large or broken).
    broken: bool,
    field_errors: Errors,
}

fn multi_valued(name: &str) -> bool {
    name == "violation"
}

/// Reads a multipart form posted to a portal route. A body declared larger than the route's limit
/// is read and discarded (up to a bound) before answering: a server that answers while the browser
/// is still uploading gets its page lost to a connection reset, and the reporter would see no
/// explanation at all.
async fn read_form(s: &AppState, req: Request) -> Parsed {
    let policy = upload_policy(s);
    let hard = hard_limit(&policy) as u64;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > hard) {
        drain(req.into_body(), hard.saturating_mul(2)).await;
        return Parsed { broken: true, ..Parsed::default() };
    }
    let multipart = Multipart::from_request(req, s).await;
    parse_multipart(multipart, &policy, s.config.evidence.is_some()).await
}

/// Reads and drops up to `cap` bytes of a body (the route timeout bounds the time).
async fn drain(mut body: Body, cap: u64) {
    use axum::body::HttpBody;
    let mut seen = 0u64;
    while let Some(frame) = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await {
        match frame {
            Ok(f) => {
                seen += f.data_ref().map_or(0, |d| d.len() as u64);
                if seen > cap {
                    break;
                }
            }
            Err(_) => break,
        }
    }
}

async fn parse_multipart(
    multipart: Result<Multipart, MultipartRejection>,
    policy: &UploadPolicy,
    vault: bool,
) -> Parsed {
    let mut p = Parsed::default();
    let mut m = match multipart {
        Ok(m) => m,
        Err(_) => {
            p.broken = true;
            return p;
        }
    };
    loop {
        let field = match m.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                p.broken = true;
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "bukti" {
            match read_file_field(field, policy).await {
                Ok(None) => {}
                Ok(Some(f)) => {
                    p.any_file = true;
                    if !vault {
                        p.file_error.get_or_insert("portal-evidence-unavailable");
                    } else if p.files.len() >= MAX_FILES {
                        p.file_error.get_or_insert("portal-too-many-files");
                    } else {
                        p.files.push(f);
                    }
                }
                Err(netra_evidence::Error::Io(_)) => {
                    p.any_file = true;
                    p.broken = true;
                    break;
                }
                Err(e) => {
                    p.any_file = true;
                    p.file_error.get_or_insert(e.code());
                }
            }
            continue;
        }
        let limit =
            if matches!(name.as_str(), "description" | "isi" | "reporter_address") { LONG_TEXT } else { SHORT_TEXT };
        match read_text_field(field, limit).await {
            Ok(v) if multi_valued(&name) => p.violations.push(v),
            Ok(v) => {
                p.values.insert(name, v);
            }
            Err(TextFieldError::TooLong { .. }) => {
                p.field_errors.insert(name, "portal-field-too-long".into());
            }
            Err(TextFieldError::NotUtf8) => {
                p.field_errors.insert(name, "portal-field-not-text".into());
            }
            Err(TextFieldError::Body(_)) => {
                p.broken = true;
                break;
            }
        }
    }
    p
}

/// Checks every file completely (name, type from the bytes, cleaning) without storing anything, so
/// that a bad file refuses the whole report before any of it exists.
async fn inspect_files(vault: &Arc<Vault>, files: &[FormFile]) -> Option<&'static str> {
    for f in files {
        let (v, upload, name) = (vault.clone(), f.upload.clone(), f.file_name.clone());
        let checked = tokio::task::spawn_blocking(move || v.inspect(&upload, name.as_deref())).await;
        match checked {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Some(e.code()),
            Err(_) => return Some("evidence-io"),
        }
    }
    None
}

/// The localised sentence of an error code (`evidence-…`, `portal-…`, or a core field code).
fn explain(lang: Lang, code: &str) -> String {
    try_t(lang, code)
        .or_else(|| try_t(lang, &format!("portal-err-{}", code.replace('_', "-"))))
        .or_else(|| try_t(lang, &format!("field-{}", code.replace('_', "-"))))
        .unwrap_or_else(|| t(lang, "portal-err-invalid"))
}

// ---------------------------------------------------------------------------------------------
// The report form
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct RegionQuery {
    #[serde(default)]
    province: Option<String>,
    #[serde(default)]
    regency: Option<String>,
    #[serde(default)]
    district: Option<String>,
    /// `?induk=33` or `?induk=33.74`: the parent whose children are wanted.
    #[serde(default)]
    induk: Option<String>,
}

/// The place as chosen: each level only if it lies within the level above.
struct Place {
    province: Option<RegionCode>,
    regency: Option<RegionCode>,
    district: Option<RegionCode>,
    /// A lower level did not belong to the one above (changed without pressing "Pilih").
    stale: bool,
}

fn known_region(v: Option<&String>, level: RegionLevel) -> Option<RegionCode> {
    let code = RegionCode::parse(v?.trim()).ok()?;
    (code.level() == level && catalogue::regions().get(&code).is_some()).then_some(code)
}

fn place_of(v: &Values) -> Place {
    let province = known_region(v.get("province"), RegionLevel::Province);
    let mut stale = false;
    let mut regency = known_region(v.get("regency"), RegionLevel::Regency);
    if regency.as_ref().is_some_and(|r| province.as_ref().is_none_or(|p| !r.is_within(p))) {
        regency = None;
        stale = true;
    }
    let mut district = known_region(v.get("district"), RegionLevel::District);
    if district.as_ref().is_some_and(|d| regency.as_ref().is_none_or(|r| !d.is_within(r))) {
        district = None;
        stale = true;
    }
    Place { province, regency, district, stale }
}

impl Place {
    fn deepest(&self) -> Option<&RegionCode> {
        self.district.as_ref().or(self.regency.as_ref()).or(self.province.as_ref())
    }

    fn zone_offset(&self) -> FixedOffset {
        zone_of(self.deepest().map(|r| r.as_str())).offset()
    }

    fn zone_name(&self) -> &'static str {
        zone_of(self.deepest().map(|r| r.as_str())).as_str()
    }
}

fn region_options(regions: &[netra_domain::region::Region]) -> Vec<serde_json::Value> {
    regions.iter().map(|r| json!({ "code": r.code.as_str(), "name": r.name })).collect()
}

fn region_ctx(place: &Place) -> serde_json::Value {
    let idx = catalogue::regions();
    let regencies = place.province.as_ref().map(|p| region_options(idx.children(p))).unwrap_or_default();
    let districts = place.regency.as_ref().map(|r| region_options(idx.children(r))).unwrap_or_default();
    json!({
        "provinces": region_options(idx.provinces()),
        "regencies": regencies,
        "districts": districts,
        "province": place.province.as_ref().map(|r| r.as_str()),
        "regency": place.regency.as_ref().map(|r| r.as_str()),
        "district": place.district.as_ref().map(|r| r.as_str()),
        "zone": place.zone_name(),
    })
}

/// `GET /lapor/wilayah`: the place fieldset again, for htmx to swap in when a level changes.
async fn region_fragment(headers: HeaderMap, Query(q): Query<RegionQuery>) -> Response {
    let lang = page_lang(&headers);
    let mut v = Values::new();
    if let Some(parent) = q.induk.as_deref().and_then(|c| RegionCode::parse(c.trim()).ok()) {
        // `induk` names the level whose children are wanted (the other levels follow from it).
        if let Some(p) = parent.ancestor_at(RegionLevel::Province) {
            v.insert("province".into(), p.as_str().to_owned());
        }
        if parent.level() == RegionLevel::Regency {
            v.insert("regency".into(), parent.as_str().to_owned());
        }
    }
    for (k, val) in [("province", q.province), ("regency", q.regency), ("district", q.district)] {
        if let Some(val) = val.filter(|x| !x.trim().is_empty()) {
            v.insert(k.into(), val);
        }
    }
    let place = place_of(&v);
    page(
        StatusCode::OK,
        "portal_region.html",
        context! { lang => lang.code(), region => Value::from(minijinja::value::Serde(region_ctx(&place))), errors => Errors::new() },
    )
}

fn violation_options(lang: Lang, today: NaiveDate) -> Vec<serde_json::Value> {
    catalogue::violations()
        .iter()
        .filter(|f| f.valid_from <= today && f.valid_to.is_none_or(|to| today <= to))
        .map(|f| {
            let text = if lang == Lang::Id { f.plain_id.clone() } else { f.name_en.clone() };
            json!({ "code": f.code, "text": text })
        })
        .collect()
}

/// The reporting-deadline rules of every election type, in the page language.
fn deadline_rules(lang: Lang) -> Vec<String> {
    netra_domain::deadline::RuleSet::embedded_all()
        .iter()
        .flat_map(|set| set.rules.iter())
        .filter(|r| r.id.ends_with(".report") || r.id.ends_with(".report_quiet_period"))
        .map(|r| if lang == Lang::Id { r.description_id.clone() } else { r.description_en.clone() })
        .collect()
}

fn rule_text(lang: Lang, rule: &str) -> Option<String> {
    netra_domain::deadline::find_rule(rule)
        .ok()
        .map(|(_, r)| if lang == Lang::Id { r.description_id.clone() } else { r.description_en.clone() })
}

/// Everything the form page shows besides what was typed.
struct FormState {
    values: Values,
    violations: Vec<String>,
    errors: Errors,
    general: Option<String>,
    files_again: bool,
    /// The deadline computed from what was typed, when it could be.
    deadline: Option<serde_json::Value>,
}

impl FormState {
    fn fresh() -> Self {
        let mut values = Values::new();
        values.insert("idempotency_key".into(), random_key());
        FormState {
            values,
            violations: Vec::new(),
            errors: Errors::new(),
            general: None,
            files_again: false,
            deadline: None,
        }
    }
}

async fn render_form(s: &AppState, lang: Lang, status: StatusCode, f: FormState) -> Response {
    let elections = match netra_store::people::elections(&s.netra.db).await {
        Ok(e) => e,
        Err(e) => return failed(lang, e.into()),
    };
    let mut candidates = Vec::new();
    for e in &elections {
        match netra_store::people::candidates(&s.netra.db, &e.id).await {
            Ok(list) if !list.is_empty() => candidates.push(json!({
                "election": e.name,
                "items": list.iter().map(|c| json!({
                    "id": c.id, "name": format!("{} {}", c.ballot_number.map(|n| format!("{n}.")).unwrap_or_default(), c.name).trim().to_owned()
                })).collect::<Vec<_>>(),
            })),
            Ok(_) => {}
            Err(e) => return failed(lang, e.into()),
        }
    }
    let place = place_of(&f.values);
    let policy = upload_policy(s);
    let today = s.netra.now().date_naive();
    let ctx = context! {
        lang => lang.code(),
        path => "/lapor",
        v => f.values,
        checked => f.violations,
        errors => f.errors,
        general => f.general,
        files_again => f.files_again,
        deadline => Value::from(minijinja::value::Serde(&f.deadline)),
        elections => Value::from(minijinja::value::Serde(elections.iter().map(|e| json!({"code": e.code, "name": e.name})).collect::<Vec<_>>())),
        candidates => Value::from(minijinja::value::Serde(&candidates)),
        region => Value::from(minijinja::value::Serde(region_ctx(&place))),
        violations => Value::from(minijinja::value::Serde(violation_options(lang, today))),
        subjects => (0..SUBJECT_ROWS).collect::<Vec<_>>(),
        rules => deadline_rules(lang),
        max_mb => policy.max_bytes.div_ceil(1024 * 1024),
        max_files => MAX_FILES,
        evidence_on => s.config.evidence.is_some(),
    };
    page(status, "portal_form.html", ctx)
}

async fn report_form(State(s): State<AppState>, headers: HeaderMap) -> Response {
    render_form(&s, page_lang(&headers), StatusCode::OK, FormState::fresh()).await
}

fn local_time(date: &str, time: &str, offset: FixedOffset) -> Result<Option<DateTime<Utc>>, &'static str> {
    let date = date.trim();
    if date.is_empty() {
        return Ok(None);
    }
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| "portal-err-date")?;
    let time = time.trim();
    let tm = if time.is_empty() {
        NaiveTime::MIN
    } else {
        NaiveTime::parse_from_str(time, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(time, "%H.%M"))
            .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M:%S"))
            .map_err(|_| "portal-err-time")?
    };
    Ok(offset.from_local_datetime(&d.and_time(tm)).single().map(|t| t.with_timezone(&Utc)))
}

fn opt(v: &Values, k: &str) -> Option<String> {
    v.get(k).map(|x| x.trim()).filter(|x| !x.is_empty()).map(str::to_owned)
}

/// The core's field names → the form's.
fn form_field(core: &str, rows: &[usize]) -> String {
    let row = |rest: &str| -> Option<String> {
        let (i, name) = rest.split_once("].")?;
        let i: usize = i.parse().ok()?;
        Some(format!("subject_{}_{}", name, rows.get(i).copied().unwrap_or(0)))
    };
    match core {
        "reporter" | "reporter.name" => "reporter_name".into(),
        "reporter.address" => "reporter_address".into(),
        "reporter.nik" => "reporter_nik".into(),
        "act.region_code" => "region".into(),
        "act.occurred_at" => "occurred".into(),
        "known_at" => "known".into(),
        "act.description" => "description".into(),
        "act.medium" => "medium".into(),
        "act.candidate_id" => "candidate".into(),
        "subjects" | "subjects.agency" => "subject_name_0".into(),
        c if c.starts_with("act.violation_codes") => "violation".into(),
        c if c.starts_with("subjects[") => row(&c["subjects[".len()..]).unwrap_or_else(|| "subject_name_0".into()),
        other => other.to_owned(),
    }
}

/// The report as typed, or the form errors found before asking the core.
fn build_input(
    v: &Values,
    violations: &[String],
    place: &Place,
    errors: &mut Errors,
    lang: Lang,
) -> (Option<ReportInput>, Vec<usize>) {
    let kind = opt(v, "kind");
    match kind.as_deref() {
        Some("laporan" | "informasi_awal") => {}
        _ => {
            errors.insert("kind".into(), t(lang, "portal-err-kind"));
        }
    }
    let laporan = kind.as_deref() == Some("laporan");
    if laporan {
        for k in ["reporter_name", "reporter_address"] {
            if opt(v, k).is_none() {
                errors.insert(k.into(), t(lang, "portal-err-identity-required"));
            }
        }
    }
    if opt(v, "election").is_none() {
        errors.insert("election".into(), t(lang, "portal-err-election"));
    }
    if place.stale {
        errors.insert("region".into(), t(lang, "portal-err-region-stale"));
    } else if place.regency.is_none() {
        errors.insert("region".into(), t(lang, "portal-err-region"));
    }
    let offset = place.zone_offset();
    let mut when = |date: &str, time: &str, field: &str| match local_time(
        v.get(date).map_or("", String::as_str),
        v.get(time).map_or("", String::as_str),
        offset,
    ) {
        Ok(Some(t)) => Some(t),
        Ok(None) => {
            errors.insert(field.into(), t(lang, "field-required"));
            None
        }
        Err(code) => {
            errors.insert(field.into(), t(lang, code));
            None
        }
    };
    let occurred = when("occurred_date", "occurred_time", "occurred");
    let mut known = when("known_date", "known_time", "known");
    // Learned of it the same day without a time: the act's own time, not midnight before it.
    if let (Some(o), Some(k)) = (occurred, known)
        && k < o
        && opt(v, "known_time").is_none()
        && k.date_naive() <= o.date_naive()
    {
        known = Some(o);
    }
    let medium = opt(v, "medium");
    if medium.is_none() {
        errors.insert("medium".into(), t(lang, "portal-err-medium"));
    }
    let mut subjects = Vec::new();
    let mut rows = Vec::new();
    for i in 0..SUBJECT_ROWS {
        let name = opt(v, &format!("subject_name_{i}"));
        let position = opt(v, &format!("subject_position_{i}"));
        let agency = opt(v, &format!("subject_agency_{i}"));
        let nip = opt(v, &format!("subject_nip_{i}"));
        if name.is_none() && position.is_none() && agency.is_none() && nip.is_none() {
            continue;
        }
        // Agency is free text here (the reporter rarely knows the registered code): it goes with
        // the position so officers read both.
        let title = match (position, agency) {
            (Some(p), Some(a)) => Some(format!("{p}, {a}")),
            (p, a) => p.or(a),
        };
        subjects.push(SubjectInput {
            name: name.unwrap_or_default(),
            nip,
            agency: None,
            employment_type: None,
            position_class: None,
            position_title: title,
            territorial_head: false,
            work_region: None,
        });
        rows.push(i);
    }
    if subjects.is_empty() {
        errors.insert("subject_name_0".into(), t(lang, "portal-err-subject"));
    }
    let violation_codes: Vec<String> =
        violations.iter().filter(|c| c.as_str() != "tidak_tahu" && !c.trim().is_empty()).cloned().collect();
    let (Some(kind), Some(occurred), Some(known), Some(region), Some(medium), true) =
        (kind, occurred, known, place.deepest(), medium, errors.is_empty())
    else {
        return (None, rows);
    };
    let reporter = laporan.then(|| ReporterInput {
        name: opt(v, "reporter_name").unwrap_or_default(),
        address: opt(v, "reporter_address").unwrap_or_default(),
        nik: opt(v, "reporter_nik"),
        phone: opt(v, "reporter_phone"),
        email: opt(v, "reporter_email"),
    });
    let input = ReportInput {
        kind,
        election: opt(v, "election").unwrap_or_default(),
        reporter,
        known_at: known,
        act: ActInput {
            occurred_at: occurred,
            region_code: region.as_str().to_owned(),
            description: v.get("description").cloned().unwrap_or_default(),
            violation_codes,
            candidate_id: opt(v, "candidate"),
            medium,
            platform: opt(v, "platform"),
            url: opt(v, "url"),
        },
        subjects,
    };
    (Some(input), rows)
}

/// The deadline that would apply, to show next to the dates after a failed submission.
async fn deadline_hint(s: &AppState, lang: Lang, input: &ReportInput, place: &Place) -> Option<serde_json::Value> {
    let election: Election = netra_store::people::election(&s.netra.db, &input.election).await.ok()?;
    let region = place.deepest()?;
    let kind = if input.kind == "laporan" { IntakeKind::Laporan } else { IntakeKind::InformasiAwal };
    let d = s.netra.reporting_deadline(&election, kind, &input.act, input.known_at, region).ok()?;
    let zone = zone_of(Some(region.as_str()));
    Some(json!({
        "due": format_when(d.due, zone, lang),
        "late": s.netra.now() > d.due,
        "rule": rule_text(lang, &d.rule),
    }))
}

async fn report_submit(
    State(s): State<AppState>,
    headers: HeaderMap,
    PublicClient(client): PublicClient,
    req: Request,
) -> Response {
    let lang = page_lang(&headers);
    // Before reading the body: a flood is refused without buffering anything.
    if let Some(r) = submission_limit(&s, lang, &client).await {
        return r;
    }
    let policy = upload_policy(&s);
    let p = read_form(&s, req).await;
    let mut f = FormState {
        values: p.values,
        violations: p.violations,
        errors: Errors::new(),
        general: None,
        files_again: p.any_file,
        deadline: None,
    };
    if opt(&f.values, "idempotency_key").is_none() {
        f.values.insert("idempotency_key".into(), random_key());
    }
    for (k, code) in &p.field_errors {
        f.errors.insert(k.clone(), explain(lang, code));
    }
    if p.broken {
        let mb = policy.max_bytes.div_ceil(1024 * 1024).to_string();
        f.general = Some(t_args(lang, "portal-form-too-large", &[("mb", &mb), ("files", &MAX_FILES.to_string())]));
        return render_form(&s, lang, StatusCode::PAYLOAD_TOO_LARGE, f).await;
    }
    // "Pilih": only the next level of the place picker, nothing is submitted.
    if f.values.get("action").map(String::as_str) == Some("wilayah") {
        f.values.remove("action");
        return render_form(&s, lang, StatusCode::OK, f).await;
    }
    let place = place_of(&f.values);
    let (input, rows) = build_input(&f.values, &f.violations, &place, &mut f.errors, lang);
    if let Some(code) = p.file_error {
        f.errors.insert("bukti".into(), explain(lang, code));
    } else if let Some(vault) = &s.config.evidence
        && let Some(code) = inspect_files(vault, &p.files).await
    {
        f.errors.insert("bukti".into(), explain(lang, code));
    }
    if let Some(i) = &input {
        f.deadline = deadline_hint(&s, lang, i, &place).await;
    }
    let Some(input) = input.filter(|_| f.errors.is_empty()) else {
        f.general = Some(t(lang, "portal-fix-errors"));
        return render_form(&s, lang, StatusCode::UNPROCESSABLE_ENTITY, f).await;
    };
    let key = f.values.get("idempotency_key").cloned().unwrap_or_default();
    let receipt = match s.netra.submit_report(&input, Some(&key)).await {
        Ok(r) => r,
        Err(CoreError::Invalid(errs)) => {
            for e in errs {
                let field = form_field(&e.field, &rows);
                f.errors.entry(field).or_insert_with(|| explain(lang, &e.code));
            }
            f.general = Some(t(lang, "portal-fix-errors"));
            return render_form(&s, lang, StatusCode::UNPROCESSABLE_ENTITY, f).await;
        }
        Err(CoreError::IdempotencyMismatch) => {
            // This form was already sent once with other content: that report exists. A new key
            // lets the reporter send the changed one as a new report if they mean to.
            f.values.insert("idempotency_key".into(), random_key());
            f.general = Some(t(lang, "portal-already-sent"));
            return render_form(&s, lang, StatusCode::CONFLICT, f).await;
        }
        Err(e) => return failed(lang, e),
    };
    let attached = attach_all(&s, &receipt.intake_id, &receipt.case_id, p.files, lang).await;
    let zone = zone_of(Some(input.act.region_code.as_str()));
    let code = receipt.receipt_code.as_deref().map(group_digits).unwrap_or_default();
    page(
        StatusCode::OK,
        "portal_done.html",
        context! {
            lang => lang.code(),
            path => "/lapor",
            receipt => code,
            kind => receipt.kind,
            received => format_when(receipt.received_at, zone, lang),
            due => format_when(receipt.reporting_deadline.due, zone, lang),
            rule => rule_text(lang, &receipt.reporting_deadline.rule),
            late => receipt.late,
            files => Value::from(minijinja::value::Serde(&attached)),
        },
    )
}

/// Attaches the files of a stored report. A retried submission (same idempotency key) comes back
/// with the same case: files whose bytes are already attached are not stored twice.
async fn attach_all(
    s: &AppState,
    intake_id: &str,
    case_id: &str,
    files: Vec<FormFile>,
    lang: Lang,
) -> Vec<serde_json::Value> {
    let Some(vault) = &s.config.evidence else { return Vec::new() };
    let existing: Vec<String> = netra_store::evidence::for_case(&s.netra.db.pool, case_id)
        .await
        .map(|rows| rows.into_iter().map(|r| r.sha256).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    for (i, f) in files.into_iter().enumerate() {
        let n = i + 1;
        if existing.contains(&f.upload.sha256_hex()) {
            out.push(json!({ "n": n, "ok": true, "text": t(lang, "portal-file-already") }));
            continue;
        }
        let r = s
            .netra
            .evidence(vault)
            .attach_evidence(Uploader::Reporter { intake_id }, case_id, f.upload, f.file_name.as_deref())
            .await;
        out.push(match r {
            Ok(e) => json!({ "n": n, "ok": true, "text": cleaning_text(lang, &e.cleaning), "name": e.name }),
            Err(e) => {
                tracing::error!(code = e.code(), "evidence of a new report could not be stored");
                json!({ "n": n, "ok": false, "text": t(lang, "portal-file-failed") })
            }
        });
    }
    out
}

fn cleaning_text(lang: Lang, cleaning: &str) -> String {
    if cleaning == "cleaned" { t(lang, "portal-file-cleaned") } else { t(lang, "portal-file-not-cleanable") }
}

// ---------------------------------------------------------------------------------------------
// Follow-up with the receipt code
// ---------------------------------------------------------------------------------------------

async fn receipt_form(headers: HeaderMap) -> Response {
    let lang = page_lang(&headers);
    receipt_page(lang, StatusCode::OK, "", None)
}

fn receipt_page(lang: Lang, status: StatusCode, typed: &str, error: Option<String>) -> Response {
    page(
        status,
        "portal_receipt.html",
        context! { lang => lang.code(), path => "/tanda-terima", typed => typed, error => error },
    )
}

/// Verifies a typed code; on failure, the answer to give. Unknown and wrong codes get the same page
/// (nothing typed is echoed) and the same status.
async fn verify(
    s: &AppState,
    lang: Lang,
    client: &netra_core::portal::Client,
    typed: &str,
) -> Result<ReceiptAccess, Response> {
    match s.netra.open_receipt(client, typed).await {
        Ok(a) => Ok(a),
        Err(CoreError::Invalid(errs)) => {
            let code = errs.first().map(|e| e.code.clone()).unwrap_or_default();
            let msg = match code.as_str() {
                "receipt_not_digits" => t(lang, "portal-receipt-not-digits"),
                "receipt_length" => t(lang, "portal-receipt-length"),
                _ => t(lang, "portal-receipt-required"),
            };
            Err(receipt_page(lang, StatusCode::UNPROCESSABLE_ENTITY, typed, Some(msg)))
        }
        Err(CoreError::NotFound) => {
            Err(receipt_page(lang, StatusCode::NOT_FOUND, "", Some(t(lang, "portal-receipt-unknown"))))
        }
        Err(CoreError::RateLimited { retry_after_secs }) => {
            let mut r = receipt_page(lang, StatusCode::TOO_MANY_REQUESTS, "", Some(wait_text(lang, retry_after_secs)));
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            Err(r)
        }
        Err(e) => Err(failed(lang, e)),
    }
}

/// What the status page says after an action on it.
#[derive(Default)]
struct StatusNote {
    notice: Option<String>,
    message_error: Option<String>,
    message_typed: String,
    evidence_error: Option<String>,
}

async fn status_page(
    s: &AppState,
    lang: Lang,
    access: &ReceiptAccess,
    code: &str,
    status: StatusCode,
    note: StatusNote,
) -> Response {
    let view: ReporterView = match s.netra.reporter_view(access).await {
        Ok(v) => v,
        Err(e) => return failed(lang, e),
    };
    let zone = zone_of(view.handling_region.as_deref());
    let messages: Vec<serde_json::Value> = view
        .messages
        .iter()
        .map(|m| {
            json!({
                "mine": m.direction == "reporter",
                "body": m.body,
                "at": format_when(m.created_at, zone, lang),
            })
        })
        .collect();
    let evidence: Vec<serde_json::Value> = view
        .evidence
        .iter()
        .map(|e| {
            json!({
                "name": e.name,
                "kind": t(lang, &format!("portal-evidence-kind-{}", e.kind)),
                "cleaning": cleaning_text(lang, &e.cleaning),
                "at": format_when(e.added_at, zone, lang),
            })
        })
        .collect();
    let state_text = try_t(lang, &format!("portal-status-{}", view.status)).unwrap_or_else(|| view.status.clone());
    let office = view
        .handling_region
        .as_deref()
        .and_then(|r| RegionCode::parse(r).ok())
        .and_then(|r| catalogue::region(&r).map(|x| x.name.clone()));
    page(
        status,
        "portal_status.html",
        context! {
            lang => lang.code(),
            path => "/tanda-terima",
            code => code,
            kind => view.kind,
            number => view.number,
            state_text => state_text,
            since => format_when(view.status_since, zone, lang),
            received => format_when(view.received_at, zone, lang),
            late => view.late,
            office => office,
            subjects => view.subjects,
            forwarded => view.subjects_forwarded,
            recommended => view.subjects_recommended,
            sanctioned => view.subjects_sanctioned,
            messages => Value::from(minijinja::value::Serde(&messages)),
            evidence => Value::from(minijinja::value::Serde(&evidence)),
            notice => note.notice,
            message_error => note.message_error,
            message_typed => note.message_typed,
            evidence_error => note.evidence_error,
            max_mb => upload_policy(s).max_bytes.div_ceil(1024 * 1024),
            max_files => MAX_FILES,
            evidence_on => s.config.evidence.is_some(),
        },
    )
}

fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
}

/// The code as digits only, for the hidden fields of the status page's own forms.
fn digits(typed: &str) -> String {
    typed.chars().filter(char::is_ascii_digit).collect()
}

async fn receipt_open(
    State(s): State<AppState>,
    headers: HeaderMap,
    PublicClient(client): PublicClient,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let lang = page_lang(&headers);
    let typed = field(&pairs, "kode");
    match verify(&s, lang, &client, &typed).await {
        Ok(access) => status_page(&s, lang, &access, &digits(&typed), StatusCode::OK, StatusNote::default()).await,
        Err(r) => r,
    }
}

async fn receipt_message(
    State(s): State<AppState>,
    headers: HeaderMap,
    PublicClient(client): PublicClient,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let lang = page_lang(&headers);
    let typed = field(&pairs, "kode");
    let access = match verify(&s, lang, &client, &typed).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let body = field(&pairs, "isi");
    let code = digits(&typed);
    match s.netra.reporter_message(&access, &body).await {
        Ok(_) => {
            let note = StatusNote { notice: Some(t(lang, "portal-message-sent")), ..Default::default() };
            status_page(&s, lang, &access, &code, StatusCode::OK, note).await
        }
        Err(CoreError::Invalid(errs)) => {
            let code_of = errs.first().map(|e| e.code.clone()).unwrap_or_default();
            let msg = match code_of.as_str() {
                "too_long" => t(lang, "portal-message-too-long"),
                _ => t(lang, "portal-message-required"),
            };
            let note = StatusNote { message_error: Some(msg), message_typed: body, ..Default::default() };
            status_page(&s, lang, &access, &code, StatusCode::UNPROCESSABLE_ENTITY, note).await
        }
        Err(e) => failed(lang, e),
    }
}

async fn receipt_evidence(
    State(s): State<AppState>,
    headers: HeaderMap,
    PublicClient(client): PublicClient,
    req: Request,
) -> Response {
    let lang = page_lang(&headers);
    // Uploads count as submissions before the body is read; the code itself then counts as a
    // receipt use like any other presentation of it.
    if let Some(r) = submission_limit(&s, lang, &client).await {
        return r;
    }
    let policy = upload_policy(&s);
    let p = read_form(&s, req).await;
    let typed = p.values.get("kode").cloned().unwrap_or_default();
    let access = match verify(&s, lang, &client, &typed).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let code = digits(&typed);
    let refuse = |msg: String| StatusNote { evidence_error: Some(msg), ..Default::default() };
    if p.broken {
        let mb = policy.max_bytes.div_ceil(1024 * 1024).to_string();
        let msg = t_args(lang, "portal-form-too-large", &[("mb", &mb), ("files", &MAX_FILES.to_string())]);
        return status_page(&s, lang, &access, &code, StatusCode::PAYLOAD_TOO_LARGE, refuse(msg)).await;
    }
    if let Some(c) = p.file_error {
        return status_page(&s, lang, &access, &code, StatusCode::UNPROCESSABLE_ENTITY, refuse(explain(lang, c))).await;
    }
    let Some(vault) = s.config.evidence.clone() else {
        let msg = t(lang, "portal-evidence-unavailable");
        return status_page(&s, lang, &access, &code, StatusCode::SERVICE_UNAVAILABLE, refuse(msg)).await;
    };
    if p.files.is_empty() {
        let msg = t(lang, "portal-evidence-none");
        return status_page(&s, lang, &access, &code, StatusCode::UNPROCESSABLE_ENTITY, refuse(msg)).await;
    }
    if let Some(c) = inspect_files(&vault, &p.files).await {
        return status_page(&s, lang, &access, &code, StatusCode::UNPROCESSABLE_ENTITY, refuse(explain(lang, c))).await;
    }
    let n = p.files.len();
    for f in p.files {
        let r = s
            .netra
            .evidence(&vault)
            .attach_evidence(
                Uploader::Reporter { intake_id: access.intake_id() },
                access.case_id(),
                f.upload,
                f.file_name.as_deref(),
            )
            .await;
        match r {
            Ok(_) => {}
            Err(EvidenceError::File(e)) if e.is_rejection() => {
                return status_page(
                    &s,
                    lang,
                    &access,
                    &code,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    refuse(explain(lang, e.code())),
                )
                .await;
            }
            Err(e) => {
                tracing::error!(code = e.code(), "reporter evidence could not be stored");
                let msg = t(lang, "portal-file-failed");
                return status_page(&s, lang, &access, &code, StatusCode::SERVICE_UNAVAILABLE, refuse(msg)).await;
            }
        }
    }
    let note = StatusNote {
        notice: Some(t_args(lang, "portal-evidence-added", &[("n", &n.to_string())])),
        ..Default::default()
    };
    status_page(&s, lang, &access, &code, StatusCode::OK, note).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_codes_have_sentences_in_both_languages() {
        for code in [
            "evidence-empty",
            "evidence-too-large",
            "evidence-type-not-allowed",
            "evidence-link-not-a-file",
            "evidence-name-traversal",
            "evidence-malformed",
            "evidence-archive-bomb",
            "evidence-unsafe-archive",
            "evidence-no-derivative",
        ] {
            for lang in [Lang::Id, Lang::En] {
                assert!(try_t(lang, code).is_some(), "{code} missing in {lang:?}");
            }
        }
    }

    #[test]
    fn every_case_state_has_a_plain_sentence() {
        for state in [
            "received",
            "incomplete",
            "not_registered",
            "withdrawn",
            "transferred",
            "forwarded_direct",
            "registered",
            "clarification",
            "study",
            "plenary",
            "stopped",
            "referred",
            "gakkumdu",
        ] {
            assert!(try_t(Lang::Id, &format!("portal-status-{state}")).is_some(), "{state}");
        }
    }

    #[test]
    fn core_fields_map_to_form_fields() {
        assert_eq!(form_field("subjects[1].nip", &[0, 2]), "subject_nip_2");
        assert_eq!(form_field("act.violation_codes[0]", &[]), "violation");
        assert_eq!(form_field("reporter.nik", &[]), "reporter_nik");
    }
}
