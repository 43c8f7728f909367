//! "没找到？": a citizen's suggestion, filed without login as a log entry
//! ([`Transition::PublicSuggestion`]), and the county command centre's list of them.
//!
//! The form is protected like the login form: a random token in a `SameSite=Strict` cookie
//! scoped to `/public`, repeated in a hidden field. Filing is rate-limited per client address
//! with the login limiter (under a key no username can take).

use super::{question_page, SuggestForm};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::{render, Chrome};
use crate::security::{client_ip, random_token, tokens_match};
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;
use std::net::SocketAddr;
use tiaokuai_app::{Actor, AppError};
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::public::suggestion_problems;
use tiaokuai_core::Transition;

/// The cookie holding the public form's CSRF token.
pub const PUBLIC_CSRF_COOKIE: &str = "tk_public_csrf";
/// The limiter key filing suggestions counts under (a username cannot hold a control character).
const LIMIT_KEY: &str = "\u{1}public-suggestion";

/// The token for the public form: the one the browser already holds, or a new one with the
/// cookie to set, so two open tabs keep working.
pub(crate) fn csrf_cookie(state: &AppState, jar: CookieJar) -> (CookieJar, String) {
    if let Some(t) = jar.get(PUBLIC_CSRF_COOKIE).map(|c| c.value().to_string()) {
        if t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return (jar, t);
        }
    }
    let token = random_token(16);
    let cookie = Cookie::build((PUBLIC_CSRF_COOKIE, token.clone()))
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(SameSite::Strict)
        .path("/public")
        .build();
    (jar.add(cookie), token)
}

#[derive(Deserialize)]
pub struct SuggestInput {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    contact: String,
}

fn message(l: Lang, e: &tiaokuai_core::FieldError) -> String {
    match l {
        Lang::Zh => e.reason.zh(),
        Lang::En => e.reason.en(),
    }
}

/// `POST /public/suggestions`: files a suggestion, or shows the form again with its problems.
pub async fn file(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    jar: CookieJar,
    Form(f): Form<SuggestInput>,
) -> Response {
    let l = Lang::from_jar(&jar);
    let query: String = f.q.chars().take(200).collect();
    let mut form = SuggestForm {
        text: f.text.chars().take(2_000).collect(),
        contact: f.contact.chars().take(100).collect(),
        ..Default::default()
    };
    let q = query.clone();
    let again = |state: AppState, jar: CookieJar, form: SuggestForm, status: StatusCode| async move {
        let mut r = question_page(&state, jar, &q, form, false).await;
        *r.status_mut() = status;
        r
    };
    let expected = jar
        .get(PUBLIC_CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if !tokens_match(&f.csrf, &expected) {
        form.form_error = l
            .pick(
                "页面已过期，请重新提交。",
                "The page expired; please submit again.",
            )
            .into();
        return again(state, jar, form, StatusCode::FORBIDDEN).await;
    }
    let client = client_ip(&state.config.trusted_proxies, peer.ip(), &headers);
    if !state.limiter.allow(&client.to_string(), LIMIT_KEY) {
        form.form_error = l
            .pick(
                "提交过于频繁，请稍后再试，或拨打 12345 热线。",
                "Too many submissions; try again in a minute, or call the 12345 hotline.",
            )
            .into();
        return again(state, jar, form, StatusCode::TOO_MANY_REQUESTS).await;
    }
    let problems = suggestion_problems(&form.text, &form.contact);
    if !problems.is_empty() {
        for p in &problems {
            let slot = if p.field == "contact" {
                &mut form.contact_error
            } else {
                &mut form.text_error
            };
            *slot = message(l, p);
        }
        return again(state, jar, form, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let actor = Actor {
        username: "public:citizen".into(),
        role: "citizen".into(),
        unit: String::new(),
    };
    let t = Transition::PublicSuggestion {
        at_ms: tiaokuai_app::now_ms(),
        text: form.text.trim().to_string(),
        query: query.trim().to_string(),
        contact: form.contact.trim().to_string(),
    };
    match state
        .engine
        .submit(&actor, tiaokuai_app::now_ms(), vec![t])
        .await
    {
        Ok(_) => {
            let to = format!("/public?filed=1&q={}", super::urlencode(&query));
            Redirect::to(&to).into_response()
        }
        Err(AppError::Domain(e)) => {
            for p in e.into_field_errors() {
                let m = message(l, &p);
                if p.field == "contact" {
                    form.contact_error = m;
                } else {
                    form.text_error = m;
                }
            }
            again(state, jar, form, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => PageError::from_app(e, l).into_response(),
    }
}

pub struct Row {
    pub at: String,
    pub text: String,
    pub query: String,
    pub contact: String,
}

#[derive(Template)]
#[template(path = "public_suggestions.html")]
struct SuggestionsPage {
    c: Chrome,
    rows: Vec<Row>,
    total: usize,
}

/// `GET /public/suggestions`: the suggestions, newest first, for the county command centre.
pub async fn list(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    if !s.principal.has(RoleKind::CountyDispatcher) {
        return Err(PageError::forbidden(s.lang));
    }
    let (rows, total) = state
        .engine
        .with_state(|st| {
            let all = &st.public_suggestions;
            let rows = all
                .iter()
                .rev()
                .take(500)
                .map(|p| Row {
                    at: tiaokuai_app::cst::format_ms(p.at_ms),
                    text: p.text.clone(),
                    query: p.query.clone(),
                    contact: p.contact.clone(),
                })
                .collect();
            (rows, all.len())
        })
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    Ok(render(&SuggestionsPage {
        c: Chrome::for_session(&s, "/desk"),
        rows,
        total,
    }))
}
