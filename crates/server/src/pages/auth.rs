use super::{render, Chrome};
use crate::i18n::{Lang, LANG_COOKIE};
use crate::security::{random_token, tokens_match};
use crate::session::{self, hash_id, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;
use std::net::SocketAddr;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    c: Chrome,
    error: Option<String>,
    login_csrf: String,
    next: String,
    username: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only same-site relative paths are followed after login. Browsers drop tabs and newlines
/// from a `Location` (so `/\t/evil.example` becomes `//evil.example`), and read `\` as `/`:
/// a path with any control character, whitespace or backslash is refused outright.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n
                    .chars()
                    .any(|c| c.is_control() || c.is_whitespace() || c == '\\') =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

fn login_page(
    state: &AppState,
    jar: CookieJar,
    lang: Lang,
    error: Option<String>,
    next: String,
    username: String,
) -> Response {
    let token = random_token(16);
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, token.clone()))
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(SameSite::Strict)
        .path("/login")
        .build();
    let status = if error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    let page = LoginPage {
        c: Chrome::anonymous(lang),
        error,
        login_csrf: token,
        next,
        username,
    };
    (status, jar.add(cookie), render(&page)).into_response()
}

pub async fn login_form(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(q): Query<NextQuery>,
) -> Response {
    let lang = Lang::from_jar(&jar);
    login_page(
        &state,
        jar,
        lang,
        None,
        safe_next(q.next.as_deref()),
        String::new(),
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    jar: CookieJar,
    Form(f): Form<LoginForm>,
) -> Response {
    let lang = Lang::from_jar(&jar);
    let next = safe_next(f.next.as_deref());
    let expected = jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if !tokens_match(&f.csrf, &expected) {
        return login_page(
            &state,
            jar,
            lang,
            Some(lang.t("login.csrf").into()),
            next,
            f.username,
        );
    }
    let username = f.username.trim().to_string();
    let client = crate::security::client_ip(&state.config.trusted_proxies, peer.ip(), &headers);
    if !state.limiter.allow(&client.to_string(), &username) {
        let mut r = login_page(
            &state,
            jar,
            lang,
            Some(lang.t("login.limited").into()),
            next,
            username,
        );
        *r.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        return r;
    }
    match state.engine.authenticate(&username, &f.password).await {
        Ok(Some(p)) => match session::start(&state, &p.username).await {
            Ok((cookie, _)) => {
                tracing::info!(user = %p.username, "login");
                let jar = jar
                    .remove(Cookie::build(LOGIN_CSRF_COOKIE).path("/login"))
                    .add(cookie);
                (jar, Redirect::to(&next)).into_response()
            }
            Err(e) => crate::error::PageError::from_app(e, lang).into_response(),
        },
        Ok(None) => {
            tracing::info!(user = %username, "failed login");
            login_page(
                &state,
                jar,
                lang,
                Some(lang.t("login.failed").into()),
                next,
                username,
            )
        }
        Err(e) => crate::error::PageError::from_app(e, lang).into_response(),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    Form(f): Form<CsrfForm>,
) -> Response {
    if let Some(id) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) {
        let hashed = hash_id(&id);
        if let Ok(Some(row)) = state
            .engine
            .store()
            .session(&hashed, tiaokuai_app::now_ms())
            .await
        {
            if !tokens_match(&f.csrf, &row.csrf) {
                return crate::error::PageError::forbidden(Lang::from_jar(&jar)).into_response();
            }
        }
        state.sessions.remove(&hashed);
        if let Err(e) = state.engine.store().delete_session(&hashed).await {
            tracing::error!(error = %e, "logout failed");
        }
    }
    (
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        Redirect::to("/login"),
    )
        .into_response()
}

pub async fn set_lang(Path(lang): Path<String>, jar: CookieJar, headers: HeaderMap) -> Response {
    let value = if lang == "en" { "en" } else { "zh" };
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| {
            r.find("://")
                .and_then(|i| r[i + 3..].find('/').map(|j| r[i + 3 + j..].to_string()))
        })
        .unwrap_or_else(|| "/".into());
    let cookie = Cookie::build((LANG_COOKIE, value))
        .path("/")
        .same_site(SameSite::Lax)
        .permanent()
        .build();
    (jar.add(cookie), Redirect::to(&safe_next(Some(&back)))).into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_plain_same_site_paths_are_followed() {
        assert_eq!(safe_next(Some("/events/12?x=1")), "/events/12?x=1");
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/ /evil.example",
            "/\u{0}/x",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
