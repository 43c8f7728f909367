//! Checks of a new report, of routing against the list item, and of closing; shared by
//! `check.rs`.

use super::book::EventBook;
use super::check::{conflict, forbidden, invalid, valid_photo_hash, Ctx};
use super::model::{AssignmentRole, AssignmentStatus as A, Event, ItemRef, NewEvent, Party};
use super::who::{location_townships, may_receive, reporting_township};
use crate::error::{DomainError, EventReason as R, FieldError, FieldReason, OrgReason, Reason};
use crate::lists::Catalogue;
use crate::org::RoleKind;
use crate::state::OrgState;

impl EventBook {
    pub(super) fn check_report(
        &self,
        ctx: &Ctx,
        by: &Party,
        ev: &NewEvent,
    ) -> Result<(), DomainError> {
        let allowed = matches!(
            by.role,
            RoleKind::GridWorker
                | RoleKind::TownshipOperator
                | RoleKind::TownshipLeader
                | RoleKind::CountyDispatcher
        );
        if !allowed {
            return Err(forbidden(R::ReportNotAllowed));
        }
        // Scope: a grid worker or a township reports only within its own township.
        if let Some(home) = reporting_township(ctx.org, by) {
            let outside = location_townships(ctx.org, &ev.location)
                .into_iter()
                .find(|(_, _, t)| *t != Some(home.as_str()));
            if let Some((_, _, t)) = outside {
                return Err(forbidden(R::OutsideTownship {
                    home: home.to_string(),
                    place: t.unwrap_or("-").to_string(),
                }));
            }
        }
        let mut errs = Vec::new();
        let mut err = |f: &str, r: Reason| errs.push(FieldError::new("", f, r));
        if ev.title.trim().is_empty() {
            err("title", FieldReason::Required.into());
        }
        if ev.title.chars().count() > 200 {
            err("title", FieldReason::TooLong { max: 200 }.into());
        }
        if ev.description.trim().is_empty() {
            err("description", R::DescribeProblem.into());
        }
        if ev.description.chars().count() > 5000 {
            err("description", FieldReason::TooLong { max: 5000 }.into());
        }
        let l = &ev.location;
        let in_china = l.lon.is_finite()
            && l.lat.is_finite()
            && (73.0..=136.0).contains(&l.lon)
            && (3.0..=54.0).contains(&l.lat);
        if !in_china {
            err("location", R::LocationRequired.into());
        }
        if ev.photos.len() > 9 {
            err("photos", R::TooManyPhotos { max: 9 }.into());
        }
        if ev.photos.iter().any(|p| !valid_photo_hash(p)) {
            err("photos", R::NotAPhotoHash.into());
        }
        if let Some(g) = &l.grid {
            match ctx.org.grids.get(g) {
                None => err("location.grid", R::UnknownGrid.into()),
                Some(grid) if l.village.as_deref() != Some(grid.village.as_str()) => {
                    err("location.village", R::VillageNotGrid.into())
                }
                Some(_) => {}
            }
        }
        if let Some(t) = &l.township {
            if !ctx.org.unit(t).is_some_and(|u| u.kind.is_township()) {
                err(
                    "location.township",
                    OrgReason::NotATownship { unit: t.clone() }.into(),
                );
            }
        }
        if by.role == RoleKind::GridWorker && ev.call {
            err("call", R::GridWorkerCalls.into());
        }
        if !errs.is_empty() {
            return Err(DomainError::Invalid(errs));
        }
        if let Some(r) = &ev.item {
            check_item(ctx.lists, r, false)?;
        }
        Ok(())
    }

    /// Lead and co-departments against the cited item: off-list or different units need a reason.
    pub(super) fn check_routing(
        &self,
        ctx: &Ctx,
        e: &Event,
        item: Option<&ItemRef>,
        lead: &str,
        co: &[String],
        override_reason: Option<&str>,
    ) -> Result<(), DomainError> {
        check_receivers(ctx.org, "lead", &[lead.to_string()], &e.caller_unit)?;
        check_receivers(ctx.org, "co", co, lead)?;
        let reason = override_reason.map(str::trim).unwrap_or("");
        match item {
            None => {
                if !self.config.allow_off_list {
                    return Err(invalid("item", R::ItemRequired));
                }
                if reason.is_empty() {
                    return Err(invalid("override_reason", R::OffListReason));
                }
            }
            Some(r) => {
                let it = check_item(ctx.lists, r, true)?;
                let named = it.primary.iter().any(|p| p == lead)
                    && co
                        .iter()
                        .all(|c| it.primary.contains(c) || it.supporting.contains(c));
                if !named && reason.is_empty() {
                    return Err(invalid("override_reason", R::UnitsDiffer));
                }
            }
        }
        Ok(())
    }

    pub(super) fn check_close(&self, e: &Event) -> Result<(), DomainError> {
        if e.open_dispute().is_some() {
            return Err(conflict(R::DisputeWaiting));
        }
        let principal: Vec<_> = e.live().filter(|a| a.role != AssignmentRole::Co).collect();
        // Once called, the county must have answered: the township's own hops do not count.
        let county = principal.iter().any(|a| a.role != AssignmentRole::Township);
        if principal.is_empty() || (e.called_ms.is_some() && !county) {
            return Err(conflict(R::NothingHandled));
        }
        for a in &principal {
            let ok = a.status == A::Evaluated && a.evaluation.as_ref().is_some_and(|v| v.passed);
            if !ok {
                return Err(conflict(R::GradeFirst {
                    n: a.n,
                    unit: a.receiver_unit.clone(),
                    status: a.status,
                }));
            }
        }
        if let Some(a) = e.live().find(|a| a.status.is_open()) {
            return Err(conflict(R::StillOpen { n: a.n }));
        }
        if e.assignments.iter().any(|a| {
            a.evaluation
                .as_ref()
                .and_then(|v| v.appeal.as_ref())
                .is_some_and(|ap| ap.decision.is_none())
        }) {
            return Err(conflict(R::AppealWaiting));
        }
        Ok(())
    }
}

/// The item exists at the cited version; `current` also requires the version in force now.
pub(super) fn check_item<'a>(
    lists: &'a Catalogue,
    r: &ItemRef,
    current: bool,
) -> Result<&'a crate::lists::Item, DomainError> {
    let it = lists.item_at(&r.id, r.version).ok_or_else(|| {
        invalid(
            "item",
            R::ItemMissing {
                id: r.id.clone(),
                version: r.version,
            },
        )
    })?;
    if current && r.version != lists.latest() {
        return Err(invalid(
            "item.version",
            R::ItemNotCurrent {
                version: r.version,
                latest: lists.latest(),
            },
        ));
    }
    Ok(it)
}

pub(super) fn check_receivers(
    org: &OrgState,
    field: &str,
    units: &[String],
    not: &str,
) -> Result<(), DomainError> {
    let mut errs = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for u in units {
        if !may_receive(org, u) {
            errs.push(FieldError::new(
                "",
                field,
                R::CannotReceive { unit: u.clone() },
            ));
        } else if u == not {
            // For co and supporting units `not` is the lead (primary) unit, not the sender.
            let reason = match field {
                "co" | "supporting" => R::AlsoLead { unit: u.clone() },
                _ => R::SendsToItself { unit: u.clone() },
            };
            errs.push(FieldError::new("", field, reason));
        } else if !seen.insert(u) {
            errs.push(FieldError::new(
                "",
                field,
                R::NamedTwice { unit: u.clone() },
            ));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errs))
    }
}
