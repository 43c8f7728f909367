//! `tiaokuai verify`: recompute every hash, the chain, every checkpoint root and signature.
//! The first bad entry is named; nothing is trusted from the stored hash columns.

use crate::error::Result;
use tiaokuai_log::{merkle, Frontier, Hash, LogVerifier};
use tiaokuai_store::Store;

#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub county: String,
    pub entries: u64,
    pub checkpoints: u64,
    pub root: String,
    /// The first problem found, if any.
    pub problem: Option<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problem.is_none()
    }
}

pub async fn verify_county(
    store: &Store,
    county: &str,
    verifier: &LogVerifier,
) -> Result<VerifyReport> {
    let mut report = VerifyReport {
        county: county.to_string(),
        ..Default::default()
    };
    let checkpoints = store.checkpoints(county).await?;
    let mut cps = checkpoints.iter().peekable();
    let mut frontier = Frontier::new();
    let mut prev: Hash = [0; 32];
    let mut from = 0u64;
    let problem = 'scan: loop {
        let page = store.read_log(county, from, 20_000).await?;
        if page.is_empty() {
            break None;
        }
        for e in &page {
            let seq = e.header.seq;
            if seq != from {
                break 'scan Some(format!("entry {from} is missing (found {seq} instead)"));
            }
            if e.prev_hash != prev {
                break 'scan Some(format!(
                    "entry {seq}: prev_hash does not match entry {}'s hash",
                    seq.wrapping_sub(1)
                ));
            }
            let h = e.recompute_hash();
            if h != e.hash {
                break 'scan Some(format!(
                    "entry {seq} ({}, {}) was altered: its content hashes to {} but {} was recorded",
                    e.header.kind,
                    e.header.actor,
                    &hex::encode(h)[..16],
                    &hex::encode(e.hash)[..16]
                ));
            }
            frontier.push(h);
            prev = h;
            from += 1;
            while let Some(cp) = cps.peek() {
                if cp.size > from {
                    break;
                }
                if cp.size == from {
                    if frontier.root() != cp.root {
                        break 'scan Some(format!(
                            "checkpoint at size {} does not match the entries' Merkle root",
                            cp.size
                        ));
                    }
                    if !verifier.verify(cp) {
                        break 'scan Some(format!(
                            "checkpoint at size {} has a bad signature",
                            cp.size
                        ));
                    }
                    report.checkpoints += 1;
                }
                cps.next();
            }
        }
    };
    report.entries = from;
    report.root = hex::encode(frontier.root());
    report.problem = problem.or_else(|| {
        if let Some(cp) = cps.next() {
            return Some(format!(
                "checkpoint at size {} is beyond the log's {} entries (entries deleted?)",
                cp.size, from
            ));
        }
        match checkpoints.last() {
            Some(last) if last.size != from => Some(format!(
                "entries {}..{} are not covered by a signed checkpoint",
                last.size, from
            )),
            None if from > 0 => Some("the log has no signed checkpoint".to_string()),
            _ => None,
        }
    });
    let _ = merkle::empty_root();
    Ok(report)
}
