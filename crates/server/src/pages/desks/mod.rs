//! Work desks per role: township command room, county command centre (triage, dispatch,
//! overdue board, map), department desk, 编办 dispute desk, discipline desk, the leader's
//! overview and the grid worker's reports; live updates over server-sent events.
//!
//! Every desk reads the in-memory state once, scopes what it shows to the viewer's grants, and
//! links to the event page (`/events/{id}`) for anything that needs a form. The one-click
//! actions (签收, 催办, 督办) post to [`act`] and come back to the desk they were pressed on.

mod command;
mod department;
mod discipline;
mod disputes;
mod grid;
mod leader;
mod live;
mod map;
mod review;
mod township;
pub(crate) mod view;

pub(crate) use review::waiting_note as review_waiting_note;

use crate::error::PageError;
use crate::i18n::Lang;
use crate::session::{PageSession, Session};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use tiaokuai_app::{now_ms, AppError};
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::{EventCmd, ReminderKind};
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::DomainError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/desk", get(desk_home))
        .route("/desk/township", get(township::page))
        .route("/desk/command", get(command::page))
        .route("/desk/department", get(department::page))
        .route("/desk/disputes", get(disputes::page))
        .route("/desk/discipline", get(discipline::page))
        .route("/desk/leader", get(leader::page))
        .route("/desk/grid", get(grid::page))
        .route("/desk/review", get(review::page))
        .route("/desk/act", post(act))
        .route("/desk/live", get(live::live))
        .route("/static/live.js", get(live::script))
}

/// Whether the principal has a work desk (any workflow role).
pub fn has_desk(p: &Principal) -> bool {
    !desks_of(p).is_empty()
}

/// One desk per kind of workflow role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desk {
    Township,
    Command,
    Department,
    Disputes,
    Discipline,
    Leader,
    Grid,
    /// 编办's and 司法局's list adjustments: reviews, approvals and publication.
    Review,
}

impl Desk {
    /// The desks of one role: 编办 rules on disputes and reviews list adjustments.
    pub fn of(role: RoleKind) -> &'static [Desk] {
        match role {
            RoleKind::GridWorker => &[Desk::Grid],
            RoleKind::TownshipOperator | RoleKind::TownshipLeader => &[Desk::Township],
            RoleKind::CountyDispatcher => &[Desk::Command],
            RoleKind::DepartmentHandler | RoleKind::DepartmentLeader => &[Desk::Department],
            RoleKind::EstablishmentReviewer => &[Desk::Disputes, Desk::Review],
            RoleKind::JusticeReviewer => &[Desk::Review],
            RoleKind::DisciplineInspector => &[Desk::Discipline],
            RoleKind::Leader => &[Desk::Leader],
            RoleKind::SystemAdmin => &[],
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Desk::Township => "township",
            Desk::Command => "command",
            Desk::Department => "department",
            Desk::Disputes => "disputes",
            Desk::Discipline => "discipline",
            Desk::Leader => "leader",
            Desk::Grid => "grid",
            Desk::Review => "review",
        }
    }

    pub fn path(self) -> String {
        format!("/desk/{}", self.slug())
    }

    pub fn parse(s: &str) -> Option<Desk> {
        [
            Desk::Township,
            Desk::Command,
            Desk::Department,
            Desk::Disputes,
            Desk::Discipline,
            Desk::Leader,
            Desk::Grid,
            Desk::Review,
        ]
        .into_iter()
        .find(|d| d.slug() == s)
    }

    /// For templates, which hand over references.
    pub fn title(&self, l: &Lang) -> &'static str {
        self.label(*l)
    }

    pub fn label(self, l: Lang) -> &'static str {
        match self {
            Desk::Township => l.pick("乡镇指挥室", "Township command room"),
            Desk::Command => l.pick("县指挥中心", "County command centre"),
            Desk::Department => l.pick("部门工作台", "Department desk"),
            Desk::Disputes => l.pick("职责争议", "Disputes"),
            Desk::Discipline => l.pick("追责问责", "Accountability"),
            Desk::Leader => l.pick("领导总览", "Leader overview"),
            Desk::Grid => l.pick("我的上报", "My reports"),
            Desk::Review => l.pick("清单审核", "List reviews"),
        }
    }
}

/// The viewer's desks, in the order of their grants.
pub fn desks_of(p: &Principal) -> Vec<Desk> {
    let mut v: Vec<Desk> = Vec::new();
    for d in p.grants.iter().flat_map(|g| Desk::of(g.role)) {
        if !v.contains(d) {
            v.push(*d);
        }
    }
    v
}

/// 403 unless the viewer holds a role with this desk.
pub(crate) fn require(s: &Session, d: Desk) -> Result<(), PageError> {
    if desks_of(&s.principal).contains(&d) {
        Ok(())
    } else {
        Err(PageError::forbidden(s.lang))
    }
}

/// `GET /desk`: the desk of the viewer's first workflow role.
async fn desk_home(PageSession(s): PageSession) -> Result<Response, PageError> {
    match desks_of(&s.principal).first() {
        Some(d) => Ok(Redirect::to(&d.path()).into_response()),
        None => Err(PageError::forbidden(s.lang)),
    }
}

#[derive(Deserialize)]
pub struct ActForm {
    #[serde(default)]
    csrf: String,
    event: u64,
    assignment: u32,
    action: String,
    #[serde(default)]
    back: String,
}

/// One-click desk actions: 签收 (sign), 催办 (remind), 督办 (supervise). The rules are the
/// core's; a refusal comes back to the desk as a message.
async fn act(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<ActForm>,
) -> Result<Response, PageError> {
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let (event, assignment) = (f.event, f.assignment);
    let cmd = match f.action.as_str() {
        "sign" => EventCmd::Sign { event, assignment },
        "remind" | "supervise" => EventCmd::Remind {
            event,
            assignment,
            kind: if f.action == "remind" {
                ReminderKind::Remind
            } else {
                ReminderKind::Supervise
            },
            note: if f.action == "remind" {
                "工作台一键催办".into()
            } else {
                "工作台一键督办".into()
            },
        },
        _ => return Err(PageError::not_found(s.lang)),
    };
    let back = Desk::parse(&f.back)
        .filter(|d| desks_of(&s.principal).contains(d))
        .or_else(|| desks_of(&s.principal).first().copied())
        .map(|d| d.path())
        .unwrap_or_else(|| "/".into());
    let outcome = match state.engine.act(&s.principal, now_ms(), cmd).await {
        Ok(_) => format!("done={}&event={event}", f.action),
        Err(AppError::Domain(e)) => {
            let code = match e {
                DomainError::Forbidden(_) => "forbidden",
                DomainError::Conflict(_) => "conflict",
                DomainError::NotFound { .. } => "not_found",
                DomainError::Invalid(_) => "invalid",
            };
            format!("err={code}&event={event}")
        }
        Err(e) => return Err(PageError::from_app(e, s.lang)),
    };
    Ok(Redirect::to(&format!("{back}?{outcome}#hop-{event}-{assignment}")).into_response())
}
