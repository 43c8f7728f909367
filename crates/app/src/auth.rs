//! Passwords (argon2id) and the people/role actions of administrators and the CLI.

use crate::engine::{Actor, Engine};
use crate::error::{AppError, Result};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use tiaokuai_core::access::Principal;
use tiaokuai_core::error::ImportReason;
use tiaokuai_core::org::{Person, RoleGrant};
use tiaokuai_core::{DomainError, Transition};

pub const MIN_PASSWORD_CHARS: usize = 8;

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Io(format!("password hashing failed: {e}")))
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A fixed hash checked when the user does not exist, so a login takes as long for a missing
/// account as for a wrong password.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn check_password_rules(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(DomainError::invalid(
            "password",
            ImportReason::PasswordTooShort {
                min: MIN_PASSWORD_CHARS,
            },
        )
        .into());
    }
    Ok(())
}

impl Engine {
    /// Checks a username and password. `Ok(None)` for a wrong pair or an inactive account.
    pub async fn authenticate(&self, username: &str, password: &str) -> Result<Option<Principal>> {
        let row = self.store().person(self.county(), username).await?;
        let hash = row.as_ref().and_then(|r| r.password_hash.clone());
        let ok = match &hash {
            Some(h) => verify_password(password, h),
            None => {
                let dummy = DUMMY_HASH
                    .get_or_init(|| hash_password("not-a-real-password").unwrap_or_default());
                let _ = verify_password(password, dummy);
                false
            }
        };
        match row {
            Some(r) if ok && r.person.active => Ok(Some(self.principal(&r.person).await?)),
            _ => Ok(None),
        }
    }

    /// The principal for a session's username (None when the person is gone or inactive).
    /// The active person with their grants, from the in-memory state (no database read).
    pub async fn principal_of(&self, username: &str) -> Result<Option<Principal>> {
        self.with_state(|s| {
            s.org
                .people
                .get(username)
                .filter(|r| r.person.active)
                .map(|r| Principal {
                    username: r.person.username.clone(),
                    name: r.person.name.clone(),
                    unit: r.person.unit.clone(),
                    grants: r.grants.iter().cloned().collect(),
                })
        })
        .await
    }

    async fn principal(&self, p: &Person) -> Result<Principal> {
        Ok(Principal {
            username: p.username.clone(),
            name: p.name.clone(),
            unit: p.unit.clone(),
            grants: self.store().grants(self.county(), &p.username).await?,
        })
    }

    /// Creates a person (optionally with a password and roles) as one all-or-nothing action.
    pub async fn add_person(
        &self,
        actor: &Actor,
        now_ms: i64,
        person: Person,
        password: Option<&str>,
        grants: Vec<RoleGrant>,
    ) -> Result<Vec<u64>> {
        let exists = self
            .with_state(|s| s.org.people.contains_key(&person.username))
            .await?;
        if exists {
            return Err(DomainError::conflict(ImportReason::UsernameTaken {
                user: person.username.clone(),
            })
            .into());
        }
        let username = person.username.clone();
        let mut ts = vec![Transition::PersonSaved { person }];
        if let Some(pw) = password {
            check_password_rules(pw)?;
            ts.push(Transition::PasswordSet {
                username: username.clone(),
                password_hash: hash_password(pw)?,
            });
        }
        if !grants.is_empty() {
            ts.push(Transition::RolesSet { username, grants });
        }
        self.submit(actor, now_ms, ts).await
    }

    /// Sets a password and ends the person's sessions.
    pub async fn set_password(
        &self,
        actor: &Actor,
        now_ms: i64,
        username: &str,
        password: &str,
    ) -> Result<()> {
        check_password_rules(password)?;
        let t = Transition::PasswordSet {
            username: username.to_string(),
            password_hash: hash_password(password)?,
        };
        self.submit(actor, now_ms, vec![t]).await?;
        self.store()
            .delete_sessions_of(self.county(), username)
            .await?;
        Ok(())
    }

    pub async fn set_roles(
        &self,
        actor: &Actor,
        now_ms: i64,
        username: &str,
        grants: Vec<RoleGrant>,
    ) -> Result<()> {
        self.submit(
            actor,
            now_ms,
            vec![Transition::RolesSet {
                username: username.to_string(),
                grants,
            }],
        )
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
