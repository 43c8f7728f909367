//! The group-commit log writer. Concurrent submissions queue on a channel; the writer takes
//! everything waiting, checks each job against the state, appends the accepted ones with one
//! signed checkpoint, and commits once. One fsync then covers many appends.

use crate::archive::HistoryPolicy;
use crate::engine::{Actor, Committed};
use crate::error::{AppError, Result};
use std::sync::Arc;
use tiaokuai_core::{CountyState, DomainError, FieldError, Transition};
use tiaokuai_log::{EntryHeader, Hash, LogEntry, LogSigner, Pyramid};
use tiaokuai_store::{EventRows, Store, VaultRow};
use tokio::sync::{broadcast, mpsc, oneshot, RwLock};

/// Most jobs folded into one transaction.
const MAX_BATCH_JOBS: usize = 1024;

pub(crate) struct Job {
    pub actor: Actor,
    pub now_ms: i64,
    pub transitions: Vec<Transition>,
    pub reply: oneshot::Sender<Result<Vec<u64>>>,
}

/// The log as held in memory: folded state, the Merkle pyramid (complete subtrees above the
/// tile level; proofs read the leaves of older tiles from storage) and the last entry's hash.
#[derive(Default)]
pub(crate) struct LogCache {
    pub state: CountyState,
    pub tree: Pyramid,
    pub last_hash: Hash,
}

impl LogCache {
    pub fn size(&self) -> u64 {
        self.tree.size()
    }

    fn fold(&mut self, e: &LogEntry, t: &Transition) {
        self.state.apply(t);
        self.tree.push(e.hash);
        self.last_hash = e.hash;
    }
}

/// Folds stored entries (their personal values restored from the vault, or erased), loading
/// back the archived events they act on, as they stood at each entry.
async fn fold_entries(
    store: &Store,
    county: &str,
    cache: &mut LogCache,
    entries: &[LogEntry],
    ts: &[Transition],
) -> Result<()> {
    for (e, t) in entries.iter().zip(ts) {
        crate::archive::load_for(
            store,
            county,
            &mut cache.state,
            std::slice::from_ref(t),
            e.header.seq,
        )
        .await?;
        cache.fold(e, t);
    }
    Ok(())
}

/// Folds the stored entries the cache has not seen. With `sweep`, a long replay archives
/// settled events as it goes, so memory stays bounded by live work. Archiving writes through
/// the store's writer connection, so a caller that holds the cache lock while the writer task
/// may be waiting for it (a read catching up) must not sweep; maintenance archives later.
pub(crate) async fn catch_up_from_store(
    store: &Store,
    county: &str,
    cache: &mut LogCache,
    policy: &HistoryPolicy,
    sweep: bool,
) -> Result<()> {
    loop {
        let page = store.read_log(county, cache.size(), 10_000).await?;
        if page.is_empty() {
            return Ok(());
        }
        let ts = store.transitions(county, &page).await?;
        fold_entries(store, county, cache, &page, &ts).await?;
        if sweep && crate::archive::replay_should_sweep(cache) {
            crate::archive::sweep_owned(store, county, cache, policy, crate::now_ms()).await?;
        }
    }
}

/// Forgets the cache and folds the whole log again.
async fn reload(store: &Store, county: &str, cache: &RwLock<LogCache>, policy: &HistoryPolicy) {
    let mut c = cache.write().await;
    *c = LogCache::default();
    if let Err(e) = catch_up_from_store(store, county, &mut c, policy, true).await {
        tracing::error!(error = %e, "reloading the log cache failed");
    }
}

/// What the writer task works with.
pub(crate) struct Writer {
    pub store: Store,
    pub county: String,
    pub signer: Arc<LogSigner>,
    pub policy: HistoryPolicy,
    /// See `Engine`'s `derived` lock: held while an erasure clears archived state.
    pub derived: Arc<tokio::sync::Mutex<()>>,
}

pub(crate) async fn run(
    w: Writer,
    cache: Arc<RwLock<LogCache>>,
    mut rx: mpsc::Receiver<Job>,
    committed: broadcast::Sender<Committed>,
) {
    let Writer {
        store,
        county,
        signer,
        policy,
        derived,
    } = w;
    while let Some(first) = rx.recv().await {
        if first.transitions.is_empty() {
            // A flush marker: everything queued before it has been handled.
            let _ = first.reply.send(Ok(vec![]));
            continue;
        }
        let mut jobs = vec![first];
        let mut marker = None;
        while jobs.len() < MAX_BATCH_JOBS {
            match rx.try_recv() {
                // Later jobs wait for the next batch, so the marker answers after this one.
                Ok(j) if j.transitions.is_empty() => {
                    marker = Some(j);
                    break;
                }
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        match write_batch(&store, &county, &signer, &cache, &jobs).await {
            Ok((results, done)) => {
                if done.iter().any(|c| c.kind == "org.person.erase") {
                    // Values of the erased person folded into other records (the contact
                    // text of their reports) are forgotten by folding the log afresh; archived
                    // events and snapshots may hold them too.
                    let _derived = derived.lock().await;
                    if let Err(e) = store.clear_derived_state(&county).await {
                        tracing::error!(error = %e, "clearing archived events after an erasure failed");
                    }
                    reload(&store, &county, &cache, &policy).await;
                }
                if committed.receiver_count() > 0 {
                    for n in done {
                        let _ = committed.send(n);
                    }
                }
                for (job, r) in jobs.into_iter().zip(results) {
                    let _ = job.reply.send(r);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "log batch failed; reloading the log cache");
                reload(&store, &county, &cache, &policy).await;
                let msg = e.to_string();
                for job in jobs {
                    let _ = job.reply.send(Err(AppError::Io(format!(
                        "the append failed and nothing was written: {msg}"
                    ))));
                }
            }
        }
        if let Some(m) = marker {
            let _ = m.reply.send(Ok(vec![]));
        }
    }
}

/// Writes one batch. An `Err` means nothing of the batch was committed (and the caller
/// rebuilds the cache, which may already hold the batch).
///
/// The state is locked only while the batch is checked and folded in memory, not while the
/// database commits: readers are never held up by an fsync. They may see a batch a moment
/// before it is durable; its submitters hear back only after the commit.
async fn write_batch(
    store: &Store,
    county: &str,
    signer: &LogSigner,
    cache_lock: &RwLock<LogCache>,
    jobs: &[Job],
) -> Result<(Vec<Result<Vec<u64>>>, Vec<Committed>)> {
    let mut w = store.begin_write(county).await?;
    let (next, _) = w.head().await?;
    let mut guard = cache_lock.write().await;
    let cache: &mut LogCache = &mut guard;
    if next != cache.size() {
        // Another process appended (or our cache is stale): fold its entries first.
        if next < cache.size() {
            *cache = LogCache::default();
        }
        let missing = w.entries_since(cache.size()).await?;
        let ts = w.transitions(&missing).await?;
        fold_entries(store, county, cache, &missing, &ts).await?;
    }
    // Commands on events that left memory load them back first.
    for job in jobs {
        let at = cache.size();
        crate::archive::load_for(store, county, &mut cache.state, &job.transitions, at).await?;
    }
    let mut results = Vec::with_capacity(jobs.len());
    let mut done = Vec::new();
    let mut batch: Vec<(LogEntry, Transition)> = Vec::new();
    // Personal values taken out of the payloads, by entry, and the people erased.
    let mut vault: Vec<(u64, Vec<VaultRow>)> = Vec::new();
    let mut erased: Vec<String> = Vec::new();
    let mut last_at = 0i64;
    for job in jobs {
        // Check the whole job before writing any of it; multi-transition jobs (imports) are
        // checked against a scratch copy so a late failure leaves no trace.
        let decided = if job.transitions.len() == 1 {
            job.transitions
                .first()
                .map(|t| cache.state.check(t).map_err(|e| locate(e, 0)))
                .unwrap_or(Ok(()))
        } else {
            let mut scratch = cache.state.clone();
            job.transitions
                .iter()
                .enumerate()
                .try_for_each(|(i, t)| scratch.check_and_apply(t).map_err(|e| locate(e, i)))
        };
        if let Err(e) = decided {
            results.push(Err(AppError::Domain(e)));
            continue;
        }
        let mut seqs = Vec::with_capacity(job.transitions.len());
        for t in &job.transitions {
            let header = EntryHeader {
                county: county.to_string(),
                seq: cache.size(),
                at_ms: job.now_ms,
                actor: job.actor.username.clone(),
                role: job.actor.role.clone(),
                unit: job.actor.unit.clone(),
                kind: t.kind().to_string(),
            };
            // The log gets commitments; the plaintext stays in memory (and in the vault).
            let sealed = tiaokuai_store::personal::seal(t);
            let entry = LogEntry::seal(header, sealed.payload, cache.last_hash);
            if !sealed.rows.is_empty() {
                vault.push((entry.header.seq, sealed.rows));
            }
            if let Transition::PersonErased { username } = t {
                erased.push(username.clone());
            }
            seqs.push(entry.header.seq);
            done.push(Committed {
                seq: entry.header.seq,
                at_ms: job.now_ms,
                actor: job.actor.username.clone(),
                kind: entry.header.kind.clone(),
                event: match t {
                    Transition::Event { cmd, .. } => {
                        Some(cmd.event_id().unwrap_or(entry.header.seq))
                    }
                    _ => None,
                },
            });
            cache.fold(&entry, t);
            batch.push((entry, t.clone()));
        }
        last_at = last_at.max(job.now_ms);
        results.push(Ok(seqs));
    }
    if batch.is_empty() {
        return Ok((results, done));
    }
    let seqs: Vec<(u64, &Transition)> = batch.iter().map(|(e, t)| (e.header.seq, t)).collect();
    let rows = EventRows::collect(&cache.state, &seqs);
    let cp = signer.sign(county, cache.size(), cache.tree.root(), last_at);
    drop(guard);
    w.append_many(&batch, &rows).await?;
    for (seq, vrows) in &vault {
        w.put_personal_data(*seq, vrows).await?;
    }
    // After the puts, so a person saved and erased in one batch leaves nothing behind.
    for username in &erased {
        w.erase_personal_data(username).await?;
    }
    w.save_checkpoint(&cp).await?;
    w.commit().await?;
    Ok((results, done))
}

/// Prefixes the position of the failing transition so callers can map it back to a row.
fn locate(e: DomainError, index: usize) -> DomainError {
    match e {
        DomainError::Invalid(errs) => DomainError::Invalid(
            errs.into_iter()
                .map(|f| FieldError {
                    location: if f.location.is_empty() {
                        format!("#{index}")
                    } else {
                        f.location
                    },
                    ..f
                })
                .collect(),
        ),
        other => other,
    }
}
