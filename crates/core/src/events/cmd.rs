//! The commands of the event workflow as recorded in the log. Each is checked against the
//! state (who, which unit, which status, which deadline) before it is appended.

use super::model::{HandlingReport, ItemRef, NewEvent};
use serde::{Deserialize, Serialize};

/// What the dispatcher decides about a return request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum ReturnDecision {
    /// 改派: accept the return and send the work to another lead (and co-departments).
    Reassign {
        lead: String,
        #[serde(default)]
        co: Vec<String>,
        #[serde(default)]
        override_reason: Option<String>,
        note: String,
    },
    /// 驳回: the department must handle it.
    Reject { note: String },
    /// Contested: refer it to 编办 as a dispute.
    Dispute { note: String },
}

/// 催办 / 督办 / escalation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    Remind,
    Supervise,
    Escalate,
}

impl ReminderKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            ReminderKind::Remind => "催办",
            ReminderKind::Supervise => "督办",
            ReminderKind::Escalate => "升级督办",
        }
    }
}

// Free-text fields default to empty so the rules report a missing one as `required` at its
// field: serde reads a tagged enum whole, which hides the field from the body's error path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum EventCmd {
    /// A new event (the id is the log sequence of this entry).
    Report {
        event: NewEvent,
    },
    /// 自办结: handled within the grid or township.
    SelfClose {
        event: u64,
        #[serde(default)]
        note: String,
    },
    /// 一键呼叫: the township asks the county.
    Call {
        event: u64,
        #[serde(default)]
        item: Option<ItemRef>,
        #[serde(default)]
        note: String,
    },
    /// The caller withdraws it before anyone signed.
    Cancel {
        event: u64,
        #[serde(default)]
        reason: String,
    },
    /// The command centre dispatches by the list: one lead and N co-departments.
    Dispatch {
        event: u64,
        item: Option<ItemRef>,
        lead: String,
        #[serde(default)]
        co: Vec<String>,
        #[serde(default)]
        override_reason: Option<String>,
        #[serde(default)]
        note: String,
        /// The routing suggestion the dispatcher was shown first (issue #10), to measure how
        /// often it is taken. Absent in older entries and when none was shown; not written
        /// when absent, so entries without it read and hash as before.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        suggested: Option<ItemRef>,
    },
    /// 乡镇派单: the township command room sends its own (not yet called) event to a unit
    /// stationed in the township. A command of its own rather than a township `Dispatch`:
    /// the actor (the township, not the command centre), the status (before the call), the
    /// receivers (only the township's stationed units) and the routing rules (no list item
    /// needed, no co-departments, no override reason) all differ, and the log kind keeps
    /// township hops apart from the county's dispatches in every statistic.
    Assign {
        event: u64,
        unit: String,
        #[serde(default)]
        item: Option<ItemRef>,
        #[serde(default)]
        note: String,
    },
    /// 吹哨: several departments at once, each to check in on site.
    Whistle {
        event: u64,
        units: Vec<String>,
        #[serde(default)]
        note: String,
    },
    Sign {
        event: u64,
        assignment: u32,
    },
    /// 报到: arrival on site for a whistle (or any hop).
    CheckIn {
        event: u64,
        assignment: u32,
        #[serde(default)]
        note: String,
    },
    RequestReturn {
        event: u64,
        assignment: u32,
        #[serde(default)]
        reason: String,
        #[serde(default)]
        legal_basis: String,
    },
    DecideReturn {
        event: u64,
        assignment: u32,
        decision: ReturnDecision,
    },
    /// 编办 rules on a dispute: who is primary, who supports.
    Rule {
        event: u64,
        primary: String,
        #[serde(default)]
        supporting: Vec<String>,
        #[serde(default)]
        reasoning: String,
        #[serde(default)]
        open_adjustment: bool,
    },
    /// 响应: first contact or arrival.
    Respond {
        event: u64,
        assignment: u32,
        #[serde(default)]
        contacted: String,
        #[serde(default)]
        arrived: bool,
        #[serde(default)]
        note: String,
    },
    Note {
        event: u64,
        #[serde(default)]
        assignment: Option<u32>,
        #[serde(default)]
        text: String,
    },
    RequestExtension {
        event: u64,
        assignment: u32,
        days: u32,
        #[serde(default)]
        reason: String,
    },
    DecideExtension {
        event: u64,
        assignment: u32,
        approve: bool,
        #[serde(default)]
        note: String,
    },
    /// 办理反馈.
    ReportBack {
        event: u64,
        assignment: u32,
        report: HandlingReport,
        #[serde(default)]
        note: String,
    },
    /// On-site 核查 by the caller's side.
    Verify {
        event: u64,
        assignment: u32,
        pass: bool,
        #[serde(default)]
        note: String,
        #[serde(default)]
        photos: Vec<String>,
    },
    /// 谁派单、谁评价.
    Evaluate {
        event: u64,
        assignment: u32,
        level: u8,
        #[serde(default)]
        reason: String,
    },
    Appeal {
        event: u64,
        assignment: u32,
        #[serde(default)]
        reason: String,
    },
    DecideAppeal {
        event: u64,
        assignment: u32,
        upheld: bool,
        #[serde(default)]
        new_level: Option<u8>,
        #[serde(default)]
        note: String,
    },
    Close {
        event: u64,
        #[serde(default)]
        note: String,
    },
    /// 挂账: cannot be solved within the limit; kept in the problem library.
    Shelve {
        event: u64,
        #[serde(default)]
        reason: String,
    },
    Remind {
        event: u64,
        assignment: u32,
        kind: ReminderKind,
        #[serde(default)]
        note: String,
    },
    /// 回访: the public's rating, recorded by the command centre.
    PublicFeedback {
        event: u64,
        level: u8,
        #[serde(default)]
        comment: String,
    },
    /// The discipline inspector concludes an accountability case.
    ConcludeCase {
        event: u64,
        assignment: u32,
        #[serde(default)]
        outcome: String,
    },
}

impl EventCmd {
    /// The photos (SHA-256 hex) this command attaches to its event.
    pub fn photos(&self) -> &[String] {
        match self {
            EventCmd::Report { event } => &event.photos,
            EventCmd::ReportBack { report, .. } => &report.photos,
            EventCmd::Verify { photos, .. } => photos,
            _ => &[],
        }
    }

    /// The log `kind` of this command.
    pub fn kind(&self) -> &'static str {
        match self {
            EventCmd::Report { .. } => "event.report",
            EventCmd::SelfClose { .. } => "event.self_close",
            EventCmd::Call { .. } => "event.call",
            EventCmd::Cancel { .. } => "event.cancel",
            EventCmd::Dispatch { .. } => "event.dispatch",
            EventCmd::Assign { .. } => "event.assign",
            EventCmd::Whistle { .. } => "event.whistle",
            EventCmd::Sign { .. } => "event.sign",
            EventCmd::CheckIn { .. } => "event.check_in",
            EventCmd::RequestReturn { .. } => "event.return.request",
            EventCmd::DecideReturn { .. } => "event.return.decide",
            EventCmd::Rule { .. } => "event.dispute.rule",
            EventCmd::Respond { .. } => "event.respond",
            EventCmd::Note { .. } => "event.note",
            EventCmd::RequestExtension { .. } => "event.extension.request",
            EventCmd::DecideExtension { .. } => "event.extension.decide",
            EventCmd::ReportBack { .. } => "event.report_back",
            EventCmd::Verify { .. } => "event.verify",
            EventCmd::Evaluate { .. } => "event.evaluate",
            EventCmd::Appeal { .. } => "event.appeal",
            EventCmd::DecideAppeal { .. } => "event.appeal.decide",
            EventCmd::Close { .. } => "event.close",
            EventCmd::Shelve { .. } => "event.shelve",
            EventCmd::Remind { .. } => "event.remind",
            EventCmd::PublicFeedback { .. } => "event.public_feedback",
            EventCmd::ConcludeCase { .. } => "event.case.conclude",
        }
    }

    /// The event this command acts on; `None` for a new report.
    pub fn event_id(&self) -> Option<u64> {
        use EventCmd::*;
        match self {
            Report { .. } => None,
            SelfClose { event, .. }
            | Call { event, .. }
            | Cancel { event, .. }
            | Dispatch { event, .. }
            | Assign { event, .. }
            | Whistle { event, .. }
            | Sign { event, .. }
            | CheckIn { event, .. }
            | RequestReturn { event, .. }
            | DecideReturn { event, .. }
            | Rule { event, .. }
            | Respond { event, .. }
            | Note { event, .. }
            | RequestExtension { event, .. }
            | DecideExtension { event, .. }
            | ReportBack { event, .. }
            | Verify { event, .. }
            | Evaluate { event, .. }
            | Appeal { event, .. }
            | DecideAppeal { event, .. }
            | Close { event, .. }
            | Shelve { event, .. }
            | Remind { event, .. }
            | PublicFeedback { event, .. }
            | ConcludeCase { event, .. } => Some(*event),
        }
    }

    /// The assignment this command acts on, if any.
    pub fn assignment(&self) -> Option<u32> {
        use EventCmd::*;
        match self {
            Sign { assignment, .. }
            | CheckIn { assignment, .. }
            | RequestReturn { assignment, .. }
            | DecideReturn { assignment, .. }
            | Respond { assignment, .. }
            | RequestExtension { assignment, .. }
            | DecideExtension { assignment, .. }
            | ReportBack { assignment, .. }
            | Verify { assignment, .. }
            | Evaluate { assignment, .. }
            | Appeal { assignment, .. }
            | DecideAppeal { assignment, .. }
            | Remind { assignment, .. }
            | ConcludeCase { assignment, .. } => Some(*assignment),
            Note { assignment, .. } => *assignment,
            _ => None,
        }
    }
}
