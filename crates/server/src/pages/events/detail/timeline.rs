//! The timeline: every logged step of the event, named with the deployment's step labels,
//! with its details and its entry hash.

use super::hops::item_label;
use crate::i18n::Lang;
use crate::pages::events::view;
use tiaokuai_app::events::timeline::TimelineEntry;
use tiaokuai_core::events::{Event, EventCmd, ReminderKind, ReturnDecision, StepLabels};
use tiaokuai_core::state::CountyState;

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
        EventCmd::Assign { .. } => s("乡镇派单", "Assigned by the township"),
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
        EventCmd::Assign {
            unit, item, note, ..
        } => join(vec![
            lab("承办单位", "unit", view::unit(org, unit)),
            lab(
                "依据清单",
                "item",
                item.as_ref().map(|r| item_label(st, r)).unwrap_or_default(),
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
                .map(|x| view::grade(x, l))
                .unwrap_or_default(),
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

pub(super) fn timeline_rows(
    st: &CountyState,
    e: &Event,
    entries: &[TimelineEntry],
    l: Lang,
) -> Vec<TimeRow> {
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
