//! `GET /inbox`: what waits for the caller, from the core's one "who acts next" query
//! (`events::work::work_for`): hops to sign, answer and report back; hops to grade, drafts to
//! call and events to close; for the command centre calls to dispatch and returns, extensions
//! and appeals to decide; disputes for 编办; accountability cases for the discipline inspector.

use super::{summary, ApiError, EventSummary};
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use std::collections::BTreeMap;
use tiaokuai_app::now_ms;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::work::work_for;
use tiaokuai_core::events::EventBook;
use tiaokuai_core::CountyState;
use utoipa::ToSchema;

/// One thing to do. `kind` is the command to send to `/api/v1/events/{id}/commands` (or
/// `await_decision` when the hop waits for the command centre).
#[derive(Debug, Serialize, ToSchema)]
pub struct InboxItem {
    /// sign, respond, report_back, await_decision, evaluate, verify, call, close, dispatch,
    /// decide_return, decide_extension, decide_appeal, rule, conclude_case
    pub kind: String,
    pub label: String,
    pub assignment: Option<u32>,
    /// The hop's current deadline (ms), if any.
    pub deadline: Option<i64>,
    /// none, yellow, red (of the hop, else of the event)
    pub flag: String,
    pub event: EventSummary,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboxOut {
    pub items: Vec<InboxItem>,
    /// Items per kind.
    pub counts: BTreeMap<String, usize>,
}

pub(super) fn collect(st: &CountyState, p: &Principal, now: i64) -> InboxOut {
    let mut items = Vec::new();
    for w in work_for(st, p, now) {
        let Some(e) = st.events.event(w.event) else {
            continue;
        };
        let a = w.hop.and_then(|n| e.assignment(n));
        let ev = summary(st, e, now);
        let flag = match a {
            Some(a) => st.events.flag(a, now).as_str().to_string(),
            None => ev.flag.clone(),
        };
        items.push(InboxItem {
            kind: w.kind.as_str().into(),
            label: w.kind.label_zh().into(),
            assignment: w.hop,
            deadline: a.and_then(EventBook::current_deadline),
            flag,
            event: ev,
        });
    }
    let mut counts = BTreeMap::new();
    for i in &items {
        *counts.entry(i.kind.clone()).or_insert(0) += 1;
    }
    InboxOut { items, counts }
}

/// What waits for the caller: hops their units must sign, answer or report back; hops they
/// sent and must grade; drafts to call and events to close; for the command centre calls to
/// dispatch and returns, extensions and appeals to decide; disputes for 编办; accountability
/// cases for the discipline inspector.
#[utoipa::path(get, path = "/inbox", tag = "events",
    responses((status = 200, body = InboxOut)))]
pub async fn inbox(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
) -> Result<Json<InboxOut>, ApiError> {
    let now = now_ms();
    let out = state
        .engine
        .with_state(|st| collect(st, &s.principal, now))
        .await?;
    Ok(Json(out))
}
