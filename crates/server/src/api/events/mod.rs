//! The event workflow over JSON: report, every step, queries, timeline, proofs, photos, the
//! inbox, the working calendar and the workflow settings. Handlers parse, call one engine
//! function and map the result; every rule lives in the core.

mod calendar;
mod commands;
mod inbox;
mod photos;
mod queries;
mod report;

pub(super) use queries::query_error;

use crate::error::ApiError;
use crate::AppState;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use tiaokuai_core::access::Principal;
use tiaokuai_core::error::ImportReason;
use tiaokuai_core::events::{Assignment, Event, EventBook, Flag};
use tiaokuai_core::{CountyState, DomainError, FieldError, Reason};
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    components(schemas(
        EventSummary,
        HopSummary,
        report::ReportRequest,
        report::LocationIn,
        report::ItemRefIn,
        report::Created,
        commands::CommandOut,
        photos::PhotosOut,
        inbox::InboxOut,
        inbox::InboxItem,
        calendar::DueOut,
        calendar::DaysOut,
        calendar::DayOut,
        calendar::DaysIn,
        calendar::DayIn,
        calendar::CalendarSetOut,
    )),
    tags((name = "events", description = "乡呼县应 / 一件事 workflow: report, dispatch, handle, grade, close"))
)]
pub struct EventsDoc;

/// The event routes; each path and method comes from its handler's `#[utoipa::path]`, so the
/// document cannot drift from the router.
pub fn routes() -> OpenApiRouter<AppState> {
    let (schemas, paths, upload) = routes!(photos::upload);
    let upload = (
        schemas,
        paths,
        upload.layer(axum::extract::DefaultBodyLimit::max(photos::MAX_BODY)),
    );
    OpenApiRouter::new()
        .routes(routes!(report::create, queries::list))
        .routes(routes!(queries::detail))
        .routes(routes!(commands::command))
        .routes(routes!(queries::timeline))
        .routes(routes!(queries::proof))
        .routes(upload)
        .routes(routes!(photos::download))
        .routes(routes!(inbox::inbox))
        .routes(routes!(calendar::due))
        .routes(routes!(calendar::days, calendar::set_days))
        .routes(routes!(calendar::get_config, calendar::put_config))
}

/// 422 naming every field problem.
pub(super) fn invalid_all(errors: Vec<FieldError>) -> ApiError {
    ApiError::from_domain(DomainError::Invalid(errors))
}

/// 422 naming one field.
pub(super) fn invalid(field: &str, reason: impl Into<Reason>) -> ApiError {
    invalid_all(vec![FieldError::new("", field, reason)])
}

pub(super) fn not_found(what: &str) -> ApiError {
    ApiError::not_found(format!("{what} not found"))
}

/// A JSON value read as `T`; a failure is 422 naming the path serde stopped at
/// (`report.accepted_at_ms`, `units[2]`), or `body` at the top.
pub(super) fn from_json_value<T: DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(v).map_err(body_invalid)
}

/// Like [`from_json_value`], from the body's bytes.
pub(super) fn from_json_slice<T: DeserializeOwned>(b: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(b);
    serde_path_to_error::deserialize(de).map_err(body_invalid)
}

pub(super) fn body_invalid(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = e.path().to_string();
    let field = if path.is_empty() || path == "." {
        "body".to_string()
    } else {
        path
    };
    invalid(
        &field,
        ImportReason::BadBody {
            detail: e.inner().to_string(),
        },
    )
}

/// One hop in a list row.
#[derive(Debug, Serialize, ToSchema)]
pub struct HopSummary {
    pub n: u32,
    /// lead, co, whistle
    pub role: String,
    pub receiver_unit: String,
    pub receiver_name: String,
    /// dispatched, signed, return_requested, in_progress, extension_requested, reported,
    /// evaluated, reopened, returned, transferred, ended
    pub status: String,
    pub status_label: String,
    /// none, yellow (close to the deadline), red (overdue)
    pub flag: String,
    /// The deadline the receiver works against now (ms since the epoch), if the hop is open.
    pub deadline: Option<i64>,
}

/// An event as a list row (also returned by every command).
#[derive(Debug, Serialize, ToSchema)]
pub struct EventSummary {
    pub id: u64,
    /// Human number, e.g. 2026-000123.
    pub no: String,
    pub title: String,
    pub channel: String,
    /// draft, self_closed, called, dispatched, accepted, return_requested, disputed,
    /// in_progress, extension_requested, resolved, evaluated, reopened, closed, shelved,
    /// cancelled
    pub status: String,
    pub status_label: String,
    /// normal, urgent
    pub urgency: String,
    pub caller_unit: String,
    pub township: Option<String>,
    pub reporter: String,
    pub created_ms: i64,
    /// The worst flag of its hops now: none, yellow, red.
    pub flag: String,
    pub hops: Vec<HopSummary>,
}

pub(super) fn unit_name(s: &CountyState, code: &str) -> String {
    s.org
        .unit(code)
        .map(|u| {
            if u.short_name.is_empty() {
                u.name.clone()
            } else {
                u.short_name.clone()
            }
        })
        .unwrap_or_else(|| code.to_string())
}

pub(super) fn hop_summary(s: &CountyState, a: &Assignment, now_ms: i64) -> HopSummary {
    HopSummary {
        n: a.n,
        role: a.role.as_str().into(),
        receiver_unit: a.receiver_unit.clone(),
        receiver_name: unit_name(s, &a.receiver_unit),
        status: a.status.as_str().into(),
        status_label: a.status.label_zh().into(),
        flag: s.events.flag(a, now_ms).as_str().into(),
        deadline: EventBook::current_deadline(a),
    }
}

/// The worst flag of an event's hops now.
pub(super) fn worst_flag(book: &EventBook, e: &Event, now_ms: i64) -> Flag {
    e.assignments
        .iter()
        .map(|a| book.flag(a, now_ms))
        .max()
        .unwrap_or(Flag::None)
}

pub(super) fn summary(s: &CountyState, e: &Event, now_ms: i64) -> EventSummary {
    EventSummary {
        id: e.id,
        no: e.no.clone(),
        title: e.facts.title.clone(),
        channel: e.facts.channel.as_str().into(),
        status: e.status.as_str().into(),
        status_label: e.status.label_zh().into(),
        urgency: e.facts.urgency.as_str().into(),
        caller_unit: e.caller_unit.clone(),
        township: e.facts.location.township.clone(),
        reporter: e.reporter.clone(),
        created_ms: e.created_ms,
        flag: worst_flag(&s.events, e, now_ms).as_str().into(),
        hops: e
            .assignments
            .iter()
            .map(|a| hop_summary(s, a, now_ms))
            .collect(),
    }
}

/// The event if it exists and the principal may see it; otherwise the same 404 for both, so
/// an unreadable event cannot be told from a missing one (the refusal of a command on it is
/// the same too: `tiaokuai_core::events::check::event_not_found`).
pub(super) fn visible<'a>(
    s: &'a CountyState,
    p: &Principal,
    id: u64,
) -> Result<&'a Event, ApiError> {
    s.events
        .event(id)
        .filter(|e| tiaokuai_core::events::who::may_see(p, &s.org, e))
        .ok_or_else(|| {
            tiaokuai_app::AppError::from(tiaokuai_core::events::check::event_not_found(id)).into()
        })
}

/// The system-administrator actor of a principal, or 403.
pub(super) fn admin_actor(p: &Principal) -> Result<tiaokuai_app::engine::Actor, ApiError> {
    crate::settings_input::admin_actor(p)
        .ok_or_else(|| ApiError::forbidden("only a system administrator may change this"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        n: u32,
    }

    #[test]
    fn a_body_error_names_the_path() {
        let e = from_json_value::<Outer>(serde_json::json!({"items": [{"n": 1}, {"n": "x"}]}))
            .unwrap_err();
        assert_eq!(e.status.as_u16(), 422);
        assert_eq!(e.errors[0].field, "items[1].n");
        assert_eq!(e.errors[0].reason.code(), "bad_body");
        let e = from_json_slice::<Outer>(br#"{"items": 5}"#).unwrap_err();
        assert_eq!(e.errors[0].field, "items");
        let e = from_json_slice::<Outer>(b"{}").unwrap_err();
        assert_eq!(e.errors[0].field, "body");
    }
}
