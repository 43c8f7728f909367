//! Delegated powers: the transition-period rule on returns, the 点单 menu and orders, evaluation
//! rounds and recalls, and usage counts laid against the delegated list.

use super::*;
use crate::delegation::{usage_report, Decision, DelegationCmd, MenuEntry};
use crate::lists::Application;
use std::collections::BTreeMap;

const DELEGATED: &str = "delegated/1";
const POWER: &str = "power/9";

/// The test county plus list version 2: a power D1 delegated to T1 (transition until
/// 2026-06-30) and a power-list item of D1 not yet delegated.
fn county() -> CountyState {
    let mut s = world();
    let delegated = Item {
        id: DELEGATED.into(),
        kind: ListKind::Delegated,
        number: "1".into(),
        name: "对占道经营的处罚".into(),
        primary: vec!["D1".into()],
        supporting: vec!["T1".into()],
        power_type: "行政处罚".into(),
        delegated_on: "2025-07-01".into(),
        transition_end: "2026-06-30".into(),
        ..Default::default()
    };
    let power = Item {
        id: POWER.into(),
        kind: ListKind::Power,
        number: "9".into(),
        name: "对擅自设置户外广告的处罚".into(),
        primary: vec!["D1".into()],
        power_type: "行政处罚".into(),
        ..Default::default()
    };
    s.check_and_apply(&Transition::ListVersionPublished {
        meta: VersionMeta {
            version: 2,
            effective_date: "2026-01-02".into(),
            document_no: "青政发〔2026〕1号".into(),
            source: "test".into(),
            published_at_ms: 0,
            upserts: 2,
            removals: 0,
        },
        upserts: vec![delegated, power],
        removals: vec![],
    })
    .unwrap();
    s
}

fn step(s: &mut CountyState, who: &str, cmd: DelegationCmd) -> Result<(), DomainError> {
    s.check_and_apply(&Transition::Delegation {
        at_ms: at("2026-03-02T09:00"),
        by: party(who),
        cmd,
    })
}

/// Files the list adjustment an order (`township` set) or a recall of T1 carries.
fn filed(s: &mut CountyState, who: &str, township: Option<&str>) -> u64 {
    use crate::delegation::proposal::{order_change, recall_change};
    let (kind, item, proposed) = match township {
        Some(t) => order_change(&s.lists, DELEGATED, t).unwrap(),
        None => {
            let it = s.lists.item_at(DELEGATED, 2).unwrap();
            let (k, p) = recall_change(&s.org, it, &["T1".into()]);
            (k, DELEGATED.to_string(), p)
        }
    };
    let id = s.adjustments.keys().next_back().map_or(1, |k| k + 1);
    let p = party(who);
    s.check_and_apply(&Transition::AdjustmentFiled {
        application: Application {
            id,
            applicant: p.username,
            applicant_unit: p.unit,
            kind,
            item_id: item,
            base_version: s.lists.latest(),
            proposed,
            reason: "点单".into(),
            basis: "赋权指导目录".into(),
            opinions: "县综合执法局：同意".into(),
        },
        at_ms: at("2026-03-02T09:00"),
    })
    .unwrap();
    id
}

fn code(e: &DomainError) -> String {
    match e {
        DomainError::Invalid(v) => v[0].reason.code().to_string(),
        DomainError::Forbidden(r) | DomainError::Conflict(r) => r.code().to_string(),
        other => other.to_string(),
    }
}

#[test]
fn a_department_cannot_return_a_power_it_delegated_during_the_transition() {
    let mut s = county();
    let mut ev = new_event(true);
    ev.item = Some(ItemRef {
        id: DELEGATED.into(),
        version: 2,
    });
    let id = run(
        &mut s,
        "op",
        "2026-03-02T09:00",
        EventCmd::Report { event: ev },
    )
    .unwrap();
    let dispatch = EventCmd::Dispatch {
        event: id,
        item: Some(ItemRef {
            id: DELEGATED.into(),
            version: 2,
        }),
        lead: "D1".into(),
        co: vec![],
        override_reason: None,
        note: String::new(),
        suggested: None,
    };
    run(&mut s, "disp", "2026-03-02T09:10", dispatch).unwrap();
    let ret = EventCmd::RequestReturn {
        event: id,
        assignment: 1,
        reason: "该权力已下放乡镇".into(),
        legal_basis: "青政发〔2025〕12号".into(),
    };
    let e = refused(&mut s, "zj", "2026-03-02T09:20", ret.clone());
    assert_eq!(code(&e), "delegation_transition_no_return", "{e}");
    assert!(e.to_string().contains("2026-06-30"), "{e}");
    // A township the power was not delegated to: the department may return as usual.
    let mut s2 = county();
    let mut ev = new_event(true);
    ev.location.township = Some("T2".into());
    ev.location.village = None;
    ev.item = Some(ItemRef {
        id: DELEGATED.into(),
        version: 2,
    });
    let id2 = run(
        &mut s2,
        "op2",
        "2026-03-02T09:00",
        EventCmd::Report { event: ev },
    )
    .unwrap();
    assert_eq!(id2, id);
    run(
        &mut s2,
        "disp",
        "2026-03-02T09:10",
        EventCmd::Dispatch {
            event: id,
            item: Some(ItemRef {
                id: DELEGATED.into(),
                version: 2,
            }),
            lead: "D1".into(),
            co: vec![],
            override_reason: None,
            note: String::new(),
            suggested: None,
        },
    )
    .unwrap();
    run(&mut s2, "zj", "2026-03-02T09:20", ret).unwrap();
}

#[test]
fn the_transition_ends_on_its_last_day() {
    let s = county();
    let it = s.lists.item_at(DELEGATED, 2).unwrap();
    assert!(crate::delegation::in_transition(it, "2026-06-30"));
    assert!(!crate::delegation::in_transition(it, "2026-07-01"));
    let receivers: Vec<&str> = crate::delegation::receivers(&s.org, it).collect();
    assert_eq!(receivers, ["T1"]);
}

#[test]
fn townships_order_only_from_the_menu_with_enough_staff() {
    let mut s = county();
    let menu = DelegationCmd::SetMenu {
        entries: vec![
            MenuEntry {
                item_id: DELEGATED.into(),
                conditions: "持执法证人员".into(),
                min_staff: 2,
            },
            MenuEntry {
                item_id: POWER.into(),
                conditions: String::new(),
                min_staff: 0,
            },
        ],
    };
    // Only 编办 publishes the menu.
    let e = step(&mut s, "op", menu.clone()).unwrap_err();
    assert_eq!(code(&e), "delegation_menu_by_establishment");
    step(&mut s, "bb", menu).unwrap();
    let bad_menu = DelegationCmd::SetMenu {
        entries: vec![MenuEntry {
            item_id: "territorial/1".into(),
            conditions: String::new(),
            min_staff: 0,
        }],
    };
    assert_eq!(
        code(&step(&mut s, "bb", bad_menu).unwrap_err()),
        "delegation_menu_item_kind"
    );

    let order = |item: &str, staff: u32, township: &str, adjustment: u64| DelegationCmd::Order {
        township: township.into(),
        item_id: item.into(),
        staff,
        qualifications: "3人持执法证".into(),
        reason: "辖区沿街商铺多".into(),
        adjustment,
    };
    let adj = filed(&mut s, "op2", Some("T2"));
    // Not on the menu; already delegated to T1; too few staff; another township's order.
    let e = step(&mut s, "op2", order("territorial/1", 3, "T2", adj)).unwrap_err();
    assert_eq!(code(&e), "delegation_not_on_menu");
    let e = step(&mut s, "op", order(DELEGATED, 3, "T1", adj)).unwrap_err();
    assert_eq!(code(&e), "delegation_already_delegated");
    let e = step(&mut s, "op2", order(DELEGATED, 1, "T2", adj)).unwrap_err();
    assert_eq!(code(&e), "delegation_too_few_staff");
    let e = step(&mut s, "op", order(DELEGATED, 3, "T2", adj)).unwrap_err();
    assert_eq!(code(&e), "delegation_order_by_township");
    let e = step(&mut s, "op2", order(DELEGATED, 3, "T2", adj + 5)).unwrap_err();
    assert_eq!(code(&e), "delegation_adjustment_missing");
    step(&mut s, "op2", order(DELEGATED, 3, "T2", adj)).unwrap();
    assert_eq!(s.delegation.orders.len(), 1);
    // While that order is under review, a second one is refused.
    let adj2 = filed(&mut s, "op2", Some("T2"));
    let e = step(&mut s, "op2", order(DELEGATED, 3, "T2", adj2)).unwrap_err();
    assert_eq!(code(&e), "delegation_order_pending");
}

#[test]
fn a_round_records_decisions_and_a_recall_needs_one() {
    let mut s = county();
    let open = DelegationCmd::OpenRound {
        title: "2026年赋权事项评估".into(),
        method: "案卷评查+座谈".into(),
        from: "2025-07-01".into(),
        to: "2026-06-30".into(),
    };
    assert_eq!(
        code(&step(&mut s, "op", open.clone()).unwrap_err()),
        "delegation_rounds_by_establishment"
    );
    let backwards = DelegationCmd::OpenRound {
        title: "x".into(),
        method: "y".into(),
        from: "2026-06-30".into(),
        to: "2025-07-01".into(),
    };
    assert_eq!(
        code(&step(&mut s, "bb", backwards).unwrap_err()),
        "delegation_date_order"
    );
    step(&mut s, "bb", open).unwrap();
    let round = 1;
    let recall_cmd = |adjustment: u64| DelegationCmd::Recall {
        round,
        item_id: DELEGATED.into(),
        townships: vec!["T1".into()],
        receiving_unit: "D1".into(),
        effective_date: "2026-10-01".into(),
        adjustment,
    };
    let adj = filed(&mut s, "bb", None);
    // No recall decided yet.
    let e = step(&mut s, "bb", recall_cmd(adj)).unwrap_err();
    assert_eq!(code(&e), "delegation_no_recall_decision");
    // A recall needs a reason; a township that did not receive the power is refused.
    let result = |township: &str, reason: &str| DelegationCmd::RecordResult {
        round,
        item_id: DELEGATED.into(),
        township: township.into(),
        decision: Decision::Recall,
        reason: reason.into(),
        evidence: "全年无办件".into(),
    };
    assert!(step(&mut s, "bb", result("", " "))
        .unwrap_err()
        .to_string()
        .contains("reason"));
    assert_eq!(
        code(&step(&mut s, "bb", result("T2", "无能力")).unwrap_err()),
        "delegation_not_receiver"
    );
    step(&mut s, "bb", result("T1", "镇街缺乏专业人员，全年无办件")).unwrap();
    step(&mut s, "bb", recall_cmd(adj)).unwrap();
    // The same recall twice while the first is moving.
    let adj2 = filed(&mut s, "bb", None);
    assert_eq!(
        code(&step(&mut s, "bb", recall_cmd(adj2)).unwrap_err()),
        "delegation_recall_filed"
    );
    step(&mut s, "bb", DelegationCmd::CloseRound { round }).unwrap();
    let late = result("T1", "再议");
    assert_eq!(
        code(&step(&mut s, "bb", late).unwrap_err()),
        "delegation_round_closed"
    );
    assert_eq!(s.delegation.rounds[&round].results.len(), 1);
}

#[test]
fn usage_lays_counts_against_the_receivers() {
    let s = county();
    let mut counts = BTreeMap::new();
    counts.insert((DELEGATED.to_string(), "T1".to_string()), 4);
    counts.insert((DELEGATED.to_string(), "T2".to_string()), 1);
    counts.insert(("territorial/1".to_string(), "T1".to_string()), 9);
    let rows = usage_report(&s.org, &s.lists, &counts, "2026-03-02");
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!((r.total, r.elsewhere), (5, 1));
    assert_eq!(r.townships, vec![("T1".to_string(), 4)]);
    assert!(r.in_transition && !r.zero());
    let none = usage_report(&s.org, &s.lists, &BTreeMap::new(), "2026-07-01");
    assert!(none[0].zero() && !none[0].in_transition);
    assert_eq!(none[0].idle_townships().collect::<Vec<_>>(), ["T1"]);
}
