//! Use cases of the event workflow: report (with photos and location), every other step, the
//! timeline and its proofs. The domain core decides; this layer picks the grant a person acts
//! in, resolves locations and stores evidence.

pub mod locate;
pub mod notify;
pub mod photos;
pub mod scheduler;
pub mod timeline;

use crate::engine::{Actor, Engine};
use crate::error::{AppError, Result};
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::{EventCmd, NewEvent, Party};
use tiaokuai_core::{CountyState, DomainError, Transition};

fn transition(p: &Party, now_ms: i64, cmd: EventCmd) -> Transition {
    Transition::Event {
        at_ms: now_ms,
        by: p.clone(),
        cmd,
    }
}

/// The grant a person acts in for `cmd`: the first that the rules accept; if none does, the
/// refusal of the most specific one (a state conflict or bad input beats "forbidden").
pub fn choose_party(
    state: &CountyState,
    who: &Principal,
    now_ms: i64,
    cmd: &EventCmd,
) -> std::result::Result<Party, DomainError> {
    let mut best: Option<DomainError> = None;
    for g in &who.grants {
        let p = Party {
            username: who.username.clone(),
            role: g.role,
            unit: g.unit.clone(),
        };
        match state.check(&transition(&p, now_ms, cmd.clone())) {
            Ok(()) => return Ok(p),
            Err(e) => {
                let rank = |e: &DomainError| match e {
                    DomainError::Forbidden(_) => 0,
                    DomainError::NotFound { .. } => 1,
                    DomainError::Conflict(_) => 2,
                    DomainError::Invalid(_) => 3,
                };
                if best.as_ref().is_none_or(|b| rank(&e) > rank(b)) {
                    best = Some(e);
                }
            }
        }
    }
    Err(best.unwrap_or_else(|| DomainError::Forbidden("you hold no role".into())))
}

fn actor(p: &Party) -> Actor {
    Actor {
        username: p.username.clone(),
        role: p.role.as_str().to_string(),
        unit: p.unit.clone(),
    }
}

impl Engine {
    /// One workflow step by a person. Returns the log sequence of the entry.
    pub async fn act(&self, who: &Principal, now_ms: i64, cmd: EventCmd) -> Result<u64> {
        let party = self
            .with_state(|s| choose_party(s, who, now_ms, &cmd))
            .await??;
        self.act_as(&party, now_ms, cmd).await
    }

    /// One workflow step in a given grant (or by the system scheduler).
    pub async fn act_as(&self, party: &Party, now_ms: i64, cmd: EventCmd) -> Result<u64> {
        let seqs = self
            .submit(&actor(party), now_ms, vec![transition(party, now_ms, cmd)])
            .await?;
        seqs.first()
            .copied()
            .ok_or_else(|| AppError::Io("nothing was appended".into()))
    }

    /// A new event. Fills grid, village and township from the point when not given, and
    /// checks that every photo is stored. Returns the event id.
    pub async fn report_event(
        &self,
        who: &Principal,
        now_ms: i64,
        mut event: NewEvent,
    ) -> Result<u64> {
        if !event.photos.is_empty() {
            let present = self.store().blobs_present(&event.photos).await?;
            if let Some(missing) = event.photos.iter().find(|h| !present.contains(h)) {
                return Err(AppError::Domain(DomainError::invalid(
                    "photos",
                    format!("photo {missing} was not uploaded"),
                )));
            }
        }
        let located = self
            .with_state(|s| locate::resolve(s, &mut event.location))
            .await?;
        if !located {
            tracing::debug!("report outside every grid polygon");
        }
        self.act(who, now_ms, EventCmd::Report { event }).await
    }
}
