//! `GET /admin/routing`: how often dispatchers take the first routing suggestion, week by
//! week, and what the suggestion model learned from (system administrators only).

use super::{render, Chrome};
use crate::error::PageError;
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use tiaokuai_app::now_ms;

/// Weeks shown.
const WEEKS: usize = 12;

pub struct WeekRow {
    pub week: String,
    pub dispatches: usize,
    pub with_suggestion: usize,
    pub took_first: usize,
    /// Percentage, or "—" when no suggestion was shown.
    pub share: String,
}

#[derive(Template)]
#[template(path = "admin_routing.html")]
struct RoutingPage {
    c: Chrome,
    /// What the model learned from, in words.
    model: String,
    rows: Vec<WeekRow>,
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    super::admin::guard(&s)?;
    let l = s.lang;
    let weeks = state
        .routing
        .acceptance(WEEKS, now_ms())
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let model = match state.routing.model_info() {
        Some(i) => match l {
            crate::i18n::Lang::Zh => format!(
                "推荐模型已从 {} 条以往派单（{} 个清单事项）中学习，并结合清单文本检索。",
                i.examples, i.items
            ),
            crate::i18n::Lang::En => format!(
                "The model learned from {} past dispatches ({} list items), combined with search of the list texts.",
                i.examples, i.items
            ),
        },
        None => l
            .pick(
                "以往派单尚少，推荐仅依据清单文本检索。",
                "Too few past dispatches yet: suggestions come from searching the list texts alone.",
            )
            .to_string(),
    };
    let rows = weeks
        .iter()
        .map(|w| WeekRow {
            week: tiaokuai_app::cst::date_of(w.week_start_ms),
            dispatches: w.dispatches,
            with_suggestion: w.with_suggestion,
            took_first: w.took_first,
            share: w
                .share()
                .map(|x| format!("{:.0}%", x * 100.0))
                .unwrap_or_else(|| "—".into()),
        })
        .collect();
    Ok(render(&RoutingPage {
        c: Chrome::for_session(&s, "/admin/people"),
        model,
        rows,
    }))
}
