//! One admission application: the form (new, or a sent-back one revised), its page with the
//! opinions (silence shown after the deadline), the steps, and the step open to the viewer.

use super::{error_text, stage_label, Pairs};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::desks::view::{person_name, unit_name};
use crate::pages::stats::guard;
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tiaokuai_app::admission::parties;
use tiaokuai_app::{now_ms, AppError};
use tiaokuai_core::admission::flow::{may_act, Act};
use tiaokuai_core::admission::{next_actor, AdmissionCmd, Application, NextActor, Review};
use tiaokuai_core::CountyState;

#[derive(Template)]
#[template(path = "admission_new.html")]
struct NewPage {
    c: Chrome,
    a: Application,
    attachments: String,
    townships: Vec<(String, String, bool)>,
    error: Option<String>,
    resubmit: u64,
    earliest: String,
    config: (u32, u32, u32),
}

#[derive(Deserialize)]
pub struct NewQ {
    #[serde(default)]
    from: u64,
}

fn townships(st: &CountyState, chosen: &[String]) -> Vec<(String, String, bool)> {
    st.org
        .units
        .values()
        .filter(|u| u.kind.is_township())
        .map(|u| (u.code.clone(), u.name.clone(), chosen.contains(&u.code)))
        .collect()
}

async fn form_page(
    state: &AppState,
    s: &Session,
    a: Application,
    resubmit: u64,
    error: Option<String>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let now = now_ms();
    let (towns, earliest, cfg) = state
        .engine
        .with_state(|st| {
            let c = st.admission.config;
            let e = tiaokuai_core::admission::working_days_after(
                &st.events.calendar,
                tiaokuai_core::calendar::cst_date(now),
                c.advance_days,
            );
            (
                townships(st, &a.consult),
                e.to_string(),
                (c.advance_days, c.decide_days, c.opinion_days),
            )
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let failed = error.is_some();
    let mut r = render(&NewPage {
        c: Chrome::for_session(s, "/admission"),
        attachments: a.attachments.join("\n"),
        a,
        townships: towns,
        error,
        resubmit,
        earliest,
        config: cfg,
    });
    if failed {
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(r)
}

/// `/admission/new` (`?from=<id>` revises a sent-back application).
pub async fn new_form(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<NewQ>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let a = if q.from > 0 {
        state
            .engine
            .admission_application(&s.principal, q.from)
            .await
            .map_err(|e| PageError::from_app(e, s.lang))?
            .app
    } else {
        Application::default()
    };
    form_page(&state, &s, a, q.from, None).await
}

fn read_application(f: &Pairs) -> Application {
    Application {
        title: f.get("title"),
        content: f.get("content"),
        basis: f.get("basis"),
        start_date: f.get("start_date"),
        end_date: f.get("end_date"),
        recurring: f.get("recurring") == "1",
        powers: f.get("powers"),
        funds: f.get("funds"),
        staff: f.get("staff"),
        attachments: f
            .get("attachments")
            .lines()
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect(),
        consult: f.all("consult"),
    }
}

/// Files (or resubmits) an application; refused input comes back with the form kept.
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
    let a = read_application(&f);
    let resubmit: u64 = f.get("resubmit").parse().unwrap_or(0);
    let cmd = if resubmit > 0 {
        AdmissionCmd::Resubmit {
            id: resubmit,
            application: a.clone(),
        }
    } else {
        AdmissionCmd::Apply {
            application: a.clone(),
        }
    };
    match state
        .engine
        .admission_step(&s.principal, now_ms(), cmd)
        .await
    {
        Ok(seq) => {
            let id = if resubmit > 0 { resubmit } else { seq };
            Ok(Redirect::to(&format!("/admission/{id}")).into_response())
        }
        Err(AppError::Domain(e)) => {
            let text = state
                .engine
                .with_state(|st| error_text(&e, s.lang, &st.org))
                .await
                .map_err(|e| PageError::from_app(e, s.lang))?;
            form_page(&state, &s, a, resubmit, Some(text)).await
        }
        Err(e) => Err(PageError::from_app(e, s.lang)),
    }
}

#[derive(Template)]
#[template(path = "admission_show.html")]
struct ShowPage {
    c: Chrome,
    id: u64,
    a: Application,
    stage: &'static str,
    stage_code: &'static str,
    unit: String,
    applicant: String,
    filed: String,
    opinion_deadline: String,
    decide_by: String,
    overdue: bool,
    document_no: String,
    next: String,
    /// (township, state, text)
    opinions: Vec<(String, &'static str, String)>,
    steps: Vec<(String, &'static str, String, String)>,
    /// Actions open to the viewer: opinion, establishment, justice, decide, withdraw, resubmit.
    actions: Vec<&'static str>,
    error: Option<String>,
}

fn step_label(what: &str, l: Lang) -> &'static str {
    match what {
        "filed" => l.pick("提出申请", "Filed"),
        "opinion" => l.pick("乡镇（街道）反馈意见", "A township's opinion"),
        "establishment_passed" => l.pick("编办审核通过", "Passed the establishment review"),
        "establishment_sent_back" => l.pick("编办退回", "Sent back by the establishment office"),
        "justice_passed" => l.pick("司法局合法性审核通过", "Passed the legality review"),
        "justice_sent_back" => l.pick("司法局退回", "Sent back by the justice bureau"),
        "approved" => l.pick("县政府批准准入", "Approved by the county"),
        "rejected" => l.pick("未获批准", "Not approved"),
        "resubmitted" => l.pick("修改后重新提交", "Resubmitted"),
        "withdrawn" => l.pick("撤回/撤销", "Withdrawn"),
        _ => l.pick("其他", "Other"),
    }
}

fn next_label(st: &CountyState, n: Option<NextActor>, l: Lang) -> String {
    match n {
        None => String::new(),
        Some(NextActor::Townships(t)) => {
            let names: Vec<String> = t.iter().map(|c| unit_name(&st.org, c)).collect();
            format!(
                "{}{}",
                l.pick("待反馈意见：", "Opinions awaited from: "),
                names.join(l.pick("、", ", "))
            )
        }
        Some(NextActor::Establishment) => l
            .pick("待编办审核", "Awaiting the establishment office")
            .into(),
        Some(NextActor::Justice) => l
            .pick("待司法局合法性审核", "Awaiting the legality review")
            .into(),
        Some(NextActor::CountyLeader) => l
            .pick("待县领导审批", "Awaiting a county leader's approval")
            .into(),
        Some(NextActor::Applicant(u)) => format!(
            "{}{}",
            l.pick(
                "待申请单位修改后重新提交：",
                "Awaiting the applicant's revision: "
            ),
            unit_name(&st.org, &u)
        ),
    }
}

pub async fn show(
    state: &AppState,
    s: &Session,
    id: u64,
    error: Option<String>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let now = now_ms();
    let rec = state
        .engine
        .admission_application(&s.principal, id)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let page = state
        .engine
        .with_state(|st| {
            let can = |act: Act| {
                parties(&s.principal)
                    .iter()
                    .any(|p| may_act(&st.org, p, &rec, act, now).is_ok())
            };
            let mut actions = vec![];
            for (a, name) in [
                (Act::Opinion, "opinion"),
                (Act::Establishment, "establishment"),
                (Act::Justice, "justice"),
                (Act::Decide, "decide"),
                (Act::Resubmit, "resubmit"),
                (Act::Withdraw, "withdraw"),
            ] {
                if can(a) {
                    actions.push(name);
                }
            }
            let st_now = rec.stage(now);
            ShowPage {
                c: Chrome::for_session(s, "/admission"),
                id,
                stage: stage_label(st_now, l),
                stage_code: st_now.as_str(),
                unit: unit_name(&st.org, &rec.unit),
                applicant: person_name(&st.org, &rec.applicant),
                filed: tiaokuai_app::cst::format_ms(rec.filed_at_ms),
                opinion_deadline: tiaokuai_app::cst::format_ms(rec.opinion_deadline_ms),
                decide_by: tiaokuai_app::cst::format_ms(rec.decide_by_ms),
                overdue: st_now.is_open() && rec.decision_overdue(now),
                document_no: rec.document_no.clone(),
                next: next_label(st, next_actor(&rec, now), l),
                opinions: rec
                    .consulted
                    .iter()
                    .map(|t| {
                        let o = rec.opinion_state(t, now);
                        (
                            unit_name(&st.org, t),
                            l.pick(o.label_zh(), o.label_en()),
                            rec.opinions
                                .get(t)
                                .map(|x| x.text.clone())
                                .unwrap_or_default(),
                        )
                    })
                    .collect(),
                steps: rec
                    .steps
                    .iter()
                    .map(|x| {
                        (
                            tiaokuai_app::cst::format_ms(x.at_ms),
                            step_label(&x.what, l),
                            format!(
                                "{}（{}）",
                                person_name(&st.org, &x.by),
                                unit_name(&st.org, &x.unit)
                            ),
                            x.comment.clone(),
                        )
                    })
                    .collect(),
                actions,
                error,
                a: rec.app.clone(),
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
pub struct ActForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    document_no: String,
}

/// One step from the application page: `opinion`, `establishment`, `justice`, `decide`,
/// `withdraw`. `decision` is `pass`/`back` (reviews), `agree`/`object` (opinions),
/// `approve`/`reject` (the county).
pub async fn act(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path((id, action)): Path<(u64, String)>,
    Form(f): Form<ActForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let cmd = match action.as_str() {
        "opinion" => AdmissionCmd::Opinion {
            id,
            agree: f.decision != "object",
            text: f.text,
        },
        "establishment" | "justice" => AdmissionCmd::Review {
            id,
            review: if action == "justice" {
                Review::Justice
            } else {
                Review::Establishment
            },
            pass: f.decision != "back",
            comment: f.text,
        },
        "decide" => AdmissionCmd::Decide {
            id,
            approve: f.decision != "reject",
            document_no: f.document_no,
            comment: f.text,
        },
        "withdraw" => AdmissionCmd::Withdraw { id, reason: f.text },
        _ => return Err(PageError::not_found(s.lang)),
    };
    match state
        .engine
        .admission_step(&s.principal, now_ms(), cmd)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/admission/{id}")).into_response()),
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
