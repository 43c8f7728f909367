//! Why assessment commands, statistics queries, calendars, categories and imported files are
//! refused.

use super::catalogue::reasons;

reasons! {
    /// Assessment schemes, scores and appeals.
    pub enum AssessReason(names) {
        SchemeIdChars = "scheme_id_chars"
            en("letters, digits, - and _ only")
            zh("只能包含字母、数字、“-”和“_”"),
        NotNegative = "not_negative"
            en("must be a number ≥ 0")
            zh("须为不小于 0 的数"),
        Positive = "positive"
            en("must be > 0")
            zh("须大于 0"),
        ChildrenSum { sum: String, weight: String } = "children_sum"
            en("children add up to {sum}, not {weight}")
            zh("下级指标分值合计 {sum}，不等于 {weight}"),
        WeightsSum { sum: String, full: String } = "weights_sum"
            en("weights add up to {sum}, not the full score {full}")
            zh("指标分值合计 {sum}，不等于满分 {full}"),
        ParentHasRule = "parent_has_rule"
            en("a node with children has no source or rule")
            zh("有下级指标的指标不设数据来源和计分规则"),
        LeafNeedsRule = "leaf_needs_rule"
            en("a leaf needs a source and a rule")
            zh("末级指标须有数据来源和计分规则"),
        RuleSource = "rule_source"
            en("proportional and threshold rules need a rate, per-event and bonus rules a count, a manual rule a manual source")
            zh("按比例和达标规则须用比率，按件和加分规则须用件数，人工规则须用人工来源"),
        Percentage = "percentage"
            en("must be a percentage 0–100")
            zh("须为 0–100 的百分比"),
        CapRange = "cap_range"
            en("must be between 0 and the weight")
            zh("须在 0 与分值之间"),
        BonusWeight = "bonus_weight"
            en("a bonus has weight 0 (it adds on top)")
            zh("加分项分值为 0（另行加分）"),
        PerAndCap = "per_and_cap"
            en("per and cap must be ≥ 0")
            zh("每件分值和上限须不小于 0"),
        OneIndicator = "one_indicator"
            en("at least one indicator")
            zh("至少一个指标"),
        SchemesAdmin = "schemes_admin"
            en("only a system administrator edits assessment schemes")
            zh("只有系统管理员可以编辑考核方案"),
        ScoresAdmin = "scores_admin"
            en("only a system administrator enters manual scores")
            zh("只有系统管理员可以录入人工评分"),
        UnknownScheme = "unknown_scheme"
            en("unknown")
            zh("考核方案不存在"),
        NoIndicator { indicator: String, scheme: String } = "no_indicator"
            en("no indicator '{indicator}' in {scheme}")
            zh("考核方案 {scheme} 中没有指标「{indicator}」"),
        NotManual { indicator: String } = "not_manual"
            en("'{indicator}' is not scored by hand")
            zh("指标「{indicator}」不是人工评分"),
        ScoreRange { max: String } = "score_range"
            en("must be between 0 and {max}")
            zh("须在 0 与 {max} 之间"),
        EvidenceRequired = "evidence_required"
            en("say what the score rests on")
            zh("请说明评分依据"),
        AppealOwnUnit = "appeal_own_unit"
            en("only the assessed unit's own staff may appeal its deductions")
            zh("只有被考核单位本单位人员可以对扣分提出申诉"),
        AppealReason = "appeal_reason"
            en("give the reason for the appeal")
            zh("请填写申诉理由"),
        AppealedOnce = "assess_appealed_once"
            en("this deduction was already appealed (once only)")
            zh("该扣分已申诉过（只能申诉一次）"),
        ReviewerDecides = "reviewer_decides"
            en("only the assessment reviewer decides appeals")
            zh("只有考核审核人员可以裁决申诉"),
        AppealDecided = "appeal_decided"
            en("the appeal was already decided")
            zh("该申诉已裁决"),
        OwnAppeal = "own_appeal"
            en("nobody decides their own appeal")
            zh("不能裁决自己的申诉"),
        DecisionReason = "decision_reason"
            en("give the reason for the decision")
            zh("请填写裁决理由"),
        CloseAdmin = "close_admin"
            en("only a system administrator closes a period")
            zh("只有系统管理员可以结账考核周期"),
        NoSchemeVersion { scheme: String, version: u32 } = "no_scheme_version"
            en("{scheme} has no version {version}")
            zh("考核方案 {scheme} 没有版本 {version}"),
        NothingToClose { period: String } = "nothing_to_close"
            en("no events or hops in {period}: nothing to close")
            zh("{period} 没有事件和派单，无需结账"),
        AppealsUndecided = "appeals_undecided"
            en("appeals of this period are still undecided")
            zh("本周期仍有申诉未裁决"),
        PeriodClosed { period: String, scheme: String } = "period_closed"
            en("period {period} of scheme {scheme} is closed")
            zh("考核方案 {scheme} 的 {period} 已结账"),
    }
}

reasons! {
    /// Statistics queries, calendars, categories and imported files.
    pub enum DataReason(names) {
        BadPeriod { input: String } = "bad_period"
            en("unknown period '{input}': use 2026-11, 2026-Q4, 2026, 2026-W45, 2026-11-03 or 2026-10-01..2026-12-31")
            zh("无法识别的期间「{input}」：请用 2026-11、2026-Q4、2026、2026-W45、2026-11-03 或 2026-10-01..2026-12-31"),
        PeriodReversed = "period_reversed"
            en("the period ends before it starts")
            zh("结束日期早于开始日期"),
        FirstDay = "first_day"
            en("give the first day too")
            zh("请同时填写开始日期"),
        LastDay = "last_day"
            en("give the last day too")
            zh("请同时填写结束日期"),
        UnknownDim { value: String, choices: String } = "unknown_dim"
            en("unknown dimension '{value}'; one of {choices}")
            zh("无法识别的维度「{value}」，可选：{choices}"),
        UnknownMeasure { value: String } = "unknown_measure"
            en("unknown measure '{value}'")
            zh("无法识别的指标「{value}」"),
        TooManyMeasures { max: usize } = "too_many_measures"
            en("at most {max} measures at once")
            zh("一次最多 {max} 个指标"),
        OneMeasure = "one_measure"
            en("choose at least one measure")
            zh("请至少选择一个指标"),
        CellMeasure = "cell_measure"
            en("name one measure of the cell")
            zh("请指定单元格的一个指标"),
        SixYears = "six_years"
            en("at most six years at once")
            zh("一次最多统计六年"),
        FilterShape { part: String } = "filter_shape"
            en("'{part}' is not dim:value,value")
            zh("「{part}」不是“维度:值,值”的形式"),
        FilterEmpty { part: String } = "filter_empty"
            en("'{part}' names no value")
            zh("「{part}」没有指定值"),
        EmptyFile = "empty_file"
            en("the file is empty")
            zh("文件为空"),
        CategoryHeader = "category_header"
            en("needs the columns code, name, parent")
            zh("须有 code、name、parent 三列"),
        UnknownParent { parent: String } = "unknown_parent"
            en("unknown parent {parent}")
            zh("上级分类「{parent}」不存在"),
        ParentCycle = "category_cycle"
            en("the parents form a cycle")
            zh("上级分类形成循环"),
        NoCategories = "no_categories"
            en("no categories")
            zh("没有分类"),
        CodeAndName = "code_and_name"
            en("code and name are required")
            zh("编码和名称必须填写"),
        CalendarColumn { column: &'static str } = "calendar_column"
            en("no '{column}' column: the header must be date,kind,name[,source]")
            zh("缺少 {column} 列：表头须为 date,kind,name[,source]"),
        CalendarEmpty = "calendar_empty"
            en("empty file: expected the header date,kind,name[,source]")
            zh("文件为空：表头须为 date,kind,name[,source]"),
        CsvUnreadable { detail: String } = "csv_unreadable"
            en("not readable as CSV: {detail}")
            zh("无法按 CSV 读取：{detail}"),
        DateMissing = "date_missing"
            en("missing date")
            zh("缺少日期"),
        CalendarDate { value: String } = "calendar_date"
            en("'{value}' is not a date (expected YYYY-MM-DD, e.g. 2026-02-14)")
            zh("「{value}」不是有效日期，应为 YYYY-MM-DD（如 2027-02-14）"),
        DayKind { value: String } = "day_kind"
            en("'{value}' is not a day kind (expected holiday or workday; 休/假 or 班/上班)")
            zh("「{value}」不是有效类型，应为 holiday（休）或 workday（班）"),
        DateTwice { date: String, first: u64 } = "date_twice"
            en("{date} is listed twice (also row {first})")
            zh("日期重复：{date} 已在第 {first} 行"),
        NoDaysInFile = "no_days_in_file"
            en("no special days in the file")
            zh("文件中没有特殊日期"),
        NothingSet = "nothing_set"
            en("no special days and no office hours")
            zh("没有特殊日期，也没有办公时间"),
        HoursNone = "hours_none"
            en("office hours need at least one period, e.g. 08:30-12:00")
            zh("办公时间至少一个时段，如 08:30-12:00"),
        HoursPastMidnight { period: String } = "hours_past_midnight"
            en("office period {period} ends after 24:00")
            zh("办公时段 {period} 结束于 24:00 之后"),
        HoursBackwards { period: String } = "hours_backwards"
            en("office period {period} must start before it ends")
            zh("办公时段 {period} 的开始须早于结束"),
        HoursOverlap { period: String } = "hours_overlap"
            en("office period {period} overlaps or precedes the period before it; periods must be in order and must not overlap")
            zh("办公时段 {period} 与前一时段重叠或顺序颠倒：时段须按先后排列且不重叠"),
        HoursUnreadable { part: String } = "hours_unreadable"
            en("cannot read the office period '{part}': expected e.g. 08:30-12:00")
            zh("无法识别办公时段「{part}」，应为 08:30-12:00 这样的时段"),
        LimitUnreadable { input: String } = "limit_unreadable"
            en("cannot read the limit '{input}': expected a number and a unit: 30m (working minutes), 2h (working hours), 5d (working days) or 30cm (clock minutes)")
            zh("无法识别时限「{input}」：应为数字加单位，30m 工作分钟、2h 工作小时、5d 工作日、30cm 自然分钟"),
        LimitTooLarge { input: String } = "limit_too_large"
            en("the limit '{input}' is too large")
            zh("时限「{input}」过大"),
        TimeUnreadable { input: String } = "time_unreadable"
            en("cannot read the time '{input}': expected e.g. 2026-02-13T16:00 or 2026-02-13 16:00 (China Standard Time; optional :ss and +08:00)")
            zh("无法识别时间「{input}」，应为 2026-02-13T16:00 或 2026-02-13 16:00（北京时间）"),
    }
}
