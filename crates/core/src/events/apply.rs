//! Folding workflow commands into the event book. Assumes `check` passed when the command was
//! appended; never fails, never panics.

use super::book::{EventBook, PublicFeedback};
use super::check::Ctx;
use super::cmd::{EventCmd, ReminderKind, ReturnDecision};
use super::hops::{end_open, put, take};
use super::model::{
    Appeal, AppealDecision, AssignmentRole, AssignmentStatus as A, Dispute, Evaluation, Event,
    EventStatus as E, Extension, Party, ReturnRequest, Ruling,
};
use super::township::{accept_returns_on_call, is_township_hop};
use super::who::effective_unit;
use crate::calendar::{cst_date, Limit};
use crate::org::RoleKind;
use chrono::Datelike;

impl EventBook {
    /// Folds `cmd`, appended as log entry `seq` at `at_ms` by `by`.
    pub fn apply(&mut self, ctx: &Ctx, seq: u64, at_ms: i64, by: &Party, cmd: &EventCmd) {
        // The check admitted the command, so its photos now belong to the event.
        if let Some(id) = cmd
            .event_id()
            .or(matches!(cmd, EventCmd::Report { .. }).then_some(seq))
        {
            for h in cmd.photos() {
                self.photo_events.entry(h.clone()).or_default().insert(id);
            }
        }
        if let EventCmd::Report { event } = cmd {
            let year = cst_date(at_ms).year();
            let n = self.per_year.entry(year).or_insert(0);
            *n += 1;
            let caller_unit = match by.role {
                RoleKind::CountyDispatcher => by.unit.clone(),
                RoleKind::GridWorker => ctx
                    .org
                    .township_of(&by.unit)
                    .map(|t| t.code.clone())
                    .unwrap_or_else(|| by.unit.clone()),
                r => effective_unit(ctx.org, r, &by.unit),
            };
            let called = event.call || by.role == RoleKind::CountyDispatcher;
            let e = Event {
                id: seq,
                no: format!("{year}-{n:06}"),
                facts: event.clone(),
                item: event.item.clone(),
                reporter: by.username.clone(),
                origin_unit: by.unit.clone(),
                caller_unit,
                created_ms: at_ms,
                called_ms: called.then_some(at_ms),
                closed_ms: None,
                status: if called { E::Called } else { E::Draft },
                assignments: vec![],
                disputes: vec![],
                note: String::new(),
                returns: 0,
                reopens: 0,
                history: vec![seq],
                seq,
                suggested: None,
            };
            self.events.insert(seq, e);
            return;
        }
        let Some(id) = cmd.event_id() else { return };
        if matches!(
            cmd,
            EventCmd::ConcludeCase { .. } | EventCmd::PublicFeedback { .. }
        ) {
            // Records kept beside the event: a closed event never changes.
            self.apply_side_record(id, seq, at_ms, by, cmd);
            return;
        }
        let Some(mut e) = self.events.remove(&id) else {
            return;
        };
        self.apply_to(ctx, &mut e, at_ms, by, cmd);
        e.seq = seq;
        e.history.push(seq);
        let n = cmd.assignment();
        for a in e.assignments.iter_mut() {
            if a.seq == 0 || Some(a.n) == n {
                a.seq = seq;
            }
        }
        if !matches!(
            cmd,
            EventCmd::SelfClose { .. }
                | EventCmd::Cancel { .. }
                | EventCmd::Close { .. }
                | EventCmd::Shelve { .. }
        ) {
            e.status = EventBook::derive_status(&e);
        }
        self.events.insert(id, e);
    }

    fn apply_to(&mut self, ctx: &Ctx, e: &mut Event, at_ms: i64, by: &Party, cmd: &EventCmd) {
        let hop_n = cmd.assignment().unwrap_or(0);
        match cmd {
            EventCmd::Report { .. } => {}
            EventCmd::SelfClose { note, .. } => {
                e.status = E::SelfClosed;
                e.closed_ms = Some(at_ms);
                e.note = note.clone();
            }
            EventCmd::Call { item, .. } => {
                if item.is_some() {
                    e.item = item.clone();
                }
                accept_returns_on_call(e);
                e.status = E::Called;
                e.called_ms = Some(at_ms);
            }
            EventCmd::Cancel { reason, .. } | EventCmd::Shelve { reason, .. } => {
                e.status = if matches!(cmd, EventCmd::Cancel { .. }) {
                    E::Cancelled
                } else {
                    E::Shelved
                };
                e.closed_ms = Some(at_ms);
                e.note = reason.clone();
                end_open(e);
            }
            EventCmd::Close { note, .. } => {
                e.status = E::Closed;
                e.closed_ms = Some(at_ms);
                e.note = note.clone();
                end_open(e);
            }
            EventCmd::Dispatch {
                item,
                lead,
                co,
                override_reason,
                suggested,
                ..
            } => {
                e.item = item.clone();
                e.suggested = suggested.clone();
                let caller = e.caller_unit.clone();
                self.route(
                    ctx,
                    e,
                    &caller,
                    lead,
                    co,
                    at_ms,
                    by,
                    override_reason.clone(),
                );
            }
            EventCmd::Assign { unit, item, .. } => {
                self.apply_assign(ctx, e, at_ms, by, unit, item.as_ref());
            }
            EventCmd::Whistle { units, .. } => {
                if e.called_ms.is_none() {
                    e.called_ms = Some(at_ms);
                }
                e.status = E::Called;
                let caller = e.caller_unit.clone();
                for u in units {
                    let hop = self.new_hop(
                        ctx,
                        e,
                        AssignmentRole::Whistle,
                        &caller,
                        u,
                        None,
                        at_ms,
                        by,
                        None,
                    );
                    e.assignments.push(hop);
                }
            }
            EventCmd::Sign { .. } => {
                let mut a = take(e, hop_n);
                self.sign(ctx, e, &mut a, at_ms);
                a.status = A::Signed;
                put(e, a);
            }
            EventCmd::CheckIn { .. } => {
                let mut a = take(e, hop_n);
                if a.signed_ms.is_none() {
                    self.sign(ctx, e, &mut a, at_ms);
                }
                a.arrived_ms = Some(at_ms);
                a.responded_ms.get_or_insert(at_ms);
                a.status = A::InProgress;
                put(e, a);
            }
            EventCmd::RequestReturn {
                reason,
                legal_basis,
                ..
            } => {
                // The rule (and the township exception) is the configuration's, so the
                // return form can say beforehand that this return goes to 编办.
                let to_dispute = self.config.return_becomes_dispute(e, hop_n);
                let mut a = take(e, hop_n);
                a.returns.push(ReturnRequest {
                    by: by.username.clone(),
                    at_ms,
                    reason: reason.clone(),
                    legal_basis: legal_basis.clone(),
                    outcome: to_dispute.then(|| "disputed".to_string()),
                });
                if to_dispute {
                    // Work continues under the current division until 编办 rules.
                    if a.signed_ms.is_none() {
                        self.sign(ctx, e, &mut a, at_ms);
                    }
                    a.status = A::Signed;
                    e.returns += 1;
                    e.disputes.push(Dispute {
                        assignment: a.n,
                        opened_ms: at_ms,
                        reason: format!("第{}次退单：{reason}", e.returns),
                        ruling: None,
                    });
                } else {
                    a.status = A::ReturnRequested;
                }
                put(e, a);
            }
            EventCmd::DecideReturn { decision, .. } => {
                let mut a = take(e, hop_n);
                let outcome = match decision {
                    ReturnDecision::Reassign { .. } => "accepted",
                    ReturnDecision::Reject { .. } => "rejected",
                    ReturnDecision::Dispute { .. } => "disputed",
                };
                if let Some(r) = a.returns.last_mut() {
                    r.outcome = Some(outcome.to_string());
                }
                match decision {
                    ReturnDecision::Reassign {
                        lead,
                        co,
                        override_reason,
                        ..
                    } => {
                        a.status = A::Returned;
                        if !is_township_hop(&a) {
                            e.returns += 1;
                        }
                        let (role, sender, parent, old_n) =
                            (a.role, a.sender_unit.clone(), a.parent, a.n);
                        put(e, a);
                        if role == AssignmentRole::Lead {
                            let n = self.route(
                                ctx,
                                e,
                                &sender,
                                lead,
                                co,
                                at_ms,
                                by,
                                override_reason.clone(),
                            );
                            Self::adopt_children(e, old_n, n, lead);
                        } else {
                            let hop = self.new_hop(
                                ctx,
                                e,
                                role,
                                &sender,
                                lead,
                                parent,
                                at_ms,
                                by,
                                override_reason.clone(),
                            );
                            e.assignments.push(hop);
                        }
                        return;
                    }
                    ReturnDecision::Reject { .. } => {
                        if a.signed_ms.is_none() {
                            self.sign(ctx, e, &mut a, at_ms);
                        }
                        a.status = A::Signed;
                    }
                    ReturnDecision::Dispute { note } => {
                        if a.signed_ms.is_none() {
                            self.sign(ctx, e, &mut a, at_ms);
                        }
                        a.status = A::Signed;
                        e.returns += 1;
                        e.disputes.push(Dispute {
                            assignment: a.n,
                            opened_ms: at_ms,
                            reason: note.clone(),
                            ruling: None,
                        });
                    }
                }
                put(e, a);
            }
            EventCmd::Rule {
                primary,
                supporting,
                reasoning,
                open_adjustment,
                ..
            } => {
                let Some(d) = e.disputes.iter_mut().find(|d| d.ruling.is_none()) else {
                    return;
                };
                d.ruling = Some(Ruling {
                    by: by.username.clone(),
                    at_ms,
                    primary: primary.clone(),
                    supporting: supporting.clone(),
                    reasoning: reasoning.clone(),
                    open_adjustment: *open_adjustment,
                });
                let disputed = d.assignment;
                let Some(old) = e.assignment(disputed).cloned() else {
                    return;
                };
                let mut lead_n = old.n;
                let mut lead_unit = old.receiver_unit.clone();
                if old.receiver_unit != *primary && !old.status.is_gone() {
                    if let Some(a) = e.assignment_mut(disputed) {
                        a.status = A::Transferred;
                    }
                    let hop = self.new_hop(
                        ctx,
                        e,
                        old.role,
                        &old.sender_unit,
                        primary,
                        old.parent,
                        at_ms,
                        by,
                        None,
                    );
                    lead_n = hop.n;
                    lead_unit = primary.clone();
                    e.assignments.push(hop);
                    Self::adopt_children(e, old.n, lead_n, primary);
                }
                for s in supporting {
                    if e.live().any(|a| a.receiver_unit == *s) {
                        continue;
                    }
                    let hop = self.new_hop(
                        ctx,
                        e,
                        AssignmentRole::Co,
                        &lead_unit,
                        s,
                        Some(lead_n),
                        at_ms,
                        by,
                        None,
                    );
                    e.assignments.push(hop);
                }
            }
            EventCmd::Respond { arrived, .. } => {
                if let Some(a) = e.assignment_mut(hop_n) {
                    a.responded_ms.get_or_insert(at_ms);
                    if *arrived {
                        a.arrived_ms.get_or_insert(at_ms);
                    }
                    a.status = A::InProgress;
                }
            }
            EventCmd::Note { .. } => {}
            EventCmd::RequestExtension { days, reason, .. } => {
                if let Some(a) = e.assignment_mut(hop_n) {
                    a.extensions.push(Extension {
                        by: by.username.clone(),
                        at_ms,
                        days: *days,
                        reason: reason.clone(),
                        approved: None,
                        decided_by: None,
                        decided_ms: None,
                    });
                    a.status = A::ExtensionRequested;
                }
            }
            EventCmd::DecideExtension { approve, .. } => {
                let pause = self.config.pause_while_extension_pending;
                let cal = &self.calendar;
                if let Some(a) = e.assignment_mut(hop_n) {
                    let Some(x) = a.extensions.last_mut() else {
                        return;
                    };
                    x.approved = Some(*approve);
                    x.decided_by = Some(by.username.clone());
                    x.decided_ms = Some(at_ms);
                    let mut due = a.deadlines.complete;
                    if *approve {
                        due = cal.add(due, Limit::WorkingDays(x.days));
                    }
                    if pause {
                        due = cal.add_working_ms(due, cal.working_ms_between(x.at_ms, at_ms));
                    }
                    a.deadlines.complete = due;
                    a.status = if a.responded_ms.is_some() {
                        A::InProgress
                    } else {
                        A::Signed
                    };
                }
            }
            EventCmd::ReportBack { report, .. } => {
                if let Some(a) = e.assignment_mut(hop_n) {
                    a.report = Some(report.clone());
                    a.reported_ms = Some(at_ms);
                    a.responded_ms.get_or_insert(at_ms);
                    a.status = A::Reported;
                }
            }
            EventCmd::Verify { pass, .. } => {
                let limits = self.limits(e, ctx.lists);
                let due = self.due(at_ms, limits.complete);
                let mut failed = false;
                if let Some(a) = e.assignment_mut(hop_n) {
                    a.verified = Some(*pass);
                    if !*pass {
                        a.status = A::InProgress;
                        a.deadlines.complete = due;
                        failed = true;
                    }
                }
                if failed {
                    e.reopens += 1;
                }
            }
            EventCmd::Evaluate { level, reason, .. } => {
                let scale = &self.config.scale;
                let passed = scale.passes(*level);
                let label = scale.label(*level).unwrap_or_default().to_string();
                let mut a = take(e, hop_n);
                a.evaluation = Some(Evaluation {
                    unit: a.sender_unit.clone(),
                    by: by.username.clone(),
                    at_ms,
                    level: *level,
                    label: label.clone(),
                    passed,
                    reason: reason.clone(),
                    appeal: None,
                });
                if passed {
                    a.status = A::Evaluated;
                    put(e, a);
                } else {
                    self.reopen(ctx, e, a, at_ms, by, format!("{label}：{reason}"));
                }
            }
            EventCmd::Appeal { reason, .. } => {
                if let Some(ev) = e.assignment_mut(hop_n).and_then(|a| a.evaluation.as_mut()) {
                    ev.appeal = Some(Appeal {
                        by: by.username.clone(),
                        at_ms,
                        reason: reason.clone(),
                        decision: None,
                    });
                }
            }
            EventCmd::DecideAppeal {
                upheld,
                new_level,
                note,
                ..
            } => {
                let scale = self.config.scale.clone();
                let mut reversed_fail = false;
                if let Some(a) = e.assignment_mut(hop_n) {
                    if let Some(ev) = a.evaluation.as_mut() {
                        if let Some(ap) = ev.appeal.as_mut() {
                            ap.decision = Some(AppealDecision {
                                upheld: *upheld,
                                new_level: *new_level,
                                by: by.username.clone(),
                                note: note.clone(),
                                at_ms,
                            });
                        }
                        if let (false, Some(l)) = (*upheld, new_level) {
                            let was_failed = !ev.passed;
                            ev.level = *l;
                            ev.label = scale.label(*l).unwrap_or_default().to_string();
                            ev.passed = scale.passes(*l);
                            if was_failed && ev.passed {
                                a.status = A::Evaluated;
                                reversed_fail = true;
                            }
                        }
                    }
                }
                if reversed_fail {
                    // The rework hop is no longer owed, and the case is dismissed.
                    for c in e.assignments.iter_mut() {
                        if c.parent == Some(hop_n) && c.rework && c.status.is_open() {
                            c.status = A::Ended;
                        }
                    }
                    if let Some(c) = self.cases.get_mut(&(e.id, hop_n)) {
                        if c.outcome.is_none() {
                            c.outcome = Some(format!("申诉成立，不予追责：{note}"));
                            c.concluded_by = Some(by.username.clone());
                            c.concluded_ms = Some(at_ms);
                        }
                    }
                }
            }
            EventCmd::Remind { kind, .. } => {
                if let Some(a) = e.assignment_mut(hop_n) {
                    match kind {
                        ReminderKind::Remind => a.reminders += 1,
                        ReminderKind::Supervise => a.supervisions += 1,
                        ReminderKind::Escalate => a.escalated = true,
                    }
                }
            }
            EventCmd::PublicFeedback { .. } | EventCmd::ConcludeCase { .. } => {}
        }
    }

    fn apply_side_record(&mut self, id: u64, seq: u64, at_ms: i64, by: &Party, cmd: &EventCmd) {
        let hop_n = cmd.assignment().unwrap_or(0);
        match cmd {
            EventCmd::PublicFeedback { level, comment, .. } => {
                self.feedback.insert(
                    id,
                    PublicFeedback {
                        level: *level,
                        label: self
                            .config
                            .scale
                            .label(*level)
                            .unwrap_or_default()
                            .to_string(),
                        comment: comment.clone(),
                        by: by.username.clone(),
                        at_ms,
                        seq,
                    },
                );
            }
            EventCmd::ConcludeCase { outcome, .. } => {
                if let Some(c) = self.cases.get_mut(&(id, hop_n)) {
                    c.outcome = Some(outcome.clone());
                    c.concluded_by = Some(by.username.clone());
                    c.concluded_ms = Some(at_ms);
                    c.concluded_seq = Some(seq);
                }
            }
            _ => {}
        }
    }
}
