//! Events (事件 / 呼叫单) and their assignments (派单): one problem, and one record per hop
//! from a sender unit to a receiver unit. All of it is folded from the log; nothing here is
//! edited in place by anyone but the fold.

use serde::{Deserialize, Serialize};

pub use super::kinds::*;

/// A cited list item at a given version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRef {
    pub id: String,
    pub version: u32,
}

/// Where the problem is; grid, village and township are resolved from the grid polygons.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Location {
    pub lon: f64,
    pub lat: f64,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub grid: Option<String>,
    #[serde(default)]
    pub village: Option<String>,
    #[serde(default)]
    pub township: Option<String>,
}

/// The facts of a new report, as entered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    pub channel: Channel,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub urgency: Urgency,
    #[serde(default)]
    pub grade: Grade,
    #[serde(default)]
    pub request_type: Option<RequestType>,
    #[serde(default)]
    pub item: Option<ItemRef>,
    pub location: Location,
    /// SHA-256 (hex) of photos already stored content-addressed.
    #[serde(default)]
    pub photos: Vec<String>,
    /// 12345 order number and the hotline's own deadline, kept apart from ours.
    #[serde(default)]
    pub hotline_no: Option<String>,
    #[serde(default)]
    pub hotline_due_ms: Option<i64>,
    /// Send to the county at once (一键呼叫) instead of keeping it as a draft.
    #[serde(default)]
    pub call: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Draft,
    SelfClosed,
    Called,
    Dispatched,
    Accepted,
    ReturnRequested,
    Disputed,
    InProgress,
    ExtensionRequested,
    Resolved,
    Evaluated,
    Reopened,
    Closed,
    Shelved,
    Cancelled,
}

impl EventStatus {
    pub const ALL: [EventStatus; 15] = [
        EventStatus::Draft,
        EventStatus::SelfClosed,
        EventStatus::Called,
        EventStatus::Dispatched,
        EventStatus::Accepted,
        EventStatus::ReturnRequested,
        EventStatus::Disputed,
        EventStatus::InProgress,
        EventStatus::ExtensionRequested,
        EventStatus::Resolved,
        EventStatus::Evaluated,
        EventStatus::Reopened,
        EventStatus::Closed,
        EventStatus::Shelved,
        EventStatus::Cancelled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Draft => "draft",
            EventStatus::SelfClosed => "self_closed",
            EventStatus::Called => "called",
            EventStatus::Dispatched => "dispatched",
            EventStatus::Accepted => "accepted",
            EventStatus::ReturnRequested => "return_requested",
            EventStatus::Disputed => "disputed",
            EventStatus::InProgress => "in_progress",
            EventStatus::ExtensionRequested => "extension_requested",
            EventStatus::Resolved => "resolved",
            EventStatus::Evaluated => "evaluated",
            EventStatus::Reopened => "reopened",
            EventStatus::Closed => "closed",
            EventStatus::Shelved => "shelved",
            EventStatus::Cancelled => "cancelled",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Draft => "Reported (awaiting the township)",
            Self::SelfClosed => "Closed locally",
            Self::Called => "Called (awaiting dispatch)",
            Self::Dispatched => "Dispatched (awaiting signature)",
            Self::Accepted => "Signed",
            Self::ReturnRequested => "Return requested",
            Self::Disputed => "Disputed (awaiting ruling)",
            Self::InProgress => "In progress",
            Self::ExtensionRequested => "Extension requested",
            Self::Resolved => "Reported back (awaiting grade)",
            Self::Evaluated => "Graded",
            Self::Reopened => "Reopened (rework)",
            Self::Closed => "Closed",
            Self::Shelved => "Shelved",
            Self::Cancelled => "Withdrawn",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            EventStatus::Draft => "已上报(待乡镇处置)",
            EventStatus::SelfClosed => "自办结",
            EventStatus::Called => "已呼叫(待分拨)",
            EventStatus::Dispatched => "已派单(待签收)",
            EventStatus::Accepted => "已签收",
            EventStatus::ReturnRequested => "退单申请",
            EventStatus::Disputed => "争议待裁定",
            EventStatus::InProgress => "处置中",
            EventStatus::ExtensionRequested => "延期申请",
            EventStatus::Resolved => "已反馈(待评价)",
            EventStatus::Evaluated => "已评价",
            EventStatus::Reopened => "重办",
            EventStatus::Closed => "办结归档",
            EventStatus::Shelved => "挂账",
            EventStatus::Cancelled => "已撤回",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        EventStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
    /// Final: nothing may change it any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            EventStatus::SelfClosed
                | EventStatus::Closed
                | EventStatus::Shelved
                | EventStatus::Cancelled
        )
    }
}

/// The part a receiver plays in an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentRole {
    /// 牵头 / 主体: reports back to the sender.
    Lead,
    /// 协同 / 配合: reports into the lead, which grades it.
    Co,
    /// 吹哨报到: one of several departments called to the scene at once.
    Whistle,
    /// 乡镇派单: the township command room sends its own event to a unit stationed in the
    /// township (派驻机构) before, or instead of, calling the county. Graded by the township.
    Township,
}

impl AssignmentRole {
    pub const ALL: [AssignmentRole; 4] = [
        AssignmentRole::Lead,
        AssignmentRole::Co,
        AssignmentRole::Whistle,
        AssignmentRole::Township,
    ];
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentRole::Lead => "lead",
            AssignmentRole::Co => "co",
            AssignmentRole::Whistle => "whistle",
            AssignmentRole::Township => "township",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Lead => "Lead",
            Self::Co => "Co-department",
            Self::Whistle => "Whistle call",
            Self::Township => "Township assignment",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            AssignmentRole::Lead => "牵头",
            AssignmentRole::Co => "协同",
            AssignmentRole::Whistle => "吹哨报到",
            AssignmentRole::Township => "乡镇派单",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    Dispatched,
    Signed,
    ReturnRequested,
    InProgress,
    ExtensionRequested,
    Reported,
    Evaluated,
    /// Graded below the pass line; the work continues as a new rework hop (its child).
    Reopened,
    /// The return was accepted; the work went elsewhere.
    Returned,
    /// A ruling moved the work to another unit.
    Transferred,
    /// The event was cancelled, shelved or closed before this hop finished.
    Ended,
}

impl AssignmentStatus {
    pub const ALL: [AssignmentStatus; 11] = [
        AssignmentStatus::Dispatched,
        AssignmentStatus::Signed,
        AssignmentStatus::ReturnRequested,
        AssignmentStatus::InProgress,
        AssignmentStatus::ExtensionRequested,
        AssignmentStatus::Reported,
        AssignmentStatus::Evaluated,
        AssignmentStatus::Reopened,
        AssignmentStatus::Returned,
        AssignmentStatus::Transferred,
        AssignmentStatus::Ended,
    ];
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            AssignmentStatus::Dispatched => "dispatched",
            AssignmentStatus::Signed => "signed",
            AssignmentStatus::ReturnRequested => "return_requested",
            AssignmentStatus::InProgress => "in_progress",
            AssignmentStatus::ExtensionRequested => "extension_requested",
            AssignmentStatus::Reported => "reported",
            AssignmentStatus::Evaluated => "evaluated",
            AssignmentStatus::Reopened => "reopened",
            AssignmentStatus::Returned => "returned",
            AssignmentStatus::Transferred => "transferred",
            AssignmentStatus::Ended => "ended",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Dispatched => "Awaiting signature",
            Self::Signed => "Signed",
            Self::ReturnRequested => "Return requested",
            Self::InProgress => "In progress",
            Self::ExtensionRequested => "Extension requested",
            Self::Reported => "Reported back",
            Self::Evaluated => "Graded",
            Self::Reopened => "Reopened",
            Self::Returned => "Returned",
            Self::Transferred => "Transferred",
            Self::Ended => "Ended",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            AssignmentStatus::Dispatched => "待签收",
            AssignmentStatus::Signed => "已签收",
            AssignmentStatus::ReturnRequested => "退单申请中",
            AssignmentStatus::InProgress => "处置中",
            AssignmentStatus::ExtensionRequested => "延期申请中",
            AssignmentStatus::Reported => "已反馈",
            AssignmentStatus::Evaluated => "已评价",
            AssignmentStatus::Reopened => "重办",
            AssignmentStatus::Returned => "已退回",
            AssignmentStatus::Transferred => "已转交",
            AssignmentStatus::Ended => "已结束",
        }
    }
    /// Still the receiver's work (counts for deadlines and inboxes).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            AssignmentStatus::Dispatched
                | AssignmentStatus::Signed
                | AssignmentStatus::ReturnRequested
                | AssignmentStatus::InProgress
                | AssignmentStatus::ExtensionRequested
        )
    }
    /// No longer part of the event's work (went elsewhere, was redone as a new hop, or ended).
    pub fn is_gone(self) -> bool {
        matches!(
            self,
            AssignmentStatus::Returned
                | AssignmentStatus::Transferred
                | AssignmentStatus::Reopened
                | AssignmentStatus::Ended
        )
    }
}

/// Who did something: a person acting in one of their role grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    pub username: String,
    pub role: crate::org::RoleKind,
    pub unit: String,
}

/// The department's answer (办理反馈) with the four elements the sources require.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HandlingReport {
    /// 受理时间 (ms).
    pub accepted_at_ms: i64,
    /// 与谁沟通.
    pub contacted: String,
    /// 解决措施.
    pub measures: String,
    /// 解决时限 (as promised to the caller, free text such as "3日内" or a date).
    pub resolve_by: String,
    #[serde(default)]
    pub photos: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnRequest {
    pub by: String,
    pub at_ms: i64,
    pub reason: String,
    pub legal_basis: String,
    /// How it ended: accepted, rejected, disputed (None while pending).
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extension {
    pub by: String,
    pub at_ms: i64,
    pub days: u32,
    pub reason: String,
    pub approved: Option<bool>,
    pub decided_by: Option<String>,
    pub decided_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The evaluating unit: always the assignment's sender.
    pub unit: String,
    pub by: String,
    pub at_ms: i64,
    /// Index into the configured scale (0 = best).
    pub level: u8,
    pub label: String,
    pub passed: bool,
    pub reason: String,
    pub appeal: Option<Appeal>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Appeal {
    pub by: String,
    pub at_ms: i64,
    pub reason: String,
    /// (upheld the rating?, new level if changed, decided by, note, at)
    pub decision: Option<AppealDecision>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppealDecision {
    pub upheld: bool,
    pub new_level: Option<u8>,
    pub by: String,
    pub note: String,
    pub at_ms: i64,
}

/// Deadlines of one hop (ms). `arrive` only for whistle hops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Deadlines {
    pub sign: i64,
    pub return_window: i64,
    pub respond: Option<i64>,
    pub arrive: Option<i64>,
    pub complete: i64,
}

/// One hop: sender unit → receiver unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// 1-based within the event.
    pub n: u32,
    pub parent: Option<u32>,
    pub role: AssignmentRole,
    /// The unit that grades this hop (谁派单、谁评价).
    pub sender_unit: String,
    /// The person who pressed dispatch (a dispatcher may act for the caller).
    pub dispatched_by: String,
    pub receiver_unit: String,
    pub status: AssignmentStatus,
    pub item: Option<ItemRef>,
    pub override_reason: Option<String>,
    pub dispatched_ms: i64,
    pub signed_ms: Option<i64>,
    pub responded_ms: Option<i64>,
    pub arrived_ms: Option<i64>,
    pub reported_ms: Option<i64>,
    pub deadlines: Deadlines,
    pub returns: Vec<ReturnRequest>,
    pub extensions: Vec<Extension>,
    pub report: Option<HandlingReport>,
    pub verified: Option<bool>,
    pub evaluation: Option<Evaluation>,
    /// A rework hop created by a failing evaluation (重办).
    pub rework: bool,
    pub reminders: u32,
    pub supervisions: u32,
    pub escalated: bool,
    /// The log sequence of the last change.
    pub seq: u64,
}

/// An accountability case (追责) for the discipline inspector. Kept apart from the event so
/// a closed event never changes while the case runs on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountabilityCase {
    pub event: u64,
    pub assignment: u32,
    pub unit: String,
    pub opened_ms: i64,
    pub reason: String,
    pub outcome: Option<String>,
    pub concluded_by: Option<String>,
    pub concluded_ms: Option<i64>,
    /// Log position of the conclusion (the event's own `seq` does not move for it).
    #[serde(default)]
    pub concluded_seq: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dispute {
    pub assignment: u32,
    pub opened_ms: i64,
    pub reason: String,
    pub ruling: Option<Ruling>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ruling {
    pub by: String,
    pub at_ms: i64,
    pub primary: String,
    pub supporting: Vec<String>,
    pub reasoning: String,
    pub open_adjustment: bool,
}

/// One problem, from report to archive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The log sequence of the entry that created it.
    pub id: u64,
    /// Human number, e.g. `2026-000123`.
    pub no: String,
    pub facts: NewEvent,
    /// The cited item (from the report, the call or the dispatch).
    pub item: Option<ItemRef>,
    pub reporter: String,
    /// The unit that reported it (village, township, command centre...).
    pub origin_unit: String,
    /// The unit that called the county and grades the answer (the township, or the command
    /// centre for hotline orders).
    pub caller_unit: String,
    pub created_ms: i64,
    pub called_ms: Option<i64>,
    pub closed_ms: Option<i64>,
    pub status: EventStatus,
    pub assignments: Vec<Assignment>,
    pub disputes: Vec<Dispute>,
    /// The closing, cancelling, shelving or self-closing note.
    pub note: String,
    /// Accepted or disputed returns (退单次数).
    pub returns: u32,
    /// Failed evaluations and verifications (重办次数).
    pub reopens: u32,
    /// Log sequences of every entry about this event, in order (its timeline).
    pub history: Vec<u64>,
    pub seq: u64,
    /// The routing suggestion shown first when the county dispatched it (issue #10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested: Option<ItemRef>,
}

impl Event {
    pub fn assignment(&self, n: u32) -> Option<&Assignment> {
        self.assignments.get((n as usize).checked_sub(1)?)
    }
    pub fn assignment_mut(&mut self, n: u32) -> Option<&mut Assignment> {
        self.assignments.get_mut((n as usize).checked_sub(1)?)
    }
    /// Hops that still count (not returned, transferred or ended).
    pub fn live(&self) -> impl Iterator<Item = &Assignment> {
        self.assignments.iter().filter(|a| !a.status.is_gone())
    }
    pub fn open_dispute(&self) -> Option<&Dispute> {
        self.disputes.iter().find(|d| d.ruling.is_none())
    }
    /// Every unit that received a hop.
    pub fn receivers(&self) -> impl Iterator<Item = &str> {
        self.assignments.iter().map(|a| a.receiver_unit.as_str())
    }
}
