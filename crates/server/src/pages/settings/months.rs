//! A year of the working calendar as twelve small month grids (Monday first), each day marked
//! holiday (休), make-up working day (班, 调休), weekend or working day, special days named.

use crate::i18n::Lang;
use tiaokuai_core::calendar::{Datelike, DayKind, NaiveDate, WorkCalendar};

pub struct DayCell {
    /// 0 for the blanks before the 1st and after the last day.
    pub day: u32,
    /// YYYY-MM-DD (empty for blanks).
    pub date: String,
    /// `cal-holiday`, `cal-workday`, `cal-weekend`, `cal-day` or `cal-blank`.
    pub class: &'static str,
    /// 休 / 班 for special days.
    pub mark: &'static str,
    pub name: String,
}

pub struct Month {
    pub title: String,
    pub weeks: Vec<Vec<DayCell>>,
}

/// One special day of the year for the table under the grids.
pub struct SpecialRow {
    pub date: String,
    pub weekday: &'static str,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub name: String,
}

pub fn weekday_heads(lang: Lang) -> [&'static str; 7] {
    match lang {
        Lang::Zh => ["一", "二", "三", "四", "五", "六", "日"],
        Lang::En => ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"],
    }
}

fn weekday_name(d: NaiveDate, lang: Lang) -> &'static str {
    let zh = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    let en = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let i = d.weekday().num_days_from_monday() as usize;
    match lang {
        Lang::Zh => zh[i],
        Lang::En => en[i],
    }
}

pub fn kind_label(k: DayKind, lang: Lang) -> &'static str {
    match k {
        DayKind::Holiday => lang.pick("休（放假）", "holiday"),
        DayKind::Workday => lang.pick("班（调休上班）", "make-up working day"),
    }
}

fn cell(cal: &WorkCalendar, d: NaiveDate) -> DayCell {
    let (class, mark, name) = match cal.special(d) {
        Some(s) if s.kind == DayKind::Holiday => ("cal-holiday", "休", s.name.clone()),
        Some(s) => ("cal-workday", "班", s.name.clone()),
        None if d.weekday().num_days_from_monday() >= 5 => ("cal-weekend", "", String::new()),
        None => ("cal-day", "", String::new()),
    };
    DayCell {
        day: d.day(),
        date: d.to_string(),
        class,
        mark,
        name,
    }
}

fn blank() -> DayCell {
    DayCell {
        day: 0,
        date: String::new(),
        class: "cal-blank",
        mark: "",
        name: String::new(),
    }
}

/// The twelve months of `year`.
pub fn year_grid(cal: &WorkCalendar, year: i32, lang: Lang) -> Vec<Month> {
    (1..=12)
        .filter_map(|m| {
            let first = NaiveDate::from_ymd_opt(year, m, 1)?;
            let mut weeks = Vec::new();
            let mut week: Vec<DayCell> = (0..first.weekday().num_days_from_monday())
                .map(|_| blank())
                .collect();
            let mut d = first;
            while d.month() == m && d.year() == year {
                week.push(cell(cal, d));
                if week.len() == 7 {
                    weeks.push(std::mem::take(&mut week));
                }
                d = d.succ_opt()?;
            }
            if !week.is_empty() {
                week.resize_with(7, blank);
                weeks.push(week);
            }
            let title = match lang {
                Lang::Zh => format!("{m} 月"),
                Lang::En => first.format("%B").to_string(),
            };
            Some(Month { title, weeks })
        })
        .collect()
}

/// The special days of `year` in date order.
pub fn special_rows(cal: &WorkCalendar, year: i32, lang: Lang) -> Vec<SpecialRow> {
    cal.days()
        .filter(|d| d.date.year() == year)
        .map(|d| SpecialRow {
            date: d.date.to_string(),
            weekday: weekday_name(d.date, lang),
            kind: d.kind.as_str(),
            kind_label: kind_label(d.kind, lang),
            name: d.name.clone(),
        })
        .collect()
}

/// `2026-02-27 17:30（周五）` from an instant.
pub fn show_instant(ms: i64, lang: Lang) -> String {
    let s = tiaokuai_core::calendar::format_cst(ms);
    let date = tiaokuai_core::calendar::cst_date(ms);
    let text = s.replace('T', " ");
    let text = text.trim_end_matches("+08:00");
    match lang {
        Lang::Zh => format!("{text}（{}）", weekday_name(date, lang)),
        Lang::En => format!("{text} ({})", weekday_name(date, lang)),
    }
}
