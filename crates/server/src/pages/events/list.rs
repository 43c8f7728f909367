//! `GET /events`: the events the viewer may see, newest first, with filters by status,
//! township and overdue, the traffic-light flag, the caller and the current receivers.

use super::view;
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::session::url_encode;
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tiaokuai_app::now_ms;
use tiaokuai_core::events::who::may_see;
use tiaokuai_core::events::{EventStatus, Flag};

const PER_PAGE: usize = 30;

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub township: String,
    #[serde(default)]
    pub overdue: String,
    #[serde(default)]
    pub mine: String,
    #[serde(default)]
    pub q: String,
    pub page: Option<usize>,
}

pub struct Row {
    pub id: u64,
    pub no: String,
    pub title: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub urgent: bool,
    pub flag: &'static str,
    pub flag_word: &'static str,
    pub caller: String,
    pub receivers: String,
    pub place: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "events_list.html")]
struct ListPage {
    c: Chrome,
    f: Filter,
    rows: Vec<Row>,
    total: usize,
    page: usize,
    pages: usize,
    statuses: Vec<(&'static str, &'static str)>,
    townships: Vec<(String, String)>,
    can_report: bool,
    query: String,
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(f): Query<Filter>,
) -> Result<Response, PageError> {
    let l = s.lang;
    if s.principal.grants.is_empty() {
        return Err(PageError::forbidden(l));
    }
    let now = now_ms();
    let p = s.principal.clone();
    let page = f.page.unwrap_or(1).max(1);
    let (rows, total, townships) = state
        .engine
        .with_state(|st| {
            let book = &st.events;
            let org = &st.org;
            let status = EventStatus::parse(&f.status);
            let q = f.q.trim();
            let matching = book.events.values().rev().filter(|e| {
                may_see(&p, org, e)
                    && status.is_none_or(|x| e.status == x)
                    && (f.township.is_empty()
                        || e.caller_unit == f.township
                        || e.facts.location.township.as_deref() == Some(f.township.as_str()))
                    && (f.overdue.is_empty() || view::worst_flag(book, e, now) == Flag::Red)
                    && (f.mine.is_empty() || e.reporter == p.username)
                    && (q.is_empty() || e.facts.title.contains(q) || e.no.contains(q))
            });
            let mut total = 0;
            let mut rows = Vec::new();
            for e in matching {
                total += 1;
                if total <= (page - 1) * PER_PAGE || rows.len() >= PER_PAGE {
                    continue;
                }
                let flag = view::worst_flag(book, e, now);
                let mut receivers: Vec<String> = e
                    .live()
                    .filter(|a| a.status.is_open())
                    .map(|a| view::unit(org, &a.receiver_unit))
                    .collect();
                receivers.dedup();
                let loc = &e.facts.location;
                let place = [&loc.township, &loc.village]
                    .iter()
                    .filter_map(|x| x.as_deref())
                    .map(|c| view::unit(org, c))
                    .collect::<Vec<_>>()
                    .join(" ");
                rows.push(Row {
                    id: e.id,
                    no: e.no.clone(),
                    title: e.facts.title.clone(),
                    status: view::status(e.status, l),
                    status_class: view::status_class(book, e, now),
                    urgent: e.facts.urgency == tiaokuai_core::events::Urgency::Urgent,
                    flag: view::flag_class(flag),
                    flag_word: if flag == Flag::None {
                        ""
                    } else {
                        view::flag_word(flag, l)
                    },
                    caller: view::unit(org, &e.caller_unit),
                    receivers: receivers.join("、"),
                    place,
                    created: view::time(e.created_ms),
                });
            }
            let mut townships: Vec<(String, String)> = org
                .units
                .values()
                .filter(|u| u.kind.is_township())
                .map(|u| (u.code.clone(), u.name.clone()))
                .collect();
            townships.sort();
            (rows, total, townships)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let query = [
        ("status", &f.status),
        ("township", &f.township),
        ("overdue", &f.overdue),
        ("mine", &f.mine),
        ("q", &f.q),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}={}&", url_encode(v)))
    .collect::<String>();
    let statuses = EventStatus::ALL
        .iter()
        .map(|x| (x.as_str(), view::status(*x, l)))
        .collect();
    Ok(render(&ListPage {
        c: Chrome::for_session(&s, "/events"),
        can_report: view::reporter(&s.principal).is_some(),
        f,
        rows,
        total,
        page,
        pages,
        statuses,
        townships,
        query,
    }))
}
