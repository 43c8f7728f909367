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
use tiaokuai_core::error::{FieldReason, ImportReason};
use tiaokuai_core::events::scope::read_scope;
use tiaokuai_core::events::{Event, EventBook, EventStatus, Flag};
use tiaokuai_core::CountyState;
use tiaokuai_store::{EventListQuery, Involvement, UnitConcern};
use utoipa::IntoParams;

pub(crate) fn query_error(e: QueryRejection) -> ApiError {
    ApiError::bad_request(
        "query",
        ImportReason::BadQuery {
            detail: e.body_text(),
        },
    )
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
    /// Keyset paging: only events with an id below this one (the `X-Next-Before` header of
    /// the previous page).
    before: Option<u64>,
}

/// Events the caller may see, newest first, a page at a time: the next page is asked with
/// `before` set to the `X-Next-Before` header (also given as a `Link: <…>; rel="next"`).
///
/// The number of matches is in the `X-Total-Count` header, counted up to 10000; above that
/// the header says 10000 and `X-Total-Count-Capped: true`.
#[utoipa::path(get, path = "/events", tag = "events", params(ListQuery),
    responses((status = 200, body = Vec<EventSummary>,
        headers(("x-total-count" = u64, description = "matches, at most 10000"),
            ("x-next-before" = u64, description = "the `before` of the next page, if any"))),
        (status = 422, body = crate::error::ErrorBody)))]
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
                FieldReason::NotAllowedValue {
                    value: part.to_string(),
                    allowed: all.join(", "),
                },
            )
        })?;
        statuses.push(st);
    }
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let now = now_ms();
    let p = &s.principal;
    let query = state
        .engine
        .with_state(|st| {
            let concerning = match q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
                Some(u) => match st.org.resolve_unit(u) {
                    Some(x) => Some(UnitConcern::of(&st.org, &x.code)),
                    None => {
                        return Err(invalid(
                            "unit",
                            FieldReason::UnknownUnit {
                                unit: u.to_string(),
                            },
                        ))
                    }
                },
                None => None,
            };
            Ok(EventListQuery {
                scopes: read_scope(&st.org, p),
                statuses,
                involving: (q.mine == Some(true)).then(|| Involvement::of(&st.org, p)),
                concerning,
                ids: (q.overdue == Some(true)).then(|| overdue_ids(&st.events, now)),
                before_id: q.before,
                limit,
                ..Default::default()
            })
        })
        .await??;
    let page = state
        .engine
        .store()
        .list_events(state.engine.county(), &query)
        .await
        .map_err(tiaokuai_app::AppError::from)?;
    let rows = state
        .engine
        .with_events(&page.ids, |st| {
            page.ids
                .iter()
                .filter_map(|id| crate::event_lookup::listed_event(st, *id))
                .map(|e| summary(st, e, now))
                .collect::<Vec<_>>()
        })
        .await?;
    let mut res = Json(rows).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&page.count.to_string()) {
        h.insert("x-total-count", v);
    }
    if page.count_capped {
        h.insert("x-total-count-capped", HeaderValue::from_static("true"));
    }
    if let Some(b) = page.next_before {
        if let Ok(v) = HeaderValue::from_str(&b.to_string()) {
            h.insert("x-next-before", v);
        }
        let mut link = format!("/api/v1/events?limit={limit}&before={b}");
        for (k, v) in [
            ("status", q.status.as_deref()),
            ("unit", q.unit.as_deref()),
            ("mine", q.mine.map(|m| if m { "true" } else { "false" })),
            (
                "overdue",
                q.overdue.map(|m| if m { "true" } else { "false" }),
            ),
        ] {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                link.push_str(&format!("&{k}={}", crate::session::url_encode(v)));
            }
        }
        if let Ok(v) = HeaderValue::from_str(&format!("<{link}>; rel=\"next\"")) {
            h.insert(header::LINK, v);
        }
    }
    Ok(res)
}

/// The ids of the events with an overdue (red) hop now. Only open events can be overdue, and
/// they are all in memory: the deadlines are not computed in SQL.
pub(crate) fn overdue_ids(book: &EventBook, now: i64) -> Vec<u64> {
    book.events
        .values()
        .filter(|e| !e.status.is_final() && worst_flag(book, e, now) == Flag::Red)
        .map(|e| e.id)
        .collect()
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
