//! `Reason`: why the domain refused something, as a code with parameters. Pages, the API and
//! the CLI render it from this one catalogue instead of matching message text.

use super::admission::AdmissionReason;
use super::data::{AssessReason, DataReason};
use super::delegation::DelegationReason;
use super::events::EventReason;
use super::import::ImportReason;
use super::org::{FieldReason, ListReason, OrgReason};
use super::patrol::PatrolReason;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Field(FieldReason),
    Event(EventReason),
    Org(OrgReason),
    List(ListReason),
    Assess(AssessReason),
    Data(DataReason),
    Import(ImportReason),
    Delegation(DelegationReason),
    Admission(AdmissionReason),
    Patrol(PatrolReason),
}

macro_rules! each {
    ($self:expr, $r:ident => $e:expr) => {
        match $self {
            Reason::Field($r) => $e,
            Reason::Event($r) => $e,
            Reason::Org($r) => $e,
            Reason::List($r) => $e,
            Reason::Assess($r) => $e,
            Reason::Data($r) => $e,
            Reason::Import($r) => $e,
            Reason::Delegation($r) => $e,
            Reason::Admission($r) => $e,
            Reason::Patrol($r) => $e,
        }
    };
}

fn plain(code: &str) -> String {
    code.to_string()
}

impl Reason {
    /// Stable machine-readable code, unique across all reasons (snake_case).
    pub fn code(&self) -> &'static str {
        each!(self, r => r.code())
    }

    /// English text; unit codes as they are.
    pub fn en(&self) -> String {
        self.en_with(&plain)
    }

    /// Chinese text; unit codes as they are.
    pub fn zh(&self) -> String {
        self.zh_with(&plain)
    }

    /// English text, unit codes shown through `names`.
    pub fn en_with(&self, names: &dyn Fn(&str) -> String) -> String {
        each!(self, r => r.en_with(names))
    }

    /// Chinese text, unit codes shown through `names`.
    pub fn zh_with(&self, names: &dyn Fn(&str) -> String) -> String {
        each!(self, r => r.zh_with(names))
    }

    /// One value of every variant of every group, for tests of the catalogue.
    pub fn samples() -> Vec<Reason> {
        let mut v: Vec<Reason> = vec![];
        v.extend(FieldReason::samples().into_iter().map(Reason::from));
        v.extend(EventReason::samples().into_iter().map(Reason::from));
        v.extend(OrgReason::samples().into_iter().map(Reason::from));
        v.extend(ListReason::samples().into_iter().map(Reason::from));
        v.extend(AssessReason::samples().into_iter().map(Reason::from));
        v.extend(DataReason::samples().into_iter().map(Reason::from));
        v.extend(ImportReason::samples().into_iter().map(Reason::from));
        v.extend(DelegationReason::samples().into_iter().map(Reason::from));
        v.extend(AdmissionReason::samples().into_iter().map(Reason::from));
        v.extend(PatrolReason::samples().into_iter().map(Reason::from));
        v
    }
}

macro_rules! from_group {
    ($($g:ident => $v:ident),*) => {$(
        impl From<$g> for Reason {
            fn from(r: $g) -> Self {
                Reason::$v(r)
            }
        }
    )*};
}
from_group!(
    FieldReason => Field,
    EventReason => Event,
    OrgReason => Org,
    ListReason => List,
    AssessReason => Assess,
    DataReason => Data,
    ImportReason => Import,
    DelegationReason => Delegation,
    AdmissionReason => Admission,
    PatrolReason => Patrol
);

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for Reason {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_reason_has_distinct_zh_and_en_text_and_a_unique_code() {
        let all = Reason::samples();
        assert!(all.len() > 150, "{}", all.len());
        let mut codes = BTreeSet::new();
        for r in &all {
            let (zh, en) = (r.zh(), r.en());
            assert!(!zh.trim().is_empty(), "{r:?} has no zh text");
            assert!(!en.trim().is_empty(), "{r:?} has no en text");
            assert_ne!(zh, en, "{r:?}");
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{r:?}: zh text without Chinese: {zh}"
            );
            let code = r.code();
            assert!(
                !code.is_empty()
                    && code
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{code}"
            );
            assert!(codes.insert(code), "code {code} is used twice");
        }
    }

    #[test]
    fn errors_stay_small() {
        // Results carry these by value; clippy's large-error limit is 128 bytes.
        assert!(std::mem::size_of::<crate::FieldError>() < 128);
        assert!(std::mem::size_of::<crate::DomainError>() < 128);
    }

    #[test]
    fn unit_names_come_from_the_caller() {
        let r = Reason::from(EventReason::CoNotReported {
            units: vec!["D-HB".into(), "D-ZF".into()],
        });
        let names = |c: &str| format!("<{c}>");
        assert!(r.zh_with(&names).contains("<D-HB>、<D-ZF>"));
        assert!(r.en().contains("D-HB, D-ZF"));
    }
}
