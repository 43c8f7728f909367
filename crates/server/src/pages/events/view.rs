//! What the event pages share: names of units and people, status words in both languages,
//! times in China Standard Time with the remaining working time, traffic-light flags, and the
//! domain's refusals put into Chinese.

use crate::error::domain_text;
use crate::i18n::Lang;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::{
    Assignment, AssignmentRole, AssignmentStatus, Event, EventBook, EventStatus, Flag,
};
use tiaokuai_core::org::{RoleKind, UnitKind};
use tiaokuai_core::state::OrgState;
use tiaokuai_core::{DomainError, FieldError};

/// `2026-11-21 14:30` in China Standard Time.
pub fn time(ms: i64) -> String {
    let t = tiaokuai_app::cst::format_ms(ms);
    t.get(..16).unwrap_or(&t).to_string()
}

pub fn opt_time(ms: Option<i64>) -> String {
    ms.map(time).unwrap_or_default()
}

/// The short name of a unit (its code if unknown).
pub fn unit(org: &OrgState, code: &str) -> String {
    org.unit(code)
        .map(|u| {
            if u.short_name.is_empty() {
                u.name.clone()
            } else {
                u.short_name.clone()
            }
        })
        .unwrap_or_else(|| code.to_string())
}

/// The full name of a unit (its code if unknown).
pub fn unit_full(org: &OrgState, code: &str) -> String {
    org.unit(code)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| code.to_string())
}

pub fn units(org: &OrgState, codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| unit(org, c))
        .collect::<Vec<_>>()
        .join("、")
}

/// `姓名（账号）`, or the account alone.
pub fn person(org: &OrgState, username: &str) -> String {
    match org.people.get(username) {
        Some(p) => format!("{}（{}）", p.person.name, username),
        None if username.starts_with("system:") => "系统 system".to_string(),
        None => username.to_string(),
    }
}

pub fn status(s: EventStatus, l: Lang) -> &'static str {
    l.pick(s.label_zh(), s.label_en())
}

pub fn hop_status(s: AssignmentStatus, l: Lang) -> &'static str {
    l.pick(s.label_zh(), s.label_en())
}

pub fn role(r: AssignmentRole, l: Lang) -> &'static str {
    l.pick(r.label_zh(), r.label_en())
}

pub fn flag_word(f: Flag, l: Lang) -> &'static str {
    match f {
        Flag::None => l.pick("正常", "On time"),
        Flag::Yellow => l.pick("预警", "Due soon"),
        Flag::Red => l.pick("超期", "Overdue"),
    }
}

pub fn flag_class(f: Flag) -> &'static str {
    match f {
        Flag::None => "ev-green",
        Flag::Yellow => "ev-yellow",
        Flag::Red => "ev-red",
    }
}

/// The worst flag over the event's open hops.
pub fn worst_flag(book: &EventBook, e: &Event, now: i64) -> Flag {
    e.live()
        .filter(|a| a.status.is_open())
        .map(|a| book.flag(a, now))
        .max()
        .unwrap_or(Flag::None)
}

/// The status colour class of an event: grey when final, else its worst flag.
pub fn status_class(book: &EventBook, e: &Event, now: i64) -> &'static str {
    if e.status.is_final() {
        "ev-st-closed"
    } else {
        match worst_flag(book, e, now) {
            Flag::None => "ev-st-green",
            Flag::Yellow => "ev-st-yellow",
            Flag::Red => "ev-st-red",
        }
    }
}

/// `剩余 1 个工作日 3 小时` / `已超期 2 个工作日` on the working calendar.
pub fn remaining(book: &EventBook, now: i64, due: i64, l: Lang) -> String {
    let (late, a, b) = if now <= due {
        (false, now, due)
    } else {
        (true, due, now)
    };
    let ms = book.calendar.working_ms_between(a, b).max(0);
    let per_day = (book.calendar.hours().minutes_per_day().max(1) as i64) * 60_000;
    let days = ms / per_day;
    let rest = ms % per_day;
    let hours = rest / 3_600_000;
    let mins = (rest % 3_600_000) / 60_000;
    let amount = match l {
        Lang::Zh if days > 0 && hours > 0 => format!("{days} 个工作日 {hours} 小时"),
        Lang::Zh if days > 0 => format!("{days} 个工作日"),
        Lang::Zh if hours > 0 => format!("{hours} 小时 {mins} 分钟"),
        Lang::Zh => format!("{mins} 分钟"),
        _ if days > 0 && hours > 0 => format!("{days} working days {hours} h"),
        _ if days > 0 => format!("{days} working days"),
        _ if hours > 0 => format!("{hours} h {mins} min"),
        _ => format!("{mins} min"),
    };
    match (late, l) {
        (false, Lang::Zh) => format!("剩余 {amount}"),
        (true, Lang::Zh) => format!("已超期 {amount}"),
        (false, _) => format!("{amount} left"),
        (true, _) => format!("overdue by {amount}"),
    }
}

/// The hop's current deadline with its flag and remaining time, if it is open.
pub struct Due {
    pub at: String,
    pub left: String,
    pub flag: &'static str,
    pub word: &'static str,
}

pub fn due_of(book: &EventBook, a: &Assignment, now: i64, l: Lang) -> Option<Due> {
    let d = EventBook::current_deadline(a)?;
    let f = book.flag(a, now);
    Some(Due {
        at: time(d),
        left: remaining(book, now, d, l),
        flag: flag_class(f),
        word: flag_word(f, l),
    })
}

/// The deadline that matters to `p` on `e`: their own open hop's if their unit receives one,
/// else the event's governing one (its lead hops', else any open hop's); the earliest of those.
pub fn viewer_deadline<'a>(
    org: &OrgState,
    p: &Principal,
    e: &'a Event,
) -> Option<(i64, &'a Assignment)> {
    let open: Vec<(i64, &Assignment)> = e
        .live()
        .filter(|a| a.status.is_open())
        .filter_map(|a| EventBook::current_deadline(a).map(|d| (d, a)))
        .collect();
    let earliest = |f: &dyn Fn(&Assignment) -> bool| {
        open.iter()
            .filter(|(_, a)| f(a))
            .min_by_key(|(d, _)| *d)
            .copied()
    };
    earliest(&|a| tiaokuai_core::events::work::receives(org, p, a))
        .or_else(|| earliest(&|a| a.role != tiaokuai_core::events::AssignmentRole::Co))
        .or_else(|| earliest(&|_| true))
}

/// [`viewer_deadline`] with its flag and remaining time.
pub fn viewer_due(
    book: &EventBook,
    org: &OrgState,
    p: &Principal,
    e: &Event,
    now: i64,
    l: Lang,
) -> Option<Due> {
    viewer_deadline(org, p, e).and_then(|(_, a)| due_of(book, a, now, l))
}

/// Whether the person may report events, and in which capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reporter {
    Dispatcher,
    Township,
    Grid,
}

pub fn reporter(p: &Principal) -> Option<Reporter> {
    if p.has(RoleKind::CountyDispatcher) {
        Some(Reporter::Dispatcher)
    } else if p.has(RoleKind::TownshipOperator) || p.has(RoleKind::TownshipLeader) {
        Some(Reporter::Township)
    } else if p.has(RoleKind::GridWorker) {
        Some(Reporter::Grid)
    } else {
        None
    }
}

/// A unit someone may send work to, with the group it is listed under.
pub struct UnitOpt {
    pub code: String,
    pub name: String,
}

pub struct UnitGroup {
    pub label: &'static str,
    pub units: Vec<UnitOpt>,
}

/// Departments, stationed units and townships for the unit selects. The `first` units (those
/// a list item names, the event's receivers) head the list so prefilled choices are in view.
pub fn unit_groups(org: &OrgState, first: &[String], l: Lang) -> Vec<UnitGroup> {
    let mut head: Vec<UnitOpt> = Vec::new();
    for c in first {
        if tiaokuai_core::events::who::may_receive(org, c) && !head.iter().any(|u| &u.code == c) {
            head.push(UnitOpt {
                code: c.clone(),
                name: unit_full(org, c),
            });
        }
    }
    let of = |pred: &dyn Fn(UnitKind) -> bool| -> Vec<UnitOpt> {
        let mut v: Vec<UnitOpt> = org
            .units
            .values()
            .filter(|u| pred(u.kind) && !head.iter().any(|h| h.code == u.code))
            .map(|u| UnitOpt {
                code: u.code.clone(),
                name: u.name.clone(),
            })
            .collect();
        v.sort_by(|a, b| a.code.cmp(&b.code));
        v
    };
    let groups = vec![
        UnitGroup {
            label: l.pick("县级部门", "Departments"),
            units: of(&|k| k == UnitKind::Department),
        },
        UnitGroup {
            label: l.pick("派驻机构", "Stationed units"),
            units: of(&|k| k == UnitKind::StationedUnit),
        },
        UnitGroup {
            label: l.pick("乡镇(街道)", "Townships"),
            units: of(&|k| k.is_township()),
        },
    ];
    if head.is_empty() {
        return groups;
    }
    std::iter::once(UnitGroup {
        label: l.pick(
            "清单所列及已派单位",
            "Named by the list or already involved",
        ),
        units: head,
    })
    .chain(groups)
    .collect()
}

/// A refusal from the rules in the reader's language, from the reasons' catalogue, with unit
/// names for unit codes and form labels for fields.
pub fn refusal(e: &DomainError, org: &OrgState, l: Lang) -> String {
    let names = |c: &str| unit(org, c);
    let label = |f: &str| match l {
        Lang::Zh => field_label(f).to_string(),
        Lang::En => f.to_string(),
    };
    domain_text(e, l, &names, &label)
}

/// The label of a form field in Chinese.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "title" => "标题",
        "description" => "问题描述",
        "location" | "location.grid" | "location.village" | "location.township" => "位置",
        "photos" => "照片",
        "call" => "一键呼叫",
        "item" | "item.version" => "清单事项",
        "note" => "说明",
        "reason" => "理由",
        "legal_basis" => "法律依据",
        "text" => "备注",
        "contacted" => "与谁沟通",
        "measures" => "解决措施",
        "resolve_by" => "解决时限",
        "accepted_at" => "受理时间",
        "lead" => "牵头单位",
        "co" => "协同单位",
        "units" => "吹哨单位",
        "unit" => "派驻机构/站所",
        "primary" => "主体责任单位",
        "supporting" => "配合责任单位",
        "reasoning" => "裁定理由",
        "override_reason" => "调整理由",
        "days" => "延期天数",
        "level" => "评价等级",
        "new_level" => "改定等级",
        "outcome" => "追责结论",
        "hotline_no" => "工单编号",
        "hotline_due" => "热线办结时限",
        "comment" => "回访意见",
        _ => "字段",
    }
}

/// One field problem in the reader's language.
pub fn field_message(f: &FieldError, l: Lang) -> String {
    match l {
        Lang::Zh => f.reason.zh(),
        Lang::En => f.reason.en(),
    }
}

/// A grade's words in the page's language (the standard words translate; a county's own stay).
pub fn grade(label: &str, l: Lang) -> String {
    match l {
        Lang::En => tiaokuai_core::events::config::grade_en(label)
            .map(str::to_string)
            .unwrap_or_else(|| label.to_string()),
        Lang::Zh => label.to_string(),
    }
}
