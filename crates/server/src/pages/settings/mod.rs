//! Settings pages: the working calendar (`/settings/calendar`) and the workflow settings
//! (`/settings/workflow`). Everyone with a role may read them; only a system administrator
//! changes them, through the same log entries and rules as the JSON API
//! (`Transition::CalendarSet`, `Transition::WorkflowConfigSet`, [`crate::settings_input`]).

mod calendar;
mod months;
mod workflow;

use crate::error::PageError;
use crate::i18n::Lang;
use crate::session::Session;
use crate::AppState;
use axum::routing::{get, post};
use axum::Router;
use tiaokuai_app::{now_ms, Actor, AppError};
use tiaokuai_core::calendar::Limit;
use tiaokuai_core::{FieldError, Transition};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings/calendar", get(calendar::page))
        .route(
            "/settings/calendar/upload",
            post(calendar::upload).layer(axum::extract::DefaultBodyLimit::max(2 * 1024 * 1024)),
        )
        .route("/settings/calendar/day", post(calendar::set_day))
        .route("/settings/calendar/hours", post(calendar::set_hours))
        .route(
            "/settings/workflow",
            get(workflow::page).post(workflow::save),
        )
        .route("/settings/workflow/items", post(workflow::add_item))
        .route(
            "/settings/workflow/items/remove",
            post(workflow::remove_item),
        )
}

/// Everyone with at least one role may read the settings.
fn may_view(s: &Session) -> Result<(), PageError> {
    if s.principal.grants.is_empty() {
        Err(PageError::forbidden(s.lang))
    } else {
        Ok(())
    }
}

/// The administrator actor for a change, after checking the CSRF token; 403 otherwise.
fn admin_for_change(s: &Session, csrf: &str) -> Result<Actor, PageError> {
    match crate::settings_input::admin_actor(&s.principal) {
        Some(a) if s.check_csrf(csrf) => Ok(a),
        _ => Err(PageError::forbidden(s.lang)),
    }
}

/// Appends one settings entry. Field problems come back as `Err(Some(errors))`; other
/// failures are page errors.
async fn append(
    state: &AppState,
    s: &Session,
    actor: &Actor,
    t: Transition,
) -> Result<Result<(), Vec<FieldError>>, PageError> {
    match state.engine.submit(actor, now_ms(), vec![t]).await {
        Ok(_) => Ok(Ok(())),
        Err(AppError::Domain(e)) => Ok(Err(e.into_field_errors())),
        Err(e) => Err(PageError::from_app(e, s.lang)),
    }
}

/// A limit as people count it: `5 个工作日`, `2 个工作小时`, `30 工作分钟`, `30 分钟（自然时间）`.
pub(crate) fn limit_label(l: Limit, lang: Lang) -> String {
    match (l, lang) {
        (Limit::WorkingDays(n), Lang::Zh) => format!("{n} 个工作日"),
        (Limit::WorkingDays(n), Lang::En) => format!("{n} working day{}", plural(n)),
        (Limit::WorkingMinutes(n), Lang::Zh) if n >= 60 && n % 60 == 0 => {
            format!("{} 个工作小时", n / 60)
        }
        (Limit::WorkingMinutes(n), Lang::En) if n >= 60 && n % 60 == 0 => {
            format!("{} working hour{}", n / 60, plural(n / 60))
        }
        (Limit::WorkingMinutes(n), Lang::Zh) => format!("{n} 工作分钟"),
        (Limit::WorkingMinutes(n), Lang::En) => format!("{n} working minute{}", plural(n)),
        (Limit::ClockMinutes(n), Lang::Zh) => format!("{n} 分钟（自然时间）"),
        (Limit::ClockMinutes(n), Lang::En) => format!("{n} minute{} on the clock", plural(n)),
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `row 3 · date: ...` as a line for the page.
fn error_line(e: &FieldError, lang: Lang) -> String {
    let loc = e
        .location
        .strip_prefix("row ")
        .map(|r| lang.pick("第 {} 行", "row {}").replace("{}", r))
        .unwrap_or_else(|| e.location.clone());
    let field = match e.field.as_str() {
        "date" => lang.pick("date（日期）列", "column date"),
        "kind" => lang.pick("kind（类型）列", "column kind"),
        "name" => lang.pick("name（名称）列", "column name"),
        "" => "",
        _ => e.field.as_str(),
    };
    let message = say(e, lang);
    [loc.as_str(), field, message.as_str()]
        .iter()
        .filter(|x| !x.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A calendar input problem in the page's language, from the reasons' catalogue.
fn say(e: &FieldError, lang: Lang) -> String {
    crate::error::reason_text(&e.reason, lang)
}
