//! Reminders and escalation on schedule: the day after a deadline the scheduler issues a
//! 催办 for each overdue hop, and after the configured number of working days overdue it
//! escalates (督办 to leaders). Both are log entries like any other step.

use crate::engine::Engine;
use crate::error::Result;
use std::time::Duration;
use tiaokuai_core::events::{who::SYSTEM_SCHEDULER, EventCmd, Flag, Party, ReminderKind};
use tiaokuai_core::org::RoleKind;

/// The reminders due at `now_ms`: (event, hop, kind).
pub fn due_reminders(
    state: &tiaokuai_core::CountyState,
    now_ms: i64,
) -> Vec<(u64, u32, ReminderKind)> {
    let book = &state.events;
    let mut out = Vec::new();
    for e in book.events.values().filter(|e| !e.status.is_final()) {
        for a in e.assignments.iter().filter(|a| a.status.is_open()) {
            if book.flag(a, now_ms) != Flag::Red {
                continue;
            }
            if a.reminders == 0 {
                out.push((e.id, a.n, ReminderKind::Remind));
            }
            if !a.escalated && book.overdue_days(a, now_ms) >= book.config.escalate_after_days {
                out.push((e.id, a.n, ReminderKind::Escalate));
            }
        }
    }
    out
}

fn system(county: &str) -> Party {
    Party {
        username: SYSTEM_SCHEDULER.to_string(),
        role: RoleKind::SystemAdmin,
        unit: county.to_string(),
    }
}

/// Issues the reminders due now. Returns how many were issued.
pub async fn tick(engine: &Engine, now_ms: i64) -> Result<usize> {
    let due = engine.with_state(|s| due_reminders(s, now_ms)).await?;
    let party = system(engine.county());
    let mut n = 0;
    for (event, assignment, kind) in due {
        let note = match kind {
            ReminderKind::Escalate => "超期未办结，自动升级督办".to_string(),
            _ => "已超过办理时限，系统自动催办".to_string(),
        };
        let cmd = EventCmd::Remind {
            event,
            assignment,
            kind,
            note,
        };
        // Another server may have issued it first; a refusal is not an error here.
        if engine.act_as(&party, now_ms, cmd).await.is_ok() {
            n += 1;
        }
    }
    Ok(n)
}

/// Runs [`tick`] every `every` until `stop` is cancelled (a tick under way finishes first).
pub fn spawn(
    engine: Engine,
    every: Duration,
    stop: tokio_util::sync::CancellationToken,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut iv = tokio::time::interval(every);
        loop {
            tokio::select! {
                _ = iv.tick() => {}
                _ = stop.cancelled() => return,
            }
            match tick(&engine, crate::now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(reminders = n, "scheduler issued reminders"),
                Err(e) => tracing::warn!(error = %e, "scheduler tick failed"),
            }
        }
    })
}
