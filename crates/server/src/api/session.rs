use super::ApiJson;
use crate::error::ApiError;
use crate::session::{self as sess, hash_id, ApiSession, SESSION_COOKIE};
use crate::AppState;
use axum::extract::{ConnectInfo, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionInfo {
    pub username: String,
    pub name: String,
    pub unit: String,
    /// `role@unit` grants.
    pub roles: Vec<String>,
    /// Send as `X-CSRF-Token` on state-changing calls.
    pub csrf: String,
}

/// Log in; sets the session cookie.
#[utoipa::path(post, path = "/session", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo), (status = 401, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    jar: CookieJar,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let client = crate::security::client_ip(&state.config.trusted_proxies, peer.ip(), &headers);
    if !state
        .limiter
        .allow(&client.to_string(), req.username.trim())
    {
        return Err(ApiError::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many login attempts",
        ));
    }
    let Some(p) = state
        .engine
        .authenticate(req.username.trim(), &req.password)
        .await?
    else {
        return Err(ApiError::new(
            axum::http::StatusCode::UNAUTHORIZED,
            "unauthorized",
            "wrong username or password",
        ));
    };
    let (cookie, csrf) = sess::start(&state, &p.username).await?;
    let info = SessionInfo {
        username: p.username.clone(),
        name: p.name.clone(),
        unit: p.unit.clone(),
        roles: p.grants.iter().map(|g| g.to_string()).collect(),
        csrf,
    };
    Ok((jar.add(cookie), Json(info)).into_response())
}

/// Log out.
#[utoipa::path(delete, path = "/session", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
    s: ApiSession,
    jar: CookieJar,
) -> Result<Response, ApiError> {
    s.require_csrf()?;
    if let Some(id) = jar.get(SESSION_COOKIE).map(|c| c.value().to_string()) {
        state.sessions.remove(&hash_id(&id));
        state.engine.store().delete_session(&hash_id(&id)).await?;
    }
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        axum::http::StatusCode::NO_CONTENT,
    )
        .into_response())
}

/// The current user.
#[utoipa::path(get, path = "/me", responses((status = 200, body = SessionInfo), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(ApiSession(s, _): ApiSession) -> Json<SessionInfo> {
    Json(SessionInfo {
        username: s.principal.username.clone(),
        name: s.principal.name.clone(),
        unit: s.principal.unit.clone(),
        roles: s.principal.grants.iter().map(|g| g.to_string()).collect(),
        csrf: s.csrf.clone(),
    })
}
