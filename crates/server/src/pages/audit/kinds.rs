//! The log's entry kinds and system actors in words: the one catalogue the audit page and its
//! export read (a kind not listed shows its code).

use crate::i18n::Lang;

/// (kind, 中文, English)
pub const KINDS: &[(&str, &str, &str)] = &[
    ("event.report", "上报", "Report"),
    ("event.self_close", "自行办结", "Closed locally"),
    ("event.call", "呼叫", "Call the county"),
    ("event.cancel", "撤销", "Cancel"),
    ("event.dispatch", "派单", "Dispatch"),
    ("event.assign", "乡镇派单", "Township assignment"),
    ("event.whistle", "吹哨", "Whistle"),
    ("event.sign", "签收", "Sign for"),
    ("event.check_in", "到场签到", "Check in"),
    ("event.return.request", "申请退单", "Return requested"),
    ("event.return.decide", "退单审核", "Return decided"),
    ("event.dispute.rule", "争议裁定", "Dispute ruled"),
    ("event.respond", "响应", "Respond"),
    ("event.note", "办理记录", "Note"),
    ("event.extension.request", "申请延期", "Extension requested"),
    ("event.extension.decide", "延期审核", "Extension decided"),
    ("event.report_back", "反馈办理结果", "Report back"),
    ("event.verify", "核查", "Verify"),
    ("event.evaluate", "评价", "Evaluate"),
    ("event.appeal", "申诉", "Appeal"),
    ("event.appeal.decide", "申诉裁决", "Appeal decided"),
    ("event.close", "办结", "Close"),
    ("event.shelve", "挂账", "Shelve"),
    ("event.remind", "催办", "Reminder"),
    ("event.public_feedback", "群众反馈", "Public feedback"),
    (
        "event.case.conclude",
        "追责结案",
        "Accountability case concluded",
    ),
    ("org.unit.save", "保存单位", "Unit saved"),
    ("org.person.save", "保存人员", "Person saved"),
    ("org.person.password", "设置密码", "Password set"),
    ("org.person.erase", "删除个人信息", "Personal data erased"),
    ("org.person.roles", "设置角色", "Roles set"),
    ("org.grid.save", "保存网格", "Grid saved"),
    (
        "list.version.publish",
        "发布清单版本",
        "List version published",
    ),
    (
        "list.adjustment.file",
        "提交清单调整申请",
        "Adjustment filed",
    ),
    (
        "list.adjustment.review",
        "审核清单调整",
        "Adjustment reviewed",
    ),
    (
        "list.adjustment.resubmit",
        "重新提交调整申请",
        "Adjustment resubmitted",
    ),
    (
        "list.adjustment.approve",
        "批准清单调整",
        "Adjustment approved",
    ),
    ("calendar.set", "设置工作日历", "Calendar set"),
    ("workflow.config.set", "设置流程与时限", "Workflow settings"),
    ("categories.set", "设置事件分类", "Categories set"),
    (
        "assessment.scheme.set",
        "设置考核方案",
        "Assessment scheme set",
    ),
    ("assessment.manual_score", "手工评分", "Manual score"),
    ("assessment.appeal", "考核申诉", "Assessment appeal"),
    (
        "assessment.appeal.decide",
        "考核申诉裁决",
        "Assessment appeal decided",
    ),
    (
        "assessment.period.close",
        "考核期结束",
        "Assessment period closed",
    ),
    ("admission.apply", "提出准入申请", "Admission applied for"),
    ("admission.opinion", "乡镇反馈准入意见", "Admission opinion"),
    ("admission.review", "审核准入申请", "Admission reviewed"),
    ("admission.approve", "审批准入申请", "Admission decided"),
    (
        "admission.resubmit",
        "重新提交准入申请",
        "Admission resubmitted",
    ),
    ("admission.withdraw", "撤回/撤销准入", "Admission withdrawn"),
    ("admission.config", "设置准入时限", "Admission limits set"),
    ("handover.issue", "交办事项", "Task handed over"),
    ("handover.accept", "接收交办事项", "Handed task accepted"),
    ("handover.refuse", "拒收未经准入事项", "Handed task refused"),
    ("handover.report", "反馈交办事项", "Handed task reported"),
    (
        "delegation.menu.set",
        "发布赋权事项菜单",
        "Delegation menu published",
    ),
    (
        "delegation.order",
        "乡镇点单",
        "Power ordered by a township",
    ),
    (
        "delegation.round.open",
        "开展赋权事项评估",
        "Evaluation round opened",
    ),
    (
        "delegation.round.result",
        "录入赋权评估结论",
        "Evaluation result recorded",
    ),
    (
        "delegation.round.close",
        "结束赋权事项评估",
        "Evaluation round closed",
    ),
    (
        "delegation.recall",
        "发起赋权事项收回",
        "Recall of a power filed",
    ),
    ("patrol.start", "开始网格巡查", "Patrol started"),
    ("patrol.points", "上传巡查轨迹", "Patrol track uploaded"),
    ("patrol.finding", "记录巡查发现", "Patrol finding recorded"),
    (
        "patrol.finding.report",
        "巡查发现转为事件",
        "Patrol finding reported as an event",
    ),
    ("patrol.end", "结束网格巡查", "Patrol ended"),
    (
        "patrol.minutes",
        "记录周分析会议纪要",
        "Weekly minutes recorded",
    ),
    ("patrol.rules.set", "设置巡查频次", "Patrol rules set"),
    ("log.key.declare", "声明日志签名密钥", "Log key declared"),
    ("log.key.rotate", "更换日志签名密钥", "Log key rotated"),
];

/// The action of a log `kind` in words; the code itself when unknown.
pub fn kind_label(kind: &str, l: Lang) -> String {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map(|(_, zh, en)| l.pick(zh, en).to_string())
        .unwrap_or_else(|| kind.to_string())
}

/// (name after `system:`, 中文, English)
const SYSTEM: &[(&str, &str, &str)] = &[
    ("demo", "演示数据", "demo data"),
    ("cli", "命令行", "command line"),
    ("scheduler", "定时任务", "scheduler"),
    ("calendar-import", "日历导入", "calendar import"),
    ("lists-import", "清单导入", "list import"),
    ("org-import", "组织机构导入", "organisation import"),
    ("org-alias", "单位别名", "unit aliases"),
    ("flush", "归档", "archiving"),
];

/// `system:demo` → 系统（演示数据）; `None` for a person.
pub fn system_actor(actor: &str, l: Lang) -> Option<String> {
    let what = actor.strip_prefix("system:")?;
    let name = SYSTEM
        .iter()
        .find(|(k, _, _)| *k == what)
        .map(|(_, zh, en)| l.pick(zh, en))
        .unwrap_or(what);
    Some(match l {
        Lang::Zh => format!("系统（{name}）"),
        Lang::En => format!("System ({name})"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_the_domain_has_words() {
        for k in ["event.remind", "event.dispatch", "list.version.publish"] {
            assert_ne!(kind_label(k, Lang::Zh), k);
        }
        assert_eq!(kind_label("event.remind", Lang::Zh), "催办");
        assert_eq!(kind_label("x.unknown", Lang::Zh), "x.unknown");
        assert_eq!(
            system_actor("system:demo", Lang::Zh).as_deref(),
            Some("系统（演示数据）")
        );
        assert_eq!(system_actor("zhujian", Lang::Zh), None);
    }
}
