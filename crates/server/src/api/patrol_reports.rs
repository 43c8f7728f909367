//! Patrol reports over JSON: the weekly analysis (周分析) with minutes, the monthly summary
//! (月汇总), and the patrol rules. Every change is a log entry.

use super::patrol::{body, FindingOut, StepOut};
use crate::api::ApiJson;
use crate::error::ApiError;
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tiaokuai_app::now_ms;
use tiaokuai_core::patrol::{Analysis, PatrolCmd, PatrolRules};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
pub struct AnalysisQuery {
    /// A township the caller sees (default: their own, or the first).
    pub township: Option<String>,
    /// `2026-W48` (周分析) or `2026-11`; default: this week.
    pub period: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridRowOut {
    pub grid: String,
    pub name: String,
    pub class: String,
    pub interval_days: u32,
    pub patrols: usize,
    pub days_patrolled: usize,
    pub required: usize,
    pub last_ms: Option<i64>,
    pub overdue: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountOut {
    pub category: String,
    pub count: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpotOut {
    pub category: String,
    pub grid: String,
    pub lon: f64,
    pub lat: f64,
    pub count: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnalysisOut {
    pub township: String,
    pub period: String,
    pub grids: Vec<GridRowOut>,
    pub coverage_pct: f64,
    pub patrols: usize,
    pub distance_m: f64,
    pub findings_by_category: Vec<CountOut>,
    pub repeat_spots: Vec<SpotOut>,
    /// Findings not reported within a day, or whose event is open past its deadline.
    pub overdue_findings: Vec<FindingOut>,
    pub findings: usize,
    pub reported: usize,
    pub minutes: Option<String>,
}

fn finding_out(f: &tiaokuai_core::patrol::Finding) -> FindingOut {
    FindingOut {
        id: f.id.clone(),
        category: f.category.clone(),
        description: f.description.clone(),
        lon: f.lon,
        lat: f.lat,
        found_ms: f.found_ms,
        photos: f.photos.clone(),
        event: f.event,
    }
}

pub fn analysis_out(a: &Analysis, period: &str, now: i64) -> AnalysisOut {
    AnalysisOut {
        township: a.township.clone(),
        period: period.to_string(),
        grids: a
            .grids
            .iter()
            .map(|g| GridRowOut {
                grid: g.grid.clone(),
                name: g.name.clone(),
                class: g.class.as_str().into(),
                interval_days: g.interval_days,
                patrols: g.patrols,
                days_patrolled: g.days_patrolled,
                required: g.required,
                last_ms: g.last_ms,
                overdue: g.overdue,
            })
            .collect(),
        coverage_pct: a.coverage_pct(),
        patrols: a.patrols,
        distance_m: a.distance_m,
        findings_by_category: a
            .by_category()
            .into_iter()
            .map(|(category, count)| CountOut { category, count })
            .collect(),
        repeat_spots: a
            .repeat_spots()
            .into_iter()
            .map(|s| SpotOut {
                category: s.category,
                grid: s.grid,
                lon: s.lon,
                lat: s.lat,
                count: s.count,
            })
            .collect(),
        overdue_findings: a
            .overdue_findings(now)
            .into_iter()
            .map(|f| finding_out(&f.finding))
            .collect(),
        findings: a.findings.len(),
        reported: a.reported(),
        minutes: a.minutes.as_ref().map(|m| m.text.clone()),
    }
}

fn this_week(now: i64) -> String {
    tiaokuai_core::patrol::week_of(now)
}

/// 周分析: a township's grids and their patrols in a week (coverage, rule met, overdue),
/// findings by category, repeat spots, overdue findings and the meeting minutes.
#[utoipa::path(get, path = "/patrols/analysis", tag = "patrol", params(AnalysisQuery),
    responses((status = 200, body = AnalysisOut), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn analysis(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Query(q): Query<AnalysisQuery>,
) -> Result<Json<AnalysisOut>, ApiError> {
    let now = now_ms();
    let period = q.period.unwrap_or_else(|| this_week(now));
    let (a, p) = state
        .engine
        .patrol_analysis(&s.principal, q.township.as_deref(), &period, now)
        .await?;
    Ok(Json(analysis_out(&a, &p.name, now)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct MonthQuery {
    /// `2026-11`; default: this month.
    pub month: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthRowOut {
    /// Empty for the county's total.
    pub township: String,
    pub name: String,
    pub grids: usize,
    pub covered: usize,
    pub coverage_pct: f64,
    pub met: usize,
    pub patrols: usize,
    pub distance_km: f64,
    pub findings: usize,
    pub reported: usize,
    pub overdue_findings: usize,
    pub minutes: usize,
}

/// 月汇总: per township the caller sees, and the county's total for county staff.
#[utoipa::path(get, path = "/patrols/monthly", tag = "patrol", params(MonthQuery),
    responses((status = 200, body = Vec<MonthRowOut>), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn monthly(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Query(q): Query<MonthQuery>,
) -> Result<Json<Vec<MonthRowOut>>, ApiError> {
    let now = now_ms();
    let month = q
        .month
        .unwrap_or_else(|| tiaokuai_core::stats::Period::month_of(now).name);
    let (rows, _) = state.engine.patrol_month(&s.principal, &month, now).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| MonthRowOut {
                coverage_pct: r.coverage_pct(),
                township: r.township,
                name: r.name,
                grids: r.grids,
                covered: r.covered,
                met: r.met,
                patrols: r.patrols,
                distance_km: r.distance_km,
                findings: r.findings,
                reported: r.reported,
                overdue_findings: r.overdue_findings,
                minutes: r.minutes,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MinutesIn {
    pub township: String,
    /// `2026-W48`.
    pub week: String,
    #[serde(default)]
    pub attendees: String,
    pub text: String,
}

/// Records a township's weekly analysis meeting minutes (its own staff); a later record for
/// the same week replaces the shown text, both stay in the log.
#[utoipa::path(post, path = "/patrols/minutes", tag = "patrol", request_body = MinutesIn,
    responses((status = 200, body = StepOut), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn minutes(
    State(state): State<AppState>,
    s: ApiSession,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<StepOut>, ApiError> {
    s.require_csrf()?;
    let b: MinutesIn = body(v)?;
    let cmd = PatrolCmd::Minutes {
        township: b.township,
        week: b.week,
        attendees: b.attendees,
        text: b.text,
    };
    Ok(Json(
        state
            .engine
            .patrol_step(&s.0.principal, now_ms(), cmd)
            .await?
            .into(),
    ))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RulesIo {
    /// Days between patrols of a community (社区) comprehensive grid.
    pub community_days: u32,
    /// Days between patrols of a village (村) comprehensive grid.
    pub village_days: u32,
    /// Days between patrols of a special grid (专属网格).
    pub special_days: u32,
}

/// The patrol rules: how often each class of grid is patrolled.
#[utoipa::path(get, path = "/patrols/rules", tag = "patrol",
    responses((status = 200, body = RulesIo)))]
pub async fn rules(
    State(state): State<AppState>,
    _s: ApiSession,
) -> Result<Json<RulesIo>, ApiError> {
    let r = state.engine.with_state(|s| s.patrol.rules.clone()).await?;
    Ok(Json(RulesIo {
        community_days: r.community_days,
        village_days: r.village_days,
        special_days: r.special_days,
    }))
}

/// Replaces the patrol rules (administrators; each 1–90 days).
#[utoipa::path(put, path = "/patrols/rules", tag = "patrol", request_body = RulesIo,
    responses((status = 200, body = StepOut), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_rules(
    State(state): State<AppState>,
    s: ApiSession,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<StepOut>, ApiError> {
    s.require_csrf()?;
    let b: RulesIo = body(v)?;
    let rules = PatrolRules {
        community_days: b.community_days,
        village_days: b.village_days,
        special_days: b.special_days,
    };
    Ok(Json(
        state
            .engine
            .set_patrol_rules(&s.0.principal, now_ms(), rules)
            .await?
            .into(),
    ))
}
