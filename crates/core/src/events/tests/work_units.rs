//! Who holds the ball on one event (`work::units_to_act`), on hand-built events.

use crate::events::model::*;
use crate::events::work::{units_to_act, COMMAND_CENTRE, ESTABLISHMENT_OFFICE};
use crate::events::EventBook;

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

fn hop(n: u32, role: AssignmentRole, from: &str, to: &str, status: AssignmentStatus) -> Assignment {
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
    units_to_act(&EventBook::default(), &e)
}

use AssignmentRole::{Co, Lead, Township};
use AssignmentStatus as S;

#[test]
fn draft_is_the_township_and_called_is_the_command_centre() {
    assert_eq!(
        units_to_act(&EventBook::default(), &event(EventStatus::Draft)),
        vec!["T1"]
    );
    assert_eq!(
        units_to_act(&EventBook::default(), &event(EventStatus::Called)),
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
    assert_eq!(
        units_to_act(&EventBook::default(), &e),
        vec![ESTABLISHMENT_OFFICE]
    );
}

#[test]
fn an_event_graded_in_full_waits_for_its_caller_to_close_it() {
    let mut done = hop(1, Lead, "T1", "D-ZJ", S::Evaluated);
    done.evaluation = Some(Evaluation {
        unit: "T1".into(),
        by: "qingshan_op".into(),
        at_ms: 0,
        level: 0,
        label: "满意".into(),
        passed: true,
        reason: String::new(),
        appeal: None,
    });
    assert_eq!(with(EventStatus::Evaluated, vec![done]), vec!["T1"]);
}
