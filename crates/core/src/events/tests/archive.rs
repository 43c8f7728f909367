//! Eviction is a cache: a book that archives settled events and loads them back for every
//! command on them answers every check and reaches the same state as one that keeps all.

use super::props::{arb_cmd, on_existing_hop, remap};
use super::*;
use crate::events::ArchivedEvent;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// Archives every settled event (no waiting time) into `store`, keyed by version.
fn evict_settled(s: &mut CountyState, store: &mut BTreeMap<u64, Vec<ArchivedEvent>>) {
    let ids = s.events.settled(i64::MAX / 2, 0, usize::MAX);
    for a in s.events.archive_of(&ids) {
        assert!(s.events.evict(&a));
        let versions = store.entry(a.event.id).or_default();
        if versions.last().map(|v| v.seq()) != Some(a.seq()) {
            versions.push(a);
        }
    }
}

/// Loads the newest archived version of the event `t` is about, if it left memory.
fn load_for(t: &Transition, s: &mut CountyState, store: &BTreeMap<u64, Vec<ArchivedEvent>>) {
    if let Transition::Event { cmd, .. } = t {
        if let Some(id) = cmd.event_id().filter(|id| !s.events.is_resident(*id)) {
            if let Some(a) = store.get(&id).and_then(|v| v.last()) {
                s.events.restore(a.clone());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]
    #[test]
    fn evicting_and_loading_back_changes_nothing(cmds in prop::collection::vec(arb_cmd(6), 1..160), gaps in prop::collection::vec(0i64..6 * 3_600_000, 160), extras in prop::collection::vec(0u8..4, 160)) {
        let mut full = world();
        let mut lean = world();
        let mut archive: BTreeMap<u64, Vec<ArchivedEvent>> = BTreeMap::new();
        let mut ids: Vec<u64> = Vec::new();
        let mut now = at("2026-02-10T08:00");
        for (i, (w, cmd, natural)) in cmds.into_iter().enumerate() {
            now += gaps.get(i).copied().unwrap_or(0);
            let mut cmd = remap(cmd, &ids);
            let hops = cmd.event_id().and_then(|id| full.events.event(id)).map_or(0, |e| e.assignments.len() as u32);
            on_existing_hop(&mut cmd, hops);
            if let EventCmd::ReportBack { report, .. } = &mut cmd {
                report.accepted_at_ms = now;
            }
            let event = |w: usize| Transition::Event { at_ms: now, by: party(PEOPLE[w].0), cmd: cmd.clone() };
            let w = if natural {
                (0..PEOPLE.len()).find(|&x| full.check(&event(x)).is_ok()).unwrap_or(w)
            } else {
                w
            };
            let t = event(w);
            // Records kept beside settled events: a 回访 on one, a case concluded.
            let side = match extras.get(i).copied().unwrap_or(0) {
                1 if !ids.is_empty() => Some(Transition::Event {
                    at_ms: now,
                    by: party("disp"),
                    cmd: EventCmd::PublicFeedback { event: ids[i % ids.len()], level: (i % 3) as u8, comment: format!("回访{i}") },
                }),
                2 => full.events.cases.values().find(|c| c.outcome.is_none()).map(|c| Transition::Event {
                    at_ms: now,
                    by: party("jw"),
                    cmd: EventCmd::ConcludeCase { event: c.event, assignment: c.assignment, outcome: "诫勉".into() },
                }),
                _ => None,
            };
            for t in std::iter::once(t).chain(side) {
                let seq = full.log_len;
                load_for(&t, &mut lean, &archive);
                let a = full.check(&t);
                let b = lean.check(&t);
                prop_assert_eq!(a.is_ok(), b.is_ok(), "checks differ: {:?} vs {:?}", a, b);
                if a.is_ok() {
                    full.apply(&t);
                    lean.apply(&t);
                    if let Transition::Event { cmd: EventCmd::Report { .. }, .. } = &t { ids.push(seq); }
                }
                evict_settled(&mut lean, &mut archive);
            }
        }
        for versions in archive.values() {
            if let Some(a) = versions.last() {
                lean.events.restore(a.clone());
            }
        }
        prop_assert_eq!(&lean, &full);
    }
}

#[test]
fn eviction_keeps_open_work_and_running_cases() {
    let mut s = world();
    let by = party("disp");
    let t0 = at("2026-02-10T09:00");
    let report = Transition::Event {
        at_ms: t0,
        by: by.clone(),
        cmd: EventCmd::Report {
            event: new_event(false),
        },
    };
    let id = s.log_len;
    s.check_and_apply(&report).unwrap();
    assert!(
        s.events.settled(t0 + 1_000_000_000, 0, 10).is_empty(),
        "an open event stays"
    );
    s.check_and_apply(&Transition::Event {
        at_ms: t0 + 60_000,
        by: by.clone(),
        cmd: EventCmd::Cancel {
            event: id,
            reason: "重复".into(),
        },
    })
    .unwrap();
    let closed = s.events.event(id).unwrap().closed_ms.unwrap_or(t0);
    assert!(
        s.events.settled(closed + 10, 1_000, 10).is_empty(),
        "not settled long enough"
    );
    assert_eq!(s.events.settled(closed + 1_000, 1_000, 10), vec![id]);
    let archived = s.events.archive_of(&[id]);
    let before = s.clone();
    assert!(s.events.evict(&archived[0]));
    assert!(!s.events.is_resident(id));
    s.events.restore(archived[0].clone());
    assert_eq!(s, before);
}
