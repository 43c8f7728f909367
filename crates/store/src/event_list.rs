//! The event list from the `events` and `assignments` read models: the events a principal may
//! read (their grants' [`GrantScope`]s, translated from the one in-memory rule), filtered,
//! newest first, a page at a time by keyset (`id < before_id`, or back: `id > after_id`),
//! with a total capped at
//! [`COUNT_CAP`] so that no request counts millions of rows.
//!
//! The predicate is a conjunction of disjunctions ("groups"). One group drives the query: each
//! of its terms becomes a branch `term AND every other group`, ordered by id and limited, and
//! the page is the newest ids of the union of the branches. So every branch can walk one
//! index (`events (county, caller_unit, id)`, `assignments (county, receiver_unit,
//! event_id)`, ...) in id order instead of the county's whole event range.

use crate::{Backend, Result, Store};
use sqlx::Row;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::scope::{units_within, GrantScope};
use tiaokuai_core::events::who::effective_unit;
use tiaokuai_core::events::EventStatus;
use tiaokuai_core::state::OrgState;

/// Totals above this are reported as "more than".
pub const COUNT_CAP: u64 = 1_000;

/// The events concerning a unit: it called them, they are located in it, they come from a
/// unit within it, or a unit within it received a hop of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitConcern {
    pub unit: String,
    /// `unit` and every unit within it (`scope::units_within`).
    pub units_within: Vec<String>,
}

impl UnitConcern {
    pub fn of(org: &OrgState, unit: &str) -> UnitConcern {
        UnitConcern {
            unit: unit.to_string(),
            units_within: units_within(org, unit),
        }
    }
}

/// The events a person takes part in: they reported one or dispatched a hop of it, or a unit
/// they act for (a grant's effective unit) called it, sent a hop of it, or a unit within it
/// received one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Involvement {
    pub username: String,
    /// The effective units of the person's grants.
    pub units: Vec<String>,
    /// Those units and every unit within them.
    pub receivers: Vec<String>,
}

impl Involvement {
    pub fn of(org: &OrgState, p: &Principal) -> Involvement {
        let mut units: Vec<String> = p
            .grants
            .iter()
            .map(|g| effective_unit(org, g.role, &g.unit))
            .collect();
        units.sort();
        units.dedup();
        let mut receivers: Vec<String> = units.iter().flat_map(|u| units_within(org, u)).collect();
        receivers.sort();
        receivers.dedup();
        Involvement {
            username: p.username.clone(),
            units,
            receivers,
        }
    }
}

/// What to list. Every filter set narrows the list; `scopes` empty lists nothing.
#[derive(Debug, Clone, Default)]
pub struct EventListQuery {
    /// The reader's scopes (`scope::read_scope`).
    pub scopes: Vec<GrantScope>,
    /// Any of these statuses (none: every status).
    pub statuses: Vec<EventStatus>,
    /// Called by this township or located in it.
    pub township: Option<String>,
    /// Reported by this person.
    pub reporter: Option<String>,
    pub involving: Option<Involvement>,
    pub concerning: Option<UnitConcern>,
    /// The title or the number contains this text.
    pub text: Option<String>,
    /// Only these ids (e.g. the events overdue now, known in memory).
    pub ids: Option<Vec<u64>>,
    /// Keyset: only ids below this one.
    pub before_id: Option<u64>,
    /// Keyset backwards (the page before): the `limit` ids just above this one, newest first.
    /// When fewer are left, the first page. Ignored when `before_id` is set.
    pub after_id: Option<u64>,
    pub limit: usize,
}

/// One page of ids, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EventPage {
    pub ids: Vec<u64>,
    /// The `before_id` of the next (older) page, when there is one.
    pub next_before: Option<u64>,
    /// The `after_id` of the previous (newer) page, when this is not the first page.
    pub prev_after: Option<u64>,
    /// Matches in all (not only this page), at most [`COUNT_CAP`].
    pub count: u64,
    /// More than [`COUNT_CAP`] match.
    pub count_capped: bool,
}

/// One condition on an event row `e`.
#[derive(Debug, Clone)]
enum Term {
    /// `e.col = v`
    Eq(&'static str, String),
    /// `e.col in (...)`
    In(&'static str, Vec<String>),
    /// A hop of the event has `a.col` in the values.
    Hop(&'static str, Vec<String>),
    /// `e.id in (...)`
    Ids(Vec<u64>),
    /// The title or the number contains the text.
    Text(String),
}

/// A bind value of [`list_sql`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListArg {
    Str(String),
    Int(i64),
}

/// Where a page starts: below an id (newest first), or just above one (oldest first).
#[derive(Debug, Clone, Copy)]
enum Keyset {
    Before(Option<u64>),
    After(u64),
}

impl Keyset {
    fn cond(self) -> Option<(&'static str, u64)> {
        match self {
            Keyset::Before(b) => b.map(|b| ("<", b)),
            Keyset::After(a) => Some((">", a)),
        }
    }
    fn order(self) -> &'static str {
        match self {
            Keyset::Before(_) => "desc",
            Keyset::After(_) => "asc",
        }
    }
}

/// Bind values, in the order of their placeholders.
enum Arg {
    Str(String),
    Int(i64),
}

struct Sql {
    backend: Backend,
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    fn new(backend: Backend) -> Sql {
        Sql {
            backend,
            text: String::new(),
            args: Vec::new(),
        }
    }
    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }
    fn arg(&mut self, a: Arg) {
        self.args.push(a);
        let p = crate::project_events::placeholder(self.backend, self.args.len());
        self.text.push_str(&p);
    }
    fn list(&mut self, vals: &[String]) {
        self.push("(");
        for (i, v) in vals.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.arg(Arg::Str(v.clone()));
        }
        self.push(")");
    }

    /// The term as a filter on `e`.
    fn term(&mut self, t: &Term) {
        match t {
            Term::Eq(col, v) => {
                self.push(&format!("e.{col} = "));
                self.arg(Arg::Str(v.clone()));
            }
            Term::In(col, vals) => {
                self.push(&format!("e.{col} in "));
                self.list(vals);
            }
            Term::Hop(col, vals) => {
                self.push(
                    "exists (select 1 from assignments a where a.county = e.county \
                     and a.event_id = e.id and ",
                );
                self.hop_cond(col, vals);
                self.push(")");
            }
            Term::Ids(ids) => self.ids(ids),
            Term::Text(q) => {
                let f = match self.backend {
                    Backend::Sqlite => "instr",
                    Backend::Postgres => "strpos",
                };
                self.push(&format!("({f}(e.title, "));
                self.arg(Arg::Str(q.clone()));
                self.push(&format!(") > 0 or {f}(e.no, "));
                self.arg(Arg::Str(q.clone()));
                self.push(") > 0)");
            }
        }
    }

    fn hop_cond(&mut self, col: &str, vals: &[String]) {
        if let [one] = vals {
            self.push(&format!("a.{col} = "));
            self.arg(Arg::Str(one.clone()));
        } else {
            self.push(&format!("a.{col} in "));
            self.list(vals);
        }
    }

    fn ids(&mut self, ids: &[u64]) {
        // Integers, written out: a list of any length needs no bind parameters.
        let list: Vec<String> = ids.iter().map(|i| (*i as i64).to_string()).collect();
        self.push(&format!("e.id in ({})", list.join(", ")));
    }

    /// The term as the driver of a branch: like [`Sql::term`], but a hop term selects the ids
    /// from the hops' index instead of probing the hops of every event.
    fn driver(&mut self, t: &Term, county: &str, keyset: Keyset) {
        match t {
            Term::Hop(col, vals) => {
                self.push("e.id in (select a.event_id from assignments a where a.county = ");
                self.arg(Arg::Str(county.to_string()));
                self.push(" and ");
                self.hop_cond(col, vals);
                if let Some((op, k)) = keyset.cond() {
                    self.push(&format!(" and a.event_id {op} "));
                    self.arg(Arg::Int(k as i64));
                }
                self.push(")");
            }
            _ => self.term(t),
        }
    }

    /// `select e.id as id from events e where ... order by e.id desc limit n` (`asc` after).
    fn branch(
        &mut self,
        county: &str,
        driver: Option<&Term>,
        rest: &[Vec<Term>],
        keyset: Keyset,
        limit: u64,
    ) {
        self.push("select e.id as id from events e where e.county = ");
        self.arg(Arg::Str(county.to_string()));
        if let Some((op, k)) = keyset.cond() {
            self.push(&format!(" and e.id {op} "));
            self.arg(Arg::Int(k as i64));
        }
        if let Some(d) = driver {
            self.push(" and ");
            self.driver(d, county, keyset);
        }
        for g in rest {
            self.push(" and (");
            for (i, t) in g.iter().enumerate() {
                if i > 0 {
                    self.push(" or ");
                }
                self.term(t);
            }
            self.push(")");
        }
        let order = keyset.order();
        self.push(&format!(" order by e.id {order} limit {limit}"));
    }

    /// The newest `limit` ids matching: one branch per driving term, united.
    fn select(
        &mut self,
        county: &str,
        driving: &[Term],
        rest: &[Vec<Term>],
        keyset: Keyset,
        limit: u64,
    ) {
        if driving.len() <= 1 {
            self.branch(county, driving.first(), rest, keyset, limit);
            return;
        }
        self.push("select id from (");
        for (i, d) in driving.iter().enumerate() {
            if i > 0 {
                self.push(" union ");
            }
            self.push("select id from (");
            self.branch(county, Some(d), rest, keyset, limit);
            self.push(&format!(") b{i}"));
        }
        let order = keyset.order();
        self.push(&format!(") u order by id {order} limit {limit}"));
    }
}

fn scope_terms(s: &GrantScope) -> Option<Vec<Term>> {
    Some(match s {
        GrantScope::All => return None,
        GrantScope::Township {
            township,
            units_within,
            receivers_too,
        } => {
            let mut v = vec![
                Term::Eq("caller_unit", township.clone()),
                Term::Eq("township", township.clone()),
                Term::In("origin_unit", units_within.clone()),
            ];
            if *receivers_too {
                v.push(Term::Hop("receiver_unit", vec![township.clone()]));
            }
            v
        }
        GrantScope::GridWorker { username, village } => vec![
            Term::Eq("reporter", username.clone()),
            Term::Eq("village", village.clone()),
        ],
        GrantScope::Units { units } => vec![
            Term::Hop("receiver_unit", units.clone()),
            Term::Hop("sender_unit", units.clone()),
        ],
    })
}

/// The query as groups (every group must hold; a group holds when any of its terms does), the
/// one to drive first; `None` when nothing can match.
fn groups(q: &EventListQuery) -> Option<Vec<Vec<Term>>> {
    let mut g: Vec<Vec<Term>> = Vec::new();
    if let Some(ids) = &q.ids {
        g.push(vec![Term::Ids(ids.clone())]);
    }
    if let Some(r) = &q.reporter {
        g.push(vec![Term::Eq("reporter", r.clone())]);
    }
    if let Some(i) = &q.involving {
        g.push(vec![
            Term::Eq("reporter", i.username.clone()),
            Term::In("caller_unit", i.units.clone()),
            Term::Hop("dispatched_by", vec![i.username.clone()]),
            Term::Hop("sender_unit", i.units.clone()),
            Term::Hop("receiver_unit", i.receivers.clone()),
        ]);
    }
    if let Some(c) = &q.concerning {
        g.push(vec![
            Term::Eq("caller_unit", c.unit.clone()),
            Term::Eq("township", c.unit.clone()),
            Term::In("origin_unit", c.units_within.clone()),
            Term::Hop("receiver_unit", c.units_within.clone()),
        ]);
    }
    if let Some(t) = &q.township {
        g.push(vec![
            Term::Eq("caller_unit", t.clone()),
            Term::Eq("township", t.clone()),
        ]);
    }
    if !q.scopes.contains(&GrantScope::All) {
        let mut terms = Vec::new();
        for s in &q.scopes {
            terms.extend(scope_terms(s).unwrap_or_default());
        }
        g.push(terms);
    }
    if !q.statuses.is_empty() {
        let mut st: Vec<String> = q.statuses.iter().map(|s| s.as_str().to_string()).collect();
        st.sort();
        st.dedup();
        // One term per status: each walks `events (county, status, id)` in id order.
        g.push(st.into_iter().map(|s| Term::Eq("status", s)).collect());
    }
    if let Some(t) = q.text.as_deref().filter(|t| !t.is_empty()) {
        g.push(vec![Term::Text(t.to_string())]);
    }
    // Empty lists match nothing; a group left without terms makes the whole query empty.
    for grp in &mut g {
        grp.retain(|t| match t {
            Term::In(_, v) | Term::Hop(_, v) => !v.is_empty(),
            Term::Ids(v) => !v.is_empty(),
            _ => true,
        });
        if grp.is_empty() {
            return None;
        }
    }
    Some(g)
}

/// The SQL of a page (`count = false`) or of the capped count, with its arguments.
fn build(backend: Backend, county: &str, q: &EventListQuery, count: bool) -> Option<Sql> {
    let keyset = match (q.before_id, q.after_id) {
        (None, Some(a)) => Keyset::After(a),
        (b, _) => Keyset::Before(b),
    };
    build_at(backend, county, q, count, keyset)
}

fn build_at(
    backend: Backend,
    county: &str,
    q: &EventListQuery,
    count: bool,
    keyset: Keyset,
) -> Option<Sql> {
    let mut g = groups(q)?;
    // The first group that is not the free text drives: the most selective come first.
    let di = g.iter().position(|grp| !matches!(grp[..], [Term::Text(_)]));
    let driving = di.map(|i| g.remove(i)).unwrap_or_default();
    let mut sql = Sql::new(backend);
    if count {
        sql.push("select count(*) as n from (");
        sql.select(county, &driving, &g, Keyset::Before(None), COUNT_CAP + 1);
        sql.push(") c");
    } else {
        let limit = q.limit.max(1) as u64 + 1;
        sql.select(county, &driving, &g, keyset, limit);
    }
    Some(sql)
}

/// The SQL of the page query (or, with `count`, of the capped count) and its arguments, to
/// `EXPLAIN` in tests; `None` when the query cannot match anything.
pub fn list_sql(
    backend: Backend,
    county: &str,
    q: &EventListQuery,
    count: bool,
) -> Option<(String, Vec<ListArg>)> {
    build(backend, county, q, count).map(|s| {
        let args = s
            .args
            .iter()
            .map(|a| match a {
                Arg::Str(s) => ListArg::Str(s.clone()),
                Arg::Int(i) => ListArg::Int(*i),
            })
            .collect();
        (s.text, args)
    })
}

fn bound(s: &Sql) -> crate::project_events::Q<'_> {
    let mut q = sqlx::query(sqlx::AssertSqlSafe(&*s.text));
    for a in &s.args {
        q = match a {
            Arg::Str(v) => q.bind(v.clone()),
            Arg::Int(i) => q.bind(*i),
        };
    }
    q
}

impl Store {
    /// One page of the events `q` selects, newest first, with the capped total.
    pub async fn list_events(&self, county: &str, q: &EventListQuery) -> Result<EventPage> {
        let limit = q.limit.max(1);
        let (mut ids, mut next_before, mut prev_after) = (Vec::new(), None, None);
        if let (None, Some(after)) = (q.before_id, q.after_id) {
            // Backwards: the ids just above `after`, oldest first; when there are more above
            // them, they make the page before; else the first page is shown.
            if let Some(sql) = build_at(self.backend, county, q, false, Keyset::After(after)) {
                let mut up = self.ids(&sql).await?;
                if up.len() > limit {
                    up.truncate(limit);
                    up.reverse();
                    prev_after = up.first().copied();
                    next_before = up.last().copied();
                    ids = up;
                }
            }
        }
        if ids.is_empty() && prev_after.is_none() {
            let keyset = Keyset::Before(q.before_id);
            let Some(sql) = build_at(self.backend, county, q, false, keyset) else {
                return Ok(EventPage::default());
            };
            ids = self.ids(&sql).await?;
            if ids.len() > limit {
                ids.truncate(limit);
                next_before = ids.last().copied();
            }
            prev_after = q.before_id.and(ids.first().copied());
        }
        let n: i64 = match build(self.backend, county, q, true) {
            Some(s) => bound(&s).fetch_one(&self.pool).await?.try_get("n")?,
            None => 0,
        };
        let n = n.max(0) as u64;
        let prev_after = prev_after.filter(|_| n > 0);
        Ok(EventPage {
            ids,
            next_before,
            prev_after,
            count: n.min(COUNT_CAP),
            count_capped: n > COUNT_CAP,
        })
    }
}

impl Store {
    async fn ids(&self, sql: &Sql) -> Result<Vec<u64>> {
        let rows = bound(sql).fetch_all(&self.pool).await?;
        let mut ids = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            ids.push(id as u64);
        }
        Ok(ids)
    }
}
