//! The next step of one generated event, read off its current state: the same decisions a
//! person would take at their desk, timed against the hop's real deadlines.

use super::cast::Cast;
use super::plan::{Plan, Ret, Route, DAY, HOUR, MIN};
use rand::rngs::StdRng;
use rand::Rng;
use tiaokuai_core::events::{
    Assignment, AssignmentRole as R, AssignmentStatus as A, Event, EventCmd, HandlingReport, Party,
    ReminderKind, ReturnDecision,
};
use tiaokuai_core::CountyState;

const CONTACTED: [&str; 4] = [
    "村委会主任及当事人",
    "反映人及物业负责人",
    "经营户负责人",
    "施工单位项目经理",
];
const MEASURES: [&str; 4] = [
    "现场核实情况，责令限期整改，已复查整改到位",
    "联合村委会现场调处，双方达成一致意见",
    "依法下达整改通知书，督促落实并跟踪复查",
    "组织人员现场清理处置，建立长效巡查机制",
];
const REASONS_FAIR: [&str; 3] = [
    "处置基本到位，反馈材料不够完整",
    "响应及时，群众仍有少量意见",
    "整改到位，但超出约定时间",
];
const REASONS_BAD: [&str; 3] = [
    "现场复核问题仍然存在，群众不满意",
    "反馈与实际情况不符，未真正处置",
    "推诿拖延，处置措施不到位",
];

/// A step: who, when, what.
pub(super) type Step = (Party, i64, EventCmd);

fn after(rng: &mut StdRng, clock: i64, lo: i64, hi: i64) -> i64 {
    clock + rng.gen_range(lo..hi)
}

/// A time before `due` (when there is room), else just after the clock.
fn on_time(rng: &mut StdRng, clock: i64, due: i64, lo: i64, hi: i64) -> i64 {
    let t = after(rng, clock, lo, hi);
    if t < due {
        t
    } else if due - clock > MIN {
        clock + rng.gen_range(MIN / 2..(due - clock))
    } else {
        clock + MIN / 2
    }
}

fn late(rng: &mut StdRng, clock: i64, due: i64, lo: i64, hi: i64) -> i64 {
    due.max(clock) + rng.gen_range(lo..hi)
}

/// The first county lead hop: the one the plan's lateness, returns and grade apply to.
fn is_main(e: &Event, a: &Assignment) -> bool {
    a.role == R::Lead
        && !a.rework
        && e.assignments
            .iter()
            .find(|x| x.role == R::Lead)
            .is_some_and(|x| x.n == a.n)
}

pub(super) fn next(s: &CountyState, cast: &Cast, p: &Plan, rng: &mut StdRng) -> Option<Step> {
    let e = s.events.event(p.id)?;
    let c = p.clock;
    let k = p.k;
    let disp = super::cast::pick(&cast.dispatchers, k);
    if e.status.is_final() {
        // Accountability cases are concluded by 纪委 after the event.
        if !p.conclude_case {
            return None;
        }
        let (_, case) = s
            .events
            .cases
            .range((p.id, 0)..=(p.id, u32::MAX))
            .find(|(_, c)| c.outcome.is_none())?;
        let cmd = EventCmd::ConcludeCase {
            event: p.id,
            assignment: case.assignment,
            outcome: "已约谈单位负责人，责令书面检查并通报".into(),
        };
        return Some((cast.jiwei.clone()?, after(rng, c, 2 * DAY, 9 * DAY), cmd));
    }
    let caller = cast.sender(s, &e.caller_unit, k)?;
    if let Some(_d) = e.open_dispute() {
        let Ret::Dispute(primary) = &p.ret else {
            return None;
        };
        let cmd = EventCmd::Rule {
            event: p.id,
            primary: primary.clone(),
            supporting: vec![],
            reasoning: "依据属地管理事项清单及部门三定规定，明确主体责任".into(),
            open_adjustment: false,
        };
        return Some((cast.bianban.clone()?, after(rng, c, 4 * HOUR, 3 * DAY), cmd));
    }
    let live: Vec<&Assignment> = e.live().collect();
    if live.is_empty() {
        let op = p.op.clone();
        let id = p.id;
        return match (&p.route, e.called_ms.is_some()) {
            (Route::SelfClose, false) => Some((
                op,
                after(rng, c, 20 * MIN, 6 * HOUR),
                EventCmd::SelfClose {
                    event: id,
                    note: "网格员、村两委现场处置完毕，群众认可".into(),
                },
            )),
            (Route::Assign(unit), false) => Some((
                op,
                after(rng, c, 10 * MIN, 90 * MIN),
                EventCmd::Assign {
                    event: id,
                    unit: unit.clone(),
                    item: None,
                    note: "请派驻机构到场处置".into(),
                },
            )),
            (Route::Whistle(units), _) => Some((
                op,
                after(rng, c, 5 * MIN, 40 * MIN),
                EventCmd::Whistle {
                    event: id,
                    units: units.clone(),
                    note: "乡镇吹哨，请各部门到场报到".into(),
                },
            )),
            (_, false) => Some((
                op,
                after(rng, c, 10 * MIN, 2 * HOUR),
                EventCmd::Call {
                    event: id,
                    item: Some(cast.items.get(p.item)?.item.clone()),
                    note: "镇级处置权限不足，呼叫县级".into(),
                },
            )),
            (_, true) => {
                let it = cast.items.get(p.item)?;
                Some((
                    disp?,
                    after(rng, c, 10 * MIN, 3 * HOUR),
                    EventCmd::Dispatch {
                        event: id,
                        item: Some(it.item.clone()),
                        lead: it.lead.clone(),
                        co: it.co.clone(),
                        override_reason: None,
                        note: String::new(),
                        suggested: None,
                    },
                ))
            }
        };
    }
    // Urgent steps first (sign, respond, decide a return), each hop's in turn; of the
    // later steps the co-departments' first (they report into the lead, which grades them).
    let rank = |a: &Assignment| match a.status {
        A::Dispatched => 0,
        A::Signed => 1,
        A::ReturnRequested => 2,
        _ => 3,
    };
    let mut hops = live.clone();
    hops.sort_by_key(|a| (rank(a), a.role != R::Co, a.n));
    for a in hops {
        if let Some(step) = hop_step(s, cast, p, e, a, &caller, disp.as_ref(), rng) {
            return Some(step);
        }
    }
    // Everything graded: the caller closes it.
    Some((
        caller,
        after(rng, c, 10 * MIN, 4 * HOUR),
        EventCmd::Close {
            event: p.id,
            note: "已核实办结".into(),
        },
    ))
}

#[allow(clippy::too_many_arguments)]
fn hop_step(
    s: &CountyState,
    cast: &Cast,
    p: &Plan,
    e: &Event,
    a: &Assignment,
    caller: &Party,
    disp: Option<&Party>,
    rng: &mut StdRng,
) -> Option<Step> {
    let (c, id, n) = (p.clock, p.id, a.n);
    let main = is_main(e, a);
    let township = a.role == R::Township;
    let receiver = || cast.handler(&s.org, &a.receiver_unit, p.k);
    match a.status {
        A::ReturnRequested => {
            let decision = match &p.ret {
                Ret::Accept(unit) if !township => ReturnDecision::Reassign {
                    lead: unit.clone(),
                    co: vec![],
                    override_reason: Some("退单理由成立，按职责改派".into()),
                    note: "经核实不属该单位职责，予以改派".into(),
                },
                Ret::Dispute(_) if !township => ReturnDecision::Dispute {
                    note: "双方对职责归属存在争议，提请编办裁定".into(),
                },
                _ => ReturnDecision::Reject {
                    note: "属清单所列主体责任，退单理由不成立".into(),
                },
            };
            let who = if township {
                p.op.clone()
            } else {
                disp?.clone()
            };
            let cmd = EventCmd::DecideReturn {
                event: id,
                assignment: n,
                decision,
            };
            Some((who, after(rng, c, 20 * MIN, 5 * HOUR), cmd))
        }
        A::Dispatched => {
            let who = receiver()?;
            if a.role == R::Whistle {
                let due = a.deadlines.arrive.unwrap_or(a.deadlines.sign);
                let cmd = EventCmd::CheckIn {
                    event: id,
                    assignment: n,
                    note: "已到场报到".into(),
                };
                return Some((who, on_time(rng, c, due, 5 * MIN, 28 * MIN), cmd));
            }
            let returned = e.assignments.iter().any(|x| !x.returns.is_empty());
            if main && p.ret != Ret::None && !returned {
                let at = on_time(rng, c, a.deadlines.return_window, 15 * MIN, 2 * HOUR);
                if at < a.deadlines.return_window {
                    let cmd = EventCmd::RequestReturn {
                        event: id,
                        assignment: n,
                        reason: "该事项不属本单位法定职责".into(),
                        legal_basis: "部门三定规定；属地管理事项清单".into(),
                    };
                    return Some((who, at, cmd));
                }
            }
            let at = if main && p.late_sign {
                late(rng, c, a.deadlines.sign, 10 * MIN, 5 * HOUR)
            } else {
                on_time(rng, c, a.deadlines.sign, 2 * MIN, 25 * MIN)
            };
            let cmd = EventCmd::Sign {
                event: id,
                assignment: n,
            };
            Some((who, at, cmd))
        }
        A::Signed => {
            let due = a.deadlines.respond.unwrap_or(a.deadlines.complete);
            let cmd = EventCmd::Respond {
                event: id,
                assignment: n,
                contacted: CONTACTED[(p.k % 4) as usize].into(),
                arrived: true,
                note: String::new(),
            };
            Some((receiver()?, on_time(rng, c, due, 10 * MIN, 100 * MIN), cmd))
        }
        A::InProgress => {
            if a.role != R::Co
                && e.live()
                    .any(|x| x.role == R::Co && x.parent == Some(n) && x.status.is_open())
            {
                return None;
            }
            let is_late = main && p.late_report;
            if is_late && p.remind && a.reminders == 0 {
                let at = late(rng, c, a.deadlines.complete, 30 * MIN, 6 * HOUR);
                let who = if township {
                    p.op.clone()
                } else {
                    disp?.clone()
                };
                let cmd = EventCmd::Remind {
                    event: id,
                    assignment: n,
                    kind: ReminderKind::Remind,
                    note: "已超期，请抓紧办理并反馈".into(),
                };
                return Some((who, at, cmd));
            }
            let at = if is_late {
                late(rng, c, a.deadlines.complete, 8 * HOUR, 4 * DAY)
            } else {
                let span = (a.deadlines.complete - c).max(2 * HOUR);
                on_time(rng, c, a.deadlines.complete, 30 * MIN, span * 3 / 4)
            };
            let accepted = a.signed_ms.unwrap_or(a.dispatched_ms).min(at);
            let cmd = EventCmd::ReportBack {
                event: id,
                assignment: n,
                report: HandlingReport {
                    accepted_at_ms: accepted,
                    contacted: CONTACTED[(p.k % 4) as usize].into(),
                    measures: MEASURES[(p.k / 4 % 4) as usize].into(),
                    resolve_by: "已办结".into(),
                    photos: vec![],
                },
                note: String::new(),
            };
            Some((receiver()?, at, cmd))
        }
        A::Reported => {
            if a.evaluation.is_some() {
                return None;
            }
            let level = if a.role == R::Co || a.rework {
                u8::from(rng.gen_bool(0.2))
            } else if main {
                p.level
            } else {
                p.level.min(1)
            };
            let reason = match level {
                0 => String::new(),
                1 => REASONS_FAIR[(p.k % 3) as usize].into(),
                _ => REASONS_BAD[(p.k % 3) as usize].into(),
            };
            let who = if a.sender_unit == e.caller_unit {
                caller.clone()
            } else {
                cast.sender(s, &a.sender_unit, p.k)?
            };
            let cmd = EventCmd::Evaluate {
                event: id,
                assignment: n,
                level,
                reason,
            };
            Some((who, after(rng, c, 30 * MIN, 20 * HOUR), cmd))
        }
        _ => None,
    }
}
