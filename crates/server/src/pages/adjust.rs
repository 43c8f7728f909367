//! Adjustment (动态调整) pages: queues per role, the application form, the application page
//! with its diff, impact preview and the actions open to the viewer.

use super::lists::{guard, unit_names};
use super::{render, Chrome};
use crate::error::PageError;
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tiaokuai_app::{now_ms, AppError};
use tiaokuai_core::lists::adjustment::authorize;
use tiaokuai_core::lists::{
    Action, Adjustment, AdjustmentKind, AdjustmentStatus, FlowType, Item, ListKind, ReviewStage,
};
use tiaokuai_core::DomainError;

pub struct QRow {
    pub id: u64,
    pub kind: &'static str,
    pub item: String,
    pub applicant: String,
    pub status: &'static str,
}

pub struct Queue {
    pub id: &'static str,
    pub title: &'static str,
    pub rows: Vec<QRow>,
}

#[derive(Template)]
#[template(path = "adjustments.html")]
struct QueuesPage {
    c: Chrome,
    queues: Vec<Queue>,
}

/// The name of the item an application changes: as proposed, else as it reads now.
pub(crate) fn item_name(st: &tiaokuai_core::state::CountyState, a: &Adjustment) -> String {
    a.app
        .proposed
        .as_ref()
        .map(|i| i.name.clone())
        .or_else(|| {
            st.lists
                .item_at(&a.app.item_id, st.lists.latest())
                .map(|i| i.name.clone())
        })
        .unwrap_or_else(|| a.app.item_id.clone())
}

pub async fn queues(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    guard(&s)?;
    let p = s.principal.clone();
    let l = s.lang;
    let queues = state
        .engine
        .with_state(|st| {
            let row = |a: &Adjustment| QRow {
                id: a.app.id,
                kind: l.pick(a.app.kind.label_zh(), a.app.kind.label_en()),
                item: item_name(st, a),
                applicant: super::desks::view::person_name(&st.org, &a.app.applicant),
                status: l.pick(a.status.label_zh(), a.status.label_en()),
            };
            let of = |pred: &dyn Fn(&Adjustment) -> bool| {
                st.adjustments
                    .values()
                    .rev()
                    .filter(|a| pred(a))
                    .map(row)
                    .collect::<Vec<_>>()
            };
            let mut qs = Vec::new();
            let can = |a: Action, adj: &Adjustment| authorize(&p, &st.org, a, Some(adj)).is_ok();
            qs.push(Queue {
                id: "establishment",
                title: l.pick("待编办审核", "Awaiting the establishment office"),
                rows: of(&|a| {
                    a.status == AdjustmentStatus::AwaitingEstablishment
                        && can(Action::Review(ReviewStage::Establishment), a)
                }),
            });
            qs.push(Queue {
                id: "justice",
                title: l.pick("待司法局合法性审核", "Awaiting the legality review"),
                rows: of(&|a| {
                    a.status == AdjustmentStatus::AwaitingJustice
                        && can(Action::Review(ReviewStage::Justice), a)
                }),
            });
            qs.push(Queue {
                id: "approval",
                title: l.pick("待县政府批准", "Awaiting county approval"),
                rows: of(&|a| {
                    a.status == AdjustmentStatus::AwaitingApproval && can(Action::Approve, a)
                }),
            });
            qs.push(Queue {
                id: "publish",
                title: l.pick("已批准待发布", "Approved, awaiting publication"),
                rows: of(&|a| a.status == AdjustmentStatus::Approved && can(Action::Publish, a)),
            });
            qs.retain(|q| !q.rows.is_empty());
            qs.push(Queue {
                id: "mine",
                title: l.pick("我的申请", "My applications"),
                rows: of(&|a| a.app.applicant == p.username),
            });
            qs.push(Queue {
                id: "all",
                title: l.pick("全部申请", "All applications"),
                rows: of(&|_| true),
            });
            qs
        })
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    Ok(render(&QueuesPage {
        c: Chrome::for_session(&s, "/lists"),
        queues,
    }))
}

#[derive(Deserialize, Default)]
pub struct AdjForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub list_kind: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub primary: String,
    #[serde(default)]
    pub supporting: String,
    #[serde(default)]
    pub primary_duty: String,
    #[serde(default)]
    pub supporting_duty: String,
    #[serde(default)]
    pub legal_basis: String,
    #[serde(default)]
    pub problem: String,
    #[serde(default)]
    pub flow: String,
    #[serde(default)]
    pub steps: String,
    #[serde(default)]
    pub keywords: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub opinions: String,
}

#[derive(Template)]
#[template(path = "adjustment_new.html")]
struct NewPage {
    c: Chrome,
    action: String,
    form: AdjForm,
    /// (form field, message); field "" for what belongs to no one field.
    errors: Vec<(String, String)>,
    adj_kinds: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    unit_names: Vec<String>,
}

impl NewPage {
    /// The messages for one field, shown beside it.
    fn err(&self, field: &str) -> String {
        self.errors
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join("；")
    }
}

/// Domain refusals of an application as (form field, message) in the viewer's language.
pub(super) fn domain_errors(
    e: &DomainError,
    org: &tiaokuai_core::state::OrgState,
    l: crate::i18n::Lang,
) -> Vec<(String, String)> {
    const FIELDS: [&str; 4] = ["reason", "basis", "opinions", "number"];
    match e {
        DomainError::Invalid(errs) => errs
            .iter()
            .map(|f| {
                let field = if FIELDS.contains(&f.field.as_str()) {
                    f.field.clone()
                } else {
                    String::new()
                };
                (field, super::events::view::field_message(f, l))
            })
            .collect(),
        e => vec![(String::new(), super::events::view::refusal(e, org, l))],
    }
}

async fn new_page(
    state: &AppState,
    s: &Session,
    form: AdjForm,
    errors: Vec<(String, String)>,
) -> Response {
    form_page(state, s, form, errors, "/lists/adjustments".to_string()).await
}

pub(super) async fn form_page(
    state: &AppState,
    s: &Session,
    form: AdjForm,
    errors: Vec<(String, String)>,
    action: String,
) -> Response {
    let adj_kinds = [
        AdjustmentKind::ChangeParties,
        AdjustmentKind::ChangeFlow,
        AdjustmentKind::ChangeContent,
        AdjustmentKind::Add,
        AdjustmentKind::Cancel,
    ]
    .iter()
    .map(|k| (kind_code(*k), s.lang.pick(k.label_zh(), k.label_en())))
    .collect();
    let kinds = ListKind::ALL
        .iter()
        .map(|k| (k.as_str(), s.lang.pick(k.label_zh(), k.label_en())))
        .collect();
    // The unit picker: every unit's name, offered while typing.
    let unit_names = state
        .engine
        .with_state(|st| {
            st.org
                .units
                .values()
                .filter(|u| !u.kind.is_village())
                .map(|u| u.name.clone())
                .collect()
        })
        .await
        .unwrap_or_default();
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        render(&NewPage {
            c: Chrome::for_session(s, "/lists"),
            action,
            form,
            errors,
            adj_kinds,
            kinds,
            unit_names,
        }),
    )
        .into_response()
}

pub(super) fn kind_code(k: AdjustmentKind) -> &'static str {
    match k {
        AdjustmentKind::Add => "add",
        AdjustmentKind::Cancel => "cancel",
        AdjustmentKind::ChangeParties => "change_parties",
        AdjustmentKind::ChangeFlow => "change_flow",
        AdjustmentKind::ChangeContent => "change_content",
    }
}

#[derive(Deserialize)]
pub struct NewQuery {
    item: Option<String>,
    /// Pre-filled from the bounce analysis: the reason, and a new item's name.
    reason: Option<String>,
    name: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    guard(&s)?;
    state
        .engine
        .with_state(|st| authorize(&s.principal, &st.org, Action::File, None))
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?
        .map_err(|_| PageError::forbidden(s.lang))?;
    let form = state
        .engine
        .with_state(|st| {
            let item = q
                .item
                .as_ref()
                .and_then(|id| st.lists.item_at(id, st.lists.latest()));
            let names = |codes: &[String]| unit_names(codes, &st.org);
            match item {
                Some(i) => AdjForm {
                    kind: "change_parties".into(),
                    list_kind: i.kind.as_str().into(),
                    number: i.number.clone(),
                    name: i.name.clone(),
                    domain: i.domain.clone(),
                    primary: names(&i.primary),
                    supporting: names(&i.supporting),
                    primary_duty: i.primary_duty.clone(),
                    supporting_duty: i.supporting_duty.clone(),
                    legal_basis: i.legal_basis.clone(),
                    problem: i.problem.clone(),
                    flow: i.flow.label_zh().into(),
                    steps: i.steps.join("→"),
                    keywords: i.keywords.join("、"),
                    reason: q.reason.clone().unwrap_or_default(),
                    ..Default::default()
                },
                None => AdjForm {
                    kind: "add".into(),
                    list_kind: "territorial".into(),
                    flow: "并联".into(),
                    name: q.name.clone().unwrap_or_default(),
                    reason: q.reason.clone().unwrap_or_default(),
                    ..Default::default()
                },
            }
        })
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    Ok(new_page(&state, &s, form, vec![]).await)
}

/// The item the form describes, starting from the current item so hidden fields are kept.
pub(super) async fn proposal(
    state: &AppState,
    s: &Session,
    f: &AdjForm,
) -> Result<(AdjustmentKind, String, Option<Item>, Vec<(String, String)>), PageError> {
    let l = s.lang;
    let kind = AdjustmentKind::parse(&f.kind).unwrap_or(AdjustmentKind::ChangeContent);
    let list_kind = ListKind::parse(&f.list_kind).unwrap_or(ListKind::Territorial);
    let id = Item::make_id(list_kind, &f.number);
    // Start from the current item so fields the form does not show are kept.
    let (proposed, errors) = state
        .engine
        .with_state(|st| {
            let mut errors = Vec::new();
            let mut item = st
                .lists
                .item_at(&id, st.lists.latest())
                .cloned()
                .unwrap_or_else(|| Item {
                    id: id.clone(),
                    kind: list_kind,
                    number: f.number.trim().to_string(),
                    ..Default::default()
                });
            // Full, short and alias names and codes are all accepted; an unknown one is named
            // beside its field with the closest units.
            let mut units = |s: &str, field: &str| -> Vec<String> {
                tiaokuai_app::lists::import::split_units(s)
                    .into_iter()
                    .filter_map(|n| match st.org.resolve_unit(&n) {
                        Some(u) => Some(u.code.clone()),
                        None => {
                            let near: Vec<String> = st
                                .org
                                .similar_units(&n, 3)
                                .iter()
                                .map(|u| u.name.clone())
                                .collect();
                            let mut msg = match l {
                                crate::i18n::Lang::Zh => format!("找不到单位「{n}」"),
                                crate::i18n::Lang::En => format!("no unit named “{n}”"),
                            };
                            if !near.is_empty() {
                                msg.push_str(l.pick("，是否要找：", "; did you mean: "));
                                msg.push_str(&near.join(l.pick("、", ", ")));
                            }
                            errors.push((field.to_string(), msg));
                            None
                        }
                    })
                    .collect()
            };
            item.primary = units(&f.primary, "primary");
            item.supporting = units(&f.supporting, "supporting");
            item.name = f.name.trim().to_string();
            item.domain = f.domain.trim().to_string();
            item.primary_duty = f.primary_duty.trim().to_string();
            item.supporting_duty = f.supporting_duty.trim().to_string();
            item.legal_basis = f.legal_basis.trim().to_string();
            item.problem = f.problem.trim().to_string();
            item.flow = FlowType::parse(&f.flow).unwrap_or_default();
            item.steps = f
                .steps
                .split('→')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect();
            item.keywords = tiaokuai_app::lists::import::split_units(&f.keywords);
            (
                if kind == AdjustmentKind::Cancel {
                    None
                } else {
                    Some(item)
                },
                errors,
            )
        })
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    Ok((kind, id, proposed, errors))
}

pub async fn create(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<AdjForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Err(PageError::forbidden(s.lang));
    }
    let (kind, id, proposed, mut errors) = proposal(&state, &s, &f).await?;
    if !errors.is_empty() {
        return Ok(new_page(&state, &s, f, errors).await);
    }
    match state
        .engine
        .file_adjustment(
            &s.principal,
            now_ms(),
            kind,
            &id,
            proposed,
            &f.reason,
            &f.basis,
            &f.opinions,
        )
        .await
    {
        Ok(n) => Ok(Redirect::to(&format!("/lists/adjustments/{n}")).into_response()),
        Err(AppError::Domain(e)) => {
            let l = s.lang;
            let more = state
                .engine
                .with_state(|st| domain_errors(&e, &st.org, l))
                .await
                .map_err(|e| PageError::from_app(e, l))?;
            errors.extend(more);
            Ok(new_page(&state, &s, f, errors).await)
        }
        Err(e) => Err(PageError::from_app(e, s.lang)),
    }
}
