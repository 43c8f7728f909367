//! The log's signing keys.
//!
//! The secret key (32 random bytes, hex) lives in a file beside the data (mode 0600) and only
//! the server and the setup commands read it. Only [`create`] makes one: `tiaokuai keygen` and
//! the first `migrate`/`demo` of a county. Everything else [`load`]s and refuses a missing file,
//! so a mistyped path can never sign with a new key.
//!
//! The public key is recorded in the log itself: a [`Transition::LogKeyDeclared`] entry at the
//! start of the log (or, for a log from before keys were declared, at the next start), and one
//! per rotation, naming the key it replaces and checkpointed by that old key. `verify` reads
//! the keys from the log and needs no secret.

use crate::engine::{Actor, Engine};
use crate::error::{AppError, Result};
use std::path::Path;
use tiaokuai_core::Transition;
use tiaokuai_log::{LogSigner, LogVerifier};
use tiaokuai_store::Store;

/// The actor recorded on key entries.
pub const KEY_ACTOR: &str = "keys";

/// Reads the signing key at `path`; a missing file is an error that names the path and the fix.
pub fn load(path: &Path) -> Result<LogSigner> {
    if !path.exists() {
        return Err(AppError::Io(format!(
            "no log signing key at {p}: give the right --key-file (or TIAOKUAI_KEY_FILE). \
             A new county gets its key from its first `tiaokuai migrate`; `tiaokuai keygen \
             --key-file {p}` creates one explicitly. Never create a new key for a county that \
             has a log: its checkpoints would no longer verify (use `tiaokuai key rotate`).",
            p = path.display()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        AppError::Io(format!(
            "reading the log signing key {}: {e}",
            path.display()
        ))
    })?;
    LogSigner::from_hex(&text)
        .map_err(|e| AppError::Io(format!("log signing key {}: {e}", path.display())))
}

/// Creates a new signing key at `path` (and its directory). Refuses to overwrite a file.
pub fn create(path: &Path) -> Result<LogSigner> {
    if path.exists() {
        return Err(AppError::Io(format!(
            "{} already exists: a key file is never overwritten",
            path.display()
        )));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| AppError::Io(format!("creating {}: {e}", dir.display())))?;
    }
    let secret: [u8; 32] = rand::random();
    write_private(path, &hex::encode(secret))?;
    let signer = LogSigner::from_bytes(&secret);
    tracing::info!(path = %path.display(), key_id = %signer.verifier().key_id(), "created a new log signing key");
    Ok(signer)
}

/// A random key held in memory only (benchmarks on throw-away databases).
pub fn ephemeral() -> LogSigner {
    LogSigner::from_bytes(&rand::random())
}

/// A public key as the log declares it.
#[derive(Clone)]
pub struct DeclaredKey {
    /// The entry that declares it.
    pub seq: u64,
    pub verifier: LogVerifier,
    /// The key it replaces (a rotation), or `None` for the log's first key.
    pub replaces_key_id: Option<String>,
}

impl DeclaredKey {
    /// Reads a key declaration from a log entry's payload. `Ok(None)` if the entry is
    /// something else; an error if it declares a malformed or inconsistent key.
    pub fn from_entry(seq: u64, payload: &str) -> std::result::Result<Option<Self>, String> {
        let Ok(Transition::LogKeyDeclared {
            public_key_hex,
            key_id,
            replaces_key_id,
        }) = Transition::from_payload(payload)
        else {
            return Ok(None);
        };
        let verifier = LogVerifier::from_hex(&public_key_hex)
            .map_err(|e| format!("entry {seq} declares a bad public key {public_key_hex}: {e}"))?;
        if verifier.key_id() != key_id {
            return Err(format!(
                "entry {seq} declares key id {key_id} for public key {public_key_hex}, whose id is {}",
                verifier.key_id()
            ));
        }
        Ok(Some(DeclaredKey {
            seq,
            verifier,
            replaces_key_id,
        }))
    }

    pub fn key_id(&self) -> String {
        self.verifier.key_id()
    }
}

/// The keys declared in a county's log, oldest first (read from the stored entries; `verify`
/// re-checks their hashes).
pub async fn declared_keys(store: &Store, county: &str) -> Result<Vec<DeclaredKey>> {
    let mut rows = store
        .recent_log(county, "log.key.", u32::MAX as u64)
        .await?;
    rows.reverse();
    rows.iter()
        .filter_map(|e| DeclaredKey::from_entry(e.header.seq, &e.payload).transpose())
        .collect::<std::result::Result<Vec<_>, String>>()
        .map_err(|e| AppError::Io(format!("county {county}: {e}")))
}

/// The key id that must sign the county's next checkpoint: the last declared key, or, for a
/// log from before keys were declared, the key of its latest checkpoint. `None` for an empty
/// log.
pub async fn current_key_id(store: &Store, county: &str) -> Result<Option<String>> {
    if let Some(k) = declared_keys(store, county).await?.last() {
        return Ok(Some(k.key_id()));
    }
    Ok(store.latest_checkpoint(county).await?.map(|cp| cp.key_id))
}

/// Refuses a signing key that is not the log's current key (naming both ids and the fix).
pub async fn check_signer(
    store: &Store,
    county: &str,
    signer: &LogSigner,
    path: &Path,
) -> Result<()> {
    let mine = signer.verifier().key_id();
    match current_key_id(store, county).await? {
        Some(expected) if expected != mine => Err(AppError::Io(format!(
            "the key in {} (key id {mine}) is not the log's current key (key id {expected}) of \
             county {county}: give the --key-file that holds key {expected}. If that key is \
             lost, the log can no longer be extended under it; if it was rotated, use the new \
             key file.",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Appends the signer's public key as a [`Transition::LogKeyDeclared`] if the log declares
/// none yet (a new log, or one from before keys were declared). Returns whether it did.
/// The caller has checked the signer with [`check_signer`].
pub async fn declare_if_missing(
    engine: &Engine,
    signer: &LogVerifier,
    now_ms: i64,
) -> Result<bool> {
    if !declared_keys(engine.store(), engine.county())
        .await?
        .is_empty()
    {
        return Ok(false);
    }
    let t = Transition::LogKeyDeclared {
        public_key_hex: signer.public_hex(),
        key_id: signer.key_id(),
        replaces_key_id: None,
    };
    engine
        .submit(&Actor::system(KEY_ACTOR), now_ms, vec![t])
        .await?;
    tracing::info!(county = engine.county(), key_id = %signer.key_id(), "declared the log's public key");
    Ok(true)
}

/// Appends a rotation to `new`: the engine (running with the old key) signs the checkpoint
/// that covers it, so the rotation is vouched for by the old key. Returns its sequence number.
pub async fn rotate(engine: &Engine, new: &LogVerifier, now_ms: i64) -> Result<u64> {
    let old = engine.verifier().key_id();
    if old == new.key_id() {
        return Err(AppError::Io(format!(
            "the new key is the current key ({old}): nothing to rotate"
        )));
    }
    declare_if_missing(engine, engine.verifier(), now_ms).await?;
    let t = Transition::LogKeyDeclared {
        public_key_hex: new.public_hex(),
        key_id: new.key_id(),
        replaces_key_id: Some(old),
    };
    let seqs = engine
        .submit(&Actor::system(KEY_ACTOR), now_ms, vec![t])
        .await?;
    seqs.first()
        .copied()
        .ok_or_else(|| AppError::Io("the rotation was not appended".into()))
}

fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let io = |e: std::io::Error| AppError::Io(format!("writing {}: {e}", path.display()));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(io)?;
    f.write_all(text.as_bytes()).map_err(io)?;
    f.sync_all().map_err(io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_file_is_an_error_and_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope.key");
        let err = load(&path).err().unwrap().to_string();
        assert!(err.contains("nope.key") && err.contains("keygen"), "{err}");
        assert!(!path.exists());
    }

    #[test]
    fn create_then_load_gives_the_same_key_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/k.key");
        let a = create(&path).unwrap().verifier().public_hex();
        assert_eq!(load(&path).unwrap().verifier().public_hex(), a);
        assert!(create(&path)
            .err()
            .unwrap()
            .to_string()
            .contains("never overwritten"));
        assert_eq!(load(&path).unwrap().verifier().public_hex(), a);
    }

    #[test]
    fn declarations_are_read_and_checked() {
        let v = LogSigner::from_bytes(&[3; 32]).verifier();
        let t = Transition::LogKeyDeclared {
            public_key_hex: v.public_hex(),
            key_id: v.key_id(),
            replaces_key_id: None,
        };
        let k = DeclaredKey::from_entry(0, &t.to_payload())
            .unwrap()
            .unwrap();
        assert_eq!(k.key_id(), v.key_id());
        let bad = Transition::LogKeyDeclared {
            public_key_hex: v.public_hex(),
            key_id: "0011223344556677".into(),
            replaces_key_id: None,
        };
        assert!(DeclaredKey::from_entry(4, &bad.to_payload())
            .err()
            .unwrap()
            .contains("entry 4"));
        assert!(
            DeclaredKey::from_entry(1, r#"{"type":"calendar_set","days":[]}"#)
                .unwrap()
                .is_none()
        );
    }
}
