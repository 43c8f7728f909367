//! Dates and times as people in China read them (China Standard Time, UTC+8), via chrono.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};

fn cst(ms: i64) -> Option<DateTime<FixedOffset>> {
    let tz = FixedOffset::east_opt(8 * 3600)?;
    Some(DateTime::from_timestamp_millis(ms)?.with_timezone(&tz))
}

/// `2026-11-21 14:30:05`.
pub fn format_ms(ms: i64) -> String {
    cst(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// Today's date in China, `YYYY-MM-DD`.
pub fn date_of(ms: i64) -> String {
    cst(ms)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The first millisecond of a `YYYY-MM-DD` day in China; `None` if it is not a date.
pub fn day_start_ms(date: &str) -> Option<i64> {
    let d = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    let tz = FixedOffset::east_opt(8 * 3600)?;
    Some(
        d.and_hms_opt(0, 0, 0)?
            .and_local_timezone(tz)
            .single()?
            .timestamp_millis(),
    )
}

/// An Excel date serial (days since 1899-12-30) as `YYYY-MM-DD`, plus ` HH:MM` when it has a time.
pub fn excel_date(serial: f64) -> String {
    let Some(base) = NaiveDate::from_ymd_opt(1899, 12, 30).and_then(|d| d.and_hms_opt(0, 0, 0))
    else {
        return String::new();
    };
    let secs = (serial * 86_400.0).round() as i64;
    let t = base + Duration::seconds(secs);
    if secs % 86_400 == 0 {
        t.format("%Y-%m-%d").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_starts_at_midnight_in_china() {
        let t = day_start_ms("2026-11-21").unwrap();
        assert_eq!(format_ms(t), "2026-11-21 00:00:00");
        assert_eq!(day_start_ms("21/11/2026"), None);
    }

    #[test]
    fn conversions() {
        // 2026-02-13T08:00:00Z is 16:00 in China.
        assert_eq!(format_ms(1_770_969_600_000), "2026-02-13 16:00:00");
        assert_eq!(date_of(1_770_969_600_000), "2026-02-13");
        assert_eq!(excel_date(46_082.0), "2026-03-01");
        assert_eq!(excel_date(46_082.5), "2026-03-01 12:00");
    }
}
