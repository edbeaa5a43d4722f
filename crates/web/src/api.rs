//! `/api/v1` handlers and the OpenAPI document.

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::Method;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use netra_core::CoreError;
use netra_core::deadlines::deadline_in_region;
use netra_core::intake::{ReportInput, ReportReceipt, TemuanInput};
use netra_core::stats::{FunnelView, PublicFunnelView};
use netra_core::tracks::TrackTransitionRequest;
use netra_core::workflow::{CaseTransitionRequest, CaseView, RecordAttendance, ScheduleClarification};
use netra_domain::ids::RegionCode;
use netra_domain::model::ClarificationSession;
use netra_domain::policy::Actor;
use netra_store::cases::{CaseFilter, CaseRecord};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::AppState;
use crate::error::{ApiError, Localised, Problem};
use crate::i18n::Lang;
use crate::routes::{Access, BAWASLU, CASE_WORKERS, Principal, Registry, TRACK_ACTORS};

type ApiResult<T> = Result<T, Localised>;

/// The request language, from `Accept-Language`.
pub struct ReqLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ReqLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ReqLang(lang_of(&parts.headers)))
    }
}

fn lang_of(h: &HeaderMap) -> Lang {
    Lang::from_accept_language(h.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

/// An authenticated official (bearer token created with `netra admin token create`).
pub struct Official(pub Actor, pub Lang);

impl FromRequestParts<AppState> for Official {
    type Rejection = Localised;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        // The access layer of every official route has authenticated the caller already.
        match parts.extensions.get::<Principal>() {
            Some(p) => Ok(Official(p.actor.clone(), lang)),
            None => Err(Localised(ApiError::Unauthorized, lang)),
        }
    }
}

/// JSON body whose parse errors become problem+json (with the serde message as detail).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Localised;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(req.headers());
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rej) => Err(Localised(ApiError::MalformedJson(rej.body_text()), lang)),
        }
    }
}

fn fail<E: Into<ApiError>>(lang: Lang) -> impl FnOnce(E) -> Localised {
    move |e| Localised(e.into(), lang)
}

/// The JSON API and its access policy (see [`crate::routes`]).
pub fn routes(state: AppState) -> Registry {
    use Access::{Officials, Public};
    use Method as M;
    Registry::new(state)
        .route(M::GET, "/healthz", Public, get(healthz))
        .route(M::GET, "/api/v1/openapi.json", Public, get(openapi_json))
        .route(M::POST, "/api/v1/reports", Public, post(submit_report))
        .route(M::POST, "/api/v1/temuan", Officials(BAWASLU), post(create_temuan))
        .route(M::GET, "/api/v1/cases", Officials(CASE_WORKERS), get(list_cases))
        .route(M::GET, "/api/v1/cases/{id}", Officials(CASE_WORKERS), get(show_case))
        .route(M::GET, "/api/v1/desk", Officials(CASE_WORKERS), get(desk))
        .route(M::POST, "/api/v1/cases/{id}/transitions", Officials(BAWASLU), post(transition_case))
        .route(M::POST, "/api/v1/cases/{id}/clarifications", Officials(BAWASLU), post(schedule_clarification))
        .route(
            M::POST,
            "/api/v1/cases/{id}/clarifications/{session_id}/attendance",
            Officials(BAWASLU),
            post(record_attendance),
        )
        .route(M::POST, "/api/v1/tracks/{id}/transitions", Officials(TRACK_ACTORS), post(transition_track))
        .route(M::GET, "/api/v1/elections", Public, get(list_elections))
        .route(M::GET, "/api/v1/catalogues/violations", Public, get(list_violations))
        .route(M::GET, "/api/v1/deadlines", Public, get(compute_deadline))
        .route(M::GET, "/api/v1/stats/funnel", Officials(CASE_WORKERS), get(funnel_stats))
        .route(M::GET, "/api/v1/public/stats/funnel", Public, get(public_funnel_stats))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    pub status: String,
    pub database: String,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health), (status = 503, body = Problem)))]
pub async fn healthz(State(s): State<AppState>, ReqLang(lang): ReqLang) -> ApiResult<Json<Health>> {
    s.netra.db.ping().await.map_err(fail(lang))?;
    let database = match s.netra.db.dialect {
        netra_store::Dialect::Sqlite => "sqlite",
        netra_store::Dialect::Postgres => "postgres",
    };
    Ok(Json(Health { status: "ok".into(), database: database.into() }))
}

async fn openapi_json() -> impl IntoResponse {
    Json(openapi())
}

/// Public intake of a laporan or an anonymous informasi awal.
///
/// Send an `Idempotency-Key` header (any unique string you keep): a retry with the same key and body
/// returns the same receipt instead of creating a second report.
#[utoipa::path(post, path = "/api/v1/reports", request_body = ReportInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Client-chosen key that makes retries safe")),
    responses((status = 201, body = ReportReceipt), (status = 400, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem), (status = 503, body = Problem)))]
pub async fn submit_report(
    State(s): State<AppState>,
    crate::routes::PublicClient(client): crate::routes::PublicClient,
    headers: HeaderMap,
    ApiJson(input): ApiJson<ReportInput>,
) -> ApiResult<Response> {
    let lang = lang_of(&headers);
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::trim).filter(|k| !k.is_empty());
    if key.is_some_and(|k| k.len() > 200) {
        return Err(Localised(ApiError::BadQuery("Idempotency-Key longer than 200 characters".into()), lang));
    }
    s.netra.check_rate_limit(netra_core::portal::Limit::Submission, &client).await.map_err(fail(lang))?;
    let receipt = s.netra.submit_report(&input, key).await.map_err(fail(lang))?;
    Ok((StatusCode::CREATED, Json(receipt)).into_response())
}

/// An officer records a finding (temuan).
#[utoipa::path(post, path = "/api/v1/temuan", request_body = TemuanInput, security(("bearer" = [])),
    responses((status = 201, body = ReportReceipt), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn create_temuan(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    ApiJson(input): ApiJson<TemuanInput>,
) -> ApiResult<Response> {
    let r = s.netra.create_temuan(&actor, &input).await.map_err(fail(lang))?;
    Ok((StatusCode::CREATED, Json(r)).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// Case state, e.g. `registered`.
    pub state: Option<String>,
    /// Election id or code.
    pub election: Option<String>,
    /// Region subtree (Kemendagri code).
    pub region: Option<String>,
    /// `laporan`, `informasi_awal` or `temuan`.
    pub kind: Option<String>,
    /// Only cases whose running deadline has passed.
    pub overdue: Option<bool>,
    pub received_from: Option<DateTime<Utc>>,
    pub received_to: Option<DateTime<Utc>>,
    /// Cursor: the last id of the previous page.
    pub before: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct CasePage {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<CaseRecord>,
    pub next_before: Option<String>,
}

/// Cases within the caller's scope, newest first, filtered.
#[utoipa::path(get, path = "/api/v1/cases", params(CaseQuery), security(("bearer" = [])),
    responses((status = 200, body = CasePage), (status = 401, body = Problem)))]
pub async fn list_cases(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    q: Result<Query<CaseQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<CasePage>> {
    let Query(q) = q.map_err(|e| Localised(ApiError::BadQuery(e.body_text()), lang))?;
    if let Some(r) = &q.region {
        RegionCode::parse(r).map_err(|e| Localised(ApiError::BadQuery(e.to_string()), lang))?;
    }
    let election_id = match &q.election {
        Some(e) => Some(netra_store::people::election(&s.netra.db, e).await.map_err(fail(lang))?.id),
        None => None,
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let filter = CaseFilter {
        state: q.state,
        election_id,
        region: q.region,
        kind: q.kind,
        overdue_at: q.overdue.filter(|o| *o).map(|_| s.netra.now()),
        received_from: q.received_from,
        received_to: q.received_to,
        before: q.before,
        limit,
    };
    let items = s.netra.list_cases(&actor, &filter).await.map_err(fail(lang))?;
    let next_before = (items.len() as i64 == limit).then(|| items.last().map(|c| c.id.clone())).flatten();
    Ok(Json(CasePage { items, next_before }))
}

/// The case desk as JSON: what needs the caller's action (by deadline) or every case in scope,
/// filtered and searched exactly like the desk page.
#[derive(Serialize, ToSchema)]
pub struct DeskAnswer {
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<netra_store::desk::DeskRow>,
    /// Cursor for the next page (`after`), absent on the last page.
    pub next: Option<String>,
    #[schema(value_type = Object)]
    pub counts: netra_store::desk::DeskCounts,
}

/// The caller's case desk: inbox (default) or all cases, with filters and full-text search.
#[utoipa::path(get, path = "/api/v1/desk", params(crate::ui::DeskQuery), security(("bearer" = [])),
    responses((status = 200, body = DeskAnswer), (status = 400, body = Problem), (status = 401, body = Problem)))]
pub async fn desk(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    q: Result<Query<crate::ui::DeskQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<DeskAnswer>> {
    let Query(q) = q.map_err(|e| Localised(ApiError::BadQuery(e.body_text()), lang))?;
    let elections = netra_store::people::elections(&s.netra.db).await.map_err(fail(lang))?;
    let (filter, problems) = crate::ui::desk_filter(&actor, &q, &elections, 200);
    if !problems.is_empty() {
        return Err(Localised(ApiError::BadQuery(format!("unreadable values: {}", problems.join(", "))), lang));
    }
    let (page, counts) = s.netra.desk(&actor, &filter).await.map_err(fail(lang))?;
    Ok(Json(DeskAnswer { rows: page.rows, next: page.next, counts }))
}

/// One case: intake (never the reporter's identity), act, subjects with deadlines, sessions, timeline.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = CaseView), (status = 404, body = Problem)))]
pub async fn show_case(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    Path(id): Path<String>,
) -> ApiResult<Json<CaseView>> {
    Ok(Json(s.netra.case_view(&actor, &id).await.map_err(fail(lang))?))
}

/// Performs one workflow action on a case (optimistic: send the version you read).
#[utoipa::path(post, path = "/api/v1/cases/{id}/transitions", params(("id" = String, Path)), request_body = CaseTransitionRequest,
    security(("bearer" = [])),
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn transition_case(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CaseTransitionRequest>,
) -> ApiResult<Json<CaseView>> {
    Ok(Json(s.netra.transition_case(&actor, &id, &req).await.map_err(fail(lang))?))
}

/// Schedules a clarification invitation (Formulir Model B.9; second invitation after a no-show).
#[utoipa::path(post, path = "/api/v1/cases/{id}/clarifications", params(("id" = String, Path)), request_body = ScheduleClarification,
    security(("bearer" = [])),
    responses((status = 201, body = Object), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn schedule_clarification(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ScheduleClarification>,
) -> ApiResult<Response> {
    let session: ClarificationSession = s.netra.schedule_clarification(&actor, &id, &req).await.map_err(fail(lang))?;
    Ok((StatusCode::CREATED, Json(session)).into_response())
}

/// Records attendance or absence of a clarification session (minutes: Formulir Model B.12).
#[utoipa::path(post, path = "/api/v1/cases/{id}/clarifications/{session_id}/attendance",
    params(("id" = String, Path), ("session_id" = String, Path)), request_body = RecordAttendance, security(("bearer" = [])),
    responses((status = 200, body = Object), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn record_attendance(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    Path((id, session_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<RecordAttendance>,
) -> ApiResult<Json<ClarificationSession>> {
    Ok(Json(s.netra.record_attendance(&actor, &id, &session_id, &req).await.map_err(fail(lang))?))
}

/// Authority and PPK actions on one civil servant's track: verify, recommend, sanction, enforce.
#[utoipa::path(post, path = "/api/v1/tracks/{id}/transitions", params(("id" = String, Path)), request_body = TrackTransitionRequest,
    security(("bearer" = [])),
    responses((status = 200, body = CaseView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn transition_track(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<TrackTransitionRequest>,
) -> ApiResult<Json<CaseView>> {
    Ok(Json(s.netra.transition_track(&actor, &id, &req).await.map_err(fail(lang))?))
}

/// Elections known to this installation (public reference data).
#[utoipa::path(get, path = "/api/v1/elections", responses((status = 200, body = Vec<Object>)))]
pub async fn list_elections(State(s): State<AppState>, ReqLang(lang): ReqLang) -> ApiResult<Response> {
    let e = netra_store::people::elections(&s.netra.db).await.map_err(fail(lang))?;
    Ok(Json(e).into_response())
}

/// The SKB 2022 violation catalogue with its version.
#[utoipa::path(get, path = "/api/v1/catalogues/violations", responses((status = 200, body = Object)))]
pub async fn list_violations() -> impl IntoResponse {
    Json(netra_domain::catalogue::violations())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    /// Rule id, e.g. `pemilu.report`.
    pub rule: String,
    /// Start instant (RFC 3339).
    pub from: DateTime<Utc>,
    /// Region whose time zone counts (Kemendagri code).
    pub region: String,
}

#[derive(Serialize, ToSchema)]
pub struct DeadlineAnswer {
    pub rule: String,
    pub due: String,
    pub due_utc: DateTime<Utc>,
    pub time_zone: String,
    pub citation: String,
}

/// Computes a legal deadline, so anyone can check a date by hand.
#[utoipa::path(get, path = "/api/v1/deadlines", params(DeadlineQuery), responses((status = 200, body = DeadlineAnswer), (status = 400, body = Problem)))]
pub async fn compute_deadline(
    ReqLang(lang): ReqLang,
    q: Result<Query<DeadlineQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<DeadlineAnswer>> {
    let Query(q) = q.map_err(|e| Localised(ApiError::BadQuery(e.body_text()), lang))?;
    let (due, rule, tz) = deadline_in_region(&q.rule, q.from, &q.region).map_err(|e| match e {
        // A bad region is a bad query parameter, like any other (400, not a body-field 422).
        CoreError::Invalid(f) => {
            Localised(ApiError::BadQuery(f.into_iter().map(|f| f.message).collect::<Vec<_>>().join("; ")), lang)
        }
        other => Localised(other.into(), lang),
    })?;
    let citation = rule.citation.clone();
    Ok(Json(DeadlineAnswer {
        rule: q.rule,
        due: due.to_rfc3339(),
        due_utc: due.with_timezone(&Utc),
        time_zone: tz.as_str().into(),
        citation,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// Election id or code, e.g. `pilkada-2024`.
    pub election: String,
}

/// The handling funnel of an election within the caller's scope, in cases and in ASN.
#[utoipa::path(get, path = "/api/v1/stats/funnel", params(StatsQuery), security(("bearer" = [])),
    responses((status = 200, body = FunnelView), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn funnel_stats(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    q: Result<Query<StatsQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<FunnelView>> {
    let Query(q) = q.map_err(|e| Localised(ApiError::BadQuery(e.body_text()), lang))?;
    Ok(Json(s.netra.funnel(&actor, &q.election).await.map_err(fail(lang))?))
}

/// The national funnel for the public; counts of 1–4 are withheld so nobody can be identified.
#[utoipa::path(get, path = "/api/v1/public/stats/funnel", params(StatsQuery),
    responses((status = 200, body = PublicFunnelView), (status = 404, body = Problem)))]
pub async fn public_funnel_stats(
    State(s): State<AppState>,
    ReqLang(lang): ReqLang,
    q: Result<Query<StatsQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<PublicFunnelView>> {
    let Query(q) = q.map_err(|e| Localised(ApiError::BadQuery(e.body_text()), lang))?;
    Ok(Json(s.netra.public_funnel(&q.election).await.map_err(fail(lang))?))
}

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// Copies each request-body schema's example onto the media type, where clients and fuzzers look
/// for it first.
struct BodyExamples;

impl utoipa::Modify for BodyExamples {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Ok(mut doc) = serde_json::to_value(&*openapi) else { return };
        let schemas = doc["components"]["schemas"].clone();
        let Some(paths) = doc["paths"].as_object_mut() else { return };
        for item in paths.values_mut() {
            let Some(ops) = item.as_object_mut() else { continue };
            for op in ops.values_mut() {
                let Some(content) = op.pointer_mut("/requestBody/content").and_then(|c| c.as_object_mut()) else {
                    continue;
                };
                for media in content.values_mut() {
                    let name = media["schema"]["$ref"].as_str().and_then(|r| r.rsplit('/').next()).map(str::to_owned);
                    if let Some(ex) = name.map(|n| schemas[n.as_str()]["example"].clone()).filter(|e| !e.is_null()) {
                        media["example"] = ex;
                    }
                }
            }
        }
        if let Ok(updated) = serde_json::from_value(doc) {
            *openapi = updated;
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Netra API", version = "1", description = "Supervision of ASN neutrality in Pemilu and Pilkada. Errors are application/problem+json; messages follow Accept-Language (id default, en)."),
    paths(healthz, submit_report, create_temuan, list_cases, show_case, desk, transition_case, schedule_clarification, record_attendance, transition_track, list_elections, list_violations, compute_deadline, funnel_stats, public_funnel_stats),
    components(schemas(Problem, Health, CasePage, DeadlineAnswer)),
    modifiers(&BearerScheme, &BodyExamples)
)]
pub struct ApiDoc;

/// The whole API document: the core endpoints and the statistics endpoints.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(<crate::api_stats::StatsApiDoc as OpenApi>::openapi());
    doc.merge(<crate::api_portal::PortalApiDoc as OpenApi>::openapi());
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every request-body example in the document parses into the type the handler takes, so a
    /// user copying it (or a fuzzer starting from it) gets past deserialisation.
    #[test]
    fn every_request_body_example_deserialises() {
        let doc = serde_json::to_value(openapi()).unwrap();
        let mut checked = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for op in item.as_object().unwrap().values() {
                let Some(media) = op.pointer("/requestBody/content/application~1json") else { continue };
                let ex = media["example"].clone();
                assert!(!ex.is_null(), "{path}: no example");
                let name = media["schema"]["$ref"].as_str().unwrap().rsplit('/').next().unwrap();
                let ok = match name {
                    "ReportInput" => serde_json::from_value::<ReportInput>(ex).map(drop),
                    "TemuanInput" => serde_json::from_value::<TemuanInput>(ex).map(drop),
                    "ReceiptRequest" => serde_json::from_value::<crate::api_portal::ReceiptRequest>(ex).map(drop),
                    "ReceiptMessage" => serde_json::from_value::<crate::api_portal::ReceiptMessage>(ex).map(drop),
                    "MessageInput" => serde_json::from_value::<crate::api_portal::MessageInput>(ex).map(drop),
                    "CaseTransitionRequest" => serde_json::from_value::<CaseTransitionRequest>(ex).map(drop),
                    "ScheduleClarification" => serde_json::from_value::<ScheduleClarification>(ex).map(drop),
                    "RecordAttendance" => serde_json::from_value::<RecordAttendance>(ex).map(drop),
                    "TrackTransitionRequest" => serde_json::from_value::<TrackTransitionRequest>(ex).map(drop),
                    other => panic!("{path}: request body {other} has no deserialisation check"),
                };
                ok.unwrap_or_else(|e| panic!("{path}: example of {name} does not parse: {e}"));
                checked += 1;
            }
        }
        assert_eq!(checked, 9);
    }
}
