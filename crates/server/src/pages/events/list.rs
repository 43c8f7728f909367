//! `GET /events`: the events the viewer may see, newest first, with filters by status,
//! township and overdue, the traffic-light flag, the caller and the current receivers. The
//! page of ids comes from SQL (`Store::list_events`), a page at a time by keyset.

use super::view;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::{render, Chrome};
use crate::session::url_encode;
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tiaokuai_app::now_ms;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::scope::read_scope;
use tiaokuai_core::events::{Event, EventStatus, Flag};
use tiaokuai_core::CountyState;
use tiaokuai_store::{EventListQuery, COUNT_CAP};

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
    /// Keyset: the page of events below this id (the next page).
    pub before: Option<u64>,
    /// Keyset: the page of events just above this id (the previous page).
    pub after: Option<u64>,
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
    /// The deadline that matters to the viewer (`view::viewer_due`) and the time left.
    pub due: String,
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
    /// "共 N 件" / "超过 1000 件".
    total: String,
    next_before: Option<u64>,
    prev_after: Option<u64>,
    statuses: Vec<(&'static str, &'static str)>,
    townships: Vec<(String, String)>,
    can_report: bool,
    query: String,
}

fn row(st: &CountyState, p: &Principal, e: &Event, now: i64, l: Lang) -> Row {
    let book = &st.events;
    let org = &st.org;
    let flag = view::worst_flag(book, e, now);
    let due = view::viewer_due(book, org, p, e, now, l)
        .map(|d| format!("{} · {}", d.at, d.left))
        .unwrap_or_default();
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
    Row {
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
        due,
        caller: view::unit(org, &e.caller_unit),
        receivers: receivers.join("、"),
        place,
        created: view::time(e.created_ms),
    }
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
    let (query, townships) = state
        .engine
        .with_state(|st| {
            let book = &st.events;
            let org = &st.org;
            let q = f.q.trim();
            let query = EventListQuery {
                scopes: read_scope(org, &p),
                statuses: EventStatus::parse(&f.status).into_iter().collect(),
                township: Some(f.township.clone()).filter(|t| !t.is_empty()),
                reporter: (!f.mine.is_empty()).then(|| p.username.clone()),
                text: Some(q.to_string()).filter(|q| !q.is_empty()),
                // Only open events can be overdue; they are all in memory.
                ids: (!f.overdue.is_empty()).then(|| {
                    book.events
                        .values()
                        .filter(|e| !e.status.is_final())
                        .filter(|e| view::worst_flag(book, e, now) == Flag::Red)
                        .map(|e| e.id)
                        .collect()
                }),
                before_id: f.before,
                after_id: f.after,
                limit: PER_PAGE,
                ..Default::default()
            };
            let mut townships: Vec<(String, String)> = org
                .units
                .values()
                .filter(|u| u.kind.is_township())
                .map(|u| (u.code.clone(), u.name.clone()))
                .collect();
            townships.sort();
            (query, townships)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let page = state
        .engine
        .store()
        .list_events(state.engine.county(), &query)
        .await
        .map_err(|e| PageError::from_app(e.into(), l))?;
    let rows = state
        .engine
        .with_events(&page.ids, |st| {
            page.ids
                .iter()
                .filter_map(|id| crate::event_lookup::listed_event(st, *id))
                .map(|e| row(st, &p, e, now, l))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let total = match (page.count_capped, l) {
        (true, Lang::Zh) => format!("超过 {COUNT_CAP} 件"),
        (true, Lang::En) => format!("more than {COUNT_CAP}"),
        (false, Lang::Zh) => format!("共 {} 件", page.count),
        (false, Lang::En) => format!("{} in all", page.count),
    };
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
        next_before: page.next_before,
        prev_after: page.prev_after,
        statuses,
        townships,
        query,
    }))
}
