//! Admission (准入): departments and townships apply to hand townships a task; townships give
//! written opinions, 编办 and 司法局 review, the county approves with a document number, and
//! the task enters the admitted catalogue until it expires or is withdrawn. Tasks handed to
//! townships (交办事项) cite a catalogue entry; a township may refuse one that does not.

pub mod application;
pub mod book;
pub mod flow;
pub mod handover;
#[cfg(test)]
mod tests;

pub use application::{parse_date, working_days_after, Application};
pub use book::{
    AdmissionBook, AdmissionCmd, AdmissionConfig, AdmissionRecord, Opinion, OpinionState, Review,
    StepRecord,
};
pub use flow::{next_actor, NextActor, Stage};
pub use handover::{Answer, AnswerKind, Handover, HandoverDraft};
