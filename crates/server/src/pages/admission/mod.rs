//! Admission pages (准入): applications with filters by stage, the application form, an
//! application's page with the step open to the viewer, the admitted catalogue (also public),
//! and 交办 handovers: the department's issue form and the township's inbox with one-click
//! refusal of a task that was not admitted.

mod application;
mod handover;

use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::stats::guard;
use crate::pages::{render, Chrome};
use crate::session::PageSession;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use tiaokuai_app::now_ms;
use tiaokuai_core::admission::{AdmissionRecord, Stage};
use tiaokuai_core::state::OrgState;
use tiaokuai_core::DomainError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admission", get(list))
        .route("/admission/catalogue", get(catalogue))
        .route("/public/admission", get(public_catalogue))
        .route(
            "/admission/new",
            get(application::new_form).post(application::submit),
        )
        .route("/admission/{id}", get(application::page))
        .route("/admission/{id}/{action}", post(application::act))
        .route("/handovers", get(handover::list))
        .route(
            "/handovers/new",
            get(handover::new_form).post(handover::submit),
        )
        .route("/handovers/{id}", get(handover::page))
        .route("/handovers/{id}/{answer}", post(handover::answer))
}

/// Form pairs as posted (repeated names for checkbox groups).
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    pub fn get(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_string())
            .collect()
    }
}

/// A field's label in the reader's language, for error messages.
pub fn field_label(f: &str, l: Lang) -> String {
    let (zh, en) = match f {
        "title" => ("事项名称", "Task"),
        "content" => ("事项内容", "Content"),
        "basis" => ("依据", "Legal basis"),
        "start_date" => ("进入时间", "Start date"),
        "end_date" => ("期限（结束日期）", "End date"),
        "consult" => ("征求意见的乡镇（街道）", "Townships consulted"),
        "text" => ("意见/说明", "Text"),
        "comment" => ("审核意见", "Comment"),
        "document_no" => ("批准文号", "Document number"),
        "reason" => ("理由", "Reason"),
        "townships" => ("交办乡镇（街道）", "Townships"),
        "deadline" => ("办理期限", "Deadline"),
        "entry" => ("准入事项", "Admitted entry"),
        "" => ("", ""),
        other => return other.to_string(),
    };
    l.pick(zh, en).to_string()
}

/// A refusal in the reader's language, with unit names and field labels.
pub fn error_text(e: &DomainError, l: Lang, org: &OrgState) -> String {
    let names = |c: &str| crate::pages::desks::view::unit_name(org, c);
    let field = |f: &str| field_label(f, l);
    crate::error::domain_text(e, l, &names, &field)
}

pub fn stage_label(s: Stage, l: Lang) -> &'static str {
    l.pick(s.label_zh(), s.label_en())
}

pub struct Row {
    pub id: u64,
    pub title: String,
    pub unit: String,
    pub stage: &'static str,
    pub stage_code: &'static str,
    pub filed: String,
    pub start: String,
    pub end: String,
    pub overdue: bool,
}

fn row(r: &AdmissionRecord, org: &OrgState, l: Lang, now: i64) -> Row {
    let st = r.stage(now);
    Row {
        id: r.id,
        title: r.app.title.clone(),
        unit: crate::pages::desks::view::unit_name(org, &r.unit),
        stage: stage_label(st, l),
        stage_code: st.as_str(),
        filed: tiaokuai_app::cst::format_ms(r.filed_at_ms),
        start: r.app.start_date.clone(),
        end: r.app.end_date.clone(),
        overdue: st.is_open() && r.decision_overdue(now),
    }
}

#[derive(Template)]
#[template(path = "admission_list.html")]
struct ListPage {
    c: Chrome,
    rows: Vec<Row>,
    stages: Vec<(&'static str, &'static str, usize)>,
    stage: String,
    may_apply: bool,
}

#[derive(Deserialize)]
pub struct ListQ {
    #[serde(default)]
    stage: String,
}

/// `/admission`: applications the viewer may see, filtered by stage.
async fn list(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<ListQ>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let now = now_ms();
    let all = state
        .engine
        .admission_applications(&s.principal, now, None)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let stage = Stage::parse(&q.stage);
    let (rows, may_apply) = state
        .engine
        .with_state(|st| {
            let rows = all
                .iter()
                .filter(|r| stage.is_none_or(|x| r.stage(now) == x))
                .map(|r| row(r, &st.org, l, now))
                .collect::<Vec<_>>();
            let may = !tiaokuai_app::admission::own_units(st, &s.principal)
                .0
                .is_empty();
            (rows, may)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let stages = Stage::ALL
        .into_iter()
        .map(|x| {
            let n = all.iter().filter(|r| r.stage(now) == x).count();
            (x.as_str(), stage_label(x, l), n)
        })
        .collect();
    Ok(render(&ListPage {
        c: Chrome::for_session(&s, "/admission"),
        rows,
        stages,
        stage: stage.map(|x| x.as_str().to_string()).unwrap_or_default(),
        may_apply,
    }))
}

pub struct Entry {
    pub id: u64,
    pub title: String,
    pub content: String,
    pub basis: String,
    pub unit: String,
    pub period: String,
    pub recurring: &'static str,
    pub powers: String,
    pub funds: String,
    pub staff: String,
    pub document_no: String,
    pub expired: bool,
}

fn entries(st: &tiaokuai_core::CountyState, l: Lang, now: i64) -> Vec<Entry> {
    st.admission
        .catalogue(now)
        .map(|r| Entry {
            id: r.id,
            title: r.app.title.clone(),
            content: r.app.content.clone(),
            basis: r.app.basis.clone(),
            unit: crate::pages::desks::view::unit_name(&st.org, &r.unit),
            period: format!("{} – {}", r.app.start_date, r.app.end_date),
            recurring: if r.app.recurring {
                l.pick("常态化", "Recurring")
            } else {
                l.pick("阶段性", "One-off")
            },
            powers: r.app.powers.clone(),
            funds: r.app.funds.clone(),
            staff: r.app.staff.clone(),
            document_no: r.document_no.clone(),
            expired: r.stage(now) == Stage::Expired,
        })
        .collect()
}

fn refusal_rows(st: &tiaokuai_core::CountyState) -> Vec<(String, usize)> {
    st.admission
        .refusals_by_department(i64::MIN, i64::MAX)
        .into_iter()
        .map(|(u, n)| (crate::pages::desks::view::unit_name(&st.org, &u), n))
        .collect()
}

#[derive(Template)]
#[template(path = "admission_catalogue.html")]
struct CataloguePage {
    c: Chrome,
    entries: Vec<Entry>,
    refusals: Vec<(String, usize)>,
    public: bool,
    county: String,
}

/// `/admission/catalogue`: the admitted catalogue with the refusals counted per department.
async fn catalogue(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    let l = s.lang;
    let now = now_ms();
    let (entries, refusals) = state
        .engine
        .with_state(|st| (entries(st, l, now), refusal_rows(st)))
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    Ok(render(&CataloguePage {
        c: Chrome::for_session(&s, "/admission"),
        entries,
        refusals,
        public: false,
        county: String::new(),
    }))
}

/// `/public/admission`: the same catalogue without login.
async fn public_catalogue(
    State(state): State<AppState>,
    jar: axum_extra::extract::CookieJar,
) -> Response {
    let l = Lang::from_jar(&jar);
    let now = now_ms();
    let r = state
        .engine
        .with_state(|st| {
            (
                entries(st, l, now),
                refusal_rows(st),
                crate::pages::public::county_name(st),
            )
        })
        .await;
    match r {
        Ok((entries, refusals, county)) => render(&CataloguePage {
            c: Chrome::anonymous(l),
            entries,
            refusals,
            public: true,
            county,
        }),
        Err(e) => PageError::from_app(e, l).into_response(),
    }
}

/// The viewer's admission work for the home page's to-do list (and the menu's count):
/// applications waiting for a step they may take, and handed tasks their township has not
/// answered.
pub(crate) fn todo(
    st: &tiaokuai_core::CountyState,
    p: &tiaokuai_core::access::Principal,
    l: Lang,
    now: i64,
) -> Vec<(String, &'static str, usize)> {
    use tiaokuai_core::admission::flow::{may_act, Act};
    let parties = tiaokuai_app::admission::parties(p);
    let acts = [
        Act::Opinion,
        Act::Establishment,
        Act::Justice,
        Act::Decide,
        Act::Resubmit,
    ];
    let apps = st
        .admission
        .applications
        .values()
        .filter(|r| {
            acts.iter().any(|a| {
                parties
                    .iter()
                    .any(|x| may_act(&st.org, x, r, *a, now).is_ok())
            })
        })
        .count();
    let (_, towns) = tiaokuai_app::admission::own_units(st, p);
    let tasks = st
        .admission
        .handovers
        .values()
        .filter(|h| {
            towns
                .iter()
                .any(|t| h.draft.townships.contains(t) && !h.answers.contains_key(t))
        })
        .count();
    vec![
        (
            "/admission".to_string(),
            l.pick("准入申请待办理", "Admission applications to act on"),
            apps,
        ),
        (
            "/handovers".to_string(),
            l.pick("交办事项待答复", "Handed tasks to answer"),
            tasks,
        ),
    ]
}
