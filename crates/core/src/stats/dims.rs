//! Dimensions of the cube: what a row or column groups by, the key of a fact along it, and the
//! label people read. Periods are calendar periods in China Standard Time.

use super::facts::{EventFact, HopFact};
use crate::calendar::{cst_date, Datelike, NaiveDate};
use crate::categories::CategoryTree;
use crate::org::{Unit, UnitKind};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A period grain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grain {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Grain {
    /// `2026-11-03`, `2026-W45`, `2026-11`, `2026-Q4`, `2026`.
    pub fn key(self, d: NaiveDate) -> String {
        match self {
            Grain::Day => d.format("%Y-%m-%d").to_string(),
            Grain::Week => {
                let w = d.iso_week();
                format!("{}-W{:02}", w.year(), w.week())
            }
            Grain::Month => format!("{}-{:02}", d.year(), d.month()),
            Grain::Quarter => format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1),
            Grain::Year => d.year().to_string(),
        }
    }
}

/// What a row or a column groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "dim", content = "level")]
pub enum Dim {
    /// Everything in one group (the total).
    All,
    /// The category at a level of the tree (1 = 管理部件/管理事项/本县).
    Category(u8),
    /// The township the problem lies in (发起乡镇).
    Township,
    Village,
    Grid,
    /// How it came in: grid report, township call, hotline, ...
    Channel,
    /// The unit that reported it.
    Origin,
    /// The handling unit (the hop's receiver; for event measures, the lead unit).
    Receiver,
    /// The handling unit rolled up to its department (divisions and stationed units).
    Department,
    /// Lead, co-department, whistle or township assignment.
    Role,
    /// The unit that sent the hop and grades it.
    Sender,
    /// The cited list item.
    Item,
    Urgency,
    Period(Grain),
}

impl Dim {
    pub const CHOICES: &'static [Dim] = &[
        Dim::All,
        Dim::Category(1),
        Dim::Category(2),
        Dim::Category(3),
        Dim::Township,
        Dim::Village,
        Dim::Grid,
        Dim::Channel,
        Dim::Origin,
        Dim::Receiver,
        Dim::Department,
        Dim::Role,
        Dim::Sender,
        Dim::Item,
        Dim::Urgency,
        Dim::Period(Grain::Day),
        Dim::Period(Grain::Week),
        Dim::Period(Grain::Month),
        Dim::Period(Grain::Quarter),
        Dim::Period(Grain::Year),
    ];

    /// The code used in URLs, the API and the CLI: `category2`, `township`, `month`, ...
    pub fn code(self) -> String {
        match self {
            Dim::All => "all".into(),
            Dim::Category(l) => format!("category{l}"),
            Dim::Township => "township".into(),
            Dim::Village => "village".into(),
            Dim::Grid => "grid".into(),
            Dim::Channel => "channel".into(),
            Dim::Origin => "origin".into(),
            Dim::Receiver => "receiver".into(),
            Dim::Department => "department".into(),
            Dim::Role => "role".into(),
            Dim::Sender => "sender".into(),
            Dim::Item => "item".into(),
            Dim::Urgency => "urgency".into(),
            Dim::Period(g) => match g {
                Grain::Day => "day",
                Grain::Week => "week",
                Grain::Month => "month",
                Grain::Quarter => "quarter",
                Grain::Year => "year",
            }
            .into(),
        }
    }

    pub fn parse(s: &str) -> Option<Dim> {
        let s = s.trim();
        if s == "category" {
            return Some(Dim::Category(2));
        }
        if let Some(l) = s.strip_prefix("category") {
            return l
                .parse()
                .ok()
                .filter(|l| (1..=6).contains(l))
                .map(Dim::Category);
        }
        Dim::CHOICES.iter().copied().find(|d| d.code() == s)
    }

    pub fn label(self, zh: bool) -> String {
        let (z, e) = match self {
            Dim::All => ("合计", "Total"),
            Dim::Category(l) => {
                return if zh {
                    format!("事件分类({l}级)")
                } else {
                    format!("Category (level {l})")
                }
            }
            Dim::Township => ("乡镇(街道)", "Township"),
            Dim::Village => ("村(社区)", "Village"),
            Dim::Grid => ("网格", "Grid"),
            Dim::Channel => ("来源渠道", "Channel"),
            Dim::Origin => ("上报单位", "Reporting unit"),
            Dim::Receiver => ("处置单位", "Handling unit"),
            Dim::Department => ("处置部门", "Handling department"),
            Dim::Role => ("派单角色", "Hop role"),
            Dim::Sender => ("派单(评价)单位", "Sending (grading) unit"),
            Dim::Item => ("清单事项", "List item"),
            Dim::Urgency => ("紧急程度", "Urgency"),
            Dim::Period(Grain::Day) => ("日", "Day"),
            Dim::Period(Grain::Week) => ("周", "Week"),
            Dim::Period(Grain::Month) => ("月", "Month"),
            Dim::Period(Grain::Quarter) => ("季度", "Quarter"),
            Dim::Period(Grain::Year) => ("年", "Year"),
        };
        if zh { z } else { e }.to_string()
    }
}

/// What keys and labels need: the category tree, the units and the list items' names.
pub struct Context<'a> {
    pub categories: &'a CategoryTree,
    pub units: &'a BTreeMap<String, Unit>,
    pub items: &'a BTreeMap<String, String>,
}

/// The key used for a missing value (no township, no item...).
pub const NONE_KEY: &str = "-";

impl Context<'_> {
    fn category<'s>(&'s self, code: &'s str, level: u8) -> Cow<'s, str> {
        match self.categories.at_level(code, level as usize) {
            Some(c) => Cow::Borrowed(c.code.as_str()),
            None if code.is_empty() => Cow::Borrowed(NONE_KEY),
            // Free text of older events stays a group of its own.
            None => Cow::Borrowed(code),
        }
    }

    /// The department a unit belongs to (itself for departments and non-department units).
    pub fn department_of(&self, code: &str) -> String {
        self.department_ref(code).to_string()
    }

    fn department_ref<'s>(&'s self, code: &'s str) -> &'s str {
        let mut at = code;
        for _ in 0..8 {
            let Some(u) = self.units.get(at) else {
                break;
            };
            match u.kind {
                UnitKind::Division => match &u.parent {
                    Some(p) => at = p,
                    None => break,
                },
                UnitKind::StationedUnit => match &u.owner_department {
                    Some(d) => return d,
                    None => break,
                },
                _ => break,
            }
        }
        at
    }

    fn opt(v: &Option<String>) -> Cow<'_, str> {
        Cow::Borrowed(v.as_deref().unwrap_or(NONE_KEY))
    }

    /// The fact's key along `d`: borrowed where it can be, since the cube asks for two keys
    /// of every fact.
    pub fn event_key<'s>(&'s self, d: Dim, f: &'s EventFact) -> Cow<'s, str> {
        match d {
            Dim::All => Cow::Borrowed(""),
            Dim::Category(l) => self.category(&f.category, l),
            Dim::Township => Self::opt(&f.township),
            Dim::Village => Self::opt(&f.village),
            Dim::Grid => Self::opt(&f.grid),
            Dim::Channel => Cow::Borrowed(f.channel.as_str()),
            Dim::Origin => Cow::Borrowed(&f.origin_unit),
            Dim::Receiver => Self::opt(&f.lead_unit),
            Dim::Department => Cow::Borrowed(
                f.lead_unit
                    .as_deref()
                    .map(|u| self.department_ref(u))
                    .unwrap_or(NONE_KEY),
            ),
            Dim::Role => Cow::Borrowed("lead"),
            Dim::Sender => Cow::Borrowed(NONE_KEY),
            Dim::Item => Self::opt(&f.item_id),
            Dim::Urgency => Cow::Borrowed(f.urgency.as_str()),
            Dim::Period(g) => Cow::Owned(g.key(cst_date(f.created_ms))),
        }
    }

    pub fn hop_key<'s>(&'s self, d: Dim, f: &'s HopFact) -> Cow<'s, str> {
        match d {
            Dim::All => Cow::Borrowed(""),
            Dim::Category(l) => self.category(&f.category, l),
            Dim::Township => Self::opt(&f.township),
            // Hops are not located below the township.
            Dim::Village | Dim::Grid => Cow::Borrowed(NONE_KEY),
            Dim::Channel => Cow::Borrowed(f.channel.as_str()),
            Dim::Origin => Cow::Borrowed(NONE_KEY),
            Dim::Receiver => Cow::Borrowed(&f.receiver_unit),
            Dim::Department => Cow::Borrowed(self.department_ref(&f.receiver_unit)),
            Dim::Role => Cow::Borrowed(f.role.as_str()),
            Dim::Sender => Cow::Borrowed(&f.sender_unit),
            Dim::Item => Self::opt(&f.item_id),
            Dim::Urgency => Cow::Borrowed(f.urgency.as_str()),
            Dim::Period(g) => Cow::Owned(g.key(cst_date(f.dispatched_ms))),
        }
    }

    /// The label people read for `key` along `d`.
    pub fn label(&self, d: Dim, key: &str, zh: bool) -> String {
        use crate::events::{AssignmentRole, Channel, Urgency};
        if key == NONE_KEY {
            return if zh { "（未指定）" } else { "(none)" }.into();
        }
        match d {
            Dim::All => Dim::All.label(zh),
            Dim::Category(_) => self.categories.name(key).to_string(),
            Dim::Township
            | Dim::Village
            | Dim::Grid
            | Dim::Origin
            | Dim::Receiver
            | Dim::Department
            | Dim::Sender => self
                .units
                .get(key)
                .map(|u| {
                    if u.short_name.is_empty() {
                        u.name.clone()
                    } else {
                        u.short_name.clone()
                    }
                })
                .unwrap_or_else(|| key.to_string()),
            Dim::Channel => Channel::ALL
                .into_iter()
                .find(|c| c.as_str() == key)
                .map(|c| if zh { c.label_zh() } else { c.as_str() }.to_string())
                .unwrap_or_else(|| key.to_string()),
            Dim::Role => [
                AssignmentRole::Lead,
                AssignmentRole::Co,
                AssignmentRole::Whistle,
                AssignmentRole::Township,
            ]
            .into_iter()
            .find(|r| r.as_str() == key)
            .map(|r| if zh { r.label_zh() } else { r.label_en() }.to_string())
            .unwrap_or_else(|| key.to_string()),
            Dim::Item => self.items.get(key).cloned().unwrap_or_else(|| key.into()),
            Dim::Urgency => [Urgency::Normal, Urgency::Urgent]
                .into_iter()
                .find(|u| u.as_str() == key)
                .map(|u| if zh { u.label_zh() } else { u.as_str() }.to_string())
                .unwrap_or_else(|| key.to_string()),
            Dim::Period(_) => key.to_string(),
        }
    }
}
