//! Scoring units under a scheme, with a per-point explanation down to the events behind each
//! deduction. Appeals that were upheld remove an event from one indicator of one unit.

use super::scheme::{Evaluators, Indicator, Rule, Scheme, Source, Subject};
use crate::org::UnitKind;
use crate::stats::{
    event_count, hop_count, rate, Context, EventFact, HopFact, Kind, Measure, Rules, Scope,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A manual score with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManualScore {
    pub score: f64,
    pub evidence: String,
}

/// What scoring needs besides the facts.
pub struct Inputs<'a> {
    pub ctx: &'a Context<'a>,
    pub rules: Rules,
    /// Manual scores by (unit, indicator code).
    pub manual: &'a BTreeMap<(String, String), ManualScore>,
    /// Deductions removed on appeal: (unit, indicator code, event id).
    pub removed: &'a BTreeSet<(String, String, u64)>,
    /// Every unit to assess (peers are ranked together).
    pub units: Vec<String>,
}

/// One point of the explanation: `points` (negative for a deduction), why, and the events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    pub points: f64,
    pub zh: String,
    pub en: String,
    #[serde(default)]
    pub events: Vec<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorResult {
    pub code: String,
    pub name: String,
    pub weight: f64,
    pub score: f64,
    /// The number the rule read (a rate 0–1 or a count); `None` without data.
    pub value: Option<f64>,
    pub lines: Vec<Line>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<IndicatorResult>,
}

/// Graded colour of a score relative to the full score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// ≥ 90%.
    Excellent,
    /// ≥ 80%.
    Good,
    /// ≥ 60%.
    Pass,
    Poor,
}

impl Band {
    pub fn of(score: f64, full: f64) -> Band {
        let r = if full > 0.0 { score / full } else { 0.0 };
        if r >= 0.9 {
            Band::Excellent
        } else if r >= 0.8 {
            Band::Good
        } else if r >= 0.6 {
            Band::Pass
        } else {
            Band::Poor
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Excellent => "excellent",
            Band::Good => "good",
            Band::Pass => "pass",
            Band::Poor => "poor",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Band::Excellent => "优秀",
            Band::Good => "良好",
            Band::Pass => "合格",
            Band::Poor => "待改进",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Band::Excellent => "Excellent",
            Band::Good => "Good",
            Band::Pass => "Pass",
            Band::Poor => "Needs improvement",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitResult {
    pub unit: String,
    pub score: f64,
    /// 1 = best among the peers (ties share a rank).
    pub rank: u32,
    pub band: Band,
    /// Events and hops behind the unit's measures in the period.
    pub events: u64,
    pub hops: u64,
    pub indicators: Vec<IndicatorResult>,
}

/// The subject unit a hop counts for under `s` (None: not assessed by this scheme).
pub fn hop_subject(ctx: &Context, s: Subject, f: &HopFact) -> Option<String> {
    subject_of(ctx, s, &f.receiver_unit)
}

/// The subject unit an event counts for: its township, or its lead unit's department or unit.
pub fn event_subject(ctx: &Context, s: Subject, f: &EventFact) -> Option<String> {
    match s {
        Subject::Township => f.township.clone(),
        _ => subject_of(ctx, s, f.lead_unit.as_deref()?),
    }
}

fn subject_of(ctx: &Context, s: Subject, unit: &str) -> Option<String> {
    let u = ctx.units.get(unit)?;
    match s {
        Subject::Department => {
            let d = ctx.department_of(unit);
            (ctx.units.get(&d)?.kind == UnitKind::Department).then_some(d)
        }
        Subject::Stationed => (u.kind == UnitKind::StationedUnit).then(|| unit.to_string()),
        Subject::Township => township_of(ctx, unit),
    }
}

/// The township (镇/乡/街道) a unit lies in, walking up the tree (not stationed units, which
/// answer to their department).
fn township_of(ctx: &Context, unit: &str) -> Option<String> {
    let mut at = ctx.units.get(unit)?;
    for _ in 0..8 {
        match at.kind {
            UnitKind::Town | UnitKind::Subdistrict => return Some(at.code.clone()),
            UnitKind::StationedUnit => return None,
            _ => at = ctx.units.get(at.parent.as_ref()?)?,
        }
    }
    None
}

fn sender_in(ctx: &Context, g: Evaluators, sender: &str) -> bool {
    let kind = ctx.units.get(sender).map(|u| u.kind);
    match g {
        Evaluators::Any => true,
        Evaluators::Townships => matches!(
            kind,
            Some(UnitKind::Town | UnitKind::Subdistrict | UnitKind::TownshipCommandRoom)
        ),
        Evaluators::County => {
            matches!(kind, Some(UnitKind::CountyCommandCentre | UnitKind::County))
        }
    }
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// The facts of one unit, grouped once.
struct UnitFacts<'a> {
    events: Vec<&'a EventFact>,
    hops: Vec<&'a HopFact>,
}

/// Scores every unit of `inp.units` under `scheme` from the period's facts, and ranks them.
pub fn score<'a>(
    scheme: &Scheme,
    inp: &Inputs,
    events: impl IntoIterator<Item = &'a EventFact>,
    hops: impl IntoIterator<Item = &'a HopFact>,
) -> Vec<UnitResult> {
    let mut by_unit: BTreeMap<String, UnitFacts> = inp
        .units
        .iter()
        .map(|u| {
            (
                u.clone(),
                UnitFacts {
                    events: vec![],
                    hops: vec![],
                },
            )
        })
        .collect();
    for f in events {
        if let Some(u) = event_subject(inp.ctx, scheme.subject, f) {
            if let Some(x) = by_unit.get_mut(&u) {
                x.events.push(f);
            }
        }
    }
    for f in hops {
        if let Some(u) = hop_subject(inp.ctx, scheme.subject, f) {
            if let Some(x) = by_unit.get_mut(&u) {
                x.hops.push(f);
            }
        }
    }
    let mut out: Vec<UnitResult> = by_unit
        .iter()
        .map(|(unit, facts)| {
            let indicators: Vec<IndicatorResult> = scheme
                .indicators
                .iter()
                .map(|i| score_node(i, unit, facts, inp))
                .collect();
            let score = r2(indicators.iter().map(|i| i.score).sum());
            UnitResult {
                unit: unit.clone(),
                score,
                rank: 0,
                band: Band::of(score, scheme.full_score),
                events: facts.events.len() as u64,
                hops: facts.hops.len() as u64,
                indicators,
            }
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.unit.cmp(&b.unit)));
    let mut prev: Option<(f64, u32)> = None;
    for (i, r) in out.iter_mut().enumerate() {
        r.rank = match prev {
            Some((s, rank)) if (s - r.score).abs() < 1e-9 => rank,
            _ => i as u32 + 1,
        };
        prev = Some((r.score, r.rank));
    }
    out
}

fn score_node(i: &Indicator, unit: &str, facts: &UnitFacts, inp: &Inputs) -> IndicatorResult {
    if !i.is_leaf() {
        let children: Vec<IndicatorResult> = i
            .children
            .iter()
            .map(|c| score_node(c, unit, facts, inp))
            .collect();
        return IndicatorResult {
            code: i.code.clone(),
            name: i.name.clone(),
            weight: i.weight,
            score: r2(children.iter().map(|c| c.score).sum()),
            value: None,
            lines: vec![],
            children,
        };
    }
    let mut res = IndicatorResult {
        code: i.code.clone(),
        name: i.name.clone(),
        weight: i.weight,
        score: i.weight,
        value: None,
        lines: vec![],
        children: vec![],
    };
    match (&i.source, &i.rule) {
        (Some(Source::Manual), _) | (_, Some(Rule::Manual)) => {
            match inp.manual.get(&(unit.to_string(), i.code.clone())) {
                Some(m) => {
                    res.score = r2(m.score.clamp(0.0, i.weight));
                    res.value = Some(m.score);
                    res.lines.push(Line {
                        points: r2(res.score - i.weight),
                        zh: format!("人工评分 {} / {}：{}", res.score, i.weight, m.evidence),
                        en: format!("Manual score {} / {}: {}", res.score, i.weight, m.evidence),
                        events: vec![],
                    });
                }
                None => res.lines.push(Line {
                    points: 0.0,
                    zh: "尚未录入人工评分，暂按满分".into(),
                    en: "No manual score entered yet; full points for now".into(),
                    events: vec![],
                }),
            }
        }
        (
            Some(Source::Measure {
                measure,
                evaluators,
            }),
            Some(rule),
        ) => {
            measure_leaf(&mut res, i, *measure, *evaluators, rule, unit, facts, inp);
        }
        _ => {}
    }
    res
}

/// Facts behind one measure of one unit: (event id, counts in numerator, counts in
/// denominator) per fact, after appeals.
fn tally(
    m: Measure,
    g: Evaluators,
    code: &str,
    unit: &str,
    facts: &UnitFacts,
    inp: &Inputs,
) -> Vec<(u64, u64, u64)> {
    let (num, den) = m.ratio().unwrap_or((m, m));
    let removed = |e: u64| {
        inp.removed
            .contains(&(unit.to_string(), code.to_string(), e))
    };
    match m.scope() {
        Scope::Event => facts
            .events
            .iter()
            .filter(|f| !removed(f.event_id))
            .map(|f| {
                (
                    f.event_id,
                    event_count(num, f, &inp.rules),
                    event_count(den, f, &inp.rules),
                )
            })
            .collect(),
        Scope::Hop => facts
            .hops
            .iter()
            .filter(|f| !removed(f.event_id) && sender_in(inp.ctx, g, &f.sender_unit))
            .map(|f| {
                (
                    f.event_id,
                    hop_count(num, f, &inp.rules),
                    hop_count(den, f, &inp.rules),
                )
            })
            .collect(),
    }
}

#[allow(clippy::too_many_arguments)]
fn measure_leaf(
    res: &mut IndicatorResult,
    i: &Indicator,
    m: Measure,
    g: Evaluators,
    rule: &Rule,
    unit: &str,
    facts: &UnitFacts,
    inp: &Inputs,
) {
    let rows = tally(m, g, &i.code, unit, facts, inp);
    let w = i.weight;
    if m.kind() == Kind::Rate {
        let num: u64 = rows.iter().map(|r| r.1).sum();
        let den: u64 = rows.iter().map(|r| r.2).sum();
        // The facts in the denominator that miss the numerator: where the points went.
        let mut missed: Vec<u64> = rows
            .iter()
            .filter(|r| r.2 > 0 && r.1 < r.2)
            .map(|r| r.0)
            .collect();
        missed.sort_unstable();
        missed.dedup();
        let Some(rt) = rate(num, den) else {
            res.lines.push(Line {
                points: 0.0,
                zh: format!("{}：本期无数据(—)，不扣分", m.label_zh()),
                en: format!("{}: no data this period (—), no deduction", m.label_en()),
                events: vec![],
            });
            return;
        };
        res.value = Some(rt);
        match rule {
            Rule::Proportional => {
                res.score = r2(w * rt);
                let each = w / den as f64;
                for e in &missed {
                    let n = rows
                        .iter()
                        .filter(|r| r.0 == *e)
                        .map(|r| r.2 - r.1)
                        .sum::<u64>();
                    res.lines.push(Line {
                        points: -r2(each * n as f64),
                        zh: format!(
                            "{} {}（{}/{}），按比例扣分：满分 {} × (1 − {})；该事件未计入",
                            m.label_zh(),
                            pct(rt),
                            num,
                            den,
                            w,
                            pct(rt)
                        ),
                        en: format!(
                            "{} {} ({}/{}), proportional: {} × (1 − {}); this event did not count",
                            m.label_en(),
                            pct(rt),
                            num,
                            den,
                            w,
                            pct(rt)
                        ),
                        events: vec![*e],
                    });
                }
            }
            Rule::Threshold {
                threshold,
                per_point,
                whole_points,
            } => {
                let gap = threshold - rt * 100.0;
                if gap > 1e-9 {
                    let points = if *whole_points { gap.floor() } else { gap };
                    let d = (per_point * points).min(w);
                    res.score = r2(w - d);
                    res.lines.push(Line {
                        points: -r2(d),
                        zh: format!(
                            "−{}：{} {} < {}%（{}/{}），每低1个百分点扣{}分",
                            r2(d),
                            m.label_zh(),
                            pct(rt),
                            threshold,
                            num,
                            den,
                            per_point
                        ),
                        en: format!(
                            "−{}: {} {} < {}% ({}/{}), {} per percentage point short",
                            r2(d),
                            m.label_en(),
                            pct(rt),
                            threshold,
                            num,
                            den,
                            per_point
                        ),
                        events: missed,
                    });
                } else {
                    res.score = w;
                }
            }
            _ => {}
        }
        return;
    }
    // Counts: one line per counted event.
    let mut counted: Vec<(u64, u64)> = rows
        .iter()
        .filter(|r| r.1 > 0)
        .map(|r| (r.0, r.1))
        .collect();
    counted.sort_unstable();
    let total: u64 = counted.iter().map(|c| c.1).sum();
    res.value = Some(total as f64);
    match rule {
        Rule::PerEvent { per, cap } => {
            let cap = cap.unwrap_or(w);
            let mut left = cap;
            for (e, n) in counted {
                let d = (per * n as f64).min(left);
                left -= d;
                res.lines.push(Line {
                    points: -r2(d),
                    zh: format!(
                        "{}：该事件计{}次，每次扣{}分{}",
                        m.label_zh(),
                        n,
                        per,
                        if d < per * n as f64 {
                            "（已达扣分上限）"
                        } else {
                            ""
                        }
                    ),
                    en: format!(
                        "{}: {} for this event, {} each{}",
                        m.label_en(),
                        n,
                        per,
                        if d < per * n as f64 {
                            " (cap reached)"
                        } else {
                            ""
                        }
                    ),
                    events: vec![e],
                });
            }
            res.score = r2(w - (cap - left));
        }
        Rule::Bonus { per, cap } => {
            let mut left = *cap;
            for (e, n) in counted {
                let a = (per * n as f64).min(left);
                left -= a;
                if a > 0.0 {
                    res.lines.push(Line {
                        points: r2(a),
                        zh: format!("加分：{}，该事件计{}次，每次加{}分", m.label_zh(), n, per),
                        en: format!(
                            "Bonus: {}, {} for this event, {} each",
                            m.label_en(),
                            n,
                            per
                        ),
                        events: vec![e],
                    });
                }
            }
            res.score = r2(w + (cap - left));
        }
        _ => {}
    }
}

/// The units a scheme assesses in a period: those with any event or hop counted for them.
pub fn subject_units<'a>(
    ctx: &Context,
    s: Subject,
    events: impl IntoIterator<Item = &'a EventFact>,
    hops: impl IntoIterator<Item = &'a HopFact>,
) -> BTreeSet<String> {
    events
        .into_iter()
        .filter_map(|f| event_subject(ctx, s, f))
        .chain(hops.into_iter().filter_map(|f| hop_subject(ctx, s, f)))
        .collect()
}
