//! 交办 pages: the list of handed tasks (a department's sent ones, a township's inbox), the
//! department's issue form citing an admitted entry, and a task's page where a township
//! accepts, reports back, or refuses one that was not admitted with one click.

use super::{error_text, Pairs};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::desks::view::{person_name, unit_name};
use crate::pages::stats::guard;
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tiaokuai_app::admission::own_units;
use tiaokuai_app::{now_ms, AppError};
use tiaokuai_core::admission::{AdmissionCmd, Handover, HandoverDraft, Stage};
use tiaokuai_core::CountyState;

pub struct HRow {
    pub id: u64,
    pub title: String,
    pub unit: String,
    pub deadline: String,
    pub admitted: bool,
    /// Each township's answer ("" when none yet).
    pub answers: String,
    /// The viewer's township has not answered.
    pub waiting: bool,
    /// Past the deadline with a township that has neither reported back nor refused.
    pub overdue: bool,
}

/// Past its deadline (the day after it has begun) with a township still owing its report.
fn overdue(h: &Handover, now: i64) -> bool {
    use tiaokuai_core::admission::AnswerKind as K;
    let past = tiaokuai_core::admission::parse_date(&h.draft.deadline)
        .is_some_and(|d| tiaokuai_core::calendar::cst_date(now) > d);
    past && h.draft.townships.iter().any(|t| {
        !matches!(
            h.answers.get(t).map(|a| a.kind),
            Some(K::Reported | K::Refused)
        )
    })
}

fn answers_text(st: &CountyState, h: &Handover, l: Lang) -> String {
    h.draft
        .townships
        .iter()
        .map(|t| {
            let a = h
                .answers
                .get(t)
                .map(|a| l.pick(a.kind.label_zh(), a.kind.label_en()))
                .unwrap_or(l.pick("待接收", "Awaiting"));
            format!("{}{}{a}", unit_name(&st.org, t), l.pick("：", ": "))
        })
        .collect::<Vec<_>>()
        .join(l.pick("；", "; "))
}

#[derive(Template)]
#[template(path = "handover_list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<HRow>,
    may_issue: bool,
}

pub async fn list(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let now = now_ms();
    let hs = state
        .engine
        .handovers(&s.principal)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let (rows, may_issue) = state
        .engine
        .with_state(|st| {
            let (_, towns) = own_units(st, &s.principal);
            let may = tiaokuai_app::admission::parties(&s.principal)
                .iter()
                .any(|p| tiaokuai_core::admission::flow::department_of_party(&st.org, p).is_some());
            let rows = hs
                .iter()
                .map(|h| HRow {
                    id: h.id,
                    title: h.draft.title.clone(),
                    unit: unit_name(&st.org, &h.unit),
                    deadline: h.draft.deadline.clone(),
                    admitted: h.admitted(),
                    answers: answers_text(st, h, l),
                    waiting: towns
                        .iter()
                        .any(|t| h.draft.townships.contains(t) && !h.answers.contains_key(t)),
                    overdue: overdue(h, now),
                })
                .collect::<Vec<_>>();
            (rows, may)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    Ok(render(&ListPage {
        c: Chrome::for_session(&s, "/admission"),
        rows,
        may_issue,
    }))
}

#[derive(Template)]
#[template(path = "handover_new.html")]
struct NewPage {
    c: Chrome,
    d: HandoverDraft,
    /// Admitted entries the viewer's department may cite: (id, title, chosen).
    entries: Vec<(u64, String, bool)>,
    townships: Vec<(String, String, bool)>,
    error: Option<String>,
}

async fn form_page(
    state: &AppState,
    s: &Session,
    d: HandoverDraft,
    error: Option<String>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let now = now_ms();
    let (entries, townships) = state
        .engine
        .with_state(|st| {
            let (mine, _) = own_units(st, &s.principal);
            let entries = st
                .admission
                .catalogue(now)
                .filter(|r| r.stage(now) == Stage::Admitted && mine.contains(&r.unit))
                .map(|r| (r.id, r.app.title.clone(), d.entry == Some(r.id)))
                .collect();
            let towns = st
                .org
                .units
                .values()
                .filter(|u| u.kind.is_township())
                .map(|u| {
                    (
                        u.code.clone(),
                        u.name.clone(),
                        d.townships.contains(&u.code),
                    )
                })
                .collect();
            (entries, towns)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let failed = error.is_some();
    let mut r = render(&NewPage {
        c: Chrome::for_session(s, "/admission"),
        d,
        entries,
        townships,
        error,
    });
    if failed {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub async fn new_form(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    guard(&s)?;
    form_page(&state, &s, HandoverDraft::default(), None).await
}

pub async fn submit(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let f = Pairs(f);
    if !s.check_csrf(&f.get("csrf")) {
        return Err(PageError::forbidden(s.lang));
    }
    let d = HandoverDraft {
        title: f.get("title"),
        content: f.get("content"),
        townships: f.all("townships"),
        deadline: f.get("deadline"),
        entry: f.get("entry").trim().parse().ok(),
    };
    let cmd = AdmissionCmd::Issue {
        handover: d.clone(),
    };
    match state
        .engine
        .admission_step(&s.principal, now_ms(), cmd)
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/handovers/{id}")).into_response()),
        Err(AppError::Domain(e)) => {
            let text = state
                .engine
                .with_state(|st| error_text(&e, s.lang, &st.org))
                .await
                .map_err(|e| PageError::from_app(e, s.lang))?;
            form_page(&state, &s, d, Some(text)).await
        }
        Err(e) => Err(PageError::from_app(e, s.lang)),
    }
}

#[derive(Template)]
#[template(path = "handover_show.html")]
struct ShowPage {
    c: Chrome,
    id: u64,
    title: String,
    content: String,
    unit: String,
    by: String,
    issued: String,
    deadline: String,
    /// The cited entry: (id, title, document number).
    entry: Option<(u64, String, String)>,
    /// (township, answer, text, when)
    answers: Vec<(String, &'static str, String, String)>,
    /// What the viewer's township may do: accept, refuse, report.
    actions: Vec<&'static str>,
    error: Option<String>,
}

async fn show(
    state: &AppState,
    s: &Session,
    id: u64,
    error: Option<String>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let h = state
        .engine
        .handover(&s.principal, id)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let page = state
        .engine
        .with_state(|st| {
            let (_, towns) = own_units(st, &s.principal);
            let mine = towns.iter().find(|t| h.draft.townships.contains(t));
            let mut actions = vec![];
            if let Some(t) = mine {
                match h.answers.get(t).map(|a| a.kind) {
                    None => {
                        actions.push("accept");
                        if !h.admitted() {
                            actions.push("refuse");
                        }
                    }
                    Some(tiaokuai_core::admission::AnswerKind::Accepted) => actions.push("report"),
                    _ => {}
                }
            }
            ShowPage {
                c: Chrome::for_session(s, "/admission"),
                id,
                title: h.draft.title.clone(),
                content: h.draft.content.clone(),
                unit: unit_name(&st.org, &h.unit),
                by: person_name(&st.org, &h.by),
                issued: tiaokuai_app::cst::format_ms(h.at_ms),
                deadline: h.draft.deadline.clone(),
                entry: h.draft.entry.and_then(|e| {
                    st.admission
                        .applications
                        .get(&e)
                        .map(|r| (e, r.app.title.clone(), r.document_no.clone()))
                }),
                answers: h
                    .draft
                    .townships
                    .iter()
                    .map(|t| match h.answers.get(t) {
                        Some(a) => (
                            unit_name(&st.org, t),
                            l.pick(a.kind.label_zh(), a.kind.label_en()),
                            a.text.clone(),
                            tiaokuai_app::cst::format_ms(a.at_ms),
                        ),
                        None => (
                            unit_name(&st.org, t),
                            l.pick("待接收", "Awaiting"),
                            String::new(),
                            String::new(),
                        ),
                    })
                    .collect(),
                actions,
                error,
            }
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let failed = page.error.is_some();
    let mut r = render(&page);
    if failed {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(id): Path<u64>,
) -> Result<Response, PageError> {
    guard(&s)?;
    show(&state, &s, id, None).await
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

/// `accept`, `refuse` (拒收，未经准入: one click, the reason is optional) or `report`.
pub async fn answer(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path((id, answer)): Path<(u64, String)>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let cmd = match answer.as_str() {
        "accept" => AdmissionCmd::Accept { id },
        "refuse" => AdmissionCmd::Refuse {
            id,
            reason: if f.text.trim().is_empty() {
                "未经准入".into()
            } else {
                f.text
            },
        },
        "report" => AdmissionCmd::Report { id, text: f.text },
        _ => return Err(PageError::not_found(s.lang)),
    };
    match state
        .engine
        .admission_step(&s.principal, now_ms(), cmd)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/handovers/{id}")).into_response()),
        Err(AppError::Domain(e)) => {
            let text = state
                .engine
                .with_state(|st| error_text(&e, s.lang, &st.org))
                .await
                .map_err(|e| PageError::from_app(e, s.lang))?;
            show(&state, &s, id, Some(text)).await
        }
        Err(e) => Err(PageError::from_app(e, s.lang)),
    }
}
