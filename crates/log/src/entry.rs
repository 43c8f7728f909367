//! Canonical encoding of a log entry and its leaf hash.
//!
//! The encoding is a fixed sequence of length-prefixed fields, so that two different entries can
//! never encode to the same bytes and `verify` can recompute the hash from stored columns alone.

use crate::merkle::{leaf_hash, Hash};
use serde::{Deserialize, Serialize};

/// Who did what, when: everything about an entry except its payload and hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryHeader {
    /// County whose log this entry belongs to (one log per county).
    pub county: String,
    /// Position in the county's log, from 0.
    pub seq: u64,
    /// Milliseconds since the Unix epoch, UTC.
    pub at_ms: i64,
    /// Acting person's username, or `system:...` for CLI and imports.
    pub actor: String,
    /// Role the actor acted in (empty for system actions).
    pub role: String,
    /// Unit the actor acted for (empty for system actions).
    pub unit: String,
    /// Command type, e.g. `org.unit.add`.
    pub kind: String,
}

/// A stored log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    #[serde(flatten)]
    pub header: EntryHeader,
    /// Payload as the exact JSON text that was hashed.
    pub payload: String,
    /// Leaf hash of the previous entry (all zeros for the first).
    #[serde(with = "hex_hash")]
    pub prev_hash: Hash,
    /// RFC 6962 leaf hash of this entry's canonical bytes.
    #[serde(with = "hex_hash")]
    pub hash: Hash,
}

impl LogEntry {
    /// Builds an entry, computing its hash.
    pub fn seal(header: EntryHeader, payload: String, prev_hash: Hash) -> Self {
        let hash = leaf_hash(&canonical_bytes(&header, &payload, &prev_hash));
        LogEntry {
            header,
            payload,
            prev_hash,
            hash,
        }
    }

    /// Recomputes the hash from the fields.
    pub fn recompute_hash(&self) -> Hash {
        leaf_hash(&canonical_bytes(
            &self.header,
            &self.payload,
            &self.prev_hash,
        ))
    }
}

const VERSION: u8 = 1;

/// The bytes that are hashed for an entry.
pub fn canonical_bytes(h: &EntryHeader, payload: &str, prev_hash: &Hash) -> Vec<u8> {
    let mut out = Vec::with_capacity(96 + payload.len() + h.kind.len() + h.actor.len());
    out.push(VERSION);
    put(&mut out, h.county.as_bytes());
    out.extend_from_slice(&h.seq.to_be_bytes());
    out.extend_from_slice(&h.at_ms.to_be_bytes());
    put(&mut out, h.actor.as_bytes());
    put(&mut out, h.role.as_bytes());
    put(&mut out, h.unit.as_bytes());
    put(&mut out, h.kind.as_bytes());
    put(&mut out, payload.as_bytes());
    out.extend_from_slice(prev_hash);
    out
}

fn put(out: &mut Vec<u8>, field: &[u8]) {
    out.extend_from_slice(&(field.len() as u32).to_be_bytes());
    out.extend_from_slice(field);
}

pub mod hex_hash {
    //! Serde helpers: hashes as lowercase hex.
    use crate::merkle::Hash;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(h: &Hash, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(h))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Hash, D::Error> {
        let s = String::deserialize(d)?;
        crate::merkle::parse_hash(&s)
            .ok_or_else(|| serde::de::Error::custom("expected 64 hex digits"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(seq: u64) -> EntryHeader {
        EntryHeader {
            county: "370999".into(),
            seq,
            at_ms: 1_700_000_000_000,
            actor: "admin".into(),
            role: "system_admin".into(),
            unit: "370999".into(),
            kind: "org.unit.add".into(),
        }
    }

    #[test]
    fn any_changed_field_changes_the_hash() {
        let e = LogEntry::seal(header(0), r#"{"a":1}"#.into(), [0; 32]);
        assert_eq!(e.hash, e.recompute_hash());
        let mut t = e.clone();
        t.payload = r#"{"a":2}"#.into();
        assert_ne!(t.recompute_hash(), e.hash);
        let mut t = e.clone();
        t.header.actor = "admim".into();
        assert_ne!(t.recompute_hash(), e.hash);
        let mut t = e.clone();
        t.prev_hash[0] = 1;
        assert_ne!(t.recompute_hash(), e.hash);
    }

    #[test]
    fn field_boundaries_are_unambiguous() {
        let mut a = header(0);
        a.actor = "ab".into();
        a.role = "c".into();
        let mut b = header(0);
        b.actor = "a".into();
        b.role = "bc".into();
        assert_ne!(
            canonical_bytes(&a, "", &[0; 32]),
            canonical_bytes(&b, "", &[0; 32])
        );
    }
}
