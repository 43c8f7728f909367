//! Event pages: report (phone-sized), the event list, the event page with its timeline,
//! actions and proof download.

mod actions;
mod detail;
pub(crate) mod form;
mod list;
mod list_rows;
mod picker;
pub(crate) mod report;
pub(crate) mod view;

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
        // Before `/events/{id}`, so `export` is not read as an id.
        .route("/events/export", get(list::export))
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

/// The number of event `id` if the session may read it; otherwise the same 404 page whether
/// the event is missing or unreadable (its actions included), so a page tells nothing about an
/// event the person may not see.
pub(crate) async fn readable(
    state: &crate::AppState,
    s: &crate::session::Session,
    id: u64,
) -> Result<String, crate::error::PageError> {
    use crate::error::PageError;
    state
        .engine
        .with_events(&[id], |st| {
            st.events
                .event(id)
                .filter(|e| tiaokuai_core::events::who::may_see(&s.principal, &st.org, e))
                .map(|e| e.no.clone())
        })
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?
        .ok_or_else(|| PageError::not_found(s.lang))
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
