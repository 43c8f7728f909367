//! Random command sequences keep the invariants.

use super::*;
use proptest::prelude::*;

// ---- property test: random command sequences keep the invariants ----

/// (person, command, whether to let the person be the first whom the rules accept).
pub(super) fn arb_cmd(ids: u64) -> impl Strategy<Value = (usize, EventCmd, bool)> {
    let who = 0..PEOPLE.len();
    let ev = 0..ids.max(1);
    let n = 1u32..6;
    let unit = prop::sample::select(vec!["D1", "D2", "D3", "T1", "S1", "S2"]);
    // The arm is drawn on its own: a sum of the other draws never reached the last arms.
    let natural = prop::bool::weighted(0.75);
    (who, ev, n, unit, 0u8..4, any::<bool>(), 0u64..18, natural).prop_map(
        move |(w, raw, n, u, lvl, flag, arm, natural)| {
            let event = raw;
            let cmd = match arm {
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
                    suggested: None,
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
                // Withdrawing ends an event, so it is drawn less often than signing.
                13 if lvl == 0 => EventCmd::Cancel {
                    event,
                    reason: "r".into(),
                },
                13 => EventCmd::Sign {
                    event,
                    assignment: n,
                },
                // Mostly T1's own stationed units, so township hops get far.
                16 => EventCmd::Assign {
                    event,
                    unit: ["S1", "S3", u, "S1"][lvl as usize].into(),
                    item: None,
                    note: String::new(),
                },
                17 => EventCmd::DecideReturn {
                    event,
                    assignment: n,
                    decision: ReturnDecision::Reassign {
                        lead: ["S1", "S3", u, "S3"][lvl as usize].into(),
                        co: vec![],
                        override_reason: Some("test".into()),
                        note: "n".into(),
                    },
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
            (w, cmd, natural)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]
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
        for (i, (w, cmd, natural)) in cmds.into_iter().enumerate() {
            now += gaps.get(i).copied().unwrap_or(0);
            let mut cmd = remap(cmd, &ids);
            let hops = cmd.event_id().and_then(|id| s.events.event(id)).map_or(0, |e| e.assignments.len() as u32);
            on_existing_hop(&mut cmd, hops);
            if let EventCmd::ReportBack { report, .. } = &mut cmd {
                report.accepted_at_ms = now;
            }
            let event = |w: usize| Transition::Event { at_ms: now, by: party(PEOPLE[w].0), cmd: cmd.clone() };
            // Mostly someone the rules accept, so that sequences get far into the workflow.
            let w = if natural {
                (0..PEOPLE.len()).find(|&x| s.check(&event(x)).is_ok()).unwrap_or(w)
            } else {
                w
            };
            let t = event(w);
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
            for a in e.assignments.iter().filter(|a| a.role == AssignmentRole::Township) {
                // 乡镇派单 stays inside the township, sent by it, and ends before the call.
                prop_assert_eq!(&a.sender_unit, &e.caller_unit);
                prop_assert!(s.org.township_of(&a.receiver_unit).is_some_and(|t| t.code == e.caller_unit));
                prop_assert!(s.org.unit(&a.receiver_unit).is_some_and(|u| u.kind != crate::org::UnitKind::Department));
                if e.called_ms.is_some() && !e.status.is_final() {
                    prop_assert!(!a.status.is_open(), "a township hop is open after the call");
                }
                if let Some(v) = &a.evaluation {
                    prop_assert!(PEOPLE.iter().any(|p| p.0 == v.by && matches!(p.1, RoleKind::TownshipOperator | RoleKind::TownshipLeader)));
                }
            }
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
pub(super) fn remap(mut cmd: EventCmd, ids: &[u64]) -> EventCmd {
    if ids.is_empty() {
        return cmd;
    }
    // Mostly the newest event, so that sequences get deep into its workflow.
    let pick = |raw: u64| match raw {
        0..=3 => ids[ids.len() - 1],
        _ => ids[(raw as usize) % ids.len()],
    };
    use EventCmd::*;
    match &mut cmd {
        Report { .. } => {}
        Call { event, .. }
        | Dispatch { event, .. }
        | Assign { event, .. }
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

/// Points a command's assignment at one of the event's hops, so more sequences go deep.
pub(super) fn on_existing_hop(cmd: &mut EventCmd, hops: u32) {
    if hops == 0 {
        return;
    }
    use EventCmd::*;
    match cmd {
        Sign { assignment, .. }
        | Respond { assignment, .. }
        | ReportBack { assignment, .. }
        | Evaluate { assignment, .. }
        | RequestReturn { assignment, .. }
        | DecideReturn { assignment, .. }
        | RequestExtension { assignment, .. }
        | DecideExtension { assignment, .. }
        | Appeal { assignment, .. }
        | Remind { assignment, .. } => *assignment = (*assignment - 1) % hops + 1,
        _ => {}
    }
}
