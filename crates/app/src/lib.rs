//! Tiaokuai's use cases. Each public function is one action a person or the CLI takes: it
//! checks the actor, asks the domain core to decide, and hands the resulting transitions to the
//! log [`writer`], which appends them (and updates the read models) in one transaction.
//! Time is always a parameter; nothing here reads the clock except [`now_ms`] for callers.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod admission;
pub mod archive;
pub mod assess;
pub mod auth;
pub mod cst;
pub mod delegation;
pub mod demo;
mod demo_admission;
mod demo_delegation;
mod demo_events;
pub mod demo_history;
pub mod demo_patrol;
pub mod engine;
pub mod error;
pub mod events;
pub mod keys;
pub mod lists;
pub mod org_io;
pub mod patrol;
pub mod personal;
pub mod routing;
pub mod snapshot;
pub mod stats;
pub mod stats_cache;
pub mod stats_export;
pub mod verify;
mod writer;

pub use engine::{Actor, Committed, Engine};
pub use error::AppError;
/// Cancelled to ask background tasks (scheduler, notifier, server) to stop.
pub use tokio_util::sync::CancellationToken;

/// Wall-clock time in milliseconds since the Unix epoch. Only edges (server, CLI) call this.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
