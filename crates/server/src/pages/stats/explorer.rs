//! The statistics explorer and its drill-down to the events behind a cell.

use super::{guard, join_qs, parse, ParamError, Params};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::desks::view::{event_status, unit_name};
use crate::pages::{render, Chrome};
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use tiaokuai_app::now_ms;
use tiaokuai_core::stats::{Dim, Kind, Measure, Table, Value};

pub struct Cell {
    pub text: String,
    pub href: String,
}

pub struct RowView {
    pub label: String,
    pub cells: Vec<Cell>,
}

/// A table ready for the page: column groups, measure headings, rows and the totals row.
pub struct TableView {
    pub groups: Vec<String>,
    pub measures: Vec<String>,
    pub rows: Vec<RowView>,
    pub totals: RowView,
}

fn drill_href(p: &Params, r: &str, c: &str, m: Measure) -> String {
    format!(
        "/stats/events?{}&{}",
        p.qs(),
        join_qs(&[("r", r), ("c", c), ("dm", m.code())])
    )
}

fn cell(v: Value, m: Measure, zh: bool, href: impl FnOnce() -> String) -> Cell {
    let link = m.kind() == Kind::Count && !matches!(v, Value::Count(0));
    Cell {
        text: v.display(zh),
        href: if link { href() } else { String::new() },
    }
}

/// Lays `t` out with drill-down links on every non-zero count (totals drill with the
/// dimension set to 合计).
pub fn view(t: &Table, p: &Params, l: Lang) -> TableView {
    let zh = l == Lang::Zh;
    let ms = &t.measures;
    let mut groups: Vec<String> = t.cols.iter().map(|c| c.label.clone()).collect();
    groups.push(l.pick("合计", "Total").into());
    let measures: Vec<String> = ms.iter().map(|m| m.label(zh).to_string()).collect();
    let by_row = p.with_dims(&p.rows, "all");
    let by_col = p.with_dims("all", &p.cols);
    let all = p.with_dims("all", "all");
    let mut rows = vec![];
    for (ri, r) in t.rows.iter().enumerate() {
        let mut cells = vec![];
        for (ci, c) in t.cols.iter().enumerate() {
            for (mi, m) in ms.iter().enumerate() {
                let v = t.cells[ri][ci][mi];
                cells.push(cell(v, *m, zh, || drill_href(p, &r.key, &c.key, *m)));
            }
        }
        for (mi, m) in ms.iter().enumerate() {
            let v = t.row_totals[ri][mi];
            cells.push(cell(v, *m, zh, || drill_href(&by_row, &r.key, "", *m)));
        }
        rows.push(RowView {
            label: r.label.clone(),
            cells,
        });
    }
    let mut cells = vec![];
    for (ci, c) in t.cols.iter().enumerate() {
        for (mi, m) in ms.iter().enumerate() {
            let v = t.col_totals[ci][mi];
            cells.push(cell(v, *m, zh, || drill_href(&by_col, "", &c.key, *m)));
        }
    }
    for (mi, m) in ms.iter().enumerate() {
        cells.push(cell(t.total[mi], *m, zh, || drill_href(&all, "", "", *m)));
    }
    TableView {
        groups,
        measures,
        rows,
        totals: RowView {
            label: l.pick("合计", "Total").into(),
            cells,
        },
    }
}

pub struct MeasureBox {
    pub code: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

pub struct MeasureGroup {
    pub title: &'static str,
    pub items: Vec<MeasureBox>,
}

#[derive(Template)]
#[template(path = "stats_explorer.html")]
struct Page {
    c: Chrome,
    p: Params,
    dims: Vec<(String, String)>,
    groups: Vec<MeasureGroup>,
    townships: Vec<(String, String)>,
    departments: Vec<(String, String)>,
    cats1: Vec<(String, String)>,
    cats2: Vec<(String, String)>,
    errors: Vec<ParamError>,
    table: Option<TableView>,
    export: String,
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let zh = l == Lang::Zh;
    let now = now_ms();
    let (mut errors, mut table, mut p) = (vec![], None, Params::default());
    match parse(&pairs, now) {
        Ok((q, params)) => {
            p = params;
            match state.engine.stats(&s.principal, &q, zh, now).await {
                Ok(t) => table = Some(view(&t, &p, l)),
                Err(tiaokuai_app::AppError::Domain(tiaokuai_core::DomainError::Invalid(v))) => {
                    errors = v
                        .into_iter()
                        .map(|e| ParamError {
                            field: if e.field == "to" { "period" } else { "m" },
                            message: crate::error::reason_text(&e.reason, l),
                        })
                        .collect()
                }
                Err(e) => return Err(PageError::from_app(e, l)),
            }
        }
        Err(e) => {
            errors = e;
            p.rows = super::first(&pairs, "rows").into();
            p.cols = super::first(&pairs, "cols").into();
            p.period = super::first(&pairs, "period").into();
        }
    }
    let (townships, departments, cats1, cats2) = state
        .engine
        .with_state(|st| {
            let units = |f: fn(&tiaokuai_core::org::Unit) -> bool| {
                st.org
                    .units
                    .values()
                    .filter(|u| f(u))
                    .map(|u| (u.code.clone(), unit_name(&st.org, &u.code)))
                    .collect::<Vec<_>>()
            };
            let cats = |level: usize| {
                st.categories
                    .iter()
                    .filter(|c| st.categories.level(&c.code) == Some(level))
                    .map(|c| (c.code.clone(), c.name.clone()))
                    .collect::<Vec<_>>()
            };
            (
                units(|u| u.kind.is_township()),
                units(|u| u.kind == tiaokuai_core::org::UnitKind::Department),
                cats(1),
                cats(2),
            )
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let dims = Dim::CHOICES
        .iter()
        .map(|d| (d.code(), d.label(zh)))
        .collect();
    let groups = [
        (Kind::Count, l.pick("计数", "Counts")),
        (Kind::Rate, l.pick("比率", "Rates")),
        (Kind::Duration, l.pick("用时", "Durations")),
    ]
    .into_iter()
    .map(|(k, title)| MeasureGroup {
        title,
        items: Measure::ALL
            .iter()
            .filter(|m| m.kind() == k)
            .map(|m| MeasureBox {
                code: m.code(),
                label: m.label(zh),
                checked: p.measures.iter().any(|x| x == m.code()),
            })
            .collect(),
    })
    .collect();
    let export = format!("/stats/export.xlsx?{}", p.qs());
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        render(&Page {
            c: Chrome::for_session(&s, "/stats"),
            p,
            dims,
            groups,
            townships,
            departments,
            cats1,
            cats2,
            errors,
            table,
            export,
        }),
    )
        .into_response())
}

pub struct EventRow {
    pub id: u64,
    pub no: String,
    pub title: String,
    pub status: &'static str,
    pub township: String,
    pub handler: String,
}

#[derive(Template)]
#[template(path = "stats_events.html")]
struct DrillPage {
    c: Chrome,
    measure: String,
    cell: String,
    back: String,
    rows: Vec<EventRow>,
    total: usize,
}

/// The events behind one cell: the explorer's query plus `r`, `c` (row and column keys) and
/// `dm` (the measure).
pub async fn drill(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let zh = l == Lang::Zh;
    let now = now_ms();
    let bad = |e: String| PageError {
        status: axum::http::StatusCode::BAD_REQUEST,
        message: e,
        lang: l,
    };
    let (q, p) = parse(&pairs, now).map_err(|e| {
        bad(e
            .iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join("; "))
    })?;
    let dm = super::first(&pairs, "dm");
    let m = Measure::parse(dm).ok_or_else(|| bad(format!("dm: unknown measure '{dm}'")))?;
    let (r, c) = (super::first(&pairs, "r"), super::first(&pairs, "c"));
    let ids = state
        .engine
        .stats_drill(&s.principal, &q, (r, c, m), now)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let total = ids.len();
    let (rows, cell) = state
        .engine
        .with_events(&ids[..total.min(500)], |st| {
            let rows: Vec<EventRow> = ids
                .iter()
                .take(500)
                .filter_map(|id| st.events.event(*id))
                .map(|e| EventRow {
                    id: e.id,
                    no: e.no.clone(),
                    title: e.facts.title.clone(),
                    status: event_status(e.status, l),
                    township: e
                        .facts
                        .location
                        .township
                        .as_deref()
                        .map(|t| unit_name(&st.org, t))
                        .unwrap_or_default(),
                    handler: e
                        .live()
                        .next()
                        .or(e.assignments.first())
                        .map(|a| unit_name(&st.org, &a.receiver_unit))
                        .unwrap_or_default(),
                })
                .collect();
            let look = tiaokuai_app::stats::Lookup::of(st);
            let ctx = look.ctx();
            let name = |d: Dim, k: &str| {
                if d == Dim::All {
                    String::new()
                } else {
                    ctx.label(d, k, zh)
                }
            };
            let cell = [name(q.rows, r), name(q.cols, c), p.period.clone()]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            (rows, cell)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    Ok(render(&DrillPage {
        c: Chrome::for_session(&s, "/stats"),
        measure: m.label(zh).into(),
        cell,
        back: format!("/stats?{}", p.qs()),
        rows,
        total,
    }))
}
