//! Use-case errors. Each variant carries a stable machine code; `netra-web` maps them to HTTP.

use netra_domain::clarification::ClarificationError;
use netra_domain::deadline::DeadlineError;
use netra_domain::policy::Denied;
use netra_domain::workflow::IllegalTransition;
use netra_store::StoreError;
use thiserror::Error;

/// One invalid input field, with a stable code the UI translates.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        FieldError { field: field.to_owned(), code: code.to_owned(), message: message.into() }
    }
}

#[derive(Debug, Error)]
pub enum CoreError {
    #[error("invalid input: {}", .0.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Denied(Denied),
    #[error(transparent)]
    Illegal(#[from] IllegalTransition),
    #[error(transparent)]
    Clarification(#[from] ClarificationError),
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
    #[error("the deadline `{rule}` has not passed yet (due {due})")]
    DeadlineNotPassed { rule: String, due: String },
    #[error("this Idempotency-Key was already used with a different request body")]
    IdempotencyMismatch,
    #[error("too many requests; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("sealed data could not be decrypted")]
    Seal,
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => CoreError::NotFound,
            other => CoreError::Store(other),
        }
    }
}

impl From<Denied> for CoreError {
    fn from(d: Denied) -> Self {
        match d {
            // Out of scope must look exactly like a missing object.
            Denied::OutOfScope => CoreError::NotFound,
            other => CoreError::Denied(other),
        }
    }
}

impl CoreError {
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        CoreError::Invalid(vec![FieldError::new(field, code, message)])
    }
}
