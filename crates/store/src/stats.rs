//! The statistical facts read model: written with the event rows of every batch (and by
//! `rebuild`), read by period for the cube and the assessment.

use crate::project_events::{upsert_sql, Q};
use crate::{Backend, Result, Store, StoreError};
use sqlx::{AnyConnection, Row};
use tiaokuai_core::events::{AssignmentRole, AssignmentStatus, Channel, EventStatus, Urgency};
use tiaokuai_core::stats::{EventFact, HopFact};

const EVENT_COLS: &[&str] = &[
    "county",
    "event_id",
    "created_ms",
    "category",
    "channel",
    "urgency",
    "origin_unit",
    "township",
    "village",
    "grid",
    "item_id",
    "lead_unit",
    "status",
    "due_ms",
    "closed_ms",
    "close_wms",
    "returns",
    "reopens",
    "disputes",
    "whistles",
    "escalated",
    "level",
];

const HOP_COLS: &[&str] = &[
    "county",
    "event_id",
    "n",
    "role",
    "sender_unit",
    "receiver_unit",
    "status",
    "dispatched_ms",
    "category",
    "channel",
    "urgency",
    "township",
    "item_id",
    "off_list",
    "signed_ms",
    "sign_due",
    "responded_ms",
    "respond_due",
    "reported_ms",
    "complete_due",
    "sign_wms",
    "respond_wms",
    "report_wms",
    "level",
    "return_requests",
    "returned",
    "disputed",
    "rework",
    "reminders",
    "supervisions",
    "escalated",
];

const CHUNK_ROWS: usize = 128;

fn bind_event<'q>(q: Q<'q>, county: &str, f: &EventFact) -> Q<'q> {
    q.bind(county.to_string())
        .bind(f.event_id as i64)
        .bind(f.created_ms)
        .bind(f.category.clone())
        .bind(f.channel.as_str())
        .bind(f.urgency.as_str())
        .bind(f.origin_unit.clone())
        .bind(f.township.clone())
        .bind(f.village.clone())
        .bind(f.grid.clone())
        .bind(f.item_id.clone())
        .bind(f.lead_unit.clone())
        .bind(f.status.as_str())
        .bind(f.due_ms)
        .bind(f.closed_ms)
        .bind(f.close_wms)
        .bind(f.returns as i64)
        .bind(f.reopens as i64)
        .bind(f.disputes as i64)
        .bind(f.whistles as i64)
        .bind(f.escalated as i64)
        .bind(f.level.map(i64::from))
}

fn bind_hop<'q>(q: Q<'q>, county: &str, f: &HopFact) -> Q<'q> {
    q.bind(county.to_string())
        .bind(f.event_id as i64)
        .bind(f.n as i64)
        .bind(f.role.as_str())
        .bind(f.sender_unit.clone())
        .bind(f.receiver_unit.clone())
        .bind(f.status.as_str())
        .bind(f.dispatched_ms)
        .bind(f.category.clone())
        .bind(f.channel.as_str())
        .bind(f.urgency.as_str())
        .bind(f.township.clone())
        .bind(f.item_id.clone())
        .bind(f.off_list as i64)
        .bind(f.signed_ms)
        .bind(f.sign_due)
        .bind(f.responded_ms)
        .bind(f.respond_due)
        .bind(f.reported_ms)
        .bind(f.complete_due)
        .bind(f.sign_wms)
        .bind(f.respond_wms)
        .bind(f.report_wms)
        .bind(f.level.map(i64::from))
        .bind(f.return_requests as i64)
        .bind(f.returned as i64)
        .bind(f.disputed as i64)
        .bind(f.rework as i64)
        .bind(f.reminders as i64)
        .bind(f.supervisions as i64)
        .bind(f.escalated as i64)
}

/// Upserts the facts of the touched events.
pub(crate) async fn project_stats(
    tx: &mut AnyConnection,
    b: Backend,
    county: &str,
    events: &[EventFact],
    hops: &[HopFact],
) -> Result<()> {
    for chunk in crate::pow2_chunks(events, CHUNK_ROWS) {
        let sql = upsert_sql(b, "stat_events", EVENT_COLS, 2, chunk.len());
        let mut q = sqlx::query(sqlx::AssertSqlSafe(&*sql));
        for f in chunk {
            q = bind_event(q, county, f);
        }
        q.execute(&mut *tx).await?;
    }
    for chunk in crate::pow2_chunks(hops, CHUNK_ROWS) {
        let sql = upsert_sql(b, "stat_hops", HOP_COLS, 3, chunk.len());
        let mut q = sqlx::query(sqlx::AssertSqlSafe(&*sql));
        for f in chunk {
            q = bind_hop(q, county, f);
        }
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("stat {what} '{v}'"))
}

fn u32_of(r: &sqlx::any::AnyRow, c: &str) -> Result<u32> {
    Ok(r.try_get::<i64, _>(c)?.clamp(0, u32::MAX as i64) as u32)
}

fn level_of(r: &sqlx::any::AnyRow) -> Result<Option<u8>> {
    Ok(r.try_get::<Option<i64>, _>("level")?
        .map(|l| l.clamp(0, 255) as u8))
}

fn row_to_event(r: &sqlx::any::AnyRow) -> Result<EventFact> {
    let channel: String = r.try_get("channel")?;
    let urgency: String = r.try_get("urgency")?;
    let status: String = r.try_get("status")?;
    Ok(EventFact {
        event_id: r.try_get::<i64, _>("event_id")? as u64,
        created_ms: r.try_get("created_ms")?,
        category: r.try_get("category")?,
        channel: Channel::parse(&channel).ok_or_else(|| corrupt("channel", &channel))?,
        urgency: Urgency::parse(&urgency).ok_or_else(|| corrupt("urgency", &urgency))?,
        origin_unit: r.try_get("origin_unit")?,
        township: r.try_get("township")?,
        village: r.try_get("village")?,
        grid: r.try_get("grid")?,
        item_id: r.try_get("item_id")?,
        lead_unit: r.try_get("lead_unit")?,
        status: EventStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        due_ms: r.try_get("due_ms")?,
        closed_ms: r.try_get("closed_ms")?,
        close_wms: r.try_get("close_wms")?,
        returns: u32_of(r, "returns")?,
        reopens: u32_of(r, "reopens")?,
        disputes: u32_of(r, "disputes")?,
        whistles: u32_of(r, "whistles")?,
        escalated: r.try_get::<i64, _>("escalated")? != 0,
        level: level_of(r)?,
    })
}

fn row_to_hop(r: &sqlx::any::AnyRow) -> Result<HopFact> {
    let role: String = r.try_get("role")?;
    let status: String = r.try_get("status")?;
    let channel: String = r.try_get("channel")?;
    let urgency: String = r.try_get("urgency")?;
    let flag = |c: &str| -> Result<bool> { Ok(r.try_get::<i64, _>(c)? != 0) };
    Ok(HopFact {
        event_id: r.try_get::<i64, _>("event_id")? as u64,
        n: u32_of(r, "n")?,
        role: AssignmentRole::parse(&role).ok_or_else(|| corrupt("role", &role))?,
        sender_unit: r.try_get("sender_unit")?,
        receiver_unit: r.try_get("receiver_unit")?,
        status: AssignmentStatus::parse(&status).ok_or_else(|| corrupt("hop status", &status))?,
        dispatched_ms: r.try_get("dispatched_ms")?,
        category: r.try_get("category")?,
        channel: Channel::parse(&channel).ok_or_else(|| corrupt("channel", &channel))?,
        urgency: Urgency::parse(&urgency).ok_or_else(|| corrupt("urgency", &urgency))?,
        township: r.try_get("township")?,
        item_id: r.try_get("item_id")?,
        off_list: flag("off_list")?,
        signed_ms: r.try_get("signed_ms")?,
        sign_due: r.try_get("sign_due")?,
        responded_ms: r.try_get("responded_ms")?,
        respond_due: r.try_get("respond_due")?,
        reported_ms: r.try_get("reported_ms")?,
        complete_due: r.try_get("complete_due")?,
        sign_wms: r.try_get("sign_wms")?,
        respond_wms: r.try_get("respond_wms")?,
        report_wms: r.try_get("report_wms")?,
        level: level_of(r)?,
        return_requests: u32_of(r, "return_requests")?,
        returned: flag("returned")?,
        disputed: flag("disputed")?,
        rework: flag("rework")?,
        reminders: u32_of(r, "reminders")?,
        supervisions: u32_of(r, "supervisions")?,
        escalated: flag("escalated")?,
    })
}

impl Store {
    /// The facts of events reported, and hops dispatched, in `[from_ms, to_ms)`.
    pub async fn stat_facts(
        &self,
        county: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<(Vec<EventFact>, Vec<HopFact>)> {
        let ev = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {} from stat_events where county = $1 and created_ms >= $2 and created_ms < $3",
            EVENT_COLS.join(", ")
        )))
        .bind(county)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(&self.pool)
        .await?;
        let hp = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {} from stat_hops where county = $1 and dispatched_ms >= $2 and dispatched_ms < $3",
            HOP_COLS.join(", ")
        )))
        .bind(county)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(&self.pool)
        .await?;
        let events = ev.iter().map(row_to_event).collect::<Result<Vec<_>>>()?;
        let hops = hp.iter().map(row_to_hop).collect::<Result<Vec<_>>>()?;
        Ok((events, hops))
    }

    /// The facts of every event changed at or after log position `seq` (all their hops).
    pub async fn stat_facts_changed_since(
        &self,
        county: &str,
        seq: u64,
    ) -> Result<(Vec<EventFact>, Vec<HopFact>)> {
        let changed = "select id from events where county = $1 and seq >= $2";
        let ev = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {} from stat_events where county = $1 and event_id in ({changed})",
            EVENT_COLS.join(", ")
        )))
        .bind(county)
        .bind(seq as i64)
        .fetch_all(&self.pool)
        .await?;
        let hp = sqlx::query(sqlx::AssertSqlSafe(format!(
            "select {} from stat_hops where county = $1 and event_id in ({changed})",
            HOP_COLS.join(", ")
        )))
        .bind(county)
        .bind(seq as i64)
        .fetch_all(&self.pool)
        .await?;
        let events = ev.iter().map(row_to_event).collect::<Result<Vec<_>>>()?;
        let hops = hp.iter().map(row_to_hop).collect::<Result<Vec<_>>>()?;
        Ok((events, hops))
    }

    /// The first and last report times with facts (for the period pickers).
    pub async fn stat_span(&self, county: &str) -> Result<Option<(i64, i64)>> {
        let r = sqlx::query(
            "select min(created_ms) as lo, max(created_ms) as hi from stat_events where county = $1",
        )
        .bind(county)
        .fetch_one(&self.pool)
        .await?;
        let lo: Option<i64> = r.try_get("lo")?;
        let hi: Option<i64> = r.try_get("hi")?;
        Ok(lo.zip(hi))
    }
}
