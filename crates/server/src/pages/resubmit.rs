//! Revising a sent-back adjustment application (applicant only).

use super::adjust::{domain_errors, form_page, kind_code, proposal, AdjForm};
use super::lists::{guard, unit_names};
use crate::error::PageError;
use crate::session::PageSession;
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use tiaokuai_app::{now_ms, AppError};
use tiaokuai_core::lists::adjustment::authorize;
use tiaokuai_core::lists::{Action, Adjustment};
use tiaokuai_core::DomainError;

fn form_of(a: &Adjustment, st: &tiaokuai_core::CountyState) -> AdjForm {
    let i = a
        .app
        .proposed
        .clone()
        .or_else(|| st.lists.item_at(&a.app.item_id, st.lists.latest()).cloned())
        .unwrap_or_default();
    AdjForm {
        kind: kind_code(a.app.kind).into(),
        list_kind: i.kind.as_str().into(),
        number: i.number.clone(),
        name: i.name.clone(),
        domain: i.domain.clone(),
        primary: unit_names(&i.primary, &st.org),
        supporting: unit_names(&i.supporting, &st.org),
        primary_duty: i.primary_duty.clone(),
        supporting_duty: i.supporting_duty.clone(),
        legal_basis: i.legal_basis.clone(),
        problem: i.problem.clone(),
        flow: i.flow.label_zh().into(),
        steps: i.steps.join("→"),
        keywords: i.keywords.join("、"),
        reason: a.app.reason.clone(),
        basis: a.app.basis.clone(),
        opinions: a.app.opinions.clone(),
        ..Default::default()
    }
}

/// The form to revise a sent-back application (applicant only).
pub async fn edit_form(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(id): Path<u64>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let form = state
        .engine
        .with_state(|st| {
            st.adjustments
                .get(&id)
                .filter(|a| authorize(&s.principal, &st.org, Action::Resubmit, Some(a)).is_ok())
                .map(|a| form_of(a, st))
        })
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?
        .ok_or_else(|| PageError::forbidden(s.lang))?;
    Ok(form_page(
        &state,
        &s,
        form,
        vec![],
        format!("/lists/adjustments/{id}/resubmit"),
    )
    .await)
}

pub async fn resubmit(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(id): Path<u64>,
    Form(f): Form<AdjForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let action = format!("/lists/adjustments/{id}/resubmit");
    let (kind, item_id, proposed, errors) = proposal(&state, &s, &f).await?;
    if !errors.is_empty() {
        return Ok(form_page(&state, &s, f, errors, action).await);
    }
    let old = state
        .engine
        .with_state(|st| st.adjustments.get(&id).map(|a| a.app.clone()))
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    let Some(mut app) = old else {
        return Err(PageError::not_found(s.lang));
    };
    app.kind = kind;
    app.item_id = item_id;
    app.proposed = proposed;
    app.reason = f.reason.trim().to_string();
    app.basis = f.basis.trim().to_string();
    app.opinions = f.opinions.trim().to_string();
    match state
        .engine
        .resubmit_adjustment(&s.principal, now_ms(), app)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/lists/adjustments/{id}")).into_response()),
        Err(AppError::Domain(DomainError::Forbidden(_))) => Err(PageError::forbidden(s.lang)),
        Err(AppError::Domain(e)) => {
            let l = s.lang;
            let errors = state
                .engine
                .with_state(|st| domain_errors(&e, &st.org, l))
                .await
                .map_err(|e| PageError::from_app(e, l))?;
            Ok(form_page(&state, &s, f, errors, action).await)
        }
        Err(e) => Err(PageError::from_app(e, s.lang)),
    }
}
