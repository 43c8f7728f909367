//! `/settings/calendar`: a year of the working calendar, the office hours and a due-time
//! calculator for everyone; CSV upload (preview or direct apply), one-day changes and office
//! hours for the system administrator. Every change is one `CalendarSet` entry, all or nothing.

use super::months::{self, Month, SpecialRow};
use super::{admin_for_change, append, error_line, limit_label, may_view, say};
use crate::error::PageError;
use crate::pages::{render, Chrome};
use crate::session::{PageSession, Session};
use crate::settings_input::{due_input, office_hours, special_day};
use crate::AppState;
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use tiaokuai_app::now_ms;
use tiaokuai_core::calendar::{cst_date, format_cst, Datelike, SpecialDay, WorkCalendar};
use tiaokuai_core::{FieldError, Transition};

pub struct DueView {
    pub from: String,
    pub limit: String,
    pub due: String,
    pub due_iso: String,
}

pub struct PreviewRow {
    pub row: SpecialRow,
    /// What the row replaces, if the date already has a special day.
    pub replaces: String,
}

#[derive(Default)]
pub struct DayForm {
    pub date: String,
    pub kind: String,
    pub name: String,
    pub date_error: String,
    pub kind_error: String,
}

#[derive(Template)]
#[template(path = "settings_calendar.html")]
struct CalendarPage {
    c: Chrome,
    admin: bool,
    year: i32,
    /// (year, shown)
    years: Vec<(i32, bool)>,
    covered: bool,
    heads: [&'static str; 7],
    months: Vec<Month>,
    specials: Vec<SpecialRow>,
    hours: String,
    day_minutes: u32,
    from: String,
    limit: String,
    from_error: String,
    limit_error: String,
    due: Option<DueView>,
    notice: Option<String>,
    upload_errors: Vec<String>,
    preview: Vec<PreviewRow>,
    preview_csv: String,
    day: DayForm,
    hours_input: String,
    hours_error: String,
}

async fn calendar(state: &AppState, s: &Session) -> Result<WorkCalendar, PageError> {
    state
        .engine
        .with_state(|st| st.events.calendar.clone())
        .await
        .map_err(|e| PageError::from_app(e, s.lang))
}

fn this_year() -> i32 {
    cst_date(now_ms()).year()
}

/// The page for `year` with empty forms.
fn base(s: &Session, cal: &WorkCalendar, year: i32) -> CalendarPage {
    let lang = s.lang;
    let covered_years = cal.years_covered();
    let mut years = covered_years.clone();
    let last = years
        .iter()
        .copied()
        .max()
        .unwrap_or(this_year())
        .max(this_year());
    years.extend([this_year(), last + 1, year]);
    years.sort_unstable();
    years.dedup();
    let from = format_cst(now_ms())
        .get(..16)
        .unwrap_or_default()
        .to_string();
    CalendarPage {
        c: Chrome::for_session(s, "/settings/calendar"),
        admin: s.principal.has(tiaokuai_core::org::RoleKind::SystemAdmin),
        year,
        years: years.into_iter().map(|y| (y, y == year)).collect(),
        covered: covered_years.contains(&year),
        heads: months::weekday_heads(lang),
        months: months::year_grid(cal, year, lang),
        specials: months::special_rows(cal, year, lang),
        hours: cal.hours().to_string(),
        day_minutes: cal.hours().minutes_per_day(),
        from,
        limit: "5d".into(),
        from_error: String::new(),
        limit_error: String::new(),
        due: None,
        notice: None,
        upload_errors: vec![],
        preview: vec![],
        preview_csv: String::new(),
        day: DayForm {
            kind: "holiday".into(),
            ..Default::default()
        },
        hours_input: cal.hours().to_string(),
        hours_error: String::new(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    year: Option<String>,
    from: Option<String>,
    limit: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    may_view(&s)?;
    let year = q
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i32>().ok())
        .filter(|y| (1900..=2200).contains(y))
        .unwrap_or_else(this_year);
    let cal = calendar(&state, &s).await?;
    let mut p = base(&s, &cal, year);
    if q.from.is_some() || q.limit.is_some() {
        p.from = q.from.clone().unwrap_or_default();
        p.limit = q.limit.clone().unwrap_or_default();
        match due_input(q.from.as_deref(), q.limit.as_deref()) {
            Ok((from, limit)) => {
                let due = cal.add(from, limit);
                p.due = Some(DueView {
                    from: months::show_instant(from, s.lang),
                    limit: limit_label(limit, s.lang),
                    due: months::show_instant(due, s.lang),
                    due_iso: format_cst(due),
                });
            }
            Err(errs) => {
                for e in errs {
                    match e.field.as_str() {
                        "from" => p.from_error = say(&e, s.lang),
                        _ => p.limit_error = say(&e, s.lang),
                    }
                }
            }
        }
    }
    Ok(render(&p))
}

#[derive(Deserialize)]
pub struct CsrfQuery {
    #[serde(default)]
    csrf: String,
}

/// The year to show after a change: that of the first changed day, else this year.
fn year_of(days: &[SpecialDay]) -> i32 {
    days.first().map_or_else(this_year, |d| d.date.year())
}

fn preview_rows(cal: &WorkCalendar, days: &[SpecialDay], s: &Session) -> Vec<PreviewRow> {
    let probe = WorkCalendar::new(days.iter().cloned(), cal.hours().clone());
    let mut out = Vec::new();
    for d in days {
        let Some(row) = months::special_rows(&probe, d.date.year(), s.lang)
            .into_iter()
            .find(|r| r.date == d.date.to_string())
        else {
            continue;
        };
        let replaces = cal
            .special(d.date)
            .filter(|old| *old != d)
            .map(|old| format!("{} {}", months::kind_label(old.kind, s.lang), old.name))
            .unwrap_or_default();
        out.push(PreviewRow { row, replaces });
    }
    out
}

/// CSV upload: `file` (or the `csv` text of a previewed upload) and `mode` = `preview` or
/// `apply`. Errors name the row and column; nothing is changed unless every row is good.
pub async fn upload(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<CsrfQuery>,
    mut mp: Multipart,
) -> Result<Response, PageError> {
    let actor = admin_for_change(&s, &q.csrf)?;
    let (mut text, mut mode, mut errors) = (None::<String>, String::new(), Vec::new());
    while let Ok(Some(field)) = mp.next_field().await {
        let name = field.name().unwrap_or_default().to_string();
        let file = field.file_name().map(str::to_string);
        match field.bytes().await {
            Ok(b) if name == "mode" => mode = String::from_utf8_lossy(&b).trim().to_string(),
            Ok(b) if (name == "file" || name == "csv") && !b.is_empty() => {
                match String::from_utf8(b.to_vec()) {
                    Ok(t) => text = Some(t),
                    Err(_) => errors.push(format!(
                        "{}: {}",
                        file.unwrap_or(name),
                        s.lang.pick(
                            "不是 UTF-8 编码的 CSV 文本，请另存为 UTF-8 CSV",
                            "not UTF-8 CSV text; save it as UTF-8 CSV"
                        )
                    )),
                }
            }
            Ok(_) => {}
            Err(e) => errors.push(e.to_string()),
        }
    }
    let cal = calendar(&state, &s).await?;
    let Some(text) = text.filter(|_| errors.is_empty()) else {
        if errors.is_empty() {
            errors.push(
                s.lang
                    .pick("file：请选择 CSV 文件", "file: choose a CSV file")
                    .into(),
            );
        }
        let mut p = base(&s, &cal, this_year());
        p.upload_errors = errors;
        return Ok(render(&p));
    };
    let days = match WorkCalendar::parse_csv(&text) {
        Ok(d) if d.is_empty() => Err(vec![FieldError::new(
            "row 2",
            "date",
            tiaokuai_core::error::DataReason::NoDaysInFile,
        )]),
        Ok(d) => Ok(d),
        Err(e) => Err(e.into_field_errors()),
    };
    let days = match days {
        Ok(d) => d,
        Err(errs) => {
            let mut p = base(&s, &cal, this_year());
            p.upload_errors = errs.iter().map(|e| error_line(e, s.lang)).collect();
            return Ok(render(&p));
        }
    };
    if mode != "apply" {
        let mut p = base(&s, &cal, year_of(&days));
        p.preview = preview_rows(&cal, &days, &s);
        p.preview_csv = text;
        return Ok(render(&p));
    }
    let (n, year) = (days.len(), year_of(&days));
    let result = append(
        &state,
        &s,
        &actor,
        Transition::CalendarSet { days, hours: None },
    )
    .await?;
    let cal = calendar(&state, &s).await?;
    let mut p = base(&s, &cal, year);
    match result {
        Ok(()) => {
            p.notice = Some(format!(
                "{} {n} {}",
                s.lang.pick("已导入", "Imported"),
                s.lang.pick("个特殊日期。", "special days.")
            ))
        }
        Err(errs) => p.upload_errors = errs.iter().map(|e| error_line(e, s.lang)).collect(),
    }
    Ok(render(&p))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DayIn {
    csrf: String,
    date: String,
    kind: String,
    name: String,
}

/// Add or change one special day.
pub async fn set_day(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<DayIn>,
) -> Result<Response, PageError> {
    let actor = admin_for_change(&s, &f.csrf)?;
    let mut form = DayForm {
        date: f.date.clone(),
        kind: f.kind.clone(),
        name: f.name.clone(),
        ..Default::default()
    };
    let errs = match special_day("", &f.date, &f.kind, &f.name) {
        Ok(day) => {
            let year = day.date.year();
            let t = Transition::CalendarSet {
                days: vec![day],
                hours: None,
            };
            match append(&state, &s, &actor, t).await? {
                Ok(()) => {
                    let cal = calendar(&state, &s).await?;
                    let mut p = base(&s, &cal, year);
                    p.notice = Some(format!(
                        "{} {}",
                        s.lang.pick("已保存", "Saved"),
                        f.date.trim()
                    ));
                    return Ok(render(&p));
                }
                Err(errs) => errs,
            }
        }
        Err(errs) => errs,
    };
    for e in errs {
        match e.field.as_str() {
            "kind" => form.kind_error = say(&e, s.lang),
            _ => form.date_error = say(&e, s.lang),
        }
    }
    let cal = calendar(&state, &s).await?;
    let mut p = base(&s, &cal, this_year());
    p.day = form;
    Ok(render(&p))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HoursIn {
    csrf: String,
    hours: String,
}

/// Change the office hours.
pub async fn set_hours(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<HoursIn>,
) -> Result<Response, PageError> {
    let actor = admin_for_change(&s, &f.csrf)?;
    let err = match office_hours(Some(&f.hours)) {
        Ok(None) => s
            .lang
            .pick(
                "请填写办公时间，例如 08:30-12:00,13:30-17:30",
                "enter the office hours, e.g. 08:30-12:00,13:30-17:30",
            )
            .to_string(),
        Ok(Some(h)) => {
            let t = Transition::CalendarSet {
                days: vec![],
                hours: Some(h),
            };
            match append(&state, &s, &actor, t).await? {
                Ok(()) => {
                    let cal = calendar(&state, &s).await?;
                    let mut p = base(&s, &cal, this_year());
                    p.notice = Some(
                        s.lang
                            .pick("办公时间已保存。", "Office hours saved.")
                            .into(),
                    );
                    return Ok(render(&p));
                }
                Err(errs) => errs
                    .iter()
                    .map(|e| say(e, s.lang))
                    .collect::<Vec<_>>()
                    .join("；"),
            }
        }
        Err(e) => say(&e, s.lang),
    };
    let cal = calendar(&state, &s).await?;
    let mut p = base(&s, &cal, this_year());
    p.hours_input = f.hours;
    p.hours_error = err;
    Ok(render(&p))
}
