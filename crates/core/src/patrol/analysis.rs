//! 周分析、月汇总: what a township's patrols covered in a period, as pure functions of the
//! patrol book, the organisation and the state of the events findings became.

use super::book::{minutes_key, Finding, MinutesRecord, PatrolBook};
use super::rules::{overdue, GridClass};
use crate::calendar::cst_date;
use crate::state::OrgState;
use std::collections::{BTreeMap, BTreeSet};

const DAY_MS: i64 = 86_400_000;
/// A finding not reported as an event within this long is overdue.
pub const FINDING_REPORT_MS: i64 = DAY_MS;
/// Findings of one category this close (degrees, about 100 m) are one spot.
pub const SPOT_DEG: f64 = 0.001;

/// The state of the event a finding became, as far as the analysis needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventLink {
    pub no: String,
    pub closed: bool,
    /// Open past its deadline.
    pub late: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GridRow {
    pub grid: String,
    pub name: String,
    pub village: String,
    pub class: GridClass,
    pub interval_days: u32,
    pub patrols: usize,
    pub days_patrolled: usize,
    /// Patrols the rule asks for in the (elapsed part of the) period.
    pub required: usize,
    pub last_ms: Option<i64>,
    /// Overdue now (or at the period's end, for a past period).
    pub overdue: bool,
}

impl GridRow {
    pub fn met(&self) -> bool {
        self.days_patrolled >= self.required
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FindingRow {
    pub patrol: String,
    pub grid: String,
    pub patroller: String,
    pub finding: Finding,
    pub event: Option<EventLink>,
}

impl FindingRow {
    /// Not reported within a day, or reported and still open past the event's deadline.
    pub fn overdue(&self, now_ms: i64) -> bool {
        match &self.event {
            None => now_ms - self.finding.found_ms > FINDING_REPORT_MS,
            Some(e) => !e.closed && e.late,
        }
    }
}

/// A place where findings of one category came up more than once.
#[derive(Debug, Clone, PartialEq)]
pub struct Spot {
    pub category: String,
    pub grid: String,
    pub lon: f64,
    pub lat: f64,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub township: String,
    pub from_ms: i64,
    pub to_ms: i64,
    pub grids: Vec<GridRow>,
    pub patrols: usize,
    pub distance_m: f64,
    pub findings: Vec<FindingRow>,
    pub minutes: Option<MinutesRecord>,
}

impl Analysis {
    pub fn covered(&self) -> usize {
        self.grids.iter().filter(|g| g.patrols > 0).count()
    }
    pub fn met(&self) -> usize {
        self.grids.iter().filter(|g| g.met()).count()
    }
    /// Grids patrolled at least once, in percent (100 without grids).
    pub fn coverage_pct(&self) -> f64 {
        if self.grids.is_empty() {
            100.0
        } else {
            self.covered() as f64 * 100.0 / self.grids.len() as f64
        }
    }
    pub fn overdue_grids(&self) -> usize {
        self.grids.iter().filter(|g| g.overdue).count()
    }
    pub fn reported(&self) -> usize {
        self.findings.iter().filter(|f| f.event.is_some()).count()
    }
    /// Findings per category, most first.
    pub fn by_category(&self) -> Vec<(String, usize)> {
        let mut m: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &self.findings {
            *m.entry(f.finding.category.as_str()).or_default() += 1;
        }
        let mut v: Vec<(String, usize)> = m.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }
    /// Places with two or more findings of the same category, most first.
    pub fn repeat_spots(&self) -> Vec<Spot> {
        let mut m: BTreeMap<(String, i64, i64), Spot> = BTreeMap::new();
        for f in &self.findings {
            let k = (
                f.finding.category.clone(),
                (f.finding.lon / SPOT_DEG).round() as i64,
                (f.finding.lat / SPOT_DEG).round() as i64,
            );
            let s = m.entry(k).or_insert_with(|| Spot {
                category: f.finding.category.clone(),
                grid: f.grid.clone(),
                lon: f.finding.lon,
                lat: f.finding.lat,
                count: 0,
            });
            s.count += 1;
        }
        let mut v: Vec<Spot> = m.into_values().filter(|s| s.count > 1).collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.grid.cmp(&b.grid)));
        v
    }
    pub fn overdue_findings(&self, now_ms: i64) -> Vec<&FindingRow> {
        self.findings.iter().filter(|f| f.overdue(now_ms)).collect()
    }
}

/// The analysis of `township`'s grids for `[from_ms, to_ms)`, judged at `now_ms`; `event`
/// tells the state of an event a finding became. `week` names the minutes to attach.
#[allow(clippy::too_many_arguments)]
pub fn analyse(
    book: &PatrolBook,
    org: &OrgState,
    township: &str,
    from_ms: i64,
    to_ms: i64,
    now_ms: i64,
    week: Option<&str>,
    event: &dyn Fn(u64) -> Option<EventLink>,
) -> Analysis {
    let at = now_ms.min(to_ms);
    let elapsed_days = ((at - from_ms).max(0) + DAY_MS - 1) / DAY_MS;
    let grids: Vec<_> = org
        .grids
        .values()
        .filter(|g| {
            org.township_of(&g.village)
                .is_some_and(|t| t.code == township)
        })
        .collect();
    let codes: BTreeSet<&str> = grids.iter().map(|g| g.code.as_str()).collect();
    let in_period: Vec<_> = book
        .patrols
        .values()
        .filter(|p| codes.contains(p.grid.as_str()))
        .filter(|p| p.started_ms >= from_ms && p.started_ms < to_ms)
        .collect();
    let mut rows = Vec::with_capacity(grids.len());
    for g in &grids {
        let class = GridClass::of(org, g);
        let days = book.rules.days(class);
        let mine: Vec<_> = in_period.iter().filter(|p| p.grid == g.code).collect();
        let dates: BTreeSet<_> = mine.iter().map(|p| cst_date(p.started_ms)).collect();
        // The newest start up to the judging time.
        let last = book
            .patrols
            .values()
            .filter(|p| p.grid == g.code && p.started_ms < at)
            .map(|p| p.started_ms)
            .max();
        rows.push(GridRow {
            grid: g.code.clone(),
            name: g.name.clone(),
            village: g.village.clone(),
            class,
            interval_days: days,
            patrols: mine.len(),
            days_patrolled: dates.len(),
            required: (elapsed_days as usize).div_ceil(days.max(1) as usize),
            last_ms: last,
            overdue: overdue(days, last, at),
        });
    }
    let mut findings: Vec<FindingRow> = vec![];
    for p in book
        .patrols
        .values()
        .filter(|p| codes.contains(p.grid.as_str()))
    {
        for f in &p.findings {
            if f.found_ms >= from_ms && f.found_ms < to_ms {
                findings.push(FindingRow {
                    patrol: p.id.clone(),
                    grid: p.grid.clone(),
                    patroller: p.patroller.clone(),
                    finding: f.clone(),
                    event: f.event.and_then(event),
                });
            }
        }
    }
    findings.sort_by_key(|f| f.finding.found_ms);
    Analysis {
        township: township.to_string(),
        from_ms,
        to_ms,
        grids: rows,
        patrols: in_period.len(),
        distance_m: in_period.iter().map(|p| p.distance_m).sum(),
        findings,
        minutes: week.and_then(|w| book.minutes.get(&minutes_key(township, w)).cloned()),
    }
}

/// Grids overdue at `now_ms` in `township` (all townships: `None`), with their last patrol.
pub fn overdue_grids<'a>(
    book: &PatrolBook,
    org: &'a OrgState,
    township: Option<&str>,
    now_ms: i64,
) -> Vec<(&'a crate::org::Grid, Option<i64>)> {
    org.grids
        .values()
        .filter(|g| {
            township.is_none_or(|t| org.township_of(&g.village).is_some_and(|u| u.code == t))
        })
        .filter_map(|g| {
            let last = book.last_by_grid.get(&g.code).copied();
            let days = book.rules.days(GridClass::of(org, g));
            overdue(days, last, now_ms).then_some((g, last))
        })
        .collect()
}
