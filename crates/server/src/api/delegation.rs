//! Delegated powers in use (赋权) over JSON: usage by power and township, the book (menu,
//! orders, rounds, recalls), the menu, township orders, evaluation rounds and recalls. Orders
//! and recalls answer with the list adjustment they filed (continue at `/lists/adjustments`).

use super::events::{from_json_value, invalid};
use crate::api::ApiJson;
use crate::error::ApiError;
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tiaokuai_app::now_ms;
use tiaokuai_core::delegation::{Decision, DelegationCmd, MenuEntry};
use tiaokuai_core::error::DataReason;
use tiaokuai_core::stats::{Grain, Period};
use utoipa::{IntoParams, OpenApi, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
pub struct UsageQ {
    /// A period name (`2026-Q3`, `2026-11`, `2026-01-01..2026-06-30`); default the last 12 months.
    #[serde(default)]
    pub period: String,
    /// `township` (default), `month` or `quarter`.
    #[serde(default)]
    pub by: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UsageOut {
    pub period: String,
    /// Period keys when by month or quarter.
    pub columns: Vec<String>,
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<tiaokuai_core::delegation::UsageRow>,
    /// Per item id, the cases per period key.
    #[schema(value_type = Object)]
    pub by_period: std::collections::BTreeMap<String, Vec<u64>>,
}

/// Cases of each delegated power in a period (events citing it in the receiving township),
/// as the caller may see the events; `zero()` rows are the unused powers.
#[utoipa::path(get, path = "/delegation/usage", tag = "delegation", params(UsageQ),
    responses((status = 200, body = UsageOut), (status = 422, body = crate::error::ErrorBody)))]
pub async fn usage(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Query(q): Query<UsageQ>,
) -> Result<Json<UsageOut>, ApiError> {
    let now = now_ms();
    let period = if q.period.trim().is_empty() {
        Period::trailing_months(now, 12)
    } else {
        Period::parse(q.period.trim()).map_err(|e| invalid("period", e))?
    };
    let grain = match q.by.as_str() {
        "" | "township" => None,
        "month" => Some(Grain::Month),
        "quarter" => Some(Grain::Quarter),
        other => {
            return Err(invalid(
                "by",
                DataReason::UnknownDim {
                    value: other.to_string(),
                    choices: "township, month, quarter".into(),
                },
            ))
        }
    };
    let u = state
        .engine
        .delegation_usage(&s.principal, &period, grain, now)
        .await?;
    Ok(Json(UsageOut {
        period: u.period.name,
        columns: u.columns,
        rows: u.rows,
        by_period: u.by_period,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BookOut {
    #[schema(value_type = Object)]
    pub book: tiaokuai_core::delegation::DelegationBook,
}

/// The menu, townships' orders, evaluation rounds with their results, and recalls.
#[utoipa::path(get, path = "/delegation/book", tag = "delegation",
    responses((status = 200, body = BookOut)))]
pub async fn book(
    State(state): State<AppState>,
    _s: ApiSession,
) -> Result<Json<BookOut>, ApiError> {
    Ok(Json(BookOut {
        book: state.engine.delegation_book().await?,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SeqOut {
    pub seq: u64,
}

async fn step(
    state: &AppState,
    s: &ApiSession,
    cmd: DelegationCmd,
) -> Result<Json<SeqOut>, ApiError> {
    s.require_csrf()?;
    let seq = state
        .engine
        .delegation_step(&s.0.principal, now_ms(), cmd)
        .await?;
    Ok(Json(SeqOut { seq }))
}

/// Replaces the menu of delegable powers (编办). Body: `[{item_id, conditions, min_staff}]`.
#[utoipa::path(put, path = "/delegation/menu", tag = "delegation", request_body = Object,
    responses((status = 200, body = SeqOut), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_menu(
    State(state): State<AppState>,
    s: ApiSession,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<SeqOut>, ApiError> {
    let entries: Vec<MenuEntry> = from_json_value(v)?;
    step(&state, &s, DelegationCmd::SetMenu { entries }).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OrderIn {
    pub township: String,
    pub item_id: String,
    pub staff: u32,
    #[serde(default)]
    pub qualifications: String,
    #[serde(default)]
    pub reason: String,
    /// The delegating department's opinion (the list adjustment requires it).
    #[serde(default)]
    pub opinions: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AdjustmentOut {
    /// The list adjustment filed with the step.
    pub adjustment: u64,
}

/// A township orders a power from the menu; files the list adjustment that carries it.
#[utoipa::path(post, path = "/delegation/orders", tag = "delegation", request_body = OrderIn,
    responses((status = 200, body = AdjustmentOut), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn order(
    State(state): State<AppState>,
    s: ApiSession,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<AdjustmentOut>, ApiError> {
    s.require_csrf()?;
    let o: OrderIn = from_json_value(v)?;
    let adjustment = state
        .engine
        .order_power(
            &s.0.principal,
            now_ms(),
            &o.township,
            &o.item_id,
            o.staff,
            &o.qualifications,
            &o.reason,
            &o.opinions,
        )
        .await?;
    Ok(Json(AdjustmentOut { adjustment }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RoundIn {
    pub title: String,
    pub method: String,
    pub from: String,
    pub to: String,
}

/// 编办 opens an evaluation round.
#[utoipa::path(post, path = "/delegation/rounds", tag = "delegation", request_body = RoundIn,
    responses((status = 200, body = SeqOut), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn open_round(
    State(state): State<AppState>,
    s: ApiSession,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<SeqOut>, ApiError> {
    let r: RoundIn = from_json_value(v)?;
    let cmd = DelegationCmd::OpenRound {
        title: r.title,
        method: r.method,
        from: r.from,
        to: r.to,
    };
    step(&state, &s, cmd).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResultIn {
    pub item_id: String,
    /// Empty: all receiving townships.
    #[serde(default)]
    pub township: String,
    /// `keep`, `adjust` or `recall`.
    #[schema(value_type = String)]
    pub decision: Decision,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub evidence: String,
}

/// One power's result in an open round.
#[utoipa::path(post, path = "/delegation/rounds/{id}/results", tag = "delegation",
    request_body = ResultIn,
    responses((status = 200, body = SeqOut), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn result(
    State(state): State<AppState>,
    s: ApiSession,
    Path(id): Path<u64>,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<SeqOut>, ApiError> {
    let r: ResultIn = from_json_value(v)?;
    let cmd = DelegationCmd::RecordResult {
        round: id,
        item_id: r.item_id,
        township: r.township,
        decision: r.decision,
        reason: r.reason,
        evidence: r.evidence,
    };
    step(&state, &s, cmd).await
}

/// Closes a round; its results stand.
#[utoipa::path(post, path = "/delegation/rounds/{id}/close", tag = "delegation",
    responses((status = 200, body = SeqOut), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn close_round(
    State(state): State<AppState>,
    s: ApiSession,
    Path(id): Path<u64>,
) -> Result<Json<SeqOut>, ApiError> {
    step(&state, &s, DelegationCmd::CloseRound { round: id }).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RecallIn {
    pub round: u64,
    pub item_id: String,
    pub townships: Vec<String>,
    pub receiving_unit: String,
    pub effective_date: String,
}

/// Opens the recall a round decided: files the list adjustment that takes the power back.
#[utoipa::path(post, path = "/delegation/recalls", tag = "delegation", request_body = RecallIn,
    responses((status = 200, body = AdjustmentOut), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn recall(
    State(state): State<AppState>,
    s: ApiSession,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<AdjustmentOut>, ApiError> {
    s.require_csrf()?;
    let r: RecallIn = from_json_value(v)?;
    let adjustment = state
        .engine
        .recall_power(
            &s.0.principal,
            now_ms(),
            r.round,
            &r.item_id,
            &r.townships,
            &r.receiving_unit,
            &r.effective_date,
        )
        .await?;
    Ok(Json(AdjustmentOut { adjustment }))
}

#[derive(OpenApi)]
#[openapi(
    components(schemas(UsageOut, BookOut, SeqOut, OrderIn, AdjustmentOut, RoundIn, ResultIn, RecallIn)),
    tags((name = "delegation", description = "赋权: usage of delegated powers, the 点单 menu and orders, evaluation rounds and recalls"))
)]
pub struct DelegationDoc;
