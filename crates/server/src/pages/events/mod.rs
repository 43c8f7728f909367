//! Event pages: report (phone-sized), the event list, the event page with its timeline,
//! actions and proof download.

mod actions;
mod detail;
mod form;
mod list;
mod picker;
mod report;
mod view;

use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

/// Photos come from phones (2–6 MB each); the whole request stays under the server's limit.
const MAX_BODY: usize = 25 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events", get(list::page))
        .route(
            "/events/new",
            get(report::form)
                .post(report::submit)
                .layer(DefaultBodyLimit::max(MAX_BODY)),
        )
        .route("/events/{id}", get(detail::page))
        .route("/events/{id}/proof", get(detail::proof))
        .route(
            "/events/{id}/act/{action}",
            post(actions::act).layer(DefaultBodyLimit::max(MAX_BODY)),
        )
        .route("/static/report.js", get(report_js))
        .route("/static/event.js", get(event_js))
}

fn script(body: &'static str) -> Response {
    (
        [
            ("content-type", "text/javascript; charset=utf-8"),
            ("cache-control", "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

async fn report_js() -> Response {
    script(include_str!("../../../static/report.js"))
}

async fn event_js() -> Response {
    script(include_str!("../../../static/event.js"))
}
