//! The event book: every event, the workflow settings and the working calendar, folded from
//! the log. Deadlines are computed when a transition is folded, from the calendar and settings
//! in force at that point of the log, so a rebuild reproduces them exactly.

use super::config::{LimitSet, WorkflowConfig};
use super::model::{AccountabilityCase, Assignment, AssignmentStatus, Event, EventStatus};
use crate::calendar::{Limit, WorkCalendar};
use crate::lists::Catalogue;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The public's 回访 rating of a closed event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicFeedback {
    pub level: u8,
    pub label: String,
    pub comment: String,
    pub by: String,
    pub at_ms: i64,
    /// Log position of the entry that recorded it.
    #[serde(default)]
    pub seq: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventBook {
    pub events: BTreeMap<u64, Event>,
    pub config: WorkflowConfig,
    pub calendar: WorkCalendar,
    /// Accountability cases by (event, assignment).
    #[serde(with = "crate::state::snapshot::pairs")]
    pub cases: BTreeMap<(u64, u32), AccountabilityCase>,
    pub feedback: BTreeMap<u64, PublicFeedback>,
    /// Events numbered per year, for the human number. Stored in snapshots: settled events
    /// leave `events` (see `archive`), so it cannot be recounted from them.
    #[serde(with = "crate::state::snapshot::pairs")]
    pub per_year: BTreeMap<i32, u32>,
    /// The events each photo (SHA-256 hex) is attached to: who may fetch a photo follows who
    /// may read one of them.
    pub photo_events: BTreeMap<String, BTreeSet<u64>>,
}

/// Traffic-light of a hop against its current deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    None,
    Yellow,
    Red,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::None => "none",
            Flag::Yellow => "yellow",
            Flag::Red => "red",
        }
    }
}

impl EventBook {
    pub fn event(&self, id: u64) -> Option<&Event> {
        self.events.get(&id)
    }

    /// The limits that apply to hops of this event.
    pub fn limits(&self, e: &Event, lists: &Catalogue) -> LimitSet {
        let item = e
            .item
            .as_ref()
            .and_then(|r| lists.item_at(&r.id, r.version))
            .map(|i| &i.limits);
        let id = e.item.as_ref().map(|r| r.id.as_str());
        self.config
            .limits_for_item(e.facts.urgency, e.facts.request_type, id, item)
    }

    pub fn due(&self, start_ms: i64, l: Limit) -> i64 {
        self.calendar.add(start_ms, l)
    }

    /// The deadline the receiver is working against now, if the hop is open.
    pub fn current_deadline(a: &Assignment) -> Option<i64> {
        match a.status {
            AssignmentStatus::Dispatched => Some(match a.deadlines.arrive {
                Some(arr) if a.arrived_ms.is_none() => arr.min(a.deadlines.sign),
                _ => a.deadlines.sign,
            }),
            AssignmentStatus::Signed => Some(
                a.deadlines
                    .respond
                    .map_or(a.deadlines.complete, |r| r.min(a.deadlines.complete)),
            ),
            AssignmentStatus::InProgress | AssignmentStatus::ReturnRequested => {
                Some(a.deadlines.complete)
            }
            // The clock may be paused; show the completion deadline as it stands.
            AssignmentStatus::ExtensionRequested => Some(a.deadlines.complete),
            _ => None,
        }
    }

    /// Red after the current deadline; yellow in the last part of the time given for the step
    /// (`warn_percent` of it, between [`super::config::WARN_FLOOR_MINUTES`] and `warn_before`);
    /// derived, never stored. The time is working time, or clock time where the step's time
    /// falls outside working hours (clock limits of urgent events at night).
    pub fn flag(&self, a: &Assignment, now_ms: i64) -> Flag {
        let Some(d) = Self::current_deadline(a) else {
            return Flag::None;
        };
        if now_ms > d {
            return Flag::Red;
        }
        let (start, percent) = self.warn_phase(a, d);
        let mut given = self.calendar.working_ms_between(start, d);
        let mut left = self.calendar.working_ms_between(now_ms, d);
        if given <= 0 {
            given = d - start;
            left = d - now_ms;
        }
        let floor = super::config::WARN_FLOOR_MINUTES * 60_000;
        let cap = self.calendar.add(now_ms, self.config.warn_before) >= d;
        let window = (given.max(0) * i64::from(percent.min(100)) / 100).max(floor);
        if left <= window && (cap || left <= floor) {
            Flag::Yellow
        } else {
            Flag::None
        }
    }

    /// When the step behind the current deadline `d` started, and its warning share.
    fn warn_phase(&self, a: &Assignment, d: i64) -> (i64, u8) {
        let w = self.config.warn_percent;
        match a.status {
            AssignmentStatus::Dispatched => (a.dispatched_ms, w.sign),
            AssignmentStatus::Signed if a.deadlines.respond == Some(d) => {
                (a.signed_ms.unwrap_or(a.dispatched_ms), w.respond)
            }
            _ => (a.dispatched_ms, w.complete),
        }
    }

    /// Whole working days a hop is overdue (0 if not overdue).
    pub fn overdue_days(&self, a: &Assignment, now_ms: i64) -> u32 {
        let Some(d) = Self::current_deadline(a) else {
            return 0;
        };
        if now_ms <= d {
            return 0;
        }
        let per_day = (self.calendar.hours().minutes_per_day().max(1) as i64) * 60_000;
        (self.calendar.working_ms_between(d, now_ms) / per_day).clamp(0, u32::MAX as i64) as u32
    }

    /// The event status that follows from its hops: before the call the township's own
    /// hops (乡镇派单), after it the county's.
    pub fn derive_status(e: &Event) -> EventStatus {
        if e.status.is_final() {
            return e.status;
        }
        if e.open_dispute().is_some() {
            return EventStatus::Disputed;
        }
        let mut best: Option<(u8, EventStatus)> = None;
        for a in e.live().filter(|a| super::township::drives_status(e, a)) {
            let s = match a.status {
                AssignmentStatus::Dispatched => (0, EventStatus::Dispatched),
                AssignmentStatus::ReturnRequested => (1, EventStatus::ReturnRequested),
                AssignmentStatus::Signed if a.rework => (2, EventStatus::Reopened),
                AssignmentStatus::InProgress if a.rework => (2, EventStatus::Reopened),
                AssignmentStatus::Signed => (3, EventStatus::Accepted),
                AssignmentStatus::ExtensionRequested => (4, EventStatus::ExtensionRequested),
                AssignmentStatus::InProgress => (5, EventStatus::InProgress),
                AssignmentStatus::Reported => (6, EventStatus::Resolved),
                AssignmentStatus::Evaluated => (7, EventStatus::Evaluated),
                _ => continue,
            };
            if best.is_none_or(|b| s.0 < b.0) {
                best = Some(s);
            }
        }
        best.map_or(super::township::idle_status(e), |b| b.1)
    }

    /// Open hops received by `unit` (or units below it), newest first.
    pub fn inbox<'a>(
        &'a self,
        org: &'a crate::state::OrgState,
        unit: &'a str,
    ) -> impl Iterator<Item = (&'a Event, &'a Assignment)> + 'a {
        self.events.values().rev().flat_map(move |e| {
            e.assignments
                .iter()
                .filter(move |a| {
                    a.status.is_open()
                        && (a.receiver_unit == unit || org.is_within(&a.receiver_unit, unit))
                })
                .map(move |a| (e, a))
        })
    }
}
