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
use tiaokuai_core::error::ImportReason;
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
/// refusal of the most specific one (a state conflict or bad input beats "forbidden"). A grant
/// that may not read the event ranks lowest, so a person who reads the event through another
/// grant hears that grant's refusal, and one who may not read it hears only "not found".
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
                    e if tiaokuai_core::events::check::is_event_not_found(e) => -1,
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
    Err(best.unwrap_or_else(|| DomainError::forbidden(ImportReason::NoRole)))
}

/// A ruling with `open_adjustment` files a 变更主体/配合责任 application for the event's list
/// item, proposing the parties the ruling named.
fn ruling_adjustment(
    s: &CountyState,
    who: &Principal,
    now_ms: i64,
    cmd: &EventCmd,
) -> Option<Transition> {
    let EventCmd::Rule {
        event,
        primary,
        supporting,
        reasoning,
        open_adjustment: true,
    } = cmd
    else {
        return None;
    };
    let e = s.events.event(*event)?;
    let r = e.item.as_ref()?;
    let latest = s.lists.latest();
    let mut item = s.lists.item_at(&r.id, latest)?.clone();
    // Townships named as supporting stay; the departments are the ruling's.
    let townships: Vec<String> = item
        .supporting
        .iter()
        .filter(|u| s.org.unit(u).is_some_and(|x| x.kind.is_township()))
        .cloned()
        .collect();
    item.primary = vec![primary.clone()];
    item.supporting = supporting.iter().cloned().chain(townships).collect();
    let id = s.adjustments.keys().next_back().map(|k| k + 1).unwrap_or(1);
    // The units' positions on record: every return on the event with its legal basis.
    let mut opinions: Vec<String> = e
        .assignments
        .iter()
        .flat_map(|a| {
            a.returns.iter().map(move |r| {
                format!(
                    "{}：{}（依据：{}）",
                    a.receiver_unit, r.reason, r.legal_basis
                )
            })
        })
        .collect();
    opinions.extend(e.disputes.iter().map(|d| format!("争议：{}", d.reason)));
    Some(Transition::AdjustmentFiled {
        application: tiaokuai_core::lists::Application {
            id,
            applicant: who.username.clone(),
            applicant_unit: who.unit.clone(),
            kind: tiaokuai_core::lists::AdjustmentKind::ChangeParties,
            item_id: item.id.clone(),
            base_version: latest,
            proposed: Some(item),
            reason: format!("事件{}职责争议裁定：{}", e.no, reasoning.trim()),
            basis: format!("编办对事件{}的职责争议裁定", e.no),
            opinions: opinions.join("；"),
        },
        at_ms: now_ms,
    })
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
        let (party, extra) = self
            .with_state(|s| {
                let p = choose_party(s, who, now_ms, &cmd)?;
                Ok::<_, DomainError>((p, ruling_adjustment(s, who, now_ms, &cmd)))
            })
            .await??;
        if let Some(t) = extra {
            // The ruling and the list adjustment it opens are one all-or-nothing append.
            let seqs = self
                .submit(
                    &actor(&party),
                    now_ms,
                    vec![transition(&party, now_ms, cmd), t],
                )
                .await?;
            return seqs
                .first()
                .copied()
                .ok_or_else(|| AppError::Io("nothing was appended".into()));
        }
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
                    ImportReason::PhotoNotUploaded {
                        hash: missing.to_string(),
                    },
                )));
            }
        }
        let located = self
            .with_state(|s| {
                // Statistics group by a coded category: from what was typed, else the cited
                // item's wording or the title.
                let item = event
                    .item
                    .as_ref()
                    .and_then(|r| s.lists.item_at(&r.id, r.version))
                    .map(|i| i.name.as_str());
                event.category = s.categories.for_report(&event.category, item, &event.title);
                locate::resolve(s, &mut event.location)
            })
            .await?;
        if !located {
            tracing::debug!("report outside every grid polygon");
        }
        self.act(who, now_ms, EventCmd::Report { event }).await
    }
}
