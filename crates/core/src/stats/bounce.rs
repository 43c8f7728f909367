//! 推诿 and blind spots (职责漏洞排查): return chains such as A→B→A, returns and disputes by
//! list item, items whose returns recur (candidates for a list adjustment), and dispatches
//! that left the list (candidates for new list items).

use super::facts::HopFact;
use crate::events::AssignmentRole;
use serde::Serialize;
use std::collections::BTreeMap;

/// One event's work passed from unit to unit: the receivers of its lead hops in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chain {
    pub event_id: u64,
    pub units: Vec<String>,
    /// The work came back to a unit that had already returned it (A→B→A).
    pub circular: bool,
}

/// Returns and disputes of one list item (or of dispatches citing none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ItemBounce {
    pub item: Option<String>,
    /// Hops citing the item.
    pub hops: u64,
    pub return_requests: u64,
    pub returned: u64,
    pub disputed: u64,
    /// Distinct events with a return request.
    pub events: Vec<u64>,
}

/// Dispatches away from the units the cited item names, grouped by item and receiver.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OffList {
    pub item: Option<String>,
    pub receiver: String,
    pub events: Vec<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BounceReport {
    /// Events whose lead work went through three or more units, or came back (circular first).
    pub chains: Vec<Chain>,
    /// Items by return requests, most first.
    pub items: Vec<ItemBounce>,
    /// Items returned in at least `recurring` different events.
    pub recurring: Vec<ItemBounce>,
    pub off_list: Vec<OffList>,
}

fn leads(role: AssignmentRole) -> bool {
    matches!(role, AssignmentRole::Lead | AssignmentRole::Township)
}

/// The report over the hops a viewer may see; `recurring` is the number of distinct events
/// with returns that makes an item a candidate for adjustment.
pub fn report(hops: &[&HopFact], recurring: usize) -> BounceReport {
    let mut by_event: BTreeMap<u64, Vec<&HopFact>> = BTreeMap::new();
    for h in hops.iter().filter(|h| leads(h.role)) {
        by_event.entry(h.event_id).or_default().push(h);
    }
    let mut chains = vec![];
    for (id, mut hs) in by_event {
        hs.sort_by_key(|h| h.n);
        let mut units: Vec<String> = vec![];
        for h in &hs {
            if units.last() != Some(&h.receiver_unit) {
                units.push(h.receiver_unit.clone());
            }
        }
        let circular = units
            .iter()
            .enumerate()
            .any(|(i, u)| units.iter().skip(i + 2).any(|v| v == u));
        if circular || units.len() >= 3 {
            chains.push(Chain {
                event_id: id,
                units,
                circular,
            });
        }
    }
    chains.sort_by(|a, b| {
        b.circular
            .cmp(&a.circular)
            .then(b.event_id.cmp(&a.event_id))
    });

    let mut items: BTreeMap<Option<String>, ItemBounce> = BTreeMap::new();
    let mut off: BTreeMap<(Option<String>, String), Vec<u64>> = BTreeMap::new();
    for h in hops {
        let e = items
            .entry(h.item_id.clone())
            .or_insert_with(|| ItemBounce {
                item: h.item_id.clone(),
                ..Default::default()
            });
        e.hops += 1;
        e.return_requests += u64::from(h.return_requests);
        e.returned += u64::from(h.returned);
        e.disputed += u64::from(h.disputed);
        if h.return_requests > 0 && !e.events.contains(&h.event_id) {
            e.events.push(h.event_id);
        }
        if h.off_list {
            let v = off
                .entry((h.item_id.clone(), h.receiver_unit.clone()))
                .or_default();
            if !v.contains(&h.event_id) {
                v.push(h.event_id);
            }
        }
    }
    let mut items: Vec<ItemBounce> = items
        .into_values()
        .filter(|i| i.return_requests > 0 || i.disputed > 0)
        .map(|mut i| {
            i.events.sort_unstable();
            i
        })
        .collect();
    items.sort_by(|a, b| {
        b.return_requests
            .cmp(&a.return_requests)
            .then(b.disputed.cmp(&a.disputed))
            .then(a.item.cmp(&b.item))
    });
    let recurring = items
        .iter()
        .filter(|i| i.item.is_some() && i.events.len() >= recurring.max(1))
        .cloned()
        .collect();
    let mut off_list: Vec<OffList> = off
        .into_iter()
        .map(|((item, receiver), mut events)| {
            events.sort_unstable();
            OffList {
                item,
                receiver,
                events,
            }
        })
        .collect();
    // Stable: ties keep the (item, receiver) order of the map.
    off_list.sort_by_key(|o| std::cmp::Reverse(o.events.len()));
    BounceReport {
        chains,
        items,
        recurring,
        off_list,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::AssignmentStatus;
    use crate::stats::tests::{hop, NOV1};

    fn h(id: u64, n: u32, recv: &str, returned: bool, item: &str) -> HopFact {
        let mut x = hop(id, "CC", recv, NOV1);
        x.n = n;
        x.item_id = Some(item.into());
        if returned {
            x.return_requests = 1;
            x.returned = true;
            x.status = AssignmentStatus::Returned;
        }
        x
    }

    #[test]
    fn chains_recurring_items_and_off_list() {
        let mut off = h(4, 1, "D3", false, "I2");
        off.off_list = true;
        let hops = [
            h(1, 1, "D1", true, "I1"),
            h(1, 2, "D2", true, "I1"),
            h(1, 3, "D1", false, "I1"),
            h(2, 1, "D1", true, "I1"),
            h(2, 2, "D2", false, "I1"),
            h(3, 1, "D2", false, "I2"),
            off,
        ];
        let refs: Vec<&HopFact> = hops.iter().collect();
        let r = report(&refs, 2);
        assert_eq!(r.chains.len(), 1);
        assert_eq!(r.chains[0].units, vec!["D1", "D2", "D1"]);
        assert!(r.chains[0].circular);
        assert_eq!(r.items[0].item.as_deref(), Some("I1"));
        assert_eq!((r.items[0].return_requests, r.items[0].returned), (3, 3));
        assert_eq!(r.items[0].events, vec![1, 2]);
        assert_eq!(r.recurring.len(), 1);
        assert_eq!(r.off_list.len(), 1);
        assert_eq!(r.off_list[0].receiver, "D3");
        assert!(report(&refs, 3).recurring.is_empty());
    }
}
