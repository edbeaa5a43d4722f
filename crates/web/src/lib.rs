//! Netra's HTTP edge: `/api/v1` (documented by OpenAPI at `/api/v1/openapi.json`) and `/healthz`.
//!
//! Handlers parse input into core types, call exactly one use case, and return JSON; every error
//! goes through [`error`]. Public endpoints never log or store client addresses or user agents.

pub mod api;
pub mod error;
pub mod i18n;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use netra_core::Netra;
use tower_http::set_header::SetResponseHeaderLayer;

/// Shared state of every request.
#[derive(Clone)]
pub struct AppState {
    pub netra: Netra,
    pub started: std::time::Instant,
}

/// Builds the application router.
pub fn router(netra: Netra) -> Router {
    let state = AppState { netra, started: std::time::Instant::now() };
    api::routes()
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .with_state(state)
}
