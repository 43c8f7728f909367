//! Grid patrol (网格巡查): 日巡查、周分析、月汇总. A grid worker patrols their own grid with a
//! GPS track sent in batches (offline batches sync later, each received once), records
//! findings that may become events (巡办分离: the patroller reports, others handle); townships
//! analyse each week with minutes; rules say how often each class of grid is patrolled.

pub mod analysis;
pub mod book;
pub mod rules;
#[cfg(test)]
mod tests;
pub mod track;

pub use analysis::{analyse, overdue_grids, Analysis, EventLink, FindingRow, GridRow, Spot};
pub use book::{
    parse_week, week_of, Finding, MinutesRecord, PatrolBook, PatrolCmd, PatrolCtx, PatrolRecord,
};
pub use rules::{GridClass, PatrolRules};
pub use track::{Dropped, Point};
