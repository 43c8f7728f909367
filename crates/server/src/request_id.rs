//! Request ids: an incoming `X-Request-Id` is kept (so a proxy's id follows the request), else
//! one is made; it is echoed in the response and is a field of every log line of the request.

use axum::http::{HeaderValue, Request};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::request_id::{MakeRequestId, RequestId};
use tower_http::trace::{DefaultOnRequest, TraceLayer};
use tracing::Level;

#[derive(Clone, Copy, Default)]
pub struct MakeId;

impl MakeRequestId for MakeId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let id = format!("{:016x}", rand::random::<u64>());
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// The id as set by `SetRequestIdLayer` (it runs before this layer sees the request).
fn id_of<B>(req: &Request<B>) -> String {
    req.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(64).collect())
        .unwrap_or_default()
}

pub type Trace = TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    fn(&Request<axum::body::Body>) -> tracing::Span,
    DefaultOnRequest,
    OnResponse,
>;

/// A span per request, named `request` under the target `tiaokuai::http`, with the request
/// id, method and path; the response is logged at debug level (errors at warn).
pub fn trace_layer() -> Trace {
    fn span(req: &Request<axum::body::Body>) -> tracing::Span {
        tracing::info_span!(
            target: "tiaokuai::http",
            "request",
            request_id = %id_of(req),
            method = %req.method(),
            path = %req.uri().path(),
        )
    }
    TraceLayer::new_for_http()
        .make_span_with(span as fn(&Request<axum::body::Body>) -> tracing::Span)
        .on_response(OnResponse)
}

#[derive(Clone, Copy)]
pub struct OnResponse;

impl<B> tower_http::trace::OnResponse<B> for OnResponse {
    fn on_response(
        self,
        res: &axum::http::Response<B>,
        latency: std::time::Duration,
        _: &tracing::Span,
    ) {
        let status = res.status().as_u16();
        let ms = latency.as_secs_f64() * 1000.0;
        if res.status().is_server_error() {
            tracing::warn!(target: "tiaokuai::http", status, ms, "response");
        } else {
            tracing::event!(target: "tiaokuai::http", Level::DEBUG, status, ms, "response");
        }
    }
}
