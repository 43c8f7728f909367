//! Reading events: the list the caller may see, one event with its flags, its timeline from
//! the log, and a proof bundle anyone can verify offline.

use super::{invalid, summary, visible, worst_flag, ApiError, EventSummary};
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use tiaokuai_app::events::timeline::TimelineEntry;
use tiaokuai_app::now_ms;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::who::{effective_unit, may_see};
use tiaokuai_core::events::{Event, EventBook, EventStatus, Flag};
use tiaokuai_core::CountyState;
use utoipa::IntoParams;

pub(super) fn query_error(e: QueryRejection) -> ApiError {
    ApiError::bad_request("query", e.body_text())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct ListQuery {
    /// One status or several, comma-separated (e.g. `called,dispatched`).
    status: Option<String>,
    /// Unit code or name: events it called, reported or received a hop of.
    unit: Option<String>,
    /// Only events the caller reported or whose units are involved.
    mine: Option<bool>,
    /// Only events with an overdue (red) hop now.
    overdue: Option<bool>,
    /// At most this many (default 50, at most 500).
    limit: Option<usize>,
    offset: Option<usize>,
}

/// The caller's own part in an event: reporter, dispatcher, or a unit of theirs as caller,
/// sender or receiver.
fn involves(s: &CountyState, p: &Principal, e: &Event) -> bool {
    if e.reporter == p.username || e.assignments.iter().any(|a| a.dispatched_by == p.username) {
        return true;
    }
    p.grants.iter().any(|g| {
        let unit = effective_unit(&s.org, g.role, &g.unit);
        e.caller_unit == unit
            || e.assignments.iter().any(|a| {
                a.sender_unit == unit
                    || a.receiver_unit == unit
                    || s.org.is_within(&a.receiver_unit, &unit)
            })
    })
}

fn concerns_unit(s: &CountyState, e: &Event, unit: &str) -> bool {
    e.caller_unit == unit
        || e.facts.location.township.as_deref() == Some(unit)
        || s.org.is_within(&e.origin_unit, unit)
        || e.receivers().any(|r| r == unit || s.org.is_within(r, unit))
}

/// Events the caller may see, newest first.
///
/// The total number of matches is in the `X-Total-Count` header.
#[utoipa::path(get, path = "/events", tag = "events", params(ListQuery),
    responses((status = 200, body = Vec<EventSummary>), (status = 422, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(query_error)?;
    let mut statuses = Vec::new();
    for part in q.status.as_deref().unwrap_or("").split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let st = EventStatus::parse(part).ok_or_else(|| {
            let all: Vec<&str> = EventStatus::ALL.iter().map(|x| x.as_str()).collect();
            invalid(
                "status",
                format!("unknown status '{part}': use one of {}", all.join(", ")),
            )
        })?;
        statuses.push(st);
    }
    let limit = q.limit.unwrap_or(50).min(500);
    let offset = q.offset.unwrap_or(0);
    let now = now_ms();
    let p = &s.principal;
    let (total, rows) = state
        .engine
        .with_state(|st| {
            let unit = match q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
                Some(u) => match st.org.resolve_unit(u) {
                    Some(x) => Some(x.code.clone()),
                    None => return Err(invalid("unit", format!("unknown unit '{u}'"))),
                },
                None => None,
            };
            let mut total = 0usize;
            let mut rows = Vec::new();
            let matching = st.events.events.values().rev().filter(|e| {
                (statuses.is_empty() || statuses.contains(&e.status))
                    && unit.as_deref().is_none_or(|u| concerns_unit(st, e, u))
                    && (q.mine != Some(true) || involves(st, p, e))
                    && (q.overdue != Some(true) || worst_flag(&st.events, e, now) == Flag::Red)
                    && may_see(p, &st.org, e)
            });
            for e in matching {
                if total >= offset && rows.len() < limit {
                    rows.push(summary(st, e, now));
                }
                total += 1;
            }
            Ok((total, rows))
        })
        .await??;
    let mut res = Json(rows).into_response();
    if let Ok(v) = HeaderValue::from_str(&total.to_string()) {
        res.headers_mut().insert("x-total-count", v);
    }
    Ok(res)
}

/// The event as recorded (facts, every hop with its deadlines, returns, extensions, reports,
/// evaluations, disputes), with `status_label` and `flags`: per hop `{n, flag, deadline,
/// overdue_days}` computed now.
fn detail_json(st: &CountyState, e: &Event, now: i64) -> Value {
    let book = &st.events;
    let flags: Vec<Value> = e
        .assignments
        .iter()
        .map(|a| {
            serde_json::json!({
                "n": a.n,
                "flag": book.flag(a, now).as_str(),
                "deadline": EventBook::current_deadline(a),
                "overdue_days": book.overdue_days(a, now),
            })
        })
        .collect();
    let cases: Vec<&tiaokuai_core::events::AccountabilityCase> = book
        .cases
        .range((e.id, 0)..=(e.id, u32::MAX))
        .map(|(_, c)| c)
        .collect();
    let mut v = serde_json::to_value(e).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.insert("status_label".into(), e.status.label_zh().into());
        o.insert("flag".into(), worst_flag(book, e, now).as_str().into());
        o.insert("flags".into(), Value::Array(flags));
        o.insert(
            "cases".into(),
            serde_json::to_value(cases).unwrap_or(Value::Null),
        );
        o.insert(
            "public_feedback".into(),
            serde_json::to_value(book.feedback.get(&e.id)).unwrap_or(Value::Null),
        );
    }
    v
}

/// One event in full. 404 if it does not exist, 403 if the caller may not see it.
#[utoipa::path(get, path = "/events/{id}", tag = "events",
    params(("id" = u64, Path, description = "event id")),
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Path(id): Path<u64>,
) -> Result<Json<Value>, ApiError> {
    let now = now_ms();
    let v = state
        .engine
        .with_events(&[id], |st| {
            visible(st, &s.principal, id).map(|e| detail_json(st, e, now))
        })
        .await??;
    Ok(Json(v))
}

async fn check_visible(state: &AppState, p: &Principal, id: u64) -> Result<String, ApiError> {
    state
        .engine
        .with_events(&[id], |st| visible(st, p, id).map(|e| e.no.clone()))
        .await?
}

/// Every log entry about the event, oldest first (who, when, in which role, which command).
#[utoipa::path(get, path = "/events/{id}/timeline", tag = "events",
    params(("id" = u64, Path, description = "event id")),
    responses((status = 200, body = Vec<Object>), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn timeline(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Path(id): Path<u64>,
) -> Result<Json<Vec<TimelineEntry>>, ApiError> {
    check_visible(&state, &s.principal, id).await?;
    Ok(Json(state.engine.event_timeline(id).await?))
}

/// A proof bundle for the event: its entries with RFC 6962 inclusion proofs against the
/// latest signed checkpoint, and the public key; checkable offline.
#[utoipa::path(get, path = "/events/{id}/proof", tag = "events",
    params(("id" = u64, Path, description = "event id")),
    responses((status = 200, body = Object, description = "download event-<no>-proof.json"),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn proof(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Path(id): Path<u64>,
) -> Result<Response, ApiError> {
    let no = check_visible(&state, &s.principal, id).await?;
    let bundle = state.engine.event_proof(id).await?;
    let mut res = Json(bundle).into_response();
    let name: String = no
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if let Ok(v) =
        HeaderValue::from_str(&format!("attachment; filename=\"event-{name}-proof.json\""))
    {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
