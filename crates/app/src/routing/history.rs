//! Training examples from the county's dispatch history: the text of each event the command
//! centre dispatched (title and detail) and the list item the dispatcher cited on the lead hop.
//! Resident events are read from memory, settled ones from the archive.

use crate::error::Result;
use crate::Engine;
use tiaokuai_core::events::{AssignmentRole, Event};

/// One past dispatch.
#[derive(Debug, Clone)]
pub struct Example {
    pub event: u64,
    pub text: String,
    /// The cited list item's id (not its version: an item keeps its id across versions).
    pub item: String,
}

/// The text the model reads of an event.
pub fn event_text(e: &Event) -> String {
    format!("{}\n{}", e.facts.title, e.facts.description)
}

/// The example an event gives, if it was dispatched with a list item: the item of its last
/// lead hop (a hop reassigned after a return or a ruling names the item that proved right).
pub fn example_of(e: &Event) -> Option<Example> {
    let item = e
        .assignments
        .iter()
        .rev()
        .filter(|a| a.role == AssignmentRole::Lead)
        .find_map(|a| a.item.as_ref())?;
    Some(Example {
        event: e.id,
        text: event_text(e),
        item: item.id.clone(),
    })
}

/// Archived events read per query.
const CHUNK: usize = 500;

/// The newest `max` examples (by event id, newest first), with the log size they cover.
pub async fn collect(engine: &Engine, max: usize) -> Result<(Vec<Example>, u64)> {
    let max = max.max(1);
    let (mut out, resident, log_len) = engine
        .with_state(|st| {
            let out: Vec<Example> = st
                .events
                .events
                .values()
                .rev()
                .filter_map(example_of)
                .take(max)
                .collect();
            let resident: std::collections::BTreeSet<u64> =
                st.events.events.keys().copied().collect();
            (out, resident, st.log_len)
        })
        .await?;
    let store = engine.store();
    let mut archived: Vec<u64> = store
        .archived_ids(engine.county())
        .await?
        .into_iter()
        .filter(|id| !resident.contains(id))
        .collect();
    archived.reverse();
    for chunk in archived.chunks(CHUNK) {
        // Newest first: once `max` examples newer than this chunk are in hand, older ones
        // cannot make the cut.
        out.sort_by_key(|x| std::cmp::Reverse(x.event));
        let newest_in_chunk = chunk.first().copied().unwrap_or(0);
        if out.len() >= max && out[max - 1].event > newest_in_chunk {
            break;
        }
        for body in store.archived_events(engine.county(), chunk).await? {
            match crate::archive::decode(&body) {
                Ok(a) => out.extend(example_of(&a.event)),
                Err(e) => tracing::warn!(error = %e, "skipping an unreadable archived event"),
            }
        }
    }
    out.sort_by_key(|x| std::cmp::Reverse(x.event));
    out.truncate(max);
    Ok((out, log_len))
}
