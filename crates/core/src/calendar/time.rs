//! China Standard Time (fixed UTC+08:00, no daylight saving) and the day arithmetic under the
//! calendar. Internally an instant is split into a *day index* (days since 1970-01-01 in CST)
//! and the milliseconds since CST midnight; every step is total: no panics, no overflow.

use crate::error::DataReason;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime};

pub(super) const MINUTE_MS: i64 = 60_000;
pub(super) const DAY_MS: i64 = 86_400_000;
const CST_OFFSET_SECS: i32 = 8 * 3600;
const CST_OFFSET_MS: i64 = 8 * 3_600_000;
/// `NaiveDate::num_days_from_ce` of 1970-01-01.
const EPOCH_CE_DAYS: i64 = 719_163;

/// (day index, ms since CST midnight in `0..DAY_MS`).
pub(super) fn split(at_ms: i64) -> (i64, i64) {
    let local = i128::from(at_ms) + i128::from(CST_OFFSET_MS);
    let day = local.div_euclid(i128::from(DAY_MS));
    let ms = local.rem_euclid(i128::from(DAY_MS));
    // |day| < 2^64 / 86_400_000, so both fit.
    (day as i64, ms as i64)
}

/// The instant `ms_of_day` after CST midnight of `day` (`ms_of_day` may be `DAY_MS`), clamped to i64.
pub(super) fn join(day: i64, ms_of_day: i64) -> i64 {
    let v =
        i128::from(day) * i128::from(DAY_MS) + i128::from(ms_of_day) - i128::from(CST_OFFSET_MS);
    v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// The date of a day index, if chrono can represent it.
pub(super) fn date_of(day: i64) -> Option<NaiveDate> {
    let ce = i32::try_from(day.checked_add(EPOCH_CE_DAYS)?).ok()?;
    NaiveDate::from_num_days_from_ce_opt(ce)
}

/// The date of a day index, clamped to chrono's range.
pub(super) fn date_of_clamped(day: i64) -> NaiveDate {
    date_of(day).unwrap_or(if day < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

pub(super) fn day_of(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) - EPOCH_CE_DAYS
}

/// Monday to Friday (day 0, 1970-01-01, was a Thursday).
pub(super) fn is_weekday(day: i64) -> bool {
    (day.rem_euclid(7) + 3) % 7 < 5
}

/// Monday-to-Friday days in the day indices `[0, x)` (negative for x < 0), so that the count in
/// `[lo, hi]` is `weekdays_before(hi + 1) - weekdays_before(lo)`.
pub(super) fn weekdays_before(x: i64) -> i64 {
    let weeks = x.div_euclid(7);
    let rest = x.rem_euclid(7);
    // Offsets 0..7 from a multiple of 7 are Thu Fri Sat Sun Mon Tue Wed.
    let partial = (0..rest).filter(|&i| i != 2 && i != 3).count() as i64;
    weeks * 5 + partial
}

/// The CST date of an instant (clamped to chrono's date range).
pub fn cst_date(at_ms: i64) -> NaiveDate {
    date_of_clamped(split(at_ms).0)
}

/// Reads `2026-02-13T16:00`, `2026-02-13 16:00`, with optional `:ss` (and fraction) and an optional
/// offset (`+08:00`, `Z`); without an offset the time is China Standard Time. A bare date means
/// 00:00 that day.
pub fn parse_cst(s: &str) -> Result<i64, DataReason> {
    let t = s.trim();
    let err = || DataReason::TimeUnreadable {
        input: s.to_string(),
    };
    if t.is_empty() || !t.is_ascii() {
        return Err(err());
    }
    let mut norm = t.to_string();
    if norm.len() > 10 && norm.as_bytes().get(10) == Some(&b' ') {
        norm.replace_range(10..11, "T");
    }
    if let Some(rest) = norm.strip_suffix(['Z', 'z']) {
        norm = format!("{rest}+00:00");
    }
    for fmt in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M:%S%.f%:z"] {
        if let Ok(dt) = DateTime::parse_from_str(&norm, fmt) {
            return Ok(dt.timestamp_millis());
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S%.f"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(&norm, fmt) {
            let utc_ms = dt.and_utc().timestamp_millis();
            return utc_ms.checked_sub(CST_OFFSET_MS).ok_or_else(err);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(&norm, "%Y-%m-%d") {
        return Ok(join(day_of(d), 0));
    }
    Err(err())
}

/// `2026-02-27T17:30+08:00`; seconds (and milliseconds) only when not zero.
pub fn format_cst(at_ms: i64) -> String {
    let (Some(utc), Some(tz)) = (
        DateTime::from_timestamp_millis(at_ms),
        FixedOffset::east_opt(CST_OFFSET_SECS),
    ) else {
        return format!("{at_ms} ms since 1970-01-01T00:00Z");
    };
    let local = utc.with_timezone(&tz);
    if local.year() < 0 || local.year() > 9999 {
        // Outside ISO 8601's four-digit years: keep it unambiguous.
        return local.to_rfc3339();
    }
    let fmt = if at_ms.rem_euclid(MINUTE_MS) == 0 {
        "%Y-%m-%dT%H:%M%:z"
    } else if at_ms.rem_euclid(1000) == 0 {
        "%Y-%m-%dT%H:%M:%S%:z"
    } else {
        "%Y-%m-%dT%H:%M:%S%.3f%:z"
    };
    local.format(fmt).to_string()
}
