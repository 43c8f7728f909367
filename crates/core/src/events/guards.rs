//! Checks of a new report, of routing against the list item, and of closing; shared by
//! `check.rs`.

use super::book::EventBook;
use super::check::{conflict, forbidden, invalid, valid_photo_hash, Ctx};
use super::model::{AssignmentRole, AssignmentStatus as A, Event, ItemRef, NewEvent, Party};
use super::who::{location_townships, may_receive, reporting_township};
use crate::error::{DomainError, FieldError};
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
            return Err(forbidden(
                "grid workers, township command rooms and the command centre report events",
            ));
        }
        // Scope: a grid worker or a township reports only within its own township.
        if let Some(home) = reporting_township(ctx.org, by) {
            let outside = location_townships(ctx.org, &ev.location)
                .into_iter()
                .find(|(_, _, t)| *t != Some(home.as_str()));
            if let Some((field, value, t)) = outside {
                return Err(forbidden(format!(
                    "{} reports only within township {home}: {field} '{value}' is in {}",
                    by.username,
                    t.unwrap_or("no township")
                )));
            }
        }
        let mut errs = Vec::new();
        let mut err = |f: &str, m: &str| errs.push(FieldError::new("", f, m));
        if ev.title.trim().is_empty() {
            err("title", "a title is required");
        }
        if ev.title.chars().count() > 200 {
            err("title", "at most 200 characters");
        }
        if ev.description.trim().is_empty() {
            err("description", "describe the problem");
        }
        if ev.description.chars().count() > 5000 {
            err("description", "at most 5000 characters");
        }
        let l = &ev.location;
        let in_china = l.lon.is_finite()
            && l.lat.is_finite()
            && (73.0..=136.0).contains(&l.lon)
            && (3.0..=54.0).contains(&l.lat);
        if !in_china {
            err(
                "location",
                "a location (GPS or a point on the map) is required",
            );
        }
        if ev.photos.len() > 9 {
            err("photos", "at most 9 photos");
        }
        if ev.photos.iter().any(|p| !valid_photo_hash(p)) {
            err("photos", "not a photo hash");
        }
        if let Some(g) = &l.grid {
            match ctx.org.grids.get(g) {
                None => err("location.grid", "unknown grid"),
                Some(grid) if l.village.as_deref() != Some(grid.village.as_str()) => {
                    err("location.village", "does not match the grid")
                }
                Some(_) => {}
            }
        }
        if let Some(t) = &l.township {
            if !ctx.org.unit(t).is_some_and(|u| u.kind.is_township()) {
                err("location.township", "not a township");
            }
        }
        if by.role == RoleKind::GridWorker && ev.call {
            err(
                "call",
                "a grid worker reports to the township, which calls the county",
            );
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
                    return Err(invalid("item", "every dispatch cites a list item"));
                }
                if reason.is_empty() {
                    return Err(invalid(
                        "override_reason",
                        "an off-list dispatch needs a reason",
                    ));
                }
            }
            Some(r) => {
                let it = check_item(ctx.lists, r, true)?;
                let named = it.primary.iter().any(|p| p == lead)
                    && co
                        .iter()
                        .all(|c| it.primary.contains(c) || it.supporting.contains(c));
                if !named && reason.is_empty() {
                    return Err(invalid(
                        "override_reason",
                        "the units differ from the list item's: give the reason",
                    ));
                }
            }
        }
        Ok(())
    }

    pub(super) fn check_close(&self, e: &Event) -> Result<(), DomainError> {
        if e.open_dispute().is_some() {
            return Err(conflict("a dispute is waiting for 编办's ruling"));
        }
        let principal: Vec<_> = e.live().filter(|a| a.role != AssignmentRole::Co).collect();
        // Once called, the county must have answered: the township's own hops do not count.
        let county = principal.iter().any(|a| a.role != AssignmentRole::Township);
        if principal.is_empty() || (e.called_ms.is_some() && !county) {
            return Err(conflict("nothing has been handled yet"));
        }
        for a in &principal {
            let ok = a.status == A::Evaluated && a.evaluation.as_ref().is_some_and(|v| v.passed);
            if !ok {
                return Err(conflict(format!(
                    "assignment {} ({}) is {}: grade it first",
                    a.n,
                    a.receiver_unit,
                    a.status.label_zh()
                )));
            }
        }
        if let Some(a) = e.live().find(|a| a.status.is_open()) {
            return Err(conflict(format!("assignment {} is still open", a.n)));
        }
        if e.assignments.iter().any(|a| {
            a.evaluation
                .as_ref()
                .and_then(|v| v.appeal.as_ref())
                .is_some_and(|ap| ap.decision.is_none())
        }) {
            return Err(conflict("an appeal is waiting for a decision"));
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
            format!("list item {} does not exist in version {}", r.id, r.version),
        )
    })?;
    if current && r.version != lists.latest() {
        return Err(invalid(
            "item.version",
            format!(
                "version {} is not the current one ({})",
                r.version,
                lists.latest()
            ),
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
                format!("'{u}' cannot receive an assignment"),
            ));
        } else if u == not {
            errs.push(FieldError::new(
                "",
                field,
                format!("'{u}' cannot send work to itself"),
            ));
        } else if !seen.insert(u) {
            errs.push(FieldError::new("", field, format!("'{u}' is named twice")));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errs))
    }
}
