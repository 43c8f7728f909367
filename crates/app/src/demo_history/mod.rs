//! Months of realistic demo history: events spread unevenly over the townships, about the
//! territorial list items, through every channel and outcome (late, graded, returned, disputed,
//! reminded, reworked, closed locally, assigned to stationed units, whistled), with the last
//! weeks still open in various stages.
//!
//! Every step goes through the engine and the rules. For speed the history is played in
//! rounds: each round reads the state once, takes the next step of every event, and submits
//! the steps as concurrent single-transition jobs, which the writer groups into large commits.

mod cast;
mod plan;
mod step;

use crate::engine::Engine;
use crate::error::{AppError, Result};
use plan::{Plan, Route, DAY};
use rand::rngs::StdRng;
use rand::SeedableRng;
use tiaokuai_core::events::{AssignmentStatus as A, EventCmd, EventStatus as E, Party};
use tiaokuai_core::Transition;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct HistorySpec {
    /// Months (30 days each) before `now_ms`.
    pub months: u32,
    pub events_per_month: u32,
    pub seed: u64,
    /// Events reported in the last days may stop at any stage (still open).
    pub open_tail_days: u32,
}

impl HistorySpec {
    /// The demo's three months.
    pub const DEMO: HistorySpec = HistorySpec {
        months: 3,
        events_per_month: 500,
        seed: 2026,
        open_tail_days: 14,
    };
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryCounts {
    pub events: usize,
    pub transitions: usize,
    pub rounds: usize,
    /// Steps the rules refused (a generator bug; they are skipped).
    pub refused: usize,
    pub closed: usize,
    pub self_closed: usize,
    pub open: usize,
    pub township_assigned: usize,
    pub whistled: usize,
    pub late: usize,
    pub unsatisfied: usize,
    pub returns: usize,
    pub disputes: usize,
    pub reminders: usize,
}

/// Concurrent jobs in flight at once (the writer takes up to 1024 per commit).
const IN_FLIGHT: usize = 4096;

/// Submits each step as its own job, concurrently, so the writer commits them in large
/// batches; results in input order.
async fn submit_all(engine: &Engine, steps: Vec<(Party, i64, EventCmd)>) -> Vec<Result<u64>> {
    let mut out = Vec::with_capacity(steps.len());
    let mut it = steps.into_iter().peekable();
    while it.peek().is_some() {
        let tasks: Vec<_> = it
            .by_ref()
            .take(IN_FLIGHT)
            .map(|(p, at, cmd)| {
                let engine = engine.clone();
                tokio::spawn(async move { engine.act_as(&p, at, cmd).await })
            })
            .collect();
        for t in tasks {
            out.push(
                t.await
                    .map_err(|e| AppError::Io(format!("history task: {e}")))
                    .and_then(|r| r),
            );
        }
    }
    out
}

/// Generates `spec.months` of history ending before `now_ms`. Deterministic for a seed and
/// an initial state.
pub async fn generate(engine: &Engine, now_ms: i64, spec: HistorySpec) -> Result<HistoryCounts> {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let cast = engine.with_state(cast::Cast::of).await?;
    if cast.items.is_empty() || cast.spots.is_empty() || cast.dispatchers.is_empty() {
        return Err(AppError::Io(
            "history needs the demo organisation and lists".into(),
        ));
    }
    let from = now_ms - i64::from(spec.months) * 30 * DAY;
    let to = now_ms - 2 * plan::HOUR;
    let tail_from = now_ms - i64::from(spec.open_tail_days) * DAY;
    let total = spec.months as usize * spec.events_per_month as usize;
    let mut plans: Vec<Plan> = (0..total)
        .filter_map(|_| plan::draw(&mut rng, &cast, from, to, tail_from))
        .collect();
    plans.sort_by_key(|p| p.t0);
    let mut counts = HistoryCounts::default();

    // Round 0: the reports; their sequence numbers are the event ids.
    let reports = plans
        .iter()
        .map(|p| {
            let cmd = EventCmd::Report {
                event: p.event.clone(),
            };
            (p.reporter.clone(), p.t0, cmd)
        })
        .collect();
    for (p, r) in plans.iter_mut().zip(submit_all(engine, reports).await) {
        match r {
            Ok(id) => {
                p.id = id;
                counts.transitions += 1;
            }
            Err(e) => {
                refused(&mut counts, &e.to_string());
                p.done = true;
            }
        }
    }
    counts.events = counts.transitions;

    // Then one step per open event per round, until every event is finished or stopped.
    loop {
        let counts_ref = &mut counts;
        let picked = engine
            .with_state(|s| {
                let counts = counts_ref;
                let mut steps = Vec::new();
                for (i, p) in plans.iter_mut().enumerate() {
                    if p.done {
                        continue;
                    }
                    if p.stop_after.is_some_and(|n| p.steps >= n) {
                        p.done = true;
                        continue;
                    }
                    match step::next(s, &cast, p, &mut rng) {
                        Some((_, at, _)) if at >= now_ms => p.done = true,
                        Some((by, at, cmd)) => {
                            let t = Transition::Event {
                                at_ms: at,
                                by: by.clone(),
                                cmd: cmd.clone(),
                            };
                            match s.check(&t) {
                                Ok(()) => steps.push((i, (by, at, cmd))),
                                Err(e) => {
                                    refused(counts, &format!("{} on {}: {e}", cmd.kind(), p.id));
                                    p.done = true;
                                }
                            }
                        }
                        None => p.done = true,
                    }
                }
                steps
            })
            .await?;
        let steps = picked;
        if steps.is_empty() {
            break;
        }
        counts.rounds += 1;
        let (idx, steps): (Vec<usize>, Vec<_>) = steps.into_iter().unzip();
        let times: Vec<i64> = steps.iter().map(|(_, at, _)| *at).collect();
        for ((i, at), r) in idx
            .into_iter()
            .zip(times)
            .zip(submit_all(engine, steps).await)
        {
            let p = &mut plans[i];
            match r {
                Ok(_) => {
                    p.clock = at;
                    p.steps += 1;
                    counts.transitions += 1;
                }
                Err(e) => {
                    refused(&mut counts, &e.to_string());
                    p.done = true;
                }
            }
        }
    }
    tally(engine, &plans, &mut counts).await?;
    Ok(counts)
}

fn refused(counts: &mut HistoryCounts, e: &str) {
    if counts.refused < 5 {
        tracing::warn!(error = e, "history step refused");
    }
    counts.refused += 1;
}

/// Counts outcomes from the folded state.
async fn tally(engine: &Engine, plans: &[Plan], c: &mut HistoryCounts) -> Result<()> {
    engine
        .with_state(|s| {
            for p in plans.iter().filter(|p| p.id > 0) {
                let Some(e) = s.events.event(p.id) else {
                    continue;
                };
                match e.status {
                    E::Closed => c.closed += 1,
                    E::SelfClosed => c.self_closed += 1,
                    st if !st.is_final() => c.open += 1,
                    _ => {}
                }
                if matches!(p.route, Route::Assign(_)) && !e.assignments.is_empty() {
                    c.township_assigned += 1;
                }
                if matches!(p.route, Route::Whistle(_)) && !e.assignments.is_empty() {
                    c.whistled += 1;
                }
                let late = e.assignments.iter().any(|a| {
                    a.signed_ms.is_some_and(|t| t > a.deadlines.sign)
                        || a.reported_ms.is_some_and(|t| t > a.deadlines.complete)
                });
                c.late += usize::from(late);
                c.unsatisfied += usize::from(e.assignments.iter().any(|a| a.status == A::Reopened));
                c.returns += usize::from(e.assignments.iter().any(|a| !a.returns.is_empty()));
                c.disputes += usize::from(!e.disputes.is_empty());
                c.reminders += e
                    .assignments
                    .iter()
                    .map(|a| a.reminders as usize)
                    .sum::<usize>();
            }
        })
        .await
}
