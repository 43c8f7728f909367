//! Which key must have signed each checkpoint, following the log's key declarations.
//!
//! The log's first key is declared by its first `log.key.declare` entry. A `log.key.rotate`
//! entry names the new key and the key it replaces; the first checkpoint that covers it is
//! signed by the old key (which so vouches for the new one), every later one by the new key.

use super::{Problem, ProblemKind};
use crate::keys::DeclaredKey;
use std::collections::BTreeSet;
use tiaokuai_log::{Checkpoint, LogVerifier};

pub(super) struct KeyChain {
    active: Option<LogVerifier>,
    pending: Option<LogVerifier>,
    declared: bool,
    /// Ids of the keys that signed at least one checkpoint.
    pub(super) signed_with: BTreeSet<String>,
}

impl KeyChain {
    /// `initial` signs the checkpoints before the first declaration (logs from before keys
    /// were declared).
    pub(super) fn new(initial: Option<LogVerifier>) -> Self {
        KeyChain {
            active: initial,
            pending: None,
            declared: false,
            signed_with: BTreeSet::new(),
        }
    }

    pub(super) fn declare(&mut self, k: DeclaredKey) -> Result<(), Problem> {
        let seq = k.seq;
        let tampered = |m: String| Err(Problem::new(ProblemKind::Tampered, m));
        match &k.replaces_key_id {
            None => {
                if self.declared {
                    return tampered(format!(
                        "entry {seq} declares a first key {} but the log already has one",
                        k.key_id()
                    ));
                }
                if let Some(a) = self.active.as_ref().filter(|a| a.key_id() != k.key_id()) {
                    return tampered(format!(
                        "entry {seq} declares key {} but the checkpoints before it were signed by key {}",
                        k.key_id(),
                        a.key_id()
                    ));
                }
                self.active = Some(k.verifier);
                self.declared = true;
            }
            Some(old) => {
                let current = self.active.as_ref().map(|a| a.key_id());
                if !self.declared || current.as_deref() != Some(old.as_str()) {
                    return tampered(format!(
                        "entry {seq} rotates from key {old}, but the log's key there is {}",
                        current.unwrap_or_else(|| "undeclared".into())
                    ));
                }
                if self.pending.is_some() {
                    return tampered(format!(
                        "entry {seq} rotates the key again before a checkpoint of the previous rotation"
                    ));
                }
                self.pending = Some(k.verifier);
            }
        }
        Ok(())
    }

    /// Checks a checkpoint's key and signature; a rotation takes effect after the first
    /// checkpoint that covers it.
    pub(super) fn check(&mut self, cp: &Checkpoint) -> Result<(), Problem> {
        let Some(expected) = &self.active else {
            return Err(Problem::new(
                ProblemKind::WrongKey,
                format!(
                    "checkpoint at size {} is signed by key {}, but the log declares no public key \
                     before it and none was given: give --public-key HEX (or start the server \
                     once, which declares its key)",
                    cp.size, cp.key_id
                ),
            ));
        };
        if cp.key_id != expected.key_id() {
            return Err(Problem::new(
                ProblemKind::WrongKey,
                format!(
                    "checkpoint at size {} has a bad signature for the log's key {}: it was \
                     signed by key {} (a wrong or unrotated key, not changed entries)",
                    cp.size,
                    expected.key_id(),
                    cp.key_id
                ),
            ));
        }
        if !expected.verify(cp) {
            return Err(Problem::new(
                ProblemKind::Tampered,
                format!(
                    "checkpoint at size {} has a bad signature (key {})",
                    cp.size, cp.key_id
                ),
            ));
        }
        self.signed_with.insert(cp.key_id.clone());
        if let Some(next) = self.pending.take() {
            self.active = Some(next);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiaokuai_log::LogSigner;

    fn declared(seq: u64, s: &LogSigner, replaces: Option<&LogSigner>) -> DeclaredKey {
        DeclaredKey {
            seq,
            verifier: s.verifier(),
            replaces_key_id: replaces.map(|r| r.verifier().key_id()),
        }
    }

    #[test]
    fn rotation_is_signed_by_the_old_key_then_the_new_one_signs() {
        let (a, b) = (
            LogSigner::from_bytes(&[1; 32]),
            LogSigner::from_bytes(&[2; 32]),
        );
        let mut kc = KeyChain::new(None);
        kc.declare(declared(0, &a, None)).unwrap();
        kc.check(&a.sign("c", 1, [0; 32], 1)).unwrap();
        kc.declare(declared(1, &b, Some(&a))).unwrap();
        // The checkpoint covering the rotation: the old key.
        let wrong = kc.check(&b.sign("c", 2, [0; 32], 1)).unwrap_err();
        assert_eq!(wrong.kind, ProblemKind::WrongKey);
        kc.check(&a.sign("c", 2, [0; 32], 1)).unwrap();
        // Afterwards only the new key.
        let wrong = kc.check(&a.sign("c", 3, [0; 32], 1)).unwrap_err();
        assert_eq!(wrong.kind, ProblemKind::WrongKey, "{}", wrong.message);
        kc.check(&b.sign("c", 3, [0; 32], 1)).unwrap();
        assert_eq!(kc.signed_with.len(), 2);
    }

    #[test]
    fn a_rotation_from_a_key_that_is_not_current_is_refused() {
        let (a, b, c) = (
            LogSigner::from_bytes(&[1; 32]),
            LogSigner::from_bytes(&[2; 32]),
            LogSigner::from_bytes(&[3; 32]),
        );
        let mut kc = KeyChain::new(None);
        kc.declare(declared(0, &a, None)).unwrap();
        let p = kc.declare(declared(5, &c, Some(&b))).unwrap_err();
        assert_eq!(p.kind, ProblemKind::Tampered);
        assert!(p.message.starts_with("entry 5 "), "{}", p.message);
        let p = kc.declare(declared(6, &b, None)).unwrap_err();
        assert!(p.message.contains("already has one"), "{}", p.message);
    }

    #[test]
    fn a_forged_signature_with_the_right_key_id_is_tampering() {
        let a = LogSigner::from_bytes(&[1; 32]);
        let mut kc = KeyChain::new(Some(a.verifier()));
        let mut cp = a.sign("c", 1, [0; 32], 1);
        cp.root[0] ^= 1;
        assert_eq!(kc.check(&cp).unwrap_err().kind, ProblemKind::Tampered);
    }
}
