//! Delegated powers in use (赋权): usage by power and township (or by month or quarter) with
//! the unused ones flagged, the 点单 menu with townships' orders, and evaluation rounds with
//! recalls. Orders and recalls continue in the list adjustment pages (`/lists/adjustments`).

mod menu;
mod rounds;

use crate::error::PageError;
use crate::pages::admission::error_text;
use crate::pages::desks::view::unit_name;
use crate::pages::stats::guard;
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tiaokuai_app::error::AppError;
use tiaokuai_app::now_ms;
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::stats::{Grain, Period};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/delegation", get(usage))
        .route("/delegation/menu", get(menu::page).post(menu::save))
        .route("/delegation/menu/order", post(menu::order))
        .route("/delegation/rounds", get(rounds::list).post(rounds::open))
        .route("/delegation/rounds/{id}", get(rounds::page))
        .route("/delegation/rounds/{id}/{action}", post(rounds::act))
}

/// Whether the viewer runs evaluation rounds and the menu (编办).
pub fn is_establishment(s: &Session) -> bool {
    s.principal.has(RoleKind::EstablishmentReviewer)
}

/// A refusal (or another failure) as text for the page that shows it.
pub async fn failure(state: &AppState, s: &Session, e: AppError) -> Result<String, PageError> {
    match e {
        AppError::Domain(d) => state
            .engine
            .with_state(|st| error_text(&d, s.lang, &st.org))
            .await
            .map_err(|e| PageError::from_app(e, s.lang)),
        other => Err(PageError::from_app(other, s.lang)),
    }
}

pub struct UsageLine {
    /// The item id as an HTML id (`delegated-3`).
    pub dom_id: String,
    pub href: String,
    pub name: String,
    pub department: String,
    pub power_type: String,
    pub townships: Vec<(String, u64)>,
    pub idle: Vec<String>,
    pub per: Vec<u64>,
    pub total: u64,
    pub zero: bool,
    pub transition: String,
}

#[derive(Template)]
#[template(path = "delegation_usage.html")]
struct UsagePage {
    c: Chrome,
    period: String,
    by: String,
    columns: Vec<String>,
    lines: Vec<UsageLine>,
    zero: usize,
    total: u64,
    establishment: bool,
}

#[derive(Deserialize)]
pub struct UsageQ {
    #[serde(default)]
    period: String,
    #[serde(default)]
    by: String,
}

/// `/delegation`: cases per delegated power in a period (the last twelve months unless
/// `period` names one), by receiving township, month or quarter.
async fn usage(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<UsageQ>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let now = now_ms();
    let period = if q.period.trim().is_empty() {
        Period::trailing_months(now, 12)
    } else {
        Period::parse(q.period.trim()).unwrap_or_else(|_| Period::trailing_months(now, 12))
    };
    let grain = match q.by.as_str() {
        "month" => Some(Grain::Month),
        "quarter" => Some(Grain::Quarter),
        _ => None,
    };
    let u = state
        .engine
        .delegation_usage(&s.principal, &period, grain, now)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let lines = state
        .engine
        .with_state(|st| {
            u.rows
                .iter()
                .map(|r| {
                    let (kind, number) = r.item_id.split_once('/').unwrap_or(("", ""));
                    UsageLine {
                        dom_id: r.item_id.replace('/', "-"),
                        href: format!("/lists/items/{kind}/{number}"),
                        name: r.name.clone(),
                        department: unit_name(&st.org, &r.department),
                        power_type: r.power_type.clone(),
                        townships: r
                            .townships
                            .iter()
                            .map(|(t, n)| (unit_name(&st.org, t), *n))
                            .collect(),
                        idle: r.idle_townships().map(|t| unit_name(&st.org, t)).collect(),
                        per: u.by_period.get(&r.item_id).cloned().unwrap_or_default(),
                        total: r.total,
                        zero: r.zero(),
                        transition: if r.in_transition {
                            r.transition_end.clone()
                        } else {
                            String::new()
                        },
                    }
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    Ok(render(&UsagePage {
        c: Chrome::for_session(&s, "/delegation"),
        period: u.period.name.clone(),
        by: q.by.clone(),
        columns: u.columns.clone(),
        zero: lines.iter().filter(|x| x.zero).count(),
        total: lines.iter().map(|x| x.total).sum(),
        lines,
        establishment: is_establishment(&s),
    }))
}
