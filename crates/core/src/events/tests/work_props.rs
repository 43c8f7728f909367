//! The one "who acts next" query (`work`) against the answers the product gave before it
//! existed: the API inbox's per-role collectors and the notifier's `ball::units_to_act`, kept
//! here verbatim as oracles and compared on random workflows.

use super::props::{arb_cmd, on_existing_hop, remap};
use super::*;
use crate::access::Principal;
use crate::events::township;
use crate::events::who::{effective_unit, is_staff_of, may_see};
use crate::events::work::{self, Work, WorkKind, COMMAND_CENTRE, ESTABLISHMENT_OFFICE};
use proptest::prelude::*;
use std::collections::BTreeSet;

type Answer = BTreeSet<(String, u64, Option<u32>)>;

const DESK: [RoleKind; 4] = [
    RoleKind::TownshipOperator,
    RoleKind::TownshipLeader,
    RoleKind::DepartmentHandler,
    RoleKind::DepartmentLeader,
];

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

/// The API inbox before `work` (server/src/api/events/inbox.rs), kinds and ids only.
fn old_inbox(st: &CountyState, p: &Principal, now: i64) -> Answer {
    use AssignmentStatus as A;
    let mut out = Answer::new();
    let mut push = |k: &str, e: &Event, a: Option<&Assignment>| {
        out.insert((k.to_string(), e.id, a.map(|a| a.n)));
    };
    for party in parties(p, &DESK) {
        let unit = effective_unit(&st.org, party.role, &party.unit);
        for (e, a) in st.events.inbox(&st.org, &unit) {
            if !township::receives(&st.org, &party, a) {
                continue;
            }
            let kind = match a.status {
                A::Dispatched => "sign",
                A::Signed if a.responded_ms.is_none() => "respond",
                A::Signed | A::InProgress => "report_back",
                _ => "await_decision",
            };
            push(kind, e, Some(a));
        }
    }
    let book = &st.events;
    let mut roles = DESK.to_vec();
    roles.push(RoleKind::CountyDispatcher);
    for party in parties(p, &roles) {
        for e in book.events.values().filter(|e| !e.status.is_final()) {
            for a in e.live().filter(|a| a.status == A::Reported) {
                if !is_staff_of(&st.org, &party, &a.sender_unit) || a.evaluation.is_some() {
                    continue;
                }
                let verify_first = book.config.verification_required
                    && a.role != AssignmentRole::Co
                    && a.verified != Some(true);
                push(if verify_first { "verify" } else { "evaluate" }, e, Some(a));
            }
            for a in e.live().filter(|a| township::is_township_hop(a)) {
                if !township::sends(&st.org, &party, a) {
                    continue;
                }
                match a.status {
                    A::ReturnRequested => push("decide_return", e, Some(a)),
                    A::ExtensionRequested => push("decide_extension", e, Some(a)),
                    _ => {}
                }
            }
            if !is_staff_of(&st.org, &party, &e.caller_unit) {
                continue;
            }
            if e.status == EventStatus::Draft && party.role != RoleKind::CountyDispatcher {
                push("call", e, None);
            }
            let close = Transition::Event {
                at_ms: now,
                by: party.clone(),
                cmd: EventCmd::Close {
                    event: e.id,
                    note: String::new(),
                },
            };
            if e.status == EventStatus::Evaluated && st.check(&close).is_ok() {
                push("close", e, None);
            }
        }
    }
    if p.has(RoleKind::CountyDispatcher) {
        for e in book.events.values().filter(|e| !e.status.is_final()) {
            if e.status == EventStatus::Called {
                push("dispatch", e, None);
            }
            for a in &e.assignments {
                match a.status {
                    _ if township::is_township_hop(a) => {}
                    A::ReturnRequested => push("decide_return", e, Some(a)),
                    A::ExtensionRequested => push("decide_extension", e, Some(a)),
                    _ => {}
                }
                let appeal_waiting = a
                    .evaluation
                    .as_ref()
                    .and_then(|v| v.appeal.as_ref())
                    .is_some_and(|ap| ap.decision.is_none());
                if appeal_waiting {
                    push("decide_appeal", e, Some(a));
                }
            }
        }
    }
    if p.has(RoleKind::EstablishmentReviewer) {
        for e in book.events.values() {
            if !e.status.is_final() && e.open_dispute().is_some() {
                push("rule", e, None);
            }
        }
    }
    if p.has(RoleKind::DisciplineInspector) {
        for ((event, n), _) in book.cases.iter().filter(|(_, k)| k.outcome.is_none()) {
            if let Some(e) = book.event(*event) {
                push("conclude_case", e, e.assignment(*n));
            }
        }
    }
    out.into_iter()
        .filter(|(_, id, _)| book.event(*id).is_some_and(|e| may_see(p, &st.org, e)))
        .collect()
}

/// The notifier's holders before `work` (core/src/events/ball.rs).
fn old_ball(e: &Event) -> Vec<String> {
    use AssignmentStatus as A;
    if e.status.is_final() {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    match e.status {
        EventStatus::Draft => out.push(e.caller_unit.clone()),
        EventStatus::Called => out.push(COMMAND_CENTRE.to_string()),
        _ => {}
    }
    if e.open_dispute().is_some() {
        out.push(ESTABLISHMENT_OFFICE.to_string());
    }
    for a in e.live() {
        let decider = if township::is_township_hop(a) {
            a.sender_unit.clone()
        } else {
            COMMAND_CENTRE.to_string()
        };
        match a.status {
            A::Dispatched | A::Signed | A::InProgress => out.push(a.receiver_unit.clone()),
            A::Reported => out.push(a.sender_unit.clone()),
            A::ReturnRequested | A::ExtensionRequested => out.push(decider),
            A::Evaluated => {
                let appeal_open = a
                    .evaluation
                    .as_ref()
                    .and_then(|ev| ev.appeal.as_ref())
                    .is_some_and(|ap| ap.decision.is_none());
                if appeal_open {
                    out.push(COMMAND_CENTRE.to_string());
                }
            }
            _ => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

fn answer(work: &[Work]) -> Answer {
    work.iter()
        .map(|w| (w.kind.as_str().to_string(), w.event, w.hop))
        .collect()
}

/// Everyone in the test county, and one person who both runs T1's command room and dispatches
/// for the county.
fn principals() -> Vec<Principal> {
    let mut v: Vec<Principal> = PEOPLE.iter().map(|p| principal(p.0)).collect();
    let mut both = principal("op");
    both.grants.extend(principal("disp").grants);
    v.push(both);
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]
    #[test]
    fn work_agrees_with_the_old_answers(
        cmds in prop::collection::vec(arb_cmd(6), 1..140),
        gaps in prop::collection::vec(0i64..6 * 3_600_000, 140),
        verification in any::<bool>(),
    ) {
        let mut s = world();
        let cfg = WorkflowConfig { verification_required: verification, ..WorkflowConfig::default() };
        s.check_and_apply(&Transition::WorkflowConfigSet { config: Box::new(cfg) }).unwrap();
        let mut ids: Vec<u64> = Vec::new();
        let mut now = at("2026-02-10T08:00");
        let people = principals();
        for (i, (w, cmd, natural)) in cmds.into_iter().enumerate() {
            now += gaps.get(i).copied().unwrap_or(0);
            let mut cmd = remap(cmd, &ids);
            let hops = cmd.event_id().and_then(|id| s.events.event(id)).map_or(0, |e| e.assignments.len() as u32);
            on_existing_hop(&mut cmd, hops);
            if let EventCmd::ReportBack { report, .. } = &mut cmd {
                report.accepted_at_ms = now;
            }
            let event = |w: usize| Transition::Event { at_ms: now, by: party(PEOPLE[w].0), cmd: cmd.clone() };
            let w = if natural {
                (0..PEOPLE.len()).find(|&x| s.check(&event(x)).is_ok()).unwrap_or(w)
            } else {
                w
            };
            let seq = s.log_len;
            if s.check_and_apply(&event(w)).is_ok() {
                if let EventCmd::Report { .. } = &cmd { ids.push(seq); }
            }
            // After every step: each person's work, and each event's holders.
            for p in &people {
                let got = work::work_for(&s, p, now);
                prop_assert_eq!(answer(&got), old_inbox(&s, p, now), "{} after step {}", p.username, i);
                prop_assert_eq!(got.len(), answer(&got).len(), "a duplicate item");
            }
            for e in s.events.events.values() {
                let mut want = old_ball(e);
                // New: an event graded in full waits for its caller to close it.
                if work::steps(&s.events, e).iter().any(|st| st.kind == WorkKind::Close) {
                    want.push(e.caller_unit.clone());
                }
                // Fixed: an appeal still waits for the command centre after the graded hop
                // was sent back for rework (the rules accept the decision; the inbox listed it,
                // the notifier did not).
                let appeal_on_gone_hop = !e.status.is_final() && e.assignments.iter().any(|a| {
                    a.status.is_gone()
                        && a.evaluation.as_ref().and_then(|v| v.appeal.as_ref()).is_some_and(|ap| ap.decision.is_none())
                });
                if appeal_on_gone_hop {
                    want.push(COMMAND_CENTRE.to_string());
                }
                want.sort();
                want.dedup();
                prop_assert_eq!(work::units_to_act(&s.events, e), want, "event {}", e.id);
            }
        }
    }
}
