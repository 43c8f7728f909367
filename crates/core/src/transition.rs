//! Transitions: the facts recorded in the log. A log entry's payload is one serialised
//! `Transition`; read models are functions of the sequence of transitions.

use crate::admission::AdmissionCmd;
use crate::assess::AssessmentCmd;
use crate::calendar::{OfficeHours, SpecialDay};
use crate::categories::Category;
use crate::events::{EventCmd, Party, WorkflowConfig};
use crate::lists::{Application, Item, ReviewStage, VersionMeta};
use crate::org::{Grid, Person, RoleGrant, Unit};
use crate::patrol::PatrolCmd;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Transition {
    /// A unit was created or its details changed.
    UnitSaved { unit: Unit },
    /// A person was created or their details changed (never their password or roles).
    PersonSaved { person: Person },
    /// A person's password hash was set (argon2id PHC string).
    PasswordSet {
        username: String,
        password_hash: String,
    },
    /// A person's personal data (name, phone, password hash) was erased at their request
    /// (个人信息保护法). Records the fact only; the data itself lives outside the log and is
    /// deleted in the same transaction. The account is deactivated for good.
    PersonErased { username: String },
    /// A person's role grants were replaced by this set.
    RolesSet {
        username: String,
        grants: Vec<RoleGrant>,
    },
    /// A grid was created or changed.
    GridSaved { grid: Grid },
    /// A new immutable version of the lists: the items added or changed, and those removed.
    ListVersionPublished {
        meta: VersionMeta,
        upserts: Vec<Item>,
        removals: Vec<String>,
    },
    /// A list adjustment application was filed.
    AdjustmentFiled {
        application: Application,
        at_ms: i64,
    },
    /// 编办 or 司法局 passed or sent back an application.
    AdjustmentReviewed {
        id: u64,
        stage: ReviewStage,
        approve: bool,
        reviewer: String,
        comment: String,
        at_ms: i64,
    },
    /// The applicant revised a sent-back application.
    AdjustmentResubmitted {
        application: Application,
        at_ms: i64,
    },
    /// The county approved an application with a document number.
    AdjustmentApproved {
        id: u64,
        approver: String,
        document_no: String,
        effective_date: String,
        at_ms: i64,
    },
    /// One step of the event workflow, by a person acting in one of their grants.
    Event {
        at_ms: i64,
        by: Party,
        cmd: EventCmd,
    },
    /// Special days (holidays, 调休 working days) merged into the working calendar, and the
    /// office hours if given.
    CalendarSet {
        days: Vec<SpecialDay>,
        #[serde(default)]
        hours: Option<OfficeHours>,
    },
    /// The deployment's workflow settings (labels, limits, scale) replaced.
    WorkflowConfigSet { config: Box<WorkflowConfig> },
    /// Event categories added or renamed (the county's own branches of the tree).
    CategoriesSet { categories: Vec<Category> },
    /// One assessment step: a scheme version, a manual score, an appeal or its decision, or a
    /// closed period.
    Assessment {
        at_ms: i64,
        by: Party,
        cmd: AssessmentCmd,
    },
    /// One step on delegated powers (赋权): the 点单 menu, an order, an evaluation round or
    /// result, a recall.
    Delegation {
        at_ms: i64,
        by: Party,
        cmd: crate::delegation::DelegationCmd,
    },
    /// One admission (准入) or 交办 step: an application, an opinion, a review, an approval,
    /// a withdrawal, the time limits, or a handed task and a township's answer.
    Admission {
        at_ms: i64,
        by: Party,
        cmd: AdmissionCmd,
    },
    /// One grid patrol step: start, a batch of track points, a finding (or its report as an
    /// event), the end; a township's weekly minutes; the patrol rules.
    Patrol {
        at_ms: i64,
        by: Party,
        cmd: PatrolCmd,
    },
    /// A citizen's suggestion from the public page ("没找到？"), filed without login. The text
    /// and the contact phone are personal data: the store keeps them outside the log.
    PublicSuggestion {
        at_ms: i64,
        text: String,
        #[serde(default)]
        query: String,
        #[serde(default)]
        contact: String,
    },
    /// The public key that signs this log's checkpoints from here on: the log's first entry, or
    /// a rotation (`replaces_key_id` set), which the old key signs. Read by `verify` only.
    LogKeyDeclared {
        public_key_hex: String,
        key_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replaces_key_id: Option<String>,
    },
}

impl Transition {
    /// The command type recorded in the log's `kind` column.
    pub fn kind(&self) -> &'static str {
        match self {
            Transition::UnitSaved { .. } => "org.unit.save",
            Transition::PersonSaved { .. } => "org.person.save",
            Transition::PasswordSet { .. } => "org.person.password",
            Transition::PersonErased { .. } => "org.person.erase",
            Transition::RolesSet { .. } => "org.person.roles",
            Transition::GridSaved { .. } => "org.grid.save",
            Transition::ListVersionPublished { .. } => "list.version.publish",
            Transition::AdjustmentFiled { .. } => "list.adjustment.file",
            Transition::AdjustmentReviewed { .. } => "list.adjustment.review",
            Transition::AdjustmentResubmitted { .. } => "list.adjustment.resubmit",
            Transition::AdjustmentApproved { .. } => "list.adjustment.approve",
            Transition::Event { cmd, .. } => cmd.kind(),
            Transition::CalendarSet { .. } => "calendar.set",
            Transition::WorkflowConfigSet { .. } => "workflow.config.set",
            Transition::CategoriesSet { .. } => "categories.set",
            Transition::Assessment { cmd, .. } => cmd.kind(),
            Transition::Delegation { cmd, .. } => cmd.kind(),
            Transition::Admission { cmd, .. } => cmd.kind(),
            Transition::Patrol { cmd, .. } => cmd.kind(),
            Transition::PublicSuggestion { .. } => "public.suggestion",
            Transition::LogKeyDeclared {
                replaces_key_id: None,
                ..
            } => "log.key.declare",
            Transition::LogKeyDeclared { .. } => "log.key.rotate",
        }
    }

    pub fn to_payload(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_payload(s: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(s)
    }
}
