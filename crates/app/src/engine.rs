//! The engine: one county's log, its in-memory state, and the writer that appends to it.
//!
//! The in-memory [`CountyState`] is a cache of the log: before each batch the writer catches up
//! with entries other server processes appended, so many stateless servers can share one
//! PostgreSQL database.

use crate::error::{AppError, Result};
use crate::writer::{self, Job, LogCache};
use std::sync::Arc;
use tiaokuai_core::{CountyState, Transition};
use tiaokuai_log::{Checkpoint, Hash, LogSigner, LogVerifier};
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
}

/// Reads may lag appends made by *other* server processes by this much; this process's own
/// appends are visible at once, and every write is checked against the caught-up log.
pub const READ_STALENESS_MS: i64 = 100;

impl Engine {
    /// Loads the county's log into memory and starts the writer task.
    pub async fn start(store: Store, county: &str, signer: LogSigner) -> Result<Engine> {
        let verifier = signer.verifier();
        let cache = Arc::new(RwLock::new(LogCache::default()));
        {
            let mut c = cache.write().await;
            writer::catch_up_from_store(&store, county, &mut c).await?;
        }
        let (tx, rx) = mpsc::channel(4096);
        let (committed, _) = broadcast::channel(4096);
        tokio::spawn(writer::run(
            store.clone(),
            county.to_string(),
            signer,
            cache.clone(),
            rx,
            committed.clone(),
        ));
        Ok(Engine {
            inner: Arc::new(Inner {
                store,
                county: county.to_string(),
                verifier,
                cache,
                jobs: tx,
                committed,
                last_sync: std::sync::atomic::AtomicI64::new(crate::now_ms()),
                facts: Default::default(),
            }),
        })
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
            writer::catch_up_from_store(&self.inner.store, &self.inner.county, &mut c).await?;
        }
        Ok(())
    }

    /// Tree size and root of the log as cached.
    pub async fn tree_head(&self) -> (u64, Hash) {
        let c = self.inner.cache.read().await;
        (c.size(), c.frontier.root())
    }

    /// Inclusion proof for entry `seq` in the tree of `size` entries.
    pub async fn inclusion_proof(&self, seq: u64, size: u64) -> Result<(Hash, Vec<Hash>)> {
        self.sync().await?;
        let c = self.inner.cache.read().await;
        let leaves = c
            .leaves
            .get(..size as usize)
            .ok_or_else(|| not_found("tree size", size))?;
        let leaf = *leaves
            .get(seq as usize)
            .ok_or_else(|| not_found("entry", seq))?;
        let proof = tiaokuai_log::merkle::inclusion_proof(seq as usize, leaves)
            .ok_or_else(|| not_found("entry", seq))?;
        Ok((leaf, proof))
    }

    /// Consistency proof between tree sizes `old` and `new`.
    pub async fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>> {
        self.sync().await?;
        let c = self.inner.cache.read().await;
        let leaves = c
            .leaves
            .get(..new as usize)
            .ok_or_else(|| not_found("tree size", new))?;
        tiaokuai_log::merkle::consistency_proof(old as usize, leaves)
            .ok_or_else(|| not_found("tree size", old))
    }

    /// Root of the tree made of the first `size` entries.
    pub async fn root_at(&self, size: u64) -> Result<Hash> {
        let c = self.inner.cache.read().await;
        let leaves = c
            .leaves
            .get(..size as usize)
            .ok_or_else(|| not_found("tree size", size))?;
        Ok(tiaokuai_log::merkle::mth(leaves))
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
