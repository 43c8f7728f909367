//! Personal data (个人信息保护法): erasing a person's data while the log still verifies, and
//! re-sealing a log written before personal data left the log.
//!
//! The log holds commitments, the `personal_data` vault holds the values (see
//! `tiaokuai_store::personal`); the writer fills the vault and empties it for an erased person
//! in the transaction that appends the entry. This module adds what surrounds an erasure.

use crate::engine::{Actor, Engine};
use crate::error::{AppError, Result};
use std::collections::VecDeque;
use tiaokuai_core::{CountyState, Transition};
use tiaokuai_log::{LogSigner, LogVerifier};
use tiaokuai_store::Store;

impl Engine {
    /// Erases a person's personal data: appends [`Transition::PersonErased`] (the writer
    /// deletes their vault rows with it), ends their sessions, and has the database drop the
    /// deleted bytes (SQLite checkpoint, PostgreSQL vacuum). Returns the entry's sequence number.
    pub async fn erase_person(&self, actor: &Actor, now_ms: i64, username: &str) -> Result<u64> {
        let seqs = self
            .submit(
                actor,
                now_ms,
                vec![Transition::PersonErased {
                    username: username.to_string(),
                }],
            )
            .await?;
        self.store()
            .delete_sessions_of(self.county(), username)
            .await?;
        self.store().purge_erased().await?;
        seqs.first().copied().ok_or(AppError::WriterGone)
    }
}

/// What [`reseal`] did.
#[derive(Debug, Clone, Default)]
pub struct ResealReport {
    pub county: String,
    pub entries: u64,
    /// Personal values now in the new database's vault instead of its log.
    pub sealed_values: u64,
}

/// Jobs in flight while re-sealing: enough to fill the writer's group commits.
const IN_FLIGHT: usize = 512;

/// Replays the log of `county` in `from` (written before personal data was sealed, or not)
/// through the sealing append path into `to`, which must hold no log for the county yet.
/// Entries keep their actor, role, unit and time; the new log gets new hashes and checkpoints
/// signed by `signer`. Both logs are verified first and last, and the state folded from the
/// new log must equal the state folded from the old one.
pub async fn reseal(
    from: &Store,
    to: &Store,
    county: &str,
    from_verifier: &LogVerifier,
    signer: LogSigner,
) -> Result<ResealReport> {
    let old = crate::verify::verify_county(from, county, from_verifier).await?;
    if let Some(p) = old.problem {
        return Err(AppError::Io(format!(
            "the log of county {county} in the source database does not verify: {p}"
        )));
    }
    if to.log_size(county).await? != 0 {
        return Err(AppError::Io(format!(
            "the target database already holds a log for county {county}; re-seal into an empty one"
        )));
    }
    let verifier = signer.verifier();
    let engine = Engine::start(to.clone(), county, signer).await?;
    let mut folded = CountyState::default();
    let mut pending = VecDeque::new();
    let mut next = 0u64;
    loop {
        let page = from.read_log(county, next, 5_000).await?;
        if page.is_empty() {
            break;
        }
        let ts = from.transitions(county, &page).await?;
        for (e, t) in page.iter().zip(ts) {
            folded.apply(&t);
            let actor = Actor {
                username: e.header.actor.clone(),
                role: e.header.role.clone(),
                unit: e.header.unit.clone(),
            };
            pending.push_back((
                e.header.seq,
                engine.enqueue(&actor, e.header.at_ms, vec![t]).await?,
            ));
            while pending.len() > IN_FLIGHT {
                wait_for(&mut pending).await?;
            }
        }
        next += page.len() as u64;
    }
    while !pending.is_empty() {
        wait_for(&mut pending).await?;
    }
    let new = crate::verify::verify_county(to, county, &verifier).await?;
    if let Some(p) = new.problem {
        return Err(AppError::Io(format!(
            "the re-sealed log of county {county} does not verify: {p}"
        )));
    }
    let same = engine.with_state(|s| *s == folded).await?;
    if !same {
        return Err(AppError::Io(format!(
            "the state folded from the re-sealed log of county {county} differs from the old one"
        )));
    }
    Ok(ResealReport {
        county: county.to_string(),
        entries: new.entries,
        sealed_values: to.personal_data_count(county).await?,
    })
}

type Pending = VecDeque<(u64, tokio::sync::oneshot::Receiver<Result<Vec<u64>>>)>;

/// Waits for the oldest job in flight; an entry the new log refused stops the re-seal.
async fn wait_for(pending: &mut Pending) -> Result<()> {
    if let Some((seq, rx)) = pending.pop_front() {
        let r = rx.await.map_err(|_| AppError::WriterGone)?;
        if let Err(e) = r {
            return Err(AppError::Io(format!(
                "entry {seq} of the old log was refused by the new one ({e}); the target \
                 database is incomplete and should be dropped"
            )));
        }
    }
    Ok(())
}
