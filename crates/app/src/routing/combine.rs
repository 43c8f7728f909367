//! How retrieval and the learned model are combined into one ranked list (pure).
//!
//! For each candidate list item:
//!
//! ```text
//! score = (1 − w) · r + w · p
//! r = c · retrieval score / best retrieval score of this text   (0 if the index did not find it)
//! c = min(1, characters of the highlighted words / min(4, characters of the text))
//! p = the model's probability for the item                       (0 if there is no model)
//! w = 0.8 · n / (n + 100)                                        (n = training examples)
//! ```
//!
//! `c` keeps a match on one stray character (`响` of `影响`) from counting as a full match;
//! a hit with no highlighted word (found by its keywords or units) keeps `c = 1`.
//!
//! so a new county (no dispatches, no model) is answered from the lists alone, the model gets
//! 0.4 of the say after 100 dispatches and approaches 0.8 with thousands, and the item text
//! always keeps at least a fifth.

use std::collections::BTreeMap;

use tiaokuai_route::Suggestion;
use tiaokuai_search::Hit;

/// The most the model may weigh.
pub const MAX_MODEL_WEIGHT: f32 = 0.8;
/// Training examples at which the model weighs half of [`MAX_MODEL_WEIGHT`].
pub const HALF_WEIGHT_AT: f32 = 100.0;
/// Highlighted characters that make a full-strength match.
const FULL_MATCH_CHARS: usize = 4;

/// `c` above: how much of a match the highlighted words make.
fn match_strength(matched: &[String], text_chars: usize) -> f32 {
    if matched.is_empty() {
        return 1.0;
    }
    let chars: usize = matched.iter().map(|w| w.chars().count()).sum();
    let full = FULL_MATCH_CHARS.min(text_chars).max(1);
    (chars as f32 / full as f32).min(1.0)
}

/// The model's weight `w` after `examples` training examples.
pub fn model_weight(examples: usize) -> f32 {
    let n = examples as f32;
    MAX_MODEL_WEIGHT * n / (n + HALF_WEIGHT_AT)
}

/// One candidate item before it is looked up in the catalogue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Candidate {
    pub item: String,
    pub score: f32,
    /// Normalised retrieval score `r`.
    pub retrieval: f32,
    /// Model probability `p`.
    pub model: f32,
    /// Words of the text found in the item (from the index's highlights).
    pub matched: Vec<String>,
    /// Words that made the model lean towards the item.
    pub model_terms: Vec<String>,
}

/// The words inside `<mark>…</mark>` of a highlighted HTML fragment, unescaped.
pub fn marked_words(html: &str, out: &mut Vec<String>) {
    let mut rest = html;
    while let Some(start) = rest.find("<mark>") {
        let after = &rest[start + "<mark>".len()..];
        let Some(end) = after.find("</mark>") else {
            break;
        };
        let w = unescape(&after[..end]);
        if !w.trim().is_empty() && !out.contains(&w) {
            out.push(w);
        }
        rest = &after[end + "</mark>".len()..];
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// Merges retrieval hits for `text` and model suggestions, best first (ties by item id).
pub fn combine(text: &str, hits: &[Hit], model: &[Suggestion], weight: f32) -> Vec<Candidate> {
    let text_chars = text.chars().filter(|c| !c.is_whitespace()).count();
    let weight = if model.is_empty() {
        0.0
    } else {
        weight.clamp(0.0, 1.0)
    };
    let best = hits
        .iter()
        .map(|h| h.score)
        .filter(|s| s.is_finite())
        .fold(0f32, f32::max);
    let mut by_item: BTreeMap<String, Candidate> = BTreeMap::new();
    for h in hits {
        let c = by_item.entry(h.id.clone()).or_insert_with(|| Candidate {
            item: h.id.clone(),
            ..Default::default()
        });
        if best > 0.0 && h.score.is_finite() {
            c.retrieval = c.retrieval.max((h.score / best).clamp(0.0, 1.0));
        }
        marked_words(&h.name_html, &mut c.matched);
        marked_words(&h.snippet_html, &mut c.matched);
    }
    for c in by_item.values_mut() {
        c.retrieval *= match_strength(&c.matched, text_chars);
    }
    for s in model {
        let c = by_item.entry(s.label.clone()).or_insert_with(|| Candidate {
            item: s.label.clone(),
            ..Default::default()
        });
        c.model = if s.score.is_finite() {
            s.score.clamp(0.0, 1.0)
        } else {
            0.0
        };
        c.model_terms = s.reason_terms.clone();
    }
    let mut out: Vec<Candidate> = by_item
        .into_values()
        .map(|mut c| {
            c.score = (1.0 - weight) * c.retrieval + weight * c.model;
            c
        })
        .filter(|c| c.score > 0.0)
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(id: &str, score: f32, name_html: &str) -> Hit {
        Hit {
            id: id.into(),
            score,
            name_html: name_html.into(),
            snippet_html: String::new(),
        }
    }

    fn sug(label: &str, score: f32) -> Suggestion {
        Suggestion {
            label: label.into(),
            score,
            reason_terms: vec!["油烟".into()],
        }
    }

    #[test]
    fn retrieval_alone_without_a_model() {
        let out = combine(
            "油烟",
            &[hit("a", 4.0, "<mark>油烟</mark>扰民"), hit("b", 2.0, "b")],
            &[],
            0.7,
        );
        assert_eq!(out[0].item, "a");
        assert_eq!(out[0].score, 1.0);
        assert_eq!(out[0].matched, vec!["油烟".to_string()]);
        assert_eq!(out[1].score, 0.5);
    }

    #[test]
    fn the_model_can_overturn_retrieval_once_trusted() {
        let hits = [hit("a", 4.0, "a"), hit("b", 3.0, "b")];
        let model = [sug("b", 0.9), sug("a", 0.05)];
        assert_eq!(combine("x", &hits, &model, 0.0)[0].item, "a");
        assert_eq!(combine("x", &hits, &model, model_weight(1000))[0].item, "b");
        assert!(model_weight(0) == 0.0 && (model_weight(100) - 0.4).abs() < 1e-6);
    }

    #[test]
    fn a_stray_character_is_a_weak_match() {
        let out = combine(
            "楼上邻居半夜咚咚响",
            &[hit("a", 4.0, "环境影<mark>响</mark>评价")],
            &[],
            0.0,
        );
        assert_eq!(out[0].retrieval, 0.25);
    }

    #[test]
    fn odd_scores_do_not_panic() {
        let out = combine(
            "",
            &[hit("a", f32::NAN, "<mark>x"), hit("b", 0.0, "")],
            &[sug("c", f32::INFINITY)],
            2.0,
        );
        assert!(out.iter().all(|c| c.score.is_finite()));
    }
}
