//! Responsibility lists (清单): items of every kind, immutable versions, and the adjustment
//! workflow that is the only way to change them after the first import.

pub mod adjustment;
pub mod catalogue;
pub mod item;

pub use adjustment::{
    Action, Adjustment, AdjustmentKind, AdjustmentStatus, Application, ReviewStage, Step,
};
pub use catalogue::{valid_date, Catalogue, ItemDiff, VersionMeta};
pub use item::{normalise_power_type, FlowType, Item, ListKind, TimeLimits};
