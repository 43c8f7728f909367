//! Unit names as counties write them. A published workbook says "县综合行政执法局" or
//! "中共青川县委组织部" where the organisation says "青川县综合行政执法局" or "县委组织部";
//! full-width letters, stray spaces and the county's own name vary from sheet to sheet. Names
//! are compared by their *variants*: the name after width folding and whitespace removal, and
//! with the leading "中共", the city's or county's name, or "县"/"市"/"区" taken off.

use super::{Unit, UnitKind};
use std::collections::BTreeSet;
use unicode_normalization::UnicodeNormalization;

/// Prefixes stripped from names: the Party prefix and the county level's own names.
#[derive(Debug, Clone, Default)]
pub struct NamePrefixes(Vec<String>);

impl NamePrefixes {
    /// From the organisation's city and county units: "临泉市", "临泉", "青川县", "青川".
    pub fn of<'a>(units: impl Iterator<Item = &'a Unit>) -> Self {
        let mut p = vec!["中共".to_string()];
        for u in units.filter(|u| matches!(u.kind, UnitKind::City | UnitKind::County)) {
            let full = fold(&u.name);
            let stem: String = full.trim_end_matches(['县', '市', '区']).to_string();
            if stem.chars().count() >= 2 && stem != full {
                p.push(stem);
            }
            p.push(full);
        }
        // Longest first, so "青川县" is taken before "青川".
        p.sort_by_key(|s| std::cmp::Reverse(s.chars().count()));
        p.extend(["县", "市", "区"].map(String::from));
        NamePrefixes(p)
    }

    /// Every form of `name` worth comparing (at least the folded name itself).
    pub fn variants(&self, name: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut frontier = vec![fold(name)];
        // At most three prefixes come off: "中共" + "青川县" + "委…" is already two.
        for _ in 0..3 {
            let mut next = Vec::new();
            for v in frontier {
                for p in &self.0 {
                    if let Some(rest) = v.strip_prefix(p.as_str()) {
                        // A bare "局" or "委" is not a name.
                        if rest.chars().count() >= 2 {
                            next.push(rest.to_string());
                        }
                    }
                }
                out.insert(v);
            }
            frontier = next;
        }
        out.extend(frontier);
        out
    }

    /// The shortest variant: what similarity is measured on.
    pub fn core(&self, name: &str) -> String {
        self.variants(name)
            .into_iter()
            .min_by_key(|v| (v.chars().count(), v.clone()))
            .unwrap_or_default()
    }
}

/// Width folding (full-width letters, digits and brackets to their usual forms) and no
/// whitespace of any kind.
pub fn fold(name: &str) -> String {
    name.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// How alike two names are, 0 to 1: the Dice coefficient of their characters. Chinese unit
/// names share characters even when abbreviated differently ("文广旅体局" and "文化和旅游局").
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let mut rest = b.clone();
    let mut shared = 0usize;
    for c in &a {
        if let Some(i) = rest.iter().position(|x| x == c) {
            rest.swap_remove(i);
            shared += 1;
        }
    }
    2.0 * shared as f64 / (a.len() + b.len()) as f64
}

/// Candidates below this similarity are not offered.
pub const SUGGEST_AT_LEAST: f64 = 0.34;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::OrgState;

    fn unit(code: &str, name: &str, short: &str, aliases: &[&str], kind: UnitKind) -> Unit {
        Unit {
            code: code.into(),
            name: name.into(),
            short_name: short.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            kind,
            parent: None,
            owner_department: None,
            township: None,
        }
    }

    /// A county like the demo's, with the names its own org table uses.
    fn org() -> OrgState {
        let mut o = OrgState::default();
        for u in [
            unit("C", "临泉市", "临泉", &[], UnitKind::City),
            unit("370999", "青川县", "青川", &[], UnitKind::County),
            unit(
                "D-ZF",
                "青川县综合行政执法局",
                "综合执法局",
                &["城管局"],
                UnitKind::Department,
            ),
            unit(
                "D-ZR",
                "青川县自然资源和规划局",
                "自然资源局",
                &[],
                UnitKind::Department,
            ),
            unit(
                "D-ZJ",
                "青川县住房和城乡建设局",
                "住建局",
                &[],
                UnitKind::Department,
            ),
            unit(
                "D-YJ",
                "青川县应急管理局",
                "应急局",
                &[],
                UnitKind::Department,
            ),
            unit(
                "D-HB",
                "青川县生态环境分局",
                "生态环境局",
                &[],
                UnitKind::Department,
            ),
            unit(
                "D-SJ",
                "青川县市场监督管理局",
                "市场监管局",
                &[],
                UnitKind::Department,
            ),
            unit("D-ZZ", "县委组织部", "组织部", &[], UnitKind::Department),
            unit(
                "D-WL",
                "青川县文化和旅游局",
                "文旅局",
                &[],
                UnitKind::Department,
            ),
            unit(
                "D-JY",
                "青川县教育和体育局",
                "教体局",
                &[],
                UnitKind::Department,
            ),
        ] {
            o.units.insert(u.code.clone(), u);
        }
        o
    }

    #[test]
    fn county_b_names_resolve() {
        let o = org();
        for (written, code) in [
            ("县综合行政执法局", "D-ZF"),
            ("县自然资源和规划局", "D-ZR"),
            ("县住房和城乡建设局", "D-ZJ"),
            ("县应急管理局", "D-YJ"),
            ("县生态环境局", "D-HB"),
            ("县市场监管局", "D-SJ"),
            ("中共青川县委组织部", "D-ZZ"),
            ("青川县委组织部", "D-ZZ"),
            ("临泉市青川县应急管理局", "D-YJ"),
            ("青川县 综合行政执法局", "D-ZF"),
            ("ＤＺ县应急管理局", ""),
            ("青川县住房和城乡建设局", "D-ZJ"),
            ("城管局", "D-ZF"),
        ] {
            let got = o
                .resolve_unit(written)
                .map(|u| u.code.as_str())
                .unwrap_or("");
            assert_eq!(got, code, "{written}");
        }
    }

    #[test]
    fn unknown_names_get_the_closest_candidates() {
        let o = org();
        assert!(o.resolve_unit("县文广旅体局").is_none());
        let c: Vec<&str> = o
            .similar_units("县文广旅体局", 3)
            .iter()
            .map(|u| u.code.as_str())
            .collect();
        assert_eq!(c, ["D-WL", "D-JY"]);
        assert!(o.similar_units("宇宙管理委员会", 3).len() <= 3);
        assert!(o.similar_units("", 3).is_empty());
    }

    #[test]
    fn width_and_spaces_fold() {
        assert_eq!(fold("（ＡＢ） 县\u{3000}局"), "(AB)县局");
        assert!((similarity("文广旅体局", "文化和旅游局") - 6.0 / 11.0).abs() < 1e-9);
        assert_eq!(similarity("", "局"), 0.0);
    }
}
