//! The admission book, folded from the log: applications with their opinions and review steps,
//! the admitted catalogue (approved applications), the time limits, and the 交办 handovers.

use super::application::{parse_date, working_days_after, Application};
use super::flow::{applicant_unit, may_act, Act, Stage};
use super::handover::{Handover, HandoverDraft};
use crate::calendar::{cst_date, WorkCalendar};
use crate::error::{AdmissionReason as R, FieldError};
use crate::events::Party;
use crate::org::RoleKind;
use crate::state::OrgState;
use crate::DomainError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Working-day time limits. Defaults from one district's rules (西城区): apply 30 working days
/// ahead, decide within 15; townships get 5 working days for their opinions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmissionConfig {
    /// Working days between filing and the earliest start of the task.
    pub advance_days: u32,
    /// Working days from filing within which the county decides.
    pub decide_days: u32,
    /// Working days the consulted townships have for their opinions.
    pub opinion_days: u32,
}

impl Default for AdmissionConfig {
    fn default() -> Self {
        AdmissionConfig {
            advance_days: 30,
            decide_days: 15,
            opinion_days: 5,
        }
    }
}

impl AdmissionConfig {
    pub const MAX_DAYS: u32 = 250;

    pub fn problems(&self) -> Vec<FieldError> {
        let mut v = vec![];
        for (f, n) in [
            ("advance_days", self.advance_days),
            ("decide_days", self.decide_days),
            ("opinion_days", self.opinion_days),
        ] {
            if n == 0 || n > Self::MAX_DAYS {
                v.push(FieldError::new(
                    "",
                    f,
                    R::DaysRange {
                        max: Self::MAX_DAYS,
                    },
                ));
            }
        }
        v
    }
}

/// Which review a reviewer makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    /// 编办.
    Establishment,
    /// 司法局.
    Justice,
}

/// One admission or handover step, by a person acting in one of their grants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum AdmissionCmd {
    /// A department or township applies.
    Apply { application: Application },
    /// A consulted township's written opinion.
    Opinion { id: u64, agree: bool, text: String },
    /// 编办 or 司法局 passes the application on or sends it back.
    Review {
        id: u64,
        review: Review,
        pass: bool,
        comment: String,
    },
    /// The county approves (with the document number) or does not.
    Decide {
        id: u64,
        approve: bool,
        document_no: String,
        comment: String,
    },
    /// The applicant revises a sent-back application; the townships are asked again.
    Resubmit { id: u64, application: Application },
    /// The applicant withdraws an open application, or 编办/the county withdraws (撤销) an
    /// admitted entry.
    Withdraw { id: u64, reason: String },
    /// The working-day time limits.
    SetConfig { config: AdmissionConfig },
    /// A department hands a task to townships (交办事项).
    Issue { handover: HandoverDraft },
    /// A township accepts a handed task.
    Accept { id: u64 },
    /// A township refuses a task that cites no admitted entry (拒收，未经准入).
    Refuse { id: u64, reason: String },
    /// A township reports back on an accepted task.
    Report { id: u64, text: String },
}

impl AdmissionCmd {
    pub fn kind(&self) -> &'static str {
        match self {
            AdmissionCmd::Apply { .. } => "admission.apply",
            AdmissionCmd::Opinion { .. } => "admission.opinion",
            AdmissionCmd::Review { .. } => "admission.review",
            AdmissionCmd::Decide { .. } => "admission.approve",
            AdmissionCmd::Resubmit { .. } => "admission.resubmit",
            AdmissionCmd::Withdraw { .. } => "admission.withdraw",
            AdmissionCmd::SetConfig { .. } => "admission.config",
            AdmissionCmd::Issue { .. } => "handover.issue",
            AdmissionCmd::Accept { .. } => "handover.accept",
            AdmissionCmd::Refuse { .. } => "handover.refuse",
            AdmissionCmd::Report { .. } => "handover.report",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opinion {
    pub agree: bool,
    pub text: String,
    pub by: String,
    pub at_ms: i64,
}

/// One step in an application's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    /// `filed`, `opinion`, `establishment_passed`, `establishment_sent_back`, `justice_passed`,
    /// `justice_sent_back`, `approved`, `rejected`, `resubmitted`, `withdrawn`.
    pub what: String,
    pub by: String,
    pub unit: String,
    pub at_ms: i64,
    pub comment: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdmissionRecord {
    /// The log sequence of the application.
    pub id: u64,
    pub app: Application,
    /// Who applied (username) and for which unit.
    pub applicant: String,
    pub unit: String,
    pub filed_at_ms: i64,
    /// The townships asked for their opinion (resolved: never empty when townships exist).
    pub consulted: Vec<String>,
    pub opinion_deadline_ms: i64,
    /// The county decides by then (working days from filing).
    pub decide_by_ms: i64,
    pub opinions: BTreeMap<String, Opinion>,
    /// The stored stage (never `Expired`; `Consulting` until 编办 acts).
    pub status: Stage,
    pub document_no: String,
    pub approved_at_ms: Option<i64>,
    pub steps: Vec<StepRecord>,
}

impl AdmissionRecord {
    /// The stage as it reads at `now_ms`: opinions close at their deadline, admitted entries
    /// expire after their end date.
    pub fn stage(&self, now_ms: i64) -> Stage {
        match self.status {
            Stage::Consulting
                if now_ms > self.opinion_deadline_ms
                    || self.consulted.iter().all(|t| self.opinions.contains_key(t)) =>
            {
                Stage::Establishment
            }
            Stage::Admitted if self.expired(now_ms) => Stage::Expired,
            s => s,
        }
    }

    /// Past the end date (the day after `end_date` has begun, China time).
    pub fn expired(&self, now_ms: i64) -> bool {
        parse_date(&self.app.end_date).is_some_and(|end| cst_date(now_ms) > end)
    }

    /// Consulted townships that have not given an opinion.
    pub fn silent_townships(&self) -> Vec<String> {
        self.consulted
            .iter()
            .filter(|t| !self.opinions.contains_key(*t))
            .cloned()
            .collect()
    }

    /// A township's opinion as it reads now: given, awaited, or silence after the deadline.
    pub fn opinion_state(&self, township: &str, now_ms: i64) -> OpinionState {
        match self.opinions.get(township) {
            Some(o) if o.agree => OpinionState::Agrees,
            Some(_) => OpinionState::Objects,
            None if now_ms > self.opinion_deadline_ms => OpinionState::Silent,
            None => OpinionState::Awaited,
        }
    }

    /// Decided after the limit, or still undecided past it.
    pub fn decision_overdue(&self, now_ms: i64) -> bool {
        let decided = self
            .steps
            .iter()
            .find(|s| s.what == "approved" || s.what == "rejected")
            .map(|s| s.at_ms);
        decided.unwrap_or(now_ms) > self.decide_by_ms && self.status != Stage::Withdrawn
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpinionState {
    Agrees,
    Objects,
    Awaited,
    /// 未反馈（视为无意见）.
    Silent,
}

impl OpinionState {
    pub fn label_zh(self) -> &'static str {
        match self {
            OpinionState::Agrees => "同意",
            OpinionState::Objects => "有不同意见",
            OpinionState::Awaited => "待反馈",
            OpinionState::Silent => "未反馈（视为无意见）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            OpinionState::Agrees => "Agrees",
            OpinionState::Objects => "Objects",
            OpinionState::Awaited => "Awaited",
            OpinionState::Silent => "No answer (taken as no objection)",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AdmissionBook {
    pub applications: BTreeMap<u64, AdmissionRecord>,
    pub handovers: BTreeMap<u64, Handover>,
    pub config: AdmissionConfig,
}

fn not_found(kind: &'static str, id: u64) -> DomainError {
    DomainError::NotFound {
        kind,
        id: id.to_string(),
    }
}

fn errs_or_ok(errs: Vec<FieldError>) -> Result<(), DomainError> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errs))
    }
}

impl AdmissionBook {
    /// The admitted catalogue as it reads at `now_ms`: admitted and expired entries.
    pub fn catalogue(&self, now_ms: i64) -> impl Iterator<Item = &AdmissionRecord> {
        self.applications
            .values()
            .filter(move |a| matches!(a.stage(now_ms), Stage::Admitted | Stage::Expired))
    }

    /// The townships consulted when an application names none: every township.
    fn townships(org: &OrgState) -> Vec<String> {
        org.units
            .values()
            .filter(|u| u.kind.is_township())
            .map(|u| u.code.clone())
            .collect()
    }

    fn application(&self, id: u64) -> Result<&AdmissionRecord, DomainError> {
        self.applications
            .get(&id)
            .ok_or_else(|| not_found("admission application", id))
    }

    fn check_fields(
        &self,
        org: &OrgState,
        cal: &WorkCalendar,
        at_ms: i64,
        a: &Application,
    ) -> Result<(), DomainError> {
        let a = a.clone().normalised();
        errs_or_ok(a.problems(org, cal, cst_date(at_ms), self.config.advance_days))
    }

    /// Whether `by` may append `cmd` at `at_ms`. Never changes the book.
    pub fn check(
        &self,
        org: &OrgState,
        cal: &WorkCalendar,
        at_ms: i64,
        by: &Party,
        cmd: &AdmissionCmd,
    ) -> Result<(), DomainError> {
        match cmd {
            AdmissionCmd::Apply { application } => {
                if applicant_unit(org, by).is_none() {
                    return Err(DomainError::forbidden(R::ApplyRole));
                }
                self.check_fields(org, cal, at_ms, application)
            }
            AdmissionCmd::Opinion { id, agree, text } => {
                may_act(org, by, self.application(*id)?, Act::Opinion, at_ms)?;
                if !agree && text.trim().is_empty() {
                    return Err(DomainError::invalid("text", R::Required));
                }
                Ok(())
            }
            AdmissionCmd::Review {
                id,
                review,
                pass,
                comment,
            } => {
                let act = match review {
                    Review::Establishment => Act::Establishment,
                    Review::Justice => Act::Justice,
                };
                may_act(org, by, self.application(*id)?, act, at_ms)?;
                if !pass && comment.trim().is_empty() {
                    return Err(DomainError::invalid("comment", R::Required));
                }
                Ok(())
            }
            AdmissionCmd::Decide {
                id,
                approve,
                document_no,
                comment,
            } => {
                may_act(org, by, self.application(*id)?, Act::Decide, at_ms)?;
                if *approve && document_no.trim().is_empty() {
                    return Err(DomainError::invalid("document_no", R::Required));
                }
                if !approve && comment.trim().is_empty() {
                    return Err(DomainError::invalid("comment", R::Required));
                }
                Ok(())
            }
            AdmissionCmd::Resubmit { id, application } => {
                may_act(org, by, self.application(*id)?, Act::Resubmit, at_ms)?;
                self.check_fields(org, cal, at_ms, application)
            }
            AdmissionCmd::Withdraw { id, reason } => {
                may_act(org, by, self.application(*id)?, Act::Withdraw, at_ms)?;
                if reason.trim().is_empty() {
                    return Err(DomainError::invalid("reason", R::Required));
                }
                Ok(())
            }
            AdmissionCmd::SetConfig { config } => {
                if by.role != RoleKind::SystemAdmin {
                    return Err(DomainError::forbidden(R::ConfigAdmin));
                }
                errs_or_ok(config.problems())
            }
            AdmissionCmd::Issue { handover } => self.check_issue(org, at_ms, by, handover),
            AdmissionCmd::Accept { id } => self.check_answer(org, by, *id, None),
            AdmissionCmd::Refuse { id, .. } => self.check_answer(org, by, *id, Some(true)),
            AdmissionCmd::Report { id, text } => {
                self.check_answer(org, by, *id, Some(false))?;
                if text.trim().is_empty() {
                    return Err(DomainError::invalid("text", R::Required));
                }
                Ok(())
            }
        }
    }

    fn step(rec: &mut AdmissionRecord, what: &str, by: &Party, at_ms: i64, comment: &str) {
        rec.steps.push(StepRecord {
            what: what.into(),
            by: by.username.clone(),
            unit: by.unit.clone(),
            at_ms,
            comment: comment.trim().into(),
        });
    }

    /// Deadlines for an application filed (or resubmitted) at `at_ms`.
    fn deadlines(&self, cal: &WorkCalendar, at_ms: i64) -> (i64, i64) {
        let today = cst_date(at_ms);
        let opinion = cal.close_of_day(working_days_after(cal, today, self.config.opinion_days));
        let decide = cal.close_of_day(working_days_after(cal, today, self.config.decide_days));
        (opinion, decide)
    }

    /// Folds a step in (after `check` passed).
    pub fn apply(
        &mut self,
        org: &OrgState,
        cal: &WorkCalendar,
        seq: u64,
        at_ms: i64,
        by: &Party,
        cmd: &AdmissionCmd,
    ) {
        match cmd {
            AdmissionCmd::Apply { application } => {
                let app = application.clone().normalised();
                let consulted = if app.consult.is_empty() {
                    Self::townships(org)
                } else {
                    app.consult.clone()
                };
                let (opinion, decide) = self.deadlines(cal, at_ms);
                let mut rec = AdmissionRecord {
                    id: seq,
                    app,
                    applicant: by.username.clone(),
                    unit: applicant_unit(org, by).unwrap_or_else(|| by.unit.clone()),
                    filed_at_ms: at_ms,
                    consulted,
                    opinion_deadline_ms: opinion,
                    decide_by_ms: decide,
                    opinions: BTreeMap::new(),
                    status: Stage::Consulting,
                    document_no: String::new(),
                    approved_at_ms: None,
                    steps: vec![],
                };
                Self::step(&mut rec, "filed", by, at_ms, "");
                self.applications.insert(seq, rec);
            }
            AdmissionCmd::Opinion { id, agree, text } => {
                let township = super::flow::township_of_party(org, by);
                if let (Some(rec), Some(t)) = (self.applications.get_mut(id), township) {
                    rec.opinions.insert(
                        t,
                        Opinion {
                            agree: *agree,
                            text: text.trim().into(),
                            by: by.username.clone(),
                            at_ms,
                        },
                    );
                    Self::step(rec, "opinion", by, at_ms, text);
                }
            }
            AdmissionCmd::Review {
                id,
                review,
                pass,
                comment,
            } => {
                if let Some(rec) = self.applications.get_mut(id) {
                    let (what, next) = match (review, pass) {
                        (Review::Establishment, true) => ("establishment_passed", Stage::Justice),
                        (Review::Justice, true) => ("justice_passed", Stage::Approval),
                        (Review::Establishment, false) => {
                            ("establishment_sent_back", Stage::SentBack)
                        }
                        (Review::Justice, false) => ("justice_sent_back", Stage::SentBack),
                    };
                    rec.status = next;
                    Self::step(rec, what, by, at_ms, comment);
                }
            }
            AdmissionCmd::Decide {
                id,
                approve,
                document_no,
                comment,
            } => {
                if let Some(rec) = self.applications.get_mut(id) {
                    if *approve {
                        rec.status = Stage::Admitted;
                        rec.document_no = document_no.trim().into();
                        rec.approved_at_ms = Some(at_ms);
                        Self::step(rec, "approved", by, at_ms, comment);
                    } else {
                        rec.status = Stage::Rejected;
                        Self::step(rec, "rejected", by, at_ms, comment);
                    }
                }
            }
            AdmissionCmd::Resubmit { id, application } => {
                let (opinion, decide) = self.deadlines(cal, at_ms);
                let all = Self::townships(org);
                if let Some(rec) = self.applications.get_mut(id) {
                    rec.app = application.clone().normalised();
                    rec.consulted = if rec.app.consult.is_empty() {
                        all
                    } else {
                        rec.app.consult.clone()
                    };
                    rec.opinions.clear();
                    rec.opinion_deadline_ms = opinion;
                    rec.decide_by_ms = decide;
                    rec.status = Stage::Consulting;
                    Self::step(rec, "resubmitted", by, at_ms, "");
                }
            }
            AdmissionCmd::Withdraw { id, reason } => {
                if let Some(rec) = self.applications.get_mut(id) {
                    rec.status = Stage::Withdrawn;
                    Self::step(rec, "withdrawn", by, at_ms, reason);
                }
            }
            AdmissionCmd::SetConfig { config } => self.config = *config,
            AdmissionCmd::Issue { handover } => self.apply_issue(org, seq, at_ms, by, handover),
            AdmissionCmd::Accept { .. }
            | AdmissionCmd::Refuse { .. }
            | AdmissionCmd::Report { .. } => self.apply_answer(org, at_ms, by, cmd),
        }
    }
}
