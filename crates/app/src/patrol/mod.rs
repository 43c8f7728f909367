//! Grid patrol use cases: a grid worker's patrol steps (start, track batches received once,
//! findings that become events, end), a township's weekly minutes, the rules; and what each
//! viewer may read: the board, the weekly analysis, the monthly summary and a patrol's track.

mod commands;
mod views;

pub use commands::{PointsReply, StepReply};
pub use views::{PatrolScope, PatrolSummary, TownshipMonth};

use std::collections::BTreeSet;
use tiaokuai_core::access::{covers_county, Principal};
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::CountyState;

/// Whose patrols `who` may read: the county's, some townships', or only their own.
pub fn scope(s: &CountyState, who: &Principal) -> PatrolScope {
    if who.grants.iter().any(|g| covers_county(g, &s.org)) {
        return PatrolScope::County;
    }
    let towns: BTreeSet<String> = who
        .grants
        .iter()
        .filter(|g| {
            matches!(
                g.role,
                RoleKind::TownshipOperator | RoleKind::TownshipLeader | RoleKind::Leader
            )
        })
        .filter_map(|g| s.org.township_of(&g.unit).map(|t| t.code.clone()))
        .collect();
    if !towns.is_empty() {
        return PatrolScope::Townships(towns);
    }
    if who.grants.iter().any(|g| g.role == RoleKind::GridWorker) {
        return PatrolScope::Own(who.username.clone());
    }
    PatrolScope::None
}
