//! Who may act for which unit in the workflow, and who may see an event. The checks in
//! `check.rs` and the pages both ask these questions.

use super::model::{Event, Party};
use crate::access::Principal;
use crate::org::{RoleKind, UnitKind};
use crate::state::OrgState;

/// The scheduler's pseudo-user: issues reminders and escalations on time.
pub const SYSTEM_SCHEDULER: &str = "system:scheduler";

pub fn is_system(by: &Party) -> bool {
    by.username.starts_with("system:")
}

/// The person exists, is active and holds the grant they claim.
pub fn holds_grant(org: &OrgState, by: &Party) -> bool {
    org.people.get(&by.username).is_some_and(|p| {
        p.person.active
            && p.grants
                .iter()
                .any(|g| g.role == by.role && g.unit == by.unit)
    })
}

/// The unit a grant effectively speaks for: township roles granted on a command room speak
/// for its township.
pub fn effective_unit(org: &OrgState, role: RoleKind, unit: &str) -> String {
    match role {
        RoleKind::TownshipOperator | RoleKind::TownshipLeader => org
            .township_of(unit)
            .map(|t| t.code.clone())
            .unwrap_or_else(|| unit.to_string()),
        _ => unit.to_string(),
    }
}

const STAFF: [RoleKind; 5] = [
    RoleKind::TownshipOperator,
    RoleKind::TownshipLeader,
    RoleKind::CountyDispatcher,
    RoleKind::DepartmentHandler,
    RoleKind::DepartmentLeader,
];

/// `by` works for `unit` (its own unit, or a unit above it such as a department over its
/// division) in a desk role.
pub fn is_staff_of(org: &OrgState, by: &Party, unit: &str) -> bool {
    if !STAFF.contains(&by.role) || !holds_grant(org, by) {
        return false;
    }
    let eff = effective_unit(org, by.role, &by.unit);
    eff == unit || org.is_within(unit, &eff)
}

/// The role fits the kind of unit it acts for (a township role for a township...).
pub fn role_fits(org: &OrgState, role: RoleKind, unit: &str) -> bool {
    let Some(u) = org.unit(unit) else {
        return false;
    };
    match role {
        RoleKind::TownshipOperator | RoleKind::TownshipLeader => u.kind.is_township(),
        RoleKind::CountyDispatcher => u.kind == UnitKind::CountyCommandCentre,
        RoleKind::DepartmentHandler | RoleKind::DepartmentLeader => matches!(
            u.kind,
            UnitKind::Department | UnitKind::Division | UnitKind::StationedUnit
        ),
        _ => false,
    }
}

/// A unit that may receive a hop.
pub fn may_receive(org: &OrgState, unit: &str) -> bool {
    org.unit(unit).is_some_and(|u| {
        matches!(
            u.kind,
            UnitKind::Department
                | UnitKind::Division
                | UnitKind::StationedUnit
                | UnitKind::Town
                | UnitKind::Subdistrict
        )
    })
}

/// The township a party reports in: a grid worker's or township's own; `None` for the county
/// command centre, which reports anywhere.
pub fn reporting_township(org: &OrgState, by: &Party) -> Option<String> {
    match by.role {
        RoleKind::CountyDispatcher => None,
        RoleKind::GridWorker => Some(
            org.township_of(&by.unit)
                .map(|t| t.code.clone())
                .unwrap_or_else(|| by.unit.clone()),
        ),
        r => Some(effective_unit(org, r, &by.unit)),
    }
}

/// The townships a report's location names, by field: the township itself, the village's and
/// the grid's (`None` for a known unit outside every township). Unknown codes are left out:
/// the report's validation names them.
pub fn location_townships<'a>(
    org: &'a OrgState,
    l: &'a super::model::Location,
) -> Vec<(&'static str, &'a str, Option<&'a str>)> {
    let of = |u: &str| org.township_of(u).map(|t| t.code.as_str());
    let mut v = Vec::new();
    for (field, code) in [
        ("location.township", l.township.as_deref()),
        ("location.village", l.village.as_deref()),
    ] {
        if let Some(c) = code.filter(|c| org.unit(c).is_some()) {
            v.push((field, c, of(c)));
        }
    }
    if let Some((g, grid)) = l
        .grid
        .as_deref()
        .and_then(|g| org.grids.get(g).map(|grid| (g, grid)))
    {
        v.push(("location.grid", g, of(&grid.village)));
    }
    v
}

pub fn has_role(org: &OrgState, by: &Party, role: RoleKind) -> bool {
    by.role == role && holds_grant(org, by)
}

/// Whether a principal may see an event: whether any of their grants' read scopes matches it
/// (`scope::read_scope`). To check many events, compute the scope once and use `scope::sees`.
pub fn may_see(p: &Principal, org: &OrgState, e: &Event) -> bool {
    p.grants
        .iter()
        .any(|g| grant_sees(org, &p.username, g.role, &g.unit, e))
}

/// Whether `by`, in the grant it acts in, may see the event. Every command on an event asks
/// this first: a party that may not read an event learns nothing about it, not even its
/// status (`EventBook::check` answers as for an event that does not exist).
pub fn party_sees(org: &OrgState, by: &Party, e: &Event) -> bool {
    is_system(by) || grant_sees(org, &by.username, by.role, &by.unit, e)
}

/// The one rule of reading an event, per grant, stated as data in `scope::grant_scope`:
/// grants covering the county (county-wide roles, county leaders) see all; a township's staff
/// and leaders see their township's events and (staff) the hops sent to the township; grid
/// workers their village's and their own; departments the events they received or sent a hop
/// of.
fn grant_sees(org: &OrgState, username: &str, role: RoleKind, unit: &str, e: &Event) -> bool {
    super::scope::grant_scope(org, username, role, unit).is_some_and(|s| s.matches(e))
}
