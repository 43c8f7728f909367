//! Full-text Chinese search over responsibility-list items (清单事项).
//!
//! [`ListIndex::build`] indexes a catalogue in RAM (rebuild it whenever the
//! catalogue changes); [`ListIndex::search`] takes anything from a two-character
//! keyword (`油烟`, `违建`) to a long colloquial citizen message and returns
//! ranked [`Hit`]s with HTML-safe highlights.
//!
//! Text is segmented with jieba (search mode). A query is segmented the same
//! way, stop words and function characters are dropped, and every remaining
//! word becomes an optional clause across the fields (name ×4, keywords ×3,
//! problem ×1.5, duties/legal basis/units ×1, domain ×0.5); the whole query is
//! also tried as a phrase on the name, and documents covering more of the
//! query's (IDF-weighted) words are ranked higher. Single meaningful
//! characters (`桥`) also search character-level fields.
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod analysis;
pub mod bench;
mod highlight;
mod index;
mod query;
mod words;

pub use highlight::escape_html;
pub use index::ListIndex;
pub use words::{query_words, shared_stretches, WordHighlighter};

/// One responsibility-list item as seen by the search index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchDoc {
    /// Item id, e.g. `territorial/12`.
    pub id: String,
    /// territorial | power | boundary | joint | delegated | village
    pub kind: String,
    /// 领域, e.g. 生态环境.
    pub domain: String,
    /// 事项名称.
    pub name: String,
    /// 关键词 and 别名 (aliases people use).
    pub keywords: Vec<String>,
    /// 问题描述.
    pub problem: String,
    /// All parties' duty texts joined.
    pub duties: String,
    /// Legal basis.
    pub legal_basis: String,
    /// Names of the responsible units (primary first).
    pub units: Vec<String>,
}

/// One search result.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// Item id ([`SearchDoc::id`]).
    pub id: String,
    /// Relevance score (higher is better; only comparable within one search).
    pub score: f32,
    /// The item name, HTML-escaped, with matched words in `<mark>`.
    pub name_html: String,
    /// At most 80 characters from problem / duties / legal basis,
    /// HTML-escaped, with matched words in `<mark>`.
    pub snippet_html: String,
}

/// Errors of building or querying the index.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SearchError {
    /// The search engine failed (index creation, writing or reading).
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
}
