//! `GET /admin/people`: the people as a table — names, unit names and roles in words (role
//! label and unit name), filtered by unit, role and text, sorted, 50 a page — with the form to
//! add a person; `GET /admin/people/export` writes the same rows to xlsx.

use super::admin::{guard, shown, AddForm, FieldErrors};
use super::table::{self, Col, Header, Key, Pager, TableQuery};
use super::{render, Chrome};
use crate::error::PageError;
use crate::i18n::Lang;
use crate::session::{PageSession, Session};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::state::OrgState;

#[derive(Deserialize, Default)]
pub struct PeopleFilter {
    /// Username or name contains this.
    #[serde(default)]
    pub q: String,
    /// A unit (code or name): the person's own unit or a unit of one of their roles.
    #[serde(default)]
    pub unit: String,
    /// A role code (`grid_worker` …).
    #[serde(default)]
    pub role: String,
}

impl PeopleFilter {
    fn keep(&self) -> String {
        table::keep(&[("q", &self.q), ("unit", &self.unit), ("role", &self.role)])
    }
}

const COLS: [Col; 4] = [
    Col::text("username", "账号", "Username"),
    Col::text("name", "姓名", "Name"),
    Col::text("unit", "所属单位", "Unit"),
    Col::text("roles", "角色", "Roles"),
];

/// The page's columns: the export's and the erase link.
const VIEW_COLS: [Col; 5] = [
    COLS[0],
    COLS[1],
    COLS[2],
    COLS[3],
    Col::fixed("actions", "操作", "Actions"),
];

pub struct Row {
    pub username: String,
    pub name: String,
    pub unit_code: String,
    pub unit: String,
    pub roles: String,
}

impl Row {
    fn key(&self, col: &str) -> Key {
        match col {
            "username" => Key::text(&self.username),
            "name" => Key::text(&self.name),
            "unit" => Key::text(&self.unit),
            "roles" => Key::text(&self.roles),
            _ => Key::Missing,
        }
    }
    fn cells(&self) -> Vec<String> {
        vec![
            self.username.clone(),
            self.name.clone(),
            self.unit.clone(),
            self.roles.clone(),
        ]
    }
}

/// A unit's full name (its code if unknown).
pub fn unit_name(org: &OrgState, code: &str) -> String {
    org.unit(code)
        .map(|u| u.name.clone())
        .unwrap_or_else(|| code.to_string())
}

pub fn role_label(r: RoleKind, l: Lang) -> &'static str {
    l.pick(r.label_zh(), r.label_en())
}

fn rows(org: &OrgState, f: &PeopleFilter, l: Lang) -> Vec<Row> {
    let q = f.q.trim();
    let unit = if f.unit.trim().is_empty() {
        None
    } else {
        Some(
            org.resolve_unit(&f.unit)
                .map(|u| u.code.clone())
                .unwrap_or_else(|| f.unit.trim().to_string()),
        )
    };
    let role = RoleKind::parse(&f.role);
    org.people
        .values()
        .filter(|r| {
            let name = shown(l, &r.person.name);
            (q.is_empty() || r.person.username.contains(q) || name.contains(q))
                && unit
                    .as_ref()
                    .is_none_or(|u| &r.person.unit == u || r.grants.iter().any(|g| &g.unit == u))
                && role.is_none_or(|x| r.grants.iter().any(|g| g.role == x))
        })
        .map(|r| Row {
            username: r.person.username.clone(),
            name: if r.erased {
                shown(l, tiaokuai_core::org::ERASED)
            } else {
                shown(l, &r.person.name)
            },
            unit_code: r.person.unit.clone(),
            unit: unit_name(org, &r.person.unit),
            roles: r
                .grants
                .iter()
                .map(|g| match l {
                    Lang::Zh => format!("{}（{}）", role_label(g.role, l), unit_name(org, &g.unit)),
                    Lang::En => format!("{} ({})", role_label(g.role, l), unit_name(org, &g.unit)),
                })
                .collect::<Vec<_>>()
                .join(l.pick("、", "; ")),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    c: Chrome,
    f: PeopleFilter,
    people: Vec<Row>,
    headers: Vec<Header>,
    pager: Pager,
    export: String,
    roles: Vec<(&'static str, &'static str)>,
    unit_names: Vec<String>,
    form: AddForm,
    errors: FieldErrors,
    notice: Option<String>,
}

/// The page: the table for `f` and `tq`, and the add form with what was typed and its errors.
pub async fn build(
    state: &AppState,
    s: &Session,
    f: PeopleFilter,
    tq: TableQuery,
    form: AddForm,
    errors: FieldErrors,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let l = s.lang;
    let (mut all, unit_names) = state
        .engine
        .with_state(|st| {
            let mut names: Vec<String> = st.org.units.values().map(|u| u.name.clone()).collect();
            names.sort();
            names.dedup();
            (rows(&st.org, &f, l), names)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    let sorted = tq.sorted(&COLS, ("username", false));
    table::sort_by(&mut all, sorted, |r, k| r.key(k));
    let keep = f.keep();
    let headers = table::headers(&VIEW_COLS, l, "/admin/people", &keep, sorted);
    let (people, pager) = table::paginate(
        all,
        &tq,
        "/admin/people",
        &format!("{keep}{}", sorted.qs()),
        l,
        l.pick("人", ""),
    );
    Ok(render(&AdminPage {
        c: Chrome::for_session(s, "/admin/people"),
        export: format!("/admin/people/export?{keep}{}", sorted.qs()),
        roles: RoleKind::ALL
            .iter()
            .map(|r| (r.as_str(), role_label(*r, l)))
            .collect(),
        unit_names,
        f,
        people,
        headers,
        pager,
        form,
        errors,
        notice,
    }))
}

pub async fn page(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(f): Query<PeopleFilter>,
    Query(tq): Query<TableQuery>,
) -> Result<Response, PageError> {
    guard(&s)?;
    build(
        &state,
        &s,
        f,
        tq,
        AddForm::default(),
        FieldErrors::default(),
        None,
    )
    .await
}

/// `GET /admin/people/export`: the filtered, sorted people as xlsx (administrators only).
pub async fn export(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(f): Query<PeopleFilter>,
    Query(tq): Query<TableQuery>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let mut all = state
        .engine
        .with_state(|st| rows(&st.org, &f, l))
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    table::sort_by(&mut all, tq.sorted(&COLS, ("username", false)), |r, k| {
        r.key(k)
    });
    let cells: Vec<Vec<String>> = all.iter().map(Row::cells).collect();
    table::xlsx_response(l, ("人员", "people"), &COLS, &cells)
}
