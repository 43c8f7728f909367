//! `POST /events`: a new report (网格上报, 乡镇呼叫, 12345 转办...).

use super::{invalid_all, ApiError};
use crate::api::ApiJson;
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use tiaokuai_app::now_ms;
use tiaokuai_core::calendar::parse_cst;
use tiaokuai_core::error::{EventReason, FieldReason};
use tiaokuai_core::events::{Channel, Grade, ItemRef, Location, NewEvent, RequestType, Urgency};
use tiaokuai_core::FieldError;
use utoipa::ToSchema;

/// A cited list item at a version.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ItemRefIn {
    /// `kind/number`, e.g. `territorial/12`.
    #[schema(required = true)]
    pub id: String,
    pub version: u32,
}

/// Where the problem is. Grid, village and township are resolved from the point; a given
/// grid wins over the point.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct LocationIn {
    /// WGS84 longitude.
    pub lon: Option<f64>,
    /// WGS84 latitude.
    pub lat: Option<f64>,
    pub address: String,
    /// Grid code, e.g. `370999001001-01`.
    pub grid: Option<String>,
}

/// A new report. Enum fields take the English code or the Chinese label.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ReportRequest {
    /// grid_report, township_call, hotline_12345, police_110, department_found, public, manual
    pub channel: Option<String>,
    #[schema(required = true, min_length = 1)]
    pub title: String,
    #[schema(required = true, min_length = 1)]
    pub description: String,
    pub category: String,
    /// normal (default), urgent
    pub urgency: Option<String>,
    /// ordinary (default), major, severe
    pub grade: Option<String>,
    /// consultation, help, complaint, report, suggestion
    pub request_type: Option<String>,
    pub item: Option<ItemRefIn>,
    pub location: Option<LocationIn>,
    /// SHA-256 hashes returned by `POST /api/v1/photos`.
    pub photos: Vec<String>,
    /// 12345 order number.
    pub hotline_no: Option<String>,
    /// The hotline's own deadline, China Standard Time, e.g. `2026-03-02T17:30`.
    pub hotline_due: Option<String>,
    /// Call the county at once (township staff; a grid worker's report goes to the township).
    pub call: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    /// The event id (its log sequence); use it in `/api/v1/events/{id}/...`.
    pub id: u64,
    /// Human number, e.g. 2026-000123.
    pub no: String,
    /// draft, or called when it went to the county at once.
    pub status: String,
}

fn one_of<T>(
    errs: &mut Vec<FieldError>,
    field: &str,
    v: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    allowed: &str,
) -> Option<T> {
    let s = v.map(str::trim).filter(|s| !s.is_empty())?;
    let out = parse(s);
    if out.is_none() {
        errs.push(FieldError::new(
            "",
            field,
            FieldReason::NotAllowedValue {
                value: s.to_string(),
                allowed: allowed.to_string(),
            },
        ));
    }
    out
}

/// The request as the core's `NewEvent`, or every field problem found at the edge.
pub(super) fn to_new_event(r: ReportRequest) -> Result<NewEvent, Vec<FieldError>> {
    let mut errs = Vec::new();
    let channels: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
    let channel = match r.channel.as_deref().map(str::trim) {
        None | Some("") => {
            errs.push(FieldError::new(
                "",
                "channel",
                FieldReason::RequiredOneOf {
                    allowed: channels.join(", "),
                },
            ));
            None
        }
        s => one_of(
            &mut errs,
            "channel",
            s,
            Channel::parse,
            &channels.join(", "),
        ),
    };
    let urgency = one_of(
        &mut errs,
        "urgency",
        r.urgency.as_deref(),
        Urgency::parse,
        "normal, urgent",
    );
    let grade = one_of(
        &mut errs,
        "grade",
        r.grade.as_deref(),
        Grade::parse,
        "ordinary, major, severe",
    );
    let request_types: Vec<&str> = RequestType::ALL.iter().map(|c| c.as_str()).collect();
    let request_type = one_of(
        &mut errs,
        "request_type",
        r.request_type.as_deref(),
        RequestType::parse,
        &request_types.join(", "),
    );
    let hotline_due_ms = match r.hotline_due.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => match parse_cst(s) {
            Ok(ms) => Some(ms),
            Err(e) => {
                errs.push(FieldError::new("", "hotline_due", e));
                None
            }
        },
    };
    let loc = r.location.unwrap_or_default();
    // A missing point is NaN here, so the core reports it with every other problem.
    let (lon, lat) = (loc.lon.unwrap_or(f64::NAN), loc.lat.unwrap_or(f64::NAN));
    let item = r.item.map(|i| ItemRef {
        id: i.id,
        version: i.version,
    });
    if !errs.is_empty() {
        if !(lon.is_finite() && lat.is_finite()) {
            errs.push(FieldError::new(
                "",
                "location",
                EventReason::LocationRequired,
            ));
        }
        return Err(errs);
    }
    let Some(channel) = channel else {
        return Err(vec![FieldError::new("", "channel", FieldReason::Required)]);
    };
    Ok(NewEvent {
        channel,
        title: r.title,
        description: r.description,
        category: r.category,
        urgency: urgency.unwrap_or_default(),
        grade: grade.unwrap_or_default(),
        request_type,
        item,
        location: Location {
            lon,
            lat,
            address: loc.address,
            grid: loc.grid.filter(|g| !g.trim().is_empty()),
            village: None,
            township: None,
        },
        photos: r.photos,
        hotline_no: r.hotline_no.filter(|h| !h.trim().is_empty()),
        hotline_due_ms,
        call: r.call,
    })
}

/// Report a new event.
///
/// Grid workers report to their township (status `draft`); township staff may set `call`
/// to send it to the county at once (status `called`); the command centre's reports are
/// called at once. Every field problem is answered with 422 naming the field (`channel`,
/// `urgency`, `title`, `description`, `location`, `photos`...).
///
/// Example body:
/// `{"channel":"grid_report","title":"工地夜间施工扬尘","description":"未洒水未覆盖",
/// "urgency":"normal","location":{"lon":116.71,"lat":36.61,"address":"王家庄村东"},
/// "photos":["<sha256>"]}` → 201 `{"id":1234,"no":"2026-000012","status":"draft"}`.
#[utoipa::path(post, path = "/events", tag = "events", request_body = ReportRequest,
    responses((status = 201, body = Created), (status = 403, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    s: ApiSession,
    ApiJson(req): ApiJson<ReportRequest>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    s.require_csrf()?;
    let ev = to_new_event(req).map_err(invalid_all)?;
    let id = state
        .engine
        .report_event(&s.0.principal, now_ms(), ev)
        .await?;
    let out = state
        .engine
        .with_state(|st| {
            st.events.event(id).map(|e| Created {
                id,
                no: e.no.clone(),
                status: e.status.as_str().into(),
            })
        })
        .await?
        .ok_or_else(|| super::not_found("event"))?;
    Ok((StatusCode::CREATED, Json(out)))
}
