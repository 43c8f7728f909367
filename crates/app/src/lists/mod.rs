//! Responsibility lists: import as a new version, export, and the adjustment workflow.

pub mod columns;
pub mod export;
pub mod import;

use crate::engine::{Actor, Engine};
use crate::error::{AppError, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use tiaokuai_core::access::Principal;
use tiaokuai_core::error::ImportReason;
use tiaokuai_core::lists::{
    self, Action, AdjustmentKind, Application, Item, ListKind, ReviewStage, VersionMeta,
};
use tiaokuai_core::{DomainError, FieldError, Transition};

#[derive(Debug, Clone, Serialize, Default)]
pub struct ListImportSummary {
    pub per_kind: BTreeMap<String, usize>,
    pub added_or_changed: usize,
    pub removed: usize,
    /// The version created (None on a dry run or when nothing changed).
    pub version: Option<u32>,
    pub document_no: String,
    pub effective_date: String,
}

/// Options of an import: what the title rows do not say.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub kind: Option<ListKind>,
    pub document_no: Option<String>,
    pub effective_date: Option<String>,
    pub dry_run: bool,
}

/// Today's date in China (`YYYY-MM-DD`).
pub fn today_cst(now_ms: i64) -> String {
    crate::cst::date_of(now_ms)
}

impl Engine {
    /// Imports list files as a new version of the kinds they contain. Items of those kinds that
    /// the files no longer contain are removed in the new version.
    pub async fn import_lists(
        &self,
        actor: &Actor,
        now_ms: i64,
        paths: &[&Path],
        opts: &ImportOptions,
    ) -> Result<ListImportSummary> {
        let mut sheets = Vec::new();
        let mut errors = Vec::new();
        for p in paths {
            match crate::org_io::read_raw(p) {
                Ok(s) => sheets.extend(s),
                Err(e) => errors.extend(e),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors));
        }
        let (transition, summary) = self
            .with_state(|s| -> std::result::Result<_, Vec<FieldError>> {
                let parsed = import::parse_lists(s, &sheets, opts.kind)?;
                let latest = s.lists.latest();
                let kinds: std::collections::BTreeSet<ListKind> =
                    parsed.items.iter().map(|i| i.kind).collect();
                let upserts: Vec<Item> = parsed
                    .items
                    .iter()
                    .filter(|i| s.lists.item_at(&i.id, latest) != Some(*i))
                    .cloned()
                    .collect();
                let ids: std::collections::BTreeSet<&str> =
                    parsed.items.iter().map(|i| i.id.as_str()).collect();
                let removals: Vec<String> = s
                    .lists
                    .items_at(latest)
                    .filter(|i| kinds.contains(&i.kind) && !ids.contains(i.id.as_str()))
                    .map(|i| i.id.clone())
                    .collect();
                let document_no = opts
                    .document_no
                    .clone()
                    .or(parsed.document_no)
                    .unwrap_or_default();
                let effective_date = opts
                    .effective_date
                    .clone()
                    .or(parsed.effective_date)
                    .unwrap_or_else(|| today_cst(now_ms));
                let summary = ListImportSummary {
                    per_kind: import::count_by_kind(&parsed.items)
                        .into_iter()
                        .map(|(k, n)| (k.as_str().to_string(), n))
                        .collect(),
                    added_or_changed: upserts.len(),
                    removed: removals.len(),
                    version: None,
                    document_no: document_no.clone(),
                    effective_date: effective_date.clone(),
                };
                if upserts.is_empty() && removals.is_empty() {
                    return Ok((None, summary));
                }
                let source = format!(
                    "import:{}",
                    paths
                        .iter()
                        .filter_map(|p| p.file_name())
                        .map(|n| n.to_string_lossy())
                        .collect::<Vec<_>>()
                        .join(",")
                );
                let meta = VersionMeta {
                    version: latest + 1,
                    effective_date,
                    document_no,
                    source,
                    published_at_ms: now_ms,
                    upserts: upserts.len(),
                    removals: removals.len(),
                };
                Ok((
                    Some(Transition::ListVersionPublished {
                        meta,
                        upserts,
                        removals,
                    }),
                    summary,
                ))
            })
            .await?
            .map_err(AppError::invalid)?;
        let mut summary = summary;
        if let (Some(t), false) = (transition, opts.dry_run) {
            if let Transition::ListVersionPublished { meta, .. } = &t {
                summary.version = Some(meta.version);
            }
            self.submit(actor, now_ms, vec![t]).await?;
        }
        Ok(summary)
    }

    /// Files a list adjustment application. Returns its id.
    #[allow(clippy::too_many_arguments)]
    pub async fn file_adjustment(
        &self,
        p: &Principal,
        now_ms: i64,
        kind: AdjustmentKind,
        item_id: &str,
        proposed: Option<Item>,
        reason: &str,
        basis: &str,
        opinions: &str,
    ) -> Result<u64> {
        self.with_state(|s| lists::adjustment::authorize(p, &s.org, Action::File, None))
            .await??;
        let (id, base_version) = self
            .with_state(|s| {
                (
                    s.adjustments.keys().next_back().map(|k| k + 1).unwrap_or(1),
                    s.lists.latest(),
                )
            })
            .await?;
        let application = Application {
            id,
            applicant: p.username.clone(),
            applicant_unit: p.unit.clone(),
            kind,
            item_id: item_id.to_string(),
            base_version,
            proposed,
            reason: reason.trim().to_string(),
            basis: basis.trim().to_string(),
            opinions: opinions.trim().to_string(),
        };
        self.submit(
            &actor_of(p),
            now_ms,
            vec![Transition::AdjustmentFiled {
                application,
                at_ms: now_ms,
            }],
        )
        .await?;
        Ok(id)
    }

    /// The adjustment, if `p` may take `action` on it.
    async fn authorized(
        &self,
        p: &Principal,
        id: u64,
        action: Action,
    ) -> Result<lists::Adjustment> {
        let adj = self.adjustment(id).await?;
        self.with_state(|s| lists::adjustment::authorize(p, &s.org, action, Some(&adj)))
            .await??;
        Ok(adj)
    }

    async fn adjustment(&self, id: u64) -> Result<lists::Adjustment> {
        self.with_state(|s| s.adjustments.get(&id).cloned())
            .await?
            .ok_or_else(|| {
                AppError::Domain(DomainError::NotFound {
                    kind: "application",
                    id: id.to_string(),
                })
            })
    }

    pub async fn review_adjustment(
        &self,
        p: &Principal,
        now_ms: i64,
        id: u64,
        stage: ReviewStage,
        approve: bool,
        comment: &str,
    ) -> Result<()> {
        self.authorized(p, id, Action::Review(stage)).await?;
        let t = Transition::AdjustmentReviewed {
            id,
            stage,
            approve,
            reviewer: p.username.clone(),
            comment: comment.trim().to_string(),
            at_ms: now_ms,
        };
        self.submit(&actor_of(p), now_ms, vec![t]).await?;
        Ok(())
    }

    pub async fn resubmit_adjustment(
        &self,
        p: &Principal,
        now_ms: i64,
        mut application: Application,
    ) -> Result<()> {
        let adj = self.authorized(p, application.id, Action::Resubmit).await?;
        application.applicant = adj.app.applicant.clone();
        application.applicant_unit = adj.app.applicant_unit.clone();
        self.submit(
            &actor_of(p),
            now_ms,
            vec![Transition::AdjustmentResubmitted {
                application,
                at_ms: now_ms,
            }],
        )
        .await?;
        Ok(())
    }

    pub async fn approve_adjustment(
        &self,
        p: &Principal,
        now_ms: i64,
        id: u64,
        document_no: &str,
        effective_date: &str,
    ) -> Result<()> {
        self.authorized(p, id, Action::Approve).await?;
        let t = Transition::AdjustmentApproved {
            id,
            approver: p.username.clone(),
            document_no: document_no.trim().to_string(),
            effective_date: effective_date.trim().to_string(),
            at_ms: now_ms,
        };
        self.submit(&actor_of(p), now_ms, vec![t]).await?;
        Ok(())
    }

    /// Publishes an approved adjustment as a new version. Returns the version number.
    pub async fn publish_adjustment(&self, p: &Principal, now_ms: i64, id: u64) -> Result<u32> {
        let adj = self.authorized(p, id, Action::Publish).await?;
        let version = self.with_state(|s| s.lists.latest() + 1).await?;
        let (upserts, removals) = match (adj.app.kind, adj.app.proposed.clone()) {
            (AdjustmentKind::Cancel, _) => (vec![], vec![adj.app.item_id.clone()]),
            (_, Some(item)) => (vec![item], vec![]),
            (_, None) => {
                return Err(DomainError::invalid("proposed", ImportReason::NoProposedItem).into())
            }
        };
        let meta = VersionMeta {
            version,
            effective_date: adj.effective_date.clone(),
            document_no: adj.document_no.clone(),
            source: format!("adjustment:{id}"),
            published_at_ms: now_ms,
            upserts: upserts.len(),
            removals: removals.len(),
        };
        self.submit(
            &actor_of(p),
            now_ms,
            vec![Transition::ListVersionPublished {
                meta,
                upserts,
                removals,
            }],
        )
        .await?;
        Ok(version)
    }
}

pub fn actor_of(p: &Principal) -> Actor {
    let g = p.grants.first();
    Actor {
        username: p.username.clone(),
        role: g.map(|g| g.role.as_str().to_string()).unwrap_or_default(),
        unit: g.map(|g| g.unit.clone()).unwrap_or_else(|| p.unit.clone()),
    }
}
