//! `tiaokuai verify`: recompute every hash, the chain, every checkpoint root and signature (with
//! the keys the log declares), re-hash the evidence the entries name, and check the log extends
//! a checkpoint trusted from elsewhere. The first problem is named and classified: a wrong key
//! is not tampering. Nothing is trusted from the stored hash columns.

mod evidence;
mod keychain;

use crate::error::Result;
use crate::keys::DeclaredKey;
use evidence::EvidenceRefs;
use keychain::KeyChain;
use tiaokuai_log::{Checkpoint, Frontier, Hash, LogVerifier};
use tiaokuai_store::Store;

/// What kind of problem `verify` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// Entries, the chain, a checkpoint root or a signature do not match.
    Tampered,
    /// Checkpoints are signed by a key other than the one expected (the log's declared key or
    /// the pinned one): a configuration problem, not changed entries.
    WrongKey,
    /// The log is shorter than a checkpoint trusted from elsewhere: entries were deleted.
    RolledBack,
    /// The log does not extend a trusted checkpoint: history was rewritten.
    Forked,
    /// A photo or attachment named by an entry is missing or changed.
    Evidence,
    /// A personal value kept outside the log no longer matches the commitment its entry holds.
    PersonalData,
}

impl ProblemKind {
    /// The word `verify` prints.
    pub fn label(self) -> &'static str {
        match self {
            ProblemKind::Tampered => "TAMPERED",
            ProblemKind::WrongKey => "WRONG KEY",
            ProblemKind::RolledBack => "ROLLED BACK",
            ProblemKind::Forked => "FORKED",
            ProblemKind::Evidence => "EVIDENCE CHANGED",
            ProblemKind::PersonalData => "PERSONAL DATA CHANGED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub message: String,
}

impl Problem {
    pub fn new(kind: ProblemKind, message: String) -> Self {
        Problem { kind, message }
    }
}

#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub county: String,
    pub entries: u64,
    pub checkpoints: u64,
    pub root: String,
    /// Photos and attachments re-hashed.
    pub evidence: u64,
    /// Personal values (kept outside the log) checked against their commitments.
    pub personal: u64,
    /// Entries appended (with their checkpoints) while verifying, left for the next run.
    pub appended: u64,
    /// Ids of the keys that signed checkpoints, oldest first.
    pub keys: Vec<String>,
    /// The first problem found, if any.
    pub problem: Option<String>,
    pub kind: Option<ProblemKind>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problem.is_none()
    }
}

#[derive(Clone, Default)]
pub struct VerifyOptions {
    /// A public key known out of band: at least one checkpoint must be signed by it (the rest
    /// follow from it by rotations), else the report is a wrong key.
    pub pinned: Option<LogVerifier>,
    /// The key of checkpoints made before the log declared one (logs from older versions).
    pub fallback: Option<LogVerifier>,
    /// A checkpoint seen earlier (exported, or kept by a witness): the log must extend it.
    pub trusted: Option<Checkpoint>,
    /// Do not re-hash photos and attachments.
    pub skip_evidence: bool,
}

/// Verifies the log with the keys it declares; `verifier` signs checkpoints from before the
/// log declared a key. Evidence is not re-hashed here (the audit page calls this on every
/// view); `tiaokuai verify` does that with [`verify_log`].
pub async fn verify_county(
    store: &Store,
    county: &str,
    verifier: &LogVerifier,
) -> Result<VerifyReport> {
    let opts = VerifyOptions {
        fallback: Some(verifier.clone()),
        skip_evidence: true,
        ..Default::default()
    };
    verify_log(store, county, &opts).await
}

pub async fn verify_log(store: &Store, county: &str, opts: &VerifyOptions) -> Result<VerifyReport> {
    let mut report = VerifyReport {
        county: county.to_string(),
        ..Default::default()
    };
    let first_declared = first_declared_key(store, county).await?;
    let mut keys = KeyChain::new(
        first_declared
            .or_else(|| opts.pinned.clone())
            .or_else(|| opts.fallback.clone()),
    );
    let mut evidence = EvidenceRefs::default();
    let checkpoints = store.checkpoints(county).await?;
    // The run checks the log as of its newest checkpoint: servers may go on appending (entries
    // and their checkpoint in one transaction) while it reads.
    let limit = checkpoints.last().map(|c| c.size);
    let mut cps = checkpoints.iter().peekable();
    let mut frontier = Frontier::new();
    let mut prev: Hash = [0; 32];
    let mut from = 0u64;
    let tampered = |m: String| Some(Problem::new(ProblemKind::Tampered, m));
    let problem = 'scan: loop {
        let mut page = store.read_log(county, from, 20_000).await?;
        if let Some(l) = limit {
            page.retain(|e| e.header.seq < l);
        }
        if page.is_empty() {
            break None;
        }
        for e in &page {
            let seq = e.header.seq;
            if seq != from {
                break 'scan tampered(format!("entry {from} is missing (found {seq} instead)"));
            }
            if e.prev_hash != prev {
                break 'scan tampered(format!(
                    "entry {seq}: prev_hash does not match entry {}'s hash",
                    seq.wrapping_sub(1)
                ));
            }
            let h = e.recompute_hash();
            if h != e.hash {
                break 'scan tampered(format!(
                    "entry {seq} ({}, {}) was altered: its content hashes to {} but {} was recorded",
                    e.header.kind,
                    e.header.actor,
                    &hex::encode(h)[..16],
                    &hex::encode(e.hash)[..16]
                ));
            }
            if e.header.kind.starts_with("log.key.") {
                match DeclaredKey::from_entry(seq, &e.payload) {
                    Ok(Some(k)) => {
                        if let Err(p) = keys.declare(k) {
                            break 'scan Some(p);
                        }
                    }
                    Ok(None) => {}
                    Err(m) => break 'scan tampered(m),
                }
            }
            if !opts.skip_evidence {
                evidence.collect(seq, &e.payload);
            }
            frontier.push(h);
            prev = h;
            from += 1;
            if let Some(t) = opts.trusted.as_ref().filter(|t| t.size == from) {
                if frontier.root() != t.root {
                    break 'scan Some(Problem::new(
                        ProblemKind::Forked,
                        format!(
                            "the log's first {from} entries have root {} but the trusted \
                             checkpoint (key {}) recorded root {} for them: history was rewritten",
                            hex::encode(frontier.root()),
                            t.key_id,
                            hex::encode(t.root)
                        ),
                    ));
                }
            }
            while let Some(cp) = cps.peek() {
                if cp.size > from {
                    break;
                }
                if cp.size == from {
                    if frontier.root() != cp.root {
                        break 'scan tampered(format!(
                            "checkpoint at size {} does not match the entries' Merkle root",
                            cp.size
                        ));
                    }
                    if let Err(p) = keys.check(cp) {
                        break 'scan Some(p);
                    }
                    report.checkpoints += 1;
                }
                cps.next();
            }
        }
    };
    report.entries = from;
    report.root = hex::encode(frontier.root());
    let mut problem = problem.or_else(|| tail_problem(cps.next(), checkpoints.last(), from));
    if problem.is_none() && limit.is_some() {
        // Entries past the snapshot: appended while verifying if a checkpoint covers them now,
        // otherwise appended without one.
        let size = store.log_size(county).await?;
        let covered = store
            .checkpoints(county)
            .await?
            .last()
            .map_or(0, |c| c.size);
        if size > covered {
            problem = Some(uncovered(covered, size));
        } else {
            report.appended = size.saturating_sub(from);
        }
    }
    if problem.is_none() {
        problem = trusted_problem(opts.trusted.as_ref(), from);
    }
    if problem.is_none() {
        problem = pin_problem(opts.pinned.as_ref(), &keys);
    }
    if problem.is_none() && !opts.skip_evidence {
        report.evidence = evidence.len();
        problem = evidence.check(store).await?;
    }
    if problem.is_none() {
        // Erased values are simply absent; a value that is present must match its commitment.
        let bad = store.check_personal_data(county).await?;
        report.personal = store.personal_data_count(county).await?;
        problem = bad.first().map(|p| {
            Problem::new(
                ProblemKind::PersonalData,
                format!("{p} ({} such values)", bad.len()),
            )
        });
    }
    report.keys = signing_order(&checkpoints, &keys);
    report.kind = problem.as_ref().map(|p| p.kind);
    report.problem = problem.map(|p| p.message);
    Ok(report)
}

/// The log's first declared key, read ahead so that checkpoints made before the declaration
/// (older logs, declared at a later start) are checked with it. The scan re-checks the entry.
async fn first_declared_key(store: &Store, county: &str) -> Result<Option<LogVerifier>> {
    let mut rows = store.recent_log(county, "log.key.declare", 1_000).await?;
    rows.reverse();
    Ok(rows
        .iter()
        .find_map(|e| {
            DeclaredKey::from_entry(e.header.seq, &e.payload)
                .ok()
                .flatten()
        })
        .map(|k| k.verifier))
}

fn tail_problem(
    beyond: Option<&Checkpoint>,
    last: Option<&Checkpoint>,
    size: u64,
) -> Option<Problem> {
    let tampered = |m: String| Some(Problem::new(ProblemKind::Tampered, m));
    if let Some(cp) = beyond {
        return tampered(format!(
            "checkpoint at size {} is beyond the log's {size} entries (entries deleted?)",
            cp.size
        ));
    }
    match last {
        Some(last) if last.size != size => Some(uncovered(last.size, size)),
        None if size > 0 => tampered("the log has no signed checkpoint".to_string()),
        _ => None,
    }
}

fn uncovered(from: u64, to: u64) -> Problem {
    Problem::new(
        ProblemKind::Tampered,
        format!("entries {from}..{to} are not covered by a signed checkpoint"),
    )
}

fn trusted_problem(trusted: Option<&Checkpoint>, size: u64) -> Option<Problem> {
    let t = trusted?;
    (size < t.size).then(|| {
        Problem::new(
            ProblemKind::RolledBack,
            format!(
                "the log has {size} entries but a trusted checkpoint (key {}, root {}) saw {}: \
                 entries {size}..{} were deleted",
                t.key_id,
                hex::encode(t.root),
                t.size,
                t.size
            ),
        )
    })
}

fn pin_problem(pinned: Option<&LogVerifier>, keys: &KeyChain) -> Option<Problem> {
    let p = pinned?;
    if keys.signed_with.contains(&p.key_id()) {
        return None;
    }
    let used: Vec<&str> = keys.signed_with.iter().map(|s| s.as_str()).collect();
    Some(Problem::new(
        ProblemKind::WrongKey,
        format!(
            "the pinned public key (key id {}) signed none of the log's checkpoints; they are \
             signed by key(s) {}",
            p.key_id(),
            if used.is_empty() {
                "none".to_string()
            } else {
                used.join(", ")
            }
        ),
    ))
}

fn signing_order(checkpoints: &[Checkpoint], keys: &KeyChain) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for cp in checkpoints {
        if keys.signed_with.contains(&cp.key_id) && out.last() != Some(&cp.key_id) {
            out.push(cp.key_id.clone());
        }
    }
    out
}
