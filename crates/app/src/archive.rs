//! Only live work in memory. Settled events (see [`EventBook::settled`]) are written to the
//! `event_archive` table and dropped from the in-memory state; a command on one, a replay that
//! reaches one, or a read of one loads it back. Archived versions are keyed by the log
//! position of the event's last change, so every reader finds the version it needs.
//!
//! [`EventBook::settled`]: tiaokuai_core::events::EventBook::settled

use crate::error::{AppError, Result};
use crate::writer::LogCache;
use tiaokuai_core::events::ArchivedEvent;
use tiaokuai_core::{CountyState, Transition};
use tiaokuai_store::{ArchiveRow, Store};
use tokio::sync::RwLock;

/// When settled events leave memory.
#[derive(Debug, Clone, Copy)]
pub struct HistoryPolicy {
    /// How long a final event stays in memory after it settled (the window in which 回访 and
    /// late records are usual). Later commands still work: they load it back.
    pub keep_settled_ms: i64,
    /// Events archived per pass; a pass holds the state's write lock only to drop them.
    pub batch: usize,
    /// A snapshot is written when this many entries were appended since the last one.
    pub snapshot_every: u64,
    /// How often the server archives settled events and considers a snapshot.
    pub maintain_every_ms: u64,
}

impl Default for HistoryPolicy {
    fn default() -> Self {
        HistoryPolicy {
            keep_settled_ms: 7 * 86_400_000,
            batch: 5_000,
            snapshot_every: 100_000,
            maintain_every_ms: 30_000,
        }
    }
}

/// Resident events above which a replay pauses to archive what has settled.
const REPLAY_SWEEP_AT: usize = 50_000;

fn corrupt(what: impl std::fmt::Display) -> AppError {
    AppError::Io(format!("archived event is unreadable: {what}"))
}

pub(crate) fn encode(a: &ArchivedEvent) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(a).map_err(|e| AppError::Io(e.to_string()))?;
    zstd::bulk::compress(&json, 3).map_err(|e| AppError::Io(e.to_string()))
}

pub(crate) fn decode(bytes: &[u8]) -> Result<ArchivedEvent> {
    let json = zstd::stream::decode_all(bytes).map_err(corrupt)?;
    serde_json::from_slice(&json).map_err(corrupt)
}

/// The event a transition acts on, if it is a workflow command on an existing event.
fn event_of(t: &Transition) -> Option<u64> {
    match t {
        Transition::Event { cmd, .. } => cmd.event_id(),
        _ => None,
    }
}

/// Loads back the archived events `ts` act on, as they stood before log position `before`.
pub(crate) async fn load_for(
    store: &Store,
    county: &str,
    state: &mut CountyState,
    ts: &[Transition],
    before: u64,
) -> Result<()> {
    for id in ts.iter().filter_map(event_of) {
        if id < state.log_len && !state.events.is_resident(id) {
            if let Some(b) = store.archived_event(county, id, before).await? {
                state.events.restore(decode(&b)?);
            }
        }
    }
    Ok(())
}

/// Writes `archived` to storage; after this they may leave memory.
async fn put(store: &Store, county: &str, archived: &[ArchivedEvent]) -> Result<()> {
    let rows = archived
        .iter()
        .map(|a| {
            Ok(ArchiveRow {
                event_id: a.event.id,
                seq: a.seq(),
                body: encode(a)?,
                photos: a.photos.clone(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    store.put_archive(county, &rows).await?;
    Ok(())
}

/// Archives settled events of a state held exclusively (during a replay).
pub(crate) async fn sweep_owned(
    store: &Store,
    county: &str,
    cache: &mut LogCache,
    policy: &HistoryPolicy,
    now_ms: i64,
) -> Result<usize> {
    let mut total = 0;
    loop {
        let ids = cache
            .state
            .events
            .settled(now_ms, policy.keep_settled_ms, policy.batch);
        if ids.is_empty() {
            return Ok(total);
        }
        let archived = cache.state.events.archive_of(&ids);
        put(store, county, &archived).await?;
        for a in &archived {
            total += usize::from(cache.state.events.evict(a));
        }
        if ids.len() < policy.batch {
            return Ok(total);
        }
    }
}

/// Archives settled events of the shared state. The state is only read while they are
/// collected and written out, and locked for writing only to drop them; an event that
/// changed meanwhile stays (a later pass archives its new version).
pub(crate) async fn sweep_shared(
    store: &Store,
    county: &str,
    cache: &RwLock<LogCache>,
    policy: &HistoryPolicy,
    now_ms: i64,
) -> Result<usize> {
    let mut total = 0;
    loop {
        let archived = {
            let c = cache.read().await;
            let ids = c
                .state
                .events
                .settled(now_ms, policy.keep_settled_ms, policy.batch);
            c.state.events.archive_of(&ids)
        };
        if archived.is_empty() {
            return Ok(total);
        }
        put(store, county, &archived).await?;
        let mut c = cache.write().await;
        let before = total;
        for a in &archived {
            total += usize::from(c.state.events.evict(a));
        }
        drop(c);
        if archived.len() < policy.batch || total == before {
            return Ok(total);
        }
    }
}

/// Whether a replay has gathered enough settled history to archive some before going on.
pub(crate) fn replay_should_sweep(cache: &LogCache) -> bool {
    cache.state.events.events.len() >= REPLAY_SWEEP_AT
}
