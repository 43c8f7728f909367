//! Text analysis: the jieba word analyzer used for every text field, a
//! single-character analyzer (so that a meaningful single character such as
//! `桥` still finds `桥梁`), stop words, and the segmentation of a user query
//! into *concepts* (one per jieba word, with its search-mode sub-words).

use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer,
};
use tantivy_jieba::JiebaTokenizer;

/// Name under which the jieba analyzer is registered in the index.
pub(crate) const WORD_TOKENIZER: &str = "tk_jieba";
/// Name under which the single-character analyzer is registered.
pub(crate) const CHAR_TOKENIZER: &str = "tk_chars";
/// Queries are cut to this many characters before analysis.
pub(crate) const MAX_QUERY_CHARS: usize = 200;
/// At most this many concepts are taken from one query.
pub(crate) const MAX_CONCEPTS: usize = 40;

/// Jieba (search mode: words plus their dictionary sub-words), lower-cased.
pub(crate) fn word_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(JiebaTokenizer::new())
        .filter(RemoveLongFilter::limit(64))
        .filter(LowerCaser)
        .build()
}

/// One token per letter/digit/CJK character, lower-cased.
pub(crate) fn char_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(CharTokenizer)
        .filter(LowerCaser)
        .build()
}

/// Emits every alphanumeric character (CJK included) as its own token.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CharTokenizer;

/// Token stream of [`CharTokenizer`].
pub(crate) struct CharTokenStream<'a> {
    chars: std::iter::Enumerate<std::str::CharIndices<'a>>,
    token: Token,
}

impl Tokenizer for CharTokenizer {
    type TokenStream<'a> = CharTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CharTokenStream<'a> {
        CharTokenStream {
            chars: text.char_indices().enumerate(),
            token: Token::default(),
        }
    }
}

impl TokenStream for CharTokenStream<'_> {
    fn advance(&mut self) -> bool {
        for (pos, (offset, c)) in self.chars.by_ref() {
            if c.is_alphanumeric() {
                self.token.text.clear();
                self.token.text.push(c);
                self.token.offset_from = offset;
                self.token.offset_to = offset + c.len_utf8();
                self.token.position = pos;
                self.token.position_length = 1;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// Multi-character words that carry no meaning for routing: pronouns,
/// connectives, politeness and the usual filler of citizens' messages.
const STOP_WORDS: &str = "我们 你们 他们 她们 它们 咱们 大家 自己 人家 什么 \
怎么 怎么办 怎样 怎么样 为什么 为啥 干嘛 如何 哪里 \
哪儿 那里 这里 这个 那个 这些 那些 这样 那样 这种 \
那种 可以 可能 应该 需要 希望 请问 请求 一下 一个 \
一些 一点 已经 一直 还是 但是 而且 因为 所以 如果 \
就是 不是 没有 有没有 是否 能否 能不能 还有 或者 \
以及 并且 非常 特别 真的 实在 确实 现在 目前 今天 \
昨天 每天 天天 经常 总是 老是 多次 反映 反应 投诉 \
举报 问题 情况 处理 解决 谢谢 感谢 你好 您好 麻烦 \
帮忙 帮助 领导 部门 相关 有关 管理部门 没人 没人管 \
不管 管管 一下子 时候 的话 然后 其实 只是 只有 还要 \
就要 就会 不能 不会 不要 得到 导致 造成 严重 影响 \
要求 尽快 及时 马上 立即 到底 究竟 本人 市民 群众 \
居民 附近 周边 旁边 那边 这边 里面 外面 上面 下面 \
左右 以上 以下 之前 之后 以后 以前 最近 近期 期间 \
过程 方面 没法 无法 不了";

/// Single characters that are function words (particles, pronouns,
/// prepositions, measure words); any other single character is kept.
const FUNCTION_CHARS: &str =
    "的了着过是在有和与及或就都也还很太吗呢吧啊呀哦嘛么哈嗯哎唉我你他她它您咱这那哪谁啥把被给\
对从向往到让叫跟比将为以于而且但却又再才只不没别能会要想可得地之其此个些一二三四五六七八九十两几\
说去来做弄搞看好多大小上下里中前后天年月日号点们人等呗啦喽嘞咯哇呐";

/// True when `word` should not become a query concept.
pub(crate) fn is_stop_word(word: &str) -> bool {
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (None, _) => true,
        (Some(c), None) => c.is_ascii() || FUNCTION_CHARS.contains(c),
        _ => STOP_WORDS.split_whitespace().any(|w| w == word),
    }
}

/// True when `word` contains at least one letter, digit or CJK character.
fn is_word_like(word: &str) -> bool {
    word.chars().any(char::is_alphanumeric)
}

/// One meaningful word of the query with its search-mode sub-words.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Concept {
    /// The word as segmented in context (lower-cased).
    pub word: String,
    /// Dictionary sub-words of `word` found by jieba's search mode.
    pub parts: Vec<String>,
    /// True for a single character (also searched in the character fields).
    pub single: bool,
}

/// A query after analysis.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct QueryPlan {
    /// Meaningful words, in query order, deduplicated, at most [`MAX_CONCEPTS`].
    pub concepts: Vec<Concept>,
    /// Word-like tokens of the whole query with their character offsets,
    /// for the phrase query on the name (punctuation and spaces squeezed out).
    pub phrase: Vec<(usize, String)>,
}

impl QueryPlan {
    /// Every string worth highlighting: words, sub-words and kept characters.
    pub fn highlight_terms(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in &self.concepts {
            for t in std::iter::once(&c.word).chain(c.parts.iter()) {
                if !out.contains(t) {
                    out.push(t.clone());
                }
            }
        }
        out
    }
}

/// Cuts `query` to [`MAX_QUERY_CHARS`] characters.
pub(crate) fn cap_query(query: &str) -> &str {
    match query.char_indices().nth(MAX_QUERY_CHARS) {
        Some((byte, _)) => &query[..byte],
        None => query,
    }
}

/// Segments a query with `analyzer` (the jieba word analyzer) into concepts.
pub(crate) fn plan_query(analyzer: &mut TextAnalyzer, query: &str) -> QueryPlan {
    let query = cap_query(query);
    // (start char, length in chars, text)
    let mut tokens: Vec<(usize, usize, String)> = Vec::new();
    let mut stream = analyzer.token_stream(query);
    while let Some(tok) = stream.next() {
        tokens.push((tok.position, tok.position_length.max(1), tok.text.clone()));
    }
    tokens.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    tokens.dedup();

    // A token is maximal when no other token strictly covers its span.
    let covers = |outer: &(usize, usize, String), inner: &(usize, usize, String)| {
        outer.0 <= inner.0 && inner.0 + inner.1 <= outer.0 + outer.1 && outer.1 > inner.1
    };
    let maximal: Vec<&(usize, usize, String)> = tokens
        .iter()
        .filter(|t| !tokens.iter().any(|o| covers(o, t)))
        .collect();

    let mut plan = QueryPlan::default();
    let mut offset = 0usize;
    for tok in &maximal {
        if !is_word_like(&tok.2) {
            continue;
        }
        plan.phrase.push((offset, tok.2.clone()));
        offset += tok.1;
    }

    let word_like_count = maximal.iter().filter(|t| is_word_like(&t.2)).count();
    for tok in &maximal {
        let word = &tok.2;
        if !is_word_like(word) || plan.concepts.iter().any(|c| &c.word == word) {
            continue;
        }
        let single = word.chars().count() == 1;
        // A lone character query is always kept ("桥", even "水"); inside
        // a longer query, function characters and stop words are dropped.
        if is_stop_word(word) && !(single && word_like_count == 1) {
            continue;
        }
        let parts = tokens
            .iter()
            .filter(|t| covers(tok, t) && is_word_like(&t.2) && t.2.chars().count() > 1)
            .map(|t| t.2.clone())
            .fold(Vec::new(), |mut acc, p| {
                if !acc.contains(&p) {
                    acc.push(p);
                }
                acc
            });
        plan.concepts.push(Concept {
            word: word.clone(),
            parts,
            single,
        });
        if plan.concepts.len() >= MAX_CONCEPTS {
            break;
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(q: &str) -> Vec<String> {
        plan_query(&mut word_analyzer(), q)
            .concepts
            .into_iter()
            .map(|c| c.word)
            .collect()
    }

    #[test]
    fn colloquial_messages_keep_content_words_only() {
        let w = words("楼下饭店的油烟太大了熏得没法开窗");
        for keep in ["楼下", "饭店", "油烟", "开窗"] {
            assert!(w.iter().any(|x| x == keep), "{keep} missing from {w:?}");
        }
        for drop in ["的", "了", "得", "没法"] {
            assert!(!w.iter().any(|x| x == drop), "{drop} kept in {w:?}");
        }
    }

    #[test]
    fn single_characters() {
        let plan = plan_query(&mut word_analyzer(), "桥");
        assert_eq!(plan.concepts.len(), 1);
        assert!(plan.concepts[0].single);
        assert_eq!(words("的"), vec!["的".to_string()]);
        assert!(words("，。！ ").is_empty());
    }

    #[test]
    fn queries_are_capped() {
        let long = "油烟".repeat(500);
        assert_eq!(cap_query(&long).chars().count(), MAX_QUERY_CHARS);
        assert_eq!(cap_query("油烟"), "油烟");
        let plan = plan_query(&mut word_analyzer(), &long);
        assert_eq!(plan.concepts.len(), 1);
    }
}
