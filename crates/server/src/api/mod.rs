//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/v1/openapi.json`.

mod assessment;
mod events;
mod lists;
mod log;
mod org;
mod session;
mod stats;

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{FromRequest, Request};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tiaokuai API",
        version = "1",
        description = "County–township collaborative governance (条块协同). \
        Log in with POST /api/v1/session; state-changing calls need the X-CSRF-Token header returned there."
    ),
    paths(
        session::login,
        session::logout,
        session::me,
        org::units,
        org::unit,
        org::people,
        org::add_person,
        org::erase_person,
        org::grids,
        log::checkpoint,
        log::entries,
        log::inclusion,
        log::consistency,
    ),
    components(schemas(
        crate::error::ErrorBody,
        session::LoginRequest,
        session::SessionInfo,
        org::UnitOut,
        org::PersonOut,
        org::NewPerson,
        org::ErasedOut,
        org::GridOut,
        log::CheckpointOut,
        log::EntryOut,
        log::InclusionOut,
        log::ConsistencyOut
    ))
)]
struct ApiDoc;

/// Statistics and assessment.
#[derive(OpenApi)]
#[openapi(
    paths(
        stats::cube,
        stats::drill,
        stats::choices,
        stats::bounces,
        assessment::schemes,
        assessment::put_scheme,
        assessment::results,
        assessment::appeal,
        assessment::decide,
        assessment::manual,
        assessment::close,
    ),
    components(schemas(
        stats::StatsOut,
        stats::DrillOut,
        stats::Choice,
        stats::ChoicesOut,
        assessment::SchemeOut,
        assessment::SeqOut,
        assessment::ResultsOut,
        assessment::ClosedOut,
        assessment::AppealIn,
        assessment::DecisionIn,
        assessment::ManualIn,
    )),
    tags(
        (name = "statistics", description = "统计分析: the cube by category, initiating and handling unit, period"),
        (name = "assessment", description = "履职考评: schemes, results with per-point explanations, appeals, closed periods")
    )
)]
struct StatsDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    let mut doc = ApiDoc::openapi();
    doc.merge(events::EventsDoc::openapi());
    doc.merge(StatsDoc::openapi());
    Json(doc)
}

/// JSON body extractor whose rejection is our JSON error naming the field.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(e) => Err(ApiError::bad_request("body", e.body_text())),
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/session", post(session::login).delete(session::logout))
        .route("/me", get(session::me))
        .route("/units", get(org::units))
        .route("/units/{code}", get(org::unit))
        .route("/people", get(org::people).post(org::add_person))
        .route("/people/{username}/erase", post(org::erase_person))
        .route("/grids", get(org::grids))
        .route("/lists/versions", get(lists::versions))
        .route("/lists/items", get(lists::items))
        .route("/lists/items/{kind}/{number}", get(lists::item))
        .route("/lists/diff", get(lists::diff))
        .route("/lists/search", get(lists::search))
        .route("/lists/adjustments", post(lists::file))
        .route("/lists/adjustments/{id}/decision", post(lists::decide))
        .route("/log/checkpoint", get(log::checkpoint))
        .route("/log/entries", get(log::entries))
        .route("/log/proof/inclusion", get(log::inclusion))
        .route("/log/proof/consistency", get(log::consistency))
        .route("/stats", get(stats::cube))
        .route("/stats/events", get(stats::drill))
        .route("/stats/dimensions", get(stats::choices))
        .route("/stats/bounces", get(stats::bounces))
        .route("/assessment/schemes", get(assessment::schemes))
        .route(
            "/assessment/schemes/{id}",
            axum::routing::put(assessment::put_scheme),
        )
        .route(
            "/assessment/appeals/{id}/decision",
            post(assessment::decide),
        )
        .route("/assessment/{scheme}/{period}", get(assessment::results))
        .route(
            "/assessment/{scheme}/{period}/appeals",
            post(assessment::appeal),
        )
        .route(
            "/assessment/{scheme}/{period}/manual",
            post(assessment::manual),
        )
        .route(
            "/assessment/{scheme}/{period}/close",
            post(assessment::close),
        )
        .merge(events::routes())
        .fallback(|| async {
            ApiError(
                axum::http::StatusCode::NOT_FOUND,
                "not_found".into(),
                "no such API route".into(),
                vec![],
            )
        })
}
