//! Guards of the workflow: who may issue each command, in which status, before which
//! deadline, with which fields. A refused command changes nothing.

use super::book::EventBook;
use super::cmd::{EventCmd, ReminderKind, ReturnDecision};
use super::guards::{check_item, check_receivers};
use super::model::{AssignmentRole, AssignmentStatus as A, EventStatus as E, Party};
use super::township::{is_township_hop, receives, sends};
use super::who::{has_role, holds_grant, is_staff_of, is_system, party_sees};
use crate::error::{DomainError, EventReason as R, FieldError, FieldReason, Reason};
use crate::lists::Catalogue;
use crate::org::RoleKind;
use crate::state::OrgState;

/// What a check needs from the rest of the state.
pub struct Ctx<'a> {
    pub org: &'a OrgState,
    pub lists: &'a Catalogue,
}

pub(super) fn forbidden(r: impl Into<Reason>) -> DomainError {
    DomainError::Forbidden(r.into())
}
pub(super) fn conflict(r: impl Into<Reason>) -> DomainError {
    DomainError::Conflict(r.into())
}
pub(super) fn invalid(field: &str, r: impl Into<Reason>) -> DomainError {
    DomainError::invalid(field, r)
}
/// The refusal of a command on an event that does not exist or that the party may not read:
/// the same for both, so a refusal tells nothing about an event the caller may not see.
pub fn event_not_found(id: u64) -> DomainError {
    DomainError::NotFound {
        kind: "event",
        id: id.to_string(),
    }
}

/// Whether a refusal is `event_not_found`: the party may not act on the event at all.
pub fn is_event_not_found(e: &DomainError) -> bool {
    matches!(e, DomainError::NotFound { kind: "event", .. })
}

fn required(field: &str, value: &str) -> Result<(), DomainError> {
    if value.trim().is_empty() {
        Err(invalid(field, FieldReason::Required))
    } else {
        Ok(())
    }
}

pub fn valid_photo_hash(h: &str) -> bool {
    h.len() == 64
        && h.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl EventBook {
    pub fn check(
        &self,
        ctx: &Ctx,
        at_ms: i64,
        by: &Party,
        cmd: &EventCmd,
    ) -> Result<(), DomainError> {
        if !is_system(by) && !holds_grant(ctx.org, by) {
            return Err(forbidden(R::NoGrant {
                role: by.role,
                unit: by.unit.clone(),
            }));
        }
        if let EventCmd::Report { event } = cmd {
            return self.check_report(ctx, by, event);
        }
        let id = cmd.event_id().unwrap_or_default();
        // Read scope first: nothing about an unreadable event (its status, its hops) may show
        // in a refusal.
        let e = self
            .events
            .get(&id)
            .filter(|e| party_sees(ctx.org, by, e))
            .ok_or_else(|| event_not_found(id))?;
        let side_record = match cmd {
            EventCmd::ConcludeCase { .. } => true,
            EventCmd::PublicFeedback { .. } => e.status == E::Closed,
            _ => false,
        };
        if e.status.is_final() && !side_record {
            return Err(conflict(R::EventFinal {
                no: e.no.clone(),
                status: e.status,
            }));
        }
        let hop = match cmd.assignment() {
            Some(n) => Some(e.assignment(n).ok_or(DomainError::NotFound {
                kind: "assignment",
                id: format!("{}-{n}", e.id),
            })?),
            None => None,
        };
        let staff = |unit: &str| is_staff_of(ctx.org, by, unit);
        let caller = staff(&e.caller_unit);
        let dispatcher = has_role(ctx.org, by, RoleKind::CountyDispatcher);
        let status_is = |ok: &[E], action: &'static str| -> Result<(), DomainError> {
            if ok.contains(&e.status) {
                Ok(())
            } else {
                Err(conflict(R::EventStatusIs {
                    action,
                    no: e.no.clone(),
                    status: e.status,
                }))
            }
        };
        let hop_is = |ok: &[A], action: &'static str| -> Result<(), DomainError> {
            let a = hop.ok_or_else(|| invalid("assignment", R::AssignmentRequired))?;
            if ok.contains(&a.status) {
                Ok(())
            } else {
                Err(conflict(R::AssignmentStatusIs {
                    action,
                    n: a.n,
                    status: a.status,
                }))
            }
        };
        let receiver = hop.is_some_and(|a| receives(ctx.org, by, a));
        let sender = hop.is_some_and(|a| staff(&a.sender_unit));
        match cmd {
            EventCmd::Report { .. } => Ok(()),
            EventCmd::SelfClose { note, .. } => {
                let grid = by.role == RoleKind::GridWorker && e.reporter == by.username;
                if !(caller || grid) {
                    return Err(forbidden(R::SelfCloseNotAllowed));
                }
                status_is(&[E::Draft], "close locally")?;
                required("note", note)
            }
            EventCmd::Call { item, note, .. } => {
                if !caller {
                    return Err(forbidden(R::CallNotAllowed));
                }
                if self.config.call_needs_leader && by.role != RoleKind::TownshipLeader {
                    return Err(forbidden(R::CallNeedsLeader));
                }
                self.check_call_status(e)?;
                match item {
                    Some(r) => check_item(ctx.lists, r, false).map(|_| ()),
                    // The county must learn why the township calls without the list.
                    None if note.trim().is_empty() => Err(invalid("note", R::OffListCallReason)),
                    None => Ok(()),
                }
            }
            EventCmd::Cancel { reason, .. } => {
                if !caller {
                    return Err(forbidden(R::WithdrawNotAllowed));
                }
                status_is(&[E::Draft, E::Called, E::Dispatched], "withdraw")?;
                if e.live().any(|a| a.status != A::Dispatched) {
                    return Err(conflict(R::AlreadySigned));
                }
                required("reason", reason)
            }
            EventCmd::Dispatch {
                item,
                lead,
                co,
                override_reason,
                ..
            } => {
                if !dispatcher {
                    return Err(forbidden(R::DispatchNotAllowed));
                }
                status_is(&[E::Called], "dispatch")?;
                self.check_routing(ctx, e, item.as_ref(), lead, co, override_reason.as_deref())
            }
            EventCmd::Assign { unit, item, .. } => {
                self.check_assign(ctx, e, by, unit, item.as_ref())
            }
            EventCmd::Whistle { units, .. } => {
                if !(dispatcher || caller) {
                    return Err(forbidden(R::WhistleNotAllowed));
                }
                status_is(&[E::Draft, E::Called], "blow the whistle")?;
                if units.is_empty() {
                    return Err(invalid("units", R::WhistleNeedsUnits));
                }
                check_receivers(ctx.org, "units", units, &e.caller_unit)
            }
            EventCmd::Sign { .. } => {
                if !receiver {
                    return Err(forbidden(R::SignNotAllowed));
                }
                hop_is(&[A::Dispatched], "sign")
            }
            EventCmd::CheckIn { .. } => {
                if !receiver {
                    return Err(forbidden(R::CheckInNotAllowed));
                }
                hop_is(&[A::Dispatched, A::Signed, A::InProgress], "check in")?;
                if hop.is_some_and(|a| a.arrived_ms.is_some()) {
                    return Err(conflict(R::AlreadyCheckedIn));
                }
                Ok(())
            }
            EventCmd::RequestReturn {
                reason,
                legal_basis,
                ..
            } => {
                if !receiver {
                    return Err(forbidden(R::ReturnNotAllowed));
                }
                hop_is(&[A::Dispatched, A::Signed], "return")?;
                if let Some(a) = hop {
                    if at_ms > a.deadlines.return_window {
                        return Err(conflict(R::ReturnWindowClosed));
                    }
                    if a.role == AssignmentRole::Whistle {
                        return Err(conflict(R::WhistleNotReturnable));
                    }
                }
                if e.open_dispute().is_some() {
                    return Err(conflict(R::DisputeWaiting));
                }
                if let Some(a) = hop {
                    transition_return(ctx, e, &a.receiver_unit, at_ms)?;
                }
                let mut errs = Vec::new();
                if reason.trim().is_empty() {
                    errs.push(FieldError::new("", "reason", FieldReason::Required));
                }
                if legal_basis.trim().is_empty() {
                    errs.push(FieldError::new("", "legal_basis", FieldReason::Required));
                }
                if errs.is_empty() {
                    Ok(())
                } else {
                    Err(DomainError::Invalid(errs))
                }
            }
            EventCmd::DecideReturn { decision, .. } => {
                if let Some(a) = hop.filter(|a| is_township_hop(a)) {
                    return self.check_township_return(ctx, e, by, a, decision);
                }
                if !dispatcher {
                    return Err(forbidden(R::DecideReturnNotAllowed));
                }
                hop_is(&[A::ReturnRequested], "decide a return")?;
                match decision {
                    ReturnDecision::Reassign {
                        lead,
                        co,
                        override_reason,
                        note,
                    } => {
                        required("note", note)?;
                        let a = hop.ok_or_else(|| invalid("assignment", R::AssignmentRequired))?;
                        if lead == &a.receiver_unit {
                            return Err(invalid("lead", R::ReassignSameUnit));
                        }
                        let co = if a.role == AssignmentRole::Lead {
                            co.as_slice()
                        } else {
                            &[]
                        };
                        self.check_routing(
                            ctx,
                            e,
                            e.item.as_ref(),
                            lead,
                            co,
                            override_reason.as_deref(),
                        )
                    }
                    ReturnDecision::Reject { note } | ReturnDecision::Dispute { note } => {
                        required("note", note)
                    }
                }
            }
            EventCmd::Rule {
                primary,
                supporting,
                reasoning,
                ..
            } => {
                if !has_role(ctx.org, by, RoleKind::EstablishmentReviewer) {
                    return Err(forbidden(R::RuleNotAllowed));
                }
                if e.open_dispute().is_none() {
                    return Err(conflict(R::NoOpenDispute));
                }
                required("reasoning", reasoning)?;
                check_receivers(ctx.org, "primary", std::slice::from_ref(primary), "")?;
                check_receivers(ctx.org, "supporting", supporting, primary)
            }
            EventCmd::Respond { contacted, .. } => {
                if !receiver {
                    return Err(forbidden(R::RespondNotAllowed));
                }
                hop_is(&[A::Signed, A::InProgress], "respond")?;
                if hop.is_some_and(|a| a.responded_ms.is_some() && a.status == A::InProgress) {
                    return Err(conflict(R::AlreadyResponded));
                }
                required("contacted", contacted)
            }
            EventCmd::Note { text, .. } => {
                let involved =
                    caller || dispatcher || e.assignments.iter().any(|a| staff(&a.receiver_unit));
                if !involved {
                    return Err(forbidden(R::NoteNotAllowed));
                }
                required("text", text)
            }
            EventCmd::RequestExtension { days, reason, .. } => {
                if !receiver {
                    return Err(forbidden(R::ExtensionNotAllowed));
                }
                hop_is(&[A::Signed, A::InProgress], "ask for an extension")?;
                let a = hop.ok_or_else(|| invalid("assignment", R::AssignmentRequired))?;
                if at_ms > a.deadlines.complete {
                    return Err(conflict(R::DeadlinePassed));
                }
                let granted = a
                    .extensions
                    .iter()
                    .filter(|x| x.approved == Some(true))
                    .count();
                if granted as u32 >= self.config.extension_max_count {
                    return Err(conflict(R::TooManyExtensions {
                        max: self.config.extension_max_count,
                    }));
                }
                if *days == 0 || *days > self.config.extension_max_days {
                    return Err(invalid(
                        "days",
                        R::ExtensionDays {
                            max: self.config.extension_max_days,
                        },
                    ));
                }
                required("reason", reason)
            }
            EventCmd::DecideExtension { .. } => {
                match hop {
                    Some(a) if is_township_hop(a) && !sends(ctx.org, by, a) => {
                        return Err(forbidden(R::TownshipDecidesExtension))
                    }
                    Some(a) if is_township_hop(a) => {}
                    _ if !dispatcher => return Err(forbidden(R::DecideExtensionNotAllowed)),
                    _ => {}
                }
                hop_is(&[A::ExtensionRequested], "decide an extension")
            }
            EventCmd::ReportBack { report, .. } => {
                if !receiver {
                    return Err(forbidden(R::ReportBackNotAllowed));
                }
                hop_is(&[A::Signed, A::InProgress], "report back")?;
                let a = hop.ok_or_else(|| invalid("assignment", R::AssignmentRequired))?;
                if a.role == AssignmentRole::Lead {
                    let waiting: Vec<String> = e
                        .live()
                        .filter(|c| c.role == AssignmentRole::Co && c.parent == Some(a.n))
                        .filter(|c| c.status.is_open())
                        .map(|c| c.receiver_unit.clone())
                        .collect();
                    if !waiting.is_empty() {
                        return Err(conflict(R::CoNotReported { units: waiting }));
                    }
                }
                let mut errs = Vec::new();
                for (f, v) in [
                    ("contacted", &report.contacted),
                    ("measures", &report.measures),
                    ("resolve_by", &report.resolve_by),
                ] {
                    if v.trim().is_empty() {
                        errs.push(FieldError::new("report", f, FieldReason::Required));
                    }
                }
                if report.accepted_at_ms > at_ms
                    || report.accepted_at_ms < a.dispatched_ms - 86_400_000
                {
                    errs.push(FieldError::new("report", "accepted_at", R::AcceptedAtRange));
                }
                if report.photos.iter().any(|p| !valid_photo_hash(p)) {
                    errs.push(FieldError::new("report", "photos", R::NotAPhotoHash));
                }
                if errs.is_empty() {
                    Ok(())
                } else {
                    Err(DomainError::Invalid(errs))
                }
            }
            EventCmd::Verify { photos, .. } => {
                let grid = by.role == RoleKind::GridWorker
                    && e.facts.location.village.as_deref() == Some(by.unit.as_str());
                if !(caller || grid) {
                    return Err(forbidden(R::VerifyNotAllowed));
                }
                hop_is(&[A::Reported], "verify")?;
                if photos.iter().any(|p| !valid_photo_hash(p)) {
                    return Err(invalid("photos", R::NotAPhotoHash));
                }
                Ok(())
            }
            EventCmd::Evaluate { level, reason, .. } => {
                if !sender {
                    return Err(forbidden(R::GradeNotAllowed));
                }
                hop_is(&[A::Reported], "evaluate")?;
                let a = hop.ok_or_else(|| invalid("assignment", R::AssignmentRequired))?;
                if a.evaluation.is_some() {
                    return Err(conflict(R::AlreadyGraded));
                }
                if self.config.verification_required
                    && a.role != AssignmentRole::Co
                    && a.verified != Some(true)
                {
                    return Err(conflict(R::VerificationFirst));
                }
                let scale = &self.config.scale;
                if scale.label(*level).is_none() {
                    return Err(invalid(
                        "level",
                        R::LevelRange {
                            max: scale.levels.len().saturating_sub(1),
                        },
                    ));
                }
                if *level > 0 && reason.trim().is_empty() {
                    return Err(invalid("reason", R::ReasonBelowTop));
                }
                Ok(())
            }
            EventCmd::Appeal { reason, .. } => {
                if !receiver {
                    return Err(forbidden(R::AppealNotAllowed));
                }
                let a = hop.ok_or_else(|| invalid("assignment", R::AssignmentRequired))?;
                let ev = a
                    .evaluation
                    .as_ref()
                    .ok_or_else(|| conflict(R::NotGraded))?;
                if ev.level == 0 {
                    return Err(conflict(R::TopGradeFinal));
                }
                if ev.appeal.is_some() {
                    return Err(conflict(R::AppealedOnce));
                }
                required("reason", reason)
            }
            EventCmd::DecideAppeal {
                upheld,
                new_level,
                note,
                ..
            } => {
                if !dispatcher {
                    return Err(forbidden(R::DecideAppealNotAllowed));
                }
                let a = hop.ok_or_else(|| invalid("assignment", R::AssignmentRequired))?;
                let ev = a
                    .evaluation
                    .as_ref()
                    .ok_or_else(|| conflict(R::NotGraded))?;
                match &ev.appeal {
                    Some(ap) if ap.decision.is_none() => {}
                    _ => return Err(conflict(R::NoAppealWaiting)),
                }
                required("note", note)?;
                if !upheld {
                    match new_level {
                        Some(l) if *l < ev.level => {}
                        _ => return Err(invalid("new_level", R::BetterGrade)),
                    }
                }
                Ok(())
            }
            EventCmd::Close { .. } => {
                if !caller {
                    return Err(forbidden(R::CloseNotAllowed));
                }
                self.check_close(e)
            }
            EventCmd::Shelve { reason, .. } => {
                if !dispatcher {
                    return Err(forbidden(R::ShelveNotAllowed));
                }
                if e.called_ms.is_none() {
                    return Err(conflict(R::DraftNotShelved));
                }
                required("reason", reason)
            }
            EventCmd::Remind { kind, .. } => {
                let allowed = is_system(by)
                    || dispatcher
                    || (*kind == ReminderKind::Remind && caller)
                    || (*kind == ReminderKind::Supervise
                        && has_role(ctx.org, by, RoleKind::Leader));
                if !allowed {
                    return Err(forbidden(R::RemindNotAllowed { kind: *kind }));
                }
                let a = hop.ok_or_else(|| invalid("assignment", R::AssignmentRequired))?;
                if !a.status.is_open() {
                    return Err(conflict(R::AssignmentNotOpen));
                }
                Ok(())
            }
            EventCmd::PublicFeedback { level, .. } => {
                if !dispatcher {
                    return Err(forbidden(R::FeedbackNotAllowed));
                }
                if self.config.scale.label(*level).is_none() {
                    return Err(invalid("level", R::NotOnScale));
                }
                Ok(())
            }
            EventCmd::ConcludeCase {
                event,
                assignment,
                outcome,
            } => {
                if !has_role(ctx.org, by, RoleKind::DisciplineInspector) {
                    return Err(forbidden(R::ConcludeNotAllowed));
                }
                match self.cases.get(&(*event, *assignment)) {
                    None => Err(DomainError::NotFound {
                        kind: "case",
                        id: format!("{event}-{assignment}"),
                    }),
                    Some(c) if c.outcome.is_some() => Err(conflict(R::CaseConcluded)),
                    Some(_) => required("outcome", outcome),
                }
            }
        }
    }
}

/// A department may not return work on a power it delegated to the event's township while
/// the power is in its transition period ([`crate::delegation::rule`]).
fn transition_return(
    ctx: &Ctx,
    e: &super::model::Event,
    unit: &str,
    at_ms: i64,
) -> Result<(), DomainError> {
    let Some(r) = &e.item else { return Ok(()) };
    let Some(item) = ctx.lists.item_at(&r.id, r.version) else {
        return Ok(());
    };
    let township = e
        .facts
        .location
        .township
        .clone()
        .or_else(|| ctx.org.township_of(&e.caller_unit).map(|u| u.code.clone()));
    let date = crate::calendar::cst_date(at_ms).to_string();
    match crate::delegation::rule::return_refused_until(
        ctx.org,
        item,
        township.as_deref(),
        unit,
        &date,
    ) {
        Some(until) => Err(conflict(
            crate::error::DelegationReason::TransitionNoReturn {
                item: item.name.clone(),
                until: until.to_string(),
            },
        )),
        None => Ok(()),
    }
}
