//! Who may see and do what. Pages and API handlers ask these questions; they never decide
//! access on their own.

use crate::org::{RoleGrant, RoleKind, UnitKind};
use crate::state::OrgState;

/// Whether a grant covers the whole county: a county-wide role (command centre, 编办, 司法局,
/// 纪委, system administration), or a leader granted on the county itself. A leader granted on
/// a township covers that township only.
pub fn covers_county(g: &RoleGrant, org: &OrgState) -> bool {
    g.role.is_county_wide()
        || (g.role == RoleKind::Leader
            && org
                .unit(&g.unit)
                .is_some_and(|u| matches!(u.kind, UnitKind::County | UnitKind::City)))
}

/// The logged-in person, with their grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub username: String,
    pub name: String,
    pub unit: String,
    pub grants: Vec<RoleGrant>,
}

/// Areas of the product that are restricted by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// The organisation browser (units, grids); any staff member.
    Organisation,
    /// People and role administration.
    Administration,
}

impl Principal {
    pub fn has(&self, role: RoleKind) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    pub fn roles(&self) -> Vec<RoleKind> {
        let mut v: Vec<RoleKind> = self.grants.iter().map(|g| g.role).collect();
        v.sort();
        v.dedup();
        v
    }

    pub fn may_enter(&self, area: Area) -> bool {
        match area {
            Area::Organisation => !self.grants.is_empty(),
            Area::Administration => self.has(RoleKind::SystemAdmin),
        }
    }

    /// A leader of the whole county (approves list adjustments, audits the log).
    pub fn is_county_leader(&self, org: &OrgState) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == RoleKind::Leader && covers_county(g, org))
    }

    /// Whether this principal may read the raw log (every entry of every event): system
    /// administrators, discipline inspectors and county leaders.
    pub fn may_audit_log(&self, org: &OrgState) -> bool {
        self.has(RoleKind::SystemAdmin)
            || self.has(RoleKind::DisciplineInspector)
            || self.is_county_leader(org)
    }

    /// Whether this principal may see personal details (phone numbers) of people in `unit`:
    /// grants covering the county see everyone; everyone else sees their own scope units'
    /// subtrees.
    pub fn may_see_contacts_in(&self, unit: &str, org: &OrgState) -> bool {
        self.grants
            .iter()
            .any(|g| covers_county(g, org) || org.is_within(unit, &self.scope_root(g, org)))
    }

    /// The unit whose subtree a grant covers. Township roles cover their whole township even when
    /// scoped to the command room.
    fn scope_root(&self, g: &RoleGrant, org: &OrgState) -> String {
        match g.role {
            RoleKind::TownshipOperator | RoleKind::TownshipLeader => org
                .township_of(&g.unit)
                .map(|t| t.code.clone())
                .unwrap_or_else(|| g.unit.clone()),
            _ => g.unit.clone(),
        }
    }
}
