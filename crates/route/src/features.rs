//! Text to sparse TF-IDF vectors: jieba words plus character 1–3-grams.
//!
//! Words carry the meaning of long messages; character n-grams survive segmentation errors,
//! masked place names (A3区) and very short texts. Every term is a string key with a one-letter
//! prefix (`w` word, `c` character n-gram, `t` title word) so one vocabulary holds them all.

use std::collections::HashMap;
use std::sync::LazyLock;

use jieba_rs::Jieba;

/// Only the head of a message is read: titles and the first paragraphs name the problem, and a
/// 100,000-character paste must not cost more than a normal report.
pub const MAX_CHARS: usize = 2000;

/// Loading jieba's dictionary takes a while; every model shares one segmenter.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Which terms are extracted; fixed at training time and kept with the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TermOptions {
    /// Longest character n-gram (0 turns character n-grams off).
    pub max_ngram: usize,
    /// Also emit the first line's words with a separate prefix (callers put the title there).
    pub title_terms: bool,
}

impl Default for TermOptions {
    fn default() -> Self {
        Self {
            max_ngram: 3,
            title_terms: true,
        }
    }
}

/// Folds full-width ASCII to half-width and lower-cases, so `ＡＢＣ１２` and `abc12` are one term.
fn normalise(text: &str) -> String {
    text.chars()
        .take(MAX_CHARS)
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_word(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
}

/// Calls `emit` once per term occurrence of `text` (the same term may come several times).
pub fn for_each_term(text: &str, opts: TermOptions, mut emit: impl FnMut(&str)) {
    let text = normalise(text);
    let mut key = String::with_capacity(16);
    let mut term = |prefix: char, body: &str, key: &mut String| {
        key.clear();
        key.push(prefix);
        key.push_str(body);
        emit(key);
    };
    if opts.title_terms {
        if let Some((title, rest)) = text.split_once('\n') {
            if !rest.trim().is_empty() {
                for tok in JIEBA.cut(title, true) {
                    if is_word(tok.word) {
                        term('t', tok.word, &mut key);
                    }
                }
            }
        }
    }
    for tok in JIEBA.cut(&text, true) {
        if is_word(tok.word) {
            term('w', tok.word, &mut key);
        }
    }
    if opts.max_ngram == 0 {
        return;
    }
    // Character n-grams within runs of letters and digits: punctuation, spaces and emoji break
    // runs, so no n-gram straddles two clauses.
    let mut run: Vec<(usize, char)> = Vec::new();
    let mut flush = |run: &mut Vec<(usize, char)>, key: &mut String| {
        for i in 0..run.len() {
            for n in 1..=opts.max_ngram.min(run.len() - i) {
                key.clear();
                key.push('c');
                key.extend(run[i..i + n].iter().map(|&(_, c)| c));
                emit(key);
            }
        }
        run.clear();
    };
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            run.push((i, c));
        } else if !run.is_empty() {
            flush(&mut run, &mut key);
        }
    }
    flush(&mut run, &mut key);
}

/// A sparse vector: (feature index, value), sorted by index.
pub type Sparse = Vec<(u32, f32)>;

/// The selected terms with their inverse document frequencies.
#[derive(Debug, Clone)]
pub struct Vocabulary {
    pub opts: TermOptions,
    pub index: HashMap<String, u32>,
    pub terms: Vec<String>,
    pub idf: Vec<f32>,
}

impl Vocabulary {
    /// Keeps terms seen in at least `min_df` documents, at most `max_features` of them, the most
    /// frequent first (ties by term, so training is deterministic).
    pub fn fit<S: AsRef<str>>(
        docs: &[S],
        opts: TermOptions,
        min_df: usize,
        max_features: usize,
    ) -> Self {
        let mut df: HashMap<String, u32> = HashMap::new();
        let mut seen: Vec<String> = Vec::new();
        for doc in docs {
            seen.clear();
            for_each_term(doc.as_ref(), opts, |t| seen.push(t.to_owned()));
            seen.sort_unstable();
            seen.dedup();
            for t in seen.drain(..) {
                *df.entry(t).or_default() += 1;
            }
        }
        let mut kept: Vec<(String, u32)> = df
            .into_iter()
            .filter(|&(_, d)| d as usize >= min_df.max(1))
            .collect();
        kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        kept.truncate(max_features);
        let n = docs.len() as f32;
        let mut vocab = Self {
            opts,
            index: HashMap::with_capacity(kept.len()),
            terms: Vec::with_capacity(kept.len()),
            idf: Vec::with_capacity(kept.len()),
        };
        for (i, (term, d)) in kept.into_iter().enumerate() {
            // Smoothed idf as in common TF-IDF implementations: never zero, never infinite.
            vocab.idf.push(((1.0 + n) / (1.0 + d as f32)).ln() + 1.0);
            vocab.index.insert(term.clone(), i as u32);
            vocab.terms.push(term);
        }
        vocab
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Sublinear tf (1 + ln count) × idf, l2-normalised; terms outside the vocabulary are dropped.
    pub fn transform(&self, text: &str) -> Sparse {
        let mut counts: HashMap<u32, u32> = HashMap::new();
        for_each_term(text, self.opts, |t| {
            if let Some(&i) = self.index.get(t) {
                *counts.entry(i).or_default() += 1;
            }
        });
        let mut v: Sparse = counts
            .into_iter()
            .map(|(i, c)| (i, (1.0 + (c as f32).ln()) * self.idf[i as usize]))
            .collect();
        v.sort_unstable_by_key(|&(i, _)| i);
        let norm = v.iter().map(|&(_, x)| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|(_, x)| *x /= norm);
        }
        v
    }
}
