//! Assessment use cases: results of a scheme for a period (computed from the facts, or frozen
//! when the period is closed), and the assessment steps (schemes, manual scores, appeals,
//! decisions, closing a period) as log entries.

use crate::engine::{Actor, Engine};
use crate::error::{AppError, Result};
use crate::stats::{sees_county, visibility, Lookup};
use std::collections::BTreeSet;
use tiaokuai_core::access::Principal;
use tiaokuai_core::assess::{
    score, subject_units, AppealRecord, AssessmentCmd, Inputs, Scheme, UnitResult,
};
use tiaokuai_core::error::ImportReason;
use tiaokuai_core::events::Party;
use tiaokuai_core::stats::{Period, Rules, Visibility};
use tiaokuai_core::{DomainError, Transition};

/// A scheme's results for one period, as one viewer may see them.
#[derive(Debug, Clone)]
pub struct AssessmentView {
    pub scheme: Scheme,
    pub period: Period,
    /// Who closed the period, when, and the log entry that froze it.
    pub closed: Option<(String, i64, u64)>,
    /// Ranked; explanations only for units the viewer may see.
    pub results: Vec<UnitResult>,
    pub appeals: Vec<AppealRecord>,
    /// Units whose explanation the viewer sees (and may appeal, if their own).
    pub visible: Visibility,
    pub county_view: bool,
}

impl AssessmentView {
    pub fn result(&self, unit: &str) -> Option<&UnitResult> {
        self.results.iter().find(|r| r.unit == unit)
    }
}

fn unit_visible(v: &Visibility, unit: &str) -> bool {
    match v {
        Visibility::All => true,
        Visibility::Units(u) => u.contains(unit),
    }
}

impl Engine {
    /// Results of `scheme_id` for `period` (e.g. `2026-11`).
    pub async fn assessment(
        &self,
        who: &Principal,
        scheme_id: &str,
        period: &str,
        now_ms: i64,
    ) -> Result<AssessmentView> {
        let period = Period::parse(period)
            .map_err(|e| AppError::Domain(DomainError::invalid("period", e)))?;
        let (found, look, vis, county) = self
            .with_state(|s| {
                let key = (scheme_id.to_string(), period.name.clone());
                let closed = s.assessment.closed.get(&key).cloned();
                let scheme = match &closed {
                    Some(c) => s.assessment.scheme_version(scheme_id, c.version).cloned(),
                    None => s.assessment.scheme(scheme_id).cloned(),
                };
                let appeals: Vec<AppealRecord> = s
                    .assessment
                    .appeals
                    .values()
                    .filter(|a| a.scheme == scheme_id && a.period == period.name)
                    .cloned()
                    .collect();
                let manual = s.assessment.manual_for(scheme_id, &period.name);
                let removed = s.assessment.removed(scheme_id, &period.name);
                (
                    scheme.map(|sc| (sc, closed, appeals, manual, removed)),
                    Lookup::of(s),
                    visibility(s, who),
                    sees_county(s, who),
                )
            })
            .await?;
        let Some((scheme, closed, appeals, manual, removed)) = found else {
            return Err(AppError::Domain(DomainError::NotFound {
                kind: "assessment scheme",
                id: scheme_id.into(),
            }));
        };
        let mut results = match &closed {
            Some(c) => c.results.clone(),
            None => {
                let facts = self
                    .stat_facts(period.from_ms(), period.to_ms(), now_ms)
                    .await?;
                let ctx = look.ctx();
                let units: Vec<String> =
                    subject_units(&ctx, scheme.subject, facts.events(), facts.hops())
                        .into_iter()
                        .collect();
                let satisfied_below = if scheme.basic_counts_as_satisfied {
                    look.satisfied_below
                } else {
                    look.satisfied_below.saturating_sub(1).max(1)
                };
                let inp = Inputs {
                    ctx: &ctx,
                    rules: Rules {
                        satisfied_below,
                        now_ms,
                    },
                    manual: &manual,
                    removed: &removed,
                    units,
                };
                score(&scheme, &inp, facts.events(), facts.hops())
            }
        };
        if !county {
            for r in &mut results {
                if !unit_visible(&vis, &r.unit) {
                    r.indicators.clear();
                }
            }
        }
        let appeals = appeals
            .into_iter()
            .filter(|a| county || unit_visible(&vis, &a.unit))
            .collect();
        Ok(AssessmentView {
            scheme,
            period,
            closed: closed.map(|c| (c.by, c.at_ms, c.seq)),
            results,
            appeals,
            visible: vis,
            county_view: county,
        })
    }

    /// One assessment step by a person, in the first of their grants the rules accept.
    /// Closing a period computes and freezes the results of the scheme's current version.
    pub async fn assess(&self, who: &Principal, now_ms: i64, cmd: AssessmentCmd) -> Result<u64> {
        let cmd = match cmd {
            AssessmentCmd::ClosePeriod { scheme, period, .. } => {
                let mut admin = who.clone();
                // The frozen results hold every unit's explanation, whoever closes.
                admin
                    .grants
                    .retain(|g| g.role == tiaokuai_core::org::RoleKind::SystemAdmin);
                let view = self.assessment(&admin, &scheme, &period, now_ms).await?;
                AssessmentCmd::ClosePeriod {
                    version: view.scheme.version,
                    period: view.period.name,
                    results: view.results,
                    scheme,
                }
            }
            other => other,
        };
        let party = self
            .with_state(|s| {
                let mut best: Option<DomainError> = None;
                for g in &who.grants {
                    let p = Party {
                        username: who.username.clone(),
                        role: g.role,
                        unit: g.unit.clone(),
                    };
                    let t = Transition::Assessment {
                        at_ms: now_ms,
                        by: p.clone(),
                        cmd: cmd.clone(),
                    };
                    match s.check(&t) {
                        Ok(()) => return Ok(p),
                        Err(e) => {
                            let forbidden = matches!(e, DomainError::Forbidden(_));
                            if best.is_none() || !forbidden {
                                best = Some(e);
                            }
                        }
                    }
                }
                Err(best.unwrap_or_else(|| DomainError::forbidden(ImportReason::NoRole)))
            })
            .await??;
        let actor = Actor {
            username: party.username.clone(),
            role: party.role.as_str().to_string(),
            unit: party.unit.clone(),
        };
        let seqs = self
            .submit(
                &actor,
                now_ms,
                vec![Transition::Assessment {
                    at_ms: now_ms,
                    by: party,
                    cmd,
                }],
            )
            .await?;
        seqs.first()
            .copied()
            .ok_or_else(|| AppError::Io("nothing was appended".into()))
    }

    /// Schemes (current versions), for the pickers.
    pub async fn assessment_schemes(&self) -> Result<Vec<Scheme>> {
        self.with_state(|s| {
            s.assessment
                .schemes
                .values()
                .filter_map(|v| v.last().cloned())
                .collect()
        })
        .await
    }

    /// Units whose explanation `who` may see (and whose deductions they may appeal).
    pub async fn own_assessed_units(&self, who: &Principal) -> Result<BTreeSet<String>> {
        self.with_state(|s| {
            who.grants
                .iter()
                .map(|g| {
                    s.org
                        .township_of(&g.unit)
                        .filter(|_| {
                            matches!(
                                g.role,
                                tiaokuai_core::org::RoleKind::TownshipOperator
                                    | tiaokuai_core::org::RoleKind::TownshipLeader
                            )
                        })
                        .map(|t| t.code.clone())
                        .unwrap_or_else(|| g.unit.clone())
                })
                .collect()
        })
        .await
    }
}
