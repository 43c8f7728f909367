//! 乡镇派单: the township command room assigns its own event to a unit stationed in the
//! township (派驻机构: 派出所, 市场监管所, 执法中队, 司法所… or one of their divisions) before it
//! calls the county. The hop behaves like any other (sign, respond, report back, return within
//! the window with a legal basis), but the township, its sender, decides returns and
//! extensions and grades it (谁派单、谁评价). Once the township calls the county, its own hops
//! are history and the county's hops drive the event.

use super::book::EventBook;
use super::check::{conflict, forbidden, invalid, Ctx};
use super::cmd::ReturnDecision;
use super::guards::check_item;
use super::model::{
    Assignment, AssignmentRole, AssignmentStatus as A, Event, EventStatus as E, ItemRef, Party,
};
use super::who::{is_staff_of, may_receive};
use crate::error::{DomainError, EventReason as R, FieldReason};
use crate::org::{RoleKind, Unit, UnitKind};
use crate::state::OrgState;

/// A hop the township sent to one of its stationed units.
pub fn is_township_hop(a: &Assignment) -> bool {
    a.role == AssignmentRole::Township
}

fn township_role(by: &Party) -> bool {
    matches!(
        by.role,
        RoleKind::TownshipOperator | RoleKind::TownshipLeader
    )
}

/// `unit` may receive a township assignment from `township`: a stationed unit sitting in that
/// township, or a division of one. County departments and other townships' units are reached
/// by calling the county.
pub fn assignable(org: &OrgState, township: &str, unit: &str) -> bool {
    let Some(u) = org.unit(unit) else {
        return false;
    };
    matches!(u.kind, UnitKind::StationedUnit | UnitKind::Division)
        && may_receive(org, unit)
        && org.township_of(unit).is_some_and(|t| t.code == township)
}

/// The units township `township` may assign to, by code.
pub fn assignable_units<'a>(org: &'a OrgState, township: &'a str) -> Vec<&'a Unit> {
    org.units
        .values()
        .filter(|u| assignable(org, township, &u.code))
        .collect()
}

/// `by` acts for the receiving side of hop `a`. A township co-manages the units stationed in
/// it (so `is_staff_of` counts it as staff of them), but only a stationed unit's own staff
/// sign, handle, report back or return its hops: the township sends or calls for that work
/// and grades it (谁派单、谁评价), so it must never answer for the unit it grades.
pub fn receives(org: &OrgState, by: &Party, a: &Assignment) -> bool {
    is_staff_of(org, by, &a.receiver_unit)
        && !(township_role(by) && stationed_or_below(org, &a.receiver_unit))
        && !(is_township_hop(a) && township_role(by) && is_staff_of(org, by, &a.sender_unit))
}

/// A stationed unit (派驻机构) or one of its divisions.
fn stationed_or_below(org: &OrgState, unit: &str) -> bool {
    let mut at = org.unit(unit);
    for _ in 0..8 {
        match at {
            Some(u) if u.kind == crate::org::UnitKind::StationedUnit => return true,
            Some(u) => at = u.parent.as_deref().and_then(|p| org.unit(p)),
            None => return false,
        }
    }
    false
}

/// `by` speaks for the township that sent hop `a` (decides its returns and extensions).
pub fn sends(org: &OrgState, by: &Party, a: &Assignment) -> bool {
    township_role(by) && is_staff_of(org, by, &a.sender_unit)
}

impl EventBook {
    pub(super) fn check_assign(
        &self,
        ctx: &Ctx,
        e: &Event,
        by: &Party,
        unit: &str,
        item: Option<&ItemRef>,
    ) -> Result<(), DomainError> {
        if !(township_role(by) && is_staff_of(ctx.org, by, &e.caller_unit)) {
            return Err(forbidden(R::AssignNotAllowed));
        }
        if e.called_ms.is_some() {
            return Err(conflict(R::CalledToCounty { no: e.no.clone() }));
        }
        if unit.trim().is_empty() {
            return Err(invalid("unit", R::StationedUnitRequired));
        }
        if !assignable(ctx.org, &e.caller_unit, unit) {
            return Err(invalid(
                "unit",
                R::NotStationed {
                    unit: unit.to_string(),
                },
            ));
        }
        if e.live()
            .any(|a| is_township_hop(a) && a.status.is_open() && a.receiver_unit == unit)
        {
            return Err(conflict(R::AlreadyHasEvent {
                unit: unit.to_string(),
            }));
        }
        if let Some(r) = item {
            check_item(ctx.lists, r, false)?;
        }
        Ok(())
    }

    /// A call is the township's until the county has it: a draft, or an event its stationed
    /// units worked on. A pending return of a township hop is accepted by the call; any other
    /// township hop must be finished (graded) first.
    pub(super) fn check_call_status(&self, e: &Event) -> Result<(), DomainError> {
        if e.called_ms.is_some() {
            return Err(conflict(R::EventStatusIs {
                action: "call",
                no: e.no.clone(),
                status: e.status,
            }));
        }
        let busy = e.live().find(|a| {
            is_township_hop(a)
                && ((a.status.is_open() && a.status != A::ReturnRequested)
                    || a.status == A::Reported)
        });
        match busy {
            Some(a) => Err(conflict(R::TownshipHopBusy {
                n: a.n,
                unit: a.receiver_unit.clone(),
                status: a.status,
            })),
            None => Ok(()),
        }
    }

    /// The township decides a return of its own hop: reassign to another of its stationed
    /// units or reject. A dispute is for the county's division of duties; the township calls
    /// the county instead.
    pub(super) fn check_township_return(
        &self,
        ctx: &Ctx,
        e: &Event,
        by: &Party,
        a: &Assignment,
        decision: &ReturnDecision,
    ) -> Result<(), DomainError> {
        if !sends(ctx.org, by, a) {
            return Err(forbidden(R::TownshipDecidesReturn));
        }
        if a.status != A::ReturnRequested {
            return Err(conflict(R::AssignmentStatusIs {
                action: "decide a return",
                n: a.n,
                status: a.status,
            }));
        }
        let note = match decision {
            ReturnDecision::Reassign { lead, note, .. } => {
                if lead == &a.receiver_unit {
                    return Err(invalid("lead", R::ReassignSameUnit));
                }
                if !assignable(ctx.org, &e.caller_unit, lead) {
                    return Err(invalid(
                        "lead",
                        R::NotStationed {
                            unit: lead.to_string(),
                        },
                    ));
                }
                note
            }
            ReturnDecision::Reject { note } => note,
            ReturnDecision::Dispute { .. } => {
                return Err(invalid("decision", R::NoDisputeForTownship))
            }
        };
        if note.trim().is_empty() {
            return Err(invalid("note", FieldReason::Required));
        }
        Ok(())
    }

    pub(super) fn apply_assign(
        &self,
        ctx: &Ctx,
        e: &mut Event,
        at_ms: i64,
        by: &Party,
        unit: &str,
        item: Option<&ItemRef>,
    ) {
        if let Some(r) = item {
            e.item = Some(r.clone());
        }
        let sender = e.caller_unit.clone();
        let hop = self.new_hop(
            ctx,
            e,
            AssignmentRole::Township,
            &sender,
            unit,
            None,
            at_ms,
            by,
            None,
        );
        e.assignments.push(hop);
    }
}

/// Calling the county accepts a pending return of a township hop: the work goes up.
pub(super) fn accept_returns_on_call(e: &mut Event) {
    for a in e.assignments.iter_mut() {
        if is_township_hop(a) && a.status == A::ReturnRequested {
            a.status = A::Returned;
            if let Some(r) = a.returns.last_mut() {
                r.outcome = Some("accepted".to_string());
            }
        }
    }
}

/// Which hops drive the event's status: before the call the township's own, after it the
/// county's (the township's are then finished history).
pub(super) fn drives_status(e: &Event, a: &Assignment) -> bool {
    a.role != AssignmentRole::Co && is_township_hop(a) != e.called_ms.is_some()
}

/// The status of an event with no hop driving it.
pub(super) fn idle_status(e: &Event) -> E {
    if e.called_ms.is_some() {
        E::Called
    } else {
        E::Draft
    }
}
