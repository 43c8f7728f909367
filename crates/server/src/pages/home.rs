//! The home page: "what needs me now" first, then the person's roles and the county overview.

use super::{render, Chrome};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use tiaokuai_app::now_ms;
use tiaokuai_core::org::{RoleKind, UnitKind};

pub struct RoleView {
    pub role: &'static str,
    pub unit_code: String,
    pub unit_name: String,
    pub duty: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    name: String,
    unit_name: String,
    roles: Vec<RoleView>,
    townships: usize,
    villages: usize,
    departments: usize,
    grids: usize,
    log_size: u64,
    my_grids: Vec<(String, String)>,
    todo: Vec<(String, &'static str, usize)>,
    /// Statistics and assessment shortcuts for the person's roles: (href, id, label).
    links: Vec<(&'static str, &'static str, &'static str)>,
}

fn links(
    p: &tiaokuai_core::access::Principal,
    l: Lang,
) -> Vec<(&'static str, &'static str, &'static str)> {
    let has = |f: fn(RoleKind) -> bool| p.grants.iter().any(|g| f(g.role));
    let mut v = vec![];
    if has(|r| r == RoleKind::Leader) {
        v.push((
            "/stats/dashboard",
            "link-dashboard",
            l.pick(
                "领导看板：全县态势与排名",
                "Dashboard: county figures and rankings",
            ),
        ));
    }
    if has(|r| {
        matches!(
            r,
            RoleKind::TownshipOperator
                | RoleKind::TownshipLeader
                | RoleKind::DepartmentHandler
                | RoleKind::DepartmentLeader
        )
    }) {
        v.push((
            "/assessment/mine",
            "link-scorecard",
            l.pick("本单位本月考核得分", "My unit's scorecard this month"),
        ));
    }
    if has(|r| {
        matches!(
            r,
            RoleKind::EstablishmentReviewer | RoleKind::JusticeReviewer
        )
    }) {
        v.push((
            "/desk/review",
            "link-review",
            l.pick(
                "清单审核：待审核的调整申请",
                "List reviews: adjustments to review",
            ),
        ));
    }
    if has(|r| r == RoleKind::EstablishmentReviewer) {
        v.push((
            "/desk/disputes",
            "link-disputes",
            l.pick("职责争议待裁定", "Disputes awaiting a ruling"),
        ));
    }
    if has(|r| r == RoleKind::DisciplineInspector) {
        v.push((
            "/desk/discipline",
            "link-discipline",
            l.pick(
                "追责问责：不满意与超期案件",
                "Accountability: dissatisfaction and overdue cases",
            ),
        ));
        v.push((
            "/audit/log",
            "link-audit",
            l.pick("日志审计与完整性校验", "Log audit and integrity check"),
        ));
    }
    if has(|r| r != RoleKind::GridWorker) {
        v.push((
            "/assessment",
            "link-assessment",
            l.pick("考核排名", "Assessment rankings"),
        ));
        v.push(("/stats", "link-stats", l.pick("统计分析", "Statistics")));
    }
    v
}

fn duty(role: RoleKind, l: Lang) -> &'static str {
    let (zh, en) = match role {
        RoleKind::GridWorker => (
            "巡查网格、上报问题、现场核查",
            "Patrol grids, report problems, verify on site",
        ),
        RoleKind::TownshipOperator => (
            "受理上报、乡镇处置或一键呼叫县级部门、评价部门办理",
            "Take reports, handle locally or call the county, grade departments",
        ),
        RoleKind::TownshipLeader => (
            "审核呼叫、督促乡镇处置",
            "Approve calls, supervise township handling",
        ),
        RoleKind::CountyDispatcher => (
            "依清单分派呼叫、审核退单、催办督办",
            "Dispatch calls by the list, review returns, chase overdue work",
        ),
        RoleKind::DepartmentHandler => (
            "接单、响应、处置、反馈",
            "Sign, respond, handle and report back",
        ),
        RoleKind::DepartmentLeader => (
            "审核本部门办理与退单",
            "Review the department's handling and returns",
        ),
        RoleKind::EstablishmentReviewer => (
            "审核清单调整、裁定职责争议",
            "Review list adjustments, rule on disputes",
        ),
        RoleKind::JusticeReviewer => (
            "清单与调整的合法性审核",
            "Legality review of lists and adjustments",
        ),
        RoleKind::DisciplineInspector => (
            "不满意追责、超期问责、日志审计",
            "Accountability for dissatisfaction and overdue work; log audit",
        ),
        RoleKind::Leader => ("查看全局态势与考核排名", "Read the overview and rankings"),
        RoleKind::SystemAdmin => (
            "管理人员、角色与组织数据",
            "Manage people, roles and organisation data",
        ),
    };
    if l == Lang::Zh {
        zh
    } else {
        en
    }
}

pub async fn home(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    let l = s.lang;
    let p = s.principal.clone();
    // A grid worker's home is reporting and their own reports (their phone's first screen).
    if !p.grants.is_empty() && p.grants.iter().all(|g| g.role == RoleKind::GridWorker) {
        return Ok(Redirect::to("/desk/grid").into_response());
    }
    let (summary, roles, unit_name, my_grids) = state
        .engine
        .with_state(|st| {
            let org = &st.org;
            let count = |f: fn(UnitKind) -> bool| org.units.values().filter(|u| f(u.kind)).count();
            let summary = (
                count(|k| k.is_township()),
                count(|k| k.is_village()),
                count(|k| k == UnitKind::Department),
                org.grids.len(),
            );
            let roles: Vec<RoleView> = p
                .grants
                .iter()
                .map(|g| RoleView {
                    role: if l == Lang::Zh {
                        g.role.label_zh()
                    } else {
                        g.role.label_en()
                    },
                    unit_code: g.unit.clone(),
                    unit_name: org
                        .unit(&g.unit)
                        .map(|u| u.name.clone())
                        .unwrap_or_else(|| g.unit.clone()),
                    duty: duty(g.role, l),
                })
                .collect();
            let unit_name = org
                .unit(&p.unit)
                .map(|u| u.name.clone())
                .unwrap_or_default();
            let my_grids = org
                .grids
                .values()
                .filter(|g| {
                    g.workers.contains(&p.username)
                        || g.leader.as_deref() == Some(p.username.as_str())
                })
                .map(|g| (g.code.clone(), g.name.clone()))
                .collect();
            (summary, roles, unit_name, my_grids)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let (log_size, _) = state.engine.tree_head().await;
    let todo = state
        .engine
        .with_state(|st| todo_items(st, &s.principal, l, now_ms()))
        .await
        .unwrap_or_default();
    Ok(render(&HomePage {
        c: Chrome::for_session(&s, "/"),
        name: s.principal.name.clone(),
        unit_name,
        roles,
        townships: summary.0,
        villages: summary.1,
        departments: summary.2,
        grids: summary.3,
        log_size,
        my_grids,
        todo,
        links: links(&s.principal, l),
    }))
}

/// What waits for this person: workflow steps by kind (from the core's one "who acts next"
/// query) and list adjustments by queue; (link, label, count), non-zero only.
pub(crate) fn todo_items(
    st: &tiaokuai_core::state::CountyState,
    p: &tiaokuai_core::access::Principal,
    l: Lang,
    now: i64,
) -> Vec<(String, &'static str, usize)> {
    use tiaokuai_core::lists::adjustment::authorize;
    use tiaokuai_core::lists::{Action, AdjustmentStatus as S, ReviewStage};
    let queues: [(S, Action, &'static str, &'static str); 5] = [
        (
            S::AwaitingEstablishment,
            Action::Review(ReviewStage::Establishment),
            "清单调整待编办审核",
            "List adjustments to review (establishment)",
        ),
        (
            S::AwaitingJustice,
            Action::Review(ReviewStage::Justice),
            "清单调整待合法性审核",
            "List adjustments to review (legality)",
        ),
        (
            S::AwaitingApproval,
            Action::Approve,
            "清单调整待批准",
            "List adjustments to approve",
        ),
        (
            S::Approved,
            Action::Publish,
            "清单调整待发布",
            "List adjustments to publish",
        ),
        (
            S::SentBack,
            Action::Resubmit,
            "我的申请被退回，待修改",
            "My applications sent back for changes",
        ),
    ];
    let reviewer = super::desks::desks_of(p).contains(&super::desks::Desk::Review);
    let adj_link = if reviewer {
        "/desk/review"
    } else {
        "/lists/adjustments"
    };
    let work = tiaokuai_core::events::work::work_for(st, p, now);
    let work = tiaokuai_core::events::work::counts(&work)
        .into_iter()
        .filter(|(k, _)| k.is_action())
        .map(|(k, n)| ("/desk".to_string(), l.pick(k.label_zh(), k.label_en()), n));
    work.chain(queues.iter().map(|(status, action, zh, en)| {
        let n = st
            .adjustments
            .values()
            .filter(|a| a.status == *status && authorize(p, &st.org, *action, Some(a)).is_ok())
            .count();
        (adj_link.to_string(), l.pick(zh, en), n)
    }))
    .chain(super::admission::todo(st, p, l, now))
    .filter(|x| x.2 > 0)
    .collect()
}
