//! Read scope comes first: a party that may not read an event hears exactly what it would for
//! an event that does not exist, whatever the command and the event's state; reports stay in
//! the reporter's township; a township's leader acts within its township only.

use super::*;
use crate::events::check::event_not_found;
use crate::lists::adjustment::{authorize, Action, Adjustment, AdjustmentStatus};
use crate::lists::{AdjustmentKind, Application};

fn reported_in(s: &mut CountyState, who: &str, township: &str, call: bool) -> u64 {
    let mut ev = new_event(call);
    ev.location.village = (township == "T1").then(|| "V1".into());
    ev.location.township = Some(township.into());
    run(s, who, "2026-03-02T09:00", EventCmd::Report { event: ev }).unwrap()
}

fn dispatched(s: &mut CountyState, id: u64) {
    run(
        s,
        "disp",
        "2026-03-02T09:05",
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
}

fn supervise(id: u64) -> EventCmd {
    EventCmd::Remind {
        event: id,
        assignment: 1,
        kind: ReminderKind::Supervise,
        note: "督办".into(),
    }
}

#[test]
fn a_township_leader_supervises_only_its_townships_events() {
    let mut s = world();
    let own = reported_in(&mut s, "op", "T1", true);
    dispatched(&mut s, own);
    let other = reported_in(&mut s, "op2", "T2", true);
    dispatched(&mut s, other);
    let when = "2026-03-02T10:00";
    // Denied without a word about the other township's event (defect 4).
    assert_eq!(
        run(&mut s, "ld1", when, supervise(other)),
        Err(event_not_found(other))
    );
    run(&mut s, "ld1", when, supervise(own)).unwrap();
    run(&mut s, "ld", when, supervise(other)).unwrap();
    // A department handler may read the event it leads but may not supervise it.
    let e = refused(&mut s, "zj", when, supervise(other));
    assert!(matches!(e, DomainError::Forbidden(_)), "{e}");
}

#[test]
fn an_unreadable_event_is_refused_like_a_missing_one_whatever_its_state() {
    let mut s = world();
    let id = reported_in(&mut s, "op", "T1", false);
    run(
        &mut s,
        "op",
        "2026-03-02T09:10",
        EventCmd::SelfClose {
            event: id,
            note: "已处置".into(),
        },
    )
    .unwrap();
    let when = "2026-03-02T09:20";
    let missing = 987_654;
    let cmds = |event: u64| {
        vec![
            EventCmd::Cancel {
                event,
                reason: "x".into(),
            },
            EventCmd::Sign {
                event,
                assignment: 7,
            },
            EventCmd::Close {
                event,
                note: String::new(),
            },
            supervise(event),
        ]
    };
    for who in ["op2", "pcs2", "zj", "grid", "ld1"] {
        for (seen, gone) in cmds(id).into_iter().zip(cmds(missing)) {
            let e = run(&mut s, who, when, seen.clone());
            let m = run(&mut s, who, when, gone);
            if who == "ld1" || who == "grid" {
                // These read it (T1's leader, the village's grid worker): the state may show.
                assert!(
                    !matches!(e, Err(DomainError::NotFound { .. })),
                    "{who}: {e:?}"
                );
                continue;
            }
            assert_eq!(e, Err(event_not_found(id)), "{who} {}", seen.kind());
            assert_eq!(m, Err(event_not_found(missing)), "{who}");
        }
    }
    // The caller, who reads it, learns it is closed.
    let e = refused(&mut s, "op", when, cmds(id).remove(0));
    assert!(matches!(e, DomainError::Conflict(_)), "{e}");
}

#[test]
fn reports_stay_in_the_reporters_township() {
    let mut s = world();
    let when = "2026-03-02T09:00";
    let report = |township: Option<&str>, village: Option<&str>| {
        let mut ev = new_event(false);
        ev.location.township = township.map(Into::into);
        ev.location.village = village.map(Into::into);
        EventCmd::Report { event: ev }
    };
    // T2's command room cannot file in T1 by the township nor by the village.
    for (t, v) in [
        (Some("T1"), None),
        (None, Some("V1")),
        (Some("T2"), Some("V1")),
    ] {
        let e = refused(&mut s, "op2", when, report(t, v));
        assert!(
            matches!(&e, DomainError::Forbidden(m) if m.code() == "outside_township"),
            "{e}"
        );
    }
    let e = refused(&mut s, "grid", when, report(Some("T2"), None));
    assert!(matches!(e, DomainError::Forbidden(_)), "{e}");
    run(&mut s, "op2", when, report(Some("T2"), None)).unwrap();
    run(&mut s, "op", when, report(Some("T1"), Some("V1"))).unwrap();
    run(&mut s, "grid", when, report(Some("T1"), Some("V1"))).unwrap();
    // The command centre reports anywhere; an unplaced report is the reporter's township's.
    run(&mut s, "disp", when, report(Some("T2"), None)).unwrap();
    run(&mut s, "op2", when, report(None, None)).unwrap();
}

#[test]
fn only_a_county_leader_approves_list_adjustments() {
    let s = world();
    let adj = Adjustment {
        app: Application {
            id: 1,
            applicant: "zj".into(),
            applicant_unit: "D1".into(),
            kind: AdjustmentKind::ChangeParties,
            item_id: Item::make_id(ListKind::Territorial, "1"),
            base_version: 1,
            proposed: None,
            reason: "r".into(),
            basis: "b".into(),
            opinions: String::new(),
        },
        status: AdjustmentStatus::AwaitingApproval,
        sent_back_by: None,
        document_no: String::new(),
        effective_date: String::new(),
        published_version: None,
        steps: vec![],
    };
    let e = authorize(&principal("ld1"), &s.org, Action::Approve, Some(&adj)).unwrap_err();
    assert!(matches!(e, DomainError::Forbidden(_)), "{e}");
    authorize(&principal("ld"), &s.org, Action::Approve, Some(&adj)).unwrap();
    assert!(authorize(&principal("op"), &s.org, Action::Approve, Some(&adj)).is_err());
}
