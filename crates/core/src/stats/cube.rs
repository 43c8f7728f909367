//! The cube: facts grouped by a row and a column dimension, with any measures, over a period
//! and filters. Aggregation is exact (durations keep every value for their quantiles).

use super::dims::{Context, Dim};
use super::facts::{is_satisfied, EventFact, HopFact};
use super::measure::{quantile, rate, Kind, Measure, Scope, Series, Value};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A statistics question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Query {
    pub rows: Dim,
    pub cols: Dim,
    pub measures: Vec<Measure>,
    /// Keep only facts whose key along the dimension is one of the values.
    #[serde(default)]
    pub filters: Vec<(Dim, Vec<String>)>,
    /// Period: facts whose period day falls in `[from_ms, to_ms)`.
    pub from_ms: i64,
    pub to_ms: i64,
}

/// How grades and deadlines are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// Grades better than this level count as satisfied (the three-level scale with 2 counts
    /// 满意 and 基本满意, as 黄岩 does; 1 counts only 满意).
    pub satisfied_below: u8,
    /// The moment "overdue" and "due to close" are judged at.
    pub now_ms: i64,
}

/// Which units a viewer may see facts of: all, or facts touching any of these units (as
/// township, reporter, sender or receiver).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Visibility {
    #[default]
    All,
    Units(BTreeSet<String>),
}

impl Visibility {
    pub fn event(&self, f: &EventFact) -> bool {
        match self {
            Visibility::All => true,
            Visibility::Units(u) => {
                f.township.as_ref().is_some_and(|t| u.contains(t))
                    || u.contains(&f.origin_unit)
                    || f.lead_unit.as_ref().is_some_and(|l| u.contains(l))
            }
        }
    }
    pub fn hop(&self, f: &HopFact) -> bool {
        match self {
            Visibility::All => true,
            Visibility::Units(u) => {
                u.contains(&f.receiver_unit)
                    || u.contains(&f.sender_unit)
                    || f.township.as_ref().is_some_and(|t| u.contains(t))
            }
        }
    }
}

/// How many of `m` one event fact holds (0 for hop measures).
pub fn event_count(m: Measure, f: &EventFact, r: &Rules) -> u64 {
    use Measure::*;
    let b = |x: bool| u64::from(x);
    match m {
        Events => 1,
        Closed => b(f.closed()),
        DueToClose => b(f.due_to_close(r.now_ms)),
        ClosedOnTime => b(f.closed_on_time()),
        SelfClosed => b(f.status == crate::events::EventStatus::SelfClosed),
        EventsReturned => b(f.returns > 0),
        EventsDisputed => b(f.disputes > 0),
        EventsReworked => b(f.reopens > 0),
        Whistled => b(f.whistles > 0),
        _ => 0,
    }
}

/// How many of `m` one hop fact holds (0 for event measures).
pub fn hop_count(m: Measure, f: &HopFact, r: &Rules) -> u64 {
    use Measure::*;
    let b = |x: bool| u64::from(x);
    match m {
        Hops => 1,
        DueToSign => b(f.due_to_sign(r.now_ms)),
        Signed => b(f.signed_ms.is_some()),
        SignedOnTime => b(f.signed_on_time()),
        Responded => b(f.responded()),
        RespondedOnTime => b(f.responded_on_time()),
        DueToReport => b(f.due_to_report(r.now_ms)),
        Reported => b(f.reported_ms.is_some()),
        ReportedOnTime => b(f.reported_on_time()),
        Overdue => b(f.overdue(r.now_ms)),
        Graded => b(f.level.is_some()),
        Satisfied => b(f.level.is_some_and(|l| is_satisfied(l, r.satisfied_below))),
        Unsatisfied => b(f.level.is_some_and(|l| !is_satisfied(l, r.satisfied_below))),
        ReturnRequested => b(f.return_requests > 0),
        Returned => b(f.returned),
        Disputed => b(f.disputed),
        Reworked => b(f.rework),
        Escalated => b(f.escalated),
        Reminders => u64::from(f.reminders),
        Supervisions => u64::from(f.supervisions),
        OffList => b(f.off_list),
        _ => 0,
    }
}

/// Measures there are (the width of a cell's counters).
const MEASURES: usize = Measure::ALL.len();

/// Running totals of one cell: a counter per measure and the duration series (arrays, since
/// every fact of a cube lands in one of these).
#[derive(Debug, Clone)]
pub struct Acc {
    counts: [u64; MEASURES],
    series: [Vec<i64>; 4],
}

impl Default for Acc {
    fn default() -> Self {
        Acc {
            counts: [0; MEASURES],
            series: Default::default(),
        }
    }
}

fn series_index(s: Series) -> usize {
    match s {
        Series::Sign => 0,
        Series::Respond => 1,
        Series::Report => 2,
        Series::Close => 3,
    }
}

/// The counts a set of measures needs (a rate needs its two counts), in `scope`.
fn needed_counts(ms: &[Measure], scope: Scope) -> Vec<Measure> {
    let mut out = BTreeSet::new();
    for m in ms {
        match m.kind() {
            Kind::Count => {
                out.insert(*m);
            }
            Kind::Rate => {
                if let Some((a, b)) = m.ratio() {
                    out.insert(a);
                    out.insert(b);
                }
            }
            Kind::Duration => {}
        }
    }
    out.into_iter().filter(|m| m.scope() == scope).collect()
}

fn needed_series(ms: &[Measure]) -> Vec<Series> {
    let mut out = vec![];
    for m in ms {
        if let Some((s, _)) = m.quantile() {
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// What one query adds per fact, worked out once.
struct Needs {
    event_counts: Vec<Measure>,
    hop_counts: Vec<Measure>,
    series: Vec<Series>,
}

impl Needs {
    fn of(ms: &[Measure]) -> Self {
        Needs {
            event_counts: needed_counts(ms, Scope::Event),
            hop_counts: needed_counts(ms, Scope::Hop),
            series: needed_series(ms),
        }
    }
}

impl Acc {
    fn add_event(&mut self, f: &EventFact, n: &Needs, r: &Rules) {
        for m in &n.event_counts {
            self.counts[*m as usize] += event_count(*m, f, r);
        }
        if n.series.contains(&Series::Close) {
            if let Some(d) = f.close_wms {
                self.series[series_index(Series::Close)].push(d);
            }
        }
    }

    fn add_hop(&mut self, f: &HopFact, n: &Needs, r: &Rules) {
        for m in &n.hop_counts {
            self.counts[*m as usize] += hop_count(*m, f, r);
        }
        for s in &n.series {
            let v = match s {
                Series::Sign => f.sign_wms,
                Series::Respond => f.respond_wms,
                Series::Report => f.report_wms,
                Series::Close => None,
            };
            if let Some(v) = v {
                self.series[series_index(*s)].push(v);
            }
        }
    }

    fn merge(&mut self, o: &Acc) {
        for (a, b) in self.counts.iter_mut().zip(o.counts.iter()) {
            *a += b;
        }
        for (a, b) in self.series.iter_mut().zip(o.series.iter()) {
            a.extend_from_slice(b);
        }
    }

    pub fn count(&self, m: Measure) -> u64 {
        self.counts[m as usize]
    }

    /// The value of `m` in this cell.
    pub fn value(&self, m: Measure) -> Value {
        match m.kind() {
            Kind::Count => Value::Count(self.count(m)),
            Kind::Rate => {
                let (a, b) = m.ratio().unwrap_or((m, m));
                Value::Rate(rate(self.count(a), self.count(b)))
            }
            Kind::Duration => {
                let Some((s, q)) = m.quantile() else {
                    return Value::Duration(None);
                };
                let mut v = self.series[series_index(s)].clone();
                Value::Duration(quantile(&mut v, q))
            }
        }
    }
}

/// A row or column heading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub key: String,
    pub label: String,
}

/// The answer: `cells[row][col][measure]`, with row, column and grand totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub rows_dim: String,
    pub cols_dim: String,
    pub measures: Vec<Measure>,
    pub rows: Vec<Heading>,
    pub cols: Vec<Heading>,
    pub cells: Vec<Vec<Vec<Value>>>,
    pub row_totals: Vec<Vec<Value>>,
    pub col_totals: Vec<Vec<Value>>,
    pub total: Vec<Value>,
}

impl Table {
    /// The value at (row key, col key) of measure index `mi`, if that cell exists.
    pub fn get(&self, row: &str, col: &str, mi: usize) -> Option<Value> {
        let r = self.rows.iter().position(|h| h.key == row)?;
        let c = self.cols.iter().position(|h| h.key == col)?;
        self.cells.get(r)?.get(c)?.get(mi).copied()
    }
}

/// Whether `f` falls in the query's period and filters (the period along the fact's own day).
fn keep_event(q: &Query, ctx: &Context, f: &EventFact) -> bool {
    (q.from_ms..q.to_ms).contains(&f.created_ms)
        && q.filters.iter().all(|(d, vals)| {
            let k = ctx.event_key(*d, f);
            vals.iter().any(|v| *v == k)
        })
}

fn keep_hop(q: &Query, ctx: &Context, f: &HopFact) -> bool {
    (q.from_ms..q.to_ms).contains(&f.dispatched_ms)
        && q.filters.iter().all(|(d, vals)| {
            let k = ctx.hop_key(*d, f);
            vals.iter().any(|v| *v == k)
        })
}

/// Answers `q` over the facts a viewer may see.
pub fn aggregate<'a>(
    q: &Query,
    ctx: &'a Context,
    rules: &Rules,
    vis: &Visibility,
    events: impl IntoIterator<Item = &'a EventFact>,
    hops: impl IntoIterator<Item = &'a HopFact>,
) -> Table {
    let needs = Needs::of(&q.measures);
    let wants_event = q.measures.iter().any(|m| m.scope() == Scope::Event);
    let wants_hop = q.measures.iter().any(|m| m.scope() == Scope::Hop);
    // Keys borrow from the facts and the context; only period keys are built.
    let mut cells: HashMap<(Cow<'a, str>, Cow<'a, str>), Acc> = HashMap::new();
    if wants_event {
        for f in events
            .into_iter()
            .filter(|f| vis.event(f) && keep_event(q, ctx, f))
        {
            let k = (ctx.event_key(q.rows, f), ctx.event_key(q.cols, f));
            cells.entry(k).or_default().add_event(f, &needs, rules);
        }
    }
    if wants_hop {
        for f in hops
            .into_iter()
            .filter(|f| vis.hop(f) && keep_hop(q, ctx, f))
        {
            let k = (ctx.hop_key(q.rows, f), ctx.hop_key(q.cols, f));
            cells.entry(k).or_default().add_hop(f, &needs, rules);
        }
    }
    let cells = cells
        .into_iter()
        .map(|((r, c), a)| ((r.into_owned(), c.into_owned()), a))
        .collect();
    table(q, ctx, cells, true)
}

fn table(q: &Query, ctx: &Context, cells: BTreeMap<(String, String), Acc>, zh: bool) -> Table {
    let row_keys: BTreeSet<&String> = cells.keys().map(|(r, _)| r).collect();
    let col_keys: BTreeSet<&String> = cells.keys().map(|(_, c)| c).collect();
    let heading = |d: Dim, k: &String| Heading {
        key: k.clone(),
        label: ctx.label(d, k, zh),
    };
    let rows: Vec<Heading> = row_keys.iter().map(|k| heading(q.rows, k)).collect();
    let cols: Vec<Heading> = col_keys.iter().map(|k| heading(q.cols, k)).collect();
    let values = |a: &Acc| q.measures.iter().map(|m| a.value(*m)).collect::<Vec<_>>();
    let empty = Acc::default();
    let mut row_acc: Vec<Acc> = vec![Acc::default(); rows.len()];
    let mut col_acc: Vec<Acc> = vec![Acc::default(); cols.len()];
    let mut all = Acc::default();
    let mut grid = vec![];
    for (ri, r) in rows.iter().enumerate() {
        let mut line = vec![];
        for (ci, c) in cols.iter().enumerate() {
            let a = cells.get(&(r.key.clone(), c.key.clone())).unwrap_or(&empty);
            if let Some(x) = row_acc.get_mut(ri) {
                x.merge(a);
            }
            if let Some(x) = col_acc.get_mut(ci) {
                x.merge(a);
            }
            all.merge(a);
            line.push(values(a));
        }
        grid.push(line);
    }
    Table {
        rows_dim: q.rows.code(),
        cols_dim: q.cols.code(),
        measures: q.measures.clone(),
        rows,
        cols,
        cells: grid,
        row_totals: row_acc.iter().map(values).collect(),
        col_totals: col_acc.iter().map(values).collect(),
        total: values(&all),
    }
}

/// Relabels a table's headings in English (tables are built with Chinese labels).
pub fn relabel(t: &mut Table, ctx: &Context, zh: bool) {
    let (Some(rd), Some(cd)) = (Dim::parse(&t.rows_dim), Dim::parse(&t.cols_dim)) else {
        return;
    };
    for h in &mut t.rows {
        h.label = ctx.label(rd, &h.key, zh);
    }
    for h in &mut t.cols {
        h.label = ctx.label(cd, &h.key, zh);
    }
}

/// The events behind one cell of `m` (drill-down): those that count towards it, or for a rate
/// or a duration every event of the cell in the measure's scope. Newest first.
pub fn drill<'a>(
    q: &Query,
    ctx: &Context,
    rules: &Rules,
    vis: &Visibility,
    (row, col, m): (&str, &str, Measure),
    events: impl IntoIterator<Item = &'a EventFact>,
    hops: impl IntoIterator<Item = &'a HopFact>,
) -> Vec<u64> {
    let mut out = BTreeSet::new();
    let count_m = match m.kind() {
        Kind::Count => Some(m),
        _ => None,
    };
    match m.scope() {
        Scope::Event => {
            for f in events
                .into_iter()
                .filter(|f| vis.event(f) && keep_event(q, ctx, f))
            {
                if ctx.event_key(q.rows, f) == row
                    && ctx.event_key(q.cols, f) == col
                    && count_m.is_none_or(|c| event_count(c, f, rules) > 0)
                {
                    out.insert(f.event_id);
                }
            }
        }
        Scope::Hop => {
            for f in hops
                .into_iter()
                .filter(|f| vis.hop(f) && keep_hop(q, ctx, f))
            {
                if ctx.hop_key(q.rows, f) == row
                    && ctx.hop_key(q.cols, f) == col
                    && count_m.is_none_or(|c| hop_count(c, f, rules) > 0)
                {
                    out.insert(f.event_id);
                }
            }
        }
    }
    out.into_iter().rev().collect()
}
