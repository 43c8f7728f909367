//! The engine: one county's log, its in-memory state, and the writer that appends to it.
//!
//! The in-memory [`CountyState`] is a cache of the log: before each batch the writer catches up
//! with entries other server processes appended, so many stateless servers can share one
//! PostgreSQL database.

use crate::archive::HistoryPolicy;
use crate::error::{AppError, Result};
use crate::snapshot::StartReport;
use crate::writer::{self, Job, LogCache};
use std::sync::Arc;
use tiaokuai_core::{CountyState, Transition};
use tiaokuai_log::{Checkpoint, Hash, LogSigner, LogVerifier, Pyramid, Tiles};
use tiaokuai_store::Store;
use tokio::sync::{broadcast, mpsc, oneshot, RwLock};

/// An entry that was just committed, for live updates and notifiers.
#[derive(Debug, Clone)]
pub struct Committed {
    pub seq: u64,
    pub at_ms: i64,
    pub actor: String,
    pub kind: String,
    /// The event the entry is about, if it is a workflow step.
    pub event: Option<u64>,
}

/// Who is acting: a person in a role for a unit, or the system (CLI, imports, demo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub username: String,
    pub role: String,
    pub unit: String,
}

impl Actor {
    pub fn system(what: &str) -> Self {
        Actor {
            username: format!("system:{what}"),
            role: String::new(),
            unit: String::new(),
        }
    }
}

#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    county: String,
    verifier: LogVerifier,
    cache: Arc<RwLock<LogCache>>,
    jobs: mpsc::Sender<Job>,
    committed: broadcast::Sender<Committed>,
    /// When reads last checked the stored log for other processes' appends.
    last_sync: std::sync::atomic::AtomicI64,
    /// Recent statistical facts (see `stats_cache`).
    facts: crate::stats_cache::FactCache,
    policy: HistoryPolicy,
    signer: Arc<LogSigner>,
    start: StartReport,
    /// Log size of the newest snapshot written or loaded.
    last_snapshot: std::sync::atomic::AtomicU64,
    /// Held while archived events or snapshots are written, and by an erasure while it
    /// clears them: nothing read before an erasure is written after it.
    derived: Arc<tokio::sync::Mutex<()>>,
    /// Whether this engine signs with the log's key (and so may write snapshots).
    may_snapshot: bool,
    /// Archived events loaded back for reads since the last early pass.
    read_loads: std::sync::atomic::AtomicUsize,
}

/// Archived events loaded for reads after which an archiving pass runs at once.
const READ_LOADS_BEFORE_SWEEP: usize = 10_000;

/// Reads may lag appends made by *other* server processes by this much; this process's own
/// appends are visible at once, and every write is checked against the caught-up log.
pub const READ_STALENESS_MS: i64 = 100;

impl Engine {
    /// Loads the county's log into memory and starts the writer task, with the default
    /// [`HistoryPolicy`].
    pub async fn start(store: Store, county: &str, signer: LogSigner) -> Result<Engine> {
        Self::start_with(store, county, signer, HistoryPolicy::default()).await
    }

    /// Loads the county's log into memory (archiving settled history as it goes) and starts
    /// the writer task.
    pub async fn start_with(
        store: Store,
        county: &str,
        signer: LogSigner,
        policy: HistoryPolicy,
    ) -> Result<Engine> {
        let verifier = signer.verifier();
        // Snapshots are signed by the log's own key; an engine with a throw-away key (the
        // read-only CLI commands) may load them but never writes one.
        let log_key = crate::keys::declared_keys(&store, county)
            .await?
            .last()
            .map(|k| k.verifier.clone())
            .unwrap_or_else(|| verifier.clone());
        let may_snapshot = log_key == verifier;
        let signer = Arc::new(signer);
        let cache = Arc::new(RwLock::new(LogCache::default()));
        let started = std::time::Instant::now();
        let mut start = StartReport::default();
        {
            let mut c = cache.write().await;
            if let Some(snap) =
                crate::snapshot::newest_usable(&store, county, &log_key, &mut start).await?
            {
                *c = snap;
            }
            let from = c.size();
            writer::catch_up_from_store(&store, county, &mut c, &policy, true).await?;
            start.replayed = c.size() - from;
            crate::archive::sweep_owned(&store, county, &mut c, &policy, crate::now_ms()).await?;
        }
        start.millis = started.elapsed().as_millis() as u64;
        tracing::info!(
            county,
            snapshot = ?start.snapshot,
            replayed = start.replayed,
            refused = start.refused.len(),
            millis = start.millis,
            "state loaded"
        );
        let derived = Arc::new(tokio::sync::Mutex::new(()));
        let (tx, rx) = mpsc::channel(4096);
        let (committed, _) = broadcast::channel(4096);
        tokio::spawn(writer::run(
            writer::Writer {
                store: store.clone(),
                county: county.to_string(),
                signer: signer.clone(),
                policy,
                derived: derived.clone(),
            },
            cache.clone(),
            rx,
            committed.clone(),
        ));
        let last_snapshot = std::sync::atomic::AtomicU64::new(start.snapshot.unwrap_or(0));
        let engine = Engine {
            inner: Arc::new(Inner {
                store,
                county: county.to_string(),
                verifier,
                cache,
                jobs: tx,
                committed,
                last_sync: std::sync::atomic::AtomicI64::new(crate::now_ms()),
                facts: Default::default(),
                policy,
                signer,
                start,
                last_snapshot,
                derived,
                may_snapshot,
                read_loads: Default::default(),
            }),
        };
        engine.spawn_maintenance();
        Ok(engine)
    }

    /// Every `maintain_every_ms`: archive settled events, and write a snapshot once enough
    /// entries were appended. Stops when the engine is dropped.
    fn spawn_maintenance(&self) {
        let weak = Arc::downgrade(&self.inner);
        let every = std::time::Duration::from_millis(self.inner.policy.maintain_every_ms.max(100));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(inner) = weak.upgrade() else { return };
                let engine = Engine { inner };
                if let Err(e) = engine.maintain(crate::now_ms()).await {
                    tracing::warn!(error = %e, "archiving or snapshotting failed; will retry");
                }
            }
        });
    }

    /// One maintenance pass (see [`Engine::spawn_maintenance`]).
    pub async fn maintain(&self, now_ms: i64) -> Result<()> {
        self.archive_settled(now_ms).await?;
        let size = self.tree_head().await.0;
        let last = self
            .inner
            .last_snapshot
            .load(std::sync::atomic::Ordering::Relaxed);
        if self.inner.may_snapshot && size >= last + self.inner.policy.snapshot_every {
            self.take_snapshot(now_ms).await?;
        }
        Ok(())
    }

    /// Writes a snapshot of the state as cached now; returns the log size it covers.
    pub async fn take_snapshot(&self, now_ms: i64) -> Result<u64> {
        if !self.inner.may_snapshot {
            return Err(AppError::Io(
                "this engine does not sign with the log's key, so it writes no snapshot".into(),
            ));
        }
        let _derived = self.inner.derived.lock().await;
        let row = {
            let c = self.inner.cache.read().await;
            crate::snapshot::take(&c, &self.inner.county, &self.inner.signer, now_ms)?
        };
        self.inner
            .store
            .put_snapshot(&self.inner.county, &row)
            .await?;
        self.inner
            .last_snapshot
            .store(row.size, std::sync::atomic::Ordering::Relaxed);
        Ok(row.size)
    }

    /// How this engine started: the snapshot it used, those it refused, entries replayed.
    pub fn start_report(&self) -> &StartReport {
        &self.inner.start
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn fact_cache(&self) -> &crate::stats_cache::FactCache {
        &self.inner.facts
    }

    pub fn county(&self) -> &str {
        &self.inner.county
    }

    /// Entries as they are committed by this process (live updates, notifiers). A slow
    /// receiver may miss some (`Lagged`) and should then reload.
    pub fn subscribe(&self) -> broadcast::Receiver<Committed> {
        self.inner.committed.subscribe()
    }

    pub fn verifier(&self) -> &LogVerifier {
        &self.inner.verifier
    }

    /// Appends `transitions` as one all-or-nothing unit. Returns their log sequence numbers.
    /// A rejected transition is reported with its index in the field location (`#3`).
    pub async fn submit(
        &self,
        actor: &Actor,
        now_ms: i64,
        transitions: Vec<Transition>,
    ) -> Result<Vec<u64>> {
        if transitions.is_empty() {
            return Ok(vec![]);
        }
        self.enqueue(actor, now_ms, transitions)
            .await?
            .await
            .map_err(|_| AppError::WriterGone)?
    }

    /// Waits until every append queued before this call is committed (or refused): the
    /// writer takes jobs in order, so an empty job's answer comes after theirs. For shutdown.
    pub async fn flush(&self) -> Result<()> {
        let actor = Actor::system("flush");
        self.enqueue(&actor, crate::now_ms(), vec![])
            .await?
            .await
            .map_err(|_| AppError::WriterGone)?
            .map(|_| ())
    }

    /// Hands a job to the writer and returns where its result will arrive, without waiting
    /// for it: jobs enqueued one after another are appended in that order (re-sealing an old
    /// log keeps many in flight so they share commits).
    pub(crate) async fn enqueue(
        &self,
        actor: &Actor,
        now_ms: i64,
        transitions: Vec<Transition>,
    ) -> Result<oneshot::Receiver<Result<Vec<u64>>>> {
        let (reply, rx) = oneshot::channel();
        let job = Job {
            actor: actor.clone(),
            now_ms,
            transitions,
            reply,
        };
        self.inner
            .jobs
            .send(job)
            .await
            .map_err(|_| AppError::WriterGone)?;
        Ok(rx)
    }

    /// Reads the current state, after catching up with appends made by other processes.
    pub async fn with_state<R>(&self, f: impl FnOnce(&CountyState) -> R) -> Result<R> {
        use std::sync::atomic::Ordering;
        let now = crate::now_ms();
        if now - self.inner.last_sync.load(Ordering::Relaxed) >= READ_STALENESS_MS {
            self.sync().await?;
            self.inner.last_sync.store(now, Ordering::Relaxed);
        }
        let c = self.inner.cache.read().await;
        Ok(f(&c.state))
    }

    /// Catches the cache up with the stored log if another process appended.
    pub async fn sync(&self) -> Result<()> {
        let stored = self.inner.store.log_size(&self.inner.county).await?;
        let cached = self.inner.cache.read().await.size();
        if stored != cached {
            let mut c = self.inner.cache.write().await;
            writer::catch_up_from_store(
                &self.inner.store,
                &self.inner.county,
                &mut c,
                &self.inner.policy,
                false,
            )
            .await?;
        }
        Ok(())
    }

    /// Archives the events that have settled by `now_ms` and drops them from memory. The
    /// server calls this periodically; returns how many left memory.
    pub async fn archive_settled(&self, now_ms: i64) -> Result<usize> {
        let _derived = self.inner.derived.lock().await;
        crate::archive::sweep_shared(
            &self.inner.store,
            &self.inner.county,
            &self.inner.cache,
            &self.inner.policy,
            now_ms,
        )
        .await
    }

    /// Loads archived events back into memory so `with_state` readers find them (a later
    /// [`Engine::archive_settled`] drops them again). Unknown ids are ignored.
    pub async fn load_events(&self, ids: &[u64]) -> Result<()> {
        let missing: Vec<u64> = {
            let c = self.inner.cache.read().await;
            ids.iter()
                .copied()
                .filter(|id| *id < c.state.log_len && !c.state.events.is_resident(*id))
                .collect()
        };
        if missing.is_empty() {
            return Ok(());
        }
        // No archiving pass may run between reading the versions and putting them back, or
        // an older version could replace a newer one archived meanwhile.
        let derived = self.inner.derived.lock().await;
        let bodies = self
            .inner
            .store
            .archived_events(&self.inner.county, &missing)
            .await?;
        let loaded = bodies
            .iter()
            .map(|b| crate::archive::decode(b))
            .collect::<Result<Vec<_>>>()?;
        let n = loaded.len();
        {
            let mut c = self.inner.cache.write().await;
            for a in loaded {
                c.state.events.restore(a);
            }
        }
        drop(derived);
        // Many reads of old events (a crawler paging through closed ones) must not fill
        // memory until the next pass: archive again early.
        use std::sync::atomic::Ordering;
        if self.inner.read_loads.fetch_add(n, Ordering::Relaxed) + n >= READ_LOADS_BEFORE_SWEEP {
            self.inner.read_loads.store(0, Ordering::Relaxed);
            let engine = self.clone();
            tokio::spawn(async move {
                if let Err(e) = engine.archive_settled(crate::now_ms()).await {
                    tracing::warn!(error = %e, "archiving after many reads failed");
                }
            });
        }
        Ok(())
    }

    /// Reads the state with events `ids` in memory (loaded back if they were archived).
    pub async fn with_events<R>(
        &self,
        ids: &[u64],
        f: impl FnOnce(&CountyState) -> R,
    ) -> Result<R> {
        self.load_events(ids).await?;
        self.with_state(f).await
    }

    /// The whole folded state, archived events included: what folding the log from the start
    /// gives (for tests and audits; it holds all history in memory).
    pub async fn full_state(&self) -> Result<CountyState> {
        let mut s = self.with_state(|s| s.clone()).await?;
        let ids = self.inner.store.archived_ids(&self.inner.county).await?;
        let missing: Vec<u64> = ids
            .into_iter()
            .filter(|id| !s.events.is_resident(*id))
            .collect();
        let before = s.log_len;
        for id in missing {
            if let Some(b) = self
                .inner
                .store
                .archived_event(&self.inner.county, id, before)
                .await?
            {
                s.events.restore(crate::archive::decode(&b)?);
            }
        }
        Ok(s)
    }

    /// Events held in memory now (open work and recently settled history).
    pub async fn resident_events(&self) -> usize {
        self.inner.cache.read().await.state.events.events.len()
    }

    /// Tree size and root of the log as cached.
    pub async fn tree_head(&self) -> (u64, Hash) {
        let c = self.inner.cache.read().await;
        (c.size(), c.tree.root())
    }

    /// Runs a Merkle computation that needs the leaves of some complete tiles: asks which,
    /// reads them from storage (outside the lock; the tree only grows), then computes.
    async fn with_tiles<R>(
        &self,
        need: impl Fn(&Pyramid) -> Option<Vec<u64>>,
        compute: impl Fn(&Pyramid, &Tiles) -> Option<R>,
    ) -> Result<Option<R>> {
        let (wanted, ranges) = {
            let c = self.inner.cache.read().await;
            let Some(wanted) = need(&c.tree) else {
                return Ok(None);
            };
            let ranges: Vec<(u64, u64)> = wanted.iter().map(|t| c.tree.leaf_range(*t)).collect();
            (wanted, ranges)
        };
        let mut tiles = Tiles::new();
        for (t, (from, to)) in wanted.into_iter().zip(ranges) {
            let leaves = self
                .inner
                .store
                .leaf_hash_range(&self.inner.county, from, to)
                .await?;
            tiles.insert(t, leaves);
        }
        let c = self.inner.cache.read().await;
        Ok(compute(&c.tree, &tiles))
    }

    /// Inclusion proof for entry `seq` in the tree of `size` entries: the leaf and the path.
    pub async fn inclusion_proof(&self, seq: u64, size: u64) -> Result<(Hash, Vec<Hash>)> {
        self.sync().await?;
        if size > self.tree_head().await.0 {
            return Err(not_found("tree size", size));
        }
        let leaf = self
            .inner
            .store
            .leaf_hash_range(&self.inner.county, seq, seq.saturating_add(1))
            .await?
            .into_iter()
            .next()
            .filter(|_| seq < size)
            .ok_or_else(|| not_found("entry", seq))?;
        let proof = self
            .with_tiles(
                |t| t.tiles_for_inclusion(seq, size),
                |t, tiles| t.inclusion_proof(seq, size, tiles),
            )
            .await?
            .ok_or_else(|| not_found("entry", seq))?;
        Ok((leaf, proof))
    }

    /// Consistency proof between tree sizes `old` and `new`.
    pub async fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>> {
        self.sync().await?;
        if new > self.tree_head().await.0 {
            return Err(not_found("tree size", new));
        }
        self.with_tiles(
            |t| t.tiles_for_consistency(old, new),
            |t, tiles| t.consistency_proof(old, new, tiles),
        )
        .await?
        .ok_or_else(|| not_found("tree size", old))
    }

    /// Root of the tree made of the first `size` entries.
    pub async fn root_at(&self, size: u64) -> Result<Hash> {
        self.with_tiles(
            |t| t.tiles_for_root(size),
            |t, tiles| t.root_at(size, tiles),
        )
        .await?
        .ok_or_else(|| not_found("tree size", size))
    }

    pub async fn latest_checkpoint(&self) -> Result<Option<Checkpoint>> {
        Ok(self
            .inner
            .store
            .latest_checkpoint(&self.inner.county)
            .await?)
    }
}

fn not_found(kind: &'static str, id: u64) -> AppError {
    AppError::Domain(tiaokuai_core::DomainError::NotFound {
        kind,
        id: id.to_string(),
    })
}
