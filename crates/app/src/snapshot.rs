//! Snapshots of the folded state, so a restart replays only the entries after the newest one
//! (format and checks: docs/history.md).
//!
//! A snapshot is the in-memory cache at log size `size`: the folded state (live work; settled
//! events are in `event_archive`), the Merkle pyramid and the last entry's hash. Its header
//! (county, size, root, body hash, format) is signed with the log key. On start every check
//! must pass, or the snapshot is refused with the reason and the next older one (or a full
//! replay) is used: a snapshot can make a start faster, never make a state wrong.

use crate::error::{AppError, Result};
use crate::writer::LogCache;
use sha2::{Digest, Sha256};
use tiaokuai_core::state::SNAPSHOT_FORMAT;
use tiaokuai_core::CountyState;
use tiaokuai_log::{Hash, LogSigner, LogVerifier, Pyramid};
use tiaokuai_store::{SnapshotRow, Store};

/// The envelope's own version; bumped with any change of the body layout. Stored as
/// `ENVELOPE * 1000 + SNAPSHOT_FORMAT` so a change of either refuses old snapshots.
const ENVELOPE: u32 = 1;

pub fn format() -> u32 {
    ENVELOPE * 1000 + SNAPSHOT_FORMAT
}

const PURPOSE: &str = "state-snapshot";

#[derive(serde::Serialize, serde::Deserialize)]
struct Meta {
    tree: Pyramid,
    last_hash: String,
}

fn header_text(county: &str, size: u64, root: &[u8], body_hash: &[u8], format: u32) -> String {
    format!(
        "{county}\n{size}\n{}\n{}\n{format}",
        hex::encode(root),
        hex::encode(body_hash)
    )
}

/// Encodes and signs the cache as it stands.
pub(crate) fn take(
    cache: &LogCache,
    county: &str,
    signer: &LogSigner,
    now_ms: i64,
) -> Result<SnapshotRow> {
    let meta = Meta {
        tree: cache.tree.clone(),
        last_hash: hex::encode(cache.last_hash),
    };
    let mut raw = serde_json::to_vec(&meta).map_err(|e| AppError::Io(e.to_string()))?;
    // Compact JSON has no raw newline, so the first one separates the two parts.
    raw.push(b'\n');
    raw.extend(cache.state.to_snapshot_json());
    let body = zstd::bulk::compress(&raw, 3).map_err(|e| AppError::Io(e.to_string()))?;
    let body_hash = Sha256::digest(&body).to_vec();
    let root = cache.tree.root().to_vec();
    let size = cache.size();
    let signature = signer.sign_statement(
        PURPOSE,
        &header_text(county, size, &root, &body_hash, format()),
    );
    Ok(SnapshotRow {
        size,
        format: format(),
        root,
        key_id: signer.verifier().key_id(),
        body_hash,
        signature,
        created_ms: now_ms,
        body,
    })
}

/// Checks a stored snapshot and decodes it into a cache, or says why it is refused.
pub(crate) async fn load(
    store: &Store,
    county: &str,
    verifier: &LogVerifier,
    row: &SnapshotRow,
) -> std::result::Result<LogCache, String> {
    if row.format != format() {
        return Err(format!(
            "it has format {} and this version reads format {}",
            row.format,
            format()
        ));
    }
    if row.key_id != verifier.key_id() {
        return Err(format!(
            "it was signed by key {} and the log's key is {}",
            row.key_id,
            verifier.key_id()
        ));
    }
    let text = header_text(county, row.size, &row.root, &row.body_hash, row.format);
    if !verifier.verify_statement(PURPOSE, &text, &row.signature) {
        return Err("its signature does not match (another county, or a changed header)".into());
    }
    if Sha256::digest(&row.body).as_slice() != row.body_hash.as_slice() {
        return Err("its body does not match the signed hash (truncated or changed)".into());
    }
    let raw = zstd::stream::decode_all(row.body.as_slice())
        .map_err(|e| format!("its body cannot be decompressed: {e}"))?;
    let cut = raw
        .iter()
        .position(|b| *b == b'\n')
        .ok_or("its body has no state part")?;
    let meta: Meta =
        serde_json::from_slice(&raw[..cut]).map_err(|e| format!("its tree is unreadable: {e}"))?;
    let state = CountyState::from_snapshot_json(&raw[cut + 1..])?;
    let last_hash: Hash = tiaokuai_log::merkle::parse_hash(&meta.last_hash)
        .ok_or("its last entry hash is unreadable")?;
    if meta.tree.size() != row.size || meta.tree.root().as_slice() != row.root.as_slice() {
        return Err("its tree does not match its signed size and root".into());
    }
    if state.log_len != row.size {
        return Err(format!(
            "its state has folded {} entries, not {}",
            state.log_len, row.size
        ));
    }
    // The chain pins the whole prefix: the stored entry at size-1 must be the one it saw.
    if row.size > 0 {
        let stored = store
            .leaf_hash_range(county, row.size - 1, row.size)
            .await
            .map_err(|e| e.to_string())?;
        if stored.first() != Some(&last_hash) {
            return Err(format!(
                "the log does not hold the entry it ends with (entry {}): the log was rolled back or replaced",
                row.size - 1
            ));
        }
    }
    Ok(LogCache {
        state,
        tree: meta.tree,
        last_hash,
    })
}

/// What the start did: the snapshot used, the ones refused and why, entries replayed.
#[derive(Debug, Clone, Default)]
pub struct StartReport {
    pub snapshot: Option<u64>,
    pub refused: Vec<(u64, String)>,
    pub replayed: u64,
    pub millis: u64,
}

/// The newest snapshot that passes every check, recording the refused ones.
pub(crate) async fn newest_usable(
    store: &Store,
    county: &str,
    verifier: &LogVerifier,
    report: &mut StartReport,
) -> Result<Option<LogCache>> {
    for row in store.snapshots(county).await? {
        match load(store, county, verifier, &row).await {
            Ok(cache) => {
                report.snapshot = Some(row.size);
                return Ok(Some(cache));
            }
            Err(why) => {
                tracing::warn!(size = row.size, reason = %why, "state snapshot refused; falling back");
                report.refused.push((row.size, why));
            }
        }
    }
    Ok(None)
}
