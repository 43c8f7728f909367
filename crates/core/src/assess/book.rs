//! The assessment book, folded from the log: every version of every scheme, manual scores,
//! appeals and their decisions, and closed periods with their frozen results.

use super::scheme::{Rule, Scheme, Source};
use super::score::{ManualScore, UnitResult};
use crate::error::{AssessReason as A, FieldReason, Reason};
use crate::events::Party;
use crate::org::RoleKind;
use crate::state::OrgState;
use crate::stats::Period;
use crate::DomainError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One assessment step, by a person acting in one of their grants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum AssessmentCmd {
    /// A new version of a scheme (the first creates it).
    SetScheme { scheme: Scheme },
    /// A manual indicator's score for a unit and period, with evidence.
    ManualScore {
        scheme: String,
        period: String,
        unit: String,
        indicator: String,
        score: f64,
        evidence: String,
    },
    /// A unit contests one deduction (one event under one indicator), once, with a reason.
    Appeal {
        scheme: String,
        period: String,
        unit: String,
        indicator: String,
        event: u64,
        reason: String,
    },
    /// The reviewer removes the deduction (`remove`) or keeps it.
    DecideAppeal { id: u64, remove: bool, note: String },
    /// Freezes a period's results under the scheme version they were computed with.
    ClosePeriod {
        scheme: String,
        version: u32,
        period: String,
        results: Vec<UnitResult>,
    },
}

impl AssessmentCmd {
    pub fn kind(&self) -> &'static str {
        match self {
            AssessmentCmd::SetScheme { .. } => "assessment.scheme.set",
            AssessmentCmd::ManualScore { .. } => "assessment.manual_score",
            AssessmentCmd::Appeal { .. } => "assessment.appeal",
            AssessmentCmd::DecideAppeal { .. } => "assessment.appeal.decide",
            AssessmentCmd::ClosePeriod { .. } => "assessment.period.close",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppealDecision {
    pub remove: bool,
    pub note: String,
    pub by: String,
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppealRecord {
    pub id: u64,
    pub scheme: String,
    pub period: String,
    pub unit: String,
    pub indicator: String,
    pub event: u64,
    pub reason: String,
    pub by: String,
    pub at_ms: i64,
    pub decision: Option<AppealDecision>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClosedPeriod {
    pub scheme: String,
    pub version: u32,
    pub period: String,
    pub results: Vec<UnitResult>,
    pub by: String,
    pub at_ms: i64,
    /// The log entry that froze it.
    pub seq: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AssessmentBook {
    /// Every version of each scheme, oldest first.
    pub schemes: BTreeMap<String, Vec<Scheme>>,
    /// Manual scores by (scheme, period), then (unit, indicator).
    #[serde(with = "crate::state::snapshot::nested_pairs")]
    pub manual: BTreeMap<(String, String), BTreeMap<(String, String), ManualScore>>,
    pub appeals: BTreeMap<u64, AppealRecord>,
    #[serde(with = "crate::state::snapshot::pairs")]
    pub closed: BTreeMap<(String, String), ClosedPeriod>,
}

fn invalid(field: &str, r: impl Into<Reason>) -> DomainError {
    DomainError::invalid(field, r)
}

fn forbidden(r: A) -> DomainError {
    DomainError::forbidden(r)
}

impl AssessmentBook {
    pub fn scheme(&self, id: &str) -> Option<&Scheme> {
        self.schemes.get(id).and_then(|v| v.last())
    }

    pub fn scheme_version(&self, id: &str, version: u32) -> Option<&Scheme> {
        self.schemes.get(id)?.iter().find(|s| s.version == version)
    }

    pub fn is_closed(&self, scheme: &str, period: &str) -> bool {
        self.closed
            .contains_key(&(scheme.to_string(), period.to_string()))
    }

    /// Deductions removed on appeal for a scheme and period: (unit, indicator, event).
    pub fn removed(&self, scheme: &str, period: &str) -> BTreeSet<(String, String, u64)> {
        self.appeals
            .values()
            .filter(|a| a.scheme == scheme && a.period == period)
            .filter(|a| a.decision.as_ref().is_some_and(|d| d.remove))
            .map(|a| (a.unit.clone(), a.indicator.clone(), a.event))
            .collect()
    }

    pub fn manual_for(
        &self,
        scheme: &str,
        period: &str,
    ) -> BTreeMap<(String, String), ManualScore> {
        self.manual
            .get(&(scheme.to_string(), period.to_string()))
            .cloned()
            .unwrap_or_default()
    }

    fn open_period(&self, scheme: &str, period: &str) -> Result<Period, DomainError> {
        if self.scheme(scheme).is_none() {
            return Err(DomainError::NotFound {
                kind: "assessment scheme",
                id: scheme.into(),
            });
        }
        let p = Period::parse(period).map_err(|e| invalid("period", e))?;
        if self.is_closed(scheme, &p.name) {
            return Err(DomainError::conflict(A::PeriodClosed {
                period: p.name,
                scheme: scheme.to_string(),
            }));
        }
        Ok(p)
    }

    /// Whether `by` may append `cmd`. Never changes the book.
    pub fn check(
        &self,
        org: &OrgState,
        by: &Party,
        cmd: &AssessmentCmd,
    ) -> Result<(), DomainError> {
        let admin = by.role == RoleKind::SystemAdmin;
        match cmd {
            AssessmentCmd::SetScheme { scheme } => {
                if !admin {
                    return Err(forbidden(A::SchemesAdmin));
                }
                let errs = scheme.problems();
                if errs.is_empty() {
                    Ok(())
                } else {
                    Err(DomainError::Invalid(errs))
                }
            }
            AssessmentCmd::ManualScore {
                scheme,
                period,
                unit,
                indicator,
                score,
                evidence,
            } => {
                if !admin {
                    return Err(forbidden(A::ScoresAdmin));
                }
                self.open_period(scheme, period)?;
                let s = self
                    .scheme(scheme)
                    .ok_or_else(|| invalid("scheme", A::UnknownScheme))?;
                let Some(leaf) = s.leaf(indicator) else {
                    return Err(invalid(
                        "indicator",
                        A::NoIndicator {
                            indicator: indicator.clone(),
                            scheme: scheme.clone(),
                        },
                    ));
                };
                if !matches!(leaf.source, Some(Source::Manual)) && leaf.rule != Some(Rule::Manual) {
                    return Err(invalid(
                        "indicator",
                        A::NotManual {
                            indicator: indicator.clone(),
                        },
                    ));
                }
                if !score.is_finite() || *score < 0.0 || *score > leaf.weight {
                    return Err(invalid(
                        "score",
                        A::ScoreRange {
                            max: leaf.weight.to_string(),
                        },
                    ));
                }
                if org.unit(unit).is_none() {
                    return Err(invalid(
                        "unit",
                        FieldReason::UnknownUnit { unit: unit.clone() },
                    ));
                }
                if evidence.trim().is_empty() {
                    return Err(invalid("evidence", A::EvidenceRequired));
                }
                Ok(())
            }
            AssessmentCmd::Appeal {
                scheme,
                period,
                unit,
                indicator,
                event,
                reason,
            } => {
                // Along the organisation tree: a stationed unit (派出所) is not staff of the
                // township it sits in, and may not appeal that township's deductions.
                let may = matches!(
                    by.role,
                    RoleKind::DepartmentHandler
                        | RoleKind::DepartmentLeader
                        | RoleKind::TownshipOperator
                        | RoleKind::TownshipLeader
                ) && (org.is_in_tree(&by.unit, unit) || org.is_in_tree(unit, &by.unit));
                if !may {
                    return Err(forbidden(A::AppealOwnUnit));
                }
                let p = self.open_period(scheme, period)?;
                if self
                    .scheme(scheme)
                    .and_then(|s| s.leaf(indicator))
                    .is_none()
                {
                    return Err(invalid(
                        "indicator",
                        A::NoIndicator {
                            indicator: indicator.clone(),
                            scheme: scheme.clone(),
                        },
                    ));
                }
                if reason.trim().is_empty() {
                    return Err(invalid("reason", A::AppealReason));
                }
                let again = self.appeals.values().any(|a| {
                    a.scheme == *scheme
                        && a.period == p.name
                        && a.unit == *unit
                        && a.indicator == *indicator
                        && a.event == *event
                });
                if again {
                    return Err(DomainError::conflict(A::AppealedOnce));
                }
                Ok(())
            }
            AssessmentCmd::DecideAppeal { id, note, .. } => {
                if !(admin || by.role == RoleKind::EstablishmentReviewer) {
                    return Err(forbidden(A::ReviewerDecides));
                }
                let Some(a) = self.appeals.get(id) else {
                    return Err(DomainError::NotFound {
                        kind: "appeal",
                        id: id.to_string(),
                    });
                };
                if a.decision.is_some() {
                    return Err(DomainError::conflict(A::AppealDecided));
                }
                if a.by == by.username {
                    return Err(forbidden(A::OwnAppeal));
                }
                self.open_period(&a.scheme, &a.period)?;
                if note.trim().is_empty() {
                    return Err(invalid("note", A::DecisionReason));
                }
                Ok(())
            }
            AssessmentCmd::ClosePeriod {
                scheme,
                version,
                period,
                results,
            } => {
                if !admin {
                    return Err(forbidden(A::CloseAdmin));
                }
                self.open_period(scheme, period)?;
                if self.scheme_version(scheme, *version).is_none() {
                    return Err(invalid(
                        "version",
                        A::NoSchemeVersion {
                            scheme: scheme.clone(),
                            version: *version,
                        },
                    ));
                }
                if results.iter().all(|r| r.events == 0 && r.hops == 0) {
                    return Err(invalid(
                        "period",
                        A::NothingToClose {
                            period: period.clone(),
                        },
                    ));
                }
                if self
                    .appeals
                    .values()
                    .any(|a| a.scheme == *scheme && a.period == *period && a.decision.is_none())
                {
                    return Err(DomainError::conflict(A::AppealsUndecided));
                }
                Ok(())
            }
        }
    }

    /// Folds a step in (after `check` passed).
    pub fn apply(&mut self, seq: u64, at_ms: i64, by: &Party, cmd: &AssessmentCmd) {
        let norm = |p: &str| {
            Period::parse(p)
                .map(|p| p.name)
                .unwrap_or_else(|_| p.into())
        };
        match cmd {
            AssessmentCmd::SetScheme { scheme } => {
                let v = self.schemes.entry(scheme.id.clone()).or_default();
                let mut s = scheme.clone();
                s.version = v.len() as u32 + 1;
                v.push(s);
            }
            AssessmentCmd::ManualScore {
                scheme,
                period,
                unit,
                indicator,
                score,
                evidence,
            } => {
                self.manual
                    .entry((scheme.clone(), norm(period)))
                    .or_default()
                    .insert(
                        (unit.clone(), indicator.clone()),
                        ManualScore {
                            score: *score,
                            evidence: evidence.clone(),
                        },
                    );
            }
            AssessmentCmd::Appeal {
                scheme,
                period,
                unit,
                indicator,
                event,
                reason,
            } => {
                self.appeals.insert(
                    seq,
                    AppealRecord {
                        id: seq,
                        scheme: scheme.clone(),
                        period: norm(period),
                        unit: unit.clone(),
                        indicator: indicator.clone(),
                        event: *event,
                        reason: reason.clone(),
                        by: by.username.clone(),
                        at_ms,
                        decision: None,
                    },
                );
            }
            AssessmentCmd::DecideAppeal { id, remove, note } => {
                if let Some(a) = self.appeals.get_mut(id) {
                    a.decision = Some(AppealDecision {
                        remove: *remove,
                        note: note.clone(),
                        by: by.username.clone(),
                        at_ms,
                    });
                }
            }
            AssessmentCmd::ClosePeriod {
                scheme,
                version,
                period,
                results,
            } => {
                let p = norm(period);
                self.closed.insert(
                    (scheme.clone(), p.clone()),
                    ClosedPeriod {
                        scheme: scheme.clone(),
                        version: *version,
                        period: p,
                        results: results.clone(),
                        by: by.username.clone(),
                        at_ms,
                        seq,
                    },
                );
            }
        }
    }
}
