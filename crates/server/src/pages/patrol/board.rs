//! The township's patrol board (grids and when last patrolled, those not patrolled in time
//! flagged, recent patrols) and the weekly analysis (周分析) with its meeting minutes.

use super::{err_text, km, pct};
use crate::error::PageError;
use crate::pages::desks::view::time;
use crate::pages::{render, Chrome};
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tiaokuai_app::now_ms;
use tiaokuai_app::patrol::PatrolScope;
use tiaokuai_core::patrol::{week_of, PatrolCmd, PatrolRules};
use tiaokuai_core::stats::Period;

#[derive(Deserialize, Default)]
pub struct BoardQuery {
    #[serde(default)]
    township: String,
    #[serde(default)]
    week: String,
    #[serde(default)]
    done: String,
    #[serde(default)]
    err: String,
}

pub struct GridLine {
    pub code: String,
    pub name: String,
    pub class: &'static str,
    pub interval: u32,
    pub last: String,
    pub patrols: usize,
    pub required: usize,
    pub overdue: bool,
}

pub struct PatrolLine {
    pub grid: String,
    pub patroller: String,
    pub started: String,
    pub km: String,
    pub points: u32,
    pub findings: usize,
}

pub struct FindingLine {
    pub grid: String,
    pub category: String,
    pub description: String,
    pub at: String,
    pub event: Option<(u64, String)>,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "patrol_board.html")]
struct Board {
    c: Chrome,
    township: String,
    township_name: String,
    townships: Vec<(String, String)>,
    week: String,
    grids: Vec<GridLine>,
    overdue: usize,
    patrols: Vec<PatrolLine>,
    rules: PatrolRules,
    admin: bool,
    flash: Option<String>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "patrol_weekly.html")]
struct Weekly {
    c: Chrome,
    township: String,
    township_name: String,
    townships: Vec<(String, String)>,
    week: String,
    prev: String,
    next: String,
    range: String,
    grids: Vec<GridLine>,
    coverage: String,
    covered: usize,
    met: usize,
    patrols: usize,
    km: String,
    by_category: Vec<(String, usize)>,
    spots: Vec<(String, String, usize)>,
    findings: Vec<FindingLine>,
    overdue_findings: usize,
    minutes: Option<(String, String, String)>,
    may_minute: bool,
    flash: Option<String>,
    error: Option<String>,
}

async fn scope_and_towns(
    state: &AppState,
    s: &crate::session::Session,
) -> Result<(PatrolScope, Vec<(String, String)>), PageError> {
    let scope = state
        .engine
        .patrol_scope(&s.principal)
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    if !matches!(scope, PatrolScope::County | PatrolScope::Townships(_)) {
        return Err(PageError::forbidden(s.lang));
    }
    let sc = scope.clone();
    let towns = state
        .engine
        .with_state(move |st| {
            st.org
                .units
                .values()
                .filter(|u| u.kind.is_township() && sc.sees_township(&u.code))
                .map(|u| (u.code.clone(), u.name.clone()))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    Ok((scope, towns))
}

fn grid_lines(a: &tiaokuai_core::patrol::Analysis, zh: bool) -> Vec<GridLine> {
    let mut v: Vec<GridLine> = a
        .grids
        .iter()
        .map(|g| GridLine {
            code: g.grid.clone(),
            name: g.name.clone(),
            class: g.class.label(zh),
            interval: g.interval_days,
            last: g.last_ms.map(time).unwrap_or_else(|| "—".into()),
            patrols: g.patrols,
            required: g.required,
            overdue: g.overdue,
        })
        .collect();
    v.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.code.cmp(&b.code)));
    v
}

fn done_text(done: &str, l: crate::i18n::Lang) -> Option<String> {
    match done {
        "minutes" => Some(l.pick("会议纪要已保存", "Minutes saved")),
        "rules" => Some(l.pick("巡查规则已保存", "Patrol rules saved")),
        _ => None,
    }
    .map(str::to_string)
}

pub async fn board(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<BoardQuery>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let (_, towns) = scope_and_towns(&state, &s).await?;
    let now = now_ms();
    let week = week_of(now);
    let (a, _) = state
        .engine
        .patrol_analysis(&s.principal, Some(&q.township), &week, now)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let recent = state
        .engine
        .patrols(&s.principal, Some(&a.township), 20)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let rules = state
        .engine
        .with_state(|st| st.patrol.rules.clone())
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let grids = grid_lines(&a, l == crate::i18n::Lang::Zh);
    let page = Board {
        c: Chrome::for_session(&s, "/patrol/board"),
        township_name: towns
            .iter()
            .find(|t| t.0 == a.township)
            .map(|t| t.1.clone())
            .unwrap_or_default(),
        township: a.township.clone(),
        townships: towns,
        week,
        overdue: grids.iter().filter(|g| g.overdue).count(),
        grids,
        patrols: recent
            .into_iter()
            .map(|p| PatrolLine {
                grid: p.grid_name,
                patroller: p.patroller_name,
                started: time(p.record.started_ms),
                km: km(p.record.distance_m),
                points: p.record.points,
                findings: p.record.findings.len(),
            })
            .collect(),
        rules,
        admin: s.principal.has(tiaokuai_core::org::RoleKind::SystemAdmin),
        flash: done_text(&q.done, l),
        error: (!q.err.is_empty()).then(|| q.err.clone()),
    };
    Ok(render(&page))
}

fn shift_week(week: &Period, days: i64) -> String {
    week_of(week.from_ms() + days * 86_400_000 + 43_200_000)
}

pub async fn weekly(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<BoardQuery>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let zh = l == crate::i18n::Lang::Zh;
    let (_, towns) = scope_and_towns(&state, &s).await?;
    let now = now_ms();
    let week = if q.week.is_empty() {
        week_of(now)
    } else {
        q.week.clone()
    };
    let per = tiaokuai_core::patrol::parse_week(&week)
        .map_err(|e| PageError::from_app(tiaokuai_app::AppError::Domain(e), l))?;
    let (a, per) = state
        .engine
        .patrol_analysis(&s.principal, Some(&q.township), &per.name, now)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let (cats, may_minute) = state
        .engine
        .with_state(|st| {
            let may = s.principal.grants.iter().any(|g| {
                matches!(
                    g.role,
                    tiaokuai_core::org::RoleKind::TownshipOperator
                        | tiaokuai_core::org::RoleKind::TownshipLeader
                ) && st
                    .org
                    .township_of(&g.unit)
                    .is_some_and(|t| t.code == a.township)
            });
            (st.categories.clone(), may)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let name = |c: &str| cats.name(c).to_string();
    let judged = now.min(per.to_ms());
    let last_day = per.until.pred_opt().unwrap_or(per.until);
    let page = Weekly {
        c: Chrome::for_session(&s, "/patrol/board"),
        township_name: towns
            .iter()
            .find(|t| t.0 == a.township)
            .map(|t| t.1.clone())
            .unwrap_or_default(),
        township: a.township.clone(),
        townships: towns,
        prev: shift_week(&per, -7),
        next: shift_week(&per, 7),
        range: format!("{} – {}", per.from, last_day),
        week: per.name.clone(),
        grids: grid_lines(&a, zh),
        coverage: pct(a.coverage_pct()),
        covered: a.covered(),
        met: a.met(),
        patrols: a.patrols,
        km: km(a.distance_m),
        by_category: a
            .by_category()
            .into_iter()
            .map(|(c, n)| (name(&c), n))
            .collect(),
        spots: a
            .repeat_spots()
            .into_iter()
            .map(|sp| (name(&sp.category), sp.grid, sp.count))
            .collect(),
        overdue_findings: a.overdue_findings(judged).len(),
        findings: a
            .findings
            .iter()
            .map(|f| FindingLine {
                grid: f.grid.clone(),
                category: name(&f.finding.category),
                description: f.finding.description.clone(),
                at: time(f.finding.found_ms),
                event: f.finding.event.map(|id| {
                    (
                        id,
                        f.event.as_ref().map(|e| e.no.clone()).unwrap_or_default(),
                    )
                }),
                overdue: f.overdue(judged),
            })
            .collect(),
        minutes: a
            .minutes
            .as_ref()
            .map(|m| (m.attendees.clone(), m.text.clone(), time(m.at_ms))),
        may_minute,
        flash: done_text(&q.done, l),
        error: (!q.err.is_empty()).then(|| q.err.clone()),
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct MinutesForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    township: String,
    #[serde(default)]
    week: String,
    #[serde(default)]
    attendees: String,
    #[serde(default)]
    text: String,
}

pub async fn minutes(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<MinutesForm>,
) -> Result<Response, PageError> {
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let qs = |k: &str, v: &str| {
        crate::pages::stats::join_qs(&[("township", &f.township), ("week", &f.week), (k, v)])
    };
    let cmd = PatrolCmd::Minutes {
        township: f.township.clone(),
        week: f.week.clone(),
        attendees: f.attendees.clone(),
        text: f.text.clone(),
    };
    let to = match state.engine.patrol_step(&s.principal, now_ms(), cmd).await {
        Ok(_) => qs("done", "minutes"),
        Err(e) => qs("err", &err_text(&e, s.lang)),
    };
    Ok(Redirect::to(&format!("/patrol/weekly?{to}")).into_response())
}

#[derive(Deserialize)]
pub struct RulesForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    community_days: String,
    #[serde(default)]
    village_days: String,
    #[serde(default)]
    special_days: String,
}

pub async fn rules(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<RulesForm>,
) -> Result<Response, PageError> {
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    // A blank or non-number is 0, which the rules refuse naming the field.
    let n = |v: &str| v.trim().parse::<u32>().unwrap_or(0);
    let rules = PatrolRules {
        community_days: n(&f.community_days),
        village_days: n(&f.village_days),
        special_days: n(&f.special_days),
    };
    let to = match state
        .engine
        .set_patrol_rules(&s.principal, now_ms(), rules)
        .await
    {
        Ok(_) => crate::pages::stats::join_qs(&[("done", "rules")]),
        Err(e) => crate::pages::stats::join_qs(&[("err", &err_text(&e, s.lang))]),
    };
    Ok(Redirect::to(&format!("/patrol/board?{to}")).into_response())
}
