//! Why admission (准入) steps and 交办 handovers are refused.

use super::catalogue::reasons;

reasons! {
    /// Admission applications, the admitted catalogue and handovers (交办事项).
    pub enum AdmissionReason(names) {
        Required = "admission_required"
            en("required")
            zh("必填"),
        BadDate { input: String } = "admission_bad_date"
            en("'{input}' is not a date (YYYY-MM-DD)")
            zh("「{input}」不是日期（年-月-日）"),
        EndBeforeStart = "admission_end_before_start"
            en("the end date comes before the start date")
            zh("结束日期早于开始日期"),
        TooLate { days: u32, earliest: String } = "admission_too_late"
            en("apply at least {days} working days ahead: the earliest start is {earliest}")
            zh("须提前 {days} 个工作日申请：最早开始日期为 {earliest}"),
        NotATownship { unit: String } = "admission_not_a_township"
            en("{} is not a township", names(unit))
            zh("{} 不是乡镇（街道）", names(unit)),
        ApplyRole = "admission_apply_role"
            en("only a department's or a township's staff may apply for admission")
            zh("只有县直部门或乡镇（街道）工作人员可以提出准入申请"),
        OpinionRole = "admission_opinion_role"
            en("only a consulted township's staff give its opinion")
            zh("只有被征求意见的乡镇（街道）工作人员可以反馈意见"),
        OpinionGiven = "admission_opinion_given"
            en("this township has already given its opinion")
            zh("该乡镇（街道）已反馈意见"),
        OpinionClosed { deadline: String } = "admission_opinion_closed"
            en("the time for opinions ended at {deadline}; silence was recorded as no objection")
            zh("征求意见已于 {deadline} 截止，未反馈的视为无意见"),
        OpinionsOpen { deadline: String } = "admission_opinions_open"
            en("townships' opinions are still awaited (until {deadline})")
            zh("尚在征求乡镇（街道）意见（截至 {deadline}）"),
        EstablishmentOnly = "admission_establishment_only"
            en("only the establishment office (编办) makes this review")
            zh("只有编办审核人员可以进行该审核"),
        JusticeOnly = "admission_justice_only"
            en("only the justice bureau (司法局) makes the legality review")
            zh("只有司法局审核人员可以进行合法性审核"),
        LeaderApproves = "admission_leader_approves"
            en("only a county leader approves an admission")
            zh("只有县领导可以审批准入申请"),
        OwnApplication = "admission_own_application"
            en("you may not review or approve your own application")
            zh("不能审核或审批本人提出的申请"),
        WrongStage { stage: String } = "admission_wrong_stage"
            en("the application is {stage}; this step does not fit")
            zh("申请当前为「{stage}」，不能进行该操作"),
        ApplicantOnly = "admission_applicant_only"
            en("only the applicant's unit may do this")
            zh("只有申请单位可以进行该操作"),
        WithdrawRole = "admission_withdraw_role"
            en("an admitted entry is withdrawn by the establishment office or a county leader")
            zh("已准入事项由编办或县领导撤销"),
        ConfigAdmin = "admission_config_admin"
            en("only a system administrator changes the admission time limits")
            zh("只有系统管理员可以修改准入时限"),
        DaysRange { max: u32 } = "admission_days_range"
            en("must be a whole number of working days from 1 to {max}")
            zh("须为 1 至 {max} 之间的工作日数"),
        IssueRole = "handover_issue_role"
            en("only a department's staff hand tasks to townships")
            zh("只有县直部门工作人员可以向乡镇（街道）交办事项"),
        UnknownEntry = "handover_unknown_entry"
            en("no such entry in the admitted catalogue")
            zh("准入目录中没有该事项"),
        EntryNotAdmitted = "handover_entry_not_admitted"
            en("this application has not been admitted")
            zh("该申请未获准入"),
        EntryExpired { end: String } = "handover_entry_expired"
            en("the admitted entry expired on {end}")
            zh("该准入事项已于 {end} 到期"),
        EntryWithdrawn = "handover_entry_withdrawn"
            en("the admitted entry was withdrawn")
            zh("该准入事项已撤销"),
        EntryOtherUnit = "handover_entry_other_unit"
            en("the entry admits another unit's task")
            zh("该准入事项不是本单位申请的事项"),
        DeadlinePast = "handover_deadline_past"
            en("the deadline has already passed")
            zh("办理期限已过"),
        NotAddressed = "handover_not_addressed"
            en("this task was not handed to your township")
            zh("该事项未交办给本乡镇（街道）"),
        AlreadyAnswered = "handover_already_answered"
            en("your township has already answered this task")
            zh("本乡镇（街道）已对该事项作出答复"),
        AdmittedNoRefusal = "handover_admitted_no_refusal"
            en("an admitted task cannot be refused")
            zh("已准入的事项不能拒收"),
        NotAccepted = "handover_not_accepted"
            en("accept the task before reporting back")
            zh("请先接收该事项，再反馈办理情况"),
    }
}
