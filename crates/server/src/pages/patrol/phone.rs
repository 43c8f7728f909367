//! The patrol page on a grid worker's phone (390 px): start a patrol of one of their grids,
//! the track recorded by `static/patrol.js` (batches kept offline and sent later), findings
//! with photos that may become events at once or later, and the end.

use super::{err_text, km};
use crate::error::PageError;
use crate::pages::desks::view::time;
use crate::pages::events::form::Fields;
use crate::pages::events::report::store_photos;
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use std::collections::BTreeMap;
use tiaokuai_app::now_ms;
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::patrol::{PatrolCmd, PatrolRecord};

pub struct FindingRow {
    pub id: String,
    pub category: String,
    pub description: String,
    pub at: String,
    pub event: Option<u64>,
    pub photos: usize,
}

pub struct PastRow {
    pub grid: String,
    pub started: String,
    pub ended: String,
    pub km: String,
    pub findings: usize,
}

#[derive(Template)]
#[template(path = "patrol_phone.html")]
struct Page {
    c: Chrome,
    flash: Option<String>,
    error: Option<String>,
    grids: Vec<(String, String)>,
    open: Option<PatrolRecord>,
    open_grid: String,
    started: String,
    km: String,
    findings: Vec<FindingRow>,
    categories: Vec<(String, String)>,
    past: Vec<PastRow>,
}

#[derive(Deserialize, Default)]
pub struct Flash {
    #[serde(default)]
    done: String,
    #[serde(default)]
    err: String,
}

fn guard(s: &Session) -> Result<(), PageError> {
    if s.principal.has(RoleKind::GridWorker) {
        Ok(())
    } else {
        Err(PageError::forbidden(s.lang))
    }
}

fn back(q: &[(&str, &str)]) -> Response {
    let qs = crate::pages::stats::join_qs(q);
    Redirect::to(&format!("/patrol?{qs}")).into_response()
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<Flash>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let (grids, open) = state
        .engine
        .my_patrol_grids(&s.principal)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let past = state
        .engine
        .patrols(&s.principal, None, 10)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let categories = state
        .engine
        .with_state(|st| {
            st.categories
                .children(None)
                .map(|c| (c.code.clone(), c.name.clone()))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let cat_name = |code: &str| {
        categories
            .iter()
            .find(|c| c.0 == code)
            .map(|c| c.1.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let open_grid = open
        .as_ref()
        .and_then(|o| grids.iter().find(|g| g.code == o.grid))
        .map(|g| g.name.clone())
        .unwrap_or_default();
    let findings = open
        .as_ref()
        .map(|o| {
            o.findings
                .iter()
                .map(|f| FindingRow {
                    id: f.id.clone(),
                    category: cat_name(&f.category),
                    description: f.description.clone(),
                    at: time(f.found_ms),
                    event: f.event,
                    photos: f.photos.len(),
                })
                .collect()
        })
        .unwrap_or_default();
    let flash = match q.done.as_str() {
        "started" => Some(l.pick(
            "巡查已开始，轨迹记录中",
            "Patrol started; recording the track",
        )),
        "ended" => Some(l.pick("巡查已结束", "Patrol ended")),
        "finding" => Some(l.pick("已记录发现问题", "Finding recorded")),
        "reported" => Some(l.pick("已上报为事件", "Reported as an event")),
        _ => None,
    }
    .map(str::to_string);
    let page = Page {
        c: Chrome::for_session(&s, "/patrol"),
        flash,
        error: (!q.err.is_empty()).then(|| q.err.clone()),
        grids: grids
            .iter()
            .map(|g| (g.code.clone(), g.name.clone()))
            .collect(),
        started: open
            .as_ref()
            .map(|o| time(o.started_ms))
            .unwrap_or_default(),
        km: open.as_ref().map(|o| km(o.distance_m)).unwrap_or_default(),
        open_grid,
        open,
        findings,
        categories,
        past: past
            .into_iter()
            .filter(|p| p.record.ended_ms.is_some())
            .map(|p| PastRow {
                grid: p.grid_name,
                started: time(p.record.started_ms),
                ended: p.record.ended_ms.map(time).unwrap_or_default(),
                km: km(p.record.distance_m),
                findings: p.record.findings.len(),
            })
            .collect(),
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    grid: String,
}

pub async fn start(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<StartForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let now = now_ms();
    let cmd = PatrolCmd::Start {
        id: format!("p-{}-{now}", s.principal.username),
        grid: f.grid,
        started_ms: now,
    };
    Ok(
        match state.engine.patrol_step(&s.principal, now, cmd).await {
            Ok(_) => back(&[("done", "started")]),
            Err(e) => back(&[("err", &err_text(&e, s.lang))]),
        },
    )
}

#[derive(Deserialize)]
pub struct EndForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    note: String,
}

pub async fn end(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(id): Path<String>,
    Form(f): Form<EndForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let now = now_ms();
    let cmd = PatrolCmd::End {
        patrol: id,
        ended_ms: now,
        note: f.note,
    };
    Ok(
        match state.engine.patrol_step(&s.principal, now, cmd).await {
            Ok(_) => back(&[("done", "ended")]),
            Err(e) => back(&[("err", &err_text(&e, s.lang))]),
        },
    )
}

/// A finding from the phone form: the place is the phone's (filled by the script), else the
/// patrol's latest point, else the grid's middle.
pub async fn finding(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(id): Path<String>,
    mp: Multipart,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let f = Fields::read(mp).await;
    if !s.check_csrf(f.get("csrf")) {
        return Err(PageError::forbidden(l));
    }
    let mut photos = vec![];
    let mut errors = BTreeMap::new();
    store_photos(&state, &f, "photos", &mut photos, &mut errors, l).await?;
    if let Some(e) = errors.values().next() {
        return Ok(back(&[("err", e)]));
    }
    let rec = state
        .engine
        .patrol(&s.principal, &id)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let (glon, glat) = state
        .engine
        .with_state(|st| {
            st.org
                .grid_shapes
                .get(&rec.record.grid)
                .map(|(b, _)| ((b.min_lon + b.max_lon) / 2.0, (b.min_lat + b.max_lat) / 2.0))
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?
        .unwrap_or((0.0, 0.0));
    let last = rec.record.last;
    let num = |k: &str| f.get(k).trim().parse::<f64>().ok();
    let lon = num("lon").or(last.map(|p| p.lon)).unwrap_or(glon);
    let lat = num("lat").or(last.map(|p| p.lat)).unwrap_or(glat);
    let now = now_ms();
    let cmd = PatrolCmd::Finding {
        patrol: id,
        id: format!("f{now}"),
        category: f.get("category").to_string(),
        description: f.get("description").to_string(),
        lon,
        lat,
        found_ms: now,
        photos,
    };
    let report = f.has("report");
    Ok(
        match state
            .engine
            .patrol_finding(&s.principal, now, cmd, report)
            .await
        {
            Ok(_) => back(&[("done", if report { "reported" } else { "finding" })]),
            Err(e) => back(&[("err", &err_text(&e, l))]),
        },
    )
}

#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    csrf: String,
}

pub async fn report(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path((id, finding)): Path<(String, String)>,
    Form(f): Form<ReportForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    Ok(
        match state
            .engine
            .patrol_report_finding(&s.principal, now_ms(), &id, &finding)
            .await
        {
            Ok(_) => back(&[("done", "reported")]),
            Err(e) => back(&[("err", &err_text(&e, s.lang))]),
        },
    )
}
