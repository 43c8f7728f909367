//! One error type for the domain, with stable codes shared by API, pages and CLI.

use serde::Serialize;

/// A problem with one field of one record: "what and where".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Where: e.g. `units.csv row 12` or a request field path.
    pub location: String,
    /// The field (column header or JSON field).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(
        location: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        FieldError {
            location: location.into(),
            field: field.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.field, self.message)
        } else {
            write!(f, "{}, {}: {}", self.location, self.field, self.message)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// 422: input fails validation; every problem is listed.
    #[error("invalid input: {}", join(.0))]
    Invalid(Vec<FieldError>),
    /// 404: the named thing does not exist.
    #[error("{kind} not found: {id}")]
    NotFound { kind: &'static str, id: String },
    /// 403: the actor's roles do not allow this.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// 409: the state changed, or the action does not fit the current state.
    #[error("conflict: {0}")]
    Conflict(String),
}

fn join(v: &[FieldError]) -> String {
    v.iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

impl DomainError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        DomainError::Invalid(vec![FieldError::new("", field, message)])
    }

    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Invalid(_) => "invalid",
            DomainError::NotFound { .. } => "not_found",
            DomainError::Forbidden(_) => "forbidden",
            DomainError::Conflict(_) => "conflict",
        }
    }
}
