//! The whole loop with a joint matter, a reopen and a closed event that never changes.

use super::*;
use crate::DomainError;

#[test]
fn whole_loop_with_joint_matter_and_working_time_deadlines() {
    let mut s = world();
    let id = run(
        &mut s,
        "grid",
        "2026-02-13T09:00",
        EventCmd::Report {
            event: new_event(false),
        },
    )
    .unwrap();
    assert_eq!(s.events.event(id).unwrap().status, EventStatus::Draft);
    assert_eq!(s.events.event(id).unwrap().caller_unit, "T1");
    // The grid worker may not call the county; the township may.
    let e = run(
        &mut s,
        "grid",
        "2026-02-13T09:05",
        EventCmd::Call {
            event: id,
            item: None,
            note: "清单未列此事项，呼叫县级".into(),
        },
    )
    .unwrap_err();
    assert!(matches!(e, DomainError::Forbidden(_)), "{e}");
    run(
        &mut s,
        "op",
        "2026-02-13T09:10",
        EventCmd::Call {
            event: id,
            item: item_ref(),
            note: String::new(),
        },
    )
    .unwrap();
    // A dispatch to a unit the item does not name needs a reason.
    let bad = EventCmd::Dispatch {
        event: id,
        item: item_ref(),
        lead: "D2".into(),
        co: vec![],
        override_reason: None,
        note: String::new(),
        suggested: None,
    };
    assert!(matches!(
        run(&mut s, "disp", "2026-02-13T09:20", bad),
        Err(DomainError::Invalid(_))
    ));
    let cmd = EventCmd::Dispatch {
        event: id,
        item: item_ref(),
        lead: "D1".into(),
        co: vec!["D2".into(), "D3".into()],
        override_reason: None,
        note: String::new(),
        suggested: None,
    };
    run(&mut s, "disp", "2026-02-13T09:20", cmd).unwrap();
    let ev = s.events.event(id).unwrap();
    assert_eq!(ev.assignments.len(), 3);
    assert_eq!(ev.assignments[0].sender_unit, "T1");
    assert_eq!(ev.assignments[1].sender_unit, "D1");
    // 5 working days from Friday 13 Feb 2026: 14 (调休), 24, 25, 26, 27 → close of 27 Feb.
    assert_eq!(
        crate::calendar::format_cst(ev.assignments[0].deadlines.complete),
        "2026-02-27T17:30+08:00"
    );
    // Another department cannot sign the lead's hop.
    assert!(matches!(
        run(
            &mut s,
            "zf",
            "2026-02-13T09:30",
            EventCmd::Sign {
                event: id,
                assignment: 1
            }
        ),
        Err(DomainError::Forbidden(_))
    ));
    for (who, n) in [("zj", 1), ("zf", 2), ("hb", 3)] {
        run(
            &mut s,
            who,
            "2026-02-13T09:30",
            EventCmd::Sign {
                event: id,
                assignment: n,
            },
        )
        .unwrap();
        run(
            &mut s,
            who,
            "2026-02-13T10:00",
            EventCmd::Respond {
                event: id,
                assignment: n,
                contacted: "村委会".into(),
                arrived: true,
                note: String::new(),
            },
        )
        .unwrap();
    }
    // The lead cannot report before its co-departments.
    let lead_report = EventCmd::ReportBack {
        event: id,
        assignment: 1,
        report: report(),
        note: String::new(),
    };
    let e = run(&mut s, "zj", "2026-02-13T11:00", lead_report.clone()).unwrap_err();
    assert!(e.to_string().contains("co-departments"), "{e}");
    for (who, n) in [("zf", 2), ("hb", 3)] {
        run(
            &mut s,
            who,
            "2026-02-13T11:00",
            EventCmd::ReportBack {
                event: id,
                assignment: n,
                report: report(),
                note: String::new(),
            },
        )
        .unwrap();
    }
    run(&mut s, "zj", "2026-02-13T11:30", lead_report).unwrap();
    assert_eq!(s.events.event(id).unwrap().status, EventStatus::Resolved);
    // The dispatcher did not send hop 1 on its own account: the township grades it.
    assert!(matches!(
        run(
            &mut s,
            "disp",
            "2026-02-13T12:00",
            EventCmd::Evaluate {
                event: id,
                assignment: 1,
                level: 0,
                reason: String::new()
            }
        ),
        Err(DomainError::Forbidden(_))
    ));
    // Below "satisfied" needs a reason.
    assert!(matches!(
        run(
            &mut s,
            "op",
            "2026-02-13T12:00",
            EventCmd::Evaluate {
                event: id,
                assignment: 1,
                level: 1,
                reason: String::new()
            }
        ),
        Err(DomainError::Invalid(_))
    ));
    // 不满意 reopens it as a rework hop and opens an accountability case.
    run(
        &mut s,
        "op",
        "2026-02-13T12:00",
        EventCmd::Evaluate {
            event: id,
            assignment: 1,
            level: 2,
            reason: "仍未拆除".into(),
        },
    )
    .unwrap();
    let ev = s.events.event(id).unwrap();
    assert_eq!(ev.status, EventStatus::Reopened);
    assert_eq!(ev.assignments.len(), 4);
    assert!(ev.assignments[3].rework);
    assert!(s.events.cases.contains_key(&(id, 1)));
    // Evaluating the same hop twice is refused.
    assert!(matches!(
        run(
            &mut s,
            "op",
            "2026-02-13T12:05",
            EventCmd::Evaluate {
                event: id,
                assignment: 1,
                level: 0,
                reason: String::new()
            }
        ),
        Err(DomainError::Conflict(_))
    ));
    run(
        &mut s,
        "zj",
        "2026-02-13T14:00",
        EventCmd::ReportBack {
            event: id,
            assignment: 4,
            report: report(),
            note: String::new(),
        },
    )
    .unwrap();
    // The lead grades its co-departments; the township grades the lead.
    run(
        &mut s,
        "zj",
        "2026-02-13T14:10",
        EventCmd::Evaluate {
            event: id,
            assignment: 2,
            level: 0,
            reason: String::new(),
        },
    )
    .unwrap();
    run(
        &mut s,
        "op",
        "2026-02-13T15:00",
        EventCmd::Evaluate {
            event: id,
            assignment: 4,
            level: 0,
            reason: String::new(),
        },
    )
    .unwrap();
    run(
        &mut s,
        "op",
        "2026-02-13T15:05",
        EventCmd::Close {
            event: id,
            note: String::new(),
        },
    )
    .unwrap();
    let ev = s.events.event(id).unwrap().clone();
    assert_eq!(ev.status, EventStatus::Closed);
    // A closed event never changes.
    assert!(matches!(
        run(
            &mut s,
            "zj",
            "2026-02-13T15:10",
            EventCmd::Note {
                event: id,
                assignment: None,
                text: "x".into()
            }
        ),
        Err(DomainError::Conflict(_))
    ));
    // The discipline inspector concludes the case afterwards; the event stays as it was.
    run(
        &mut s,
        "jw",
        "2026-02-14T09:00",
        EventCmd::ConcludeCase {
            event: id,
            assignment: 1,
            outcome: "约谈提醒".into(),
        },
    )
    .unwrap();
    assert_eq!(s.events.event(id).unwrap(), &ev);
}
