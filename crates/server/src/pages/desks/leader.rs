//! The leader's overview (领导总览): events by status, open and overdue hops by department,
//! and returns (退单) by unit — simple tables over every event the leader may see.

use super::view::{
    department_of, event_status, flag_rank, tabs, unit_name, Count, Flash, FlashQuery, Tab,
};
use super::{require, Desk};
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use std::collections::BTreeMap;
use tiaokuai_app::now_ms;
use tiaokuai_core::events::scope::{read_scope, sees};
use tiaokuai_core::events::EventStatus;

pub struct StatusRow {
    pub code: &'static str,
    pub label: &'static str,
    pub n: usize,
}

#[derive(Default)]
pub struct DeptRow {
    pub unit: String,
    pub open: usize,
    pub yellow: usize,
    pub red: usize,
    pub max_days: u32,
    pub reminders: u32,
    pub supervisions: u32,
}

#[derive(Default)]
pub struct BounceRow {
    pub unit: String,
    pub requests: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub disputed: usize,
    pub pending: usize,
}

#[derive(Template)]
#[template(path = "desk_leader.html")]
struct Page {
    c: Chrome,
    desk: Desk,
    tabs: Vec<Tab>,
    flash: Option<Flash>,
    counts: Vec<Count>,
    live_from: u64,
    total: usize,
    statuses: Vec<StatusRow>,
    depts: Vec<DeptRow>,
    bounces: Vec<BounceRow>,
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<FlashQuery>,
) -> Result<Response, PageError> {
    require(&s, Desk::Leader)?;
    let l = s.lang;
    let now = now_ms();
    let p = s.principal.clone();
    let (total, statuses, depts, bounces, flash, live_from) = state
        .engine
        .with_state(|st| {
            let book = &st.events;
            let mut by_status: BTreeMap<EventStatus, usize> = BTreeMap::new();
            let mut depts: BTreeMap<String, DeptRow> = BTreeMap::new();
            let mut bounces: BTreeMap<String, BounceRow> = BTreeMap::new();
            let mut total = 0;
            let scope = read_scope(&st.org, &p);
            for e in book.events.values().filter(|e| sees(&scope, e)) {
                total += 1;
                *by_status.entry(e.status).or_insert(0) += 1;
                for a in &e.assignments {
                    let dept = department_of(&st.org, &a.receiver_unit);
                    if a.status.is_open() && !e.status.is_final() {
                        let r = depts.entry(dept.clone()).or_default();
                        r.open += 1;
                        match flag_rank(book.flag(a, now)) {
                            2 => r.red += 1,
                            1 => r.yellow += 1,
                            _ => {}
                        }
                        r.max_days = r.max_days.max(book.overdue_days(a, now));
                        r.reminders += a.reminders;
                        r.supervisions += a.supervisions;
                    }
                    for ret in &a.returns {
                        let b = bounces.entry(dept.clone()).or_default();
                        b.requests += 1;
                        match ret.outcome.as_deref() {
                            None => b.pending += 1,
                            Some("accepted") => b.accepted += 1,
                            Some("rejected") => b.rejected += 1,
                            Some(_) => b.disputed += 1,
                        }
                    }
                }
            }
            let statuses: Vec<StatusRow> = EventStatus::ALL
                .iter()
                .map(|s| StatusRow {
                    code: s.as_str(),
                    label: event_status(*s, l),
                    n: by_status.get(s).copied().unwrap_or(0),
                })
                .collect();
            let mut depts: Vec<DeptRow> = depts
                .into_iter()
                .map(|(code, mut r)| {
                    r.unit = unit_name(&st.org, &code);
                    r
                })
                .collect();
            depts.sort_by(|a, b| {
                b.red
                    .cmp(&a.red)
                    .then(b.yellow.cmp(&a.yellow))
                    .then(b.open.cmp(&a.open))
            });
            let mut bounces: Vec<BounceRow> = bounces
                .into_iter()
                .map(|(code, mut r)| {
                    r.unit = unit_name(&st.org, &code);
                    r
                })
                .collect();
            bounces.sort_by_key(|b| std::cmp::Reverse(b.requests));
            (total, statuses, depts, bounces, q.view(st, l), st.log_len)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let n = |s: EventStatus| {
        statuses
            .iter()
            .find(|r| r.code == s.as_str())
            .map_or(0, |r| r.n)
    };
    let finals = [
        EventStatus::SelfClosed,
        EventStatus::Closed,
        EventStatus::Shelved,
        EventStatus::Cancelled,
    ];
    let open = total - finals.iter().map(|s| n(*s)).sum::<usize>() - n(EventStatus::Draft);
    let counts = vec![
        Count::new(
            "total",
            "by-status",
            l.pick("事件总数", "Events"),
            total,
            false,
        ),
        Count::new("open", "by-status", l.pick("办理中", "Open"), open, false),
        Count::new(
            "red",
            "by-department",
            l.pick("超期派单", "Overdue hops"),
            depts.iter().map(|d| d.red).sum(),
            true,
        ),
        Count::new(
            "returns",
            "bounces",
            l.pick("退单", "Returns"),
            bounces.iter().map(|b| b.requests).sum(),
            false,
        ),
    ];
    Ok(render(&Page {
        c: Chrome::for_session(&s, "/desk"),
        desk: Desk::Leader,
        tabs: tabs(&s.principal, Desk::Leader, l),
        flash,
        counts,
        live_from,
        total,
        statuses,
        depts,
        bounces,
    }))
}
