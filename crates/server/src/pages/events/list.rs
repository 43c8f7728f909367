//! `GET /events`: the events the viewer may see, with filters by status, township, category,
//! initiating and handling unit, report date and overdue; sortable by every column (the
//! deadline column ascending is "most urgent first": overdue, then due soonest); 50 a page;
//! `GET /events/export` writes the same rows, all pages, to xlsx.
//!
//! The matching ids come from SQL in the viewer's scope (`Store::list_events`, newest first, at
//! most [`SCAN_CAP`] for a page and [`EXPORT_CAP`] for an export); sorting by deadline needs
//! the events themselves, so they are loaded and sorted in memory.

use super::list_rows::{self, Filter, Options, Row, COLS};
use super::view;
use crate::error::PageError;
use crate::pages::table::{self, Header, Pager, TableQuery, EXPORT_CAP};
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use tiaokuai_app::now_ms;
use tiaokuai_core::events::EventStatus;

/// The most events a page sorts among (the newest ones).
const SCAN_CAP: usize = 5_000;

#[derive(Template)]
#[template(path = "events_list.html")]
struct ListPage {
    c: Chrome,
    f: Filter,
    rows: Vec<Row>,
    headers: Vec<Header>,
    pager: Pager,
    /// More events matched than were sorted (the newest [`SCAN_CAP`]).
    capped: bool,
    statuses: Vec<(&'static str, &'static str)>,
    townships: Vec<(String, String)>,
    opts: Options,
    can_report: bool,
    export: String,
    urgent_href: String,
    sorted_by_due: bool,
}

struct Loaded {
    rows: Vec<Row>,
    capped: bool,
    opts: Options,
    townships: Vec<(String, String)>,
}

async fn load(state: &AppState, s: &Session, f: &Filter, cap: usize) -> Result<Loaded, PageError> {
    let l = s.lang;
    if s.principal.grants.is_empty() {
        return Err(PageError::forbidden(l));
    }
    let now = now_ms();
    let p = s.principal.clone();
    let (query, townships) = state
        .engine
        .with_state(|st| {
            let mut townships: Vec<(String, String)> = st
                .org
                .units
                .values()
                .filter(|u| u.kind.is_township())
                .map(|u| (u.code.clone(), u.name.clone()))
                .collect();
            townships.sort();
            (list_rows::sql_query(st, &p, f, now, cap), townships)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let page = state
        .engine
        .store()
        .list_events(state.engine.county(), &query)
        .await
        .map_err(|e| PageError::from_app(e.into(), l))?;
    let (rows, opts) = state
        .engine
        .with_events(&page.ids, |st| {
            let mut opts = Options::default();
            let rows = page
                .ids
                .iter()
                .filter_map(|id| crate::event_lookup::listed_event(st, *id))
                .inspect(|e| opts.add(st, e))
                .filter(|e| list_rows::keep(st, f, e))
                .map(|e| list_rows::row(st, &p, e, now, l))
                .collect::<Vec<_>>();
            opts.finish();
            (rows, opts)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    Ok(Loaded {
        rows,
        capped: page.next_before.is_some(),
        opts,
        townships,
    })
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(f): Query<Filter>,
    Query(tq): Query<TableQuery>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let mut loaded = load(&state, &s, &f, SCAN_CAP).await?;
    let sorted = tq.sorted(&COLS, ("created", true));
    table::sort_by(&mut loaded.rows, sorted, |r, k| r.key(k));
    let keep = f.keep();
    let headers = table::headers(&COLS, l, "/events", &keep, sorted);
    let unit = l.pick("件", "");
    let (rows, pager) = table::paginate(
        loaded.rows,
        &tq,
        "/events",
        &format!("{keep}{}", sorted.qs()),
        l,
        unit,
    );
    let statuses = EventStatus::ALL
        .iter()
        .map(|x| (x.as_str(), view::status(*x, l)))
        .collect();
    Ok(render(&ListPage {
        c: Chrome::for_session(&s, "/events"),
        can_report: view::reporter(&s.principal).is_some(),
        export: format!("/events/export?{keep}{}", sorted.qs()),
        urgent_href: format!("/events?{keep}sort=due&dir=asc"),
        sorted_by_due: sorted.key == "due" && !sorted.desc,
        f,
        rows,
        headers,
        pager,
        capped: loaded.capped,
        statuses,
        townships: loaded.townships,
        opts: loaded.opts,
    }))
}

/// `GET /events/export`: the same rows as the page (every page), as xlsx.
pub async fn export(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(f): Query<Filter>,
    Query(tq): Query<TableQuery>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let mut loaded = load(&state, &s, &f, EXPORT_CAP).await?;
    let sorted = tq.sorted(&COLS, ("created", true));
    table::sort_by(&mut loaded.rows, sorted, |r, k| r.key(k));
    let cells: Vec<Vec<String>> = loaded.rows.iter().map(Row::cells).collect();
    table::xlsx_response(l, ("事件", "events"), &COLS, &cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_filter_is_kept() {
        let f = Filter {
            status: "called".into(),
            category: "X99001".into(),
            from: "2026-11-01".into(),
            q: "油烟 大".into(),
            ..Default::default()
        };
        assert_eq!(
            f.keep(),
            "status=called&q=%E6%B2%B9%E7%83%9F%20%E5%A4%A7&category=X99001&from=2026-11-01&"
        );
    }
}
