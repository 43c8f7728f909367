use super::UnitKind;
use crate::error::ImportReason;
use serde::{Deserialize, Serialize};

/// The roles people hold. Each grant is scoped to one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleKind {
    GridWorker,
    TownshipOperator,
    TownshipLeader,
    CountyDispatcher,
    DepartmentHandler,
    DepartmentLeader,
    EstablishmentReviewer,
    JusticeReviewer,
    DisciplineInspector,
    Leader,
    SystemAdmin,
}

impl RoleKind {
    pub const ALL: [RoleKind; 11] = [
        RoleKind::GridWorker,
        RoleKind::TownshipOperator,
        RoleKind::TownshipLeader,
        RoleKind::CountyDispatcher,
        RoleKind::DepartmentHandler,
        RoleKind::DepartmentLeader,
        RoleKind::EstablishmentReviewer,
        RoleKind::JusticeReviewer,
        RoleKind::DisciplineInspector,
        RoleKind::Leader,
        RoleKind::SystemAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RoleKind::GridWorker => "grid_worker",
            RoleKind::TownshipOperator => "township_operator",
            RoleKind::TownshipLeader => "township_leader",
            RoleKind::CountyDispatcher => "county_dispatcher",
            RoleKind::DepartmentHandler => "department_handler",
            RoleKind::DepartmentLeader => "department_leader",
            RoleKind::EstablishmentReviewer => "establishment_reviewer",
            RoleKind::JusticeReviewer => "justice_reviewer",
            RoleKind::DisciplineInspector => "discipline_inspector",
            RoleKind::Leader => "leader",
            RoleKind::SystemAdmin => "system_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        RoleKind::ALL
            .into_iter()
            .find(|r| r.as_str() == s || r.label_zh() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            RoleKind::GridWorker => "网格员",
            RoleKind::TownshipOperator => "乡镇指挥室操作员",
            RoleKind::TownshipLeader => "乡镇领导",
            RoleKind::CountyDispatcher => "县指挥中心调度员",
            RoleKind::DepartmentHandler => "部门经办人",
            RoleKind::DepartmentLeader => "部门领导",
            RoleKind::EstablishmentReviewer => "编办审核员",
            RoleKind::JusticeReviewer => "司法审核员",
            RoleKind::DisciplineInspector => "纪检监察员",
            RoleKind::Leader => "县领导",
            RoleKind::SystemAdmin => "系统管理员",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            RoleKind::GridWorker => "Grid worker",
            RoleKind::TownshipOperator => "Township operator",
            RoleKind::TownshipLeader => "Township leader",
            RoleKind::CountyDispatcher => "County dispatcher",
            RoleKind::DepartmentHandler => "Department handler",
            RoleKind::DepartmentLeader => "Department leader",
            RoleKind::EstablishmentReviewer => "Establishment office reviewer",
            RoleKind::JusticeReviewer => "Justice bureau reviewer",
            RoleKind::DisciplineInspector => "Discipline inspector",
            RoleKind::Leader => "Leader",
            RoleKind::SystemAdmin => "System administrator",
        }
    }

    /// The kinds of unit a grant of this role may be scoped to.
    pub fn scope_kinds(self) -> &'static [UnitKind] {
        use UnitKind::*;
        match self {
            RoleKind::GridWorker => &[Village, Community],
            RoleKind::TownshipOperator | RoleKind::TownshipLeader => {
                &[Town, Subdistrict, TownshipCommandRoom]
            }
            RoleKind::CountyDispatcher => &[CountyCommandCentre],
            RoleKind::DepartmentHandler => &[Department, Division, StationedUnit],
            RoleKind::DepartmentLeader => &[Department, StationedUnit],
            RoleKind::EstablishmentReviewer
            | RoleKind::JusticeReviewer
            | RoleKind::DisciplineInspector => &[Department],
            RoleKind::Leader => &[County, Town, Subdistrict],
            RoleKind::SystemAdmin => &[County],
        }
    }

    /// County-wide roles see every unit's people and contact details.
    pub fn is_county_wide(self) -> bool {
        matches!(
            self,
            RoleKind::CountyDispatcher
                | RoleKind::EstablishmentReviewer
                | RoleKind::JusticeReviewer
                | RoleKind::DisciplineInspector
                | RoleKind::SystemAdmin
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RoleGrant {
    pub role: RoleKind,
    pub unit: String,
}

impl RoleGrant {
    /// Parses `role@UNIT` (role by code name or Chinese label).
    pub fn parse(s: &str) -> Result<Self, ImportReason> {
        let (r, u) = s.split_once('@').ok_or_else(|| ImportReason::GrantShape {
            value: s.to_string(),
        })?;
        let role = RoleKind::parse(r).ok_or_else(|| ImportReason::UnknownRole {
            value: r.trim().to_string(),
        })?;
        Ok(RoleGrant {
            role,
            unit: u.trim().to_string(),
        })
    }
}

impl std::fmt::Display for RoleGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.role.as_str(), self.unit)
    }
}
