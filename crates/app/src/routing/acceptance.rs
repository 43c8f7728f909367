//! How often dispatchers take the first routing suggestion, week by week (China Standard
//! Time, weeks from Monday). A dispatch counts in the week of its first lead hop; it "took the
//! first suggestion" when the item it cited is the item suggested first on the dispatch form,
//! which the form sends with the dispatch (`EventCmd::Dispatch::suggested`). Dispatches made
//! without a suggestion shown (the API, older entries) are counted apart.

use crate::error::Result;
use crate::Engine;
use serde::Serialize;
use std::collections::BTreeMap;
use tiaokuai_core::events::{AssignmentRole, Event};

const DAY_MS: i64 = 86_400_000;
const CST_MS: i64 = 8 * 3_600_000;
/// Events are read back this far before the first week: an event dispatched in the window may
/// have been reported earlier.
const REPORTED_BEFORE_MS: i64 = 30 * DAY_MS;
/// Archived events read per query.
const CHUNK: usize = 500;

/// One week's dispatches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WeekShare {
    /// Monday 00:00 CST, in ms.
    pub week_start_ms: i64,
    /// County dispatches (first lead hops) in the week.
    pub dispatches: usize,
    /// Of these, dispatched from a form that showed a suggestion.
    pub with_suggestion: usize,
    /// Of these, citing the item suggested first.
    pub took_first: usize,
}

impl WeekShare {
    /// `took_first / with_suggestion`, if any suggestion was shown.
    pub fn share(&self) -> Option<f64> {
        (self.with_suggestion > 0).then(|| self.took_first as f64 / self.with_suggestion as f64)
    }
}

/// Monday 00:00 CST of the week holding `ms`.
pub fn week_start(ms: i64) -> i64 {
    let day = (ms + CST_MS).div_euclid(DAY_MS);
    // 1970-01-01 was a Thursday: Monday is day 4 of that week (0-based from Monday: 3).
    let monday = day - (day + 3).rem_euclid(7);
    monday * DAY_MS - CST_MS
}

/// The event's county dispatch: (when, took the first suggestion?) — `None` for events never
/// dispatched to a lead; the flag is `None` when no suggestion was shown.
pub fn dispatch_of(e: &Event) -> Option<(i64, Option<bool>)> {
    let lead = e
        .assignments
        .iter()
        .find(|a| a.role == AssignmentRole::Lead)?;
    let took = e.suggested.as_ref().map(|s| {
        lead.item
            .as_ref()
            .is_some_and(|i| i.id == s.id && i.version == s.version)
    });
    Some((lead.dispatched_ms, took))
}

/// Counts per week of the dispatches at or after `since_ms`, newest week first.
pub fn tally<'a>(events: impl Iterator<Item = &'a Event>, since_ms: i64) -> Vec<WeekShare> {
    let mut weeks: BTreeMap<i64, WeekShare> = BTreeMap::new();
    for (at, took) in events.filter_map(dispatch_of) {
        if at < since_ms {
            continue;
        }
        let w = week_start(at);
        let row = weeks.entry(w).or_insert(WeekShare {
            week_start_ms: w,
            ..Default::default()
        });
        row.dispatches += 1;
        if let Some(took) = took {
            row.with_suggestion += 1;
            row.took_first += usize::from(took);
        }
    }
    weeks.into_values().rev().collect()
}

/// The last `weeks` weeks up to `now_ms` (this week included), from resident and archived
/// events.
pub async fn weekly(engine: &Engine, weeks: usize, now_ms: i64) -> Result<Vec<WeekShare>> {
    let since = week_start(now_ms) - (weeks.max(1) as i64 - 1) * 7 * DAY_MS;
    let (mut events, resident) = engine
        .with_state(|st| {
            let ev: Vec<Event> = st
                .events
                .events
                .values()
                .filter(|e| dispatch_of(e).is_some_and(|(at, _)| at >= since))
                .cloned()
                .collect();
            let ids: std::collections::BTreeSet<u64> = st.events.events.keys().copied().collect();
            (ev, ids)
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
        let mut older = true;
        for body in store.archived_events(engine.county(), chunk).await? {
            match crate::archive::decode(&body) {
                Ok(a) => {
                    if a.event.created_ms >= since - REPORTED_BEFORE_MS {
                        older = false;
                    }
                    events.push(a.event);
                }
                Err(e) => tracing::warn!(error = %e, "skipping an unreadable archived event"),
            }
        }
        // Ids grow with time: once a whole chunk was reported well before the window, the
        // rest is older still.
        if older {
            break;
        }
    }
    Ok(tally(events.iter(), since))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday_in_china() {
        // 2026-11-30 is a Monday; 00:00 CST is 2026-11-29 16:00 UTC.
        let monday = 1_795_968_000_000; // 2026-11-29T16:00:00Z
        assert_eq!(week_start(monday), monday);
        assert_eq!(week_start(monday + 6 * DAY_MS + 3_600_000), monday);
        assert_eq!(week_start(monday - 1), monday - 7 * DAY_MS);
    }
}
