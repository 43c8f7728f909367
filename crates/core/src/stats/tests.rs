//! Known answers of the formulas (天门's monthly bulletin) and cube invariants.

use super::*;
use crate::categories::CategoryTree;
use crate::events::{AssignmentRole, AssignmentStatus, Channel, EventStatus, Urgency};
use proptest::prelude::*;
use std::collections::BTreeMap;

pub(crate) const DAY: i64 = 86_400_000;
/// 2026-11-01T00:00+08:00.
pub(crate) const NOV1: i64 = 1_793_462_400_000;

pub(crate) fn event(id: u64, township: &str, created: i64) -> EventFact {
    EventFact {
        event_id: id,
        created_ms: created,
        category: "S06".into(),
        channel: Channel::GridReport,
        urgency: Urgency::Normal,
        origin_unit: "V1".into(),
        township: Some(township.into()),
        village: Some("V1".into()),
        grid: None,
        item_id: Some("I1".into()),
        lead_unit: Some("D1".into()),
        status: EventStatus::InProgress,
        due_ms: Some(created + 5 * DAY),
        closed_ms: None,
        close_wms: None,
        returns: 0,
        reopens: 0,
        disputes: 0,
        whistles: 0,
        escalated: false,
        level: None,
    }
}

pub(crate) fn hop(id: u64, sender: &str, receiver: &str, at: i64) -> HopFact {
    HopFact {
        event_id: id,
        n: 1,
        role: AssignmentRole::Lead,
        sender_unit: sender.into(),
        receiver_unit: receiver.into(),
        status: AssignmentStatus::Dispatched,
        dispatched_ms: at,
        category: "S06".into(),
        channel: Channel::TownshipCall,
        urgency: Urgency::Normal,
        township: Some("T1".into()),
        item_id: Some("I1".into()),
        off_list: false,
        signed_ms: None,
        sign_due: at + 3_600_000,
        responded_ms: None,
        respond_due: None,
        reported_ms: None,
        complete_due: at + 5 * DAY,
        sign_wms: None,
        respond_wms: None,
        report_wms: None,
        level: None,
        return_requests: 0,
        returned: false,
        disputed: false,
        rework: false,
        reminders: 0,
        supervisions: 0,
        escalated: false,
    }
}

pub(crate) struct World {
    pub cats: CategoryTree,
    pub units: BTreeMap<String, crate::org::Unit>,
    pub items: BTreeMap<String, String>,
}

impl World {
    pub fn new() -> World {
        use crate::org::{Unit, UnitKind};
        let u = |code: &str, kind: UnitKind, parent: &str| Unit {
            code: code.into(),
            name: format!("{code}全称"),
            short_name: code.into(),
            aliases: vec![],
            kind,
            parent: Some(parent.into()),
            owner_department: None,
            township: None,
        };
        let mut units = BTreeMap::new();
        for x in [
            u("K", UnitKind::County, "C"),
            u("CC", UnitKind::CountyCommandCentre, "K"),
            u("D1", UnitKind::Department, "K"),
            u("D2", UnitKind::Department, "K"),
            u("D1a", UnitKind::Division, "D1"),
            u("T1", UnitKind::Town, "K"),
            u("T2", UnitKind::Town, "K"),
            u("R1", UnitKind::TownshipCommandRoom, "T1"),
            u("V1", UnitKind::Village, "T1"),
        ] {
            units.insert(x.code.clone(), x);
        }
        let mut s1 = u("S1", UnitKind::StationedUnit, "D2");
        s1.owner_department = Some("D2".into());
        s1.township = Some("T1".into());
        units.insert("S1".into(), s1);
        World {
            cats: CategoryTree::builtin(),
            units,
            items: BTreeMap::new(),
        }
    }
    pub fn ctx(&self) -> Context<'_> {
        Context {
            categories: &self.cats,
            units: &self.units,
            items: &self.items,
        }
    }
}

pub(crate) fn rules(now: i64) -> Rules {
    Rules {
        satisfied_below: 2,
        now_ms: now,
    }
}

fn query(rows: Dim, cols: Dim, ms: &[Measure]) -> Query {
    Query {
        rows,
        cols,
        measures: ms.to_vec(),
        filters: vec![],
        from_ms: NOV1,
        to_ms: NOV1 + 30 * DAY,
    }
}

/// 天门 (hbcic.net.cn): 立案 996, 应结案 972, 结案 911 → 结案率 93.72%, 按期结案 737 → 75.82%.
#[test]
fn tianmen_closure_rates() {
    let w = World::new();
    let mut events = vec![];
    for i in 0..996u64 {
        let mut e = event(i, "T1", NOV1 + (i as i64 % 20) * DAY);
        let due = e.due_ms.unwrap();
        if i < 737 {
            e.status = EventStatus::Closed;
            e.closed_ms = Some(due - 1);
        } else if i < 911 {
            e.status = EventStatus::Closed;
            e.closed_ms = Some(due + 1);
        } else if i < 972 {
            e.due_ms = Some(NOV1);
        } else {
            e.due_ms = Some(NOV1 + 60 * DAY);
        }
        events.push(e);
    }
    let q = query(
        Dim::All,
        Dim::All,
        &[
            Measure::Events,
            Measure::DueToClose,
            Measure::Closed,
            Measure::ClosureRate,
            Measure::OnTimeClosureRate,
        ],
    );
    let t = aggregate(
        &q,
        &w.ctx(),
        &rules(NOV1 + 30 * DAY),
        &Visibility::All,
        &events,
        &[],
    );
    assert_eq!(t.total[0], Value::Count(996));
    assert_eq!(t.total[1], Value::Count(972));
    assert_eq!(t.total[2], Value::Count(911));
    assert_eq!(t.total[3].display(true), "93.72%");
    assert_eq!(t.total[4].display(true), "75.82%");
}

#[test]
fn empty_denominator_is_a_dash_not_zero() {
    let w = World::new();
    let q = query(
        Dim::All,
        Dim::All,
        &[Measure::SatisfactionRate, Measure::Hops],
    );
    let t = aggregate(&q, &w.ctx(), &rules(NOV1), &Visibility::All, &[], &[]);
    assert_eq!(t.total, vec![Value::Rate(None), Value::Count(0)]);
    assert_eq!(Value::Rate(None).display(true), "—");
    assert_eq!(Value::Duration(None).display(false), "—");
}

#[test]
fn satisfaction_counts_basic_only_when_configured() {
    let w = World::new();
    let mut hops = vec![];
    for (i, level) in [0u8, 1, 1, 2].into_iter().enumerate() {
        let mut h = hop(i as u64, "CC", "D1", NOV1 + DAY);
        h.level = Some(level);
        hops.push(h);
    }
    let q = query(Dim::All, Dim::All, &[Measure::SatisfactionRate]);
    let with_basic = aggregate(&q, &w.ctx(), &rules(NOV1), &Visibility::All, &[], &hops);
    assert_eq!(with_basic.total[0], Value::Rate(Some(0.75)));
    let strict = Rules {
        satisfied_below: 1,
        now_ms: NOV1,
    };
    let only = aggregate(&q, &w.ctx(), &strict, &Visibility::All, &[], &hops);
    assert_eq!(only.total[0], Value::Rate(Some(0.25)));
}

#[test]
fn departments_roll_up_divisions_and_stationed_units() {
    let w = World::new();
    let hops = vec![
        hop(1, "CC", "D1", NOV1),
        hop(2, "CC", "D1a", NOV1),
        hop(3, "R1", "S1", NOV1),
        hop(4, "CC", "D2", NOV1),
    ];
    let q = query(Dim::Department, Dim::Role, &[Measure::Hops]);
    let t = aggregate(&q, &w.ctx(), &rules(NOV1), &Visibility::All, &[], &hops);
    assert_eq!(t.get("D1", "lead", 0), Some(Value::Count(2)));
    assert_eq!(t.get("D2", "lead", 0), Some(Value::Count(2)));
    assert_eq!(t.rows[0].label, "D1");
    assert_eq!(t.cols[0].label, "牵头");
}

#[test]
fn durations_are_exact_quantiles_and_periods_split_by_month() {
    let w = World::new();
    let mut hops = vec![];
    for i in 1..=10i64 {
        let mut h = hop(i as u64, "CC", "D1", NOV1 + i * DAY);
        h.sign_wms = Some(i * 60_000);
        hops.push(h);
    }
    let mut late = hop(99, "CC", "D1", NOV1 + 31 * DAY);
    late.sign_wms = Some(1);
    hops.push(late);
    let mut q = query(
        Dim::Period(Grain::Month),
        Dim::All,
        &[Measure::SignTimeP50, Measure::SignTimeP90, Measure::Hops],
    );
    q.to_ms = NOV1 + 61 * DAY;
    let t = aggregate(&q, &w.ctx(), &rules(NOV1), &Visibility::All, &[], &hops);
    assert_eq!(
        t.rows.iter().map(|h| h.key.as_str()).collect::<Vec<_>>(),
        ["2026-11", "2026-12"]
    );
    assert_eq!(
        t.get("2026-11", "", 0),
        Some(Value::Duration(Some(5 * 60_000)))
    );
    assert_eq!(
        t.get("2026-11", "", 1),
        Some(Value::Duration(Some(9 * 60_000)))
    );
    assert_eq!(t.get("2026-12", "", 2), Some(Value::Count(1)));
}

#[test]
fn visibility_and_drill_down() {
    let w = World::new();
    let hops = vec![hop(1, "CC", "D1", NOV1), hop(2, "CC", "D2", NOV1)];
    let mut h3 = hop(3, "CC", "D1", NOV1);
    h3.level = Some(2);
    let hops = [hops, vec![h3]].concat();
    let vis = Visibility::Units(["D1".to_string()].into_iter().collect());
    let q = query(
        Dim::Receiver,
        Dim::All,
        &[Measure::Hops, Measure::Unsatisfied],
    );
    let t = aggregate(&q, &w.ctx(), &rules(NOV1), &vis, &[], &hops);
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.total, vec![Value::Count(2), Value::Count(1)]);
    let ids = drill(
        &q,
        &w.ctx(),
        &rules(NOV1),
        &vis,
        ("D1", "", Measure::Unsatisfied),
        &[],
        &hops,
    );
    assert_eq!(ids, vec![3]);
    let all = drill(
        &q,
        &w.ctx(),
        &rules(NOV1),
        &vis,
        ("D1", "", Measure::Hops),
        &[],
        &hops,
    );
    assert_eq!(all, vec![3, 1]);
}

#[test]
fn measure_and_dim_codes_round_trip() {
    for m in Measure::ALL {
        assert_eq!(Measure::parse(m.code()), Some(*m));
        assert_eq!(Measure::parse(m.label_zh()), Some(*m));
        assert!(!m.label_en().is_empty());
        if m.kind() == Kind::Rate {
            assert!(m.ratio().is_some(), "{m:?}");
        }
        if m.kind() == Kind::Duration {
            assert!(m.quantile().is_some(), "{m:?}");
        }
    }
    for d in Dim::CHOICES {
        assert_eq!(Dim::parse(&d.code()), Some(*d));
    }
    assert_eq!(Dim::parse("category"), Some(Dim::Category(2)));
    assert_eq!(Dim::parse("nope"), None);
}

fn arb_hop() -> impl Strategy<Value = HopFact> {
    (
        0u64..50,
        prop::sample::select(vec!["D1", "D2", "D1a", "S1", "T1"]),
        0i64..40,
        prop::option::of(0u8..3),
        any::<bool>(),
    )
        .prop_map(|(id, recv, day, level, signed)| {
            let mut h = hop(id, "CC", recv, NOV1 + day * DAY);
            h.level = level;
            if signed {
                h.signed_ms = Some(h.dispatched_ms + 60_000);
                h.sign_wms = Some(60_000);
            }
            h
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Every hop in the period is counted once: the cells add up to the row totals, the
    /// columns and the grand total, whatever the dimensions.
    #[test]
    fn cube_totals_equal_the_facts(hops in prop::collection::vec(arb_hop(), 0..80),
                                   rows in prop::sample::select(Dim::CHOICES.to_vec()),
                                   cols in prop::sample::select(Dim::CHOICES.to_vec())) {
        let w = World::new();
        let q = query(rows, cols, &[Measure::Hops, Measure::Signed, Measure::Graded]);
        let t = aggregate(&q, &w.ctx(), &rules(NOV1), &Visibility::All, &[], &hops);
        let inside = hops.iter().filter(|h| (q.from_ms..q.to_ms).contains(&h.dispatched_ms));
        let n = inside.clone().count() as u64;
        prop_assert_eq!(t.total[0], Value::Count(n));
        let signed = inside.clone().filter(|h| h.signed_ms.is_some()).count() as u64;
        prop_assert_eq!(t.total[1], Value::Count(signed));
        let sum_rows: u64 = t.row_totals.iter().map(|r| match r[0] { Value::Count(c) => c, _ => 0 }).sum();
        let sum_cols: u64 = t.col_totals.iter().map(|r| match r[0] { Value::Count(c) => c, _ => 0 }).sum();
        let sum_cells: u64 = t.cells.iter().flatten().map(|c| match c[0] { Value::Count(c) => c, _ => 0 }).sum();
        prop_assert_eq!(sum_rows, n);
        prop_assert_eq!(sum_cols, n);
        prop_assert_eq!(sum_cells, n);
    }
}

/// Rates count only work that is due: a hop dispatched a minute ago and not yet signed does
/// not lower the on-time signing rate; one past its deadline does; returned work is not due
/// from the unit that returned it.
#[test]
fn rates_count_only_work_that_is_due() {
    let w = World::new();
    let fresh = hop(1, "CC", "D1", NOV1);
    let late = hop(2, "CC", "D1", NOV1 - 10 * DAY);
    let mut signed = hop(3, "CC", "D1", NOV1 - 10 * DAY);
    signed.signed_ms = Some(signed.dispatched_ms + 60_000);
    signed.reported_ms = Some(signed.dispatched_ms + DAY);
    let mut returned = hop(4, "CC", "D1", NOV1 - 10 * DAY);
    returned.status = AssignmentStatus::Returned;
    returned.signed_ms = Some(returned.dispatched_ms + 60_000);
    let hops = [fresh, late, signed, returned];
    let mut q = query(
        Dim::All,
        Dim::All,
        &[
            Measure::DueToSign,
            Measure::OnTimeSignRate,
            Measure::DueToReport,
            Measure::OnTimeResolutionRate,
        ],
    );
    q.from_ms = NOV1 - 30 * DAY;
    let t = aggregate(
        &q,
        &w.ctx(),
        &rules(NOV1 + 60_000),
        &Visibility::All,
        &[],
        &hops,
    );
    assert_eq!(t.total[0], Value::Count(3));
    assert_eq!(t.total[1].display(true), "66.67%");
    assert_eq!(t.total[2], Value::Count(2));
    assert_eq!(t.total[3].display(true), "50.00%");
}
