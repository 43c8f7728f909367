//! Delegated powers in use (赋权): the menu townships order from (点单), evaluation rounds
//! with a decision per power (保留 / 调整 / 收回), recalls that open a list adjustment, the
//! transition period ("工作在镇街、责任在部门") and usage reports (办件量, zero-case powers).
//!
//! The delegated list itself stays in the catalogue (`ListKind::Delegated`: primary = the
//! department that delegated it, supporting = the receiving townships). Orders and recalls
//! change it only through the list adjustment flow, filed in the same log batch.

pub mod book;
pub mod proposal;
pub mod rule;
pub mod usage;

pub use book::{DelegationBook, EvaluationResult, EvaluationRound, MenuEntry, Order, Recall};
pub use rule::{in_transition, receivers};
pub use usage::{usage_report, UsageRow};

use serde::{Deserialize, Serialize};

/// What an evaluation round decides for a power (for all or some of its townships).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// 保留
    Keep,
    /// 调整 (scope, conditions, receiving townships)
    Adjust,
    /// 收回
    Recall,
}

impl Decision {
    pub const ALL: [Decision; 3] = [Decision::Keep, Decision::Adjust, Decision::Recall];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Keep => "keep",
            Decision::Adjust => "adjust",
            Decision::Recall => "recall",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (Decision::Keep, true) => "保留",
            (Decision::Adjust, true) => "调整",
            (Decision::Recall, true) => "收回",
            (Decision::Keep, false) => "Keep",
            (Decision::Adjust, false) => "Adjust",
            (Decision::Recall, false) => "Recall",
        }
    }
}

/// One step on delegated powers, by a person acting in one of their grants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum DelegationCmd {
    /// 编办 publishes the menu of delegable powers (replacing the previous one).
    SetMenu { entries: Vec<MenuEntry> },
    /// A township orders a power from the menu with its capacity. The list adjustment
    /// `adjustment` that adds the township as a receiver is filed in the same batch.
    Order {
        township: String,
        item_id: String,
        /// Qualified staff the township will assign (执法证 holders, approvers…).
        staff: u32,
        #[serde(default)]
        qualifications: String,
        #[serde(default)]
        reason: String,
        adjustment: u64,
    },
    /// 编办 opens an evaluation round over a period of use.
    OpenRound {
        title: String,
        /// 评估方式: questionnaire, on-site check, case review, third party…
        method: String,
        from: String,
        to: String,
    },
    /// One power's result in a round, for all its townships (`township` empty) or one.
    RecordResult {
        round: u64,
        item_id: String,
        #[serde(default)]
        township: String,
        decision: Decision,
        #[serde(default)]
        reason: String,
        #[serde(default)]
        evidence: String,
    },
    /// The round is finished; its results stand.
    CloseRound { round: u64 },
    /// A recall decided in `round`, opened as list adjustment `adjustment` (filed in the same
    /// batch): the power goes back to `receiving_unit` from `townships` on `effective_date`.
    Recall {
        round: u64,
        item_id: String,
        townships: Vec<String>,
        receiving_unit: String,
        effective_date: String,
        adjustment: u64,
    },
}

impl DelegationCmd {
    /// The command type recorded in the log's `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            DelegationCmd::SetMenu { .. } => "delegation.menu.set",
            DelegationCmd::Order { .. } => "delegation.order",
            DelegationCmd::OpenRound { .. } => "delegation.round.open",
            DelegationCmd::RecordResult { .. } => "delegation.round.result",
            DelegationCmd::CloseRound { .. } => "delegation.round.close",
            DelegationCmd::Recall { .. } => "delegation.recall",
        }
    }
}
