//! Lists API: versions, items, diffs, public search, and the adjustment workflow.

use super::ApiJson;
use crate::error::ApiError;
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use tiaokuai_app::now_ms;
use tiaokuai_core::access::Area;
use tiaokuai_core::error::FieldReason;
use tiaokuai_core::lists::{AdjustmentKind, Item, ListKind, ReviewStage};
use utoipa::{IntoParams, ToSchema};

fn need_staff(s: &crate::session::Session) -> Result<(), ApiError> {
    if s.principal.may_enter(Area::Organisation) {
        Ok(())
    } else {
        Err(ApiError::forbidden("your roles do not allow this"))
    }
}

fn not_found(what: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "not_found",
        format!("{what} not found"),
    )
}

/// Published versions, oldest first.
#[utoipa::path(get, path = "/lists/versions", responses((status = 200, body = Vec<Object>)))]
pub async fn versions(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
) -> Result<Json<serde_json::Value>, ApiError> {
    need_staff(&s)?;
    let v = state
        .engine
        .with_state(|st| serde_json::to_value(&st.lists.versions).unwrap_or_default())
        .await?;
    Ok(Json(v))
}

#[derive(Deserialize, IntoParams)]
pub struct ItemsQuery {
    /// Version (default: latest).
    version: Option<u32>,
    /// territorial, power, boundary, joint, delegated, village
    kind: Option<String>,
    /// Unit code or any of its names: items where it is primary or supporting.
    unit: Option<String>,
}

/// Items of a version, filtered.
#[utoipa::path(get, path = "/lists/items", params(ItemsQuery), responses((status = 200, body = Vec<Object>)))]
pub async fn items(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Query(q): Query<ItemsQuery>,
) -> Result<Json<Vec<Item>>, ApiError> {
    need_staff(&s)?;
    let kind = match &q.kind {
        Some(k) => Some(ListKind::parse(k).ok_or_else(|| {
            ApiError::bad_request("kind", FieldReason::UnknownValue { value: k.clone() })
        })?),
        None => None,
    };
    let out = state
        .engine
        .with_state(|st| {
            let v = q.version.unwrap_or(st.lists.latest());
            let unit = q.unit.as_ref().map(|u| {
                st.org
                    .resolve_unit(u)
                    .map(|x| x.code.clone())
                    .unwrap_or_default()
            });
            st.lists
                .items_at(v)
                .filter(|i| kind.map(|k| i.kind == k).unwrap_or(true))
                .filter(|i| {
                    unit.as_ref()
                        .map(|u| i.primary.contains(u) || i.supporting.contains(u))
                        .unwrap_or(true)
                })
                .cloned()
                .collect()
        })
        .await?;
    Ok(Json(out))
}

#[derive(Deserialize, IntoParams)]
pub struct VersionQuery {
    version: Option<u32>,
}

/// One item as of a version.
#[utoipa::path(get, path = "/lists/items/{kind}/{number}", params(("kind" = String, Path), ("number" = String, Path), VersionQuery),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub async fn item(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Path((kind, number)): Path<(String, String)>,
    Query(q): Query<VersionQuery>,
) -> Result<Json<Item>, ApiError> {
    need_staff(&s)?;
    let id = format!("{kind}/{number}");
    let item = state
        .engine
        .with_state(|st| {
            st.lists
                .item_at(&id, q.version.unwrap_or(st.lists.latest()))
                .cloned()
        })
        .await?;
    item.map(Json).ok_or_else(|| not_found("item"))
}

#[derive(Deserialize, IntoParams)]
pub struct DiffQuery {
    a: u32,
    b: u32,
}

/// Differences between two versions (added, removed, changed fields).
#[utoipa::path(get, path = "/lists/diff", params(DiffQuery), responses((status = 200, body = Vec<Object>)))]
pub async fn diff(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Query(q): Query<DiffQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    need_staff(&s)?;
    let d = state
        .engine
        .with_state(|st| serde_json::to_value(st.lists.diff(q.a, q.b)).unwrap_or_default())
        .await?;
    Ok(Json(d))
}

#[derive(Deserialize, IntoParams)]
pub struct SearchQuery {
    q: String,
    kind: Option<String>,
    limit: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchHit {
    pub id: String,
    pub name: String,
    pub name_html: String,
    pub snippet_html: String,
    pub primary: Vec<String>,
    pub supporting: Vec<String>,
    pub legal_basis: String,
    pub version: u32,
}

/// Chinese full-text search of the latest version. Public: no login needed.
#[utoipa::path(get, path = "/lists/search", params(SearchQuery), responses((status = 200, body = Vec<SearchHit>)))]
pub async fn search(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Vec<SearchHit>>, ApiError> {
    let (version, hits) = state
        .search
        .search(
            &state.engine,
            &q.q,
            q.limit.unwrap_or(10).min(100),
            q.kind.as_deref(),
        )
        .await;
    let out = state
        .engine
        .with_state(|st| {
            let name = |c: &String| {
                st.org
                    .unit(c)
                    .map(|u| u.name.clone())
                    .unwrap_or_else(|| c.clone())
            };
            hits.iter()
                .filter_map(|h| {
                    let i = st.lists.item_at(&h.id, version)?;
                    Some(SearchHit {
                        id: h.id.clone(),
                        name: i.name.clone(),
                        name_html: h.name_html.clone(),
                        snippet_html: h.snippet_html.clone(),
                        primary: i.primary.iter().map(name).collect(),
                        supporting: i.supporting.iter().map(name).collect(),
                        legal_basis: i.legal_basis.clone(),
                        version,
                    })
                })
                .collect()
        })
        .await?;
    Ok(Json(out))
}

#[derive(Deserialize, ToSchema)]
pub struct NewAdjustment {
    /// add, cancel, change_parties, change_flow, change_content
    pub kind: String,
    pub item_id: String,
    /// The item after the change (omit for cancel).
    #[schema(value_type = Object)]
    pub proposed: Option<Item>,
    pub reason: String,
    pub basis: String,
    #[serde(default)]
    pub opinions: String,
}

/// File an adjustment application.
#[utoipa::path(post, path = "/lists/adjustments", request_body = NewAdjustment, responses((status = 201, body = Object), (status = 422, body = crate::error::ErrorBody)))]
pub async fn file(
    State(state): State<AppState>,
    s: ApiSession,
    ApiJson(req): ApiJson<NewAdjustment>,
) -> Result<(axum::http::StatusCode, Json<serde_json::Value>), ApiError> {
    s.require_csrf()?;
    let kind = AdjustmentKind::parse(&req.kind).ok_or_else(|| {
        ApiError::bad_request(
            "kind",
            FieldReason::UnknownValue {
                value: req.kind.clone(),
            },
        )
    })?;
    let id = state
        .engine
        .file_adjustment(
            &s.0.principal,
            now_ms(),
            kind,
            &req.item_id,
            req.proposed,
            &req.reason,
            &req.basis,
            &req.opinions,
        )
        .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(serde_json::json!({ "id": id })),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct Decision {
    /// establishment, justice, approve or publish
    pub action: String,
    #[serde(default = "yes")]
    pub approve: bool,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub document_no: String,
    #[serde(default)]
    pub effective_date: String,
}

fn yes() -> bool {
    true
}

/// Review, approve or publish an application.
#[utoipa::path(post, path = "/lists/adjustments/{id}/decision", request_body = Decision, params(("id" = u64, Path)),
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    s: ApiSession,
    Path(id): Path<u64>,
    ApiJson(d): ApiJson<Decision>,
) -> Result<Json<serde_json::Value>, ApiError> {
    s.require_csrf()?;
    let p = &s.0.principal;
    let mut version = None;
    match d.action.as_str() {
        "establishment" => {
            state
                .engine
                .review_adjustment(
                    p,
                    now_ms(),
                    id,
                    ReviewStage::Establishment,
                    d.approve,
                    &d.comment,
                )
                .await?
        }
        "justice" => {
            state
                .engine
                .review_adjustment(p, now_ms(), id, ReviewStage::Justice, d.approve, &d.comment)
                .await?
        }
        "approve" => {
            state
                .engine
                .approve_adjustment(p, now_ms(), id, &d.document_no, &d.effective_date)
                .await?
        }
        "publish" => version = Some(state.engine.publish_adjustment(p, now_ms(), id).await?),
        other => {
            return Err(ApiError::bad_request(
                "action",
                FieldReason::UnknownValue {
                    value: other.to_string(),
                },
            ))
        }
    }
    let status = state
        .engine
        .with_state(|st| st.adjustments.get(&id).map(|a| a.status.label_zh()))
        .await?;
    Ok(Json(
        serde_json::json!({ "id": id, "status": status, "version": version }),
    ))
}
