//! The county command centre (县指挥中心): the triage queue of calls waiting for dispatch with
//! the list item each cites and the units it names, return and extension requests and
//! appeals waiting for a decision, the overdue board with one-click 催办 / 督办, and the map.

use super::map::{self, Point};
use super::view::{
    event_flag, flag_view, item_view, sort_hops, tabs, time, unit_name, waited, Count, Flash,
    FlashQuery, HopRow, ItemView, Tab,
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
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::work::{work_for, Holder, WorkKind};
use tiaokuai_core::events::{Event, EventStatus, Flag, Urgency};
use tiaokuai_core::state::CountyState;

pub struct TriageRow {
    pub event: u64,
    pub no: String,
    pub title: String,
    pub caller: String,
    pub urgent: bool,
    pub kind: String,
    pub called: String,
    pub waited: String,
    pub item: Option<ItemView>,
    called_ms: i64,
}

pub struct RequestRow {
    pub hop: HopRow,
    pub at: String,
    pub what: String,
    pub reason: String,
    pub basis: String,
}

#[derive(Template)]
#[template(path = "desk_command.html")]
struct Page {
    c: Chrome,
    desk: Desk,
    tabs: Vec<Tab>,
    flash: Option<Flash>,
    counts: Vec<Count>,
    live_from: u64,
    triage: Vec<TriageRow>,
    returns: Vec<RequestRow>,
    extensions: Vec<RequestRow>,
    appeals: Vec<RequestRow>,
    overdue: Vec<HopRow>,
    map: String,
    mapped: usize,
    open_events: usize,
}

struct Data {
    triage: Vec<TriageRow>,
    returns: Vec<RequestRow>,
    extensions: Vec<RequestRow>,
    appeals: Vec<RequestRow>,
    overdue: Vec<HopRow>,
    points: Vec<Point>,
    disputes: usize,
}

/// A call waiting for dispatch, as the triage queue shows it.
fn triage_row(st: &CountyState, e: &Event, now: i64, l: Lang) -> TriageRow {
    let called_ms = e.called_ms.unwrap_or(e.created_ms);
    let mut kind = vec![e.facts.channel.label_zh().to_string()];
    if let Some(r) = e.facts.request_type {
        kind.push(r.label_zh().to_string());
    }
    if l == Lang::En {
        kind = vec![e.facts.channel.as_str().replace('_', " ")];
        kind.extend(e.facts.request_type.map(|r| r.as_str().to_string()));
    }
    TriageRow {
        event: e.id,
        no: e.no.clone(),
        title: e.facts.title.clone(),
        caller: unit_name(&st.org, &e.caller_unit),
        urgent: e.facts.urgency == Urgency::Urgent,
        kind: kind.join(" · "),
        called: time(called_ms),
        waited: waited(&st.events, called_ms, now, l),
        item: item_view(st, e.item.as_ref()),
        called_ms,
    }
}

fn collect(st: &CountyState, p: &Principal, now: i64, l: Lang) -> Data {
    let book = &st.events;
    let mut d = Data {
        triage: vec![],
        returns: vec![],
        extensions: vec![],
        appeals: vec![],
        overdue: vec![],
        points: vec![],
        disputes: 0,
    };
    for e in book.events.values() {
        // Drafts and the township's own assignments (乡镇派单) are not the county's until the
        // township calls.
        if e.status.is_final() || e.called_ms.is_none() {
            continue;
        }
        if e.open_dispute().is_some() {
            d.disputes += 1;
        }
        let waiting = e.status == EventStatus::Called;
        let flag = event_flag(book, e, now);
        let (class, word) = if waiting {
            ("flag-wait", l.pick("待分拨", "Awaiting dispatch"))
        } else {
            flag_view(flag, true, l)
        };
        d.points.push(Point {
            event: e.id,
            no: e.no.clone(),
            title: e.facts.title.clone(),
            lon: e.facts.location.lon,
            lat: e.facts.location.lat,
            class,
            word,
        });
        for a in e.live() {
            if a.status.is_open() && book.flag(a, now) != Flag::None {
                d.overdue.push(HopRow::new(st, e, a, now, l));
            }
        }
    }
    // What waits for the command centre, oldest first, from the core's one query.
    let mut work = work_for(st, p, now);
    work.retain(|w| w.holder == Holder::CommandCentre);
    for w in work.into_iter().rev() {
        let Some(e) = book.event(w.event) else {
            continue;
        };
        let a = w.hop.and_then(|n| e.assignment(n));
        match (w.kind, a) {
            (WorkKind::Dispatch, _) => d.triage.push(triage_row(st, e, now, l)),
            (WorkKind::DecideReturn, Some(a)) => {
                if let Some(r) = a.returns.last() {
                    d.returns.push(RequestRow {
                        hop: HopRow::new(st, e, a, now, l),
                        at: time(r.at_ms),
                        what: match l {
                            Lang::Zh => format!("第 {} 次退单", a.returns.len()),
                            Lang::En => format!("return #{}", a.returns.len()),
                        },
                        reason: r.reason.clone(),
                        basis: r.legal_basis.clone(),
                    });
                }
            }
            (WorkKind::DecideExtension, Some(a)) => {
                if let Some(x) = a.extensions.iter().rev().find(|x| x.approved.is_none()) {
                    d.extensions.push(RequestRow {
                        hop: HopRow::new(st, e, a, now, l),
                        at: time(x.at_ms),
                        what: match l {
                            Lang::Zh => format!("延期 {} 个工作日", x.days),
                            Lang::En => format!("{} more working days", x.days),
                        },
                        reason: x.reason.clone(),
                        basis: String::new(),
                    });
                }
            }
            (WorkKind::DecideAppeal, Some(a)) => {
                if let Some(ev) = &a.evaluation {
                    if let Some(ap) = ev.appeal.as_ref() {
                        d.appeals.push(RequestRow {
                            hop: HopRow::new(st, e, a, now, l),
                            at: time(ap.at_ms),
                            what: format!("{} · {}", ev.label, unit_name(&st.org, &ev.unit)),
                            reason: ap.reason.clone(),
                            basis: ev.reason.clone(),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    // Urgent first, then the longest waiting.
    d.triage
        .sort_by(|a, b| b.urgent.cmp(&a.urgent).then(a.called_ms.cmp(&b.called_ms)));
    sort_hops(&mut d.overdue);
    d
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<FlashQuery>,
) -> Result<Response, PageError> {
    require(&s, Desk::Command)?;
    let l = s.lang;
    let now = now_ms();
    let label = l.pick("事件分布图", "Map of open events");
    let (d, map, flash, live_from) = state
        .engine
        .with_state(|st| {
            let d = collect(st, &s.principal, now, l);
            let grids: Vec<_> = st.org.grids.values().cloned().collect();
            let map = map::render(&grids, &st.org, &d.points, label);
            (d, map, q.view(st, l), st.log_len)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let red = d.overdue.iter().filter(|h| h.rank == 2).count();
    let yellow = d.overdue.len() - red;
    let counts = vec![
        Count::new(
            "triage",
            "triage",
            l.pick("待分拨", "To dispatch"),
            d.triage.len(),
            false,
        ),
        Count::new(
            "returns",
            "returns",
            l.pick("退单待审", "Returns"),
            d.returns.len(),
            false,
        ),
        Count::new(
            "extensions",
            "extensions",
            l.pick("延期待批", "Extensions"),
            d.extensions.len(),
            false,
        ),
        Count::new("red", "overdue-board", l.pick("超期", "Overdue"), red, true),
        Count::new(
            "yellow",
            "overdue-board",
            l.pick("预警", "Due soon"),
            yellow,
            false,
        ),
        Count::new(
            "disputes",
            "",
            l.pick("争议待裁定", "Disputed"),
            d.disputes,
            false,
        ),
    ];
    Ok(render(&Page {
        c: Chrome::for_session(&s, "/desk"),
        desk: Desk::Command,
        tabs: tabs(&s.principal, Desk::Command, l),
        flash,
        counts,
        live_from,
        open_events: d.points.len(),
        triage: d.triage,
        returns: d.returns,
        extensions: d.extensions,
        appeals: d.appeals,
        overdue: d.overdue,
        map: map.0,
        mapped: map.1,
    }))
}
