//! Usage of delegated powers (办件量): cases per power and receiving township over a window,
//! with the powers nobody used flagged ("没有实际办件的事项", 大安). The counts come from the
//! statistics cube (events citing the power, by the township they lie in); this module only
//! lays them against the delegated list.

use super::rule;
use crate::lists::{Catalogue, ListKind};
use crate::state::OrgState;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageRow {
    pub item_id: String,
    pub name: String,
    pub power_type: String,
    /// The department that delegated it (原实施部门).
    pub department: String,
    /// (receiving township, cases in the window).
    pub townships: Vec<(String, u64)>,
    /// Cases in townships that did not receive the power (cited all the same).
    pub elsewhere: u64,
    pub total: u64,
    /// Still in its transition period today.
    pub in_transition: bool,
    pub transition_end: String,
}

impl UsageRow {
    /// No case at all in the window.
    pub fn zero(&self) -> bool {
        self.total == 0
    }

    /// Receiving townships that had no case in the window.
    pub fn idle_townships(&self) -> impl Iterator<Item = &str> {
        self.townships
            .iter()
            .filter(|(_, n)| *n == 0)
            .map(|(t, _)| t.as_str())
    }
}

/// One row per delegated power in the latest list version, in list order. `counts` maps
/// (item id, township code) to the cases in the window; `today` is `YYYY-MM-DD`.
pub fn usage_report(
    org: &OrgState,
    lists: &Catalogue,
    counts: &BTreeMap<(String, String), u64>,
    today: &str,
) -> Vec<UsageRow> {
    lists
        .items_at(lists.latest())
        .filter(|i| i.kind == ListKind::Delegated)
        .map(|i| {
            let townships: Vec<(String, u64)> = rule::receivers(org, i)
                .map(|t| {
                    let n = counts
                        .get(&(i.id.clone(), t.to_string()))
                        .copied()
                        .unwrap_or(0);
                    (t.to_string(), n)
                })
                .collect();
            let all: u64 = counts
                .range((i.id.clone(), String::new())..)
                .take_while(|((id, _), _)| *id == i.id)
                .map(|(_, n)| *n)
                .sum();
            let received: u64 = townships.iter().map(|(_, n)| n).sum();
            UsageRow {
                item_id: i.id.clone(),
                name: i.name.clone(),
                power_type: i.power_type.clone(),
                department: i.primary.first().cloned().unwrap_or_default(),
                townships,
                elsewhere: all - received,
                total: all,
                in_transition: rule::in_transition(i, today),
                transition_end: i.transition_end.clone(),
            }
        })
        .collect()
}
