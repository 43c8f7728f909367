//! Tiaokuai's domain core: the organisation of a county (条 and 块), roles and access rules,
//! and the transitions recorded in the log with the rules that decide them.
//!
//! Nothing here does I/O or reads the clock: storage, time and transport belong to other layers.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod access;
pub mod admission;
pub mod assess;
pub mod calendar;
pub mod categories;
pub mod delegation;
pub mod error;
pub mod events;
pub mod lists;
pub mod org;
pub mod patrol;
pub mod public;
pub mod state;
pub mod stats;
pub mod transition;

pub use error::{DomainError, FieldError, Reason};
pub use state::CountyState;
pub use transition::Transition;
