//! Identity custody pages: an officer asks to unseal a reporter's identity with a written reason,
//! the identity custodian approves or refuses, and the requester reads it once after re-entering
//! password and code. The identity is only ever on the final page, which is never cached.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::Value;
use netra_core::CoreError;
use netra_core::auth::AuthError;
use netra_core::custody::{CustodyError, UnsealDecisionInput, UnsealRequestInput};
use netra_core::workflow::CaseView;
use netra_domain::policy::Role;
use serde_json::json;

use super::render::render;
use super::{Posted, base_ctx, core_error_page, error_page, forbidden_page};
use crate::AppState;
use crate::error::Localised;
use crate::i18n::{Lang, t};
use crate::routes::{Access, BAWASLU, Principal, Registry, SESSION_COOKIE, cookie};

const CUSTODIANS: &[Role] = &[Role::IdentityCustodian];

pub fn routes(state: AppState) -> Registry {
    use Access::Officials;
    use Method as M;
    Registry::new(state)
        .route(M::POST, "/kasus/{id}/identitas", Officials(BAWASLU), post(request))
        .route(M::GET, "/identitas", Officials(CUSTODIANS), get(queue))
        .route(M::POST, "/identitas/{rid}/putusan", Officials(CUSTODIANS), post(decide))
        .route(M::GET, "/identitas/{rid}/buka", Officials(BAWASLU), get(unseal_form))
        .route(M::POST, "/identitas/{rid}/buka", Officials(BAWASLU), post(unseal))
}

/// What the case page shows about custody: the requests of this laporan and whether the viewer
/// may ask. Empty for roles outside custody and for cases without a sealed identity.
pub async fn case_section(s: &AppState, who: &Principal, view: &CaseView) -> serde_json::Value {
    let role = who.actor.role;
    if view.intake.kind != "laporan" || !(role.is_bawaslu() || role == Role::IdentityCustodian) {
        return json!(null);
    }
    match s.netra.unseal_requests_for_case(&who.actor, &view.case.id).await {
        Ok(requests) => json!({"requests": requests, "can_request": role.is_bawaslu()}),
        Err(e) => {
            tracing::warn!(error = %e, "custody requests could not be listed");
            json!(null)
        }
    }
}

fn custody_message(lang: Lang, e: &CustodyError) -> String {
    match e {
        CustodyError::Core(CoreError::Invalid(_)) => t(lang, "custody-reason-short"),
        other => t(lang, &format!("custody-{}", other.code())),
    }
}

fn failure(who: &Principal, e: CustodyError) -> Response {
    match e {
        CustodyError::Core(c @ (CoreError::NotFound | CoreError::Denied(_))) => core_error_page(who, c),
        CustodyError::Core(c @ (CoreError::Store(_) | CoreError::Seal)) => {
            error_page(who.lang, &Localised(c.into(), who.lang))
        }
        other => {
            let mut ctx = base_ctx(who, "/identitas");
            ctx.insert("title".into(), json!(t(who.lang, "custody-title")));
            ctx.insert("text".into(), json!(custody_message(who.lang, &other)));
            render(StatusCode::CONFLICT, "message.html", Value::from(minijinja::value::Serde(&ctx)))
        }
    }
}

async fn request(State(s): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let reason = form.get("reason").cloned().unwrap_or_default();
    match s.netra.request_unseal(&who.actor, &id, &UnsealRequestInput { reason }).await {
        Ok(_) => Redirect::to(&format!("/kasus/{id}?selesai=1#identitas")).into_response(),
        Err(e) => failure(&who, e),
    }
}

async fn queue(State(s): State<AppState>, who: Principal) -> Response {
    match s.netra.pending_unseal_requests(&who.actor).await {
        Ok(requests) => {
            let mut ctx = base_ctx(&who, "/identitas");
            ctx.insert("requests".into(), json!(requests));
            let mut r = render(StatusCode::OK, "custody.html", Value::from(minijinja::value::Serde(&ctx)));
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            r
        }
        Err(e) => failure(&who, e),
    }
}

async fn decide(State(s): State<AppState>, Path(rid): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let approve = form.get("decision").map(String::as_str) == Some("approve");
    let reason = form.get("reason").cloned().unwrap_or_default();
    match s.netra.decide_unseal(&who.actor, &rid, &UnsealDecisionInput { approve, reason }).await {
        Ok(_) => Redirect::to("/identitas").into_response(),
        Err(e) => failure(&who, e),
    }
}

fn unseal_page(who: &Principal, rid: &str, error: Option<String>, identity: Option<serde_json::Value>) -> Response {
    let mut ctx = base_ctx(who, &format!("/identitas/{rid}/buka"));
    ctx.insert("rid".into(), json!(rid));
    ctx.insert("error".into(), json!(error));
    ctx.insert("identity".into(), json!(identity));
    let status = if error.is_some() { StatusCode::UNAUTHORIZED } else { StatusCode::OK };
    let mut r = render(status, "unseal.html", Value::from(minijinja::value::Serde(&ctx)));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn unseal_form(who: Principal, Path(rid): Path<String>) -> Response {
    unseal_page(&who, &rid, None, None)
}

/// Re-authenticates (password and a fresh code) and unseals in one step, so the identity is shown
/// only to someone who just proved who they are.
async fn unseal(State(s): State<AppState>, Path(rid): Path<String>, headers: HeaderMap, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let token = cookie(&headers, SESSION_COOKIE).unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let code = form.get("code").map(|c| c.trim().to_owned()).unwrap_or_default();
    let now = s.netra.now();
    let at = match s.netra.auth().reauthenticate(token, &password, &code, now).await {
        Ok(at) => at,
        Err(AuthError::Store(e)) => return error_page(who.lang, &Localised(e.into(), who.lang)),
        Err(AuthError::Locked { .. }) => return forbidden_page(who.lang),
        Err(_) => return unseal_page(&who, &rid, Some(t(who.lang, "signin-failed")), None),
    };
    match s.netra.unseal_identity(&who.actor, &rid, at).await {
        Ok(u) => unseal_page(&who, &rid, None, Some(json!({"case_id": u.case_id, "reporter": u.reporter}))),
        Err(e) => failure(&who, e),
    }
}
