//! Projection of list transitions. The adjustment read model stores the status after each
//! transition; the item rows are ranges of versions.

use crate::Result;
use sqlx::AnyConnection;
use tiaokuai_core::lists::AdjustmentStatus;
use tiaokuai_core::Transition;

async fn set_status(
    tx: &mut AnyConnection,
    county: &str,
    id: u64,
    status: AdjustmentStatus,
    seq: i64,
) -> Result<()> {
    sqlx::query("update list_adjustments set status = $1, seq = $2 where county = $3 and id = $4")
        .bind(status.as_str())
        .bind(seq)
        .bind(county)
        .bind(id as i64)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

async fn close_item(tx: &mut AnyConnection, county: &str, id: &str, until: i64) -> Result<()> {
    sqlx::query("update list_items set version_to = $1 where county = $2 and item_id = $3 and version_to is null")
        .bind(until)
        .bind(county)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

pub(crate) async fn project_list(
    tx: &mut AnyConnection,
    county: &str,
    seq: i64,
    t: &Transition,
) -> Result<()> {
    match t {
        Transition::ListVersionPublished {
            meta,
            upserts,
            removals,
        } => {
            let v = meta.version as i64;
            sqlx::query("insert into list_versions (county, version, effective_date, document_no, source, published_ms) values ($1, $2, $3, $4, $5, $6)")
                .bind(county)
                .bind(v)
                .bind(&meta.effective_date)
                .bind(&meta.document_no)
                .bind(&meta.source)
                .bind(meta.published_at_ms)
                .execute(&mut *tx)
                .await?;
            for i in upserts {
                close_item(tx, county, &i.id, v - 1).await?;
                sqlx::query(
                    "insert into list_items (county, item_id, version_from, version_to, kind, number, domain, name, primary_units, supporting_units, data) \
                     values ($1, $2, $3, null, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(county)
                .bind(&i.id)
                .bind(v)
                .bind(i.kind.as_str())
                .bind(&i.number)
                .bind(&i.domain)
                .bind(&i.name)
                .bind(i.primary.join(";"))
                .bind(i.supporting.join(";"))
                .bind(serde_json::to_string(i).unwrap_or_default())
                .execute(&mut *tx)
                .await?;
            }
            for id in removals {
                close_item(tx, county, id, v - 1).await?;
            }
            if let Some(id) = meta
                .source
                .strip_prefix("adjustment:")
                .and_then(|s| s.parse::<u64>().ok())
            {
                set_status(tx, county, id, AdjustmentStatus::Published, seq).await?;
            }
        }
        Transition::AdjustmentFiled { application: a, .. } => {
            sqlx::query(
                "insert into list_adjustments (county, id, status, applicant, unit, kind, item_id, data, seq) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(county)
            .bind(a.id as i64)
            .bind(AdjustmentStatus::AwaitingEstablishment.as_str())
            .bind(&a.applicant)
            .bind(&a.applicant_unit)
            .bind(serde_json::to_string(&a.kind).unwrap_or_default())
            .bind(&a.item_id)
            .bind(serde_json::to_string(a).unwrap_or_default())
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        }
        Transition::AdjustmentResubmitted { application: a, .. } => {
            // The stage it returns to is decided in the domain; the row records the new text and
            // an awaiting status, refined by the next review.
            sqlx::query("update list_adjustments set data = $1, status = $2, seq = $3 where county = $4 and id = $5")
                .bind(serde_json::to_string(a).unwrap_or_default())
                .bind("resubmitted")
                .bind(seq)
                .bind(county)
                .bind(a.id as i64)
                .execute(&mut *tx)
                .await?;
        }
        Transition::AdjustmentReviewed {
            id, stage, approve, ..
        } => {
            let s = AdjustmentStatus::after_review(*stage, *approve);
            set_status(tx, county, *id, s, seq).await?;
        }
        Transition::AdjustmentApproved { id, .. } => {
            set_status(tx, county, *id, AdjustmentStatus::Approved, seq).await?
        }
        _ => {}
    }
    Ok(())
}
