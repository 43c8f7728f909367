//! The grid worker's desk (我的上报): what they reported and what happens in their village, with
//! each event's state; reporting itself is the event pages' form.

use super::view::{event_status, tabs, time, Count, Flash, FlashQuery, Tab};
use super::{require, Desk};
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use tiaokuai_core::org::RoleKind;

pub struct ReportRow {
    pub event: u64,
    pub no: String,
    pub title: String,
    pub status: &'static str,
    pub done: bool,
    pub created: String,
    pub mine: bool,
}

#[derive(Template)]
#[template(path = "desk_grid.html")]
struct Page {
    c: Chrome,
    desk: Desk,
    tabs: Vec<Tab>,
    flash: Option<Flash>,
    counts: Vec<Count>,
    live_from: u64,
    rows: Vec<ReportRow>,
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<FlashQuery>,
) -> Result<Response, PageError> {
    require(&s, Desk::Grid)?;
    let l = s.lang;
    let me = s.principal.username.clone();
    let villages: Vec<String> = s
        .principal
        .grants
        .iter()
        .filter(|g| g.role == RoleKind::GridWorker)
        .map(|g| g.unit.clone())
        .collect();
    let (rows, flash, live_from) = state
        .engine
        .with_state(|st| {
            let rows: Vec<ReportRow> = st
                .events
                .events
                .values()
                .rev()
                .filter(|e| {
                    e.reporter == me
                        || e.facts
                            .location
                            .village
                            .as_ref()
                            .is_some_and(|v| villages.contains(v))
                })
                .take(200)
                .map(|e| ReportRow {
                    event: e.id,
                    no: e.no.clone(),
                    title: e.facts.title.clone(),
                    status: event_status(e.status, l),
                    done: e.status.is_final(),
                    created: time(e.created_ms),
                    mine: e.reporter == me,
                })
                .collect();
            (rows, q.view(st, l), st.log_len)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let counts = vec![
        Count::new(
            "mine",
            "reports",
            l.pick("我的上报", "My reports"),
            rows.iter().filter(|r| r.mine).count(),
            false,
        ),
        Count::new(
            "open",
            "reports",
            l.pick("未办结", "Open"),
            rows.iter().filter(|r| !r.done).count(),
            false,
        ),
    ];
    Ok(render(&Page {
        c: Chrome::for_session(&s, "/desk"),
        desk: Desk::Grid,
        tabs: tabs(&s.principal, Desk::Grid, l),
        flash,
        counts,
        live_from,
        rows,
    }))
}
