use super::ApiJson;
use crate::error::ApiError;
use crate::session::ApiSession;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use tiaokuai_app::{now_ms, Actor};
use tiaokuai_core::access::Area;
use tiaokuai_core::org::{Person, RoleGrant, RoleKind, Unit};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct UnitOut {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub aliases: Vec<String>,
    /// city, county, county_command_centre, department, division, stationed_unit, subdistrict,
    /// town, township_command_room, community, village
    pub kind: String,
    pub parent: Option<String>,
    pub owner_department: Option<String>,
    pub township: Option<String>,
}

impl From<&Unit> for UnitOut {
    fn from(u: &Unit) -> Self {
        UnitOut {
            code: u.code.clone(),
            name: u.name.clone(),
            short_name: u.short_name.clone(),
            aliases: u.aliases.clone(),
            kind: u.kind.as_str().to_string(),
            parent: u.parent.clone(),
            owner_department: u.owner_department.clone(),
            township: u.township.clone(),
        }
    }
}

fn need(s: &crate::session::Session, area: Area) -> Result<(), ApiError> {
    if s.principal.may_enter(area) {
        Ok(())
    } else {
        Err(ApiError::forbidden("your roles do not allow this"))
    }
}

/// All units of the county.
#[utoipa::path(get, path = "/units", responses((status = 200, body = Vec<UnitOut>)))]
pub async fn units(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
) -> Result<Json<Vec<UnitOut>>, ApiError> {
    need(&s, Area::Organisation)?;
    let units = state.engine.store().units(state.engine.county()).await?;
    Ok(Json(units.iter().map(UnitOut::from).collect()))
}

/// One unit, by code, full name, short name or alias.
#[utoipa::path(get, path = "/units/{code}", params(("code" = String, Path, description = "code or any name")),
    responses((status = 200, body = UnitOut), (status = 404, body = crate::error::ErrorBody)))]
pub async fn unit(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Path(code): Path<String>,
) -> Result<Json<UnitOut>, ApiError> {
    need(&s, Area::Organisation)?;
    let u = state
        .engine
        .with_state(|st| st.org.resolve_unit(&code).map(UnitOut::from))
        .await?;
    u.map(Json).ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "not_found",
            format!("unit not found: {code}"),
        )
    })
}

#[derive(Serialize, ToSchema)]
pub struct PersonOut {
    pub username: String,
    pub name: String,
    /// Only within the caller's scope; otherwise null.
    pub phone: Option<String>,
    pub unit: String,
    pub roles: Vec<String>,
}

#[derive(Deserialize, IntoParams)]
pub struct PeopleQuery {
    /// Substring of username or name.
    q: Option<String>,
    /// Only people of this unit.
    unit: Option<String>,
}

/// People, with phone numbers only where the caller's scope allows.
#[utoipa::path(get, path = "/people", params(PeopleQuery), responses((status = 200, body = Vec<PersonOut>)))]
pub async fn people(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
    Query(q): Query<PeopleQuery>,
) -> Result<Json<Vec<PersonOut>>, ApiError> {
    need(&s, Area::Organisation)?;
    let p = s.principal.clone();
    let (query, unit) = (q.q.unwrap_or_default(), q.unit);
    let out = state
        .engine
        .with_state(|st| {
            st.org
                .people
                .values()
                .filter(|r| unit.as_ref().map(|u| &r.person.unit == u).unwrap_or(true))
                .filter(|r| {
                    query.is_empty()
                        || r.person.username.contains(&query)
                        || r.person.name.contains(&query)
                })
                .take(500)
                .map(|r| PersonOut {
                    username: r.person.username.clone(),
                    name: r.person.name.clone(),
                    phone: p
                        .may_see_contacts_in(&r.person.unit, &st.org)
                        .then(|| r.person.phone.clone()),
                    unit: r.person.unit.clone(),
                    roles: r.grants.iter().map(|g| g.to_string()).collect(),
                })
                .collect()
        })
        .await?;
    Ok(Json(out))
}

#[derive(Deserialize, ToSchema)]
pub struct NewPerson {
    pub username: String,
    pub name: String,
    #[serde(default)]
    pub phone: String,
    pub unit: String,
    pub password: Option<String>,
    /// `role@unit` grants.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// Add a person (system administrators). All-or-nothing.
#[utoipa::path(post, path = "/people", request_body = NewPerson,
    responses((status = 201, body = PersonOut), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn add_person(
    State(state): State<AppState>,
    s: ApiSession,
    ApiJson(req): ApiJson<NewPerson>,
) -> Result<(axum::http::StatusCode, Json<PersonOut>), ApiError> {
    s.require_csrf()?;
    let s = s.0;
    need(&s, Area::Administration)?;
    let mut grants = Vec::new();
    for (i, r) in req.roles.iter().enumerate() {
        grants.push(
            RoleGrant::parse(r).map_err(|e| ApiError::bad_request(&format!("roles[{i}]"), e))?,
        );
    }
    let actor = Actor {
        username: s.principal.username.clone(),
        role: RoleKind::SystemAdmin.as_str().into(),
        unit: s
            .principal
            .grants
            .iter()
            .find(|g| g.role == RoleKind::SystemAdmin)
            .map(|g| g.unit.clone())
            .unwrap_or_default(),
    };
    let person = Person {
        username: req.username.clone(),
        name: req.name,
        phone: req.phone,
        unit: req.unit,
        active: true,
    };
    state
        .engine
        .add_person(
            &actor,
            now_ms(),
            person.clone(),
            req.password.as_deref(),
            grants.clone(),
        )
        .await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(PersonOut {
            username: person.username,
            name: person.name,
            phone: Some(person.phone),
            unit: person.unit,
            roles: grants.iter().map(|g| g.to_string()).collect(),
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct GridOut {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub village: String,
    pub leader: Option<String>,
    pub workers: Vec<String>,
    /// GeoJSON Polygon.
    #[schema(value_type = Object)]
    pub geometry: serde_json::Value,
}

/// All grids with their GeoJSON boundaries.
#[utoipa::path(get, path = "/grids", responses((status = 200, body = Vec<GridOut>)))]
pub async fn grids(
    State(state): State<AppState>,
    ApiSession(s, _): ApiSession,
) -> Result<Json<Vec<GridOut>>, ApiError> {
    need(&s, Area::Organisation)?;
    let grids = state.engine.store().grids(state.engine.county()).await?;
    Ok(Json(
        grids
            .into_iter()
            .map(|g| GridOut {
                geometry: serde_json::from_str(&g.geometry).unwrap_or(serde_json::Value::Null),
                code: g.code,
                name: g.name,
                kind: g.kind.label_zh().into(),
                village: g.village,
                leader: g.leader,
                workers: g.workers,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct ErasedOut {
    pub username: String,
    /// The log entry that records the erasure.
    pub seq: u64,
}

/// Erase a person's personal data (个人信息保护法; system administrators): their name, phone and
/// password hash are deleted, the account is closed for good, and the log, which holds only
/// commitments to those values, still verifies.
#[utoipa::path(post, path = "/people/{username}/erase", params(("username" = String, Path, description = "username")),
    responses((status = 200, body = ErasedOut), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn erase_person(
    State(state): State<AppState>,
    s: ApiSession,
    Path(username): Path<String>,
) -> Result<Json<ErasedOut>, ApiError> {
    s.require_csrf()?;
    let s = s.0;
    need(&s, Area::Administration)?;
    let actor = Actor {
        username: s.principal.username.clone(),
        role: RoleKind::SystemAdmin.as_str().into(),
        unit: s
            .principal
            .grants
            .iter()
            .find(|g| g.role == RoleKind::SystemAdmin)
            .map(|g| g.unit.clone())
            .unwrap_or_default(),
    };
    let seq = state
        .engine
        .erase_person(&actor, now_ms(), &username)
        .await?;
    Ok(Json(ErasedOut { username, seq }))
}
