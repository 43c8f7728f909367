//! Settled events leave memory. An event that is final (closed, self-closed, cancelled,
//! shelved), has no accountability case still running and was settled long enough ago is
//! handed to storage as an [`ArchivedEvent`] and dropped from the book; a later command or
//! read loads it back with [`EventBook::restore`]. Eviction is a cache policy, never a rule:
//! the book with its archived events put back is exactly the book folded from the whole log.

use super::book::{EventBook, PublicFeedback};
use super::model::{AccountabilityCase, Event};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Everything the book holds about one event, as it stood at log position `event.seq`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchivedEvent {
    pub event: Event,
    pub cases: Vec<AccountabilityCase>,
    pub feedback: Option<PublicFeedback>,
    /// Photos (SHA-256 hex) attached to the event, so photo access still follows it.
    pub photos: Vec<String>,
}

impl ArchivedEvent {
    /// The log position of the last change to anything archived here (the event, its 回访,
    /// its cases): archived versions are keyed by it.
    pub fn seq(&self) -> u64 {
        version(&self.event, self.feedback.as_ref(), self.cases.iter())
    }
}

fn version<'a>(
    e: &Event,
    feedback: Option<&PublicFeedback>,
    cases: impl Iterator<Item = &'a AccountabilityCase>,
) -> u64 {
    cases
        .filter_map(|c| c.concluded_seq)
        .chain(feedback.map(|f| f.seq))
        .fold(e.seq, u64::max)
}

impl EventBook {
    /// Events nothing is waiting on at `now_ms`: final, every accountability case concluded,
    /// and settled (closed, or created if never closed) at least `keep_ms` ago. Oldest first,
    /// at most `limit`.
    pub fn settled(&self, now_ms: i64, keep_ms: i64, limit: usize) -> Vec<u64> {
        let mut open_cases: Vec<u64> = self
            .cases
            .values()
            .filter(|c| c.outcome.is_none())
            .map(|c| c.event)
            .collect();
        open_cases.sort_unstable();
        self.events
            .values()
            .filter(|e| {
                e.status.is_final()
                    && e.closed_ms.unwrap_or(e.created_ms) + keep_ms <= now_ms
                    && open_cases.binary_search(&e.id).is_err()
            })
            .map(|e| e.id)
            .take(limit)
            .collect()
    }

    /// What [`EventBook::evict`] would take out for `ids`, without taking it: the photos of
    /// all of them are found in one pass over the photo index.
    pub fn archive_of(&self, ids: &[u64]) -> Vec<ArchivedEvent> {
        let mut photos: BTreeMap<u64, Vec<String>> = BTreeMap::new();
        let wanted: std::collections::BTreeSet<u64> = ids.iter().copied().collect();
        for (hash, events) in &self.photo_events {
            for id in events.iter().filter(|id| wanted.contains(id)) {
                photos.entry(*id).or_default().push(hash.clone());
            }
        }
        ids.iter()
            .filter_map(|id| {
                let event = self.events.get(id)?.clone();
                Some(ArchivedEvent {
                    cases: self
                        .cases
                        .range((*id, 0)..=(*id, u32::MAX))
                        .map(|(_, c)| c.clone())
                        .collect(),
                    feedback: self.feedback.get(id).cloned(),
                    photos: photos.remove(id).unwrap_or_default(),
                    event,
                })
            })
            .collect()
    }

    /// Drops an archived event from memory if it has not changed since it was archived
    /// (`seq` is the archived version). Returns whether it was dropped.
    pub fn evict(&mut self, a: &ArchivedEvent) -> bool {
        let id = a.event.id;
        if self.version_of(id) != Some(a.seq()) {
            return false;
        }
        self.events.remove(&id);
        let cases: Vec<(u64, u32)> = self
            .cases
            .range((id, 0)..=(id, u32::MAX))
            .map(|(k, _)| *k)
            .collect();
        for k in cases {
            self.cases.remove(&k);
        }
        self.feedback.remove(&id);
        for h in &a.photos {
            if let Some(set) = self.photo_events.get_mut(h) {
                set.remove(&id);
                if set.is_empty() {
                    self.photo_events.remove(h);
                }
            }
        }
        true
    }

    /// Puts an archived event back (for a command on it, or a read). A resident event is
    /// never replaced: it is at least as new as any archived version.
    pub fn restore(&mut self, a: ArchivedEvent) {
        let id = a.event.id;
        if self.events.contains_key(&id) {
            return;
        }
        for c in a.cases {
            self.cases.insert((id, c.assignment), c);
        }
        if let Some(f) = a.feedback {
            self.feedback.insert(id, f);
        }
        for h in a.photos {
            self.photo_events.entry(h).or_default().insert(id);
        }
        self.events.insert(id, a.event);
    }

    /// The log position of the last change to a resident event or its side records.
    pub fn version_of(&self, id: u64) -> Option<u64> {
        let e = self.events.get(&id)?;
        Some(version(
            e,
            self.feedback.get(&id),
            self.cases.range((id, 0)..=(id, u32::MAX)).map(|(_, c)| c),
        ))
    }

    /// Whether the book holds event `id` in memory now.
    pub fn is_resident(&self, id: u64) -> bool {
        self.events.contains_key(&id)
    }
}
