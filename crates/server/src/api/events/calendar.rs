//! The working calendar (due times, special days) and the workflow settings. Reading is open
//! to every logged-in user; changes are system-administrator log entries.

use super::queries::query_error;
use super::{admin_actor, from_json_slice, invalid, invalid_all, ApiError};
use crate::session::ApiSession;
use crate::settings_input::{office_hours, special_day};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::Json;
use serde::{Deserialize, Serialize};
use tiaokuai_app::now_ms;
use tiaokuai_core::calendar::{format_cst, Datelike, OfficeHours, SpecialDay, WorkCalendar};
use tiaokuai_core::error::{DataReason, ImportReason};
use tiaokuai_core::events::WorkflowConfig;
use tiaokuai_core::Transition;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct DueQuery {
    /// Start, China Standard Time: `2026-02-13T16:00` (optional `:ss`, `+08:00`).
    from: Option<String>,
    /// `30m` working minutes, `2h` working hours, `5d` working days, `30cm` clock minutes.
    limit: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DueOut {
    pub from: String,
    pub limit: String,
    pub limit_label: String,
    /// e.g. `2026-02-27T17:30+08:00`
    pub due: String,
    pub due_ms: i64,
}

/// The due time of a limit started at `from`, by the county's working calendar.
#[utoipa::path(get, path = "/calendar/due", tag = "events", params(DueQuery),
    responses((status = 200, body = DueOut), (status = 422, body = crate::error::ErrorBody)))]
pub async fn due(
    State(state): State<AppState>,
    ApiSession(_s, _): ApiSession,
    q: Result<Query<DueQuery>, QueryRejection>,
) -> Result<Json<DueOut>, ApiError> {
    let Query(q) = q.map_err(query_error)?;
    let (from, limit) = crate::settings_input::due_input(q.from.as_deref(), q.limit.as_deref())
        .map_err(invalid_all)?;
    let due_ms = state
        .engine
        .with_state(|st| st.events.calendar.add(from, limit))
        .await?;
    Ok(Json(DueOut {
        from: format_cst(from),
        limit: limit.to_string(),
        limit_label: limit.label_zh(),
        due: format_cst(due_ms),
        due_ms,
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct DaysQuery {
    /// Only this year.
    year: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayOut {
    /// YYYY-MM-DD
    pub date: String,
    /// holiday, workday
    pub kind: String,
    /// 休 / 班
    pub kind_label: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DaysOut {
    /// Years with special days; other years follow the Monday–Friday rule only.
    pub years_covered: Vec<i32>,
    /// Office periods, e.g. `08:30-12:00,13:30-17:30`.
    pub hours: String,
    pub days: Vec<DayOut>,
}

fn days_out(cal: &WorkCalendar, year: Option<i32>) -> DaysOut {
    DaysOut {
        years_covered: cal.years_covered(),
        hours: cal.hours().to_string(),
        days: cal
            .days()
            .filter(|d| year.is_none_or(|y| d.date.year() == y))
            .map(|d| DayOut {
                date: d.date.to_string(),
                kind: d.kind.as_str().into(),
                kind_label: d.kind.label_zh().into(),
                name: d.name.clone(),
            })
            .collect(),
    }
}

/// The special days (holidays and make-up working days) and office hours in force.
#[utoipa::path(get, path = "/calendar/days", tag = "events", params(DaysQuery),
    responses((status = 200, body = DaysOut)))]
pub async fn days(
    State(state): State<AppState>,
    ApiSession(_s, _): ApiSession,
    q: Result<Query<DaysQuery>, QueryRejection>,
) -> Result<Json<DaysOut>, ApiError> {
    let Query(q) = q.map_err(query_error)?;
    let out = state
        .engine
        .with_state(|st| days_out(&st.events.calendar, q.year))
        .await?;
    Ok(Json(out))
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct DayIn {
    /// YYYY-MM-DD
    #[schema(required = true)]
    pub date: String,
    /// holiday / workday (or 休 / 班)
    #[schema(required = true)]
    pub kind: String,
    pub name: String,
}

/// Special days to merge in, and optionally new office hours.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct DaysIn {
    #[schema(required = true)]
    pub days: Vec<DayIn>,
    /// e.g. `08:30-12:00,13:30-17:30`
    pub hours: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarSetOut {
    pub seq: u64,
    /// Special days merged in.
    pub days: usize,
    pub years_covered: Vec<i32>,
}

fn parse_days_json(body: &[u8]) -> Result<(Vec<SpecialDay>, Option<OfficeHours>), ApiError> {
    let d: DaysIn = from_json_slice(body)?;
    let mut errs = Vec::new();
    let mut out = Vec::new();
    for (i, day) in d.days.iter().enumerate() {
        match special_day(&format!("days[{i}]"), &day.date, &day.kind, &day.name) {
            Ok(d) => out.push(d),
            Err(e) => errs.extend(e),
        }
    }
    let hours = office_hours(d.hours.as_deref())
        .map_err(|e| errs.push(e))
        .ok()
        .flatten();
    if errs.is_empty() {
        Ok((out, hours))
    } else {
        Err(invalid_all(errs))
    }
}

/// Merge special days into the working calendar (system administrators).
///
/// The body is CSV (`date,kind,name[,source]`, e.g. the State Council's notice for next year;
/// any content type but JSON) or JSON `{"days":[{"date":"2027-01-01","kind":"holiday",
/// "name":"元旦"}],"hours":"08:30-12:00,13:30-17:30"}`. Every bad row is named; nothing is
/// changed unless all rows are good. Deadlines already computed are kept.
#[utoipa::path(post, path = "/calendar/days", tag = "events",
    request_body(content = DaysIn, description = "JSON, or CSV text date,kind,name"),
    responses((status = 200, body = CalendarSetOut), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn set_days(
    State(state): State<AppState>,
    s: ApiSession,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<CalendarSetOut>, ApiError> {
    s.require_csrf()?;
    let actor = admin_actor(&s.0.principal)?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let (days, hours) = if is_json {
        parse_days_json(&body)?
    } else {
        let text =
            std::str::from_utf8(&body).map_err(|_| invalid("body", ImportReason::NotUtf8))?;
        let days = WorkCalendar::parse_csv(text).map_err(tiaokuai_app::AppError::from)?;
        (days, None)
    };
    if days.is_empty() && hours.is_none() {
        return Err(invalid("days", DataReason::NothingSet));
    }
    let n = days.len();
    let seqs = state
        .engine
        .submit(
            &actor,
            now_ms(),
            vec![Transition::CalendarSet { days, hours }],
        )
        .await?;
    let years_covered = state
        .engine
        .with_state(|st| st.events.calendar.years_covered())
        .await?;
    Ok(Json(CalendarSetOut {
        seq: seqs.first().copied().unwrap_or_default(),
        days: n,
        years_covered,
    }))
}

/// The workflow settings in force: step labels, time limits, extension caps, the rating
/// scale, escalation and verification switches.
#[utoipa::path(get, path = "/workflow/config", tag = "events",
    responses((status = 200, body = Object)))]
pub async fn get_config(
    State(state): State<AppState>,
    ApiSession(_s, _): ApiSession,
) -> Result<Json<WorkflowConfig>, ApiError> {
    Ok(Json(
        state
            .engine
            .with_state(|st| st.events.config.clone())
            .await?,
    ))
}

/// Replace the workflow settings (system administrators). The body is the whole settings
/// object as `GET` returns it; problems are answered with 422 naming the field.
#[utoipa::path(put, path = "/workflow/config", tag = "events",
    request_body(content = Object, description = "the settings as GET returns them"),
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn put_config(
    State(state): State<AppState>,
    s: ApiSession,
    body: Bytes,
) -> Result<Json<WorkflowConfig>, ApiError> {
    s.require_csrf()?;
    let actor = admin_actor(&s.0.principal)?;
    let config: WorkflowConfig = from_json_slice(&body)?;
    state
        .engine
        .submit(
            &actor,
            now_ms(),
            vec![Transition::WorkflowConfigSet {
                config: Box::new(config),
            }],
        )
        .await?;
    Ok(Json(
        state
            .engine
            .with_state(|st| st.events.config.clone())
            .await?,
    ))
}
