//! `GET /public/browse`: the published lists by domain (领域), from the version in force: the
//! domains with their item counts, and a domain's items, 50 to a page, each linking to its card.

use super::{county_name, version_in_force};
use crate::i18n::Lang;
use crate::pages::render;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;
use std::collections::BTreeMap;
use tiaokuai_core::lists::Item;

/// Items on one page of a domain.
pub const PAGE_SIZE: usize = 50;

#[derive(Deserialize, Default)]
pub struct BrowseQuery {
    #[serde(default)]
    domain: String,
    /// Anything that is not a page number reads as the first page.
    #[serde(default)]
    page: String,
}

pub struct DomainRow {
    pub name: String,
    /// The query string value (percent-encoded).
    pub param: String,
    pub count: usize,
}

pub struct ItemRow {
    pub path: String,
    pub name: String,
    pub primary: String,
    pub kind: &'static str,
}

#[derive(Template)]
#[template(path = "public_browse.html")]
struct BrowsePage {
    lang: Lang,
    county: String,
    version: u32,
    domains: Vec<DomainRow>,
    domain: String,
    domain_param: String,
    items: Vec<ItemRow>,
    page: usize,
    pages: usize,
    total: usize,
}

/// The domain an item is browsed under; items without one (一件事 and the like) go under
/// the name of their list.
fn domain_of(i: &Item, l: Lang) -> String {
    let d = i.domain.trim();
    if d.is_empty() {
        if l == Lang::Zh {
            i.kind.label_zh().to_string()
        } else {
            i.kind.label_en().to_string()
        }
    } else {
        d.to_string()
    }
}

/// (page shown, pages, items to skip) for `total` items when page `asked` (from 1) is asked
/// for; a page past the end shows the last one.
fn paginate(total: usize, asked: usize) -> (usize, usize, usize) {
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = asked.clamp(1, pages);
    (page, pages, (page - 1) * PAGE_SIZE)
}

pub async fn browse(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(q): Query<BrowseQuery>,
) -> Response {
    let l = Lang::from_jar(&jar);
    let domain: String = q.domain.trim().chars().take(100).collect();
    let page = q.page.trim().parse::<usize>().unwrap_or(1);
    let built = state
        .engine
        .with_state(|st| {
            let version = version_in_force(st);
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            let mut items: Vec<&Item> = Vec::new();
            for i in st.lists.items_at(version) {
                let d = domain_of(i, l);
                if d == domain {
                    items.push(i);
                }
                *counts.entry(d).or_default() += 1;
            }
            items.sort_by(|a, b| {
                a.kind
                    .cmp(&b.kind)
                    .then_with(|| a.number.len().cmp(&b.number.len()))
                    .then_with(|| a.number.cmp(&b.number))
            });
            let total = items.len();
            let (page, pages, skip) = paginate(total, page);
            let rows = items
                .into_iter()
                .skip(skip)
                .take(PAGE_SIZE)
                .map(|i| ItemRow {
                    path: i.id.clone(),
                    name: i.name.clone(),
                    primary: super::answer::units_text(&i.primary, st, l),
                    kind: if l == Lang::Zh {
                        i.kind.label_zh()
                    } else {
                        i.kind.label_en()
                    },
                })
                .collect();
            let mut domains: Vec<DomainRow> = counts
                .into_iter()
                .map(|(name, count)| DomainRow {
                    param: super::urlencode(&name),
                    name,
                    count,
                })
                .collect();
            domains.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
            (
                county_name(st),
                version,
                domains,
                rows,
                (page, pages),
                total,
            )
        })
        .await
        .unwrap_or_default();
    let (county, version, domains, items, (page, pages), total) = built;
    render(&BrowsePage {
        lang: l,
        county,
        version,
        domains,
        domain_param: super::urlencode(&domain),
        domain,
        items,
        page,
        pages,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::paginate;

    #[test]
    fn pages_of_fifty() {
        assert_eq!(paginate(0, 1), (1, 1, 0));
        assert_eq!(paginate(50, 2), (1, 1, 0));
        assert_eq!(paginate(51, 2), (2, 2, 50));
        assert_eq!(paginate(120, 3), (3, 3, 100));
        assert_eq!(paginate(120, 99), (3, 3, 100));
        assert_eq!(paginate(120, 0), (1, 3, 0));
    }
}
