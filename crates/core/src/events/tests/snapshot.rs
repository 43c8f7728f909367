//! State snapshots: a state read back from its snapshot equals the original, folds the rest of
//! the log to the same state, and bad bytes are refused without a panic.

use super::props::{arb_cmd, on_existing_hop, remap};
use super::*;
use crate::assess::{
    AssessmentCmd, Band, Evaluators, Indicator, IndicatorResult, Rule, Scheme, Source, Subject,
    UnitResult,
};
use crate::calendar::{DayKind, SpecialDay};
use crate::categories::Category;
use crate::lists::{AdjustmentKind, Application, ReviewStage};
use crate::org::{Grid, GridKind};
use crate::stats::Measure;
use proptest::prelude::*;

fn restore(s: &CountyState) -> CountyState {
    CountyState::from_snapshot_json(&s.to_snapshot_json()).unwrap()
}

fn photo(n: u64) -> String {
    format!("{n:064x}")
}

/// Every transition the random sequence tries (accepted or not), from `world()`, choosing the
/// actor as `props` does so that sequences get deep into the workflow.
fn tried(cmds: Vec<(usize, EventCmd, bool)>, gaps: &[i64]) -> Vec<Transition> {
    let mut s = world();
    let mut ids: Vec<u64> = Vec::new();
    let mut out = Vec::new();
    let mut now = at("2026-02-10T08:00");
    for (i, (w, cmd, natural)) in cmds.into_iter().enumerate() {
        now += gaps.get(i).copied().unwrap_or(0);
        let mut cmd = remap(cmd, &ids);
        let hops = cmd
            .event_id()
            .and_then(|id| s.events.event(id))
            .map_or(0, |e| e.assignments.len() as u32);
        on_existing_hop(&mut cmd, hops);
        match &mut cmd {
            // Photos, so the photo index is part of what is compared.
            EventCmd::Report { event } => event.photos = vec![photo(i as u64)],
            EventCmd::ReportBack { report, .. } => {
                report.accepted_at_ms = now;
                report.photos = vec![photo(1000 + i as u64)];
            }
            _ => {}
        }
        let event = |w: usize| Transition::Event {
            at_ms: now,
            by: party(PEOPLE[w].0),
            cmd: cmd.clone(),
        };
        let w = if natural {
            (0..PEOPLE.len())
                .find(|&x| s.check(&event(x)).is_ok())
                .unwrap_or(w)
        } else {
            w
        };
        let t = event(w);
        let seq = s.log_len;
        if s.check_and_apply(&t).is_ok() {
            if let EventCmd::Report { .. } = &cmd {
                ids.push(seq);
            }
        }
        out.push(t);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]
    #[test]
    fn snapshot_then_folding_the_rest_equals_folding_everything(
        cmds in prop::collection::vec(arb_cmd(6), 1..120),
        gaps in prop::collection::vec(0i64..6 * 3_600_000, 120),
        cut in any::<prop::sample::Index>(),
    ) {
        let log = tried(cmds, &gaps);
        let mut whole = world();
        for t in &log {
            let _ = whole.check_and_apply(t);
        }
        let k = cut.index(log.len() + 1);
        let mut folded = world();
        for t in &log[..k] {
            let _ = folded.check_and_apply(t);
        }
        let mut restored = restore(&folded);
        prop_assert_eq!(&restored, &folded);
        for t in &log[k..] {
            let verdict = folded.check(t);
            prop_assert_eq!(&restored.check(t), &verdict);
            if verdict.is_ok() {
                folded.apply(t);
                restored.apply(t);
            }
        }
        prop_assert_eq!(&restored, &whole);
    }
}

fn ok(s: &mut CountyState, t: Transition) {
    s.check_and_apply(&t).unwrap();
}

/// A joint event through dispatch, a failed evaluation (an accountability case), rework,
/// closing, 回访 and the case's conclusion; returns its id.
fn closed_event(s: &mut CountyState) -> u64 {
    let mut facts = new_event(false);
    facts.photos = vec![photo(1)];
    // Not a short decimal, so an inexact float reading would show.
    facts.location.lon = 117.1 + 1e-9 / 3.0;
    let id = run(
        s,
        "grid",
        "2026-02-13T09:00",
        EventCmd::Report { event: facts },
    )
    .unwrap();
    let call = EventCmd::Call {
        event: id,
        item: item_ref(),
        note: String::new(),
    };
    run(s, "op", "2026-02-13T09:10", call).unwrap();
    let dispatch = EventCmd::Dispatch {
        event: id,
        item: item_ref(),
        lead: "D1".into(),
        co: vec!["D2".into(), "D3".into()],
        override_reason: None,
        note: String::new(),
        suggested: None,
    };
    run(s, "disp", "2026-02-13T09:20", dispatch).unwrap();
    for (who, n) in [("zj", 1), ("zf", 2), ("hb", 3)] {
        let sign = EventCmd::Sign {
            event: id,
            assignment: n,
        };
        run(s, who, "2026-02-13T09:30", sign).unwrap();
    }
    let back = |n: u32, p: u64| EventCmd::ReportBack {
        event: id,
        assignment: n,
        report: HandlingReport {
            photos: vec![photo(p)],
            ..report()
        },
        note: String::new(),
    };
    run(s, "zf", "2026-02-13T11:00", back(2, 2)).unwrap();
    run(s, "hb", "2026-02-13T11:00", back(3, 3)).unwrap();
    run(s, "zj", "2026-02-13T11:30", back(1, 4)).unwrap();
    let grade = |n: u32, level: u8| EventCmd::Evaluate {
        event: id,
        assignment: n,
        level,
        reason: "仍未拆除".into(),
    };
    run(s, "op", "2026-02-13T12:00", grade(1, 2)).unwrap();
    run(s, "zj", "2026-02-13T14:00", back(4, 5)).unwrap();
    run(s, "zj", "2026-02-13T14:10", grade(2, 0)).unwrap();
    run(s, "op", "2026-02-13T15:00", grade(4, 0)).unwrap();
    let close = EventCmd::Close {
        event: id,
        note: String::new(),
    };
    run(s, "op", "2026-02-13T15:05", close).unwrap();
    let feedback = EventCmd::PublicFeedback {
        event: id,
        level: 0,
        comment: "满意".into(),
    };
    run(s, "disp", "2026-02-14T09:00", feedback).unwrap();
    let conclude = EventCmd::ConcludeCase {
        event: id,
        assignment: 1,
        outcome: "约谈提醒".into(),
    };
    run(s, "jw", "2026-02-14T10:00", conclude).unwrap();
    id
}

fn grid() -> Grid {
    Grid {
        code: "G1".into(),
        name: "第一网格".into(),
        kind: GridKind::Comprehensive,
        village: "V1".into(),
        leader: Some("grid".into()),
        workers: vec!["grid".into()],
        geometry: r#"{"type":"Polygon","coordinates":[[[117.05,36.55],[117.15,36.55],[117.15,36.65],[117.05,36.65],[117.05,36.55]]]}"#.into(),
    }
}

fn scheme() -> Scheme {
    let leaf = |code: &str, weight: f64, source: Source, rule: Rule| Indicator {
        code: code.into(),
        name: format!("{code}指标"),
        weight,
        children: vec![],
        source: Some(source),
        rule: Some(rule),
    };
    let sat = Source::Measure {
        measure: Measure::SatisfactionRate,
        evaluators: Evaluators::Any,
    };
    Scheme {
        id: "dept".into(),
        name: "部门考核".into(),
        version: 0,
        subject: Subject::Department,
        full_score: 100.0,
        basic_counts_as_satisfied: true,
        indicators: vec![
            leaf("sat", 60.0, sat, Rule::Proportional),
            leaf("work", 40.0, Source::Manual, Rule::Manual),
        ],
    }
}

fn assessment(s: &mut CountyState, by: &str, cmd: AssessmentCmd) {
    let by = if by == "admin" {
        Party {
            username: "admin".into(),
            role: RoleKind::SystemAdmin,
            unit: "K".into(),
        }
    } else {
        party(by)
    };
    let at_ms = at("2026-03-02T09:00");
    ok(s, Transition::Assessment { at_ms, by, cmd });
}

/// A county with something in every part of the state.
fn full_county() -> CountyState {
    let mut s = world();
    ok(
        &mut s,
        Transition::PasswordSet {
            username: "op".into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo".into(),
        },
    );
    let grants = vec![
        RoleGrant {
            role: RoleKind::TownshipOperator,
            unit: "T1".into(),
        },
        RoleGrant {
            role: RoleKind::Leader,
            unit: "T1".into(),
        },
    ];
    ok(
        &mut s,
        Transition::RolesSet {
            username: "op".into(),
            grants,
        },
    );
    ok(&mut s, Transition::GridSaved { grid: grid() });
    // Before the second list version: it cites the item at version 1.
    let id = closed_event(&mut s);
    // A second list version: a changed item and a new one.
    let mut changed = s
        .lists
        .item_at(&Item::make_id(ListKind::Territorial, "1"), 1)
        .unwrap()
        .clone();
    changed.name = "违法建设".into();
    let added = Item {
        id: Item::make_id(ListKind::Territorial, "2"),
        kind: ListKind::Territorial,
        number: "2".into(),
        name: "占道经营".into(),
        primary: vec!["D2".into()],
        ..Default::default()
    };
    let meta = VersionMeta {
        version: 2,
        effective_date: "2026-03-01".into(),
        document_no: "青编发〔2026〕9号".into(),
        source: "import:v2.xlsx".into(),
        published_at_ms: at("2026-02-20T10:00"),
        upserts: 2,
        removals: 0,
    };
    ok(
        &mut s,
        Transition::ListVersionPublished {
            meta,
            upserts: vec![changed, added],
            removals: vec![],
        },
    );
    let application = Application {
        id: 7,
        applicant: "zj".into(),
        applicant_unit: "D1".into(),
        kind: AdjustmentKind::Cancel,
        item_id: Item::make_id(ListKind::Territorial, "2"),
        base_version: 2,
        proposed: None,
        reason: "职责划转".into(),
        basis: "某文件".into(),
        opinions: String::new(),
    };
    ok(
        &mut s,
        Transition::AdjustmentFiled {
            application,
            at_ms: at("2026-02-21T09:00"),
        },
    );
    ok(
        &mut s,
        Transition::AdjustmentReviewed {
            id: 7,
            stage: ReviewStage::Establishment,
            approve: false,
            reviewer: "bb".into(),
            comment: "补充依据".into(),
            at_ms: at("2026-02-22T09:00"),
        },
    );
    let day = SpecialDay {
        date: chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        kind: DayKind::Holiday,
        name: "元旦".into(),
    };
    ok(
        &mut s,
        Transition::CalendarSet {
            days: vec![day],
            hours: None,
        },
    );
    let categories = vec![
        Category {
            code: "X01".into(),
            name: "县级自定义".into(),
            parent: None,
        },
        Category {
            code: "X01001".into(),
            name: "秸秆焚烧".into(),
            parent: Some("X01".into()),
        },
    ];
    ok(&mut s, Transition::CategoriesSet { categories });
    // A second event, still open.
    let mut facts = new_event(true);
    facts.photos = vec![photo(9)];
    run(
        &mut s,
        "disp",
        "2027-01-04T09:00",
        EventCmd::Report { event: facts },
    )
    .unwrap();
    assessment(
        &mut s,
        "admin",
        AssessmentCmd::SetScheme { scheme: scheme() },
    );
    let period = "2026-02".to_string();
    assessment(
        &mut s,
        "admin",
        AssessmentCmd::ManualScore {
            scheme: "dept".into(),
            period: period.clone(),
            unit: "D1".into(),
            indicator: "work".into(),
            score: 33.3,
            evidence: "台账".into(),
        },
    );
    assessment(
        &mut s,
        "zj",
        AssessmentCmd::Appeal {
            scheme: "dept".into(),
            period: period.clone(),
            unit: "D1".into(),
            indicator: "sat".into(),
            event: id,
            reason: "已整改".into(),
        },
    );
    let appeal = *s.assessment.appeals.keys().next().unwrap();
    assessment(
        &mut s,
        "bb",
        AssessmentCmd::DecideAppeal {
            id: appeal,
            remove: true,
            note: "属实".into(),
        },
    );
    let result = UnitResult {
        unit: "D1".into(),
        score: 93.3,
        rank: 1,
        band: Band::Excellent,
        events: 1,
        hops: 4,
        indicators: vec![IndicatorResult {
            code: "sat".into(),
            name: "sat指标".into(),
            weight: 60.0,
            score: 60.0,
            value: Some(1.0 / 3.0),
            lines: vec![],
            children: vec![],
        }],
    };
    assessment(
        &mut s,
        "admin",
        AssessmentCmd::ClosePeriod {
            scheme: "dept".into(),
            version: 1,
            period,
            results: vec![result],
        },
    );
    s
}

#[test]
fn a_full_county_reads_back_equal() {
    let s = full_county();
    // Every part is populated, so the comparison below covers it.
    let r = &s.org.people["op"];
    assert!(r.password_hash.is_some() && r.grants.len() == 2);
    assert_eq!(s.org.grid_shapes.len(), 1);
    assert_eq!(s.lists.versions.len(), 2);
    assert_eq!(
        s.adjustments[&7].sent_back_by,
        Some(ReviewStage::Establishment)
    );
    let (id, e) = s.events.events.iter().next().unwrap();
    assert!(e.assignments.len() >= 4);
    assert!(s.events.cases.contains_key(&(*id, 1)));
    assert!(s.events.feedback.contains_key(id));
    assert_eq!(s.events.per_year.len(), 2);
    assert!(s.events.photo_events.len() >= 5);
    assert!(s.categories.get("X01001").is_some());
    assert!(!s.assessment.manual.is_empty() && !s.assessment.closed.is_empty());
    assert_eq!(s.assessment.appeals.len(), 1);

    let json = s.to_snapshot_json();
    let back = CountyState::from_snapshot_json(&json).unwrap();
    assert_eq!(back, s);
    // The derived caches were rebuilt, not read: the grid locates reports again.
    let text = String::from_utf8(json).unwrap();
    assert!(!text.contains("grid_shapes"));
    assert_eq!(
        back.org.locate(117.1, 36.6).map(|g| g.code.as_str()),
        Some("G1")
    );
    assert!(back.org.locate(118.0, 36.6).is_none());
    // The next report is numbered on from the restored count.
    let mut a = s.clone();
    let mut b = back;
    for st in [&mut a, &mut b] {
        run(
            st,
            "disp",
            "2027-01-05T09:00",
            EventCmd::Report {
                event: new_event(true),
            },
        )
        .unwrap();
    }
    assert_eq!(a, b);
    let last = b.events.events.values().last().unwrap();
    assert_eq!(last.no, "2027-000002");
}

#[test]
fn snapshots_are_deterministic() {
    let s = full_county();
    assert_eq!(s.to_snapshot_json(), restore(&s).to_snapshot_json());
}

#[test]
fn bad_bytes_are_refused_without_a_panic() {
    let json = full_county().to_snapshot_json();
    // Every cut of a short prefix, then cuts spread over the whole snapshot.
    let step = (json.len() / 200).max(1);
    for n in (0..64).chain((64..json.len()).step_by(step)) {
        let e = CountyState::from_snapshot_json(&json[..n]).unwrap_err();
        assert!(e.contains("snapshot"), "{e}");
    }
    for bad in [
        &b""[..],
        b"null",
        b"{}",
        b"[1,2,3]",
        b"\xff\xfe\x00garbage",
        b"{\"org\":42}",
    ] {
        assert!(CountyState::from_snapshot_json(bad).is_err());
    }
    let e = CountyState::from_snapshot_json(&json[..json.len() - 1]).unwrap_err();
    assert!(e.contains("truncated"), "{e}");
    let e = CountyState::from_snapshot_json(b"{}").unwrap_err();
    assert!(e.contains("missing field"), "{e}");
    // Flipped bytes: an error or a state, never a panic.
    let mut x = json.clone();
    for i in (0..x.len()).step_by(step) {
        let keep = x[i];
        x[i] = b'}';
        let _ = CountyState::from_snapshot_json(&x);
        x[i] = keep;
    }
}

#[test]
fn an_empty_county_reads_back_equal() {
    let s = CountyState::default();
    assert_eq!(restore(&s), s);
}

proptest! {
    /// Snapshots hold coordinates, rates and scores: serde_json must parse floats exactly (its
    /// `float_roundtrip` feature), or a restored state differs in the last bit.
    #[test]
    fn floats_read_back_bit_for_bit(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
        let mut s = CountyState::default();
        let score = crate::assess::score::ManualScore { score: x, evidence: "e".into() };
        let by_unit = [(("D1".to_string(), "work".to_string()), score)].into();
        s.assessment.manual.insert(("dept".into(), "2026-02".into()), by_unit);
        prop_assert_eq!(restore(&s).assessment, s.assessment);
    }
}
