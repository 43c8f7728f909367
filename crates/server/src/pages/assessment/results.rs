//! A period's results: the ranking, each visible unit's explanation tree with appeal forms,
//! pending appeals for the reviewer, closing, the printable report and the xlsx.

use super::is_admin;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::desks::view::{time, unit_name};
use crate::pages::stats::export::{download, xlsx, X};
use crate::pages::stats::guard;
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use tiaokuai_app::assess::AssessmentView;
use tiaokuai_app::now_ms;
use tiaokuai_core::assess::{IndicatorResult, Source};
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::stats::Kind;

pub struct RankRow {
    pub rank: u32,
    pub unit: String,
    pub name: String,
    pub score: String,
    pub band: &'static str,
    pub band_label: &'static str,
    pub events: u64,
    pub hops: u64,
    pub href: String,
}

pub struct EvLink {
    pub id: u64,
    pub no: String,
    pub appealable: bool,
    pub appeal: String,
}

pub struct LineView {
    pub points: String,
    pub minus: bool,
    pub text: String,
    pub events: Vec<EvLink>,
}

/// One indicator, flattened with its depth (0 = top level).
pub struct Node {
    pub depth: usize,
    pub code: String,
    pub name: String,
    pub weight: String,
    pub score: String,
    pub value: String,
    pub lines: Vec<LineView>,
}

pub struct UnitCard {
    pub unit: String,
    pub name: String,
    pub score: String,
    pub rank: u32,
    pub band: &'static str,
    pub band_label: &'static str,
    pub nodes: Vec<Node>,
}

pub struct AppealView {
    pub id: u64,
    pub unit: String,
    pub indicator: String,
    pub event: u64,
    pub reason: String,
    pub by: String,
    pub at: String,
    pub decision: String,
}

/// Everything the results, scorecard and report pages show.
pub struct View {
    pub scheme: String,
    pub scheme_name: String,
    pub version: u32,
    pub period: String,
    pub full: String,
    pub closed: Option<String>,
    pub ranking: Vec<RankRow>,
    pub cards: Vec<UnitCard>,
    pub pending: Vec<AppealView>,
    pub decided: Vec<AppealView>,
    pub reviewer: bool,
    pub admin: bool,
}

pub fn num(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

fn flatten(
    i: &IndicatorResult,
    depth: usize,
    kinds: &BTreeMap<String, Option<Kind>>,
    link: &dyn Fn(&str, u64) -> EvLink,
    zh: bool,
    out: &mut Vec<Node>,
) {
    let value = match (i.value, kinds.get(&i.code).copied().flatten()) {
        (Some(v), Some(Kind::Rate)) => format!("{:.2}%", v * 100.0),
        (Some(v), _) => num(v),
        (None, _) if i.children.is_empty() => "—".into(),
        (None, _) => String::new(),
    };
    out.push(Node {
        depth,
        code: i.code.clone(),
        name: i.name.clone(),
        weight: num(i.weight),
        score: num(i.score),
        value,
        lines: i
            .lines
            .iter()
            .map(|ln| LineView {
                points: if ln.points > 0.0 {
                    format!("+{}", num(ln.points))
                } else if ln.points < 0.0 {
                    format!("−{}", num(-ln.points))
                } else {
                    "0".into()
                },
                minus: ln.points < 0.0,
                text: if zh { ln.zh.clone() } else { ln.en.clone() },
                events: ln.events.iter().map(|e| link(&i.code, *e)).collect(),
            })
            .collect(),
    });
    for c in &i.children {
        flatten(c, depth + 1, kinds, link, zh, out);
    }
}

/// Builds the view of `v` for `s`; `only` keeps one unit's card.
pub async fn build(
    state: &AppState,
    s: &Session,
    v: &AssessmentView,
    only: Option<&str>,
) -> Result<View, PageError> {
    let l = s.lang;
    let zh = l == Lang::Zh;
    let own: BTreeSet<String> = state
        .engine
        .own_assessed_units(&s.principal)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let may_appeal = s.principal.grants.iter().any(|g| {
        matches!(
            g.role,
            RoleKind::DepartmentHandler
                | RoleKind::DepartmentLeader
                | RoleKind::TownshipOperator
                | RoleKind::TownshipLeader
        )
    });
    let reviewer = s.principal.grants.iter().any(|g| {
        matches!(
            g.role,
            RoleKind::SystemAdmin | RoleKind::EstablishmentReviewer
        )
    });
    let open = v.closed.is_none();
    let kinds: BTreeMap<String, Option<Kind>> = v
        .scheme
        .leaves()
        .iter()
        .map(|i| {
            let k = match &i.source {
                Some(Source::Measure { measure, .. }) => Some(measure.kind()),
                _ => None,
            };
            (i.code.clone(), k)
        })
        .collect();
    let results = v.results.clone();
    let appeals = v.appeals.clone();
    let only = only.map(str::to_string);
    let scheme_id = v.scheme.id.clone();
    let period = v.period.name.clone();
    let (ranking, cards, pending, decided) = state
        .engine
        .with_state(move |st| {
            let name = |u: &str| unit_name(&st.org, u);
            let ranking = results
                .iter()
                .map(|r| RankRow {
                    rank: r.rank,
                    unit: r.unit.clone(),
                    name: name(&r.unit),
                    score: num(r.score),
                    band: r.band.as_str(),
                    band_label: if zh {
                        r.band.label_zh()
                    } else {
                        r.band.label_en()
                    },
                    events: r.events,
                    hops: r.hops,
                    href: if r.indicators.is_empty() {
                        String::new()
                    } else {
                        format!("/assessment/{scheme_id}/{period}/{}", r.unit)
                    },
                })
                .collect();
            let mut cards = vec![];
            for r in results
                .iter()
                .filter(|r| !r.indicators.is_empty())
                .filter(|r| only.as_deref().is_none_or(|u| u == r.unit))
            {
                let mine = may_appeal && open && own.contains(&r.unit);
                let link = |ind: &str, e: u64| {
                    let a = appeals
                        .iter()
                        .find(|a| a.unit == r.unit && a.indicator == ind && a.event == e);
                    EvLink {
                        id: e,
                        no: st
                            .events
                            .event(e)
                            .map(|x| x.no.clone())
                            .unwrap_or_else(|| format!("#{e}")),
                        appealable: mine && a.is_none(),
                        appeal: match a.map(|a| &a.decision) {
                            None => String::new(),
                            Some(None) => l.pick("已申诉，待裁定", "appealed, pending").into(),
                            Some(Some(d)) if d.remove => l
                                .pick("申诉成立，已撤销扣分", "appeal upheld, removed")
                                .into(),
                            Some(Some(_)) => l.pick("申诉未获支持", "appeal rejected").into(),
                        },
                    }
                };
                let mut nodes = vec![];
                for i in &r.indicators {
                    flatten(i, 0, &kinds, &link, zh, &mut nodes);
                }
                cards.push(UnitCard {
                    unit: r.unit.clone(),
                    name: name(&r.unit),
                    score: num(r.score),
                    rank: r.rank,
                    band: r.band.as_str(),
                    band_label: if zh {
                        r.band.label_zh()
                    } else {
                        r.band.label_en()
                    },
                    nodes,
                });
            }
            let view = |a: &tiaokuai_core::assess::AppealRecord| AppealView {
                id: a.id,
                unit: name(&a.unit),
                indicator: a.indicator.clone(),
                event: a.event,
                reason: a.reason.clone(),
                by: a.by.clone(),
                at: time(a.at_ms),
                decision: a
                    .decision
                    .as_ref()
                    .map(|d| {
                        format!(
                            "{}：{}（{} {}）",
                            if d.remove {
                                l.pick("撤销扣分", "deduction removed")
                            } else {
                                l.pick("维持扣分", "deduction kept")
                            },
                            d.note,
                            d.by,
                            time(d.at_ms)
                        )
                    })
                    .unwrap_or_default(),
            };
            let keep = |a: &&tiaokuai_core::assess::AppealRecord| {
                only.as_deref().is_none_or(|u| u == a.unit)
            };
            let pending = appeals
                .iter()
                .filter(keep)
                .filter(|a| a.decision.is_none())
                .map(view)
                .collect();
            let decided = appeals
                .iter()
                .filter(keep)
                .filter(|a| a.decision.is_some())
                .map(view)
                .collect();
            (ranking, cards, pending, decided)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    Ok(View {
        scheme: v.scheme.id.clone(),
        scheme_name: v.scheme.name.clone(),
        version: v.scheme.version,
        period: v.period.name.clone(),
        full: num(v.scheme.full_score),
        closed: v.closed.as_ref().map(|(by, at, seq)| {
            format!(
                "{} {by} · {} · {} #{seq}",
                l.pick("已关闭：", "Closed by"),
                time(*at),
                l.pick("日志条目", "log entry")
            )
        }),
        ranking,
        cards,
        pending,
        decided,
        reviewer: reviewer && open,
        admin: is_admin(&s.principal) && open,
    })
}

#[derive(Deserialize, Default)]
pub struct FlashQ {
    #[serde(default)]
    pub done: String,
    #[serde(default)]
    pub err: String,
}

#[derive(Template)]
#[template(path = "assessment_results.html")]
struct ResultsPage {
    c: Chrome,
    v: View,
    unit: Option<String>,
    back: String,
    /// The same page a period earlier.
    previous: String,
    flash: String,
    error: String,
}

async fn load(
    state: &AppState,
    s: &Session,
    scheme: &str,
    period: &str,
) -> Result<AssessmentView, PageError> {
    state
        .engine
        .assessment(&s.principal, scheme, period, now_ms())
        .await
        .map_err(|e| PageError::from_app(e, s.lang))
}

fn flash_text(l: Lang, done: &str) -> String {
    match done {
        "appealed" => l.pick("申诉已提交。", "Appeal filed."),
        "decided" => l.pick(
            "申诉已裁定，分数已重算。",
            "Appeal decided; scores recomputed.",
        ),
        "closed" => l.pick(
            "考核期已关闭，结果已冻结。",
            "Period closed; results frozen.",
        ),
        _ => "",
    }
    .into()
}

async fn show(
    state: AppState,
    s: Session,
    scheme: String,
    period: String,
    unit: Option<String>,
    f: FlashQ,
) -> Result<Response, PageError> {
    guard(&s)?;
    let v = load(&state, &s, &scheme, &period).await?;
    if let Some(u) = &unit {
        if v.result(u).is_some_and(|r| r.indicators.is_empty()) {
            return Err(PageError::forbidden(s.lang));
        }
    }
    let view = build(&state, &s, &v, unit.as_deref()).await?;
    let back = match &unit {
        Some(u) => format!("/assessment/{scheme}/{}/{u}", view.period),
        None => format!("/assessment/{scheme}/{}", view.period),
    };
    let previous = v
        .period
        .previous()
        .map(|p| back.replacen(&view.period, &p.name, 1))
        .unwrap_or_default();
    Ok(render(&ResultsPage {
        c: Chrome::for_session(&s, "/assessment"),
        previous,
        unit: unit.map(|u| view.cards.first().map(|c| c.name.clone()).unwrap_or(u)),
        v: view,
        back,
        flash: flash_text(s.lang, &f.done),
        error: f.err,
    }))
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path((scheme, period)): Path<(String, String)>,
    Query(f): Query<FlashQ>,
) -> Result<Response, PageError> {
    show(state, s, scheme, period, None, f).await
}

pub async fn unit(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path((scheme, period, unit)): Path<(String, String, String)>,
    Query(f): Query<FlashQ>,
) -> Result<Response, PageError> {
    show(state, s, scheme, period, Some(unit), f).await
}

#[derive(Template)]
#[template(path = "assessment_report.html")]
struct ReportPage {
    c: Chrome,
    v: View,
}

/// `/assessment/{scheme}/{period}/report`: the printable monthly 通报.
pub async fn report(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path((scheme, period)): Path<(String, String)>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let v = load(&state, &s, &scheme, &period).await?;
    let mut view = build(&state, &s, &v, None).await?;
    for c in &mut view.cards {
        for n in &mut c.nodes {
            n.lines.retain(|l| l.minus);
        }
        c.nodes.retain(|n| !n.lines.is_empty());
    }
    Ok(render(&ReportPage {
        c: Chrome::for_session(&s, "/assessment"),
        v: view,
    }))
}

/// `/assessment/{scheme}/{period}/export.xlsx`: ranking with each top-level indicator's score.
pub async fn export(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path((scheme, period)): Path<(String, String)>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let v = load(&state, &s, &scheme, &period).await?;
    let names = state
        .engine
        .with_state(|st| {
            v.results
                .iter()
                .map(|r| unit_name(&st.org, &r.unit))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let mut head = vec![
        X::S(l.pick("名次", "Rank").into()),
        X::S(l.pick("单位", "Unit").into()),
        X::S(l.pick("得分", "Score").into()),
        X::S(l.pick("等次", "Band").into()),
    ];
    head.extend(
        v.scheme
            .indicators
            .iter()
            .map(|i| X::S(format!("{}({})", i.name, num(i.weight)))),
    );
    let mut rows = vec![head];
    for (r, name) in v.results.iter().zip(names) {
        let mut row = vec![
            X::N(f64::from(r.rank)),
            X::S(name),
            X::N(r.score),
            X::S(
                if l == Lang::Zh {
                    r.band.label_zh()
                } else {
                    r.band.label_en()
                }
                .into(),
            ),
        ];
        row.extend(v.scheme.indicators.iter().map(|i| {
            r.indicators
                .iter()
                .find(|x| x.code == i.code)
                .map_or(X::Empty, |x| X::N(x.score))
        }));
        rows.push(row);
    }
    let title = format!(
        "{} {} (v{})",
        v.scheme.name, v.period.name, v.scheme.version
    );
    let bytes = xlsx(&title, &rows).map_err(|e| PageError {
        status: axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        message: e,
        lang: l,
    })?;
    Ok(download(
        &format!("{}-{}.xlsx", v.scheme.id, v.period.name),
        bytes,
    ))
}
