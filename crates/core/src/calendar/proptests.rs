//! Properties of the working-time arithmetic over 2025–2026 with the built-in calendar.

use super::*;
use proptest::prelude::*;

/// 2025-01-01T00:00+08:00 and 2027-01-01T00:00+08:00.
const FROM: i64 = 1_735_660_800_000;
const TO: i64 = 1_798_732_800_000;

fn start() -> impl Strategy<Value = i64> {
    // Whole minutes mostly (as people enter them), any millisecond sometimes.
    prop_oneof![
        (FROM / 60_000..TO / 60_000).prop_map(|m| m * 60_000),
        FROM..TO,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn calendar_due_is_working_time_not_before_start(s in start(), n in 0u32..400, m in 0u32..200_000) {
        let c = builtin();
        for limit in [Limit::WorkingDays(n), Limit::WorkingMinutes(m)] {
            let due = c.add(s, limit);
            prop_assert!(due >= s, "{} + {limit:?} = {}", format_cst(s), format_cst(due));
            prop_assert!(c.is_working_time(due), "{} + {limit:?} = {}", format_cst(s), format_cst(due));
        }
    }

    #[test]
    fn calendar_working_minutes_are_consumed_exactly(s in start(), m in 0u32..200_000) {
        let c = builtin();
        let due = c.add(s, Limit::WorkingMinutes(m));
        prop_assert_eq!(c.working_ms_between(s, due), i64::from(m) * 60_000);
        // Nothing of the limit is left at any earlier instant.
        if m > 0 {
            prop_assert!(c.working_ms_between(s, due - 1) < i64::from(m) * 60_000);
        }
    }

    #[test]
    fn calendar_limits_are_monotonic(s in start(), n in 0u32..300, m in 0u32..100_000) {
        let c = builtin();
        // Strictly from 1 on; WorkingDays(0) after the close of a working day is the next close,
        // the same as WorkingDays(1).
        let (a, b) = (c.add(s, Limit::WorkingDays(n)), c.add(s, Limit::WorkingDays(n + 1)));
        prop_assert!(a < b || (n == 0 && a == b));
        prop_assert!(c.add(s, Limit::WorkingMinutes(m)) < c.add(s, Limit::WorkingMinutes(m + 1)));
        let later = s + 3_600_000;
        prop_assert!(c.add(s, Limit::WorkingDays(n)) <= c.add(later, Limit::WorkingDays(n)));
        prop_assert!(c.add(s, Limit::WorkingMinutes(m)) <= c.add(later, Limit::WorkingMinutes(m)));
    }

    #[test]
    fn calendar_working_days_are_counted_from_the_next_day(s in start(), n in 1u32..300) {
        let c = builtin();
        let due = c.add(s, Limit::WorkingDays(n));
        let d = cst_date(due);
        prop_assert!(c.is_working_day(d));
        prop_assert_eq!(due, c.close_of_day(d));
        // Exactly n working days in (start day, due day].
        let mut count = 0;
        let mut x = cst_date(s);
        while x < d {
            x = x.succ_opt().unwrap();
            if c.is_working_day(x) {
                count += 1;
            }
        }
        prop_assert_eq!(count, n);
    }

    #[test]
    fn calendar_between_and_add_agree(a in start(), b in start()) {
        let c = builtin();
        let w = c.working_ms_between(a, b);
        prop_assert!(w >= 0);
        let back = c.add_working_ms(a, w);
        if b > a {
            prop_assert!(back <= c.next_working_start(b), "{} {} {}", format_cst(a), format_cst(b), format_cst(back));
            prop_assert_eq!(c.working_ms_between(a, back), w);
        } else {
            prop_assert_eq!(w, 0);
        }
        // Splitting an interval adds up.
        let (lo, hi) = (a.min(b), a.max(b));
        let mid = lo + (hi - lo) / 2;
        prop_assert_eq!(c.working_ms_between(lo, mid) + c.working_ms_between(mid, hi), c.working_ms_between(lo, hi));
    }

    #[test]
    fn calendar_next_working_start_is_the_first_working_instant(s in start()) {
        let c = builtin();
        let n = c.next_working_start(s);
        prop_assert!(n >= s);
        prop_assert!(c.is_working_time(n));
        prop_assert_eq!(c.working_ms_between(s, n), 0);
        prop_assert_eq!(c.is_working_time(s), n == s);
    }

    #[test]
    fn calendar_text_round_trips(s in start()) {
        prop_assert_eq!(parse_cst(&format_cst(s)), Ok(s));
    }

    #[test]
    fn calendar_never_panics(s in any::<i64>(), b in any::<i64>(), n in any::<u32>(), text in ".{0,200}") {
        let c = builtin();
        for limit in [Limit::WorkingDays(n), Limit::WorkingMinutes(n), Limit::ClockMinutes(n)] {
            let _ = format_cst(c.add(s, limit));
        }
        let _ = c.working_ms_between(s, b);
        let _ = c.add_working_ms(s, b);
        let _ = parse_cst(&text);
        let _ = OfficeHours::parse(&text);
        let _ = Limit::parse(&text);
        let _ = WorkCalendar::parse_csv(&text);
        let _ = WorkCalendar::parse_csv(&format!("date,kind,name\n{text}"));
    }
}
