//! `GET /events/{id}`: the event page. Facts, photos, place, the cited list item, one card per
//! hop, disputes and rulings, accountability cases, the actions open to the viewer now, and the
//! timeline read from the log with each entry's hash. `GET /events/{id}/proof` downloads the
//! proof bundle (every entry with its inclusion proof against a signed checkpoint).

use super::actions::{self, ActionView, Flash};
use super::report::{picker_map, ItemOpt};
use super::view::{self, Due, UnitGroup};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tiaokuai_app::events::timeline::TimelineEntry;
use tiaokuai_app::now_ms;
use tiaokuai_core::events::who::may_see;
use tiaokuai_core::events::{
    Assignment, AssignmentStatus, Event, EventCmd, ReminderKind, ReturnDecision, StepLabels,
};
use tiaokuai_core::lists::AdjustmentStatus;
use tiaokuai_core::org::{Grid, RoleKind};
use tiaokuai_core::state::{CountyState, OrgState};

#[derive(Deserialize, Default)]
pub struct ViewQuery {
    /// The action just done (a notice is shown).
    #[serde(default)]
    pub done: String,
    /// An error to show (kept for links from elsewhere).
    #[serde(default)]
    pub err: String,
    /// A list item chosen for the call or dispatch form (`id` or `id@version`).
    #[serde(default)]
    pub item: String,
    /// A search of the lists for the call or dispatch form.
    #[serde(default)]
    pub q: String,
}

pub struct ReportView {
    pub accepted_at: String,
    pub contacted: String,
    pub measures: String,
    pub resolve_by: String,
    pub photos: Vec<String>,
}

pub struct ReturnView {
    pub by: String,
    pub at: String,
    pub reason: String,
    pub legal_basis: String,
    pub outcome: &'static str,
}

pub struct ExtensionView {
    pub by: String,
    pub at: String,
    pub days: u32,
    pub reason: String,
    pub decision: String,
}

pub struct EvalView {
    pub by: String,
    pub at: String,
    pub label: String,
    pub passed: bool,
    pub reason: String,
    pub appeal: Option<(String, String, String, String)>,
}

pub struct HopView {
    pub n: u32,
    pub parent: Option<u32>,
    pub sender: String,
    pub receiver: String,
    pub role: &'static str,
    pub role_code: &'static str,
    pub status: &'static str,
    pub gone: bool,
    pub rework: bool,
    pub item: String,
    pub override_reason: String,
    pub dispatched: String,
    pub dispatched_by: String,
    pub times: Vec<(&'static str, String)>,
    pub deadlines: Vec<(&'static str, String)>,
    pub due: Option<Due>,
    pub report: Option<ReportView>,
    pub verified: &'static str,
    pub returns: Vec<ReturnView>,
    pub extensions: Vec<ExtensionView>,
    pub evaluation: Option<EvalView>,
    pub reminders: String,
}

pub struct DisputeView {
    pub hop: u32,
    pub opened: String,
    pub reason: String,
    pub ruling: Option<(String, String, String, String, String, bool)>,
}

pub struct CaseView {
    pub hop: u32,
    pub unit: String,
    pub opened: String,
    pub reason: String,
    pub outcome: String,
}

pub struct TimeRow {
    pub seq: u64,
    pub at: String,
    pub who: String,
    pub unit: String,
    pub what: String,
    pub detail: String,
    pub hash: String,
    pub short: String,
}

pub struct ItemView {
    pub href: String,
    pub label: String,
    pub version: u32,
    pub primary: String,
    pub supporting: String,
    pub latest: u32,
}

#[derive(Template)]
#[template(path = "events_show.html")]
pub struct EventPage {
    pub c: Chrome,
    pub id: u64,
    pub no: String,
    pub title: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub due: Option<Due>,
    pub urgent: bool,
    pub facts: Vec<(&'static str, String)>,
    pub description: String,
    pub photos: Vec<String>,
    pub place: Vec<(&'static str, String)>,
    pub map: String,
    pub item: Option<ItemView>,
    pub hops: Vec<HopView>,
    pub disputes: Vec<DisputeView>,
    pub cases: Vec<CaseView>,
    pub feedback: String,
    pub timeline: Vec<TimeRow>,
    pub actions: Vec<ActionView>,
    pub notice: String,
    pub error: String,
    pub adjustment: Option<(String, String)>,
    pub groups: Vec<UnitGroup>,
    pub scale: Vec<(u8, String)>,
    pub top_grade: String,
    pub item_q: String,
    pub item_hits: Vec<ItemOpt>,
    pub item_choice: Vec<ItemOpt>,
    /// The event's own item, which a reassignment is checked against.
    pub event_item: Option<ItemOpt>,
    pub searchable: bool,
    /// How many forms sit under "more actions", and whether to open it (one has an error).
    pub secondary: usize,
    pub secondary_open: bool,
}

fn step_what(cmd: &EventCmd, labels: &StepLabels, l: Lang) -> String {
    let z = l == Lang::Zh;
    let s = |zh: &str, en: &str| if z { zh.to_string() } else { en.to_string() };
    match cmd {
        EventCmd::Report { event } if event.call => {
            if z {
                format!("上报并一键{}县级", labels.call)
            } else {
                "Reported and called the county".into()
            }
        }
        EventCmd::Report { .. } => s("上报事件", "Reported"),
        EventCmd::SelfClose { .. } => s("自办结", "Closed locally"),
        EventCmd::Call { .. } => {
            if z {
                format!("一键{}县级", labels.call)
            } else {
                "Called the county".into()
            }
        }
        EventCmd::Cancel { .. } => s("撤回", "Withdrawn"),
        EventCmd::Dispatch { .. } => {
            if z {
                labels.dispatch.clone()
            } else {
                "Dispatched".into()
            }
        }
        EventCmd::Whistle { .. } => s("吹哨", "Whistle"),
        EventCmd::Sign { .. } => s("签收", "Signed"),
        EventCmd::CheckIn { .. } => s("报到", "Checked in"),
        EventCmd::RequestReturn { .. } => s("申请退单", "Asked to return"),
        EventCmd::DecideReturn { decision, .. } => match decision {
            ReturnDecision::Reassign { .. } => s("同意退单并改派", "Return accepted, reassigned"),
            ReturnDecision::Reject { .. } => s("驳回退单", "Return rejected"),
            ReturnDecision::Dispute { .. } => s("提交编办裁定", "Referred to 编办"),
        },
        EventCmd::Rule { .. } => s("编办裁定", "编办 ruling"),
        EventCmd::Respond { .. } => {
            if z {
                labels.respond.clone()
            } else {
                "Responded".into()
            }
        }
        EventCmd::Note { .. } => s("备注", "Note"),
        EventCmd::RequestExtension { .. } => s("申请延期", "Asked for an extension"),
        EventCmd::DecideExtension { approve: true, .. } => s("批准延期", "Extension approved"),
        EventCmd::DecideExtension { .. } => s("不批准延期", "Extension refused"),
        EventCmd::ReportBack { .. } => s("办理反馈", "Reported back"),
        EventCmd::Verify { pass: true, .. } => s("现场核查通过", "Verified on site"),
        EventCmd::Verify { .. } => s("现场核查未通过", "Failed on-site verification"),
        EventCmd::Evaluate { .. } => {
            if z {
                labels.evaluate.clone()
            } else {
                "Graded".into()
            }
        }
        EventCmd::Appeal { .. } => s("申诉", "Appealed"),
        EventCmd::DecideAppeal { upheld: true, .. } => s("申诉裁决：维持", "Appeal: grade upheld"),
        EventCmd::DecideAppeal { .. } => s("申诉裁决：改评", "Appeal: grade changed"),
        EventCmd::Close { .. } => s("办结归档", "Closed"),
        EventCmd::Shelve { .. } => s("挂账", "Shelved"),
        EventCmd::Remind { kind, .. } => match (kind, z) {
            (ReminderKind::Remind, true) => "催办".into(),
            (ReminderKind::Supervise, true) => "督办".into(),
            (ReminderKind::Escalate, true) => "升级督办".into(),
            (ReminderKind::Remind, false) => "Reminder".into(),
            (ReminderKind::Supervise, false) => "Supervision order".into(),
            (ReminderKind::Escalate, false) => "Escalated".into(),
        },
        EventCmd::PublicFeedback { .. } => s("回访", "Public feedback"),
        EventCmd::ConcludeCase { .. } => s("追责结论", "Accountability concluded"),
    }
}

fn item_label(st: &CountyState, r: &tiaokuai_core::events::ItemRef) -> String {
    match st.lists.item_at(&r.id, r.version) {
        Some(i) => format!("{} {}（第{}版）", i.number, i.name, r.version),
        None => format!("{}（第{}版）", r.id, r.version),
    }
}

/// The details of a step: who was sent, what was said, grades.
fn step_detail(st: &CountyState, e: &Event, cmd: &EventCmd, l: Lang) -> String {
    let org = &st.org;
    let z = l == Lang::Zh;
    let hop = |n: u32| {
        e.assignment(n)
            .map(|a| format!("#{n} {}", view::unit(org, &a.receiver_unit)))
            .unwrap_or_else(|| format!("#{n}"))
    };
    let join = |parts: Vec<String>| {
        parts
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .collect::<Vec<_>>()
            .join(if z { "；" } else { "; " })
    };
    let lab = |zh: &str, en: &str, v: String| {
        if v.trim().is_empty() {
            String::new()
        } else if z {
            format!("{zh}：{v}")
        } else {
            format!("{en}: {v}")
        }
    };
    match cmd {
        EventCmd::Report { event } => join(vec![
            format!("{}", event.channel.label_zh()),
            event.title.clone(),
            lab(
                "清单",
                "item",
                event
                    .item
                    .as_ref()
                    .map(|r| item_label(st, r))
                    .unwrap_or_default(),
            ),
            lab(
                "照片",
                "photos",
                if event.photos.is_empty() {
                    String::new()
                } else {
                    event.photos.len().to_string()
                },
            ),
        ]),
        EventCmd::SelfClose { note, .. } | EventCmd::Close { note, .. } => note.clone(),
        EventCmd::Call { item, note, .. } => join(vec![
            lab(
                "清单",
                "item",
                item.as_ref().map(|r| item_label(st, r)).unwrap_or_default(),
            ),
            note.clone(),
        ]),
        EventCmd::Cancel { reason, .. } | EventCmd::Shelve { reason, .. } => reason.clone(),
        EventCmd::Dispatch {
            item,
            lead,
            co,
            override_reason,
            note,
            ..
        } => join(vec![
            lab("牵头", "lead", view::unit(org, lead)),
            lab("协同", "co", view::units(org, co)),
            lab(
                "依据清单",
                "item",
                item.as_ref().map(|r| item_label(st, r)).unwrap_or_default(),
            ),
            lab(
                "调整理由",
                "override",
                override_reason.clone().unwrap_or_default(),
            ),
            note.clone(),
        ]),
        EventCmd::Whistle { units, note, .. } => join(vec![
            lab("单位", "units", view::units(org, units)),
            note.clone(),
        ]),
        EventCmd::Sign { assignment, .. } => hop(*assignment),
        EventCmd::CheckIn {
            assignment, note, ..
        } => join(vec![hop(*assignment), note.clone()]),
        EventCmd::RequestReturn {
            assignment,
            reason,
            legal_basis,
            ..
        } => join(vec![
            hop(*assignment),
            lab("理由", "reason", reason.clone()),
            lab("依据", "legal basis", legal_basis.clone()),
        ]),
        EventCmd::DecideReturn {
            assignment,
            decision,
            ..
        } => match decision {
            ReturnDecision::Reassign { lead, co, note, .. } => join(vec![
                hop(*assignment),
                lab("改派牵头", "new lead", view::unit(org, lead)),
                lab("协同", "co", view::units(org, co)),
                note.clone(),
            ]),
            ReturnDecision::Reject { note } | ReturnDecision::Dispute { note } => {
                join(vec![hop(*assignment), note.clone()])
            }
        },
        EventCmd::Rule {
            primary,
            supporting,
            reasoning,
            open_adjustment,
            ..
        } => join(vec![
            lab("主体责任", "primary", view::unit(org, primary)),
            lab("配合责任", "supporting", view::units(org, supporting)),
            reasoning.clone(),
            if *open_adjustment {
                l.pick("同时启动清单调整", "list adjustment opened").into()
            } else {
                String::new()
            },
        ]),
        EventCmd::Respond {
            assignment,
            contacted,
            arrived,
            note,
            ..
        } => join(vec![
            hop(*assignment),
            lab("已联系", "contacted", contacted.clone()),
            if *arrived {
                l.pick("已到场", "on site").into()
            } else {
                String::new()
            },
            note.clone(),
        ]),
        EventCmd::Note {
            assignment, text, ..
        } => join(vec![assignment.map(hop).unwrap_or_default(), text.clone()]),
        EventCmd::RequestExtension {
            assignment,
            days,
            reason,
            ..
        } => join(vec![
            hop(*assignment),
            if z {
                format!("{days} 个工作日")
            } else {
                format!("{days} working days")
            },
            reason.clone(),
        ]),
        EventCmd::DecideExtension {
            assignment, note, ..
        } => join(vec![hop(*assignment), note.clone()]),
        EventCmd::ReportBack {
            assignment,
            report,
            note,
            ..
        } => join(vec![
            hop(*assignment),
            lab("受理时间", "accepted", view::time(report.accepted_at_ms)),
            lab("与谁沟通", "contacted", report.contacted.clone()),
            lab("解决措施", "measures", report.measures.clone()),
            lab("解决时限", "resolve by", report.resolve_by.clone()),
            lab(
                "照片",
                "photos",
                if report.photos.is_empty() {
                    String::new()
                } else {
                    report.photos.len().to_string()
                },
            ),
            note.clone(),
        ]),
        EventCmd::Verify {
            assignment,
            note,
            photos,
            ..
        } => join(vec![
            hop(*assignment),
            note.clone(),
            lab(
                "照片",
                "photos",
                if photos.is_empty() {
                    String::new()
                } else {
                    photos.len().to_string()
                },
            ),
        ]),
        EventCmd::Evaluate {
            assignment,
            level,
            reason,
            ..
        } => join(vec![
            hop(*assignment),
            st.events
                .config
                .scale
                .label(*level)
                .unwrap_or_default()
                .to_string(),
            reason.clone(),
        ]),
        EventCmd::Appeal {
            assignment, reason, ..
        } => join(vec![hop(*assignment), reason.clone()]),
        EventCmd::DecideAppeal {
            assignment,
            new_level,
            note,
            ..
        } => join(vec![
            hop(*assignment),
            new_level
                .and_then(|x| st.events.config.scale.label(x))
                .unwrap_or_default()
                .to_string(),
            note.clone(),
        ]),
        EventCmd::Remind {
            assignment, note, ..
        } => join(vec![hop(*assignment), note.clone()]),
        EventCmd::PublicFeedback { level, comment, .. } => join(vec![
            st.events
                .config
                .scale
                .label(*level)
                .unwrap_or_default()
                .to_string(),
            comment.clone(),
        ]),
        EventCmd::ConcludeCase {
            assignment,
            outcome,
            ..
        } => join(vec![hop(*assignment), outcome.clone()]),
    }
}

fn hop_view(st: &CountyState, a: &Assignment, now: i64, l: Lang) -> HopView {
    let org = &st.org;
    let book = &st.events;
    let mut times = vec![];
    for (label, t) in [
        (l.pick("签收", "Signed"), a.signed_ms),
        (l.pick("响应", "Responded"), a.responded_ms),
        (l.pick("到场", "On site"), a.arrived_ms),
        (l.pick("反馈", "Reported"), a.reported_ms),
    ] {
        if let Some(t) = t {
            times.push((label, view::time(t)));
        }
    }
    let d = &a.deadlines;
    let mut deadlines = vec![
        (l.pick("签收时限", "Sign by"), view::time(d.sign)),
        (l.pick("退单时限", "Return by"), view::time(d.return_window)),
    ];
    if let Some(r) = d.respond {
        deadlines.push((l.pick("响应时限", "Respond by"), view::time(r)));
    }
    if let Some(r) = d.arrive {
        deadlines.push((l.pick("到场时限", "Arrive by"), view::time(r)));
    }
    deadlines.push((l.pick("办结时限", "Complete by"), view::time(d.complete)));
    let outcome = |o: &Option<String>| match o.as_deref() {
        None => l.pick("待审核", "pending"),
        Some("accepted") => l.pick("已同意（改派）", "accepted (reassigned)"),
        Some("rejected") => l.pick("已驳回", "rejected"),
        Some("disputed") => l.pick("转编办裁定", "referred to 编办"),
        Some(_) => "",
    };
    HopView {
        n: a.n,
        parent: a.parent,
        sender: view::unit_full(org, &a.sender_unit),
        receiver: view::unit_full(org, &a.receiver_unit),
        role: view::role(a.role, l),
        role_code: a.role.as_str(),
        status: view::hop_status(a.status, l),
        gone: a.status.is_gone(),
        rework: a.rework,
        item: a
            .item
            .as_ref()
            .map(|r| item_label(st, r))
            .unwrap_or_default(),
        override_reason: a.override_reason.clone().unwrap_or_default(),
        dispatched: view::time(a.dispatched_ms),
        dispatched_by: view::person(org, &a.dispatched_by),
        times,
        deadlines,
        due: view::due_of(book, a, now, l),
        report: a.report.as_ref().map(|r| ReportView {
            accepted_at: view::time(r.accepted_at_ms),
            contacted: r.contacted.clone(),
            measures: r.measures.clone(),
            resolve_by: r.resolve_by.clone(),
            photos: r.photos.clone(),
        }),
        verified: match a.verified {
            Some(true) => l.pick("现场核查：通过", "Verified on site: passed"),
            Some(false) => l.pick("现场核查：未通过", "Verified on site: failed"),
            None => "",
        },
        returns: a
            .returns
            .iter()
            .map(|r| ReturnView {
                by: view::person(org, &r.by),
                at: view::time(r.at_ms),
                reason: r.reason.clone(),
                legal_basis: r.legal_basis.clone(),
                outcome: outcome(&r.outcome),
            })
            .collect(),
        extensions: a
            .extensions
            .iter()
            .map(|x| ExtensionView {
                by: view::person(org, &x.by),
                at: view::time(x.at_ms),
                days: x.days,
                reason: x.reason.clone(),
                decision: match (x.approved, &x.decided_by) {
                    (None, _) => l.pick("待审批", "awaiting decision").to_string(),
                    (Some(ok), by) => format!(
                        "{} · {} {}",
                        if ok {
                            l.pick("已批准", "approved")
                        } else {
                            l.pick("未批准", "refused")
                        },
                        by.as_deref()
                            .map(|b| view::person(org, b))
                            .unwrap_or_default(),
                        view::opt_time(x.decided_ms)
                    ),
                },
            })
            .collect(),
        evaluation: a.evaluation.as_ref().map(|v| EvalView {
            by: format!(
                "{} · {}",
                view::unit(org, &v.unit),
                view::person(org, &v.by)
            ),
            at: view::time(v.at_ms),
            label: v.label.clone(),
            passed: v.passed,
            reason: v.reason.clone(),
            appeal: v.appeal.as_ref().map(|ap| {
                (
                    view::person(org, &ap.by),
                    view::time(ap.at_ms),
                    ap.reason.clone(),
                    match &ap.decision {
                        None => l.pick("待裁决", "awaiting decision").to_string(),
                        Some(d) => format!(
                            "{}{} · {} · {}",
                            if d.upheld {
                                l.pick("维持原评价", "grade upheld")
                            } else {
                                l.pick("改评为", "changed to ")
                            },
                            d.new_level
                                .and_then(|x| book.config.scale.label(x))
                                .filter(|_| !d.upheld)
                                .unwrap_or_default(),
                            d.note,
                            view::person(org, &d.by)
                        ),
                    },
                )
            }),
        }),
        reminders: {
            let mut v = vec![];
            if a.reminders > 0 {
                v.push(format!("{} ×{}", l.pick("催办", "reminders"), a.reminders));
            }
            if a.supervisions > 0 {
                v.push(format!(
                    "{} ×{}",
                    l.pick("督办", "supervision"),
                    a.supervisions
                ));
            }
            if a.escalated {
                v.push(l.pick("已升级督办", "escalated").to_string());
            }
            v.join(" · ")
        },
    }
}

fn location_grids<'a>(org: &'a OrgState, e: &Event) -> Vec<&'a Grid> {
    let loc = &e.facts.location;
    let by_village: Vec<&Grid> = match &loc.village {
        Some(v) => org.grids.values().filter(|g| &g.village == v).collect(),
        None => vec![],
    };
    if !by_village.is_empty() {
        return by_village;
    }
    match &loc.township {
        Some(t) => org
            .grids
            .values()
            .filter(|g| org.township_of(&g.village).is_some_and(|x| &x.code == t))
            .collect(),
        None => vec![],
    }
}

fn timeline_rows(st: &CountyState, e: &Event, entries: &[TimelineEntry], l: Lang) -> Vec<TimeRow> {
    let labels = &st.events.config.labels;
    entries
        .iter()
        .map(|x| TimeRow {
            seq: x.seq,
            at: view::time(x.at_ms),
            who: view::person(&st.org, &x.actor),
            unit: view::unit(&st.org, &x.unit),
            what: match &x.cmd {
                Some(c) => step_what(c, labels, l),
                None => x.kind.clone(),
            },
            detail: x
                .cmd
                .as_ref()
                .map(|c| step_detail(st, e, c, l))
                .unwrap_or_default(),
            short: x.hash.get(..12).unwrap_or(&x.hash).to_string(),
            hash: x.hash.clone(),
        })
        .collect()
}

/// The item a form starts from: `?item=` if given, else the event's own, at the current version.
fn chosen_item(st: &CountyState, e: &Event, q: &str) -> Option<tiaokuai_core::events::ItemRef> {
    let latest = st.lists.latest();
    let want = if q.is_empty() {
        e.item.as_ref().map(|r| r.id.clone())
    } else {
        Some(q.rsplit_once('@').map(|x| x.0).unwrap_or(q).to_string())
    }?;
    st.lists
        .item_at(&want, latest)
        .map(|_| tiaokuai_core::events::ItemRef {
            id: want,
            version: latest,
        })
}

pub async fn show(
    state: &AppState,
    s: &Session,
    id: u64,
    q: ViewQuery,
    flash: Option<Flash>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let now = now_ms();
    let visible = state
        .engine
        .with_state(|st| {
            st.events
                .event(id)
                .map(|e| may_see(&s.principal, &st.org, e))
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    match visible {
        None => return Err(PageError::not_found(l)),
        Some(false) => return Err(PageError::forbidden(l)),
        Some(true) => {}
    }
    let entries = state
        .engine
        .event_timeline(id)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let hits = if q.q.trim().is_empty() {
        vec![]
    } else {
        state.search.search(&state.engine, &q.q, 8, None).await.1
    };
    let p = s.principal.clone();
    let status_code = flash.as_ref().map(|f| f.status).unwrap_or(StatusCode::OK);
    let page = state
        .engine
        .with_state(|st| {
            let e = st.events.event(id)?;
            let org = &st.org;
            let book = &st.events;
            let latest = st.lists.latest();
            let item = e.item.as_ref().map(|r| {
                let it = st.lists.item_at(&r.id, r.version);
                ItemView {
                    href: format!("/lists/items/{}?version={}", r.id, r.version),
                    label: it
                        .map(|i| format!("{} {}", i.number, i.name))
                        .unwrap_or_else(|| r.id.clone()),
                    version: r.version,
                    primary: it.map(|i| view::units(org, &i.primary)).unwrap_or_default(),
                    supporting: it
                        .map(|i| view::units(org, &i.supporting))
                        .unwrap_or_default(),
                    latest,
                }
            });
            let f = &e.facts;
            let mut facts = vec![
                (
                    l.pick("来源渠道", "Channel"),
                    f.channel.label_zh().to_string(),
                ),
                (
                    l.pick("紧急程度", "Urgency"),
                    f.urgency.label_zh().to_string(),
                ),
                (l.pick("事件分级", "Grade"), f.grade.label_zh().to_string()),
            ];
            if let Some(r) = f.request_type {
                facts.push((l.pick("诉求类型", "Request type"), r.label_zh().to_string()));
            }
            if !f.category.is_empty() {
                facts.push((l.pick("类别", "Category"), f.category.clone()));
            }
            if let Some(h) = &f.hotline_no {
                facts.push((l.pick("热线工单号", "Hotline order"), h.clone()));
            }
            if let Some(t) = f.hotline_due_ms {
                facts.push((l.pick("热线办结时限", "Hotline due"), view::time(t)));
            }
            facts.push((
                l.pick("上报人", "Reported by"),
                view::person(org, &e.reporter),
            ));
            facts.push((
                l.pick("上报单位", "Reporting unit"),
                view::unit_full(org, &e.origin_unit),
            ));
            facts.push((
                l.pick("呼叫单位（评价方）", "Caller (grades)"),
                view::unit_full(org, &e.caller_unit),
            ));
            facts.push((l.pick("上报时间", "Reported at"), view::time(e.created_ms)));
            if let Some(t) = e.called_ms {
                facts.push((l.pick("呼叫时间", "Called at"), view::time(t)));
            }
            if let Some(t) = e.closed_ms {
                facts.push((l.pick("结束时间", "Ended at"), view::time(t)));
            }
            if !e.note.is_empty() {
                facts.push((l.pick("结束说明", "Closing note"), e.note.clone()));
            }
            if e.returns > 0 {
                facts.push((l.pick("退单次数", "Returns"), e.returns.to_string()));
            }
            if e.reopens > 0 {
                facts.push((l.pick("重办次数", "Reopened"), e.reopens.to_string()));
            }
            let loc = &f.location;
            let mut place = vec![(
                l.pick("坐标", "Point"),
                format!("{:.6}, {:.6}", loc.lon, loc.lat),
            )];
            if !loc.address.is_empty() {
                place.push((l.pick("地址", "Address"), loc.address.clone()));
            }
            for (label, code) in [
                (l.pick("乡镇(街道)", "Township"), &loc.township),
                (l.pick("村(社区)", "Village"), &loc.village),
            ] {
                if let Some(c) = code {
                    place.push((label, view::unit_full(org, c)));
                }
            }
            if let Some(g) = loc.grid.as_ref().and_then(|g| org.grids.get(g)) {
                place.push((l.pick("网格", "Grid"), g.name.clone()));
            }
            let grids = location_grids(org, e);
            let map = picker_map(
                &grids,
                loc.village.as_deref().unwrap_or(""),
                Some((loc.lon, loc.lat)),
                "event-map",
            );
            let hops = e
                .assignments
                .iter()
                .map(|a| hop_view(st, a, now, l))
                .collect();
            let disputes = e
                .disputes
                .iter()
                .map(|d| DisputeView {
                    hop: d.assignment,
                    opened: view::time(d.opened_ms),
                    reason: d.reason.clone(),
                    ruling: d.ruling.as_ref().map(|r| {
                        (
                            view::person(org, &r.by),
                            view::time(r.at_ms),
                            view::unit_full(org, &r.primary),
                            view::units(org, &r.supporting),
                            r.reasoning.clone(),
                            r.open_adjustment,
                        )
                    }),
                })
                .collect();
            let cases = book
                .cases
                .range((id, 0)..=(id, u32::MAX))
                .map(|(_, c)| CaseView {
                    hop: c.assignment,
                    unit: view::unit_full(org, &c.unit),
                    opened: view::time(c.opened_ms),
                    reason: c.reason.clone(),
                    outcome: match &c.outcome {
                        Some(o) => format!(
                            "{o} · {} {}",
                            c.concluded_by
                                .as_deref()
                                .map(|b| view::person(org, b))
                                .unwrap_or_default(),
                            view::opt_time(c.concluded_ms)
                        ),
                        None => String::new(),
                    },
                })
                .collect();
            let feedback = book
                .feedback
                .get(&id)
                .map(|fb| {
                    format!(
                        "{} {} · {} · {}",
                        fb.label,
                        fb.comment,
                        view::person(org, &fb.by),
                        view::time(fb.at_ms)
                    )
                })
                .unwrap_or_default();
            // The earliest open deadline heads the page.
            let due = e
                .live()
                .filter(|a| a.status.is_open())
                .filter_map(|a| open_deadline(a).map(|d| (d, a)))
                .min_by_key(|(d, _)| *d)
                .and_then(|(_, a)| view::due_of(book, a, now, l));
            let chosen = chosen_item(st, e, &q.item);
            let actions = actions::available(st, &p, now, e, chosen.as_ref(), flash.as_ref(), l);
            let searchable = actions
                .iter()
                .any(|a| a.code == "call" || a.code == "dispatch" || a.code == "decide_return");
            let mut extra: Vec<String> = chosen
                .as_ref()
                .and_then(|r| st.lists.item_at(&r.id, r.version))
                .map(|i| {
                    i.primary
                        .iter()
                        .chain(&i.supporting)
                        .filter(|c| !org.unit(c).is_some_and(|u| u.kind.is_township()))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            extra.extend(e.assignments.iter().map(|a| a.receiver_unit.clone()));
            let groups = view::unit_groups(org, &extra, l);
            let scale: Vec<(u8, String)> = book
                .config
                .scale
                .levels
                .iter()
                .enumerate()
                .map(|(i, x)| (i as u8, x.clone()))
                .collect();
            let opt = |r: &tiaokuai_core::events::ItemRef, checked: bool| {
                st.lists
                    .item_at(&r.id, r.version)
                    .map(|i| ItemOpt::of(org, i, r.version, checked))
            };
            let event_item = e.item.as_ref().and_then(|r| opt(r, false));
            let item_choice: Vec<ItemOpt> = chosen.iter().filter_map(|r| opt(r, true)).collect();
            let item_hits = hits
                .iter()
                .filter_map(|h| {
                    opt(
                        &tiaokuai_core::events::ItemRef {
                            id: h.id.clone(),
                            version: latest,
                        },
                        false,
                    )
                })
                .collect();
            // A ruling that opened a list adjustment: 编办 follows it up.
            let adjustment = if p.has(RoleKind::EstablishmentReviewer)
                && e.disputes
                    .iter()
                    .any(|d| d.ruling.as_ref().is_some_and(|r| r.open_adjustment))
            {
                let prefix = format!("事件{}职责争议裁定", e.no);
                match st
                    .adjustments
                    .values()
                    .rev()
                    .find(|a| a.app.reason.starts_with(&prefix))
                {
                    Some(a) => Some((
                        format!("/lists/adjustments/{}", a.app.id),
                        format!(
                            "{} #{} · {}",
                            l.pick("清单调整申请", "List adjustment"),
                            a.app.id,
                            if a.status == AdjustmentStatus::Published {
                                l.pick("已发布", "published")
                            } else {
                                a.status.label_zh()
                            }
                        ),
                    )),
                    None => e.item.as_ref().map(|r| {
                        (
                            format!("/lists/adjustments/new?item={}", r.id),
                            l.pick(
                                "发起清单调整（变更主体/配合责任）",
                                "Open a list adjustment",
                            )
                            .to_string(),
                        )
                    }),
                }
            } else {
                None
            };
            let (notice, error) = match &flash {
                Some(fl) => (String::new(), fl.message.clone()),
                None => (
                    if q.done.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "{}：{}",
                            actions::title_of(&q.done, &book.config.labels, l),
                            l.pick("已完成并记入日志", "done and recorded in the log")
                        )
                    },
                    q.err.clone(),
                ),
            };
            let secondary = actions.iter().filter(|a| a.secondary).count();
            let secondary_open = actions.iter().any(|a| a.secondary && !a.error.is_empty());
            Some(EventPage {
                c: Chrome::for_session(s, "/events"),
                id,
                no: e.no.clone(),
                title: f.title.clone(),
                status: view::status(e.status, l),
                status_class: view::status_class(book, e, now),
                due,
                urgent: f.urgency == tiaokuai_core::events::Urgency::Urgent,
                facts,
                description: f.description.clone(),
                photos: f.photos.clone(),
                place,
                map,
                item,
                hops,
                disputes,
                cases,
                feedback,
                timeline: timeline_rows(st, e, &entries, l),
                actions,
                notice,
                error,
                adjustment,
                groups,
                top_grade: scale.first().map(|x| x.1.clone()).unwrap_or_default(),
                scale,
                item_q: q.q.clone(),
                item_hits,
                item_choice,
                event_item,
                searchable,
                secondary,
                secondary_open,
            })
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let page = page.ok_or_else(|| PageError::not_found(l))?;
    Ok((status_code, render(&page)).into_response())
}

fn open_deadline(a: &Assignment) -> Option<i64> {
    if a.status == AssignmentStatus::Evaluated {
        return None;
    }
    tiaokuai_core::events::EventBook::current_deadline(a)
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(id): Path<u64>,
    Query(q): Query<ViewQuery>,
) -> Result<Response, PageError> {
    show(&state, &s, id, q, None).await
}

/// The proof bundle as a download: every entry of the event with its inclusion proof against
/// the latest signed checkpoint, checkable offline.
pub async fn proof(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(id): Path<u64>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let seen = state
        .engine
        .with_state(|st| {
            st.events
                .event(id)
                .map(|e| (may_see(&s.principal, &st.org, e), e.no.clone()))
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let no = match seen {
        None => return Err(PageError::not_found(l)),
        Some((false, _)) => return Err(PageError::forbidden(l)),
        Some((true, no)) => no,
    };
    let bundle = state
        .engine
        .event_proof(id)
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let body = serde_json::to_vec_pretty(&bundle).map_err(|e| PageError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: e.to_string(),
        lang: l,
    })?;
    let name = format!("event-{no}-proof.json");
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}
