//! The 乡呼县应 / 一件事 workflow: events, their hops (assignments), the checks that guard every
//! transition, and the fold that derives statuses and working-time deadlines from the log.

mod apply;
pub mod archive;
pub mod book;
pub mod check;
pub mod cmd;
pub mod config;
mod guards;
mod hops;
mod kinds;
pub mod model;
pub mod scope;
pub mod township;
pub mod who;
pub mod work;

pub use archive::ArchivedEvent;
pub use book::{EventBook, Flag, PublicFeedback};
pub use check::Ctx;
pub use cmd::{EventCmd, ReminderKind, ReturnDecision};
pub use config::{ItemLimits, LimitSet, Scale, StepLabels, WarnPercent, WorkflowConfig};
pub use model::*;

#[cfg(test)]
mod tests;
