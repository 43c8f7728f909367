//! One card per hop (who sent what to whom, times and deadlines, the report back, returns,
//! extensions, the grade and any appeal), and the disputes and accountability cases on hops.

use crate::i18n::Lang;
use crate::pages::events::view::{self, Due};
use tiaokuai_core::events::Assignment;
use tiaokuai_core::state::CountyState;

pub struct ReportView {
    pub accepted_at: String,
    pub contacted: String,
    pub measures: String,
    pub resolve_by: String,
    pub photos: Vec<String>,
}

pub struct ReturnView {
    pub by: String,
    pub at: String,
    pub reason: String,
    pub legal_basis: String,
    pub outcome: &'static str,
}

pub struct ExtensionView {
    pub by: String,
    pub at: String,
    pub days: u32,
    pub reason: String,
    pub decision: String,
}

pub struct EvalView {
    pub by: String,
    pub at: String,
    pub label: String,
    pub passed: bool,
    pub reason: String,
    pub appeal: Option<(String, String, String, String)>,
}

pub struct HopView {
    pub n: u32,
    pub parent: Option<u32>,
    pub sender: String,
    pub receiver: String,
    pub role: &'static str,
    pub role_code: &'static str,
    pub status: &'static str,
    pub gone: bool,
    pub rework: bool,
    pub item: String,
    pub override_reason: String,
    pub dispatched: String,
    pub dispatched_by: String,
    pub times: Vec<(&'static str, String)>,
    pub deadlines: Vec<(&'static str, String)>,
    pub due: Option<Due>,
    pub report: Option<ReportView>,
    pub verified: &'static str,
    pub returns: Vec<ReturnView>,
    pub extensions: Vec<ExtensionView>,
    pub evaluation: Option<EvalView>,
    pub reminders: String,
}

pub struct DisputeView {
    pub hop: u32,
    pub opened: String,
    pub reason: String,
    pub ruling: Option<(String, String, String, String, String, bool)>,
}

pub struct CaseView {
    pub hop: u32,
    pub unit: String,
    pub opened: String,
    pub reason: String,
    pub outcome: String,
}

pub(super) fn item_label(st: &CountyState, r: &tiaokuai_core::events::ItemRef) -> String {
    match st.lists.item_at(&r.id, r.version) {
        Some(i) => format!("{} {}（第{}版）", i.number, i.name, r.version),
        None => format!("{}（第{}版）", r.id, r.version),
    }
}

pub(super) fn hop_view(st: &CountyState, a: &Assignment, now: i64, l: Lang) -> HopView {
    let org = &st.org;
    let book = &st.events;
    let mut times = vec![];
    for (label, t) in [
        (l.pick("签收", "Signed"), a.signed_ms),
        (l.pick("响应", "Responded"), a.responded_ms),
        (l.pick("到场", "On site"), a.arrived_ms),
        (l.pick("反馈", "Reported"), a.reported_ms),
    ] {
        if let Some(t) = t {
            times.push((label, view::time(t)));
        }
    }
    let d = &a.deadlines;
    let mut deadlines = vec![
        (l.pick("签收时限", "Sign by"), view::time(d.sign)),
        (l.pick("退单时限", "Return by"), view::time(d.return_window)),
    ];
    if let Some(r) = d.respond {
        deadlines.push((l.pick("响应时限", "Respond by"), view::time(r)));
    }
    if let Some(r) = d.arrive {
        deadlines.push((l.pick("到场时限", "Arrive by"), view::time(r)));
    }
    deadlines.push((l.pick("办结时限", "Complete by"), view::time(d.complete)));
    let outcome = |o: &Option<String>| match o.as_deref() {
        None => l.pick("待审核", "pending"),
        Some("accepted") => l.pick("已同意（改派）", "accepted (reassigned)"),
        Some("rejected") => l.pick("已驳回", "rejected"),
        Some("disputed") => l.pick("转编办裁定", "referred to 编办"),
        Some(_) => "",
    };
    HopView {
        n: a.n,
        parent: a.parent,
        sender: view::unit_full(org, &a.sender_unit),
        receiver: view::unit_full(org, &a.receiver_unit),
        role: view::role(a.role, l),
        role_code: a.role.as_str(),
        status: view::hop_status(a.status, l),
        gone: a.status.is_gone(),
        rework: a.rework,
        item: a
            .item
            .as_ref()
            .map(|r| item_label(st, r))
            .unwrap_or_default(),
        override_reason: a.override_reason.clone().unwrap_or_default(),
        dispatched: view::time(a.dispatched_ms),
        dispatched_by: view::person(org, &a.dispatched_by),
        times,
        deadlines,
        due: view::due_of(book, a, now, l),
        report: a.report.as_ref().map(|r| ReportView {
            accepted_at: view::time(r.accepted_at_ms),
            contacted: r.contacted.clone(),
            measures: r.measures.clone(),
            resolve_by: r.resolve_by.clone(),
            photos: r.photos.clone(),
        }),
        verified: match a.verified {
            Some(true) => l.pick("现场核查：通过", "Verified on site: passed"),
            Some(false) => l.pick("现场核查：未通过", "Verified on site: failed"),
            None => "",
        },
        returns: a
            .returns
            .iter()
            .map(|r| ReturnView {
                by: view::person(org, &r.by),
                at: view::time(r.at_ms),
                reason: r.reason.clone(),
                legal_basis: r.legal_basis.clone(),
                outcome: outcome(&r.outcome),
            })
            .collect(),
        extensions: a
            .extensions
            .iter()
            .map(|x| ExtensionView {
                by: view::person(org, &x.by),
                at: view::time(x.at_ms),
                days: x.days,
                reason: x.reason.clone(),
                decision: match (x.approved, &x.decided_by) {
                    (None, _) => l.pick("待审批", "awaiting decision").to_string(),
                    (Some(ok), by) => format!(
                        "{} · {} {}",
                        if ok {
                            l.pick("已批准", "approved")
                        } else {
                            l.pick("未批准", "refused")
                        },
                        by.as_deref()
                            .map(|b| view::person(org, b))
                            .unwrap_or_default(),
                        view::opt_time(x.decided_ms)
                    ),
                },
            })
            .collect(),
        evaluation: a.evaluation.as_ref().map(|v| EvalView {
            by: format!(
                "{} · {}",
                view::unit(org, &v.unit),
                view::person(org, &v.by)
            ),
            at: view::time(v.at_ms),
            label: view::grade(&v.label, l),
            passed: v.passed,
            reason: v.reason.clone(),
            appeal: v.appeal.as_ref().map(|ap| {
                (
                    view::person(org, &ap.by),
                    view::time(ap.at_ms),
                    ap.reason.clone(),
                    match &ap.decision {
                        None => l.pick("待裁决", "awaiting decision").to_string(),
                        Some(d) => format!(
                            "{}{} · {} · {}",
                            if d.upheld {
                                l.pick("维持原评价", "grade upheld")
                            } else {
                                l.pick("改评为", "changed to ")
                            },
                            d.new_level
                                .and_then(|x| book.config.scale.label(x))
                                .filter(|_| !d.upheld)
                                .map(|x| view::grade(x, l))
                                .unwrap_or_default(),
                            d.note,
                            view::person(org, &d.by)
                        ),
                    },
                )
            }),
        }),
        reminders: {
            let mut v = vec![];
            if a.reminders > 0 {
                v.push(format!("{} ×{}", l.pick("催办", "reminders"), a.reminders));
            }
            if a.supervisions > 0 {
                v.push(format!(
                    "{} ×{}",
                    l.pick("督办", "supervision"),
                    a.supervisions
                ));
            }
            if a.escalated {
                v.push(l.pick("已升级督办", "escalated").to_string());
            }
            v.join(" · ")
        },
    }
}
