//! Assessment over JSON: schemes (versioned), results with per-point explanations, manual
//! scores, appeals and their decisions, and closing a period. Every change is a log entry.

use super::events::{from_json_value, invalid};
use crate::api::ApiJson;
use crate::error::ApiError;
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tiaokuai_app::now_ms;
use tiaokuai_core::assess::{AppealRecord, AssessmentCmd, Scheme, UnitResult};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct SchemeOut {
    #[schema(value_type = Object)]
    pub scheme: Scheme,
}

/// The current version of every scheme.
#[utoipa::path(get, path = "/assessment/schemes", tag = "assessment",
    responses((status = 200, body = Vec<SchemeOut>)))]
pub async fn schemes(
    State(state): State<AppState>,
    _session: ApiSession,
) -> Result<Json<Vec<SchemeOut>>, ApiError> {
    let all = state.engine.assessment_schemes().await?;
    Ok(Json(
        all.into_iter().map(|scheme| SchemeOut { scheme }).collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SeqOut {
    /// The log sequence of the entry that recorded the step.
    pub seq: u64,
}

/// One assessment step by the caller (CSRF checked), answered with its log sequence.
async fn step(
    state: &AppState,
    s: &ApiSession,
    cmd: AssessmentCmd,
) -> Result<Json<SeqOut>, ApiError> {
    s.require_csrf()?;
    let seq = state.engine.assess(&s.0.principal, now_ms(), cmd).await?;
    Ok(Json(SeqOut { seq }))
}

/// The JSON body as `T`, or 422 naming the field.
fn body<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    from_json_value(v)
}

/// Records a new version of a scheme (administrators). The body is the scheme: `id` must
/// match the path; weights must add up; every problem names its indicator and field.
#[utoipa::path(put, path = "/assessment/schemes/{id}", tag = "assessment",
    request_body = Object,
    responses((status = 200, body = SeqOut), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_scheme(
    State(state): State<AppState>,
    s: ApiSession,
    Path(id): Path<String>,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<SeqOut>, ApiError> {
    let scheme: Scheme = body(v)?;
    if scheme.id != id {
        return Err(invalid(
            "id",
            tiaokuai_core::error::ImportReason::BodyPathMismatch {
                body: scheme.id.clone(),
                path: id.clone(),
            },
        ));
    }
    step(&state, &s, AssessmentCmd::SetScheme { scheme }).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResultsOut {
    pub scheme: String,
    pub version: u32,
    pub period: String,
    /// Closed periods: who closed, when (ms) and the log entry that froze the results.
    pub closed: Option<ClosedOut>,
    /// Ranked; `indicators` (the explanation) is empty for units the caller may not see.
    #[schema(value_type = Vec<Object>)]
    pub results: Vec<UnitResult>,
    #[schema(value_type = Vec<Object>)]
    pub appeals: Vec<AppealRecord>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedOut {
    pub by: String,
    pub at_ms: i64,
    pub seq: u64,
}

/// Results of a scheme for a period (`2026-11`…): scores, ranks, graded bands and the
/// per-point explanation down to the events behind each deduction.
#[utoipa::path(get, path = "/assessment/{scheme}/{period}", tag = "assessment",
    responses((status = 200, body = ResultsOut), (status = 404, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn results(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Path((scheme, period)): Path<(String, String)>,
) -> Result<Json<ResultsOut>, ApiError> {
    let v = state
        .engine
        .assessment(&s.principal, &scheme, &period, now_ms())
        .await?;
    Ok(Json(ResultsOut {
        scheme: v.scheme.id,
        version: v.scheme.version,
        period: v.period.name,
        closed: v
            .closed
            .map(|(by, at_ms, seq)| ClosedOut { by, at_ms, seq }),
        results: v.results,
        appeals: v.appeals,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AppealIn {
    /// The assessed unit (the caller's own).
    pub unit: String,
    pub indicator: String,
    /// The event behind the deduction.
    pub event: u64,
    pub reason: String,
}

/// Appeals one deduction (once), by the assessed unit's own staff.
#[utoipa::path(post, path = "/assessment/{scheme}/{period}/appeals", tag = "assessment",
    request_body = AppealIn,
    responses((status = 200, body = SeqOut), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn appeal(
    State(state): State<AppState>,
    s: ApiSession,
    Path((scheme, period)): Path<(String, String)>,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<SeqOut>, ApiError> {
    let a: AppealIn = body(v)?;
    let cmd = AssessmentCmd::Appeal {
        scheme,
        period,
        unit: a.unit,
        indicator: a.indicator,
        event: a.event,
        reason: a.reason,
    };
    step(&state, &s, cmd).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionIn {
    /// `true` removes the deduction; `false` keeps it.
    pub remove: bool,
    pub note: String,
}

/// Decides an appeal (the assessment reviewer: administrator or 编办).
#[utoipa::path(post, path = "/assessment/appeals/{id}/decision", tag = "assessment",
    request_body = DecisionIn,
    responses((status = 200, body = SeqOut), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    s: ApiSession,
    Path(id): Path<u64>,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<SeqOut>, ApiError> {
    let d: DecisionIn = body(v)?;
    let cmd = AssessmentCmd::DecideAppeal {
        id,
        remove: d.remove,
        note: d.note,
    };
    step(&state, &s, cmd).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ManualIn {
    pub unit: String,
    pub indicator: String,
    pub score: f64,
    pub evidence: String,
}

/// Enters a manual indicator's score with its evidence (administrators).
#[utoipa::path(post, path = "/assessment/{scheme}/{period}/manual", tag = "assessment",
    request_body = ManualIn,
    responses((status = 200, body = SeqOut), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn manual(
    State(state): State<AppState>,
    s: ApiSession,
    Path((scheme, period)): Path<(String, String)>,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<SeqOut>, ApiError> {
    let m: ManualIn = body(v)?;
    let cmd = AssessmentCmd::ManualScore {
        scheme,
        period,
        unit: m.unit,
        indicator: m.indicator,
        score: m.score,
        evidence: m.evidence,
    };
    step(&state, &s, cmd).await
}

/// Closes a period: its results under the scheme's current version are frozen in a log entry
/// that no later change of scheme alters (administrators; refused while appeals are pending).
#[utoipa::path(post, path = "/assessment/{scheme}/{period}/close", tag = "assessment",
    responses((status = 200, body = SeqOut), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    s: ApiSession,
    Path((scheme, period)): Path<(String, String)>,
) -> Result<Json<SeqOut>, ApiError> {
    let cmd = AssessmentCmd::ClosePeriod {
        scheme,
        version: 0,
        period,
        results: vec![],
    };
    step(&state, &s, cmd).await
}
