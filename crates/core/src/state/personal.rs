//! Erasure of a person's personal data (个人信息保护法). The log keeps the fact that a person
//! was erased; their name, phone and password hash read as [`ERASED`] from then on, and the
//! account can never log in again.

use super::OrgState;
use crate::error::{DomainError, FieldError, OrgReason};
use crate::org::ERASED;

impl OrgState {
    /// A person may be erased once, if they exist.
    pub(super) fn check_erase(&self, username: &str) -> Result<(), DomainError> {
        match self.people.get(username) {
            None => Err(DomainError::NotFound {
                kind: "person",
                id: username.to_string(),
            }),
            Some(r) if r.erased => Err(DomainError::conflict(OrgReason::AlreadyErased {
                user: username.to_string(),
            })),
            Some(_) => Ok(()),
        }
    }

    /// An erased person's record cannot be changed again (a new account needs a new username),
    /// and no one else may take the erased marker as their name or phone.
    pub(super) fn check_not_erased(&self, username: &str) -> Result<(), DomainError> {
        match self.people.get(username) {
            Some(r) if r.erased => Err(DomainError::conflict(OrgReason::ErasedAccount {
                user: username.to_string(),
            })),
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
            OrgReason::ReservedName {
                marker: ERASED.to_string(),
            },
        )
    })
}
