//! The discipline desk (纪委监委): accountability cases opened by 不满意 grades, open and
//! concluded, and the hops escalated (升级督办) for being overdue. Concluding a case happens
//! on the event page.

use super::view::{
    person_name, sort_hops, tabs, time, unit_name, Count, Flash, FlashQuery, HopRow, Tab,
};
use super::{require, Desk};
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use tiaokuai_app::now_ms;

pub struct CaseRow {
    pub event: u64,
    pub no: String,
    pub title: String,
    pub n: u32,
    pub unit: String,
    pub opened: String,
    pub reason: String,
    pub outcome: String,
    pub concluded_by: String,
    pub concluded: String,
    opened_ms: i64,
}

#[derive(Template)]
#[template(path = "desk_discipline.html")]
struct Page {
    c: Chrome,
    desk: Desk,
    tabs: Vec<Tab>,
    flash: Option<Flash>,
    counts: Vec<Count>,
    live_from: u64,
    open: Vec<CaseRow>,
    concluded: Vec<CaseRow>,
    escalated: Vec<HopRow>,
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<FlashQuery>,
) -> Result<Response, PageError> {
    require(&s, Desk::Discipline)?;
    let l = s.lang;
    let now = now_ms();
    let (mut open, mut concluded, mut escalated, flash, live_from) = state
        .engine
        .with_state(|st| {
            let (mut open, mut concluded) = (Vec::new(), Vec::new());
            for c in st.events.cases.values() {
                let e = st.events.event(c.event);
                let row = CaseRow {
                    event: c.event,
                    no: e.map(|e| e.no.clone()).unwrap_or_default(),
                    title: e.map(|e| e.facts.title.clone()).unwrap_or_default(),
                    n: c.assignment,
                    unit: unit_name(&st.org, &c.unit),
                    opened: time(c.opened_ms),
                    reason: c.reason.clone(),
                    outcome: c.outcome.clone().unwrap_or_default(),
                    concluded_by: c
                        .concluded_by
                        .as_deref()
                        .map(|u| person_name(&st.org, u))
                        .unwrap_or_default(),
                    concluded: c.concluded_ms.map(time).unwrap_or_default(),
                    opened_ms: c.opened_ms,
                };
                if c.outcome.is_some() {
                    concluded.push(row);
                } else {
                    open.push(row);
                }
            }
            let escalated: Vec<HopRow> = st
                .events
                .events
                .values()
                .filter(|e| !e.status.is_final())
                .flat_map(|e| {
                    e.live()
                        .filter(|a| a.escalated && a.status.is_open())
                        .map(move |a| (e, a))
                })
                .map(|(e, a)| HopRow::new(st, e, a, now, l))
                .collect();
            (open, concluded, escalated, q.view(st, l), st.log_len)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    open.sort_by_key(|c| c.opened_ms);
    concluded.sort_by_key(|c| std::cmp::Reverse(c.opened_ms));
    sort_hops(&mut escalated);
    let counts = vec![
        Count::new(
            "open",
            "open-cases",
            l.pick("待办案件", "Open cases"),
            open.len(),
            true,
        ),
        Count::new(
            "escalated",
            "escalated",
            l.pick("升级督办", "Escalated"),
            escalated.len(),
            true,
        ),
        Count::new(
            "concluded",
            "concluded-cases",
            l.pick("已办结", "Concluded"),
            concluded.len(),
            false,
        ),
    ];
    Ok(render(&Page {
        c: Chrome::for_session(&s, "/desk"),
        desk: Desk::Discipline,
        tabs: tabs(&s.principal, Desk::Discipline, l),
        flash,
        counts,
        live_from,
        open,
        concluded,
        escalated,
    }))
}
