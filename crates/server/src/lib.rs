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
}

#[derive(Clone)]
pub struct AppState {
    pub engine: Engine,
    pub config: ServerConfig,
    pub(crate) limiter: Arc<security::LoginLimiter>,
    pub(crate) search: Arc<search_cache::SearchCache>,
    /// Where uploads wait for confirmation.
    pub(crate) upload_dir: Arc<std::path::PathBuf>,
    pub(crate) sessions: Arc<session::SessionCache>,
}

impl AppState {
    pub fn new(engine: Engine, config: ServerConfig) -> Self {
        let upload_dir =
            std::env::temp_dir().join(format!("tiaokuai-uploads-{}", std::process::id()));
        AppState {
            engine,
            config,
            limiter: Arc::new(security::LoginLimiter::new()),
            search: Arc::new(search_cache::SearchCache::default()),
            upload_dir: Arc::new(upload_dir),
            sessions: Arc::new(session::SessionCache::default()),
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
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            25 * 1024 * 1024,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until Ctrl-C. `on_ready` receives the bound address (port 0 picks a free one).
pub async fn serve(
    state: AppState,
    addr: SocketAddr,
    on_ready: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    on_ready(local);
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
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
