//! The case page's messages with the reporter and its evidence: the section data for the page, the
//! reply form, the upload form and the downloads.
//!
//! Only Bawaslu roles ever see or write reporter messages (what a reporter writes may identify
//! them; the PPK and the authority must not read it). Every case worker sees the evidence list and
//! the cleaned copies; sealed originals and uploads are Bawaslu's.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use netra_core::CoreError;
use netra_core::evidence::{EvidenceError, EvidenceView, Uploader};
use netra_core::workflow::CaseView;
use serde_json::json;

use super::{FormState, Posted, core_error_page, error_page, form_refused, message, redisplay, show_case};
use crate::AppState;
use crate::api_portal::{download, upload_policy};
use crate::error::{ApiError, Localised};
use crate::i18n::t;
use crate::routes::{Access, BAWASLU, CASE_WORKERS, Principal, Registry};
use crate::upload::{body_limit, read_file_field, read_text_field};

/// Form id of the reply form (errors and typed text come back under it).
const MESSAGE_FORM: &str = "message";
/// Form id of the upload form.
const EVIDENCE_FORM: &str = "evidence";

pub fn routes(state: AppState) -> Registry {
    use Access::Officials;
    use Method as M;
    let limit = DefaultBodyLimit::max(body_limit(&upload_policy(&state), 1));
    Registry::new(state)
        .route(M::POST, "/kasus/{id}/pesan", Officials(BAWASLU), post(send_message))
        .route(M::POST, "/kasus/{id}/bukti", Officials(BAWASLU), post(upload).layer(limit))
        .route(M::GET, "/kasus/{id}/bukti/{eid}", Officials(CASE_WORKERS), get(derivative))
        .route(M::GET, "/kasus/{id}/bukti/{eid}/asli", Officials(BAWASLU), get(original))
}

fn evidence_row(e: &EvidenceView) -> serde_json::Value {
    json!({
        "view": e,
        "size_kib": (e.size_bytes + 1023) / 1024,
        "sha_short": e.sha256.chars().take(12).collect::<String>(),
        "removed": e.removed.join(", "),
    })
}

/// What the case page shows of messages and evidence for `who`. A listing that fails leaves its
/// part of the page out (logged) rather than failing the whole case page.
pub(super) async fn section(s: &AppState, who: &Principal, view: &CaseView) -> serde_json::Value {
    let case_id = &view.case.id;
    let bawaslu = who.actor.role.is_bawaslu();
    let messages = if bawaslu {
        match s.netra.case_messages(&who.actor, case_id).await {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::warn!(error = %e, "reporter messages could not be listed");
                None
            }
        }
    } else {
        None
    };
    let evidence = match &s.config.evidence {
        Some(vault) => match s.netra.evidence(vault).evidence_list(&who.actor, case_id).await {
            Ok(list) => Some(list.iter().map(evidence_row).collect::<Vec<_>>()),
            Err(e) => {
                tracing::warn!(error = %e, "evidence could not be listed");
                None
            }
        },
        None => None,
    };
    let configured = s.config.evidence.is_some();
    json!({
        "messages": messages,
        "can_message": messages.is_some(),
        "evidence": evidence,
        "configured": configured,
        "can_upload": bawaslu && configured,
        "max_mib": upload_policy(s).max_bytes / (1024 * 1024),
    })
}

async fn send_message(State(s): State<AppState>, Path(id): Path<String>, posted: Posted) -> Response {
    let Posted { who, form } = posted;
    let body = form.get("body").cloned().unwrap_or_default();
    match s.netra.office_message(&who.actor, &id, &body).await {
        Ok(_) => Redirect::to(&format!("/kasus/{id}?selesai=1#pesan")).into_response(),
        Err(e) => redisplay(&s, &who, &id, MESSAGE_FORM, form, e).await,
    }
}

/// Shows the case page again with `text` above the upload form.
async fn upload_refused(s: &AppState, who: &Principal, case_id: &str, status: StatusCode, text: String) -> Response {
    let view = match s.netra.case_view(&who.actor, case_id).await {
        Ok(v) => v,
        Err(e) => return core_error_page(who, e),
    };
    let state = FormState { id: EVIDENCE_FORM.into(), general: Some(text), ..Default::default() };
    show_case(s, who, &view, Some(state), None, status).await
}

/// A failed evidence use case as a page: refusals of the file go back to the form, scope and role
/// failures look like any other case page's, and server-side failures never send the bytes.
async fn evidence_failure(s: &AppState, who: &Principal, case_id: &str, e: EvidenceError) -> Response {
    let lang = who.lang;
    match e {
        EvidenceError::Core(CoreError::Invalid(_)) => {
            upload_refused(s, who, case_id, StatusCode::UNPROCESSABLE_ENTITY, t(lang, "case-evidence-choose-file"))
                .await
        }
        EvidenceError::Core(c @ (CoreError::NotFound | CoreError::Denied(_))) => core_error_page(who, c),
        EvidenceError::Core(c) => error_page(lang, &Localised(c.into(), lang)),
        EvidenceError::File(f) if f.is_rejection() => {
            let code = f.code();
            let err = ApiError::from(EvidenceError::File(f));
            upload_refused(s, who, case_id, err.status(), t(lang, code)).await
        }
        other => {
            let code = other.code();
            let err = ApiError::from(other);
            if err.status().is_server_error() {
                tracing::error!(error = ?err, code, "evidence request failed");
            }
            message(err.status(), lang, "error-title", code)
        }
    }
}

/// Multipart upload from the case page. The CSRF token is the first part and is checked against
/// the session exactly as [`Posted`] checks a urlencoded form, before any byte of the file is read.
async fn upload(
    State(s): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> Response {
    let lang = who.lang;
    // A body that is not a multipart form carries no token we can check: refused like a missing one.
    let Ok(mut form) = form else { return form_refused(lang) };
    let sent = match form.next_field().await {
        Ok(Some(f)) if f.name() == Some("_csrf") => read_text_field(f, 256).await.ok(),
        _ => None,
    };
    if !sent.is_some_and(|sent| who.session.as_ref().is_some_and(|session| session.csrf_matches(&sent))) {
        return form_refused(lang);
    }
    let Some(vault) = s.config.evidence.clone() else {
        return upload_refused(&s, &who, &id, StatusCode::SERVICE_UNAVAILABLE, t(lang, "evidence-unconfigured")).await;
    };
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(f)) if f.name() == Some("file") => {
                file = Some(read_file_field(f, vault.policy()).await);
                break;
            }
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(e) => {
                file = Some(Err(netra_evidence::Error::Io(e.body_text())));
                break;
            }
        }
    }
    let file = match file {
        Some(Ok(Some(f))) => f,
        Some(Ok(None)) | None => {
            return upload_refused(
                &s,
                &who,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                t(lang, "case-evidence-choose-file"),
            )
            .await;
        }
        Some(Err(e)) => return evidence_failure(&s, &who, &id, e.into()).await,
    };
    match s
        .netra
        .evidence(&vault)
        .attach_evidence(Uploader::Official(&who.actor), &id, file.upload, file.file_name.as_deref())
        .await
    {
        Ok(_) => Redirect::to(&format!("/kasus/{id}?selesai=1#bukti")).into_response(),
        Err(e) => evidence_failure(&s, &who, &id, e).await,
    }
}

/// The evidence must belong to the case in the path; any other pairing is the same "not found".
async fn of_case(s: &AppState, who: &Principal, case_id: &str, evidence_id: &str) -> Result<(), Response> {
    match netra_store::evidence::get(&s.netra.db.pool, evidence_id).await {
        Ok(r) if r.case_id == case_id => Ok(()),
        Ok(_) | Err(netra_store::StoreError::NotFound) => Err(core_error_page(who, CoreError::NotFound)),
        Err(e) => Err(core_error_page(who, e.into())),
    }
}

async fn open(s: &AppState, who: &Principal, case_id: &str, evidence_id: &str, original: bool) -> Response {
    let Some(vault) = s.config.evidence.clone() else {
        return message(StatusCode::SERVICE_UNAVAILABLE, who.lang, "error-title", "evidence-unconfigured");
    };
    if let Err(r) = of_case(s, who, case_id, evidence_id).await {
        return r;
    }
    let ev = s.netra.evidence(&vault);
    let file = if original {
        ev.open_original(&who.actor, evidence_id).await
    } else {
        ev.open_derivative(&who.actor, evidence_id).await
    };
    match file {
        Ok(f) => download(f),
        Err(e) => evidence_failure(s, who, case_id, e).await,
    }
}

async fn derivative(State(s): State<AppState>, who: Principal, Path((id, eid)): Path<(String, String)>) -> Response {
    open(&s, &who, &id, &eid, false).await
}

async fn original(State(s): State<AppState>, who: Principal, Path((id, eid)): Path<(String, String)>) -> Response {
    open(&s, &who, &id, &eid, true).await
}
