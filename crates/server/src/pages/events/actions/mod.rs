//! The actions on the event page. Which forms a viewer sees is decided by dry-running each
//! candidate command through the rules (`choose_party`): if the rules would accept it (or only
//! object to the placeholder input), the form is shown. `POST /events/{id}/act/{action}` reads
//! the form, builds the command and submits it; a refusal re-shows the page with the error next
//! to the form and every value kept, and nothing changes.

mod candidates;
mod form_command;
mod offered;

pub use offered::{available, mark_primary, title_of, ActionView};

use super::detail::{self, ViewQuery};
use super::form::{kept_photos, Fields};
use super::report::store_photos;
use super::view;
use crate::error::PageError;
use crate::session::PageSession;
use crate::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use form_command::build;
use std::collections::BTreeMap;
use tiaokuai_app::{now_ms, AppError};
use tiaokuai_core::DomainError;

/// Every action a form can post, in the order forms are listed.
const CODES: [&str; 26] = [
    "sign",
    "check_in",
    "respond",
    "request_return",
    "request_extension",
    "report_back",
    "decide_return",
    "decide_extension",
    "verify",
    "evaluate",
    "appeal",
    "decide_appeal",
    "remind",
    "supervise",
    "conclude_case",
    "assign",
    "call",
    "self_close",
    "dispatch",
    "whistle",
    "rule",
    "close",
    "cancel",
    "shelve",
    "public_feedback",
    "note",
];

/// A refused submission, shown on the re-rendered page.
pub struct Flash {
    pub action: String,
    pub hop: Option<u32>,
    pub message: String,
    pub fields: BTreeMap<String, String>,
    pub values: BTreeMap<String, String>,
    pub status: StatusCode,
}

fn status_of(e: &DomainError) -> StatusCode {
    match e {
        DomainError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        DomainError::NotFound { .. } => StatusCode::NOT_FOUND,
        DomainError::Forbidden(_) => StatusCode::FORBIDDEN,
        DomainError::Conflict(_) => StatusCode::CONFLICT,
    }
}

pub async fn act(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path((id, action)): Path<(u64, String)>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let l = s.lang;
    let Some(code) = CODES.iter().copied().find(|c| *c == action) else {
        return Err(PageError::not_found(l));
    };
    let f = Fields::read(mp).await;
    if !s.check_csrf(f.get("csrf")) {
        return Err(PageError::forbidden(l));
    }
    // Read scope before anything else: no photo stored, no field checked, no state revealed.
    super::readable(&state, &s, id).await?;
    let hop = f.get("assignment").parse::<u32>().ok();
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    let mut photos = kept_photos(&f);
    if matches!(code, "report_back" | "verify") {
        store_photos(&state, &f, "photos", &mut photos, &mut fields, l).await?;
    }
    let mut values = f.kept();
    values.remove("photo_hash");
    if !photos.is_empty() {
        values.insert("photo_hash".into(), photos.join("\n"));
    }
    let now = now_ms();
    let (message, status) = match build(code, id, &f, photos, now, l) {
        Ok(cmd) if fields.is_empty() => match state.engine.act(&s.principal, now, cmd).await {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/events/{id}?done={code}#timeline")).into_response()
                )
            }
            Err(AppError::Domain(e)) => {
                if let DomainError::Invalid(errs) = &e {
                    for fe in errs {
                        let msg = view::field_message(fe, l);
                        fields.insert(fe.field.clone(), msg);
                    }
                }
                let msg = state
                    .engine
                    .with_state(|st| view::refusal(&e, &st.org, l))
                    .await
                    .unwrap_or_else(|_| e.to_string());
                (msg, status_of(&e))
            }
            Err(e) => return Err(PageError::from_app(e, l)),
        },
        Ok(_) => (
            l.pick("请更正标出的问题", "Please correct the marked fields")
                .to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(errs) => {
            fields.extend(errs);
            (
                l.pick("请更正标出的问题", "Please correct the marked fields")
                    .to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    };
    let flash = Flash {
        action: code.to_string(),
        hop,
        message,
        fields,
        values,
        status,
    };
    detail::show(&state, &s, id, ViewQuery::default(), Some(flash)).await
}
