//! The stages of an admission application and who acts at each: one function, [`next_actor`],
//! says who moves an application next; [`may_act`] says whether a party is that one.

use super::book::AdmissionRecord;
use crate::access::covers_county;
use crate::error::AdmissionReason as R;
use crate::events::Party;
use crate::org::{RoleGrant, RoleKind, UnitKind};
use crate::state::OrgState;
use crate::DomainError;
use serde::{Deserialize, Serialize};

/// Where an application stands. `Expired` is never stored: an admitted entry past its end
/// date reads as expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Filed; the townships give their written opinions until the deadline.
    Consulting,
    /// 编办 review (opinions in, or their deadline passed).
    Establishment,
    /// 司法局 legality review.
    Justice,
    /// Awaiting the county's approval.
    Approval,
    /// Approved with a document number: in the admitted catalogue.
    Admitted,
    /// Admitted, but past its end date.
    Expired,
    /// The county did not approve it.
    Rejected,
    /// 编办 or 司法局 sent it back; the applicant may revise and resubmit.
    SentBack,
    /// Withdrawn by the applicant, or an admitted entry withdrawn (撤销).
    Withdrawn,
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Stage::Consulting,
        Stage::Establishment,
        Stage::Justice,
        Stage::Approval,
        Stage::Admitted,
        Stage::Expired,
        Stage::Rejected,
        Stage::SentBack,
        Stage::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Consulting => "consulting",
            Stage::Establishment => "establishment",
            Stage::Justice => "justice",
            Stage::Approval => "approval",
            Stage::Admitted => "admitted",
            Stage::Expired => "expired",
            Stage::Rejected => "rejected",
            Stage::SentBack => "sent_back",
            Stage::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Stage::Consulting => "征求意见中",
            Stage::Establishment => "编办审核中",
            Stage::Justice => "司法局合法性审核中",
            Stage::Approval => "待县政府审批",
            Stage::Admitted => "已准入",
            Stage::Expired => "已到期",
            Stage::Rejected => "未获批准",
            Stage::SentBack => "已退回",
            Stage::Withdrawn => "已撤回/撤销",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Stage::Consulting => "Awaiting townships' opinions",
            Stage::Establishment => "Establishment office review",
            Stage::Justice => "Legality review",
            Stage::Approval => "Awaiting the county's approval",
            Stage::Admitted => "Admitted",
            Stage::Expired => "Expired",
            Stage::Rejected => "Not approved",
            Stage::SentBack => "Sent back",
            Stage::Withdrawn => "Withdrawn",
        }
    }

    /// Still moving: someone has a step to take.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Stage::Consulting | Stage::Establishment | Stage::Justice | Stage::Approval
        )
    }
}

/// Who takes an application's next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextActor {
    /// These consulted townships have not given their opinion yet.
    Townships(Vec<String>),
    /// 编办.
    Establishment,
    /// 司法局.
    Justice,
    /// A county leader.
    CountyLeader,
    /// The applicant's unit (revise and resubmit).
    Applicant(String),
}

/// Who acts next on `rec` at `now_ms`, or None once it is settled.
pub fn next_actor(rec: &AdmissionRecord, now_ms: i64) -> Option<NextActor> {
    match rec.stage(now_ms) {
        Stage::Consulting => Some(NextActor::Townships(rec.silent_townships())),
        Stage::Establishment => Some(NextActor::Establishment),
        Stage::Justice => Some(NextActor::Justice),
        Stage::Approval => Some(NextActor::CountyLeader),
        Stage::SentBack => Some(NextActor::Applicant(rec.unit.clone())),
        _ => None,
    }
}

/// The department a party acts for (a division or stationed unit belongs to one).
pub fn department_of(org: &OrgState, unit: &str) -> Option<String> {
    let mut cur = org.unit(unit);
    for _ in 0..64 {
        let u = cur?;
        match u.kind {
            UnitKind::Department => return Some(u.code.clone()),
            UnitKind::StationedUnit => return u.owner_department.clone(),
            _ => cur = u.parent.as_deref().and_then(|p| org.unit(p)),
        }
    }
    None
}

/// The township a party acts for: township staff, or a leader granted on a township.
pub fn township_of_party(org: &OrgState, by: &Party) -> Option<String> {
    let ok = matches!(
        by.role,
        RoleKind::TownshipOperator | RoleKind::TownshipLeader | RoleKind::Leader
    );
    if !ok {
        return None;
    }
    org.township_of(&by.unit).map(|u| u.code.clone())
}

/// The department a department's staff member acts for.
pub fn department_of_party(org: &OrgState, by: &Party) -> Option<String> {
    if matches!(
        by.role,
        RoleKind::DepartmentHandler | RoleKind::DepartmentLeader
    ) {
        department_of(org, &by.unit)
    } else {
        None
    }
}

/// The unit an applicant applies for: their department, or their township.
pub fn applicant_unit(org: &OrgState, by: &Party) -> Option<String> {
    department_of_party(org, by).or_else(|| township_of_party(org, by))
}

/// A leader of the whole county.
pub fn is_county_leader(org: &OrgState, by: &Party) -> bool {
    by.role == RoleKind::Leader
        && covers_county(
            &RoleGrant {
                role: by.role,
                unit: by.unit.clone(),
            },
            org,
        )
}

/// What a party wants to do to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Opinion,
    Establishment,
    Justice,
    Decide,
    Resubmit,
    Withdraw,
}

/// Whether `by` may take `act` on `rec` now: the right role, and the right stage.
pub fn may_act(
    org: &OrgState,
    by: &Party,
    rec: &AdmissionRecord,
    act: Act,
    now_ms: i64,
) -> Result<(), DomainError> {
    let stage = rec.stage(now_ms);
    let wrong = || {
        DomainError::conflict(R::WrongStage {
            stage: stage.label_zh().into(),
        })
    };
    let own = rec.applicant == by.username;
    match act {
        Act::Opinion => {
            let Some(t) = township_of_party(org, by).filter(|t| rec.consulted.contains(t)) else {
                return Err(DomainError::forbidden(R::OpinionRole));
            };
            if rec.status != Stage::Consulting {
                return Err(wrong());
            }
            if rec.opinions.contains_key(&t) {
                return Err(DomainError::conflict(R::OpinionGiven));
            }
            if now_ms > rec.opinion_deadline_ms {
                return Err(DomainError::conflict(R::OpinionClosed {
                    deadline: crate::calendar::format_cst(rec.opinion_deadline_ms),
                }));
            }
            Ok(())
        }
        Act::Establishment => {
            if by.role != RoleKind::EstablishmentReviewer {
                return Err(DomainError::forbidden(R::EstablishmentOnly));
            }
            if own {
                return Err(DomainError::forbidden(R::OwnApplication));
            }
            match stage {
                Stage::Establishment => Ok(()),
                Stage::Consulting => Err(DomainError::conflict(R::OpinionsOpen {
                    deadline: crate::calendar::format_cst(rec.opinion_deadline_ms),
                })),
                _ => Err(wrong()),
            }
        }
        Act::Justice => {
            if by.role != RoleKind::JusticeReviewer {
                return Err(DomainError::forbidden(R::JusticeOnly));
            }
            if own {
                return Err(DomainError::forbidden(R::OwnApplication));
            }
            if stage != Stage::Justice {
                return Err(wrong());
            }
            Ok(())
        }
        Act::Decide => {
            if !is_county_leader(org, by) {
                return Err(DomainError::forbidden(R::LeaderApproves));
            }
            if own {
                return Err(DomainError::forbidden(R::OwnApplication));
            }
            if stage != Stage::Approval {
                return Err(wrong());
            }
            Ok(())
        }
        Act::Resubmit => {
            if applicant_unit(org, by).as_deref() != Some(rec.unit.as_str()) {
                return Err(DomainError::forbidden(R::ApplicantOnly));
            }
            if stage != Stage::SentBack {
                return Err(wrong());
            }
            Ok(())
        }
        Act::Withdraw => match stage {
            s if s.is_open() || s == Stage::SentBack => {
                if applicant_unit(org, by).as_deref() != Some(rec.unit.as_str()) {
                    return Err(DomainError::forbidden(R::ApplicantOnly));
                }
                Ok(())
            }
            Stage::Admitted => {
                if by.role == RoleKind::EstablishmentReviewer || is_county_leader(org, by) {
                    Ok(())
                } else {
                    Err(DomainError::forbidden(R::WithdrawRole))
                }
            }
            _ => Err(wrong()),
        },
    }
}
