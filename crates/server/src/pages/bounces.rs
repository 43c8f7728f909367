//! 推诿 analytics (`/stats/bounces`): return chains such as A→B→A, returns and disputes by list
//! item with a pre-filled list adjustment for items whose returns recur, and dispatches that
//! left the list as candidates for new list items (职责漏洞排查).

use super::{render, Chrome};
use crate::error::PageError;
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tiaokuai_app::now_ms;
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::stats::QuerySpec;

pub struct ChainRow {
    pub event_id: u64,
    pub no: String,
    pub title: String,
    pub path: String,
    pub circular: bool,
}

pub struct ItemRow {
    pub item_id: String,
    pub name: String,
    pub hops: u64,
    pub requests: u64,
    pub returned: u64,
    pub disputed: u64,
    pub events: usize,
    pub recurring: bool,
}

pub struct OffRow {
    pub item: String,
    pub receiver: String,
    pub events: Vec<(u64, String)>,
    pub title: String,
}

#[derive(Template)]
#[template(path = "bounces.html")]
struct Page {
    c: Chrome,
    period: String,
    error: Option<String>,
    chains: Vec<ChainRow>,
    items: Vec<ItemRow>,
    off: Vec<OffRow>,
    may_file: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BounceQuery {
    period: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<BounceQuery>,
) -> Result<Response, PageError> {
    let l = s.lang;
    if s.principal
        .grants
        .iter()
        .all(|g| g.role == RoleKind::GridWorker)
    {
        return Err(PageError::forbidden(l));
    }
    let spec = QuerySpec {
        period: q.period.clone(),
        ..Default::default()
    };
    let (period, error) = match spec.period(now_ms()) {
        Ok(p) => (p, None),
        Err(e) => (
            tiaokuai_core::stats::Period::month_of(now_ms()),
            Some(crate::error::reason_text(&e.reason, s.lang)),
        ),
    };
    let r = state
        .engine
        .bounces(&s.principal, period.from_ms(), period.to_ms(), 2, now_ms())
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let may_file = state
        .engine
        .with_state(|st| {
            tiaokuai_core::lists::adjustment::authorize(
                &s.principal,
                &st.org,
                tiaokuai_core::lists::Action::File,
                None,
            )
            .is_ok()
        })
        .await
        .unwrap_or(false);
    let page = state
        .engine
        .with_state(|st| {
            let unit = |c: &str| {
                st.org
                    .unit(c)
                    .map(|u| u.short_name.clone())
                    .unwrap_or_else(|| c.to_string())
            };
            let item_name = |id: &Option<String>| match id {
                Some(id) => st
                    .lists
                    .item_at(id, st.lists.latest())
                    .map(|i| i.name.clone())
                    .unwrap_or_else(|| id.clone()),
                None => l.pick("（未引用清单）", "(no list item)").to_string(),
            };
            let event = |id: u64| {
                st.events
                    .event(id)
                    .map(|e| (e.no.clone(), e.facts.title.clone()))
                    .unwrap_or_default()
            };
            let recurring: Vec<&Option<String>> = r.recurring.iter().map(|i| &i.item).collect();
            Page {
                c: Chrome::for_session(&s, "/stats"),
                period: period.name.clone(),
                error,
                chains: r
                    .chains
                    .iter()
                    .map(|c| {
                        let (no, title) = event(c.event_id);
                        ChainRow {
                            event_id: c.event_id,
                            no,
                            title,
                            path: c
                                .units
                                .iter()
                                .map(|u| unit(u))
                                .collect::<Vec<_>>()
                                .join(" → "),
                            circular: c.circular,
                        }
                    })
                    .collect(),
                items: r
                    .items
                    .iter()
                    .map(|i| ItemRow {
                        item_id: i.item.clone().unwrap_or_default(),
                        name: item_name(&i.item),
                        hops: i.hops,
                        requests: i.return_requests,
                        returned: i.returned,
                        disputed: i.disputed,
                        events: i.events.len(),
                        recurring: recurring.contains(&&i.item),
                    })
                    .collect(),
                off: r
                    .off_list
                    .iter()
                    .map(|o| OffRow {
                        item: item_name(&o.item),
                        receiver: unit(&o.receiver),
                        title: o.events.first().map(|e| event(*e).1).unwrap_or_default(),
                        events: o.events.iter().map(|e| (*e, event(*e).0)).collect(),
                    })
                    .collect(),
                may_file,
            }
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    Ok(render(&page))
}
