//! Routing suggestions (issue #10): the list items a text, or an event, most likely belongs
//! to, each with its lead and co-units, score and reasons.

use super::ApiJson;
use crate::error::ApiError;
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use tiaokuai_app::routing::{ItemSuggestion, MAX_K};
use tiaokuai_core::access::Principal;
use utoipa::{IntoParams, ToSchema};

/// Suggestions returned when `k` is not given.
const DEFAULT_K: usize = 5;

/// A text to route.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RouteRequest {
    /// The report's text (title and detail). Empty: no suggestions. Read up to its first
    /// 2,000 characters.
    #[schema(required = true)]
    pub text: String,
    /// How many suggestions (default 5, at most 20).
    pub k: Option<usize>,
}

/// A unit named by a list item.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedUnit {
    pub code: String,
    pub name: String,
}

/// Why an item was suggested.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonOut {
    /// Words of the text found in the item (name, keywords, description, duties).
    pub matched_words: Vec<String>,
    /// Words that made the model trained on past dispatches lean towards the item.
    pub model_words: Vec<String>,
    /// Past events dispatched under this item that share those words (ids, newest first),
    /// among those the caller may see.
    pub similar_events: Vec<u64>,
}

/// One suggested list item, at the latest published version.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionOut {
    /// Item id, e.g. `territorial/12`.
    pub item: String,
    pub name: String,
    pub version: u32,
    /// The item's domain (领域), if any.
    pub category: Option<String>,
    /// 牵头/主体 unit.
    pub lead: Option<SuggestedUnit>,
    /// 配合 units.
    pub co: Vec<SuggestedUnit>,
    /// Combined score in [0, 1]: `(1 − w)·retrieval + w·model`, where the model's weight `w`
    /// grows with the number of past dispatches it learned from (0 without any).
    pub score: f32,
    /// Retrieval score relative to the best match of this text, in [0, 1].
    pub retrieval: f32,
    /// The learned model's probability, in [0, 1].
    pub model: f32,
    pub reason: ReasonOut,
}

/// Ranked suggestions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionsOut {
    /// Whether a model trained on past dispatches took part (otherwise the lists alone).
    pub learned: bool,
    /// Dispatches the model learned from.
    pub examples: usize,
    pub suggestions: Vec<SuggestionOut>,
}

fn unit(u: tiaokuai_app::routing::UnitRef) -> SuggestedUnit {
    SuggestedUnit {
        code: u.code,
        name: u.name,
    }
}

/// The suggestions as answered to `p`: similar past events only if `p` may see them.
async fn out(state: &AppState, p: &Principal, mut v: Vec<ItemSuggestion>) -> SuggestionsOut {
    let ids: Vec<u64> = v
        .iter()
        .flat_map(|s| s.reason.similar_events.iter().copied())
        .collect();
    if !ids.is_empty() {
        let seen: Vec<u64> = state
            .engine
            .with_events(&ids, |st| {
                ids.iter()
                    .copied()
                    .filter(|id| {
                        st.events
                            .event(*id)
                            .is_some_and(|e| tiaokuai_core::events::who::may_see(p, &st.org, e))
                    })
                    .collect()
            })
            .await
            .unwrap_or_default();
        for s in v.iter_mut() {
            s.reason.similar_events.retain(|id| seen.contains(id));
        }
    }
    let info = state.routing.model_info();
    SuggestionsOut {
        learned: info.is_some(),
        examples: info.map_or(0, |i| i.examples),
        suggestions: v
            .into_iter()
            .map(|s| SuggestionOut {
                item: s.item,
                name: s.name,
                version: s.version,
                category: s.category,
                lead: s.lead.map(unit),
                co: s.co.into_iter().map(unit).collect(),
                score: s.score,
                retrieval: s.retrieval,
                model: s.model,
                reason: ReasonOut {
                    matched_words: s.reason.matched_words,
                    model_words: s.reason.model_words,
                    similar_events: s.reason.similar_events,
                },
            })
            .collect(),
    }
}

/// The list items a text most likely belongs to, best first. Any logged-in user; nothing is
/// recorded, so no CSRF token is needed. An empty text gets an empty list.
#[utoipa::path(post, path = "/route", tag = "events", request_body = RouteRequest,
    responses((status = 200, body = SuggestionsOut), (status = 400, body = crate::error::ErrorBody)))]
pub async fn route(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    ApiJson(req): ApiJson<RouteRequest>,
) -> Result<Json<SuggestionsOut>, ApiError> {
    let k = req.k.unwrap_or(DEFAULT_K).min(MAX_K);
    let v = state.routing.suggest(&req.text, k).await;
    Ok(Json(out(&state, &s.principal, v).await))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
pub struct SuggestQuery {
    /// How many suggestions (default 5, at most 20).
    k: Option<usize>,
}

/// The list items an event most likely belongs to (from its title and detail). Only for those
/// who may see the event: 404 otherwise, as for a missing one.
#[utoipa::path(get, path = "/events/{id}/suggestions", tag = "events",
    params(("id" = u64, Path, description = "event id"), SuggestQuery),
    responses((status = 200, body = SuggestionsOut), (status = 404, body = crate::error::ErrorBody)))]
pub async fn for_event(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Path(id): Path<u64>,
    q: Result<Query<SuggestQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SuggestionsOut>, ApiError> {
    let Query(q) = q.map_err(super::events::query_error)?;
    let text = state
        .engine
        .with_events(&[id], |st| {
            super::events::visible(st, &s.principal, id).map(tiaokuai_app::routing::event_text)
        })
        .await??;
    let k = q.k.unwrap_or(DEFAULT_K).min(MAX_K);
    let v = state.routing.suggest(&text, k).await;
    Ok(Json(out(&state, &s.principal, v).await))
}
