//! The workflow settings form: its fields (flat names such as `normal_sign`), reading them into
//! a [`WorkflowConfig`] with an error per field, and the per item override form.

use super::super::limit_label;
use super::Values;
use crate::i18n::Lang;
use std::collections::HashMap;
use tiaokuai_core::calendar::Limit;
use tiaokuai_core::error::DataReason;
use tiaokuai_core::events::{ItemLimits, LimitSet, RequestType, Scale, WorkflowConfig};
use tiaokuai_core::FieldError;

pub struct Field {
    pub name: String,
    pub label: String,
    /// `text`, `limit`, `number`, `check` or `scale`.
    pub kind: &'static str,
    pub value: String,
    pub error: String,
    pub hint: String,
}

pub struct Section {
    pub title: String,
    pub rows: Vec<(String, String)>,
    pub fields: Vec<Field>,
}

impl Section {
    pub fn view(title: &str, rows: Vec<(String, String)>) -> Self {
        Section {
            title: title.into(),
            rows,
            fields: vec![],
        }
    }
}

const LABELS: [(&str, &str, &str); 4] = [
    ("labels_call", "呼叫步骤名称", "Call step label"),
    ("labels_dispatch", "派单步骤名称", "Dispatch step label"),
    ("labels_respond", "响应步骤名称", "Respond step label"),
    ("labels_evaluate", "评价步骤名称", "Evaluate step label"),
];

const HOP: [(&str, &str, &str); 4] = [
    ("sign", "签收", "sign"),
    ("respond", "响应", "respond"),
    ("complete", "办结", "complete"),
    ("return_window", "退单时限", "return window"),
];

const NUMBERS: [(&str, &str, &str); 7] = [
    (
        "extension_max_count",
        "延期次数上限",
        "Extensions at most (count)",
    ),
    (
        "extension_max_days",
        "每次延期上限（工作日）",
        "Each extension at most (working days)",
    ),
    (
        "returns_before_dispute",
        "退单几次后转争议",
        "Returns before a dispute",
    ),
    (
        "escalate_after_days",
        "超期几个工作日后升级督办",
        "Escalate after working days overdue",
    ),
    (
        "warn_percent_sign",
        "签收时限最后百分之几预警",
        "Yellow flag in the last % of the signing limit",
    ),
    (
        "warn_percent_respond",
        "响应时限最后百分之几预警",
        "Yellow flag in the last % of the response limit",
    ),
    (
        "warn_percent_complete",
        "办结时限最后百分之几预警",
        "Yellow flag in the last % of the completion limit",
    ),
];

const CHECKS: [(&str, &str, &str); 4] = [
    (
        "pause_while_extension_pending",
        "延期审批期间暂停计时",
        "Pause the clock while an extension is pending",
    ),
    (
        "verification_required",
        "评价前须现场核查",
        "On-site verification before evaluation",
    ),
    (
        "call_needs_leader",
        "乡镇呼叫须领导审核",
        "A township call needs a leader",
    ),
    (
        "allow_off_list",
        "允许清单外派单",
        "Allow dispatch without a list item",
    ),
];

fn set_of(cfg: &WorkflowConfig, urgent: bool) -> &LimitSet {
    if urgent {
        &cfg.urgent
    } else {
        &cfg.normal
    }
}

fn hop(set: &LimitSet, f: &str) -> Limit {
    match f {
        "sign" => set.sign,
        "respond" => set.respond,
        "complete" => set.complete,
        _ => set.return_window,
    }
}

fn hop_mut<'a>(set: &'a mut LimitSet, f: &str) -> &'a mut Limit {
    match f {
        "sign" => &mut set.sign,
        "respond" => &mut set.respond,
        "complete" => &mut set.complete,
        _ => &mut set.return_window,
    }
}

fn bool_of(cfg: &WorkflowConfig, k: &str) -> bool {
    match k {
        "pause_while_extension_pending" => cfg.pause_while_extension_pending,
        "verification_required" => cfg.verification_required,
        "call_needs_leader" => cfg.call_needs_leader,
        _ => cfg.allow_off_list,
    }
}

fn number_of(cfg: &WorkflowConfig, k: &str) -> u32 {
    match k {
        "extension_max_count" => cfg.extension_max_count,
        "extension_max_days" => cfg.extension_max_days,
        "returns_before_dispute" => cfg.returns_before_dispute,
        "warn_percent_sign" => cfg.warn_percent.sign.into(),
        "warn_percent_respond" => cfg.warn_percent.respond.into(),
        "warn_percent_complete" => cfg.warn_percent.complete.into(),
        _ => cfg.escalate_after_days,
    }
}

fn scale_key(s: &Scale) -> String {
    [
        ("3", Scale::three()),
        ("4", Scale::four()),
        ("5", Scale::five()),
    ]
    .into_iter()
    .find(|(_, x)| x == s)
    .map_or_else(|| "keep".into(), |(k, _)| k.into())
}

/// The form's values for the settings `cfg`.
pub fn form_values(cfg: &WorkflowConfig) -> Values {
    let mut v = Values::new();
    let l = &cfg.labels;
    for (k, x) in LABELS
        .iter()
        .zip([&l.call, &l.dispatch, &l.respond, &l.evaluate])
    {
        v.insert(k.0.into(), x.clone());
    }
    for (u, urgent) in [("normal", false), ("urgent", true)] {
        for (f, _, _) in HOP {
            v.insert(format!("{u}_{f}"), hop(set_of(cfg, urgent), f).to_string());
        }
    }
    for t in RequestType::ALL {
        let x = cfg.by_request_type.get(&t).map(|l| l.to_string());
        v.insert(format!("rt_{}", t.as_str()), x.unwrap_or_default());
    }
    v.insert("whistle_arrive".into(), cfg.whistle_arrive.to_string());
    v.insert("warn_before".into(), cfg.warn_before.to_string());
    for (k, _, _) in NUMBERS {
        v.insert(k.into(), number_of(cfg, k).to_string());
    }
    for (k, _, _) in CHECKS {
        if bool_of(cfg, k) {
            v.insert(k.into(), "on".into());
        }
    }
    v.insert("scale".into(), scale_key(&cfg.scale));
    v
}

/// The form field an error of the settings (`normal.sign`, `scale.fail_from`) belongs to.
pub fn field_key(f: &str) -> String {
    if f.starts_with("scale") {
        return "scale".into();
    }
    if f.starts_with("by_item") {
        return "by_item".into();
    }
    f.replace('.', "_")
}

/// A settings problem in the page's language, from the reasons' catalogue.
pub fn localise(e: &FieldError, lang: Lang) -> String {
    crate::error::reason_text(&e.reason, lang)
}

fn limit_error(lang: Lang, raw: &str, e: &DataReason) -> String {
    if raw.is_empty() {
        return lang
            .pick(
                "必填，例如 5d、2h、30m 或 30cm",
                "required, e.g. 5d, 2h, 30m or 30cm",
            )
            .into();
    }
    crate::error::reason_text(&e.clone().into(), lang)
}

/// The settings the form asks for, from the current ones; with an error per form field.
pub fn config_from_form(
    cur: &WorkflowConfig,
    f: &Values,
    lang: Lang,
) -> (WorkflowConfig, HashMap<String, String>) {
    let get = |k: &str| f.get(k).map(|x| x.trim()).unwrap_or_default().to_string();
    let mut errs = HashMap::new();
    let mut next = cur.clone();
    let limit = |k: &str, errs: &mut HashMap<String, String>| -> Option<Limit> {
        let raw = get(k);
        Limit::parse(&raw)
            .map_err(|e| errs.insert(k.to_string(), limit_error(lang, &raw, &e)))
            .ok()
    };
    let l = &mut next.labels;
    for (k, slot) in LABELS.iter().zip([
        &mut l.call,
        &mut l.dispatch,
        &mut l.respond,
        &mut l.evaluate,
    ]) {
        *slot = get(k.0);
    }
    for (u, urgent) in [("normal", false), ("urgent", true)] {
        for (h, _, _) in HOP {
            if let Some(x) = limit(&format!("{u}_{h}"), &mut errs) {
                let set = if urgent {
                    &mut next.urgent
                } else {
                    &mut next.normal
                };
                *hop_mut(set, h) = x;
            }
        }
    }
    for t in RequestType::ALL {
        let k = format!("rt_{}", t.as_str());
        if get(&k).is_empty() {
            next.by_request_type.remove(&t);
        } else if let Some(x) = limit(&k, &mut errs) {
            next.by_request_type.insert(t, x);
        }
    }
    if let Some(x) = limit("whistle_arrive", &mut errs) {
        next.whistle_arrive = x;
    }
    if let Some(x) = limit("warn_before", &mut errs) {
        next.warn_before = x;
    }
    for (k, _, _) in NUMBERS {
        match get(k).parse::<u32>() {
            Ok(n) => match k {
                "extension_max_count" => next.extension_max_count = n,
                "extension_max_days" => next.extension_max_days = n,
                "returns_before_dispute" => next.returns_before_dispute = n,
                // Above 100 is refused by the settings' own check, beside the field.
                "warn_percent_sign" => next.warn_percent.sign = n.min(255) as u8,
                "warn_percent_respond" => next.warn_percent.respond = n.min(255) as u8,
                "warn_percent_complete" => next.warn_percent.complete = n.min(255) as u8,
                _ => next.escalate_after_days = n,
            },
            Err(_) => {
                errs.insert(
                    k.into(),
                    lang.pick("请填写不小于 0 的整数", "enter a whole number, 0 or more")
                        .into(),
                );
            }
        }
    }
    for (k, _, _) in CHECKS {
        let on = !get(k).is_empty();
        match k {
            "pause_while_extension_pending" => next.pause_while_extension_pending = on,
            "verification_required" => next.verification_required = on,
            "call_needs_leader" => next.call_needs_leader = on,
            _ => next.allow_off_list = on,
        }
    }
    match get("scale").as_str() {
        "3" => next.scale = Scale::three(),
        "4" => next.scale = Scale::four(),
        "5" => next.scale = Scale::five(),
        "keep" => {}
        _ => {
            errs.insert(
                "scale".into(),
                lang.pick("请选择 3、4 或 5 级", "choose 3, 4 or 5 levels")
                    .into(),
            );
        }
    }
    (next, errs)
}

fn field(
    name: String,
    label: &str,
    kind: &'static str,
    vals: &Values,
    errs: &HashMap<String, String>,
    hint: String,
) -> Field {
    Field {
        value: vals.get(&name).cloned().unwrap_or_default(),
        error: errs.get(&name).cloned().unwrap_or_default(),
        name,
        label: label.into(),
        kind,
        hint,
    }
}

/// The administrator's form, in sections, with `vals` typed in and `errs` beside the fields.
pub fn sections(
    cfg: &WorkflowConfig,
    vals: &Values,
    errs: &HashMap<String, String>,
    lang: Lang,
) -> Vec<Section> {
    let now = |l: Limit| format!("{}{}", lang.pick("现行：", "now: "), limit_label(l, lang));
    let sec = |title: &str, fields: Vec<Field>| Section {
        title: title.into(),
        rows: vec![],
        fields,
    };
    let labels = LABELS
        .iter()
        .map(|(k, zh, en)| {
            field(
                (*k).into(),
                lang.pick(zh, en),
                "text",
                vals,
                errs,
                String::new(),
            )
        })
        .collect();
    let mut limits = Vec::new();
    for (u, urgent, uzh, uen) in [
        ("normal", false, "一般", "normal"),
        ("urgent", true, "紧急", "urgent"),
    ] {
        for (h, zh, en) in HOP {
            let label = match lang {
                Lang::Zh => format!("{uzh}件 · {zh}"),
                Lang::En => format!("{en} ({uen})"),
            };
            let hint = now(hop(set_of(cfg, urgent), h));
            limits.push(field(format!("{u}_{h}"), &label, "limit", vals, errs, hint));
        }
    }
    let rt = RequestType::ALL
        .iter()
        .map(|t| {
            let label = match lang {
                Lang::Zh => format!("{} · 办结", t.label_zh()),
                Lang::En => format!("{} · complete", t.as_str()),
            };
            let hint = lang
                .pick(
                    "留空则用一般件办结时限",
                    "blank: the normal completion limit",
                )
                .to_string();
            field(
                format!("rt_{}", t.as_str()),
                &label,
                "limit",
                vals,
                errs,
                hint,
            )
        })
        .collect();
    let mut other = vec![
        field(
            "whistle_arrive".into(),
            lang.pick("吹哨报到到场", "Whistle: arrive"),
            "limit",
            vals,
            errs,
            now(cfg.whistle_arrive),
        ),
        field(
            "warn_before".into(),
            lang.pick("预警最长提前量", "Yellow flag at most"),
            "limit",
            vals,
            errs,
            now(cfg.warn_before),
        ),
    ];
    for (k, zh, en) in NUMBERS {
        other.push(field(
            k.into(),
            lang.pick(zh, en),
            "number",
            vals,
            errs,
            String::new(),
        ));
    }
    for (k, zh, en) in CHECKS {
        other.push(field(
            k.into(),
            lang.pick(zh, en),
            "check",
            vals,
            errs,
            String::new(),
        ));
    }
    let scale_hint = format!(
        "{}{}",
        lang.pick("现行：", "now: "),
        cfg.scale.levels.join(" / ")
    );
    other.push(field(
        "scale".into(),
        lang.pick("评价等级", "Rating scale"),
        "scale",
        vals,
        errs,
        scale_hint,
    ));
    vec![
        sec(lang.pick("步骤名称", "Step labels"), labels),
        sec(
            lang.pick("时限（一般件 / 紧急件）", "Limits (normal / urgent)"),
            limits,
        ),
        sec(
            lang.pick(
                "按诉求类型的办结时限（一般件）",
                "Completion by request type (normal)",
            ),
            rt,
        ),
        sec(
            lang.pick(
                "延期、退单、升级与评价",
                "Extensions, returns, escalation, rating",
            ),
            other,
        ),
    ]
}

/// The per item override form's fields.
pub fn item_fields(vals: &Values, errs: &HashMap<String, String>, lang: Lang) -> Vec<Field> {
    let mut v = vec![field(
        "item".into(),
        lang.pick(
            "清单事项编号（如 territorial/1）",
            "List item id (e.g. territorial/1)",
        ),
        "text",
        vals,
        errs,
        String::new(),
    )];
    for (h, zh, en) in HOP {
        let hint = lang
            .pick("留空则不覆盖", "blank: not overridden")
            .to_string();
        v.push(field(
            format!("item_{h}"),
            lang.pick(zh, en),
            "limit",
            vals,
            errs,
            hint,
        ));
    }
    v
}

/// An item override from its form: the limits, the item id, and errors by field.
pub fn item_from_form(f: &Values, lang: Lang) -> (ItemLimits, String, HashMap<String, String>) {
    let get = |k: &str| f.get(k).map(|x| x.trim()).unwrap_or_default().to_string();
    let mut errs = HashMap::new();
    let id = get("item")
        .trim_start_matches("/lists/items/")
        .trim_matches('/')
        .to_string();
    if id.is_empty() {
        errs.insert(
            "item".into(),
            lang.pick("请填写清单事项编号", "enter the list item id")
                .into(),
        );
    }
    let mut o = ItemLimits::default();
    for (h, _, _) in HOP {
        let k = format!("item_{h}");
        let raw = get(&k);
        if raw.is_empty() {
            continue;
        }
        match Limit::parse(&raw) {
            Ok(l) => match h {
                "sign" => o.sign = Some(l),
                "respond" => o.respond = Some(l),
                "complete" => o.complete = Some(l),
                _ => o.return_window = Some(l),
            },
            Err(e) => {
                errs.insert(k, limit_error(lang, &raw, &e));
            }
        }
    }
    if o.is_empty() && !errs.contains_key("item_sign") && errs.len() <= 1 {
        errs.entry("item_complete".into()).or_insert_with(|| {
            lang.pick("至少填写一项时限", "enter at least one limit")
                .into()
        });
    }
    (o, id, errs)
}
