//! The event category tree (事件分类): the national city-management classification
//! (GB/T 47678.5-2026, 管理部件 `B…` and 管理事项 `S…`) plus the county's own branches (`X…`).
//! Statistics group by a category at any level; an event whose category is free text (older
//! reports) keeps it and is shown under that text.

use crate::error::{DataReason as D, FieldReason as F};
use crate::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The county's catch-all leaf (其他问题).
pub const OTHER: &str = "X99001";

/// The built-in tree, from `demo/categories/categories.csv`.
pub const BUILTIN_CSV: &str = include_str!("../../../demo/categories/categories.csv");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub name: String,
    pub parent: Option<String>,
}

/// Stored as its list of nodes (the map key is each node's own code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<Category>", into = "Vec<Category>")]
pub struct CategoryTree {
    nodes: BTreeMap<String, Category>,
}

impl From<CategoryTree> for Vec<Category> {
    fn from(t: CategoryTree) -> Self {
        t.nodes.into_values().collect()
    }
}

impl From<Vec<Category>> for CategoryTree {
    fn from(nodes: Vec<Category>) -> Self {
        let mut t = CategoryTree::empty();
        t.upsert(nodes);
        t
    }
}

/// A county starts from the built-in tree.
impl Default for CategoryTree {
    fn default() -> Self {
        Self::builtin()
    }
}

impl CategoryTree {
    pub fn empty() -> Self {
        CategoryTree {
            nodes: BTreeMap::new(),
        }
    }

    /// The tree shipped with Tiaokuai.
    pub fn builtin() -> Self {
        let mut t = CategoryTree::empty();
        // The shipped file is checked by a test; a broken build would show an empty tree.
        if let Ok(nodes) = Self::parse_csv(BUILTIN_CSV) {
            t.upsert(nodes);
        }
        t
    }

    /// Reads `code,name,parent[,source]` rows; every problem names its row and column, and
    /// the tree must be whole (each parent known, no cycles).
    pub fn parse_csv(text: &str) -> Result<Vec<Category>, Vec<FieldError>> {
        let mut errs = vec![];
        let mut out: Vec<Category> = vec![];
        let mut lines = text.lines().enumerate();
        let header: Vec<&str> = match lines.next() {
            Some((_, h)) => h
                .trim_start_matches('\u{feff}')
                .split(',')
                .map(str::trim)
                .collect(),
            None => return Err(vec![FieldError::new("row 1", "code", D::EmptyFile)]),
        };
        let col = |name: &str| header.iter().position(|h| *h == name);
        let (Some(ci), Some(ni), Some(pi)) = (col("code"), col("name"), col("parent")) else {
            return Err(vec![FieldError::new("row 1", "header", D::CategoryHeader)]);
        };
        for (i, line) in lines {
            if line.trim().is_empty() {
                continue;
            }
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let at = format!("row {}", i + 1);
            let get = |k: usize| cells.get(k).copied().unwrap_or("");
            let code = get(ci);
            let name = get(ni);
            if code.is_empty() {
                errs.push(FieldError::new(&at, "code", F::Empty));
                continue;
            }
            if name.is_empty() {
                errs.push(FieldError::new(&at, "name", F::Empty));
            }
            if out.iter().any(|c| c.code == code) {
                errs.push(FieldError::new(
                    &at,
                    "code",
                    F::AppearsTwice {
                        value: code.to_string(),
                    },
                ));
            }
            let parent = Some(get(pi)).filter(|p| !p.is_empty()).map(str::to_string);
            out.push(Category {
                code: code.into(),
                name: name.into(),
                parent,
            });
        }
        let probe = {
            let mut t = CategoryTree::empty();
            t.upsert(out.clone());
            t
        };
        errs.extend(probe.problems());
        if errs.is_empty() {
            Ok(out)
        } else {
            Err(errs)
        }
    }

    /// Adds or replaces nodes (a county's own branches, or a new edition).
    pub fn upsert(&mut self, nodes: impl IntoIterator<Item = Category>) {
        for n in nodes {
            self.nodes.insert(n.code.clone(), n);
        }
    }

    /// Unknown parents and cycles.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut errs = vec![];
        for c in self.nodes.values() {
            if let Some(p) = &c.parent {
                if !self.nodes.contains_key(p) {
                    errs.push(FieldError::new(
                        &c.code,
                        "parent",
                        D::UnknownParent { parent: p.clone() },
                    ));
                } else if self.level(&c.code).is_none() {
                    errs.push(FieldError::new(&c.code, "parent", D::ParentCycle));
                }
            }
        }
        errs
    }

    pub fn get(&self, code: &str) -> Option<&Category> {
        self.nodes.get(code)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Category> {
        self.nodes.values()
    }

    pub fn children<'a>(&'a self, code: Option<&'a str>) -> impl Iterator<Item = &'a Category> {
        self.nodes
            .values()
            .filter(move |c| c.parent.as_deref() == code)
    }

    /// 1 for a root; `None` for an unknown code or a cycle.
    pub fn level(&self, code: &str) -> Option<usize> {
        let mut at = self.nodes.get(code)?;
        let mut level = 1;
        while let Some(p) = &at.parent {
            at = self.nodes.get(p)?;
            level += 1;
            if level > 16 {
                return None;
            }
        }
        Some(level)
    }

    /// The ancestor of `code` at `level` (itself when it is at or above that level). Walks
    /// up without allocating: the cube asks this for every fact.
    pub fn at_level<'a>(&'a self, code: &str, level: usize) -> Option<&'a Category> {
        let mut depth = self.level(code)?;
        let mut at = self.nodes.get(code)?;
        while depth > level.max(1) {
            at = self.nodes.get(at.parent.as_ref()?)?;
            depth -= 1;
        }
        Some(at)
    }

    /// "管理事项 / 市容环境类 / 暴露垃圾" for a code; the text itself for free text.
    pub fn path_name(&self, code: &str) -> String {
        let Some(mut at) = self.nodes.get(code) else {
            return code.to_string();
        };
        let mut names = vec![at.name.as_str()];
        while let Some(p) = at.parent.as_ref().and_then(|p| self.nodes.get(p)) {
            names.push(p.name.as_str());
            at = p;
            if names.len() > 16 {
                break;
            }
        }
        names.reverse();
        names.join(" / ")
    }

    /// The name of a code, or the text itself for a free-text category.
    pub fn name<'a>(&'a self, code: &'a str) -> &'a str {
        self.nodes
            .get(code)
            .map(|c| c.name.as_str())
            .unwrap_or(code)
    }

    /// The category a person typed: a code, a full name ("暴露垃圾"), or a path
    /// ("管理事项 / 市容环境类 / 暴露垃圾").
    pub fn resolve(&self, text: &str) -> Option<&Category> {
        let t = text.trim();
        if let Some(c) = self.nodes.get(t) {
            return Some(c);
        }
        let last = t.rsplit('/').next().unwrap_or(t).trim();
        let code = t.split_whitespace().next().unwrap_or(t);
        self.nodes
            .get(code)
            .or_else(|| self.nodes.values().find(|c| c.name == last))
    }

    /// The category of a new report: what was typed when it names a category (or, failing
    /// that, the closest category to the words typed); else the one closest to the cited
    /// item's wording or the title; else "其他问题".
    pub fn for_report(&self, typed: &str, item_name: Option<&str>, title: &str) -> String {
        let pick = if typed.trim().is_empty() {
            item_name
                .and_then(|n| self.suggest(n))
                .or_else(|| self.suggest(title))
        } else {
            self.resolve(typed).or_else(|| self.suggest(typed))
        };
        pick.map(|c| c.code.clone())
            .unwrap_or_else(|| OTHER.to_string())
    }

    /// The leaf category whose name shares the most character pairs with `text` (a list
    /// item's name and keywords, or a report's title), if any pair is shared at all.
    pub fn suggest(&self, text: &str) -> Option<&Category> {
        let pairs = bigrams(text);
        if pairs.is_empty() {
            return None;
        }
        // Leaves are the nodes nobody names as parent (asking each node for its children
        // made every report cost a pass over the tree per node).
        let parents: std::collections::HashSet<&str> = self
            .nodes
            .values()
            .filter_map(|c| c.parent.as_deref())
            .collect();
        let mut best: Option<(usize, usize, &Category)> = None;
        for c in self.nodes.values() {
            if parents.contains(c.code.as_str()) {
                continue;
            }
            let name = c.name.trim_end_matches("异常");
            let mine = bigrams(name);
            let hits = mine.iter().filter(|p| pairs.contains(p)).count();
            // Ties go to the shorter name (the more specific match of the text).
            let better = match best {
                None => hits > 0,
                Some((h, len, _)) => hits > h || (hits == h && hits > 0 && mine.len() < len),
            };
            if better {
                best = Some((hits, mine.len(), c));
            }
        }
        best.map(|(_, _, c)| c)
    }
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_tree_is_whole() {
        let t = CategoryTree::builtin();
        assert!(t.len() > 400, "{}", t.len());
        assert!(t.problems().is_empty());
        assert_eq!(t.level("S"), Some(1));
        assert_eq!(t.level("S06"), Some(2));
        let leaf = t.children(Some("S06")).next().map(|c| c.code.clone());
        let leaf = leaf.unwrap_or_default();
        assert_eq!(t.level(&leaf), Some(3));
        assert_eq!(t.at_level(&leaf, 2).map(|c| c.code.as_str()), Some("S06"));
        assert_eq!(t.at_level(&leaf, 1).map(|c| c.code.as_str()), Some("S"));
        assert_eq!(t.at_level("S06", 3).map(|c| c.code.as_str()), Some("S06"));
        assert!(t.path_name(&leaf).starts_with("管理事项 / 市容环境类 / "));
        assert_eq!(t.name("路灯坏了"), "路灯坏了");
    }

    #[test]
    fn suggestion_from_item_wording() {
        let t = CategoryTree::builtin();
        let s = |x: &str| t.suggest(x).map(|c| c.name.clone()).unwrap_or_default();
        assert_eq!(s("建筑工地扬尘污染"), "建筑工地扬尘");
        assert_eq!(s("物业管理纠纷调处"), "物业管理纠纷");
        assert!(s("占道经营").contains("占道"), "{}", s("占道经营"));
        assert_eq!(t.suggest(""), None);
    }

    #[test]
    fn reports_get_a_coded_category() {
        let t = CategoryTree::builtin();
        assert_eq!(t.for_report("X06001", None, ""), "X06001");
        assert_eq!(t.for_report("建筑工地扬尘", None, ""), "X06001");
        assert_eq!(t.for_report("X06001 建筑工地扬尘", None, ""), "X06001");
        assert_eq!(t.for_report("", Some("物业管理纠纷调处"), "吵架"), "X01002");
        assert_eq!(t.for_report("", None, "工地夜间施工扬尘"), "S08004");
        assert_eq!(t.for_report("", None, "🙂"), OTHER);
        assert!(t.get(OTHER).is_some());
    }

    #[test]
    fn bad_rows_are_named() {
        let e =
            CategoryTree::parse_csv("code,name,parent\nA,甲,\nB,,A\nC,丙,Z\nA,又,\n").unwrap_err();
        let at: Vec<String> = e.iter().map(|e| e.to_string()).collect();
        assert!(at.iter().any(|m| m.starts_with("row 3, name")), "{at:?}");
        assert!(
            at.iter()
                .any(|m| m.contains("row 5, code: 'A' appears twice")),
            "{at:?}"
        );
        assert!(at.iter().any(|m| m.contains("unknown parent Z")), "{at:?}");
        let cyc = CategoryTree::parse_csv("code,name,parent\nA,甲,B\nB,乙,A\n").unwrap_err();
        assert!(cyc.iter().any(|e| e.message().contains("cycle")), "{cyc:?}");
        assert!(CategoryTree::parse_csv("a,b\n").is_err());
    }
}
