//! The list changes an order or a recall proposes, as list adjustment applications carry them:
//! an order adds the township to a delegated power's receivers (or delegates a power-list item
//! for the first time); a recall removes townships, or cancels the power when none is left.

use super::rule;
use crate::lists::{AdjustmentKind, Catalogue, Item, ListKind};
use crate::state::OrgState;

/// (kind, item id the application is about, the item as proposed) for `township` ordering
/// `item_id`; `None` when the item is neither delegated nor a power.
pub fn order_change(
    lists: &Catalogue,
    item_id: &str,
    township: &str,
) -> Option<(AdjustmentKind, String, Option<Item>)> {
    let it = lists.item_at(item_id, lists.latest())?;
    match it.kind {
        ListKind::Delegated => {
            let mut p = it.clone();
            if !p.supporting.iter().any(|s| s == township) {
                p.supporting.push(township.to_string());
            }
            Some((AdjustmentKind::ChangeParties, it.id.clone(), Some(p)))
        }
        ListKind::Power => {
            let number = next_number(lists);
            let id = Item::make_id(ListKind::Delegated, &number);
            let p = Item {
                id: id.clone(),
                kind: ListKind::Delegated,
                number,
                name: it.name.clone(),
                domain: it.domain.clone(),
                primary: it.primary.clone(),
                supporting: vec![township.to_string()],
                legal_basis: it.legal_basis.clone(),
                power_type: it.power_type.clone(),
                ..Default::default()
            };
            Some((AdjustmentKind::Add, id, Some(p)))
        }
        _ => None,
    }
}

/// The next free number in the delegated list (numbers are 1, 2, …).
fn next_number(lists: &Catalogue) -> String {
    let max = lists
        .items_at(lists.latest())
        .filter(|i| i.kind == ListKind::Delegated)
        .filter_map(|i| i.number.trim().parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    (max + 1).to_string()
}

/// The change that takes `item` back from `townships`.
pub fn recall_change(
    org: &OrgState,
    item: &Item,
    townships: &[String],
) -> (AdjustmentKind, Option<Item>) {
    let left: Vec<&str> = rule::receivers(org, item)
        .filter(|t| !townships.iter().any(|x| x == t))
        .collect();
    if left.is_empty() {
        return (AdjustmentKind::Cancel, None);
    }
    let mut p = item.clone();
    p.supporting.retain(|s| !townships.iter().any(|x| x == s));
    (AdjustmentKind::ChangeParties, Some(p))
}
