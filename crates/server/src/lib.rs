//! The HTTP edge of Tiaokuai: pages (server-rendered, Chinese by default) and the JSON API.
//! Handlers extract, call one engine function, and map the result; rules live in the core.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod error;
mod event_lookup;
mod i18n;
mod metrics_layer;
mod pages;
mod request_id;
mod search_cache;
mod security;
mod session;
mod settings_input;
mod svgmap;

use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use tiaokuai_app::Engine;

pub use session::SESSION_COOKIE;

#[derive(Clone)]
pub struct ServerConfig {
    /// Mark cookies `Secure` (on unless serving plain HTTP on loopback).
    pub secure_cookies: bool,
    /// Session lifetime.
    pub session_hours: i64,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How long an uploaded file waits for confirmation.
    pub upload_expiry_ms: i64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            secure_cookies: false,
            session_hours: 12,
            trusted_proxies: Vec::new(),
            upload_expiry_ms: 24 * 3_600_000,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub engine: Engine,
    pub config: ServerConfig,
    pub(crate) limiter: Arc<security::LoginLimiter>,
    pub(crate) search: Arc<search_cache::SearchCache>,
    /// Routing suggestions (list retrieval plus the model trained on past dispatches).
    pub routing: Arc<tiaokuai_app::routing::Routing>,
    pub(crate) sessions: Arc<session::SessionCache>,
    /// Cancelled when the server begins to shut down (`/readyz` then answers 503).
    pub stopping: tiaokuai_app::CancellationToken,
}

impl AppState {
    /// The state for `engine`; inside a Tokio runtime this also starts the routing model's
    /// background training.
    pub fn new(engine: Engine, config: ServerConfig) -> Self {
        Self::with_routing(engine, config, Default::default())
    }

    /// Like [`AppState::new`], with the routing model's retraining settings.
    pub fn with_routing(
        engine: Engine,
        config: ServerConfig,
        routing: tiaokuai_app::routing::RoutingSettings,
    ) -> Self {
        let search = Arc::new(search_cache::SearchCache::default());
        let routing = Arc::new(tiaokuai_app::routing::Routing::new(
            engine.clone(),
            search.clone(),
            routing,
        ));
        if tokio::runtime::Handle::try_current().is_ok() {
            routing.spawn();
        }
        AppState {
            engine,
            config,
            limiter: Arc::new(security::LoginLimiter::new()),
            search,
            routing,
            sessions: Arc::new(session::SessionCache::default()),
            stopping: Default::default(),
        }
    }
}

/// The whole application router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::router())
        .nest("/api/v1", api::router())
        .merge(metrics_layer::router())
        .layer(axum::middleware::from_fn(metrics_layer::track))
        // gzip or brotli as the client accepts; server-sent events and images stay as they are.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            25 * 1024 * 1024,
        ))
        .layer(request_id::trace_layer())
        .layer(tower_http::request_id::PropagateRequestIdLayer::x_request_id())
        .layer(tower_http::request_id::SetRequestIdLayer::x_request_id(
            request_id::MakeId,
        ))
        .with_state(state)
}

/// Serves until `state.stopping` is cancelled, then stops accepting connections and returns
/// once the requests in flight are answered. `on_ready` receives the bound address (port 0
/// picks a free one).
pub async fn serve(
    state: AppState,
    addr: SocketAddr,
    on_ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    on_ready(local);
    let stopping = state.stopping.clone();
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move { stopping.cancelled().await })
        .await
}

/// Starts a server on a free loopback port in the background; for tests and benchmarks.
pub async fn spawn_local(state: AppState) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let local = listener.local_addr()?;
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(local)
}
