use super::{render, Chrome};
use crate::error::PageError;
use crate::session::{PageSession, Session, SESSION_COOKIE};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use serde::Deserialize;
use tiaokuai_app::{now_ms, Actor};

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    c: Chrome,
    username: String,
    name: String,
    unit: String,
    roles: String,
    error: Option<String>,
}

async fn page_for(state: &AppState, s: &Session, error: Option<String>) -> Response {
    let l = s.lang;
    let unit = state
        .engine
        .with_state(|st| {
            st.org
                .unit(&s.principal.unit)
                .map(|u| u.name.clone())
                .unwrap_or_default()
        })
        .await
        .unwrap_or_default();
    // Roles in words: 网格员（王家庄村）, not codes.
    let roles = state
        .engine
        .with_state(|st| {
            s.principal
                .grants
                .iter()
                .map(|g| {
                    format!(
                        "{}（{}）",
                        l.pick(g.role.label_zh(), g.role.label_en()),
                        st.org
                            .unit(&g.unit)
                            .map(|u| u.name.clone())
                            .unwrap_or_else(|| g.unit.clone())
                    )
                })
                .collect::<Vec<_>>()
                .join(l.pick("、", ", "))
        })
        .await
        .unwrap_or_default();
    render(&AccountPage {
        c: Chrome::for_session(s, "/account"),
        username: s.principal.username.clone(),
        name: s.principal.name.clone(),
        unit,
        roles,
        error,
    })
}

pub async fn page(State(state): State<AppState>, PageSession(s): PageSession) -> Response {
    page_for(&state, &s, None).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    jar: CookieJar,
    Form(f): Form<PasswordForm>,
) -> Response {
    if !s.check_csrf(&f.csrf) {
        return PageError::forbidden(s.lang).into_response();
    }
    match state
        .engine
        .authenticate(&s.principal.username, &f.current)
        .await
    {
        Ok(Some(_)) => {}
        Ok(None) => {
            return page_for(&state, &s, Some(s.lang.t("account.wrong_current").into())).await
        }
        Err(e) => return PageError::from_app(e, s.lang).into_response(),
    }
    let actor = Actor {
        username: s.principal.username.clone(),
        role: String::new(),
        unit: s.principal.unit.clone(),
    };
    match state
        .engine
        .set_password(&actor, now_ms(), &s.principal.username, &f.new)
        .await
    {
        Ok(()) => (
            jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
            Redirect::to("/login"),
        )
            .into_response(),
        Err(tiaokuai_app::AppError::Domain(e)) => page_for(&state, &s, Some(e.to_string())).await,
        Err(e) => PageError::from_app(e, s.lang).into_response(),
    }
}
