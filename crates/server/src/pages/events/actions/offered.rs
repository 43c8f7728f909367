//! Which forms the event page offers a viewer: each candidate command is dry-run through the
//! rules, and the forms that would be accepted are listed with prefilled values and hints.

use super::candidates::{event_candidates, hop_candidates};
use super::Flash;
use crate::i18n::Lang;
use crate::pages::events::form::datetime_local;
use crate::pages::events::view;
use std::collections::BTreeMap;
use tiaokuai_app::events::choose_party;
use tiaokuai_core::access::Principal;
use tiaokuai_core::error::EventReason;
use tiaokuai_core::events::township::assignable_units;
use tiaokuai_core::events::{AssignmentRole, Event, EventCmd, ItemRef, StepLabels};
use tiaokuai_core::state::CountyState;
use tiaokuai_core::{DomainError, Reason};

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
    /// The one action shown open with the main button; the other main actions fold away.
    pub primary: bool,
    /// The township's stationed units (code, name) for 乡镇派单 and for deciding the return
    /// of a township hop; empty for every other form.
    pub units: Vec<(String, String)>,
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
        "assign" => s("派单至派驻机构/站所", "Assign to a stationed unit"),
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

/// The units the event's township may assign to, but `not`.
fn township_units(st: &CountyState, e: &Event, not: &str) -> Vec<(String, String)> {
    assignable_units(&st.org, &e.caller_unit)
        .into_iter()
        .filter(|u| u.code != not)
        .map(|u| (u.code.clone(), u.name.clone()))
        .collect()
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
                    notice: String,
                    units: Vec<(String, String)>| {
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
            primary: false,
            units,
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
            let mut units = Vec::new();
            match usable(&cmd) {
                Ok(()) => {}
                Err(
                    e @ DomainError::Conflict(Reason::Event(EventReason::CoNotReported { .. })),
                ) if code == "report_back" => {
                    notice = view::refusal(&e, &st.org, l);
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
                    if cfg.return_becomes_dispute(e, a.n) {
                        hint.push_str(l.pick(
                            "。本事件已有退单被改派或驳回，本次退单将直接提交编办裁定，裁定前继续办理",
                            ". This event has had a return reassigned or rejected: this return goes straight to 编办 for a ruling, and the work continues until then",
                        ));
                    }
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
                "decide_return" if a.role == AssignmentRole::Township => {
                    // The township reassigns among its own stationed units, or rejects.
                    units = township_units(st, e, &a.receiver_unit);
                    values.insert("township".into(), "1".into());
                    if let Some(r) = a.returns.last() {
                        hint = format!(
                            "{}：{}（{}：{}）{}",
                            l.pick("退单理由", "Reason"),
                            r.reason,
                            l.pick("依据", "basis"),
                            r.legal_basis,
                            l.pick(
                                "。也可呼叫县级，呼叫即同意退单",
                                ". You may also call the county, which accepts the return"
                            )
                        );
                    }
                }
                "decide_return" => {
                    let (lead, co) = routing(st, e, e.item.as_ref(), &a.receiver_unit);
                    values.insert("lead".into(), lead);
                    values.insert("co".into(), co.join("\n"));
                    if let Some(r) = a.returns.last() {
                        hint = format!(
                            "{}：{}（{}：{}）{}",
                            l.pick("退单理由", "Reason"),
                            r.reason,
                            l.pick("依据", "basis"),
                            r.legal_basis,
                            l.pick(
                                "。驳回后该单位如再次退单，将自动提交编办裁定",
                                ". If you reject it and the unit returns it again, it goes to 编办 for a ruling"
                            )
                        );
                    }
                }
                "evaluate" => {
                    let top = view::grade(scale.label(0).unwrap_or_default(), l);
                    let fail = view::grade(scale.label(scale.fail_from).unwrap_or_default(), l);
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
            push(code, Some(a.n), values, hint, notice, units);
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
        let mut units = Vec::new();
        match code {
            "assign" => {
                units = township_units(st, e, "");
                hint = l
                    .pick(
                        "由派驻机构/站所签收办理并反馈，本镇评价；无法解决的可再呼叫县级",
                        "The stationed unit signs, handles and reports back; the township grades it, and may still call the county",
                    )
                    .into();
            }
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
        push(code, None, values, hint, String::new(), units);
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

/// Marks the one primary action of a page: the step the work normally takes next. A township
/// with a fresh report handles it itself when the list item names the township, assigns it
/// when the item names a stationed unit, and otherwise calls the county; returns, extensions
/// and appeals are never the obvious next step.
pub fn mark_primary(
    actions: &mut [ActionView],
    org: &tiaokuai_core::state::OrgState,
    item: Option<&tiaokuai_core::lists::Item>,
) {
    use tiaokuai_core::org::UnitKind;
    let names = |pred: &dyn Fn(UnitKind) -> bool| {
        item.is_some_and(|i| {
            i.primary
                .iter()
                .any(|c| org.unit(c).is_some_and(|u| pred(u.kind)))
        })
    };
    let township_pick = if names(&|k| k.is_township()) {
        "self_close"
    } else if names(&|k| k == UnitKind::StationedUnit) {
        "assign"
    } else {
        "call"
    };
    let rank = |code: &str| -> u8 {
        match code {
            "self_close" | "assign" | "call" if code == township_pick => 1,
            "self_close" | "assign" | "call" => 2,
            "whistle" => 3,
            "request_return" | "request_extension" | "appeal" => 5,
            _ => 0,
        }
    };
    let best = actions
        .iter()
        .enumerate()
        .filter(|(_, a)| !a.secondary)
        .min_by_key(|(i, a)| (rank(a.code), *i))
        .map(|(i, _)| i);
    if let Some(i) = best {
        actions[i].primary = true;
    }
}
