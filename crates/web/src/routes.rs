//! Every route and its access policy, declared together.
//!
//! Deny by default: the only way to add a route is [`Registry::route`], which takes an [`Access`];
//! the registry both builds the axum router and keeps the table that the authorisation tests walk.
//! For official routes a per-route layer authenticates the caller (bearer token on `/api`, session
//! cookie on pages) and checks the role before the handler runs; the handler then applies the
//! object-level rule (scope) through `netra_domain::policy::can` inside the use case.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::MethodRouter;
use netra_core::auth::SessionContext;
use netra_domain::policy::{Actor, Role};
use netra_store::users;

use crate::AppState;
use crate::error::{ApiError, Localised};
use crate::i18n::Lang;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone. Public handlers never record who called.
    Public,
    /// Signed-in officials whose role is listed.
    Officials(&'static [Role]),
}

/// Where a route lives: the JSON API (bearer tokens, problem+json) or the pages (session cookie, HTML).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    Api,
    Page,
}

/// One declared route.
#[derive(Debug, Clone)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub surface: Surface,
}

/// Roles that work cases (everyone but the administrator and the auditor, who never read case content).
pub const CASE_WORKERS: &[Role] = &[
    Role::BawasluRi,
    Role::BawasluProvinsi,
    Role::BawasluKabKota,
    Role::PanwasluKecamatan,
    Role::IdentityCustodian,
    Role::AuthorityVerifier,
    Role::AuthorityAnalyst,
    Role::Ppk,
    Role::Inspectorate,
];
pub const BAWASLU: &[Role] = &[Role::BawasluRi, Role::BawasluProvinsi, Role::BawasluKabKota, Role::PanwasluKecamatan];
pub const TRACK_ACTORS: &[Role] = &[
    Role::BawasluRi,
    Role::BawasluProvinsi,
    Role::BawasluKabKota,
    Role::PanwasluKecamatan,
    Role::AuthorityVerifier,
    Role::Ppk,
];
pub const ANY_OFFICIAL: &[Role] = Role::ALL;

/// The authenticated caller of an official route, put in the request by the access layer.
#[derive(Clone)]
pub struct Principal {
    pub actor: Actor,
    pub display_name: String,
    pub lang: Lang,
    /// Present for page sessions (CSRF token, re-authentication time); absent for bearer tokens.
    pub session: Option<Arc<SessionContext>>,
}

pub struct Registry {
    state: AppState,
    router: Router<AppState>,
    specs: Vec<RouteSpec>,
}

impl Registry {
    pub fn new(state: AppState) -> Self {
        Registry { state, router: Router::new(), specs: Vec::new() }
    }

    /// Adds `method path` with its access policy. `handler` must serve exactly `method`.
    pub fn route(
        mut self,
        method: Method,
        path: &'static str,
        access: Access,
        handler: MethodRouter<AppState>,
    ) -> Self {
        let surface = if path.starts_with("/api/") || path == "/healthz" { Surface::Api } else { Surface::Page };
        assert!(
            !self.specs.iter().any(|s| s.method == method && s.path == path),
            "route {method} {path} declared twice"
        );
        self.specs.push(RouteSpec { method, path, access, surface });
        let guarded = match access {
            Access::Public => handler,
            Access::Officials(roles) => handler.route_layer(from_fn_with_state(
                self.state.clone(),
                move |State(s): State<AppState>, req: Request, next: Next| enforce(s, roles, surface, req, next),
            )),
        };
        self.router = self.router.route(path, guarded);
        self
    }

    pub fn merge(mut self, other: Registry) -> Self {
        for s in &other.specs {
            assert!(
                !self.specs.iter().any(|x| x.method == s.method && x.path == s.path),
                "route {} {} declared twice",
                s.method,
                s.path
            );
        }
        self.specs.extend(other.specs);
        self.router = self.router.merge(other.router);
        self
    }

    pub fn specs(&self) -> &[RouteSpec] {
        &self.specs
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<RouteSpec>, AppState) {
        (self.router, self.specs, self.state)
    }
}

pub const SESSION_COOKIE: &str = "netra_sesi";
pub const LANG_COOKIE: &str = "netra_bahasa";

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The page language: the language cookie, else `Accept-Language`, else Indonesian.
pub fn page_lang(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE).and_then(Lang::from_code).unwrap_or_else(|| {
        Lang::from_accept_language(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
    })
}

fn api_lang(headers: &HeaderMap) -> Lang {
    Lang::from_accept_language(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

async fn principal(s: &AppState, surface: Surface, headers: &HeaderMap) -> Result<Option<Principal>, ApiError> {
    match surface {
        Surface::Api => {
            let Some(token) = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .filter(|t| !t.is_empty())
            else {
                return Ok(None);
            };
            Ok(users::actor_by_token(&s.netra.db, token).await?.map(|actor| Principal {
                display_name: actor.username.clone(),
                actor,
                lang: api_lang(headers),
                session: None,
            }))
        }
        Surface::Page => {
            let Some(token) = cookie(headers, SESSION_COOKIE) else { return Ok(None) };
            match s.netra.auth().authenticate(token, s.netra.now()).await {
                Ok(ctx) => Ok(Some(Principal {
                    actor: ctx.actor.clone(),
                    display_name: ctx.user.display_name.clone(),
                    lang: page_lang(headers),
                    session: Some(Arc::new(ctx)),
                })),
                Err(netra_core::auth::AuthError::Store(e)) => Err(e.into()),
                Err(_) => Ok(None),
            }
        }
    }
}

async fn enforce(s: AppState, roles: &'static [Role], surface: Surface, mut req: Request, next: Next) -> Response {
    let who = principal(&s, surface, req.headers()).await;
    let lang = match surface {
        Surface::Api => api_lang(req.headers()),
        Surface::Page => page_lang(req.headers()),
    };
    match (who, surface) {
        (Err(e), Surface::Api) => Localised(e, lang).into_response(),
        (Err(e), Surface::Page) => crate::ui::error_page(lang, &Localised(e, lang)),
        (Ok(None), Surface::Api) => Localised(ApiError::Unauthorized, lang).into_response(),
        (Ok(None), Surface::Page) => {
            let back = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let target = if req.method() == Method::GET { back } else { "/kasus" };
            Redirect::to(&format!("/masuk?lanjut={}", crate::ui::url_encode(target))).into_response()
        }
        (Ok(Some(p)), _) if roles.contains(&p.actor.role) => {
            req.extensions_mut().insert(p);
            next.run(req).await
        }
        (Ok(Some(p)), Surface::Api) => Localised(
            ApiError::Core(netra_core::CoreError::Denied(netra_domain::policy::Denied::Role {
                role: p.actor.role,
                action: "route".into(),
            })),
            lang,
        )
        .into_response(),
        (Ok(Some(p)), Surface::Page) => crate::ui::forbidden_page(p.lang),
    }
}

/// The caller of an official route (see [`Registry::route`]); a handler on a public route cannot
/// use it, which the route tests would catch as a 500.
impl FromRequestParts<AppState> for Principal {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Principal>().cloned().ok_or_else(|| {
            tracing::error!(path = %parts.uri.path(), "handler needs an official but its route is public");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        })
    }
}

/// The caller of a public route, for rate limits only: the peer address (or, behind a trusted
/// proxy, the last `X-Forwarded-For` entry) reduced at once to [`netra_core::portal::Client`],
/// which keeps it in memory and never prints it. Never fails: an unknown address shares one bucket.
pub struct PublicClient(pub netra_core::portal::Client);

impl FromRequestParts<AppState> for PublicClient {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        use netra_core::portal::Client;
        let forwarded = state
            .config
            .trust_forwarded_for
            .then(|| parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()))
            .flatten()
            .and_then(|v| v.rsplit(',').next())
            .and_then(|ip| ip.trim().parse::<std::net::IpAddr>().ok());
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|axum::extract::ConnectInfo(addr)| addr.ip());
        Ok(PublicClient(forwarded.or(peer).map_or_else(Client::unknown, Client::from_ip)))
    }
}
