//! The admission flow and each refusal, on a small county with the 2026 calendar (春节).

use super::*;
use crate::calendar::{parse_cst, OfficeHours, WorkCalendar};
use crate::error::{AdmissionReason as R, Reason};
use crate::events::Party;
use crate::org::{RoleKind, Unit, UnitKind};
use crate::{CountyState, DomainError, Transition};

fn unit(code: &str, kind: UnitKind, parent: Option<&str>) -> Unit {
    Unit {
        code: code.into(),
        name: format!("{code}名"),
        short_name: code.into(),
        aliases: vec![],
        kind,
        parent: parent.map(Into::into),
        owner_department: None,
        township: None,
    }
}

fn world() -> CountyState {
    let mut s = CountyState::default();
    for u in [
        unit("C", UnitKind::City, None),
        unit("K", UnitKind::County, Some("C")),
        unit("T1", UnitKind::Town, Some("K")),
        unit("T2", UnitKind::Subdistrict, Some("K")),
        unit("D1", UnitKind::Department, Some("K")),
        unit("D2", UnitKind::Department, Some("K")),
        unit("BB", UnitKind::Department, Some("K")),
        unit("SF", UnitKind::Department, Some("K")),
    ] {
        s.check_and_apply(&Transition::UnitSaved { unit: u })
            .unwrap();
    }
    let days = WorkCalendar::parse_csv(crate::calendar::BUILTIN_CSV).unwrap();
    s.check_and_apply(&Transition::CalendarSet {
        days,
        hours: Some(OfficeHours::default()),
    })
    .unwrap();
    s
}

fn p(user: &str, role: RoleKind, unit: &str) -> Party {
    Party {
        username: user.into(),
        role,
        unit: unit.into(),
    }
}

fn dept() -> Party {
    p("zj", RoleKind::DepartmentHandler, "D1")
}
fn town1() -> Party {
    p("op1", RoleKind::TownshipOperator, "T1")
}
fn town2() -> Party {
    p("op2", RoleKind::TownshipOperator, "T2")
}
fn bb() -> Party {
    p("bb", RoleKind::EstablishmentReviewer, "BB")
}
fn sf() -> Party {
    p("sf", RoleKind::JusticeReviewer, "SF")
}
fn leader() -> Party {
    p("ld", RoleKind::Leader, "K")
}

/// Thursday 2026-02-12, 10:00 China time: the 春节 holiday follows.
fn t0() -> i64 {
    parse_cst("2026-02-12T10:00").unwrap()
}
const DAY: i64 = 86_400_000;

fn app() -> Application {
    Application {
        title: "垃圾分类入户宣传".into(),
        content: "每季度入户宣传一次".into(),
        basis: "《某市生活垃圾管理条例》第十条".into(),
        start_date: "2026-04-01".into(),
        end_date: "2026-12-31".into(),
        recurring: true,
        powers: "督促检查权".into(),
        funds: "每镇 2 万元".into(),
        staff: "协管员 2 名".into(),
        attachments: vec!["条例.pdf".into()],
        consult: vec![],
    }
}

fn go(s: &mut CountyState, at: i64, by: Party, cmd: AdmissionCmd) -> Result<u64, DomainError> {
    let t = Transition::Admission { at_ms: at, by, cmd };
    let seq = s.log_len;
    s.check_and_apply(&t)?;
    Ok(seq)
}

fn field(e: &DomainError) -> &str {
    match e {
        DomainError::Invalid(v) => &v[0].field,
        _ => "",
    }
}

fn reason(e: &DomainError) -> Reason {
    e.reason().cloned().unwrap()
}

/// Applies, both townships give opinions, 编办, 司法局, the county approves.
fn admitted(s: &mut CountyState) -> u64 {
    let id = go(s, t0(), dept(), AdmissionCmd::Apply { application: app() }).unwrap();
    for t in [town1(), town2()] {
        go(
            s,
            t0() + DAY,
            t,
            AdmissionCmd::Opinion {
                id,
                agree: true,
                text: String::new(),
            },
        )
        .unwrap();
    }
    for (by, review) in [(bb(), Review::Establishment), (sf(), Review::Justice)] {
        let cmd = AdmissionCmd::Review {
            id,
            review,
            pass: true,
            comment: String::new(),
        };
        go(s, t0() + DAY, by, cmd).unwrap();
    }
    let cmd = AdmissionCmd::Decide {
        id,
        approve: true,
        document_no: "青政办发〔2026〕12号".into(),
        comment: String::new(),
    };
    go(s, t0() + 2 * DAY, leader(), cmd).unwrap();
    id
}

#[test]
fn the_whole_flow_ends_in_the_catalogue() {
    let mut s = world();
    let id = go(
        &mut s,
        t0(),
        dept(),
        AdmissionCmd::Apply { application: app() },
    )
    .unwrap();
    let rec = &s.admission.applications[&id];
    assert_eq!(rec.unit, "D1");
    assert_eq!(rec.consulted, vec!["T1".to_string(), "T2".to_string()]);
    assert_eq!(rec.stage(t0()), Stage::Consulting);
    assert_eq!(
        next_actor(rec, t0()),
        Some(NextActor::Townships(vec!["T1".into(), "T2".into()]))
    );
    let id = admitted(&mut world());
    let mut s2 = world();
    admitted(&mut s2);
    let rec = &s2.admission.applications[&id];
    assert_eq!(rec.stage(t0() + 3 * DAY), Stage::Admitted);
    assert_eq!(rec.document_no, "青政办发〔2026〕12号");
    assert_eq!(s2.admission.catalogue(t0() + 3 * DAY).count(), 1);
    assert_eq!(next_actor(rec, t0() + 3 * DAY), None);
    // After its end date the entry reads as expired, still listed in the catalogue.
    let later = parse_cst("2027-01-01T09:00").unwrap();
    assert_eq!(rec.stage(later), Stage::Expired);
    assert_eq!(s2.admission.catalogue(later).count(), 1);
    let kinds: Vec<&str> = rec.steps.iter().map(|x| x.what.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "filed",
            "opinion",
            "opinion",
            "establishment_passed",
            "justice_passed",
            "approved"
        ]
    );
}

#[test]
fn opinion_deadline_runs_on_working_days_and_silence_is_recorded() {
    let mut s = world();
    let id = go(
        &mut s,
        t0(),
        dept(),
        AdmissionCmd::Apply { application: app() },
    )
    .unwrap();
    let rec = &s.admission.applications[&id];
    // 5 working days from Thu 12 Feb: 13, Sat 14 (调休), then 24, 25, 26 after 春节.
    assert_eq!(
        crate::calendar::format_cst(rec.opinion_deadline_ms),
        "2026-02-26T17:30+08:00"
    );
    go(
        &mut s,
        t0() + DAY,
        town1(),
        AdmissionCmd::Opinion {
            id,
            agree: true,
            text: String::new(),
        },
    )
    .unwrap();
    // 编办 may not review while T2 may still answer.
    let review = AdmissionCmd::Review {
        id,
        review: Review::Establishment,
        pass: true,
        comment: String::new(),
    };
    let e = go(&mut s, t0() + DAY, bb(), review.clone()).unwrap_err();
    assert_eq!(reason(&e).code(), "admission_opinions_open");
    // After the deadline T2's silence reads as no objection and T2 may no longer answer.
    let after = parse_cst("2026-02-27T09:00").unwrap();
    let rec = &s.admission.applications[&id];
    assert_eq!(rec.opinion_state("T2", after), OpinionState::Silent);
    assert_eq!(rec.opinion_state("T2", t0() + DAY), OpinionState::Awaited);
    assert_eq!(rec.stage(after), Stage::Establishment);
    let e = go(
        &mut s,
        after,
        town2(),
        AdmissionCmd::Opinion {
            id,
            agree: true,
            text: String::new(),
        },
    )
    .unwrap_err();
    assert_eq!(reason(&e).code(), "admission_opinion_closed");
    go(&mut s, after, bb(), review).unwrap();
}

#[test]
fn applying_needs_thirty_working_days_notice() {
    let mut s = world();
    // 30 working days from 12 Feb, across 春节, is 1 April (not 26 March by weekdays alone).
    let mut a = app();
    a.start_date = "2026-03-27".into();
    let e = go(
        &mut s,
        t0(),
        dept(),
        AdmissionCmd::Apply {
            application: a.clone(),
        },
    )
    .unwrap_err();
    assert_eq!(field(&e), "start_date");
    assert!(matches!(
        reason(&e),
        Reason::Admission(R::TooLate { days: 30, ref earliest }) if earliest == "2026-04-01"
    ));
    let earliest = working_days_after(&s.events.calendar, crate::calendar::cst_date(t0()), 30);
    a.start_date = earliest.to_string();
    go(&mut s, t0(), dept(), AdmissionCmd::Apply { application: a }).unwrap();
    // The limit is a setting.
    let cfg = AdmissionConfig {
        advance_days: 10,
        ..Default::default()
    };
    let e = go(
        &mut s,
        t0(),
        dept(),
        AdmissionCmd::SetConfig { config: cfg },
    )
    .unwrap_err();
    assert!(matches!(e, DomainError::Forbidden(_)));
    let admin = p("admin", RoleKind::SystemAdmin, "K");
    go(
        &mut s,
        t0(),
        admin.clone(),
        AdmissionCmd::SetConfig {
            config: AdmissionConfig {
                advance_days: 0,
                ..cfg
            },
        },
    )
    .unwrap_err();
    go(&mut s, t0(), admin, AdmissionCmd::SetConfig { config: cfg }).unwrap();
    let mut b = app();
    b.start_date = "2026-03-04".into();
    go(&mut s, t0(), dept(), AdmissionCmd::Apply { application: b }).unwrap();
}

#[test]
fn bad_input_names_the_field_and_saves_nothing() {
    let mut s = world();
    let before = s.clone();
    for (field_name, f) in [
        (
            "basis",
            (|a: &mut Application| a.basis = " ".into()) as fn(&mut Application),
        ),
        ("end_date", |a| a.end_date.clear()),
        ("start_date", |a| a.start_date = "4月1日".into()),
        ("end_date", |a| a.end_date = "2026-03-01".into()),
        ("title", |a| a.title.clear()),
        ("consult", |a| a.consult = vec!["D2".into()]),
    ] {
        let mut a = app();
        f(&mut a);
        let e = go(&mut s, t0(), dept(), AdmissionCmd::Apply { application: a }).unwrap_err();
        assert_eq!(field(&e), field_name, "{e}");
        assert_eq!(s, before);
    }
}

#[test]
fn who_may_apply_review_and_approve() {
    let mut s = world();
    for by in [
        bb(),
        sf(),
        leader(),
        p("disp", RoleKind::CountyDispatcher, "K"),
    ] {
        let e = go(&mut s, t0(), by, AdmissionCmd::Apply { application: app() }).unwrap_err();
        assert_eq!(reason(&e).code(), "admission_apply_role");
    }
    // A township may apply too.
    let tid = go(
        &mut s,
        t0(),
        town1(),
        AdmissionCmd::Apply { application: app() },
    )
    .unwrap();
    assert_eq!(s.admission.applications[&tid].unit, "T1");
    let id = go(
        &mut s,
        t0(),
        dept(),
        AdmissionCmd::Apply { application: app() },
    )
    .unwrap();
    // Opinions: only consulted townships, once.
    let e = go(
        &mut s,
        t0(),
        dept(),
        AdmissionCmd::Opinion {
            id,
            agree: true,
            text: String::new(),
        },
    )
    .unwrap_err();
    assert_eq!(reason(&e).code(), "admission_opinion_role");
    go(
        &mut s,
        t0(),
        town1(),
        AdmissionCmd::Opinion {
            id,
            agree: true,
            text: String::new(),
        },
    )
    .unwrap();
    let e = go(
        &mut s,
        t0(),
        town1(),
        AdmissionCmd::Opinion {
            id,
            agree: true,
            text: String::new(),
        },
    )
    .unwrap_err();
    assert_eq!(reason(&e).code(), "admission_opinion_given");
    let e = go(
        &mut s,
        t0(),
        town2(),
        AdmissionCmd::Opinion {
            id,
            agree: false,
            text: String::new(),
        },
    )
    .unwrap_err();
    assert_eq!(field(&e), "text");
    go(
        &mut s,
        t0(),
        town2(),
        AdmissionCmd::Opinion {
            id,
            agree: false,
            text: "人手不足".into(),
        },
    )
    .unwrap();
    let review = |r: Review| AdmissionCmd::Review {
        id,
        review: r,
        pass: true,
        comment: String::new(),
    };
    // 司法局 cannot make 编办's review, nor go first.
    let e = go(&mut s, t0(), sf(), review(Review::Establishment)).unwrap_err();
    assert_eq!(reason(&e).code(), "admission_establishment_only");
    let e = go(&mut s, t0(), sf(), review(Review::Justice)).unwrap_err();
    assert_eq!(reason(&e).code(), "admission_wrong_stage");
    go(&mut s, t0(), bb(), review(Review::Establishment)).unwrap();
    let e = go(&mut s, t0(), bb(), review(Review::Justice)).unwrap_err();
    assert_eq!(reason(&e).code(), "admission_justice_only");
    go(&mut s, t0(), sf(), review(Review::Justice)).unwrap();
    let decide = |doc: &str| AdmissionCmd::Decide {
        id,
        approve: true,
        document_no: doc.into(),
        comment: String::new(),
    };
    // A township leader, the department, 编办: not the county.
    for by in [p("ld1", RoleKind::Leader, "T1"), dept(), bb()] {
        let e = go(&mut s, t0(), by, decide("X号")).unwrap_err();
        assert_eq!(reason(&e).code(), "admission_leader_approves");
    }
    let e = go(&mut s, t0(), leader(), decide(" ")).unwrap_err();
    assert_eq!(field(&e), "document_no");
    go(&mut s, t0(), leader(), decide("青政办发〔2026〕12号")).unwrap();
    // Withdrawal (撤销) of an admitted entry: 编办 or the county, not the applicant.
    let w = AdmissionCmd::Withdraw {
        id,
        reason: "任务调整".into(),
    };
    let e = go(&mut s, t0(), dept(), w.clone()).unwrap_err();
    assert_eq!(reason(&e).code(), "admission_withdraw_role");
    go(&mut s, t0(), bb(), w).unwrap();
    assert_eq!(s.admission.applications[&id].stage(t0()), Stage::Withdrawn);
}

#[test]
fn sent_back_the_applicant_resubmits_and_townships_are_asked_again() {
    let mut s = world();
    let mut a = app();
    a.consult = vec!["T1".into()];
    let id = go(
        &mut s,
        t0(),
        dept(),
        AdmissionCmd::Apply {
            application: a.clone(),
        },
    )
    .unwrap();
    go(
        &mut s,
        t0(),
        town1(),
        AdmissionCmd::Opinion {
            id,
            agree: true,
            text: String::new(),
        },
    )
    .unwrap();
    let back = AdmissionCmd::Review {
        id,
        review: Review::Establishment,
        pass: false,
        comment: String::new(),
    };
    assert_eq!(field(&go(&mut s, t0(), bb(), back).unwrap_err()), "comment");
    let back = AdmissionCmd::Review {
        id,
        review: Review::Establishment,
        pass: false,
        comment: "经费未落实".into(),
    };
    go(&mut s, t0(), bb(), back).unwrap();
    let rec = &s.admission.applications[&id];
    assert_eq!(rec.stage(t0()), Stage::SentBack);
    assert_eq!(
        next_actor(rec, t0()),
        Some(NextActor::Applicant("D1".into()))
    );
    let other = p("zf", RoleKind::DepartmentHandler, "D2");
    a.start_date = "2026-04-02".into();
    let re = AdmissionCmd::Resubmit { id, application: a };
    assert_eq!(
        reason(&go(&mut s, t0(), other, re.clone()).unwrap_err()).code(),
        "admission_applicant_only"
    );
    go(&mut s, t0() + DAY, dept(), re).unwrap();
    let rec = &s.admission.applications[&id];
    assert_eq!(rec.stage(t0() + DAY), Stage::Consulting);
    assert!(rec.opinions.is_empty());
}

fn issue(entry: Option<u64>) -> AdmissionCmd {
    AdmissionCmd::Issue {
        handover: HandoverDraft {
            title: "入户宣传".into(),
            content: "本季度入户宣传".into(),
            townships: vec!["T1".into(), "T2".into()],
            deadline: "2026-06-30".into(),
            entry,
        },
    }
}

#[test]
fn handovers_cite_the_catalogue_and_townships_may_refuse_the_rest() {
    let mut s = world();
    let entry = admitted(&mut s);
    let at = parse_cst("2026-04-10T10:00").unwrap();
    // Only a department issues.
    let e = go(&mut s, at, town1(), issue(None)).unwrap_err();
    assert_eq!(reason(&e).code(), "handover_issue_role");
    // Another department may not cite D1's entry.
    let e = go(
        &mut s,
        at,
        p("zf", RoleKind::DepartmentHandler, "D2"),
        issue(Some(entry)),
    )
    .unwrap_err();
    assert_eq!(field(&e), "entry");
    let ok = go(&mut s, at, dept(), issue(Some(entry))).unwrap();
    let bare = go(&mut s, at, dept(), issue(None)).unwrap();
    // An admitted task cannot be refused; a bare one can, once, by an addressed township.
    let refuse = |id| AdmissionCmd::Refuse {
        id,
        reason: String::new(),
    };
    assert_eq!(
        reason(&go(&mut s, at, town1(), refuse(ok)).unwrap_err()).code(),
        "handover_admitted_no_refusal"
    );
    let outsider = p("op3", RoleKind::TownshipOperator, "T3");
    assert!(go(&mut s, at, outsider, refuse(bare)).is_err());
    go(&mut s, at, town1(), refuse(bare)).unwrap();
    assert_eq!(
        reason(&go(&mut s, at, town1(), refuse(bare)).unwrap_err()).code(),
        "handover_already_answered"
    );
    // Report back only after accepting.
    let report = AdmissionCmd::Report {
        id: ok,
        text: "已完成".into(),
    };
    assert_eq!(
        reason(&go(&mut s, at, town2(), report.clone()).unwrap_err()).code(),
        "handover_not_accepted"
    );
    go(&mut s, at, town2(), AdmissionCmd::Accept { id: ok }).unwrap();
    go(&mut s, at, town2(), report).unwrap();
    assert_eq!(
        s.admission.handovers[&ok].answers["T2"].kind,
        AnswerKind::Reported
    );
    // The refusal counts against D1.
    let counts = s.admission.refusals_by_department(0, i64::MAX);
    assert_eq!(counts.get("D1"), Some(&1));
}

#[test]
fn a_handover_citing_an_expired_entry_is_refused_naming_the_entry() {
    let mut s = world();
    let entry = admitted(&mut s);
    let later = parse_cst("2027-01-04T10:00").unwrap();
    let before = s.clone();
    let mut cmd = issue(Some(entry));
    if let AdmissionCmd::Issue { handover } = &mut cmd {
        handover.deadline = "2027-02-01".into();
    }
    let e = go(&mut s, later, dept(), cmd).unwrap_err();
    assert_eq!(field(&e), "entry");
    assert_eq!(reason(&e).code(), "handover_entry_expired");
    assert_eq!(s, before);
    // A missing deadline names the deadline.
    let mut cmd = issue(None);
    if let AdmissionCmd::Issue { handover } = &mut cmd {
        handover.deadline.clear();
    }
    assert_eq!(
        field(&go(&mut s, later, dept(), cmd).unwrap_err()),
        "deadline"
    );
}
