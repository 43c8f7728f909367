//! The 编办 dispute desk: open ownership disputes with the contested hop, every return on the
//! event with its reason and legal basis, and the list item with the units it names; the
//! ruling form is on the event page. Below, the rulings already made.

use super::view::{
    item_view, person_name, tabs, time, unit_name, Count, Flash, FlashQuery, HopRow, ItemView, Tab,
};
use super::{require, Desk};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::{render, Chrome};
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use tiaokuai_app::now_ms;
use tiaokuai_core::events::work::{work_for, WorkKind};
use tiaokuai_core::events::Event;
use tiaokuai_core::state::CountyState;

pub struct ReturnView {
    pub unit: String,
    pub at: String,
    pub reason: String,
    pub basis: String,
    pub outcome: &'static str,
}

pub struct DisputeRow {
    pub event: u64,
    pub no: String,
    pub title: String,
    pub caller: String,
    pub opened: String,
    pub reason: String,
    pub hop: Option<HopRow>,
    pub returns: Vec<ReturnView>,
    pub item: Option<ItemView>,
}

pub struct RulingRow {
    pub event: u64,
    pub no: String,
    pub title: String,
    pub at: String,
    pub by: String,
    pub primary: String,
    pub supporting: String,
    pub reasoning: String,
    pub adjustment: bool,
    at_ms: i64,
}

#[derive(Template)]
#[template(path = "desk_disputes.html")]
struct Page {
    c: Chrome,
    desk: Desk,
    tabs: Vec<Tab>,
    flash: Option<Flash>,
    counts: Vec<Count>,
    live_from: u64,
    open: Vec<DisputeRow>,
    rulings: Vec<RulingRow>,
}

fn outcome(o: Option<&str>, l: Lang) -> &'static str {
    match o {
        None => l.pick("待审核", "pending"),
        Some("accepted") => l.pick("同意改派", "reassigned"),
        Some("rejected") => l.pick("驳回", "rejected"),
        Some("disputed") => l.pick("转争议裁定", "referred as a dispute"),
        Some(_) => l.pick("已处理", "decided"),
    }
}

fn returns(st: &CountyState, e: &Event, l: Lang) -> Vec<ReturnView> {
    let mut v: Vec<(i64, ReturnView)> = e
        .assignments
        .iter()
        .flat_map(|a| {
            a.returns.iter().map(move |r| {
                (
                    r.at_ms,
                    ReturnView {
                        unit: unit_name(&st.org, &a.receiver_unit),
                        at: time(r.at_ms),
                        reason: r.reason.clone(),
                        basis: r.legal_basis.clone(),
                        outcome: outcome(r.outcome.as_deref(), l),
                    },
                )
            })
        })
        .collect();
    v.sort_by_key(|x| x.0);
    v.into_iter().map(|x| x.1).collect()
}

fn names(st: &CountyState, codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| unit_name(&st.org, c))
        .collect::<Vec<_>>()
        .join("、")
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<FlashQuery>,
) -> Result<Response, PageError> {
    require(&s, Desk::Disputes)?;
    let l = s.lang;
    let now = now_ms();
    let (open, mut rulings, flash, live_from) = state
        .engine
        .with_state(|st| {
            let mut open = Vec::new();
            let mut rulings = Vec::new();
            // Open disputes: 编办's move, from the core's one "who acts next" query.
            for w in work_for(st, &s.principal, now).into_iter().rev() {
                let Some(e) = st
                    .events
                    .event(w.event)
                    .filter(|_| w.kind == WorkKind::Rule)
                else {
                    continue;
                };
                if let Some(d) = e.open_dispute() {
                    open.push(DisputeRow {
                        event: e.id,
                        no: e.no.clone(),
                        title: e.facts.title.clone(),
                        caller: unit_name(&st.org, &e.caller_unit),
                        opened: time(d.opened_ms),
                        reason: d.reason.clone(),
                        hop: e
                            .assignment(d.assignment)
                            .map(|a| HopRow::new(st, e, a, now, l)),
                        returns: returns(st, e, l),
                        item: item_view(st, e.item.as_ref()),
                    });
                }
            }
            for e in st.events.events.values() {
                for r in e.disputes.iter().filter_map(|d| d.ruling.as_ref()) {
                    rulings.push(RulingRow {
                        event: e.id,
                        no: e.no.clone(),
                        title: e.facts.title.clone(),
                        at: time(r.at_ms),
                        by: person_name(&st.org, &r.by),
                        primary: unit_name(&st.org, &r.primary),
                        supporting: names(st, &r.supporting),
                        reasoning: r.reasoning.clone(),
                        adjustment: r.open_adjustment,
                        at_ms: r.at_ms,
                    });
                }
            }
            (open, rulings, q.view(st, l), st.log_len)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    rulings.sort_by_key(|r| std::cmp::Reverse(r.at_ms));
    let counts = vec![
        Count::new(
            "open",
            "open-disputes",
            l.pick("待裁定", "Awaiting ruling"),
            open.len(),
            true,
        ),
        Count::new(
            "ruled",
            "rulings",
            l.pick("已裁定", "Ruled"),
            rulings.len(),
            false,
        ),
    ];
    Ok(render(&Page {
        c: Chrome::for_session(&s, "/desk"),
        desk: Desk::Disputes,
        tabs: tabs(&s.principal, Desk::Disputes, l),
        flash,
        counts,
        live_from,
        open,
        rulings,
    }))
}
