//! Whether a unit, person, role grant set or grid may be saved: the organisation's own rules.

use super::OrgState;
use crate::error::{DomainError, FieldError, FieldReason as F, OrgReason as O};
use crate::org::{validate_code, validate_polygon, Grid, Person, RoleGrant, Unit, UnitKind};

impl OrgState {
    pub(super) fn check_unit(&self, u: &Unit) -> Result<(), DomainError> {
        let mut errs = Vec::new();
        if let Err(e) = validate_code(&u.code) {
            errs.push(FieldError::new("", "code", e));
        }
        if u.name.trim().is_empty() {
            errs.push(FieldError::new("", "name", F::Empty));
        }
        if u.short_name.trim().is_empty() {
            errs.push(FieldError::new("", "short_name", F::Empty));
        }
        let allowed = u.kind.allowed_parents();
        match (&u.parent, allowed.is_empty()) {
            (None, true) => {}
            (None, false) => errs.push(FieldError::new("", "parent", O::ParentRequired)),
            (Some(p), _) => match self.units.get(p) {
                None if p == &u.code => errs.push(FieldError::new("", "parent", O::OwnParent)),
                None => errs.push(FieldError::new(
                    "",
                    "parent",
                    F::UnknownUnit { unit: p.clone() },
                )),
                Some(pu) if !allowed.contains(&pu.kind) => errs.push(FieldError::new(
                    "",
                    "parent",
                    O::ParentKind {
                        kind: u.kind,
                        parent_kind: pu.kind,
                        parent: p.clone(),
                    },
                )),
                Some(_) if self.is_within(p, &u.code) => {
                    errs.push(FieldError::new("", "parent", O::ParentCycle))
                }
                Some(_) => {}
            },
        }
        if u.kind == UnitKind::StationedUnit {
            match u
                .owner_department
                .as_deref()
                .map(|d| (d, self.units.get(d)))
            {
                None => errs.push(FieldError::new("", "owner_department", O::OwnerRequired)),
                Some((d, None)) => errs.push(FieldError::new(
                    "",
                    "owner_department",
                    F::UnknownUnit { unit: d.into() },
                )),
                Some((d, Some(du))) if du.kind != UnitKind::Department => errs.push(
                    FieldError::new("", "owner_department", O::NotADepartment { unit: d.into() }),
                ),
                _ => {}
            }
            match u.township.as_deref().map(|t| (t, self.units.get(t))) {
                None => errs.push(FieldError::new("", "township", O::TownshipRequired)),
                Some((t, None)) => errs.push(FieldError::new(
                    "",
                    "township",
                    F::UnknownUnit { unit: t.into() },
                )),
                Some((t, Some(tu))) if !tu.kind.is_township() => errs.push(FieldError::new(
                    "",
                    "township",
                    O::NotATownship { unit: t.into() },
                )),
                _ => {}
            }
        } else if u.owner_department.is_some() || u.township.is_some() {
            errs.push(FieldError::new("", "owner_department", O::NotStationedKind));
        }
        if let Some(old) = self.units.get(&u.code) {
            if old.kind != u.kind {
                errs.push(FieldError::new(
                    "",
                    "kind",
                    O::KindFixed {
                        unit: u.code.clone(),
                        kind: old.kind,
                    },
                ));
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(errs))
        }
    }

    pub(super) fn check_person(&self, p: &Person) -> Result<(), DomainError> {
        let mut errs = Vec::new();
        if let Err(e) = validate_code(&p.username) {
            errs.push(FieldError::new("", "username", e));
        }
        if p.name.trim().is_empty() {
            errs.push(FieldError::new("", "name", F::Empty));
        }
        errs.extend(super::personal::reserved_marker(&p.name));
        if !p.phone.is_empty()
            && !p
                .phone
                .chars()
                .all(|c| c.is_ascii_digit() || c == '-' || c == '+')
        {
            errs.push(FieldError::new(
                "",
                "phone",
                O::BadPhone {
                    value: p.phone.clone(),
                },
            ));
        }
        if !self.units.contains_key(&p.unit) {
            errs.push(FieldError::new(
                "",
                "unit",
                F::UnknownUnit {
                    unit: p.unit.clone(),
                },
            ));
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(errs))
        }
    }

    pub(super) fn check_grants(
        &self,
        username: &str,
        grants: &[RoleGrant],
    ) -> Result<(), DomainError> {
        if !self.people.contains_key(username) {
            return Err(DomainError::NotFound {
                kind: "person",
                id: username.to_string(),
            });
        }
        let mut errs = Vec::new();
        for g in grants {
            match self.units.get(&g.unit) {
                None => errs.push(FieldError::new(
                    "",
                    "roles",
                    O::GrantUnknownUnit {
                        grant: g.to_string(),
                        unit: g.unit.clone(),
                    },
                )),
                Some(u) if !g.role.scope_kinds().contains(&u.kind) => errs.push(FieldError::new(
                    "",
                    "roles",
                    O::GrantScope {
                        grant: g.to_string(),
                        role: g.role,
                        kind: u.kind,
                        unit_name: u.name.clone(),
                    },
                )),
                _ => {}
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(errs))
        }
    }

    pub(super) fn check_grid(&self, g: &Grid) -> Result<(), DomainError> {
        let mut errs = Vec::new();
        if let Err(e) = validate_code(&g.code) {
            errs.push(FieldError::new("", "code", e));
        }
        if g.name.trim().is_empty() {
            errs.push(FieldError::new("", "name", F::Empty));
        }
        match self.units.get(&g.village) {
            None => errs.push(FieldError::new(
                "",
                "village",
                F::UnknownUnit {
                    unit: g.village.clone(),
                },
            )),
            Some(u) if !u.kind.is_village() => errs.push(FieldError::new(
                "",
                "village",
                O::NotAVillage {
                    unit: g.village.clone(),
                },
            )),
            _ => {}
        }
        for w in g.leader.iter().chain(g.workers.iter()) {
            if !self.people.contains_key(w) {
                errs.push(FieldError::new(
                    "",
                    "workers",
                    F::UnknownPerson { user: w.clone() },
                ));
            }
        }
        if let Err(e) = validate_polygon(&g.geometry) {
            errs.push(FieldError::new(
                "",
                "geometry",
                O::BadGeometry {
                    detail: e.to_string(),
                },
            ));
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(errs))
        }
    }
}
