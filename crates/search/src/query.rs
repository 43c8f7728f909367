//! Query construction: every concept of the query is an optional (SHOULD)
//! clause over the boosted text fields, the whole query is also tried as a
//! phrase on the name, and a coverage factor rewards documents that match
//! many of the (IDF-weighted) concepts.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, SegmentReader, Term, TERMINATED};

use crate::analysis::{Concept, QueryPlan};

/// Handles of the schema fields.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    pub ord: Field,
    pub kind: Field,
    pub domain: Field,
    pub name: Field,
    pub keywords: Field,
    pub problem: Field,
    pub duties: Field,
    pub legal_basis: Field,
    pub units: Field,
    pub name_chars: Field,
    pub text_chars: Field,
}

/// Boost of the phrase match of the whole query on the name.
const PHRASE_BOOST: f32 = 4.0;
/// Longest phrase (in words) that is tried on the name.
const MAX_PHRASE_WORDS: usize = 16;
/// Weight of a search-mode sub-word relative to the whole word.
const PART_FACTOR: f32 = 0.5;
/// DisjunctionMax tie breaker: a word found in several fields counts a bit more.
const TIE_BREAKER: f32 = 0.3;
/// Share of the score that does not depend on coverage.
const COVERAGE_FLOOR: f32 = 0.3;

impl Fields {
    /// Word-analysed fields and their boosts.
    fn word_fields(&self) -> [(Field, f32); 7] {
        [
            (self.name, 4.0),
            (self.keywords, 3.0),
            (self.problem, 1.5),
            (self.duties, 1.0),
            (self.legal_basis, 1.0),
            (self.units, 1.0),
            (self.domain, 0.5),
        ]
    }

    /// Character-analysed fields and their boosts.
    fn char_fields(&self) -> [(Field, f32); 2] {
        [(self.name_chars, 2.0), (self.text_chars, 1.0)]
    }
}

fn term_query(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    let term = Term::from_field_text(field, text);
    Box::new(BoostQuery::new(
        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
        boost,
    ))
}

/// One term over the given fields, best field first.
fn across(fields: &[(Field, f32)], text: &str, factor: f32) -> Box<dyn Query> {
    let disjuncts = fields
        .iter()
        .map(|&(f, b)| term_query(f, text, b * factor))
        .collect();
    Box::new(DisjunctionMaxQuery::with_tie_breaker(
        disjuncts,
        TIE_BREAKER,
    ))
}

fn concept_query(f: &Fields, c: &Concept, char_factor: f32) -> Box<dyn Query> {
    let words = f.word_fields();
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Should, across(&words, &c.word, 1.0))];
    for part in &c.parts {
        clauses.push((Occur::Should, across(&words, part, PART_FACTOR)));
    }
    if c.single {
        clauses.push((
            Occur::Should,
            across(&f.char_fields(), &c.word, char_factor),
        ));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The tantivy query for a plan, optionally restricted to one `kind`.
pub(crate) fn build_query(f: &Fields, plan: &QueryPlan, kind: Option<&str>) -> Box<dyn Query> {
    // Lone characters weigh fully when the query has nothing else.
    let only_singles = plan.concepts.iter().all(|c| c.single);
    let char_factor = if only_singles { 1.0 } else { 0.3 };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = plan
        .concepts
        .iter()
        .map(|c| (Occur::Should, concept_query(f, c, char_factor)))
        .collect();
    if plan.phrase.len() >= 2 && plan.phrase.len() <= MAX_PHRASE_WORDS {
        let terms: Vec<(usize, Term)> = plan
            .phrase
            .iter()
            .map(|(off, text)| (*off, Term::from_field_text(f.name, text)))
            .collect();
        let phrase = Box::new(PhraseQuery::new_with_offset(terms));
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(phrase, PHRASE_BOOST)),
        ));
    }
    let text_query: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
    match kind {
        None => text_query,
        Some(kind) => {
            let filter = TermQuery::new(
                Term::from_field_text(f.kind, kind),
                IndexRecordOption::Basic,
            );
            Box::new(BooleanQuery::new(vec![
                (
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(Box::new(filter), 0.0)),
                ),
                (Occur::Must, text_query),
            ]))
        }
    }
}

/// Terms that show a document matched one concept.
#[derive(Debug)]
struct ConceptTerms {
    weight: f32,
    full: Vec<Term>,
    partial: Vec<Term>,
}

/// IDF-weighted share of the query's concepts that a document matches.
#[derive(Debug)]
pub(crate) struct Coverage {
    concepts: Vec<ConceptTerms>,
    total: f32,
}

/// Per-document bit masks: (concepts matched fully, concepts matched by a sub-word).
pub(crate) type Masks = Vec<(u64, u64)>;

impl Coverage {
    /// Looks up document frequencies in `searcher` to weight each concept.
    pub fn new(searcher: &Searcher, f: &Fields, plan: &QueryPlan) -> Coverage {
        let n = searcher.num_docs() as f32;
        let mut concepts = Vec::new();
        for c in plan.concepts.iter().take(64) {
            let mut fields: Vec<Field> = f.word_fields().iter().map(|&(fl, _)| fl).collect();
            if c.single {
                fields.extend(f.char_fields().iter().map(|&(fl, _)| fl));
            }
            let full: Vec<Term> = fields
                .iter()
                .map(|&fl| Term::from_field_text(fl, &c.word))
                .collect();
            let partial: Vec<Term> = c
                .parts
                .iter()
                .flat_map(|p| f.word_fields().map(|(fl, _)| Term::from_field_text(fl, p)))
                .collect();
            let df = full
                .iter()
                .chain(partial.iter())
                .map(|t| searcher.doc_freq(t).unwrap_or(0))
                .max()
                .unwrap_or(0) as f32;
            let weight = if df > 0.0 {
                (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
            } else {
                0.0
            };
            concepts.push(ConceptTerms {
                weight,
                full,
                partial,
            });
        }
        let total = concepts.iter().map(|c| c.weight).sum();
        Coverage { concepts, total }
    }

    /// Which concepts each document of `segment` matches. Read errors leave
    /// the masks empty, which only disables the coverage factor.
    pub fn masks(&self, segment: &SegmentReader) -> Masks {
        let mut masks: Masks = vec![(0, 0); segment.max_doc() as usize];
        let mut readers = HashMap::new();
        for (i, c) in self.concepts.iter().enumerate() {
            let bit = 1u64 << i;
            for (terms, full) in [(&c.full, true), (&c.partial, false)] {
                for term in terms {
                    let field = term.field();
                    let reader = match readers.get(&field) {
                        Some(r) => Arc::clone(r),
                        None => match segment.inverted_index(field) {
                            Ok(r) => {
                                readers.insert(field, Arc::clone(&r));
                                r
                            }
                            Err(_) => return Vec::new(),
                        },
                    };
                    let Ok(Some(mut postings)) =
                        reader.read_postings(term, IndexRecordOption::Basic)
                    else {
                        continue;
                    };
                    let mut doc = postings.doc();
                    while doc != TERMINATED {
                        if let Some(m) = masks.get_mut(doc as usize) {
                            if full {
                                m.0 |= bit;
                            } else {
                                m.1 |= bit;
                            }
                        }
                        doc = postings.advance();
                    }
                }
            }
        }
        masks
    }

    /// Score multiplier for a document with the given masks.
    pub fn factor(&self, masks: &Masks, doc: DocId) -> f32 {
        let Some(&(full, partial)) = masks.get(doc as usize) else {
            return 1.0;
        };
        if self.total <= 0.0 {
            return 1.0;
        }
        let got: f32 = self
            .concepts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let bit = 1u64 << i;
                if full & bit != 0 {
                    c.weight
                } else if partial & bit != 0 {
                    c.weight * 0.5
                } else {
                    0.0
                }
            })
            .sum();
        COVERAGE_FLOOR + (1.0 - COVERAGE_FLOOR) * (got / self.total).min(1.0)
    }
}
