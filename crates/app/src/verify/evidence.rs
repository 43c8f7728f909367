//! Evidence in the chain: every photo or attachment a log entry names by its SHA-256 is
//! re-hashed from the blob store, so changed or deleted evidence is found like a changed entry.

use super::{Problem, ProblemKind};
use crate::error::Result;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use tiaokuai_core::Transition;
use tiaokuai_store::Store;

/// Field names whose values are lists of blob hashes (other strings there are names, not blobs).
const BLOB_FIELDS: [&str; 2] = ["photos", "attachments"];

/// Where a blob is first referenced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Reference {
    pub seq: u64,
    /// The event the entry is about, if it is a workflow step.
    pub event: Option<u64>,
}

#[derive(Default)]
pub(super) struct EvidenceRefs {
    refs: BTreeMap<String, Reference>,
}

impl EvidenceRefs {
    /// Records the blob hashes a log entry's payload names.
    pub(super) fn collect(&mut self, seq: u64, payload: &str) {
        if !BLOB_FIELDS
            .iter()
            .any(|f| payload.contains(&format!("\"{f}\"")))
        {
            return;
        }
        let Ok(value) = serde_json::from_str::<serde_json::Value>(payload) else {
            return;
        };
        let mut found = Vec::new();
        walk(&value, &mut found);
        if found.is_empty() {
            return;
        }
        let event = match Transition::from_payload(payload) {
            Ok(Transition::Event { cmd, .. }) => Some(cmd.event_id().unwrap_or(seq)),
            _ => None,
        };
        for h in found {
            self.refs.entry(h).or_insert(Reference { seq, event });
        }
    }

    pub(super) fn len(&self) -> u64 {
        self.refs.len() as u64
    }

    /// Re-hashes every referenced blob; the first missing or changed one is the problem.
    pub(super) async fn check(&self, store: &Store) -> Result<Option<Problem>> {
        for (hash, r) in &self.refs {
            let place = match r.event {
                Some(ev) => format!("event {ev} (entry {})", r.seq),
                None => format!("entry {}", r.seq),
            };
            let Some(blob) = store.get_blob(hash).await? else {
                return Ok(Some(Problem::new(
                    ProblemKind::Evidence,
                    format!("evidence {hash} named by {place} is missing from the blob store"),
                )));
            };
            let actual = hex::encode(Sha256::digest(&blob.bytes));
            if &actual != hash {
                return Ok(Some(Problem::new(
                    ProblemKind::Evidence,
                    format!(
                        "evidence {hash} named by {place} was changed: its stored {} bytes hash to {actual}",
                        blob.bytes.len()
                    ),
                )));
            }
        }
        Ok(None)
    }
}

fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                if BLOB_FIELDS.contains(&k.as_str()) {
                    if let Some(list) = child.as_array() {
                        out.extend(
                            list.iter()
                                .filter_map(|h| h.as_str())
                                // Only SHA-256 hashes name blobs: an admission application's
                                // attachments are file names, checked by the chain itself.
                                .filter(|h| {
                                    h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit())
                                })
                                .map(|h| h.to_ascii_lowercase()),
                        );
                        continue;
                    }
                }
                walk(child, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_photo_hashes_at_any_depth() {
        let mut r = EvidenceRefs::default();
        let h = "ab".repeat(32);
        r.collect(
            7,
            &format!(r#"{{"type":"x","cmd":{{"report":{{"photos":["{h}"]}}}}}}"#),
        );
        r.collect(9, &format!(r#"{{"attachments":["{h}"]}}"#));
        r.collect(10, r#"{"type":"calendar_set","days":[]}"#);
        // An admission application's attachments are file names, not blobs.
        r.collect(
            11,
            r#"{"type":"admission","cmd":{"attachments":["实施方案.pdf"]}}"#,
        );
        assert_eq!(r.len(), 1);
        assert_eq!(
            r.refs[&h],
            Reference {
                seq: 7,
                event: None
            }
        );
    }
}
