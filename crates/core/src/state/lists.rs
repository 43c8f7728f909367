//! Checks and folding for list versions and adjustment applications.

use super::CountyState;
use crate::error::{DomainError, FieldError, FieldReason as F, ListReason as L, Reason};
use crate::lists::{
    valid_date, Adjustment, AdjustmentKind, AdjustmentStatus, Item, ListKind, ReviewStage, Step,
};
use crate::transition::Transition;
use std::collections::BTreeSet;

fn conflict(r: impl Into<Reason>) -> DomainError {
    DomainError::Conflict(r.into())
}

impl CountyState {
    /// Problems with one item, named by field.
    pub fn item_problems(&self, item: &Item) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let loc = item.id.clone();
        if item.number.trim().is_empty() {
            errs.push(FieldError::new(&loc, "number", L::NumberEmpty));
        }
        if item.id != Item::make_id(item.kind, &item.number) {
            errs.push(FieldError::new(&loc, "id", L::IdShape));
        }
        if item.name.trim().is_empty() {
            errs.push(FieldError::new(&loc, "name", L::NameEmpty));
        }
        for u in item.primary.iter().chain(&item.supporting) {
            if !self.org.units.contains_key(u) {
                errs.push(FieldError::new(
                    &loc,
                    "units",
                    F::UnknownUnit { unit: u.clone() },
                ));
            }
        }
        let needs_primary = !matches!(item.kind, ListKind::Village);
        if needs_primary && item.primary.is_empty() {
            errs.push(FieldError::new(&loc, "primary", L::PrimaryMissing));
        }
        if item.kind == ListKind::Joint && item.primary.len() != 1 {
            errs.push(FieldError::new(&loc, "primary", L::OneLead));
        }
        for (f, d) in [
            ("delegated_on", &item.delegated_on),
            ("transition_end", &item.transition_end),
        ] {
            if !d.is_empty() && !valid_date(d) {
                errs.push(FieldError::new(
                    &loc,
                    f,
                    F::NotADate {
                        value: d.to_string(),
                    },
                ));
            }
        }
        errs
    }

    pub(super) fn check_list(&self, t: &Transition) -> Result<(), DomainError> {
        match t {
            Transition::ListVersionPublished {
                meta,
                upserts,
                removals,
            } => {
                let latest = self.lists.latest();
                if meta.version != latest + 1 {
                    return Err(conflict(L::VersionOrder {
                        version: meta.version,
                        latest,
                    }));
                }
                let mut errs = Vec::new();
                if !valid_date(&meta.effective_date) {
                    errs.push(FieldError::new(
                        "",
                        "effective_date",
                        F::NotADate {
                            value: meta.effective_date.clone(),
                        },
                    ));
                }
                if upserts.is_empty() && removals.is_empty() {
                    errs.push(FieldError::new("", "items", L::NoChange));
                }
                let mut seen = BTreeSet::new();
                for i in upserts {
                    if !seen.insert(i.id.as_str()) {
                        errs.push(FieldError::new(&i.id, "number", L::DuplicateNumber));
                    }
                    errs.extend(self.item_problems(i));
                }
                for r in removals {
                    if self.lists.item_at(r, latest).is_none() {
                        errs.push(FieldError::new(r, "id", L::NoSuchItem));
                    }
                }
                if let Some(id) = meta.source.strip_prefix("adjustment:") {
                    let adj = id
                        .parse::<u64>()
                        .ok()
                        .and_then(|id| self.adjustments.get(&id));
                    if adj.map(|a| a.status) != Some(AdjustmentStatus::Approved) {
                        errs.push(FieldError::new("", "source", L::ApprovedOnly));
                    }
                }
                if errs.is_empty() {
                    Ok(())
                } else {
                    Err(DomainError::Invalid(errs))
                }
            }
            Transition::AdjustmentFiled { application: a, .. }
            | Transition::AdjustmentResubmitted { application: a, .. } => {
                let filed = matches!(t, Transition::AdjustmentFiled { .. });
                match (filed, self.adjustments.get(&a.id)) {
                    (true, Some(_)) => {
                        return Err(conflict(L::ApplicationExists {
                            id: a.id.to_string(),
                        }))
                    }
                    (false, None) => {
                        return Err(DomainError::NotFound {
                            kind: "application",
                            id: a.id.to_string(),
                        })
                    }
                    (false, Some(old)) if old.status != AdjustmentStatus::SentBack => {
                        return Err(conflict(L::SentBackOnly))
                    }
                    _ => {}
                }
                self.check_application(a)
            }
            Transition::AdjustmentReviewed {
                id,
                stage,
                approve,
                comment,
                ..
            } => {
                let a = self
                    .adjustments
                    .get(id)
                    .ok_or_else(|| DomainError::NotFound {
                        kind: "application",
                        id: id.to_string(),
                    })?;
                let expected = match stage {
                    ReviewStage::Establishment => AdjustmentStatus::AwaitingEstablishment,
                    ReviewStage::Justice => AdjustmentStatus::AwaitingJustice,
                };
                if a.status != expected {
                    return Err(conflict(L::NotAwaitingReview { status: a.status }));
                }
                if !approve && comment.trim().is_empty() {
                    return Err(DomainError::invalid("comment", L::SendBackReason));
                }
                Ok(())
            }
            Transition::AdjustmentApproved {
                id,
                document_no,
                effective_date,
                ..
            } => {
                let a = self
                    .adjustments
                    .get(id)
                    .ok_or_else(|| DomainError::NotFound {
                        kind: "application",
                        id: id.to_string(),
                    })?;
                if a.status != AdjustmentStatus::AwaitingApproval {
                    return Err(conflict(L::NotAwaitingApproval { status: a.status }));
                }
                let mut errs = Vec::new();
                if document_no.trim().is_empty() {
                    errs.push(FieldError::new("", "document_no", L::DocumentNoRequired));
                }
                if !valid_date(effective_date) {
                    errs.push(FieldError::new(
                        "",
                        "effective_date",
                        F::NotADate {
                            value: effective_date.clone(),
                        },
                    ));
                }
                if errs.is_empty() {
                    Ok(())
                } else {
                    Err(DomainError::Invalid(errs))
                }
            }
            _ => Ok(()),
        }
    }

    fn check_application(&self, a: &crate::lists::Application) -> Result<(), DomainError> {
        let mut errs = Vec::new();
        if a.reason.trim().is_empty() {
            errs.push(FieldError::new("", "reason", F::Required));
        }
        if a.basis.trim().is_empty() {
            errs.push(FieldError::new("", "basis", L::BasisRequired));
        }
        let latest = self.lists.latest();
        let current = self.lists.item_at(&a.item_id, latest);
        match (a.kind, current, &a.proposed) {
            (AdjustmentKind::Add, Some(_), _) => {
                errs.push(FieldError::new("", "item_id", L::ItemExists))
            }
            (AdjustmentKind::Add, None, None) => {
                errs.push(FieldError::new("", "proposed", L::DescribeNewItem))
            }
            (AdjustmentKind::Cancel, None, _) => {
                errs.push(FieldError::new("", "item_id", L::NoSuchItem))
            }
            (AdjustmentKind::Cancel, Some(_), _) => {}
            (_, None, _) if a.kind != AdjustmentKind::Add => {
                errs.push(FieldError::new("", "item_id", L::NoSuchItem))
            }
            (_, _, None) => errs.push(FieldError::new("", "proposed", L::DescribeChangedItem)),
            (_, _, Some(p)) => {
                if p.id != a.item_id {
                    errs.push(FieldError::new("", "proposed", L::KeepNumber));
                }
                errs.extend(self.item_problems(p));
                if current == Some(p) {
                    errs.push(FieldError::new("", "proposed", L::ChangesNothing));
                }
                // Changing who is responsible needs the other units' opinions (涉及部门意见).
                let others = p
                    .primary
                    .iter()
                    .chain(&p.supporting)
                    .any(|u| u != &a.applicant_unit);
                if a.kind == AdjustmentKind::ChangeParties && others && a.opinions.trim().is_empty()
                {
                    errs.push(FieldError::new("", "opinions", L::OpinionsRequired));
                }
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(DomainError::Invalid(errs))
        }
    }

    pub(super) fn apply_list(&mut self, t: &Transition) {
        match t {
            Transition::ListVersionPublished {
                meta,
                upserts,
                removals,
            } => {
                if let Some(id) = meta
                    .source
                    .strip_prefix("adjustment:")
                    .and_then(|s| s.parse::<u64>().ok())
                {
                    if let Some(a) = self.adjustments.get_mut(&id) {
                        a.status = AdjustmentStatus::Published;
                        a.published_version = Some(meta.version);
                        a.steps.push(Step {
                            what: "published".into(),
                            actor: String::new(),
                            comment: format!("v{}", meta.version),
                            at_ms: meta.published_at_ms,
                        });
                    }
                }
                self.lists.apply_version(meta.clone(), upserts, removals);
            }
            Transition::AdjustmentFiled { application, at_ms } => {
                self.adjustments.insert(
                    application.id,
                    Adjustment {
                        app: application.clone(),
                        status: AdjustmentStatus::AwaitingEstablishment,
                        sent_back_by: None,
                        document_no: String::new(),
                        effective_date: String::new(),
                        published_version: None,
                        steps: vec![Step {
                            what: "filed".into(),
                            actor: application.applicant.clone(),
                            comment: application.reason.clone(),
                            at_ms: *at_ms,
                        }],
                    },
                );
            }
            Transition::AdjustmentResubmitted { application, at_ms } => {
                if let Some(a) = self.adjustments.get_mut(&application.id) {
                    a.app = application.clone();
                    // Back to the stage that sent it back.
                    a.status = match a.sent_back_by {
                        Some(ReviewStage::Justice) => AdjustmentStatus::AwaitingJustice,
                        _ => AdjustmentStatus::AwaitingEstablishment,
                    };
                    a.sent_back_by = None;
                    a.steps.push(Step {
                        what: "resubmitted".into(),
                        actor: application.applicant.clone(),
                        comment: application.reason.clone(),
                        at_ms: *at_ms,
                    });
                }
            }
            Transition::AdjustmentReviewed {
                id,
                stage,
                approve,
                reviewer,
                comment,
                at_ms,
            } => {
                if let Some(a) = self.adjustments.get_mut(id) {
                    a.status = AdjustmentStatus::after_review(*stage, *approve);
                    if !approve {
                        a.sent_back_by = Some(*stage);
                    }
                    let what = match (stage, approve) {
                        (ReviewStage::Establishment, true) => "establishment_passed",
                        (ReviewStage::Establishment, false) => "establishment_sent_back",
                        (ReviewStage::Justice, true) => "justice_passed",
                        (ReviewStage::Justice, false) => "justice_sent_back",
                    };
                    a.steps.push(Step {
                        what: what.into(),
                        actor: reviewer.clone(),
                        comment: comment.clone(),
                        at_ms: *at_ms,
                    });
                }
            }
            Transition::AdjustmentApproved {
                id,
                approver,
                document_no,
                effective_date,
                at_ms,
            } => {
                if let Some(a) = self.adjustments.get_mut(id) {
                    a.status = AdjustmentStatus::Approved;
                    a.document_no = document_no.clone();
                    a.effective_date = effective_date.clone();
                    a.steps.push(Step {
                        what: "approved".into(),
                        actor: approver.clone(),
                        comment: document_no.clone(),
                        at_ms: *at_ms,
                    });
                }
            }
            _ => {}
        }
    }
}
