//! The command a posted action form asks for: the form's fields read into an [`EventCmd`], or
//! the problems with the form itself, field by field.

use crate::i18n::Lang;
use crate::pages::events::form::{parse_cst, Fields};
use std::collections::BTreeMap;
use tiaokuai_core::events::{EventCmd, HandlingReport, ItemRef, ReminderKind, ReturnDecision};

fn need(errs: &mut BTreeMap<String, String>, f: &Fields, name: &str, l: Lang) -> String {
    let v = f.get(name).to_string();
    if v.is_empty() {
        errs.insert(name.to_string(), l.pick("必须填写", "required").to_string());
    }
    v
}

/// `id@version`, or `None`.
fn parse_item(v: &str) -> Option<ItemRef> {
    v.rsplit_once('@').and_then(|(id, ver)| {
        Some(ItemRef {
            id: id.to_string(),
            version: ver.parse().ok()?,
        })
    })
}

fn opt_item(f: &Fields, errs: &mut BTreeMap<String, String>, l: Lang) -> Option<ItemRef> {
    let v = f.get("item");
    if v.is_empty() {
        return None;
    }
    let r = parse_item(v);
    if r.is_none() {
        errs.insert(
            "item".into(),
            l.pick("请重新选择清单事项", "choose the item again").into(),
        );
    }
    r
}

fn level(f: &Fields, name: &str, errs: &mut BTreeMap<String, String>, l: Lang) -> u8 {
    match f.get(name).parse::<u8>() {
        Ok(x) => x,
        Err(_) => {
            errs.insert(
                name.to_string(),
                l.pick("请选择等级", "choose a grade").into(),
            );
            0
        }
    }
}

/// The command a posted form asks for, or the problems with the form itself.
pub(super) fn build(
    code: &str,
    event: u64,
    f: &Fields,
    photos: Vec<String>,
    now: i64,
    l: Lang,
) -> Result<EventCmd, BTreeMap<String, String>> {
    let mut errs = BTreeMap::new();
    let hop = f.get("assignment").parse::<u32>().ok();
    let assignment = hop.unwrap_or(0);
    let note = f.raw("note").trim().to_string();
    let cmd = match code {
        "call" => EventCmd::Call {
            event,
            item: opt_item(f, &mut errs, l),
            note,
        },
        "self_close" => EventCmd::SelfClose {
            event,
            note: need(&mut errs, f, "note", l),
        },
        "cancel" => EventCmd::Cancel {
            event,
            reason: need(&mut errs, f, "reason", l),
        },
        "dispatch" => EventCmd::Dispatch {
            event,
            item: opt_item(f, &mut errs, l),
            lead: need(&mut errs, f, "lead", l),
            co: f.all("co"),
            override_reason: Some(f.get("override_reason").to_string()).filter(|x| !x.is_empty()),
            note,
            suggested: parse_item(f.get("suggested")),
        },
        "assign" => EventCmd::Assign {
            event,
            unit: need(&mut errs, f, "unit", l),
            item: opt_item(f, &mut errs, l),
            note,
        },
        "whistle" => EventCmd::Whistle {
            event,
            units: f.all("units"),
            note,
        },
        "rule" => EventCmd::Rule {
            event,
            primary: need(&mut errs, f, "primary", l),
            supporting: f.all("supporting"),
            reasoning: need(&mut errs, f, "reasoning", l),
            open_adjustment: f.has("open_adjustment"),
        },
        "sign" => EventCmd::Sign { event, assignment },
        "check_in" => EventCmd::CheckIn {
            event,
            assignment,
            note,
        },
        "request_return" => EventCmd::RequestReturn {
            event,
            assignment,
            reason: need(&mut errs, f, "reason", l),
            legal_basis: need(&mut errs, f, "legal_basis", l),
        },
        "decide_return" => {
            let decision = match f.get("decision") {
                "reassign" => ReturnDecision::Reassign {
                    lead: need(&mut errs, f, "lead", l),
                    co: f.all("co"),
                    override_reason: Some(f.get("override_reason").to_string())
                        .filter(|x| !x.is_empty()),
                    note: need(&mut errs, f, "note", l),
                },
                "reject" => ReturnDecision::Reject {
                    note: need(&mut errs, f, "note", l),
                },
                "dispute" => ReturnDecision::Dispute {
                    note: need(&mut errs, f, "note", l),
                },
                _ => {
                    errs.insert(
                        "decision".into(),
                        l.pick("请选择审核结果", "choose a decision").into(),
                    );
                    ReturnDecision::Reject { note }
                }
            };
            EventCmd::DecideReturn {
                event,
                assignment,
                decision,
            }
        }
        "respond" => EventCmd::Respond {
            event,
            assignment,
            contacted: need(&mut errs, f, "contacted", l),
            arrived: f.has("arrived"),
            note,
        },
        "note" => EventCmd::Note {
            event,
            assignment: hop,
            text: need(&mut errs, f, "text", l),
        },
        "request_extension" => EventCmd::RequestExtension {
            event,
            assignment,
            days: match f.get("days").parse::<u32>() {
                Ok(d) => d,
                Err(_) => {
                    errs.insert(
                        "days".into(),
                        l.pick("请填写工作日天数", "give a number of working days")
                            .into(),
                    );
                    0
                }
            },
            reason: need(&mut errs, f, "reason", l),
        },
        "decide_extension" => EventCmd::DecideExtension {
            event,
            assignment,
            approve: f.get("decision") == "approve",
            note,
        },
        "report_back" => {
            let accepted_at_ms = match parse_cst(f.get("accepted_at")) {
                Some(t) => t,
                None => {
                    errs.insert(
                        "accepted_at".into(),
                        l.pick("请填写受理时间", "give the time it was accepted")
                            .into(),
                    );
                    now
                }
            };
            EventCmd::ReportBack {
                event,
                assignment,
                report: HandlingReport {
                    accepted_at_ms,
                    contacted: need(&mut errs, f, "contacted", l),
                    measures: f.raw("measures").trim().to_string(),
                    resolve_by: need(&mut errs, f, "resolve_by", l),
                    photos,
                },
                note,
            }
        }
        "verify" => EventCmd::Verify {
            event,
            assignment,
            pass: f.get("decision") == "pass",
            note,
            photos,
        },
        "evaluate" => EventCmd::Evaluate {
            event,
            assignment,
            level: level(f, "level", &mut errs, l),
            reason: f.raw("reason").trim().to_string(),
        },
        "appeal" => EventCmd::Appeal {
            event,
            assignment,
            reason: need(&mut errs, f, "reason", l),
        },
        "decide_appeal" => {
            let upheld = f.get("decision") != "change";
            EventCmd::DecideAppeal {
                event,
                assignment,
                upheld,
                new_level: if upheld {
                    None
                } else {
                    Some(level(f, "new_level", &mut errs, l))
                },
                note: need(&mut errs, f, "note", l),
            }
        }
        "remind" | "supervise" => EventCmd::Remind {
            event,
            assignment,
            kind: if code == "remind" {
                ReminderKind::Remind
            } else {
                ReminderKind::Supervise
            },
            note,
        },
        "conclude_case" => EventCmd::ConcludeCase {
            event,
            assignment,
            outcome: need(&mut errs, f, "outcome", l),
        },
        "close" => EventCmd::Close { event, note },
        "shelve" => EventCmd::Shelve {
            event,
            reason: need(&mut errs, f, "reason", l),
        },
        "public_feedback" => EventCmd::PublicFeedback {
            event,
            level: level(f, "level", &mut errs, l),
            comment: f.raw("comment").trim().to_string(),
        },
        _ => {
            errs.insert("action".into(), "unknown action".into());
            EventCmd::Close { event, note }
        }
    };
    if code == "report_back" && f.get("measures").is_empty() {
        errs.insert(
            "measures".into(),
            l.pick("必须填写", "required").to_string(),
        );
    }
    if errs.is_empty() {
        Ok(cmd)
    } else {
        Err(errs)
    }
}
