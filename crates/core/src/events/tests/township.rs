//! 乡镇派单: the township assigns its own event to a unit stationed in it.

use super::*;
use crate::DomainError;

fn draft(s: &mut CountyState) -> u64 {
    run(
        s,
        "op",
        "2026-03-02T09:00",
        EventCmd::Report {
            event: new_event(false),
        },
    )
    .unwrap()
}

fn assign(event: u64, unit: &str) -> EventCmd {
    EventCmd::Assign {
        event,
        unit: unit.into(),
        item: None,
        note: "请派出所到场处置".into(),
    }
}

fn sign(event: u64, n: u32) -> EventCmd {
    EventCmd::Sign {
        event,
        assignment: n,
    }
}

fn report_back(event: u64, n: u32) -> EventCmd {
    EventCmd::ReportBack {
        event,
        assignment: n,
        report: HandlingReport {
            accepted_at_ms: at("2026-03-02T09:40"),
            ..report()
        },
        note: String::new(),
    }
}

fn evaluate(event: u64, n: u32, level: u8) -> EventCmd {
    EventCmd::Evaluate {
        event,
        assignment: n,
        level,
        reason: if level == 0 {
            String::new()
        } else {
            "处置不到位".into()
        },
    }
}

fn request_return(event: u64, n: u32) -> EventCmd {
    EventCmd::RequestReturn {
        event,
        assignment: n,
        reason: "不属于治安管理事项".into(),
        legal_basis: "《治安管理处罚法》第二条".into(),
    }
}

/// How many steps of these kinds wait for `who` (`grade`: verify or evaluate; `decide`: a
/// return or an extension).
fn count(s: &CountyState, who: &str, key: &str) -> usize {
    use crate::events::work::{work_for, WorkKind as K};
    let kinds: &[K] = match key {
        "grade" => &[K::Verify, K::Evaluate],
        "decide" => &[K::DecideReturn, K::DecideExtension],
        k => &[K::parse(k).unwrap()],
    };
    work_for(s, &principal(who), at("2026-12-31T00:00"))
        .iter()
        .filter(|w| kinds.contains(&w.kind))
        .count()
}

#[test]
fn township_assigns_its_stationed_unit_which_handles_and_is_graded_by_the_township() {
    let mut s = world();
    let id = draft(&mut s);
    run(&mut s, "op", "2026-03-02T09:10", assign(id, "S1")).unwrap();
    let e = s.events.event(id).unwrap();
    let a = e.assignment(1).unwrap();
    assert_eq!(a.role, AssignmentRole::Township);
    assert_eq!(a.sender_unit, "T1");
    assert_eq!(a.receiver_unit, "S1");
    assert_eq!(e.status, EventStatus::Dispatched);
    assert_eq!(e.called_ms, None, "the county was not called");
    // Deadlines come from the workflow settings like any other hop.
    let limits = s.events.limits(e, &s.lists);
    let t = at("2026-03-02T09:10");
    assert_eq!(a.deadlines.sign, s.events.due(t, limits.sign));
    assert_eq!(a.deadlines.complete, s.events.due(t, limits.complete));
    assert_eq!(
        a.deadlines.return_window,
        s.events.due(t, limits.return_window)
    );
    // The 派出所 sees it in its inbox; the township does not sign for it.
    assert_eq!(count(&s, "pcs", "sign"), 1);
    assert_eq!(count(&s, "op", "sign"), 0);
    assert_eq!(s.events.inbox(&s.org, "S1").count(), 1);
    let see = |who: &str| who::may_see(&principal(who), &s.org, s.events.event(id).unwrap());
    assert!(see("pcs") && see("op") && see("disp"));
    assert!(!see("pcs2") && !see("zj"));

    run(&mut s, "pcs", "2026-03-02T09:20", sign(id, 1)).unwrap();
    run(
        &mut s,
        "pcs",
        "2026-03-02T09:40",
        EventCmd::Respond {
            event: id,
            assignment: 1,
            contacted: "报警人".into(),
            arrived: true,
            note: String::new(),
        },
    )
    .unwrap();
    assert_eq!(s.events.event(id).unwrap().status, EventStatus::InProgress);
    run(&mut s, "pcs", "2026-03-02T10:30", report_back(id, 1)).unwrap();
    assert_eq!(s.events.event(id).unwrap().status, EventStatus::Resolved);
    assert_eq!(count(&s, "op", "grade"), 1);
    // 谁派单、谁评价: the county does not grade the township's hop.
    let e = refused(&mut s, "disp", "2026-03-02T11:00", evaluate(id, 1, 0));
    assert!(matches!(e, DomainError::Forbidden(_)), "{e}");
    run(&mut s, "op", "2026-03-02T11:00", evaluate(id, 1, 0)).unwrap();
    let e = s.events.event(id).unwrap();
    let ev = e.assignment(1).unwrap().evaluation.as_ref().unwrap();
    assert_eq!((ev.unit.as_str(), ev.passed), ("T1", true));
    run(
        &mut s,
        "op",
        "2026-03-02T11:10",
        EventCmd::Close {
            event: id,
            note: "派出所已处置".into(),
        },
    )
    .unwrap();
    assert_eq!(s.events.event(id).unwrap().status, EventStatus::Closed);
}

#[test]
fn only_the_township_assigns_and_only_to_its_own_stationed_units() {
    let mut s = world();
    let id = draft(&mut s);
    let when = "2026-03-02T09:10";
    // The command centre reads it but may not assign; the others may not even read it.
    let e = refused(&mut s, "disp", when, assign(id, "S1"));
    assert!(matches!(e, DomainError::Forbidden(_)), "disp: {e}");
    for (who, unit) in [("zj", "S1"), ("op2", "S2"), ("pcs", "S1")] {
        let e = refused(&mut s, who, when, assign(id, unit));
        assert!(
            matches!(e, DomainError::NotFound { kind: "event", .. }),
            "{who}: {e}"
        );
    }
    // Another township's stationed unit, a county department, the township itself.
    for unit in ["S2", "D1", "T1", "T2", "CC", "nope", ""] {
        let e = refused(&mut s, "op", when, assign(id, unit));
        assert!(
            matches!(&e, DomainError::Invalid(f) if f[0].field == "unit"),
            "{unit}: {e}"
        );
    }
    run(&mut s, "op", when, assign(id, "S1")).unwrap();
    let e = refused(&mut s, "op", when, assign(id, "S1"));
    assert!(matches!(e, DomainError::Conflict(_)), "{e}");
    // Someone else's 派出所 cannot sign; nor can the township sign its own hop.
    let e = refused(&mut s, "op", "2026-03-02T09:20", sign(id, 1));
    assert!(matches!(e, DomainError::Forbidden(_)), "op: {e}");
    for who in ["pcs2", "zj"] {
        let e = refused(&mut s, who, "2026-03-02T09:20", sign(id, 1));
        assert!(
            matches!(e, DomainError::NotFound { kind: "event", .. }),
            "{who}: {e}"
        );
    }
    // The owning department (above the stationed unit) may act for it.
    run(&mut s, "zf", "2026-03-02T09:20", sign(id, 1)).unwrap();
}

#[test]
fn the_county_dispatch_hop_is_untouched_and_assigning_after_a_call_is_refused() {
    let mut s = world();
    let id = run(
        &mut s,
        "op",
        "2026-03-02T09:00",
        EventCmd::Report {
            event: new_event(true),
        },
    )
    .unwrap();
    let e = refused(&mut s, "op", "2026-03-02T09:10", assign(id, "S1"));
    assert!(matches!(e, DomainError::Conflict(_)), "{e}");
    // A draft is still not shelved by the county.
    let d = draft(&mut s);
    let e = refused(
        &mut s,
        "disp",
        "2026-03-02T09:10",
        EventCmd::Shelve {
            event: d,
            reason: "x".into(),
        },
    );
    assert!(matches!(e, DomainError::Conflict(_)), "{e}");
    run(&mut s, "op", "2026-03-02T09:10", assign(d, "S1")).unwrap();
    let e = refused(
        &mut s,
        "disp",
        "2026-03-02T09:10",
        EventCmd::Shelve {
            event: d,
            reason: "x".into(),
        },
    );
    assert!(matches!(e, DomainError::Conflict(_)), "{e}");
}

#[test]
fn the_township_decides_returns_and_can_call_the_county_afterwards() {
    let mut s = world();
    let id = draft(&mut s);
    run(&mut s, "op", "2026-03-02T09:10", assign(id, "S1")).unwrap();
    // A return needs a reason and a legal basis, within the window.
    let e = refused(
        &mut s,
        "pcs",
        "2026-03-02T09:20",
        EventCmd::RequestReturn {
            event: id,
            assignment: 1,
            reason: "不归我们".into(),
            legal_basis: " ".into(),
        },
    );
    assert!(matches!(e, DomainError::Invalid(_)), "{e}");
    run(&mut s, "pcs", "2026-03-02T09:20", request_return(id, 1)).unwrap();
    let ev = s.events.event(id).unwrap();
    assert_eq!(ev.status, EventStatus::ReturnRequested);
    assert!(ev.disputes.is_empty());
    assert_eq!(count(&s, "op", "decide"), 1);
    assert_eq!(count(&s, "disp", "decide"), 0);
    let reject = EventCmd::DecideReturn {
        event: id,
        assignment: 1,
        decision: ReturnDecision::Reject {
            note: "属于治安管理".into(),
        },
    };
    // The county does not decide the township's returns, and there is no dispute here.
    let e = refused(&mut s, "disp", "2026-03-02T09:30", reject.clone());
    assert!(matches!(e, DomainError::Forbidden(_)), "{e}");
    let dispute = EventCmd::DecideReturn {
        event: id,
        assignment: 1,
        decision: ReturnDecision::Dispute { note: "n".into() },
    };
    let e = refused(&mut s, "op", "2026-03-02T09:30", dispute);
    assert!(matches!(e, DomainError::Invalid(_)), "{e}");
    let to_other = EventCmd::DecideReturn {
        event: id,
        assignment: 1,
        decision: ReturnDecision::Reassign {
            lead: "D1".into(),
            co: vec![],
            override_reason: None,
            note: "改派住建".into(),
        },
    };
    let e = refused(&mut s, "op", "2026-03-02T09:30", to_other);
    assert!(matches!(e, DomainError::Invalid(_)), "{e}");
    run(&mut s, "op", "2026-03-02T09:30", reject).unwrap();
    assert_eq!(
        s.events.event(id).unwrap().assignment(1).unwrap().status,
        AssignmentStatus::Signed
    );
    // A second return is the township's to decide again, not a dispute.
    run(&mut s, "pcs", "2026-03-02T09:40", request_return(id, 1)).unwrap();
    let ev = s.events.event(id).unwrap();
    assert!(ev.disputes.is_empty());
    assert_eq!(ev.returns, 0);
    // Calling the county accepts the pending return; the county dispatches as before.
    run(
        &mut s,
        "op",
        "2026-03-02T09:50",
        EventCmd::Call {
            event: id,
            item: item_ref(),
            note: "派出所无法处置，呼叫县级".into(),
        },
    )
    .unwrap();
    let ev = s.events.event(id).unwrap();
    assert_eq!(ev.status, EventStatus::Called);
    let a = ev.assignment(1).unwrap();
    assert_eq!(a.status, AssignmentStatus::Returned);
    assert_eq!(
        a.returns.last().unwrap().outcome.as_deref(),
        Some("accepted")
    );
    assert_eq!(count(&s, "disp", "dispatch"), 1);
    run(
        &mut s,
        "disp",
        "2026-03-02T10:00",
        EventCmd::Dispatch {
            event: id,
            item: item_ref(),
            lead: "D1".into(),
            co: vec![],
            override_reason: None,
            note: String::new(),
            suggested: None,
        },
    )
    .unwrap();
    let ev = s.events.event(id).unwrap();
    assert_eq!(ev.status, EventStatus::Dispatched);
    assert_eq!(ev.assignment(2).unwrap().role, AssignmentRole::Lead);
}

#[test]
fn a_call_waits_for_open_township_work_and_closing_then_needs_the_county() {
    let mut s = world();
    let id = draft(&mut s);
    run(&mut s, "op", "2026-03-02T09:10", assign(id, "S1")).unwrap();
    let call = EventCmd::Call {
        event: id,
        item: None,
        note: "清单未列此事项，呼叫县级".into(),
    };
    let e = refused(&mut s, "op", "2026-03-02T09:15", call.clone());
    assert!(matches!(e, DomainError::Conflict(_)), "{e}");
    run(&mut s, "pcs", "2026-03-02T09:20", sign(id, 1)).unwrap();
    run(&mut s, "pcs", "2026-03-02T10:20", report_back(id, 1)).unwrap();
    let e = refused(&mut s, "op", "2026-03-02T10:25", call.clone());
    assert!(matches!(e, DomainError::Conflict(_)), "{e}");
    run(&mut s, "op", "2026-03-02T10:30", evaluate(id, 1, 0)).unwrap();
    assert_eq!(s.events.event(id).unwrap().status, EventStatus::Evaluated);
    // The 派出所 did its part, but the problem needs the county.
    run(&mut s, "op", "2026-03-02T10:40", call).unwrap();
    assert_eq!(s.events.event(id).unwrap().status, EventStatus::Called);
    let close = EventCmd::Close {
        event: id,
        note: String::new(),
    };
    let e = refused(&mut s, "op", "2026-03-02T10:50", close);
    assert!(matches!(e, DomainError::Conflict(_)), "{e}");
}

#[test]
fn extensions_and_failing_grades_stay_with_the_township() {
    let mut s = world();
    let id = draft(&mut s);
    run(&mut s, "op", "2026-03-02T09:10", assign(id, "S1")).unwrap();
    run(&mut s, "pcs", "2026-03-02T09:20", sign(id, 1)).unwrap();
    run(
        &mut s,
        "pcs",
        "2026-03-02T09:30",
        EventCmd::RequestExtension {
            event: id,
            assignment: 1,
            days: 2,
            reason: "需协调当事人".into(),
        },
    )
    .unwrap();
    let decide = EventCmd::DecideExtension {
        event: id,
        assignment: 1,
        approve: true,
        note: String::new(),
    };
    let e = refused(&mut s, "disp", "2026-03-02T09:40", decide.clone());
    assert!(matches!(e, DomainError::Forbidden(_)), "{e}");
    run(&mut s, "op", "2026-03-02T09:40", decide).unwrap();
    run(&mut s, "pcs", "2026-03-02T10:20", report_back(id, 1)).unwrap();
    run(&mut s, "op", "2026-03-02T10:30", evaluate(id, 1, 2)).unwrap();
    let ev = s.events.event(id).unwrap();
    assert_eq!(ev.status, EventStatus::Reopened);
    let rework = ev.assignment(2).unwrap();
    assert_eq!(
        (rework.role, rework.sender_unit.as_str(), rework.rework),
        (AssignmentRole::Township, "T1", true)
    );
    assert!(s.events.cases.contains_key(&(id, 1)));
}

#[test]
fn the_log_format_stays_compatible() {
    let old: EventCmd =
        serde_json::from_str(r#"{"cmd":"dispatch","event":3,"item":null,"lead":"D1"}"#).unwrap();
    assert!(matches!(old, EventCmd::Dispatch { .. }));
    let new: EventCmd = serde_json::from_str(r#"{"cmd":"assign","event":3,"unit":"S1"}"#).unwrap();
    assert_eq!(new.kind(), "event.assign");
    assert_eq!(new.event_id(), Some(3));
    assert_eq!(
        new,
        EventCmd::Assign {
            event: 3,
            unit: "S1".into(),
            item: None,
            note: String::new(),
        }
    );
}

/// A county hop to a unit stationed in the township belongs to that unit's staff: the township
/// that called (and grades the answer) may not sign, handle, report back or return it.
#[test]
fn a_township_may_not_act_for_its_stationed_unit_on_a_county_hop() {
    let mut s = world();
    let id = draft(&mut s);
    run(
        &mut s,
        "op",
        "2026-03-02T09:10",
        EventCmd::Call {
            event: id,
            item: item_ref(),
            note: "呼叫县级".into(),
        },
    )
    .unwrap();
    run(
        &mut s,
        "disp",
        "2026-03-02T09:20",
        EventCmd::Dispatch {
            event: id,
            item: item_ref(),
            lead: "S1".into(),
            co: vec![],
            override_reason: Some("治安问题由派出所处置".into()),
            note: String::new(),
            suggested: None,
        },
    )
    .unwrap();
    for cmd in [sign(id, 1), request_return(id, 1)] {
        let e = refused(&mut s, "op", "2026-03-02T09:25", cmd);
        assert!(matches!(e, DomainError::Forbidden(_)), "{e:?}");
    }
    run(&mut s, "pcs", "2026-03-02T09:25", sign(id, 1)).unwrap();
    let e = refused(&mut s, "op", "2026-03-02T09:30", report_back(id, 1));
    assert!(matches!(e, DomainError::Forbidden(_)), "{e:?}");
    run(&mut s, "pcs", "2026-03-02T09:40", report_back(id, 1)).unwrap();
    // The caller grades the stationed unit's answer; the unit may not grade itself.
    let e = refused(&mut s, "pcs", "2026-03-02T09:50", evaluate(id, 1, 0));
    assert!(matches!(e, DomainError::Forbidden(_)), "{e:?}");
    run(&mut s, "op", "2026-03-02T09:50", evaluate(id, 1, 0)).unwrap();
}
