//! The event page itself: its template and [`show`], which gathers everything the viewer may
//! see of one event (facts, place, item, hops, disputes, cases, forms, timeline) into it.

use super::hops::{hop_view, CaseView, DisputeView, HopView};
use super::suggestions::{self, SuggestionView};
use super::timeline::{timeline_rows, TimeRow};
use super::{chosen_item, ViewQuery};
use crate::error::PageError;
use crate::pages::events::actions::{self, ActionView, Flash};
use crate::pages::events::picker::picker_map;
use crate::pages::events::report::ItemOpt;
use crate::pages::events::view::{self, Due, UnitGroup};
use crate::pages::{render, Chrome};
use crate::session::Session;
use crate::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tiaokuai_app::now_ms;
use tiaokuai_core::events::Event;
use tiaokuai_core::lists::AdjustmentStatus;
use tiaokuai_core::org::{Grid, RoleKind};
use tiaokuai_core::state::OrgState;

pub struct ItemView {
    pub href: String,
    pub label: String,
    pub version: u32,
    pub primary: String,
    pub supporting: String,
    pub latest: u32,
}

#[derive(Template)]
#[template(path = "events_show.html")]
pub struct EventPage {
    pub c: Chrome,
    pub id: u64,
    pub no: String,
    pub title: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub due: Option<Due>,
    pub urgent: bool,
    pub facts: Vec<(&'static str, String)>,
    pub description: String,
    pub photos: Vec<String>,
    pub place: Vec<(&'static str, String)>,
    pub map: String,
    pub item: Option<ItemView>,
    pub hops: Vec<HopView>,
    pub disputes: Vec<DisputeView>,
    pub cases: Vec<CaseView>,
    pub feedback: String,
    pub timeline: Vec<TimeRow>,
    pub actions: Vec<ActionView>,
    pub notice: String,
    pub error: String,
    pub adjustment: Option<(String, String)>,
    pub groups: Vec<UnitGroup>,
    pub scale: Vec<(u8, String)>,
    pub top_grade: String,
    pub item_q: String,
    pub item_hits: Vec<ItemOpt>,
    pub item_choice: Vec<ItemOpt>,
    /// The chosen item's option value, so the search hits do not list it twice.
    pub chosen_value: String,
    /// Who the event waits for now, in words (from the core's one "who acts next" query).
    pub waiting: Vec<String>,
    /// The event's own item, which a reassignment is checked against.
    pub event_item: Option<ItemOpt>,
    pub searchable: bool,
    /// Routing suggestions for the dispatch form, best first.
    pub suggestions: Vec<SuggestionView>,
    /// The top suggestion (`id@version`), sent with the dispatch to record whether it was taken.
    pub suggested: String,
    /// How many forms sit under "more actions", and whether to open it (one has an error).
    pub secondary: usize,
    pub secondary_open: bool,
}

fn location_grids<'a>(org: &'a OrgState, e: &Event) -> Vec<&'a Grid> {
    let loc = &e.facts.location;
    let by_village: Vec<&Grid> = match &loc.village {
        Some(v) => org.grids.values().filter(|g| &g.village == v).collect(),
        None => vec![],
    };
    if !by_village.is_empty() {
        return by_village;
    }
    match &loc.township {
        Some(t) => org
            .grids
            .values()
            .filter(|g| org.township_of(&g.village).is_some_and(|x| &x.code == t))
            .collect(),
        None => vec![],
    }
}

pub async fn show(
    state: &AppState,
    s: &Session,
    id: u64,
    q: ViewQuery,
    flash: Option<Flash>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let now = now_ms();
    super::super::readable(state, s, id).await?;
    let entries = state
        .engine
        .event_timeline(id)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let hits = if q.q.trim().is_empty() {
        vec![]
    } else {
        state.search.search(&state.engine, &q.q, 8, None).await.1
    };
    let suggested = suggestions::for_dispatch(state, &s.principal, id)
        .await
        .unwrap_or_default();
    let p = s.principal.clone();
    let status_code = flash.as_ref().map(|f| f.status).unwrap_or(StatusCode::OK);
    let page = state
        .engine
        .with_events(&[id], |st| {
            let e = st.events.event(id)?;
            let org = &st.org;
            let book = &st.events;
            let latest = st.lists.latest();
            let item = e.item.as_ref().map(|r| {
                let it = st.lists.item_at(&r.id, r.version);
                ItemView {
                    href: format!("/lists/items/{}?version={}", r.id, r.version),
                    label: it
                        .map(|i| format!("{} {}", i.number, i.name))
                        .unwrap_or_else(|| r.id.clone()),
                    version: r.version,
                    primary: it.map(|i| view::units(org, &i.primary)).unwrap_or_default(),
                    supporting: it
                        .map(|i| view::units(org, &i.supporting))
                        .unwrap_or_default(),
                    latest,
                }
            });
            let f = &e.facts;
            let mut facts = vec![
                (
                    l.pick("来源渠道", "Channel"),
                    f.channel.label_zh().to_string(),
                ),
                (
                    l.pick("紧急程度", "Urgency"),
                    f.urgency.label_zh().to_string(),
                ),
                (l.pick("事件分级", "Grade"), f.grade.label_zh().to_string()),
            ];
            if let Some(r) = f.request_type {
                facts.push((l.pick("诉求类型", "Request type"), r.label_zh().to_string()));
            }
            if !f.category.is_empty() {
                let path = st.categories.path_name(&f.category);
                facts.push((l.pick("事件分类", "Category"), path));
            }
            if let Some(h) = &f.hotline_no {
                facts.push((l.pick("热线工单号", "Hotline order"), h.clone()));
            }
            if let Some(t) = f.hotline_due_ms {
                facts.push((l.pick("热线办结时限", "Hotline due"), view::time(t)));
            }
            facts.push((
                l.pick("上报人", "Reported by"),
                view::person(org, &e.reporter),
            ));
            facts.push((
                l.pick("上报单位", "Reporting unit"),
                view::unit_full(org, &e.origin_unit),
            ));
            facts.push((
                l.pick("呼叫单位（评价方）", "Caller (grades)"),
                view::unit_full(org, &e.caller_unit),
            ));
            facts.push((l.pick("上报时间", "Reported at"), view::time(e.created_ms)));
            if let Some(t) = e.called_ms {
                facts.push((l.pick("呼叫时间", "Called at"), view::time(t)));
            }
            if let Some(t) = e.closed_ms {
                facts.push((l.pick("结束时间", "Ended at"), view::time(t)));
            }
            if !e.note.is_empty() {
                facts.push((l.pick("结束说明", "Closing note"), e.note.clone()));
            }
            if e.returns > 0 {
                facts.push((l.pick("退单次数", "Returns"), e.returns.to_string()));
            }
            if e.reopens > 0 {
                facts.push((l.pick("重办次数", "Reopened"), e.reopens.to_string()));
            }
            let loc = &f.location;
            let mut place = vec![(
                l.pick("坐标", "Point"),
                format!("{:.6}, {:.6}", loc.lon, loc.lat),
            )];
            if !loc.address.is_empty() {
                place.push((l.pick("地址", "Address"), loc.address.clone()));
            }
            for (label, code) in [
                (l.pick("乡镇(街道)", "Township"), &loc.township),
                (l.pick("村(社区)", "Village"), &loc.village),
            ] {
                if let Some(c) = code {
                    place.push((label, view::unit_full(org, c)));
                }
            }
            if let Some(g) = loc.grid.as_ref().and_then(|g| org.grids.get(g)) {
                place.push((l.pick("网格", "Grid"), g.name.clone()));
            }
            let grids = location_grids(org, e);
            let map = picker_map(
                &grids,
                loc.village.as_deref().unwrap_or(""),
                Some((loc.lon, loc.lat)),
                "event-map",
            );
            let hops = e
                .assignments
                .iter()
                .map(|a| hop_view(st, a, now, l))
                .collect();
            let disputes = e
                .disputes
                .iter()
                .map(|d| DisputeView {
                    hop: d.assignment,
                    opened: view::time(d.opened_ms),
                    reason: d.reason.clone(),
                    ruling: d.ruling.as_ref().map(|r| {
                        (
                            view::person(org, &r.by),
                            view::time(r.at_ms),
                            view::unit_full(org, &r.primary),
                            view::units(org, &r.supporting),
                            r.reasoning.clone(),
                            r.open_adjustment,
                        )
                    }),
                })
                .collect();
            let cases = book
                .cases
                .range((id, 0)..=(id, u32::MAX))
                .map(|(_, c)| CaseView {
                    hop: c.assignment,
                    unit: view::unit_full(org, &c.unit),
                    opened: view::time(c.opened_ms),
                    reason: c.reason.clone(),
                    outcome: match &c.outcome {
                        Some(o) => format!(
                            "{o} · {} {}",
                            c.concluded_by
                                .as_deref()
                                .map(|b| view::person(org, b))
                                .unwrap_or_default(),
                            view::opt_time(c.concluded_ms)
                        ),
                        None => String::new(),
                    },
                })
                .collect();
            let feedback = book
                .feedback
                .get(&id)
                .map(|fb| {
                    format!(
                        "{} {} · {} · {}",
                        fb.label,
                        fb.comment,
                        view::person(org, &fb.by),
                        view::time(fb.at_ms)
                    )
                })
                .unwrap_or_default();
            // A receiver's staff see their own hop's deadline, everyone else the event's.
            let due = view::viewer_due(book, org, &p, e, now, l);
            // The event's own item (or the one picked) first; else the top suggestion.
            // A search without a pick cites the top hit: the forms follow what the person just
            // looked for instead of silently keeping the report's item.
            let searched = (q.item.is_empty())
                .then(|| hits.first())
                .flatten()
                .and_then(|h| chosen_item(st, e, &h.id));
            let chosen = searched
                .or_else(|| chosen_item(st, e, &q.item))
                .or_else(|| {
                    q.item
                        .is_empty()
                        .then(|| suggestions::top(&suggested))
                        .flatten()
                });
            let waiting: Vec<String> = tiaokuai_core::events::work::steps(book, e)
                .iter()
                .filter(|x| x.kind.is_action())
                .map(|x| {
                    use tiaokuai_core::events::work::{
                        holder_unit, COMMAND_CENTRE, ESTABLISHMENT_OFFICE,
                    };
                    let unit = holder_unit(e, x);
                    let who = match unit.as_str() {
                        COMMAND_CENTRE => l
                            .pick("县指挥中心", "the county command centre")
                            .to_string(),
                        ESTABLISHMENT_OFFICE => {
                            l.pick("编办", "the establishment office").to_string()
                        }
                        u => org
                            .unit(u)
                            .map(|u| u.name.clone())
                            .unwrap_or_else(|| u.to_string()),
                    };
                    let hop = x.hop.map(|a| format!(" #{}", a.n)).unwrap_or_default();
                    format!(
                        "{who}{}{}{hop}",
                        l.pick("：", ": "),
                        l.pick(x.kind.label_zh(), x.kind.label_en())
                    )
                })
                .collect();
            let mut actions =
                actions::available(st, &p, now, e, chosen.as_ref(), flash.as_ref(), l);
            actions::mark_primary(
                &mut actions,
                org,
                chosen
                    .as_ref()
                    .and_then(|r| st.lists.item_at(&r.id, r.version)),
            );
            let searchable = actions
                .iter()
                .any(|a| a.code == "call" || a.code == "dispatch" || a.code == "decide_return");
            let mut extra: Vec<String> = chosen
                .as_ref()
                .and_then(|r| st.lists.item_at(&r.id, r.version))
                .map(|i| {
                    i.primary
                        .iter()
                        .chain(&i.supporting)
                        .filter(|c| !org.unit(c).is_some_and(|u| u.kind.is_township()))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            extra.extend(e.assignments.iter().map(|a| a.receiver_unit.clone()));
            let groups = view::unit_groups(org, &extra, l);
            let scale: Vec<(u8, String)> = book
                .config
                .scale
                .levels
                .iter()
                .enumerate()
                .map(|(i, x)| (i as u8, view::grade(x, l)))
                .collect();
            let opt = |r: &tiaokuai_core::events::ItemRef, checked: bool| {
                st.lists
                    .item_at(&r.id, r.version)
                    .map(|i| ItemOpt::of(org, i, r.version, checked))
            };
            let event_item = e.item.as_ref().and_then(|r| opt(r, false));
            let item_choice: Vec<ItemOpt> = chosen.iter().filter_map(|r| opt(r, true)).collect();
            let item_hits = hits
                .iter()
                .filter_map(|h| {
                    opt(
                        &tiaokuai_core::events::ItemRef {
                            id: h.id.clone(),
                            version: latest,
                        },
                        false,
                    )
                })
                .collect();
            // A ruling that opened a list adjustment: 编办 follows it up.
            let adjustment = if p.has(RoleKind::EstablishmentReviewer)
                && e.disputes
                    .iter()
                    .any(|d| d.ruling.as_ref().is_some_and(|r| r.open_adjustment))
            {
                let prefix = format!("事件{}职责争议裁定", e.no);
                match st
                    .adjustments
                    .values()
                    .rev()
                    .find(|a| a.app.reason.starts_with(&prefix))
                {
                    Some(a) => Some((
                        format!("/lists/adjustments/{}", a.app.id),
                        format!(
                            "{} #{} · {}",
                            l.pick("清单调整申请", "List adjustment"),
                            a.app.id,
                            if a.status == AdjustmentStatus::Published {
                                l.pick("已发布", "published")
                            } else {
                                a.status.label_zh()
                            }
                        ),
                    )),
                    None => e.item.as_ref().map(|r| {
                        (
                            format!("/lists/adjustments/new?item={}", r.id),
                            l.pick(
                                "发起清单调整（变更主体/配合责任）",
                                "Open a list adjustment",
                            )
                            .to_string(),
                        )
                    }),
                }
            } else {
                None
            };
            let (notice, error) = match &flash {
                Some(fl) => (String::new(), fl.message.clone()),
                None => (
                    if q.done.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "{}：{}",
                            actions::title_of(&q.done, &book.config.labels, l),
                            l.pick("已完成并记入日志", "done and recorded in the log")
                        )
                    },
                    q.err.clone(),
                ),
            };
            let secondary = actions.iter().filter(|a| a.secondary).count();
            let secondary_open = actions.iter().any(|a| a.secondary && !a.error.is_empty());
            Some(EventPage {
                c: Chrome::for_session(s, "/events"),
                id,
                no: e.no.clone(),
                title: f.title.clone(),
                status: view::status(e.status, l),
                status_class: view::status_class(book, e, now),
                due,
                urgent: f.urgency == tiaokuai_core::events::Urgency::Urgent,
                facts,
                description: f.description.clone(),
                photos: f.photos.clone(),
                place,
                map,
                item,
                hops,
                disputes,
                cases,
                feedback,
                timeline: timeline_rows(st, e, &entries, l),
                actions,
                notice,
                error,
                adjustment,
                groups,
                top_grade: scale.first().map(|x| x.1.clone()).unwrap_or_default(),
                scale,
                item_q: q.q.clone(),
                item_hits,
                waiting,
                chosen_value: item_choice
                    .first()
                    .map(|i| i.value.clone())
                    .unwrap_or_default(),
                item_choice,
                event_item,
                searchable,
                suggestions: suggestions::views(st, &suggested, chosen.as_ref(), l),
                suggested: suggestions::top(&suggested)
                    .map(|r| format!("{}@{}", r.id, r.version))
                    .unwrap_or_default(),
                secondary,
                secondary_open,
            })
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let page = page.ok_or_else(|| PageError::not_found(l))?;
    Ok((status_code, render(&page)).into_response())
}
