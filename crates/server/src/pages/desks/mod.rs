//! Work desks per role: township command room, county command centre (triage, dispatch,
//! overdue board, map), department desk, 编办 dispute desk, discipline desk; live updates.

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
}

/// Whether the principal has a work desk (any workflow role).
pub fn has_desk(p: &tiaokuai_core::access::Principal) -> bool {
    use tiaokuai_core::org::RoleKind::*;
    p.grants.iter().any(|g| {
        matches!(
            g.role,
            GridWorker
                | TownshipOperator
                | TownshipLeader
                | CountyDispatcher
                | DepartmentHandler
                | DepartmentLeader
                | EstablishmentReviewer
                | DisciplineInspector
                | Leader
        )
    })
}
