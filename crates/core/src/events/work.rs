//! Who acts next: the one rule behind the API inbox, the home page's to-do counts, every desk
//! and the notifier.
//!
//! [`steps`] says, for one event, which steps wait and who holds each (a hop's receiver or
//! sender, the caller, the command centre, 编办). [`units_to_act`] resolves the holders to unit
//! codes (for notices); [`work_for`] matches them against one person's grants (for inboxes and
//! desks). Nothing else in the product decides whose move it is.

use serde::Serialize;

use super::model::{Assignment, AssignmentRole, AssignmentStatus as A, Event, EventStatus as E};
use super::township::{self, is_township_hop};
use super::who::{is_staff_of, may_see};
use super::{EventBook, EventCmd, Party};
use crate::access::Principal;
use crate::org::RoleKind;
use crate::state::CountyState;
use crate::Transition;

/// Marker for the county command centre (resolve to people with a county dispatcher grant).
pub const COMMAND_CENTRE: &str = "@command_centre";
/// Marker for 编办 (resolve to people with an establishment reviewer grant).
pub const ESTABLISHMENT_OFFICE: &str = "@establishment_office";

/// One kind of waiting step. `as_str` is the command to send (or `await_decision` when the
/// receiver waits for someone else to decide its request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkKind {
    Sign,
    Respond,
    ReportBack,
    AwaitDecision,
    Verify,
    Evaluate,
    Call,
    Close,
    Dispatch,
    DecideReturn,
    DecideExtension,
    DecideAppeal,
    Rule,
    ConcludeCase,
}

impl WorkKind {
    pub const ALL: [WorkKind; 14] = [
        WorkKind::Sign,
        WorkKind::Respond,
        WorkKind::ReportBack,
        WorkKind::AwaitDecision,
        WorkKind::Verify,
        WorkKind::Evaluate,
        WorkKind::Call,
        WorkKind::Close,
        WorkKind::Dispatch,
        WorkKind::DecideReturn,
        WorkKind::DecideExtension,
        WorkKind::DecideAppeal,
        WorkKind::Rule,
        WorkKind::ConcludeCase,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkKind::Sign => "sign",
            WorkKind::Respond => "respond",
            WorkKind::ReportBack => "report_back",
            WorkKind::AwaitDecision => "await_decision",
            WorkKind::Verify => "verify",
            WorkKind::Evaluate => "evaluate",
            WorkKind::Call => "call",
            WorkKind::Close => "close",
            WorkKind::Dispatch => "dispatch",
            WorkKind::DecideReturn => "decide_return",
            WorkKind::DecideExtension => "decide_extension",
            WorkKind::DecideAppeal => "decide_appeal",
            WorkKind::Rule => "rule",
            WorkKind::ConcludeCase => "conclude_case",
        }
    }

    pub fn parse(s: &str) -> Option<WorkKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            WorkKind::Sign => "待签收",
            WorkKind::Respond => "待响应",
            WorkKind::ReportBack => "待反馈",
            WorkKind::AwaitDecision => "申请待决定",
            WorkKind::Verify => "待核查",
            WorkKind::Evaluate => "待评价",
            WorkKind::Call => "待呼叫",
            WorkKind::Close => "待办结",
            WorkKind::Dispatch => "待派单",
            WorkKind::DecideReturn => "退单待审核",
            WorkKind::DecideExtension => "延期待审批",
            WorkKind::DecideAppeal => "评价申诉待处理",
            WorkKind::Rule => "职责争议待裁定",
            WorkKind::ConcludeCase => "追责待办结",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            WorkKind::Sign => "To sign",
            WorkKind::Respond => "To respond",
            WorkKind::ReportBack => "To report back",
            WorkKind::AwaitDecision => "Request awaiting a decision",
            WorkKind::Verify => "To verify",
            WorkKind::Evaluate => "To grade",
            WorkKind::Call => "To call the county",
            WorkKind::Close => "To close",
            WorkKind::Dispatch => "To dispatch",
            WorkKind::DecideReturn => "Return to decide",
            WorkKind::DecideExtension => "Extension to decide",
            WorkKind::DecideAppeal => "Appeal to decide",
            WorkKind::Rule => "Dispute to rule on",
            WorkKind::ConcludeCase => "Case to conclude",
        }
    }

    /// The step is the holder's own move (not waiting on someone else).
    pub fn is_action(self) -> bool {
        self != WorkKind::AwaitDecision
    }
}

/// Who holds a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Holder {
    /// The hop's receiving unit.
    Receiver,
    /// The hop's sending unit.
    Sender,
    /// The unit that reported (called) the event.
    Caller,
    /// Any county dispatcher.
    CommandCentre,
    /// Any 编办 reviewer.
    EstablishmentOffice,
    /// Any discipline inspector (accountability cases).
    Inspector,
}

/// A waiting step on an event.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    pub kind: WorkKind,
    pub hop: Option<&'a Assignment>,
    pub holder: Holder,
}

/// The steps that wait on `e`: none once it is final.
///
/// - a draft: the caller calls the county (or handles it locally);
/// - a called event: the command centre dispatches it;
/// - an open dispute: 编办 rules on it;
/// - an evaluated event that may be closed: the caller closes it;
/// - an open hop: its receiver signs, responds or reports back, or waits for the decision on
///   its return or extension request, which the sender of a township hop takes and the command
///   centre takes for every other hop;
/// - a reported hop not yet graded: its sender verifies (where the county requires it of the
///   lead) or grades it (谁派单、谁评价);
/// - an undecided appeal of a grade: the command centre.
pub fn steps<'a>(book: &EventBook, e: &'a Event) -> Vec<Step<'a>> {
    let mut out = Vec::new();
    if e.status.is_final() {
        return out;
    }
    let step = |kind, hop, holder| Step { kind, hop, holder };
    match e.status {
        E::Draft => out.push(step(WorkKind::Call, None, Holder::Caller)),
        E::Called => out.push(step(WorkKind::Dispatch, None, Holder::CommandCentre)),
        E::Evaluated if book.check_close(e).is_ok() => {
            out.push(step(WorkKind::Close, None, Holder::Caller))
        }
        _ => {}
    }
    if e.open_dispute().is_some() {
        out.push(step(WorkKind::Rule, None, Holder::EstablishmentOffice));
    }
    for a in &e.assignments {
        let decider = if is_township_hop(a) {
            Holder::Sender
        } else {
            Holder::CommandCentre
        };
        let hop = Some(a);
        match a.status {
            A::Dispatched => out.push(step(WorkKind::Sign, hop, Holder::Receiver)),
            A::Signed if a.responded_ms.is_none() => {
                out.push(step(WorkKind::Respond, hop, Holder::Receiver))
            }
            A::Signed | A::InProgress => {
                out.push(step(WorkKind::ReportBack, hop, Holder::Receiver))
            }
            A::ReturnRequested => {
                out.push(step(WorkKind::AwaitDecision, hop, Holder::Receiver));
                out.push(step(WorkKind::DecideReturn, hop, decider));
            }
            A::ExtensionRequested => {
                out.push(step(WorkKind::AwaitDecision, hop, Holder::Receiver));
                out.push(step(WorkKind::DecideExtension, hop, decider));
            }
            A::Reported if a.evaluation.is_none() => {
                let verify_first = book.config.verification_required
                    && a.role != AssignmentRole::Co
                    && a.verified != Some(true);
                let kind = if verify_first {
                    WorkKind::Verify
                } else {
                    WorkKind::Evaluate
                };
                out.push(step(kind, hop, Holder::Sender));
            }
            _ => {}
        }
        let appeal_waiting = a
            .evaluation
            .as_ref()
            .and_then(|v| v.appeal.as_ref())
            .is_some_and(|ap| ap.decision.is_none());
        if appeal_waiting {
            out.push(step(WorkKind::DecideAppeal, hop, Holder::CommandCentre));
        }
    }
    out
}

/// The unit a step's holder is, or a marker ([`COMMAND_CENTRE`], [`ESTABLISHMENT_OFFICE`]).
pub fn holder_unit(e: &Event, s: &Step) -> String {
    match (s.holder, s.hop) {
        (Holder::Receiver, Some(a)) => a.receiver_unit.clone(),
        (Holder::Sender, Some(a)) => a.sender_unit.clone(),
        (Holder::CommandCentre, _) => COMMAND_CENTRE.to_string(),
        (Holder::EstablishmentOffice, _) => ESTABLISHMENT_OFFICE.to_string(),
        (Holder::Inspector, _) | (Holder::Caller, _) | (_, None) => e.caller_unit.clone(),
    }
}

/// The units (or markers) whose move it is on `e` now, sorted and without duplicates: the
/// holders of its [`steps`], leaving out receivers that only wait for a decision. Outbound
/// notices (an SMS to the people who must act next) are built on this.
pub fn units_to_act(book: &EventBook, e: &Event) -> Vec<String> {
    let mut out: Vec<String> = steps(book, e)
        .iter()
        .filter(|s| s.kind.is_action())
        .map(|s| holder_unit(e, s))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// One thing waiting for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Work {
    pub kind: WorkKind,
    pub event: u64,
    /// The hop (its number on the event), for hop steps and accountability cases.
    pub hop: Option<u32>,
    /// In whose name the person acts (a desk shows the work of its own kind of holder).
    pub holder: Holder,
}

/// The desk roles that receive and send hops and call events.
const DESK: [RoleKind; 4] = [
    RoleKind::TownshipOperator,
    RoleKind::TownshipLeader,
    RoleKind::DepartmentHandler,
    RoleKind::DepartmentLeader,
];

fn parties<'a>(p: &'a Principal, roles: &'a [RoleKind]) -> impl Iterator<Item = Party> + 'a {
    p.grants
        .iter()
        .filter(|g| roles.contains(&g.role))
        .map(|g| Party {
            username: p.username.clone(),
            role: g.role,
            unit: g.unit.clone(),
        })
}

/// Whether `p` acts for the receiving side of hop `a` in any desk grant (a township is not the
/// receiver of its own 乡镇派单, nor of its stationed units' hops).
pub fn receives(org: &crate::state::OrgState, p: &Principal, a: &Assignment) -> bool {
    parties(p, &DESK).any(|party| township::receives(org, &party, a))
}

/// Whether `p` holds step `s` of `e` (and, for closing, whether the rules would accept it now).
fn holds(st: &CountyState, p: &Principal, e: &Event, s: &Step, now: i64) -> bool {
    let org = &st.org;
    const SENDERS: [RoleKind; 5] = [
        RoleKind::TownshipOperator,
        RoleKind::TownshipLeader,
        RoleKind::DepartmentHandler,
        RoleKind::DepartmentLeader,
        RoleKind::CountyDispatcher,
    ];
    match (s.holder, s.hop) {
        (Holder::CommandCentre, _) => p.has(RoleKind::CountyDispatcher),
        (Holder::EstablishmentOffice, _) => p.has(RoleKind::EstablishmentReviewer),
        (Holder::Inspector, _) => p.has(RoleKind::DisciplineInspector),
        // A township is not the receiver of its own 乡镇派单, nor of its stationed units' hops.
        (Holder::Receiver, Some(a)) => receives(org, p, a),
        // The township decides the returns and extensions of its own hops.
        (Holder::Sender, Some(a))
            if matches!(s.kind, WorkKind::DecideReturn | WorkKind::DecideExtension) =>
        {
            parties(p, &DESK).any(|party| township::sends(org, &party, a))
        }
        (Holder::Sender, Some(a)) => {
            parties(p, &SENDERS).any(|party| is_staff_of(org, &party, &a.sender_unit))
        }
        (Holder::Caller, _) if s.kind == WorkKind::Call => {
            parties(p, &DESK).any(|party| is_staff_of(org, &party, &e.caller_unit))
        }
        (Holder::Caller, _) => parties(p, &SENDERS).any(|party| {
            is_staff_of(org, &party, &e.caller_unit)
                && st
                    .check(&Transition::Event {
                        at_ms: now,
                        by: party.clone(),
                        cmd: EventCmd::Close {
                            event: e.id,
                            note: String::new(),
                        },
                    })
                    .is_ok()
        }),
        (_, None) => false,
    }
}

/// Everything waiting for `p` at `now`, newest event first: the steps of the events they may
/// read whose holder they act for, and (for a discipline inspector) the open accountability
/// cases.
pub fn work_for(st: &CountyState, p: &Principal, now: i64) -> Vec<Work> {
    let mut out = Vec::new();
    for e in st.events.events.values().rev() {
        let mine: Vec<Work> = steps(&st.events, e)
            .iter()
            .filter(|s| holds(st, p, e, s, now))
            .map(|s| Work {
                kind: s.kind,
                event: e.id,
                hop: s.hop.map(|a| a.n),
                holder: s.holder,
            })
            .collect();
        // Nothing waits for a person on an event they may not read.
        if !mine.is_empty() && may_see(p, &st.org, e) {
            out.extend(mine);
        }
    }
    if p.has(RoleKind::DisciplineInspector) {
        for (&(event, n), _) in st
            .events
            .cases
            .iter()
            .rev()
            .filter(|(_, k)| k.outcome.is_none())
        {
            if st
                .events
                .event(event)
                .is_some_and(|e| may_see(p, &st.org, e))
            {
                out.push(Work {
                    kind: WorkKind::ConcludeCase,
                    event,
                    hop: Some(n),
                    holder: Holder::Inspector,
                });
            }
        }
    }
    out.dedup();
    out
}

/// How many of each kind [`work_for`] finds, in [`WorkKind::ALL`] order, leaving out zeros.
pub fn counts(work: &[Work]) -> Vec<(WorkKind, usize)> {
    WorkKind::ALL
        .into_iter()
        .map(|k| (k, work.iter().filter(|w| w.kind == k).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}
