//! 月汇总: patrols per township and for the county in a month, as a printable page and xlsx.

use super::pct;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tiaokuai_app::now_ms;
use tiaokuai_app::patrol::TownshipMonth;
use tiaokuai_core::stats::Period;

#[derive(Deserialize, Default)]
pub struct MonthQuery {
    #[serde(default)]
    month: String,
}

#[derive(Template)]
#[template(path = "patrol_monthly.html")]
struct Page {
    c: Chrome,
    month: String,
    prev: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    total: Option<Vec<String>>,
}

fn header(l: Lang) -> Vec<String> {
    [
        ("乡镇（街道）", "Township"),
        ("网格数", "Grids"),
        ("已巡查网格", "Grids patrolled"),
        ("覆盖率", "Coverage"),
        ("按规则达标", "Meeting the rule"),
        ("巡查次数", "Patrols"),
        ("里程（km）", "Distance (km)"),
        ("发现问题", "Findings"),
        ("上报事件", "Reported as events"),
        ("超期问题", "Overdue findings"),
        ("周分析纪要", "Weekly minutes"),
    ]
    .iter()
    .map(|(z, e)| l.pick(z, e).to_string())
    .collect()
}

fn line(r: &TownshipMonth, l: Lang) -> Vec<String> {
    vec![
        if r.township.is_empty() {
            l.pick("全县合计", "County total").to_string()
        } else {
            r.name.clone()
        },
        r.grids.to_string(),
        r.covered.to_string(),
        pct(r.coverage_pct()),
        r.met.to_string(),
        r.patrols.to_string(),
        format!("{:.1}", r.distance_km),
        r.findings.to_string(),
        r.reported.to_string(),
        r.overdue_findings.to_string(),
        r.minutes.to_string(),
    ]
}

async fn rows(
    state: &AppState,
    s: &Session,
    q: &MonthQuery,
) -> Result<(Vec<TownshipMonth>, Period), PageError> {
    let now = now_ms();
    let month = if q.month.is_empty() {
        Period::month_of(now).name
    } else {
        q.month.clone()
    };
    state
        .engine
        .patrol_month(&s.principal, &month, now)
        .await
        .map_err(|e| PageError::from_app(e, s.lang))
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<MonthQuery>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let (all, per) = rows(&state, &s, &q).await?;
    let (total, towns): (Vec<_>, Vec<_>) = all.iter().partition(|r| r.township.is_empty());
    let page = Page {
        c: Chrome::for_session(&s, "/patrol/board"),
        prev: per.previous().map(|p| p.name).unwrap_or_default(),
        month: per.name.clone(),
        header: header(l),
        rows: towns.iter().map(|r| line(r, l)).collect(),
        total: total.first().map(|r| line(r, l)),
    };
    Ok(render(&page))
}

pub async fn export(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<MonthQuery>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let (all, per) = rows(&state, &s, &q).await?;
    let mut grid = vec![header(l)];
    grid.extend(all.iter().map(|r| line(r, l)));
    let bytes = tiaokuai_app::stats_export::xlsx(l.pick("巡查月汇总", "Patrols"), &grid)
        .map_err(|e| PageError::from_app(e, l))?;
    Ok(crate::pages::stats::export::download(
        &format!("patrol-{}.xlsx", per.name),
        bytes,
    ))
}
