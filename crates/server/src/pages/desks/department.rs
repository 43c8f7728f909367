//! The department desk (部门工作台): hops received by the viewer's unit and its divisions,
//! grouped 待签收 / 处置中 / 退单申请中 / 延期申请中 / 已反馈, each with its deadline and flag and a
//! one-click 签收; and the hops it sent and must grade (the co-departments, as the lead).

use super::view::{sort_hops, tabs, unit_name, Count, Flash, FlashQuery, HopRow, Tab};
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
use tiaokuai_core::events::work::{work_for, Holder, WorkKind as K};
use tiaokuai_core::events::{AssignmentStatus as A, EventStatus};
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::state::{CountyState, OrgState};

pub struct Group {
    pub id: &'static str,
    pub title: &'static str,
    pub empty: &'static str,
    pub rows: Vec<HopRow>,
}

#[derive(Template)]
#[template(path = "desk_department.html")]
struct Page {
    c: Chrome,
    desk: Desk,
    tabs: Vec<Tab>,
    flash: Option<Flash>,
    counts: Vec<Count>,
    live_from: u64,
    units: String,
    groups: Vec<Group>,
    grade: Vec<HopRow>,
}

fn within_any(org: &OrgState, unit: &str, scope: &[String]) -> bool {
    scope.iter().any(|u| u == unit || org.is_within(unit, u))
}

fn collect(
    st: &CountyState,
    p: &Principal,
    units: &[String],
    now: i64,
    l: Lang,
) -> (Vec<Group>, Vec<HopRow>) {
    let mut groups = vec![
        Group {
            id: "to-sign",
            title: l.pick("待签收", "To sign"),
            empty: l.pick("没有待签收的派单。", "Nothing to sign."),
            rows: vec![],
        },
        Group {
            id: "working",
            title: l.pick("处置中", "In progress"),
            empty: l.pick("没有处置中的派单。", "Nothing in progress."),
            rows: vec![],
        },
        Group {
            id: "returning",
            title: l.pick("退单申请中", "Return requested"),
            empty: l.pick("没有退单申请。", "No return requests."),
            rows: vec![],
        },
        Group {
            id: "extension",
            title: l.pick("延期申请中", "Extension requested"),
            empty: l.pick("没有延期申请。", "No extension requests."),
            rows: vec![],
        },
        Group {
            id: "reported",
            title: l.pick("已反馈（待评价）", "Reported back (awaiting grade)"),
            empty: l.pick("没有待评价的反馈。", "Nothing awaiting a grade."),
            rows: vec![],
        },
    ];
    // The department's own moves, from the core's one "who acts next" query.
    let mut grade = Vec::new();
    for w in work_for(st, p, now).into_iter().rev() {
        let Some((e, a)) = st
            .events
            .event(w.event)
            .and_then(|e| Some((e, e.assignment(w.hop?)?)))
        else {
            continue;
        };
        let g = match (w.kind, w.holder) {
            (K::Verify | K::Evaluate, Holder::Sender)
                if within_any(&st.org, &a.sender_unit, units) =>
            {
                grade.push(HopRow::new(st, e, a, now, l));
                continue;
            }
            _ if w.holder != Holder::Receiver || !within_any(&st.org, &a.receiver_unit, units) => {
                continue
            }
            (K::Sign, _) => 0,
            (K::Respond | K::ReportBack, _) => 1,
            (K::AwaitDecision, _) if a.status == A::ReturnRequested => 2,
            (K::AwaitDecision, _) => 3,
            _ => continue,
        };
        groups[g].rows.push(HopRow::new(st, e, a, now, l));
    }
    // Reported back and waiting for the sender's grade: not the department's move.
    for e in st.events.events.values() {
        if e.status.is_final() || e.status == EventStatus::Draft {
            continue;
        }
        for a in e.live() {
            if a.status == A::Reported && within_any(&st.org, &a.receiver_unit, units) {
                groups[4].rows.push(HopRow::new(st, e, a, now, l));
            }
        }
    }
    for g in groups.iter_mut() {
        sort_hops(&mut g.rows);
    }
    (groups, grade)
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<FlashQuery>,
) -> Result<Response, PageError> {
    require(&s, Desk::Department)?;
    let l = s.lang;
    let now = now_ms();
    let mut units: Vec<String> = s
        .principal
        .grants
        .iter()
        .filter(|g| {
            matches!(
                g.role,
                RoleKind::DepartmentHandler | RoleKind::DepartmentLeader
            )
        })
        .map(|g| g.unit.clone())
        .collect();
    units.sort();
    units.dedup();
    let ((groups, grade), names, flash, live_from) = state
        .engine
        .with_state(|st| {
            let names = units
                .iter()
                .map(|u| unit_name(&st.org, u))
                .collect::<Vec<_>>()
                .join("、");
            (
                collect(st, &s.principal, &units, now, l),
                names,
                q.view(st, l),
                st.log_len,
            )
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let overdue = groups
        .iter()
        .flat_map(|g| g.rows.iter())
        .filter(|h| h.rank == 2)
        .count();
    let mut counts: Vec<Count> = groups
        .iter()
        .map(|g| Count::new(g.id, g.id, g.title, g.rows.len(), g.id == "to-sign"))
        .collect();
    counts.push(Count::new(
        "overdue",
        "working",
        l.pick("超期", "Overdue"),
        overdue,
        true,
    ));
    counts.push(Count::new(
        "grade",
        "grade",
        l.pick("协同待我评价", "Co-departments to grade"),
        grade.len(),
        false,
    ));
    Ok(render(&Page {
        c: Chrome::for_session(&s, "/desk"),
        desk: Desk::Department,
        tabs: tabs(&s.principal, Desk::Department, l),
        flash,
        counts,
        live_from,
        units: names,
        groups,
        grade,
    }))
}
