//! Dynamic adjustment (动态调整) of the lists: a unit applies, 编办 reviews, 司法局 checks
//! legality (either may send it back), the county approves with a document number, and
//! publication creates the new version.

use super::item::Item;
use crate::access::Principal;
use crate::error::{DomainError, ListReason as L};
use crate::org::RoleKind;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentKind {
    /// 新增
    Add,
    /// 取消
    Cancel,
    /// 变更主体或配合责任
    ChangeParties,
    /// 变更流程
    ChangeFlow,
    /// 其他内容变更
    ChangeContent,
}

impl AdjustmentKind {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "add" => Self::Add,
            "cancel" => Self::Cancel,
            "change_parties" => Self::ChangeParties,
            "change_flow" => Self::ChangeFlow,
            "change_content" => Self::ChangeContent,
            _ => return None,
        })
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Add => "新增事项",
            Self::Cancel => "取消事项",
            Self::ChangeParties => "变更主体/配合责任",
            Self::ChangeFlow => "变更流程",
            Self::ChangeContent => "变更内容",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Add => "Add an item",
            Self::Cancel => "Cancel an item",
            Self::ChangeParties => "Change primary/supporting units",
            Self::ChangeFlow => "Change the flow",
            Self::ChangeContent => "Change the content",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStage {
    /// 编办审核
    Establishment,
    /// 司法局合法性审核
    Justice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentStatus {
    AwaitingEstablishment,
    AwaitingJustice,
    AwaitingApproval,
    SentBack,
    Approved,
    Published,
}

impl AdjustmentStatus {
    /// Where a review moves an application: on to the next stage, or back to the applicant.
    pub fn after_review(stage: ReviewStage, approve: bool) -> Self {
        match (stage, approve) {
            (ReviewStage::Establishment, true) => Self::AwaitingJustice,
            (ReviewStage::Justice, true) => Self::AwaitingApproval,
            (_, false) => Self::SentBack,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AwaitingEstablishment => "awaiting_establishment",
            Self::AwaitingJustice => "awaiting_justice",
            Self::AwaitingApproval => "awaiting_approval",
            Self::SentBack => "sent_back",
            Self::Approved => "approved",
            Self::Published => "published",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::AwaitingEstablishment => "待编办审核",
            Self::AwaitingJustice => "待司法审核",
            Self::AwaitingApproval => "待县政府批准",
            Self::SentBack => "已退回修改",
            Self::Approved => "已批准待发布",
            Self::Published => "已发布",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::AwaitingEstablishment => "Awaiting the establishment office",
            Self::AwaitingJustice => "Awaiting the legality review",
            Self::AwaitingApproval => "Awaiting county approval",
            Self::SentBack => "Sent back for changes",
            Self::Approved => "Approved, awaiting publication",
            Self::Published => "Published",
        }
    }
}

/// What the applicant submits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub id: u64,
    pub applicant: String,
    pub applicant_unit: String,
    pub kind: AdjustmentKind,
    pub item_id: String,
    /// The catalogue version the application was written against.
    pub base_version: u32,
    /// The item as it should read after the change (None for a cancellation).
    pub proposed: Option<Item>,
    pub reason: String,
    /// 依据 (law, document or ruling).
    pub basis: String,
    /// 涉及单位意见.
    #[serde(default)]
    pub opinions: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub what: String,
    pub actor: String,
    pub comment: String,
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adjustment {
    pub app: Application,
    pub status: AdjustmentStatus,
    /// Stage that sent it back, while `SentBack`.
    pub sent_back_by: Option<ReviewStage>,
    pub document_no: String,
    pub effective_date: String,
    pub published_version: Option<u32>,
    pub steps: Vec<Step>,
}

/// Actions on an adjustment, for authorisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    File,
    Review(ReviewStage),
    Resubmit,
    Approve,
    Publish,
}

/// Whether `p` may take `action` on `adj` (None when filing). Approval is a county leader's:
/// a leader granted on a township approves nothing of the county's lists.
pub fn authorize(
    p: &Principal,
    org: &crate::state::OrgState,
    action: Action,
    adj: Option<&Adjustment>,
) -> Result<(), DomainError> {
    let deny = |r: L| Err(DomainError::forbidden(r));
    let own = adj.map(|a| a.app.applicant == p.username).unwrap_or(false);
    match action {
        Action::File => {
            let ok = [
                RoleKind::DepartmentHandler,
                RoleKind::DepartmentLeader,
                RoleKind::TownshipOperator,
                RoleKind::TownshipLeader,
                RoleKind::EstablishmentReviewer,
            ]
            .iter()
            .any(|r| p.has(*r));
            if ok {
                Ok(())
            } else {
                deny(L::FileNotAllowed)
            }
        }
        Action::Review(ReviewStage::Establishment) if !p.has(RoleKind::EstablishmentReviewer) => {
            deny(L::EstablishmentReviewOnly)
        }
        Action::Review(ReviewStage::Justice) if !p.has(RoleKind::JusticeReviewer) => {
            deny(L::JusticeReviewOnly)
        }
        Action::Review(_) if own => deny(L::OwnReview),
        Action::Review(_) => Ok(()),
        Action::Resubmit if !own => deny(L::ApplicantResubmits),
        Action::Resubmit => Ok(()),
        Action::Approve if own => deny(L::OwnApproval),
        Action::Approve if !p.is_county_leader(org) => deny(L::LeaderApproves),
        Action::Approve => Ok(()),
        Action::Publish
            if p.has(RoleKind::EstablishmentReviewer) || p.has(RoleKind::SystemAdmin) =>
        {
            Ok(())
        }
        Action::Publish => deny(L::PublishNotAllowed),
    }
}

/// The step an application waits for, or None once it is published.
pub fn next_action(status: AdjustmentStatus) -> Option<Action> {
    match status {
        AdjustmentStatus::AwaitingEstablishment => Some(Action::Review(ReviewStage::Establishment)),
        AdjustmentStatus::AwaitingJustice => Some(Action::Review(ReviewStage::Justice)),
        AdjustmentStatus::AwaitingApproval => Some(Action::Approve),
        AdjustmentStatus::SentBack => Some(Action::Resubmit),
        AdjustmentStatus::Approved => Some(Action::Publish),
        AdjustmentStatus::Published => None,
    }
}

/// The active people who may take the application's next step, so a page can say who can
/// move a flow that the viewer cannot (empty: nobody can, and an administrator must grant a role).
pub fn who_can_move(org: &crate::state::OrgState, adj: &Adjustment) -> Vec<(String, String)> {
    let Some(action) = next_action(adj.status) else {
        return vec![];
    };
    org.people
        .values()
        .filter(|r| r.person.active && !r.erased)
        .filter_map(|r| {
            let p = Principal {
                username: r.person.username.clone(),
                name: r.person.name.clone(),
                unit: r.person.unit.clone(),
                grants: r.grants.iter().cloned().collect(),
            };
            authorize(&p, org, action, Some(adj))
                .is_ok()
                .then_some((p.username, p.name))
        })
        .collect()
}
