//! Why grid patrol commands (巡查) are refused.

use super::catalogue::reasons;

reasons! {
    /// Patrols, their tracks and findings, weekly minutes and patrol rules.
    pub enum PatrolReason(names) {
        OwnGridOnly { grid: String } = "patrol_own_grid_only"
            en("only the workers of grid {grid} patrol it")
            zh("只有网格 {grid} 的网格员可以巡查该网格"),
        UnknownGrid { grid: String } = "patrol_unknown_grid"
            en("no grid {grid}")
            zh("网格 {grid} 不存在"),
        GridWorkerOnly = "patrol_grid_worker_only"
            en("only a grid worker patrols")
            zh("只有网格员可以巡查"),
        PatrollerOnly = "patrol_patroller_only"
            en("only the person who started the patrol records on it")
            zh("只有发起巡查的网格员可以记录本次巡查"),
        PatrolExists { id: String } = "patrol_exists"
            en("patrol {id} already exists")
            zh("巡查 {id} 已存在"),
        StillOpen { id: String } = "patrol_still_open"
            en("end patrol {id} first")
            zh("请先结束巡查 {id}"),
        Ended = "patrol_ended"
            en("the patrol has ended")
            zh("本次巡查已结束"),
        BatchSeen { batch: String } = "patrol_batch_seen"
            en("batch {batch} was already received")
            zh("轨迹批次 {batch} 已接收"),
        FindingExists { id: String } = "patrol_finding_exists"
            en("finding {id} already exists")
            zh("发现问题 {id} 已存在"),
        FindingReported = "patrol_finding_reported"
            en("the finding is already an event")
            zh("该问题已上报为事件"),
        NoReportedEvent = "patrol_no_reported_event"
            en("the event must be reported by the patroller just before")
            zh("须由巡查人先行上报事件"),
        Latitude = "patrol_latitude"
            en("must be a latitude between -90 and 90")
            zh("须为 -90 至 90 之间的纬度"),
        Longitude = "patrol_longitude"
            en("must be a longitude between -180 and 180")
            zh("须为 -180 至 180 之间的经度"),
        PointTime = "patrol_point_time"
            en("must be a time in milliseconds after 2000")
            zh("须为 2000 年以后的时间（毫秒）"),
        TooManyPoints { max: usize } = "patrol_too_many_points"
            en("at most {max} points per batch")
            zh("每批最多 {max} 个轨迹点"),
        NoPoints = "patrol_no_points"
            en("a batch needs at least one point")
            zh("每批至少一个轨迹点"),
        Unsorted = "patrol_unsorted"
            en("points must be in time order without duplicates")
            zh("轨迹点须按时间排序且不重复"),
        TimeWindow = "patrol_time_window"
            en("must lie between the patrol's start and now")
            zh("须在巡查开始与当前时间之间"),
        EndBeforeStart = "patrol_end_before_start"
            en("the end is before the start")
            zh("结束时间早于开始时间"),
        MinutesTownship = "patrol_minutes_township"
            en("only the township's own staff record its weekly minutes")
            zh("只有本乡镇（街道）工作人员可以记录周分析会议纪要"),
        NotATownship { unit: String } = "patrol_not_a_township"
            en("{unit} is not a township")
            zh("{unit} 不是乡镇（街道）"),
        BadWeek { input: String } = "patrol_bad_week"
            en("'{input}' is not a week like 2026-W48")
            zh("「{input}」不是周次（如 2026-W48）"),
        RulesAdmin = "patrol_rules_admin"
            en("only a system administrator sets the patrol rules")
            zh("只有系统管理员可以设置巡查规则"),
        Interval = "patrol_interval"
            en("must be a whole number of days from 1 to 90")
            zh("须为 1 至 90 的整数天"),
        NoView = "patrol_no_view"
            en("patrol records are for grid workers, townships and county staff")
            zh("巡查记录仅供网格员、乡镇（街道）和县级人员查看"),
    }
}
