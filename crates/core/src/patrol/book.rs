//! The patrol book, folded from the log: each patrol's summary (grid, patroller, times, point
//! count, distance, extent, the batches received, findings), the townships' weekly minutes and
//! the patrol rules. The GPS points themselves stay in the log entries (and the track table
//! the store keeps from them), not in memory.

use super::rules::PatrolRules;
use super::track::{self, Dropped, Point};
use crate::error::{FieldError, FieldReason, PatrolReason as P};
use crate::events::{EventBook, Party};
use crate::org::{validate_code, RoleKind};
use crate::state::OrgState;
use crate::stats::Period;
use crate::DomainError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A point may be this far ahead of the server's clock (phones' clocks drift).
pub const CLOCK_SLACK_MS: i64 = 5 * 60_000;
/// A patrol may be started (offline) up to this long before it reaches the server.
pub const LATE_START_MS: i64 = 7 * 86_400_000;

/// One patrol step, by the patroller (or township staff for minutes, an administrator for
/// the rules).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum PatrolCmd {
    /// A patrol of a grid begins. `id` is chosen by the phone, so a start sent twice is one.
    Start {
        id: String,
        grid: String,
        started_ms: i64,
    },
    /// A batch of track points, cleaned (time order, no repeats); `dropped` counts what the
    /// cleaning left out. A batch id is received once.
    Points {
        patrol: String,
        batch: String,
        points: Vec<Point>,
        #[serde(default)]
        dropped: Dropped,
    },
    /// Something found on the way (巡办分离: the patroller reports, others handle).
    Finding {
        patrol: String,
        id: String,
        category: String,
        description: String,
        lon: f64,
        lat: f64,
        found_ms: i64,
        #[serde(default)]
        photos: Vec<String>,
    },
    /// The finding became the event appended just before this entry (by the same person).
    FindingReported { patrol: String, finding: String },
    /// The patrol ends.
    End {
        patrol: String,
        ended_ms: i64,
        #[serde(default)]
        note: String,
    },
    /// A township's weekly analysis meeting (周分析会商) minutes.
    Minutes {
        township: String,
        week: String,
        #[serde(default)]
        attendees: String,
        text: String,
    },
    /// How often each class of grid must be patrolled.
    SetRules { rules: PatrolRules },
}

impl PatrolCmd {
    pub fn kind(&self) -> &'static str {
        match self {
            PatrolCmd::Start { .. } => "patrol.start",
            PatrolCmd::Points { .. } => "patrol.points",
            PatrolCmd::Finding { .. } => "patrol.finding",
            PatrolCmd::FindingReported { .. } => "patrol.finding.report",
            PatrolCmd::End { .. } => "patrol.end",
            PatrolCmd::Minutes { .. } => "patrol.minutes",
            PatrolCmd::SetRules { .. } => "patrol.rules.set",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub category: String,
    pub description: String,
    pub lon: f64,
    pub lat: f64,
    pub found_ms: i64,
    pub photos: Vec<String>,
    /// The event it became, if reported.
    pub event: Option<u64>,
    /// The log entry that recorded it.
    pub seq: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatrolRecord {
    pub id: String,
    pub grid: String,
    pub village: String,
    pub township: String,
    pub patroller: String,
    pub started_ms: i64,
    pub ended_ms: Option<i64>,
    pub note: String,
    pub points: u32,
    pub distance_m: f64,
    /// `[min_lon, min_lat, max_lon, max_lat]` of the points received.
    pub bbox: Option<[f64; 4]>,
    /// The latest point received (by time), to join the next batch's distance.
    pub last: Option<Point>,
    pub batches: BTreeSet<String>,
    /// The log entries holding the batches' points (the track is read back from them).
    #[serde(default)]
    pub batch_seqs: Vec<u64>,
    pub dropped: Dropped,
    pub findings: Vec<Finding>,
    /// The log entry that started it.
    pub seq: u64,
}

impl PatrolRecord {
    pub fn finding(&self, id: &str) -> Option<&Finding> {
        self.findings.iter().find(|f| f.id == id)
    }
    /// The window point times must lie in, judged at `now_ms`.
    pub fn window(&self, now_ms: i64) -> (i64, i64) {
        (
            self.started_ms,
            self.ended_ms.unwrap_or(now_ms + CLOCK_SLACK_MS),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinutesRecord {
    pub township: String,
    pub week: String,
    pub attendees: String,
    pub text: String,
    pub by: String,
    pub at_ms: i64,
    pub seq: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PatrolBook {
    pub patrols: BTreeMap<String, PatrolRecord>,
    /// The latest minutes by `township/week`.
    pub minutes: BTreeMap<String, MinutesRecord>,
    pub rules: PatrolRules,
    /// The newest patrol start per grid.
    pub last_by_grid: BTreeMap<String, i64>,
}

/// What a check needs from the rest of the state.
pub struct PatrolCtx<'a> {
    pub org: &'a OrgState,
    pub events: &'a EventBook,
    /// The sequence the entry being checked would get.
    pub seq: u64,
}

fn invalid(field: &str, r: impl Into<crate::Reason>) -> DomainError {
    DomainError::invalid(field, r)
}

fn point_problems(lon: f64, lat: f64) -> Vec<FieldError> {
    let mut e = vec![];
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        e.push(FieldError::new("", "lat", P::Latitude));
    }
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        e.push(FieldError::new("", "lon", P::Longitude));
    }
    e
}

pub fn minutes_key(township: &str, week: &str) -> String {
    format!("{township}/{week}")
}

/// The ISO week containing `at_ms` (China Standard Time), as `2026-W48`.
pub fn week_of(at_ms: i64) -> String {
    use crate::calendar::Datelike;
    let w = crate::calendar::cst_date(at_ms).iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// `2026-W48` as a period, or why not.
pub fn parse_week(week: &str) -> Result<Period, DomainError> {
    let bad = || {
        invalid(
            "week",
            P::BadWeek {
                input: week.to_string(),
            },
        )
    };
    if !week.contains("-W") {
        return Err(bad());
    }
    Period::parse(week).map_err(|_| bad())
}

impl PatrolBook {
    pub fn patrol(&self, id: &str) -> Option<&PatrolRecord> {
        self.patrols.get(id)
    }

    /// The patroller's patrol that is still open, if any.
    pub fn open_of(&self, username: &str) -> Option<&PatrolRecord> {
        self.patrols
            .values()
            .filter(|p| p.patroller == username && p.ended_ms.is_none())
            .max_by_key(|p| p.started_ms)
    }

    fn own(&self, by: &Party, id: &str) -> Result<&PatrolRecord, DomainError> {
        let p = self.patrols.get(id).ok_or_else(|| DomainError::NotFound {
            kind: "patrol",
            id: id.to_string(),
        })?;
        if p.patroller != by.username || by.role != RoleKind::GridWorker {
            return Err(DomainError::forbidden(P::PatrollerOnly));
        }
        Ok(p)
    }

    /// Whether `by` may append `cmd` at `at_ms`. Never changes the book.
    pub fn check(
        &self,
        ctx: &PatrolCtx,
        at_ms: i64,
        by: &Party,
        cmd: &PatrolCmd,
    ) -> Result<(), DomainError> {
        match cmd {
            PatrolCmd::Start {
                id,
                grid,
                started_ms,
            } => {
                if by.role != RoleKind::GridWorker {
                    return Err(DomainError::forbidden(P::GridWorkerOnly));
                }
                let g = ctx
                    .org
                    .grids
                    .get(grid)
                    .ok_or_else(|| invalid("grid", P::UnknownGrid { grid: grid.clone() }))?;
                let member = g.workers.contains(&by.username)
                    || g.leader.as_deref() == Some(by.username.as_str());
                if !member {
                    return Err(DomainError::forbidden(P::OwnGridOnly {
                        grid: grid.clone(),
                    }));
                }
                validate_code(id).map_err(|e| invalid("id", e))?;
                if self.patrols.contains_key(id) {
                    return Err(DomainError::conflict(P::PatrolExists { id: id.clone() }));
                }
                if *started_ms > at_ms + CLOCK_SLACK_MS || *started_ms < at_ms - LATE_START_MS {
                    return Err(invalid("started_ms", P::TimeWindow));
                }
                if let Some(open) = self.open_of(&by.username) {
                    return Err(DomainError::conflict(P::StillOpen {
                        id: open.id.clone(),
                    }));
                }
                Ok(())
            }
            PatrolCmd::Points {
                patrol,
                batch,
                points,
                dropped,
            } => {
                let p = self.own(by, patrol)?;
                validate_code(batch).map_err(|e| invalid("batch", e))?;
                if p.batches.contains(batch) {
                    return Err(DomainError::conflict(P::BatchSeen {
                        batch: batch.clone(),
                    }));
                }
                let errs = if points.is_empty() && dropped.total() > 0 {
                    vec![]
                } else {
                    track::malformed(points)
                };
                if !errs.is_empty() {
                    return Err(DomainError::Invalid(errs));
                }
                if !track::is_clean(points) {
                    return Err(invalid("points", P::Unsorted));
                }
                let (from, until) = p.window(at_ms);
                if points.iter().any(|x| x.t < from || x.t > until) {
                    return Err(invalid("points", P::TimeWindow));
                }
                Ok(())
            }
            PatrolCmd::Finding {
                patrol,
                id,
                category,
                description,
                lon,
                lat,
                found_ms,
                ..
            } => {
                let p = self.own(by, patrol)?;
                let mut errs = point_problems(*lon, *lat);
                if validate_code(id).is_err() {
                    errs.push(FieldError::new("", "id", FieldReason::Empty));
                }
                if category.trim().is_empty() {
                    errs.push(FieldError::new("", "category", FieldReason::Empty));
                }
                if description.trim().is_empty() {
                    errs.push(FieldError::new("", "description", FieldReason::Empty));
                }
                let (from, until) = p.window(at_ms);
                if *found_ms < from || *found_ms > until {
                    errs.push(FieldError::new("", "found_ms", P::TimeWindow));
                }
                if !errs.is_empty() {
                    return Err(DomainError::Invalid(errs));
                }
                if p.finding(id).is_some() {
                    return Err(DomainError::conflict(P::FindingExists { id: id.clone() }));
                }
                Ok(())
            }
            PatrolCmd::FindingReported { patrol, finding } => {
                let p = self.own(by, patrol)?;
                let f = p.finding(finding).ok_or_else(|| DomainError::NotFound {
                    kind: "finding",
                    id: finding.clone(),
                })?;
                if f.event.is_some() {
                    return Err(DomainError::conflict(P::FindingReported));
                }
                let ok = ctx
                    .seq
                    .checked_sub(1)
                    .and_then(|id| ctx.events.event(id))
                    .is_some_and(|e| e.reporter == by.username);
                if !ok {
                    return Err(DomainError::conflict(P::NoReportedEvent));
                }
                Ok(())
            }
            PatrolCmd::End {
                patrol, ended_ms, ..
            } => {
                let p = self.own(by, patrol)?;
                if p.ended_ms.is_some() {
                    return Err(DomainError::conflict(P::Ended));
                }
                if *ended_ms < p.started_ms {
                    return Err(invalid("ended_ms", P::EndBeforeStart));
                }
                if *ended_ms > at_ms + CLOCK_SLACK_MS {
                    return Err(invalid("ended_ms", P::TimeWindow));
                }
                Ok(())
            }
            PatrolCmd::Minutes {
                township,
                week,
                text,
                ..
            } => {
                match ctx.org.unit(township) {
                    Some(u) if u.kind.is_township() => {}
                    Some(_) => {
                        return Err(invalid(
                            "township",
                            P::NotATownship {
                                unit: township.clone(),
                            },
                        ))
                    }
                    None => {
                        return Err(invalid(
                            "township",
                            FieldReason::UnknownUnit {
                                unit: township.clone(),
                            },
                        ))
                    }
                }
                let staff = matches!(
                    by.role,
                    RoleKind::TownshipOperator | RoleKind::TownshipLeader
                ) && ctx
                    .org
                    .township_of(&by.unit)
                    .is_some_and(|t| t.code == *township);
                if !staff {
                    return Err(DomainError::forbidden(P::MinutesTownship));
                }
                parse_week(week)?;
                if text.trim().is_empty() {
                    return Err(invalid("text", FieldReason::Empty));
                }
                Ok(())
            }
            PatrolCmd::SetRules { rules } => {
                if by.role != RoleKind::SystemAdmin {
                    return Err(DomainError::forbidden(P::RulesAdmin));
                }
                let errs = rules.problems();
                if errs.is_empty() {
                    Ok(())
                } else {
                    Err(DomainError::Invalid(errs))
                }
            }
        }
    }

    /// Folds a step in (after `check` passed).
    pub fn apply(&mut self, org: &OrgState, seq: u64, at_ms: i64, by: &Party, cmd: &PatrolCmd) {
        match cmd {
            PatrolCmd::Start {
                id,
                grid,
                started_ms,
            } => {
                let village = org
                    .grids
                    .get(grid)
                    .map(|g| g.village.clone())
                    .unwrap_or_default();
                let township = org
                    .township_of(&village)
                    .map(|t| t.code.clone())
                    .unwrap_or_default();
                let last = self.last_by_grid.entry(grid.clone()).or_insert(*started_ms);
                *last = (*last).max(*started_ms);
                self.patrols.insert(
                    id.clone(),
                    PatrolRecord {
                        id: id.clone(),
                        grid: grid.clone(),
                        village,
                        township,
                        patroller: by.username.clone(),
                        started_ms: *started_ms,
                        ended_ms: None,
                        note: String::new(),
                        points: 0,
                        distance_m: 0.0,
                        bbox: None,
                        last: None,
                        batches: BTreeSet::new(),
                        batch_seqs: vec![],
                        dropped: Dropped::default(),
                        findings: vec![],
                        seq,
                    },
                );
            }
            PatrolCmd::Points {
                patrol,
                batch,
                points,
                dropped,
            } => {
                if let Some(p) = self.patrols.get_mut(patrol) {
                    p.batches.insert(batch.clone());
                    p.batch_seqs.push(seq);
                    p.points += points.len() as u32;
                    p.dropped.add(dropped);
                    let mut d = track::length(points);
                    if let (Some(prev), Some(first)) = (p.last, points.first()) {
                        if prev.t < first.t {
                            d += track::metres(&prev, first);
                        }
                    }
                    p.distance_m += d;
                    p.bbox = track::bbox(points, p.bbox);
                    if let Some(l) = points.last() {
                        if p.last.is_none_or(|x| x.t < l.t) {
                            p.last = Some(*l);
                        }
                    }
                }
            }
            PatrolCmd::Finding {
                patrol,
                id,
                category,
                description,
                lon,
                lat,
                found_ms,
                photos,
            } => {
                if let Some(p) = self.patrols.get_mut(patrol) {
                    p.findings.push(Finding {
                        id: id.clone(),
                        category: category.trim().to_string(),
                        description: description.trim().to_string(),
                        lon: *lon,
                        lat: *lat,
                        found_ms: *found_ms,
                        photos: photos.clone(),
                        event: None,
                        seq,
                    });
                }
            }
            PatrolCmd::FindingReported { patrol, finding } => {
                if let Some(f) = self
                    .patrols
                    .get_mut(patrol)
                    .and_then(|p| p.findings.iter_mut().find(|f| f.id == *finding))
                {
                    f.event = seq.checked_sub(1);
                }
            }
            PatrolCmd::End {
                patrol,
                ended_ms,
                note,
            } => {
                if let Some(p) = self.patrols.get_mut(patrol) {
                    p.ended_ms = Some(*ended_ms);
                    p.note = note.trim().to_string();
                }
            }
            PatrolCmd::Minutes {
                township,
                week,
                attendees,
                text,
            } => {
                let week = parse_week(week).map(|p| p.name).unwrap_or(week.clone());
                self.minutes.insert(
                    minutes_key(township, &week),
                    MinutesRecord {
                        township: township.clone(),
                        week,
                        attendees: attendees.trim().to_string(),
                        text: text.trim().to_string(),
                        by: by.username.clone(),
                        at_ms,
                        seq,
                    },
                );
            }
            PatrolCmd::SetRules { rules } => self.rules = rules.clone(),
        }
    }
}
