//! The seeds' rules as known answers: 上虞's proportional rule, 黄岩's threshold rule, per-event
//! deductions with caps, bonuses, evaluator groups, appeals, and scheme validation.

use super::*;
use crate::stats::tests::{hop, rules, World, DAY, NOV1};
use crate::stats::{HopFact, Measure};
use std::collections::{BTreeMap, BTreeSet};

fn leaf(code: &str, weight: f64, m: Measure, g: Evaluators, rule: Rule) -> Indicator {
    Indicator {
        code: code.into(),
        name: format!("{code}指标"),
        weight,
        children: vec![],
        source: Some(Source::Measure {
            measure: m,
            evaluators: g,
        }),
        rule: Some(rule),
    }
}

fn scheme(indicators: Vec<Indicator>) -> Scheme {
    Scheme {
        id: "dept".into(),
        name: "部门考核".into(),
        version: 1,
        subject: Subject::Department,
        full_score: indicators.iter().map(|i| i.weight).sum(),
        basic_counts_as_satisfied: true,
        indicators,
    }
}

/// `n` graded hops to D1 from `sender`, the first `bad` of them 不满意 (level 2).
fn graded(n: u64, bad: u64, sender: &str, first_id: u64) -> Vec<HopFact> {
    (0..n)
        .map(|i| {
            let mut h = hop(first_id + i, sender, "D1", NOV1 + DAY);
            h.level = Some(if i < bad { 2 } else { 0 });
            h
        })
        .collect()
}

fn run(s: &Scheme, hops: &[HopFact], removed: &BTreeSet<(String, String, u64)>) -> Vec<UnitResult> {
    let w = World::new();
    let ctx = w.ctx();
    let manual = BTreeMap::new();
    let inp = Inputs {
        ctx: &ctx,
        rules: rules(NOV1 + 40 * DAY),
        manual: &manual,
        removed,
        units: vec!["D1".into(), "D2".into()],
    };
    score(s, &inp, &[], hops)
}

/// 上虞: "满意率不到100%的按比例倒扣分": 10 points × 95% = 9.5, and each 不满意 event
/// carries 10/20 = 0.5 of the deduction.
#[test]
fn shangyu_proportional_rule() {
    let s = scheme(vec![leaf(
        "sat",
        10.0,
        Measure::SatisfactionRate,
        Evaluators::Any,
        Rule::Proportional,
    )]);
    let r = run(&s, &graded(20, 1, "CC", 0), &BTreeSet::new());
    let d1 = r.iter().find(|r| r.unit == "D1").unwrap();
    assert_eq!(d1.score, 9.5);
    let i = &d1.indicators[0];
    assert_eq!(i.value, Some(0.95));
    assert_eq!(i.lines.len(), 1);
    assert_eq!(i.lines[0].points, -0.5);
    assert_eq!(i.lines[0].events, vec![0]);
    assert!(i.lines[0].zh.contains("95.00%"), "{}", i.lines[0].zh);
    // D2 has no graded hops: "—", no deduction, ranked below nobody but above none.
    let d2 = r.iter().find(|r| r.unit == "D2").unwrap();
    assert_eq!(d2.score, 10.0);
    assert!(d2.indicators[0].lines[0].zh.contains("—"));
    assert_eq!((d2.rank, d1.rank), (1, 2));
}

/// 黄岩: satisfaction below 96% loses 0.1 per percentage point: 92% → −0.4.
#[test]
fn huangyan_threshold_rule() {
    let rule = Rule::Threshold {
        threshold: 96.0,
        per_point: 0.1,
        whole_points: true,
    };
    let s = scheme(vec![leaf(
        "sat",
        5.0,
        Measure::SatisfactionRate,
        Evaluators::Any,
        rule,
    )]);
    let r = run(&s, &graded(50, 4, "CC", 0), &BTreeSet::new());
    let d1 = r.iter().find(|r| r.unit == "D1").unwrap();
    assert_eq!(d1.score, 4.6);
    let line = &d1.indicators[0].lines[0];
    assert_eq!(line.points, -0.4);
    assert!(
        line.zh.starts_with("−0.4：满意率 92.00% < 96%"),
        "{}",
        line.zh
    );
    assert_eq!(line.events, vec![0, 1, 2, 3]);
    // 96.5% is above the threshold: no deduction; 95.5% with whole points loses 0.
    let r = run(&s, &graded(200, 7, "CC", 0), &BTreeSet::new());
    assert_eq!(r.iter().find(|r| r.unit == "D1").unwrap().score, 5.0);
    let r = run(&s, &graded(200, 9, "CC", 0), &BTreeSet::new());
    assert_eq!(r.iter().find(|r| r.unit == "D1").unwrap().score, 5.0);
}

#[test]
fn per_event_deductions_stop_at_the_cap_and_bonuses_add() {
    let s = scheme(vec![
        leaf(
            "bad",
            1.0,
            Measure::Unsatisfied,
            Evaluators::Any,
            Rule::PerEvent {
                per: 0.3,
                cap: None,
            },
        ),
        leaf(
            "plus",
            0.0,
            Measure::Graded,
            Evaluators::Any,
            Rule::Bonus {
                per: 0.1,
                cap: 0.25,
            },
        ),
    ]);
    let r = run(&s, &graded(5, 4, "CC", 0), &BTreeSet::new());
    let d1 = r.iter().find(|r| r.unit == "D1").unwrap();
    let bad = &d1.indicators[0];
    assert_eq!(bad.score, 0.0);
    let pts: Vec<f64> = bad.lines.iter().map(|l| l.points).collect();
    assert_eq!(pts, vec![-0.3, -0.3, -0.3, -0.1]);
    assert!(bad.lines[3].zh.contains("上限"));
    assert_eq!(d1.indicators[1].score, 0.25);
    assert_eq!(d1.score, 0.25);
}

/// 济南: township grades weigh about a third of a department's score. Grades by the county do
/// not move the townships' indicator.
#[test]
fn evaluator_groups_read_their_own_grades() {
    let s = scheme(vec![
        leaf(
            "town",
            10.0,
            Measure::SatisfactionRate,
            Evaluators::Townships,
            Rule::Proportional,
        ),
        leaf(
            "county",
            20.0,
            Measure::SatisfactionRate,
            Evaluators::County,
            Rule::Proportional,
        ),
    ]);
    assert!(s.problems().is_empty(), "{:?}", s.problems());
    assert!((s.evaluator_weight(Evaluators::Townships) / s.full_score - 1.0 / 3.0).abs() < 1e-9);
    let mut hops = graded(10, 5, "R1", 0);
    hops.extend(graded(10, 0, "CC", 100));
    let r = run(&s, &hops, &BTreeSet::new());
    let d1 = r.iter().find(|r| r.unit == "D1").unwrap();
    assert_eq!(d1.indicators[0].score, 5.0);
    assert_eq!(d1.indicators[1].score, 20.0);
}

#[test]
fn an_upheld_appeal_removes_the_event_from_the_indicator() {
    let s = scheme(vec![leaf(
        "bad",
        2.0,
        Measure::Unsatisfied,
        Evaluators::Any,
        Rule::PerEvent {
            per: 0.5,
            cap: None,
        },
    )]);
    let hops = graded(4, 2, "CC", 0);
    assert_eq!(run(&s, &hops, &BTreeSet::new())[1].score, 1.0);
    let removed = [("D1".to_string(), "bad".to_string(), 0u64)]
        .into_iter()
        .collect();
    let r = run(&s, &hops, &removed);
    let d1 = r.iter().find(|r| r.unit == "D1").unwrap();
    assert_eq!(d1.score, 1.5);
    assert_eq!(d1.indicators[0].lines.len(), 1);
    assert_eq!(d1.indicators[0].lines[0].events, vec![1]);
}

#[test]
fn bad_schemes_name_the_field() {
    let mut s = scheme(vec![
        leaf(
            "a",
            6.0,
            Measure::SatisfactionRate,
            Evaluators::Any,
            Rule::Proportional,
        ),
        leaf("b", 4.0, Measure::Hops, Evaluators::Any, Rule::Proportional),
    ]);
    s.full_score = 100.0;
    let p: Vec<String> = s.problems().iter().map(|e| e.to_string()).collect();
    assert!(
        p.iter()
            .any(|m| m.contains("weights add up to 10, not the full score 100")),
        "{p:?}"
    );
    assert!(p.iter().any(|m| m.starts_with("b, rule:")), "{p:?}");
    let parent = Indicator {
        code: "p".into(),
        name: "父".into(),
        weight: 10.0,
        children: vec![leaf(
            "c",
            3.0,
            Measure::ResponseRate,
            Evaluators::Any,
            Rule::Proportional,
        )],
        source: None,
        rule: None,
    };
    let s2 = scheme(vec![parent]);
    let p: Vec<String> = s2.problems().iter().map(|e| e.to_string()).collect();
    assert!(
        p.iter()
            .any(|m| m.contains("p, weight: children add up to 3, not 10")),
        "{p:?}"
    );
    // An unknown measure is refused when the scheme is read.
    let json = r#"{"id":"x","name":"x","subject":"department","full_score":1,
        "indicators":[{"code":"a","name":"a","weight":1,
        "source":{"type":"measure","measure":"happiness"},"rule":{"type":"proportional"}}]}"#;
    let e = serde_json::from_str::<Scheme>(json)
        .unwrap_err()
        .to_string();
    assert!(e.contains("happiness"), "{e}");
}
