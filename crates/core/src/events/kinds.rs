//! The enumerations of the workflow: channels, urgency, grade, request type, and the statuses
//! of events and hops, each with its code and Chinese label.

use serde::{Deserialize, Serialize};

/// Where a report came from (来源渠道).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    GridReport,
    TownshipCall,
    Hotline12345,
    Police110,
    DepartmentFound,
    Public,
    Manual,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::GridReport,
        Channel::TownshipCall,
        Channel::Hotline12345,
        Channel::Police110,
        Channel::DepartmentFound,
        Channel::Public,
        Channel::Manual,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::GridReport => "grid_report",
            Channel::TownshipCall => "township_call",
            Channel::Hotline12345 => "hotline_12345",
            Channel::Police110 => "police_110",
            Channel::DepartmentFound => "department_found",
            Channel::Public => "public",
            Channel::Manual => "manual",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Channel::GridReport => "网格上报",
            Channel::TownshipCall => "乡镇呼叫",
            Channel::Hotline12345 => "12345转办",
            Channel::Police110 => "110转办",
            Channel::DepartmentFound => "部门发现",
            Channel::Public => "随手拍",
            Channel::Manual => "人工录入",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Channel::ALL
            .into_iter()
            .find(|c| c.as_str() == s || c.label_zh() == s)
    }
}

/// 紧急程度.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    #[default]
    Normal,
    Urgent,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Urgent => "urgent",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Urgency::Normal => "一般",
            Urgency::Urgent => "紧急",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "normal" | "一般" => Some(Urgency::Normal),
            "urgent" | "紧急" => Some(Urgency::Urgent),
            _ => None,
        }
    }
}

/// 事件分级.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    #[default]
    Ordinary,
    Major,
    Severe,
}

impl Grade {
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Ordinary => "ordinary",
            Grade::Major => "major",
            Grade::Severe => "severe",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Grade::Ordinary => "一般",
            Grade::Major => "较大",
            Grade::Severe => "重大",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ordinary" | "一般" => Some(Grade::Ordinary),
            "major" | "较大" => Some(Grade::Major),
            "severe" | "重大" => Some(Grade::Severe),
            _ => None,
        }
    }
}

/// 诉求类型 (hotline orders and citizen requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestType {
    Consultation,
    Help,
    Complaint,
    Report,
    Suggestion,
}

impl RequestType {
    pub const ALL: [RequestType; 5] = [
        RequestType::Consultation,
        RequestType::Help,
        RequestType::Complaint,
        RequestType::Report,
        RequestType::Suggestion,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            RequestType::Consultation => "consultation",
            RequestType::Help => "help",
            RequestType::Complaint => "complaint",
            RequestType::Report => "report",
            RequestType::Suggestion => "suggestion",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            RequestType::Consultation => "咨询",
            RequestType::Help => "求助",
            RequestType::Complaint => "投诉",
            RequestType::Report => "举报",
            RequestType::Suggestion => "建议",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        RequestType::ALL
            .into_iter()
            .find(|c| c.as_str() == s || c.label_zh() == s)
    }
}
