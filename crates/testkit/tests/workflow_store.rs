//! The event workflow through the real writer and store: random command sequences from
//! concurrent clients, then the read models rebuilt from the log must equal the live ones, a
//! second engine folding the same log must reach the same state, and the log must verify.

use rand::{rngs::StdRng, Rng, SeedableRng};
use tiaokuai_app::demo;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::{
    Channel, EventCmd, Grade, HandlingReport, Location, NewEvent, ReminderKind, ReturnDecision,
    Urgency,
};
use tiaokuai_testkit::{demo_engine, test_signer};

const T0: i64 = 1_763_700_000_000;

fn new_event(n: u64, call: bool) -> NewEvent {
    NewEvent {
        channel: Channel::TownshipCall,
        title: format!("测试事件{n}"),
        description: "随机序列测试".into(),
        category: String::new(),
        urgency: if n.is_multiple_of(5) {
            Urgency::Urgent
        } else {
            Urgency::Normal
        },
        grade: Grade::Ordinary,
        request_type: None,
        item: None,
        location: Location {
            lon: 116.71,
            lat: 36.61,
            ..Default::default()
        },
        photos: vec![],
        hotline_no: None,
        hotline_due_ms: None,
        call,
    }
}

fn random_cmd(rng: &mut StdRng, ids: &[u64]) -> EventCmd {
    let event = ids[rng.gen_range(0..ids.len())];
    let assignment = rng.gen_range(1..5);
    let unit = ["D-ZJ", "D-ZF", "D-HB", "D-SJ"][rng.gen_range(0..4)].to_string();
    match rng.gen_range(0..14) {
        0 => EventCmd::Call {
            event,
            item: None,
            note: "清单未列，呼叫县级".into(),
        },
        1 | 2 => EventCmd::Dispatch {
            event,
            item: None,
            lead: unit,
            co: if rng.gen_bool(0.3) {
                vec!["D-SJ".into()]
            } else {
                vec![]
            },
            override_reason: Some("测试".into()),
            note: String::new(),
            suggested: None,
        },
        3 | 4 => EventCmd::Sign { event, assignment },
        5 => EventCmd::Respond {
            event,
            assignment,
            contacted: "当事人".into(),
            arrived: true,
            note: String::new(),
        },
        6 | 7 => EventCmd::ReportBack {
            event,
            assignment,
            report: HandlingReport {
                accepted_at_ms: T0,
                contacted: "当事人".into(),
                measures: "已处理".into(),
                resolve_by: "当日".into(),
                photos: vec![],
            },
            note: String::new(),
        },
        8 => EventCmd::Evaluate {
            event,
            assignment,
            level: rng.gen_range(0..3),
            reason: "复查".into(),
        },
        9 => EventCmd::Close {
            event,
            note: String::new(),
        },
        10 => EventCmd::RequestReturn {
            event,
            assignment,
            reason: "非本部门职责".into(),
            legal_basis: "三定方案".into(),
        },
        11 => EventCmd::DecideReturn {
            event,
            assignment,
            decision: if rng.gen_bool(0.5) {
                ReturnDecision::Reject {
                    note: "驳回".into(),
                }
            } else {
                ReturnDecision::Dispute {
                    note: "提交编办".into(),
                }
            },
        },
        12 => EventCmd::Rule {
            event,
            primary: unit,
            supporting: vec![],
            reasoning: "裁定".into(),
            open_adjustment: false,
        },
        _ => EventCmd::Remind {
            event,
            assignment,
            kind: ReminderKind::Remind,
            note: String::new(),
        },
    }
}

#[tokio::test]
async fn random_concurrent_commands_rebuild_to_the_same_read_models() {
    let (engine, fx) = demo_engine().await.unwrap();
    let names = [
        "qingshan_op",
        "dispatcher",
        "dispatcher2",
        "zhujian",
        "zhifa",
        "huanbao",
        "shichang",
        "bianban",
    ];
    let mut people: Vec<Principal> = Vec::new();
    for n in names {
        people.push(engine.principal_of(n).await.unwrap().unwrap());
    }
    let op = people[0].clone();
    let mut ids = Vec::new();
    for n in 0..12 {
        ids.push(
            engine
                .report_event(&op, T0 + n as i64, new_event(n, n % 3 != 0))
                .await
                .unwrap(),
        );
    }
    let mut tasks = Vec::new();
    for c in 0..6u64 {
        let engine = engine.clone();
        let people = people.clone();
        let ids = ids.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(c);
            let mut ok = 0;
            for i in 0..300 {
                let cmd = random_cmd(&mut rng, &ids);
                // Mostly someone whose role fits the command, sometimes anyone (refusals).
                let who = match (&cmd, rng.gen_bool(0.85)) {
                    (_, false) => &people[rng.gen_range(0..people.len())],
                    (
                        EventCmd::Call { .. } | EventCmd::Evaluate { .. } | EventCmd::Close { .. },
                        _,
                    ) => &people[0],
                    (
                        EventCmd::Dispatch { .. }
                        | EventCmd::DecideReturn { .. }
                        | EventCmd::Remind { .. },
                        _,
                    ) => &people[1 + rng.gen_range(0..2)],
                    (EventCmd::Rule { .. }, _) => &people[7],
                    _ => &people[3 + rng.gen_range(0..4)],
                };
                if engine.act(who, T0 + 60_000 * (i + 1), cmd).await.is_ok() {
                    ok += 1;
                }
            }
            ok
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        accepted += t.await.unwrap();
    }
    assert!(accepted > 50, "only {accepted} commands were accepted");
    let store = engine.store();
    let before = store.dump_read_models(demo::COUNTY).await.unwrap();
    assert!(before.contains("dispatched") || before.contains("signed"));
    store.rebuild_read_models(demo::COUNTY).await.unwrap();
    assert_eq!(before, store.dump_read_models(demo::COUNTY).await.unwrap());
    let report = tiaokuai_app::verify::verify_county(store, demo::COUNTY, engine.verifier())
        .await
        .unwrap();
    assert!(report.ok(), "{:?}", report.problem);
    // A second server folding the same log reaches the same state.
    let live = engine.full_state().await.unwrap().events;
    let store2 = tiaokuai_store::Store::connect(&fx.url).await.unwrap();
    let engine2 = tiaokuai_app::Engine::start(store2, demo::COUNTY, test_signer())
        .await
        .unwrap();
    let folded = engine2.full_state().await.unwrap().events;
    assert_eq!(live, folded);
}

#[tokio::test]
async fn two_dispatchers_at_once_one_wins() {
    let (engine, _fx) = demo_engine().await.unwrap();
    let op = engine.principal_of("qingshan_op").await.unwrap().unwrap();
    let d1 = engine.principal_of("dispatcher").await.unwrap().unwrap();
    let d2 = engine.principal_of("dispatcher2").await.unwrap().unwrap();
    let id = engine
        .report_event(&op, T0, new_event(1, true))
        .await
        .unwrap();
    let cmd = |lead: &str| EventCmd::Dispatch {
        event: id,
        item: None,
        lead: lead.into(),
        co: vec![],
        override_reason: Some("非清单事项".into()),
        note: String::new(),
        suggested: None,
    };
    let (a, b) = tokio::join!(
        engine.act(&d1, T0 + 1000, cmd("D-ZJ")),
        engine.act(&d2, T0 + 1000, cmd("D-ZF"))
    );
    assert!(a.is_ok() != b.is_ok(), "{a:?} {b:?}");
    let loser = if a.is_err() { a } else { b };
    assert!(loser.unwrap_err().to_string().contains("cannot dispatch"));
    let e = engine.event(id).await.unwrap();
    assert_eq!(e.assignments.len(), 1);
    let dispatches = engine
        .event_timeline(id)
        .await
        .unwrap()
        .iter()
        .filter(|t| t.kind == "event.dispatch")
        .count();
    assert_eq!(dispatches, 1);
}

#[tokio::test]
async fn demo_events_are_in_every_stage_and_the_proof_verifies() {
    let (engine, _fx) = demo_engine().await.unwrap();
    let statuses: Vec<String> = engine
        .with_state(|s| {
            s.events
                .events
                .values()
                .map(|e| e.status.as_str().to_string())
                .collect()
        })
        .await
        .unwrap();
    for want in [
        "closed",
        "in_progress",
        "called",
        "resolved",
        "return_requested",
        "draft",
    ] {
        assert!(
            statuses.iter().any(|s| s == want),
            "no demo event is {want}: {statuses:?}"
        );
    }
    let closed = engine
        .with_state(|s| {
            s.events
                .events
                .values()
                .find(|e| e.status.as_str() == "closed")
                .map(|e| e.id)
        })
        .await
        .unwrap()
        .unwrap();
    let bundle = engine.event_proof(closed).await.unwrap();
    assert_eq!(
        tiaokuai_app::events::timeline::verify_bundle(&bundle),
        Ok(8)
    );
    let mut bad = bundle.clone();
    bad.entries[2].payload.push(' ');
    assert!(tiaokuai_app::events::timeline::verify_bundle(&bad).is_err());
}

#[tokio::test]
async fn a_ruling_opens_a_list_adjustment_in_the_same_append() {
    let (engine, _fx) = demo_engine().await.unwrap();
    let p = |n: &'static str| {
        let engine = engine.clone();
        async move { engine.principal_of(n).await.unwrap().unwrap() }
    };
    let (op, disp, zf, bb) = (
        p("qingshan_op").await,
        p("dispatcher").await,
        p("zhifa").await,
        p("bianban").await,
    );
    let item = engine
        .with_state(|s| {
            let v = s.lists.latest();
            s.lists
                .items_at(v)
                .find(|i| i.name.contains("建筑工地扬尘"))
                .map(|i| tiaokuai_core::events::ItemRef {
                    id: i.id.clone(),
                    version: v,
                })
        })
        .await
        .unwrap()
        .unwrap();
    let mut ev = new_event(7, true);
    ev.item = Some(item.clone());
    let id = engine.report_event(&op, T0, ev).await.unwrap();
    engine
        .act(
            &disp,
            T0 + 1000,
            EventCmd::Dispatch {
                event: id,
                item: Some(item.clone()),
                lead: "D-ZF".into(),
                co: vec![],
                override_reason: Some("先派执法".into()),
                note: String::new(),
                suggested: None,
            },
        )
        .await
        .unwrap();
    engine
        .act(
            &zf,
            T0 + 2000,
            EventCmd::RequestReturn {
                event: id,
                assignment: 1,
                reason: "属住建职责".into(),
                legal_basis: "清单第11项".into(),
            },
        )
        .await
        .unwrap();
    engine
        .act(
            &disp,
            T0 + 3000,
            EventCmd::DecideReturn {
                event: id,
                assignment: 1,
                decision: ReturnDecision::Dispute {
                    note: "双方各执一词".into(),
                },
            },
        )
        .await
        .unwrap();
    let before = engine.with_state(|s| s.adjustments.len()).await.unwrap();
    engine
        .act(
            &bb,
            T0 + 4000,
            EventCmd::Rule {
                event: id,
                primary: "D-ZJ".into(),
                supporting: vec!["D-ZF".into()],
                reasoning: "依三定方案".into(),
                open_adjustment: true,
            },
        )
        .await
        .unwrap();
    let (n, adj) = engine
        .with_state(|s| {
            (
                s.adjustments.len(),
                s.adjustments.values().next_back().cloned(),
            )
        })
        .await
        .unwrap();
    assert_eq!(n, before + 1);
    let adj = adj.unwrap();
    let proposed = adj.app.proposed.unwrap();
    assert_eq!(proposed.primary, vec!["D-ZJ".to_string()]);
    assert!(proposed.supporting.contains(&"D-ZF".to_string()));
    let e = engine.event(id).await.unwrap();
    assert_eq!(e.assignments[1].receiver_unit, "D-ZJ");
    assert_eq!(
        e.assignments[0].status,
        tiaokuai_core::events::AssignmentStatus::Transferred
    );
}
