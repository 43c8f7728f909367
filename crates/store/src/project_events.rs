//! Projection of the event workflow into SQL read models. Unlike the org and list projections
//! (one statement per transition), events are write-combined: after a batch is folded, each
//! touched event's rows are upserted once, with multi-row statements. Live appends and
//! `rebuild` both write the rows of the folded state, so they cannot drift apart.

use crate::{Backend, Result};
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, AnyConnection};
use tiaokuai_core::calendar::SpecialDay;
use tiaokuai_core::events::{AccountabilityCase, Assignment, Event, PublicFeedback};
use tiaokuai_core::stats::{EventFact, HopFact};
use tiaokuai_core::{CountyState, Transition};

const EVENT_COLS: &[&str] = &[
    "county",
    "id",
    "no",
    "status",
    "channel",
    "urgency",
    "grade",
    "request_type",
    "title",
    "category",
    "item_id",
    "item_version",
    "caller_unit",
    "origin_unit",
    "township",
    "village",
    "grid",
    "lon",
    "lat",
    "reporter",
    "created_ms",
    "called_ms",
    "closed_ms",
    "returns",
    "reopens",
    "seq",
];

const HOP_COLS: &[&str] = &[
    "county",
    "event_id",
    "n",
    "parent",
    "role",
    "sender_unit",
    "receiver_unit",
    "status",
    "item_id",
    "item_version",
    "override_reason",
    "dispatched_by",
    "dispatched_ms",
    "signed_ms",
    "responded_ms",
    "arrived_ms",
    "reported_ms",
    "sign_due",
    "return_due",
    "respond_due",
    "arrive_due",
    "complete_due",
    "returns",
    "extensions",
    "level",
    "level_label",
    "passed",
    "evaluated_by",
    "evaluated_ms",
    "rework",
    "reminders",
    "supervisions",
    "escalated",
    "seq",
];

const CASE_COLS: &[&str] = &[
    "county",
    "event_id",
    "n",
    "unit",
    "opened_ms",
    "reason",
    "outcome",
    "concluded_by",
    "concluded_ms",
];

const FEEDBACK_COLS: &[&str] = &[
    "county", "event_id", "level", "label", "comment", "by_user", "at_ms",
];

/// A bind placeholder. SQLite gets anonymous `?`: with numbered ones, sqlx asks SQLite for
/// each parameter's name, a linear scan, which made large multi-row statements quadratic.
pub(crate) fn placeholder(b: Backend, n: usize) -> String {
    match b {
        Backend::Sqlite => "?".to_string(),
        Backend::Postgres => format!("${n}"),
    }
}

/// `insert into T (cols) values (...),(...) on conflict (keys) do update set c = excluded.c`.
pub(crate) fn upsert_sql(
    b: Backend,
    table: &str,
    cols: &[&str],
    keys: usize,
    rows: usize,
) -> String {
    let mut sql = format!("insert into {table} ({}) values ", cols.join(", "));
    let mut p = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..cols.len() {
            if c > 0 {
                sql.push(',');
            }
            p += 1;
            sql.push_str(&placeholder(b, p));
        }
        sql.push(')');
    }
    let key_cols = cols.get(..keys).unwrap_or(cols).join(", ");
    let sets: Vec<String> = cols
        .iter()
        .skip(keys)
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    sql.push_str(&format!(
        " on conflict ({key_cols}) do update set {}",
        sets.join(", ")
    ));
    sql
}

pub(crate) type Q<'q> = Query<'q, Any, AnyArguments>;

fn bind_event<'q>(q: Q<'q>, county: &str, e: &Event) -> Q<'q> {
    let l = &e.facts.location;
    q.bind(county.to_string())
        .bind(e.id as i64)
        .bind(e.no.clone())
        .bind(e.status.as_str())
        .bind(e.facts.channel.as_str())
        .bind(e.facts.urgency.as_str())
        .bind(e.facts.grade.as_str())
        .bind(e.facts.request_type.map(|r| r.as_str()))
        .bind(e.facts.title.clone())
        .bind(e.facts.category.clone())
        .bind(e.item.as_ref().map(|i| i.id.clone()))
        .bind(e.item.as_ref().map(|i| i.version as i64))
        .bind(e.caller_unit.clone())
        .bind(e.origin_unit.clone())
        .bind(l.township.clone())
        .bind(l.village.clone())
        .bind(l.grid.clone())
        .bind(l.lon)
        .bind(l.lat)
        .bind(e.reporter.clone())
        .bind(e.created_ms)
        .bind(e.called_ms)
        .bind(e.closed_ms)
        .bind(e.returns as i64)
        .bind(e.reopens as i64)
        .bind(e.seq as i64)
}

fn bind_hop<'q>(q: Q<'q>, county: &str, e: &Event, a: &Assignment) -> Q<'q> {
    let ev = a.evaluation.as_ref();
    q.bind(county.to_string())
        .bind(e.id as i64)
        .bind(a.n as i64)
        .bind(a.parent.map(|p| p as i64))
        .bind(a.role.as_str())
        .bind(a.sender_unit.clone())
        .bind(a.receiver_unit.clone())
        .bind(a.status.as_str())
        .bind(a.item.as_ref().map(|i| i.id.clone()))
        .bind(a.item.as_ref().map(|i| i.version as i64))
        .bind(a.override_reason.clone())
        .bind(a.dispatched_by.clone())
        .bind(a.dispatched_ms)
        .bind(a.signed_ms)
        .bind(a.responded_ms)
        .bind(a.arrived_ms)
        .bind(a.reported_ms)
        .bind(a.deadlines.sign)
        .bind(a.deadlines.return_window)
        .bind(a.deadlines.respond)
        .bind(a.deadlines.arrive)
        .bind(a.deadlines.complete)
        .bind(a.returns.len() as i64)
        .bind(a.extensions.len() as i64)
        .bind(ev.map(|v| v.level as i64))
        .bind(ev.map(|v| v.label.clone()))
        .bind(ev.map(|v| v.passed as i64))
        .bind(ev.map(|v| v.by.clone()))
        .bind(ev.map(|v| v.at_ms))
        .bind(a.rework as i64)
        .bind(a.reminders as i64)
        .bind(a.supervisions as i64)
        .bind(a.escalated as i64)
        .bind(a.seq as i64)
}

const CHUNK_ROWS: usize = 200;

/// Owned copies of the rows a batch changes, taken from the folded state so the writer can
/// release the state before it talks to the database.
#[derive(Debug, Default, Clone)]
pub struct EventRows {
    pub events: Vec<Event>,
    pub cases: Vec<AccountabilityCase>,
    pub feedback: Vec<(u64, PublicFeedback)>,
    /// The calendar's special days, when the batch changed them.
    pub calendar: Option<Vec<SpecialDay>>,
    /// The statistical facts of the events, durations in the calendar's working time.
    pub event_facts: Vec<EventFact>,
    pub hop_facts: Vec<HopFact>,
}

impl EventRows {
    /// The rows of the events `batch` touched, as they stand in `state`.
    pub fn collect(state: &CountyState, batch: &[(u64, &Transition)]) -> EventRows {
        let (ids, calendar) = touched(batch);
        Self::of(state, &ids, calendar)
    }

    /// Every event's rows (for a rebuild).
    pub fn all(state: &CountyState) -> EventRows {
        let ids: Vec<u64> = state.events.events.keys().copied().collect();
        Self::of(state, &ids, true)
    }

    fn of(state: &CountyState, ids: &[u64], calendar: bool) -> EventRows {
        let book = &state.events;
        let events: Vec<Event> = ids
            .iter()
            .filter_map(|id| book.event(*id).cloned())
            .collect();
        let cases = ids
            .iter()
            .flat_map(|id| {
                book.cases
                    .range((*id, 0)..=(*id, u32::MAX))
                    .map(|(_, c)| c.clone())
            })
            .collect();
        let feedback = ids
            .iter()
            .filter_map(|id| book.feedback.get(id).map(|f| (*id, f.clone())))
            .collect();
        let mut event_facts = Vec::with_capacity(events.len());
        let mut hop_facts = Vec::new();
        for e in &events {
            let (f, hops) = tiaokuai_core::stats::of_event(e, &book.calendar);
            event_facts.push(f);
            hop_facts.extend(hops);
        }
        EventRows {
            events,
            cases,
            feedback,
            calendar: calendar.then(|| book.calendar.days().cloned().collect()),
            event_facts,
            hop_facts,
        }
    }
}

/// Upserts the rows (events, their hops, cases and 回访 ratings; the calendar if present).
pub(crate) async fn project_events(
    tx: &mut AnyConnection,
    b: Backend,
    county: &str,
    rows: &EventRows,
) -> Result<()> {
    for chunk in crate::pow2_chunks(&rows.events, CHUNK_ROWS) {
        let sql = upsert_sql(b, "events", EVENT_COLS, 2, chunk.len());
        let mut q = sqlx::query(sqlx::AssertSqlSafe(&*sql));
        for e in chunk {
            q = bind_event(q, county, e);
        }
        q.execute(&mut *tx).await?;
    }
    let hops: Vec<(&Event, &Assignment)> = rows
        .events
        .iter()
        .flat_map(|e| e.assignments.iter().map(move |a| (e, a)))
        .collect();
    for chunk in crate::pow2_chunks(&hops, CHUNK_ROWS) {
        let sql = upsert_sql(b, "assignments", HOP_COLS, 3, chunk.len());
        let mut q = sqlx::query(sqlx::AssertSqlSafe(&*sql));
        for (e, a) in chunk {
            q = bind_hop(q, county, e, a);
        }
        q.execute(&mut *tx).await?;
    }
    for chunk in crate::pow2_chunks(&rows.cases, CHUNK_ROWS) {
        let sql = upsert_sql(b, "accountability_cases", CASE_COLS, 3, chunk.len());
        let mut q = sqlx::query(sqlx::AssertSqlSafe(&*sql));
        for c in chunk {
            q = q
                .bind(county.to_string())
                .bind(c.event as i64)
                .bind(c.assignment as i64)
                .bind(c.unit.clone())
                .bind(c.opened_ms)
                .bind(c.reason.clone())
                .bind(c.outcome.clone())
                .bind(c.concluded_by.clone())
                .bind(c.concluded_ms);
        }
        q.execute(&mut *tx).await?;
    }
    for chunk in crate::pow2_chunks(&rows.feedback, CHUNK_ROWS) {
        let sql = upsert_sql(b, "public_feedback", FEEDBACK_COLS, 2, chunk.len());
        let mut q = sqlx::query(sqlx::AssertSqlSafe(&*sql));
        for (id, f) in chunk {
            q = q
                .bind(county.to_string())
                .bind(*id as i64)
                .bind(f.level as i64)
                .bind(f.label.clone())
                .bind(f.comment.clone())
                .bind(f.by.clone())
                .bind(f.at_ms);
        }
        q.execute(&mut *tx).await?;
    }
    if let Some(days) = &rows.calendar {
        project_calendar(tx, b, county, days).await?;
    }
    crate::stats::project_stats(tx, b, county, &rows.event_facts, &rows.hop_facts).await?;
    Ok(())
}

/// Rewrites the calendar's special days.
async fn project_calendar(
    tx: &mut AnyConnection,
    b: Backend,
    county: &str,
    days: &[SpecialDay],
) -> Result<()> {
    sqlx::query("delete from calendar_days where county = $1")
        .bind(county)
        .execute(&mut *tx)
        .await?;
    for chunk in crate::pow2_chunks(days, CHUNK_ROWS) {
        let mut sql = String::from("insert into calendar_days (county, day, kind, name) values ");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            let n = i * 4;
            sql.push_str(&format!(
                "({},{},{},{})",
                placeholder(b, n + 1),
                placeholder(b, n + 2),
                placeholder(b, n + 3),
                placeholder(b, n + 4)
            ));
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(&*sql));
        for d in chunk {
            q = q
                .bind(county.to_string())
                .bind(d.date.format("%Y-%m-%d").to_string())
                .bind(d.kind.as_str())
                .bind(d.name.clone());
        }
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

/// The events a batch of transitions touched, and whether it changed the calendar.
fn touched(batch: &[(u64, &Transition)]) -> (Vec<u64>, bool) {
    let mut ids = Vec::new();
    let mut calendar = false;
    for (seq, t) in batch {
        match t {
            Transition::Event { cmd, .. } => ids.push(cmd.event_id().unwrap_or(*seq)),
            Transition::CalendarSet { .. } => calendar = true,
            _ => {}
        }
    }
    ids.sort_unstable();
    ids.dedup();
    (ids, calendar)
}
