//! Returns, disputes, extensions and flags.

use super::*;
use crate::calendar::Limit;
use crate::DomainError;

#[test]
fn return_window_second_return_dispute_and_ruling() {
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
    let d = |lead: &str| EventCmd::Dispatch {
        event: id,
        item: item_ref(),
        lead: lead.into(),
        co: vec![],
        override_reason: Some("试派".into()),
        note: String::new(),
        suggested: None,
    };
    run(&mut s, "disp", "2026-03-02T09:10", d("D2")).unwrap();
    // A return needs a legal basis.
    let e = run(
        &mut s,
        "zf",
        "2026-03-02T09:20",
        EventCmd::RequestReturn {
            event: id,
            assignment: 1,
            reason: "非本部门职责".into(),
            legal_basis: " ".into(),
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("legal_basis"), "{e}");
    run(
        &mut s,
        "zf",
        "2026-03-02T09:20",
        EventCmd::RequestReturn {
            event: id,
            assignment: 1,
            reason: "非本部门职责".into(),
            legal_basis: "三定方案".into(),
        },
    )
    .unwrap();
    let reassign = ReturnDecision::Reassign {
        lead: "D3".into(),
        co: vec![],
        override_reason: Some("改派".into()),
        note: "改派生态环境".into(),
    };
    run(
        &mut s,
        "disp",
        "2026-03-02T09:30",
        EventCmd::DecideReturn {
            event: id,
            assignment: 1,
            decision: reassign,
        },
    )
    .unwrap();
    // The return window (1 working day) closes at 17:30 the next working day.
    let late = EventCmd::RequestReturn {
        event: id,
        assignment: 2,
        reason: "不是我们".into(),
        legal_basis: "某法".into(),
    };
    assert!(matches!(
        run(&mut s, "hb", "2026-03-04T09:00", late.clone()),
        Err(DomainError::Conflict(_))
    ));
    // A second return of the same event becomes a dispute; work continues meanwhile.
    run(&mut s, "hb", "2026-03-02T10:00", late).unwrap();
    let ev = s.events.event(id).unwrap();
    assert_eq!(ev.status, EventStatus::Disputed);
    assert_eq!(ev.assignments[1].status, AssignmentStatus::Signed);
    run(
        &mut s,
        "hb",
        "2026-03-02T10:30",
        EventCmd::Respond {
            event: id,
            assignment: 2,
            contacted: "当事人".into(),
            arrived: false,
            note: String::new(),
        },
    )
    .unwrap();
    assert!(matches!(
        run(
            &mut s,
            "zj",
            "2026-03-02T11:00",
            EventCmd::Rule {
                event: id,
                primary: "D1".into(),
                supporting: vec![],
                reasoning: "x".into(),
                open_adjustment: false
            }
        ),
        // 住建局 had no hop of this event: it may not read it, so it hears "not found".
        Err(DomainError::NotFound { kind: "event", .. })
    ));
    run(
        &mut s,
        "bb",
        "2026-03-02T11:00",
        EventCmd::Rule {
            event: id,
            primary: "D1".into(),
            supporting: vec!["D3".into()],
            reasoning: "依清单".into(),
            open_adjustment: true,
        },
    )
    .unwrap();
    let ev = s.events.event(id).unwrap();
    assert_eq!(ev.assignments[1].status, AssignmentStatus::Transferred);
    assert_eq!(ev.assignments[2].receiver_unit, "D1");
    assert_eq!(ev.assignments[3].receiver_unit, "D3");
    assert_eq!(ev.assignments[3].role, AssignmentRole::Co);
    assert_eq!(ev.status, EventStatus::Dispatched);
}

#[test]
fn extension_pauses_the_clock_and_is_capped() {
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
    run(
        &mut s,
        "disp",
        "2026-03-02T09:10",
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
    run(
        &mut s,
        "zj",
        "2026-03-02T09:20",
        EventCmd::Sign {
            event: id,
            assignment: 1,
        },
    )
    .unwrap();
    let before = s.events.event(id).unwrap().assignments[0]
        .deadlines
        .complete;
    assert!(matches!(
        run(
            &mut s,
            "zj",
            "2026-03-02T09:30",
            EventCmd::RequestExtension {
                event: id,
                assignment: 1,
                days: 9,
                reason: "x".into()
            }
        ),
        Err(DomainError::Invalid(_))
    ));
    run(
        &mut s,
        "zj",
        "2026-03-02T09:30",
        EventCmd::RequestExtension {
            event: id,
            assignment: 1,
            days: 2,
            reason: "需要鉴定".into(),
        },
    )
    .unwrap();
    assert_eq!(
        s.events.event(id).unwrap().status,
        EventStatus::ExtensionRequested
    );
    run(
        &mut s,
        "disp",
        "2026-03-03T09:30",
        EventCmd::DecideExtension {
            event: id,
            assignment: 1,
            approve: true,
            note: String::new(),
        },
    )
    .unwrap();
    let a = &s.events.event(id).unwrap().assignments[0];
    let cal = &s.events.calendar;
    let expect = cal.add_working_ms(
        cal.add(before, Limit::WorkingDays(2)),
        cal.working_ms_between(at("2026-03-02T09:30"), at("2026-03-03T09:30")),
    );
    assert_eq!(a.deadlines.complete, expect);
    assert!(cal.is_working_time(a.deadlines.complete));
    // Past the deadline no extension may be asked.
    assert!(matches!(
        run(
            &mut s,
            "zj",
            "2026-06-01T09:30",
            EventCmd::RequestExtension {
                event: id,
                assignment: 1,
                days: 1,
                reason: "x".into()
            }
        ),
        Err(DomainError::Conflict(_))
    ));
}

#[test]
fn flags_turn_yellow_then_red() {
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
    run(
        &mut s,
        "disp",
        "2026-03-02T09:10",
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
    run(
        &mut s,
        "zj",
        "2026-03-02T09:20",
        EventCmd::Respond {
            event: id,
            assignment: 1,
            contacted: "x".into(),
            arrived: false,
            note: String::new(),
        },
    )
    .unwrap_err();
    run(
        &mut s,
        "zj",
        "2026-03-02T09:20",
        EventCmd::Sign {
            event: id,
            assignment: 1,
        },
    )
    .unwrap();
    run(
        &mut s,
        "zj",
        "2026-03-02T09:30",
        EventCmd::Respond {
            event: id,
            assignment: 1,
            contacted: "x".into(),
            arrived: false,
            note: String::new(),
        },
    )
    .unwrap();
    let a = s.events.event(id).unwrap().assignments[0].clone();
    assert_eq!(s.events.flag(&a, at("2026-03-03T09:00")), Flag::None);
    assert_eq!(s.events.flag(&a, at("2026-03-09T10:00")), Flag::Yellow);
    assert_eq!(s.events.flag(&a, at("2026-03-10T09:00")), Flag::Red);
    // Due 17:30 on 9 March; by 09:00 on 17 March five full working days have passed.
    assert_eq!(s.events.overdue_days(&a, at("2026-03-17T09:00")), 5);
}

/// Under the default settings a hop is never yellow when it is created: the warning is the
/// last share of each step's own limit (25% of 30 minutes to sign, 25% of 2 hours to respond).
#[test]
fn a_fresh_hop_is_not_flagged_and_each_step_warns_in_its_own_last_quarter() {
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
    let dispatch = EventCmd::Dispatch {
        event: id,
        item: item_ref(),
        lead: "D1".into(),
        co: vec![],
        override_reason: None,
        note: String::new(),
        suggested: None,
    };
    run(&mut s, "disp", "2026-03-02T09:10", dispatch).unwrap();
    let hop = |s: &CountyState| s.events.event(id).unwrap().assignments[0].clone();
    let a = hop(&s);
    assert_eq!(a.deadlines.sign, at("2026-03-02T09:40"));
    assert_eq!(s.events.flag(&a, at("2026-03-02T09:10")), Flag::None);
    assert_eq!(s.events.flag(&a, at("2026-03-02T09:30")), Flag::None);
    assert_eq!(s.events.flag(&a, at("2026-03-02T09:33")), Flag::Yellow);
    assert_eq!(s.events.flag(&a, at("2026-03-02T09:41")), Flag::Red);
    let sign = EventCmd::Sign {
        event: id,
        assignment: 1,
    };
    run(&mut s, "zj", "2026-03-02T09:20", sign).unwrap();
    // Signed: now the two-hour response limit runs (due 11:20), warned from 10:50.
    let a = hop(&s);
    assert_eq!(s.events.flag(&a, at("2026-03-02T09:20")), Flag::None);
    assert_eq!(s.events.flag(&a, at("2026-03-02T10:45")), Flag::None);
    assert_eq!(s.events.flag(&a, at("2026-03-02T10:55")), Flag::Yellow);
}

/// The shares are settings; out-of-range shares are refused beside the field.
#[test]
fn warning_shares_are_settings() {
    let mut cfg = WorkflowConfig::default();
    cfg.warn_percent.sign = 101;
    let problems = cfg.problems();
    assert!(
        problems.iter().any(|p| p.field == "warn_percent.sign"),
        "{problems:?}"
    );
}

/// A lead also chosen as a co-unit is named as such, not as "sending to itself".
#[test]
fn a_lead_also_named_as_co_unit_is_refused_as_such() {
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
    let dispatch = EventCmd::Dispatch {
        event: id,
        item: item_ref(),
        lead: "D1".into(),
        co: vec!["D2".into(), "D1".into()],
        override_reason: Some("x".into()),
        note: String::new(),
        suggested: None,
    };
    match refused(&mut s, "disp", "2026-03-02T09:10", dispatch) {
        DomainError::Invalid(errs) => {
            assert_eq!(errs.len(), 1, "{errs:?}");
            assert_eq!(errs[0].field, "co");
            assert_eq!(errs[0].reason.code(), "also_lead");
        }
        e => panic!("{e:?}"),
    }
}

/// A department that returns the work again after its return was rejected disagrees with the
/// command centre: the second return goes to 编办 instead of waiting for another rejection.
#[test]
fn a_return_after_a_rejected_return_becomes_a_dispute() {
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
    run(
        &mut s,
        "disp",
        "2026-03-02T09:10",
        EventCmd::Dispatch {
            event: id,
            item: item_ref(),
            lead: "D2".into(),
            co: vec![],
            override_reason: Some("试派".into()),
            note: String::new(),
            suggested: None,
        },
    )
    .unwrap();
    let ret = EventCmd::RequestReturn {
        event: id,
        assignment: 1,
        reason: "非本部门职责".into(),
        legal_basis: "三定方案".into(),
    };
    assert!(!s
        .events
        .config
        .return_becomes_dispute(s.events.event(id).unwrap(), 1));
    run(&mut s, "zf", "2026-03-02T09:20", ret.clone()).unwrap();
    run(
        &mut s,
        "disp",
        "2026-03-02T09:30",
        EventCmd::DecideReturn {
            event: id,
            assignment: 1,
            decision: ReturnDecision::Reject {
                note: "属主体责任".into(),
            },
        },
    )
    .unwrap();
    let ev = s.events.event(id).unwrap();
    assert!(ev.open_dispute().is_none());
    assert!(s.events.config.return_becomes_dispute(ev, 1));
    run(&mut s, "zf", "2026-03-02T09:40", ret).unwrap();
    let ev = s.events.event(id).unwrap();
    assert_eq!(ev.status, EventStatus::Disputed);
    assert_eq!(ev.open_dispute().map(|d| d.assignment), Some(1));
    assert_eq!(ev.assignments[0].status, AssignmentStatus::Signed);
}
