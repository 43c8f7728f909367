//! `GET /lists`: the list browser as a table — filter by kind, domain, unit and text, sort by
//! any column (序号 naturally: `1.9` before `1.10`), 50 a page; `GET /lists/export/table` writes
//! the same rows to xlsx. (`/lists/export?format=…` stays the full catalogue export.)

use super::lists::{guard, kind_label, unit_names};
use super::table::{self, Col, Header, Key, Pager, Sorted, TableQuery};
use super::{render, Chrome};
use crate::error::{html_escape, PageError};
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tiaokuai_core::lists::{Item, ListKind};
use tiaokuai_core::org::RoleKind;

/// Search hits considered for a text query (ranked by relevance).
const SEARCH_CAP: usize = 500;

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub q: String,
    pub version: Option<u32>,
}

impl Filter {
    fn keep(&self, version: u32) -> String {
        let v = version.to_string();
        table::keep(&[
            ("kind", &self.kind),
            ("domain", &self.domain),
            ("unit", &self.unit),
            ("q", &self.q),
            ("version", &v),
        ])
    }
}

const COLS: [Col; 6] = [
    Col::text("number", "序号", "No."),
    Col::text("name", "事项名称", "Item"),
    Col::text("kind", "清单类型", "List kind"),
    Col::text("domain", "领域", "Domain"),
    Col::text("primary", "主体责任", "Primary"),
    Col::text("supporting", "配合责任", "Supporting"),
];

pub struct Row {
    pub number: String,
    pub path: String,
    pub name: String,
    pub name_html: String,
    pub snippet_html: String,
    pub kind: &'static str,
    pub domain: String,
    pub primary: String,
    pub supporting: String,
}

impl Row {
    fn key(&self, col: &str) -> Key {
        match col {
            "number" => Key::Natural(self.number.clone()),
            "name" => Key::text(&self.name),
            "kind" => Key::text(self.kind),
            "domain" => Key::text(&self.domain),
            "primary" => Key::text(&self.primary),
            "supporting" => Key::text(&self.supporting),
            _ => Key::Missing,
        }
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.number.clone(),
            self.name.clone(),
            self.kind.to_string(),
            self.domain.clone(),
            self.primary.clone(),
            self.supporting.clone(),
        ]
    }
}

#[derive(Template)]
#[template(path = "lists.html")]
struct ListsPage {
    c: Chrome,
    f: Filter,
    kinds: Vec<(&'static str, &'static str, usize)>,
    domains: Vec<String>,
    versions: Vec<(u32, String)>,
    version: u32,
    rows: Vec<Row>,
    headers: Vec<Header>,
    pager: Pager,
    truncated: bool,
    can_upload: bool,
    export: String,
}

struct Loaded {
    rows: Vec<Row>,
    truncated: bool,
    domains: Vec<String>,
    kinds: Vec<(&'static str, &'static str, usize)>,
    versions: Vec<(u32, String)>,
    version: u32,
}

async fn load(state: &AppState, s: &Session, f: &Filter) -> Result<Loaded, PageError> {
    guard(s)?;
    let l = s.lang;
    let kind = ListKind::parse(&f.kind);
    let latest = state
        .engine
        .with_state(|st| st.lists.latest())
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let version = f.version.unwrap_or(latest).min(latest);
    // Search ranks by relevance on the latest version; older versions are filtered by substring.
    let hits = if !f.q.trim().is_empty() && version == latest {
        Some(
            state
                .search
                .search(&state.engine, &f.q, SEARCH_CAP, kind.map(|k| k.as_str()))
                .await
                .1,
        )
    } else {
        None
    };
    state
        .engine
        .with_state(|st| {
            let org = &st.org;
            let unit_code = if f.unit.trim().is_empty() {
                None
            } else {
                Some(
                    org.resolve_unit(&f.unit)
                        .map(|u| u.code.clone())
                        .unwrap_or_default(),
                )
            };
            let keep = |i: &Item| {
                kind.map(|k| i.kind == k).unwrap_or(true)
                    && (f.domain.is_empty() || i.domain == f.domain)
                    && unit_code
                        .as_ref()
                        .map(|u| i.primary.contains(u) || i.supporting.contains(u))
                        .unwrap_or(true)
            };
            let row = |i: &Item, name_html: String, snippet_html: String| Row {
                number: i.number.clone(),
                path: i.id.clone(),
                name: i.name.clone(),
                name_html,
                snippet_html,
                kind: kind_label(i.kind, l),
                domain: i.domain.clone(),
                primary: unit_names(&i.primary, org),
                supporting: unit_names(&i.supporting, org),
            };
            let q = f.q.trim();
            let rows: Vec<Row> = match &hits {
                Some(hits) => hits
                    .iter()
                    .filter_map(|h| {
                        st.lists
                            .item_at(&h.id, version)
                            .filter(|i| keep(i))
                            .map(|i| row(i, h.name_html.clone(), h.snippet_html.clone()))
                    })
                    .collect(),
                None => st
                    .lists
                    .items_at(version)
                    .filter(|i| keep(i))
                    .filter(|i| {
                        q.is_empty()
                            || i.name.contains(q)
                            || i.number == q
                            || i.keywords.iter().any(|k| k.contains(q))
                    })
                    .map(|i| row(i, html_escape(&i.name), String::new()))
                    .collect(),
            };
            let truncated = hits.as_ref().is_some_and(|h| h.len() >= SEARCH_CAP);
            let mut domains: Vec<String> = st
                .lists
                .items_at(version)
                .map(|i| i.domain.clone())
                .filter(|d| !d.is_empty())
                .collect();
            domains.sort();
            domains.dedup();
            let kinds = ListKind::ALL
                .iter()
                .map(|k| {
                    (
                        k.as_str(),
                        kind_label(*k, l),
                        st.lists.count_at(version, Some(*k)),
                    )
                })
                .collect();
            let versions = st
                .lists
                .versions
                .iter()
                .rev()
                .map(|m| (m.version, m.effective_date.clone()))
                .collect();
            Loaded {
                rows,
                truncated,
                domains,
                kinds,
                versions,
                version,
            }
        })
        .await
        .map_err(|e| PageError::from_app(e, l))
}

/// A text search keeps its relevance order unless a column is chosen; else 序号 ascending.
fn sorting(f: &Filter, tq: &TableQuery) -> Sorted {
    let default = if f.q.trim().is_empty() {
        ("number", false)
    } else {
        ("", false)
    };
    tq.sorted(&COLS, default)
}

pub async fn browse(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(f): Query<Filter>,
    Query(tq): Query<TableQuery>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let mut d = load(&state, &s, &f).await?;
    let sorted = sorting(&f, &tq);
    table::sort_by(&mut d.rows, sorted, |r, k| r.key(k));
    let keep = f.keep(d.version);
    let headers = table::headers(&COLS, l, "/lists", &keep, sorted);
    let (rows, pager) = table::paginate(
        d.rows,
        &tq,
        "/lists",
        &format!("{keep}{}", sorted.qs()),
        l,
        l.pick("条", ""),
    );
    let can_upload =
        s.principal.has(RoleKind::EstablishmentReviewer) || s.principal.has(RoleKind::SystemAdmin);
    Ok(render(&ListsPage {
        c: Chrome::for_session(&s, "/lists"),
        export: format!("/lists/export/table?{keep}{}", sorted.qs()),
        f,
        rows,
        headers,
        pager,
        truncated: d.truncated,
        domains: d.domains,
        kinds: d.kinds,
        versions: d.versions,
        version: d.version,
        can_upload,
    }))
}

/// `GET /lists/export/table`: the rows of `/lists` with the same filters and sort, as xlsx.
pub async fn export_table(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(f): Query<Filter>,
    Query(tq): Query<TableQuery>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let mut d = load(&state, &s, &f).await?;
    table::sort_by(&mut d.rows, sorting(&f, &tq), |r, k| r.key(k));
    let cells: Vec<Vec<String>> = d.rows.iter().map(Row::cells).collect();
    table::xlsx_response(l, ("清单事项", "list-items"), &COLS, &cells)
}
