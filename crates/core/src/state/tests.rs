use super::*;
use crate::access::{Area, Principal};
use crate::org::{GridKind, RoleKind, UnitKind};

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

fn sample() -> CountyState {
    let mut s = CountyState::default();
    for u in [
        unit("C", UnitKind::City, None),
        unit("K", UnitKind::County, Some("C")),
        unit("T1", UnitKind::Town, Some("K")),
        unit("T2", UnitKind::Subdistrict, Some("K")),
        unit("V1", UnitKind::Village, Some("T1")),
        unit("D1", UnitKind::Department, Some("K")),
    ] {
        s.check_and_apply(&Transition::UnitSaved { unit: u })
            .unwrap();
    }
    let mut st = unit("S1", UnitKind::StationedUnit, Some("D1"));
    st.owner_department = Some("D1".into());
    st.township = Some("T1".into());
    s.check_and_apply(&Transition::UnitSaved { unit: st })
        .unwrap();
    for (u, unit) in [("op", "T1"), ("h", "D1"), ("st", "S1"), ("v", "V1")] {
        let p = Person {
            username: u.into(),
            name: "某某".into(),
            phone: String::new(),
            unit: unit.into(),
            active: true,
        };
        s.check_and_apply(&Transition::PersonSaved { person: p })
            .unwrap();
    }
    s
}

#[test]
fn rejects_unknown_parents_wrong_kinds_and_cycles() {
    let mut s = sample();
    let e = s
        .check(&Transition::UnitSaved {
            unit: unit("X", UnitKind::Village, Some("NOPE")),
        })
        .unwrap_err();
    assert!(e.to_string().contains("unknown unit 'NOPE'"), "{e}");
    let e = s
        .check(&Transition::UnitSaved {
            unit: unit("X", UnitKind::Village, Some("D1")),
        })
        .unwrap_err();
    assert!(e.to_string().contains("cannot belong"), "{e}");
    // Moving the county under its own township would make a cycle.
    let mut k = unit("T1", UnitKind::Town, Some("T1"));
    k.parent = Some("T1".into());
    assert!(s.check(&Transition::UnitSaved { unit: k }).is_err());
    // Kind cannot change.
    let e = s
        .check(&Transition::UnitSaved {
            unit: unit("T1", UnitKind::Subdistrict, Some("K")),
        })
        .unwrap_err();
    assert!(e.to_string().contains("kind cannot change"));
    // A failed check changes nothing.
    let before = s.clone();
    assert!(s
        .check_and_apply(&Transition::UnitSaved {
            unit: unit("Y", UnitKind::Village, Some("Q"))
        })
        .is_err());
    assert_eq!(before, s);
}

#[test]
fn role_scopes_are_enforced() {
    let s = sample();
    let ok = Transition::RolesSet {
        username: "op".into(),
        grants: vec![RoleGrant {
            role: RoleKind::TownshipOperator,
            unit: "T1".into(),
        }],
    };
    s.check(&ok).unwrap();
    let bad = Transition::RolesSet {
        username: "op".into(),
        grants: vec![RoleGrant {
            role: RoleKind::CountyDispatcher,
            unit: "T1".into(),
        }],
    };
    assert!(s
        .check(&bad)
        .unwrap_err()
        .to_string()
        .contains("cannot be scoped"));
    let ghost = Transition::RolesSet {
        username: "ghost".into(),
        grants: vec![],
    };
    assert!(matches!(s.check(&ghost), Err(DomainError::NotFound { .. })));
}

#[test]
fn grids_need_a_village_and_a_valid_polygon() {
    let s = sample();
    let g = |village: &str, geometry: &str| Transition::GridSaved {
        grid: Grid {
            code: "G1".into(),
            name: "第一网格".into(),
            kind: GridKind::Comprehensive,
            village: village.into(),
            leader: Some("v".into()),
            workers: vec!["v".into()],
            geometry: geometry.into(),
        },
    };
    let poly = r#"{"type":"Polygon","coordinates":[[[117,36],[117.1,36],[117.1,36.1],[117,36]]]}"#;
    s.check(&g("V1", poly)).unwrap();
    assert!(s
        .check(&g("T1", poly))
        .unwrap_err()
        .to_string()
        .contains("not a village"));
    assert!(s
        .check(&g("V1", r#"{"type":"Polygon","coordinates":[[[117,36]]]}"#))
        .is_err());
}

#[test]
fn contact_visibility_follows_scope() {
    let s = sample();
    let op = Principal {
        username: "op".into(),
        name: "".into(),
        unit: "T1".into(),
        grants: vec![RoleGrant {
            role: RoleKind::TownshipOperator,
            unit: "T1".into(),
        }],
    };
    assert!(op.may_see_contacts_in("V1", &s.org));
    // The township co-manages the stationed unit placed in it.
    assert!(op.may_see_contacts_in("S1", &s.org));
    assert!(!op.may_see_contacts_in("D1", &s.org));
    assert!(!op.may_see_contacts_in("T2", &s.org));
    assert!(!op.may_enter(Area::Administration));
    assert!(op.may_enter(Area::Organisation));
    let admin = Principal {
        grants: vec![RoleGrant {
            role: RoleKind::SystemAdmin,
            unit: "K".into(),
        }],
        ..op.clone()
    };
    assert!(admin.may_see_contacts_in("D1", &s.org));
    assert!(admin.may_enter(Area::Administration));
}

#[test]
fn payloads_round_trip() {
    let t = Transition::RolesSet {
        username: "op".into(),
        grants: vec![RoleGrant {
            role: RoleKind::TownshipOperator,
            unit: "T1".into(),
        }],
    };
    assert_eq!(Transition::from_payload(&t.to_payload()).unwrap(), t);
    assert!(t.to_payload().contains("\"type\":\"roles_set\""));
}

#[test]
fn erasure_clears_personal_data_and_closes_the_account() {
    let mut s = sample();
    s.check_and_apply(&Transition::PasswordSet {
        username: "op".into(),
        password_hash: "$argon2id$v=19$x".into(),
    })
    .unwrap();
    let erase = Transition::PersonErased {
        username: "op".into(),
    };
    s.check_and_apply(&erase).unwrap();
    let r = &s.org.people["op"];
    assert_eq!(r.person.name, crate::org::ERASED);
    assert_eq!(r.person.phone, crate::org::ERASED);
    assert!(!r.person.active && r.erased);
    assert_eq!(r.password_hash, None);
    assert!(r.grants.is_empty());
    // Denials: twice, an unknown person, and any later change to the erased account.
    assert!(matches!(s.check(&erase), Err(DomainError::Conflict(_))));
    assert!(matches!(
        s.check(&Transition::PersonErased {
            username: "nobody".into()
        }),
        Err(DomainError::NotFound { .. })
    ));
    let mut p = r.person.clone();
    p.name = "新名字".into();
    p.phone = String::new();
    p.active = true;
    assert!(s.check(&Transition::PersonSaved { person: p }).is_err());
    assert!(s
        .check(&Transition::PasswordSet {
            username: "op".into(),
            password_hash: "$argon2id$v=19$y".into(),
        })
        .is_err());
    // Nobody else may take the marker as their name.
    let fake = Person {
        username: "new".into(),
        name: crate::org::ERASED.into(),
        phone: String::new(),
        unit: "T1".into(),
        active: true,
    };
    assert!(s.check(&Transition::PersonSaved { person: fake }).is_err());
}
