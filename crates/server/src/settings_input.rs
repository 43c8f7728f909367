//! Input rules shared by the settings API (`api/events/calendar.rs`) and the settings pages
//! (`pages/settings`): who may change settings, and reading a due-time query, a special day
//! and office hours from text. One set of rules, one set of messages.

use tiaokuai_app::Actor;
use tiaokuai_core::access::Principal;
use tiaokuai_core::calendar::{parse_cst, DayKind, Limit, NaiveDate, OfficeHours, SpecialDay};
use tiaokuai_core::error::{DataReason, FieldReason, ImportReason};
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::FieldError;

/// The system-administrator actor of `p`, if `p` holds that role.
pub fn admin_actor(p: &Principal) -> Option<Actor> {
    let g = p.grants.iter().find(|g| g.role == RoleKind::SystemAdmin)?;
    Some(Actor {
        username: p.username.clone(),
        role: RoleKind::SystemAdmin.as_str().into(),
        unit: g.unit.clone(),
    })
}

/// The start (CST, e.g. `2026-02-13T16:00`) and limit (`5d`, `2h`, `30m`, `30cm`) of a due-time
/// question; every problem is named by its field, `from` or `limit`.
pub fn due_input(from: Option<&str>, limit: Option<&str>) -> Result<(i64, Limit), Vec<FieldError>> {
    let mut errs = Vec::new();
    let from = match from.map(str::trim) {
        None | Some("") => {
            errs.push(FieldError::new("", "from", ImportReason::FromRequired));
            None
        }
        Some(s) => parse_cst(s)
            .map_err(|e| errs.push(FieldError::new("", "from", e)))
            .ok(),
    };
    let limit = match limit.map(str::trim) {
        None | Some("") => {
            errs.push(FieldError::new("", "limit", ImportReason::LimitRequired));
            None
        }
        Some(s) => Limit::parse(s)
            .map_err(|e| errs.push(FieldError::new("", "limit", e)))
            .ok(),
    };
    match (from, limit) {
        (Some(f), Some(l)) => Ok((f, l)),
        _ => Err(errs),
    }
}

/// One special day from its text fields (`YYYY-MM-DD`; `holiday`/`workday` or 休/班); problems
/// are reported at `loc` by field, `date` or `kind`.
pub fn special_day(
    loc: &str,
    date: &str,
    kind: &str,
    name: &str,
) -> Result<SpecialDay, Vec<FieldError>> {
    let mut errs = Vec::new();
    let d = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d");
    if d.is_err() {
        errs.push(FieldError::new(
            loc,
            "date",
            FieldReason::NotADate {
                value: date.to_string(),
            },
        ));
    }
    let k = DayKind::parse(kind);
    if k.is_none() {
        errs.push(FieldError::new(
            loc,
            "kind",
            DataReason::DayKind {
                value: kind.to_string(),
            },
        ));
    }
    match (d, k) {
        (Ok(date), Some(kind)) => Ok(SpecialDay {
            date,
            kind,
            name: name.trim().to_string(),
        }),
        _ => Err(errs),
    }
}

/// Office hours such as `08:30-12:00,13:30-17:30`; blank means "unchanged" (`None`).
pub fn office_hours(s: Option<&str>) -> Result<Option<OfficeHours>, FieldError> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(h) => OfficeHours::parse(h)
            .map(Some)
            .map_err(|e| FieldError::new("", "hours", e)),
    }
}
