//! Why the event workflow refuses a command: roles, statuses, deadlines and fields.

use super::catalogue::{reasons, Sample};
use crate::events::{AssignmentStatus, EventStatus, ReminderKind};
use crate::org::RoleKind;

impl Sample for EventStatus {
    fn sample() -> Self {
        EventStatus::Closed
    }
}
impl Sample for AssignmentStatus {
    fn sample() -> Self {
        AssignmentStatus::Reported
    }
}
impl Sample for ReminderKind {
    fn sample() -> Self {
        ReminderKind::Supervise
    }
}

fn reminder_en(k: ReminderKind) -> &'static str {
    match k {
        ReminderKind::Remind => "reminder",
        ReminderKind::Supervise => "supervision notice",
        ReminderKind::Escalate => "escalation",
    }
}

fn joined(units: &[String], names: &dyn Fn(&str) -> String, sep: &str) -> String {
    units.iter().map(|u| names(u)).collect::<Vec<_>>().join(sep)
}

reasons! {
    pub enum EventReason(names) {
        NoGrant { role: RoleKind, unit: String } = "no_grant"
            en("you do not hold the role {}@{unit}", role.as_str())
            zh("您不具备此操作所需的角色"),
        ReportNotAllowed = "report_not_allowed"
            en("grid workers, township command rooms and the command centre report events")
            zh("只有网格员、乡镇指挥室和县指挥中心可以上报事件"),
        OutsideTownship { home: String, place: String } = "outside_township"
            en("reports only within township {home}: the place chosen is in {place}")
            zh("只能上报本乡镇（{}）辖区内的事件，所选位置属于{}", names(home), names(place)),
        EventFinal { no: String, status: EventStatus } = "event_final"
            en("event {no} is {} and can no longer change", status.label_en())
            zh("事件已{}，不能再更改", status.label_zh()),
        EventStatusIs { action: &'static str, no: String, status: EventStatus } = "event_status"
            en("cannot {action}: event {no} is {}", status.label_en())
            zh("事件当前为“{}”，不能执行此操作", status.label_zh()),
        AssignmentStatusIs { action: &'static str, n: u32, status: AssignmentStatus } = "assignment_status"
            en("cannot {action}: assignment {n} is {}", status.label_en())
            zh("第{n}单当前为“{}”，不能执行此操作", status.label_zh()),
        AssignmentRequired = "assignment_required"
            en("an assignment is required")
            zh("须指明是哪一单"),
        SelfCloseNotAllowed = "self_close_not_allowed"
            en("only the township or the reporting grid worker may close it locally")
            zh("只有乡镇或上报的网格员可以自办结"),
        CallNotAllowed = "call_not_allowed"
            en("only the township command room may call the county")
            zh("只有乡镇指挥室可以呼叫县级"),
        CallNeedsLeader = "call_needs_leader"
            en("a call needs a township leader's approval")
            zh("呼叫县级须经乡镇领导同意"),
        WithdrawNotAllowed = "withdraw_not_allowed"
            en("only the caller may withdraw it")
            zh("只有呼叫方可以撤回"),
        AlreadySigned = "already_signed"
            en("a department has already signed for it")
            zh("已有部门签收，不能撤回"),
        DispatchNotAllowed = "dispatch_not_allowed"
            en("only the county command centre dispatches")
            zh("只有县指挥中心可以派单"),
        WhistleNotAllowed = "whistle_not_allowed"
            en("only the caller or the command centre may blow the whistle")
            zh("只有呼叫方或县指挥中心可以吹哨"),
        WhistleNeedsUnits = "whistle_needs_units"
            en("name at least one department")
            zh("至少选择一个单位"),
        SignNotAllowed = "sign_not_allowed"
            en("only the receiving unit signs")
            zh("只有承办单位可以签收"),
        CheckInNotAllowed = "check_in_not_allowed"
            en("only the receiving unit checks in")
            zh("只有承办单位可以报到"),
        AlreadyCheckedIn = "already_checked_in"
            en("already checked in")
            zh("已经报到"),
        ReturnNotAllowed = "return_not_allowed"
            en("only the receiving unit may ask to return it")
            zh("只有承办单位可以申请退单"),
        ReturnWindowClosed = "return_window_closed"
            en("the return window has closed: the unit is now responsible (首办负责)")
            zh("退单时限已过，由本单位负责办理（首办负责）"),
        WhistleNotReturnable = "whistle_not_returnable"
            en("a whistle call cannot be returned")
            zh("吹哨报到不能退单"),
        DisputeWaiting = "dispute_waiting"
            en("a dispute about this event is waiting for 编办's ruling")
            zh("职责争议正等待编办裁定"),
        DecideReturnNotAllowed = "decide_return_not_allowed"
            en("only the county command centre decides returns")
            zh("只有县指挥中心可以审核退单"),
        ReassignSameUnit = "reassign_same_unit"
            en("reassign to a different unit")
            zh("请改派给其他单位"),
        RuleNotAllowed = "rule_not_allowed"
            en("only 编办 rules on disputes")
            zh("只有编办可以裁定职责争议"),
        NoOpenDispute = "no_open_dispute"
            en("there is no open dispute on this event")
            zh("本事件没有待裁定的职责争议"),
        RespondNotAllowed = "respond_not_allowed"
            en("only the receiving unit responds")
            zh("只有承办单位可以响应"),
        AlreadyResponded = "already_responded"
            en("already responded")
            zh("已经响应"),
        NoteNotAllowed = "note_not_allowed"
            en("only units involved in the event may add notes")
            zh("只有参与事件的单位可以添加备注"),
        ExtensionNotAllowed = "extension_not_allowed"
            en("only the receiving unit asks for more time")
            zh("只有承办单位可以申请延期"),
        DeadlinePassed = "deadline_passed"
            en("the deadline has passed: extensions are asked before it")
            zh("已超过办理时限：延期须在时限届满前申请"),
        TooManyExtensions { max: u32 } = "too_many_extensions"
            en("at most {max} extensions")
            zh("延期次数已达上限（{max}次）"),
        ExtensionDays { max: u32 } = "extension_days"
            en("between 1 and {max} working days")
            zh("延期天数超出允许范围（1至{max}个工作日）"),
        DecideExtensionNotAllowed = "decide_extension_not_allowed"
            en("only the county command centre decides extensions")
            zh("只有县指挥中心可以审批延期"),
        TownshipDecidesExtension = "township_decides_extension"
            en("only the township that assigned it decides extensions")
            zh("只有派单乡镇可以审批延期"),
        ReportBackNotAllowed = "report_back_not_allowed"
            en("only the receiving unit reports back")
            zh("只有承办单位可以反馈"),
        CoNotReported { units: Vec<String> } = "co_not_reported"
            en("the co-departments have not reported yet: {}", joined(units, names, ", "))
            zh("协同单位尚未反馈：{}。牵头单位须待协同单位全部反馈后再反馈", joined(units, names, "、")),
        AcceptedAtRange = "accepted_at_range"
            en("must lie between the dispatch and now")
            zh("受理时间须在派单之后、现在之前"),
        NotAPhotoHash = "not_a_photo_hash"
            en("not a photo hash")
            zh("照片无效"),
        VerifyNotAllowed = "verify_not_allowed"
            en("only the caller's township or grid worker verifies")
            zh("只有呼叫方乡镇或网格员可以现场核查"),
        GradeNotAllowed = "grade_not_allowed"
            en("only the unit that sent this assignment grades it (谁派单、谁评价)")
            zh("谁派单、谁评价：只有派单单位可以评价"),
        AlreadyGraded = "already_graded"
            en("this assignment has already been graded")
            zh("该单已评价"),
        VerificationFirst = "verification_first"
            en("on-site verification must pass first")
            zh("须先通过现场核查"),
        LevelRange { max: usize } = "level_range"
            en("0 to {max}")
            zh("请选择评价等级"),
        ReasonBelowTop = "reason_below_top"
            en("a reason is required below the top grade")
            zh("低于最高等级的评价须说明理由"),
        AppealNotAllowed = "appeal_not_allowed"
            en("only the graded unit may appeal")
            zh("只有被评价单位可以申诉"),
        NotGraded = "not_graded"
            en("not graded yet")
            zh("尚未评价"),
        TopGradeFinal = "top_grade_final"
            en("the top grade cannot be appealed")
            zh("最高等级的评价不能申诉"),
        AppealedOnce = "appealed_once"
            en("an evaluation can be appealed once")
            zh("每次评价只能申诉一次"),
        DecideAppealNotAllowed = "decide_appeal_not_allowed"
            en("only the county command centre decides appeals")
            zh("只有县指挥中心可以裁决申诉"),
        NoAppealWaiting = "no_appeal_waiting"
            en("no appeal is waiting")
            zh("没有待裁决的申诉"),
        BetterGrade = "better_grade"
            en("name a better grade than the one appealed")
            zh("请选择比原评价更好的等级"),
        CloseNotAllowed = "close_not_allowed"
            en("only the caller closes the event")
            zh("只有呼叫方可以办结归档"),
        ShelveNotAllowed = "shelve_not_allowed"
            en("only the county command centre shelves events")
            zh("只有县指挥中心可以挂账"),
        DraftNotShelved = "draft_not_shelved"
            en("a draft is not shelved: the county shelves only what was called to it")
            zh("草稿不能挂账"),
        RemindNotAllowed { kind: ReminderKind } = "remind_not_allowed"
            en("may not issue a {}", reminder_en(*kind))
            zh("无权{}", kind.label_zh()),
        AssignmentNotOpen = "assignment_not_open"
            en("the assignment is no longer open")
            zh("该单已不在办理中"),
        FeedbackNotAllowed = "feedback_not_allowed"
            en("only the command centre records 回访")
            zh("只有县指挥中心可以记录回访"),
        NotOnScale = "not_on_scale"
            en("not on the scale")
            zh("不在评价等级之内"),
        ConcludeNotAllowed = "conclude_not_allowed"
            en("only the discipline inspector concludes cases")
            zh("只有纪检监察员可以作出追责结论"),
        CaseConcluded = "case_concluded"
            en("the case is already concluded")
            zh("该追责案件已有结论"),
        DescribeProblem = "describe_problem"
            en("describe the problem")
            zh("请描述问题"),
        LocationRequired = "location_required"
            en("a location (GPS or a point on the map) is required")
            zh("请用“GPS定位”或在地图上点选位置"),
        TooManyPhotos { max: usize } = "too_many_photos"
            en("at most {max} photos")
            zh("最多{max}张照片"),
        UnknownGrid = "unknown_grid"
            en("unknown grid")
            zh("网格不存在"),
        VillageNotGrid = "village_not_grid"
            en("does not match the grid")
            zh("村(社区)与网格不一致"),
        GridWorkerCalls = "grid_worker_calls"
            en("a grid worker reports to the township, which calls the county")
            zh("网格员上报至乡镇，由乡镇呼叫县级"),
        ItemRequired = "item_required"
            en("every dispatch cites a list item")
            zh("派单须依据清单事项"),
        OffListReason = "off_list_reason"
            en("an off-list dispatch needs a reason")
            zh("未依据清单派单，须说明理由"),
        OffListCallReason = "off_list_call_reason"
            en("a call citing no list item needs a reason in the note")
            zh("不依据清单呼叫，须在说明中写明理由"),
        UnitsDiffer = "units_differ"
            en("the units differ from the list item's: give the reason")
            zh("所派单位与清单不一致，须说明理由"),
        NothingHandled = "nothing_handled"
            en("nothing has been handled yet")
            zh("尚未有单位办理"),
        GradeFirst { n: u32, unit: String, status: AssignmentStatus } = "grade_first"
            en("assignment {n} ({unit}) is {}: grade it first", status.label_en())
            zh("第{n}单（{}）为“{}”：请先评价", names(unit), status.label_zh()),
        StillOpen { n: u32 } = "still_open"
            en("assignment {n} is still open")
            zh("第{n}单仍在办理中"),
        AppealWaiting = "appeal_waiting"
            en("an appeal is waiting for a decision")
            zh("有申诉等待裁决"),
        ItemMissing { id: String, version: u32 } = "item_missing"
            en("list item {id} does not exist in version {version}")
            zh("清单事项在所引版本中不存在"),
        ItemNotCurrent { version: u32, latest: u32 } = "item_not_current"
            en("version {version} is not the current one ({latest})")
            zh("所引版本不是现行版本，请重新选择清单事项"),
        CannotReceive { unit: String } = "cannot_receive"
            en("'{unit}' cannot receive an assignment")
            zh("该单位不能接收派单"),
        SendsToItself { unit: String } = "sends_to_itself"
            en("'{unit}' cannot send work to itself")
            zh("不能派给本单位"),
        AlsoLead { unit: String } = "also_lead"
            en("'{unit}' is the lead unit; it cannot also be a co-unit")
            zh("牵头（主体）单位不能同时作为配合单位，请从配合单位中去掉它"),
        NamedTwice { unit: String } = "named_twice"
            en("'{unit}' is named twice")
            zh("单位重复"),
        AssignNotAllowed = "assign_not_allowed"
            en("only the event's township command room assigns it to its stationed units")
            zh("只有事件所属乡镇指挥室可以派单至本镇派驻机构"),
        CalledToCounty { no: String } = "called_to_county"
            en("event {no} has been called to the county: the command centre dispatches it")
            zh("已呼叫县级，由县指挥中心派单"),
        StationedUnitRequired = "stationed_unit_required"
            en("name the stationed unit")
            zh("请选择本镇派驻机构"),
        NotStationed { unit: String } = "not_stationed"
            en("'{unit}' is not a unit stationed in this township: call the county for county departments and other townships")
            zh("不是本镇派驻机构：县级部门和其他乡镇的单位须呼叫县级"),
        AlreadyHasEvent { unit: String } = "already_has_event"
            en("'{unit}' already has this event")
            zh("该单位已在办理此事件"),
        TownshipHopBusy { n: u32, unit: String, status: AssignmentStatus } = "township_hop_busy"
            en("assignment {n} ({unit}) is {}: wait for its report and grade it, or for its return, before calling the county", status.label_en())
            zh("本镇派单尚未办结：请等待反馈并评价，或等待退单后再呼叫县级"),
        TownshipDecidesReturn = "township_decides_return"
            en("only the township that assigned it decides the return")
            zh("只有派单乡镇可以审核退单"),
        NoDisputeForTownship = "no_dispute_for_township"
            en("a township assignment is not referred to 编办: reassign it, reject the return, or call the county")
            zh("乡镇派单不提交编办裁定：可改派、驳回或呼叫县级"),
        ScaleLevels = "scale_levels"
            en("a scale has 2 to 7 levels")
            zh("评价等级须为 2 至 7 级"),
        FailFrom = "fail_from"
            en("must be between 1 and the number of levels")
            zh("不通过等级须在 1 与等级数之间"),
        WarnPercentRange = "warn_percent_range"
            en("a warning share is a percentage from 0 to 100")
            zh("预警比例须为 0 至 100 之间的百分数"),
        LevelLabelEmpty = "level_label_empty"
            en("a level label is empty")
            zh("等级名称不能为空"),
        LabelEmpty = "label_empty"
            en("label is empty")
            zh("名称不能为空"),
        ZeroLimit = "zero_limit"
            en("a time limit must be longer than zero")
            zh("时限必须大于零"),
        OverrideEmpty = "override_empty"
            en("an item override needs at least one limit")
            zh("按事项设置的时限至少填写一项"),
        ExtensionMaxDays { max: u32 } = "extension_max_days"
            en("at most {max} days per extension")
            zh("每次延期最多 {max} 天"),
    }
}
