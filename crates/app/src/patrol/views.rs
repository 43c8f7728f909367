//! What each viewer may read of the patrols: a grid worker their own; a township's staff
//! their township's; county staff all. Refusals name the reason; nothing leaks by id.

use crate::engine::Engine;
use crate::error::{AppError, Result};
use std::collections::BTreeSet;
use tiaokuai_core::access::Principal;
use tiaokuai_core::error::PatrolReason;
use tiaokuai_core::events::{EventBook, EventStatus};
use tiaokuai_core::org::Grid;
use tiaokuai_core::patrol::{analyse, overdue_grids, Analysis, EventLink, PatrolRecord, Point};
use tiaokuai_core::stats::Period;
use tiaokuai_core::{CountyState, DomainError, Transition};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatrolScope {
    County,
    Townships(BTreeSet<String>),
    /// A grid worker: their own patrols.
    Own(String),
    None,
}

impl PatrolScope {
    pub fn sees(&self, p: &PatrolRecord) -> bool {
        match self {
            PatrolScope::County => true,
            PatrolScope::Townships(t) => t.contains(&p.township),
            PatrolScope::Own(u) => p.patroller == *u,
            PatrolScope::None => false,
        }
    }

    pub fn sees_township(&self, t: &str) -> bool {
        match self {
            PatrolScope::County => true,
            PatrolScope::Townships(ts) => ts.contains(t),
            _ => false,
        }
    }
}

/// A patrol as a list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PatrolSummary {
    pub record: PatrolRecord,
    pub grid_name: String,
    pub patroller_name: String,
}

/// One township's month (or the county's total when `township` is empty).
#[derive(Debug, Clone, PartialEq)]
pub struct TownshipMonth {
    pub township: String,
    pub name: String,
    pub grids: usize,
    pub covered: usize,
    pub met: usize,
    pub patrols: usize,
    pub distance_km: f64,
    pub findings: usize,
    pub reported: usize,
    pub overdue_findings: usize,
    pub minutes: usize,
}

impl TownshipMonth {
    pub fn coverage_pct(&self) -> f64 {
        if self.grids == 0 {
            100.0
        } else {
            self.covered as f64 * 100.0 / self.grids as f64
        }
    }
}

fn no_view() -> AppError {
    AppError::Domain(DomainError::forbidden(PatrolReason::NoView))
}

fn link(events: &EventBook, id: u64, now_ms: i64) -> Option<EventLink> {
    match events.event(id) {
        Some(e) => Some(EventLink {
            no: e.no.clone(),
            closed: e.closed_ms.is_some()
                || matches!(e.status, EventStatus::SelfClosed | EventStatus::Closed),
            late: e
                .assignments
                .iter()
                .any(|a| a.status.is_open() && events.overdue_days(a, now_ms) > 0),
        }),
        // Archived: settled long ago.
        None => Some(EventLink {
            no: String::new(),
            closed: true,
            late: false,
        }),
    }
}

fn summary(s: &CountyState, p: &PatrolRecord) -> PatrolSummary {
    PatrolSummary {
        record: p.clone(),
        grid_name: s
            .org
            .grids
            .get(&p.grid)
            .map(|g| g.name.clone())
            .unwrap_or_default(),
        patroller_name: s
            .org
            .people
            .get(&p.patroller)
            .map(|r| r.person.name.clone())
            .unwrap_or_else(|| p.patroller.clone()),
    }
}

/// The township to show: the one asked for if the viewer sees it, else their first.
pub fn pick_township(s: &CountyState, scope: &PatrolScope, asked: Option<&str>) -> Result<String> {
    if let Some(t) = asked.filter(|t| !t.is_empty()) {
        if !s.org.unit(t).is_some_and(|u| u.kind.is_township()) {
            return Err(AppError::Domain(DomainError::invalid(
                "township",
                PatrolReason::NotATownship { unit: t.into() },
            )));
        }
        return if scope.sees_township(t) {
            Ok(t.to_string())
        } else {
            Err(no_view())
        };
    }
    match scope {
        PatrolScope::Townships(t) => t.iter().next().cloned().ok_or_else(no_view),
        PatrolScope::County => s
            .org
            .units
            .values()
            .find(|u| u.kind.is_township())
            .map(|u| u.code.clone())
            .ok_or_else(no_view),
        _ => Err(no_view()),
    }
}

impl Engine {
    /// Whose patrols `who` may read.
    pub async fn patrol_scope(&self, who: &Principal) -> Result<PatrolScope> {
        self.with_state(|s| super::scope(s, who)).await
    }

    /// Patrols `who` may read, newest first (at most `limit`), optionally of one township.
    pub async fn patrols(
        &self,
        who: &Principal,
        township: Option<&str>,
        limit: usize,
    ) -> Result<Vec<PatrolSummary>> {
        self.with_state(|s| {
            let scope = super::scope(s, who);
            if scope == PatrolScope::None {
                return Err(no_view());
            }
            let mut v: Vec<&PatrolRecord> = s
                .patrol
                .patrols
                .values()
                .filter(|p| scope.sees(p))
                .filter(|p| township.is_none_or(|t| p.township == t))
                .collect();
            v.sort_by(|a, b| b.started_ms.cmp(&a.started_ms).then(b.id.cmp(&a.id)));
            Ok(v.into_iter().take(limit).map(|p| summary(s, p)).collect())
        })
        .await?
    }

    /// One patrol, if `who` may read it (else not found, as if it did not exist).
    pub async fn patrol(&self, who: &Principal, id: &str) -> Result<PatrolSummary> {
        self.with_state(|s| {
            let scope = super::scope(s, who);
            s.patrol
                .patrol(id)
                .filter(|p| scope.sees(p))
                .map(|p| summary(s, p))
                .ok_or_else(|| {
                    AppError::Domain(DomainError::NotFound {
                        kind: "patrol",
                        id: id.to_string(),
                    })
                })
        })
        .await?
    }

    /// A patrol's track in time order, read back from the log entries of its batches.
    pub async fn patrol_track(&self, who: &Principal, id: &str) -> Result<Vec<Point>> {
        let rec = self.patrol(who, id).await?.record;
        let entries = self
            .store()
            .read_entries(self.county(), &rec.batch_seqs)
            .await?;
        let mut pts: Vec<Point> = vec![];
        for e in entries {
            if let Ok(Transition::Patrol {
                cmd: tiaokuai_core::patrol::PatrolCmd::Points { points, .. },
                ..
            }) = Transition::from_payload(&e.payload)
            {
                pts.extend(points);
            }
        }
        pts.sort_by_key(|p| p.t);
        pts.dedup_by_key(|p| p.t);
        Ok(pts)
    }

    /// The grids a grid worker patrols, and their open patrol.
    pub async fn my_patrol_grids(
        &self,
        who: &Principal,
    ) -> Result<(Vec<Grid>, Option<PatrolRecord>)> {
        self.with_state(|s| {
            let grids = s
                .org
                .grids
                .values()
                .filter(|g| {
                    g.workers.contains(&who.username)
                        || g.leader.as_deref() == Some(who.username.as_str())
                })
                .cloned()
                .collect();
            (grids, s.patrol.open_of(&who.username).cloned())
        })
        .await
    }

    /// A township's analysis for a period (a week `2026-W48` or a month `2026-11`).
    pub async fn patrol_analysis(
        &self,
        who: &Principal,
        township: Option<&str>,
        period: &str,
        now_ms: i64,
    ) -> Result<(Analysis, Period)> {
        let per = Period::parse(period)
            .map_err(|e| AppError::Domain(DomainError::invalid("period", e)))?;
        self.with_state(|s| {
            let scope = super::scope(s, who);
            let t = pick_township(s, &scope, township)?;
            let week = per.name.contains("-W").then_some(per.name.as_str());
            let a = analyse(
                &s.patrol,
                &s.org,
                &t,
                per.from_ms(),
                per.to_ms(),
                now_ms,
                week,
                &|id| link(&s.events, id, now_ms),
            );
            Ok((a, per.clone()))
        })
        .await?
    }

    /// 月汇总: each township the viewer sees for `month`, then the county's total (township
    /// code empty) when they see the whole county.
    pub async fn patrol_month(
        &self,
        who: &Principal,
        month: &str,
        now_ms: i64,
    ) -> Result<(Vec<TownshipMonth>, Period)> {
        let per =
            Period::parse(month).map_err(|e| AppError::Domain(DomainError::invalid("month", e)))?;
        self.with_state(|s| {
            let scope = super::scope(s, who);
            if !matches!(scope, PatrolScope::County | PatrolScope::Townships(_)) {
                return Err(no_view());
            }
            let mut rows = vec![];
            for u in s.org.units.values().filter(|u| u.kind.is_township()) {
                if !scope.sees_township(&u.code) {
                    continue;
                }
                let a = analyse(
                    &s.patrol,
                    &s.org,
                    &u.code,
                    per.from_ms(),
                    per.to_ms(),
                    now_ms,
                    None,
                    &|id| link(&s.events, id, now_ms),
                );
                let minutes = s
                    .patrol
                    .minutes
                    .values()
                    .filter(|m| m.township == u.code)
                    .filter(|m| {
                        Period::parse(&m.week).is_ok_and(|w| {
                            w.from_ms() >= per.from_ms() && w.from_ms() < per.to_ms()
                        })
                    })
                    .count();
                rows.push(TownshipMonth {
                    township: u.code.clone(),
                    name: u.name.clone(),
                    grids: a.grids.len(),
                    covered: a.covered(),
                    met: a.met(),
                    patrols: a.patrols,
                    distance_km: a.distance_m / 1000.0,
                    findings: a.findings.len(),
                    reported: a.reported(),
                    overdue_findings: a.overdue_findings(now_ms.min(per.to_ms())).len(),
                    minutes,
                });
            }
            if scope == PatrolScope::County {
                let mut total = TownshipMonth {
                    township: String::new(),
                    name: String::new(),
                    grids: 0,
                    covered: 0,
                    met: 0,
                    patrols: 0,
                    distance_km: 0.0,
                    findings: 0,
                    reported: 0,
                    overdue_findings: 0,
                    minutes: 0,
                };
                for r in &rows {
                    total.grids += r.grids;
                    total.covered += r.covered;
                    total.met += r.met;
                    total.patrols += r.patrols;
                    total.distance_km += r.distance_km;
                    total.findings += r.findings;
                    total.reported += r.reported;
                    total.overdue_findings += r.overdue_findings;
                    total.minutes += r.minutes;
                }
                rows.push(total);
            }
            Ok((rows, per.clone()))
        })
        .await?
    }

    /// Grids not patrolled in time that `who` sees (a township's staff: their township's).
    pub async fn overdue_patrol_grids(
        &self,
        who: &Principal,
        now_ms: i64,
    ) -> Result<Vec<(Grid, Option<i64>)>> {
        self.with_state(|s| match super::scope(s, who) {
            PatrolScope::County => overdue_grids(&s.patrol, &s.org, None, now_ms)
                .into_iter()
                .map(|(g, t)| (g.clone(), t))
                .collect(),
            PatrolScope::Townships(ts) => ts
                .iter()
                .flat_map(|t| overdue_grids(&s.patrol, &s.org, Some(t), now_ms))
                .map(|(g, t)| (g.clone(), t))
                .collect(),
            _ => vec![],
        })
        .await
    }
}
