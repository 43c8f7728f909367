//! Per-deployment workflow settings (domain.md §7): step labels, time limits, extension caps,
//! the evaluation scale. Changed only through the log (`WorkflowConfigSet`).

use super::model::{Event, RequestType, Urgency};
use crate::calendar::Limit;
use crate::error::EventReason as R;
use crate::lists::TimeLimits;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Labels of the four steps, e.g. 呼叫/派单/响应/评价 (平阴) or 呼/分/联/销 (槐荫).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepLabels {
    pub call: String,
    pub dispatch: String,
    pub respond: String,
    pub evaluate: String,
}

impl Default for StepLabels {
    fn default() -> Self {
        StepLabels {
            call: "呼叫".into(),
            dispatch: "派单".into(),
            respond: "响应".into(),
            evaluate: "评价".into(),
        }
    }
}

/// The limits of one hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitSet {
    pub sign: Limit,
    pub respond: Limit,
    pub complete: Limit,
    pub return_window: Limit,
}

/// A deployment's own limits for one list item, over the item's published limits (normal
/// urgency only). Unset fields keep the item's or the deployment's limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemLimits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign: Option<Limit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond: Option<Limit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete: Option<Limit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_window: Option<Limit>,
}

impl ItemLimits {
    pub fn is_empty(&self) -> bool {
        *self == ItemLimits::default()
    }

    /// The set fields, by name.
    pub fn fields(&self) -> [(&'static str, Option<Limit>); 4] {
        [
            ("sign", self.sign),
            ("respond", self.respond),
            ("complete", self.complete),
            ("return_window", self.return_window),
        ]
    }

    fn apply(&self, set: &mut LimitSet) {
        set.sign = self.sign.unwrap_or(set.sign);
        set.respond = self.respond.unwrap_or(set.respond);
        set.complete = self.complete.unwrap_or(set.complete);
        set.return_window = self.return_window.unwrap_or(set.return_window);
    }
}

/// The rating scale, best first; levels at index `fail_from` and worse fail (reopen and
/// open an accountability case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    pub levels: Vec<String>,
    pub fail_from: u8,
}

impl Scale {
    pub fn three() -> Scale {
        Scale {
            levels: vec!["满意".into(), "基本满意".into(), "不满意".into()],
            fail_from: 2,
        }
    }
    pub fn four() -> Scale {
        Scale {
            levels: vec![
                "满意".into(),
                "基本满意".into(),
                "不满意".into(),
                "很不满意".into(),
            ],
            fail_from: 2,
        }
    }
    pub fn five() -> Scale {
        Scale {
            levels: vec![
                "非常满意".into(),
                "满意".into(),
                "基本满意".into(),
                "不满意".into(),
                "非常不满意".into(),
            ],
            fail_from: 3,
        }
    }
    pub fn label(&self, level: u8) -> Option<&str> {
        self.levels.get(level as usize).map(|s| s.as_str())
    }
    pub fn passes(&self, level: u8) -> bool {
        level < self.fail_from
    }
}

/// The English of the standard grade words, for English pages; a county's own words have
/// none and stay as written.
pub fn grade_en(label: &str) -> Option<&'static str> {
    Some(match label {
        "非常满意" => "Very satisfied",
        "满意" => "Satisfied",
        "基本满意" => "Fairly satisfied",
        "不满意" => "Dissatisfied",
        "很不满意" | "非常不满意" => "Very dissatisfied",
        _ => return None,
    })
}

/// The yellow flag never starts fewer than this many minutes before a deadline.
pub const WARN_FLOOR_MINUTES: i64 = 5;

/// Per limit, the last share (percent) of the time given in which a hop is flagged yellow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarnPercent {
    /// Signing (and arriving on site for a whistle).
    pub sign: u8,
    pub respond: u8,
    pub complete: u8,
}

impl Default for WarnPercent {
    fn default() -> Self {
        WarnPercent {
            sign: 25,
            respond: 25,
            complete: 20,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowConfig {
    pub labels: StepLabels,
    pub normal: LimitSet,
    pub urgent: LimitSet,
    /// Completion limits by request type (咨询 3, 投诉举报 13 working days...).
    pub by_request_type: BTreeMap<RequestType, Limit>,
    /// 吹哨报到: arrival on site, on the clock.
    pub whistle_arrive: Limit,
    pub extension_max_count: u32,
    pub extension_max_days: u32,
    /// Stop the completion clock while an extension request waits for a decision.
    pub pause_while_extension_pending: bool,
    pub scale: Scale,
    /// Returns of one event before the next becomes a dispute for 编办.
    pub returns_before_dispute: u32,
    /// The yellow flag's window is at most this long (and at least [`WARN_FLOOR_MINUTES`]).
    pub warn_before: Limit,
    /// Yellow flag in the last share of each limit (percent of the hop's time for that step),
    /// so a fresh hop is never flagged and a 30-minute signing limit warns in its last minutes.
    #[serde(default)]
    pub warn_percent: WarnPercent,
    /// Escalate (督办 to leaders) after this many working days overdue.
    pub escalate_after_days: u32,
    /// On-site verification required before evaluation (数字城管 style).
    pub verification_required: bool,
    /// A township call needs a township leader (not only an operator).
    pub call_needs_leader: bool,
    /// A dispatch may go out without a list item (with a reason).
    pub allow_off_list: bool,
    /// Per list item overrides by item id (`kind/number`), over the item's own limits.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_item: BTreeMap<String, ItemLimits>,
}

impl Default for WorkflowConfig {
    fn default() -> Self {
        let mut by_request_type = BTreeMap::new();
        by_request_type.insert(RequestType::Consultation, Limit::WorkingDays(3));
        by_request_type.insert(RequestType::Complaint, Limit::WorkingDays(13));
        by_request_type.insert(RequestType::Report, Limit::WorkingDays(13));
        WorkflowConfig {
            labels: StepLabels::default(),
            normal: LimitSet {
                sign: Limit::WorkingMinutes(30),
                respond: Limit::WorkingMinutes(120),
                complete: Limit::WorkingDays(5),
                return_window: Limit::WorkingDays(1),
            },
            urgent: LimitSet {
                sign: Limit::ClockMinutes(15),
                respond: Limit::ClockMinutes(30),
                complete: Limit::WorkingDays(1),
                return_window: Limit::WorkingMinutes(120),
            },
            by_request_type,
            whistle_arrive: Limit::ClockMinutes(30),
            extension_max_count: 3,
            extension_max_days: 3,
            pause_while_extension_pending: true,
            scale: Scale::three(),
            returns_before_dispute: 1,
            warn_before: Limit::WorkingMinutes(480),
            warn_percent: WarnPercent::default(),
            escalate_after_days: 5,
            verification_required: false,
            call_needs_leader: false,
            allow_off_list: true,
            by_item: BTreeMap::new(),
        }
    }
}

fn hours(h: f64) -> Option<Limit> {
    (h.is_finite() && h > 0.0 && h < 10_000.0).then_some(Limit::WorkingMinutes((h * 60.0) as u32))
}

fn days(d: f64) -> Option<Limit> {
    (d.is_finite() && d > 0.0 && d < 1_000.0).then_some(Limit::WorkingDays(d.ceil() as u32))
}

impl WorkflowConfig {
    /// Whether a return requested now on hop `hop` goes straight to 编办 as a dispute: the
    /// event already had `returns_before_dispute` returns that counted (reassigned or disputed)
    /// or were rejected — a department returning again after a rejection means the two sides
    /// disagree. A township hop's returns stay with the township and never become disputes.
    pub fn return_becomes_dispute(&self, e: &Event, hop: u32) -> bool {
        if e.assignment(hop)
            .is_some_and(super::township::is_township_hop)
        {
            return false;
        }
        let rejected = e
            .assignments
            .iter()
            .filter(|a| !super::township::is_township_hop(a))
            .flat_map(|a| &a.returns)
            .filter(|r| r.outcome.as_deref() == Some("rejected"))
            .count() as u32;
        e.returns + rejected >= self.returns_before_dispute
    }

    /// The limits for a hop: deployment default by urgency, then request type, then the list
    /// item's own limits (an urgent event never gets a longer limit from the item).
    pub fn limits_for(
        &self,
        urgency: Urgency,
        request_type: Option<RequestType>,
        item: Option<&TimeLimits>,
    ) -> LimitSet {
        let mut set = match urgency {
            Urgency::Normal => self.normal,
            Urgency::Urgent => self.urgent,
        };
        if urgency == Urgency::Normal {
            if let Some(l) = request_type.and_then(|r| self.by_request_type.get(&r)) {
                set.complete = *l;
            }
            if let Some(t) = item {
                if let Some(l) = t.sign_hours.and_then(hours) {
                    set.sign = l;
                }
                if let Some(l) = t.respond_hours.and_then(hours) {
                    set.respond = l;
                }
                if let Some(l) = t.complete_days.and_then(days) {
                    set.complete = l;
                }
            }
        }
        set
    }

    /// [`Self::limits_for`], then the deployment's override for the list item `item_id`
    /// (normal urgency only).
    pub fn limits_for_item(
        &self,
        urgency: Urgency,
        request_type: Option<RequestType>,
        item_id: Option<&str>,
        item: Option<&TimeLimits>,
    ) -> LimitSet {
        let mut set = self.limits_for(urgency, request_type, item);
        if urgency == Urgency::Normal {
            if let Some(o) = item_id.and_then(|id| self.by_item.get(id)) {
                o.apply(&mut set);
            }
        }
        set
    }

    /// Problems with a proposed configuration, by field.
    pub fn problems(&self) -> Vec<crate::FieldError> {
        let mut errs = Vec::new();
        let mut err = |f: &str, r: R| errs.push(crate::FieldError::new("", f, r));
        if self.scale.levels.len() < 2 || self.scale.levels.len() > 7 {
            err("scale", R::ScaleLevels);
        }
        if self.scale.fail_from == 0 || self.scale.fail_from as usize > self.scale.levels.len() {
            err("scale.fail_from", R::FailFrom);
        }
        if self.scale.levels.iter().any(|l| l.trim().is_empty()) {
            err("scale", R::LevelLabelEmpty);
        }
        let w = self.warn_percent;
        for (f, p) in [
            ("warn_percent.sign", w.sign),
            ("warn_percent.respond", w.respond),
            ("warn_percent.complete", w.complete),
        ] {
            if p > 100 {
                err(f, R::WarnPercentRange);
            }
        }
        for (name, l) in [
            ("labels.call", &self.labels.call),
            ("labels.dispatch", &self.labels.dispatch),
            ("labels.respond", &self.labels.respond),
            ("labels.evaluate", &self.labels.evaluate),
        ] {
            if l.trim().is_empty() {
                err(name, R::LabelEmpty);
            }
        }
        for (name, set) in [("normal", &self.normal), ("urgent", &self.urgent)] {
            for (f, l) in [
                ("sign", set.sign),
                ("respond", set.respond),
                ("complete", set.complete),
                ("return_window", set.return_window),
            ] {
                if limit_is_zero(l) {
                    errs.push(crate::FieldError::new(
                        "",
                        format!("{name}.{f}"),
                        R::ZeroLimit,
                    ));
                }
            }
        }
        for (id, o) in &self.by_item {
            if o.is_empty() {
                errs.push(crate::FieldError::new(
                    "",
                    format!("by_item.{id}"),
                    R::OverrideEmpty,
                ));
            }
            for (f, l) in o.fields() {
                if l.is_some_and(limit_is_zero) {
                    errs.push(crate::FieldError::new(
                        "",
                        format!("by_item.{id}.{f}"),
                        R::ZeroLimit,
                    ));
                }
            }
        }
        if self.extension_max_days > 180 {
            errs.push(crate::FieldError::new(
                "",
                "extension_max_days",
                R::ExtensionMaxDays { max: 180 },
            ));
        }
        errs
    }
}

fn limit_is_zero(l: Limit) -> bool {
    matches!(
        l,
        Limit::WorkingDays(0) | Limit::WorkingMinutes(0) | Limit::ClockMinutes(0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_override_wins_for_normal_urgency_only() {
        let mut c = WorkflowConfig::default();
        let published = TimeLimits {
            complete_days: Some(10.0),
            ..Default::default()
        };
        c.by_item.insert(
            "territorial/1".into(),
            ItemLimits {
                complete: Some(Limit::WorkingDays(2)),
                ..Default::default()
            },
        );
        let n = c.limits_for_item(
            Urgency::Normal,
            None,
            Some("territorial/1"),
            Some(&published),
        );
        assert_eq!(n.complete, Limit::WorkingDays(2));
        assert_eq!(n.sign, c.normal.sign);
        let other = c.limits_for_item(
            Urgency::Normal,
            None,
            Some("territorial/2"),
            Some(&published),
        );
        assert_eq!(other.complete, Limit::WorkingDays(10));
        let u = c.limits_for_item(Urgency::Urgent, None, Some("territorial/1"), None);
        assert_eq!(u, c.urgent);
        // Old entries (without overrides) read and write the same.
        let json = serde_json::to_string(&WorkflowConfig::default()).unwrap();
        assert!(!json.contains("by_item"));
        c.by_item
            .insert("territorial/3".into(), ItemLimits::default());
        assert!(c
            .problems()
            .iter()
            .any(|e| e.field == "by_item.territorial/3"));
    }

    /// English pages translate every word of the shipped scales.
    #[test]
    fn every_standard_grade_word_has_english() {
        for scale in [Scale::three(), Scale::four(), Scale::five()] {
            for w in &scale.levels {
                assert!(grade_en(w).is_some(), "{w}");
            }
        }
        assert_eq!(grade_en("本县自定"), None);
    }
}
