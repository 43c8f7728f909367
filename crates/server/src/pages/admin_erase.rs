//! Erasing a person's personal data (个人信息保护法), system administrators only: a
//! confirmation page, then the erasure. The log keeps the fact and still verifies; the name,
//! phone and password hash are deleted and show as "已删除" from then on.

use super::admin::{actor_of, guard};
use super::{render, Chrome};
use crate::error::PageError;
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tiaokuai_app::{now_ms, AppError};
use tiaokuai_core::org::ERASED;

#[derive(Template)]
#[template(path = "admin_erase.html")]
struct ErasePage {
    c: Chrome,
    username: String,
    name: String,
    unit: String,
    erased: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    csrf: String,
    /// The username typed again, so a slip of the mouse erases no one.
    #[serde(default)]
    confirm: String,
}

async fn page_for(
    state: &AppState,
    s: &crate::session::Session,
    username: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    let county = state.engine.county();
    let Some(row) = state
        .engine
        .store()
        .person(county, username)
        .await
        .map_err(|e| PageError::from((e, s.lang)))?
    else {
        return Err(PageError::not_found(s.lang));
    };
    let erased = row.person.name == ERASED && !row.person.active;
    Ok(render(&ErasePage {
        c: Chrome::for_session(s, "/admin/people"),
        username: row.person.username,
        name: super::admin::shown(s.lang, &row.person.name),
        unit: row.person.unit,
        erased,
        error,
    }))
}

/// The confirmation page.
pub async fn confirm(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(username): Path<String>,
) -> Result<Response, PageError> {
    guard(&s)?;
    page_for(&state, &s, &username, None).await
}

/// Erases the person's personal data and returns to the people list.
pub async fn erase(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(username): Path<String>,
    Form(f): Form<EraseForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Ok(PageError::forbidden(s.lang).into_response());
    }
    if f.confirm.trim() != username {
        let msg = s.lang.pick(
            "请输入该人员的账号以确认删除",
            "Type the person's username to confirm the erasure",
        );
        return page_for(&state, &s, &username, Some(msg.to_string())).await;
    }
    match state
        .engine
        .erase_person(&actor_of(&s), now_ms(), &username)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/admin/people?q={username}")).into_response()),
        Err(AppError::Domain(e)) => page_for(&state, &s, &username, Some(e.to_string())).await,
        Err(e) => Err(PageError::from_app(e, s.lang)),
    }
}
