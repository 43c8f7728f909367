use tiaokuai_core::{DomainError, FieldError, Reason};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Store(#[from] tiaokuai_store::StoreError),
    /// The log writer stopped (shutdown in progress).
    #[error("the log writer is not running")]
    WriterGone,
    #[error("{0}")]
    Io(String),
}

impl AppError {
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        AppError::Domain(DomainError::Invalid(errors))
    }
    pub fn forbidden(reason: impl Into<Reason>) -> Self {
        AppError::Domain(DomainError::Forbidden(reason.into()))
    }
}

pub type Result<T> = std::result::Result<T, AppError>;
