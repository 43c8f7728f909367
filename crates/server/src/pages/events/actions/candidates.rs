//! The candidate commands behind the forms: every step the event page may offer, filled with
//! placeholder text so the rules can be asked whether the viewer could take it now.

use tiaokuai_core::events::{
    Event, EventCmd, HandlingReport, ItemRef, ReminderKind, ReturnDecision,
};

/// The placeholder text commands are dry-run with.
const X: &str = "—";

fn x() -> String {
    X.to_string()
}

/// The candidate commands on one hop.
pub(super) fn hop_candidates(e: &Event, n: u32, now: i64) -> Vec<(&'static str, EventCmd)> {
    let event = e.id;
    vec![
        (
            "sign",
            EventCmd::Sign {
                event,
                assignment: n,
            },
        ),
        (
            "check_in",
            EventCmd::CheckIn {
                event,
                assignment: n,
                note: String::new(),
            },
        ),
        (
            "respond",
            EventCmd::Respond {
                event,
                assignment: n,
                contacted: x(),
                arrived: false,
                note: String::new(),
            },
        ),
        (
            "request_return",
            EventCmd::RequestReturn {
                event,
                assignment: n,
                reason: x(),
                legal_basis: x(),
            },
        ),
        (
            "request_extension",
            EventCmd::RequestExtension {
                event,
                assignment: n,
                days: 1,
                reason: x(),
            },
        ),
        (
            "report_back",
            EventCmd::ReportBack {
                event,
                assignment: n,
                report: HandlingReport {
                    accepted_at_ms: now,
                    contacted: x(),
                    measures: x(),
                    resolve_by: x(),
                    photos: vec![],
                },
                note: String::new(),
            },
        ),
        (
            "decide_return",
            EventCmd::DecideReturn {
                event,
                assignment: n,
                decision: ReturnDecision::Reject { note: x() },
            },
        ),
        (
            "decide_extension",
            EventCmd::DecideExtension {
                event,
                assignment: n,
                approve: true,
                note: String::new(),
            },
        ),
        (
            "verify",
            EventCmd::Verify {
                event,
                assignment: n,
                pass: true,
                note: String::new(),
                photos: vec![],
            },
        ),
        (
            "evaluate",
            EventCmd::Evaluate {
                event,
                assignment: n,
                level: 0,
                reason: String::new(),
            },
        ),
        (
            "appeal",
            EventCmd::Appeal {
                event,
                assignment: n,
                reason: x(),
            },
        ),
        (
            "decide_appeal",
            EventCmd::DecideAppeal {
                event,
                assignment: n,
                upheld: true,
                new_level: None,
                note: x(),
            },
        ),
        (
            "remind",
            EventCmd::Remind {
                event,
                assignment: n,
                kind: ReminderKind::Remind,
                note: String::new(),
            },
        ),
        (
            "supervise",
            EventCmd::Remind {
                event,
                assignment: n,
                kind: ReminderKind::Supervise,
                note: String::new(),
            },
        ),
        (
            "conclude_case",
            EventCmd::ConcludeCase {
                event,
                assignment: n,
                outcome: x(),
            },
        ),
    ]
}

pub(super) fn event_candidates(e: &Event, item: Option<&ItemRef>) -> Vec<(&'static str, EventCmd)> {
    let event = e.id;
    vec![
        (
            "assign",
            EventCmd::Assign {
                event,
                unit: String::new(),
                item: None,
                note: String::new(),
            },
        ),
        (
            "call",
            EventCmd::Call {
                event,
                item: None,
                note: String::new(),
            },
        ),
        ("self_close", EventCmd::SelfClose { event, note: x() }),
        (
            "dispatch",
            EventCmd::Dispatch {
                event,
                item: item.cloned(),
                lead: String::new(),
                co: vec![],
                override_reason: Some(x()),
                note: String::new(),
                suggested: None,
            },
        ),
        (
            "whistle",
            EventCmd::Whistle {
                event,
                units: vec![],
                note: String::new(),
            },
        ),
        (
            "rule",
            EventCmd::Rule {
                event,
                primary: String::new(),
                supporting: vec![],
                reasoning: x(),
                open_adjustment: false,
            },
        ),
        (
            "close",
            EventCmd::Close {
                event,
                note: String::new(),
            },
        ),
        ("cancel", EventCmd::Cancel { event, reason: x() }),
        ("shelve", EventCmd::Shelve { event, reason: x() }),
        (
            "public_feedback",
            EventCmd::PublicFeedback {
                event,
                level: 0,
                comment: String::new(),
            },
        ),
        (
            "note",
            EventCmd::Note {
                event,
                assignment: None,
                text: x(),
            },
        ),
    ]
}
