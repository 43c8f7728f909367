//! Routing suggestions (issue #10): which published list item (清单事项) a report belongs to,
//! with the lead (牵头/主体) and co-units (配合) the item names.
//!
//! Two sources are combined (see [`combine`] for the score):
//!
//! - **retrieval**: the report text searched in the full-text index of the latest published
//!   list items; works on day one, with no history;
//! - **the learned model**: a [`tiaokuai_route::Model`] trained on the county's own dispatches
//!   (text = event title and detail, label = the item the dispatcher cited on the lead hop).
//!
//! The model is retrained in the background ([`Routing::spawn`]): after
//! [`RoutingSettings::retrain_after`] new dispatches (at most once per
//! [`RoutingSettings::min_interval_ms`]), and on a timer when the log grew. Training
//! runs on a blocking thread and the new model replaces the old one atomically, so a request
//! never waits for training. Until a model exists, suggestions come from retrieval alone.

mod acceptance;
mod combine;
mod history;
mod index;

pub use acceptance::{dispatch_of, tally, week_start, WeekShare};
pub use combine::{combine, model_weight, Candidate, HALF_WEIGHT_AT, MAX_MODEL_WEIGHT};
pub use history::{collect, event_text, example_of, Example};
pub use index::{doc_of, ListIndexCache};

use crate::error::{AppError, Result};
use crate::Engine;
use arc_swap::ArcSwapOption;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Weak};
use tiaokuai_core::lists::Item;
use tiaokuai_core::state::OrgState;
use tiaokuai_route::{Model, Router};

/// Most suggestions one call returns.
pub const MAX_K: usize = 20;
/// Past events kept per item to show as "similar past events".
const RECENT_PER_ITEM: usize = 20;
/// Similar past events named per suggestion.
const SIMILAR_SHOWN: usize = 3;

/// When and on how much the model is retrained.
#[derive(Debug, Clone, Copy)]
pub struct RoutingSettings {
    /// Retrain after this many new dispatches (or reassignments) committed by this process.
    pub retrain_after: usize,
    /// Also check this often whether the log grew (appends by other servers) and retrain.
    pub retrain_every_ms: u64,
    /// Never retrain more often than this (training takes seconds of one core): dispatches
    /// counted meanwhile wait for the timer.
    pub min_interval_ms: u64,
    /// Train on at most this many of the newest dispatches: the learner builds a dense
    /// examples × terms matrix, so this bounds training memory (3,000 × 5,000 terms ≈ 120 MB).
    pub max_examples: usize,
    /// Fewer dispatches than this train no model (retrieval alone).
    pub min_examples: usize,
}

impl Default for RoutingSettings {
    fn default() -> Self {
        RoutingSettings {
            retrain_after: 20,
            retrain_every_ms: 10 * 60_000,
            min_interval_ms: 5 * 60_000,
            max_examples: 3_000,
            min_examples: 10,
        }
    }
}

/// A unit named by a list item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
}

/// Why an item was suggested.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SuggestionReason {
    /// Words of the text found in the item's name, keywords or description.
    pub matched_words: Vec<String>,
    /// Words that made the learned model lean towards the item.
    pub model_words: Vec<String>,
    /// Past events dispatched under this item that share those words (ids, newest first).
    pub similar_events: Vec<u64>,
}

/// One suggested list item, at the latest published version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemSuggestion {
    pub item: String,
    pub name: String,
    pub version: u32,
    /// 领域 (the item's domain), if the list gives one.
    pub category: Option<String>,
    /// 牵头/主体: the first primary unit.
    pub lead: Option<UnitRef>,
    /// 配合: the other primary units, then the supporting units.
    pub co: Vec<UnitRef>,
    /// Combined score in [0, 1] (see [`combine`]).
    pub score: f32,
    /// Normalised retrieval score.
    pub retrieval: f32,
    /// The learned model's probability (0 without a model).
    pub model: f32,
    pub reason: SuggestionReason,
}

/// What the current model was trained on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ModelInfo {
    pub examples: usize,
    pub items: usize,
    /// Log size the training examples were read at.
    pub log_size: u64,
}

struct Trained {
    model: Model,
    info: ModelInfo,
    /// Newest past events per item: (event id, text).
    recent: HashMap<String, Vec<(u64, String)>>,
}

/// The suggestion service; one per county engine, shared by all requests.
pub struct Routing {
    engine: Engine,
    index: Arc<ListIndexCache>,
    model: ArcSwapOption<Trained>,
    training: tokio::sync::Mutex<()>,
    settings: RoutingSettings,
    /// The weekly acceptance shares, with when and for how many weeks they were counted.
    acceptance: tokio::sync::Mutex<Option<(i64, usize, Vec<WeekShare>)>>,
}

/// How long counted acceptance shares are reused.
const ACCEPTANCE_TTL_MS: i64 = 5 * 60_000;

/// The first `max` characters of `s`.
fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn unit_ref(org: &OrgState, code: &str) -> UnitRef {
    UnitRef {
        code: code.to_string(),
        name: org
            .unit(code)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| code.to_string()),
    }
}

fn suggestion_of(org: &OrgState, item: &Item, version: u32, c: &Candidate) -> ItemSuggestion {
    let lead = item.primary.first();
    ItemSuggestion {
        item: item.id.clone(),
        name: item.name.clone(),
        version,
        category: Some(item.domain.clone()).filter(|d| !d.trim().is_empty()),
        lead: lead.map(|u| unit_ref(org, u)),
        co: item
            .primary
            .iter()
            .chain(&item.supporting)
            .filter(|u| Some(*u) != lead)
            .map(|u| unit_ref(org, u))
            .collect(),
        score: c.score,
        retrieval: c.retrieval,
        model: c.model,
        reason: SuggestionReason {
            matched_words: c.matched.clone(),
            model_words: c.model_terms.clone(),
            similar_events: Vec::new(),
        },
    }
}

impl Routing {
    pub fn new(engine: Engine, index: Arc<ListIndexCache>, settings: RoutingSettings) -> Self {
        Routing {
            engine,
            index,
            model: ArcSwapOption::empty(),
            training: tokio::sync::Mutex::new(()),
            settings,
            acceptance: tokio::sync::Mutex::new(None),
        }
    }

    /// The list index this service searches (shared with list search).
    pub fn index_cache(&self) -> &Arc<ListIndexCache> {
        &self.index
    }

    /// What the current model was trained on; `None` while suggestions come from retrieval
    /// alone.
    pub fn model_info(&self) -> Option<ModelInfo> {
        self.model.load().as_ref().map(|t| t.info)
    }

    /// Up to `k` (at most [`MAX_K`]) list items for `text`, best first. An empty text gets
    /// none; a long one is read up to [`tiaokuai_route::MAX_CHARS`] characters. Never fails: a
    /// missing index or model only narrows the sources.
    pub async fn suggest(&self, text: &str, k: usize) -> Vec<ItemSuggestion> {
        let k = k.min(MAX_K);
        let text = truncate_chars(text.trim(), tiaokuai_route::MAX_CHARS);
        if k == 0 || text.is_empty() {
            return Vec::new();
        }
        let pool = (k * 4).max(20);
        let (version, hits) = match self.index.index(&self.engine).await {
            Some((v, idx)) => (v, idx.search(text, pool, None).unwrap_or_default()),
            None => (0, Vec::new()),
        };
        let trained = self.model.load_full();
        let (model, weight) = match &trained {
            Some(t) => (t.model.suggest(text, pool), model_weight(t.info.examples)),
            None => (Vec::new(), 0.0),
        };
        let candidates = combine(text, &hits, &model, weight);
        let found = self
            .engine
            .with_state(|st| {
                let version = if version == 0 {
                    st.lists.latest()
                } else {
                    version
                };
                candidates
                    .iter()
                    .filter_map(|c| {
                        let item = st.lists.item_at(&c.item, version)?;
                        Some(suggestion_of(&st.org, item, version, c))
                    })
                    .take(k)
                    .collect::<Vec<_>>()
            })
            .await;
        let mut out = match found {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, "routing suggestions: state unreadable");
                return Vec::new();
            }
        };
        if let Some(t) = &trained {
            for s in out.iter_mut() {
                s.reason.similar_events = similar(t, &s.item, &s.reason.model_words);
            }
        }
        out
    }

    /// The share of dispatches that took the first suggestion, for the last `weeks` weeks,
    /// newest first (see [`WeekShare`]). Counted over resident and archived events, and reused
    /// for five minutes.
    pub async fn acceptance(&self, weeks: usize, now_ms: i64) -> Result<Vec<WeekShare>> {
        let mut cached = self.acceptance.lock().await;
        if let Some((at, w, v)) = cached.as_ref() {
            if *w == weeks && now_ms - at < ACCEPTANCE_TTL_MS && now_ms >= *at {
                return Ok(v.clone());
            }
        }
        let v = acceptance::weekly(&self.engine, weeks, now_ms).await?;
        *cached = Some((now_ms, weeks, v.clone()));
        Ok(v)
    }

    /// Trains a model on the dispatch history now and swaps it in; `None` (and no model) when
    /// there are fewer than [`RoutingSettings::min_examples`] dispatches with a cited item. One
    /// training at a time; requests keep using the previous model meanwhile.
    pub async fn retrain(&self) -> Result<Option<ModelInfo>> {
        let _one = self.training.lock().await;
        let (examples, log_size) = collect(&self.engine, self.settings.max_examples).await?;
        if examples.len() < self.settings.min_examples.max(1) {
            self.model.store(None);
            return Ok(None);
        }
        let trained = tokio::task::spawn_blocking(move || -> Result<Trained> {
            let pairs: Vec<(&str, &str)> = examples
                .iter()
                .map(|e| (e.text.as_str(), e.item.as_str()))
                .collect();
            let model = Router::default()
                .train(&pairs)
                .map_err(|e| AppError::Io(format!("training the routing model: {e}")))?;
            let mut recent: HashMap<String, Vec<(u64, String)>> = HashMap::new();
            for e in &examples {
                let v = recent.entry(e.item.clone()).or_default();
                if v.len() < RECENT_PER_ITEM {
                    v.push((e.event, e.text.clone()));
                }
            }
            Ok(Trained {
                info: ModelInfo {
                    examples: examples.len(),
                    items: model.labels().len(),
                    log_size,
                },
                model,
                recent,
            })
        })
        .await
        .map_err(|e| AppError::Io(format!("the training task failed: {e}")))??;
        let info = trained.info;
        self.model.store(Some(Arc::new(trained)));
        tracing::info!(
            examples = info.examples,
            items = info.items,
            "routing model retrained"
        );
        Ok(Some(info))
    }

    /// Starts the background retraining: once now, then after enough new dispatches or when
    /// the timer finds the log grew. Stops when the service is dropped.
    pub fn spawn(self: &Arc<Self>) {
        let weak: Weak<Routing> = Arc::downgrade(self);
        let mut committed = self.engine.subscribe();
        let settings = self.settings;
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(
                settings.retrain_every_ms.max(1_000),
            ));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // The first tick is immediate: the initial training.
            let mut pending = 0usize;
            let mut last: Option<std::time::Instant> = None;
            let min_interval = std::time::Duration::from_millis(settings.min_interval_ms);
            loop {
                let due = tokio::select! {
                    c = committed.recv() => match c {
                        Ok(c) => {
                            if matches!(
                                c.kind.as_str(),
                                "event.dispatch" | "event.decide_return" | "event.rule"
                            ) {
                                pending += 1;
                            }
                            pending >= settings.retrain_after.max(1)
                                && last.is_none_or(|t| t.elapsed() >= min_interval)
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                            last.is_none_or(|t| t.elapsed() >= min_interval)
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                    },
                    _ = tick.tick() => {
                        let Some(me) = weak.upgrade() else { return };
                        let size = me.engine.tree_head().await.0;
                        me.model_info().map(|i| i.log_size) != Some(size)
                    }
                };
                if !due {
                    continue;
                }
                let Some(me) = weak.upgrade() else { return };
                pending = 0;
                last = Some(std::time::Instant::now());
                if let Err(e) = me.retrain().await {
                    tracing::warn!(error = %e, "retraining the routing model failed; will retry");
                }
            }
        });
    }
}

/// Past events under `item` whose text shares one of `words`, newest first.
fn similar(t: &Trained, item: &str, words: &[String]) -> Vec<u64> {
    if words.is_empty() {
        return Vec::new();
    }
    t.recent
        .get(item)
        .map(|v| {
            v.iter()
                .filter(|(_, text)| words.iter().any(|w| text.contains(w.as_str())))
                .map(|(id, _)| *id)
                .take(SIMILAR_SHOWN)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::truncate_chars;

    #[test]
    fn truncation_keeps_whole_characters() {
        assert_eq!(truncate_chars("油烟扰民😀", 3), "油烟扰");
        assert_eq!(truncate_chars("ab", 5), "ab");
        assert_eq!(truncate_chars("😀😀", 1), "😀");
    }
}
