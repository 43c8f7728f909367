//! 交办事项: a task a department hands to one or more townships, with a deadline and a report
//! back. It should cite an entry of the admitted catalogue; a township may refuse one that
//! does not (拒收，未经准入), and each refusal counts against the department.

use super::application::parse_date;
use super::book::{AdmissionBook, AdmissionCmd};
use super::flow::{department_of_party, township_of_party, Stage};
use crate::calendar::cst_date;
use crate::error::{AdmissionReason as R, FieldError};
use crate::events::Party;
use crate::state::OrgState;
use crate::DomainError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a department fills in to hand a task to townships.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HandoverDraft {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub content: String,
    /// The townships the task goes to.
    #[serde(default)]
    pub townships: Vec<String>,
    /// The last day (YYYY-MM-DD) to report back.
    #[serde(default)]
    pub deadline: String,
    /// The admitted catalogue entry (an application id) it rests on; None: not admitted.
    #[serde(default)]
    pub entry: Option<u64>,
}

/// A township's answer to a handed task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    Accepted,
    Refused,
    Reported,
}

impl AnswerKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            AnswerKind::Accepted => "已接收",
            AnswerKind::Refused => "已拒收（未经准入）",
            AnswerKind::Reported => "已反馈",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            AnswerKind::Accepted => "Accepted",
            AnswerKind::Refused => "Refused (not admitted)",
            AnswerKind::Reported => "Reported back",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub kind: AnswerKind,
    pub text: String,
    pub by: String,
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handover {
    /// The log sequence of the issue.
    pub id: u64,
    pub draft: HandoverDraft,
    /// The issuing department and person.
    pub unit: String,
    pub by: String,
    pub at_ms: i64,
    /// Each township's latest answer.
    pub answers: BTreeMap<String, Answer>,
}

impl Handover {
    pub fn admitted(&self) -> bool {
        self.draft.entry.is_some()
    }

    /// Townships that refused it.
    pub fn refusals(&self) -> usize {
        self.answers
            .values()
            .filter(|a| a.kind == AnswerKind::Refused)
            .count()
    }
}

impl AdmissionBook {
    /// Whether entry `id` may be cited by `unit` on `at_ms`; the error names the `entry` field.
    pub fn check_entry(&self, id: u64, unit: &str, at_ms: i64) -> Result<(), DomainError> {
        let field = |r: R| DomainError::invalid("entry", r);
        let Some(rec) = self.applications.get(&id) else {
            return Err(field(R::UnknownEntry));
        };
        match rec.stage(at_ms) {
            Stage::Admitted => {}
            Stage::Expired => {
                return Err(field(R::EntryExpired {
                    end: rec.app.end_date.clone(),
                }))
            }
            Stage::Withdrawn if rec.approved_at_ms.is_some() => {
                return Err(field(R::EntryWithdrawn))
            }
            _ => return Err(field(R::EntryNotAdmitted)),
        }
        if rec.unit != unit {
            return Err(field(R::EntryOtherUnit));
        }
        Ok(())
    }

    pub(super) fn check_issue(
        &self,
        org: &OrgState,
        at_ms: i64,
        by: &Party,
        d: &HandoverDraft,
    ) -> Result<(), DomainError> {
        let Some(dept) = department_of_party(org, by) else {
            return Err(DomainError::forbidden(R::IssueRole));
        };
        let mut errs = vec![];
        for (f, v) in [("title", &d.title), ("content", &d.content)] {
            if v.trim().is_empty() {
                errs.push(FieldError::new("", f, R::Required));
            }
        }
        if d.townships.is_empty() {
            errs.push(FieldError::new("", "townships", R::Required));
        }
        for t in &d.townships {
            if !org.unit(t).is_some_and(|u| u.kind.is_township()) {
                errs.push(FieldError::new(
                    "",
                    "townships",
                    R::NotATownship { unit: t.clone() },
                ));
            }
        }
        if d.deadline.trim().is_empty() {
            errs.push(FieldError::new("", "deadline", R::Required));
        } else {
            match parse_date(&d.deadline) {
                None => errs.push(FieldError::new(
                    "",
                    "deadline",
                    R::BadDate {
                        input: d.deadline.clone(),
                    },
                )),
                Some(day) if day < cst_date(at_ms) => {
                    errs.push(FieldError::new("", "deadline", R::DeadlinePast))
                }
                Some(_) => {}
            }
        }
        if let Some(e) = d.entry {
            if let Err(DomainError::Invalid(v)) = self.check_entry(e, &dept, at_ms) {
                errs.extend(v);
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(errs))
        }
    }

    /// `refuse`: None accepts, Some(true) refuses, Some(false) reports back.
    pub(super) fn check_answer(
        &self,
        org: &OrgState,
        by: &Party,
        id: u64,
        refuse: Option<bool>,
    ) -> Result<(), DomainError> {
        let h = self
            .handovers
            .get(&id)
            .ok_or_else(|| DomainError::NotFound {
                kind: "handover",
                id: id.to_string(),
            })?;
        let Some(t) = township_of_party(org, by).filter(|t| h.draft.townships.contains(t)) else {
            return Err(DomainError::forbidden(R::NotAddressed));
        };
        let answer = h.answers.get(&t).map(|a| a.kind);
        match refuse {
            None | Some(true) if answer.is_some() => Err(DomainError::conflict(R::AlreadyAnswered)),
            Some(true) if h.admitted() => Err(DomainError::conflict(R::AdmittedNoRefusal)),
            Some(false) if answer == Some(AnswerKind::Reported) => {
                Err(DomainError::conflict(R::AlreadyAnswered))
            }
            Some(false) if answer != Some(AnswerKind::Accepted) => {
                Err(DomainError::conflict(R::NotAccepted))
            }
            _ => Ok(()),
        }
    }

    pub(super) fn apply_issue(
        &mut self,
        org: &OrgState,
        seq: u64,
        at_ms: i64,
        by: &Party,
        d: &HandoverDraft,
    ) {
        let mut draft = d.clone();
        draft.title = draft.title.trim().into();
        draft.content = draft.content.trim().into();
        draft.deadline = draft.deadline.trim().into();
        self.handovers.insert(
            seq,
            Handover {
                id: seq,
                draft,
                unit: department_of_party(org, by).unwrap_or_else(|| by.unit.clone()),
                by: by.username.clone(),
                at_ms,
                answers: BTreeMap::new(),
            },
        );
    }

    pub(super) fn apply_answer(
        &mut self,
        org: &OrgState,
        at_ms: i64,
        by: &Party,
        cmd: &AdmissionCmd,
    ) {
        let (id, kind, text) = match cmd {
            AdmissionCmd::Accept { id } => (id, AnswerKind::Accepted, ""),
            AdmissionCmd::Refuse { id, reason } => (id, AnswerKind::Refused, reason.as_str()),
            AdmissionCmd::Report { id, text } => (id, AnswerKind::Reported, text.as_str()),
            _ => return,
        };
        let Some(t) = township_of_party(org, by) else {
            return;
        };
        if let Some(h) = self.handovers.get_mut(id) {
            h.answers.insert(
                t,
                Answer {
                    kind,
                    text: text.trim().into(),
                    by: by.username.clone(),
                    at_ms,
                },
            );
        }
    }

    /// Refusals of non-admitted tasks per issuing department, for tasks issued in
    /// `[from_ms, to_ms)`: what statistics and assessment count against a department.
    pub fn refusals_by_department(&self, from_ms: i64, to_ms: i64) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for h in self.handovers.values() {
            if h.at_ms >= from_ms && h.at_ms < to_ms && h.refusals() > 0 {
                *out.entry(h.unit.clone()).or_insert(0) += h.refusals();
            }
        }
        out
    }
}
