//! Statistics over JSON: the cube (`GET /stats`), the events behind a cell
//! (`GET /stats/events`) and the dimensions and measures to choose from.

use super::events::invalid_all;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use tiaokuai_app::now_ms;
use tiaokuai_core::stats::{Dim, Measure, QuerySpec, Table};
use tiaokuai_core::FieldError;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct StatsParams {
    /// Row dimension: `all`, `category1`…`category3`, `township`, `village`, `grid`, `channel`,
    /// `origin`, `receiver`, `department`, `role`, `sender`, `item`, `urgency`, `day`, `week`,
    /// `month`, `quarter`, `year` (see `GET /api/v1/stats/dimensions`).
    rows: Option<String>,
    /// Column dimension (same choices).
    cols: Option<String>,
    /// Comma-separated measure codes, e.g. `events,closure_rate,satisfaction_rate`.
    measures: Option<String>,
    /// `2026-11`, `2026-Q4`, `2026`, `2026-W45`, `2026-11-03` or `2026-10-01..2026-12-31`;
    /// default the current month.
    period: Option<String>,
    /// First day (with `to`, both included), instead of `period`.
    from: Option<String>,
    to: Option<String>,
    /// `dim:key,key;dim:key`, e.g. `township:T01;category1:S`.
    filter: Option<String>,
    /// `zh` (default) or `en` labels.
    lang: Option<String>,
    /// Drill-down only: the row key, column key and measure of the cell.
    row: Option<String>,
    col: Option<String>,
    measure: Option<String>,
}

impl StatsParams {
    fn spec(&self) -> QuerySpec {
        QuerySpec {
            rows: self.rows.clone(),
            cols: self.cols.clone(),
            measures: self.measures.clone(),
            period: self.period.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            filter: self.filter.clone(),
        }
    }
    fn zh(&self, session_lang: Lang) -> bool {
        match self.lang.as_deref() {
            Some("en") => false,
            Some(_) => true,
            None => session_lang == Lang::Zh,
        }
    }
}

/// A cube answer: the period, and the table (`cells[row][col][measure]`; a rate with no
/// data is `null`, shown as "—"; durations are working milliseconds).
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsOut {
    pub period: String,
    pub from_ms: i64,
    pub to_ms: i64,
    #[schema(value_type = Object)]
    pub table: Table,
}

fn query_error(e: QueryRejection) -> ApiError {
    ApiError::bad_request(
        "query",
        tiaokuai_core::error::ImportReason::BadQuery {
            detail: e.body_text(),
        },
    )
}

/// The cube: counts, rates and working-time durations by any two dimensions over a period,
/// over what the caller may see.
#[utoipa::path(get, path = "/stats", tag = "statistics", params(StatsParams),
    responses((status = 200, body = StatsOut), (status = 422, body = crate::error::ErrorBody)))]
pub async fn cube(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    q: Result<Query<StatsParams>, QueryRejection>,
) -> Result<Json<StatsOut>, ApiError> {
    let Query(p) = q.map_err(query_error)?;
    let now = now_ms();
    let (query, period) = p.spec().to_query(now).map_err(invalid_all)?;
    let table = state
        .engine
        .stats(&s.principal, &query, p.zh(s.lang), now)
        .await?;
    Ok(Json(StatsOut {
        period: period.name,
        from_ms: query.from_ms,
        to_ms: query.to_ms,
        table,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DrillOut {
    /// Event ids behind the cell, newest first (at most 1,000).
    pub events: Vec<u64>,
    pub total: usize,
}

/// The events behind one cell of the cube (`row`, `col` keys as returned by `GET /stats`, and
/// one `measure`): those counted by a count measure, every event of the cell for a rate.
#[utoipa::path(get, path = "/stats/events", tag = "statistics", params(StatsParams),
    responses((status = 200, body = DrillOut), (status = 422, body = crate::error::ErrorBody)))]
pub async fn drill(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    q: Result<Query<StatsParams>, QueryRejection>,
) -> Result<Json<DrillOut>, ApiError> {
    let Query(p) = q.map_err(query_error)?;
    let now = now_ms();
    let mut errs = vec![];
    let (query, _) = match p.spec().to_query(now) {
        Ok(x) => (Some(x.0), x.1),
        Err(e) => {
            errs.extend(e);
            (None, tiaokuai_core::stats::Period::month_of(now))
        }
    };
    let measure = match p.measure.as_deref().map(Measure::parse) {
        Some(Some(m)) => Some(m),
        _ => {
            errs.push(FieldError::new(
                "",
                "measure",
                tiaokuai_core::error::DataReason::CellMeasure,
            ));
            None
        }
    };
    let (Some(query), Some(measure), true) = (query, measure, errs.is_empty()) else {
        return Err(invalid_all(errs));
    };
    let row = p.row.clone().unwrap_or_default();
    let col = p.col.clone().unwrap_or_default();
    let mut ids = state
        .engine
        .stats_drill(&s.principal, &query, (&row, &col, measure), now)
        .await?;
    let total = ids.len();
    ids.truncate(1000);
    Ok(Json(DrillOut { events: ids, total }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Choice {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// For measures: `count`, `rate` or `duration`; `event` or `hop` scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChoicesOut {
    pub dimensions: Vec<Choice>,
    pub measures: Vec<Choice>,
}

/// The dimensions and measures of the cube, with their names.
#[utoipa::path(get, path = "/stats/dimensions", tag = "statistics",
    responses((status = 200, body = ChoicesOut)))]
pub async fn choices(_session: ApiSession) -> Json<ChoicesOut> {
    let to = |v: serde_json::Value| v.as_str().unwrap_or_default().to_string();
    Json(ChoicesOut {
        dimensions: Dim::CHOICES
            .iter()
            .map(|d| Choice {
                code: d.code(),
                zh: d.label(true),
                en: d.label(false),
                kind: None,
                scope: None,
            })
            .collect(),
        measures: Measure::ALL
            .iter()
            .map(|m| Choice {
                code: m.code().into(),
                zh: m.label_zh().into(),
                en: m.label_en().into(),
                kind: Some(to(serde_json::json!(m.kind()))),
                scope: Some(to(serde_json::json!(m.scope()))),
            })
            .collect(),
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct BounceParams {
    /// `2026-11`, `2026-Q4`, ... (default: the current month)
    period: Option<String>,
    /// Distinct events with returns that make an item a candidate for adjustment (default 2).
    recurring: Option<usize>,
}

/// 推诿 analytics: return chains (A→B→A), returns and disputes by list item, items whose
/// returns recur, and dispatches that left the list (candidates for new list items).
#[utoipa::path(get, path = "/stats/bounces", tag = "statistics", params(BounceParams),
    responses((status = 200, body = Object), (status = 422, body = crate::error::ErrorBody)))]
pub async fn bounces(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    q: Result<Query<BounceParams>, QueryRejection>,
) -> Result<Json<tiaokuai_core::stats::bounce::BounceReport>, ApiError> {
    let Query(p) = q.map_err(query_error)?;
    let spec = QuerySpec {
        period: p.period,
        ..Default::default()
    };
    let period = spec.period(now_ms()).map_err(|e| invalid_all(vec![e]))?;
    let r = state
        .engine
        .bounces(
            &s.principal,
            period.from_ms(),
            period.to_ms(),
            p.recurring.unwrap_or(2),
            now_ms(),
        )
        .await?;
    Ok(Json(r))
}
