//! Training and scoring.

use std::collections::BTreeMap;

use linfa::prelude::*;
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};

use crate::features::{Sparse, TermOptions, Vocabulary};
use crate::{RouteError, Suggestion};

/// Training settings. The defaults were chosen by 5-fold cross-validation on the development
/// sets (see README.md); they are not tuned per county.
#[derive(Debug, Clone)]
pub struct Router {
    pub terms: TermOptions,
    /// A term must occur in this many training texts: a term seen once cannot generalise.
    pub min_df: usize,
    /// Cap on the vocabulary (most frequent terms first); bounds training memory and time.
    pub max_features: usize,
    /// L2 penalty of the logistic regression.
    pub alpha: f64,
    pub max_iterations: u64,
    /// Weight of the complement naive Bayes voter added to the regression's logits (0 = off).
    /// Naive Bayes is strong on small classes where the regression has too few examples.
    pub cnb_weight: f32,
    /// Moves the decision towards small labels: `balance × ln(label share)` is taken off each
    /// label's bias (0 = plain maximum likelihood, 1 = as if all labels were equally frequent).
    pub balance: f32,
}

impl Default for Router {
    fn default() -> Self {
        Self {
            terms: TermOptions::default(),
            min_df: 2,
            max_features: 5_000,
            alpha: 0.01,
            max_iterations: 200,
            cnb_weight: 0.0,
            balance: 0.5,
        }
    }
}

/// A trained model: the vocabulary and, per term, one weight per label.
#[derive(Debug, Clone)]
pub struct Model {
    vocab: Vocabulary,
    labels: Vec<String>,
    /// Row-major `vocab.len() × labels.len()`, centred per term so that a weight says how much
    /// the term favours a label over the others (the softmax is unchanged by the centring).
    weights: Vec<f32>,
    bias: Vec<f32>,
}

impl Router {
    /// Trains on `(text, label)` pairs. A single label gives a model that always suggests it; a
    /// label seen once is learned like any other (from its one text).
    pub fn train<T: AsRef<str>, L: AsRef<str>>(
        &self,
        examples: &[(T, L)],
    ) -> Result<Model, RouteError> {
        if examples.is_empty() {
            return Err(RouteError::NoExamples);
        }
        let mut label_ids: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, (_, l)) in examples.iter().enumerate() {
            let l = l.as_ref().trim();
            if l.is_empty() {
                return Err(RouteError::EmptyLabel(i));
            }
            label_ids.insert(l, 0);
        }
        for (i, v) in label_ids.values_mut().enumerate() {
            *v = i;
        }
        let labels: Vec<String> = label_ids.keys().map(|s| s.to_string()).collect();
        let y: Vec<usize> = examples
            .iter()
            .map(|(_, l)| label_ids[l.as_ref().trim()])
            .collect();
        let texts: Vec<&str> = examples.iter().map(|(t, _)| t.as_ref()).collect();
        let vocab = Vocabulary::fit(&texts, self.terms, self.min_df, self.max_features);
        let k = labels.len();
        let d = vocab.len();
        if k == 1 || d == 0 {
            // Nothing to separate (or nothing to read): the label frequencies are the answer.
            let mut count = vec![0f32; k];
            y.iter().for_each(|&c| count[c] += 1.0);
            let bias = count.iter().map(|c| (c / y.len() as f32).ln()).collect();
            return Ok(Model {
                vocab,
                labels,
                weights: Vec::new(),
                bias,
            });
        }
        let rows: Vec<Sparse> = texts.iter().map(|t| vocab.transform(t)).collect();
        let mut x = Array2::<f64>::zeros((rows.len(), d));
        for (r, row) in rows.iter().enumerate() {
            for &(f, v) in row {
                x[(r, f as usize)] = v as f64;
            }
        }
        let dataset = Dataset::new(x, Array1::from(y.clone()));
        let fitted = MultiLogisticRegression::default()
            .alpha(self.alpha)
            .max_iterations(self.max_iterations)
            .fit(&dataset)
            .map_err(|e| RouteError::Learner(e.to_string()))?;
        // linfa orders its columns by the classes it saw; map them back to our label ids.
        let params = fitted.params();
        let intercept = fitted.intercept();
        let mut weights = vec![0f32; d * k];
        let mut bias = vec![f32::NEG_INFINITY; k];
        for (j, &c) in fitted.classes().iter().enumerate() {
            bias[c] = intercept[j] as f32;
            for f in 0..d {
                weights[f * k + c] = params[(f, j)] as f32;
            }
        }
        let mut count = vec![0f32; k];
        y.iter().for_each(|&c| count[c] += 1.0);
        for (b, c) in bias.iter_mut().zip(&count) {
            *b -= self.balance * (c / y.len() as f32).ln();
        }
        if self.cnb_weight != 0.0 {
            let cnb = complement_nb(&rows, &y, k, d);
            weights
                .iter_mut()
                .zip(cnb)
                .for_each(|(w, c)| *w += self.cnb_weight * c);
        }
        for row in weights.chunks_mut(k) {
            let mean = row.iter().sum::<f32>() / k as f32;
            row.iter_mut().for_each(|w| *w -= mean);
        }
        Ok(Model {
            vocab,
            labels,
            weights,
            bias,
        })
    }
}

impl Model {
    /// The labels the model can suggest, sorted.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Number of terms in the vocabulary.
    pub fn vocabulary_size(&self) -> usize {
        self.vocab.len()
    }

    /// Probability of every label for `text`, in the order of [`Model::labels`].
    pub fn probabilities(&self, text: &str) -> Vec<f32> {
        self.scores(&self.vocab.transform(text))
    }

    fn scores(&self, x: &Sparse) -> Vec<f32> {
        let k = self.labels.len();
        let mut s = self.bias.clone();
        if !self.weights.is_empty() {
            for &(f, v) in x {
                let w = &self.weights[f as usize * k..(f as usize + 1) * k];
                s.iter_mut().zip(w).for_each(|(s, w)| *s += v * w);
            }
        }
        softmax(&mut s);
        s
    }

    /// The `k` most likely labels, best first, each with its probability and up to five terms
    /// of the text that favoured it. Never panics; an empty text gets the label frequencies.
    pub fn suggest(&self, text: &str, k: usize) -> Vec<Suggestion> {
        let x = self.vocab.transform(text);
        let scores = self.scores(&x);
        let mut order: Vec<usize> = (0..scores.len()).collect();
        // total_cmp: a NaN cannot reach here (softmax of finite values), and it would not panic.
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
        order
            .into_iter()
            .take(k)
            .map(|c| Suggestion {
                label: self.labels[c].clone(),
                score: scores[c].clamp(0.0, 1.0),
                reason_terms: self.reasons(&x, c, 5),
            })
            .collect()
    }

    /// Terms with the largest positive contribution to label `c`, shown as plain text (prefixes
    /// dropped, a term inside an already chosen one skipped).
    fn reasons(&self, x: &Sparse, c: usize, n: usize) -> Vec<String> {
        if self.weights.is_empty() {
            return Vec::new();
        }
        let k = self.labels.len();
        let mut contrib: Vec<(f32, u32)> = x
            .iter()
            .map(|&(f, v)| (v * self.weights[f as usize * k + c], f))
            .filter(|&(s, _)| s > 0.0)
            .collect();
        contrib.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out: Vec<String> = Vec::new();
        for (_, f) in contrib {
            let term = &self.vocab.terms[f as usize];
            let body = &term[term.char_indices().nth(1).map_or(term.len(), |(i, _)| i)..];
            if body.is_empty() || out.iter().any(|o| o.contains(body)) {
                continue;
            }
            out.retain(|o| !body.contains(o.as_str()));
            out.push(body.to_string());
            if out.len() == n {
                break;
            }
        }
        out
    }
}

/// Complement naive Bayes (Rennie et al. 2003) weights, `d × k` row-major: a term common in the
/// texts of *other* labels counts against a label. linfa has no complement variant; it is a
/// closed-form count, smoothed with 1.
fn complement_nb(rows: &[Sparse], y: &[usize], k: usize, d: usize) -> Vec<f32> {
    let mut per_class = vec![0f64; d * k];
    for (row, &c) in rows.iter().zip(y) {
        for &(f, v) in row {
            per_class[f as usize * k + c] += v as f64;
        }
    }
    let all: Vec<f64> = per_class.chunks(k).map(|r| r.iter().sum()).collect();
    let total: f64 = all.iter().sum();
    let mut class_total = vec![0f64; k];
    for row in per_class.chunks(k) {
        class_total.iter_mut().zip(row).for_each(|(t, v)| *t += v);
    }
    let mut w = vec![0f32; d * k];
    for (f, row) in w.chunks_mut(k).enumerate() {
        for (c, w) in row.iter_mut().enumerate() {
            let comp = all[f] - per_class[f * k + c] + 1.0;
            let comp_total = total - class_total[c] + d as f64;
            *w = -(comp / comp_total).ln() as f32;
        }
    }
    w
}

fn softmax(s: &mut [f32]) {
    let max = s.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        let u = 1.0 / s.len().max(1) as f32;
        s.iter_mut().for_each(|x| *x = u);
        return;
    }
    let mut sum = 0.0;
    for x in s.iter_mut() {
        *x = (*x - max).exp();
        sum += *x;
    }
    s.iter_mut().for_each(|x| *x /= sum);
}
