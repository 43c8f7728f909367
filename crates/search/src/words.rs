//! Word-level highlighting for pages read by citizens: only query words of two or more
//! characters are marked, never a lone character (`管`, `道`, `坏`).
//!
//! The words are the query's jieba words and dictionary sub-words (stop words dropped), plus
//! the longest stretches of the query (two characters or more) that occur verbatim in the
//! texts shown, so `占道经营` is marked even where jieba cut the query into `占`/`道`/`经营`.

use crate::analysis::{cap_query, is_stop_word, plan_query, word_analyzer};
use crate::highlight::Matcher;

/// Characters that never start or end a marked stretch (particles, pronouns and the like).
const EDGE_CHARS: &str = "的了着过是在有和与及或就都也还很太吗呢吧啊呀哦嘛么我你他她它您这那哪谁啥把被给对从向往到让叫跟比将为以于而但却又再才只不没别能会要想可得地之其此个些说去来做弄搞看好多大小上下里中前后天们人等呗啦";

/// The query's words of at least two characters (jieba words and sub-words, stop words
/// dropped), lower-cased, in query order, without repeats.
pub fn query_words(query: &str) -> Vec<String> {
    let plan = plan_query(&mut word_analyzer(), query);
    let mut out: Vec<String> = Vec::new();
    for c in &plan.concepts {
        for w in std::iter::once(&c.word).chain(c.parts.iter()) {
            if w.chars().count() >= 2 && !is_stop_word(w) && !out.contains(w) {
                out.push(w.clone());
            }
        }
    }
    out
}

/// The longest stretches (at least two characters, after trimming function characters at
/// either end) of `query` that occur in one of `texts`, left to right, without repeats.
pub fn shared_stretches(query: &str, texts: &[&str]) -> Vec<String> {
    let lower = |s: &str| s.to_lowercase();
    let texts: Vec<String> = texts.iter().map(|t| lower(t)).collect();
    let occurs = |s: &str| texts.iter().any(|t| t.contains(s));
    let mut out: Vec<String> = Vec::new();
    for run in lower(cap_query(query)).split(|c: char| !c.is_alphanumeric()) {
        let chars: Vec<char> = run.chars().collect();
        let mut covered_to = 0usize;
        for i in 0..chars.len() {
            // The longest stretch from i: if chars[i..j] does not occur, no longer one does.
            let mut best = i;
            for j in i + 2..=chars.len() {
                let s: String = chars[i..j].iter().collect();
                if occurs(&s) {
                    best = j;
                } else {
                    break;
                }
            }
            if best <= covered_to || best < i + 2 {
                continue;
            }
            covered_to = best;
            let s: String = chars[i..best].iter().collect();
            let s = s.trim_matches(|c| EDGE_CHARS.contains(c));
            if s.chars().count() >= 2 && !is_stop_word(s) && !out.iter().any(|o| o == s) {
                out.push(s.to_string());
            }
        }
    }
    out
}

/// Marks the words of one query in the texts of one result.
pub struct WordHighlighter {
    matcher: Matcher,
    words: Vec<String>,
}

impl WordHighlighter {
    /// Words of `query` (see [`query_words`] and [`shared_stretches`]) for marking `texts`.
    pub fn new(query: &str, texts: &[&str]) -> WordHighlighter {
        let mut words = query_words(query);
        for s in shared_stretches(query, texts) {
            if !words.contains(&s) {
                words.push(s);
            }
        }
        WordHighlighter {
            matcher: Matcher::new(&words),
            words,
        }
    }

    /// The words that will be marked (each of two characters or more).
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// `text` HTML-escaped, with the words in `<mark>`.
    pub fn mark(&self, text: &str) -> String {
        self.matcher.mark(text)
    }

    /// At most `max_chars` characters of the text that holds the most words, escaped and marked.
    pub fn snippet(&self, texts: &[&str], max_chars: usize) -> String {
        self.matcher.snippet(texts, max_chars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(html: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = html;
        while let Some(i) = rest.find("<mark>") {
            let after = &rest[i + 6..];
            let Some(j) = after.find("</mark>") else {
                break;
            };
            out.push(after[..j].to_string());
            rest = &after[j + 7..];
        }
        out
    }

    #[test]
    fn no_single_character_is_marked() {
        for (q, text) in [
            (
                "路灯坏了没人管",
                "城市道路、桥梁、排水、路灯等市政设施养护维修，坏了管",
            ),
            ("占道经营", "对在城市道路两侧摆摊设点、占道经营的处罚"),
            ("井盖丢了", "窨井盖缺失破损，井盖、管网"),
            ("这事归谁管", "管理"),
        ] {
            let h = WordHighlighter::new(q, &[text]);
            let html = h.mark(text);
            for m in marks(&html) {
                assert!(m.chars().count() >= 2, "{q}: single mark {m} in {html}");
            }
            assert!(h.words().iter().all(|w| w.chars().count() >= 2));
        }
    }

    #[test]
    fn whole_phrases_are_marked() {
        let t = "对在城市道路两侧摆摊设点、占道经营的处罚";
        let h = WordHighlighter::new("占道经营", &[t]);
        assert!(h.mark(t).contains("<mark>占道经营</mark>"), "{}", h.mark(t));
        let t = "城市道路、路灯等市政设施";
        let h = WordHighlighter::new("路灯坏了", &[t]);
        assert_eq!(marks(&h.mark(t)), vec!["路灯".to_string()]);
    }

    #[test]
    fn stretches_are_trimmed_and_escaped() {
        assert_eq!(
            shared_stretches("楼下饭店的油烟太大了", &["餐饮的油烟扰民"]),
            vec!["油烟".to_string()]
        );
        let h = WordHighlighter::new("<b>油烟", &["a<b>油烟&"]);
        let html = h.mark("a<b>油烟&");
        assert!(!html.contains("<b>"), "{html}");
        assert!(html.contains("&amp;"), "{html}");
    }
}
