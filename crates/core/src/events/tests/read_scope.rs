//! The read scope as data (`scope::read_scope`) means what the rule in `who` always meant:
//! checked against the rule as it was written before it became data, on random events
//! (callers, origins, locations, reporters, hops, unknown units) and random principals.

use super::*;
use crate::access::{covers_county, Principal};
use crate::events::scope::{read_scope, sees, GrantScope};
use crate::events::who::{effective_unit, may_see};
use crate::state::OrgState;
use proptest::prelude::*;

/// The rule as `who::grant_sees` stated it before the scopes.
fn reference(org: &OrgState, username: &str, role: RoleKind, unit: &str, e: &Event) -> bool {
    let township_matches = |t: &str| {
        e.caller_unit == t
            || e.facts.location.township.as_deref() == Some(t)
            || org.is_within(&e.origin_unit, t)
    };
    let grant = RoleGrant {
        role,
        unit: unit.to_string(),
    };
    if covers_county(&grant, org) {
        return true;
    }
    match role {
        RoleKind::Leader => township_matches(unit),
        RoleKind::TownshipOperator | RoleKind::TownshipLeader => {
            let t = effective_unit(org, role, unit);
            township_matches(&t) || e.receivers().any(|r| r == t)
        }
        RoleKind::GridWorker => {
            e.reporter == username || e.facts.location.village.as_deref() == Some(unit)
        }
        RoleKind::DepartmentHandler | RoleKind::DepartmentLeader => e
            .receivers()
            .chain(e.assignments.iter().map(|a| a.sender_unit.as_str()))
            .any(|r| r == unit || org.is_within(r, unit)),
        _ => false,
    }
}

const CODES: [&str; 16] = [
    "C", "K", "T1", "V1", "CC", "D1", "D2", "D3", "BB", "JW", "T2", "S1", "S2", "S3", "X9", "",
];

/// The world, with a division under D2 and a village in T2, and one dispatched event whose
/// hop serves as the template of random hops.
fn base() -> (CountyState, Event) {
    let mut s = world();
    let mut div = super::unit("D2A", crate::org::UnitKind::Division, Some("D2"));
    div.township = None;
    s.check_and_apply(&Transition::UnitSaved { unit: div })
        .unwrap();
    let v2 = super::unit("V2", crate::org::UnitKind::Village, Some("T2"));
    s.check_and_apply(&Transition::UnitSaved { unit: v2 })
        .unwrap();
    let id = run(
        &mut s,
        "disp",
        "2026-03-02T09:00",
        EventCmd::Report {
            event: new_event(false),
        },
    )
    .unwrap();
    run(
        &mut s,
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
    let e = s.events.event(id).unwrap().clone();
    assert_eq!(e.assignments.len(), 1);
    (s, e)
}

fn code() -> impl Strategy<Value = String> {
    prop::sample::select(
        CODES
            .iter()
            .chain(["D2A", "V2"].iter())
            .map(|c| c.to_string())
            .collect::<Vec<_>>(),
    )
}

fn opt_code() -> impl Strategy<Value = Option<String>> {
    prop::option::of(code())
}

fn user() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "grid".to_string(),
        "op".into(),
        "zj".into(),
        "nobody".into(),
    ])
}

fn grant() -> impl Strategy<Value = RoleGrant> {
    (prop::sample::select(RoleKind::ALL.to_vec()), code())
        .prop_map(|(role, unit)| RoleGrant { role, unit })
}

type Shape = (
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    Vec<(String, String)>,
);

fn event_shape() -> impl Strategy<Value = Shape> {
    (
        code(),
        code(),
        opt_code(),
        opt_code(),
        user(),
        prop::collection::vec((code(), code()), 0..4),
    )
}

fn make(base: &Event, shape: Shape) -> Event {
    let (caller, origin, township, village, reporter, hops) = shape;
    let mut e = base.clone();
    e.caller_unit = caller;
    e.origin_unit = origin;
    e.facts.location.township = township;
    e.facts.location.village = village;
    e.reporter = reporter;
    let tpl = base.assignments[0].clone();
    e.assignments = hops
        .into_iter()
        .enumerate()
        .map(|(i, (from, to))| {
            let mut a = tpl.clone();
            a.n = i as u32 + 1;
            a.sender_unit = from;
            a.receiver_unit = to;
            a
        })
        .collect();
    e
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn may_see_is_any_scope_matching(
        shape in event_shape(),
        username in user(),
        grants in prop::collection::vec(grant(), 0..4),
    ) {
        let (s, b) = base();
        let e = make(&b, shape);
        let p = Principal { username: username.clone(), name: username.clone(), unit: "K".into(), grants };
        let old = p.grants.iter().any(|g| reference(&s.org, &p.username, g.role, &g.unit, &e));
        let scopes = read_scope(&s.org, &p);
        prop_assert_eq!(may_see(&p, &s.org, &e), old);
        prop_assert_eq!(sees(&scopes, &e), old, "scopes {:?}", scopes);
    }
}

#[test]
fn scopes_of_the_fixture_roles() {
    let (s, _) = base();
    let scope = |who: &str| read_scope(&s.org, &principal(who));
    assert_eq!(scope("disp"), vec![GrantScope::All]);
    assert_eq!(scope("ld"), vec![GrantScope::All]);
    assert_eq!(
        scope("grid"),
        vec![GrantScope::GridWorker {
            username: "grid".into(),
            village: "V1".into()
        }]
    );
    // A township holds its villages and the units stationed in it.
    assert_eq!(
        scope("op"),
        vec![GrantScope::Township {
            township: "T1".into(),
            units_within: vec!["S1".into(), "S3".into(), "T1".into(), "V1".into()],
            receivers_too: true,
        }]
    );
    assert_eq!(
        scope("zf"),
        vec![GrantScope::Units {
            units: vec!["D2".into(), "D2A".into(), "S1".into(), "S2".into()]
        }]
    );
    assert!(read_scope(
        &s.org,
        &Principal {
            username: "x".into(),
            name: "x".into(),
            unit: "K".into(),
            grants: vec![]
        }
    )
    .is_empty());
}
