//! JSON API of the reporter follow-up (receipt status, messages, evidence), the officials' side of
//! the messages, and evidence upload and download for both.
//!
//! A reporter proves nothing but possession of a receipt code, sent in the body (never in a URL, so
//! it stays out of proxy and server logs). Every use of a code counts against the receipt rate
//! limit before it is checked; unknown and wrong codes get the same 404.

use std::sync::Arc;

use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use netra_core::CoreError;
use netra_core::evidence::{EvidenceFile, EvidenceView, Uploader};
use netra_core::portal::{MessageView, ReporterView};
use netra_evidence::{UploadPolicy, Vault};
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::api::{ApiJson, Official, ReqLang};
use crate::error::{ApiError, Localised, Problem};
use crate::i18n::Lang;
use crate::routes::{Access, BAWASLU, CASE_WORKERS, PublicClient, Registry};
use crate::upload::{FormFile, TextFieldError, body_limit, read_file_field, read_text_field};

type ApiResult<T> = Result<T, Localised>;

/// Header carrying the SHA-256 (hex) the downloaded bytes were checked against.
pub const SHA256_HEADER: &str = "x-netra-sha256";

/// Longest receipt field accepted in a multipart form (a grouped 24-digit code is 29 characters).
const RECEIPT_FIELD_MAX: usize = 200;

fn fail<E: Into<ApiError>>(lang: Lang) -> impl FnOnce(E) -> Localised {
    move |e| Localised(e.into(), lang)
}

/// The upload policy of this server: the vault's, or the default when none is configured (the
/// route then answers `evidence-unconfigured` anyway).
pub(crate) fn upload_policy(state: &AppState) -> UploadPolicy {
    state.config.evidence.as_ref().map(|v| v.policy().clone()).unwrap_or_default()
}

/// The configured vault, or the clear refusal when there is none.
pub(crate) fn vault(state: &AppState) -> Result<Arc<Vault>, ApiError> {
    state.config.evidence.clone().ok_or(ApiError::EvidenceUnconfigured)
}

pub fn routes(state: AppState) -> Registry {
    use Access::{Officials, Public};
    use Method as M;
    // Upload routes take a body as large as one file plus the form around it; everything else keeps
    // the application's 1 MiB.
    let limit = DefaultBodyLimit::max(body_limit(&upload_policy(&state), 1));
    Registry::new(state)
        .route(M::POST, "/api/v1/receipts/status", Public, post(receipt_status))
        .route(M::POST, "/api/v1/receipts/messages", Public, post(receipt_message))
        .route(M::POST, "/api/v1/receipts/evidence", Public, post(receipt_evidence).layer(limit))
        .route(M::GET, "/api/v1/cases/{id}/messages", Officials(BAWASLU), get(list_messages))
        .route(M::POST, "/api/v1/cases/{id}/messages", Officials(BAWASLU), post(send_message))
        .route(M::GET, "/api/v1/cases/{id}/evidence", Officials(CASE_WORKERS), get(list_evidence))
        .route(M::POST, "/api/v1/cases/{id}/evidence", Officials(BAWASLU), post(upload_evidence).layer(limit))
        .route(M::GET, "/api/v1/evidence/{id}", Officials(CASE_WORKERS), get(download_derivative))
        .route(M::GET, "/api/v1/evidence/{id}/original", Officials(BAWASLU), get(download_original))
}

/// A receipt code as the reporter typed it (spaces and dashes between groups are fine).
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"receipt": "1234 5678 9012 3456 7890 1234"}))]
pub struct ReceiptRequest {
    pub receipt: String,
}

/// A message from the reporter, with their receipt code.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"receipt": "1234 5678 9012 3456 7890 1234", "body": "Saya punya tangkapan layar tambahan dari grup WhatsApp."}))]
pub struct ReceiptMessage {
    pub receipt: String,
    /// At most 4,000 characters.
    pub body: String,
}

/// A message from the handling office to the reporter.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"body": "Terima kasih. Mohon kirim tangkapan layar unggahan tersebut beserta tanggalnya."}))]
pub struct MessageInput {
    /// At most 4,000 characters.
    pub body: String,
}

/// The multipart form of a reporter's evidence upload (`receipt` first, then `file`).
#[derive(ToSchema)]
#[allow(dead_code)] // documentation only: the handler streams the parts itself
pub struct ReceiptEvidenceForm {
    pub receipt: String,
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// The multipart form of an official's evidence upload.
#[derive(ToSchema)]
#[allow(dead_code)] // documentation only: the handler streams the part itself
pub struct EvidenceForm {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// The reporter's view of their case: plain-language status, messages, their evidence.
///
/// Unknown and wrong codes get the same 404; every try counts against the receipt rate limit.
#[utoipa::path(post, path = "/api/v1/receipts/status", request_body(content = ReceiptRequest, content_type = "application/json", example = json!({"receipt": "1234 5678 9012 3456 7890 1234"})),
    responses((status = 200, body = ReporterView), (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn receipt_status(
    State(s): State<AppState>,
    PublicClient(client): PublicClient,
    ReqLang(lang): ReqLang,
    ApiJson(req): ApiJson<ReceiptRequest>,
) -> ApiResult<Json<ReporterView>> {
    let access = s.netra.open_receipt(&client, &req.receipt).await.map_err(fail(lang))?;
    Ok(Json(s.netra.reporter_view(&access).await.map_err(fail(lang))?))
}

/// The reporter writes to the office handling their case.
#[utoipa::path(post, path = "/api/v1/receipts/messages", request_body(content = ReceiptMessage, content_type = "application/json", example = json!({"receipt": "1234 5678 9012 3456 7890 1234", "body": "Saya punya tangkapan layar tambahan dari grup WhatsApp."})),
    responses((status = 201, body = MessageView), (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn receipt_message(
    State(s): State<AppState>,
    PublicClient(client): PublicClient,
    ReqLang(lang): ReqLang,
    ApiJson(req): ApiJson<ReceiptMessage>,
) -> ApiResult<Response> {
    let access = s.netra.open_receipt(&client, &req.receipt).await.map_err(fail(lang))?;
    let m = s.netra.reporter_message(&access, &req.body).await.map_err(fail(lang))?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

fn bad_form(lang: Lang) -> impl FnOnce(MultipartRejection) -> Localised {
    move |r| Localised(ApiError::BadQuery(r.body_text()), lang)
}

fn multipart_error(lang: Lang, e: axum::extract::multipart::MultipartError) -> Localised {
    Localised(ApiError::Evidence(netra_evidence::Error::Io(e.body_text()).into()), lang)
}

fn text_field_error(lang: Lang, field: &str, e: TextFieldError) -> Localised {
    let err = match e {
        TextFieldError::TooLong { limit } => {
            CoreError::invalid(field, "too_long", format!("at most {limit} bytes")).into()
        }
        TextFieldError::NotUtf8 => CoreError::invalid(field, "invalid", "not UTF-8 text").into(),
        TextFieldError::Body(m) => ApiError::Evidence(netra_evidence::Error::Io(m).into()),
    };
    Localised(err, lang)
}

/// Reads parts until the part named `file`, skipping others. Parts after the file are not read: the
/// file is the last thing a form needs to send.
async fn read_upload(form: &mut Multipart, lang: Lang, policy: &UploadPolicy) -> Result<Option<FormFile>, Localised> {
    while let Some(field) = form.next_field().await.map_err(|e| multipart_error(lang, e))? {
        if field.name() == Some("file") {
            return read_file_field(field, policy).await.map_err(|e| Localised(ApiError::Evidence(e.into()), lang));
        }
        // Other parts are skipped; the route's body limit bounds what skipping can cost.
        drop(field);
    }
    Ok(None)
}

fn no_file(lang: Lang) -> Localised {
    Localised(CoreError::invalid("file", "required", "attach a file in the `file` part").into(), lang)
}

/// The reporter adds a file to their case (`multipart/form-data`: `receipt` first, then `file`).
///
/// The file's type is decided from its bytes; metadata is removed from the copy officials share.
#[utoipa::path(post, path = "/api/v1/receipts/evidence",
    request_body(content = ReceiptEvidenceForm, content_type = "multipart/form-data"),
    responses((status = 201, body = EvidenceView), (status = 404, body = Problem), (status = 413, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem), (status = 503, body = Problem)))]
pub async fn receipt_evidence(
    State(s): State<AppState>,
    PublicClient(client): PublicClient,
    ReqLang(lang): ReqLang,
    form: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let vault = vault(&s).map_err(fail(lang))?;
    let mut form = form.map_err(bad_form(lang))?;
    // The receipt must come first: nothing of the file is read for a caller who cannot prove it.
    let field = form.next_field().await.map_err(|e| multipart_error(lang, e))?;
    let receipt = match field {
        Some(f) if f.name() == Some("receipt") => {
            read_text_field(f, RECEIPT_FIELD_MAX).await.map_err(|e| text_field_error(lang, "receipt", e))?
        }
        _ => {
            return Err(Localised(
                CoreError::invalid("receipt", "required", "send the `receipt` part before the `file` part").into(),
                lang,
            ));
        }
    };
    let access = s.netra.open_receipt(&client, &receipt).await.map_err(fail(lang))?;
    let file = read_upload(&mut form, lang, vault.policy()).await?.ok_or_else(|| no_file(lang))?;
    let view = s
        .netra
        .evidence(&vault)
        .attach_evidence(
            Uploader::Reporter { intake_id: access.intake_id() },
            access.case_id(),
            file.upload,
            file.file_name.as_deref(),
        )
        .await
        .map_err(fail(lang))?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// The messages exchanged with the reporter (Bawaslu roles in scope).
#[utoipa::path(get, path = "/api/v1/cases/{id}/messages", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<MessageView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn list_messages(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<MessageView>>> {
    Ok(Json(s.netra.case_messages(&actor, &id).await.map_err(fail(lang))?))
}

/// Writes to the reporter of a case (Bawaslu roles in scope); they read it with their receipt code.
#[utoipa::path(post, path = "/api/v1/cases/{id}/messages", params(("id" = String, Path)), request_body(content = MessageInput, content_type = "application/json", example = json!({"body": "Terima kasih. Mohon kirim tangkapan layar unggahan tersebut beserta tanggalnya."})),
    security(("bearer" = [])),
    responses((status = 201, body = MessageView), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn send_message(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<MessageInput>,
) -> ApiResult<Response> {
    let m = s.netra.office_message(&actor, &id, &req.body).await.map_err(fail(lang))?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

/// The evidence of a case as the caller may see it (non-Bawaslu roles get generated names).
#[utoipa::path(get, path = "/api/v1/cases/{id}/evidence", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<EvidenceView>), (status = 401, body = Problem), (status = 404, body = Problem), (status = 503, body = Problem)))]
pub async fn list_evidence(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<EvidenceView>>> {
    let vault = vault(&s).map_err(fail(lang))?;
    Ok(Json(s.netra.evidence(&vault).evidence_list(&actor, &id).await.map_err(fail(lang))?))
}

/// A Bawaslu officer adds a file to a case (`multipart/form-data`, part `file`).
#[utoipa::path(post, path = "/api/v1/cases/{id}/evidence", params(("id" = String, Path)),
    request_body(content = EvidenceForm, content_type = "multipart/form-data"), security(("bearer" = [])),
    responses((status = 201, body = EvidenceView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 413, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)))]
pub async fn upload_evidence(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    Path(id): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let vault = vault(&s).map_err(fail(lang))?;
    let mut form = form.map_err(bad_form(lang))?;
    let file = read_upload(&mut form, lang, vault.policy()).await?.ok_or_else(|| no_file(lang))?;
    let view = s
        .netra
        .evidence(&vault)
        .attach_evidence(Uploader::Official(&actor), &id, file.upload, file.file_name.as_deref())
        .await
        .map_err(fail(lang))?;
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

/// The cleaned copy (metadata removed), re-hashed before it is sent; `X-Netra-SHA256` carries the hash.
#[utoipa::path(get, path = "/api/v1/evidence/{id}", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 500, body = Problem)))]
pub async fn download_derivative(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let vault = vault(&s).map_err(fail(lang))?;
    let file = s.netra.evidence(&vault).open_derivative(&actor, &id).await.map_err(fail(lang))?;
    Ok(download(file))
}

/// The sealed original, decrypted and re-hashed (Bawaslu roles only; every read is audited).
#[utoipa::path(get, path = "/api/v1/evidence/{id}/original", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "the file as uploaded", content_type = "application/octet-stream"), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 500, body = Problem)))]
pub async fn download_original(
    State(s): State<AppState>,
    Official(actor, lang): Official,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let vault = vault(&s).map_err(fail(lang))?;
    let file = s.netra.evidence(&vault).open_original(&actor, &id).await.map_err(fail(lang))?;
    Ok(download(file))
}

/// `attachment` with an ASCII fallback name and the exact name in RFC 5987 form, so no browser
/// renders the file inline and no name can break out of the header.
pub(crate) fn content_disposition(name: &str) -> HeaderValue {
    let fallback: String = name
        .chars()
        .map(|c| if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' { c } else { '_' })
        .collect();
    let mut encoded = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// A verified evidence file as a download: its recorded type, never sniffed, never inline.
pub(crate) fn download(file: EvidenceFile) -> Response {
    let media = HeaderValue::from_str(&file.media_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let sha = HeaderValue::from_str(&file.sha256).unwrap_or_else(|_| HeaderValue::from_static(""));
    let mut resp = (StatusCode::OK, file.bytes).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, media);
    h.insert(header::CONTENT_DISPOSITION, content_disposition(&file.file_name));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(HeaderName::from_static(SHA256_HEADER), sha);
    resp
}

#[derive(OpenApi)]
#[openapi(
    paths(
        receipt_status,
        receipt_message,
        receipt_evidence,
        list_messages,
        send_message,
        list_evidence,
        upload_evidence,
        download_derivative,
        download_original
    ),
    components(schemas(ReceiptRequest, ReceiptMessage, MessageInput, ReporterView, MessageView, EvidenceView))
)]
pub struct PortalApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    /// The request-body examples of these paths parse into the handlers' types.
    #[test]
    fn request_body_examples_deserialise() {
        let doc = serde_json::to_value(PortalApiDoc::openapi()).unwrap();
        let example = |path: &str| {
            let ex = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["example"].clone();
            assert!(!ex.is_null(), "{path}: no example");
            let schema = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .and_then(|r| r.rsplit('/').next())
                .unwrap();
            assert_eq!(doc["components"]["schemas"][schema]["example"], ex, "{path}: media and schema examples differ");
            ex
        };
        serde_json::from_value::<ReceiptRequest>(example("/api/v1/receipts/status")).unwrap();
        serde_json::from_value::<ReceiptMessage>(example("/api/v1/receipts/messages")).unwrap();
        serde_json::from_value::<MessageInput>(example("/api/v1/cases/{id}/messages")).unwrap();
    }

    #[test]
    fn download_names_cannot_break_the_header() {
        let v = content_disposition("Foto \"rapat\"\r\nX: y ü.jpg");
        let s = v.to_str().unwrap();
        assert!(s.starts_with("attachment; filename=\"Foto _rapat___X: y _.jpg\""), "{s}");
        assert!(s.ends_with("filename*=UTF-8''Foto%20%22rapat%22%0D%0AX%3A%20y%20%C3%BC.jpg"), "{s}");
    }
}
