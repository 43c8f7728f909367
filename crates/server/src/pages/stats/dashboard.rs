//! The leader dashboard (领导看板): county totals of a month with the change on the month
//! before, a 12-month trend, department and township rankings, the county map shaded by
//! township, and the hot categories. Every bar and point drills down to its events.

use super::charts::{bar_chart, grade, line_chart, Bar, Point};
use super::{first, guard, Params};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::svgmap;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use std::collections::BTreeMap;
use tiaokuai_app::now_ms;
use tiaokuai_core::stats::{Dim, Grain, Kind, Measure, Period, Query as Q, Table, Value};

pub struct Kpi {
    pub code: &'static str,
    pub label: &'static str,
    pub now: String,
    pub before: String,
    pub change: String,
    pub up: bool,
    pub href: String,
}

/// A chart with the numbers behind it: (label, text, link) rows.
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub svg: String,
    pub rows: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "stats_dashboard.html")]
struct Page {
    c: Chrome,
    month: String,
    previous: String,
    rank_measure: String,
    map_measure: String,
    map_label: String,
    map_measures: Vec<(&'static str, &'static str)>,
    rates: Vec<(&'static str, &'static str)>,
    kpis: Vec<Kpi>,
    charts: Vec<Chart>,
    map: String,
    map_rows: Vec<(String, String, String)>,
}

const KPIS: [Measure; 6] = [
    Measure::Events,
    Measure::ClosureRate,
    Measure::OnTimeClosureRate,
    Measure::SatisfactionRate,
    Measure::ResponseRate,
    Measure::ReturnRate,
];

fn q(rows: Dim, cols: Dim, measures: Vec<Measure>, p: &Period) -> Q {
    Q {
        rows,
        cols,
        measures,
        filters: vec![],
        from_ms: p.from_ms(),
        to_ms: p.to_ms(),
    }
}

fn drill(rows: Dim, cols: Dim, m: Measure, period: &str, r: &str, c: &str) -> String {
    let p = Params {
        rows: rows.code(),
        cols: cols.code(),
        measures: vec![m.code().into()],
        period: period.into(),
        ..Default::default()
    };
    format!(
        "/stats/events?{}&{}",
        p.qs(),
        super::join_qs(&[("r", r), ("c", c), ("dm", m.code())])
    )
}

async fn table(state: &AppState, s: &Session, q: &Q, now: i64) -> Result<Table, PageError> {
    state
        .engine
        .stats(&s.principal, q, s.lang == Lang::Zh, now)
        .await
        .map_err(|e| PageError::from_app(e, s.lang))
}

/// One bar per row of a one-measure table, largest first (rows without data left out).
fn bars(t: &Table, m: Measure, period: &str, zh: bool, limit: usize) -> Vec<Bar> {
    let rows = Dim::parse(&t.rows_dim).unwrap_or(Dim::All);
    let mut out: Vec<Bar> = t
        .rows
        .iter()
        .zip(&t.row_totals)
        .filter_map(|(h, v)| {
            let x = v.first().copied()?;
            let value = x.as_f64()?;
            Some(Bar {
                label: h.label.clone(),
                value,
                text: x.display(zh),
                href: drill(rows, Dim::All, m, period, &h.key, ""),
                class: if m.kind() == Kind::Rate {
                    grade(value)
                } else {
                    "plain"
                },
            })
        })
        .collect();
    out.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.label.cmp(&b.label)));
    out.truncate(limit);
    out
}

fn chart(id: &'static str, title: String, bars: Vec<Bar>, percent: bool) -> Chart {
    Chart {
        id,
        title,
        svg: bar_chart(id, &bars, percent),
        rows: bars
            .into_iter()
            .map(|b| (b.label, b.text, b.href))
            .collect(),
    }
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
    let bad = |m: String| PageError {
        status: axum::http::StatusCode::BAD_REQUEST,
        message: m,
        lang: l,
    };
    let month = match first(&pairs, "month") {
        "" => Period::month_of(now),
        m => Period::parse(m)
            .ok()
            .filter(|p| p.name.len() == 7)
            .ok_or_else(|| bad(format!("month: '{m}' is not a month like 2026-11")))?,
    };
    let prev = month
        .previous()
        .ok_or_else(|| bad("month: no month before".into()))?;
    let rm = match first(&pairs, "rank") {
        "" => Measure::OnTimeResolutionRate,
        x => Measure::parse(x)
            .filter(|m| m.kind() == Kind::Rate)
            .ok_or_else(|| bad(format!("rank: '{x}' is not a rate")))?,
    };
    let mm = match first(&pairs, "map") {
        "" => Measure::Events,
        x => Measure::parse(x)
            .filter(|m| matches!(m.kind(), Kind::Rate | Kind::Count))
            .ok_or_else(|| bad(format!("map: '{x}' is not a count or a rate")))?,
    };
    let all = |p: &Period| q(Dim::All, Dim::All, KPIS.to_vec(), p);
    let t_now = table(&state, &s, &all(&month), now).await?;
    let t_prev = table(&state, &s, &all(&prev), now).await?;
    let kpis = KPIS
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let a = t_now.total.get(i).copied().unwrap_or(Value::Count(0));
            let b = t_prev.total.get(i).copied().unwrap_or(Value::Count(0));
            let (change, up) = match (a.as_f64(), b.as_f64(), m.kind()) {
                (Some(x), Some(y), Kind::Rate) => {
                    let d = (x - y) * 100.0;
                    (format!("{d:+.2} {}", l.pick("个百分点", "pp")), d >= 0.0)
                }
                (Some(x), Some(y), _) if y > 0.0 => {
                    let d = (x - y) / y * 100.0;
                    (format!("{d:+.1}%"), d >= 0.0)
                }
                _ => ("—".into(), true),
            };
            Kpi {
                code: m.code(),
                label: m.label(zh),
                now: a.display(zh),
                before: b.display(zh),
                change,
                up,
                href: drill(Dim::All, Dim::All, *m, &month.name, "", ""),
            }
        })
        .collect();

    // Twelve months up to the chosen one.
    let mut months = vec![month.clone()];
    while months.len() < 12 {
        let Some(p) = months.last().and_then(|p| p.previous()) else {
            break;
        };
        months.push(p);
    }
    months.reverse();
    let span = Period::parse(&format!(
        "{}..{}",
        months[0].from,
        month.until.pred_opt().unwrap_or(month.until)
    ))
    .map_err(|e| bad(crate::error::reason_text(&e.into(), l)))?;
    let by_month = Dim::Period(Grain::Month);
    let trend_t = table(
        &state,
        &s,
        &q(
            Dim::All,
            by_month,
            vec![Measure::Events, Measure::ClosureRate],
            &span,
        ),
        now,
    )
    .await?;
    let point = |mi: usize, p: &Period| {
        let v = trend_t
            .cols
            .iter()
            .position(|c| c.key == p.name)
            .and_then(|ci| trend_t.col_totals.get(ci))
            .and_then(|v| v.get(mi).copied());
        let v = v.unwrap_or(if mi == 0 {
            Value::Count(0)
        } else {
            Value::Rate(None)
        });
        let m = trend_t.measures[mi];
        Point {
            label: p.name.get(2..).unwrap_or(&p.name).to_string(),
            value: v.as_f64(),
            text: v.display(zh),
            href: drill(Dim::All, by_month, m, &span.name, "", &p.name),
        }
    };
    let ev_pts: Vec<Point> = months.iter().map(|p| point(0, p)).collect();
    let cl_pts: Vec<Point> = months.iter().map(|p| point(1, p)).collect();
    let mut charts = vec![];
    for (id, title, pts, pct) in [
        (
            "trend-events",
            l.pick("事件数（近12个月）", "Events (12 months)"),
            ev_pts,
            false,
        ),
        (
            "trend-closure",
            l.pick("结案率（近12个月）", "Closure rate (12 months)"),
            cl_pts,
            true,
        ),
    ] {
        charts.push(Chart {
            id,
            title: title.into(),
            svg: line_chart(id, &pts, pct),
            rows: pts.into_iter().map(|p| (p.label, p.text, p.href)).collect(),
        });
    }

    let by = |d: Dim, m: Measure| q(d, Dim::All, vec![m], &month);
    let depts = table(&state, &s, &by(Dim::Department, rm), now).await?;
    let towns = table(&state, &s, &by(Dim::Township, rm), now).await?;
    let rml = rm.label(zh);
    charts.push(chart(
        "rank-departments",
        format!("{}：{}", l.pick("部门排名", "Departments"), rml),
        bars(&depts, rm, &month.name, zh, 30),
        true,
    ));
    charts.push(chart(
        "rank-townships",
        format!("{}：{}", l.pick("乡镇(街道)排名", "Townships"), rml),
        bars(&towns, rm, &month.name, zh, 30),
        true,
    ));
    let town_ev = table(&state, &s, &by(Dim::Township, mm), now).await?;
    let cats = table(&state, &s, &by(Dim::Category(2), Measure::Events), now).await?;
    charts.push(chart(
        "hot-categories",
        l.pick(
            "热点问题（二级分类前10）",
            "Hot categories (top 10, level 2)",
        )
        .into(),
        bars(&cats, Measure::Events, &month.name, zh, 10),
        false,
    ));

    let values: BTreeMap<String, (f64, String)> = town_ev
        .rows
        .iter()
        .zip(&town_ev.row_totals)
        .filter_map(|(h, v)| {
            let x = v.first()?;
            Some((h.key.clone(), (x.as_f64()?, x.display(zh))))
        })
        .collect();
    let map_rows = town_ev
        .rows
        .iter()
        .zip(&town_ev.row_totals)
        .map(|(h, v)| {
            (
                h.label.clone(),
                v.first().map(|x| x.display(zh)).unwrap_or_default(),
                drill(
                    Dim::Township,
                    Dim::All,
                    Measure::Events,
                    &month.name,
                    &h.key,
                    "",
                ),
            )
        })
        .collect();
    let period = month.name.clone();
    let href = move |t: &str| drill(Dim::Township, Dim::All, mm, &period, t, "");
    let map = state
        .engine
        .with_state(|st| {
            let grids: Vec<_> = st.org.grids.values().cloned().collect();
            svgmap::render_shaded(
                &grids,
                &st.org,
                svgmap::Shade {
                    values: &values,
                    href: &href,
                },
            )
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let rates: Vec<(&'static str, &'static str)> = Measure::ALL
        .iter()
        .filter(|m| m.kind() == Kind::Rate)
        .map(|m| (m.code(), m.label(zh)))
        .collect();
    let map_measures = std::iter::once((Measure::Events.code(), Measure::Events.label(zh)))
        .chain(rates.iter().copied())
        .collect();
    Ok(render(&Page {
        c: Chrome::for_session(&s, "/stats/dashboard"),
        month: month.name.clone(),
        previous: prev.name,
        rank_measure: rm.code().into(),
        map_measure: mm.code().into(),
        map_label: mm.label(zh).into(),
        map_measures,
        rates,
        kpis,
        charts,
        map,
        map_rows,
    }))
}
