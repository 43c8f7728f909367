//! `GET /events/{id}`: the event page. Facts, photos, place, the cited list item, one card per
//! hop, disputes and rulings, accountability cases, the actions open to the viewer now, and the
//! timeline read from the log with each entry's hash. `GET /events/{id}/proof` downloads the
//! proof bundle (every entry with its inclusion proof against a signed checkpoint).

mod event_page;
mod hops;
mod suggestions;
mod timeline;

pub use event_page::show;

use crate::error::PageError;
use crate::session::PageSession;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiaokuai_core::events::Event;
use tiaokuai_core::state::CountyState;

#[derive(Deserialize, Default)]
pub struct ViewQuery {
    /// The action just done (a notice is shown).
    #[serde(default)]
    pub done: String,
    /// An error to show (kept for links from elsewhere).
    #[serde(default)]
    pub err: String,
    /// A list item chosen for the call or dispatch form (`id` or `id@version`).
    #[serde(default)]
    pub item: String,
    /// A search of the lists for the call or dispatch form.
    #[serde(default)]
    pub q: String,
}

/// The item a form starts from: `?item=` if given, else the event's own, at the current version.
fn chosen_item(st: &CountyState, e: &Event, q: &str) -> Option<tiaokuai_core::events::ItemRef> {
    let latest = st.lists.latest();
    let want = if q.is_empty() {
        e.item.as_ref().map(|r| r.id.clone())
    } else {
        Some(q.rsplit_once('@').map(|x| x.0).unwrap_or(q).to_string())
    }?;
    st.lists
        .item_at(&want, latest)
        .map(|_| tiaokuai_core::events::ItemRef {
            id: want,
            version: latest,
        })
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(id): Path<u64>,
    Query(q): Query<ViewQuery>,
) -> Result<Response, PageError> {
    show(&state, &s, id, q, None).await
}

/// The proof bundle as a download: every entry of the event with its inclusion proof against
/// the latest signed checkpoint, checkable offline.
pub async fn proof(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(id): Path<u64>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let no = super::readable(&state, &s, id).await?;
    let bundle = state
        .engine
        .event_proof(id)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let body = serde_json::to_vec_pretty(&bundle).map_err(|e| PageError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: e.to_string(),
        lang: l,
    })?;
    let name = format!("event-{no}-proof.json");
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}
