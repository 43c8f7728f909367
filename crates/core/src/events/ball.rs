//! Who holds the ball: the units whose move it is on an event right now. Outbound notices
//! (an SMS to the people who must act next) are built on this; the desks' own to-do counts
//! live in `who::todo`.
//!
//! Two kinds of holder are not units named on the event, so they are returned as markers
//! for the caller to resolve against the organisation:
//! - [`COMMAND_CENTRE`]: the county command centre (any county dispatcher), which dispatches
//!   called events and decides returns, extensions and appeals of county hops;
//! - [`ESTABLISHMENT_OFFICE`]: 编办 (any establishment reviewer), which rules on disputes.

use super::model::{AssignmentStatus as A, Event, EventStatus as E};
use super::township::is_township_hop;

/// Marker for the county command centre (resolve to people with a county dispatcher grant).
pub const COMMAND_CENTRE: &str = "@command_centre";
/// Marker for 编办 (resolve to people with an establishment reviewer grant).
pub const ESTABLISHMENT_OFFICE: &str = "@establishment_office";

/// The units (or markers) that hold the ball on `e` now, sorted and without duplicates.
///
/// - a draft: the caller's township (call, assign or close it locally);
/// - a called event: the command centre (dispatch it);
/// - an open dispute: 编办 (rule on it);
/// - a live hop waiting for its receiver (dispatched, signed, in progress, a rework hop):
///   the receiver;
/// - a reported hop (awaiting the grade): its sender;
/// - a return or extension request: the sender of a township hop, else the command centre;
/// - a graded hop with an undecided appeal: the command centre.
///
/// Final events have no holder.
pub fn units_to_act(e: &Event) -> Vec<String> {
    if e.status.is_final() {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    match e.status {
        E::Draft => out.push(e.caller_unit.clone()),
        E::Called => out.push(COMMAND_CENTRE.to_string()),
        _ => {}
    }
    if e.open_dispute().is_some() {
        out.push(ESTABLISHMENT_OFFICE.to_string());
    }
    for a in e.live() {
        let decider = || {
            if is_township_hop(a) {
                a.sender_unit.clone()
            } else {
                COMMAND_CENTRE.to_string()
            }
        };
        match a.status {
            A::Dispatched | A::Signed | A::InProgress => out.push(a.receiver_unit.clone()),
            A::Reported => out.push(a.sender_unit.clone()),
            A::ReturnRequested | A::ExtensionRequested => out.push(decider()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::model::*;

    fn event(status: EventStatus) -> Event {
        Event {
            id: 7,
            no: "2026-000007".into(),
            facts: NewEvent {
                channel: Channel::TownshipCall,
                title: "村口路灯不亮".into(),
                description: String::new(),
                category: String::new(),
                urgency: Urgency::Normal,
                grade: Grade::Ordinary,
                request_type: None,
                item: None,
                location: Location::default(),
                photos: vec![],
                hotline_no: None,
                hotline_due_ms: None,
                call: true,
            },
            item: None,
            reporter: "qingshan_op".into(),
            origin_unit: "T1".into(),
            caller_unit: "T1".into(),
            created_ms: 0,
            called_ms: Some(0),
            closed_ms: None,
            status,
            assignments: vec![],
            disputes: vec![],
            note: String::new(),
            returns: 0,
            reopens: 0,
            history: vec![],
            seq: 0,
            suggested: None,
        }
    }

    fn hop(
        n: u32,
        role: AssignmentRole,
        from: &str,
        to: &str,
        status: AssignmentStatus,
    ) -> Assignment {
        Assignment {
            n,
            parent: None,
            role,
            sender_unit: from.into(),
            dispatched_by: "dispatcher".into(),
            receiver_unit: to.into(),
            status,
            item: None,
            override_reason: None,
            dispatched_ms: 0,
            signed_ms: None,
            responded_ms: None,
            arrived_ms: None,
            reported_ms: None,
            deadlines: Deadlines::default(),
            returns: vec![],
            extensions: vec![],
            report: None,
            verified: None,
            evaluation: None,
            rework: false,
            reminders: 0,
            supervisions: 0,
            escalated: false,
            seq: 0,
        }
    }

    fn with(status: EventStatus, hops: Vec<Assignment>) -> Vec<String> {
        let mut e = event(status);
        e.assignments = hops;
        units_to_act(&e)
    }

    use AssignmentRole::{Co, Lead, Township};
    use AssignmentStatus as S;

    #[test]
    fn draft_is_the_township_and_called_is_the_command_centre() {
        assert_eq!(units_to_act(&event(EventStatus::Draft)), vec!["T1"]);
        assert_eq!(
            units_to_act(&event(EventStatus::Called)),
            vec![COMMAND_CENTRE]
        );
    }

    #[test]
    fn receivers_hold_open_hops_and_senders_hold_reported_ones() {
        for s in [S::Dispatched, S::Signed, S::InProgress] {
            let got = with(EventStatus::Dispatched, vec![hop(1, Lead, "T1", "D-ZJ", s)]);
            assert_eq!(got, vec!["D-ZJ"], "{s:?}");
        }
        // The lead reported back (the township grades); the co-department still works.
        let got = with(
            EventStatus::InProgress,
            vec![
                hop(1, Lead, "T1", "D-ZJ", S::Reported),
                hop(2, Co, "D-ZJ", "D-ZF", S::InProgress),
            ],
        );
        assert_eq!(got, vec!["D-ZF", "T1"]);
        // A co hop reported into the lead: the lead grades it.
        let got = with(
            EventStatus::InProgress,
            vec![hop(2, Co, "D-ZJ", "D-ZF", S::Reported)],
        );
        assert_eq!(got, vec!["D-ZJ"]);
    }

    #[test]
    fn requests_go_to_whoever_decides_them() {
        let got = with(
            EventStatus::ReturnRequested,
            vec![hop(1, Lead, "T1", "D-ZJ", S::ReturnRequested)],
        );
        assert_eq!(got, vec![COMMAND_CENTRE]);
        let got = with(
            EventStatus::ExtensionRequested,
            vec![hop(1, Lead, "T1", "D-ZJ", S::ExtensionRequested)],
        );
        assert_eq!(got, vec![COMMAND_CENTRE]);
        // The township decides the requests on its own assignments.
        let got = with(
            EventStatus::Draft,
            vec![hop(1, Township, "T1", "PCS", S::ReturnRequested)],
        );
        assert_eq!(got, vec!["T1"]);
        let got = with(
            EventStatus::ExtensionRequested,
            vec![hop(1, Township, "T1", "PCS", S::ExtensionRequested)],
        );
        assert_eq!(got, vec!["T1"]);
    }

    #[test]
    fn gone_and_graded_hops_hold_nothing_but_a_rework_hop_does() {
        let mut first = hop(1, Lead, "T1", "D-ZJ", S::Reopened);
        first.evaluation = None;
        let mut rework = hop(2, Lead, "T1", "D-ZJ", S::Dispatched);
        rework.parent = Some(1);
        rework.rework = true;
        let returned = hop(3, Lead, "T1", "D-ZF", S::Returned);
        assert_eq!(
            with(EventStatus::Reopened, vec![first, rework, returned]),
            vec!["D-ZJ"]
        );
        let done = hop(1, Lead, "T1", "D-ZJ", S::Evaluated);
        assert!(with(EventStatus::Evaluated, vec![done.clone()]).is_empty());
        // Final events: nobody, whatever the hops say.
        let open = hop(1, Lead, "T1", "D-ZJ", S::Dispatched);
        assert!(with(EventStatus::Closed, vec![open]).is_empty());
        // An appeal waits for the command centre.
        let mut appealed = done;
        appealed.evaluation = Some(Evaluation {
            unit: "T1".into(),
            by: "qingshan_op".into(),
            at_ms: 0,
            level: 1,
            label: "基本满意".into(),
            passed: true,
            reason: String::new(),
            appeal: Some(Appeal {
                by: "zhujian".into(),
                at_ms: 0,
                reason: "已按时办结".into(),
                decision: None,
            }),
        });
        assert_eq!(
            with(EventStatus::Evaluated, vec![appealed]),
            vec![COMMAND_CENTRE]
        );
    }

    #[test]
    fn an_open_dispute_is_the_establishment_office() {
        let mut e = event(EventStatus::Disputed);
        e.assignments = vec![hop(1, Lead, "T1", "D-ZJ", S::Returned)];
        e.disputes.push(Dispute {
            assignment: 1,
            opened_ms: 0,
            reason: "职责不清".into(),
            ruling: None,
        });
        assert_eq!(units_to_act(&e), vec![ESTABLISHMENT_OFFICE]);
    }
}
