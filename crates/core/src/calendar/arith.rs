//! Working-time arithmetic: due times, office time between two instants.

use super::time::{date_of_clamped, day_of, is_weekday, join, split, weekdays_before, DAY_MS};
use super::{DayKind, Limit, WorkCalendar};
use chrono::NaiveDate;

/// Give up looking for a working day after this many days without one.
const SCAN_DAYS: i64 = 3660;

/// Office spans of a working day, ms since midnight: sorted, disjoint, non-touching.
type Spans = [(i64, i64)];

impl WorkCalendar {
    /// On a working day and inside an office period (period ends included).
    pub fn is_working_time(&self, at_ms: i64) -> bool {
        let spans = self.hours.spans_ms();
        let (d, t) = split(at_ms);
        if self.working(d) && spans.iter().any(|&(s, e)| s <= t && t <= e) {
            return true;
        }
        // 24:00 of a working day whose last period runs to midnight.
        t == 0 && spans.last().is_some_and(|&(_, e)| e == DAY_MS) && self.working(d - 1)
    }

    /// `at_ms` itself if it is working time, else the start of the next office period. If there is
    /// no working day within 3660 days, `at_ms`.
    pub fn next_working_start(&self, at_ms: i64) -> i64 {
        if self.is_working_time(at_ms) {
            return at_ms;
        }
        let spans = self.hours.spans_ms();
        let (d, t) = split(at_ms);
        self.first_from(&spans, d, t)
            .map_or(at_ms, |(d, t)| join(d, t))
    }

    /// The due time of `limit` from `start_ms` (see the module documentation).
    pub fn add(&self, start_ms: i64, limit: Limit) -> i64 {
        match limit {
            Limit::ClockMinutes(m) => start_ms.saturating_add(i64::from(m) * 60_000),
            Limit::WorkingMinutes(m) => self.add_working_ms(start_ms, i64::from(m) * 60_000),
            Limit::WorkingDays(n) => self.add_working_days(start_ms, n),
        }
    }

    /// Advances `ms` of office time (negative counts as 0) from `next_working_start(start_ms)`.
    /// A result exactly on a period end stays there.
    pub fn add_working_ms(&self, start_ms: i64, ms: i64) -> i64 {
        if ms <= 0 {
            return self.next_working_start(start_ms);
        }
        let spans = self.hours.spans_ms();
        let per_day: i64 = spans.iter().map(|&(s, e)| e - s).sum();
        let week = per_day * 5;
        let (d0, t0) = split(start_ms);
        let Some((mut d, mut t)) = self.first_from(&spans, d0, t0) else {
            return start_ms;
        };
        let mut rem = ms;
        loop {
            // (d, t) is working time on working day d; `i` is its span.
            let Some(i) = spans.iter().position(|&(_, e)| e >= t) else {
                return join(d, t);
            };
            let end = spans.get(i).map_or(t, |&(_, e)| e);
            let avail = end - t;
            if rem <= avail {
                return join(d, t + rem);
            }
            rem -= avail;
            if let Some(&(s, _)) = spans.get(i + 1) {
                t = s;
                continue;
            }
            // At the close of day d: skip whole weeks while no special day interferes. Days d..d+7k
            // all regular means d+7k is, like d, a working day, with exactly 5k working days after d.
            if week > 0 && rem > week {
                let mut k = (rem - 1) / week;
                if let Some(sp) = self.next_special_from(d) {
                    k = k.min((sp - d - 1).max(0) / 7);
                }
                if k > 0 {
                    d += 7 * k;
                    rem -= k * week;
                }
            }
            match self.first_after_day(&spans, d) {
                Some((nd, nt)) => (d, t) = (nd, nt),
                None => return join(d, end),
            }
        }
    }

    /// Office time in `[a_ms, b_ms]`, in ms; 0 if `b_ms <= a_ms`.
    pub fn working_ms_between(&self, a_ms: i64, b_ms: i64) -> i64 {
        if b_ms <= a_ms {
            return 0;
        }
        let spans = self.hours.spans_ms();
        let per_day: i64 = spans.iter().map(|&(s, e)| e - s).sum();
        let part = |d: i64, from: i64, to: i64| -> i64 {
            if !self.working(d) {
                return 0;
            }
            spans
                .iter()
                .map(|&(s, e)| (e.min(to) - s.max(from)).max(0))
                .sum()
        };
        let (da, ta) = split(a_ms);
        let (db, tb) = split(b_ms);
        if da == db {
            return part(da, ta, tb);
        }
        let full = self.working_days_in(da + 1, db - 1);
        part(da, ta, DAY_MS)
            .saturating_add(part(db, 0, tb))
            .saturating_add(full.saturating_mul(per_day))
    }

    /// The end of the last office period on `d` (midnight starting `d` if there are no periods).
    pub fn close_of_day(&self, d: NaiveDate) -> i64 {
        let last = self.hours.spans_ms().last().map_or(0, |&(_, e)| e);
        join(day_of(d), last)
    }

    fn add_working_days(&self, start_ms: i64, n: u32) -> i64 {
        let spans = self.hours.spans_ms();
        let Some(&(_, close)) = spans.last() else {
            return start_ms;
        };
        let (d0, t0) = split(start_ms);
        if n == 0 && self.working(d0) && t0 <= close {
            return join(d0, close);
        }
        self.nth_working_day_after(d0, n.max(1))
            .map_or(start_ms, |d| join(d, close))
    }

    /// The n-th working day after day `d0` (n >= 1), or None after 3660 days without one.
    fn nth_working_day_after(&self, d0: i64, n: u32) -> Option<i64> {
        let mut d = d0;
        let mut left = i64::from(n);
        let mut idle = 0;
        while left > 0 {
            if left > 5 {
                // Days d+1..=d+7k without special days hold exactly 5k working days.
                let mut k = (left - 1) / 5;
                if let Some(sp) = self.next_special_from(d + 1) {
                    k = k.min((sp - d - 1) / 7);
                }
                if k > 0 {
                    d += 7 * k;
                    left -= 5 * k;
                    continue;
                }
            }
            d += 1;
            if self.working(d) {
                left -= 1;
                idle = 0;
            } else {
                idle += 1;
                if idle > SCAN_DAYS {
                    return None;
                }
            }
        }
        Some(d)
    }

    /// The first working instant at or after `(d, t)`, as (day, ms of day).
    fn first_from(&self, spans: &Spans, d: i64, t: i64) -> Option<(i64, i64)> {
        if self.working(d) {
            if let Some(&(s, _)) = spans.iter().find(|&&(_, e)| e >= t) {
                return Some((d, s.max(t)));
            }
        }
        self.first_after_day(spans, d)
    }

    /// The start of the first office period on a working day after `d`.
    fn first_after_day(&self, spans: &Spans, d: i64) -> Option<(i64, i64)> {
        let &(s, _) = spans.first()?;
        (1..=SCAN_DAYS)
            .map(|k| d + k)
            .find(|&x| self.working(x))
            .map(|x| (x, s))
    }

    /// The day index of the first special day on or after day `d`.
    fn next_special_from(&self, d: i64) -> Option<i64> {
        let from = date_of_clamped(d);
        self.days
            .range(from..)
            .map(|(k, _)| day_of(*k))
            .find(|&x| x >= d)
    }

    /// Working days in the day indices `[lo, hi]` (0 if empty).
    fn working_days_in(&self, lo: i64, hi: i64) -> i64 {
        if hi < lo {
            return 0;
        }
        let mut n = weekdays_before(hi + 1) - weekdays_before(lo);
        for s in self
            .days
            .range(date_of_clamped(lo)..=date_of_clamped(hi))
            .map(|(_, s)| s)
        {
            let x = day_of(s.date);
            if x < lo || x > hi {
                continue;
            }
            match (s.kind, is_weekday(x)) {
                (DayKind::Workday, false) => n += 1,
                (DayKind::Holiday, true) => n -= 1,
                _ => {}
            }
        }
        n
    }
}
