//! The delegation book, folded from the log: the menu, townships' orders, evaluation rounds
//! with their results, and recalls. Orders and recalls point at the list adjustment that
//! carries the change, whose status is theirs.

use super::{rule, Decision, DelegationCmd};
use crate::error::{DelegationReason as D, FieldReason as F, Reason};
use crate::events::Party;
use crate::lists::{valid_date, Catalogue, Item, ListKind};
use crate::org::RoleKind;
use crate::state::OrgState;
use crate::{DomainError, FieldError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One power on the 点单 menu, with what a township needs to take it on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuEntry {
    /// A delegated item (offered to more townships) or a power-list item (not yet delegated).
    pub item_id: String,
    /// 承接条件: qualifications, equipment, training.
    #[serde(default)]
    pub conditions: String,
    /// Qualified staff a township needs at least.
    #[serde(default)]
    pub min_staff: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: u64,
    pub township: String,
    pub item_id: String,
    pub staff: u32,
    pub qualifications: String,
    pub reason: String,
    pub adjustment: u64,
    pub by: String,
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationResult {
    pub item_id: String,
    /// Empty: the decision covers every township that received the power.
    pub township: String,
    pub decision: Decision,
    pub reason: String,
    pub evidence: String,
    pub by: String,
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationRound {
    pub id: u64,
    pub title: String,
    pub method: String,
    pub from: String,
    pub to: String,
    pub opened_by: String,
    pub opened_ms: i64,
    pub closed_ms: Option<i64>,
    /// The latest result per (item, township), in the order first recorded.
    pub results: Vec<EvaluationResult>,
}

impl EvaluationRound {
    pub fn result(&self, item_id: &str, township: &str) -> Option<&EvaluationResult> {
        self.results
            .iter()
            .find(|r| r.item_id == item_id && r.township == township)
    }

    /// Whether the round decided to recall `item_id` from `township`.
    pub fn recalls(&self, item_id: &str, township: &str) -> bool {
        self.results.iter().any(|r| {
            r.item_id == item_id
                && r.decision == Decision::Recall
                && (r.township.is_empty() || r.township == township)
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recall {
    pub round: u64,
    pub item_id: String,
    pub townships: Vec<String>,
    pub receiving_unit: String,
    pub effective_date: String,
    pub adjustment: u64,
    pub by: String,
    pub at_ms: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DelegationBook {
    pub menu: Vec<MenuEntry>,
    pub orders: Vec<Order>,
    pub rounds: BTreeMap<u64, EvaluationRound>,
    pub recalls: Vec<Recall>,
}

fn forbidden(r: D) -> DomainError {
    DomainError::forbidden(r)
}

fn invalid(field: &str, r: impl Into<Reason>) -> DomainError {
    DomainError::invalid(field, r)
}

fn latest_item<'a>(lists: &'a Catalogue, id: &str) -> Option<&'a Item> {
    lists.item_at(id, lists.latest())
}

fn errors(errs: Vec<FieldError>) -> Result<(), DomainError> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Invalid(errs))
    }
}

/// Whether an adjustment is still moving (filed, under review or approved, not yet published
/// or sent back).
pub fn adjustment_pending(s: crate::lists::AdjustmentStatus) -> bool {
    use crate::lists::AdjustmentStatus as S;
    !matches!(s, S::Published | S::SentBack)
}

pub struct Ctx<'a> {
    pub org: &'a OrgState,
    pub lists: &'a Catalogue,
    pub adjustments: &'a BTreeMap<u64, crate::lists::Adjustment>,
}

impl DelegationBook {
    pub fn menu_entry(&self, item_id: &str) -> Option<&MenuEntry> {
        self.menu.iter().find(|m| m.item_id == item_id)
    }

    /// The next round's id.
    pub fn next_round(&self) -> u64 {
        self.rounds.keys().next_back().map_or(1, |k| k + 1)
    }

    pub fn check(&self, c: &Ctx, by: &Party, cmd: &DelegationCmd) -> Result<(), DomainError> {
        let establishment = by.role == RoleKind::EstablishmentReviewer;
        match cmd {
            DelegationCmd::SetMenu { entries } => {
                if !establishment {
                    return Err(forbidden(D::MenuByEstablishment));
                }
                if entries.is_empty() {
                    return Err(invalid("entries", D::MenuEmpty));
                }
                let mut errs = Vec::new();
                let mut seen = std::collections::BTreeSet::new();
                for (i, e) in entries.iter().enumerate() {
                    let at = format!("entries[{i}]");
                    match latest_item(c.lists, &e.item_id) {
                        None => errs.push(FieldError::new(
                            &at,
                            "item_id",
                            crate::error::ListReason::UnknownItem {
                                id: e.item_id.clone(),
                            },
                        )),
                        Some(it) if !matches!(it.kind, ListKind::Delegated | ListKind::Power) => {
                            errs.push(FieldError::new(
                                &at,
                                "item_id",
                                D::MenuItemKind {
                                    item: e.item_id.clone(),
                                },
                            ))
                        }
                        Some(_) => {}
                    }
                    if !seen.insert(e.item_id.as_str()) {
                        errs.push(FieldError::new(
                            &at,
                            "item_id",
                            D::MenuDuplicate {
                                item: e.item_id.clone(),
                            },
                        ));
                    }
                }
                errors(errs)
            }
            DelegationCmd::Order {
                township,
                item_id,
                staff,
                adjustment,
                ..
            } => {
                self.check_order(c, by, township, item_id, *staff)?;
                filed_with(c, *adjustment)
            }
            _ if !establishment => Err(forbidden(D::RoundsByEstablishment)),
            DelegationCmd::OpenRound {
                title,
                method,
                from,
                to,
            } => {
                let mut errs = Vec::new();
                for (f, v) in [("title", title), ("method", method)] {
                    if v.trim().is_empty() {
                        errs.push(FieldError::new("", f, F::Required));
                    }
                }
                for (f, v) in [("from", from), ("to", to)] {
                    if !valid_date(v) {
                        errs.push(FieldError::new("", f, F::NotADate { value: v.clone() }));
                    }
                }
                if errs.is_empty() && to < from {
                    errs.push(FieldError::new("", "to", D::DateOrder));
                }
                errors(errs)
            }
            DelegationCmd::RecordResult {
                round,
                item_id,
                township,
                decision,
                reason,
                ..
            } => {
                self.open_round(*round)?;
                let it = delegated(c, item_id)?;
                if !township.is_empty() && !rule::receivers(c.org, it).any(|r| r == township) {
                    return Err(invalid(
                        "township",
                        D::NotReceiver {
                            item: item_id.clone(),
                            township: township.clone(),
                        },
                    ));
                }
                if *decision != Decision::Keep && reason.trim().is_empty() {
                    return Err(invalid("reason", F::Required));
                }
                Ok(())
            }
            DelegationCmd::CloseRound { round } => {
                let r = self.open_round(*round)?;
                if r.results.is_empty() {
                    return Err(invalid("round", D::RoundEmpty));
                }
                Ok(())
            }
            DelegationCmd::Recall {
                round,
                item_id,
                townships,
                receiving_unit,
                effective_date,
                adjustment,
            } => {
                let r = self
                    .rounds
                    .get(round)
                    .ok_or_else(|| invalid("round", D::UnknownRound { id: *round }))?;
                let it = delegated(c, item_id)?;
                let mut errs = Vec::new();
                if townships.is_empty() {
                    errs.push(FieldError::new("", "townships", F::Required));
                }
                for t in townships {
                    if !rule::receivers(c.org, it).any(|x| x == t) {
                        errs.push(FieldError::new(
                            "",
                            "townships",
                            D::NotReceiver {
                                item: item_id.clone(),
                                township: t.clone(),
                            },
                        ));
                    } else if !r.recalls(item_id, t) {
                        errs.push(FieldError::new(
                            "",
                            "townships",
                            D::NoRecallDecision {
                                item: item_id.clone(),
                            },
                        ));
                    }
                }
                if c.org.unit(receiving_unit).is_none() {
                    errs.push(FieldError::new(
                        "",
                        "receiving_unit",
                        F::UnknownUnit {
                            unit: receiving_unit.clone(),
                        },
                    ));
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
                let again = self.recalls.iter().any(|x| {
                    x.round == *round
                        && x.item_id == *item_id
                        && c.adjustments
                            .get(&x.adjustment)
                            .is_some_and(|a| a.status != crate::lists::AdjustmentStatus::SentBack)
                });
                if again {
                    errs.push(FieldError::new(
                        "",
                        "item_id",
                        D::RecallFiled {
                            item: item_id.clone(),
                        },
                    ));
                }
                errors(errs)?;
                filed_with(c, *adjustment)
            }
        }
    }

    /// Whether `by` may order `item_id` for `township` with `staff`: the order's own rules,
    /// also asked before its list adjustment is filed so the refusal names the order.
    pub fn check_order(
        &self,
        c: &Ctx,
        by: &Party,
        township: &String,
        item_id: &String,
        staff: u32,
    ) -> Result<(), DomainError> {
        let own = matches!(
            by.role,
            RoleKind::TownshipOperator | RoleKind::TownshipLeader
        ) && c.org.is_in_tree(township, &by.unit);
        if !own {
            return Err(forbidden(D::OrderByTownship));
        }
        if !c.org.unit(township).is_some_and(|u| u.kind.is_township()) {
            return Err(invalid(
                "township",
                D::NotATownship {
                    unit: township.clone(),
                },
            ));
        }
        let Some(entry) = self.menu_entry(item_id) else {
            return Err(invalid(
                "item_id",
                D::NotOnMenu {
                    item: item_id.clone(),
                },
            ));
        };
        if let Some(it) = latest_item(c.lists, item_id) {
            if it.kind == ListKind::Delegated && rule::receivers(c.org, it).any(|r| r == township) {
                return Err(invalid(
                    "item_id",
                    D::AlreadyDelegated {
                        item: item_id.clone(),
                        township: township.clone(),
                    },
                ));
            }
        }
        let pending = self.orders.iter().any(|o| {
            o.township == *township
                && o.item_id == *item_id
                && c.adjustments
                    .get(&o.adjustment)
                    .is_some_and(|a| adjustment_pending(a.status))
        });
        if pending {
            return Err(invalid(
                "item_id",
                D::OrderPending {
                    item: item_id.clone(),
                },
            ));
        }
        if staff < entry.min_staff.max(1) {
            return Err(invalid(
                "staff",
                D::TooFewStaff {
                    min: entry.min_staff.max(1),
                },
            ));
        }
        Ok(())
    }

    fn open_round(&self, id: u64) -> Result<&EvaluationRound, DomainError> {
        let r = self
            .rounds
            .get(&id)
            .ok_or_else(|| invalid("round", D::UnknownRound { id }))?;
        if r.closed_ms.is_some() {
            return Err(DomainError::conflict(D::RoundClosed { id }));
        }
        Ok(r)
    }

    pub fn apply(&mut self, at_ms: i64, by: &Party, cmd: &DelegationCmd) {
        let who = by.username.clone();
        match cmd {
            DelegationCmd::SetMenu { entries } => self.menu = entries.clone(),
            DelegationCmd::Order {
                township,
                item_id,
                staff,
                qualifications,
                reason,
                adjustment,
            } => self.orders.push(Order {
                id: self.orders.len() as u64 + 1,
                township: township.clone(),
                item_id: item_id.clone(),
                staff: *staff,
                qualifications: qualifications.trim().to_string(),
                reason: reason.trim().to_string(),
                adjustment: *adjustment,
                by: who,
                at_ms,
            }),
            DelegationCmd::OpenRound {
                title,
                method,
                from,
                to,
            } => {
                let id = self.next_round();
                self.rounds.insert(
                    id,
                    EvaluationRound {
                        id,
                        title: title.trim().to_string(),
                        method: method.trim().to_string(),
                        from: from.clone(),
                        to: to.clone(),
                        opened_by: who,
                        opened_ms: at_ms,
                        closed_ms: None,
                        results: Vec::new(),
                    },
                );
            }
            DelegationCmd::RecordResult {
                round,
                item_id,
                township,
                decision,
                reason,
                evidence,
            } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    let res = EvaluationResult {
                        item_id: item_id.clone(),
                        township: township.clone(),
                        decision: *decision,
                        reason: reason.trim().to_string(),
                        evidence: evidence.trim().to_string(),
                        by: who,
                        at_ms,
                    };
                    match r
                        .results
                        .iter_mut()
                        .find(|x| x.item_id == *item_id && x.township == *township)
                    {
                        Some(x) => *x = res,
                        None => r.results.push(res),
                    }
                }
            }
            DelegationCmd::CloseRound { round } => {
                if let Some(r) = self.rounds.get_mut(round) {
                    r.closed_ms = Some(at_ms);
                }
            }
            DelegationCmd::Recall {
                round,
                item_id,
                townships,
                receiving_unit,
                effective_date,
                adjustment,
            } => self.recalls.push(Recall {
                round: *round,
                item_id: item_id.clone(),
                townships: townships.clone(),
                receiving_unit: receiving_unit.clone(),
                effective_date: effective_date.clone(),
                adjustment: *adjustment,
                by: who,
                at_ms,
            }),
        }
    }
}

fn delegated<'a>(c: &Ctx<'a>, item_id: &str) -> Result<&'a Item, DomainError> {
    match latest_item(c.lists, item_id) {
        Some(it) if it.kind == ListKind::Delegated => Ok(it),
        _ => Err(invalid(
            "item_id",
            D::NotDelegated {
                item: item_id.to_string(),
            },
        )),
    }
}

/// The order or recall must travel with its list adjustment, filed just before it in the
/// same batch, about the same item.
fn filed_with(c: &Ctx, adjustment: u64) -> Result<(), DomainError> {
    if c.adjustments.contains_key(&adjustment) {
        Ok(())
    } else {
        Err(invalid(
            "adjustment",
            D::AdjustmentMissing { id: adjustment },
        ))
    }
}
