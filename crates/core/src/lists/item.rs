//! List items (清单事项) of every kind, with Jinan's ten elements and kind-specific fields.

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// 属地管理事项 (primary and supporting responsibility)
    #[default]
    Territorial,
    /// 权责清单 power items
    Power,
    /// 职责边界清单
    Boundary,
    /// 一件事 joint matters
    Joint,
    /// 赋权事项 powers delegated to townships
    Delegated,
    /// 村(社区) duty and assist items
    Village,
}

impl ListKind {
    pub const ALL: [ListKind; 6] = [
        ListKind::Territorial,
        ListKind::Power,
        ListKind::Boundary,
        ListKind::Joint,
        ListKind::Delegated,
        ListKind::Village,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ListKind::Territorial => "territorial",
            ListKind::Power => "power",
            ListKind::Boundary => "boundary",
            ListKind::Joint => "joint",
            ListKind::Delegated => "delegated",
            ListKind::Village => "village",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ListKind::Territorial => "属地管理事项",
            ListKind::Power => "权责清单",
            ListKind::Boundary => "职责边界清单",
            ListKind::Joint => "一件事",
            ListKind::Delegated => "赋权事项",
            ListKind::Village => "村(社区)事项",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ListKind::Territorial => "Territorial items",
            ListKind::Power => "Power list",
            ListKind::Boundary => "Boundary list",
            ListKind::Joint => "Joint matters",
            ListKind::Delegated => "Delegated powers",
            ListKind::Village => "Village items",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        ListKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s || k.label_zh() == s)
    }

    /// Recognises a kind from a title or sheet name, as published tables name themselves.
    pub fn detect(text: &str) -> Option<Self> {
        let t = text.trim();
        let has = |ks: &[&str]| ks.iter().any(|k| t.contains(k));
        if has(&["属地管理", "主体责任和配合责任"]) {
            Some(ListKind::Territorial)
        } else if has(&["一件事", "协同管理", "协同办理"]) {
            Some(ListKind::Joint)
        } else if has(&["职责边界"]) {
            Some(ListKind::Boundary)
        } else if has(&["赋权", "下放"]) {
            Some(ListKind::Delegated)
        } else if has(&["村(社区)", "村（社区）", "履职事项", "协助事项"]) {
            Some(ListKind::Village)
        } else if has(&["权责清单", "权力清单", "权力事项"]) {
            Some(ListKind::Power)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FlowType {
    /// 并联: township and department act at the same time ("两点划线").
    #[default]
    Parallel,
    /// 串联: one after the other.
    Sequential,
}

impl FlowType {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "" => Some(FlowType::default()),
            "并联" | "parallel" | "并行" => Some(FlowType::Parallel),
            "串联" | "sequential" | "串行" | "顺序" => Some(FlowType::Sequential),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            FlowType::Parallel => "并联",
            FlowType::Sequential => "串联",
        }
    }
}

/// Default time limits of an item; `None` falls back to the deployment's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct TimeLimits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub respond_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrive_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complete_days: Option<f64>,
}

/// One list item. Fields that a kind does not use stay empty. Units are unit codes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Item {
    /// `kind/number`, stable across versions.
    pub id: String,
    pub kind: ListKind,
    /// 序号 / 事项编号 as published.
    pub number: String,
    /// 领域 / 类别.
    #[serde(default)]
    pub domain: String,
    pub name: String,
    /// 主体责任单位 / 牵头部门 / 实施主体 / 原实施部门.
    #[serde(default)]
    pub primary: Vec<String>,
    #[serde(default)]
    pub primary_duty: String,
    /// 配合责任单位 / 协同部门 / 协办部门 / 承接乡镇.
    #[serde(default)]
    pub supporting: Vec<String>,
    #[serde(default)]
    pub supporting_duty: String,
    #[serde(default)]
    pub legal_basis: String,
    /// 问题描述.
    #[serde(default)]
    pub problem: String,
    /// 前端网格管理.
    #[serde(default)]
    pub grid_handling: String,
    /// 镇街综合管理 / 乡镇(街道)职责.
    #[serde(default)]
    pub township_handling: String,
    /// 部门监管执法.
    #[serde(default)]
    pub department_enforcement: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub limits: TimeLimits,
    #[serde(default)]
    pub flow: FlowType,
    /// 办理流程 steps.
    #[serde(default)]
    pub steps: Vec<String>,
    /// Power type (权力类型) for power and delegated items.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub power_type: String,
    /// 承办机构 / 牵头科室.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub division: String,
    /// 责任事项 (power list) or 办事指南 (joint matter) or 工作内容 (village).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub guide: String,
    /// 追责情形 (power list).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub accountability: String,
    /// Joint matter kind 协同管理 / 协同办理; village kind 履职 / 协助.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subkind: String,
    /// 分管领导, A岗, B岗 (joint matters).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub leader: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub staff_a: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub staff_b: String,
    /// 赋权文件, 赋权日期, 过渡期截止 (delegated powers), dates as YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub document: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub delegated_on: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub transition_end: String,
}

impl Item {
    pub fn make_id(kind: ListKind, number: &str) -> String {
        format!("{}/{}", kind.as_str(), number.trim())
    }

    /// Field-by-field differences, by serialised field name.
    pub fn changed_fields(&self, other: &Item) -> Vec<String> {
        let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
            (serde_json::to_value(self), serde_json::to_value(other))
        else {
            return vec![];
        };
        let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter(|k| a.get(*k) != b.get(*k))
            .cloned()
            .collect()
    }
}

/// Normalises power types: 处罚 → 行政处罚 etc.
pub fn normalise_power_type(s: &str) -> Option<String> {
    const TYPES: [&str; 10] = [
        "行政许可",
        "行政处罚",
        "行政检查",
        "行政强制",
        "行政征收",
        "行政给付",
        "行政确认",
        "行政奖励",
        "行政裁决",
        "其他",
    ];
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    TYPES
        .iter()
        .find(|full| {
            **full == t
                || full.trim_start_matches("行政") == t
                || (t.starts_with("其他") && **full == "其他")
        })
        .map(|s| s.to_string())
}
