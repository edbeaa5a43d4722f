//! Netra's HTTP edge: `/api/v1` (documented by OpenAPI at `/api/v1/openapi.json`) and `/healthz`.
//!
//! Handlers parse input into core types, call exactly one use case, and return JSON; every error
//! goes through [`error`]. Public endpoints never log or store client addresses or user agents.

pub mod api;
pub mod api_portal;
pub mod api_stats;
pub mod error;
pub mod i18n;
pub mod routes;
pub mod ui;
pub mod upload;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use netra_core::Netra;
use tower_http::set_header::SetResponseHeaderLayer;

/// Deployment settings of the web edge.
#[derive(Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when Netra is served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Take the public client's address for rate limits from the last `X-Forwarded-For` entry
    /// (only behind a reverse proxy that sets it). The address is never stored or logged.
    pub trust_forwarded_for: bool,
    /// Where evidence files go. Without it, uploads are refused with a clear message.
    pub evidence: Option<std::sync::Arc<netra_evidence::Vault>>,
}

impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("secure_cookies", &self.secure_cookies)
            .field("trust_forwarded_for", &self.trust_forwarded_for)
            .field("evidence", &self.evidence.is_some())
            .finish()
    }
}

/// Shared state of every request.
#[derive(Clone)]
pub struct AppState {
    pub netra: Netra,
    pub started: std::time::Instant,
    pub config: WebConfig,
}

/// Every route of the application with its declared access policy.
pub fn registry(netra: Netra, config: WebConfig) -> routes::Registry {
    let state = AppState { netra, started: std::time::Instant::now(), config };
    api::routes(state.clone())
        .merge(api_stats::routes(state.clone()))
        .merge(api_portal::routes(state.clone()))
        .merge(ui::routes(state))
}

/// Builds the application router with the default configuration.
pub fn router(netra: Netra) -> Router {
    router_with(netra, WebConfig::default())
}

/// Content-Security-Policy of every response: only this origin, no inline script or style.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Refuses form posts that a browser marks as coming from another site (`Sec-Fetch-Site`) or whose
/// `Origin` is not this host, before any handler runs: CSRF defence in depth beside the tokens.
async fn refuse_cross_site_forms(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if req.method() == axum::http::Method::POST && !req.uri().path().starts_with("/api/") {
        let h = req.headers();
        let cross = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site");
        let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
        // With `Referrer-Policy: no-referrer` browsers send `Origin: null` for same-origin forms,
        // so only a real, different origin counts; `Sec-Fetch-Site` settles the rest.
        let foreign_origin = match (h.get(header::ORIGIN).and_then(|v| v.to_str().ok()), host) {
            (Some("null") | None, _) => false,
            (Some(origin), Some(host)) => origin.split_once("://").map(|(_, rest)| rest) != Some(host),
            (Some(_), None) => true,
        };
        if cross || foreign_origin {
            return ui::form_refused(routes::page_lang(h));
        }
    }
    next.run(req).await
}

/// Builds the application router.
pub fn router_with(netra: Netra, config: WebConfig) -> Router {
    let (router, _, state) = registry(netra, config).into_parts();
    router
        .fallback(ui::not_found)
        .layer(axum::middleware::from_fn(refuse_cross_site_forms))
        .layer(DefaultBodyLimit::max(1024 * 1024))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .with_state(state)
}
