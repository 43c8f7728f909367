//! The organisation browser: unit tree, unit pages (people with contacts only in scope),
//! grid pages and the county map.

use super::{render, Chrome};
use crate::error::{html_escape, PageError};
use crate::i18n::Lang;
use crate::session::PageSession;
use crate::{svgmap, AppState};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use tiaokuai_core::access::Area;
use tiaokuai_core::org::{Unit, UnitKind};
use tiaokuai_core::state::OrgState;

fn kind_label(k: UnitKind, l: Lang) -> &'static str {
    if l == Lang::Zh {
        k.label_zh()
    } else {
        k.label_en()
    }
}

fn guard(s: &crate::session::Session) -> Result<(), PageError> {
    if s.principal.may_enter(Area::Organisation) {
        Ok(())
    } else {
        Err(PageError::forbidden(s.lang))
    }
}

#[derive(Template)]
#[template(path = "org.html")]
struct TreePage {
    c: Chrome,
    q: String,
    matches: Vec<(String, String, String)>,
    tree: String,
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

fn tree_html(org: &OrgState, code: &str, depth: usize, l: Lang, out: &mut String) {
    let Some(u) = org.unit(code) else { return };
    let mut kids: Vec<&Unit> = org.children(code).collect();
    kids.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.code.cmp(&b.code)));
    let label = format!(
        "<a href=\"/org/units/{}\">{}</a> <span class=\"tag\">{}</span>",
        html_escape(&u.code),
        html_escape(&u.name),
        kind_label(u.kind, l)
    );
    if kids.is_empty() {
        out.push_str(&format!("<li>{label}</li>"));
        return;
    }
    let open = if depth < 2 { " open" } else { "" };
    out.push_str(&format!(
        "<li><details{open}><summary>{label} <span class=\"muted\">({})</span></summary><ul>",
        kids.len()
    ));
    for k in kids {
        tree_html(org, &k.code, depth + 1, l, out);
    }
    out.push_str("</ul></details></li>");
}

pub async fn tree(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let q = q.q.unwrap_or_default().trim().to_string();
    let (tree, matches) = state
        .engine
        .with_state(|st| {
            let org = &st.org;
            let mut out = String::from("<ul>");
            for root in org.units.values().filter(|u| u.parent.is_none()) {
                tree_html(org, &root.code, 0, l, &mut out);
            }
            out.push_str("</ul>");
            let matches = if q.is_empty() {
                vec![]
            } else {
                org.units
                    .values()
                    .filter(|u| u.code.contains(&q) || u.names().any(|n| n.contains(&q)))
                    .take(50)
                    .map(|u| {
                        (
                            u.code.clone(),
                            u.name.clone(),
                            kind_label(u.kind, l).to_string(),
                        )
                    })
                    .collect()
            };
            (out, matches)
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    Ok(render(&TreePage {
        c: Chrome::for_session(&s, "/org"),
        q,
        matches,
        tree,
    }))
}

pub struct PersonView {
    pub username: String,
    pub name: String,
    pub phone: String,
    pub roles: String,
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    c: Chrome,
    unit: Unit,
    aliases: String,
    kind: &'static str,
    crumbs: Vec<(String, String)>,
    owner: Option<(String, String)>,
    township: Option<(String, String)>,
    children: Vec<(String, String, &'static str)>,
    stationed: Vec<(String, String)>,
    people: Vec<PersonView>,
    map: String,
}

pub async fn unit(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let county = state.engine.county().to_string();
    let people = state
        .engine
        .store()
        .people_of_unit(&county, &code)
        .await
        .map_err(|e| PageError::from((e, l)))?;
    let mut grants = Vec::with_capacity(people.len());
    for p in &people {
        grants.push(
            state
                .engine
                .store()
                .grants(&county, &p.person.username)
                .await
                .map_err(|e| PageError::from((e, l)))?,
        );
    }
    let principal = s.principal.clone();
    let page = state
        .engine
        .with_state(|st| {
            let org = &st.org;
            let u = org.unit(&code)?.clone();
            let name_of = |c: &str| {
                org.unit(c)
                    .map(|x| x.name.clone())
                    .unwrap_or_else(|| c.to_string())
            };
            let mut crumbs = Vec::new();
            let mut cur = u.parent.clone();
            while let Some(p) = cur {
                crumbs.push((p.clone(), name_of(&p)));
                cur = org.unit(&p).and_then(|x| x.parent.clone());
            }
            crumbs.reverse();
            let mut children: Vec<&Unit> = org.children(&code).collect();
            children.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.code.cmp(&b.code)));
            let stationed = org
                .units
                .values()
                .filter(|x| x.township.as_deref() == Some(code.as_str()))
                .map(|x| (x.code.clone(), x.name.clone()))
                .collect();
            let visible = principal.may_see_contacts_in(&code, org);
            let people = people
                .iter()
                .zip(&grants)
                .map(|(p, g)| PersonView {
                    username: p.person.username.clone(),
                    name: p.person.name.clone(),
                    phone: if visible {
                        p.person.phone.clone()
                    } else {
                        l.t("org.hidden").to_string()
                    },
                    roles: g
                        .iter()
                        .map(|g| {
                            if l == Lang::Zh {
                                g.role.label_zh()
                            } else {
                                g.role.label_en()
                            }
                        })
                        .collect::<Vec<_>>()
                        .join("、"),
                })
                .collect();
            let grids: Vec<_> = org
                .grids
                .values()
                .filter(|g| org.is_within(&g.village, &code) && u.kind != UnitKind::County)
                .cloned()
                .collect();
            Some(UnitPage {
                c: Chrome::for_session(&s, "/org"),
                aliases: u.aliases.join("、"),
                kind: kind_label(u.kind, l),
                crumbs,
                owner: u.owner_department.as_ref().map(|d| (d.clone(), name_of(d))),
                township: u.township.as_ref().map(|t| (t.clone(), name_of(t))),
                children: children
                    .iter()
                    .map(|k| (k.code.clone(), k.name.clone(), kind_label(k.kind, l)))
                    .collect(),
                stationed,
                people,
                map: svgmap::render(&grids, org, &[]),
                unit: u,
            })
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    page.map(|p| render(&p))
        .ok_or_else(|| PageError::not_found(l))
}

#[derive(Template)]
#[template(path = "grid.html")]
struct GridPage {
    c: Chrome,
    code: String,
    name: String,
    kind: &'static str,
    village: (String, String),
    leader: String,
    workers: String,
    map: String,
}

pub async fn grid(
    State(state): State<AppState>,
    PageSession(s): PageSession,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let page = state
        .engine
        .with_state(|st| {
            let org = &st.org;
            let g = org.grids.get(&code)?;
            let person = |u: &str| {
                org.people
                    .get(u)
                    .map(|p| format!("{}（{}）", p.person.name, u))
                    .unwrap_or_else(|| u.to_string())
            };
            // Show the grid among its village's grids.
            let around: Vec<_> = org
                .grids
                .values()
                .filter(|x| x.village == g.village)
                .cloned()
                .collect();
            Some(GridPage {
                c: Chrome::for_session(&s, "/org/map"),
                code: g.code.clone(),
                name: g.name.clone(),
                kind: g.kind.label_zh(),
                village: (
                    g.village.clone(),
                    org.unit(&g.village)
                        .map(|u| u.name.clone())
                        .unwrap_or_default(),
                ),
                leader: g.leader.as_deref().map(person).unwrap_or_default(),
                workers: g
                    .workers
                    .iter()
                    .map(|w| person(w))
                    .collect::<Vec<_>>()
                    .join("、"),
                map: svgmap::render(&around, org, &[g.code.as_str()]),
            })
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    page.map(|p| render(&p))
        .ok_or_else(|| PageError::not_found(l))
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    c: Chrome,
    count: usize,
    map: String,
}

pub async fn map(
    State(state): State<AppState>,
    PageSession(s): PageSession,
) -> Result<Response, PageError> {
    guard(&s)?;
    let l = s.lang;
    let (count, map) = state
        .engine
        .with_state(|st| {
            let grids: Vec<_> = st.org.grids.values().cloned().collect();
            (grids.len(), svgmap::render(&grids, &st.org, &[]))
        })
        .await
        .map_err(|e| PageError::from_app(e, l))?;
    Ok(render(&MapPage {
        c: Chrome::for_session(&s, "/org/map"),
        count,
        map,
    }))
}
