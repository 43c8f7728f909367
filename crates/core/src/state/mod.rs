//! The county's current state, folded from its transitions. `check` says whether a transition
//! may be appended; `apply` folds it in. Both are pure.

use crate::error::{DataReason, DomainError, FieldError, OrgReason as O, Reason};
use crate::events::{Ctx, EventBook};
use crate::lists::{Adjustment, Catalogue};
use crate::org::{validate_polygon, Grid, Person, RoleGrant, Unit};
use crate::transition::Transition;
use serde::{Deserialize, Serialize};

mod lists;
mod org_checks;
mod personal;
pub(crate) mod snapshot;
pub use snapshot::SNAPSHOT_FORMAT;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub person: Person,
    pub password_hash: Option<String>,
    pub grants: BTreeSet<RoleGrant>,
    /// The person's personal data was erased ([`Transition::PersonErased`]); the record stays
    /// so their username still resolves in history.
    pub erased: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgState {
    pub units: BTreeMap<String, Unit>,
    pub people: BTreeMap<String, PersonRecord>,
    pub grids: BTreeMap<String, Grid>,
    /// Grid outlines parsed once, for locating reports (derived from `grids`: a snapshot
    /// leaves them out and [`OrgState::rebuild_grid_shapes`] parses them again).
    #[serde(skip)]
    pub grid_shapes: BTreeMap<String, (crate::org::BBox, geo::Polygon<f64>)>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CountyState {
    pub org: OrgState,
    pub lists: Catalogue,
    pub adjustments: BTreeMap<u64, Adjustment>,
    pub events: EventBook,
    /// The event category tree (built-in plus the county's own branches). Shared: the writer
    /// clones the state for every batch, and the tree rarely changes.
    #[serde(with = "snapshot::arc")]
    pub categories: std::sync::Arc<crate::categories::CategoryTree>,
    pub assessment: crate::assess::AssessmentBook,
    /// Delegated powers in use: the 点单 menu, orders, evaluation rounds, recalls.
    #[serde(default)]
    pub delegation: crate::delegation::DelegationBook,
    /// Admission applications, the admitted catalogue and 交办 handovers.
    #[serde(default)]
    pub admission: crate::admission::AdmissionBook,
    /// Grid patrols, weekly minutes and patrol rules.
    #[serde(default)]
    pub patrol: crate::patrol::PatrolBook,
    /// Suggestions filed from the public page, oldest first.
    #[serde(default)]
    pub public_suggestions: Vec<crate::public::PublicSuggestion>,
    /// Transitions folded so far: the log sequence the next one will get.
    pub log_len: u64,
}

/// A grid's outline for [`OrgState::locate`]; `None` when its geometry is not a valid polygon.
fn grid_shape(grid: &Grid) -> Option<(crate::org::BBox, geo::Polygon<f64>)> {
    let (ring, bbox) = validate_polygon(&grid.geometry).ok()?;
    Some((bbox, geo::Polygon::new(geo::LineString::from(ring), vec![])))
}

fn invalid(field: &str, r: impl Into<Reason>) -> DomainError {
    DomainError::invalid(field, r)
}

impl OrgState {
    pub fn unit(&self, code: &str) -> Option<&Unit> {
        self.units.get(code)
    }

    /// Finds a unit by code, full name, short name or alias; failing those, by the forms
    /// counties write names in (see [`crate::org::names`]), when exactly one unit fits.
    pub fn resolve_unit(&self, name_or_code: &str) -> Option<&Unit> {
        let k = name_or_code.trim();
        if let Some(u) = self
            .units
            .get(k)
            .or_else(|| self.units.values().find(|u| u.names().any(|n| n == k)))
        {
            return Some(u);
        }
        let prefixes = crate::org::names::NamePrefixes::of(self.units.values());
        let wanted = prefixes.variants(k);
        let mut found = self.units.values().filter(|u| {
            u.names()
                .filter(|n| !n.is_empty())
                .any(|n| !prefixes.variants(n).is_disjoint(&wanted))
        });
        match (found.next(), found.next()) {
            (Some(u), None) => Some(u),
            _ => None,
        }
    }

    /// The units whose names are most like `name` (best first, at most `k`), for "did you
    /// mean" in errors about an unknown unit.
    pub fn similar_units(&self, name: &str, k: usize) -> Vec<&Unit> {
        use crate::org::names::{similarity, NamePrefixes, SUGGEST_AT_LEAST};
        let prefixes = NamePrefixes::of(self.units.values());
        let core = prefixes.core(name);
        let mut scored: Vec<(f64, &Unit)> = self
            .units
            .values()
            .map(|u| {
                let best = u
                    .names()
                    .filter(|n| !n.is_empty())
                    .map(|n| similarity(&core, &prefixes.core(n)))
                    .fold(0.0, f64::max);
                (best, u)
            })
            .filter(|(s, _)| *s >= SUGGEST_AT_LEAST)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.code.cmp(&b.1.code)));
        scored.into_iter().take(k).map(|(_, u)| u).collect()
    }

    pub fn children<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Unit> + 'a {
        self.units
            .values()
            .filter(move |u| u.parent.as_deref() == Some(code))
    }

    /// True when `unit` is `ancestor` or lies below it. A stationed unit also lies in the
    /// township it sits in, because the township co-manages it (条块结合、以块为主).
    /// Whether `unit` is `ancestor` or below it along the organisation tree only (parents),
    /// not by location: a stationed unit is not part of the township it sits in.
    pub fn is_in_tree(&self, unit: &str, ancestor: &str) -> bool {
        let mut cur = Some(unit);
        for _ in 0..64 {
            let Some(c) = cur else { return false };
            if c == ancestor {
                return true;
            }
            cur = self.units.get(c).and_then(|u| u.parent.as_deref());
        }
        false
    }

    pub fn is_within(&self, unit: &str, ancestor: &str) -> bool {
        let mut cur = Some(unit);
        let mut hops = 0;
        while let Some(c) = cur {
            if c == ancestor {
                return true;
            }
            let Some(u) = self.units.get(c) else {
                return false;
            };
            if u.township.as_deref() == Some(ancestor) {
                return true;
            }
            cur = u.parent.as_deref();
            hops += 1;
            if hops > 64 {
                return false;
            }
        }
        false
    }

    /// The grid containing a point (WGS84 lon/lat), if any.
    pub fn locate(&self, lon: f64, lat: f64) -> Option<&Grid> {
        use geo::Contains;
        let pt = geo::Point::new(lon, lat);
        self.grid_shapes
            .iter()
            .find(|(_, (b, poly))| {
                lon >= b.min_lon
                    && lon <= b.max_lon
                    && lat >= b.min_lat
                    && lat <= b.max_lat
                    && poly.contains(&pt)
            })
            .and_then(|(code, _)| self.grids.get(code))
    }

    /// The township a unit belongs to, if any.
    pub fn township_of(&self, unit: &str) -> Option<&Unit> {
        let mut cur = self.units.get(unit);
        while let Some(u) = cur {
            if u.kind.is_township() {
                return Some(u);
            }
            if let Some(t) = u.township.as_deref() {
                return self.units.get(t);
            }
            cur = u.parent.as_deref().and_then(|p| self.units.get(p));
        }
        None
    }
}

impl CountyState {
    /// Whether `t` may be appended now. Never changes the state.
    pub fn check(&self, t: &Transition) -> Result<(), DomainError> {
        let org = &self.org;
        match t {
            Transition::UnitSaved { unit } => org.check_unit(unit),
            Transition::PersonSaved { person } => {
                org.check_not_erased(&person.username)?;
                org.check_person(person)
            }
            Transition::PersonErased { username } => org.check_erase(username),
            Transition::PasswordSet {
                username,
                password_hash,
            } => {
                if !org.people.contains_key(username) {
                    return Err(DomainError::NotFound {
                        kind: "person",
                        id: username.clone(),
                    });
                }
                org.check_not_erased(username)?;
                if !password_hash.starts_with("$argon2id$") {
                    return Err(invalid("password_hash", O::PasswordHash));
                }
                Ok(())
            }
            Transition::RolesSet { username, grants } => {
                org.check_not_erased(username)?;
                org.check_grants(username, grants)
            }
            Transition::GridSaved { grid } => org.check_grid(grid),
            Transition::Event { at_ms, by, cmd } => {
                let ctx = Ctx {
                    org,
                    lists: &self.lists,
                };
                self.events.check(&ctx, *at_ms, by, cmd)
            }
            Transition::CalendarSet { days, hours } => {
                if days.is_empty() && hours.is_none() {
                    return Err(invalid("days", DataReason::NothingSet));
                }
                match hours.as_ref().map(|h| h.validate()) {
                    Some(Err(e)) => Err(invalid("hours", e)),
                    _ => Ok(()),
                }
            }
            Transition::WorkflowConfigSet { config } => {
                let mut errs = config.problems();
                for id in config.by_item.keys() {
                    if self.lists.item_history(id).is_empty() {
                        errs.push(crate::FieldError::new(
                            "",
                            format!("by_item.{id}"),
                            crate::error::ListReason::UnknownItem { id: id.clone() },
                        ));
                    }
                }
                if errs.is_empty() {
                    Ok(())
                } else {
                    Err(DomainError::Invalid(errs))
                }
            }
            Transition::CategoriesSet { categories } => {
                if categories.is_empty() {
                    return Err(invalid("categories", DataReason::NoCategories));
                }
                let mut t = (*self.categories).clone();
                t.upsert(categories.iter().cloned());
                let mut errs = t.problems();
                for c in categories {
                    if c.code.trim().is_empty() || c.name.trim().is_empty() {
                        errs.push(FieldError::new(&c.code, "name", DataReason::CodeAndName));
                    }
                }
                if errs.is_empty() {
                    Ok(())
                } else {
                    Err(DomainError::Invalid(errs))
                }
            }
            Transition::Assessment { by, cmd, .. } => self.assessment.check(org, by, cmd),
            Transition::Delegation { by, cmd, .. } => {
                let ctx = crate::delegation::book::Ctx {
                    org,
                    lists: &self.lists,
                    adjustments: &self.adjustments,
                };
                self.delegation.check(&ctx, by, cmd)
            }
            Transition::Admission { at_ms, by, cmd } => {
                self.admission
                    .check(org, &self.events.calendar, *at_ms, by, cmd)
            }
            Transition::Patrol { at_ms, by, cmd } => {
                let ctx = crate::patrol::PatrolCtx {
                    org,
                    events: &self.events,
                    seq: self.log_len,
                };
                self.patrol.check(&ctx, *at_ms, by, cmd)
            }
            Transition::PublicSuggestion { text, contact, .. } => {
                crate::public::check_suggestion(text, contact)
            }
            other => self.check_list(other),
        }
    }

    /// Folds a transition into the state. Assumes `check` passed when it was appended.
    pub fn apply(&mut self, t: &Transition) {
        let seq = self.log_len;
        self.log_len += 1;
        let org = &mut self.org;
        match t {
            Transition::UnitSaved { unit } => {
                org.units.insert(unit.code.clone(), unit.clone());
            }
            Transition::PersonSaved { person } => {
                let rec = org
                    .people
                    .entry(person.username.clone())
                    .or_insert_with(|| PersonRecord {
                        person: person.clone(),
                        password_hash: None,
                        grants: BTreeSet::new(),
                        erased: false,
                    });
                rec.person = person.clone();
            }
            Transition::PasswordSet {
                username,
                password_hash,
            } => {
                if let Some(p) = org.people.get_mut(username) {
                    p.password_hash = Some(password_hash.clone());
                }
            }
            Transition::PersonErased { username } => org.apply_erase(username),
            Transition::RolesSet { username, grants } => {
                if let Some(p) = org.people.get_mut(username) {
                    p.grants = grants.iter().cloned().collect();
                }
            }
            Transition::GridSaved { grid } => {
                if let Some(shape) = grid_shape(grid) {
                    org.grid_shapes.insert(grid.code.clone(), shape);
                }
                org.grids.insert(grid.code.clone(), grid.clone());
            }
            Transition::Event { at_ms, by, cmd } => {
                let ctx = Ctx {
                    org: &self.org,
                    lists: &self.lists,
                };
                self.events.apply(&ctx, seq, *at_ms, by, cmd);
            }
            Transition::CalendarSet { days, hours } => {
                let cal = self.events.calendar.with_days(days.iter().cloned());
                self.events.calendar = match hours {
                    Some(h) => crate::calendar::WorkCalendar::new(cal.days().cloned(), h.clone()),
                    None => cal,
                };
            }
            Transition::WorkflowConfigSet { config } => {
                self.events.config = (**config).clone();
            }
            Transition::CategoriesSet { categories } => {
                std::sync::Arc::make_mut(&mut self.categories).upsert(categories.iter().cloned());
            }
            Transition::Assessment { at_ms, by, cmd } => {
                self.assessment.apply(seq, *at_ms, by, cmd);
            }
            Transition::Delegation { at_ms, by, cmd } => self.delegation.apply(*at_ms, by, cmd),
            Transition::Admission { at_ms, by, cmd } => {
                self.admission
                    .apply(&self.org, &self.events.calendar, seq, *at_ms, by, cmd);
            }
            Transition::Patrol { at_ms, by, cmd } => {
                self.patrol.apply(&self.org, seq, *at_ms, by, cmd);
            }
            Transition::PublicSuggestion {
                at_ms,
                text,
                query,
                contact,
            } => self
                .public_suggestions
                .push(crate::public::PublicSuggestion {
                    seq,
                    at_ms: *at_ms,
                    text: text.clone(),
                    query: query.clone(),
                    contact: contact.clone(),
                }),
            other => self.apply_list(other),
        }
    }

    /// Checks then applies; the usual way to fold a batch that must be all-or-nothing.
    pub fn check_and_apply(&mut self, t: &Transition) -> Result<(), DomainError> {
        self.check(t)?;
        self.apply(t);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
