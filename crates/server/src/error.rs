//! The two edge error types: JSON for the API, HTML for pages. Internal details are logged,
//! never returned.

use crate::i18n::Lang;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use tiaokuai_app::AppError;
use tiaokuai_core::{DomainError, FieldError, Reason};

/// The one mapping from an application error to an HTTP status (API and pages).
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::Domain(DomainError::Invalid(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Domain(DomainError::NotFound { .. }) => StatusCode::NOT_FOUND,
        AppError::Domain(DomainError::Forbidden(_)) => StatusCode::FORBIDDEN,
        AppError::Domain(DomainError::Conflict(_)) => StatusCode::CONFLICT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// What a "not found" names, in Chinese.
fn kind_zh(kind: &str) -> &str {
    match kind {
        "event" => "事件",
        "assignment" => "派单",
        "case" => "追责案件",
        "application" => "申请",
        "person" => "人员",
        "unit" => "单位",
        "appeal" => "申诉",
        "assessment scheme" => "考核方案",
        "patrol" => "巡查",
        "finding" => "发现问题",
        k => k,
    }
}

/// A domain error in the reader's language, from the reasons' catalogue; `names` shows unit
/// codes (pages pass unit names) and `field` labels a field of invalid input.
pub fn domain_text(
    e: &DomainError,
    lang: Lang,
    names: &dyn Fn(&str) -> String,
    field: &dyn Fn(&str) -> String,
) -> String {
    let text = |r: &Reason| match lang {
        Lang::Zh => r.zh_with(names),
        Lang::En => r.en_with(names),
    };
    match e {
        DomainError::Invalid(v) => v
            .iter()
            .map(|f| match lang {
                Lang::Zh => format!("{}：{}", field(&f.field), text(&f.reason)),
                Lang::En => format!("{}: {}", field(&f.field), text(&f.reason)),
            })
            .collect::<Vec<_>>()
            .join(lang.pick("；", "; ")),
        DomainError::NotFound { kind, id } => match lang {
            Lang::Zh => format!("{} {id} 不存在", kind_zh(kind)),
            Lang::En => format!("{kind} {id} not found"),
        },
        DomainError::Forbidden(r) | DomainError::Conflict(r) => text(r),
    }
}

/// A reason in the reader's language, unit codes as they are.
pub fn reason_text(r: &Reason, lang: Lang) -> String {
    match lang {
        Lang::Zh => r.zh(),
        Lang::En => r.en(),
    }
}

fn plain(s: &str) -> String {
    s.to_string()
}

/// The schema of one entry of [`ErrorBody::errors`] (how `FieldError` serialises).
#[derive(Serialize, utoipa::ToSchema)]
pub struct FieldErrorDoc {
    /// Where: a file row, a request path, or empty.
    pub location: String,
    /// The field: a JSON path such as `report.accepted_at`, or a column header.
    pub field: String,
    /// Stable reason code, e.g. `required`, `too_long`, `unknown_unit`.
    pub code: String,
    /// English text.
    pub message: String,
    /// Chinese text.
    pub message_zh: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable class: invalid, not_found, forbidden, conflict, unauthorized, internal.
    pub code: String,
    /// English text (the same as `message_en`).
    pub message: String,
    /// Stable code of the reason, e.g. `event_final`, when the refusal has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The message in Chinese, from the message catalogue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_zh: Option<String>,
    /// The message in English, from the message catalogue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_en: Option<String>,
    /// Every field problem, for `invalid`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<FieldErrorDoc>, required = false)]
    pub errors: Vec<FieldError>,
}

/// An API error, rendered as JSON.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    /// The class (`code` of the body).
    pub code: String,
    pub message: String,
    pub errors: Vec<FieldError>,
    /// (reason code, zh, en) of a refusal from the rules; boxed to keep results small.
    pub reason: Option<Box<(String, String, String)>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            errors: vec![],
            reason: None,
        }
    }
    pub fn unauthorized() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "log in first")
    }
    pub fn forbidden(msg: &str) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", msg)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    /// 400 naming one field of a request that could not be read.
    pub fn bad_request(field: &str, reason: impl Into<Reason>) -> Self {
        let e = DomainError::invalid(field, reason);
        ApiError {
            status: StatusCode::BAD_REQUEST,
            ..ApiError::from_domain(e)
        }
    }
    /// A refusal from the rules (or of the request's input) with its reason's texts.
    pub fn from_domain(e: DomainError) -> Self {
        let zh = domain_text(&e, Lang::Zh, &plain, &plain);
        let en = domain_text(&e, Lang::En, &plain, &plain);
        let code = e
            .reason()
            .map(|r| r.code().to_string())
            .unwrap_or_else(|| e.code().to_string());
        let status = status_of(&AppError::Domain(e.clone()));
        let class = e.code();
        let message = e.to_string();
        let errors = match e {
            DomainError::Invalid(v) => v,
            _ => vec![],
        };
        ApiError {
            status,
            code: class.into(),
            message,
            errors,
            reason: Some(Box::new((code, zh, en))),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Domain(d) => ApiError::from_domain(d),
            e => {
                tracing::error!(error = %e, "internal error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error",
                )
            }
        }
    }
}

impl From<tiaokuai_store::StoreError> for ApiError {
    fn from(e: tiaokuai_store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (reason, message_zh, message_en) = match self.reason.map(|r| *r) {
            Some((c, zh, en)) => (Some(c), Some(zh), Some(en)),
            None => (None, None, None),
        };
        (
            self.status,
            axum::Json(ErrorBody {
                code: self.code,
                message: self.message,
                reason,
                message_zh,
                message_en,
                errors: self.errors,
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
        let message = match &e {
            AppError::Domain(d) => domain_text(d, lang, &plain, &plain),
            e => {
                tracing::error!(error = %e, "internal error");
                lang.t("err.internal").to_string()
            }
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
             <title>{title}</title><link rel=\"stylesheet\" href=\"/static/app.css\"><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\"></head><body><main class=\"narrow\">\
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
