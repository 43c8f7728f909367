//! The in-RAM index: schema, building from [`SearchDoc`]s and searching.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, STRING};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentReader, TantivyDocument,
};

use crate::analysis::{char_analyzer, plan_query, word_analyzer, CHAR_TOKENIZER, WORD_TOKENIZER};
use crate::highlight::Matcher;
use crate::query::{build_query, Coverage, Fields};
use crate::{Hit, SearchDoc, SearchError};

/// Largest number of hits one search returns.
pub const MAX_LIMIT: usize = 200;
/// Snippet length in characters.
const SNIPPET_CHARS: usize = 80;
/// Indexing memory per writer thread.
const WRITER_MEMORY_PER_THREAD: usize = 40_000_000;

/// A searchable, immutable index over a catalogue of list items.
pub struct ListIndex {
    reader: IndexReader,
    fields: Fields,
    analyzer: TextAnalyzer,
    docs: Vec<SearchDoc>,
}

impl std::fmt::Debug for ListIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListIndex")
            .field("docs", &self.docs.len())
            .finish()
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let words = |positions: bool| {
        let record = if positions {
            IndexRecordOption::WithFreqsAndPositions
        } else {
            IndexRecordOption::WithFreqs
        };
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(WORD_TOKENIZER)
                .set_index_option(record),
        )
    };
    let chars = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(CHAR_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        ord: b.add_u64_field("ord", FAST),
        kind: b.add_text_field("kind", STRING),
        domain: b.add_text_field("domain", words(false)),
        name: b.add_text_field("name", words(true)),
        keywords: b.add_text_field("keywords", words(false)),
        problem: b.add_text_field("problem", words(false)),
        duties: b.add_text_field("duties", words(false)),
        legal_basis: b.add_text_field("legal_basis", words(false)),
        units: b.add_text_field("units", words(false)),
        name_chars: b.add_text_field("name_chars", chars.clone()),
        text_chars: b.add_text_field("text_chars", chars),
    };
    (b.build(), fields)
}

fn to_document(f: &Fields, ord: usize, d: &SearchDoc) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.ord, ord as u64);
    doc.add_text(f.kind, &d.kind);
    doc.add_text(f.domain, &d.domain);
    doc.add_text(f.name, &d.name);
    doc.add_text(f.name_chars, &d.name);
    for k in &d.keywords {
        doc.add_text(f.keywords, k);
        doc.add_text(f.text_chars, k);
    }
    doc.add_text(f.problem, &d.problem);
    doc.add_text(f.text_chars, &d.problem);
    doc.add_text(f.duties, &d.duties);
    doc.add_text(f.legal_basis, &d.legal_basis);
    for u in &d.units {
        doc.add_text(f.units, u);
    }
    doc
}

impl ListIndex {
    /// Indexes `docs` in a RAM directory.
    pub fn build(docs: &[SearchDoc]) -> Result<ListIndex, SearchError> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(WORD_TOKENIZER, word_analyzer());
        index.tokenizers().register(CHAR_TOKENIZER, char_analyzer());
        let threads = if docs.len() >= 2_000 {
            std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .clamp(1, 4)
        } else {
            1
        };
        let mut writer: IndexWriter =
            index.writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)?;
        for (ord, d) in docs.iter().enumerate() {
            writer.add_document(to_document(&fields, ord, d))?;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(ListIndex {
            reader,
            fields,
            analyzer: word_analyzer(),
            docs: docs.to_vec(),
        })
    }

    /// Number of indexed items.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when no item is indexed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Searches for `query` (cut to 200 characters), best first, at most
    /// `limit` hits (capped at [`MAX_LIMIT`]), optionally only items of one
    /// `kind`. A blank query, or one made only of stop words, finds nothing.
    pub fn search(
        &self,
        query: &str,
        limit: usize,
        kind: Option<&str>,
    ) -> Result<Vec<Hit>, SearchError> {
        let limit = limit.min(MAX_LIMIT);
        if limit == 0 || query.trim().is_empty() || self.docs.is_empty() {
            return Ok(Vec::new());
        }
        let mut analyzer = self.analyzer.clone();
        let plan = plan_query(&mut analyzer, query);
        if plan.concepts.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let text_query = build_query(&self.fields, &plan, kind);
        let coverage = Arc::new(Coverage::new(&searcher, &self.fields, &plan));
        let collector = TopDocs::with_limit(limit).tweak_score(move |segment: &SegmentReader| {
            let masks = coverage.masks(segment);
            let coverage = Arc::clone(&coverage);
            move |doc: DocId, score: Score| score * coverage.factor(&masks, doc)
        });
        let top = searcher.search(&*text_query, &collector)?;

        let matcher = Matcher::new(&plan.highlight_terms());
        let mut columns: HashMap<u32, Column<u64>> = HashMap::new();
        let mut hits = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let column = match columns.get(&addr.segment_ord) {
                Some(c) => c.clone(),
                None => {
                    let c = searcher
                        .segment_reader(addr.segment_ord)
                        .fast_fields()
                        .u64("ord")?;
                    columns.insert(addr.segment_ord, c.clone());
                    c
                }
            };
            let Some(doc) = column
                .first(addr.doc_id)
                .and_then(|o| self.docs.get(o as usize))
            else {
                continue;
            };
            hits.push(Hit {
                id: doc.id.clone(),
                score,
                name_html: matcher.mark(&doc.name),
                snippet_html: matcher.snippet(
                    &[&doc.problem, &doc.duties, &doc.legal_basis],
                    SNIPPET_CHARS,
                ),
            });
        }
        Ok(hits)
    }
}
