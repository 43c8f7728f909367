//! The transition period of a delegated power (承接过渡期): for a year after delegation the
//! township does the work while the department stays responsible ("工作在镇街、责任在部门",
//! 大安). Stated here once; the event rules and the pages ask these functions.

use crate::lists::{Item, ListKind};
use crate::state::OrgState;

/// The townships that received a delegated power (its supporting units that are townships).
pub fn receivers<'a>(org: &'a OrgState, item: &'a Item) -> impl Iterator<Item = &'a str> + 'a {
    item.supporting
        .iter()
        .filter(move |u| org.unit(u).is_some_and(|u| u.kind.is_township()))
        .map(String::as_str)
}

/// Whether `item` is a delegated power still in its transition period on `date`
/// (`YYYY-MM-DD`; the end date itself is inside the period).
pub fn in_transition(item: &Item, date: &str) -> bool {
    item.kind == ListKind::Delegated
        && !item.transition_end.is_empty()
        && date <= item.transition_end.as_str()
}

/// The department that stays responsible when `unit` returns work on `item` for `township`
/// on `date`: `Some(until)` when the return must be refused because the power was delegated
/// to that township, is still in transition, and `unit` is the department that delegated it.
pub fn return_refused_until<'a>(
    org: &OrgState,
    item: &'a Item,
    township: Option<&str>,
    unit: &str,
    date: &str,
) -> Option<&'a str> {
    let t = township?;
    (in_transition(item, date)
        && item.primary.iter().any(|p| p == unit)
        && receivers(org, item).any(|r| r == t))
    .then_some(item.transition_end.as_str())
}
