//! Sessions: a random id in an HttpOnly cookie, only its hash stored; a CSRF token per
//! session; extractors for pages (redirect to login) and the API (401).

use crate::error::{ApiError, PageError};
use crate::i18n::Lang;
use crate::security::{random_token, tokens_match};
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use sha2::{Digest, Sha256};
use tiaokuai_app::now_ms;
use tiaokuai_core::access::Principal;
use tiaokuai_store::SessionRow;

pub const SESSION_COOKIE: &str = "tk_session";
pub const LOGIN_CSRF_COOKIE: &str = "tk_login_csrf";

pub fn hash_id(id: &str) -> String {
    hex::encode(Sha256::digest(id.as_bytes()))
}

/// A logged-in user.
#[derive(Clone)]
pub struct Session {
    pub principal: Principal,
    pub csrf: String,
    pub lang: Lang,
    /// Steps waiting for this person (workflow and list adjustments), for the menu's count;
    /// filled for pages only.
    pub work: usize,
}

impl Session {
    pub fn check_csrf(&self, token: &str) -> bool {
        tokens_match(token, &self.csrf)
    }
}

async fn load(
    parts: &mut Parts,
    state: &AppState,
) -> Result<Option<Session>, tiaokuai_app::AppError> {
    let jar = CookieJar::from_headers(&parts.headers);
    let lang = Lang::from_jar(&jar);
    let Some(id) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(None);
    };
    let hashed = hash_id(&id);
    let now = now_ms();
    let row = match state.sessions.get(&hashed, now) {
        Some(row) => row,
        None => {
            let Some(row) = state.engine.store().session(&hashed, now).await? else {
                return Ok(None);
            };
            state.sessions.put(hashed, row.clone(), now);
            row
        }
    };
    if row.county != state.engine.county() {
        return Ok(None);
    }
    let Some(principal) = state.engine.principal_of(&row.username).await? else {
        return Ok(None);
    };
    Ok(Some(Session {
        principal,
        csrf: row.csrf,
        lang,
        work: 0,
    }))
}

/// Recently validated sessions, so a request does not read the database to authenticate.
/// An entry lives [`SessionCache::TTL_MS`]: a session deleted by another server process
/// (logout, password change) stops working here within that time; this process's own
/// logouts remove their entry at once.
#[derive(Default)]
pub struct SessionCache {
    map: std::sync::Mutex<std::collections::HashMap<String, (SessionRow, i64)>>,
}

impl SessionCache {
    pub const TTL_MS: i64 = 5_000;
    const MAX: usize = 100_000;

    pub fn get(&self, hashed: &str, now: i64) -> Option<SessionRow> {
        let map = self.map.lock().ok()?;
        match map.get(hashed) {
            Some((row, at)) if now - at < Self::TTL_MS && row.expires_ms > now => Some(row.clone()),
            _ => None,
        }
    }

    pub fn put(&self, hashed: String, row: SessionRow, now: i64) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= Self::MAX {
                map.retain(|_, (_, at)| now - *at < Self::TTL_MS);
            }
            map.insert(hashed, (row, now));
        }
    }

    pub fn remove(&self, hashed: &str) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(hashed);
        }
    }
}

/// Page extractor: redirects to the login page when there is no session.
pub struct PageSession(pub Session);

impl FromRequestParts<AppState> for PageSession {
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = Lang::from_jar(&CookieJar::from_headers(&parts.headers));
        match load(parts, state).await {
            Ok(Some(mut s)) => {
                let p = s.principal.clone();
                s.work = state
                    .engine
                    .with_state(|st| crate::pages::work_count(st, &p, now_ms()))
                    .await
                    .unwrap_or(0);
                Ok(PageSession(s))
            }
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let next: String = url_encode(next);
                Err(Redirect::to(&format!("/login?next={next}")).into_response())
            }
            Err(e) => Err(PageError::from_app(e, lang).into_response()),
        }
    }
}

/// API extractor: 401 without a session. State-changing API calls must also send the
/// `X-CSRF-Token` header (checked in [`ApiSession::require_csrf`]).
pub struct ApiSession(pub Session, pub Option<String>);

impl FromRequestParts<AppState> for ApiSession {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        match load(parts, state).await {
            Ok(Some(s)) => Ok(ApiSession(s, header)),
            Ok(None) => Err(ApiError::unauthorized()),
            Err(e) => Err(e.into()),
        }
    }
}

impl ApiSession {
    pub fn require_csrf(&self) -> Result<(), ApiError> {
        match &self.1 {
            Some(t) if self.0.check_csrf(t) => Ok(()),
            _ => Err(ApiError::forbidden("missing or wrong X-CSRF-Token header")),
        }
    }
}

/// Creates a session and returns the cookie to set plus the CSRF token.
pub async fn start(
    state: &AppState,
    username: &str,
) -> Result<(Cookie<'static>, String), tiaokuai_app::AppError> {
    let id = random_token(32);
    let csrf = random_token(16);
    let now = now_ms();
    let row = SessionRow {
        county: state.engine.county().to_string(),
        username: username.to_string(),
        csrf: csrf.clone(),
        expires_ms: now + state.config.session_hours * 3_600_000,
    };
    state
        .engine
        .store()
        .create_session(&hash_id(&id), &row, now)
        .await?;
    let cookie = Cookie::build((SESSION_COOKIE, id))
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time_hours(state.config.session_hours))
        .build();
    Ok((cookie, csrf))
}

fn time_hours(h: i64) -> time::Duration {
    time::Duration::hours(h)
}

pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
