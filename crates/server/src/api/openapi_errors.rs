//! Errors every API operation may answer, added to each operation of the generated document,
//! and the layer that makes every error response JSON (the framework's own rejections of a
//! malformed path or query are plain text otherwise).

use crate::error::ErrorBody;
use axum::body::Body;
use axum::http::{header, Response, StatusCode};
use axum::response::IntoResponse;
use utoipa::openapi::{ContentBuilder, OpenApi, RefOr, ResponseBuilder};

/// (status, description) every operation may answer with an [`ErrorBody`].
const COMMON: &[(u16, &str)] = &[
    (
        400,
        "Malformed request (a parameter or the body could not be read)",
    ),
    (401, "Not logged in"),
    (
        403,
        "Not allowed for this account, or the CSRF token is missing",
    ),
    (404, "No such resource, or one this account may not read"),
    (405, "Method not allowed on this path"),
    (409, "Conflicts with the resource's current state"),
    (413, "Request body too large"),
    (415, "Unsupported content type"),
    (422, "Invalid input; `errors` names every field"),
    (429, "Too many attempts"),
    (500, "Internal error (logged with the request)"),
];

pub fn add_common_errors(doc: &mut OpenApi) {
    let schema = RefOr::Ref(utoipa::openapi::Ref::from_schema_name("ErrorBody"));
    for item in doc.paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in ops.into_iter().flatten() {
            for (status, what) in COMMON {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| {
                        ResponseBuilder::new()
                            .description(*what)
                            .content(
                                "application/json",
                                ContentBuilder::new().schema(Some(schema.clone())).build(),
                            )
                            .build()
                            .into()
                    });
            }
        }
    }
}

/// Rewrites a non-JSON error response (an extractor's rejection) as an [`ErrorBody`], keeping
/// its status and text.
pub async fn json_errors(res: Response<Body>) -> Response<Body> {
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let (parts, body) = res.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let code = match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::CONFLICT => "conflict",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid",
        StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
        _ if status.is_server_error() => "internal",
        _ => "error",
    };
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    let body = ErrorBody {
        code: code.into(),
        message,
        reason: None,
        message_zh: None,
        message_en: None,
        errors: vec![],
    };
    let mut res = (status, axum::Json(body)).into_response();
    // Keep headers such as Allow or Retry-After.
    for (k, v) in parts.headers.iter() {
        if k != header::CONTENT_TYPE && k != header::CONTENT_LENGTH {
            res.headers_mut().insert(k.clone(), v.clone());
        }
    }
    res
}
