use super::*;
use crate::calendar::{parse_cst, OfficeHours, WorkCalendar};
use crate::lists::{Item, ListKind, VersionMeta};
use crate::org::{Person, RoleGrant, RoleKind, Unit, UnitKind};
use crate::{CountyState, DomainError, Transition};

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

const PEOPLE: [(&str, RoleKind, &str); 13] = [
    ("grid", RoleKind::GridWorker, "V1"),
    ("op", RoleKind::TownshipOperator, "T1"),
    ("disp", RoleKind::CountyDispatcher, "CC"),
    ("zj", RoleKind::DepartmentHandler, "D1"),
    ("zf", RoleKind::DepartmentHandler, "D2"),
    ("hb", RoleKind::DepartmentHandler, "D3"),
    ("bb", RoleKind::EstablishmentReviewer, "BB"),
    ("jw", RoleKind::DisciplineInspector, "JW"),
    // The 派出所 stationed in T1, the one stationed in T2, and T2's command room.
    ("pcs", RoleKind::DepartmentHandler, "S1"),
    ("pcs2", RoleKind::DepartmentHandler, "S2"),
    ("op2", RoleKind::TownshipOperator, "T2"),
    // A leader of township T1 and a leader of the county.
    ("ld1", RoleKind::Leader, "T1"),
    ("ld", RoleKind::Leader, "K"),
];

/// A unit stationed in `township`, owned by `owner`.
fn stationed(code: &str, owner: &str, township: &str) -> Unit {
    let mut u = unit(code, UnitKind::StationedUnit, Some(owner));
    u.owner_department = Some(owner.into());
    u.township = Some(township.into());
    u
}

/// A small county: two townships (T1 with a village), a command centre, three departments,
/// a 派出所 stationed in each township (S1 in T1, S2 in T2, both owned by D2), a 市场监管所
/// in T1 (S3, owned by D3), 编办, 纪委, one
/// joint item (D1 lead, D2 and D3 supporting) and the 2026 calendar around 春节.
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
        unit("T2", UnitKind::Town, Some("K")),
        stationed("S1", "D2", "T1"),
        stationed("S2", "D2", "T2"),
        stationed("S3", "D3", "T1"),
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

/// Runs `cmd` and expects a refusal that leaves the state as it was.
pub(super) fn refused(s: &mut CountyState, who: &str, when: &str, cmd: EventCmd) -> DomainError {
    let before = s.clone();
    let e = run(s, who, when, cmd).unwrap_err();
    assert_eq!(*s, before, "a refused command changed the state");
    e
}

pub(super) fn principal(name: &str) -> crate::access::Principal {
    let (_, role, unit) = PEOPLE.iter().find(|p| p.0 == name).copied().unwrap();
    crate::access::Principal {
        username: name.into(),
        name: name.into(),
        unit: unit.into(),
        grants: vec![RoleGrant {
            role,
            unit: unit.into(),
        }],
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

mod archive;
mod delegation;
mod flows;
mod loop_flow;
mod props;
mod read_scope;
mod scope;
mod snapshot;
mod township;
mod work_props;
mod work_units;
