//! Patrol rules: how often each class of grid is patrolled (日巡查 in a town, less often in
//! the countryside), and which grids are overdue.

use crate::error::{FieldError, PatrolReason as P};
use crate::org::{Grid, GridKind, UnitKind};
use crate::state::OrgState;
use serde::{Deserialize, Serialize};

/// The classes of grid a rule is set for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GridClass {
    /// 综合网格 in an urban community (社区).
    Community,
    /// 综合网格 in a village (村).
    Village,
    /// 专属网格 (market, school, park …).
    Special,
}

impl GridClass {
    pub const ALL: [GridClass; 3] = [GridClass::Community, GridClass::Village, GridClass::Special];

    pub fn as_str(self) -> &'static str {
        match self {
            GridClass::Community => "community",
            GridClass::Village => "village",
            GridClass::Special => "special",
        }
    }

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (GridClass::Community, true) => "社区综合网格",
            (GridClass::Community, false) => "Community grid",
            (GridClass::Village, true) => "村综合网格",
            (GridClass::Village, false) => "Village grid",
            (GridClass::Special, true) => "专属网格",
            (GridClass::Special, false) => "Special grid",
        }
    }

    pub fn of(org: &OrgState, g: &Grid) -> GridClass {
        if g.kind == GridKind::Special {
            return GridClass::Special;
        }
        match org.unit(&g.village).map(|u| u.kind) {
            Some(UnitKind::Community) => GridClass::Community,
            _ => GridClass::Village,
        }
    }
}

/// Every how many days each class of grid must be patrolled at least once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatrolRules {
    pub community_days: u32,
    pub village_days: u32,
    pub special_days: u32,
}

impl Default for PatrolRules {
    /// 日巡查 in communities, every two days in villages, weekly in special grids.
    fn default() -> Self {
        PatrolRules {
            community_days: 1,
            village_days: 2,
            special_days: 7,
        }
    }
}

impl PatrolRules {
    pub fn days(&self, c: GridClass) -> u32 {
        match c {
            GridClass::Community => self.community_days,
            GridClass::Village => self.village_days,
            GridClass::Special => self.special_days,
        }
    }

    pub fn problems(&self) -> Vec<FieldError> {
        GridClass::ALL
            .into_iter()
            .filter(|c| !(1..=90).contains(&self.days(*c)))
            .map(|c| FieldError::new("", format!("{}_days", c.as_str()), P::Interval))
            .collect()
    }
}

const DAY_MS: i64 = 86_400_000;

/// Whether a grid last patrolled at `last_ms` (never: `None`) is overdue at `now_ms`: more
/// than its interval of days has passed since the last patrol began.
pub fn overdue(days: u32, last_ms: Option<i64>, now_ms: i64) -> bool {
    match last_ms {
        None => true,
        Some(t) => now_ms - t > i64::from(days) * DAY_MS,
    }
}
