//! Suggestions filed by citizens from the public page ("没找到？"): what they could not find,
//! and optionally a phone number for a call back. The county command centre reads them.

use crate::error::{DomainError, FieldError, FieldReason as F, OrgReason as O};
use serde::{Deserialize, Serialize};

/// Longest description accepted, in characters.
pub const MAX_SUGGESTION_CHARS: usize = 500;
/// Longest contact phone accepted, in characters.
pub const MAX_CONTACT_CHARS: usize = 20;

/// One suggestion as folded into the state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicSuggestion {
    /// Log sequence number of the entry that filed it.
    pub seq: u64,
    pub at_ms: i64,
    /// What the citizen described.
    pub text: String,
    /// What they had searched for, if anything.
    #[serde(default)]
    pub query: String,
    /// A phone number to call back, or empty.
    #[serde(default)]
    pub contact: String,
}

/// The problems of a suggestion's fields (`text`, `contact`); empty when it may be filed.
pub fn suggestion_problems(text: &str, contact: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let n = text.trim().chars().count();
    if n == 0 {
        errs.push(FieldError::new("", "text", F::Empty));
    } else if n > MAX_SUGGESTION_CHARS {
        errs.push(FieldError::new(
            "",
            "text",
            F::TooLong {
                max: MAX_SUGGESTION_CHARS,
            },
        ));
    }
    let c = contact.trim();
    let digits = c.chars().filter(char::is_ascii_digit).count();
    let allowed = |ch: char| ch.is_ascii_digit() || ch == '-' || ch == '+' || ch == ' ';
    if !c.is_empty()
        && (c.chars().count() > MAX_CONTACT_CHARS || digits < 5 || !c.chars().all(allowed))
    {
        errs.push(FieldError::new(
            "",
            "contact",
            O::BadPhone {
                value: c.to_string(),
            },
        ));
    }
    errs
}

/// [`suggestion_problems`] as the state's check.
pub fn check_suggestion(text: &str, contact: &str) -> Result<(), DomainError> {
    let errs = suggestion_problems(text, contact);
    if errs.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_validated() {
        assert!(check_suggestion("小区门口的垃圾桶坏了", "").is_ok());
        assert!(check_suggestion("垃圾桶", "0558-1234567").is_ok());
        assert!(check_suggestion("垃圾桶", "+86 13800001111").is_ok());
        assert!(check_suggestion("   ", "").is_err());
        assert!(check_suggestion(&"字".repeat(501), "").is_err());
        assert!(check_suggestion(&"字".repeat(500), "").is_ok());
        for bad in ["abc", "12", "-", "1380000111122223333444"] {
            assert!(check_suggestion("垃圾桶", bad).is_err(), "{bad}");
        }
    }
}
