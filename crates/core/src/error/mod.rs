//! One error type for the domain, with stable codes shared by API, pages and CLI. Every
//! refusal carries a [`Reason`]: a code with parameters and its zh and en text.

pub mod admission;
pub(crate) mod catalogue;
pub mod data;
pub mod delegation;
pub mod events;
pub mod import;
pub mod org;
pub mod patrol;
mod reason;

pub use admission::AdmissionReason;
pub use data::{AssessReason, DataReason};
pub use delegation::DelegationReason;
pub use events::EventReason;
pub use import::ImportReason;
pub use org::{FieldReason, ListReason, OrgReason};
pub use patrol::PatrolReason;
pub use reason::Reason;

use serde::ser::SerializeStruct;
use serde::Serialize;

/// A problem with one field of one record: "what and where".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Where: e.g. `units.csv row 12` or a request field path.
    pub location: String,
    /// The field (column header or JSON field).
    pub field: String,
    pub reason: Reason,
}

impl FieldError {
    pub fn new(
        location: impl Into<String>,
        field: impl Into<String>,
        reason: impl Into<Reason>,
    ) -> Self {
        FieldError {
            location: location.into(),
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The English text of the reason.
    pub fn message(&self) -> String {
        self.reason.en()
    }
}

/// `{location, field, code, message (en), message_zh}`: `message` keeps its English text for
/// existing clients; `code` and `message_zh` come from the reason.
impl Serialize for FieldError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("FieldError", 5)?;
        st.serialize_field("location", &self.location)?;
        st.serialize_field("field", &self.field)?;
        st.serialize_field("code", self.reason.code())?;
        st.serialize_field("message", &self.reason.en())?;
        st.serialize_field("message_zh", &self.reason.zh())?;
        st.end()
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.field, self.reason)
        } else {
            write!(f, "{}, {}: {}", self.location, self.field, self.reason)
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
    Forbidden(Reason),
    /// 409: the state changed, or the action does not fit the current state.
    #[error("conflict: {0}")]
    Conflict(Reason),
}

fn join(v: &[FieldError]) -> String {
    v.iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

impl DomainError {
    pub fn invalid(field: &str, reason: impl Into<Reason>) -> Self {
        DomainError::Invalid(vec![FieldError::new("", field, reason)])
    }

    pub fn forbidden(reason: impl Into<Reason>) -> Self {
        DomainError::Forbidden(reason.into())
    }

    pub fn conflict(reason: impl Into<Reason>) -> Self {
        DomainError::Conflict(reason.into())
    }

    /// Stable machine-readable class: invalid, not_found, forbidden, conflict.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Invalid(_) => "invalid",
            DomainError::NotFound { .. } => "not_found",
            DomainError::Forbidden(_) => "forbidden",
            DomainError::Conflict(_) => "conflict",
        }
    }

    /// Every problem as a field error: a refusal other than invalid input becomes one entry
    /// without a field.
    pub fn into_field_errors(self) -> Vec<FieldError> {
        match self {
            DomainError::Invalid(v) => v,
            DomainError::NotFound { kind, id } => vec![FieldError::new(
                "",
                "",
                FieldReason::NotFound {
                    kind: kind.into(),
                    id,
                },
            )],
            DomainError::Forbidden(r) | DomainError::Conflict(r) => {
                vec![FieldError::new("", "", r)]
            }
        }
    }

    /// The reason of a refusal (the first one of invalid input).
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            DomainError::Invalid(v) => v.first().map(|f| &f.reason),
            DomainError::NotFound { .. } => None,
            DomainError::Forbidden(r) | DomainError::Conflict(r) => Some(r),
        }
    }
}
