//! Routing suggestions on the dispatch form: the list items the event most likely belongs to
//! (see `tiaokuai_app::routing`). The first is pre-selected when the event cites no item; the
//! dispatcher may pick another (a link re-shows the form with it) or change anything.

use crate::i18n::Lang;
use crate::AppState;
use tiaokuai_app::routing::ItemSuggestion;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::{EventStatus, ItemRef};
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::state::CountyState;

/// Suggestions shown on the dispatch form.
const SHOWN: usize = 5;

/// Co-units named in a suggestion's line (the select shows them all).
const CO_SHOWN: usize = 3;

/// `s` cut to `max` characters, with an ellipsis.
fn short(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// One suggestion as listed under the dispatch form.
pub struct SuggestionView {
    /// `id@version`, the value of the item select.
    pub value: String,
    pub name: String,
    /// Lead / co-units.
    pub units: String,
    /// Combined score as a percentage.
    pub score: u32,
    /// Matched words and similar past events, in words.
    pub reason: String,
    pub similar: Vec<u64>,
    /// Unit codes the item names as primary, and all it names (for event.js).
    pub primary: String,
    pub named: String,
    /// It is the item the form starts from (already an option of the select).
    pub chosen: bool,
}

/// The suggestions for event `id` if `p` may dispatch it now (a called event, a dispatcher);
/// `None` otherwise. `Some` with an empty list when nothing matched.
pub async fn for_dispatch(state: &AppState, p: &Principal, id: u64) -> Option<Vec<ItemSuggestion>> {
    if !p.has(RoleKind::CountyDispatcher) {
        return None;
    }
    let text = state
        .engine
        .with_events(&[id], |st| {
            st.events
                .event(id)
                .filter(|e| e.status == EventStatus::Called)
                .map(tiaokuai_app::routing::event_text)
        })
        .await
        .ok()??;
    Some(state.routing.suggest(&text, SHOWN).await)
}

/// The item to pre-select: the top suggestion's.
pub fn top(s: &[ItemSuggestion]) -> Option<ItemRef> {
    s.first().map(|x| ItemRef {
        id: x.item.clone(),
        version: x.version,
    })
}

pub fn views(
    st: &CountyState,
    s: &[ItemSuggestion],
    chosen: Option<&ItemRef>,
    l: Lang,
) -> Vec<SuggestionView> {
    s.iter()
        .map(|x| {
            let it = st.lists.item_at(&x.item, x.version);
            let codes = |v: Vec<&String>| {
                v.into_iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let lead = x.lead.as_ref().map(|u| u.name.as_str()).unwrap_or("—");
            let co: Vec<&str> = x.co.iter().map(|u| u.name.as_str()).collect();
            let mut words: Vec<&str> = x
                .reason
                .matched_words
                .iter()
                .chain(&x.reason.model_words)
                .map(|w| w.as_str())
                .collect();
            words.dedup();
            words.truncate(4);
            let words: Vec<String> = words.into_iter().map(|w| short(w, 12)).collect();
            let reason = if words.is_empty() {
                String::new()
            } else {
                format!(
                    "{}{}",
                    l.pick("匹配词：", "Matched: "),
                    words.join(l.pick("、", ", "))
                )
            };
            SuggestionView {
                value: format!("{}@{}", x.item, x.version),
                name: x.name.clone(),
                units: if co.is_empty() {
                    lead.to_string()
                } else if co.len() > CO_SHOWN {
                    format!(
                        "{lead} / {}{}",
                        co[..CO_SHOWN].join(l.pick("、", ", ")),
                        match l {
                            Lang::Zh => format!("等{}个单位", co.len()),
                            Lang::En => format!(" and {} more", co.len() - CO_SHOWN),
                        }
                    )
                } else {
                    format!("{lead} / {}", co.join(l.pick("、", ", ")))
                },
                score: (x.score * 100.0).round().clamp(0.0, 100.0) as u32,
                reason,
                similar: x.reason.similar_events.clone(),
                primary: it
                    .map(|i| codes(i.primary.iter().collect()))
                    .unwrap_or_default(),
                named: it
                    .map(|i| codes(i.primary.iter().chain(&i.supporting).collect()))
                    .unwrap_or_default(),
                chosen: chosen.is_some_and(|r| r.id == x.item && r.version == x.version),
            }
        })
        .collect()
}
