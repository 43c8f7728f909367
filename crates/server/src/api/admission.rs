//! Admission (准入) and 交办 over JSON: applications and their review steps, the admitted
//! catalogue (public), handovers and the townships' answers, the time limits. Every change is
//! a log entry; reads are scoped to what the caller's role and unit may see.

use super::events::from_json_value;
use crate::api::ApiJson;
use crate::error::ApiError;
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use tiaokuai_app::now_ms;
use tiaokuai_core::admission::{
    next_actor, AdmissionCmd, AdmissionConfig, AdmissionRecord, Application, Handover,
    HandoverDraft, NextActor, Review, Stage,
};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Serialize, ToSchema)]
pub struct IdOut {
    /// The log sequence of the entry that recorded the step (a new application's or
    /// handover's id).
    pub seq: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationOut {
    pub id: u64,
    /// `consulting`, `establishment`, `justice`, `approval`, `admitted`, `expired`,
    /// `rejected`, `sent_back`, `withdrawn` (as it reads now).
    pub stage: String,
    /// Who acts next: `townships:<codes>`, `establishment`, `justice`, `county_leader`,
    /// `applicant:<unit>`, or empty once settled.
    pub next: String,
    /// Each consulted township's opinion now: `agrees`, `objects`, `awaited`, or `silent`
    /// (no answer by the deadline: taken as no objection).
    pub opinions: BTreeMap<String, String>,
    #[schema(value_type = Object)]
    pub record: AdmissionRecord,
}

fn next_text(n: Option<NextActor>) -> String {
    match n {
        None => String::new(),
        Some(NextActor::Townships(t)) => format!("townships:{}", t.join(",")),
        Some(NextActor::Establishment) => "establishment".into(),
        Some(NextActor::Justice) => "justice".into(),
        Some(NextActor::CountyLeader) => "county_leader".into(),
        Some(NextActor::Applicant(u)) => format!("applicant:{u}"),
    }
}

fn out(r: AdmissionRecord, now: i64) -> ApplicationOut {
    use tiaokuai_core::admission::OpinionState as O;
    let opinions = r
        .consulted
        .iter()
        .map(|t| {
            let s = match r.opinion_state(t, now) {
                O::Agrees => "agrees",
                O::Objects => "objects",
                O::Awaited => "awaited",
                O::Silent => "silent",
            };
            (t.clone(), s.to_string())
        })
        .collect();
    ApplicationOut {
        id: r.id,
        stage: r.stage(now).as_str().into(),
        next: next_text(next_actor(&r, now)),
        opinions,
        record: r,
    }
}

async fn step(
    state: &AppState,
    s: &ApiSession,
    cmd: AdmissionCmd,
) -> Result<Json<IdOut>, ApiError> {
    s.require_csrf()?;
    let seq = state
        .engine
        .admission_step(&s.0.principal, now_ms(), cmd)
        .await?;
    Ok(Json(IdOut { seq }))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct StageQuery {
    /// Only applications at this stage (see `ApplicationOut.stage`).
    pub stage: Option<String>,
}

/// Applications the caller may see (county-wide roles: all; a department or township: its
/// own and those it is consulted on), newest first.
#[utoipa::path(get, path = "/admission/applications", tag = "admission", params(StageQuery),
    responses((status = 200, body = Vec<ApplicationOut>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn applications(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Query(q): Query<StageQuery>,
) -> Result<Json<Vec<ApplicationOut>>, ApiError> {
    let stage = match q.stage.as_deref().filter(|x| !x.is_empty()) {
        None => None,
        Some(x) => Some(Stage::parse(x).ok_or_else(|| {
            super::events::invalid(
                "stage",
                tiaokuai_core::error::AdmissionReason::WrongStage { stage: x.into() },
            )
        })?),
    };
    let now = now_ms();
    let v = state
        .engine
        .admission_applications(&s.principal, now, stage)
        .await?;
    Ok(Json(v.into_iter().map(|r| out(r, now)).collect()))
}

/// Applies for admission (a department's or township's staff). The body is the application:
/// `title`, `content`, `basis`, `start_date`, `end_date` (YYYY-MM-DD) are required; the start
/// must be at least the configured working days ahead. `consult` names the townships asked
/// for their opinion (empty: all).
#[utoipa::path(post, path = "/admission/applications", tag = "admission", request_body = Object,
    responses((status = 200, body = IdOut), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn apply(
    State(state): State<AppState>,
    s: ApiSession,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<IdOut>, ApiError> {
    let application: Application = from_json_value(v)?;
    step(&state, &s, AdmissionCmd::Apply { application }).await
}

/// One application with its opinions, steps and who acts next.
#[utoipa::path(get, path = "/admission/applications/{id}", tag = "admission",
    responses((status = 200, body = ApplicationOut), (status = 404, body = crate::error::ErrorBody)))]
pub async fn application(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Path(id): Path<u64>,
) -> Result<Json<ApplicationOut>, ApiError> {
    let r = state.engine.admission_application(&s.principal, id).await?;
    Ok(Json(out(r, now_ms())))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OpinionIn {
    pub agree: bool,
    /// Required when not agreeing.
    #[serde(default)]
    pub text: String,
}

/// A consulted township's written opinion, before the deadline, once.
#[utoipa::path(post, path = "/admission/applications/{id}/opinion", tag = "admission",
    request_body = OpinionIn,
    responses((status = 200, body = IdOut), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn opinion(
    State(state): State<AppState>,
    s: ApiSession,
    Path(id): Path<u64>,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<IdOut>, ApiError> {
    let o: OpinionIn = from_json_value(v)?;
    let cmd = AdmissionCmd::Opinion {
        id,
        agree: o.agree,
        text: o.text,
    };
    step(&state, &s, cmd).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewIn {
    /// `establishment` (编办) or `justice` (司法局).
    #[schema(value_type = String)]
    pub review: Review,
    /// `false` sends it back (a comment is then required).
    pub pass: bool,
    #[serde(default)]
    pub comment: String,
}

/// 编办's review (after the opinions are in or their deadline passed), then 司法局's
/// legality review.
#[utoipa::path(post, path = "/admission/applications/{id}/review", tag = "admission",
    request_body = ReviewIn,
    responses((status = 200, body = IdOut), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    s: ApiSession,
    Path(id): Path<u64>,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<IdOut>, ApiError> {
    let r: ReviewIn = from_json_value(v)?;
    let cmd = AdmissionCmd::Review {
        id,
        review: r.review,
        pass: r.pass,
        comment: r.comment,
    };
    step(&state, &s, cmd).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionIn {
    pub approve: bool,
    /// Required to approve.
    #[serde(default)]
    pub document_no: String,
    /// Required to refuse.
    #[serde(default)]
    pub comment: String,
}

/// The county's decision (a county leader): approval with its document number puts the task
/// in the admitted catalogue.
#[utoipa::path(post, path = "/admission/applications/{id}/decision", tag = "admission",
    request_body = DecisionIn,
    responses((status = 200, body = IdOut), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    s: ApiSession,
    Path(id): Path<u64>,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<IdOut>, ApiError> {
    let d: DecisionIn = from_json_value(v)?;
    let cmd = AdmissionCmd::Decide {
        id,
        approve: d.approve,
        document_no: d.document_no,
        comment: d.comment,
    };
    step(&state, &s, cmd).await
}

/// The applicant's revision of a sent-back application (the body is the application); the
/// townships are asked again.
#[utoipa::path(post, path = "/admission/applications/{id}/resubmit", tag = "admission",
    request_body = Object,
    responses((status = 200, body = IdOut), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn resubmit(
    State(state): State<AppState>,
    s: ApiSession,
    Path(id): Path<u64>,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<IdOut>, ApiError> {
    let application: Application = from_json_value(v)?;
    step(&state, &s, AdmissionCmd::Resubmit { id, application }).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonIn {
    #[serde(default)]
    pub reason: String,
}

/// Withdraws an open application (its applicant unit) or an admitted entry (编办 or a county
/// leader: 撤销), with a reason.
#[utoipa::path(post, path = "/admission/applications/{id}/withdraw", tag = "admission",
    request_body = ReasonIn,
    responses((status = 200, body = IdOut), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    s: ApiSession,
    Path(id): Path<u64>,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<IdOut>, ApiError> {
    let r: ReasonIn = from_json_value(v)?;
    step(
        &state,
        &s,
        AdmissionCmd::Withdraw {
            id,
            reason: r.reason,
        },
    )
    .await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueOut {
    pub id: u64,
    pub title: String,
    pub content: String,
    pub basis: String,
    pub unit: String,
    pub start_date: String,
    pub end_date: String,
    pub recurring: bool,
    pub powers: String,
    pub funds: String,
    pub staff: String,
    pub document_no: String,
    /// `admitted` or `expired`.
    pub stage: String,
}

/// The admitted catalogue (准入目录): public, no login needed. Withdrawn entries are left out;
/// expired ones are marked.
#[utoipa::path(get, path = "/admission/catalogue", tag = "admission",
    responses((status = 200, body = Vec<CatalogueOut>)))]
pub async fn catalogue(State(state): State<AppState>) -> Result<Json<Vec<CatalogueOut>>, ApiError> {
    let now = now_ms();
    let v = state.engine.admission_catalogue(now).await?;
    Ok(Json(
        v.into_iter()
            .map(|r| CatalogueOut {
                id: r.id,
                stage: r.stage(now).as_str().into(),
                title: r.app.title,
                content: r.app.content,
                basis: r.app.basis,
                unit: r.unit,
                start_date: r.app.start_date,
                end_date: r.app.end_date,
                recurring: r.app.recurring,
                powers: r.app.powers,
                funds: r.app.funds,
                staff: r.app.staff,
                document_no: r.document_no,
            })
            .collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RefusalOut {
    /// The issuing department.
    pub unit: String,
    /// Township refusals of its non-admitted 交办 tasks.
    pub refusals: usize,
}

/// Refusals of non-admitted 交办 tasks per department (all time): public, like the
/// catalogue; what statistics and assessment count against a department.
#[utoipa::path(get, path = "/admission/refusals", tag = "admission",
    responses((status = 200, body = Vec<RefusalOut>)))]
pub async fn refusals(State(state): State<AppState>) -> Result<Json<Vec<RefusalOut>>, ApiError> {
    let m = state.engine.handover_refusals(i64::MIN, i64::MAX).await?;
    Ok(Json(
        m.into_iter()
            .map(|(unit, refusals)| RefusalOut { unit, refusals })
            .collect(),
    ))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ConfigBody {
    /// Working days an application must come before the task starts (default 30).
    pub advance_days: u32,
    /// Working days from filing within which the county decides (default 15).
    pub decide_days: u32,
    /// Working days the consulted townships have for their opinions (default 5).
    pub opinion_days: u32,
}

/// The working-day time limits in force.
#[utoipa::path(get, path = "/admission/config", tag = "admission",
    responses((status = 200, body = ConfigBody)))]
pub async fn config(
    State(state): State<AppState>,
    _s: ApiSession,
) -> Result<Json<ConfigBody>, ApiError> {
    let c = state.engine.admission_config().await?;
    Ok(Json(ConfigBody {
        advance_days: c.advance_days,
        decide_days: c.decide_days,
        opinion_days: c.opinion_days,
    }))
}

/// Sets the time limits (system administrators).
#[utoipa::path(put, path = "/admission/config", tag = "admission", request_body = ConfigBody,
    responses((status = 200, body = IdOut), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_config(
    State(state): State<AppState>,
    s: ApiSession,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<IdOut>, ApiError> {
    let c: ConfigBody = from_json_value(v)?;
    let config = AdmissionConfig {
        advance_days: c.advance_days,
        decide_days: c.decide_days,
        opinion_days: c.opinion_days,
    };
    step(&state, &s, AdmissionCmd::SetConfig { config }).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HandoverOut {
    pub id: u64,
    /// Whether it cites an admitted catalogue entry.
    pub admitted: bool,
    #[schema(value_type = Object)]
    pub handover: Handover,
}

/// 交办 tasks the caller may see (the issuing department, the townships addressed,
/// county-wide roles), newest first.
#[utoipa::path(get, path = "/admission/handovers", tag = "admission",
    responses((status = 200, body = Vec<HandoverOut>)))]
pub async fn handovers(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
) -> Result<Json<Vec<HandoverOut>>, ApiError> {
    let v = state.engine.handovers(&s.principal).await?;
    Ok(Json(
        v.into_iter()
            .map(|h| HandoverOut {
                id: h.id,
                admitted: h.admitted(),
                handover: h,
            })
            .collect(),
    ))
}

/// One 交办 task with each township's answer.
#[utoipa::path(get, path = "/admission/handovers/{id}", tag = "admission",
    responses((status = 200, body = HandoverOut), (status = 404, body = crate::error::ErrorBody)))]
pub async fn handover(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Path(id): Path<u64>,
) -> Result<Json<HandoverOut>, ApiError> {
    let h = state.engine.handover(&s.principal, id).await?;
    Ok(Json(HandoverOut {
        id: h.id,
        admitted: h.admitted(),
        handover: h,
    }))
}

/// Hands a task to townships (a department's staff): `title`, `content`, `townships`,
/// `deadline` (YYYY-MM-DD) and `entry`, the admitted catalogue entry it rests on (an
/// application id; leave it out for a task not admitted, which townships may refuse).
#[utoipa::path(post, path = "/admission/handovers", tag = "admission", request_body = Object,
    responses((status = 200, body = IdOut), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn issue(
    State(state): State<AppState>,
    s: ApiSession,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<IdOut>, ApiError> {
    let handover: HandoverDraft = from_json_value(v)?;
    step(&state, &s, AdmissionCmd::Issue { handover }).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerIn {
    /// The refusal's reason or the report's text (required for a report).
    #[serde(default)]
    pub text: String,
}

/// A township's answer: `accept`, `refuse` (only a task citing no admitted entry) or
/// `report` (after accepting).
#[utoipa::path(post, path = "/admission/handovers/{id}/{answer}", tag = "admission",
    request_body = AnswerIn,
    params(("answer" = String, Path, description = "accept, refuse or report")),
    responses((status = 200, body = IdOut), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn answer(
    State(state): State<AppState>,
    s: ApiSession,
    Path((id, answer)): Path<(u64, String)>,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<IdOut>, ApiError> {
    let a: AnswerIn = from_json_value(v)?;
    let cmd = match answer.as_str() {
        "accept" => AdmissionCmd::Accept { id },
        "refuse" => AdmissionCmd::Refuse { id, reason: a.text },
        "report" => AdmissionCmd::Report { id, text: a.text },
        _ => return Err(super::events::not_found("answer")),
    };
    step(&state, &s, cmd).await
}

/// Admission and 交办.
#[derive(utoipa::OpenApi)]
#[openapi(
    components(schemas(
        IdOut,
        ApplicationOut,
        OpinionIn,
        ReviewIn,
        DecisionIn,
        ReasonIn,
        CatalogueOut,
        RefusalOut,
        ConfigBody,
        HandoverOut,
        AnswerIn
    )),
    tags(
        (name = "admission", description = "准入: applications, townships' opinions, 编办 and 司法局 review, approval, the admitted catalogue, 交办 handovers and refusals")
    )
)]
pub struct AdmissionDoc;
