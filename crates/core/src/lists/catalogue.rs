//! The county's catalogue of lists as a sequence of immutable versions. Each version records
//! only what changed; any past version can be read back and any two compared.

use super::item::{Item, ListKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionMeta {
    pub version: u32,
    /// YYYY-MM-DD; the version applies from this date on.
    pub effective_date: String,
    /// 依据文件号, e.g. 青编发〔2026〕3号.
    pub document_no: String,
    /// Where it came from: `import:FILE` or `adjustment:ID`.
    pub source: String,
    pub published_at_ms: i64,
    pub upserts: usize,
    pub removals: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ItemDiff {
    Added {
        id: String,
        name: String,
    },
    Removed {
        id: String,
        name: String,
    },
    Changed {
        id: String,
        name: String,
        fields: Vec<String>,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalogue {
    pub versions: Vec<VersionMeta>,
    /// Per item: (version, item as of that version; None = removed), in version order.
    pub history: BTreeMap<String, Vec<(u32, Option<Item>)>>,
}

impl Catalogue {
    pub fn latest(&self) -> u32 {
        self.versions.last().map(|v| v.version).unwrap_or(0)
    }

    pub fn meta(&self, version: u32) -> Option<&VersionMeta> {
        self.versions.iter().find(|m| m.version == version)
    }

    /// The version in force on `date` (YYYY-MM-DD): the newest one effective by then.
    pub fn in_force(&self, date: &str) -> u32 {
        self.versions
            .iter()
            .filter(|m| m.effective_date.as_str() <= date)
            .map(|m| m.version)
            .max()
            .unwrap_or(0)
    }

    pub fn item_at(&self, id: &str, version: u32) -> Option<&Item> {
        self.history
            .get(id)?
            .iter()
            .rev()
            .find(|(v, _)| *v <= version)
            .and_then(|(_, i)| i.as_ref())
    }

    /// Every item of a version, in id order.
    pub fn items_at(&self, version: u32) -> impl Iterator<Item = &Item> {
        self.history.values().filter_map(move |h| {
            h.iter()
                .rev()
                .find(|(v, _)| *v <= version)
                .and_then(|(_, i)| i.as_ref())
        })
    }

    pub fn count_at(&self, version: u32, kind: Option<ListKind>) -> usize {
        self.items_at(version)
            .filter(|i| kind.map(|k| i.kind == k).unwrap_or(true))
            .count()
    }

    /// Versions in which an item changed: (version, item or None when removed).
    pub fn item_history(&self, id: &str) -> &[(u32, Option<Item>)] {
        self.history.get(id).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// Differences from version `a` to version `b`.
    pub fn diff(&self, a: u32, b: u32) -> Vec<ItemDiff> {
        let mut out = Vec::new();
        for id in self.history.keys() {
            match (self.item_at(id, a), self.item_at(id, b)) {
                (None, Some(n)) => out.push(ItemDiff::Added {
                    id: id.clone(),
                    name: n.name.clone(),
                }),
                (Some(o), None) => out.push(ItemDiff::Removed {
                    id: id.clone(),
                    name: o.name.clone(),
                }),
                (Some(o), Some(n)) if o != n => out.push(ItemDiff::Changed {
                    id: id.clone(),
                    name: n.name.clone(),
                    fields: o.changed_fields(n),
                }),
                _ => {}
            }
        }
        out
    }

    pub fn apply_version(&mut self, meta: VersionMeta, upserts: &[Item], removals: &[String]) {
        let v = meta.version;
        for i in upserts {
            self.history
                .entry(i.id.clone())
                .or_default()
                .push((v, Some(i.clone())));
        }
        for id in removals {
            self.history.entry(id.clone()).or_default().push((v, None));
        }
        self.versions.push(meta);
    }
}

/// Checks a date string is YYYY-MM-DD with a real month and day.
pub fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y), Some(m), Some(d)) => {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let days = [
                31,
                if leap { 29 } else { 28 },
                31,
                30,
                31,
                30,
                31,
                31,
                30,
                31,
                30,
                31,
            ];
            (1900..=2200).contains(&y)
                && (1..=12).contains(&m)
                && d >= 1
                && d <= days[(m - 1) as usize]
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(n: &str, name: &str) -> Item {
        Item {
            id: Item::make_id(ListKind::Territorial, n),
            kind: ListKind::Territorial,
            number: n.into(),
            name: name.into(),
            ..Default::default()
        }
    }

    fn meta(v: u32, date: &str) -> VersionMeta {
        VersionMeta {
            version: v,
            effective_date: date.into(),
            document_no: String::new(),
            source: String::new(),
            published_at_ms: 0,
            upserts: 0,
            removals: 0,
        }
    }

    #[test]
    fn versions_are_readable_and_comparable() {
        let mut c = Catalogue::default();
        c.apply_version(
            meta(1, "2026-01-01"),
            &[item("1", "油烟"), item("2", "违建")],
            &[],
        );
        let mut changed = item("1", "餐饮油烟");
        changed.keywords = vec!["油烟".into()];
        c.apply_version(
            meta(2, "2026-06-01"),
            &[changed, item("3", "欠薪")],
            &["territorial/2".to_string()],
        );
        assert_eq!(c.count_at(1, None), 2);
        assert_eq!(c.count_at(2, None), 2);
        assert_eq!(c.item_at("territorial/1", 1).unwrap().name, "油烟");
        assert_eq!(c.item_at("territorial/2", 2), None);
        assert_eq!(c.in_force("2026-03-01"), 1);
        assert_eq!(c.in_force("2026-06-01"), 2);
        assert_eq!(c.in_force("2025-01-01"), 0);
        let d = c.diff(1, 2);
        assert_eq!(d.len(), 3);
        assert!(d.iter().any(|x| matches!(x, ItemDiff::Changed { fields, .. } if fields.contains(&"keywords".to_string()) && fields.contains(&"name".to_string()))));
        assert!(d
            .iter()
            .any(|x| matches!(x, ItemDiff::Removed { id, .. } if id == "territorial/2")));
        assert!(d
            .iter()
            .any(|x| matches!(x, ItemDiff::Added { id, .. } if id == "territorial/3")));
    }

    #[test]
    fn dates_are_checked() {
        assert!(valid_date("2026-02-28"));
        assert!(!valid_date("2026-02-30"));
        assert!(!valid_date("2026-2-3"));
        assert!(valid_date("2024-02-29"));
        assert!(!valid_date("2026-13-01"));
    }
}
