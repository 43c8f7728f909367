//! The statistical facts of one event and of each of its hops: a pure function of the folded
//! event and the working calendar. The store keeps them as read models (written whenever the
//! event is written, so `rebuild` reproduces them), and the cube aggregates them.

use crate::calendar::WorkCalendar;
use crate::events::{AssignmentRole, AssignmentStatus, Channel, Event, EventStatus, Urgency};
use serde::{Deserialize, Serialize};

/// What one event contributes. Its period is the day it was reported (立案).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFact {
    pub event_id: u64,
    pub created_ms: i64,
    /// Category code from the category tree, or the free text of older events.
    pub category: String,
    pub channel: Channel,
    pub urgency: Urgency,
    /// The unit that reported it (grid's village, township, command centre...).
    pub origin_unit: String,
    /// The township the problem lies in (from the location), else the caller's.
    pub township: Option<String>,
    pub village: Option<String>,
    pub grid: Option<String>,
    pub item_id: Option<String>,
    /// The unit leading the work now (None while nobody was dispatched).
    pub lead_unit: Option<String>,
    pub status: EventStatus,
    /// The completion deadline that governs the event (its live lead hop's).
    pub due_ms: Option<i64>,
    pub closed_ms: Option<i64>,
    /// Working time from report to close.
    pub close_wms: Option<i64>,
    pub returns: u32,
    pub reopens: u32,
    pub disputes: u32,
    pub whistles: u32,
    pub escalated: bool,
    /// The lead hop's last grade (0 = best), if graded.
    pub level: Option<u8>,
}

impl EventFact {
    /// 结案: closed by verification or handled locally (自办结).
    pub fn closed(&self) -> bool {
        matches!(self.status, EventStatus::Closed | EventStatus::SelfClosed)
    }
    /// 按期结案: closed no later than its governing deadline (a local close has none).
    pub fn closed_on_time(&self) -> bool {
        match (self.closed_ms, self.due_ms) {
            (Some(c), Some(d)) => self.closed() && c <= d,
            (Some(_), None) => self.closed(),
            _ => false,
        }
    }
    /// 应结案 at `now`: closed, or its deadline has passed (withdrawn events never count).
    pub fn due_to_close(&self, now_ms: i64) -> bool {
        if matches!(self.status, EventStatus::Cancelled | EventStatus::Draft) {
            return false;
        }
        self.closed() || self.due_ms.is_some_and(|d| d <= now_ms)
    }
}

/// What one hop (sender → receiver) contributes. Its period is the day it was dispatched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HopFact {
    pub event_id: u64,
    pub n: u32,
    pub role: AssignmentRole,
    pub sender_unit: String,
    pub receiver_unit: String,
    pub status: AssignmentStatus,
    pub dispatched_ms: i64,
    pub category: String,
    pub channel: Channel,
    pub urgency: Urgency,
    pub township: Option<String>,
    pub item_id: Option<String>,
    /// Dispatched to a unit the cited item does not name (an override with a reason).
    pub off_list: bool,
    pub signed_ms: Option<i64>,
    pub sign_due: i64,
    pub responded_ms: Option<i64>,
    pub respond_due: Option<i64>,
    pub reported_ms: Option<i64>,
    pub complete_due: i64,
    pub sign_wms: Option<i64>,
    pub respond_wms: Option<i64>,
    pub report_wms: Option<i64>,
    /// Grade (0 = best), after any appeal decision.
    pub level: Option<u8>,
    pub return_requests: u32,
    /// The return was accepted (the work went elsewhere).
    pub returned: bool,
    /// A return of this hop became a dispute for 编办.
    pub disputed: bool,
    pub rework: bool,
    pub reminders: u32,
    pub supervisions: u32,
    pub escalated: bool,
}

impl HopFact {
    pub fn signed_on_time(&self) -> bool {
        self.signed_ms.is_some_and(|s| s <= self.sign_due)
    }
    pub fn responded_on_time(&self) -> bool {
        match (self.responded_ms, self.respond_due) {
            (Some(r), Some(d)) => r <= d,
            (Some(_), None) => true,
            _ => false,
        }
    }
    pub fn reported_on_time(&self) -> bool {
        self.reported_ms.is_some_and(|r| r <= self.complete_due)
    }
    /// Still the receiver's work and past its completion deadline at `now`.
    pub fn overdue(&self, now_ms: i64) -> bool {
        match self.reported_ms {
            Some(r) => r > self.complete_due,
            None => self.status.is_open() && now_ms > self.complete_due,
        }
    }
    /// 应签收: signed, or still waiting and past its signing deadline.
    pub fn due_to_sign(&self, now_ms: i64) -> bool {
        self.signed_ms.is_some() || (self.status.is_open() && now_ms > self.sign_due)
    }
    /// 应办结: reported back, or still the receiver's work past its completion deadline. Work
    /// that went elsewhere (returned, transferred, ended) is not due from this hop.
    pub fn due_to_report(&self, now_ms: i64) -> bool {
        self.reported_ms.is_some() || (self.status.is_open() && now_ms > self.complete_due)
    }
    /// 响应: signed (a whistle hop's arrival counts as its signature).
    pub fn responded(&self) -> bool {
        self.signed_ms.is_some()
    }
}

fn wms(cal: &WorkCalendar, from: i64, to: Option<i64>) -> Option<i64> {
    to.map(|t| cal.working_ms_between(from, t))
}

/// The facts of `e`, durations in the working time of `cal`.
pub fn of_event(e: &Event, cal: &WorkCalendar) -> (EventFact, Vec<HopFact>) {
    let loc = &e.facts.location;
    let township = loc.township.clone().or_else(|| {
        // A township's own call without a located point: the caller is the township.
        (e.caller_unit != e.origin_unit).then(|| e.caller_unit.clone())
    });
    let lead = e
        .live()
        .filter(|a| matches!(a.role, AssignmentRole::Lead | AssignmentRole::Township))
        .last()
        .or_else(|| {
            e.assignments
                .iter()
                .rfind(|a| matches!(a.role, AssignmentRole::Lead | AssignmentRole::Township))
        });
    let level = lead
        .and_then(|a| a.evaluation.as_ref())
        .map(evaluation_level);
    let category = e.facts.category.clone();
    let item_id = e.item.as_ref().map(|i| i.id.clone());
    let event = EventFact {
        event_id: e.id,
        created_ms: e.created_ms,
        category: category.clone(),
        channel: e.facts.channel,
        urgency: e.facts.urgency,
        origin_unit: e.origin_unit.clone(),
        township: township.clone(),
        village: loc.village.clone(),
        grid: loc.grid.clone(),
        item_id: item_id.clone(),
        lead_unit: lead.map(|a| a.receiver_unit.clone()),
        status: e.status,
        due_ms: lead.map(|a| a.deadlines.complete),
        closed_ms: e.closed_ms,
        close_wms: e
            .closed_ms
            .filter(|_| matches!(e.status, EventStatus::Closed | EventStatus::SelfClosed))
            .map(|c| cal.working_ms_between(e.created_ms, c)),
        returns: e.returns,
        reopens: e.reopens,
        disputes: e.disputes.len() as u32,
        whistles: e
            .assignments
            .iter()
            .filter(|a| a.role == AssignmentRole::Whistle)
            .count() as u32,
        escalated: e.assignments.iter().any(|a| a.escalated),
        level,
    };
    let hops = e
        .assignments
        .iter()
        .map(|a| HopFact {
            event_id: e.id,
            n: a.n,
            role: a.role,
            sender_unit: a.sender_unit.clone(),
            receiver_unit: a.receiver_unit.clone(),
            status: a.status,
            dispatched_ms: a.dispatched_ms,
            category: category.clone(),
            channel: e.facts.channel,
            urgency: e.facts.urgency,
            township: township.clone(),
            item_id: a.item.as_ref().map(|i| i.id.clone()).or(item_id.clone()),
            off_list: a.override_reason.as_deref().is_some_and(|r| !r.is_empty()),
            signed_ms: a.signed_ms.or(a.arrived_ms),
            sign_due: a.deadlines.sign,
            responded_ms: a.responded_ms,
            respond_due: a.deadlines.respond,
            reported_ms: a.reported_ms,
            complete_due: a.deadlines.complete,
            sign_wms: wms(cal, a.dispatched_ms, a.signed_ms.or(a.arrived_ms)),
            respond_wms: wms(cal, a.dispatched_ms, a.responded_ms),
            report_wms: wms(cal, a.dispatched_ms, a.reported_ms),
            level: a.evaluation.as_ref().map(evaluation_level),
            return_requests: a.returns.len() as u32,
            returned: a.status == AssignmentStatus::Returned,
            disputed: e.disputes.iter().any(|d| d.assignment == a.n),
            rework: a.rework,
            reminders: a.reminders,
            supervisions: a.supervisions,
            escalated: a.escalated,
        })
        .collect();
    (event, hops)
}

/// The grade that counts: the appeal's new level when an appeal changed it.
fn evaluation_level(ev: &crate::events::Evaluation) -> u8 {
    ev.appeal
        .as_ref()
        .and_then(|a| a.decision.as_ref())
        .and_then(|d| d.new_level)
        .unwrap_or(ev.level)
}

/// Whether a grade counts as satisfied: levels better than `satisfied_below`.
pub fn is_satisfied(level: u8, satisfied_below: u8) -> bool {
    level < satisfied_below
}
