//! Delegated powers in use (赋权): usage reports from the statistics cube, the 点单 menu and
//! townships' orders, evaluation rounds and recalls. An order or a recall is appended in one
//! batch with the list adjustment that carries its change, so both stand or neither does.

use crate::engine::{Actor, Engine};
use crate::error::{AppError, Result};
use std::collections::BTreeMap;
use tiaokuai_core::access::Principal;
use tiaokuai_core::delegation::{proposal, usage_report, DelegationCmd, UsageRow};
use tiaokuai_core::error::DelegationReason;
use tiaokuai_core::events::Party;
use tiaokuai_core::lists::{Application, ListKind};
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::stats::{Dim, Grain, Measure, Period, Query, Value};
use tiaokuai_core::{DomainError, Transition};

/// Cases of each delegated power over a period, by receiving township (`by_period` None) or
/// by month or quarter (all townships the viewer sees).
#[derive(Debug, Clone)]
pub struct Usage {
    pub period: Period,
    pub rows: Vec<UsageRow>,
    /// When by period: the period keys and, per item, the count per key.
    pub columns: Vec<String>,
    pub by_period: BTreeMap<String, Vec<u64>>,
}

fn count(v: Option<Value>) -> u64 {
    match v {
        Some(Value::Count(c)) => c,
        _ => 0,
    }
}

/// The grant `who` acts in: the first with one of `roles` (and, for a township, covering
/// `unit`).
fn party_in(
    s: &tiaokuai_core::CountyState,
    who: &Principal,
    roles: &[RoleKind],
    unit: Option<&str>,
) -> Option<Party> {
    who.grants
        .iter()
        .find(|g| roles.contains(&g.role) && unit.is_none_or(|u| s.org.is_in_tree(u, &g.unit)))
        .map(|g| Party {
            username: who.username.clone(),
            role: g.role,
            unit: g.unit.clone(),
        })
}

fn actor(p: &Party) -> Actor {
    Actor {
        username: p.username.clone(),
        role: p.role.as_str().to_string(),
        unit: p.unit.clone(),
    }
}

const TOWNSHIP: [RoleKind; 2] = [RoleKind::TownshipOperator, RoleKind::TownshipLeader];
const ESTABLISHMENT: [RoleKind; 1] = [RoleKind::EstablishmentReviewer];

impl Engine {
    /// Usage of every delegated power in `period`, as `who` may see the events.
    pub async fn delegation_usage(
        &self,
        who: &Principal,
        period: &Period,
        grain: Option<Grain>,
        now_ms: i64,
    ) -> Result<Usage> {
        let items: Vec<String> = self
            .with_state(|s| {
                s.lists
                    .items_at(s.lists.latest())
                    .filter(|i| i.kind == ListKind::Delegated)
                    .map(|i| i.id.clone())
                    .collect()
            })
            .await?;
        let cols = match grain {
            Some(g) => Dim::Period(g),
            None => Dim::Township,
        };
        let q = Query {
            rows: Dim::Item,
            cols,
            measures: vec![Measure::Events],
            filters: vec![(Dim::Item, items)],
            from_ms: period.from_ms(),
            to_ms: period.to_ms(),
        };
        let t = self.stats(who, &q, true, now_ms).await?;
        let mut counts = BTreeMap::new();
        let mut by_period = BTreeMap::new();
        for r in &t.rows {
            let mut per = Vec::new();
            for c in &t.cols {
                let n = count(t.get(&r.key, &c.key, 0));
                // By period the townships are summed: the count sits under an empty key.
                let key = if grain.is_none() {
                    c.key.clone()
                } else {
                    String::new()
                };
                *counts.entry((r.key.clone(), key)).or_insert(0) += n;
                per.push(n);
            }
            if grain.is_some() {
                by_period.insert(r.key.clone(), per);
            }
        }
        let today = tiaokuai_core::calendar::cst_date(now_ms).to_string();
        let rows = self
            .with_state(|s| usage_report(&s.org, &s.lists, &counts, &today))
            .await?;
        Ok(Usage {
            period: period.clone(),
            rows,
            columns: if grain.is_some() {
                t.cols.iter().map(|c| c.key.clone()).collect()
            } else {
                vec![]
            },
            by_period,
        })
    }

    /// The delegation book as folded (menu, orders, rounds, recalls).
    pub async fn delegation_book(&self) -> Result<tiaokuai_core::delegation::DelegationBook> {
        self.with_state(|s| s.delegation.clone()).await
    }

    /// A menu, round, result or close step by 编办; answered with its log sequence.
    pub async fn delegation_step(
        &self,
        who: &Principal,
        now_ms: i64,
        cmd: DelegationCmd,
    ) -> Result<u64> {
        if let DelegationCmd::Order { adjustment, .. } | DelegationCmd::Recall { adjustment, .. } =
            &cmd
        {
            // These travel with their adjustment: see `order_power` and `recall_power`.
            return Err(AppError::Domain(DomainError::invalid(
                "adjustment",
                DelegationReason::AdjustmentMissing { id: *adjustment },
            )));
        }
        let party = self
            .with_state(|s| party_in(s, who, &ESTABLISHMENT, None))
            .await?
            .ok_or_else(|| {
                AppError::Domain(DomainError::forbidden(match cmd {
                    DelegationCmd::SetMenu { .. } => DelegationReason::MenuByEstablishment,
                    _ => DelegationReason::RoundsByEstablishment,
                }))
            })?;
        let seqs = self
            .submit(
                &actor(&party),
                now_ms,
                vec![Transition::Delegation {
                    at_ms: now_ms,
                    by: party,
                    cmd,
                }],
            )
            .await?;
        seqs.first()
            .copied()
            .ok_or_else(|| AppError::Io("nothing was appended".into()))
    }

    /// A township orders `item_id` from the menu: files the list adjustment that adds it as a
    /// receiver (or delegates a power-list item to it) and records the order, in one batch.
    /// Returns the adjustment's id.
    #[allow(clippy::too_many_arguments)]
    pub async fn order_power(
        &self,
        who: &Principal,
        now_ms: i64,
        township: &str,
        item_id: &str,
        staff: u32,
        qualifications: &str,
        reason: &str,
        opinions: &str,
    ) -> Result<u64> {
        let prepared = self
            .with_state(|s| {
                let party = party_in(s, who, &TOWNSHIP, Some(township));
                // The order's own refusals first, before its adjustment is built.
                let ctx = tiaokuai_core::delegation::book::Ctx {
                    org: &s.org,
                    lists: &s.lists,
                    adjustments: &s.adjustments,
                };
                let fallback = Party {
                    username: who.username.clone(),
                    role: RoleKind::GridWorker,
                    unit: who.unit.clone(),
                };
                let refused = s
                    .delegation
                    .check_order(
                        &ctx,
                        party.as_ref().unwrap_or(&fallback),
                        &township.to_string(),
                        &item_id.to_string(),
                        staff,
                    )
                    .err();
                let change = proposal::order_change(&s.lists, item_id, township);
                let id = s.adjustments.keys().next_back().map_or(1, |k| k + 1);
                (party, refused, change, id, s.lists.latest())
            })
            .await?;
        let (party, refused, change, id, base_version) = prepared;
        if let Some(e) = refused {
            return Err(AppError::Domain(e));
        }
        let party = party.ok_or_else(|| {
            AppError::Domain(DomainError::forbidden(DelegationReason::OrderByTownship))
        })?;
        let Some((kind, adj_item, proposed)) = change else {
            return Err(AppError::Domain(DomainError::invalid(
                "item_id",
                DelegationReason::NotOnMenu {
                    item: item_id.to_string(),
                },
            )));
        };
        let application = Application {
            id,
            applicant: who.username.clone(),
            applicant_unit: party.unit.clone(),
            kind,
            item_id: adj_item,
            base_version,
            proposed,
            reason: format!("乡镇点单：{}", reason.trim()),
            basis: "赋权事项菜单（点单）".into(),
            opinions: opinions.trim().to_string(),
        };
        let cmd = DelegationCmd::Order {
            township: township.to_string(),
            item_id: item_id.to_string(),
            staff,
            qualifications: qualifications.trim().to_string(),
            reason: reason.trim().to_string(),
            adjustment: id,
        };
        self.submit(
            &actor(&party),
            now_ms,
            vec![
                Transition::AdjustmentFiled {
                    application,
                    at_ms: now_ms,
                },
                Transition::Delegation {
                    at_ms: now_ms,
                    by: party,
                    cmd,
                },
            ],
        )
        .await?;
        Ok(id)
    }

    /// 编办 opens the recall an evaluation round decided: files the list adjustment that
    /// removes the townships (or cancels the power) and records the recall, in one batch.
    /// Returns the adjustment's id.
    #[allow(clippy::too_many_arguments)]
    pub async fn recall_power(
        &self,
        who: &Principal,
        now_ms: i64,
        round: u64,
        item_id: &str,
        townships: &[String],
        receiving_unit: &str,
        effective_date: &str,
    ) -> Result<u64> {
        let prepared = self
            .with_state(|s| {
                let party = party_in(s, who, &ESTABLISHMENT, None);
                let latest = s.lists.latest();
                let change = s
                    .lists
                    .item_at(item_id, latest)
                    .filter(|i| i.kind == ListKind::Delegated)
                    .map(|i| proposal::recall_change(&s.org, i, townships));
                let reason = s.delegation.rounds.get(&round).and_then(|r| {
                    r.results
                        .iter()
                        .find(|x| x.item_id == item_id && x.decision.as_str() == "recall")
                        .map(|x| (r.title.clone(), x.reason.clone(), x.evidence.clone()))
                });
                let names: Vec<String> = townships
                    .iter()
                    .map(|t| s.org.unit(t).map_or(t.clone(), |u| u.name.clone()))
                    .collect();
                let receiver = s
                    .org
                    .unit(receiving_unit)
                    .map_or(receiving_unit.to_string(), |u| u.name.clone());
                let id = s.adjustments.keys().next_back().map_or(1, |k| k + 1);
                (party, change, reason, names, receiver, id, latest)
            })
            .await?;
        let (party, change, found, names, receiver, id, base_version) = prepared;
        let party = party.ok_or_else(|| {
            AppError::Domain(DomainError::forbidden(
                DelegationReason::RoundsByEstablishment,
            ))
        })?;
        let Some((kind, proposed)) = change else {
            return Err(AppError::Domain(DomainError::invalid(
                "item_id",
                DelegationReason::NotDelegated {
                    item: item_id.to_string(),
                },
            )));
        };
        let (title, why, evidence) = found.unwrap_or_default();
        let application = Application {
            id,
            applicant: who.username.clone(),
            applicant_unit: party.unit.clone(),
            kind,
            item_id: item_id.to_string(),
            base_version,
            proposed,
            reason: format!(
                "{title}决定收回：{why}。自 {effective_date} 起由{receiver}实施，收回自{}。",
                names.join("、")
            ),
            basis: format!("{title}评估结果"),
            opinions: if evidence.is_empty() {
                format!("评估依据见{title}")
            } else {
                evidence
            },
        };
        let cmd = DelegationCmd::Recall {
            round,
            item_id: item_id.to_string(),
            townships: townships.to_vec(),
            receiving_unit: receiving_unit.to_string(),
            effective_date: effective_date.to_string(),
            adjustment: id,
        };
        self.submit(
            &actor(&party),
            now_ms,
            vec![
                Transition::AdjustmentFiled {
                    application,
                    at_ms: now_ms,
                },
                Transition::Delegation {
                    at_ms: now_ms,
                    by: party,
                    cmd,
                },
            ],
        )
        .await?;
        Ok(id)
    }
}
