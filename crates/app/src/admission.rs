//! Admission (准入) and 交办 use cases: each step is one log entry taken in the first of the
//! person's grants the rules accept; reads are scoped to what the person's role and unit may
//! see. The admitted catalogue is public.

use crate::engine::{Actor, Engine};
use crate::error::{AppError, Result};
use std::collections::BTreeMap;
use tiaokuai_core::access::{covers_county, Principal};
use tiaokuai_core::admission::flow::{applicant_unit, township_of_party};
use tiaokuai_core::admission::{AdmissionCmd, AdmissionConfig, AdmissionRecord, Handover, Stage};
use tiaokuai_core::error::ImportReason;
use tiaokuai_core::events::Party;
use tiaokuai_core::{CountyState, DomainError, Transition};

/// The parties a principal may act as, one per grant.
pub fn parties(who: &Principal) -> Vec<Party> {
    who.grants
        .iter()
        .map(|g| Party {
            username: who.username.clone(),
            role: g.role,
            unit: g.unit.clone(),
        })
        .collect()
}

/// Whether the principal sees the whole county's applications and handovers (编办, 司法局,
/// county leaders, administrators and other county-wide roles).
pub fn sees_all(s: &CountyState, who: &Principal) -> bool {
    who.grants.iter().any(|g| covers_county(g, &s.org))
}

/// The units a principal applies or issues for (departments) and the townships they act for.
pub fn own_units(s: &CountyState, who: &Principal) -> (Vec<String>, Vec<String>) {
    let mut apply = vec![];
    let mut towns = vec![];
    for p in parties(who) {
        if let Some(u) = applicant_unit(&s.org, &p) {
            apply.push(u);
        }
        if let Some(t) = township_of_party(&s.org, &p) {
            towns.push(t);
        }
    }
    apply.sort();
    apply.dedup();
    towns.sort();
    towns.dedup();
    (apply, towns)
}

/// Whether `who` may see application `rec`: county-wide roles, the applicant's unit, and the
/// townships consulted.
pub fn may_see_application(s: &CountyState, who: &Principal, rec: &AdmissionRecord) -> bool {
    if sees_all(s, who) {
        return true;
    }
    let (apply, towns) = own_units(s, who);
    apply.contains(&rec.unit) || towns.iter().any(|t| rec.consulted.contains(t))
}

/// Whether `who` may see handover `h`: county-wide roles, the issuing department and the
/// townships it was handed to.
pub fn may_see_handover(s: &CountyState, who: &Principal, h: &Handover) -> bool {
    if sees_all(s, who) {
        return true;
    }
    let (apply, towns) = own_units(s, who);
    apply.contains(&h.unit) || towns.iter().any(|t| h.draft.townships.contains(t))
}

fn not_found(kind: &'static str, id: u64) -> AppError {
    AppError::Domain(DomainError::NotFound {
        kind,
        id: id.to_string(),
    })
}

impl Engine {
    /// One admission or 交办 step by a person, in the first of their grants the rules accept.
    /// Returns the log sequence of the entry (an application's or handover's id).
    pub async fn admission_step(
        &self,
        who: &Principal,
        now_ms: i64,
        cmd: AdmissionCmd,
    ) -> Result<u64> {
        let party = self
            .with_state(|s| {
                let mut best: Option<DomainError> = None;
                for p in parties(who) {
                    let t = Transition::Admission {
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
        let t = Transition::Admission {
            at_ms: now_ms,
            by: party,
            cmd,
        };
        let seqs = self.submit(&actor, now_ms, vec![t]).await?;
        seqs.first()
            .copied()
            .ok_or_else(|| AppError::Io("nothing was appended".into()))
    }

    /// Applications `who` may see, newest first; `stage` filters by the stage at `now_ms`.
    pub async fn admission_applications(
        &self,
        who: &Principal,
        now_ms: i64,
        stage: Option<Stage>,
    ) -> Result<Vec<AdmissionRecord>> {
        self.with_state(|s| {
            let mut v: Vec<AdmissionRecord> = s
                .admission
                .applications
                .values()
                .filter(|a| stage.is_none_or(|st| a.stage(now_ms) == st))
                .filter(|a| may_see_application(s, who, a))
                .cloned()
                .collect();
            v.reverse();
            v
        })
        .await
    }

    /// One application, if `who` may see it (else not found).
    pub async fn admission_application(&self, who: &Principal, id: u64) -> Result<AdmissionRecord> {
        self.with_state(|s| {
            s.admission
                .applications
                .get(&id)
                .filter(|a| may_see_application(s, who, a))
                .cloned()
        })
        .await?
        .ok_or_else(|| not_found("admission application", id))
    }

    /// The admitted catalogue (admitted and expired entries, withdrawn ones left out): public.
    pub async fn admission_catalogue(&self, now_ms: i64) -> Result<Vec<AdmissionRecord>> {
        self.with_state(|s| s.admission.catalogue(now_ms).cloned().collect())
            .await
    }

    /// Handovers `who` may see, newest first.
    pub async fn handovers(&self, who: &Principal) -> Result<Vec<Handover>> {
        self.with_state(|s| {
            let mut v: Vec<Handover> = s
                .admission
                .handovers
                .values()
                .filter(|h| may_see_handover(s, who, h))
                .cloned()
                .collect();
            v.reverse();
            v
        })
        .await
    }

    /// One handover, if `who` may see it (else not found).
    pub async fn handover(&self, who: &Principal, id: u64) -> Result<Handover> {
        self.with_state(|s| {
            s.admission
                .handovers
                .get(&id)
                .filter(|h| may_see_handover(s, who, h))
                .cloned()
        })
        .await?
        .ok_or_else(|| not_found("handover", id))
    }

    /// Refusals of non-admitted handovers per issuing department, for tasks issued in
    /// `[from_ms, to_ms)`: public, like the catalogue.
    pub async fn handover_refusals(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<BTreeMap<String, usize>> {
        self.with_state(|s| s.admission.refusals_by_department(from_ms, to_ms))
            .await
    }

    /// The working-day time limits in force.
    pub async fn admission_config(&self) -> Result<AdmissionConfig> {
        self.with_state(|s| s.admission.config).await
    }
}
