//! Measures of the statistics cube: counts, rates and working-time durations, each with a
//! stable code and its Chinese and English names. A rate with a zero denominator is `None`
//! (shown as "—"), never 0% or 100%.

use serde::{Deserialize, Serialize};

/// What a measure counts over: events (by report day) or hops (by dispatch day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Event,
    Hop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Count,
    /// A ratio of two counts.
    Rate,
    /// Working milliseconds (a median or a 90th percentile).
    Duration,
}

macro_rules! measures {
    ($( $v:ident = $code:literal, $scope:ident, $kind:ident, $zh:literal, $en:literal; )*) => {
        /// A measure of the cube.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Measure { $($v,)* }

        impl Measure {
            pub const ALL: &'static [Measure] = &[$(Measure::$v,)*];
            pub fn code(self) -> &'static str {
                match self { $(Measure::$v => $code,)* }
            }
            pub fn scope(self) -> Scope {
                match self { $(Measure::$v => Scope::$scope,)* }
            }
            pub fn kind(self) -> Kind {
                match self { $(Measure::$v => Kind::$kind,)* }
            }
            pub fn label_zh(self) -> &'static str {
                match self { $(Measure::$v => $zh,)* }
            }
            pub fn label_en(self) -> &'static str {
                match self { $(Measure::$v => $en,)* }
            }
        }
    };
}

measures! {
    // Event counts (period: the day of the report).
    Events = "events", Event, Count, "事件数", "Events";
    Closed = "closed", Event, Count, "结案数", "Closed";
    DueToClose = "due_to_close", Event, Count, "应结案数", "Due to close";
    ClosedOnTime = "closed_on_time", Event, Count, "按期结案数", "Closed on time";
    SelfClosed = "self_closed", Event, Count, "自办结数", "Closed locally";
    EventsReturned = "events_returned", Event, Count, "退单事件数", "Events with returns";
    EventsDisputed = "events_disputed", Event, Count, "争议事件数", "Disputed events";
    EventsReworked = "events_reworked", Event, Count, "返工事件数", "Reworked events";
    Whistled = "whistled", Event, Count, "吹哨事件数", "Whistled events";
    // Hop counts (period: the day of the dispatch).
    Hops = "hops", Hop, Count, "受理派单数", "Hops received";
    DueToSign = "due_to_sign", Hop, Count, "应签收数", "Due to sign";
    Signed = "signed", Hop, Count, "签收数", "Signed";
    SignedOnTime = "signed_on_time", Hop, Count, "按期签收数", "Signed on time";
    Responded = "responded", Hop, Count, "响应数", "Responded";
    RespondedOnTime = "responded_on_time", Hop, Count, "按期响应数", "Responded on time";
    DueToReport = "due_to_report", Hop, Count, "应办结数", "Due to report back";
    Reported = "reported", Hop, Count, "办结反馈数", "Reported back";
    ReportedOnTime = "reported_on_time", Hop, Count, "按期办结数", "Reported back on time";
    Overdue = "overdue", Hop, Count, "超期数", "Overdue";
    Graded = "graded", Hop, Count, "评价数", "Graded";
    Satisfied = "satisfied", Hop, Count, "满意数", "Satisfied";
    Unsatisfied = "unsatisfied", Hop, Count, "不满意数", "Not satisfied";
    ReturnRequested = "return_requested", Hop, Count, "退单申请数", "Return requests";
    Returned = "returned", Hop, Count, "退单成功数", "Returns accepted";
    Disputed = "disputed", Hop, Count, "争议数", "Disputes";
    Reworked = "reworked", Hop, Count, "返工数", "Rework hops";
    Escalated = "escalated", Hop, Count, "升级督办数", "Escalated";
    Reminders = "reminders", Hop, Count, "催办次数", "Reminders";
    Supervisions = "supervisions", Hop, Count, "督办次数", "Supervisions";
    OffList = "off_list", Hop, Count, "清单外派单数", "Off-list dispatches";
    // Rates.
    ResponseRate = "response_rate", Hop, Rate, "响应率", "Response rate";
    OnTimeSignRate = "on_time_sign_rate", Hop, Rate, "按期签收率", "On-time signing rate";
    ResolutionRate = "resolution_rate", Hop, Rate, "办结率", "Resolution rate";
    OnTimeResolutionRate = "on_time_resolution_rate", Hop, Rate, "按期办结率", "On-time resolution rate";
    SatisfactionRate = "satisfaction_rate", Hop, Rate, "满意率", "Satisfaction rate";
    ReturnRate = "return_rate", Hop, Rate, "退单率", "Return rate";
    ClosureRate = "closure_rate", Event, Rate, "结案率", "Closure rate";
    OnTimeClosureRate = "on_time_closure_rate", Event, Rate, "按期结案率", "On-time closure rate";
    ReworkRate = "rework_rate", Event, Rate, "返工率", "Rework rate";
    DisputeRate = "dispute_rate", Event, Rate, "争议率", "Dispute rate";
    WhistleRate = "whistle_rate", Event, Rate, "吹哨率", "Whistle rate";
    // Working-time durations.
    SignTimeP50 = "sign_time_p50", Hop, Duration, "签收用时中位数", "Time to sign, median";
    SignTimeP90 = "sign_time_p90", Hop, Duration, "签收用时P90", "Time to sign, p90";
    RespondTimeP50 = "respond_time_p50", Hop, Duration, "响应用时中位数", "Time to respond, median";
    RespondTimeP90 = "respond_time_p90", Hop, Duration, "响应用时P90", "Time to respond, p90";
    ReportTimeP50 = "report_time_p50", Hop, Duration, "办结用时中位数", "Time to report back, median";
    ReportTimeP90 = "report_time_p90", Hop, Duration, "办结用时P90", "Time to report back, p90";
    CloseTimeP50 = "close_time_p50", Event, Duration, "结案用时中位数", "Time to close, median";
    CloseTimeP90 = "close_time_p90", Event, Duration, "结案用时P90", "Time to close, p90";
}

impl Measure {
    pub fn parse(s: &str) -> Option<Measure> {
        let s = s.trim();
        Measure::ALL
            .iter()
            .copied()
            .find(|m| m.code() == s || m.label_zh() == s)
    }

    pub fn label(self, zh: bool) -> &'static str {
        if zh {
            self.label_zh()
        } else {
            self.label_en()
        }
    }

    /// A rate's numerator and denominator.
    pub fn ratio(self) -> Option<(Measure, Measure)> {
        use Measure::*;
        Some(match self {
            ResponseRate => (Signed, DueToSign),
            OnTimeSignRate => (SignedOnTime, DueToSign),
            ResolutionRate => (Reported, DueToReport),
            OnTimeResolutionRate => (ReportedOnTime, DueToReport),
            SatisfactionRate => (Satisfied, Graded),
            ReturnRate => (ReturnRequested, Hops),
            ClosureRate => (Closed, DueToClose),
            OnTimeClosureRate => (ClosedOnTime, DueToClose),
            ReworkRate => (EventsReworked, Events),
            DisputeRate => (EventsDisputed, Events),
            WhistleRate => (Whistled, Events),
            _ => return None,
        })
    }

    /// A duration measure's series and quantile (0.5 or 0.9).
    pub fn quantile(self) -> Option<(Series, f64)> {
        use Measure::*;
        Some(match self {
            SignTimeP50 => (Series::Sign, 0.5),
            SignTimeP90 => (Series::Sign, 0.9),
            RespondTimeP50 => (Series::Respond, 0.5),
            RespondTimeP90 => (Series::Respond, 0.9),
            ReportTimeP50 => (Series::Report, 0.5),
            ReportTimeP90 => (Series::Report, 0.9),
            CloseTimeP50 => (Series::Close, 0.5),
            CloseTimeP90 => (Series::Close, 0.9),
            _ => return None,
        })
    }

    /// Count measures whose value is the number of events or hops behind it (so a drill-down
    /// lists exactly those); sums such as reminders are not.
    pub fn is_count(self) -> bool {
        self.kind() == Kind::Count
    }
}

/// The duration series kept per cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Series {
    Sign,
    Respond,
    Report,
    Close,
}

/// A cell's value of one measure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Count(u64),
    /// `None` when the denominator is zero ("—").
    Rate(Option<f64>),
    /// Working milliseconds; `None` with no data.
    Duration(Option<i64>),
}

impl Value {
    /// As a number for charts and scoring (a missing rate or duration is `None`).
    pub fn as_f64(self) -> Option<f64> {
        match self {
            Value::Count(n) => Some(n as f64),
            Value::Rate(r) => r,
            Value::Duration(d) => d.map(|d| d as f64),
        }
    }

    /// Text as a table shows it: counts plain, rates with two decimals and a percent sign,
    /// durations in working hours; "—" for no data.
    pub fn display(self, zh: bool) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Rate(Some(r)) => format!("{:.2}%", r * 100.0),
            Value::Rate(None) | Value::Duration(None) => "—".into(),
            Value::Duration(Some(ms)) => {
                let h = ms as f64 / 3_600_000.0;
                if zh {
                    format!("{h:.1} 工作小时")
                } else {
                    format!("{h:.1} working h")
                }
            }
        }
    }
}

/// `num / den`, or `None` when `den` is zero.
pub fn rate(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// The `q` quantile of `v` (nearest rank on the sorted values), `None` when empty.
pub fn quantile(v: &mut [i64], q: f64) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let rank = (q * v.len() as f64).ceil() as usize;
    let i = rank.clamp(1, v.len()) - 1;
    v.get(i).copied()
}
