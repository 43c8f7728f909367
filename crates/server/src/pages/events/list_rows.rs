//! The rows of the `/events` table and its export: the events the viewer may see (the SQL
//! scope of `read_scope`, never wider), filtered, with typed sort keys.

use super::view;
use crate::i18n::Lang;
use crate::pages::table::{day_range, Col, Key};
use serde::Deserialize;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::scope::read_scope;
use tiaokuai_core::events::{Event, EventStatus, Flag};
use tiaokuai_core::CountyState;
use tiaokuai_store::EventListQuery;

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub township: String,
    #[serde(default)]
    pub overdue: String,
    #[serde(default)]
    pub mine: String,
    #[serde(default)]
    pub q: String,
    /// A category code (the event's own or an ancestor).
    #[serde(default)]
    pub category: String,
    /// The initiating (calling) unit's code.
    #[serde(default)]
    pub caller: String,
    /// A handling (receiving) unit's code.
    #[serde(default)]
    pub unit: String,
    /// Reported on or after this day, `YYYY-MM-DD`.
    #[serde(default)]
    pub from: String,
    /// Reported on or before this day.
    #[serde(default)]
    pub to: String,
}

impl Filter {
    /// The filters as `k=v&…` for links that keep them.
    pub fn keep(&self) -> String {
        crate::pages::table::keep(&[
            ("status", &self.status),
            ("township", &self.township),
            ("overdue", &self.overdue),
            ("mine", &self.mine),
            ("q", &self.q),
            ("category", &self.category),
            ("caller", &self.caller),
            ("unit", &self.unit),
            ("from", &self.from),
            ("to", &self.to),
        ])
    }
}

pub const COLS: [Col; 9] = [
    Col::text("no", "编号", "No."),
    Col::text("title", "标题", "Title"),
    Col::text("status", "状态", "Status"),
    Col::text("due", "时限", "Deadline"),
    Col::text("category", "分类", "Category"),
    Col::text("caller", "发起单位", "Initiating unit"),
    Col::text("handler", "承办单位", "Handling unit"),
    Col::fixed("place", "地点", "Place"),
    Col::time("created", "上报时间", "Reported"),
];

pub struct Row {
    pub id: u64,
    pub no: String,
    pub title: String,
    pub status: &'static str,
    pub status_ord: i64,
    pub status_class: &'static str,
    pub urgent: bool,
    pub flag: &'static str,
    pub flag_word: &'static str,
    /// The deadline that matters to the viewer (`view::viewer_due`) and the time left.
    pub due: String,
    pub due_ms: Option<i64>,
    pub category: String,
    pub caller: String,
    pub receivers: String,
    pub place: String,
    pub created: String,
    pub created_ms: i64,
}

impl Row {
    pub fn key(&self, col: &str) -> Key {
        match col {
            "no" => Key::Natural(self.no.clone()),
            "title" => Key::text(&self.title),
            "status" => Key::Int(self.status_ord),
            "due" => Key::opt_int(self.due_ms),
            "category" => Key::text(&self.category),
            "caller" => Key::text(&self.caller),
            "handler" => Key::text(&self.receivers),
            "created" => Key::Int(self.created_ms),
            _ => Key::Missing,
        }
    }

    /// The cells of the export, in [`COLS`] order.
    pub fn cells(&self) -> Vec<String> {
        let due = if self.flag_word.is_empty() {
            self.due.clone()
        } else {
            format!("{} {}", self.flag_word, self.due)
        };
        vec![
            self.no.clone(),
            self.title.clone(),
            self.status.to_string(),
            due,
            self.category.clone(),
            self.caller.clone(),
            self.receivers.clone(),
            self.place.clone(),
            self.created.clone(),
        ]
    }
}

pub fn row(st: &CountyState, p: &Principal, e: &Event, now: i64, l: Lang) -> Row {
    let book = &st.events;
    let org = &st.org;
    let flag = view::worst_flag(book, e, now);
    let due = view::viewer_due(book, org, p, e, now, l);
    let due_ms = view::viewer_deadline(org, p, e).map(|(d, _)| d);
    let mut receivers: Vec<String> = e
        .live()
        .filter(|a| a.status.is_open())
        .map(|a| view::unit(org, &a.receiver_unit))
        .collect();
    if receivers.is_empty() {
        receivers = e
            .live()
            .map(|a| view::unit(org, &a.receiver_unit))
            .collect();
    }
    receivers.dedup();
    let loc = &e.facts.location;
    let place = [&loc.township, &loc.village]
        .iter()
        .filter_map(|x| x.as_deref())
        .map(|c| view::unit(org, c))
        .collect::<Vec<_>>()
        .join(" ");
    let category = match &e.facts.category {
        c if c.is_empty() => String::new(),
        c => st.categories.name(c).to_string(),
    };
    Row {
        id: e.id,
        no: e.no.clone(),
        title: e.facts.title.clone(),
        status: view::status(e.status, l),
        status_ord: EventStatus::ALL
            .iter()
            .position(|s| *s == e.status)
            .unwrap_or(0) as i64,
        status_class: view::status_class(book, e, now),
        urgent: e.facts.urgency == tiaokuai_core::events::Urgency::Urgent,
        flag: view::flag_class(flag),
        flag_word: if flag == Flag::None {
            ""
        } else {
            view::flag_word(flag, l)
        },
        due: due
            .map(|d| format!("{} · {}", d.at, d.left))
            .unwrap_or_default(),
        due_ms: if e.status.is_final() { None } else { due_ms },
        category,
        caller: view::unit(org, &e.caller_unit),
        receivers: receivers.join("、"),
        place,
        created: view::time(e.created_ms),
        created_ms: e.created_ms,
    }
}

/// The SQL query for the viewer's scope and the filters SQL understands.
pub fn sql_query(
    st: &CountyState,
    p: &Principal,
    f: &Filter,
    now: i64,
    cap: usize,
) -> EventListQuery {
    let book = &st.events;
    let q = f.q.trim();
    EventListQuery {
        scopes: read_scope(&st.org, p),
        statuses: EventStatus::parse(&f.status).into_iter().collect(),
        township: Some(f.township.clone()).filter(|t| !t.is_empty()),
        reporter: (!f.mine.is_empty()).then(|| p.username.clone()),
        text: Some(q.to_string()).filter(|q| !q.is_empty()),
        // Only open events can be overdue; they are all in memory.
        ids: (!f.overdue.is_empty()).then(|| {
            book.events
                .values()
                .filter(|e| !e.status.is_final())
                .filter(|e| view::worst_flag(book, e, now) == Flag::Red)
                .map(|e| e.id)
                .collect()
        }),
        limit: cap,
        ..Default::default()
    }
}

/// Whether `code` is `want` or below it in the category tree.
fn in_category(st: &CountyState, code: &str, want: &str) -> bool {
    let mut c = Some(code.to_string());
    let mut hops = 0;
    while let Some(x) = c {
        if x == want {
            return true;
        }
        hops += 1;
        if hops > 16 {
            break;
        }
        c = st.categories.get(&x).and_then(|n| n.parent.clone());
    }
    false
}

/// The filters SQL does not know (category, units, dates), on the loaded events.
pub fn keep(st: &CountyState, f: &Filter, e: &Event) -> bool {
    let (from, to) = day_range(&f.from, &f.to);
    (f.category.is_empty() || in_category(st, &e.facts.category, &f.category))
        && (f.caller.is_empty() || e.caller_unit == f.caller)
        && (f.unit.is_empty() || e.live().any(|a| a.receiver_unit == f.unit))
        && from.is_none_or(|t| e.created_ms >= t)
        && to.is_none_or(|t| e.created_ms < t)
}

/// The choices of the category and unit filters: what the loaded events use.
#[derive(Default)]
pub struct Options {
    pub categories: Vec<(String, String)>,
    pub callers: Vec<(String, String)>,
    pub units: Vec<(String, String)>,
}

impl Options {
    pub fn add(&mut self, st: &CountyState, e: &Event) {
        let org = &st.org;
        if !e.facts.category.is_empty() {
            let c = &e.facts.category;
            self.categories
                .push((c.clone(), st.categories.name(c).to_string()));
        }
        self.callers
            .push((e.caller_unit.clone(), view::unit(org, &e.caller_unit)));
        for a in e.live() {
            self.units
                .push((a.receiver_unit.clone(), view::unit(org, &a.receiver_unit)));
        }
    }

    pub fn finish(&mut self) {
        for v in [&mut self.categories, &mut self.callers, &mut self.units] {
            v.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
            v.dedup();
        }
    }
}
