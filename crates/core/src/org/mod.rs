//! The county's organisation: units on both axes (条 departments, 块 townships and villages),
//! people with role grants, and grids.

mod geo;
pub mod names;
mod role;
mod unit;

pub use geo::{validate_polygon, BBox, GeoError};
pub use role::{RoleGrant, RoleKind};
pub use unit::{Unit, UnitKind};

use crate::error::FieldReason;
use serde::{Deserialize, Serialize};

/// What a personal field (name, phone, password hash, contact text) reads as once the person's
/// data was erased (个人信息保护法): the log keeps only a commitment to the value, and the value
/// itself is gone. Pages show it as is ("已删除"; English pages translate it).
pub const ERASED: &str = "已删除";

/// A person who may log in. Passwords are stored only as argon2id hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub username: String,
    pub name: String,
    #[serde(default)]
    pub phone: String,
    /// The unit the person works in.
    pub unit: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GridKind {
    /// 综合网格
    Comprehensive,
    /// 专属网格 (industrial park, school, market …)
    Special,
}

impl GridKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            GridKind::Comprehensive => "综合",
            GridKind::Special => "专属",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "综合" | "综合网格" | "comprehensive" => Some(GridKind::Comprehensive),
            "专属" | "专属网格" | "special" => Some(GridKind::Special),
            _ => None,
        }
    }
}

/// 网格: an area with a leader and workers, inside one village or community.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grid {
    pub code: String,
    pub name: String,
    pub kind: GridKind,
    /// Village or community code.
    pub village: String,
    #[serde(default)]
    pub leader: Option<String>,
    #[serde(default)]
    pub workers: Vec<String>,
    /// GeoJSON geometry (Polygon), as validated text.
    pub geometry: String,
}

/// Unit codes, usernames and grid codes share one shape: short, ASCII, no spaces.
pub fn validate_code(code: &str) -> Result<(), FieldReason> {
    if code.is_empty() {
        return Err(FieldReason::CodeEmpty);
    }
    if code.len() > 64 {
        return Err(FieldReason::CodeTooLong { max: 64 });
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(FieldReason::CodeChars {
            code: code.to_string(),
        });
    }
    Ok(())
}
