//! Reading the log for the audit page: the filters, the backward scan through the store in
//! chunks (capped), and each entry in words (actor's name and unit, the action, the event or
//! list item it concerns).

use super::kinds::{kind_label, system_actor};
use crate::i18n::Lang;
use crate::pages::table::day_range;
use serde::Deserialize;
use tiaokuai_core::transition::Transition;
use tiaokuai_core::CountyState;
use tiaokuai_log::LogEntry;
use tiaokuai_store::Store;

/// Entries read from the store at a time.
const CHUNK: u64 = 1_000;
/// The most entries one filtered page reads before it stops (and says so).
pub const SCAN_CAP: u64 = 50_000;

#[derive(Deserialize, Default)]
pub struct AuditFilter {
    /// An event's number (`2026-000123`) or id.
    #[serde(default)]
    pub event: String,
    /// A unit's name or code: the unit the actor acted for.
    #[serde(default)]
    pub unit: String,
    /// A username or (part of) a person's name.
    #[serde(default)]
    pub actor: String,
    /// An entry kind (`event.remind`), or a prefix ending in `.` (`event.`).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// Only entries below this sequence number (the older page).
    pub before: Option<u64>,
}

impl AuditFilter {
    pub fn is_empty(&self) -> bool {
        [
            &self.event,
            &self.unit,
            &self.actor,
            &self.kind,
            &self.from,
            &self.to,
        ]
        .iter()
        .all(|x| x.trim().is_empty())
    }

    pub fn keep(&self) -> String {
        crate::pages::table::keep(&[
            ("event", &self.event),
            ("unit", &self.unit),
            ("actor", &self.actor),
            ("kind", &self.kind),
            ("from", &self.from),
            ("to", &self.to),
        ])
    }
}

/// The filter with names resolved against the organisation and the events.
pub struct Resolved {
    /// The event id asked for (`u64::MAX` when the number is unknown: nothing matches).
    event: Option<u64>,
    /// Its timeline's entries, when the event is in memory.
    pub history: Option<Vec<u64>>,
    unit: Option<String>,
    /// Usernames whose name or username contains the actor text.
    actors: Option<Vec<String>>,
    kind: String,
    from: Option<i64>,
    to: Option<i64>,
}

pub fn resolve(st: &CountyState, f: &AuditFilter) -> Resolved {
    let ev = f.event.trim();
    let event = if ev.is_empty() {
        None
    } else {
        Some(
            ev.parse::<u64>()
                .ok()
                .filter(|id| st.events.event(*id).is_some() || !ev.contains('-'))
                .or_else(|| st.events.events.values().find(|e| e.no == ev).map(|e| e.id))
                .unwrap_or(u64::MAX),
        )
    };
    let history = event.and_then(|id| st.events.event(id).map(|e| e.history.clone()));
    let unit = Some(f.unit.trim()).filter(|u| !u.is_empty()).map(|u| {
        st.org
            .resolve_unit(u)
            .map(|x| x.code.clone())
            .unwrap_or_else(|| u.to_string())
    });
    let a = f.actor.trim();
    let actors = (!a.is_empty()).then(|| {
        let mut v: Vec<String> = st
            .org
            .people
            .values()
            .filter(|p| p.person.username == a || (!p.erased && p.person.name.contains(a)))
            .map(|p| p.person.username.clone())
            .collect();
        v.push(a.to_string());
        v
    });
    let (from, to) = day_range(&f.from, &f.to);
    Resolved {
        event,
        history,
        unit,
        actors,
        kind: f.kind.trim().to_string(),
        from,
        to,
    }
}

/// The event an entry concerns: the one it acts on, or the one it created.
pub fn event_of(e: &LogEntry) -> Option<u64> {
    if !e.header.kind.starts_with("event.") {
        return None;
    }
    match Transition::from_payload(&e.payload).ok()? {
        Transition::Event { cmd, .. } => Some(cmd.event_id().unwrap_or(e.header.seq)),
        _ => None,
    }
}

impl Resolved {
    pub fn matches(&self, e: &LogEntry) -> bool {
        let h = &e.header;
        (self.kind.is_empty()
            || h.kind == self.kind
            || (self.kind.ends_with('.') && h.kind.starts_with(&self.kind)))
            && self.unit.as_ref().is_none_or(|u| &h.unit == u)
            && self
                .actors
                .as_ref()
                .is_none_or(|a| a.iter().any(|x| x == &h.actor))
            && self.from.is_none_or(|t| h.at_ms >= t)
            && self.to.is_none_or(|t| h.at_ms < t)
            && self.event.is_none_or(|id| event_of(e) == Some(id))
    }
}

/// What a scan found: matches newest first, where to go on, and whether it stopped at the cap.
pub struct Scan {
    pub entries: Vec<LogEntry>,
    /// `before` for the next (older) page, if older entries remain.
    pub older: Option<u64>,
    pub capped: bool,
}

/// Up to `want` matching entries below `end`, newest first, reading `CHUNK` entries at a time
/// and at most `cap` entries in all.
pub async fn scan(
    store: &Store,
    county: &str,
    r: &Resolved,
    end: u64,
    want: usize,
    cap: u64,
) -> tiaokuai_store::Result<Scan> {
    if let Some(history) = &r.history {
        // The event's own timeline: read just those entries.
        let seqs: Vec<u64> = history.iter().copied().filter(|s| *s < end).collect();
        let mut entries = store.read_entries(county, &seqs).await?;
        entries.retain(|e| r.matches(e));
        entries.reverse();
        let older = (entries.len() > want).then(|| entries[want - 1].header.seq);
        entries.truncate(want);
        return Ok(Scan {
            entries,
            older,
            capped: false,
        });
    }
    let mut out = Vec::new();
    let (mut hi, mut read) = (end, 0u64);
    while hi > 0 && read < cap {
        let lo = hi.saturating_sub(CHUNK.min(cap - read));
        let mut chunk = store.read_log(county, lo, hi - lo).await?;
        read += hi - lo;
        chunk.reverse();
        for e in chunk {
            if r.matches(&e) {
                if out.len() == want {
                    let older = out.last().map(|x: &LogEntry| x.header.seq);
                    return Ok(Scan {
                        entries: out,
                        older,
                        capped: false,
                    });
                }
                out.push(e);
            }
        }
        hi = lo;
    }
    Ok(Scan {
        entries: out,
        older: (hi > 0).then_some(hi),
        capped: hi > 0,
    })
}

/// One entry in words.
pub struct EntryView {
    pub seq: u64,
    pub time: String,
    pub actor: String,
    pub unit: String,
    pub kind: String,
    pub action: String,
    /// The event or list item it concerns, and a link to it.
    pub subject: String,
    pub subject_href: String,
    pub hash: String,
}

impl EntryView {
    pub fn cells(&self) -> Vec<String> {
        vec![
            self.seq.to_string(),
            self.time.clone(),
            self.actor.clone(),
            self.unit.clone(),
            self.action.clone(),
            self.subject.clone(),
            self.hash.clone(),
        ]
    }
}

fn subject(st: &CountyState, e: &LogEntry, l: Lang) -> (String, String) {
    if let Some(id) = event_of(e) {
        let no = st
            .events
            .event(id)
            .map(|x| x.no.clone())
            .unwrap_or_else(|| format!("#{id}"));
        let what = l.pick("事件", "Event");
        return (format!("{what} {no}"), format!("/events/{id}"));
    }
    if !e.header.kind.starts_with("list.") {
        return (String::new(), String::new());
    }
    let item = |id: &str| {
        let name = st
            .lists
            .item_at(id, st.lists.latest())
            .map(|i| format!("{} {}", i.number, i.name))
            .unwrap_or_else(|| id.to_string());
        (
            format!("{} {name}", l.pick("清单事项", "List item")),
            format!("/lists/items/{id}"),
        )
    };
    let application = |id: u64| {
        (
            format!("{} #{id}", l.pick("调整申请", "Adjustment")),
            format!("/lists/adjustments/{id}"),
        )
    };
    match Transition::from_payload(&e.payload) {
        Ok(Transition::AdjustmentFiled { application: a, .. })
        | Ok(Transition::AdjustmentResubmitted { application: a, .. }) => item(&a.item_id),
        Ok(Transition::AdjustmentReviewed { id, .. })
        | Ok(Transition::AdjustmentApproved { id, .. }) => application(id),
        Ok(Transition::ListVersionPublished { meta, .. }) => (
            format!("{} v{}", l.pick("清单版本", "List version"), meta.version),
            "/lists/versions".to_string(),
        ),
        _ => (String::new(), String::new()),
    }
}

pub fn view(st: &CountyState, e: &LogEntry, l: Lang) -> EntryView {
    let h = &e.header;
    let actor = system_actor(&h.actor, l).unwrap_or_else(|| match st.org.people.get(&h.actor) {
        Some(p) if !p.erased => p.person.name.clone(),
        _ => h.actor.clone(),
    });
    let unit = if h.unit.is_empty() {
        String::new()
    } else {
        st.org
            .unit(&h.unit)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| h.unit.clone())
    };
    let (subject, subject_href) = subject(st, e, l);
    EntryView {
        seq: h.seq,
        time: tiaokuai_app::cst::format_ms(h.at_ms),
        actor,
        unit,
        kind: h.kind.clone(),
        action: kind_label(&h.kind, l),
        subject,
        subject_href,
        hash: hex::encode(&e.hash[..8]),
    }
}
