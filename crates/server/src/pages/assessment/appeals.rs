//! The assessment steps taken from the pages: an appeal against one deduction, the reviewer's
//! decision, and closing a period. Each posts, then returns to the page it came from with a
//! notice (or the refusal).

use crate::error::PageError;
use crate::pages::stats::{guard, join_qs};
use crate::session::PageSession;
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tiaokuai_app::now_ms;
use tiaokuai_core::assess::AssessmentCmd;

/// Only our own assessment pages are places to go back to.
fn safe_back(back: &str, fallback: String) -> String {
    if back.starts_with("/assessment/") && !back.contains("//") && !back.contains('?') {
        back.to_string()
    } else {
        fallback
    }
}

fn after(back: &str, r: Result<u64, tiaokuai_app::AppError>, done: &str) -> Response {
    let q = match r {
        Ok(_) => join_qs(&[("done", done)]),
        Err(e) => join_qs(&[("err", &e.to_string())]),
    };
    Redirect::to(&format!("{back}?{q}")).into_response()
}

#[derive(Deserialize)]
pub struct AppealForm {
    #[serde(default)]
    csrf: String,
    scheme: String,
    period: String,
    unit: String,
    indicator: String,
    event: u64,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    back: String,
}

pub async fn appeal(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<AppealForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let back = safe_back(
        &f.back,
        format!("/assessment/{}/{}/{}", f.scheme, f.period, f.unit),
    );
    let r = state
        .engine
        .assess(
            &s.principal,
            now_ms(),
            AssessmentCmd::Appeal {
                scheme: f.scheme,
                period: f.period,
                unit: f.unit,
                indicator: f.indicator,
                event: f.event,
                reason: f.reason,
            },
        )
        .await;
    Ok(after(&back, r, "appealed"))
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    csrf: String,
    id: u64,
    #[serde(default)]
    remove: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    back: String,
}

pub async fn decide(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<DecideForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let back = safe_back(&f.back, "/assessment".into());
    let r = state
        .engine
        .assess(
            &s.principal,
            now_ms(),
            AssessmentCmd::DecideAppeal {
                id: f.id,
                remove: f.remove == "yes",
                note: f.note,
            },
        )
        .await;
    Ok(after(&back, r, "decided"))
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    csrf: String,
    scheme: String,
    period: String,
}

pub async fn close(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<CloseForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let back = format!("/assessment/{}/{}", f.scheme, f.period);
    let r = state
        .engine
        .assess(
            &s.principal,
            now_ms(),
            AssessmentCmd::ClosePeriod {
                scheme: f.scheme,
                version: 0,
                period: f.period,
                results: vec![],
            },
        )
        .await;
    Ok(after(&back, r, "closed"))
}
