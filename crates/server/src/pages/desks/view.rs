//! What every desk shows the same way: status words, flags, deadlines as absolute time and
//! remaining working time, unit names, the role tabs, the message after a one-click action.

use super::{desks_of, Desk};
use crate::i18n::Lang;
use serde::Deserialize;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::{
    Assignment, AssignmentRole, AssignmentStatus, Event, EventBook, EventStatus, Flag, ItemRef,
};
use tiaokuai_core::state::{CountyState, OrgState};

/// A tab of the role switcher.
pub struct Tab {
    pub href: String,
    pub label: &'static str,
    pub active: bool,
}

/// Tabs for every desk the viewer has; empty when there is only one.
pub fn tabs(p: &Principal, active: Desk, l: Lang) -> Vec<Tab> {
    let desks = desks_of(p);
    if desks.len() < 2 {
        return vec![];
    }
    desks
        .into_iter()
        .map(|d| Tab {
            href: d.path(),
            label: d.label(l),
            active: d == active,
        })
        .collect()
}

/// The query a desk is opened with after a one-click action.
#[derive(Deserialize, Default)]
pub struct FlashQuery {
    pub done: Option<String>,
    pub err: Option<String>,
    pub event: Option<u64>,
}

pub struct Flash {
    pub ok: bool,
    pub text: String,
}

impl FlashQuery {
    pub fn view(&self, st: &CountyState, l: Lang) -> Option<Flash> {
        let no = self
            .event
            .and_then(|id| st.events.event(id))
            .map(|e| e.no.clone())
            .unwrap_or_default();
        if let Some(d) = &self.done {
            if d == "report" {
                let township = self
                    .event
                    .and_then(|id| st.events.event(id))
                    .and_then(|e| e.facts.location.township.as_deref())
                    .and_then(|t| st.org.unit(t))
                    .map(|u| u.name.clone())
                    .unwrap_or_default();
                return Some(Flash {
                    ok: true,
                    text: match l {
                        Lang::Zh => format!("上报成功：{no}，已送{township}指挥室受理"),
                        Lang::En => format!("Reported: {no}, sent to the {township} command room"),
                    },
                });
            }
            let what = match d.as_str() {
                "sign" => l.pick("已签收", "Signed"),
                "remind" => l.pick("已催办", "Reminder sent"),
                "supervise" => l.pick("已督办", "Supervision order sent"),
                _ => return None,
            };
            return Some(Flash {
                ok: true,
                text: format!("{what}{}{no}", l.pick("：", ": ")),
            });
        }
        let e = self.err.as_deref()?;
        let why = match e {
            "forbidden" => l.pick(
                "您无权对该事件执行此操作",
                "You may not do this on that event",
            ),
            "conflict" => l.pick(
                "事件状态已变化，操作未执行，请查看最新状态",
                "The event changed meanwhile; nothing was done",
            ),
            "not_found" => l.pick("未找到该事件或派单", "No such event or assignment"),
            _ => l.pick("操作未执行", "Nothing was done"),
        };
        Some(Flash {
            ok: false,
            text: format!("{why}{}{no}", l.pick("：", ": ")),
        })
    }
}

/// `2026-11-21 14:30` in China time.
pub fn time(ms: i64) -> String {
    let s = tiaokuai_app::cst::format_ms(ms);
    s.get(..16).map(str::to_string).unwrap_or(s)
}

pub fn unit_name(org: &OrgState, code: &str) -> String {
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

pub fn person_name(org: &OrgState, username: &str) -> String {
    org.people
        .get(username)
        .map(|p| p.person.name.clone())
        .unwrap_or_else(|| username.to_string())
}

/// The department a unit belongs to (a division's department; otherwise the unit itself).
pub fn department_of(org: &OrgState, code: &str) -> String {
    let mut cur = code;
    for _ in 0..8 {
        match org.unit(cur) {
            Some(u) if u.kind == tiaokuai_core::org::UnitKind::Division => match &u.parent {
                Some(p) => cur = p,
                None => break,
            },
            _ => break,
        }
    }
    cur.to_string()
}

/// Working time between `a` and `b` as `1 个工作日 3 小时` (clock time when no working time
/// lies between, as for urgent limits counted on the clock).
fn span(book: &EventBook, a: i64, b: i64, l: Lang) -> String {
    let per_day = (book.calendar.hours().minutes_per_day().max(1) as i64) * 60_000;
    let mut w = book.calendar.working_ms_between(a, b);
    if w < 60_000 {
        w = (b - a).max(0);
    }
    let days = w / per_day;
    let rest = w % per_day;
    let hours = rest / 3_600_000;
    let minutes = (rest % 3_600_000) / 60_000;
    let mut parts: Vec<String> = Vec::new();
    if l == Lang::Zh {
        if days > 0 {
            parts.push(format!("{days} 个工作日"));
        }
        if hours > 0 {
            parts.push(format!("{hours} 小时"));
        }
        if days == 0 && hours == 0 {
            parts.push(format!("{minutes} 分钟"));
        }
    } else {
        if days > 0 {
            parts.push(format!(
                "{days} working day{}",
                if days == 1 { "" } else { "s" }
            ));
        }
        if hours > 0 {
            parts.push(format!("{hours} h"));
        }
        if days == 0 && hours == 0 {
            parts.push(format!("{minutes} min"));
        }
    }
    parts.join(" ")
}

/// How much working time remains before `deadline`, or how long it is overdue.
pub fn remaining(book: &EventBook, deadline: i64, now: i64, l: Lang) -> String {
    if now > deadline {
        let s = span(book, deadline, now, l);
        match l {
            Lang::Zh => format!("已超期 {s}"),
            Lang::En => format!("overdue {s}"),
        }
    } else {
        let s = span(book, now, deadline, l);
        match l {
            Lang::Zh => format!("剩余 {s}"),
            Lang::En => format!("{s} left"),
        }
    }
}

/// How long something has been waiting since `since`.
pub fn waited(book: &EventBook, since: i64, now: i64, l: Lang) -> String {
    let s = span(book, since, now, l);
    match l {
        Lang::Zh => format!("已等待 {s}"),
        Lang::En => format!("waiting {s}"),
    }
}

/// A flag's CSS class and word (colour is never the only signal).
pub fn flag_view(f: Flag, open: bool, l: Lang) -> (&'static str, &'static str) {
    match (f, open) {
        (Flag::Red, _) => ("flag-red", l.pick("超期", "Overdue")),
        (Flag::Yellow, _) => ("flag-yellow", l.pick("预警", "Due soon")),
        (Flag::None, true) => ("flag-green", l.pick("正常", "On time")),
        (Flag::None, false) => ("flag-grey", l.pick("已结束", "Done")),
    }
}

pub fn flag_rank(f: Flag) -> u8 {
    match f {
        Flag::None => 0,
        Flag::Yellow => 1,
        Flag::Red => 2,
    }
}

/// The worst flag among the event's open hops.
pub fn event_flag(book: &EventBook, e: &Event, now: i64) -> Flag {
    e.live()
        .filter(|a| a.status.is_open())
        .map(|a| book.flag(a, now))
        .max_by_key(|f| flag_rank(*f))
        .unwrap_or(Flag::None)
}

pub fn event_status(s: EventStatus, l: Lang) -> &'static str {
    l.pick(s.label_zh(), s.label_en())
}

pub fn hop_status(s: AssignmentStatus, l: Lang) -> &'static str {
    l.pick(s.label_zh(), s.label_en())
}

pub fn hop_role(r: AssignmentRole, l: Lang) -> &'static str {
    l.pick(r.label_zh(), r.label_en())
}

/// One hop as the desks show it.
pub struct HopRow {
    pub event: u64,
    pub no: String,
    pub title: String,
    pub n: u32,
    pub role: &'static str,
    pub status: &'static str,
    /// `dispatched`, `signed`... for the forms a row offers.
    pub status_code: &'static str,
    pub sender: String,
    pub receiver: String,
    pub deadline: String,
    pub remaining: String,
    pub flag_class: &'static str,
    pub flag_word: &'static str,
    pub overdue_days: u32,
    pub reminders: u32,
    pub supervisions: u32,
    pub escalated: bool,
    pub urgent: bool,
    pub rework: bool,
    /// When the receiver reported back, if it has.
    pub reported: String,
    /// (flag rank, deadline) for sorting: worst first, then soonest.
    pub rank: u8,
    pub due_ms: i64,
}

impl HopRow {
    pub fn new(st: &CountyState, e: &Event, a: &Assignment, now: i64, l: Lang) -> HopRow {
        let book = &st.events;
        let flag = book.flag(a, now);
        let due = EventBook::current_deadline(a);
        let (flag_class, flag_word) = match a.status {
            _ if a.status.is_open() => flag_view(flag, true, l),
            AssignmentStatus::Reported => ("flag-wait", l.pick("待评价", "Awaiting grade")),
            s => ("flag-grey", hop_status(s, l)),
        };
        HopRow {
            event: e.id,
            no: e.no.clone(),
            title: e.facts.title.clone(),
            n: a.n,
            role: hop_role(a.role, l),
            status: hop_status(a.status, l),
            status_code: a.status.as_str(),
            sender: unit_name(&st.org, &a.sender_unit),
            receiver: unit_name(&st.org, &a.receiver_unit),
            deadline: due.map(time).unwrap_or_default(),
            remaining: due.map(|d| remaining(book, d, now, l)).unwrap_or_default(),
            flag_class,
            flag_word,
            overdue_days: book.overdue_days(a, now),
            reminders: a.reminders,
            supervisions: a.supervisions,
            escalated: a.escalated,
            urgent: e.facts.urgency == tiaokuai_core::events::Urgency::Urgent,
            rework: a.rework,
            reported: a.reported_ms.map(time).unwrap_or_default(),
            rank: flag_rank(flag),
            due_ms: due.unwrap_or(i64::MAX),
        }
    }
}

/// Worst flag first, then the soonest deadline.
pub fn sort_hops(v: &mut [HopRow]) {
    v.sort_by(|a, b| {
        b.rank
            .cmp(&a.rank)
            .then(b.overdue_days.cmp(&a.overdue_days))
            .then(a.due_ms.cmp(&b.due_ms))
            .then(a.event.cmp(&b.event))
    });
}

/// A cited list item with the units it names.
pub struct ItemView {
    pub href: String,
    pub label: String,
    pub version: u32,
    pub primary: String,
    pub supporting: String,
}

pub fn item_view(st: &CountyState, r: Option<&ItemRef>) -> Option<ItemView> {
    let r = r?;
    let names = |codes: &[String]| {
        codes
            .iter()
            .map(|c| unit_name(&st.org, c))
            .collect::<Vec<_>>()
            .join("、")
    };
    Some(match st.lists.item_at(&r.id, r.version) {
        Some(i) => ItemView {
            href: format!("/lists/items/{}/{}", i.kind.as_str(), i.number),
            label: format!("{} {}", i.number, i.name),
            version: r.version,
            primary: names(&i.primary),
            supporting: names(&i.supporting),
        },
        None => ItemView {
            href: String::new(),
            label: r.id.clone(),
            version: r.version,
            primary: String::new(),
            supporting: String::new(),
        },
    })
}

/// A count tile at the top of a desk, linking to its section.
pub struct Count {
    pub key: &'static str,
    pub anchor: &'static str,
    pub label: &'static str,
    pub n: usize,
    /// Shown in the alarm colour when non-zero.
    pub alarm: bool,
}

impl Count {
    pub fn new(
        key: &'static str,
        anchor: &'static str,
        label: &'static str,
        n: usize,
        alarm: bool,
    ) -> Count {
        Count {
            key,
            anchor,
            label,
            n,
            alarm,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiaokuai_core::calendar::parse_cst;

    fn at(s: &str) -> i64 {
        parse_cst(s).unwrap_or_default()
    }

    #[test]
    fn remaining_time_counts_working_hours_only() {
        // Office hours 08:30–12:00 and 13:30–17:30; 2026-11-20 is a Friday.
        let book = EventBook::default();
        let due = at("2026-11-23 10:30");
        let now = at("2026-11-20 16:30");
        assert_eq!(remaining(&book, due, now, Lang::Zh), "剩余 3 小时");
        assert_eq!(remaining(&book, due, now, Lang::En), "3 h left");
        // Monday 10:30 to Wednesday 11:30: 5.5 h + 7.5 h + 3 h = 2 working days and 1 hour.
        let due = at("2026-11-16 10:30");
        let now = at("2026-11-18 11:30");
        assert_eq!(
            remaining(&book, due, now, Lang::Zh),
            "已超期 2 个工作日 1 小时"
        );
        assert_eq!(
            remaining(&book, due, now, Lang::En),
            "overdue 2 working days 1 h"
        );
        // Nothing but a weekend between: clock time.
        let due = at("2026-11-22 10:00");
        let now = at("2026-11-22 09:20");
        assert_eq!(remaining(&book, due, now, Lang::Zh), "剩余 40 分钟");
    }

    #[test]
    fn times_are_shown_to_the_minute_in_china_time() {
        assert_eq!(time(at("2026-11-21 14:30")), "2026-11-21 14:30");
    }

    #[test]
    fn flags_have_words() {
        assert_eq!(flag_view(Flag::Red, true, Lang::Zh), ("flag-red", "超期"));
        assert_eq!(flag_view(Flag::Yellow, true, Lang::Zh).1, "预警");
        assert_eq!(flag_view(Flag::None, true, Lang::En).1, "On time");
        assert_eq!(flag_view(Flag::None, false, Lang::Zh).0, "flag-grey");
    }
}
