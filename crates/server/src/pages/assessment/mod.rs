//! Assessment pages (考核评价): schemes and periods, a period's ranking with per-point
//! explanations, one unit's scorecard, appeals and their decisions, closing a period, the
//! printable monthly report (通报), the xlsx of results, and the admin's scheme editor.

mod appeals;
mod results;
mod schemes;

use crate::error::PageError;
use crate::pages::stats::guard;
use crate::pages::{render, Chrome};
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use tiaokuai_app::now_ms;
use tiaokuai_core::assess::Subject;
use tiaokuai_core::org::{RoleKind, UnitKind};
use tiaokuai_core::stats::Period;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assessment", get(list))
        .route("/assessment/mine", get(mine))
        .route("/assessment/act/appeal", post(appeals::appeal))
        .route("/assessment/act/decide", post(appeals::decide))
        .route("/assessment/act/close", post(appeals::close))
        .route(
            "/assessment/schemes/{id}",
            get(schemes::page).post(schemes::save),
        )
        .route("/assessment/{scheme}/{period}", get(results::page))
        .route("/assessment/{scheme}/{period}/report", get(results::report))
        .route(
            "/assessment/{scheme}/{period}/export.xlsx",
            get(results::export),
        )
        .route("/assessment/{scheme}/{period}/{unit}", get(results::unit))
}

pub struct SchemeRow {
    pub id: String,
    pub name: String,
    pub subject: &'static str,
    pub version: u32,
    pub periods: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "assessment_list.html")]
struct ListPage {
    c: Chrome,
    schemes: Vec<SchemeRow>,
    admin: bool,
}

pub fn is_admin(p: &tiaokuai_core::access::Principal) -> bool {
    p.grants.iter().any(|g| g.role == RoleKind::SystemAdmin)
}

/// `/assessment`: schemes with the current and two previous months, and closed periods.
async fn list(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let now = now_ms();
    let schemes = state
        .engine
        .assessment_schemes()
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let mut months = vec![Period::month_of(now)];
    while months.len() < 3 {
        match months.last().and_then(|p| p.previous()) {
            Some(p) => months.push(p),
            None => break,
        }
    }
    let closed = state
        .engine
        .with_state(|st| st.assessment.closed.keys().cloned().collect::<Vec<_>>())
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let rows = schemes
        .into_iter()
        .map(|sc| {
            let mut periods: Vec<(String, bool)> = months
                .iter()
                .map(|p| {
                    let c = closed.contains(&(sc.id.clone(), p.name.clone()));
                    (p.name.clone(), c)
                })
                .collect();
            for (id, p) in &closed {
                if *id == sc.id && !periods.iter().any(|x| &x.0 == p) {
                    periods.push((p.clone(), true));
                }
            }
            SchemeRow {
                subject: if l == crate::i18n::Lang::Zh {
                    sc.subject.label_zh()
                } else {
                    sc.subject.label_en()
                },
                id: sc.id,
                name: sc.name,
                version: sc.version,
                periods,
            }
        })
        .collect();
    Ok(render(&ListPage {
        c: Chrome::for_session(&s, "/assessment"),
        schemes: rows,
        admin: is_admin(&s.principal),
    }))
}

/// `/assessment/mine`: the viewer's own unit's scorecard of the current month (a township's
/// or a department's), or the list when they have none.
async fn mine(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let own = state
        .engine
        .own_assessed_units(&s.principal)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let schemes = state
        .engine
        .assessment_schemes()
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let kinds = state
        .engine
        .with_state(move |st| {
            own.iter()
                .filter_map(|u| st.org.unit(u).map(|x| (u.clone(), x.kind)))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let now = now_ms();
    let month = Period::month_of(now);
    for (unit, kind) in kinds {
        let subject = match kind {
            k if k.is_township() => Subject::Township,
            UnitKind::Department => Subject::Department,
            UnitKind::StationedUnit => Subject::Stationed,
            _ => continue,
        };
        if let Some(sc) = schemes.iter().find(|sc| sc.subject == subject) {
            // Early in a month the unit may have no results yet: then last month's.
            let mut period = month.name.clone();
            if let Some(prev) = month.previous() {
                let v = state
                    .engine
                    .assessment(&s.principal, &sc.id, &month.name, now)
                    .await
                    .map_err(|e| PageError::from_app(e, l))?;
                if v.result(&unit).is_none() {
                    period = prev.name;
                }
            }
            return Ok(
                Redirect::to(&format!("/assessment/{}/{period}/{unit}", sc.id)).into_response(),
            );
        }
    }
    Ok(Redirect::to("/assessment").into_response())
}
