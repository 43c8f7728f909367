//! `POST /events/{id}/commands`: every workflow step after the report, one endpoint.

use super::{from_json_value, invalid, summary, ApiError, EventSummary};
use crate::api::ApiJson;
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::{Path, State};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use tiaokuai_app::now_ms;
use tiaokuai_core::error::{FieldReason, ImportReason};
use tiaokuai_core::events::EventCmd;
use utoipa::ToSchema;

/// The commands this endpoint takes (`report` is `POST /api/v1/events`).
pub const COMMANDS: [&str; 25] = [
    "self_close",
    "call",
    "cancel",
    "dispatch",
    "assign",
    "whistle",
    "sign",
    "check_in",
    "request_return",
    "decide_return",
    "rule",
    "respond",
    "note",
    "request_extension",
    "decide_extension",
    "report_back",
    "verify",
    "evaluate",
    "appeal",
    "decide_appeal",
    "close",
    "shelve",
    "remind",
    "public_feedback",
    "conclude_case",
];

#[derive(Debug, Serialize, ToSchema)]
pub struct CommandOut {
    /// The log sequence of the entry that recorded the step.
    pub seq: u64,
    /// The event after the step.
    pub event: EventSummary,
}

/// The body as an `EventCmd` for event `id`: the path id goes into `event`, a given `event`
/// must match it, and a report's missing `accepted_at_ms` is `now`.
pub(super) fn parse_command(id: u64, mut body: Value, now: i64) -> Result<EventCmd, ApiError> {
    let Some(obj) = body.as_object_mut() else {
        return Err(invalid("body", ImportReason::ExpectedObject));
    };
    let cmd = match obj.get("cmd") {
        Some(Value::String(c)) => c.clone(),
        _ => {
            return Err(invalid(
                "cmd",
                FieldReason::RequiredOneOf {
                    allowed: COMMANDS.join(", "),
                },
            ))
        }
    };
    if cmd == "report" {
        return Err(invalid("cmd", ImportReason::ReportNotCommand));
    }
    if !COMMANDS.contains(&cmd.as_str()) {
        return Err(invalid(
            "cmd",
            FieldReason::NotAllowedValue {
                value: cmd.clone(),
                allowed: COMMANDS.join(", "),
            },
        ));
    }
    match obj.get("event") {
        None | Some(Value::Null) => {}
        Some(v) if v.as_u64() == Some(id) => {}
        Some(v) => {
            return Err(invalid(
                "event",
                ImportReason::BodyPathMismatch {
                    body: v.to_string(),
                    path: id.to_string(),
                },
            ))
        }
    }
    obj.insert("event".into(), Value::from(id));
    if cmd == "report_back" {
        if let Some(Value::Object(r)) = obj.get_mut("report") {
            if r.get("accepted_at_ms").is_none_or(Value::is_null) {
                r.insert("accepted_at_ms".into(), Value::from(now));
            }
        }
    }
    from_json_value(body)
}

/// One workflow step on an event.
///
/// The body is one command: `cmd` names it, the event comes from the path (an `event` field
/// may be given but must match), the other fields are the command's own. The caller's role
/// grant is chosen by the rules; a refused step changes nothing and answers 403 (the role may
/// not do this), 409 (not in this state, or someone else was first), 422 (a field is wrong,
/// named in `errors[].field`) or 404 (no such event or assignment). Answers 200
/// `{"seq": <log seq>, "event": <EventSummary>}`.
///
/// Commands (`?` = optional):
/// - `call` {item?: {id, version}, note} — township calls the county (一键呼叫)
/// - `self_close` {note} — closed within the township / grid (自办结)
/// - `cancel` {reason} — the caller withdraws it before anyone signed
/// - `dispatch` {item: {id, version} | null, lead, co?: [unit], override_reason?, note?} —
///   command centre; `item` must be in the current list version; off-list or units other
///   than the item's need `override_reason`
/// - `assign` {unit, item?: {id, version}, note?} — 乡镇派单: the township command room sends
///   its own event, before calling the county, to a unit stationed in the township (派驻机构
///   or one of its divisions); the township decides that hop's returns and extensions and
///   grades it
/// - `whistle` {units: [unit], note?} — 吹哨报到
/// - `sign` {assignment} — the receiving unit signs (签收)
/// - `check_in` {assignment, note?} — arrival on site (报到)
/// - `request_return` {assignment, reason, legal_basis} — 退单 within the return window
/// - `decide_return` {assignment, decision: {decision: "reassign", lead, co?, override_reason?,
///   note} | {decision: "reject", note} | {decision: "dispute", note}} — command centre (for a
///   township's own hop: that township, reassign to another of its stationed units or reject)
/// - `rule` {primary, supporting?: [unit], reasoning, open_adjustment?} — 编办 rules on a dispute
/// - `respond` {assignment, contacted, arrived?, note?} — first contact (响应)
/// - `note` {assignment?, text}
/// - `request_extension` {assignment, days, reason}; `decide_extension` {assignment, approve,
///   note?} — command centre (the township for its own hop)
/// - `report_back` {assignment, report: {accepted_at_ms? (default now), contacted, measures,
///   resolve_by, photos?: [sha256]}, note?} — 办理反馈
/// - `verify` {assignment, pass, note?, photos?} — on-site 核查 by the caller's side
/// - `evaluate` {assignment, level (0 = best), reason (required below 0)} — the sender grades
///   (谁派单、谁评价)
/// - `appeal` {assignment, reason}; `decide_appeal` {assignment, upheld, new_level?, note}
/// - `close` {note?} — the caller archives it (办结)
/// - `shelve` {reason} — 挂账
/// - `remind` {assignment, kind: remind | supervise | escalate, note?}
/// - `public_feedback` {level, comment?} — 回访 of a closed event
/// - `conclude_case` {assignment, outcome} — the discipline inspector's accountability case
///
/// Example: `{"cmd":"sign","assignment":1}`,
/// `{"cmd":"dispatch","item":{"id":"territorial/12","version":3},"lead":"D-ZJ","co":[]}`.
#[utoipa::path(post, path = "/events/{id}/commands", tag = "events",
    params(("id" = u64, Path, description = "event id")),
    request_body(content = Object, description = "one command, e.g. {\"cmd\":\"sign\",\"assignment\":1}"),
    responses((status = 200, body = CommandOut), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn command(
    State(state): State<AppState>,
    s: ApiSession,
    Path(id): Path<u64>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<CommandOut>, ApiError> {
    s.require_csrf()?;
    let now = now_ms();
    let cmd = parse_command(id, body, now)?;
    let seq = state.engine.act(&s.0.principal, now, cmd).await?;
    let event = state
        .engine
        .with_state(|st| st.events.event(id).map(|e| summary(st, e, now_ms())))
        .await?
        .ok_or_else(|| super::not_found("event"))?;
    Ok(Json(CommandOut { seq, event }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn path_id_goes_into_the_command() {
        let c = parse_command(7, json!({"cmd": "sign", "assignment": 1}), 0);
        assert!(matches!(
            c,
            Ok(EventCmd::Sign {
                event: 7,
                assignment: 1
            })
        ));
        assert!(parse_command(7, json!({"cmd": "sign", "event": 7, "assignment": 1}), 0).is_ok());
        let e = parse_command(7, json!({"cmd": "sign", "event": 8, "assignment": 1}), 0);
        assert!(matches!(e, Err(ApiError { ref errors, .. }) if errors[0].field == "event"));
    }

    #[test]
    fn names_the_problem_field() {
        let field = |v: Value| match parse_command(1, v, 0) {
            Err(ApiError { status, errors, .. }) => {
                assert_eq!(status.as_u16(), 422);
                errors.first().map(|x| x.field.clone()).unwrap_or_default()
            }
            Ok(c) => panic!("accepted {c:?}"),
        };
        assert_eq!(field(json!({"assignment": 1})), "cmd");
        assert_eq!(field(json!({"cmd": "fly"})), "cmd");
        assert_eq!(field(json!({"cmd": "report"})), "cmd");
        assert_eq!(field(json!([1])), "body");
        assert_eq!(field(json!({"cmd": "sign", "assignment": "one"})), "body");
        // A missing text field reads as empty: the rules name it (`legal_basis: required`).
        assert!(matches!(
            parse_command(1, json!({"cmd": "request_return", "assignment": 1, "reason": "x"}), 0),
            Ok(EventCmd::RequestReturn { ref legal_basis, .. }) if legal_basis.is_empty()
        ));
    }

    #[test]
    fn report_back_defaults_the_acceptance_time() {
        let c = parse_command(
            3,
            json!({"cmd": "report_back", "assignment": 1,
                   "report": {"contacted": "a", "measures": "b", "resolve_by": "c"}}),
            42,
        );
        match c {
            Ok(EventCmd::ReportBack { report, .. }) => assert_eq!(report.accepted_at_ms, 42),
            other => panic!("{other:?}"),
        }
    }
}
