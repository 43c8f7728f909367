//! The one rule of who may read an event, as data: each role grant reads a [`GrantScope`],
//! and a principal reads an event when any of their grants' scopes matches it. The same data
//! is checked in memory ([`GrantScope::matches`]) and translated into SQL by the store's event
//! list, so the rule is stated once.

use super::model::Event;
use super::who::effective_unit;
use crate::access::{covers_county, Principal};
use crate::org::{RoleGrant, RoleKind};
use crate::state::OrgState;

/// What one role grant may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantScope {
    /// Every event of the county (county-wide roles, county leaders).
    All,
    /// A township's events (or, for a leader granted elsewhere, that unit's): events it called,
    /// located in it, or reported from a unit within it; with `receivers_too`, also events of
    /// which it received a hop (its staff, not its leaders).
    Township {
        township: String,
        /// `township` and every unit within it (`OrgState::is_within`), sorted.
        units_within: Vec<String>,
        receivers_too: bool,
    },
    /// A grid worker: the events they reported and those located in their village.
    GridWorker { username: String, village: String },
    /// A department's desk: the events of which a unit among `units` (the granted unit and
    /// every unit within it, sorted) received or sent a hop.
    Units { units: Vec<String> },
}

/// `unit` and every known unit within it (`OrgState::is_within`), sorted and deduplicated. A
/// unit the organisation does not know is within `unit` only when it is `unit`, so this set
/// answers `is_within(x, unit)` for every `x`.
pub fn units_within(org: &OrgState, unit: &str) -> Vec<String> {
    let mut v: Vec<String> = org
        .units
        .keys()
        .filter(|u| org.is_within(u, unit))
        .cloned()
        .collect();
    v.push(unit.to_string());
    v.sort();
    v.dedup();
    v
}

/// What one grant of `username` may read; `None` for a grant that reads no event.
pub fn grant_scope(
    org: &OrgState,
    username: &str,
    role: RoleKind,
    unit: &str,
) -> Option<GrantScope> {
    let grant = RoleGrant {
        role,
        unit: unit.to_string(),
    };
    if covers_county(&grant, org) {
        return Some(GrantScope::All);
    }
    match role {
        RoleKind::Leader => Some(GrantScope::Township {
            township: unit.to_string(),
            units_within: units_within(org, unit),
            receivers_too: false,
        }),
        RoleKind::TownshipOperator | RoleKind::TownshipLeader => {
            let t = effective_unit(org, role, unit);
            Some(GrantScope::Township {
                units_within: units_within(org, &t),
                township: t,
                receivers_too: true,
            })
        }
        RoleKind::GridWorker => Some(GrantScope::GridWorker {
            username: username.to_string(),
            village: unit.to_string(),
        }),
        RoleKind::DepartmentHandler | RoleKind::DepartmentLeader => Some(GrantScope::Units {
            units: units_within(org, unit),
        }),
        _ => None,
    }
}

/// The scopes of every grant of the principal. Empty: the principal reads no event. A scope
/// list containing [`GrantScope::All`] is reduced to just that.
pub fn read_scope(org: &OrgState, p: &Principal) -> Vec<GrantScope> {
    let mut v: Vec<GrantScope> = Vec::new();
    for g in &p.grants {
        if let Some(s) = grant_scope(org, &p.username, g.role, &g.unit) {
            if s == GrantScope::All {
                return vec![GrantScope::All];
            }
            if !v.contains(&s) {
                v.push(s);
            }
        }
    }
    v
}

/// Whether any of the scopes matches the event (see [`read_scope`]).
pub fn sees(scopes: &[GrantScope], e: &Event) -> bool {
    scopes.iter().any(|s| s.matches(e))
}

fn has(sorted: &[String], x: &str) -> bool {
    sorted.binary_search_by(|u| u.as_str().cmp(x)).is_ok()
}

impl GrantScope {
    /// Whether this scope reads the event.
    pub fn matches(&self, e: &Event) -> bool {
        match self {
            GrantScope::All => true,
            GrantScope::Township {
                township,
                units_within,
                receivers_too,
            } => {
                e.caller_unit == *township
                    || e.facts.location.township.as_deref() == Some(township.as_str())
                    || has(units_within, &e.origin_unit)
                    || (*receivers_too && e.receivers().any(|r| r == township))
            }
            GrantScope::GridWorker { username, village } => {
                e.reporter == *username
                    || e.facts.location.village.as_deref() == Some(village.as_str())
            }
            GrantScope::Units { units } => e
                .receivers()
                .chain(e.assignments.iter().map(|a| a.sender_unit.as_str()))
                .any(|r| has(units, r)),
        }
    }
}
