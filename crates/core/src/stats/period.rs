//! Named periods: `2026-11` (month), `2026-Q4`, `2026`, `2026-W45`, `2026-11-03`, or a range
//! `2026-10-01..2026-12-31` (both days included), as half-open millisecond ranges in China
//! Standard Time.

use crate::calendar::{Datelike, NaiveDate};
use crate::error::DataReason;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// As written (normalised), e.g. `2026-11`.
    pub name: String,
    pub from: NaiveDate,
    /// The first day after the period.
    pub until: NaiveDate,
}

const CST_MS: i64 = 8 * 3_600_000;

fn day_ms(d: NaiveDate) -> i64 {
    let days = i64::from(d.num_days_from_ce()) - 719_163; // 1970-01-01
    days * 86_400_000 - CST_MS
}

fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn next_month(y: i32, m: u32) -> Option<NaiveDate> {
    if m == 12 {
        ymd(y + 1, 1, 1)
    } else {
        ymd(y, m + 1, 1)
    }
}

impl Period {
    pub fn from_ms(&self) -> i64 {
        day_ms(self.from)
    }
    pub fn to_ms(&self) -> i64 {
        day_ms(self.until)
    }

    /// The month that contains `at_ms`.
    pub fn month_of(at_ms: i64) -> Period {
        let d = crate::calendar::cst_date(at_ms);
        let name = format!("{}-{:02}", d.year(), d.month());
        Period::parse(&name).unwrap_or(Period {
            name,
            from: d,
            until: d,
        })
    }

    /// The `n` calendar months ending with the month of `at_ms` (that month included).
    pub fn trailing_months(at_ms: i64, n: u32) -> Period {
        let this = Period::month_of(at_ms);
        let from = this
            .from
            .checked_sub_months(chrono::Months::new(n.saturating_sub(1)))
            .unwrap_or(this.from);
        Period {
            name: format!("{from}..{}", this.until.pred_opt().unwrap_or(this.until)),
            from,
            until: this.until,
        }
    }

    /// The period before this one, of the same length kind (for month-on-month comparison).
    pub fn previous(&self) -> Option<Period> {
        let days = (self.until - self.from).num_days();
        if self.name.len() == 7 && self.name.as_bytes().get(4) == Some(&b'-') {
            let prev = self.from.pred_opt()?;
            return Period::parse(&format!("{}-{:02}", prev.year(), prev.month())).ok();
        }
        let from = self.from - chrono::Duration::days(days);
        Some(Period {
            name: format!("{}..{}", from, self.from.pred_opt()?),
            from,
            until: self.from,
        })
    }

    pub fn parse(s: &str) -> Result<Period, DataReason> {
        let s = s.trim();
        let bad = || DataReason::BadPeriod {
            input: s.to_string(),
        };
        if let Some((a, b)) = s.split_once("..") {
            let from = NaiveDate::parse_from_str(a.trim(), "%Y-%m-%d").map_err(|_| bad())?;
            let last = NaiveDate::parse_from_str(b.trim(), "%Y-%m-%d").map_err(|_| bad())?;
            if last < from {
                return Err(DataReason::PeriodReversed);
            }
            return Ok(Period {
                name: format!("{from}..{last}"),
                from,
                until: last.succ_opt().ok_or_else(bad)?,
            });
        }
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(Period {
                name: d.to_string(),
                from: d,
                until: d.succ_opt().ok_or_else(bad)?,
            });
        }
        if let Some((y, w)) = s.split_once("-W") {
            let y: i32 = y.parse().map_err(|_| bad())?;
            let w: u32 = w.parse().map_err(|_| bad())?;
            let from = NaiveDate::from_isoywd_opt(y, w, chrono::Weekday::Mon).ok_or_else(bad)?;
            return Ok(Period {
                name: format!("{y}-W{w:02}"),
                from,
                until: from + chrono::Duration::days(7),
            });
        }
        if let Some((y, q)) = s.split_once("-Q") {
            let y: i32 = y.parse().map_err(|_| bad())?;
            let q: u32 = q.parse().map_err(|_| bad())?;
            if !(1..=4).contains(&q) {
                return Err(bad());
            }
            let from = ymd(y, (q - 1) * 3 + 1, 1).ok_or_else(bad)?;
            return Ok(Period {
                name: format!("{y}-Q{q}"),
                from,
                until: next_month(y, q * 3).ok_or_else(bad)?,
            });
        }
        if let Some((y, m)) = s.split_once('-') {
            let y: i32 = y.parse().map_err(|_| bad())?;
            let m: u32 = m.parse().map_err(|_| bad())?;
            let from = ymd(y, m, 1).ok_or_else(bad)?;
            return Ok(Period {
                name: format!("{y}-{m:02}"),
                from,
                until: next_month(y, m).ok_or_else(bad)?,
            });
        }
        let y: i32 = s.parse().map_err(|_| bad())?;
        if !(1970..=9999).contains(&y) {
            return Err(bad());
        }
        Ok(Period {
            name: y.to_string(),
            from: ymd(y, 1, 1).ok_or_else(bad)?,
            until: ymd(y + 1, 1, 1).ok_or_else(bad)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::parse_cst;

    #[test]
    fn periods_parse_to_cst_ranges() {
        let p = Period::parse("2026-11").unwrap();
        assert_eq!(p.from_ms(), parse_cst("2026-11-01T00:00").unwrap());
        assert_eq!(p.to_ms(), parse_cst("2026-12-01T00:00").unwrap());
        let q = Period::parse("2026-Q4").unwrap();
        assert_eq!(q.until, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(Period::parse("2026").unwrap().name, "2026");
        let w = Period::parse("2026-W45").unwrap();
        assert_eq!(w.from, NaiveDate::from_ymd_opt(2026, 11, 2).unwrap());
        let r = Period::parse("2026-10-01..2026-10-31").unwrap();
        assert_eq!(r.until, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
        assert_eq!(Period::parse("2026-11-03").unwrap().name, "2026-11-03");
        assert_eq!(
            Period::parse("2026-12").unwrap().previous().unwrap().name,
            "2026-11"
        );
        assert_eq!(
            Period::parse("2026-01").unwrap().previous().unwrap().name,
            "2025-12"
        );
        for bad in [
            "",
            "2026-13",
            "2026-Q5",
            "x",
            "2026-12-01..2026-11-01",
            "12",
        ] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        let m = Period::month_of(parse_cst("2026-11-30T23:59").unwrap());
        assert_eq!(m.name, "2026-11");
        let t = Period::trailing_months(parse_cst("2026-11-30T23:59").unwrap(), 12);
        assert_eq!(t.name, "2025-12-01..2026-11-30");
    }
}
