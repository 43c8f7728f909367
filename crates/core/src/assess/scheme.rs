//! Assessment schemes (考核方案): an indicator tree with weights, each leaf computed from a
//! cube measure, a count, or a manual score, by a scoring rule. Versioned in the log; see
//! `docs/assessment.md` for the format and the seeds' rules as worked examples.

use crate::error::{AssessReason as A, FieldReason as F};
use crate::stats::{Kind, Measure};
use crate::FieldError;
use serde::{Deserialize, Serialize};

/// Whom a scheme assesses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// County departments (their divisions and stationed units count for them).
    Department,
    /// Townships and subdistricts.
    Township,
    /// Units stationed in townships (派驻机构), each on its own.
    Stationed,
}

impl Subject {
    pub fn label_zh(self) -> &'static str {
        match self {
            Subject::Department => "县直部门",
            Subject::Township => "乡镇(街道)",
            Subject::Stationed => "派驻机构",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Subject::Department => "Departments",
            Subject::Township => "Townships",
            Subject::Stationed => "Stationed units",
        }
    }
}

/// Whose grades a measure counts (谁派单、谁评价): the weight of each evaluator group is the
/// weight of the indicators that read its grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evaluators {
    #[default]
    Any,
    /// Hops sent by townships (their command rooms).
    Townships,
    /// Hops sent by the county command centre.
    County,
}

/// Where a leaf indicator's number comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Source {
    Measure {
        measure: Measure,
        #[serde(default)]
        evaluators: Evaluators,
    },
    /// Entered by the assessor with evidence, per unit and period.
    Manual,
}

/// How a leaf turns its number into points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Rule {
    /// 上虞: score = weight × rate (so the deduction is weight × (1 − rate)).
    Proportional,
    /// 黄岩: below `threshold` percent, deduct `per_point` for each percentage point short
    /// (whole points only when `whole_points`), at most the weight.
    Threshold {
        threshold: f64,
        per_point: f64,
        #[serde(default)]
        whole_points: bool,
    },
    /// Deduct `per` for each counted event (each overdue hop, each 不满意, each accepted
    /// return...), at most `cap` (default: the weight).
    PerEvent {
        per: f64,
        #[serde(default)]
        cap: Option<f64>,
    },
    /// Add `per` for each counted event, at most `cap` points (on top of the weights).
    Bonus { per: f64, cap: f64 },
    /// The manual score itself, between 0 and the weight.
    Manual,
}

/// One node of the indicator tree. A node with children scores the sum of its children,
/// whose weights must add up to its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub code: String,
    pub name: String,
    /// Points (a bonus leaf has weight 0: it adds on top).
    pub weight: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Indicator>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
}

/// A versioned scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scheme {
    /// Stable id, e.g. `dept-monthly`.
    pub id: String,
    pub name: String,
    /// Set when the scheme is recorded (1, 2, ...); ignored on input.
    #[serde(default)]
    pub version: u32,
    pub subject: Subject,
    pub full_score: f64,
    /// Whether 基本满意 counts as satisfied (黄岩 counts 满意 + 基本满意).
    #[serde(default = "yes")]
    pub basic_counts_as_satisfied: bool,
    pub indicators: Vec<Indicator>,
}

fn yes() -> bool {
    true
}

const EPS: f64 = 1e-6;

impl Indicator {
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }

    fn problems(&self, path: &str, out: &mut Vec<FieldError>, codes: &mut Vec<String>) {
        let at = format!("{path}{}", self.code);
        if self.code.trim().is_empty() {
            out.push(FieldError::new(path, "code", F::Empty));
        } else if codes.contains(&self.code) {
            out.push(FieldError::new(
                &at,
                "code",
                F::AppearsTwice {
                    value: self.code.clone(),
                },
            ));
        } else {
            codes.push(self.code.clone());
        }
        if self.name.trim().is_empty() {
            out.push(FieldError::new(&at, "name", F::Empty));
        }
        if !self.weight.is_finite() || self.weight < 0.0 {
            out.push(FieldError::new(&at, "weight", A::NotNegative));
        }
        if !self.is_leaf() {
            let sum: f64 = self.children.iter().map(|c| c.weight).sum();
            if (sum - self.weight).abs() > EPS {
                out.push(FieldError::new(
                    &at,
                    "weight",
                    A::ChildrenSum {
                        sum: sum.to_string(),
                        weight: self.weight.to_string(),
                    },
                ));
            }
            if self.source.is_some() || self.rule.is_some() {
                out.push(FieldError::new(&at, "source", A::ParentHasRule));
            }
            for c in &self.children {
                c.problems(&format!("{at}/"), out, codes);
            }
            return;
        }
        let (Some(source), Some(rule)) = (&self.source, &self.rule) else {
            out.push(FieldError::new(&at, "rule", A::LeafNeedsRule));
            return;
        };
        let kind = match source {
            Source::Measure { measure, .. } => Some(measure.kind()),
            Source::Manual => None,
        };
        let fits = match rule {
            Rule::Proportional | Rule::Threshold { .. } => kind == Some(Kind::Rate),
            Rule::PerEvent { .. } | Rule::Bonus { .. } => kind == Some(Kind::Count),
            Rule::Manual => kind.is_none(),
        };
        if !fits {
            out.push(FieldError::new(&at, "rule", A::RuleSource));
        }
        match rule {
            Rule::Threshold {
                threshold,
                per_point,
                ..
            } => {
                if !(0.0..=100.0).contains(threshold) {
                    out.push(FieldError::new(&at, "threshold", A::Percentage));
                }
                if !per_point.is_finite() || *per_point < 0.0 {
                    out.push(FieldError::new(&at, "per_point", A::NotNegative));
                }
            }
            Rule::PerEvent { per, cap } => {
                if !per.is_finite() || *per < 0.0 {
                    out.push(FieldError::new(&at, "per", A::NotNegative));
                }
                if cap.is_some_and(|c| !(0.0..=self.weight + EPS).contains(&c)) {
                    out.push(FieldError::new(&at, "cap", A::CapRange));
                }
            }
            Rule::Bonus { per, cap } => {
                if self.weight != 0.0 {
                    out.push(FieldError::new(&at, "weight", A::BonusWeight));
                }
                if !per.is_finite() || *per < 0.0 || !cap.is_finite() || *cap < 0.0 {
                    out.push(FieldError::new(&at, "cap", A::PerAndCap));
                }
            }
            Rule::Proportional | Rule::Manual => {}
        }
    }

    /// Every leaf under this node (itself if a leaf).
    pub fn leaves(&self) -> Vec<&Indicator> {
        if self.is_leaf() {
            vec![self]
        } else {
            self.children.iter().flat_map(|c| c.leaves()).collect()
        }
    }
}

impl Scheme {
    /// Every problem, each naming its indicator path and field; empty when the scheme is sound.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut out = vec![];
        if self.id.trim().is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            out.push(FieldError::new("", "id", A::SchemeIdChars));
        }
        if self.name.trim().is_empty() {
            out.push(FieldError::new("", "name", F::Empty));
        }
        if !self.full_score.is_finite() || self.full_score <= 0.0 {
            out.push(FieldError::new("", "full_score", A::Positive));
        }
        if self.indicators.is_empty() {
            out.push(FieldError::new("", "indicators", A::OneIndicator));
        }
        let sum: f64 = self.indicators.iter().map(|i| i.weight).sum();
        if (sum - self.full_score).abs() > EPS {
            out.push(FieldError::new(
                "",
                "indicators",
                A::WeightsSum {
                    sum: sum.to_string(),
                    full: self.full_score.to_string(),
                },
            ));
        }
        let mut codes = vec![];
        for i in &self.indicators {
            i.problems("", &mut out, &mut codes);
        }
        out
    }

    pub fn leaves(&self) -> Vec<&Indicator> {
        self.indicators.iter().flat_map(|i| i.leaves()).collect()
    }

    pub fn leaf(&self, code: &str) -> Option<&Indicator> {
        self.leaves().into_iter().find(|i| i.code == code)
    }

    /// The points given to indicators reading each evaluator group's grades.
    pub fn evaluator_weight(&self, g: Evaluators) -> f64 {
        self.leaves()
            .iter()
            .filter(
                |i| matches!(i.source, Some(Source::Measure { evaluators, .. }) if evaluators == g),
            )
            .map(|i| i.weight)
            .sum()
    }
}
