//! The public query page (no login): a citizen describes a problem and sees whose
//! responsibility it is, and why, from the list version in force.

use super::lists::unit_names;
use super::render;
use crate::i18n::Lang;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

pub struct Answer {
    pub name_html: String,
    pub snippet_html: String,
    pub primary: String,
    pub supporting: String,
    pub why: String,
    pub kind: &'static str,
}

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage {
    lang: Lang,
    county: String,
    q: String,
    hits: Vec<Answer>,
    version: u32,
}

#[derive(Deserialize)]
pub struct Q {
    #[serde(default)]
    q: String,
}

pub async fn page(State(state): State<AppState>, jar: CookieJar, Query(q): Query<Q>) -> Response {
    let lang = Lang::from_jar(&jar);
    let query: String = q.q.chars().take(200).collect();
    let (version, hits) = if query.trim().is_empty() {
        (0, vec![])
    } else {
        state.search.search(&state.engine, &query, 8, None).await
    };
    let (county, answers) = state
        .engine
        .with_state(|st| {
            let county = st
                .org
                .units
                .values()
                .find(|u| u.kind == tiaokuai_core::org::UnitKind::County)
                .map(|u| u.name.clone())
                .unwrap_or_default();
            let answers = hits
                .iter()
                .filter_map(|h| {
                    let i = st.lists.item_at(&h.id, version)?;
                    Some(Answer {
                        name_html: h.name_html.clone(),
                        snippet_html: h.snippet_html.clone(),
                        primary: unit_names(&i.primary, &st.org),
                        supporting: unit_names(&i.supporting, &st.org),
                        why: if i.legal_basis.is_empty() {
                            i.primary_duty.clone()
                        } else {
                            i.legal_basis.clone()
                        },
                        kind: i.kind.label_zh(),
                    })
                })
                .collect();
            (county, answers)
        })
        .await
        .unwrap_or_default();
    render(&PublicPage {
        lang,
        county,
        q: query,
        hits: answers,
        version,
    })
}
