//! Signed checkpoints: "the log of county C had `size` entries with root R", signed with ed25519.

use crate::merkle::Hash;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub county: String,
    pub size: u64,
    #[serde(with = "crate::entry::hex_hash")]
    pub root: Hash,
    pub at_ms: i64,
    /// Base64 ed25519 signature over [`Checkpoint::signed_text`].
    pub signature: String,
    /// Hex of the first 8 bytes of the public key, to find the key among rotated ones.
    pub key_id: String,
}

impl Checkpoint {
    /// The signed note text, in the spirit of the transparency-log "signed note" format.
    pub fn signed_text(county: &str, size: u64, root: &Hash, at_ms: i64) -> String {
        format!(
            "tiaokuai-log/v1\n{county}\n{size}\n{}\n{at_ms}\n",
            B64.encode(root)
        )
    }
}

/// A checkpoint together with the public key that signed it: what `checkpoint export` writes,
/// what a witness keeps, and what `verify --trusted-checkpoint` reads. Self-contained, so it
/// can be checked without the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedCheckpoint {
    #[serde(flatten)]
    pub checkpoint: Checkpoint,
    /// Hex ed25519 public key whose first 8 bytes are `key_id`.
    pub public_key: String,
}

impl SignedCheckpoint {
    /// Checks that the public key is the one the checkpoint names and that it signed it.
    pub fn check(&self) -> Result<LogVerifier, String> {
        let v = LogVerifier::from_hex(&self.public_key)
            .map_err(|e| format!("public key {}: {e}", self.public_key))?;
        if v.key_id() != self.checkpoint.key_id {
            return Err(format!(
                "the checkpoint names key {} but carries public key {} (key id {})",
                self.checkpoint.key_id,
                self.public_key,
                v.key_id()
            ));
        }
        if !v.verify(&self.checkpoint) {
            return Err(format!(
                "the signature of the checkpoint at size {} does not verify with key {}",
                self.checkpoint.size,
                v.key_id()
            ));
        }
        Ok(v)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("signing key must be 32 bytes (64 hex digits)")]
    BadKey,
}

pub struct LogSigner {
    key: SigningKey,
}

impl LogSigner {
    /// From 32 secret bytes (the caller supplies randomness; this crate does no I/O).
    pub fn from_bytes(secret: &[u8; 32]) -> Self {
        LogSigner {
            key: SigningKey::from_bytes(secret),
        }
    }

    pub fn from_hex(s: &str) -> Result<Self, KeyError> {
        let v = hex::decode(s.trim()).map_err(|_| KeyError::BadKey)?;
        let arr: [u8; 32] = v.try_into().map_err(|_| KeyError::BadKey)?;
        Ok(Self::from_bytes(&arr))
    }

    pub fn verifier(&self) -> LogVerifier {
        LogVerifier {
            key: self.key.verifying_key(),
        }
    }

    pub fn sign(&self, county: &str, size: u64, root: Hash, at_ms: i64) -> Checkpoint {
        let text = Checkpoint::signed_text(county, size, &root, at_ms);
        let sig = self.key.sign(text.as_bytes());
        Checkpoint {
            county: county.to_string(),
            size,
            root,
            at_ms,
            signature: B64.encode(sig.to_bytes()),
            key_id: self.verifier().key_id(),
        }
    }
}

/// The text signed for a statement bound to the log (not a checkpoint): domain-separated by
/// its purpose so a signature of one kind can never pass for another.
fn statement_text(purpose: &str, text: &str) -> String {
    format!("tiaokuai-statement/v1\n{purpose}\n{text}")
}

impl LogSigner {
    /// Signs a statement such as a state snapshot's header; base64 signature.
    pub fn sign_statement(&self, purpose: &str, text: &str) -> String {
        let sig = self.key.sign(statement_text(purpose, text).as_bytes());
        B64.encode(sig.to_bytes())
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct LogVerifier {
    key: VerifyingKey,
}

impl std::fmt::Debug for LogVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogVerifier({})", self.public_hex())
    }
}

impl LogVerifier {
    pub fn from_hex(s: &str) -> Result<Self, KeyError> {
        let v = hex::decode(s.trim()).map_err(|_| KeyError::BadKey)?;
        let arr: [u8; 32] = v.try_into().map_err(|_| KeyError::BadKey)?;
        Ok(LogVerifier {
            key: VerifyingKey::from_bytes(&arr).map_err(|_| KeyError::BadKey)?,
        })
    }

    pub fn public_hex(&self) -> String {
        hex::encode(self.key.as_bytes())
    }

    pub fn key_id(&self) -> String {
        hex::encode(&self.key.as_bytes()[..8])
    }

    /// Whether `signature` is this key's signature of the statement.
    pub fn verify_statement(&self, purpose: &str, text: &str, signature: &str) -> bool {
        let Ok(bytes) = B64.decode(signature) else {
            return false;
        };
        let Ok(sig) = Signature::from_slice(&bytes) else {
            return false;
        };
        self.key
            .verify(statement_text(purpose, text).as_bytes(), &sig)
            .is_ok()
    }

    pub fn verify(&self, cp: &Checkpoint) -> bool {
        let Ok(bytes) = B64.decode(&cp.signature) else {
            return false;
        };
        let Ok(sig) = Signature::from_slice(&bytes) else {
            return false;
        };
        let text = Checkpoint::signed_text(&cp.county, cp.size, &cp.root, cp.at_ms);
        self.key.verify(text.as_bytes(), &sig).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_bound_to_key_purpose_and_text() {
        let s = LogSigner::from_bytes(&[7; 32]);
        let sig = s.sign_statement("snapshot", "a");
        assert!(s.verifier().verify_statement("snapshot", "a", &sig));
        assert!(!s.verifier().verify_statement("snapshot", "b", &sig));
        assert!(!s.verifier().verify_statement("other", "a", &sig));
        let other = LogSigner::from_bytes(&[8; 32]).verifier();
        assert!(!other.verify_statement("snapshot", "a", &sig));
        assert!(!s
            .verifier()
            .verify_statement("snapshot", "a", "not base64!"));
    }

    #[test]
    fn signatures_verify_and_detect_changes() {
        let s = LogSigner::from_bytes(&[7; 32]);
        let v = s.verifier();
        let cp = s.sign("370999", 10, [1; 32], 5);
        assert!(v.verify(&cp));
        let mut bad = cp.clone();
        bad.size = 11;
        assert!(!v.verify(&bad));
        let mut bad = cp;
        bad.root[3] ^= 1;
        assert!(!v.verify(&bad));
    }

    #[test]
    fn signed_checkpoints_check_key_and_signature() {
        let s = LogSigner::from_bytes(&[7; 32]);
        let good = SignedCheckpoint {
            checkpoint: s.sign("370999", 10, [1; 32], 5),
            public_key: s.verifier().public_hex(),
        };
        assert!(good.check().is_ok());
        let text = serde_json::to_string(&good).unwrap();
        assert!(text.contains("\"key_id\"") && text.contains("\"public_key\""));
        let back: SignedCheckpoint = serde_json::from_str(&text).unwrap();
        assert_eq!(back, good);
        // Another key that claims to have signed: named as a key mismatch.
        let other = LogSigner::from_bytes(&[8; 32]).verifier();
        let wrong = SignedCheckpoint {
            public_key: other.public_hex(),
            ..good.clone()
        };
        assert!(wrong.check().unwrap_err().contains("names key"));
        let mut forged = good;
        forged.checkpoint.size = 11;
        assert!(forged.check().unwrap_err().contains("does not verify"));
    }
}
