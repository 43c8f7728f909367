//! The patrol steps as log entries. Each goes in as one all-or-nothing append; a start, a
//! batch or a finding sent again (the phone retrying after being offline) is answered as
//! already received and appends nothing.

use crate::engine::{Actor, Engine};
use crate::error::{AppError, Result};
use tiaokuai_core::access::Principal;
use tiaokuai_core::error::{ImportReason, PatrolReason};
use tiaokuai_core::events::{Channel, EventCmd, Location, NewEvent, Party};
use tiaokuai_core::patrol::track::{clean, malformed};
use tiaokuai_core::patrol::{Dropped, Finding, PatrolCmd, PatrolRules, Point};
use tiaokuai_core::{CountyState, DomainError, Transition};

/// The answer to a step: its log entry, or `duplicate` when it had been received before.
#[derive(Debug, Clone, PartialEq)]
pub struct StepReply {
    pub seq: Option<u64>,
    pub duplicate: bool,
}

/// The answer to a batch of points: what was kept and what cleaning dropped, by cause.
#[derive(Debug, Clone, PartialEq)]
pub struct PointsReply {
    pub seq: Option<u64>,
    pub duplicate: bool,
    pub accepted: u32,
    pub dropped: Dropped,
}

fn patrol_t(p: &Party, now_ms: i64, cmd: PatrolCmd) -> Transition {
    Transition::Patrol {
        at_ms: now_ms,
        by: p.clone(),
        cmd,
    }
}

fn actor(p: &Party) -> Actor {
    Actor {
        username: p.username.clone(),
        role: p.role.as_str().to_string(),
        unit: p.unit.clone(),
    }
}

/// The grant the rules accept for `cmd`, or the most telling refusal.
fn party(s: &CountyState, who: &Principal, now_ms: i64, cmd: &PatrolCmd) -> Result<Party> {
    let mut best: Option<DomainError> = None;
    for g in &who.grants {
        let p = Party {
            username: who.username.clone(),
            role: g.role,
            unit: g.unit.clone(),
        };
        match s.check(&patrol_t(&p, now_ms, cmd.clone())) {
            Ok(()) => return Ok(p),
            Err(e) => {
                let rank = |e: &DomainError| match e {
                    DomainError::Forbidden(_) => 0,
                    DomainError::NotFound { .. } => 1,
                    DomainError::Conflict(_) => 2,
                    DomainError::Invalid(_) => 3,
                };
                if best.as_ref().is_none_or(|b| rank(&e) > rank(b)) {
                    best = Some(e);
                }
            }
        }
    }
    Err(AppError::Domain(best.unwrap_or_else(|| {
        DomainError::forbidden(ImportReason::NoRole)
    })))
}

/// Whether `cmd` repeats something already received from the same person.
fn repeated(s: &CountyState, who: &Principal, cmd: &PatrolCmd) -> bool {
    let b = &s.patrol;
    match cmd {
        PatrolCmd::Start { id, grid, .. } => b
            .patrol(id)
            .is_some_and(|p| p.patroller == who.username && p.grid == *grid),
        PatrolCmd::Points { patrol, batch, .. } => b
            .patrol(patrol)
            .is_some_and(|p| p.patroller == who.username && p.batches.contains(batch)),
        PatrolCmd::Finding { patrol, id, .. } => b
            .patrol(patrol)
            .is_some_and(|p| p.patroller == who.username && p.finding(id).is_some()),
        _ => false,
    }
}

fn first(seqs: Vec<u64>) -> Result<u64> {
    seqs.first()
        .copied()
        .ok_or_else(|| AppError::Io("nothing was appended".into()))
}

impl Engine {
    /// One patrol step (start, end, minutes, rules; a finding without an event).
    pub async fn patrol_step(
        &self,
        who: &Principal,
        now_ms: i64,
        cmd: PatrolCmd,
    ) -> Result<StepReply> {
        let p = self
            .with_state(|s| {
                if repeated(s, who, &cmd) {
                    return Ok(None);
                }
                party(s, who, now_ms, &cmd).map(Some)
            })
            .await??;
        let Some(p) = p else {
            return Ok(StepReply {
                seq: None,
                duplicate: true,
            });
        };
        match self
            .submit(&actor(&p), now_ms, vec![patrol_t(&p, now_ms, cmd.clone())])
            .await
        {
            Ok(seqs) => Ok(StepReply {
                seq: Some(first(seqs)?),
                duplicate: false,
            }),
            // The same step raced in from another request: received once.
            Err(e) if self.with_state(|s| repeated(s, who, &cmd)).await? => {
                tracing::debug!(error = %e, "patrol step received twice");
                Ok(StepReply {
                    seq: None,
                    duplicate: true,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// A batch of GPS points for a patrol: malformed points refuse the batch naming each
    /// (`points[3].lat`); the rest is sorted, repeats, points far outside the county's grids
    /// and points outside the patrol's time are dropped and counted. A batch id already
    /// received is answered as a duplicate and appends nothing.
    pub async fn patrol_points(
        &self,
        who: &Principal,
        now_ms: i64,
        patrol: &str,
        batch: &str,
        raw: Vec<Point>,
    ) -> Result<PointsReply> {
        let errs = malformed(&raw);
        if !errs.is_empty() {
            return Err(AppError::Domain(DomainError::Invalid(errs)));
        }
        let probe = PatrolCmd::Points {
            patrol: patrol.to_string(),
            batch: batch.to_string(),
            points: vec![],
            dropped: Dropped::default(),
        };
        let cleaned = self
            .with_state(|s| {
                if repeated(s, who, &probe) {
                    return Ok(None);
                }
                let rec = s.patrol.patrol(patrol).ok_or_else(|| {
                    AppError::Domain(DomainError::NotFound {
                        kind: "patrol",
                        id: patrol.to_string(),
                    })
                })?;
                let (from, until) = rec.window(now_ms);
                let area = s
                    .org
                    .grid_shapes
                    .values()
                    .map(|(b, _)| *b)
                    .reduce(|a, b| a.union(b));
                let (points, dropped) = clean(&raw, from, until, area.as_ref());
                let cmd = PatrolCmd::Points {
                    patrol: patrol.to_string(),
                    batch: batch.to_string(),
                    points,
                    dropped,
                };
                let p = party(s, who, now_ms, &cmd)?;
                Ok::<_, AppError>(Some((p, cmd)))
            })
            .await??;
        let Some((p, cmd)) = cleaned else {
            return Ok(PointsReply {
                seq: None,
                duplicate: true,
                accepted: 0,
                dropped: Dropped::default(),
            });
        };
        let (accepted, dropped) = match &cmd {
            PatrolCmd::Points {
                points, dropped, ..
            } => (points.len() as u32, *dropped),
            _ => (0, Dropped::default()),
        };
        match self
            .submit(&actor(&p), now_ms, vec![patrol_t(&p, now_ms, cmd)])
            .await
        {
            Ok(seqs) => Ok(PointsReply {
                seq: Some(first(seqs)?),
                duplicate: false,
                accepted,
                dropped,
            }),
            Err(e) if self.with_state(|s| repeated(s, who, &probe)).await? => {
                tracing::debug!(error = %e, "patrol batch received twice");
                Ok(PointsReply {
                    seq: None,
                    duplicate: true,
                    accepted: 0,
                    dropped: Dropped::default(),
                })
            }
            Err(e) => Err(e),
        }
    }

    /// A finding, reported at once as an event (`report`) or kept for later. With `report`,
    /// the finding, the event (location and photos from the finding) and their link are one
    /// append: all or nothing.
    pub async fn patrol_finding(
        &self,
        who: &Principal,
        now_ms: i64,
        cmd: PatrolCmd,
        report: bool,
    ) -> Result<StepReply> {
        let PatrolCmd::Finding { patrol, .. } = &cmd else {
            return self.patrol_step(who, now_ms, cmd).await;
        };
        if !report {
            return self.patrol_step(who, now_ms, cmd).await;
        }
        let reply = self
            .with_state(|s| {
                if repeated(s, who, &cmd) {
                    return Ok(None);
                }
                let p = party(s, who, now_ms, &cmd)?;
                let grid = s
                    .patrol
                    .patrol(patrol)
                    .map(|r| r.grid.clone())
                    .unwrap_or_default();
                let f = finding_of(&cmd);
                let (_, e, l) = report_batch(s, who, &p, now_ms, patrol, &grid, &f)?;
                Ok::<_, AppError>(Some((p, e, l)))
            })
            .await??;
        let Some((p, event_t, link_t)) = reply else {
            return Ok(StepReply {
                seq: None,
                duplicate: true,
            });
        };
        let seqs = self
            .submit(
                &actor(&p),
                now_ms,
                vec![patrol_t(&p, now_ms, cmd), event_t, link_t],
            )
            .await?;
        Ok(StepReply {
            seq: Some(first(seqs)?),
            duplicate: false,
        })
    }

    /// Reports a finding recorded earlier as an event; returns the event id.
    pub async fn patrol_report_finding(
        &self,
        who: &Principal,
        now_ms: i64,
        patrol: &str,
        finding: &str,
    ) -> Result<u64> {
        let (p, event_t, link_t) = self
            .with_state(|s| {
                let rec = s.patrol.patrol(patrol).ok_or_else(|| {
                    AppError::Domain(DomainError::NotFound {
                        kind: "patrol",
                        id: patrol.to_string(),
                    })
                })?;
                if rec.finding(finding).is_some_and(|f| f.event.is_some()) {
                    return Err(AppError::Domain(DomainError::conflict(
                        PatrolReason::FindingReported,
                    )));
                }
                // The link is checked after the event, in the same append.
                let p = Party {
                    username: who.username.clone(),
                    role: tiaokuai_core::org::RoleKind::GridWorker,
                    unit: who
                        .grants
                        .iter()
                        .find(|g| g.role == tiaokuai_core::org::RoleKind::GridWorker)
                        .map(|g| g.unit.clone())
                        .unwrap_or_default(),
                };
                let (grid, f) = recorded(s, who, patrol, finding)?;
                let (_, e, l) = report_batch(s, who, &p, now_ms, patrol, &grid, &f)?;
                Ok((p, e, l))
            })
            .await??;
        let seqs = self
            .submit(&actor(&p), now_ms, vec![event_t, link_t])
            .await?;
        first(seqs)
    }

    /// Replaces the patrol rules (administrators).
    pub async fn set_patrol_rules(
        &self,
        who: &Principal,
        now_ms: i64,
        rules: PatrolRules,
    ) -> Result<StepReply> {
        self.patrol_step(who, now_ms, PatrolCmd::SetRules { rules })
            .await
    }
}

/// The finding a `Finding` command records (not yet linked).
fn finding_of(cmd: &PatrolCmd) -> Finding {
    match cmd {
        PatrolCmd::Finding {
            id,
            category,
            description,
            lon,
            lat,
            found_ms,
            photos,
            ..
        } => Finding {
            id: id.clone(),
            category: category.trim().to_string(),
            description: description.trim().to_string(),
            lon: *lon,
            lat: *lat,
            found_ms: *found_ms,
            photos: photos.clone(),
            event: None,
            seq: 0,
        },
        _ => Finding {
            id: String::new(),
            category: String::new(),
            description: String::new(),
            lon: 0.0,
            lat: 0.0,
            found_ms: 0,
            photos: vec![],
            event: None,
            seq: 0,
        },
    }
}

/// The grid and the finding `finding` of the caller's patrol, as recorded.
fn recorded(
    s: &CountyState,
    who: &Principal,
    patrol: &str,
    finding: &str,
) -> Result<(String, Finding)> {
    let rec = s.patrol.patrol(patrol).ok_or_else(|| {
        AppError::Domain(DomainError::NotFound {
            kind: "patrol",
            id: patrol.to_string(),
        })
    })?;
    if rec.patroller != who.username {
        return Err(AppError::Domain(DomainError::forbidden(
            PatrolReason::PatrollerOnly,
        )));
    }
    let f = rec.finding(finding).ok_or_else(|| {
        AppError::Domain(DomainError::NotFound {
            kind: "finding",
            id: finding.to_string(),
        })
    })?;
    Ok((rec.grid.clone(), f.clone()))
}

/// The event a finding on `grid` becomes (a grid report with the finding's place, words and
/// photos) and the entry linking it back.
fn report_batch(
    s: &CountyState,
    who: &Principal,
    p: &Party,
    now_ms: i64,
    patrol: &str,
    grid: &str,
    f: &Finding,
) -> Result<(Party, Transition, Transition)> {
    let title: String = f.description.chars().take(30).collect();
    let mut location = Location {
        lon: f.lon,
        lat: f.lat,
        address: String::new(),
        grid: Some(grid.to_string()),
        village: None,
        township: None,
    };
    crate::events::locate::resolve(s, &mut location);
    let mut event = NewEvent {
        channel: Channel::GridReport,
        title,
        description: format!("【巡查发现】{}", f.description),
        category: f.category.clone(),
        urgency: Default::default(),
        grade: Default::default(),
        request_type: None,
        item: None,
        location,
        photos: f.photos.clone(),
        hotline_no: None,
        hotline_due_ms: None,
        call: false,
    };
    event.category = s.categories.for_report(&event.category, None, &event.title);
    let cmd = EventCmd::Report { event };
    let ep = crate::events::choose_party(s, who, now_ms, &cmd)?;
    let event_t = Transition::Event {
        at_ms: now_ms,
        by: ep.clone(),
        cmd,
    };
    let link_t = patrol_t(
        p,
        now_ms,
        PatrolCmd::FindingReported {
            patrol: patrol.to_string(),
            finding: f.id.clone(),
        },
    );
    Ok((ep, event_t, link_t))
}
