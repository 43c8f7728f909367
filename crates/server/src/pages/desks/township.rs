//! The township command room (乡镇综合信息指挥室): new reports from grid workers, the events it
//! called with each hop's status and flag, the events it assigned to its stationed units
//! (乡镇派单), hops waiting for its grade, reopened work, and the hops the county sent to the
//! township itself.

use super::view::{
    event_flag, event_status, flag_rank, flag_view, item_view, person_name, sort_hops, tabs, time,
    unit_name, waited, Count, Flash, FlashQuery, HopRow, ItemView, Tab,
};
use super::{require, Desk};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::{render, Chrome};
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use tiaokuai_app::now_ms;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::township::assignable_units;
use tiaokuai_core::events::who::effective_unit;
use tiaokuai_core::events::work::{work_for, Holder as H, WorkKind as K};
use tiaokuai_core::events::{Event, EventStatus};
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::state::{CountyState, OrgState};

pub struct DraftRow {
    pub event: u64,
    pub no: String,
    pub title: String,
    pub reporter: String,
    pub place: String,
    pub created: String,
    pub urgent: bool,
    /// The stationed units the township may assign it to (code, name).
    pub units: Vec<(String, String)>,
}

pub struct CalledRow {
    pub event: u64,
    pub no: String,
    pub title: String,
    pub status: &'static str,
    pub called: String,
    pub item: Option<ItemView>,
    pub hops: Vec<HopRow>,
    pub flag_class: &'static str,
    pub flag_word: &'static str,
    /// Waiting for the command centre to dispatch.
    pub waiting: bool,
    rank: u8,
    due_ms: i64,
}

pub struct EvalRow {
    pub hop: HopRow,
    pub reported: String,
    /// 待核查 before 待评价 when verification is required.
    pub step: &'static str,
}

#[derive(Template)]
#[template(path = "desk_township.html")]
struct Page {
    c: Chrome,
    desk: Desk,
    tabs: Vec<Tab>,
    flash: Option<Flash>,
    counts: Vec<Count>,
    live_from: u64,
    units: String,
    drafts: Vec<DraftRow>,
    evaluate: Vec<EvalRow>,
    reopened: Vec<HopRow>,
    called: Vec<CalledRow>,
    assigned: Vec<CalledRow>,
    inbox: Vec<HopRow>,
    /// Grids of the township not patrolled in time (patrol rules).
    patrol_overdue: usize,
}

fn within_any(org: &OrgState, unit: &str, scope: &[String]) -> bool {
    scope.iter().any(|t| t == unit || org.is_within(unit, t))
}

struct Data {
    units: String,
    drafts: Vec<DraftRow>,
    evaluate: Vec<EvalRow>,
    reopened: Vec<HopRow>,
    called: Vec<CalledRow>,
    assigned: Vec<CalledRow>,
    inbox: Vec<HopRow>,
}

/// A report waiting for the township (call the county, assign a stationed unit, or close).
fn draft_row(org: &OrgState, e: &Event) -> DraftRow {
    let place = e
        .facts
        .location
        .village
        .as_deref()
        .map(|v| unit_name(org, v))
        .or_else(|| {
            (!e.facts.location.address.is_empty()).then(|| e.facts.location.address.clone())
        })
        .unwrap_or_default();
    DraftRow {
        event: e.id,
        no: e.no.clone(),
        title: e.facts.title.clone(),
        reporter: person_name(org, &e.reporter),
        place,
        created: time(e.created_ms),
        urgent: e.facts.urgency == tiaokuai_core::events::Urgency::Urgent,
        units: assignable_units(org, &e.caller_unit)
            .into_iter()
            .map(|u| (u.code.clone(), u.name.clone()))
            .collect(),
    }
}

fn collect(st: &CountyState, p: &Principal, townships: &[String], now: i64, l: Lang) -> Data {
    let org = &st.org;
    let book = &st.events;
    let mut drafts = Vec::new();
    let mut evaluate = Vec::new();
    let mut reopened = Vec::new();
    let mut called = Vec::new();
    let mut assigned = Vec::new();
    let mut inbox = Vec::new();
    // The township's own moves, newest first, from the core's one "who acts next" query.
    for w in work_for(st, p, now) {
        let Some(e) = book.event(w.event) else {
            continue;
        };
        let hop = w.hop.and_then(|n| e.assignment(n));
        match (w.kind, w.holder, hop) {
            (K::Call, _, _) if within_any(org, &e.caller_unit, townships) => {
                drafts.push(draft_row(org, e))
            }
            (K::Verify | K::Evaluate, H::Sender, Some(a))
                if within_any(org, &a.sender_unit, townships) =>
            {
                evaluate.push(EvalRow {
                    hop: HopRow::new(st, e, a, now, l),
                    reported: a.reported_ms.map(time).unwrap_or_default(),
                    step: l.pick(w.kind.label_zh(), w.kind.label_en()),
                })
            }
            (_, H::Receiver, Some(a)) if within_any(org, &a.receiver_unit, townships) => {
                inbox.push(HopRow::new(st, e, a, now, l))
            }
            _ => {}
        }
    }
    for e in book.events.values().rev() {
        if e.status.is_final() || e.status == EventStatus::Draft {
            continue;
        }
        if !townships.contains(&e.caller_unit) {
            continue;
        }
        reopened.extend(
            e.live()
                .filter(|a| a.rework && a.status.is_open())
                .map(|a| HopRow::new(st, e, a, now, l)),
        );
        let mut hops: Vec<HopRow> = e.live().map(|a| HopRow::new(st, e, a, now, l)).collect();
        sort_hops(&mut hops);
        let flag = event_flag(book, e, now);
        // No flag once no hop is open (all reported back, waiting for grades).
        let (flag_class, flag_word) = if e.live().any(|a| a.status.is_open()) {
            flag_view(flag, true, l)
        } else {
            ("", "")
        };
        let waiting = e.status == EventStatus::Called;
        let list = if e.called_ms.is_some() {
            &mut called
        } else {
            &mut assigned
        };
        list.push(CalledRow {
            event: e.id,
            no: e.no.clone(),
            title: e.facts.title.clone(),
            status: event_status(e.status, l),
            called: match (waiting, e.called_ms) {
                (true, Some(c)) => format!("{} · {}", time(c), waited(book, c, now, l)),
                (_, Some(c)) => time(c),
                (_, None) => String::new(),
            },
            item: item_view(st, e.item.as_ref()),
            flag_class: if waiting { "flag-wait" } else { flag_class },
            flag_word: if waiting {
                l.pick("待分拨", "Awaiting dispatch")
            } else {
                flag_word
            },
            waiting,
            rank: flag_rank(flag),
            due_ms: hops.first().map(|h| h.due_ms).unwrap_or(i64::MAX),
            hops,
        });
    }
    called.sort_by(|a, b| {
        b.rank
            .cmp(&a.rank)
            .then(a.due_ms.cmp(&b.due_ms))
            .then(a.event.cmp(&b.event))
    });
    assigned.sort_by(|a, b| {
        b.rank
            .cmp(&a.rank)
            .then(a.due_ms.cmp(&b.due_ms))
            .then(a.event.cmp(&b.event))
    });
    sort_hops(&mut reopened);
    sort_hops(&mut inbox);
    evaluate.sort_by_key(|a| a.hop.event);
    Data {
        units: townships
            .iter()
            .map(|t| unit_name(org, t))
            .collect::<Vec<_>>()
            .join("、"),
        drafts,
        evaluate,
        reopened,
        called,
        assigned,
        inbox,
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<FlashQuery>,
) -> Result<Response, PageError> {
    require(&s, Desk::Township)?;
    let l = s.lang;
    let now = now_ms();
    let p = s.principal.clone();
    let (d, flash, live_from) = state
        .engine
        .with_state(|st| {
            let mut townships: Vec<String> = p
                .grants
                .iter()
                .filter(|g| {
                    matches!(
                        g.role,
                        RoleKind::TownshipOperator | RoleKind::TownshipLeader
                    )
                })
                .map(|g| effective_unit(&st.org, g.role, &g.unit))
                .collect();
            townships.sort();
            townships.dedup();
            (
                collect(st, &s.principal, &townships, now, l),
                q.view(st, l),
                st.log_len,
            )
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let overdue = d
        .called
        .iter()
        .chain(&d.assigned)
        .flat_map(|c| c.hops.iter())
        .filter(|h| h.rank == 2)
        .count();
    let counts = vec![
        Count::new(
            "drafts",
            "drafts",
            l.pick("新上报", "New reports"),
            d.drafts.len(),
            false,
        ),
        Count::new(
            "assigned",
            "assigned",
            l.pick("本镇派单", "Assigned locally"),
            d.assigned.len(),
            false,
        ),
        Count::new(
            "waiting",
            "called",
            l.pick("待分拨", "Awaiting dispatch"),
            d.called.iter().filter(|c| c.waiting).count(),
            false,
        ),
        Count::new(
            "working",
            "called",
            l.pick("办理中", "In progress"),
            d.called.iter().filter(|c| !c.waiting).count(),
            false,
        ),
        Count::new(
            "evaluate",
            "evaluate",
            l.pick("待评价", "To grade"),
            d.evaluate.len(),
            true,
        ),
        Count::new(
            "reopened",
            "reopened",
            l.pick("重办", "Reopened"),
            d.reopened.len(),
            true,
        ),
        Count::new(
            "overdue",
            "called",
            l.pick("超期", "Overdue"),
            overdue,
            true,
        ),
    ];
    let patrol_overdue = state
        .engine
        .overdue_patrol_grids(&s.principal, tiaokuai_app::now_ms())
        .await
        .map(|v| v.len())
        .unwrap_or(0);
    Ok(render(&Page {
        patrol_overdue,
        c: Chrome::for_session(&s, "/desk"),
        desk: Desk::Township,
        tabs: tabs(&s.principal, Desk::Township, l),
        flash,
        counts,
        live_from,
        units: d.units,
        drafts: d.drafts,
        evaluate: d.evaluate,
        reopened: d.reopened,
        called: d.called,
        assigned: d.assigned,
        inbox: d.inbox,
    }))
}
