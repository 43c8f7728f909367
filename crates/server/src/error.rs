//! The two edge error types: JSON for the API, HTML for pages. Internal details are logged,
//! never returned.

use crate::i18n::Lang;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use tiaokuai_app::AppError;
use tiaokuai_core::{DomainError, FieldError};

fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Domain(DomainError::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Domain(DomainError::NotFound { .. }) => StatusCode::NOT_FOUND,
        AppError::Domain(DomainError::Forbidden(_)) => StatusCode::FORBIDDEN,
        AppError::Domain(DomainError::Conflict(_)) => StatusCode::CONFLICT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable code: invalid, not_found, forbidden, conflict, unauthorized, internal.
    pub code: String,
    pub message: String,
    /// Every field problem, for `invalid`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>, required = false)]
    pub errors: Vec<FieldError>,
}

/// An API error, rendered as JSON.
#[derive(Debug)]
pub struct ApiError(pub StatusCode, pub String, pub String, pub Vec<FieldError>);

impl ApiError {
    pub fn unauthorized() -> Self {
        ApiError(
            StatusCode::UNAUTHORIZED,
            "unauthorized".into(),
            "log in first".into(),
            vec![],
        )
    }
    pub fn forbidden(msg: &str) -> Self {
        ApiError(
            StatusCode::FORBIDDEN,
            "forbidden".into(),
            msg.into(),
            vec![],
        )
    }
    pub fn bad_request(field: &str, msg: impl Into<String>) -> Self {
        let msg = msg.into();
        ApiError(
            StatusCode::BAD_REQUEST,
            "invalid".into(),
            format!("{field}: {msg}"),
            vec![FieldError::new("", field, msg)],
        )
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = status_of(&e);
        if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %e, "internal error");
            return ApiError(status, "internal".into(), "internal error".into(), vec![]);
        }
        let errors = match &e {
            AppError::Domain(DomainError::Invalid(v)) => v.clone(),
            _ => vec![],
        };
        let code = match &e {
            AppError::Domain(d) => d.code().to_string(),
            _ => "internal".into(),
        };
        ApiError(status, code, e.to_string(), errors)
    }
}

impl From<tiaokuai_store::StoreError> for ApiError {
    fn from(e: tiaokuai_store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.0,
            axum::Json(ErrorBody {
                code: self.1,
                message: self.2,
                errors: self.3,
            }),
        )
            .into_response()
    }
}

/// A page error, rendered as a small HTML page in the user's language.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub message: String,
    pub lang: Lang,
}

impl PageError {
    pub fn forbidden(lang: Lang) -> Self {
        PageError {
            status: StatusCode::FORBIDDEN,
            message: lang.t("err.forbidden").to_string(),
            lang,
        }
    }
    pub fn not_found(lang: Lang) -> Self {
        PageError {
            status: StatusCode::NOT_FOUND,
            message: lang.t("err.not_found").to_string(),
            lang,
        }
    }
    pub fn from_app(e: AppError, lang: Lang) -> Self {
        let status = status_of(&e);
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %e, "internal error");
            lang.t("err.internal").to_string()
        } else {
            e.to_string()
        };
        PageError {
            status,
            message,
            lang,
        }
    }
}

impl From<(tiaokuai_store::StoreError, Lang)> for PageError {
    fn from((e, lang): (tiaokuai_store::StoreError, Lang)) -> Self {
        PageError::from_app(e.into(), lang)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let l = self.lang;
        let title = match self.status {
            StatusCode::FORBIDDEN => l.t("err.forbidden_title"),
            StatusCode::NOT_FOUND => l.t("err.not_found_title"),
            _ => l.t("err.title"),
        };
        let body = format!(
            "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
             <title>{title}</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><main class=\"narrow\">\
             <h1 class=\"error-title\">{} {title}</h1><p id=\"error-message\">{}</p><p><a href=\"/\">{}</a></p></main></body></html>",
            l.code(),
            self.status.as_u16(),
            html_escape(&self.message),
            l.t("nav.home"),
        );
        (self.status, Html(body)).into_response()
    }
}

pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
