//! Held-out evaluation: top-1/top-3 accuracy and per-class recall, on a test set or by
//! stratified k-fold cross-validation with a fixed seed (same figures on every run).

use std::collections::BTreeMap;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::{Model, RouteError, Router};

#[derive(Debug, Clone, PartialEq)]
pub struct ClassRecall {
    pub label: String,
    /// Test examples with this label.
    pub support: usize,
    /// Share of them whose first suggestion was right.
    pub recall: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EvalReport {
    pub examples: usize,
    pub top1: f64,
    pub top3: f64,
    /// Sorted by label.
    pub per_class: Vec<ClassRecall>,
}

#[derive(Default)]
struct Tally {
    n: usize,
    top1: usize,
    top3: usize,
    by_class: BTreeMap<String, (usize, usize)>,
}

impl Tally {
    fn add(&mut self, model: &Model, text: &str, label: &str) {
        let ranked = model.suggest(text, 3);
        let label = label.trim();
        let hit1 = ranked.first().is_some_and(|s| s.label == label);
        self.n += 1;
        self.top1 += hit1 as usize;
        self.top3 += ranked.iter().any(|s| s.label == label) as usize;
        let e = self.by_class.entry(label.to_string()).or_default();
        e.0 += 1;
        e.1 += hit1 as usize;
    }

    fn report(self) -> EvalReport {
        let share = |a: usize, n: usize| if n == 0 { 0.0 } else { a as f64 / n as f64 };
        EvalReport {
            examples: self.n,
            top1: share(self.top1, self.n),
            top3: share(self.top3, self.n),
            per_class: self
                .by_class
                .into_iter()
                .map(|(label, (n, hit))| ClassRecall {
                    label,
                    support: n,
                    recall: share(hit, n),
                })
                .collect(),
        }
    }
}

/// Scores `model` on labelled `test` examples.
pub fn evaluate<T: AsRef<str>, L: AsRef<str>>(model: &Model, test: &[(T, L)]) -> EvalReport {
    let mut t = Tally::default();
    for (text, label) in test {
        t.add(model, text.as_ref(), label.as_ref());
    }
    t.report()
}

/// Assigns each example a fold in `0..k` so that every label is spread evenly over the folds;
/// the order within a label is shuffled with `seed`.
pub fn stratified_folds<L: AsRef<str>>(labels: &[L], k: usize, seed: u64) -> Vec<usize> {
    let mut by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, l) in labels.iter().enumerate() {
        by_label.entry(l.as_ref().trim()).or_default().push(i);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut fold = vec![0; labels.len()];
    // Continue the round-robin across labels so that the folds also have equal sizes.
    let mut next = 0;
    for idx in by_label.values_mut() {
        idx.shuffle(&mut rng);
        for &i in idx.iter() {
            fold[i] = next % k.max(1);
            next += 1;
        }
    }
    fold
}

/// Stratified k-fold cross-validation: trains `router` k times, each time on all folds but one,
/// and pools the predictions on the held-out folds.
pub fn cross_validate<T: AsRef<str>, L: AsRef<str>>(
    router: &Router,
    examples: &[(T, L)],
    k: usize,
    seed: u64,
) -> Result<EvalReport, RouteError> {
    if k < 2 || examples.len() < k {
        return Err(RouteError::Folds {
            folds: k,
            examples: examples.len(),
        });
    }
    let labels: Vec<&str> = examples.iter().map(|(_, l)| l.as_ref()).collect();
    let fold = stratified_folds(&labels, k, seed);
    let mut t = Tally::default();
    for f in 0..k {
        let train: Vec<(&str, &str)> = examples
            .iter()
            .zip(&fold)
            .filter(|&(_, &g)| g != f)
            .map(|((t, l), _)| (t.as_ref(), l.as_ref()))
            .collect();
        let model = router.train(&train)?;
        for ((text, label), _) in examples.iter().zip(&fold).filter(|&(_, &g)| g == f) {
            t.add(&model, text.as_ref(), label.as_ref());
        }
    }
    Ok(t.report())
}
