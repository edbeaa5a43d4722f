//! The only place where errors become HTTP responses: `application/problem+json` (RFC 9457) with a
//! stable `code`, a localised `title`, the specific `detail`, and field errors where relevant.
//! 5xx causes are logged (never leaked); nothing about the request body is logged.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use netra_core::evidence::EvidenceError;
use netra_core::{CoreError, FieldError};
use netra_domain::deadline::DeadlineError;
use netra_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::{Lang, t, try_t};

/// Problem details body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub code: String,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_actions: Vec<String>,
}

#[derive(Debug)]
pub enum ApiError {
    Core(CoreError),
    MalformedJson(String),
    Unauthorized,
    BadQuery(String),
    /// An evidence use case refused for a reason of its own (file refused, no cleaned copy, object
    /// missing or altered). Its `Core` variant never lands here: see the `From` below.
    Evidence(EvidenceError),
    /// The server has no evidence store configured: uploads and downloads cannot work.
    EvidenceUnconfigured,
}

impl From<EvidenceError> for ApiError {
    fn from(e: EvidenceError) -> Self {
        match e {
            // Not found, out of scope, denied, storage: exactly as any other use case answers.
            EvidenceError::Core(c) => ApiError::Core(c),
            other => ApiError::Evidence(other),
        }
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        ApiError::Core(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Core(CoreError::from(e))
    }
}

type Parts = (StatusCode, &'static str, String, Vec<FieldError>, Vec<String>);

/// Evidence failures: a refused upload is the client's (4xx, with the specific reason); a missing,
/// altered or unreadable object is the server's (5xx, generic detail: keys and hashes stay in the
/// log), and its bytes are never sent.
fn evidence_parts(e: &EvidenceError) -> Parts {
    use StatusCode as S;
    let code = e.code();
    match e {
        EvidenceError::File(f) if f.is_rejection() => {
            let status = if matches!(f, netra_evidence::Error::TooLarge { .. }) {
                S::PAYLOAD_TOO_LARGE
            } else {
                S::UNPROCESSABLE_ENTITY
            };
            (status, code, f.to_string(), vec![], vec![])
        }
        EvidenceError::File(f) => {
            let (status, detail) = match f {
                netra_evidence::Error::ObjectMissing { .. } => {
                    (S::INTERNAL_SERVER_ERROR, "the stored file is missing; it was not sent")
                }
                netra_evidence::Error::IntegrityMismatch { .. } => (
                    S::INTERNAL_SERVER_ERROR,
                    "the stored file no longer matches its recorded SHA-256; it was not sent",
                ),
                netra_evidence::Error::Undecryptable { .. } => {
                    (S::INTERNAL_SERVER_ERROR, "the sealed original cannot be decrypted; it was not sent")
                }
                netra_evidence::Error::Storage(_) => (S::SERVICE_UNAVAILABLE, "the evidence storage cannot be reached"),
                _ => (S::INTERNAL_SERVER_ERROR, "internal error"),
            };
            (status, code, detail.into(), vec![], vec![])
        }
        EvidenceError::NoDerivative { .. } => (S::CONFLICT, code, e.to_string(), vec![], vec![]),
        // Unreachable through `From<EvidenceError>`; answered like any internal failure if built by hand.
        EvidenceError::Core(_) => (S::INTERNAL_SERVER_ERROR, "internal", "internal error".into(), vec![], vec![]),
    }
}

/// An error together with the language to explain it in.
pub struct Localised(pub ApiError, pub Lang);

impl ApiError {
    /// The HTTP status this error is answered with (pages use it too, so both surfaces agree).
    pub fn status(&self) -> StatusCode {
        self.parts().0
    }

    fn parts(&self) -> Parts {
        use StatusCode as S;
        match self {
            ApiError::MalformedJson(m) => (S::BAD_REQUEST, "malformed-json", m.clone(), vec![], vec![]),
            ApiError::BadQuery(m) => (S::BAD_REQUEST, "invalid-input", m.clone(), vec![], vec![]),
            ApiError::Unauthorized => (S::UNAUTHORIZED, "unauthorized", "bearer token required".into(), vec![], vec![]),
            ApiError::EvidenceUnconfigured => (
                S::SERVICE_UNAVAILABLE,
                "evidence-unconfigured",
                "evidence storage not configured on this server".into(),
                vec![],
                vec![],
            ),
            ApiError::Evidence(e) => evidence_parts(e),
            ApiError::Core(e) => match e {
                CoreError::Invalid(f) => (S::UNPROCESSABLE_ENTITY, "invalid-input", e.to_string(), f.clone(), vec![]),
                CoreError::NotFound => (S::NOT_FOUND, "not-found", "not found".into(), vec![], vec![]),
                CoreError::Denied(d) => (S::FORBIDDEN, "forbidden", d.to_string(), vec![], vec![]),
                CoreError::Illegal(i) => (S::CONFLICT, "illegal-transition", i.to_string(), vec![], i.allowed.clone()),
                CoreError::Clarification(c) => {
                    (S::UNPROCESSABLE_ENTITY, "clarification-rule", c.to_string(), vec![], vec![])
                }
                CoreError::Deadline(DeadlineError::UnknownRule { .. }) => {
                    (S::BAD_REQUEST, "unknown-rule", e.to_string(), vec![], vec![])
                }
                CoreError::Deadline(DeadlineError::OutsideCalendar { .. }) => {
                    (S::UNPROCESSABLE_ENTITY, "outside-calendar", e.to_string(), vec![], vec![])
                }
                CoreError::Deadline(_) => (S::UNPROCESSABLE_ENTITY, "invalid-input", e.to_string(), vec![], vec![]),
                CoreError::DeadlineNotPassed { .. } => {
                    (S::CONFLICT, "deadline-not-passed", e.to_string(), vec![], vec![])
                }
                CoreError::IdempotencyMismatch => {
                    (S::UNPROCESSABLE_ENTITY, "idempotency-mismatch", e.to_string(), vec![], vec![])
                }
                CoreError::Store(StoreError::Conflict { .. }) => {
                    (S::CONFLICT, "conflict", e.to_string(), vec![], vec![])
                }
                CoreError::Store(StoreError::Duplicate(_)) => (S::CONFLICT, "conflict", e.to_string(), vec![], vec![]),
                CoreError::Store(StoreError::Locked) => {
                    (S::SERVICE_UNAVAILABLE, "database-locked", e.to_string(), vec![], vec![])
                }
                CoreError::Store(StoreError::Full) => {
                    (S::INSUFFICIENT_STORAGE, "database-full", e.to_string(), vec![], vec![])
                }
                CoreError::Store(StoreError::Unavailable(_) | StoreError::ReadOnly(_)) => {
                    (S::SERVICE_UNAVAILABLE, "database-unavailable", "database unavailable".into(), vec![], vec![])
                }
                CoreError::RateLimited { .. } => (S::TOO_MANY_REQUESTS, "rate-limited", e.to_string(), vec![], vec![]),
                CoreError::Store(_) | CoreError::Seal => {
                    (S::INTERNAL_SERVER_ERROR, "internal", "internal error".into(), vec![], vec![])
                }
            },
        }
    }
}

impl IntoResponse for Localised {
    fn into_response(self) -> Response {
        let Localised(err, lang) = self;
        let (status, code, detail, mut errors, allowed_actions) = err.parts();
        // Field messages from validation are specific English sentences; an Indonesian client gets
        // the catalogue's sentence for the error code, with the specifics kept after it.
        if lang == Lang::Id {
            for f in &mut errors {
                if let Some(m) = try_t(lang, &format!("field-{}", f.code.replace('_', "-"))) {
                    f.message = format!("{m} ({})", f.message);
                }
            }
        }
        if status.is_server_error() {
            tracing::error!(error = ?err, code, "request failed");
        }
        let body = Problem {
            kind: format!("https://netra.invalid/problems/{code}"),
            title: t(lang, code),
            status: status.as_u16(),
            code: code.to_owned(),
            detail,
            errors,
            allowed_actions,
        };
        let mut resp = (status, axum::Json(body)).into_response();
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        // A missing evidence store is a configuration matter: retrying soon will not help.
        if status == StatusCode::SERVICE_UNAVAILABLE && !matches!(err, ApiError::EvidenceUnconfigured) {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        }
        if let ApiError::Core(CoreError::RateLimited { retry_after_secs }) = &err {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        resp
    }
}
