//! Assessment (履职考评): versioned schemes, scoring with a per-point explanation, appeals
//! against single deductions, and closed periods whose results no later change alters.

pub mod book;
pub mod scheme;
pub mod score;
#[cfg(test)]
mod tests;

pub use book::{AppealRecord, AssessmentBook, AssessmentCmd, ClosedPeriod};
pub use scheme::{Evaluators, Indicator, Rule, Scheme, Source, Subject};
pub use score::{
    event_subject, hop_subject, score, subject_units, Band, IndicatorResult, Inputs, Line,
    ManualScore, UnitResult,
};
