//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/v1/openapi.json`.

mod admission;
mod assessment;
mod delegation;
mod events;
mod lists;
mod log;
mod openapi_errors;
mod org;
mod patrol;
mod patrol_reports;
mod routing;
mod session;
mod stats;

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{FromRequest, Request};
use axum::routing::get;
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tiaokuai API",
        version = "1",
        description = "County–township collaborative governance (条块协同). \
        Log in with POST /api/v1/session; state-changing calls need the X-CSRF-Token header returned there."
    ),
    components(schemas(
        crate::error::ErrorBody,
        crate::error::FieldErrorDoc,
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
        log::ConsistencyOut,
        routing::RouteRequest,
        routing::SuggestionsOut,
        routing::SuggestionOut,
        routing::SuggestedUnit,
        routing::ReasonOut
    ))
)]
struct ApiDoc;

/// Statistics and assessment.
#[derive(OpenApi)]
#[openapi(
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

/// The document for the routes below, built once from the handlers' `#[utoipa::path]`.
fn document(paths: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(events::EventsDoc::openapi());
    doc.merge(StatsDoc::openapi());
    doc.merge(admission::AdmissionDoc::openapi());
    doc.merge(delegation::DelegationDoc::openapi());
    doc.merge(patrol::PatrolDoc::openapi());
    let mut doc = doc.nest("/api/v1", paths);
    openapi_errors::add_common_errors(&mut doc);
    doc
}

/// JSON body extractor whose rejection is our JSON error naming the field.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(v) = Json::<serde_json::Value>::from_request(req, state)
            .await
            .map_err(|e| {
                ApiError::bad_request(
                    "body",
                    tiaokuai_core::error::ImportReason::BadBody {
                        detail: e.body_text(),
                    },
                )
            })?;
        // The field path of a body that does not fit goes into the error's `field`.
        events::from_json_value(v)
            .map(ApiJson)
            .map_err(|e| ApiError {
                status: axum::http::StatusCode::BAD_REQUEST,
                ..e
            })
    }
}

/// The API's routes and its OpenAPI document, generated together.
pub fn router_and_document() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, paths) = OpenApiRouter::new()
        .routes(routes!(session::login, session::logout))
        .routes(routes!(session::me))
        .routes(routes!(org::units))
        .routes(routes!(org::unit))
        .routes(routes!(org::people, org::add_person))
        .routes(routes!(org::erase_person))
        .routes(routes!(org::grids))
        .routes(routes!(lists::versions))
        .routes(routes!(lists::items))
        .routes(routes!(lists::item))
        .routes(routes!(lists::diff))
        .routes(routes!(lists::search))
        .routes(routes!(lists::file))
        .routes(routes!(lists::decide))
        .routes(routes!(log::checkpoint))
        .routes(routes!(log::entries))
        .routes(routes!(log::inclusion))
        .routes(routes!(log::consistency))
        .routes(routes!(stats::cube))
        .routes(routes!(stats::drill))
        .routes(routes!(stats::choices))
        .routes(routes!(stats::bounces))
        .routes(routes!(assessment::schemes))
        .routes(routes!(assessment::put_scheme))
        .routes(routes!(assessment::decide))
        .routes(routes!(assessment::results))
        .routes(routes!(assessment::appeal))
        .routes(routes!(assessment::manual))
        .routes(routes!(assessment::close))
        .routes(routes!(admission::applications, admission::apply))
        .routes(routes!(admission::application))
        .routes(routes!(admission::opinion))
        .routes(routes!(admission::review))
        .routes(routes!(admission::decide))
        .routes(routes!(admission::resubmit))
        .routes(routes!(admission::withdraw))
        .routes(routes!(admission::catalogue))
        .routes(routes!(admission::refusals))
        .routes(routes!(admission::config, admission::set_config))
        .routes(routes!(admission::handovers, admission::issue))
        .routes(routes!(admission::handover))
        .routes(routes!(admission::answer))
        .routes(routes!(delegation::usage))
        .routes(routes!(delegation::book))
        .routes(routes!(delegation::set_menu))
        .routes(routes!(delegation::order))
        .routes(routes!(delegation::open_round))
        .routes(routes!(delegation::result))
        .routes(routes!(delegation::close_round))
        .routes(routes!(delegation::recall))
        .routes(routes!(routing::route))
        .routes(routes!(routing::for_event))
        .merge(events::routes())
        .merge(patrol::routes())
        .split_for_parts();
    let doc = document(paths);
    let served = std::sync::Arc::new(doc.clone());
    let router = router
        .route(
            "/openapi.json",
            get(move || {
                let doc = served.clone();
                async move { Json(doc) }
            }),
        )
        .fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "not_found",
                "no such API route",
            )
        })
        .layer(axum::middleware::map_response(openapi_errors::json_errors));
    (router, doc)
}

pub fn router() -> Router<AppState> {
    router_and_document().0
}

#[cfg(test)]
mod tests {
    use utoipa::openapi::RefOr;

    #[test]
    fn the_document_lists_every_route_with_required_fields_and_errors() {
        let (_, doc) = super::router_and_document();
        if let Ok(path) = std::env::var("TIAOKUAI_DUMP_OPENAPI") {
            std::fs::write(path, doc.to_pretty_json().unwrap()).unwrap();
        }
        let paths: Vec<&String> = doc.paths.paths.keys().collect();
        for p in &paths {
            assert!(p.starts_with("/api/v1/"), "{p}");
        }
        for want in [
            "/api/v1/lists/versions",
            "/api/v1/lists/items",
            "/api/v1/lists/items/{kind}/{number}",
            "/api/v1/lists/diff",
            "/api/v1/lists/search",
            "/api/v1/lists/adjustments",
            "/api/v1/lists/adjustments/{id}/decision",
            "/api/v1/events/{id}/commands",
            "/api/v1/events/{id}/suggestions",
            "/api/v1/route",
            "/api/v1/assessment/{scheme}/{period}",
        ] {
            assert!(doc.paths.paths.contains_key(want), "{want} missing");
        }
        for item in doc.paths.paths.values() {
            for op in [&item.get, &item.post, &item.put, &item.delete]
                .into_iter()
                .flatten()
            {
                for status in ["401", "403", "422", "500"] {
                    assert!(op.responses.responses.contains_key(status));
                }
            }
        }
        let schemas = &doc.components.as_ref().unwrap().schemas;
        for name in [
            "ReportRequest",
            "LoginRequest",
            "NewPerson",
            "ErrorBody",
            "FieldErrorDoc",
        ] {
            let Some(RefOr::T(utoipa::openapi::schema::Schema::Object(o))) = schemas.get(name)
            else {
                panic!("{name} is not an object schema");
            };
            assert!(!o.required.is_empty(), "{name} marks no field required");
            if name == "ErrorBody" {
                for p in [
                    "code",
                    "message",
                    "reason",
                    "message_zh",
                    "message_en",
                    "errors",
                ] {
                    assert!(o.properties.contains_key(p), "ErrorBody has no {p}");
                }
            }
        }
    }
}
