//! An event's timeline read from the log, and a proof bundle anyone can check offline: each
//! entry with its hash inputs and an RFC 6962 inclusion proof against a signed checkpoint.

use crate::engine::Engine;
use crate::error::{AppError, Result};
use serde::{Deserialize, Serialize};
use tiaokuai_core::events::{Event, EventCmd};
use tiaokuai_core::{DomainError, Transition};
use tiaokuai_log::{merkle, Checkpoint, EntryHeader, LogEntry, LogVerifier};

#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    pub seq: u64,
    pub at_ms: i64,
    pub actor: String,
    pub role: String,
    pub unit: String,
    pub kind: String,
    pub cmd: Option<EventCmd>,
    pub hash: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProvenEntry {
    pub header: EntryHeader,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
    /// Sibling hashes from the leaf up to the checkpoint's root.
    pub inclusion: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProofBundle {
    pub event: u64,
    pub checkpoint: Checkpoint,
    pub public_key: String,
    pub entries: Vec<ProvenEntry>,
}

fn not_found(id: u64) -> AppError {
    AppError::Domain(DomainError::NotFound {
        kind: "event",
        id: id.to_string(),
    })
}

impl Engine {
    pub async fn event(&self, id: u64) -> Result<Event> {
        self.with_events(&[id], |s| s.events.event(id).cloned())
            .await?
            .ok_or_else(|| not_found(id))
    }

    /// Every log entry about the event, oldest first.
    pub async fn event_timeline(&self, id: u64) -> Result<Vec<TimelineEntry>> {
        let e = self.event(id).await?;
        let entries = self.store().read_entries(self.county(), &e.history).await?;
        // Personal values (contact text) come back from the vault, or as erased.
        let ts = self.store().transitions(self.county(), &entries).await?;
        Ok(entries
            .into_iter()
            .zip(ts)
            .map(|(x, t)| {
                let cmd = match t {
                    Transition::Event { cmd, .. } => Some(cmd),
                    _ => None,
                };
                TimelineEntry {
                    seq: x.header.seq,
                    at_ms: x.header.at_ms,
                    actor: x.header.actor,
                    role: x.header.role,
                    unit: x.header.unit,
                    kind: x.header.kind,
                    cmd,
                    hash: hex::encode(x.hash),
                }
            })
            .collect())
    }

    /// The event's entries with inclusion proofs against the latest signed checkpoint.
    pub async fn event_proof(&self, id: u64) -> Result<ProofBundle> {
        let e = self.event(id).await?;
        let cp = self
            .latest_checkpoint()
            .await?
            .ok_or_else(|| AppError::Io("the log has no checkpoint yet".into()))?;
        let entries = self.store().read_entries(self.county(), &e.history).await?;
        let mut out = Vec::with_capacity(entries.len());
        for x in entries.into_iter().filter(|x| x.header.seq < cp.size) {
            let (_, proof) = self.inclusion_proof(x.header.seq, cp.size).await?;
            out.push(ProvenEntry {
                inclusion: proof.iter().map(hex::encode).collect(),
                prev_hash: hex::encode(x.prev_hash),
                hash: hex::encode(x.hash),
                header: x.header,
                payload: x.payload,
            });
        }
        Ok(ProofBundle {
            event: id,
            checkpoint: cp,
            public_key: self.verifier().public_hex(),
            entries: out,
        })
    }
}

/// Checks a bundle offline: the checkpoint signature, each entry's hash from its contents,
/// and each inclusion proof against the checkpoint root. Returns the number of entries.
pub fn verify_bundle(b: &ProofBundle) -> std::result::Result<usize, String> {
    let v = LogVerifier::from_hex(&b.public_key).map_err(|e| format!("public key: {e}"))?;
    if !v.verify(&b.checkpoint) {
        return Err("the checkpoint signature does not verify".into());
    }
    for p in &b.entries {
        let seq = p.header.seq;
        let prev = merkle::parse_hash(&p.prev_hash).ok_or(format!("entry {seq}: bad prev_hash"))?;
        let claimed = merkle::parse_hash(&p.hash).ok_or(format!("entry {seq}: bad hash"))?;
        let sealed = LogEntry::seal(p.header.clone(), p.payload.clone(), prev);
        if sealed.hash != claimed {
            return Err(format!("entry {seq}: contents do not match its hash"));
        }
        let proof: Option<Vec<_>> = p.inclusion.iter().map(|h| merkle::parse_hash(h)).collect();
        let proof = proof.ok_or(format!("entry {seq}: bad proof hash"))?;
        if !merkle::verify_inclusion(seq, b.checkpoint.size, &claimed, &proof, &b.checkpoint.root) {
            return Err(format!("entry {seq}: not included in the signed tree"));
        }
    }
    Ok(b.entries.len())
}
