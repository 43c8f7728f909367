//! Routing suggestions from report text (issue #10): which list item, unit or domain a new
//! report most likely belongs to, learned from past dispatches.
//!
//! Pure: no I/O, no async. [`Router::train`] fits a multinomial logistic regression (linfa) on
//! TF-IDF vectors of jieba words and character n-grams; [`Model::suggest`] ranks the labels
//! with probabilities and the terms that weighed most for each.

#![deny(clippy::unwrap_used, clippy::expect_used)]

mod eval;
mod features;
mod model;

pub use eval::{cross_validate, evaluate, stratified_folds, ClassRecall, EvalReport};
pub use features::{for_each_term, TermOptions, MAX_CHARS};
pub use model::{Model, Router};

/// One ranked label.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub label: String,
    /// Probability in [0, 1]; the scores of all labels sum to 1.
    pub score: f32,
    /// The words of the text that pointed most towards this label, strongest first.
    pub reason_terms: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RouteError {
    #[error("no training examples")]
    NoExamples,
    #[error("training example {0} has an empty label")]
    EmptyLabel(usize),
    #[error("the learner failed: {0}")]
    Learner(String),
    #[error("cross-validation needs at least 2 folds and at least as many examples (got {folds} folds, {examples} examples)")]
    Folds { folds: usize, examples: usize },
}

#[cfg(test)]
mod tests;
