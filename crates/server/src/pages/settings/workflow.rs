//! `/settings/workflow`: the workflow settings in force as a readable table for staff, and one
//! all-or-nothing form for the system administrator (step labels, limits by urgency and
//! request type, extensions, returns, escalation, the rating scale), plus per list item
//! overrides. Each change replaces the settings with one `WorkflowConfigSet` entry.

use super::{admin_for_change, append, limit_label, may_view};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use std::collections::HashMap;
use tiaokuai_core::calendar::Limit;
use tiaokuai_core::events::WorkflowConfig;
use tiaokuai_core::Transition;

mod form;

use form::{config_from_form, field_key, form_values, localise, Field, Section};

pub struct ItemRow {
    pub id: String,
    pub name: String,
    pub href: String,
    pub limits: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "settings_workflow.html")]
struct WorkflowPage {
    c: Chrome,
    admin: bool,
    notice: Option<String>,
    errors_count: usize,
    general_errors: Vec<String>,
    view: Vec<Section>,
    limits: Vec<(String, String, String)>,
    form: Vec<Section>,
    items: Vec<ItemRow>,
    item_fields: Vec<Field>,
}

type Values = HashMap<String, String>;

async fn snapshot(
    state: &AppState,
    s: &Session,
) -> Result<(WorkflowConfig, Vec<ItemRow>), PageError> {
    let lang = s.lang;
    state
        .engine
        .with_state(move |st| {
            let cfg = st.events.config.clone();
            let latest = st.lists.latest();
            let items = cfg
                .by_item
                .iter()
                .map(|(id, o)| {
                    let item = st.lists.item_at(id, latest);
                    ItemRow {
                        id: id.clone(),
                        name: item.map(|i| i.name.clone()).unwrap_or_default(),
                        href: item
                            .map(|i| format!("/lists/items/{}", i.id))
                            .unwrap_or_default(),
                        limits: o
                            .fields()
                            .iter()
                            .map(|(f, l)| (*f, l.map(|l| limit_label(l, lang)).unwrap_or_default()))
                            .collect(),
                    }
                })
                .collect();
            (cfg, items)
        })
        .await
        .map_err(|e| PageError::from_app(e, s.lang))
}

fn yes_no(b: bool, lang: Lang) -> String {
    if b {
        lang.pick("是", "yes").into()
    } else {
        lang.pick("否", "no").into()
    }
}

/// The readable table of the settings in force.
fn view(cfg: &WorkflowConfig, lang: Lang) -> (Vec<Section>, Vec<(String, String, String)>) {
    let l = |x: Limit| limit_label(x, lang);
    let limits = [
        (lang.pick("签收", "Sign"), cfg.normal.sign, cfg.urgent.sign),
        (
            lang.pick("响应", "Respond"),
            cfg.normal.respond,
            cfg.urgent.respond,
        ),
        (
            lang.pick("办结", "Complete"),
            cfg.normal.complete,
            cfg.urgent.complete,
        ),
        (
            lang.pick("退单时限", "Return window"),
            cfg.normal.return_window,
            cfg.urgent.return_window,
        ),
    ]
    .into_iter()
    .map(|(n, a, b)| (n.to_string(), l(a), l(b)))
    .collect();
    let row = |k: &str, v: String| (k.to_string(), v);
    let labels = &cfg.labels;
    let mut rt: Vec<(String, String)> = cfg
        .by_request_type
        .iter()
        .map(|(t, x)| row(lang.pick(t.label_zh(), t.as_str()), l(*x)))
        .collect();
    if rt.is_empty() {
        rt.push(row(lang.pick("（无）", "(none)"), l(cfg.normal.complete)));
    }
    let sections = vec![
        Section::view(
            lang.pick("步骤名称", "Step labels"),
            vec![row(
                lang.pick("四个步骤依次为", "The four steps"),
                format!(
                    "{} → {} → {} → {}",
                    labels.call, labels.dispatch, labels.respond, labels.evaluate
                ),
            )],
        ),
        Section::view(
            lang.pick(
                "按诉求类型的办结时限（一般件）",
                "Completion by request type (normal)",
            ),
            rt,
        ),
        Section::view(
            lang.pick("其他时限", "Other limits"),
            vec![
                row(
                    lang.pick("吹哨报到到场", "Whistle: arrive on site"),
                    l(cfg.whistle_arrive),
                ),
                row(
                    lang.pick("预警（黄牌）", "Yellow flag"),
                    match lang {
                        Lang::Zh => format!(
                            "签收、响应、办结时限的最后 {}%、{}%、{}%，最长 {}",
                            cfg.warn_percent.sign,
                            cfg.warn_percent.respond,
                            cfg.warn_percent.complete,
                            l(cfg.warn_before)
                        ),
                        Lang::En => format!(
                            "the last {}%, {}%, {}% of the signing, response and completion limits, at most {}",
                            cfg.warn_percent.sign,
                            cfg.warn_percent.respond,
                            cfg.warn_percent.complete,
                            l(cfg.warn_before)
                        ),
                    },
                ),
                row(
                    lang.pick("超期升级督办", "Escalate when overdue by"),
                    l(Limit::WorkingDays(cfg.escalate_after_days)),
                ),
            ],
        ),
        Section::view(
            lang.pick("延期与退单", "Extensions and returns"),
            vec![
                row(
                    lang.pick("延期次数上限", "Extensions at most"),
                    format!("{} {}", cfg.extension_max_count, lang.pick("次", "times")),
                ),
                row(
                    lang.pick("每次延期上限", "Each extension at most"),
                    l(Limit::WorkingDays(cfg.extension_max_days)),
                ),
                row(
                    lang.pick(
                        "延期审批期间暂停计时",
                        "Clock paused while an extension is pending",
                    ),
                    yes_no(cfg.pause_while_extension_pending, lang),
                ),
                row(
                    lang.pick(
                        "退单几次后转争议（编办裁定）",
                        "Returns before a dispute (establishment office)",
                    ),
                    format!(
                        "{} {}",
                        cfg.returns_before_dispute,
                        lang.pick("次", "times")
                    ),
                ),
            ],
        ),
        Section::view(
            lang.pick("评价与其他", "Evaluation and switches"),
            vec![
                row(
                    lang.pick("评价等级", "Rating scale"),
                    format!(
                        "{} {}：{}",
                        cfg.scale.levels.len(),
                        lang.pick("级", "levels"),
                        cfg.scale.levels.join(" / ")
                    ),
                ),
                row(
                    lang.pick("不通过（重办并追责）自", "Failing from"),
                    cfg.scale
                        .label(cfg.scale.fail_from)
                        .unwrap_or_default()
                        .to_string(),
                ),
                row(
                    lang.pick("评价前须现场核查", "On-site verification before evaluation"),
                    yes_no(cfg.verification_required, lang),
                ),
                row(
                    lang.pick("乡镇呼叫须领导审核", "A township call needs a leader"),
                    yes_no(cfg.call_needs_leader, lang),
                ),
                row(
                    lang.pick("允许清单外派单", "Dispatch without a list item allowed"),
                    yes_no(cfg.allow_off_list, lang),
                ),
            ],
        ),
    ];
    (sections, limits)
}

fn build(
    s: &Session,
    cfg: &WorkflowConfig,
    items: Vec<ItemRow>,
    vals: &Values,
    errs: &HashMap<String, String>,
    item_vals: &Values,
) -> WorkflowPage {
    let (view, limits) = view(cfg, s.lang);
    let general_errors = errs
        .iter()
        .filter(|(k, _)| k.is_empty() || k.as_str() == "by_item")
        .map(|(_, v)| v.clone())
        .collect();
    WorkflowPage {
        c: Chrome::for_session(s, "/settings/calendar"),
        admin: s.principal.has(tiaokuai_core::org::RoleKind::SystemAdmin),
        notice: None,
        errors_count: errs.len(),
        general_errors,
        view,
        limits,
        form: form::sections(cfg, vals, errs, s.lang),
        items,
        item_fields: form::item_fields(item_vals, errs, s.lang),
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    may_view(&s)?;
    let (cfg, items) = snapshot(&state, &s).await?;
    let vals = form_values(&cfg);
    Ok(render(&build(
        &s,
        &cfg,
        items,
        &vals,
        &HashMap::new(),
        &Values::new(),
    )))
}

/// Appends `next` (unless there are already errors) and renders the page: with a notice and
/// fresh values on success, with the typed values and the errors otherwise.
async fn commit(
    state: &AppState,
    s: &Session,
    csrf: &str,
    next: WorkflowConfig,
    mut errs: HashMap<String, String>,
    vals: Values,
    item_vals: Values,
) -> Result<Response, PageError> {
    let actor = admin_for_change(s, csrf)?;
    if errs.is_empty() {
        for e in next.problems() {
            errs.insert(field_key(&e.field), localise(&e, s.lang));
        }
    }
    if errs.is_empty() {
        let t = Transition::WorkflowConfigSet {
            config: Box::new(next),
        };
        if let Err(list) = append(state, s, &actor, t).await? {
            for e in list {
                errs.insert(field_key(&e.field), localise(&e, s.lang));
            }
        }
    }
    let (cfg, items) = snapshot(state, s).await?;
    if errs.is_empty() {
        let mut p = build(s, &cfg, items, &form_values(&cfg), &errs, &Values::new());
        p.notice = Some(s.lang.pick("设置已保存。", "Settings saved.").into());
        return Ok(render(&p));
    }
    Ok(render(&build(s, &cfg, items, &vals, &errs, &item_vals)))
}

pub async fn save(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<Values>,
) -> Result<Response, PageError> {
    let csrf = f.get("csrf").cloned().unwrap_or_default();
    admin_for_change(&s, &csrf)?;
    let (cur, _) = snapshot(&state, &s).await?;
    let (next, errs) = config_from_form(&cur, &f, s.lang);
    let item_vals = Values::new();
    commit(&state, &s, &csrf, next, errs, f, item_vals).await
}

/// Add or change the override of one list item.
pub async fn add_item(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<Values>,
) -> Result<Response, PageError> {
    let csrf = f.get("csrf").cloned().unwrap_or_default();
    admin_for_change(&s, &csrf)?;
    let (cur, _) = snapshot(&state, &s).await?;
    let (o, id, mut errs) = form::item_from_form(&f, s.lang);
    let known = state
        .engine
        .with_state({
            let id = id.clone();
            move |st| !st.lists.item_history(&id).is_empty()
        })
        .await
        .map_err(|e| PageError::from_app(e, s.lang))?;
    if !id.is_empty() && !known {
        errs.insert(
            "item".into(),
            format!(
                "{}：{id}",
                s.lang.pick("没有这个清单事项", "no such list item")
            ),
        );
    }
    let mut next = cur.clone();
    next.by_item.insert(id, o);
    commit(&state, &s, &csrf, next, errs, form_values(&cur), f).await
}

/// Remove the override of one list item.
pub async fn remove_item(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<Values>,
) -> Result<Response, PageError> {
    let csrf = f.get("csrf").cloned().unwrap_or_default();
    admin_for_change(&s, &csrf)?;
    let (cur, _) = snapshot(&state, &s).await?;
    let id = f.get("item").map(|x| x.trim()).unwrap_or_default();
    let mut errs = HashMap::new();
    let mut next = cur.clone();
    if next.by_item.remove(id).is_none() {
        errs.insert(
            "by_item".into(),
            format!(
                "{}：{id}",
                s.lang.pick("没有这个事项的时限设置", "no override for")
            ),
        );
    }
    commit(
        &state,
        &s,
        &csrf,
        next,
        errs,
        form_values(&cur),
        Values::new(),
    )
    .await
}
