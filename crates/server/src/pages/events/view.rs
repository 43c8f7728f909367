//! What the event pages share: names of units and people, status words in both languages,
//! times in China Standard Time with the remaining working time, traffic-light flags, and the
//! domain's refusals put into Chinese.

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

/// Names the unit codes in a message (`D-HB, D-ZF` → `生态环境分局、综合执法局`).
fn name_codes(org: &OrgState, list: &str) -> String {
    list.split(',')
        .map(|c| unit(org, c.trim()))
        .collect::<Vec<_>>()
        .join("、")
}

/// The number after `prefix` at the start of `s`.
fn num_after<'a>(s: &'a str, prefix: &str) -> Option<(&'a str, &'a str)> {
    let rest = s.strip_prefix(prefix)?;
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    Some((&rest[..end], &rest[end..]))
}

/// A refusal from the rules, in the reader's language. English readers get the rule's own
/// words; Chinese readers a translation (or the original when there is none).
pub fn refusal(e: &DomainError, org: &OrgState, l: Lang) -> String {
    if l == Lang::En {
        return e.to_string();
    }
    match e {
        DomainError::Invalid(v) => v
            .iter()
            .map(|f| format!("{}：{}", field_label(&f.field), field_message(f)))
            .collect::<Vec<_>>()
            .join("；"),
        DomainError::NotFound { kind, id } => match *kind {
            "event" => format!("事件 {id} 不存在"),
            "assignment" => format!("派单 {id} 不存在"),
            "case" => format!("追责案件 {id} 不存在"),
            k => format!("{k} {id} 不存在"),
        },
        DomainError::Forbidden(m) | DomainError::Conflict(m) => message_zh(m, org),
    }
}

fn message_zh(m: &str, org: &OrgState) -> String {
    if let Some(list) = m.strip_prefix("the co-departments have not reported yet: ") {
        return format!(
            "协同单位尚未反馈：{}。牵头单位须待协同单位全部反馈后再反馈",
            name_codes(org, list)
        );
    }
    if let Some(rest) = m.strip_prefix("cannot ") {
        if let Some((_, tail)) = rest.split_once(": assignment ") {
            if let Some((n, st)) = num_after(tail, "") {
                let st = st.trim_start_matches(" is ");
                return format!("第{n}单当前为“{st}”，不能执行此操作");
            }
        }
        if let Some((_, tail)) = rest.split_once(": event ") {
            let st = tail.split_once(" is ").map(|x| x.1).unwrap_or(tail);
            return format!("事件当前为“{st}”，不能执行此操作");
        }
    }
    if m.starts_with("event ") && m.ends_with("and can no longer change") {
        let st = m
            .split_once(" is ")
            .map(|x| x.1.trim_end_matches(" and can no longer change"))
            .unwrap_or("");
        return format!("事件已{st}，不能再更改");
    }
    if let Some((n, rest)) = num_after(m, "assignment ") {
        if rest.contains("grade it first") {
            let who = rest
                .split_once('(')
                .and_then(|x| x.1.split_once(')'))
                .map(|x| unit(org, x.0))
                .unwrap_or_default();
            let st = rest
                .split_once(" is ")
                .and_then(|x| x.1.split_once(':'))
                .map(|x| x.0)
                .unwrap_or("");
            return format!("第{n}单（{who}）为“{st}”：请先评价");
        }
        if rest.contains("still open") {
            return format!("第{n}单仍在办理中");
        }
    }
    if let Some((_, rest)) = m.split_once(" reports only within township ") {
        let (home, tail) = rest.split_once(':').unwrap_or((rest, ""));
        let place = tail.rsplit_once(" is in ").map(|x| x.1).unwrap_or("");
        return format!(
            "只能上报本乡镇（{}）辖区内的事件，所选位置属于{}",
            unit(org, home),
            unit(org, place)
        );
    }
    if m.contains("does not hold the role") {
        return "您不具备此操作所需的角色".into();
    }
    if m.starts_with("may not issue a ") {
        return format!("无权{}", m.trim_start_matches("may not issue a "));
    }
    if m.starts_with("at most ") && m.ends_with(" extensions") {
        return format!(
            "延期次数已达上限（{}次）",
            m.trim_start_matches("at most ")
                .trim_end_matches(" extensions")
        );
    }
    const TABLE: &[(&str, &str)] = &[
        (
            "only the township or the reporting grid worker may close it locally",
            "只有乡镇或上报的网格员可以自办结",
        ),
        (
            "only the township command room may call the county",
            "只有乡镇指挥室可以呼叫县级",
        ),
        (
            "a call needs a township leader's approval",
            "呼叫县级须经乡镇领导同意",
        ),
        ("only the caller may withdraw it", "只有呼叫方可以撤回"),
        (
            "only the county command centre dispatches",
            "只有县指挥中心可以派单",
        ),
        (
            "only the caller or the command centre may blow the whistle",
            "只有呼叫方或县指挥中心可以吹哨",
        ),
        ("only the receiving unit signs", "只有承办单位可以签收"),
        ("only the receiving unit checks in", "只有承办单位可以报到"),
        (
            "only the receiving unit may ask to return it",
            "只有承办单位可以申请退单",
        ),
        (
            "only the county command centre decides returns",
            "只有县指挥中心可以审核退单",
        ),
        ("only 编办 rules on disputes", "只有编办可以裁定职责争议"),
        ("only the receiving unit responds", "只有承办单位可以响应"),
        (
            "only units involved in the event may add notes",
            "只有参与事件的单位可以添加备注",
        ),
        (
            "only the receiving unit asks for more time",
            "只有承办单位可以申请延期",
        ),
        (
            "only the county command centre decides extensions",
            "只有县指挥中心可以审批延期",
        ),
        (
            "only the receiving unit reports back",
            "只有承办单位可以反馈",
        ),
        (
            "only the caller's township or grid worker verifies",
            "只有呼叫方乡镇或网格员可以现场核查",
        ),
        (
            "only the unit that sent this assignment grades it",
            "谁派单、谁评价：只有派单单位可以评价",
        ),
        ("only the graded unit may appeal", "只有被评价单位可以申诉"),
        (
            "only the county command centre decides appeals",
            "只有县指挥中心可以裁决申诉",
        ),
        ("only the caller closes the event", "只有呼叫方可以办结归档"),
        (
            "only the county command centre shelves events",
            "只有县指挥中心可以挂账",
        ),
        (
            "only the command centre records",
            "只有县指挥中心可以记录回访",
        ),
        (
            "only the discipline inspector concludes cases",
            "只有纪检监察员可以作出追责结论",
        ),
        (
            "grid workers, township command rooms and the command centre report events",
            "只有网格员、乡镇指挥室和县指挥中心可以上报事件",
        ),
        ("you hold no role", "您没有任何角色"),
        (
            "a department has already signed for it",
            "已有部门签收，不能撤回",
        ),
        ("already checked in", "已经报到"),
        (
            "the return window has closed",
            "退单时限已过，由本单位负责办理（首办负责）",
        ),
        ("a whistle call cannot be returned", "吹哨报到不能退单"),
        ("waiting for 编办's ruling", "职责争议正等待编办裁定"),
        (
            "there is no open dispute on this event",
            "本事件没有待裁定的职责争议",
        ),
        ("already responded", "已经响应"),
        (
            "the deadline has passed: extensions are asked before it",
            "已超过办理时限：延期须在时限届满前申请",
        ),
        ("on-site verification must pass first", "须先通过现场核查"),
        ("this assignment has already been graded", "该单已评价"),
        ("not graded", "尚未评价"),
        ("the top grade cannot be appealed", "最高等级的评价不能申诉"),
        ("an evaluation can be appealed once", "每次评价只能申诉一次"),
        ("no appeal is waiting", "没有待裁决的申诉"),
        ("a draft is not shelved", "草稿不能挂账"),
        (
            "assigns it to its stationed units",
            "只有事件所属乡镇指挥室可以派单至本镇派驻机构",
        ),
        (
            "the command centre dispatches it",
            "已呼叫县级，由县指挥中心派单",
        ),
        ("already has this event", "该单位已在办理此事件"),
        (
            "wait for its report and grade it",
            "本镇派单尚未办结：请等待反馈并评价，或等待退单后再呼叫县级",
        ),
        (
            "only the township that assigned it decides the return",
            "只有派单乡镇可以审核退单",
        ),
        (
            "only the township that assigned it decides extensions",
            "只有派单乡镇可以审批延期",
        ),
        ("the assignment is no longer open", "该单已不在办理中"),
        ("the case is already concluded", "该追责案件已有结论"),
        ("nothing has been handled yet", "尚未有单位办理"),
        ("an appeal is waiting for a decision", "有申诉等待裁决"),
    ];
    TABLE
        .iter()
        .find(|(en, _)| m.contains(en))
        .map(|(_, zh)| zh.to_string())
        .unwrap_or_else(|| m.to_string())
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

/// One field problem in Chinese.
pub fn field_message(f: &FieldError) -> String {
    let m = f.message.as_str();
    let zh = match (f.field.as_str(), m) {
        (_, m) if m.ends_with("is required") || m.ends_with("required") => "必须填写",
        ("title", m) if m.starts_with("at most") => "不超过200字",
        ("description", m) if m.starts_with("at most") => "不超过5000字",
        ("description", _) => "请描述问题",
        ("location", _) => "请用“GPS定位”或在地图上点选位置",
        ("location.grid", _) => "网格不存在",
        ("location.village", _) => "村(社区)与网格不一致",
        ("location.township", _) => "不是乡镇(街道)",
        ("photos", m) if m.starts_with("at most") => "最多9张照片",
        ("photos", m) if m.contains("was not uploaded") => "照片未上传成功，请重新选择",
        ("photos", "not a photo hash") => "照片无效",
        ("photos", m) if m.starts_with("not an image") => {
            "不是图片（支持JPEG、PNG、WebP、GIF、HEIF）"
        }
        ("photos", m) if m.contains("MB") => "照片过大（每张不超过10MB）",
        ("call", _) => "网格员上报至乡镇，由乡镇呼叫县级",
        ("item", m) if m.contains("every dispatch cites") => "派单须依据清单事项",
        ("item", _) => "清单事项在所引版本中不存在",
        ("item.version", _) => "所引版本不是现行版本，请重新选择清单事项",
        (_, m) if m.contains("cannot receive an assignment") => "该单位不能接收派单",
        (_, m) if m.contains("cannot send work to itself") => "不能派给本单位",
        (_, m) if m.contains("is named twice") => "单位重复",
        ("lead", m) if m.contains("different unit") => "请改派给其他单位",
        ("override_reason", m) if m.contains("off-list") => "未依据清单派单，须说明理由",
        ("override_reason", _) => "所派单位与清单不一致，须说明理由",
        ("days", _) => "延期天数超出允许范围",
        ("level", _) => "请选择评价等级",
        ("reason", m) if m.contains("below the top grade") => "低于最高等级的评价须说明理由",
        ("accepted_at", _) => "受理时间须在派单之后、现在之前",
        ("new_level", _) => "请选择比原评价更好的等级",
        ("units", m) if m.contains("at least one") => "至少选择一个单位",
        (_, m) if m.contains("not a unit stationed in this township") => {
            "不是本镇派驻机构：县级部门和其他乡镇的单位须呼叫县级"
        }
        ("unit", _) => "请选择本镇派驻机构",
        ("decision", m) if m.contains("not referred to 编办") => {
            "乡镇派单不提交编办裁定：可改派、驳回或呼叫县级"
        }
        _ => return f.message.clone(),
    };
    zh.to_string()
}
