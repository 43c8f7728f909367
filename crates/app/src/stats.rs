//! Statistics use cases: the cube over the facts read model, scoped to what the viewer's role
//! and unit may see, and the drill-down to the events behind a cell.

use crate::engine::Engine;
use crate::error::{AppError, Result};
use crate::stats_cache::Facts;
use std::collections::{BTreeMap, BTreeSet};
use tiaokuai_core::access::Principal;
use tiaokuai_core::categories::CategoryTree;
use tiaokuai_core::error::DataReason;
use tiaokuai_core::org::{RoleKind, Unit};
use tiaokuai_core::stats::{self, Context, HopFact, Measure, Query, Rules, Table, Visibility};
use tiaokuai_core::CountyState;

/// What labels and keys need, copied out of the state once per request.
pub struct Lookup {
    pub categories: std::sync::Arc<CategoryTree>,
    pub units: BTreeMap<String, Unit>,
    pub items: BTreeMap<String, String>,
    /// Grades better than this count as satisfied (the workflow scale's pass line).
    pub satisfied_below: u8,
}

impl Lookup {
    pub fn of(s: &CountyState) -> Lookup {
        let latest = s.lists.latest();
        Lookup {
            categories: s.categories.clone(),
            units: s.org.units.clone(),
            items: s
                .lists
                .items_at(latest)
                .map(|i| (i.id.clone(), i.name.clone()))
                .collect(),
            satisfied_below: s.events.config.scale.fail_from,
        }
    }
    pub fn ctx(&self) -> Context<'_> {
        Context {
            categories: &self.categories,
            units: &self.units,
            items: &self.items,
        }
    }
}

/// Whether the principal sees the whole county's statistics.
pub fn sees_county(s: &CountyState, who: &Principal) -> bool {
    who.grants
        .iter()
        .any(|g| tiaokuai_core::access::covers_county(g, &s.org))
}

/// The facts a principal may see: the whole county for county-wide roles and county leaders;
/// otherwise the units under their grants (a township's whole area; a department with its
/// divisions and the units it stations in townships).
pub fn visibility(s: &CountyState, who: &Principal) -> Visibility {
    if sees_county(s, who) {
        return Visibility::All;
    }
    let mut units = BTreeSet::new();
    for g in &who.grants {
        let root = match g.role {
            RoleKind::TownshipOperator | RoleKind::TownshipLeader | RoleKind::Leader => s
                .org
                .township_of(&g.unit)
                .map(|t| t.code.clone())
                .unwrap_or_else(|| g.unit.clone()),
            _ => g.unit.clone(),
        };
        for u in s.org.units.values() {
            let owned = u.owner_department.as_deref() == Some(root.as_str());
            if owned || s.org.is_within(&u.code, &root) {
                units.insert(u.code.clone());
            }
        }
    }
    Visibility::Units(units)
}

/// Checks a query before it runs: a period and at least one measure.
pub fn validate(q: &Query) -> Result<()> {
    let mut errs = vec![];
    if q.measures.is_empty() {
        errs.push(tiaokuai_core::FieldError::new(
            "",
            "measures",
            DataReason::OneMeasure,
        ));
    }
    if q.to_ms <= q.from_ms {
        errs.push(tiaokuai_core::FieldError::new(
            "",
            "to",
            DataReason::PeriodReversed,
        ));
    }
    if q.to_ms - q.from_ms > 6 * 366 * 86_400_000 {
        errs.push(tiaokuai_core::FieldError::new(
            "",
            "to",
            DataReason::SixYears,
        ));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid(errs))
    }
}

struct Prepared<'a> {
    look: Lookup,
    vis: Visibility,
    facts: Facts<'a>,
    rules: Rules,
}

impl Engine {
    /// The facts of a period (events reported and hops dispatched in it): the recent months
    /// from memory, caught up with the store; older ones from the database.
    pub async fn stat_facts(&self, from_ms: i64, to_ms: i64, now_ms: i64) -> Result<Facts<'_>> {
        self.fact_cache()
            .facts(self.store(), self.county(), from_ms, to_ms, now_ms)
            .await
    }

    /// Labels, the viewer's visibility and the rules, in one read of the state.
    pub async fn stat_scope(&self, who: &Principal) -> Result<(Lookup, Visibility)> {
        self.with_state(|s| (Lookup::of(s), visibility(s, who)))
            .await
    }

    /// What answering `q` for `who` needs: labels, visibility, the period's facts and rules.
    async fn prepare(&self, who: &Principal, q: &Query, now_ms: i64) -> Result<Prepared<'_>> {
        validate(q)?;
        let (look, vis) = self.stat_scope(who).await?;
        let facts = self.stat_facts(q.from_ms, q.to_ms, now_ms).await?;
        let rules = Rules {
            satisfied_below: look.satisfied_below,
            now_ms,
        };
        Ok(Prepared {
            look,
            vis,
            facts,
            rules,
        })
    }

    /// Answers a statistics question for `who`, labels in Chinese or English.
    pub async fn stats(&self, who: &Principal, q: &Query, zh: bool, now_ms: i64) -> Result<Table> {
        let Prepared {
            look,
            vis,
            facts,
            rules,
        } = self.prepare(who, q, now_ms).await?;
        let ctx = look.ctx();
        let mut t = stats::aggregate(q, &ctx, &rules, &vis, facts.events(), facts.hops());
        if !zh {
            stats::cube::relabel(&mut t, &ctx, false);
        }
        Ok(t)
    }

    /// Return chains, returns by item, recurring items and off-list dispatches in a period,
    /// over the hops `who` may see. An item returned in `recurring` events is a candidate for
    /// a list adjustment.
    pub async fn bounces(
        &self,
        who: &Principal,
        from_ms: i64,
        to_ms: i64,
        recurring: usize,
        now_ms: i64,
    ) -> Result<stats::bounce::BounceReport> {
        let (_, vis) = self.stat_scope(who).await?;
        let facts = self.stat_facts(from_ms, to_ms, now_ms).await?;
        let seen: Vec<&HopFact> = facts.hops().filter(|h| vis.hop(h)).collect();
        Ok(stats::bounce::report(&seen, recurring))
    }

    /// The events behind one cell of a measure (newest first), as far as `who` may see them.
    pub async fn stats_drill(
        &self,
        who: &Principal,
        q: &Query,
        cell: (&str, &str, Measure),
        now_ms: i64,
    ) -> Result<Vec<u64>> {
        let Prepared {
            look,
            vis,
            facts,
            rules,
        } = self.prepare(who, q, now_ms).await?;
        Ok(stats::drill(
            q,
            &look.ctx(),
            &rules,
            &vis,
            cell,
            facts.events(),
            facts.hops(),
        ))
    }
}
