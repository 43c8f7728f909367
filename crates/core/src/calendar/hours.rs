//! Office hours of a working day and the limits (时限) a due time is computed from.

use super::time::MINUTE_MS;
use crate::error::DataReason;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The office periods of a working day, as minutes after midnight (CST): sorted and
/// non-overlapping. The default is 08:30–12:00 and 13:30–17:30.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeHours {
    pub periods: Vec<(u16, u16)>,
}

impl Default for OfficeHours {
    fn default() -> Self {
        OfficeHours {
            periods: vec![(510, 720), (810, 1050)],
        }
    }
}

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once([':', '：'])?;
    let (h, m) = (h.trim(), m.trim());
    let digits = |x: &str| (1..=2).contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    let hm = h * 60 + m;
    (m < 60 && hm <= 1440).then_some(hm)
}

impl OfficeHours {
    /// At least one period; each within 00:00–24:00 with start before end; sorted, not overlapping
    /// (one may start where the previous ends).
    pub fn validate(&self) -> Result<(), DataReason> {
        if self.periods.is_empty() {
            return Err(DataReason::HoursNone);
        }
        let mut prev_end: Option<u16> = None;
        for &(s, e) in &self.periods {
            let period = format!("{}-{}", hhmm(s), hhmm(e));
            if e > 1440 {
                return Err(DataReason::HoursPastMidnight { period });
            }
            if s >= e {
                return Err(DataReason::HoursBackwards { period });
            }
            if prev_end.is_some_and(|pe| s < pe) {
                return Err(DataReason::HoursOverlap { period });
            }
            prev_end = Some(e);
        }
        Ok(())
    }

    /// Office minutes in a working day (overlaps counted once, invalid periods ignored).
    pub fn minutes_per_day(&self) -> u32 {
        let ms: i64 = self.spans_ms().iter().map(|&(s, e)| e - s).sum();
        u32::try_from(ms / MINUTE_MS).unwrap_or(0)
    }

    /// `08:30-12:00,13:30-17:30` (also `，`/`;` between periods and `–`/`~` within one).
    pub fn parse(s: &str) -> Result<Self, DataReason> {
        let mut periods = Vec::new();
        for part in s.split([',', '，', ';', '；']) {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let bad = || DataReason::HoursUnreadable {
                part: part.to_string(),
            };
            let (a, b) = part.split_once(['-', '–', '~', '～']).ok_or_else(bad)?;
            let (a, b) = (
                parse_hhmm(a).ok_or_else(bad)?,
                parse_hhmm(b).ok_or_else(bad)?,
            );
            periods.push((a, b));
        }
        let hours = OfficeHours { periods };
        hours.validate()?;
        Ok(hours)
    }

    /// The periods the arithmetic uses, in ms of the day: invalid periods dropped, ends clamped to
    /// 24:00, sorted, and overlapping or touching periods merged.
    pub(super) fn spans_ms(&self) -> Vec<(i64, i64)> {
        let mut v: Vec<(i64, i64)> = self
            .periods
            .iter()
            .map(|&(s, e)| (i64::from(s.min(1440)), i64::from(e.min(1440))))
            .filter(|&(s, e)| s < e)
            .map(|(s, e)| (s * MINUTE_MS, e * MINUTE_MS))
            .collect();
        v.sort_unstable();
        let mut out: Vec<(i64, i64)> = Vec::with_capacity(v.len());
        for (s, e) in v {
            match out.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => out.push((s, e)),
            }
        }
        out
    }
}

impl fmt::Display for OfficeHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .periods
            .iter()
            .map(|&(s, e)| format!("{}-{}", hhmm(s), hhmm(e)))
            .collect();
        f.write_str(&parts.join(","))
    }
}

/// A time limit (时限): office minutes, working days or plain clock minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "unit", content = "n", rename_all = "snake_case")]
pub enum Limit {
    WorkingMinutes(u32),
    WorkingDays(u32),
    ClockMinutes(u32),
}

impl Limit {
    /// `30 工作分钟`, `5 个工作日`, `30 分钟`.
    pub fn label_zh(&self) -> String {
        match self {
            Limit::WorkingMinutes(n) => format!("{n} 工作分钟"),
            Limit::WorkingDays(n) => format!("{n} 个工作日"),
            Limit::ClockMinutes(n) => format!("{n} 分钟"),
        }
    }

    /// `30m` working minutes, `2h` working hours (= `WorkingMinutes(120)`), `5d` working days,
    /// `30cm` clock minutes.
    pub fn parse(s: &str) -> Result<Limit, DataReason> {
        let t = s.trim().to_ascii_lowercase();
        let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(digits);
        let bad = || DataReason::LimitUnreadable {
            input: s.to_string(),
        };
        let n: u32 = num.parse().map_err(|_| bad())?;
        match unit.trim() {
            "m" => Ok(Limit::WorkingMinutes(n)),
            "h" => n.checked_mul(60).map(Limit::WorkingMinutes).ok_or_else(|| {
                DataReason::LimitTooLarge {
                    input: s.to_string(),
                }
            }),
            "d" => Ok(Limit::WorkingDays(n)),
            "cm" => Ok(Limit::ClockMinutes(n)),
            _ => Err(bad()),
        }
    }
}

/// The form [`Limit::parse`] reads: `30m`, `5d`, `30cm`.
impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::WorkingMinutes(n) => write!(f, "{n}m"),
            Limit::WorkingDays(n) => write!(f, "{n}d"),
            Limit::ClockMinutes(n) => write!(f, "{n}cm"),
        }
    }
}
