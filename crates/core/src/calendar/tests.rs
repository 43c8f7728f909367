//! Official answers around the 2026 Spring Festival, 中秋 and National Day, against the
//! repository's holiday file (`demo/calendar/holidays_cn.csv`, which is also the built-in copy)
//! and, when `TIAOKUAI_SHARED_DIR` points at the project's shared data, against that file too.

use super::*;

/// The repository's copy, parsed from the file on disk (not the `include_str!` in the binary).
fn repo_file() -> WorkCalendar {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../demo/calendar/holidays_cn.csv"
    );
    let text = std::fs::read_to_string(path).unwrap();
    WorkCalendar::new(
        WorkCalendar::parse_csv(&text).unwrap(),
        OfficeHours::default(),
    )
}

/// The shared holiday file, read only when `TIAOKUAI_SHARED_DIR` names the shared folder.
fn shared() -> WorkCalendar {
    let dir = std::env::var_os("TIAOKUAI_SHARED_DIR")
        .expect("set TIAOKUAI_SHARED_DIR to the shared folder (its data/holidays_cn.csv is read)");
    let path = std::path::Path::new(&dir).join("data/holidays_cn.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    WorkCalendar::new(
        WorkCalendar::parse_csv(&text).unwrap(),
        OfficeHours::default(),
    )
}

fn at(s: &str) -> i64 {
    parse_cst(s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// `limit` from `from` is `want`, with the repository's file and with the built-in calendar.
fn due(from: &str, limit: Limit, want: &str) {
    for (which, cal) in [("file", repo_file()), ("builtin", builtin())] {
        let got = format_cst(cal.add(at(from), limit));
        assert_eq!(got, want, "{which}: {from} + {limit:?}");
    }
}

fn facts(cal: &WorkCalendar) -> Vec<(NaiveDate, DayKind, String)> {
    cal.days()
        .map(|d| (d.date, d.kind, d.name.clone()))
        .collect()
}

#[test]
fn calendar_builtin_is_the_repository_file() {
    let b = builtin();
    assert_eq!(facts(&b), facts(&repo_file()));
    assert_eq!(b.days().count(), 72);
    assert_eq!(b.years_covered(), vec![2025, 2026]);
    assert_eq!(b.hours(), &OfficeHours::default());
}

#[test]
fn calendar_working_days_official_answers() {
    // 春节 2026: 02-14 (Sat) make-up workday, 02-15..23 off, 02-28 (Sat) make-up workday.
    due(
        "2026-02-13T16:00",
        Limit::WorkingDays(5),
        "2026-02-27T17:30+08:00",
    );
    due(
        "2026-02-13T16:00",
        Limit::WorkingDays(1),
        "2026-02-14T17:30+08:00",
    );
    due(
        "2026-02-13T16:00",
        Limit::WorkingDays(2),
        "2026-02-24T17:30+08:00",
    );
    due(
        "2026-02-13T16:00",
        Limit::WorkingDays(6),
        "2026-02-28T17:30+08:00",
    );
    due(
        "2026-02-13T16:00",
        Limit::WorkingDays(7),
        "2026-03-02T17:30+08:00",
    );
    // Starting on a holiday: the start day is not counted either way.
    due(
        "2026-02-17T09:00",
        Limit::WorkingDays(1),
        "2026-02-24T17:30+08:00",
    );
    // 国庆 2026: 09-20 (Sun) workday, 10-01..07 off, 10-10 (Sat) workday.
    due(
        "2026-09-30T10:00",
        Limit::WorkingDays(3),
        "2026-10-10T17:30+08:00",
    );
    due(
        "2026-09-30T10:00",
        Limit::WorkingDays(1),
        "2026-10-08T17:30+08:00",
    );
    due(
        "2026-09-30T10:00",
        Limit::WorkingDays(4),
        "2026-10-12T17:30+08:00",
    );
    // 中秋 09-25..27 (Fri–Sun) then 09-20 make-up Sunday.
    due(
        "2026-09-24T09:00",
        Limit::WorkingDays(1),
        "2026-09-28T17:30+08:00",
    );
    due(
        "2026-09-18T09:00",
        Limit::WorkingDays(1),
        "2026-09-20T17:30+08:00",
    );
    // 2025 国庆中秋: 10-01..08 off, 10-11 (Sat) workday.
    due(
        "2025-09-30T10:00",
        Limit::WorkingDays(2),
        "2025-10-10T17:30+08:00",
    );
    due(
        "2025-09-30T10:00",
        Limit::WorkingDays(3),
        "2025-10-11T17:30+08:00",
    );
}

#[test]
fn calendar_working_days_zero() {
    due(
        "2026-02-13T16:00",
        Limit::WorkingDays(0),
        "2026-02-13T17:30+08:00",
    );
    due(
        "2026-02-13T17:30",
        Limit::WorkingDays(0),
        "2026-02-13T17:30+08:00",
    );
    // After close, or on a holiday: the close of the next working day.
    due(
        "2026-02-13T18:00",
        Limit::WorkingDays(0),
        "2026-02-14T17:30+08:00",
    );
    due(
        "2026-02-15T10:00",
        Limit::WorkingDays(0),
        "2026-02-24T17:30+08:00",
    );
}

#[test]
fn calendar_working_minutes_official_answers() {
    // Across lunch: 11:30 + 60 = 12:00 then 13:30..14:00.
    due(
        "2026-02-13T11:30",
        Limit::WorkingMinutes(60),
        "2026-02-13T14:00+08:00",
    );
    // Lands on the period end: stays at 12:00.
    due(
        "2026-02-13T11:30",
        Limit::WorkingMinutes(30),
        "2026-02-13T12:00+08:00",
    );
    due(
        "2026-02-13T16:00",
        Limit::WorkingMinutes(90),
        "2026-02-13T17:30+08:00",
    );
    // Across the Spring Festival: 30 min on the make-up Saturday, then 02-24 08:30 + 30.
    due(
        "2026-02-14T17:00",
        Limit::WorkingMinutes(60),
        "2026-02-24T09:00+08:00",
    );
    // Friday 16:00 + 3 h: 1.5 h on the 13th, 1.5 h on the make-up Saturday.
    due(
        "2026-02-13T16:00",
        Limit::WorkingMinutes(180),
        "2026-02-14T10:00+08:00",
    );
    // Before office hours, at lunch, on a holiday: the clock starts at the next period.
    due(
        "2026-02-13T07:00",
        Limit::WorkingMinutes(10),
        "2026-02-13T08:40+08:00",
    );
    due(
        "2026-02-13T12:30",
        Limit::WorkingMinutes(10),
        "2026-02-13T13:40+08:00",
    );
    due(
        "2026-10-01T09:00",
        Limit::WorkingMinutes(0),
        "2026-10-08T08:30+08:00",
    );
    due(
        "2026-09-30T17:00",
        Limit::WorkingMinutes(60),
        "2026-10-08T09:00+08:00",
    );
    // One full working day (450 min) from Friday's close ends at the next close.
    due(
        "2026-02-13T17:30",
        Limit::WorkingMinutes(450),
        "2026-02-14T17:30+08:00",
    );
    let ten_days = 450 * 10;
    due(
        "2026-02-13T17:30",
        Limit::WorkingMinutes(ten_days),
        "2026-03-05T17:30+08:00",
    );
}

#[test]
fn calendar_clock_minutes_ignore_the_calendar() {
    due(
        "2026-02-15T23:50",
        Limit::ClockMinutes(30),
        "2026-02-16T00:20+08:00",
    );
    due(
        "2026-10-01T09:00",
        Limit::ClockMinutes(120),
        "2026-10-01T11:00+08:00",
    );
}

#[test]
fn calendar_working_time_and_days() {
    let c = repo_file();
    assert!(c.is_working_day(date("2026-02-14"))); // Saturday, make-up
    assert!(!c.is_working_day(date("2026-02-16"))); // Monday, 春节
    assert!(!c.is_working_day(date("2026-02-21"))); // Saturday, 春节
    assert!(c.is_working_day(date("2026-09-20"))); // Sunday, make-up
    assert!(!c.is_working_day(date("2026-09-25"))); // Friday, 中秋
    assert!(!c.is_working_day(date("2026-03-07"))); // plain Saturday
    assert!(c.is_working_day(date("2026-03-09"))); // plain Monday
    assert!(c.is_working_time(at("2026-02-14T08:30")));
    assert!(c.is_working_time(at("2026-02-14T12:00")));
    assert!(!c.is_working_time(at("2026-02-14T12:00:01")));
    assert!(c.is_working_time(at("2026-02-14T17:30")));
    assert!(!c.is_working_time(at("2026-02-14T17:30:00.001")));
    assert!(!c.is_working_time(at("2026-02-16T10:00")));
    let nws = |s: &str| format_cst(c.next_working_start(at(s)));
    assert_eq!(nws("2026-02-13T10:00"), "2026-02-13T10:00+08:00");
    assert_eq!(nws("2026-02-13T12:10"), "2026-02-13T13:30+08:00");
    assert_eq!(nws("2026-02-14T18:00"), "2026-02-24T08:30+08:00");
    assert_eq!(nws("2026-10-06T00:00"), "2026-10-08T08:30+08:00");
    assert_eq!(
        format_cst(c.close_of_day(date("2026-02-28"))),
        "2026-02-28T17:30+08:00"
    );
}

#[test]
fn calendar_working_ms_between() {
    let c = repo_file();
    let w = |a: &str, b: &str| c.working_ms_between(at(a), at(b)) / 60_000;
    assert_eq!(w("2026-02-13T11:00", "2026-02-13T14:00"), 60 + 30);
    assert_eq!(w("2026-02-13T08:00", "2026-02-13T20:00"), 450);
    // Friday + make-up Saturday + nine days off + Tuesday morning.
    assert_eq!(w("2026-02-13T00:00", "2026-02-24T12:00"), 450 * 2 + 210);
    assert_eq!(w("2026-10-01T00:00", "2026-10-07T23:59"), 0);
    assert_eq!(w("2026-02-24T10:00", "2026-02-24T09:00"), 0);
    // 2026: 365 days, 104 weekend days; 11 weekday holidays 元旦(2) 春节(6) 清明(1) 劳动(3) 端午(1)
    // 中秋(1) 国庆(5) = 19 weekday holidays, 6 make-up weekend days: 261 - 19 + 6 = 248.
    assert_eq!(w("2026-01-01T00:00", "2027-01-01T00:00"), 248 * 450);
    let first = c.days().next().map(|d| d.date);
    assert_eq!(first, Some(date("2025-01-01")));
}

#[test]
fn calendar_long_limits_are_fast_and_consistent() {
    let c = builtin();
    let s = at("2026-02-13T16:00");
    // 2026 has 248 working days, 2027 is weekday-only here (no notice yet).
    let end = c.add(s, Limit::WorkingMinutes(u32::MAX));
    assert!(end > s && c.is_working_time(end));
    let far = c.add(s, Limit::WorkingDays(u32::MAX));
    assert!(far > end);
    let m = 450 * 2000;
    let e = c.add(s, Limit::WorkingMinutes(m));
    assert_eq!(c.working_ms_between(s, e), i64::from(m) * 60_000);
    assert_eq!(
        format_cst(c.add(at("2026-12-31T17:30"), Limit::WorkingDays(5))),
        "2027-01-07T17:30+08:00"
    );
}

#[test]
fn calendar_extreme_inputs_do_not_panic() {
    let cals = [
        builtin(),
        WorkCalendar::default(),
        WorkCalendar::new([], OfficeHours { periods: vec![] }),
        WorkCalendar::new(
            [],
            OfficeHours {
                periods: vec![(900, 100), (0, 2000), (5, 5)],
            },
        ),
    ];
    for c in &cals {
        for s in [i64::MIN, i64::MIN + 1, -1, 0, 1, i64::MAX - 1, i64::MAX] {
            for l in [
                Limit::WorkingDays(0),
                Limit::WorkingDays(u32::MAX),
                Limit::WorkingMinutes(u32::MAX),
                Limit::ClockMinutes(u32::MAX),
            ] {
                let _ = format_cst(c.add(s, l));
            }
            let _ = c.is_working_time(s);
            let _ = c.next_working_start(s);
            let _ = c.working_ms_between(i64::MIN, s);
            let _ = c.add_working_ms(s, i64::MAX);
            let _ = cst_date(s);
        }
        let _ = c.close_of_day(NaiveDate::MIN);
        let _ = c.close_of_day(NaiveDate::MAX);
    }
    // A calendar of only holidays: give up, best effort.
    let all_off =
        (0..4000).filter_map(|i| date("2026-01-01").checked_add_days(chrono::Days::new(i)));
    let c = WorkCalendar::new(
        all_off.map(|d| SpecialDay {
            date: d,
            kind: DayKind::Holiday,
            name: "休".into(),
        }),
        OfficeHours::default(),
    );
    let s = at("2026-01-01T09:00");
    assert_eq!(c.add(s, Limit::WorkingDays(3)), s);
    assert_eq!(c.add(s, Limit::WorkingMinutes(3)), s);
    assert_eq!(c.next_working_start(s), s);
}

/// Opt-in cross-check: `TIAOKUAI_SHARED_DIR=../shared cargo test -- --ignored shared_`.
#[test]
#[ignore = "reads the shared data folder; run with TIAOKUAI_SHARED_DIR=DIR and --ignored"]
fn shared_holiday_file_matches_the_builtin_calendar() {
    assert_eq!(facts(&builtin()), facts(&shared()));
}
