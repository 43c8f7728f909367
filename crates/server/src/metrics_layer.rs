//! Prometheus metrics: request counts and latencies per route, plus log size.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let h = recorder.handle();
            metrics::set_global_recorder(recorder).ok().map(|_| h)
        })
        .as_ref()
}

pub async fn track(req: Request, next: Next) -> Response {
    let _ = handle();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("tiaokuai_http_requests_total", "route" => route.clone(), "method" => method, "status" => status).increment(1);
    metrics::histogram!("tiaokuai_http_request_seconds", "route" => route)
        .record(start.elapsed().as_secs_f64());
    res
}

async fn render(State(state): State<AppState>) -> Response {
    let (size, _) = state.engine.tree_head().await;
    metrics::gauge!("tiaokuai_log_entries", "county" => state.engine.county().to_string())
        .set(size as f64);
    let body = handle().map(|h| h.render()).unwrap_or_default();
    ([("content-type", "text/plain; version=0.0.4")], body).into_response()
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.engine.store().log_size(state.engine.county()).await {
        Ok(n) => axum::Json(
            serde_json::json!({"status": "ok", "county": state.engine.county(), "log_entries": n}),
        )
        .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

/// Ready for traffic: not shutting down, the database answers, and this server's state has
/// caught up with the stored log.
async fn readyz(State(state): State<AppState>) -> Response {
    let unavailable = |why: &str| {
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({"status": "unavailable", "reason": why})),
        )
            .into_response()
    };
    if state.stopping.is_cancelled() {
        return unavailable("shutting down");
    }
    if let Err(e) = state.engine.sync().await {
        tracing::warn!(error = %e, "readiness check failed");
        return unavailable("database unreachable");
    }
    let (size, _) = state.engine.tree_head().await;
    axum::Json(serde_json::json!({"status": "ready", "county": state.engine.county(), "log_entries": size}))
        .into_response()
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/metrics", get(render))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}
