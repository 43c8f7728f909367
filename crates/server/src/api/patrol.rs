//! Grid patrol over JSON (日巡查、周分析、月汇总): start and end a patrol, send GPS batches
//! (each batch id received once, so an offline phone may resend), record findings and report
//! them as events, weekly analysis with minutes, the monthly summary and the patrol rules.
//! Every change is a log entry.

use super::events::from_json_value;
use super::patrol_reports;
use crate::api::ApiJson;
use crate::error::ApiError;
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tiaokuai_app::now_ms;
use tiaokuai_app::patrol::{PatrolSummary, StepReply};
use tiaokuai_core::patrol::{Dropped, PatrolCmd, Point};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(OpenApi)]
#[openapi(
    components(schemas(
        PatrolOut, FindingOut, StartIn, PointsIn, PointIn, PointsOut, DroppedOut, FindingIn,
        EndIn, StepOut, EventOut, patrol_reports::MinutesIn, patrol_reports::AnalysisOut,
        patrol_reports::GridRowOut, patrol_reports::CountOut, patrol_reports::SpotOut,
        patrol_reports::MonthRowOut, patrol_reports::RulesIo
    )),
    tags((name = "patrol", description = "网格巡查: patrols with GPS tracks, findings, weekly analysis with minutes, monthly summary, rules"))
)]
pub struct PatrolDoc;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, start))
        .routes(routes!(patrol_reports::analysis))
        .routes(routes!(patrol_reports::monthly))
        .routes(routes!(patrol_reports::minutes))
        .routes(routes!(patrol_reports::rules, patrol_reports::set_rules))
        .routes(routes!(detail))
        .routes(routes!(track))
        .routes(routes!(points))
        .routes(routes!(finding))
        .routes(routes!(report_finding))
        .routes(routes!(end))
}

pub(super) fn body<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, ApiError> {
    from_json_value(v)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FindingOut {
    pub id: String,
    pub category: String,
    pub description: String,
    pub lon: f64,
    pub lat: f64,
    pub found_ms: i64,
    pub photos: Vec<String>,
    /// The event it became, if reported.
    pub event: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PatrolOut {
    pub id: String,
    pub grid: String,
    pub grid_name: String,
    pub township: String,
    pub patroller: String,
    pub patroller_name: String,
    pub started_ms: i64,
    pub ended_ms: Option<i64>,
    pub points: u32,
    pub distance_m: f64,
    pub dropped: DroppedOut,
    pub findings: Vec<FindingOut>,
}

fn patrol_out(p: PatrolSummary) -> PatrolOut {
    let r = p.record;
    PatrolOut {
        id: r.id,
        grid: r.grid,
        grid_name: p.grid_name,
        township: r.township,
        patroller: r.patroller,
        patroller_name: p.patroller_name,
        started_ms: r.started_ms,
        ended_ms: r.ended_ms,
        points: r.points,
        distance_m: r.distance_m,
        dropped: r.dropped.into(),
        findings: r
            .findings
            .into_iter()
            .map(|f| FindingOut {
                id: f.id,
                category: f.category,
                description: f.description,
                lon: f.lon,
                lat: f.lat,
                found_ms: f.found_ms,
                photos: f.photos,
                event: f.event,
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// Only this township's patrols.
    pub township: Option<String>,
    /// At most this many (default 100).
    pub limit: Option<usize>,
}

/// Patrols the caller may read, newest first: a grid worker's own, a township's, or all.
#[utoipa::path(get, path = "/patrols", tag = "patrol", params(ListQuery),
    responses((status = 200, body = Vec<PatrolOut>), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<PatrolOut>>, ApiError> {
    let v = state
        .engine
        .patrols(
            &s.principal,
            q.township.as_deref().filter(|t| !t.is_empty()),
            q.limit.unwrap_or(100).min(1000),
        )
        .await?;
    Ok(Json(v.into_iter().map(patrol_out).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepOut {
    /// The log entry that recorded the step; absent when it had been received before.
    pub seq: Option<u64>,
    /// The same step (patrol id, batch id, finding id) was received before: nothing changed.
    pub duplicate: bool,
}

impl From<StepReply> for StepOut {
    fn from(r: StepReply) -> Self {
        StepOut {
            seq: r.seq,
            duplicate: r.duplicate,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct StartIn {
    /// Chosen by the phone (letters, digits, `-`, `_`), so a start sent twice is one.
    pub id: String,
    pub grid: String,
    /// When the patrol began (ms); defaults to now.
    pub started_ms: Option<i64>,
}

/// Starts a patrol of one of the caller's own grids (grid workers).
#[utoipa::path(post, path = "/patrols", tag = "patrol", request_body = StartIn,
    responses((status = 200, body = StepOut), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    s: ApiSession,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<StepOut>, ApiError> {
    s.require_csrf()?;
    let b: StartIn = body(v)?;
    let now = now_ms();
    let cmd = PatrolCmd::Start {
        id: b.id,
        grid: b.grid,
        started_ms: b.started_ms.unwrap_or(now),
    };
    let r = state.engine.patrol_step(&s.0.principal, now, cmd).await?;
    Ok(Json(r.into()))
}

/// One patrol with its findings (not found unless the caller may read it).
#[utoipa::path(get, path = "/patrols/{id}", tag = "patrol",
    responses((status = 200, body = PatrolOut), (status = 404, body = crate::error::ErrorBody)))]
pub async fn detail(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<PatrolOut>, ApiError> {
    Ok(Json(patrol_out(
        state.engine.patrol(&s.principal, &id).await?,
    )))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PointIn {
    /// Time of the fix (ms since the epoch).
    pub t: i64,
    pub lon: f64,
    pub lat: f64,
    /// Accuracy in metres, if known.
    pub acc: Option<f64>,
}

/// The patrol's GPS track in time order.
#[utoipa::path(get, path = "/patrols/{id}/track", tag = "patrol",
    responses((status = 200, body = Vec<PointIn>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn track(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Path(id): Path<String>,
) -> Result<Json<Vec<PointIn>>, ApiError> {
    let pts = state.engine.patrol_track(&s.principal, &id).await?;
    Ok(Json(
        pts.into_iter()
            .map(|p| PointIn {
                t: p.t,
                lon: p.lon,
                lat: p.lat,
                acc: p.acc,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PointsIn {
    /// Chosen by the phone; a batch id already received is answered `duplicate`.
    pub batch: String,
    pub points: Vec<PointIn>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DroppedOut {
    /// Repeated fixes (same time).
    pub duplicates: u32,
    /// Farther than about 50 km outside the county's grids.
    pub far: u32,
    /// Before the patrol began, after it ended, or ahead of the server's clock.
    pub out_of_time: u32,
}

impl From<Dropped> for DroppedOut {
    fn from(d: Dropped) -> Self {
        DroppedOut {
            duplicates: d.duplicates,
            far: d.far,
            out_of_time: d.out_of_time,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PointsOut {
    pub seq: Option<u64>,
    pub duplicate: bool,
    /// Points kept (sorted by time).
    pub accepted: u32,
    pub dropped: DroppedOut,
}

/// A batch of track points. Out-of-order points are sorted; repeats, points far away and
/// points outside the patrol's time are dropped and counted; a malformed point refuses the
/// whole batch with its field (`points[3].lat`).
#[utoipa::path(post, path = "/patrols/{id}/points", tag = "patrol", request_body = PointsIn,
    responses((status = 200, body = PointsOut), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn points(
    State(state): State<AppState>,
    s: ApiSession,
    Path(id): Path<String>,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<PointsOut>, ApiError> {
    s.require_csrf()?;
    let b: PointsIn = body(v)?;
    let raw = b
        .points
        .into_iter()
        .map(|p| Point {
            t: p.t,
            lon: p.lon,
            lat: p.lat,
            acc: p.acc,
        })
        .collect();
    let r = state
        .engine
        .patrol_points(&s.0.principal, now_ms(), &id, &b.batch, raw)
        .await?;
    Ok(Json(PointsOut {
        seq: r.seq,
        duplicate: r.duplicate,
        accepted: r.accepted,
        dropped: r.dropped.into(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FindingIn {
    /// Chosen by the phone, so a finding sent twice is one.
    pub id: String,
    pub category: String,
    pub description: String,
    pub lon: f64,
    pub lat: f64,
    /// When it was found (ms); defaults to now.
    pub found_ms: Option<i64>,
    /// Hashes of photos uploaded with POST /events/photos.
    #[serde(default)]
    pub photos: Vec<String>,
    /// Report it as an event at once (the location prefilled from the finding).
    #[serde(default)]
    pub report: bool,
}

/// Records a finding on the caller's patrol; with `report`, also reports it as an event in
/// the same append.
#[utoipa::path(post, path = "/patrols/{id}/findings", tag = "patrol", request_body = FindingIn,
    responses((status = 200, body = StepOut), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn finding(
    State(state): State<AppState>,
    s: ApiSession,
    Path(id): Path<String>,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<StepOut>, ApiError> {
    s.require_csrf()?;
    let b: FindingIn = body(v)?;
    let now = now_ms();
    let cmd = PatrolCmd::Finding {
        patrol: id,
        id: b.id,
        category: b.category,
        description: b.description,
        lon: b.lon,
        lat: b.lat,
        found_ms: b.found_ms.unwrap_or(now),
        photos: b.photos,
    };
    let r = state
        .engine
        .patrol_finding(&s.0.principal, now, cmd, b.report)
        .await?;
    Ok(Json(r.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    /// The new event's id.
    pub event: u64,
}

/// Reports a finding recorded earlier as an event (its location, words and photos prefilled).
#[utoipa::path(post, path = "/patrols/{id}/findings/{finding}/event", tag = "patrol",
    responses((status = 200, body = EventOut), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn report_finding(
    State(state): State<AppState>,
    s: ApiSession,
    Path((id, finding)): Path<(String, String)>,
) -> Result<Json<EventOut>, ApiError> {
    s.require_csrf()?;
    let event = state
        .engine
        .patrol_report_finding(&s.0.principal, now_ms(), &id, &finding)
        .await?;
    Ok(Json(EventOut { event }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EndIn {
    /// When the patrol ended (ms); defaults to now.
    pub ended_ms: Option<i64>,
    #[serde(default)]
    pub note: String,
}

/// Ends the caller's patrol.
#[utoipa::path(post, path = "/patrols/{id}/end", tag = "patrol", request_body = EndIn,
    responses((status = 200, body = StepOut), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn end(
    State(state): State<AppState>,
    s: ApiSession,
    Path(id): Path<String>,
    ApiJson(v): ApiJson<Value>,
) -> Result<Json<StepOut>, ApiError> {
    s.require_csrf()?;
    let b: EndIn = body(v)?;
    let now = now_ms();
    let cmd = PatrolCmd::End {
        patrol: id,
        ended_ms: b.ended_ms.unwrap_or(now),
        note: b.note,
    };
    Ok(Json(
        state
            .engine
            .patrol_step(&s.0.principal, now, cmd)
            .await?
            .into(),
    ))
}
