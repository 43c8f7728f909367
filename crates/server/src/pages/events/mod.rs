//! Event pages: report (phone-sized), the event list, the event page with its timeline,
//! actions and proof download.

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
}
