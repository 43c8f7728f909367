//! The actions on the event page. Which forms a viewer sees is decided by dry-running each
//! candidate command through the rules (`choose_party`): if the rules would accept it (or only
//! object to the placeholder input), the form is shown. `POST /events/{id}/act/{action}` reads
//! the form, builds the command and submits it; a refusal re-shows the page with the error next
//! to the form and every value kept, and nothing changes.

use super::detail::{self, ViewQuery};
use super::form::{datetime_local, kept_photos, parse_cst, Fields};
use super::report::store_photos;
use super::view;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::session::PageSession;
use crate::AppState;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;
use tiaokuai_app::events::choose_party;
use tiaokuai_app::{now_ms, AppError};
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::{
    AssignmentRole, Event, EventCmd, HandlingReport, ItemRef, ReminderKind, ReturnDecision,
    StepLabels,
};
use tiaokuai_core::state::CountyState;
use tiaokuai_core::DomainError;

/// Every action a form can post, in the order forms are listed.
const CODES: [&str; 25] = [
    "sign",
    "check_in",
    "respond",
    "request_return",
    "request_extension",
    "report_back",
    "decide_return",
    "decide_extension",
    "verify",
    "evaluate",
    "appeal",
    "decide_appeal",
    "remind",
    "supervise",
    "conclude_case",
    "call",
    "self_close",
    "dispatch",
    "whistle",
    "rule",
    "close",
    "cancel",
    "shelve",
    "public_feedback",
    "note",
];

/// A refused submission, shown on the re-rendered page.
pub struct Flash {
    pub action: String,
    pub hop: Option<u32>,
    pub message: String,
    pub fields: BTreeMap<String, String>,
    pub values: BTreeMap<String, String>,
    pub status: StatusCode,
}

/// One form on the event page.
pub struct ActionView {
    pub code: &'static str,
    pub hop: Option<u32>,
    pub form_id: String,
    pub title: String,
    /// The step's name alone, for its button.
    pub label: String,
    pub hint: String,
    pub values: BTreeMap<String, String>,
    pub errors: BTreeMap<String, String>,
    /// The refusal of the last submission of this form.
    pub error: String,
    /// Why submitting would be refused now (the form stays, so the reason is visible).
    pub notice: String,
    /// Listed under "more actions" (reminders, notes, withdrawing, shelving).
    pub secondary: bool,
}

impl ActionView {
    pub fn v(&self, k: &str) -> &str {
        self.values.get(k).map(|s| s.as_str()).unwrap_or("")
    }
    /// A multi-valued field (joined by newlines) contains `val`.
    pub fn has(&self, k: &str, val: &str) -> bool {
        self.v(k).lines().any(|x| x.trim() == val)
    }
    pub fn err(&self, k: &str) -> &str {
        self.errors.get(k).map(|s| s.as_str()).unwrap_or("")
    }
    pub fn checked(&self, k: &str) -> bool {
        !self.v(k).is_empty()
    }
}

/// The name of an action, with the deployment's step labels.
pub fn title_of(code: &str, labels: &StepLabels, l: Lang) -> String {
    let z = l == Lang::Zh;
    let s = |zh: &str, en: &str| if z { zh.to_string() } else { en.to_string() };
    match code {
        "call" => {
            if z {
                format!("一键{}县级", labels.call)
            } else {
                "Call the county".into()
            }
        }
        "self_close" => s("自办结", "Close locally"),
        "cancel" => s("撤回", "Withdraw"),
        "dispatch" => {
            if z {
                labels.dispatch.clone()
            } else {
                "Dispatch".into()
            }
        }
        "whistle" => s("吹哨报到", "Blow the whistle"),
        "rule" => s("职责争议裁定", "Rule on the dispute"),
        "sign" => s("签收", "Sign"),
        "check_in" => s("报到", "Check in on site"),
        "request_return" => s("申请退单", "Ask to return"),
        "decide_return" => s("审核退单", "Decide the return"),
        "respond" => {
            if z {
                labels.respond.clone()
            } else {
                "Respond".into()
            }
        }
        "request_extension" => s("申请延期", "Ask for an extension"),
        "decide_extension" => s("审批延期", "Decide the extension"),
        "report_back" => s("办理反馈", "Report back"),
        "verify" => s("现场核查", "Verify on site"),
        "evaluate" => {
            if z {
                labels.evaluate.clone()
            } else {
                "Grade".into()
            }
        }
        "appeal" => s("申诉", "Appeal"),
        "decide_appeal" => s("裁决申诉", "Decide the appeal"),
        "remind" => s("催办", "Remind"),
        "supervise" => s("督办", "Supervision order"),
        "conclude_case" => s("追责结论", "Conclude the case"),
        "close" => s("办结归档", "Close and archive"),
        "shelve" => s("挂账", "Shelve"),
        "public_feedback" => s("回访", "Public feedback"),
        "note" => s("添加备注", "Add a note"),
        _ => code.to_string(),
    }
}

/// The placeholder text commands are dry-run with.
const X: &str = "—";

fn x() -> String {
    X.to_string()
}

/// The candidate commands on one hop.
fn hop_candidates(e: &Event, n: u32, now: i64) -> Vec<(&'static str, EventCmd)> {
    let event = e.id;
    vec![
        (
            "sign",
            EventCmd::Sign {
                event,
                assignment: n,
            },
        ),
        (
            "check_in",
            EventCmd::CheckIn {
                event,
                assignment: n,
                note: String::new(),
            },
        ),
        (
            "respond",
            EventCmd::Respond {
                event,
                assignment: n,
                contacted: x(),
                arrived: false,
                note: String::new(),
            },
        ),
        (
            "request_return",
            EventCmd::RequestReturn {
                event,
                assignment: n,
                reason: x(),
                legal_basis: x(),
            },
        ),
        (
            "request_extension",
            EventCmd::RequestExtension {
                event,
                assignment: n,
                days: 1,
                reason: x(),
            },
        ),
        (
            "report_back",
            EventCmd::ReportBack {
                event,
                assignment: n,
                report: HandlingReport {
                    accepted_at_ms: now,
                    contacted: x(),
                    measures: x(),
                    resolve_by: x(),
                    photos: vec![],
                },
                note: String::new(),
            },
        ),
        (
            "decide_return",
            EventCmd::DecideReturn {
                event,
                assignment: n,
                decision: ReturnDecision::Reject { note: x() },
            },
        ),
        (
            "decide_extension",
            EventCmd::DecideExtension {
                event,
                assignment: n,
                approve: true,
                note: String::new(),
            },
        ),
        (
            "verify",
            EventCmd::Verify {
                event,
                assignment: n,
                pass: true,
                note: String::new(),
                photos: vec![],
            },
        ),
        (
            "evaluate",
            EventCmd::Evaluate {
                event,
                assignment: n,
                level: 0,
                reason: String::new(),
            },
        ),
        (
            "appeal",
            EventCmd::Appeal {
                event,
                assignment: n,
                reason: x(),
            },
        ),
        (
            "decide_appeal",
            EventCmd::DecideAppeal {
                event,
                assignment: n,
                upheld: true,
                new_level: None,
                note: x(),
            },
        ),
        (
            "remind",
            EventCmd::Remind {
                event,
                assignment: n,
                kind: ReminderKind::Remind,
                note: String::new(),
            },
        ),
        (
            "supervise",
            EventCmd::Remind {
                event,
                assignment: n,
                kind: ReminderKind::Supervise,
                note: String::new(),
            },
        ),
        (
            "conclude_case",
            EventCmd::ConcludeCase {
                event,
                assignment: n,
                outcome: x(),
            },
        ),
    ]
}

fn event_candidates(e: &Event, item: Option<&ItemRef>) -> Vec<(&'static str, EventCmd)> {
    let event = e.id;
    vec![
        (
            "call",
            EventCmd::Call {
                event,
                item: None,
                note: String::new(),
            },
        ),
        ("self_close", EventCmd::SelfClose { event, note: x() }),
        (
            "dispatch",
            EventCmd::Dispatch {
                event,
                item: item.cloned(),
                lead: String::new(),
                co: vec![],
                override_reason: Some(x()),
                note: String::new(),
            },
        ),
        (
            "whistle",
            EventCmd::Whistle {
                event,
                units: vec![],
                note: String::new(),
            },
        ),
        (
            "rule",
            EventCmd::Rule {
                event,
                primary: String::new(),
                supporting: vec![],
                reasoning: x(),
                open_adjustment: false,
            },
        ),
        (
            "close",
            EventCmd::Close {
                event,
                note: String::new(),
            },
        ),
        ("cancel", EventCmd::Cancel { event, reason: x() }),
        ("shelve", EventCmd::Shelve { event, reason: x() }),
        (
            "public_feedback",
            EventCmd::PublicFeedback {
                event,
                level: 0,
                comment: String::new(),
            },
        ),
        (
            "note",
            EventCmd::Note {
                event,
                assignment: None,
                text: x(),
            },
        ),
    ]
}

/// The lead and co-departments a list item names, for prefilling (units that may receive
/// work, not the caller itself; townships are not sent co-work from here).
fn routing(
    st: &CountyState,
    e: &Event,
    item: Option<&ItemRef>,
    not: &str,
) -> (String, Vec<String>) {
    let org = &st.org;
    let Some(it) = item.and_then(|r| st.lists.item_at(&r.id, r.version)) else {
        return (String::new(), vec![]);
    };
    let ok = |c: &String| {
        tiaokuai_core::events::who::may_receive(org, c)
            && c != &e.caller_unit
            && c != not
            && !org.unit(c).is_some_and(|u| u.kind.is_township())
    };
    let lead = it
        .primary
        .iter()
        .find(|c| ok(c))
        .cloned()
        .unwrap_or_default();
    let co = it
        .primary
        .iter()
        .chain(&it.supporting)
        .filter(|c| ok(c) && **c != lead)
        .cloned()
        .collect();
    (lead, co)
}

fn hop_label(st: &CountyState, e: &Event, n: u32, l: Lang) -> String {
    match e.assignment(n) {
        Some(a) => format!(
            "#{n} {}（{}）",
            view::unit(&st.org, &a.receiver_unit),
            view::role(a.role, l)
        ),
        None => format!("#{n}"),
    }
}

/// The forms open to `p` on `e` now.
pub fn available(
    st: &CountyState,
    p: &Principal,
    now: i64,
    e: &Event,
    item: Option<&ItemRef>,
    flash: Option<&Flash>,
    l: Lang,
) -> Vec<ActionView> {
    let labels = &st.events.config.labels;
    let scale = &st.events.config.scale;
    let cfg = &st.events.config;
    let usable = |cmd: &EventCmd| -> Result<(), DomainError> {
        match choose_party(st, p, now, cmd) {
            Ok(_) | Err(DomainError::Invalid(_)) => Ok(()),
            Err(err) => Err(err),
        }
    };
    let mut out: Vec<ActionView> = Vec::new();
    let mut push = |code: &'static str,
                    hop: Option<u32>,
                    values: BTreeMap<String, String>,
                    hint: String,
                    notice: String| {
        let title = match hop {
            Some(n) => format!("{} · {}", title_of(code, labels, l), hop_label(st, e, n, l)),
            None => title_of(code, labels, l),
        };
        out.push(ActionView {
            code,
            hop,
            form_id: match hop {
                Some(n) => format!("act-{code}-{n}"),
                None => format!("act-{code}"),
            },
            title,
            label: title_of(code, labels, l),
            hint,
            values,
            errors: BTreeMap::new(),
            error: String::new(),
            notice,
            secondary: matches!(code, "remind" | "supervise" | "note" | "shelve" | "cancel"),
        });
    };
    let item_value = item
        .map(|r| format!("{}@{}", r.id, r.version))
        .unwrap_or_default();
    for a in &e.assignments {
        for (code, cmd) in hop_candidates(e, a.n, now) {
            if code == "check_in" && a.role != AssignmentRole::Whistle {
                continue;
            }
            let mut values = BTreeMap::new();
            let mut hint = String::new();
            let mut notice = String::new();
            match usable(&cmd) {
                Ok(()) => {}
                Err(DomainError::Conflict(m))
                    if code == "report_back"
                        && m.starts_with("the co-departments have not reported yet") =>
                {
                    notice = view::refusal(&DomainError::Conflict(m), &st.org, l);
                }
                Err(_) => continue,
            }
            match code {
                "report_back" => {
                    values.insert(
                        "accepted_at".into(),
                        datetime_local(a.signed_ms.unwrap_or(a.dispatched_ms)),
                    );
                    hint = l
                        .pick(
                            "四要素必填：受理时间、与谁沟通、解决措施、解决时限；可附现场照片",
                            "All four elements are required: accepted at, contacted, measures, resolve by; photos optional",
                        )
                        .into();
                }
                "request_return" => {
                    hint = format!(
                        "{} {}",
                        l.pick(
                            "须写明理由和法律依据；退单时限：",
                            "Give the reason and the legal basis; return window ends "
                        ),
                        view::time(a.deadlines.return_window)
                    );
                }
                "request_extension" => {
                    values.insert("days".into(), "1".into());
                    hint = match l {
                        Lang::Zh => format!(
                            "每次最多 {} 个工作日，最多 {} 次，须在办结时限（{}）前申请",
                            cfg.extension_max_days,
                            cfg.extension_max_count,
                            view::time(a.deadlines.complete)
                        ),
                        Lang::En => format!(
                            "At most {} working days, {} times, asked before the deadline ({})",
                            cfg.extension_max_days,
                            cfg.extension_max_count,
                            view::time(a.deadlines.complete)
                        ),
                    };
                }
                "decide_extension" => {
                    if let Some(x) = a.extensions.last() {
                        hint = format!(
                            "{} {} {}：{}",
                            view::person(&st.org, &x.by),
                            x.days,
                            l.pick("个工作日", "working days"),
                            x.reason
                        );
                    }
                }
                "decide_return" => {
                    let (lead, co) = routing(st, e, e.item.as_ref(), &a.receiver_unit);
                    values.insert("lead".into(), lead);
                    values.insert("co".into(), co.join("\n"));
                    if let Some(r) = a.returns.last() {
                        hint = format!(
                            "{}：{}（{}：{}）",
                            l.pick("退单理由", "Reason"),
                            r.reason,
                            l.pick("依据", "basis"),
                            r.legal_basis
                        );
                    }
                }
                "evaluate" => {
                    let top = scale.label(0).unwrap_or_default();
                    let fail = scale.label(scale.fail_from).unwrap_or_default();
                    hint = match l {
                        Lang::Zh => format!(
                            "低于“{top}”须填写理由；评为“{fail}”及以下将重办并移送纪检监察追责"
                        ),
                        Lang::En => format!(
                            "Below “{top}” a reason is required; “{fail}” or worse reopens the work and opens an accountability case"
                        ),
                    };
                }
                _ => {}
            }
            push(code, Some(a.n), values, hint, notice);
        }
    }
    for (code, cmd) in event_candidates(e, item) {
        // 回访 is recorded once the event is closed.
        if code == "public_feedback"
            && (e.status != tiaokuai_core::events::EventStatus::Closed
                || st.events.feedback.contains_key(&e.id))
        {
            continue;
        }
        if usable(&cmd).is_err() {
            continue;
        }
        let mut values = BTreeMap::new();
        let mut hint = String::new();
        match code {
            "call" => {
                values.insert("item".into(), item_value.clone());
            }
            "dispatch" => {
                let (lead, co) = routing(st, e, item, "");
                values.insert("item".into(), item_value.clone());
                values.insert("lead".into(), lead);
                values.insert("co".into(), co.join("\n"));
                hint = l
                    .pick(
                        "已按清单预填牵头和协同单位；所派单位与清单不一致或不依据清单时须填写理由",
                        "Lead and co-departments are prefilled from the list; give a reason if you change them or dispatch off the list",
                    )
                    .into();
            }
            "rule" => {
                hint = l
                    .pick(
                        "裁定后按主体责任单位重新派单；勾选“启动清单调整”将同时提交变更主体/配合责任申请",
                        "The work moves to the primary unit; “open adjustment” also files a list change",
                    )
                    .into();
            }
            _ => {}
        }
        push(code, None, values, hint, String::new());
    }
    // One form per hop for 催办 and 督办, with a button for each the viewer may issue.
    let mut merged: Vec<ActionView> = Vec::with_capacity(out.len());
    for mut a in out {
        if a.code == "remind" || a.code == "supervise" {
            let flag = if a.code == "remind" {
                "can_remind"
            } else {
                "can_supervise"
            };
            if let Some(prev) = merged
                .iter_mut()
                .find(|p| (p.code == "remind" || p.code == "supervise") && p.hop == a.hop)
            {
                prev.values.insert(flag.into(), "1".into());
                continue;
            }
            a.values.insert(flag.into(), "1".into());
            a.title = match a.hop {
                Some(n) => format!(
                    "{} · {}",
                    l.pick("催办/督办", "Remind / supervise"),
                    hop_label(st, e, n, l)
                ),
                None => a.title,
            };
        }
        merged.push(a);
    }
    let mut out = merged;
    if let Some(fl) = flash {
        for a in out.iter_mut() {
            let same = a.code == fl.action
                || (matches!(a.code, "remind" | "supervise")
                    && matches!(fl.action.as_str(), "remind" | "supervise"));
            if same && a.hop == fl.hop {
                for (k, v) in &fl.values {
                    a.values.insert(k.clone(), v.clone());
                }
                a.errors = fl.fields.clone();
                a.error = fl.message.clone();
            }
        }
    }
    out
}

fn need(errs: &mut BTreeMap<String, String>, f: &Fields, name: &str, l: Lang) -> String {
    let v = f.get(name).to_string();
    if v.is_empty() {
        errs.insert(name.to_string(), l.pick("必须填写", "required").to_string());
    }
    v
}

fn opt_item(f: &Fields, errs: &mut BTreeMap<String, String>, l: Lang) -> Option<ItemRef> {
    let v = f.get("item");
    if v.is_empty() {
        return None;
    }
    let r = v.rsplit_once('@').and_then(|(id, ver)| {
        Some(ItemRef {
            id: id.to_string(),
            version: ver.parse().ok()?,
        })
    });
    if r.is_none() {
        errs.insert(
            "item".into(),
            l.pick("请重新选择清单事项", "choose the item again").into(),
        );
    }
    r
}

fn level(f: &Fields, name: &str, errs: &mut BTreeMap<String, String>, l: Lang) -> u8 {
    match f.get(name).parse::<u8>() {
        Ok(x) => x,
        Err(_) => {
            errs.insert(
                name.to_string(),
                l.pick("请选择等级", "choose a grade").into(),
            );
            0
        }
    }
}

/// The command a posted form asks for, or the problems with the form itself.
fn build(
    code: &str,
    event: u64,
    f: &Fields,
    photos: Vec<String>,
    now: i64,
    l: Lang,
) -> Result<EventCmd, BTreeMap<String, String>> {
    let mut errs = BTreeMap::new();
    let hop = f.get("assignment").parse::<u32>().ok();
    let assignment = hop.unwrap_or(0);
    let note = f.raw("note").trim().to_string();
    let cmd = match code {
        "call" => EventCmd::Call {
            event,
            item: opt_item(f, &mut errs, l),
            note,
        },
        "self_close" => EventCmd::SelfClose {
            event,
            note: need(&mut errs, f, "note", l),
        },
        "cancel" => EventCmd::Cancel {
            event,
            reason: need(&mut errs, f, "reason", l),
        },
        "dispatch" => EventCmd::Dispatch {
            event,
            item: opt_item(f, &mut errs, l),
            lead: need(&mut errs, f, "lead", l),
            co: f.all("co"),
            override_reason: Some(f.get("override_reason").to_string()).filter(|x| !x.is_empty()),
            note,
        },
        "whistle" => EventCmd::Whistle {
            event,
            units: f.all("units"),
            note,
        },
        "rule" => EventCmd::Rule {
            event,
            primary: need(&mut errs, f, "primary", l),
            supporting: f.all("supporting"),
            reasoning: need(&mut errs, f, "reasoning", l),
            open_adjustment: f.has("open_adjustment"),
        },
        "sign" => EventCmd::Sign { event, assignment },
        "check_in" => EventCmd::CheckIn {
            event,
            assignment,
            note,
        },
        "request_return" => EventCmd::RequestReturn {
            event,
            assignment,
            reason: need(&mut errs, f, "reason", l),
            legal_basis: need(&mut errs, f, "legal_basis", l),
        },
        "decide_return" => {
            let decision = match f.get("decision") {
                "reassign" => ReturnDecision::Reassign {
                    lead: need(&mut errs, f, "lead", l),
                    co: f.all("co"),
                    override_reason: Some(f.get("override_reason").to_string())
                        .filter(|x| !x.is_empty()),
                    note: need(&mut errs, f, "note", l),
                },
                "reject" => ReturnDecision::Reject {
                    note: need(&mut errs, f, "note", l),
                },
                "dispute" => ReturnDecision::Dispute {
                    note: need(&mut errs, f, "note", l),
                },
                _ => {
                    errs.insert(
                        "decision".into(),
                        l.pick("请选择审核结果", "choose a decision").into(),
                    );
                    ReturnDecision::Reject { note }
                }
            };
            EventCmd::DecideReturn {
                event,
                assignment,
                decision,
            }
        }
        "respond" => EventCmd::Respond {
            event,
            assignment,
            contacted: need(&mut errs, f, "contacted", l),
            arrived: f.has("arrived"),
            note,
        },
        "note" => EventCmd::Note {
            event,
            assignment: hop,
            text: need(&mut errs, f, "text", l),
        },
        "request_extension" => EventCmd::RequestExtension {
            event,
            assignment,
            days: match f.get("days").parse::<u32>() {
                Ok(d) => d,
                Err(_) => {
                    errs.insert(
                        "days".into(),
                        l.pick("请填写工作日天数", "give a number of working days")
                            .into(),
                    );
                    0
                }
            },
            reason: need(&mut errs, f, "reason", l),
        },
        "decide_extension" => EventCmd::DecideExtension {
            event,
            assignment,
            approve: f.get("decision") == "approve",
            note,
        },
        "report_back" => {
            let accepted_at_ms = match parse_cst(f.get("accepted_at")) {
                Some(t) => t,
                None => {
                    errs.insert(
                        "accepted_at".into(),
                        l.pick("请填写受理时间", "give the time it was accepted")
                            .into(),
                    );
                    now
                }
            };
            EventCmd::ReportBack {
                event,
                assignment,
                report: HandlingReport {
                    accepted_at_ms,
                    contacted: need(&mut errs, f, "contacted", l),
                    measures: f.raw("measures").trim().to_string(),
                    resolve_by: need(&mut errs, f, "resolve_by", l),
                    photos,
                },
                note,
            }
        }
        "verify" => EventCmd::Verify {
            event,
            assignment,
            pass: f.get("decision") == "pass",
            note,
            photos,
        },
        "evaluate" => EventCmd::Evaluate {
            event,
            assignment,
            level: level(f, "level", &mut errs, l),
            reason: f.raw("reason").trim().to_string(),
        },
        "appeal" => EventCmd::Appeal {
            event,
            assignment,
            reason: need(&mut errs, f, "reason", l),
        },
        "decide_appeal" => {
            let upheld = f.get("decision") != "change";
            EventCmd::DecideAppeal {
                event,
                assignment,
                upheld,
                new_level: if upheld {
                    None
                } else {
                    Some(level(f, "new_level", &mut errs, l))
                },
                note: need(&mut errs, f, "note", l),
            }
        }
        "remind" | "supervise" => EventCmd::Remind {
            event,
            assignment,
            kind: if code == "remind" {
                ReminderKind::Remind
            } else {
                ReminderKind::Supervise
            },
            note,
        },
        "conclude_case" => EventCmd::ConcludeCase {
            event,
            assignment,
            outcome: need(&mut errs, f, "outcome", l),
        },
        "close" => EventCmd::Close { event, note },
        "shelve" => EventCmd::Shelve {
            event,
            reason: need(&mut errs, f, "reason", l),
        },
        "public_feedback" => EventCmd::PublicFeedback {
            event,
            level: level(f, "level", &mut errs, l),
            comment: f.raw("comment").trim().to_string(),
        },
        _ => {
            errs.insert("action".into(), "unknown action".into());
            EventCmd::Close { event, note }
        }
    };
    if code == "report_back" && f.get("measures").is_empty() {
        errs.insert(
            "measures".into(),
            l.pick("必须填写", "required").to_string(),
        );
    }
    if errs.is_empty() {
        Ok(cmd)
    } else {
        Err(errs)
    }
}

fn status_of(e: &DomainError) -> StatusCode {
    match e {
        DomainError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        DomainError::NotFound { .. } => StatusCode::NOT_FOUND,
        DomainError::Forbidden(_) => StatusCode::FORBIDDEN,
        DomainError::Conflict(_) => StatusCode::CONFLICT,
    }
}

pub async fn act(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path((id, action)): Path<(u64, String)>,
    mp: Multipart,
) -> Result<Response, PageError> {
    let l = s.lang;
    let Some(code) = CODES.iter().copied().find(|c| *c == action) else {
        return Err(PageError::not_found(l));
    };
    let f = Fields::read(mp).await;
    if !s.check_csrf(f.get("csrf")) {
        return Err(PageError::forbidden(l));
    }
    let hop = f.get("assignment").parse::<u32>().ok();
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    let mut photos = kept_photos(&f);
    if matches!(code, "report_back" | "verify") {
        store_photos(&state, &f, "photos", &mut photos, &mut fields, l).await?;
    }
    let mut values = f.kept();
    values.remove("photo_hash");
    if !photos.is_empty() {
        values.insert("photo_hash".into(), photos.join("\n"));
    }
    let now = now_ms();
    let (message, status) = match build(code, id, &f, photos, now, l) {
        Ok(cmd) if fields.is_empty() => match state.engine.act(&s.principal, now, cmd).await {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/events/{id}?done={code}#timeline")).into_response()
                )
            }
            Err(AppError::Domain(e)) => {
                if let DomainError::Invalid(errs) = &e {
                    for fe in errs {
                        let msg = match l {
                            Lang::Zh => view::field_message(fe),
                            Lang::En => fe.message.clone(),
                        };
                        fields.insert(fe.field.clone(), msg);
                    }
                }
                let msg = state
                    .engine
                    .with_state(|st| view::refusal(&e, &st.org, l))
                    .await
                    .unwrap_or_else(|_| e.to_string());
                (msg, status_of(&e))
            }
            Err(e) => return Err(PageError::from_app(e, l)),
        },
        Ok(_) => (
            l.pick("请更正标出的问题", "Please correct the marked fields")
                .to_string(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(errs) => {
            fields.extend(errs);
            (
                l.pick("请更正标出的问题", "Please correct the marked fields")
                    .to_string(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    };
    let flash = Flash {
        action: code.to_string(),
        hop,
        message,
        fields,
        values,
        status,
    };
    detail::show(&state, &s, id, ViewQuery::default(), Some(flash)).await
}
