//! The adjustment application page: its diff, impact preview, steps, and the review,
//! approval and publication actions open to the viewer.

use super::lists::{guard, item_fields, unit_names};
use super::{render, Chrome};
use crate::error::PageError;
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tiaokuai_app::{now_ms, AppError};
use tiaokuai_core::lists::adjustment::authorize;
use tiaokuai_core::lists::{Action, AdjustmentStatus, Item, ReviewStage};
use tiaokuai_core::DomainError;

#[derive(Template)]
#[template(path = "adjustment.html")]
struct AdjPage {
    c: Chrome,
    id: u64,
    kind: &'static str,
    status: &'static str,
    item_name: String,
    applicant: String,
    reason: String,
    basis: String,
    opinions: String,
    document_no: String,
    effective_date: String,
    published_version: Option<u32>,
    diff: Vec<(&'static str, String, String)>,
    impact: String,
    actions: Vec<(&'static str, &'static str)>,
    steps: Vec<(String, &'static str, String, String)>,
    error: Option<String>,
    today: String,
    can_resubmit: bool,
    /// Who can move the application when the viewer cannot (or why nobody can).
    waiting: Option<String>,
}

fn step_label(what: &str, l: crate::i18n::Lang) -> &'static str {
    match what {
        "filed" => l.pick("提交申请", "Filed"),
        "resubmitted" => l.pick("修改后重新提交", "Resubmitted"),
        "establishment_passed" => l.pick("编办审核通过", "Passed the establishment review"),
        "establishment_sent_back" => l.pick("编办退回", "Sent back by the establishment office"),
        "justice_passed" => l.pick("司法局合法性审核通过", "Passed the legality review"),
        "justice_sent_back" => l.pick("司法局退回", "Sent back by the justice bureau"),
        "approved" => l.pick("县政府批准", "Approved by the county"),
        "published" => l.pick("发布新版本", "Published a new version"),
        _ => l.pick("其他", "Other"),
    }
}

pub async fn show(
    state: &AppState,
    s: &Session,
    id: u64,
    error: Option<String>,
) -> Result<Response, PageError> {
    let p = s.principal.clone();
    let l = s.lang;
    let page = state
        .engine
        .with_state(|st| {
            let a = st.adjustments.get(&id)?;
            let current = st.lists.item_at(
                &a.app.item_id,
                st.lists
                    .latest()
                    .min(a.published_version.map(|v| v - 1).unwrap_or(u32::MAX)),
            );
            let before: Vec<(&'static str, String)> =
                current.map(|i| item_fields(i, &st.org)).unwrap_or_default();
            let after: Vec<(&'static str, String)> = a
                .app
                .proposed
                .as_ref()
                .map(|i| item_fields(i, &st.org))
                .unwrap_or_default();
            let mut keys: Vec<&'static str> =
                before.iter().chain(&after).map(|(k, _)| *k).collect();
            keys.dedup();
            let mut seen = std::collections::BTreeSet::new();
            keys.retain(|k| seen.insert(*k));
            let get = |v: &[(&'static str, String)], k: &str| {
                v.iter()
                    .find(|(x, _)| *x == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            let diff = keys
                .into_iter()
                .filter(|k| get(&before, k) != get(&after, k))
                .map(|k| (k, get(&before, k), get(&after, k)))
                .collect();
            let impact = impact_text(current, a.app.proposed.as_ref(), st);
            let mut actions = Vec::new();
            let can = |x: Action| authorize(&p, &st.org, x, Some(a)).is_ok();
            match a.status {
                AdjustmentStatus::AwaitingEstablishment
                    if can(Action::Review(ReviewStage::Establishment)) =>
                {
                    actions.push(("establishment", l.pick("编办审核通过", "Pass the review")))
                }
                AdjustmentStatus::AwaitingJustice if can(Action::Review(ReviewStage::Justice)) => {
                    actions.push((
                        "justice",
                        l.pick("合法性审核通过", "Pass the legality review"),
                    ))
                }
                AdjustmentStatus::AwaitingApproval if can(Action::Approve) => {
                    actions.push(("approve", l.pick("批准", "Approve")))
                }
                AdjustmentStatus::Approved if can(Action::Publish) => {
                    actions.push(("publish", l.pick("发布新版本", "Publish a new version")))
                }
                _ => {}
            }
            Some(AdjPage {
                c: Chrome::for_session(s, "/lists"),
                id,
                kind: l.pick(a.app.kind.label_zh(), a.app.kind.label_en()),
                status: l.pick(a.status.label_zh(), a.status.label_en()),
                item_name: a
                    .app
                    .proposed
                    .as_ref()
                    .map(|i| i.name.clone())
                    .or_else(|| current.map(|i| i.name.clone()))
                    .unwrap_or_default(),
                applicant: format!(
                    "{}（{}）",
                    crate::pages::desks::view::person_name(&st.org, &a.app.applicant),
                    st.org
                        .unit(&a.app.applicant_unit)
                        .map(|u| u.name.clone())
                        .unwrap_or_default()
                ),
                reason: a.app.reason.clone(),
                basis: a.app.basis.clone(),
                opinions: a.app.opinions.clone(),
                document_no: a.document_no.clone(),
                effective_date: a.effective_date.clone(),
                published_version: a.published_version,
                diff,
                impact,
                actions,
                steps: a
                    .steps
                    .iter()
                    .map(|x| {
                        (
                            tiaokuai_app::cst::format_ms(x.at_ms),
                            step_label(&x.what, l),
                            crate::pages::desks::view::person_name(&st.org, &x.actor),
                            x.comment.clone(),
                        )
                    })
                    .collect(),
                error,
                today: tiaokuai_app::lists::today_cst(now_ms()),
                can_resubmit: a.status == AdjustmentStatus::SentBack && can(Action::Resubmit),
                waiting: crate::pages::desks::review_waiting_note(st, a, &p, l),
            })
        })
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    page.map(|p| render(&p))
        .ok_or_else(|| PageError::not_found(s.lang))
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(id): Path<u64>,
) -> Result<Response, PageError> {
    guard(&s)?;
    show(&state, &s, id, None).await
}

#[derive(Deserialize)]
pub struct ActForm {
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    document_no: String,
    #[serde(default)]
    effective_date: String,
}

pub async fn act(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path((id, action)): Path<(u64, String)>,
    Form(f): Form<ActForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let p = &s.principal;
    let pass = f.decision != "back";
    let res = match action.as_str() {
        "establishment" => {
            state
                .engine
                .review_adjustment(
                    p,
                    now_ms(),
                    id,
                    ReviewStage::Establishment,
                    pass,
                    &f.comment,
                )
                .await
        }
        "justice" => {
            state
                .engine
                .review_adjustment(p, now_ms(), id, ReviewStage::Justice, pass, &f.comment)
                .await
        }
        "approve" => {
            state
                .engine
                .approve_adjustment(p, now_ms(), id, &f.document_no, &f.effective_date)
                .await
        }
        "publish" => state
            .engine
            .publish_adjustment(p, now_ms(), id)
            .await
            .map(|_| ()),
        _ => return Err(PageError::not_found(s.lang)),
    };
    match res {
        Ok(()) => Ok(Redirect::to(&format!("/lists/adjustments/{id}")).into_response()),
        Err(AppError::Domain(DomainError::Forbidden(_))) => Err(PageError::forbidden(s.lang)),
        Err(AppError::Domain(e)) => {
            let mut r = show(&state, &s, id, Some(e.to_string())).await?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(PageError::from_app(e, s.lang)),
    }
}

/// Who gains or loses responsibility under the proposal, and the real events concerned: those
/// citing the item, and the open ones whose work sits with a unit that would lose it.
fn impact_text(
    before: Option<&Item>,
    after: Option<&Item>,
    st: &tiaokuai_core::CountyState,
) -> String {
    let org = &st.org;
    let set =
        |i: Option<&Item>, f: fn(&Item) -> &Vec<String>| -> std::collections::BTreeSet<String> {
            i.map(|i| f(i).iter().cloned().collect())
                .unwrap_or_default()
        };
    let mut parts = Vec::new();
    for (label, f) in [
        (
            "主体责任",
            (|i: &Item| &i.primary) as fn(&Item) -> &Vec<String>,
        ),
        ("配合责任", |i: &Item| &i.supporting),
    ] {
        let (b, a) = (set(before, f), set(after, f));
        let added: Vec<String> = a.difference(&b).cloned().collect();
        let removed: Vec<String> = b.difference(&a).cloned().collect();
        if !added.is_empty() {
            parts.push(format!("{label}新增：{}", unit_names(&added, org)));
        }
        if !removed.is_empty() {
            parts.push(format!("{label}移出：{}", unit_names(&removed, org)));
        }
    }
    if parts.is_empty() {
        parts.push("责任单位不变".to_string());
    }
    let id = before.or(after).map(|i| i.id.as_str()).unwrap_or_default();
    let losing: std::collections::BTreeSet<String> = set(before, |i| &i.primary)
        .difference(&set(after, |i| &i.primary))
        .cloned()
        .collect();
    let citing: Vec<&tiaokuai_core::events::Event> = st
        .events
        .events
        .values()
        .filter(|e| e.item.as_ref().is_some_and(|r| r.id == id))
        .collect();
    let open = citing.iter().filter(|e| !e.status.is_final()).count();
    let rerouted = citing
        .iter()
        .filter(|e| !e.status.is_final())
        .filter(|e| {
            e.live()
                .any(|a| a.status.is_open() && losing.contains(&a.receiver_unit))
        })
        .count();
    parts.push(format!(
        "引用该事项的事件：{} 件（办理中 {open} 件），改派影响 {rerouted} 件",
        citing.len()
    ));
    parts.join("；")
}
