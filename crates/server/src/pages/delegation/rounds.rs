//! Evaluation rounds of delegated powers (评估): 编办 opens a round over a period of use,
//! records per power 保留 / 调整 / 收回 with reasons and evidence beside the power's cases,
//! closes the round, and opens each recall as a pre-filled list adjustment.

use super::{failure, is_establishment};
use crate::error::PageError;
use crate::pages::desks::view::unit_name;
use crate::pages::stats::guard;
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tiaokuai_app::now_ms;
use tiaokuai_core::delegation::{Decision, DelegationCmd};
use tiaokuai_core::stats::Period;

pub struct RoundLine {
    pub id: u64,
    pub title: String,
    pub span: String,
    pub results: usize,
    pub recalls: usize,
    pub closed: bool,
}

#[derive(Template)]
#[template(path = "delegation_rounds.html")]
struct ListPage {
    c: Chrome,
    rounds: Vec<RoundLine>,
    establishment: bool,
    error: Option<String>,
}

async fn show_list(
    state: &AppState,
    s: &Session,
    error: Option<String>,
) -> Result<Response, PageError> {
    let rounds = state
        .engine
        .with_state(|st| {
            st.delegation
                .rounds
                .values()
                .rev()
                .map(|r| RoundLine {
                    id: r.id,
                    title: r.title.clone(),
                    span: format!("{} — {}", r.from, r.to),
                    results: r.results.len(),
                    recalls: st
                        .delegation
                        .recalls
                        .iter()
                        .filter(|x| x.round == r.id)
                        .count(),
                    closed: r.closed_ms.is_some(),
                })
                .collect()
        })
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    Ok(render(&ListPage {
        c: Chrome::for_session(s, "/delegation"),
        rounds,
        establishment: is_establishment(s),
        error,
    }))
}

/// `/delegation/rounds`.
pub async fn list(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    guard(&s)?;
    show_list(&state, &s, None).await
}

#[derive(Deserialize)]
pub struct OpenForm {
    csrf: String,
    title: String,
    method: String,
    from: String,
    to: String,
}

/// 编办 opens a round.
pub async fn open(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<OpenForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let cmd = DelegationCmd::OpenRound {
        title: f.title,
        method: f.method,
        from: f.from.trim().to_string(),
        to: f.to.trim().to_string(),
    };
    match state
        .engine
        .delegation_step(&s.principal, now_ms(), cmd)
        .await
    {
        Ok(_) => {
            let id = state
                .engine
                .with_state(|st| {
                    st.delegation
                        .rounds
                        .keys()
                        .next_back()
                        .copied()
                        .unwrap_or(0)
                })
                .await
                .map_err(|e| PageError::from_app(e, s.lang))?;
            Ok(Redirect::to(&format!("/delegation/rounds/{id}")).into_response())
        }
        Err(e) => {
            let text = failure(&state, &s, e).await?;
            show_list(&state, &s, Some(text)).await
        }
    }
}

pub struct PowerLine {
    /// The item id as an HTML id (`delegated-3`).
    pub dom_id: String,
    pub item_id: String,
    pub name: String,
    pub department: String,
    pub department_code: String,
    pub cases: u64,
    /// (code, name, cases) of the receiving townships.
    pub townships: Vec<(String, String, u64)>,
    pub decision: String,
    pub decision_code: &'static str,
    pub reason: String,
    pub evidence: String,
    /// The recall already filed: (adjustment id, status).
    pub recall: Option<(u64, &'static str)>,
}

#[derive(Template)]
#[template(path = "delegation_round.html")]
struct RoundPage {
    c: Chrome,
    id: u64,
    title: String,
    method: String,
    span: String,
    closed: bool,
    powers: Vec<PowerLine>,
    decisions: Vec<(&'static str, &'static str)>,
    establishment: bool,
    error: Option<String>,
    today: String,
}

async fn show(
    state: &AppState,
    s: &Session,
    id: u64,
    error: Option<String>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let now = now_ms();
    let Some(round) = state
        .engine
        .with_state(move |st| st.delegation.rounds.get(&id).cloned())
        .await
        .map_err(|e| PageError::from_app(e, l))?
    else {
        return Err(PageError::not_found(l));
    };
    let period = Period::parse(&format!("{}..{}", round.from, round.to))
        .unwrap_or_else(|_| Period::trailing_months(now, 12));
    let usage = state
        .engine
        .delegation_usage(&s.principal, &period, None, now)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let powers = state
        .engine
        .with_state(|st| {
            usage
                .rows
                .iter()
                .map(|u| {
                    let res = round.results.iter().rev().find(|r| r.item_id == u.item_id);
                    let recall = st
                        .delegation
                        .recalls
                        .iter()
                        .rev()
                        .find(|r| r.round == id && r.item_id == u.item_id)
                        .map(|r| {
                            (
                                r.adjustment,
                                st.adjustments.get(&r.adjustment).map_or("", |a| {
                                    l.pick(a.status.label_zh(), a.status.label_en())
                                }),
                            )
                        });
                    PowerLine {
                        dom_id: u.item_id.replace('/', "-"),
                        item_id: u.item_id.clone(),
                        name: u.name.clone(),
                        department: unit_name(&st.org, &u.department),
                        department_code: u.department.clone(),
                        cases: u.total,
                        townships: u
                            .townships
                            .iter()
                            .map(|(t, n)| (t.clone(), unit_name(&st.org, t), *n))
                            .collect(),
                        decision: res
                            .map(|r| {
                                let who = if r.township.is_empty() {
                                    String::new()
                                } else {
                                    format!("（{}）", unit_name(&st.org, &r.township))
                                };
                                format!(
                                    "{}{who}",
                                    r.decision.label(matches!(l, crate::i18n::Lang::Zh))
                                )
                            })
                            .unwrap_or_default(),
                        decision_code: res.map_or("", |r| r.decision.as_str()),
                        reason: res.map(|r| r.reason.clone()).unwrap_or_default(),
                        evidence: res.map(|r| r.evidence.clone()).unwrap_or_default(),
                        recall,
                    }
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    Ok(render(&RoundPage {
        c: Chrome::for_session(s, "/delegation"),
        id,
        title: round.title.clone(),
        method: round.method.clone(),
        span: format!("{} — {}", round.from, round.to),
        closed: round.closed_ms.is_some(),
        powers,
        decisions: Decision::ALL
            .iter()
            .map(|d| (d.as_str(), d.label(matches!(l, crate::i18n::Lang::Zh))))
            .collect(),
        establishment: is_establishment(s),
        error,
        today: tiaokuai_core::calendar::cst_date(now).to_string(),
    }))
}

/// `/delegation/rounds/{id}`.
pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(id): Path<u64>,
) -> Result<Response, PageError> {
    guard(&s)?;
    show(&state, &s, id, None).await
}

/// Form pairs as posted (repeated `townships`).
pub async fn act(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path((id, action)): Path<(u64, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let f = crate::pages::admission::Pairs(pairs);
    if !s.check_csrf(&f.get("csrf")) {
        return Err(PageError::forbidden(s.lang));
    }
    let now = now_ms();
    let done = match action.as_str() {
        "result" => {
            let Some(decision) = Decision::parse(&f.get("decision")) else {
                return Err(PageError::not_found(s.lang));
            };
            let cmd = DelegationCmd::RecordResult {
                round: id,
                item_id: f.get("item_id"),
                township: f.get("township"),
                decision,
                reason: f.get("reason"),
                evidence: f.get("evidence"),
            };
            state
                .engine
                .delegation_step(&s.principal, now, cmd)
                .await
                .map(|_| format!("/delegation/rounds/{id}"))
        }
        "close" => state
            .engine
            .delegation_step(&s.principal, now, DelegationCmd::CloseRound { round: id })
            .await
            .map(|_| format!("/delegation/rounds/{id}")),
        "recall" => state
            .engine
            .recall_power(
                &s.principal,
                now,
                id,
                &f.get("item_id"),
                &f.all("townships"),
                &f.get("receiving_unit"),
                f.get("effective_date").trim(),
            )
            .await
            .map(|adj| format!("/lists/adjustments/{adj}")),
        _ => return Err(PageError::not_found(s.lang)),
    };
    match done {
        Ok(to) => Ok(Redirect::to(&to).into_response()),
        Err(e) => {
            let text = failure(&state, &s, e).await?;
            show(&state, &s, id, Some(text)).await
        }
    }
}
