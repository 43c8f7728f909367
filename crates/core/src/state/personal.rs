//! Erasure of a person's personal data (个人信息保护法). The log keeps the fact that a person
//! was erased; their name, phone and password hash read as [`ERASED`] from then on, and the
//! account can never log in again.

use super::OrgState;
use crate::error::{DomainError, FieldError};
use crate::org::ERASED;

impl OrgState {
    /// A person may be erased once, if they exist.
    pub(super) fn check_erase(&self, username: &str) -> Result<(), DomainError> {
        match self.people.get(username) {
            None => Err(DomainError::NotFound {
                kind: "person",
                id: username.to_string(),
            }),
            Some(r) if r.erased => Err(DomainError::Conflict(format!(
                "the personal data of '{username}' was already erased"
            ))),
            Some(_) => Ok(()),
        }
    }

    /// An erased person's record cannot be changed again (a new account needs a new username),
    /// and no one else may take the erased marker as their name or phone.
    pub(super) fn check_not_erased(&self, username: &str) -> Result<(), DomainError> {
        match self.people.get(username) {
            Some(r) if r.erased => Err(DomainError::Conflict(format!(
                "the personal data of '{username}' was erased; the account cannot be changed \
                 (create a person with another username)"
            ))),
            _ => Ok(()),
        }
    }

    pub(super) fn apply_erase(&mut self, username: &str) {
        if let Some(r) = self.people.get_mut(username) {
            r.person.name = ERASED.to_string();
            r.person.phone = ERASED.to_string();
            r.person.active = false;
            r.password_hash = None;
            r.grants.clear();
            r.erased = true;
        }
    }
}

/// A field error when a name equals the erased marker (a phone cannot: it must be digits).
pub(super) fn reserved_marker(name: &str) -> Option<FieldError> {
    (name.trim() == ERASED).then(|| {
        FieldError::new(
            "",
            "name",
            format!("'{ERASED}' is reserved for erased people"),
        )
    })
}
