//! Track cleaning (properties), the patrol flow and its refusals, and the weekly analysis.

use super::track::{clean, is_clean, malformed};
use super::*;
use crate::events::Party;
use crate::org::{Grid, GridKind, Person, RoleKind, Unit, UnitKind};
use crate::{CountyState, DomainError, Transition};
use proptest::prelude::*;

const T0: i64 = 1_790_000_000_000;

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

fn square(lon: f64, lat: f64) -> String {
    let d = 0.01;
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{lon},{lat}],[{},{lat}],[{},{}],[{lon},{}],[{lon},{lat}]]]}}"#,
        lon + d,
        lon + d,
        lat + d,
        lat + d
    )
}

fn state() -> CountyState {
    let mut s = CountyState::default();
    for u in [
        unit("C", UnitKind::City, None),
        unit("K", UnitKind::County, Some("C")),
        unit("T1", UnitKind::Town, Some("K")),
        unit("T2", UnitKind::Town, Some("K")),
        unit("C1", UnitKind::Community, Some("T1")),
        unit("V2", UnitKind::Village, Some("T2")),
    ] {
        s.check_and_apply(&Transition::UnitSaved { unit: u })
            .unwrap();
    }
    for (u, unit) in [("w1", "C1"), ("w2", "V2"), ("op", "T1")] {
        let person = Person {
            username: u.into(),
            name: "某某".into(),
            phone: String::new(),
            unit: unit.into(),
            active: true,
        };
        s.check_and_apply(&Transition::PersonSaved { person })
            .unwrap();
    }
    for (code, village, w, lon) in [("G1", "C1", "w1", 120.0), ("G2", "V2", "w2", 120.1)] {
        let grid = Grid {
            code: code.into(),
            name: format!("{code}网格"),
            kind: GridKind::Comprehensive,
            village: village.into(),
            leader: None,
            workers: vec![w.into()],
            geometry: square(lon, 30.0),
        };
        s.check_and_apply(&Transition::GridSaved { grid }).unwrap();
    }
    s
}

fn party(u: &str, role: RoleKind, unit: &str) -> Party {
    Party {
        username: u.into(),
        role,
        unit: unit.into(),
    }
}

fn w1() -> Party {
    party("w1", RoleKind::GridWorker, "C1")
}

fn step(s: &mut CountyState, by: &Party, at: i64, cmd: PatrolCmd) -> Result<(), DomainError> {
    s.check_and_apply(&Transition::Patrol {
        at_ms: at,
        by: by.clone(),
        cmd,
    })
}

fn start(s: &mut CountyState, id: &str, at: i64) {
    step(
        s,
        &w1(),
        at,
        PatrolCmd::Start {
            id: id.into(),
            grid: "G1".into(),
            started_ms: at,
        },
    )
    .unwrap();
}

fn pt(t: i64, lon: f64, lat: f64) -> Point {
    Point {
        t,
        lon,
        lat,
        acc: None,
    }
}

#[test]
fn only_the_grids_workers_patrol_it() {
    let mut s = state();
    let e = step(
        &mut s,
        &party("w2", RoleKind::GridWorker, "V2"),
        T0,
        PatrolCmd::Start {
            id: "p1".into(),
            grid: "G1".into(),
            started_ms: T0,
        },
    )
    .unwrap_err();
    assert!(matches!(e, DomainError::Forbidden(_)), "{e}");
    let e = step(
        &mut s,
        &party("op", RoleKind::TownshipOperator, "T1"),
        T0,
        PatrolCmd::Start {
            id: "p1".into(),
            grid: "G1".into(),
            started_ms: T0,
        },
    )
    .unwrap_err();
    assert!(matches!(e, DomainError::Forbidden(_)), "{e}");
    start(&mut s, "p1", T0);
    // One open patrol at a time; another person may not add to it.
    let e = step(
        &mut s,
        &w1(),
        T0,
        PatrolCmd::Start {
            id: "p2".into(),
            grid: "G1".into(),
            started_ms: T0,
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("end patrol p1"), "{e}");
    let e = step(
        &mut s,
        &party("w2", RoleKind::GridWorker, "V2"),
        T0,
        PatrolCmd::End {
            patrol: "p1".into(),
            ended_ms: T0,
            note: String::new(),
        },
    )
    .unwrap_err();
    assert!(matches!(e, DomainError::Forbidden(_)));
}

#[test]
fn a_batch_is_received_once_and_bad_points_name_their_field() {
    let mut s = state();
    start(&mut s, "p1", T0);
    let batch = |points: Vec<Point>| PatrolCmd::Points {
        patrol: "p1".into(),
        batch: "b1".into(),
        points,
        dropped: Dropped::default(),
    };
    let e = step(&mut s, &w1(), T0 + 60_000, batch(vec![pt(T0, 120.0, 95.0)])).unwrap_err();
    assert!(e.to_string().contains("points[0].lat"), "{e}");
    let e = step(
        &mut s,
        &w1(),
        T0 + 60_000,
        batch(vec![pt(T0 + 2, 120.0, 30.0), pt(T0 + 1, 120.0, 30.0)]),
    )
    .unwrap_err();
    assert!(e.to_string().contains("points"), "{e}");
    let before = s.clone();
    let good = batch(vec![
        pt(T0 + 1000, 120.001, 30.001),
        pt(T0 + 2000, 120.002, 30.001),
    ]);
    step(&mut s, &w1(), T0 + 60_000, good.clone()).unwrap();
    let p = s.patrol.patrol("p1").unwrap();
    assert_eq!(p.points, 2);
    assert!(
        p.distance_m > 90.0 && p.distance_m < 110.0,
        "{}",
        p.distance_m
    );
    let after = s.clone();
    let e = step(&mut s, &w1(), T0 + 70_000, good).unwrap_err();
    assert!(matches!(e, DomainError::Conflict(_)), "{e}");
    assert_eq!(s, after);
    assert_ne!(before, after);
}

#[test]
fn a_finding_links_the_event_reported_just_before() {
    let mut s = state();
    start(&mut s, "p1", T0);
    step(
        &mut s,
        &w1(),
        T0 + 1000,
        PatrolCmd::Finding {
            patrol: "p1".into(),
            id: "f1".into(),
            category: "市容环境".into(),
            description: "垃圾堆放".into(),
            lon: 120.005,
            lat: 30.005,
            found_ms: T0 + 1000,
            photos: vec![],
        },
    )
    .unwrap();
    // Without an event just before, the link is refused.
    let e = step(
        &mut s,
        &w1(),
        T0 + 2000,
        PatrolCmd::FindingReported {
            patrol: "p1".into(),
            finding: "f1".into(),
        },
    )
    .unwrap_err();
    assert!(matches!(e, DomainError::Conflict(_)), "{e}");
    let e = step(
        &mut s,
        &w1(),
        T0 + 2000,
        PatrolCmd::Finding {
            patrol: "p1".into(),
            id: "f2".into(),
            category: " ".into(),
            description: "x".into(),
            lon: 120.0,
            lat: 30.0,
            found_ms: T0 - 10_000,
            photos: vec![],
        },
    )
    .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("category") && msg.contains("found_ms"),
        "{msg}"
    );
}

#[test]
fn minutes_by_the_townships_own_staff_and_rules_by_an_administrator() {
    let mut s = state();
    let minutes = |t: &str| PatrolCmd::Minutes {
        township: t.into(),
        week: "2026-W48".into(),
        attendees: "张三".into(),
        text: "会商三件".into(),
    };
    let op = party("op", RoleKind::TownshipOperator, "T1");
    assert!(matches!(
        step(&mut s, &op, T0, minutes("T2")).unwrap_err(),
        DomainError::Forbidden(_)
    ));
    step(&mut s, &op, T0, minutes("T1")).unwrap();
    assert!(s.patrol.minutes.contains_key("T1/2026-W48"));
    let mut bad = minutes("T1");
    if let PatrolCmd::Minutes { week, .. } = &mut bad {
        *week = "2026-11".into();
    }
    assert!(step(&mut s, &op, T0, bad)
        .unwrap_err()
        .to_string()
        .contains("week"));
    let rules = PatrolRules {
        community_days: 0,
        ..PatrolRules::default()
    };
    let admin = party("a", RoleKind::SystemAdmin, "K");
    let e = step(&mut s, &admin, T0, PatrolCmd::SetRules { rules }).unwrap_err();
    assert!(e.to_string().contains("community_days"), "{e}");
    assert!(step(
        &mut s,
        &op,
        T0,
        PatrolCmd::SetRules {
            rules: PatrolRules::default()
        }
    )
    .is_err());
}

#[test]
fn the_week_shows_coverage_findings_and_overdue_grids() {
    let mut s = state();
    start(&mut s, "p1", T0);
    step(
        &mut s,
        &w1(),
        T0 + 1000,
        PatrolCmd::Finding {
            patrol: "p1".into(),
            id: "f1".into(),
            category: "市容环境".into(),
            description: "垃圾堆放".into(),
            lon: 120.005,
            lat: 30.005,
            found_ms: T0 + 1000,
            photos: vec![],
        },
    )
    .unwrap();
    let a = analyse(
        &s.patrol,
        &s.org,
        "T1",
        T0 - 1000,
        T0 + 7 * 86_400_000,
        T0 + 3_600_000,
        None,
        &|_| None,
    );
    assert_eq!(a.grids.len(), 1);
    assert_eq!(a.covered(), 1);
    assert_eq!(a.by_category(), vec![("市容环境".to_string(), 1)]);
    assert!(a.overdue_findings(T0 + 3_600_000).is_empty());
    assert_eq!(a.overdue_findings(T0 + 2 * 86_400_000).len(), 1);
    // G1 is a community grid: daily; two days later it is overdue, G2 was never patrolled.
    let late = overdue_grids(&s.patrol, &s.org, None, T0 + 2 * 86_400_000);
    assert_eq!(late.len(), 2);
    assert_eq!(
        overdue_grids(&s.patrol, &s.org, Some("T1"), T0 + 3_600_000).len(),
        0
    );
}

proptest! {
    #[test]
    fn cleaning_sorts_dedups_and_keeps_only_nearby_points_in_time(
        raw in prop::collection::vec((0i64..500, -1.0f64..2.0, -1.0f64..2.0), 0..60),
        repeat in 0usize..5,
    ) {
        let mut pts: Vec<Point> = raw.iter().map(|(t, x, y)| pt(T0 + t * 1000, 120.0 + x, 30.0 + y)).collect();
        let copies: Vec<Point> = pts.iter().take(repeat).copied().collect();
        pts.extend(copies);
        let area = crate::org::BBox { min_lon: 120.0, min_lat: 30.0, max_lon: 121.0, max_lat: 31.0 };
        let (from, until) = (T0 + 100_000, T0 + 400_000);
        let (kept, d) = clean(&pts, from, until, Some(&area));
        prop_assert!(is_clean(&kept));
        prop_assert!(malformed(&pts).iter().all(|e| e.field == "points"));
        prop_assert_eq!(kept.len() as u32 + d.total(), pts.len() as u32);
        for p in &kept {
            prop_assert!(p.t >= from && p.t <= until);
            prop_assert!(p.lon >= 119.5 && p.lon <= 121.5 && p.lat >= 29.5 && p.lat <= 31.5);
        }
        // Cleaning again changes nothing.
        let (again, d2) = clean(&kept, from, until, Some(&area));
        prop_assert_eq!(&again, &kept);
        prop_assert_eq!(d2.total(), 0);
    }
}
