//! The working-time calendar (工作日历): which days are working days, the office hours of a working
//! day, and due times (办理时限) computed from them. Pure: no I/O, no clock reads.
//!
//! Instants are `i64` milliseconds since the Unix epoch (UTC). The calendar reasons in China
//! Standard Time, a fixed UTC+08:00 ([`chrono::FixedOffset`]; China has no daylight saving).
//!
//! # Working days
//!
//! Saturday and Sunday are rest days and Monday to Friday are working days (《国务院关于职工工作时间
//! 的规定》第七条), except for the special days published each year by the State Council General
//! Office under 《全国年节及纪念日放假办法》: a [`DayKind::Holiday`] is a day off even on a weekday, a
//! [`DayKind::Workday`] is a make-up working day (调休上班) even on a weekend. A special day always
//! wins over the weekday rule. [`BUILTIN_CSV`] carries the notices for 2025 (国办发明电〔2024〕12号)
//! and 2026 (the notice of 2025-11-04); later years are added with [`WorkCalendar::with_days`] from an
//! administrator's CSV ([`WorkCalendar::parse_csv`]).
//!
//! # Office hours
//!
//! [`OfficeHours`], by default 08:30–12:00 and 13:30–17:30. An instant is working time when it is on
//! a working day inside a period; period ends are inclusive (17:30 itself is still working time, so
//! a due time "at close of business" is a working instant).
//!
//! # Limits
//!
//! - [`Limit::WorkingDays`]`(n)` follows the period rules of 《中华人民共和国民法典》: 第二百零一条
//!   "按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算" — the start day is not counted and
//!   the n working days are counted from the day after the start; 第二百零三条 "期间的最后一日的截止
//!   时间为二十四时；有业务时间的，停止业务活动的时间为截止时间" — the deadline is the close of office
//!   hours (end of the last period) on the n-th working day. Counting *working* days already skips
//!   rest days and holidays, which is what 第二百零三条's first paragraph asks for the last day.
//!   `WorkingDays(0)` is the close of the start day if that is a working day and the start is not
//!   after its close; otherwise the close of the next working day (so a due time is never before
//!   its start).
//! - [`Limit::WorkingMinutes`]`(m)` counts from the given time (第二百零一条第二款, periods counted by
//!   the hour start at once): m minutes of office time are consumed from
//!   [`WorkCalendar::next_working_start`]`(start)`. A result exactly on a period end stays there
//!   (12:00, not 13:30).
//! - [`Limit::ClockMinutes`]`(m)` is plain clock time, for emergencies (e.g. arriving at a whistle
//!   call 吹哨报到): `start + m * 60_000`.
//!
//! Nothing here panics, whatever the input: searches for the next working day give up after 3660
//! days without one (returning a best effort, normally the start), and all arithmetic saturates.
//! Long limits skip whole regular weeks, so even `u32::MAX` days is quick.

mod arith;
mod hours;
mod parse;
mod time;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_text;

pub use chrono::{Datelike, NaiveDate, Weekday};
pub use hours::{Limit, OfficeHours};
pub use time::{cst_date, format_cst, parse_cst};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The product's built-in special days (2025–2026 State Council holiday notices), `date,kind,name`.
pub const BUILTIN_CSV: &str = include_str!("../../../../demo/calendar/holidays_cn.csv");

/// What a special day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A day off (放假), even on a weekday.
    Holiday,
    /// A make-up working day (调休上班), even on a weekend.
    Workday,
}

impl DayKind {
    /// `holiday` / `workday`, as in the CSV.
    pub fn as_str(&self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    /// `休` / `班`.
    pub fn label_zh(&self) -> &'static str {
        match self {
            DayKind::Holiday => "休",
            DayKind::Workday => "班",
        }
    }

    /// `holiday`/`workday` (any case) and the usual Chinese marks: 休, 假, 放假, 休息 / 班, 上班,
    /// 补班, 调休上班.
    pub fn parse(s: &str) -> Option<DayKind> {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "holiday" | "休" | "假" | "放假" | "休息" => Some(DayKind::Holiday),
            "workday" | "班" | "上班" | "补班" | "调休上班" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

/// One day that departs from (or confirms) the Monday–Friday rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

/// Special days plus office hours. `Default` has no special days and the default office hours.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "CalendarRepr", into = "CalendarRepr")]
pub struct WorkCalendar {
    days: BTreeMap<NaiveDate, SpecialDay>,
    hours: OfficeHours,
}

/// How a calendar is stored: each special day once (the map key is the day's own date).
#[derive(Serialize, Deserialize)]
struct CalendarRepr {
    days: Vec<SpecialDay>,
    hours: OfficeHours,
}

impl From<WorkCalendar> for CalendarRepr {
    fn from(c: WorkCalendar) -> Self {
        CalendarRepr {
            days: c.days.into_values().collect(),
            hours: c.hours,
        }
    }
}

impl From<CalendarRepr> for WorkCalendar {
    fn from(r: CalendarRepr) -> Self {
        WorkCalendar::new(r.days, r.hours)
    }
}

/// The built-in calendar: [`BUILTIN_CSV`] with the default office hours. Should the built-in CSV
/// ever fail to parse, the calendar has no special days (it never panics).
pub fn builtin() -> WorkCalendar {
    WorkCalendar::new(
        WorkCalendar::parse_csv(BUILTIN_CSV).unwrap_or_default(),
        OfficeHours::default(),
    )
}

impl WorkCalendar {
    /// A calendar from special days (a later entry for the same date wins) and office hours.
    pub fn new(days: impl IntoIterator<Item = SpecialDay>, hours: OfficeHours) -> Self {
        let days = days.into_iter().map(|d| (d.date, d)).collect();
        WorkCalendar { days, hours }
    }

    /// Same as [`builtin`].
    pub fn builtin() -> Self {
        builtin()
    }

    /// A copy with more special days merged in (they win over existing entries for their dates),
    /// e.g. an administrator's upload of next year's notice.
    pub fn with_days(&self, days: impl IntoIterator<Item = SpecialDay>) -> Self {
        let mut out = self.clone();
        out.days.extend(days.into_iter().map(|d| (d.date, d)));
        out
    }

    /// A copy with other office hours.
    pub fn with_hours(&self, hours: OfficeHours) -> Self {
        WorkCalendar {
            days: self.days.clone(),
            hours,
        }
    }

    /// The special days in date order.
    pub fn days(&self) -> impl Iterator<Item = &SpecialDay> {
        self.days.values()
    }

    /// The special day on `d`, if any.
    pub fn special(&self, d: NaiveDate) -> Option<&SpecialDay> {
        self.days.get(&d)
    }

    pub fn hours(&self) -> &OfficeHours {
        &self.hours
    }

    /// The years with at least one special day, ascending. Outside them only the weekday rule
    /// applies, which is wrong around holidays: callers may warn.
    pub fn years_covered(&self) -> Vec<i32> {
        let mut years: Vec<i32> = self.days.keys().map(|d| d.year()).collect();
        years.dedup();
        years
    }

    /// Special day wins, else Monday to Friday.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.days.get(&d) {
            Some(s) => s.kind == DayKind::Workday,
            None => d.weekday().num_days_from_monday() < 5,
        }
    }

    /// [`Self::is_working_day`] by day index.
    fn working(&self, day: i64) -> bool {
        match time::date_of(day).and_then(|d| self.days.get(&d)) {
            Some(s) => s.kind == DayKind::Workday,
            None => time::is_weekday(day),
        }
    }
}
