//! `GET /inbox`: what waits for the caller. One query per role family: receivers (hops to
//! sign, answer and report back), senders and callers (hops to grade, drafts to call, events
//! to close), the command centre (calls to dispatch, returns, extensions and appeals to
//! decide), 编办 (disputes) and the discipline inspector (accountability cases).

use super::{summary, ApiError, EventSummary};
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tiaokuai_app::now_ms;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::township;
use tiaokuai_core::events::who::{effective_unit, is_staff_of};
use tiaokuai_core::events::{
    Assignment, AssignmentRole, AssignmentStatus as A, Event, EventBook, EventCmd, EventStatus,
    Party,
};
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::{CountyState, Transition};
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

fn label(kind: &str) -> &'static str {
    match kind {
        "sign" => "待签收",
        "respond" => "待响应",
        "report_back" => "待反馈",
        "await_decision" => "待指挥中心决定",
        "evaluate" => "待评价",
        "verify" => "待核查",
        "call" => "待呼叫",
        "close" => "待办结",
        "dispatch" => "待派单",
        "decide_return" => "退单待审核",
        "decide_extension" => "延期待审批",
        "decide_appeal" => "评价申诉待处理",
        "rule" => "职责争议待裁定",
        "conclude_case" => "追责待办结",
        _ => "待办",
    }
}

struct Collector<'a> {
    st: &'a CountyState,
    now: i64,
    seen: BTreeSet<(String, u64, u32)>,
    items: Vec<InboxItem>,
}

impl Collector<'_> {
    fn push(&mut self, kind: &str, e: &Event, a: Option<&Assignment>) {
        let key = (kind.to_string(), e.id, a.map_or(0, |a| a.n));
        if !self.seen.insert(key) {
            return;
        }
        let ev = summary(self.st, e, self.now);
        let flag = match a {
            Some(a) => self.st.events.flag(a, self.now).as_str().to_string(),
            None => ev.flag.clone(),
        };
        self.items.push(InboxItem {
            kind: kind.into(),
            label: label(kind).into(),
            assignment: a.map(|a| a.n),
            deadline: a.and_then(EventBook::current_deadline),
            flag,
            event: ev,
        });
    }
}

fn parties(p: &Principal, roles: &[RoleKind]) -> Vec<Party> {
    p.grants
        .iter()
        .filter(|g| roles.contains(&g.role))
        .map(|g| Party {
            username: p.username.clone(),
            role: g.role,
            unit: g.unit.clone(),
        })
        .collect()
}

const DESK: [RoleKind; 4] = [
    RoleKind::TownshipOperator,
    RoleKind::TownshipLeader,
    RoleKind::DepartmentHandler,
    RoleKind::DepartmentLeader,
];

/// Open hops received by the caller's units.
fn as_receiver(c: &mut Collector, p: &Principal) {
    let st = c.st;
    for party in parties(p, &DESK) {
        let unit = effective_unit(&st.org, party.role, &party.unit);
        for (e, a) in st.events.inbox(&st.org, &unit) {
            // A township is not the receiver of its own 乡镇派单.
            if !township::receives(&st.org, &party, a) {
                continue;
            }
            let kind = match a.status {
                A::Dispatched => "sign",
                A::Signed if a.responded_ms.is_none() => "respond",
                A::Signed | A::InProgress => "report_back",
                _ => "await_decision",
            };
            c.push(kind, e, Some(a));
        }
    }
}

/// Hops the caller's units sent and must grade; drafts to call and events to close.
fn as_sender_or_caller(c: &mut Collector, p: &Principal) {
    let st = c.st;
    let book = &st.events;
    let mut roles = DESK.to_vec();
    roles.push(RoleKind::CountyDispatcher);
    for party in parties(p, &roles) {
        for e in book.events.values().rev().filter(|e| !e.status.is_final()) {
            for a in e.live().filter(|a| a.status == A::Reported) {
                if !is_staff_of(&st.org, &party, &a.sender_unit) || a.evaluation.is_some() {
                    continue;
                }
                let verify_first = book.config.verification_required
                    && a.role != AssignmentRole::Co
                    && a.verified != Some(true);
                c.push(if verify_first { "verify" } else { "evaluate" }, e, Some(a));
            }
            // The township decides the returns and extensions of its own hops.
            for a in e.live().filter(|a| township::is_township_hop(a)) {
                if !township::sends(&st.org, &party, a) {
                    continue;
                }
                match a.status {
                    A::ReturnRequested => c.push("decide_return", e, Some(a)),
                    A::ExtensionRequested => c.push("decide_extension", e, Some(a)),
                    _ => {}
                }
            }
            if !is_staff_of(&st.org, &party, &e.caller_unit) {
                continue;
            }
            if e.status == EventStatus::Draft && party.role != RoleKind::CountyDispatcher {
                c.push("call", e, None);
            }
            if e.status == EventStatus::Evaluated && may(st, &party, c.now, close(e.id)) {
                c.push("close", e, None);
            }
        }
    }
}

fn close(event: u64) -> EventCmd {
    EventCmd::Close {
        event,
        note: String::new(),
    }
}

/// Whether the rules would accept `cmd` from `party` now.
fn may(st: &CountyState, party: &Party, now: i64, cmd: EventCmd) -> bool {
    st.check(&Transition::Event {
        at_ms: now,
        by: party.clone(),
        cmd,
    })
    .is_ok()
}

/// Calls to dispatch; returns, extensions and appeals to decide.
fn as_dispatcher(c: &mut Collector, p: &Principal) {
    if !p.has(RoleKind::CountyDispatcher) {
        return;
    }
    let st = c.st;
    for e in st.events.events.values().rev() {
        if e.status.is_final() {
            continue;
        }
        if e.status == EventStatus::Called {
            c.push("dispatch", e, None);
        }
        for a in &e.assignments {
            match a.status {
                _ if township::is_township_hop(a) => {}
                A::ReturnRequested => c.push("decide_return", e, Some(a)),
                A::ExtensionRequested => c.push("decide_extension", e, Some(a)),
                _ => {}
            }
            let appeal_waiting = a
                .evaluation
                .as_ref()
                .and_then(|v| v.appeal.as_ref())
                .is_some_and(|ap| ap.decision.is_none());
            if appeal_waiting {
                c.push("decide_appeal", e, Some(a));
            }
        }
    }
}

/// Open disputes for 编办.
fn as_establishment(c: &mut Collector, p: &Principal) {
    if !p.has(RoleKind::EstablishmentReviewer) {
        return;
    }
    let st = c.st;
    for e in st.events.events.values().rev() {
        if !e.status.is_final() && e.open_dispute().is_some() {
            c.push("rule", e, None);
        }
    }
}

/// Open accountability cases for the discipline inspector.
fn as_inspector(c: &mut Collector, p: &Principal) {
    if !p.has(RoleKind::DisciplineInspector) {
        return;
    }
    let st = c.st;
    for ((event, n), _) in st
        .events
        .cases
        .iter()
        .rev()
        .filter(|(_, k)| k.outcome.is_none())
    {
        if let Some(e) = st.events.event(*event) {
            c.push("conclude_case", e, e.assignment(*n));
        }
    }
}

pub(super) fn collect(st: &CountyState, p: &Principal, now: i64) -> InboxOut {
    let mut c = Collector {
        st,
        now,
        seen: BTreeSet::new(),
        items: Vec::new(),
    };
    as_receiver(&mut c, p);
    as_sender_or_caller(&mut c, p);
    as_dispatcher(&mut c, p);
    as_establishment(&mut c, p);
    as_inspector(&mut c, p);
    // Nothing waits for a person on an event they may not read.
    c.items.retain(|i| {
        st.events
            .event(i.event.id)
            .is_some_and(|e| tiaokuai_core::events::who::may_see(p, &st.org, e))
    });
    let mut counts = BTreeMap::new();
    for i in &c.items {
        *counts.entry(i.kind.clone()).or_insert(0) += 1;
    }
    InboxOut {
        items: c.items,
        counts,
    }
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
