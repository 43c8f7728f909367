//! The 点单 menu: 编办 keeps the list of delegable powers; a township orders one with its
//! capacity, which files a list adjustment (reviewed by 编办 and 司法局, approved by the county).

use super::{failure, is_establishment};
use crate::error::PageError;
use crate::pages::desks::view::unit_name;
use crate::pages::stats::guard;
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tiaokuai_app::now_ms;
use tiaokuai_core::delegation::{receivers, DelegationCmd, MenuEntry};
use tiaokuai_core::lists::ListKind;
use tiaokuai_core::org::RoleKind;

pub struct MenuLine {
    /// The item id as an HTML id (`delegated-3`).
    pub dom_id: String,
    pub item_id: String,
    pub name: String,
    pub kind: &'static str,
    pub department: String,
    pub receivers: String,
    pub conditions: String,
    pub min_staff: u32,
    /// The viewer's township already has it.
    pub held: bool,
}

pub struct OrderLine {
    pub township: String,
    pub item: String,
    pub staff: u32,
    pub adjustment: u64,
    pub status: &'static str,
    pub at: String,
}

#[derive(Template)]
#[template(path = "delegation_menu.html")]
struct MenuPage {
    c: Chrome,
    lines: Vec<MenuLine>,
    orders: Vec<OrderLine>,
    /// (id, name) of delegated and power items, for 编办's add form.
    candidates: Vec<(String, String)>,
    establishment: bool,
    /// The township the viewer orders for, if any: (code, name).
    township: Option<(String, String)>,
    error: Option<String>,
}

fn township_of(st: &tiaokuai_core::CountyState, s: &Session) -> Option<(String, String)> {
    s.principal
        .grants
        .iter()
        .filter(|g| {
            matches!(
                g.role,
                RoleKind::TownshipOperator | RoleKind::TownshipLeader
            )
        })
        .find_map(|g| st.org.township_of(&g.unit))
        .map(|u| (u.code.clone(), u.name.clone()))
}

async fn show(state: &AppState, s: &Session, error: Option<String>) -> Result<Response, PageError> {
    let l = s.lang;
    let establishment = is_establishment(s);
    let page = state
        .engine
        .with_state(|st| {
            let township = township_of(st, s);
            let v = st.lists.latest();
            let lines = st
                .delegation
                .menu
                .iter()
                .filter_map(|m| {
                    let it = st.lists.item_at(&m.item_id, v)?;
                    let recv: Vec<&str> = if it.kind == ListKind::Delegated {
                        receivers(&st.org, it).collect()
                    } else {
                        vec![]
                    };
                    Some(MenuLine {
                        dom_id: m.item_id.replace('/', "-"),
                        item_id: m.item_id.clone(),
                        name: it.name.clone(),
                        kind: if it.kind == ListKind::Delegated {
                            l.pick("已赋权部分乡镇", "Delegated to some")
                        } else {
                            l.pick("尚未赋权", "Not yet delegated")
                        },
                        department: it
                            .primary
                            .first()
                            .map(|d| unit_name(&st.org, d))
                            .unwrap_or_default(),
                        receivers: recv
                            .iter()
                            .map(|t| unit_name(&st.org, t))
                            .collect::<Vec<_>>()
                            .join("、"),
                        conditions: m.conditions.clone(),
                        min_staff: m.min_staff.max(1),
                        held: township
                            .as_ref()
                            .is_some_and(|(t, _)| recv.contains(&t.as_str())),
                    })
                })
                .collect();
            let orders = st
                .delegation
                .orders
                .iter()
                .rev()
                .filter(|o| {
                    establishment
                        || township.as_ref().is_some_and(|(t, _)| *t == o.township)
                        || s.principal.has(RoleKind::JusticeReviewer)
                        || s.principal.has(RoleKind::SystemAdmin)
                })
                .map(|o| OrderLine {
                    township: unit_name(&st.org, &o.township),
                    item: st
                        .lists
                        .item_at(&o.item_id, v)
                        .map_or(o.item_id.clone(), |i| i.name.clone()),
                    staff: o.staff,
                    adjustment: o.adjustment,
                    status: st
                        .adjustments
                        .get(&o.adjustment)
                        .map_or("", |a| l.pick(a.status.label_zh(), a.status.label_en())),
                    at: tiaokuai_app::cst::format_ms(o.at_ms),
                })
                .collect();
            let candidates = if establishment {
                st.lists
                    .items_at(v)
                    .filter(|i| matches!(i.kind, ListKind::Delegated | ListKind::Power))
                    .filter(|i| st.delegation.menu_entry(&i.id).is_none())
                    .map(|i| (i.id.clone(), format!("{} · {}", i.number, i.name)))
                    .collect()
            } else {
                vec![]
            };
            MenuPage {
                c: Chrome::for_session(s, "/delegation"),
                lines,
                orders,
                candidates,
                establishment,
                township,
                error,
            }
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    Ok(render(&page))
}

/// `/delegation/menu`.
pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    guard(&s)?;
    show(&state, &s, None).await
}

#[derive(Deserialize)]
pub struct MenuForm {
    csrf: String,
    action: String,
    item_id: String,
    #[serde(default)]
    conditions: String,
    #[serde(default)]
    min_staff: String,
}

/// 编办 adds an entry to the menu or removes one (the whole menu is recorded again).
pub async fn save(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<MenuForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let mut entries = state
        .engine
        .with_state(|st| st.delegation.menu.clone())
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    if f.action == "remove" {
        entries.retain(|e| e.item_id != f.item_id);
    } else {
        entries.push(MenuEntry {
            item_id: f.item_id.trim().to_string(),
            conditions: f.conditions.trim().to_string(),
            min_staff: f.min_staff.trim().parse().unwrap_or(1),
        });
    }
    match state
        .engine
        .delegation_step(&s.principal, now_ms(), DelegationCmd::SetMenu { entries })
        .await
    {
        Ok(_) => Ok(Redirect::to("/delegation/menu").into_response()),
        Err(e) => {
            let text = failure(&state, &s, e).await?;
            show(&state, &s, Some(text)).await
        }
    }
}

#[derive(Deserialize)]
pub struct OrderForm {
    csrf: String,
    item_id: String,
    #[serde(default)]
    staff: String,
    #[serde(default)]
    qualifications: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    opinions: String,
}

/// A township orders a power: the list adjustment opens, and its page follows the review.
pub async fn order(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<OrderForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let township = state
        .engine
        .with_state(|st| township_of(st, &s))
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?
        .map(|t| t.0)
        .unwrap_or_default();
    let staff = f.staff.trim().parse::<u32>().unwrap_or(0);
    match state
        .engine
        .order_power(
            &s.principal,
            now_ms(),
            &township,
            &f.item_id,
            staff,
            &f.qualifications,
            &f.reason,
            &f.opinions,
        )
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/lists/adjustments/{id}")).into_response()),
        Err(e) => {
            let text = failure(&state, &s, e).await?;
            show(&state, &s, Some(text)).await
        }
    }
}
