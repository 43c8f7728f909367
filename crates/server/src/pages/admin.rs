//! Adding people (system administrators only): the form's handler. The people table itself is
//! `admin_people`.

use super::admin_people::{build, PeopleFilter};
use super::table::TableQuery;
use crate::error::PageError;
use crate::i18n::Lang;
use crate::session::{PageSession, Session};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use tiaokuai_app::{now_ms, Actor, AppError};
use tiaokuai_core::access::Area;
use tiaokuai_core::org::{Person, RoleGrant, RoleKind, ERASED};
use tiaokuai_core::state::OrgState;
use tiaokuai_core::DomainError;

#[derive(Deserialize, Default)]
pub struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    /// The unit's name (from the list) or code.
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    password: String,
    /// Up to two roles, each a role select and a unit (name or code).
    #[serde(default)]
    pub role1: String,
    #[serde(default)]
    pub role_unit1: String,
    #[serde(default)]
    pub role2: String,
    #[serde(default)]
    pub role_unit2: String,
    /// Grants typed as `role@UNIT`, one a line (older clients; still accepted).
    #[serde(default)]
    pub roles: String,
}

/// Error messages by field, shown beside each field.
#[derive(Default)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, msg: String) {
        self.0.push((field.to_string(), msg));
    }
    /// The messages for `field`, joined.
    pub fn err(&self, field: &str) -> String {
        self.0
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join("；")
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

pub(super) fn guard(s: &Session) -> Result<(), PageError> {
    if s.principal.may_enter(Area::Administration) {
        Ok(())
    } else {
        Err(PageError::forbidden(s.lang))
    }
}

/// A personal value as shown: the erased marker in the page's language.
pub(super) fn shown(lang: crate::i18n::Lang, value: &str) -> String {
    if value == ERASED {
        lang.pick(ERASED, "erased").to_string()
    } else {
        value.to_string()
    }
}

/// The administrator acting, in their system-administrator grant.
pub(super) fn actor_of(s: &Session) -> Actor {
    Actor {
        username: s.principal.username.clone(),
        role: RoleKind::SystemAdmin.as_str().to_string(),
        unit: s
            .principal
            .grants
            .iter()
            .find(|g| g.role == RoleKind::SystemAdmin)
            .map(|g| g.unit.clone())
            .unwrap_or_default(),
    }
}

pub async fn add(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Form(f): Form<AddForm>,
) -> Result<Response, PageError> {
    guard(&s)?;
    if !s.check_csrf(&f.csrf) {
        return Ok(PageError::forbidden(s.lang).into_response());
    }
    let l = s.lang;
    let (unit, picked, mut errors) = state
        .engine
        .with_state(|st| resolve(&st.org, &f, l))
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let mut grants: Vec<RoleGrant> = Vec::new();
    let typed = f.roles.lines().map(|x| ("roles", x.to_string()));
    for (field, text) in typed.chain(picked).filter(|(_, x)| !x.trim().is_empty()) {
        match RoleGrant::parse(&text) {
            Ok(g) => grants.push(g),
            Err(e) => errors.add(field, crate::error::reason_text(&e.into(), l)),
        }
    }
    if !errors.is_empty() {
        return again(&state, &s, errors, f).await;
    }
    let person = Person {
        username: f.username.trim().to_string(),
        name: f.name.trim().to_string(),
        phone: f.phone.trim().to_string(),
        unit,
        active: true,
    };
    let actor = actor_of(&s);
    let pw = if f.password.is_empty() {
        None
    } else {
        Some(f.password.as_str())
    };
    match state
        .engine
        .add_person(&actor, now_ms(), person, pw, grants)
        .await
    {
        Ok(_) => {
            let notice = format!("{} {}", l.t("admin.added"), f.username);
            let shown = PeopleFilter {
                q: f.username.clone(),
                ..Default::default()
            };
            let (form, errors) = (AddForm::default(), FieldErrors::default());
            build(
                &state,
                &s,
                shown,
                TableQuery::default(),
                form,
                errors,
                Some(notice),
            )
            .await
        }
        Err(AppError::Domain(DomainError::Invalid(errs))) => {
            let mut errors = FieldErrors::default();
            for e in &errs {
                let field = match e.field.as_str() {
                    "roles" | "grants" => "roles",
                    x @ ("username" | "name" | "phone" | "unit" | "password") => x,
                    _ => "form",
                };
                errors.add(field, crate::error::reason_text(&e.reason, l));
            }
            again(&state, &s, errors, f).await
        }
        Err(AppError::Domain(e)) => {
            let mut errors = FieldErrors::default();
            let plain = |x: &str| x.to_string();
            errors.add("form", crate::error::domain_text(&e, l, &plain, &plain));
            again(&state, &s, errors, f).await
        }
        Err(e) => Err(PageError::from_app(e, l)),
    }
}

/// The page again with what was typed and the errors beside their fields.
async fn again(
    state: &AppState,
    s: &Session,
    errors: FieldErrors,
    f: AddForm,
) -> Result<Response, PageError> {
    let people = PeopleFilter::default();
    build(state, s, people, TableQuery::default(), f, errors, None).await
}

/// The person's unit code (a typed name resolved), the picked roles as `role@UNIT` by field,
/// and the errors of a role without a unit or a unit without a role.
fn resolve(
    org: &OrgState,
    f: &AddForm,
    l: Lang,
) -> (String, Vec<(&'static str, String)>, FieldErrors) {
    let code = |t: &str| {
        org.resolve_unit(t)
            .map(|u| u.code.clone())
            .unwrap_or_else(|| t.trim().to_string())
    };
    let mut errors = FieldErrors::default();
    let mut picked = Vec::new();
    for (field, role, unit) in [
        ("role1", &f.role1, &f.role_unit1),
        ("role2", &f.role2, &f.role_unit2),
    ] {
        match (role.trim().is_empty(), unit.trim().is_empty()) {
            (true, true) => {}
            (false, true) => errors.add(
                field,
                l.pick("请选择角色所在单位", "Choose the role's unit")
                    .to_string(),
            ),
            (true, false) => errors.add(field, l.pick("请选择角色", "Choose a role").to_string()),
            (false, false) => picked.push((field, format!("{}@{}", role.trim(), code(unit)))),
        }
    }
    (code(&f.unit), picked, errors)
}
