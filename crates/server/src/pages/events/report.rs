//! `GET/POST /events/new`: the report form, phone-sized first. Photos (several, from the
//! camera), the point from GPS or a tap on the grid map, the list item from a search, and for
//! the township a one-tap call to the county; the command centre enters hotline orders.

use super::form::{kept_photos, parse_cst, Fields, MAX_PHOTOS};
use super::picker::picker_map;
use super::view::{self, Reporter};
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;
use tiaokuai_app::{now_ms, AppError};
use tiaokuai_core::events::{Channel, Grade, ItemRef, Location, NewEvent, RequestType, Urgency};
use tiaokuai_core::org::{Grid, RoleKind};
use tiaokuai_core::state::CountyState;
use tiaokuai_core::DomainError;

/// What the form holds, as typed.
#[derive(Default, Clone)]
pub struct Values {
    pub title: String,
    pub description: String,
    pub category: String,
    pub urgency: String,
    pub grade: String,
    pub request_type: String,
    /// `id@version` of the chosen list item.
    pub item: String,
    pub item_q: String,
    pub lon: String,
    pub lat: String,
    pub address: String,
    pub call: bool,
    pub channel: String,
    pub hotline_no: String,
    pub hotline_due: String,
    /// Photos already stored (kept across a re-shown form).
    pub photos: Vec<String>,
}

pub struct ItemOpt {
    pub value: String,
    pub name: String,
    pub units: String,
    pub checked: bool,
    /// Unit codes (space-separated) the item names as primary, and all it names; event.js
    /// tells from them whether a dispatch differs from the list.
    pub primary: String,
    pub named: String,
}

impl ItemOpt {
    pub fn of(
        org: &tiaokuai_core::state::OrgState,
        i: &tiaokuai_core::lists::Item,
        version: u32,
        checked: bool,
    ) -> ItemOpt {
        ItemOpt {
            value: format!("{}@{version}", i.id),
            name: format!("{} · {}", i.number, i.name),
            units: format!(
                "{} / {}",
                view::units(org, &i.primary),
                view::units(org, &i.supporting)
            ),
            checked,
            primary: i.primary.join(" "),
            named: i
                .primary
                .iter()
                .chain(&i.supporting)
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

#[derive(Template)]
#[template(path = "events_new.html")]
struct NewPage {
    c: Chrome,
    v: Values,
    errors: BTreeMap<String, String>,
    general: Vec<String>,
    mode: &'static str,
    channels: Vec<(&'static str, &'static str)>,
    request_types: Vec<(&'static str, &'static str)>,
    items: Vec<ItemOpt>,
    /// Routing suggestions for the title and description so far (not among `items`).
    suggested: Vec<ItemOpt>,
    searched: bool,
    map: String,
    scope: String,
    call_label: String,
    /// Leaf categories of the tree: (code, "class / name").
    categories: Vec<(String, String)>,
}

impl NewPage {
    fn err(&self, field: &str) -> &str {
        self.errors.get(field).map(|s| s.as_str()).unwrap_or("")
    }
}

fn guard(s: &Session) -> Result<Reporter, PageError> {
    view::reporter(&s.principal).ok_or_else(|| PageError::forbidden(s.lang))
}

fn mode_name(r: Reporter) -> &'static str {
    match r {
        Reporter::Dispatcher => "dispatcher",
        Reporter::Township => "township",
        Reporter::Grid => "grid",
    }
}

/// The grids the person reports in: a grid worker's and a township's own township, the whole
/// county for the command centre. Returns the grids, the village to highlight and a name.
fn scope<'a>(st: &'a CountyState, s: &Session, who: Reporter) -> (Vec<&'a Grid>, String, String) {
    let org = &st.org;
    let grant = |roles: &[RoleKind]| {
        s.principal
            .grants
            .iter()
            .find(|g| roles.contains(&g.role))
            .map(|g| g.unit.clone())
    };
    let (township, village) = match who {
        Reporter::Dispatcher => (None, String::new()),
        Reporter::Township => (
            grant(&[RoleKind::TownshipOperator, RoleKind::TownshipLeader])
                .and_then(|u| org.township_of(&u).map(|t| t.code.clone()).or(Some(u))),
            String::new(),
        ),
        Reporter::Grid => {
            let v = grant(&[RoleKind::GridWorker]).unwrap_or_default();
            (org.township_of(&v).map(|t| t.code.clone()), v)
        }
    };
    let grids: Vec<&Grid> = org
        .grids
        .values()
        .filter(|g| match &township {
            Some(t) => org.township_of(&g.village).is_some_and(|x| &x.code == t),
            None => true,
        })
        .collect();
    let name = match &township {
        Some(t) => view::unit_full(org, t),
        None => view::unit_full(org, "370999"),
    };
    // A township without grids falls back to the whole county.
    if grids.is_empty() {
        return (org.grids.values().collect(), village, name);
    }
    (grids, village, name)
}

fn parse_item(v: &str) -> Option<ItemRef> {
    let (id, ver) = v.rsplit_once('@')?;
    Some(ItemRef {
        id: id.to_string(),
        version: ver.parse().ok()?,
    })
}

/// The item choices: the one chosen (if any) and the hits of a search.
async fn item_options(state: &AppState, chosen: &str, q: &str) -> Vec<ItemOpt> {
    let hits = if q.trim().is_empty() {
        vec![]
    } else {
        state.search.search(&state.engine, q, 8, None).await.1
    };
    let chosen = parse_item(chosen);
    state
        .engine
        .with_state(|st| {
            let opt = |id: &str, version: u32, checked: bool| {
                st.lists
                    .item_at(id, version)
                    .map(|i| ItemOpt::of(&st.org, i, version, checked))
            };
            let mut v: Vec<ItemOpt> = Vec::new();
            if let Some(r) = &chosen {
                v.extend(opt(&r.id, r.version, true));
            }
            let latest = st.lists.latest();
            for h in &hits {
                if chosen
                    .as_ref()
                    .is_some_and(|r| r.id == h.id && r.version == latest)
                {
                    continue;
                }
                v.extend(opt(&h.id, latest, false));
            }
            v
        })
        .await
        .unwrap_or_default()
}

/// Suggestions shown on the report form.
const SUGGESTED: usize = 3;

/// The list items the title and description so far most likely belong to, as choices (none
/// before anything is written, and none already offered).
async fn suggested_options(state: &AppState, v: &Values, offered: &[ItemOpt]) -> Vec<ItemOpt> {
    let text = format!("{}\n{}", v.title, v.description);
    if text.trim().is_empty() {
        return vec![];
    }
    let found = state.routing.suggest(&text, SUGGESTED).await;
    state
        .engine
        .with_state(|st| {
            found
                .iter()
                .filter_map(|x| {
                    let i = st.lists.item_at(&x.item, x.version)?;
                    Some(ItemOpt::of(&st.org, i, x.version, false))
                })
                .filter(|o| offered.iter().all(|i| i.value != o.value))
                .collect()
        })
        .await
        .unwrap_or_default()
}

async fn page(
    state: &AppState,
    s: &Session,
    who: Reporter,
    v: Values,
    errors: BTreeMap<String, String>,
    general: Vec<String>,
    searched: bool,
) -> Result<Response, PageError> {
    let l = s.lang;
    let items = item_options(state, &v.item, if searched { &v.item_q } else { "" }).await;
    let suggested = suggested_options(state, &v, &items).await;
    let point = match (v.lon.parse::<f64>(), v.lat.parse::<f64>()) {
        (Ok(lon), Ok(lat)) => Some((lon, lat)),
        _ => None,
    };
    let (map, scope_name, call_label, categories) = state
        .engine
        .with_state(|st| {
            let (grids, mine, name) = scope(st, s, who);
            let t = &st.categories;
            let categories = t
                .iter()
                .filter(|c| t.children(Some(&c.code)).next().is_none())
                .map(|c| {
                    let parent = c.parent.as_deref().map(|p| t.name(p)).unwrap_or_default();
                    (c.code.clone(), format!("{parent} / {}", c.name))
                })
                .collect::<Vec<_>>();
            (
                picker_map(&grids, &mine, point, "pick-map"),
                name,
                match l {
                    crate::i18n::Lang::Zh => format!(
                        "一键{}县级（立即提交县指挥中心分拨）",
                        st.events.config.labels.call
                    ),
                    crate::i18n::Lang::En => {
                        "Call the county now (sends it to the command centre)".to_string()
                    }
                },
                categories,
            )
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let channels = [Channel::Hotline12345, Channel::Police110, Channel::Manual]
        .iter()
        .map(|c| (c.as_str(), c.label_zh()))
        .collect();
    let request_types = RequestType::ALL
        .iter()
        .map(|r| (r.as_str(), r.label_zh()))
        .collect();
    let status = if errors.is_empty() && general.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let p = NewPage {
        c: Chrome::for_session(s, "/events"),
        v,
        errors,
        general,
        mode: mode_name(who),
        channels,
        request_types,
        items,
        suggested,
        searched,
        map,
        scope: scope_name,
        call_label,
        categories,
    };
    Ok((status, render(&p)).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    let who = guard(&s)?;
    let v = Values {
        urgency: "normal".into(),
        grade: "ordinary".into(),
        channel: "hotline_12345".into(),
        ..Default::default()
    };
    page(&state, &s, who, v, BTreeMap::new(), vec![], false).await
}

fn values(f: &Fields) -> Values {
    Values {
        title: f.get("title").to_string(),
        description: f.raw("description"),
        category: f.get("category").to_string(),
        urgency: f.get("urgency").to_string(),
        grade: f.get("grade").to_string(),
        request_type: f.get("request_type").to_string(),
        item: f.get("item").to_string(),
        item_q: f.get("item_q").to_string(),
        lon: f.get("lon").to_string(),
        lat: f.get("lat").to_string(),
        address: f.get("address").to_string(),
        call: f.has("call"),
        channel: f.get("channel").to_string(),
        hotline_no: f.get("hotline_no").to_string(),
        hotline_due: f.get("hotline_due").to_string(),
        photos: kept_photos(f),
    }
}

/// Where a core field error is shown on this form.
fn form_field(field: &str) -> &str {
    match field {
        f if f.starts_with("location") => "location",
        f if f.starts_with("item") => "item",
        f => f,
    }
}

fn add(errors: &mut BTreeMap<String, String>, field: &str, msg: String) {
    errors
        .entry(field.to_string())
        .and_modify(|m| {
            m.push('；');
            m.push_str(&msg);
        })
        .or_insert(msg);
}

/// Stores the uploaded photos; their hashes join those kept from an earlier attempt.
pub async fn store_photos(
    state: &AppState,
    f: &Fields,
    field: &str,
    photos: &mut Vec<String>,
    errors: &mut BTreeMap<String, String>,
    l: crate::i18n::Lang,
) -> Result<(), PageError> {
    if f.broken.is_some() {
        add(
            errors,
            field,
            l.pick(
                "上传未完成（照片合计不超过25MB），请重新选择",
                "The upload did not complete (at most 25 MB in all); choose the photos again",
            )
            .to_string(),
        );
    }
    for up in f.files_of(field) {
        if photos.len() >= MAX_PHOTOS {
            add(
                errors,
                field,
                l.pick("最多9张照片", "at most 9 photos").to_string(),
            );
            break;
        }
        match state
            .engine
            .put_photo(field, &up.name, &up.bytes, now_ms())
            .await
        {
            Ok(h) => {
                if !photos.contains(&h) {
                    photos.push(h);
                }
            }
            Err(AppError::Domain(DomainError::Invalid(errs))) => {
                for e in errs {
                    let msg = view::field_message(&e, l);
                    add(errors, field, format!("{}：{msg}", up.name));
                }
            }
            Err(e) => return Err(PageError::from_app(e, l)),
        }
    }
    Ok(())
}

pub async fn submit(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    mp: Multipart,
) -> Result<Response, PageError> {
    let who = guard(&s)?;
    let l = s.lang;
    let f = Fields::read(mp).await;
    if !s.check_csrf(f.get("csrf")) {
        return Err(PageError::forbidden(l));
    }
    let mut v = values(&f);
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    let mut photos = std::mem::take(&mut v.photos);
    store_photos(&state, &f, "photos", &mut photos, &mut errors, l).await?;
    v.photos = photos;
    if f.has("find_item") || f.has("suggest_item") {
        return page(&state, &s, who, v, errors, vec![], f.has("find_item")).await;
    }

    // Check what the form can check, in the reader's words, before the rules do.
    if v.title.is_empty() {
        add(
            &mut errors,
            "title",
            l.pick("请填写标题", "a title is required").into(),
        );
    }
    if v.description.trim().is_empty() {
        add(
            &mut errors,
            "description",
            l.pick("请描述问题", "describe the problem").into(),
        );
    }
    let point = match (v.lon.parse::<f64>(), v.lat.parse::<f64>()) {
        (Ok(lon), Ok(lat)) if lon.is_finite() && lat.is_finite() => Some((lon, lat)),
        _ => None,
    };
    if point.is_none() {
        add(
            &mut errors,
            "location",
            l.pick(
                "请用“GPS定位”或在地图上点选位置",
                "use GPS or tap the map to give the location",
            )
            .into(),
        );
    }
    let item = if v.item.is_empty() {
        None
    } else {
        let r = parse_item(&v.item);
        if r.is_none() {
            add(
                &mut errors,
                "item",
                l.pick("请重新选择清单事项", "choose the list item again")
                    .into(),
            );
        }
        r
    };
    let hotline_due_ms = if who == Reporter::Dispatcher && !v.hotline_due.is_empty() {
        let t = parse_cst(&v.hotline_due);
        if t.is_none() {
            add(
                &mut errors,
                "hotline_due",
                l.pick("时间格式不正确", "not a date and time").into(),
            );
        }
        t
    } else {
        None
    };
    let channel = match who {
        Reporter::Grid => Channel::GridReport,
        Reporter::Township => Channel::TownshipCall,
        Reporter::Dispatcher => match Channel::parse(&v.channel) {
            Some(c @ (Channel::Hotline12345 | Channel::Police110 | Channel::Manual)) => c,
            _ => {
                add(
                    &mut errors,
                    "channel",
                    l.pick("请选择来源渠道", "choose the channel").into(),
                );
                Channel::Manual
            }
        },
    };
    let mut general = Vec::new();
    if errors.is_empty() {
        let (lon, lat) = point.unwrap_or_default();
        let ev = NewEvent {
            channel,
            title: v.title.clone(),
            description: v.description.trim().to_string(),
            category: v.category.clone(),
            urgency: Urgency::parse(&v.urgency).unwrap_or_default(),
            grade: Grade::parse(&v.grade).unwrap_or_default(),
            request_type: RequestType::parse(&v.request_type),
            item,
            location: Location {
                lon,
                lat,
                address: v.address.clone(),
                grid: None,
                village: None,
                township: None,
            },
            photos: v.photos.clone(),
            hotline_no: (who == Reporter::Dispatcher && !v.hotline_no.is_empty())
                .then(|| v.hotline_no.clone()),
            hotline_due_ms,
            call: who == Reporter::Township && v.call,
        };
        match state.engine.report_event(&s.principal, now_ms(), ev).await {
            // A grid worker goes back to their reports with a receipt, ready for the next one.
            Ok(id) if who == Reporter::Grid => {
                return Ok(
                    Redirect::to(&format!("/desk/grid?done=report&event={id}")).into_response()
                )
            }
            Ok(id) => return Ok(Redirect::to(&format!("/events/{id}")).into_response()),
            Err(AppError::Domain(DomainError::Invalid(errs))) => {
                for e in errs {
                    let msg = view::field_message(&e, l);
                    add(&mut errors, form_field(&e.field), msg);
                }
            }
            Err(AppError::Domain(e)) => {
                let org_msg = state
                    .engine
                    .with_state(|st| view::refusal(&e, &st.org, l))
                    .await
                    .unwrap_or_else(|_| e.to_string());
                general.push(org_msg);
            }
            Err(e) => return Err(PageError::from_app(e, l)),
        }
    }
    page(&state, &s, who, v, errors, general, false).await
}
