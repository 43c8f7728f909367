//! Creating, signing, moving and reopening hops: the parts of the fold that build
//! assignments.

use super::book::EventBook;
use super::check::Ctx;
use super::model::{
    AccountabilityCase, Assignment, AssignmentRole, AssignmentStatus as A, Deadlines, Event,
    ItemRef, Party,
};

impl EventBook {
    // The hop's parties and origin are all needed, and naming them keeps call sites readable.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new_hop(
        &self,
        ctx: &Ctx,
        e: &Event,
        role: AssignmentRole,
        sender: &str,
        receiver: &str,
        parent: Option<u32>,
        at_ms: i64,
        by: &Party,
        override_reason: Option<String>,
    ) -> Assignment {
        let limits = self.limits(e, ctx.lists);
        let arrive =
            (role == AssignmentRole::Whistle).then(|| self.due(at_ms, self.config.whistle_arrive));
        Assignment {
            n: e.assignments.len() as u32 + 1,
            parent,
            role,
            sender_unit: sender.to_string(),
            dispatched_by: by.username.clone(),
            receiver_unit: receiver.to_string(),
            status: A::Dispatched,
            item: e.item.clone(),
            override_reason,
            dispatched_ms: at_ms,
            signed_ms: None,
            responded_ms: None,
            arrived_ms: None,
            reported_ms: None,
            deadlines: Deadlines {
                sign: self.due(at_ms, limits.sign),
                return_window: self.due(at_ms, limits.return_window),
                respond: None,
                arrive,
                complete: self.due(at_ms, limits.complete),
            },
            returns: vec![],
            extensions: vec![],
            report: None,
            verified: None,
            evaluation: None,
            rework: false,
            reminders: 0,
            supervisions: 0,
            escalated: false,
            seq: 0,
        }
    }

    /// A lead hop to `lead` plus co hops (graded by the lead), all in parallel.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn route(
        &self,
        ctx: &Ctx,
        e: &mut Event,
        sender: &str,
        lead: &str,
        co: &[String],
        at_ms: i64,
        by: &Party,
        override_reason: Option<String>,
    ) -> u32 {
        let hop = self.new_hop(
            ctx,
            e,
            AssignmentRole::Lead,
            sender,
            lead,
            None,
            at_ms,
            by,
            override_reason.clone(),
        );
        let n = hop.n;
        e.assignments.push(hop);
        for c in co {
            if e.live().any(|a| a.receiver_unit == *c) {
                continue;
            }
            let hop = self.new_hop(
                ctx,
                e,
                AssignmentRole::Co,
                lead,
                c,
                Some(n),
                at_ms,
                by,
                override_reason.clone(),
            );
            e.assignments.push(hop);
        }
        n
    }

    pub(super) fn sign(&self, ctx: &Ctx, e: &Event, a: &mut Assignment, at_ms: i64) {
        let limits = self.limits(e, ctx.lists);
        a.signed_ms = Some(at_ms);
        a.deadlines.respond = Some(self.due(at_ms, limits.respond));
    }

    /// Moves the hops under `from` that are not graded yet to a new parent, graded by the new
    /// lead. A graded hop stays with the unit that graded it (谁派单、谁评价 holds afterwards).
    pub(super) fn adopt_children(e: &mut Event, from: u32, to: u32, new_sender: &str) {
        for c in e.assignments.iter_mut() {
            if c.parent == Some(from) && c.n != to && !c.status.is_gone() && c.evaluation.is_none()
            {
                c.parent = Some(to);
                c.sender_unit = new_sender.to_string();
            }
        }
    }

    /// 不满意: the graded hop is closed as reopened, an accountability case opens, and the
    /// same receiver gets a rework hop (a new hop, so each hop keeps one evaluation).
    pub(super) fn reopen(
        &mut self,
        ctx: &Ctx,
        e: &mut Event,
        mut a: Assignment,
        at_ms: i64,
        by: &Party,
        reason: String,
    ) {
        a.status = A::Reopened;
        let (role, sender, receiver, parent, n) = (
            a.role,
            a.sender_unit.clone(),
            a.receiver_unit.clone(),
            a.parent,
            a.n,
        );
        put(e, a);
        e.reopens += 1;
        self.cases.insert(
            (e.id, n),
            AccountabilityCase {
                event: e.id,
                assignment: n,
                unit: receiver.clone(),
                opened_ms: at_ms,
                reason,
                outcome: None,
                concluded_by: None,
                concluded_ms: None,
                concluded_seq: None,
            },
        );
        let mut hop = self.new_hop(ctx, e, role, &sender, &receiver, Some(n), at_ms, by, None);
        hop.parent = if role == AssignmentRole::Co {
            parent
        } else {
            Some(n)
        };
        hop.rework = true;
        self.sign(ctx, e, &mut hop, at_ms);
        hop.status = A::Signed;
        let new_n = hop.n;
        e.assignments.push(hop);
        if role != AssignmentRole::Co {
            Self::adopt_children(e, n, new_n, &receiver);
        }
    }
}

pub(super) fn end_open(e: &mut Event) {
    for a in e.assignments.iter_mut() {
        if a.status.is_open() {
            a.status = A::Ended;
        }
    }
}

/// Takes hop `n` out (replaced by a placeholder) so it can be changed while the event is read.
pub(super) fn take(e: &mut Event, n: u32) -> Assignment {
    let idx = (n as usize).saturating_sub(1);
    match e.assignments.get_mut(idx) {
        Some(slot) => slot.clone(),
        None => placeholder(n),
    }
}

pub(super) fn put(e: &mut Event, a: Assignment) {
    let idx = (a.n as usize).saturating_sub(1);
    if let Some(slot) = e.assignments.get_mut(idx) {
        *slot = a;
    }
}

fn placeholder(n: u32) -> Assignment {
    Assignment {
        n,
        parent: None,
        role: AssignmentRole::Lead,
        sender_unit: String::new(),
        dispatched_by: String::new(),
        receiver_unit: String::new(),
        status: A::Ended,
        item: None::<ItemRef>,
        override_reason: None,
        dispatched_ms: 0,
        signed_ms: None,
        responded_ms: None,
        arrived_ms: None,
        reported_ms: None,
        deadlines: Deadlines::default(),
        returns: vec![],
        extensions: vec![],
        report: None,
        verified: None,
        evaluation: None,
        rework: false,
        reminders: 0,
        supervisions: 0,
        escalated: false,
        seq: 0,
    }
}
