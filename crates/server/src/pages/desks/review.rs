//! The list-review desk of 编办 and 司法局: adjustment applications waiting for the viewer,
//! those waiting for someone else (and who that is), and the ones recently finished. An
//! application nobody can move says so, instead of sitting silently in a queue.

use super::view::{person_name, tabs, time, unit_name, Count, Tab};
use super::{require, Desk};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::{render, Chrome};
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use tiaokuai_core::access::Principal;
use tiaokuai_core::lists::adjustment::{authorize, next_action, who_can_move};
use tiaokuai_core::lists::{Action, Adjustment, AdjustmentStatus, ReviewStage};
use tiaokuai_core::state::CountyState;

pub struct AdjRow {
    pub id: u64,
    pub kind: &'static str,
    pub item: String,
    pub applicant: String,
    pub unit: String,
    pub filed: String,
    pub status: &'static str,
    /// Who may take the next step, or why nobody can.
    pub waiting: String,
    pub stuck: bool,
}

#[derive(Template)]
#[template(path = "desk_review.html")]
struct Page {
    c: Chrome,
    desk: Desk,
    tabs: Vec<Tab>,
    flash: Option<super::view::Flash>,
    counts: Vec<Count>,
    live_from: u64,
    mine: Vec<AdjRow>,
    others: Vec<AdjRow>,
    done: Vec<AdjRow>,
}

fn status_label(s: AdjustmentStatus, l: Lang) -> &'static str {
    l.pick(s.label_zh(), s.label_en())
}

fn step_label(a: Action, l: Lang) -> &'static str {
    match a {
        Action::Review(ReviewStage::Establishment) => {
            l.pick("编办审核", "the establishment review")
        }
        Action::Review(ReviewStage::Justice) => l.pick("司法局合法性审核", "the legality review"),
        Action::Approve => l.pick("县政府批准", "county approval"),
        Action::Publish => l.pick("发布", "publication"),
        Action::Resubmit => l.pick("申请人修改后重新提交", "the applicant's resubmission"),
        Action::File => l.pick("提交", "filing"),
    }
}

/// Who can move an application that `p` cannot: the names of those who may take the next
/// step, or, when nobody may, why and what an administrator must do. None when `p` may act or
/// the application is published.
pub fn waiting_note(st: &CountyState, adj: &Adjustment, p: &Principal, l: Lang) -> Option<String> {
    note_for(st, adj, p, l, &who_can_move(&st.org, adj))
}

/// [`waiting_note`] with the people who may move it already found.
fn note_for(
    st: &CountyState,
    adj: &Adjustment,
    p: &Principal,
    l: Lang,
    who: &[(String, String)],
) -> Option<String> {
    let action = next_action(adj.status)?;
    if authorize(p, &st.org, action, Some(adj)).is_ok() {
        return None;
    }
    let step = step_label(action, l);
    let own =
        adj.app.applicant == p.username && matches!(action, Action::Review(_) | Action::Approve);
    let mut note = String::new();
    if own {
        note.push_str(l.pick(
            "您是申请人，不能审核或批准自己的申请。",
            "You filed it, so you may not review or approve it. ",
        ));
    }
    if who.is_empty() {
        note.push_str(&match l {
            Lang::Zh => format!("等待{step}，但目前没有可以办理的人员：请系统管理员为相应单位增设该角色的人员。"),
            Lang::En => format!("Waiting for {step}, but nobody may take it now: an administrator must grant the role to someone else."),
        });
    } else {
        let names: Vec<String> = who
            .iter()
            .take(5)
            .map(|(u, n)| format!("{n}（{u}）"))
            .collect();
        let more = if who.len() > 5 { "…" } else { "" };
        note.push_str(&match l {
            Lang::Zh => format!("等待{step}，可办理：{}{more}", names.join("、")),
            Lang::En => format!("Waiting for {step}, by {}{more}", names.join(", ")),
        });
    }
    Some(note)
}

fn row(st: &CountyState, a: &Adjustment, p: &Principal, l: Lang) -> AdjRow {
    let who = who_can_move(&st.org, a);
    let waiting = note_for(st, a, p, l, &who).unwrap_or_default();
    AdjRow {
        id: a.app.id,
        kind: l.pick(a.app.kind.label_zh(), a.app.kind.label_en()),
        item: crate::pages::adjust::item_name(st, a),
        applicant: person_name(&st.org, &a.app.applicant),
        unit: unit_name(&st.org, &a.app.applicant_unit),
        filed: a.steps.first().map(|s| time(s.at_ms)).unwrap_or_default(),
        status: status_label(a.status, l),
        stuck: next_action(a.status).is_some() && who.is_empty(),
        waiting,
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    require(&s, Desk::Review)?;
    let l = s.lang;
    let p = s.principal.clone();
    let (mine, others, done, live_from) = state
        .engine
        .with_state(|st| {
            let (mut mine, mut others, mut done) = (vec![], vec![], vec![]);
            for a in st.adjustments.values().rev() {
                match next_action(a.status) {
                    None | Some(Action::Resubmit) if done.len() < 30 => {
                        done.push(row(st, a, &p, l))
                    }
                    None | Some(Action::Resubmit) => {}
                    Some(action) if authorize(&p, &st.org, action, Some(a)).is_ok() => {
                        mine.push(row(st, a, &p, l))
                    }
                    Some(_) => others.push(row(st, a, &p, l)),
                }
            }
            (mine, others, done, st.log_len)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let counts = vec![
        Count::new(
            "mine",
            "review-mine",
            l.pick("待我办理", "Waiting for me"),
            mine.len(),
            true,
        ),
        Count::new(
            "others",
            "review-others",
            l.pick("等待他人", "Waiting for others"),
            others.len(),
            false,
        ),
        Count::new(
            "stuck",
            "review-others",
            l.pick("无人可办", "Nobody can move"),
            others.iter().filter(|r| r.stuck).count(),
            true,
        ),
    ];
    Ok(render(&Page {
        c: Chrome::for_session(&s, "/desk"),
        desk: Desk::Review,
        tabs: tabs(&s.principal, Desk::Review, l),
        flash: None,
        counts,
        live_from,
        mine,
        others,
        done,
    }))
}
