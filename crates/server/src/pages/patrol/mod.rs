//! Grid patrol pages: the grid worker's phone page (start, track, findings, end), the
//! township's patrol board (grids not patrolled in time flagged), the weekly analysis with
//! minutes, and the monthly summary (printable, xlsx).

mod board;
mod monthly;
mod phone;

use crate::error::domain_text;
use crate::i18n::Lang;
use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tiaokuai_app::AppError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/patrol", get(phone::page))
        .route("/patrol/start", post(phone::start))
        .route("/patrol/{id}/end", post(phone::end))
        .route(
            "/patrol/{id}/findings",
            post(phone::finding).layer(DefaultBodyLimit::max(25 * 1024 * 1024)),
        )
        .route("/patrol/{id}/findings/{finding}/event", post(phone::report))
        .route("/patrol/board", get(board::board))
        .route("/patrol/weekly", get(board::weekly))
        .route("/patrol/minutes", post(board::minutes))
        .route("/patrol/rules", post(board::rules))
        .route("/patrol/monthly", get(monthly::page))
        .route("/patrol/monthly/export", get(monthly::export))
        .route("/static/patrol.js", get(script))
}

async fn script() -> Response {
    (
        [
            ("content-type", "text/javascript; charset=utf-8"),
            ("cache-control", "public, max-age=3600"),
        ],
        include_str!("../../../static/patrol.js"),
    )
        .into_response()
}

/// An error for a flash line in the reader's language.
pub fn err_text(e: &AppError, l: Lang) -> String {
    match e {
        AppError::Domain(d) => domain_text(d, l, &|c| c.to_string(), &|f| f.to_string()),
        other => other.to_string(),
    }
}

pub fn km(m: f64) -> String {
    format!("{:.1}", m / 1000.0)
}

pub fn pct(p: f64) -> String {
    format!("{p:.0}%")
}
