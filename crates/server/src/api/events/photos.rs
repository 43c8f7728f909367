//! Photos as evidence: uploaded before the report or the handling report that cites them,
//! stored once under their SHA-256, served to logged-in users.

use super::{invalid, invalid_all, not_found, ApiError};
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tiaokuai_app::{now_ms, AppError};
use tiaokuai_core::error::ImportReason;
use tiaokuai_core::events::check::valid_photo_hash;
use tiaokuai_core::events::who::may_see;
use tiaokuai_core::{DomainError, Reason};
use utoipa::ToSchema;

/// Largest upload request: several photos of up to 10 MB each are refused one by one with a
/// clear message rather than by the transport.
pub const MAX_BODY: usize = 24 * 1024 * 1024;

#[derive(Debug, Serialize, ToSchema)]
pub struct PhotosOut {
    /// SHA-256 (hex) of each stored photo, in upload order; cite them in `photos`.
    pub hashes: Vec<String>,
}

fn body_error(detail: String) -> ImportReason {
    ImportReason::BadBody { detail }
}

fn multipart_error(status: axum::http::StatusCode, reason: impl Into<Reason>) -> ApiError {
    ApiError {
        status,
        ..ApiError::from_domain(DomainError::invalid("photo", reason))
    }
}

/// Upload photos (multipart/form-data, one or more files in the field `photo`).
///
/// Each file must be an image by its content (JPEG, PNG, WebP, GIF or HEIF) of at most
/// 10 MB; otherwise 422 names the field `photo` and the file (`errors[].location`).
#[utoipa::path(post, path = "/photos", tag = "events",
    request_body(content = String, content_type = "multipart/form-data", description = "files in the field `photo`"),
    responses((status = 200, body = PhotosOut), (status = 422, body = crate::error::ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    s: ApiSession,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Json<PhotosOut>, ApiError> {
    s.require_csrf()?;
    let mut mp = mp.map_err(|e| multipart_error(e.status(), body_error(e.body_text())))?;
    let now = now_ms();
    let mut hashes = Vec::new();
    let mut errors = Vec::new();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(e.status(), body_error(e.body_text()))),
        };
        if field.name() != Some("photo") {
            continue;
        }
        let name = field.file_name().unwrap_or("photo").to_string();
        let bytes = field.bytes().await.map_err(|e| {
            multipart_error(e.status(), body_error(format!("{name}: {}", e.body_text())))
        })?;
        match state.engine.put_photo("photo", &name, &bytes, now).await {
            Ok(h) => hashes.push(h),
            Err(AppError::Domain(DomainError::Invalid(v))) => errors.extend(v),
            Err(e) => return Err(e.into()),
        }
    }
    if !errors.is_empty() {
        return Err(invalid_all(errors));
    }
    if hashes.is_empty() {
        return Err(invalid("photo", ImportReason::NoPhoto));
    }
    Ok(Json(PhotosOut { hashes }))
}

/// A stored photo, with its image type. Once attached to events, only those who may read one
/// of them fetch it (404 otherwise, as for a missing photo); before that only its uploader
/// knows its hash.
#[utoipa::path(get, path = "/photos/{hash}", tag = "events",
    params(("hash" = String, Path, description = "SHA-256, hex")),
    responses((status = 200, content_type = "image/*", body = Vec<u8>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn download(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Path(hash): Path<String>,
) -> Result<Response, ApiError> {
    if !valid_photo_hash(&hash) {
        return Err(not_found("photo"));
    }
    // Events that left memory keep their photos' access rule: they are loaded back to ask.
    let archived = state
        .engine
        .store()
        .archived_photo_events(state.engine.county(), &hash)
        .await?;
    let readable = state
        .engine
        .with_events(&archived, |st| {
            let mut ids: Vec<u64> = archived.clone();
            ids.extend(st.events.photo_events.get(&hash).into_iter().flatten());
            ids.is_empty()
                || ids.iter().any(|id| {
                    st.events
                        .events
                        .get(id)
                        .is_some_and(|e| may_see(&s.principal, &st.org, e))
                })
        })
        .await?;
    if !readable {
        return Err(not_found("photo"));
    }
    let blob = state
        .engine
        .store()
        .get_blob(&hash)
        .await?
        .ok_or_else(|| not_found("photo"))?;
    let mime = HeaderValue::from_str(&blob.mime)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=31536000, immutable"),
            ),
        ],
        blob.bytes,
    )
        .into_response())
}
