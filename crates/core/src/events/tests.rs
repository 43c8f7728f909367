use super::*;
use crate::calendar::{parse_cst, Limit, OfficeHours, WorkCalendar};
use crate::lists::{Item, ListKind, VersionMeta};
use crate::org::{Person, RoleGrant, RoleKind, Unit, UnitKind};
use crate::{CountyState, DomainError, Transition};
use proptest::prelude::*;

fn unit(code: &str, kind: UnitKind, parent: Option<&str>) -> Unit {
    Unit {
        code: code.into(),
        name: format!("{code}名"),
        short_name: code.into(),
        aliases: vec![],
        kind,
        parent: parent.map(Into::into),
        owner_department: None,
        township: None,
    }
}

const PEOPLE: [(&str, RoleKind, &str); 8] = [
    ("grid", RoleKind::GridWorker, "V1"),
    ("op", RoleKind::TownshipOperator, "T1"),
    ("disp", RoleKind::CountyDispatcher, "CC"),
    ("zj", RoleKind::DepartmentHandler, "D1"),
    ("zf", RoleKind::DepartmentHandler, "D2"),
    ("hb", RoleKind::DepartmentHandler, "D3"),
    ("bb", RoleKind::EstablishmentReviewer, "BB"),
    ("jw", RoleKind::DisciplineInspector, "JW"),
];

/// A small county: one township with a village, a command centre, three departments, 编办,
/// 纪委, one joint item (D1 lead, D2 and D3 supporting) and the 2026 calendar around 春节.
fn world() -> CountyState {
    let mut s = CountyState::default();
    let units = [
        unit("C", UnitKind::City, None),
        unit("K", UnitKind::County, Some("C")),
        unit("T1", UnitKind::Town, Some("K")),
        unit("V1", UnitKind::Village, Some("T1")),
        unit("CC", UnitKind::CountyCommandCentre, Some("K")),
        unit("D1", UnitKind::Department, Some("K")),
        unit("D2", UnitKind::Department, Some("K")),
        unit("D3", UnitKind::Department, Some("K")),
        unit("BB", UnitKind::Department, Some("K")),
        unit("JW", UnitKind::Department, Some("K")),
    ];
    for u in units {
        s.check_and_apply(&Transition::UnitSaved { unit: u })
            .unwrap();
    }
    for (name, role, u) in PEOPLE {
        let p = Person {
            username: name.into(),
            name: name.into(),
            phone: String::new(),
            unit: u.into(),
            active: true,
        };
        s.check_and_apply(&Transition::PersonSaved { person: p })
            .unwrap();
        s.check_and_apply(&Transition::RolesSet {
            username: name.into(),
            grants: vec![RoleGrant {
                role,
                unit: u.into(),
            }],
        })
        .unwrap();
    }
    let item = Item {
        id: Item::make_id(ListKind::Territorial, "1"),
        kind: ListKind::Territorial,
        number: "1".into(),
        name: "违法建房".into(),
        primary: vec!["D1".into()],
        supporting: vec!["D2".into(), "D3".into()],
        ..Default::default()
    };
    s.check_and_apply(&Transition::ListVersionPublished {
        meta: VersionMeta {
            version: 1,
            effective_date: "2026-01-01".into(),
            document_no: "青编发〔2026〕3号".into(),
            source: "test".into(),
            published_at_ms: 0,
            upserts: 1,
            removals: 0,
        },
        upserts: vec![item],
        removals: vec![],
    })
    .unwrap();
    let days = WorkCalendar::parse_csv(crate::calendar::BUILTIN_CSV).unwrap();
    s.check_and_apply(&Transition::CalendarSet {
        days,
        hours: Some(OfficeHours::default()),
    })
    .unwrap();
    s
}

fn party(name: &str) -> Party {
    let (_, role, unit) = PEOPLE.iter().find(|p| p.0 == name).copied().unwrap();
    Party {
        username: name.into(),
        role,
        unit: unit.into(),
    }
}

fn at(s: &str) -> i64 {
    parse_cst(s).unwrap()
}

fn run(s: &mut CountyState, who: &str, when: &str, cmd: EventCmd) -> Result<u64, DomainError> {
    let t = Transition::Event {
        at_ms: at(when),
        by: party(who),
        cmd,
    };
    let seq = s.log_len;
    s.check_and_apply(&t)?;
    Ok(seq)
}

fn new_event(call: bool) -> NewEvent {
    NewEvent {
        channel: Channel::GridReport,
        title: "村口违建".into(),
        description: "有人在村口空地上搭建房屋".into(),
        category: String::new(),
        urgency: Urgency::Normal,
        grade: Grade::Ordinary,
        request_type: None,
        item: None,
        location: Location {
            lon: 117.1,
            lat: 36.6,
            address: "村口".into(),
            grid: None,
            village: Some("V1".into()),
            township: Some("T1".into()),
        },
        photos: vec![],
        hotline_no: None,
        hotline_due_ms: None,
        call,
    }
}

fn item_ref() -> Option<ItemRef> {
    Some(ItemRef {
        id: Item::make_id(ListKind::Territorial, "1"),
        version: 1,
    })
}

fn report() -> HandlingReport {
    HandlingReport {
        accepted_at_ms: at("2026-02-13T10:00"),
        contacted: "村委会主任".into(),
        measures: "责令停工并拆除".into(),
        resolve_by: "3日内".into(),
        photos: vec![],
    }
}

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
            note: String::new(),
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
        Err(DomainError::Forbidden(_))
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

// ---- property test: random command sequences keep the invariants ----

fn arb_cmd(ids: u64) -> impl Strategy<Value = (usize, EventCmd)> {
    let who = 0..PEOPLE.len();
    let ev = 0..ids.max(1);
    let n = 1u32..6;
    let unit = prop::sample::select(vec!["D1", "D2", "D3", "T1"]);
    (who, ev, n, unit, 0u8..4, any::<bool>()).prop_map(move |(w, raw, n, u, lvl, flag)| {
        let event = raw;
        let cmd = match (raw + n as u64 + lvl as u64) % 16 {
            0 => EventCmd::Report {
                event: new_event(flag),
            },
            1 => EventCmd::Call {
                event,
                item: item_ref(),
                note: String::new(),
            },
            2 => EventCmd::Dispatch {
                event,
                item: item_ref(),
                lead: u.into(),
                co: if flag {
                    vec!["D2".into(), "D3".into()]
                } else {
                    vec![]
                },
                override_reason: Some("test".into()),
                note: String::new(),
            },
            3 => EventCmd::Sign {
                event,
                assignment: n,
            },
            4 => EventCmd::Respond {
                event,
                assignment: n,
                contacted: "x".into(),
                arrived: flag,
                note: String::new(),
            },
            5 => EventCmd::ReportBack {
                event,
                assignment: n,
                report: report(),
                note: String::new(),
            },
            6 => EventCmd::Evaluate {
                event,
                assignment: n,
                level: lvl.min(2),
                reason: "r".into(),
            },
            7 => EventCmd::Close {
                event,
                note: String::new(),
            },
            8 => EventCmd::RequestReturn {
                event,
                assignment: n,
                reason: "r".into(),
                legal_basis: "b".into(),
            },
            9 => EventCmd::DecideReturn {
                event,
                assignment: n,
                decision: if flag {
                    ReturnDecision::Reject { note: "n".into() }
                } else {
                    ReturnDecision::Dispute { note: "n".into() }
                },
            },
            10 => EventCmd::Rule {
                event,
                primary: u.into(),
                supporting: vec![],
                reasoning: "r".into(),
                open_adjustment: false,
            },
            11 => EventCmd::RequestExtension {
                event,
                assignment: n,
                days: 1 + lvl as u32 % 3,
                reason: "r".into(),
            },
            12 => EventCmd::DecideExtension {
                event,
                assignment: n,
                approve: flag,
                note: String::new(),
            },
            13 => EventCmd::Cancel {
                event,
                reason: "r".into(),
            },
            14 => EventCmd::Appeal {
                event,
                assignment: n,
                reason: "r".into(),
            },
            _ => EventCmd::Remind {
                event,
                assignment: n,
                kind: ReminderKind::Remind,
                note: String::new(),
            },
        };
        (w, cmd)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]
    #[test]
    fn random_sequences_keep_the_invariants(cmds in prop::collection::vec(arb_cmd(6), 1..160), gaps in prop::collection::vec(0i64..6 * 3_600_000, 160)) {
        let mut s = world();
        // Only working-time limits, so every deadline must fall in working time.
        let mut cfg = WorkflowConfig::default();
        cfg.urgent = cfg.normal;
        s.check_and_apply(&Transition::WorkflowConfigSet { config: Box::new(cfg) }).unwrap();
        let mut log = Vec::new();
        let mut ids: Vec<u64> = Vec::new();
        let mut now = at("2026-02-10T08:00");
        for (i, (w, cmd)) in cmds.into_iter().enumerate() {
            now += gaps.get(i).copied().unwrap_or(0);
            let cmd = remap(cmd, &ids);
            let t = Transition::Event { at_ms: now, by: party(PEOPLE[w].0), cmd };
            let closed_before: Vec<Event> = s.events.events.values().filter(|e| e.status.is_final()).cloned().collect();
            let seq = s.log_len;
            let before = s.clone();
            match s.check(&t) {
                Ok(()) => {
                    s.apply(&t);
                    log.push(t.clone());
                    if let Transition::Event { cmd: EventCmd::Report { .. }, .. } = &t { ids.push(seq); }
                }
                Err(_) => prop_assert_eq!(&s, &before),
            }
            for e in closed_before {
                prop_assert_eq!(Some(&e), s.events.event(e.id), "a final event changed");
            }
        }
        for e in s.events.events.values() {
            for a in &e.assignments {
                if let Some(v) = &a.evaluation {
                    prop_assert_eq!(&v.unit, &a.sender_unit);
                }
                let cal = &s.events.calendar;
                prop_assert!(cal.is_working_time(a.deadlines.complete), "complete deadline outside working time");
                prop_assert!(cal.is_working_time(a.deadlines.sign));
                if let Some(r) = a.deadlines.respond { prop_assert!(cal.is_working_time(r)); }
            }
        }
        // Folding the accepted log again gives the same state.
        let mut again = world();
        again.check_and_apply(&Transition::WorkflowConfigSet { config: Box::new(s.events.config.clone()) }).unwrap();
        for t in &log { again.check_and_apply(t).unwrap(); }
        prop_assert_eq!(&again.events, &s.events);
    }
}

/// Points a random command at an existing event (by index into those created so far).
fn remap(mut cmd: EventCmd, ids: &[u64]) -> EventCmd {
    if ids.is_empty() {
        return cmd;
    }
    let pick = |raw: u64| ids[(raw as usize) % ids.len()];
    use EventCmd::*;
    match &mut cmd {
        Report { .. } => {}
        Call { event, .. }
        | Dispatch { event, .. }
        | Sign { event, .. }
        | Respond { event, .. }
        | ReportBack { event, .. }
        | Evaluate { event, .. }
        | Close { event, .. }
        | RequestReturn { event, .. }
        | DecideReturn { event, .. }
        | Rule { event, .. }
        | RequestExtension { event, .. }
        | DecideExtension { event, .. }
        | Cancel { event, .. }
        | Appeal { event, .. }
        | Remind { event, .. } => *event = pick(*event),
        _ => {}
    }
    cmd
}
