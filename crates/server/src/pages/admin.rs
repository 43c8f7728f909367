//! People and roles administration (system administrators only).

use super::{render, Chrome};
use crate::error::PageError;
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;
use tiaokuai_app::{now_ms, Actor, AppError};
use tiaokuai_core::access::Area;
use tiaokuai_core::org::{Person, RoleGrant, RoleKind, ERASED};
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
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    pub roles: String,
}

pub struct Row {
    pub username: String,
    pub name: String,
    pub unit: String,
    pub roles: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    c: Chrome,
    q: String,
    people: Vec<Row>,
    form: AddForm,
    errors: Vec<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct AdminQuery {
    q: Option<String>,
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

async fn build(
    state: &AppState,
    s: &Session,
    q: String,
    form: AddForm,
    errors: Vec<String>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let county = state.engine.county();
    let rows = state
        .engine
        .store()
        .search_people(county, &q, 200)
        .await
        .map_err(|e| PageError::from((e, s.lang)))?;
    let mut people = Vec::with_capacity(rows.len());
    for r in rows {
        let grants = state
            .engine
            .store()
            .grants(county, &r.person.username)
            .await
            .map_err(|e| PageError::from((e, s.lang)))?;
        people.push(Row {
            username: r.person.username,
            name: shown(s.lang, &r.person.name),
            unit: r.person.unit,
            roles: grants
                .iter()
                .map(|g| g.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        });
    }
    Ok(render(&AdminPage {
        c: Chrome::for_session(s, "/admin/people"),
        q,
        people,
        form,
        errors,
        notice,
    }))
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<AdminQuery>,
) -> Result<Response, PageError> {
    guard(&s)?;
    build(
        &state,
        &s,
        q.q.unwrap_or_default(),
        AddForm::default(),
        vec![],
        None,
    )
    .await
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
    let mut errors = Vec::new();
    let grants: Vec<RoleGrant> = f
        .roles
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            RoleGrant::parse(l)
                .map_err(|e| {
                    errors.push(format!(
                        "角色 roles: {}",
                        crate::error::reason_text(&e.into(), s.lang)
                    ))
                })
                .ok()
        })
        .collect();
    if !errors.is_empty() {
        return build(&state, &s, String::new(), f, errors, None).await;
    }
    let person = Person {
        username: f.username.trim().to_string(),
        name: f.name.trim().to_string(),
        phone: f.phone.trim().to_string(),
        unit: f.unit.trim().to_string(),
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
            let notice = format!("{} {}", s.lang.t("admin.added"), f.username);
            build(
                &state,
                &s,
                f.username.clone(),
                AddForm::default(),
                vec![],
                Some(notice),
            )
            .await
        }
        Err(AppError::Domain(DomainError::Invalid(errs))) => {
            let errors = errs.iter().map(|e| e.to_string()).collect();
            build(&state, &s, String::new(), f, errors, None).await
        }
        Err(AppError::Domain(e)) => {
            build(&state, &s, String::new(), f, vec![e.to_string()], None).await
        }
        Err(e) => Err(PageError::from_app(e, s.lang)),
    }
}
