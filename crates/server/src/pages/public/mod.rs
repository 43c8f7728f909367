//! The public pages (no login): a citizen describes a problem and sees whose responsibility it
//! is, in plain words, and why, from the list version in force; browses the published lists by
//! domain; and, when nothing fits, files a suggestion ("没找到？") for the county command centre.

mod answer;
mod browse;
mod suggest;

pub use browse::browse;
pub use suggest::{file as file_suggestion, list as suggestions};

use super::render;
use crate::i18n::Lang;
use crate::AppState;
use answer::{Card, Scored};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use tiaokuai_core::lists::ListKind;
use tiaokuai_core::state::CountyState;

/// Hits asked of the index for one question (before one card per matter and the cut-off).
const HITS: usize = 30;

/// The suggestion form as typed, with its problems.
#[derive(Default)]
pub struct SuggestForm {
    pub text: String,
    pub contact: String,
    pub text_error: String,
    pub contact_error: String,
    pub form_error: String,
}

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage {
    lang: Lang,
    county: String,
    q: String,
    cards: Vec<Card>,
    version: u32,
    /// One item's own page (`/public/items/…`): no search box results heading.
    single: bool,
    csrf: String,
    form: SuggestForm,
    filed: bool,
}

#[derive(Deserialize)]
pub struct Q {
    #[serde(default)]
    q: String,
    #[serde(default)]
    filed: Option<u8>,
}

/// The county's name, for the header.
pub(crate) fn county_name(st: &CountyState) -> String {
    st.org
        .units
        .values()
        .find(|u| u.kind == tiaokuai_core::org::UnitKind::County)
        .map(|u| u.name.clone())
        .unwrap_or_default()
}

/// The list version in force today (the latest if none is in force yet).
pub(crate) fn version_in_force(st: &CountyState) -> u32 {
    let today = tiaokuai_app::cst::date_of(tiaokuai_app::now_ms());
    match st.lists.in_force(&today) {
        0 => st.lists.latest(),
        v => v,
    }
}

/// The cards answering `query` (cut to 200 characters).
async fn cards_for(state: &AppState, lang: Lang, query: &str) -> (String, u32, Vec<Card>) {
    let hits = if query.trim().is_empty() {
        vec![]
    } else {
        state
            .search
            .search(&state.engine, query, HITS, None)
            .await
            .1
    };
    state
        .engine
        .with_state(|st| {
            let version = version_in_force(st);
            let scored: Vec<Scored> = hits
                .iter()
                .filter_map(|h| {
                    let item = st
                        .lists
                        .item_at(&h.id, version)
                        .or_else(|| st.lists.item_at(&h.id, st.lists.latest()))?;
                    Some(Scored {
                        item,
                        score: h.score * answer::keyword_factor(item, query),
                    })
                })
                .collect();
            let cards = answer::matters(&scored)
                .iter()
                .map(|m| answer::card(st, lang, m.shown.item, query, &m.kinds))
                .collect();
            (county_name(st), version, cards)
        })
        .await
        .unwrap_or_default()
}

/// Renders the question page; `form` carries a rejected suggestion back to its fields.
pub(crate) async fn question_page(
    state: &AppState,
    jar: CookieJar,
    query: &str,
    form: SuggestForm,
    filed: bool,
) -> Response {
    let lang = Lang::from_jar(&jar);
    let query: String = query.chars().take(200).collect();
    let (county, version, cards) = cards_for(state, lang, &query).await;
    let (jar, csrf) = suggest::csrf_cookie(state, jar);
    let page = PublicPage {
        lang,
        county,
        q: query,
        cards,
        version,
        single: false,
        csrf,
        form,
        filed,
    };
    (jar, render(&page)).into_response()
}

/// `GET /public` (and the older `/public/lists`): the question and its answer cards.
pub async fn page(State(state): State<AppState>, jar: CookieJar, Query(q): Query<Q>) -> Response {
    question_page(
        &state,
        jar,
        &q.q,
        SuggestForm::default(),
        q.filed == Some(1),
    )
    .await
}

/// `GET /public/items/{kind}/{number}`: one item's card, from the version in force.
pub async fn item(
    State(state): State<AppState>,
    jar: CookieJar,
    Path((kind, number)): Path<(String, String)>,
) -> Response {
    let lang = Lang::from_jar(&jar);
    let Some(kind) = ListKind::parse(&kind) else {
        return crate::error::PageError::not_found(lang).into_response();
    };
    let id = tiaokuai_core::lists::Item::make_id(kind, &number);
    let found = state
        .engine
        .with_state(|st| {
            let version = version_in_force(st);
            let item = st.lists.item_at(&id, version)?;
            Some((
                county_name(st),
                version,
                answer::card(st, lang, item, "", &[]),
            ))
        })
        .await
        .ok()
        .flatten();
    let Some((county, version, card)) = found else {
        return crate::error::PageError::not_found(lang).into_response();
    };
    let (jar, csrf) = suggest::csrf_cookie(&state, jar);
    let page = PublicPage {
        lang,
        county,
        q: String::new(),
        cards: vec![card],
        version,
        single: true,
        csrf,
        form: SuggestForm::default(),
        filed: false,
    };
    (jar, render(&page)).into_response()
}

/// Percent-encodes a query string value.
pub(crate) fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_queries() {
        assert_eq!(super::urlencode("油烟 a&b"), "%E6%B2%B9%E7%83%9F%20a%26b");
    }
}
