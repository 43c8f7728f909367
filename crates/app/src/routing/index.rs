//! The full-text index over the published list items (清单事项), rebuilt when the catalogue's
//! latest version changes. Shared by list search and routing suggestions.

use crate::Engine;
use std::sync::Arc;
use tiaokuai_core::lists::Item;
use tiaokuai_core::state::OrgState;
use tiaokuai_search::{Hit, ListIndex, SearchDoc};
use tokio::sync::RwLock;

/// The index of the latest published version, built on first use after a change.
#[derive(Default)]
pub struct ListIndexCache {
    inner: RwLock<Option<(u32, Arc<ListIndex>)>>,
}

/// Everything searchable about an item, with unit codes turned into names.
pub fn doc_of(item: &Item, org: &OrgState) -> SearchDoc {
    let name = |c: &String| {
        org.unit(c)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| c.clone())
    };
    let mut keywords = item.keywords.clone();
    keywords.extend(item.aliases.iter().cloned());
    SearchDoc {
        id: item.id.clone(),
        kind: item.kind.as_str().to_string(),
        domain: item.domain.clone(),
        name: item.name.clone(),
        keywords,
        problem: item.problem.clone(),
        duties: [
            &item.primary_duty,
            &item.supporting_duty,
            &item.grid_handling,
            &item.township_handling,
            &item.department_enforcement,
            &item.guide,
        ]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("\n"),
        legal_basis: item.legal_basis.clone(),
        units: item
            .primary
            .iter()
            .chain(&item.supporting)
            .map(name)
            .collect(),
    }
}

impl ListIndexCache {
    /// The index for the latest version (built on first use after a change), with its version.
    pub async fn index(&self, engine: &Engine) -> Option<(u32, Arc<ListIndex>)> {
        let latest = engine.with_state(|s| s.lists.latest()).await.ok()?;
        if let Some((v, idx)) = self.inner.read().await.as_ref() {
            if *v == latest {
                return Some((*v, idx.clone()));
            }
        }
        let docs = engine
            .with_state(|s| {
                s.lists
                    .items_at(latest)
                    .map(|i| doc_of(i, &s.org))
                    .collect::<Vec<_>>()
            })
            .await
            .ok()?;
        let built = tokio::task::spawn_blocking(move || ListIndex::build(&docs))
            .await
            .ok()?;
        match built {
            Ok(idx) => {
                let idx = Arc::new(idx);
                *self.inner.write().await = Some((latest, idx.clone()));
                Some((latest, idx))
            }
            Err(e) => {
                tracing::error!(error = %e, "building the list index failed");
                None
            }
        }
    }

    /// Searches the latest version; (version, hits), or (0, none) if there is no index.
    pub async fn search(
        &self,
        engine: &Engine,
        q: &str,
        limit: usize,
        kind: Option<&str>,
    ) -> (u32, Vec<Hit>) {
        match self.index(engine).await {
            Some((v, idx)) => (v, idx.search(q, limit, kind).unwrap_or_default()),
            None => (0, vec![]),
        }
    }
}
