//! The event workflow over JSON: report, every step, queries, timeline, proofs, photos.

use crate::AppState;
use axum::Router;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(paths(), components(schemas()))]
pub struct EventsDoc;

pub fn routes() -> Router<AppState> {
    Router::new()
}
