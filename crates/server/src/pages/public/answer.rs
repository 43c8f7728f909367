//! From search hits to the citizen's answer cards: one card per matter (the same matter listed
//! in several kinds of list is shown once), a relevance cut-off, word-level highlights and a
//! plain-language answer.

use crate::i18n::Lang;
use tiaokuai_core::lists::{Item, ListKind};
use tiaokuai_core::state::CountyState;
use tiaokuai_search::WordHighlighter;

/// Hits scoring below this share of the best one are not shown.
pub const CUT_OFF: f32 = 0.35;
/// Within one matter the territorial item is shown if it scores at least this share of the best.
const PREFER_TERRITORIAL: f32 = 0.35;
/// Score factor of an item one of whose own keywords or aliases the question uses verbatim.
pub const KEYWORD_FACTOR: f32 = 3.0;
/// At most this many cards are shown for one question.
pub const MAX_CARDS: usize = 5;
/// Snippet length in characters.
const SNIPPET_CHARS: usize = 80;

/// One answer card.
pub struct Card {
    /// `kind/number`: the card's own page is `/public/items/{path}`.
    pub path: String,
    pub name_html: String,
    pub snippet_html: String,
    pub primary: String,
    pub supporting: String,
    /// "这件事由…负责，…配合" (plain text).
    pub answer: String,
    /// How to report it (plain text).
    pub report: String,
    pub basis: String,
    pub kind: &'static str,
    /// The other lists the same matter appears in.
    pub also: Vec<&'static str>,
}

/// A hit resolved to its item.
#[derive(Clone, Copy)]
pub struct Scored<'a> {
    pub item: &'a Item,
    pub score: f32,
}

/// The name without quotes, brackets and the 一件事 suffix, for telling matters apart.
fn name_key(name: &str) -> String {
    let mut s = name.replace("“一件事”", "").replace("\"一件事\"", "");
    for (open, close) in [('(', ')'), ('（', '）')] {
        while let (Some(a), Some(b)) = (s.find(open), s.find(close)) {
            if b <= a {
                break;
            }
            s.replace_range(a..b + close.len_utf8(), "");
        }
    }
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .trim_end_matches("一件事")
        .to_string()
}

fn primary_key(i: &Item) -> Option<Vec<&str>> {
    if i.primary.is_empty() {
        return None;
    }
    let mut v: Vec<&str> = i.primary.iter().map(|s| s.as_str()).collect();
    v.sort_unstable();
    v.dedup();
    Some(v)
}

fn same_matter(a: &Item, b: &Item) -> bool {
    name_key(&a.name) == name_key(&b.name)
        || matches!((primary_key(a), primary_key(b)), (Some(x), Some(y)) if x == y)
}

/// [`KEYWORD_FACTOR`] when the question holds one of the item's keywords or aliases (two
/// characters or more) verbatim, else 1. The lists write these words the way people say them
/// (井盖, 摆摊, 拖欠工资), so they tell the matter from the setting (小区, 门口, 危险).
pub fn keyword_factor(item: &Item, query: &str) -> f32 {
    let q = query.to_lowercase();
    let hit = item
        .keywords
        .iter()
        .chain(&item.aliases)
        .map(|k| k.trim().to_lowercase())
        .any(|k| k.chars().count() >= 2 && q.contains(&k));
    if hit {
        KEYWORD_FACTOR
    } else {
        1.0
    }
}

/// One group of hits that are the same matter: the item to show, its score, the other kinds.
pub struct Matter<'a> {
    pub shown: Scored<'a>,
    pub score: f32,
    pub kinds: Vec<ListKind>,
}

/// Groups hits (best first) into matters, drops those far below the best, and orders them
/// so that a matter with a named primary unit is never below one without.
pub fn matters<'a>(hits: &[Scored<'a>]) -> Vec<Matter<'a>> {
    let mut groups: Vec<Vec<Scored<'a>>> = Vec::new();
    for h in hits {
        match groups
            .iter_mut()
            .find(|g| g.iter().any(|x| same_matter(x.item, h.item)))
        {
            Some(g) => g.push(*h),
            None => groups.push(vec![*h]),
        }
    }
    let best = |g: &[Scored<'a>]| g.iter().map(|x| x.score).fold(f32::MIN, f32::max);
    let top = groups.iter().map(|g| best(g)).fold(0f32, f32::max);
    let mut out: Vec<Matter<'a>> = groups
        .into_iter()
        .filter(|g| top > 0.0 && best(g) >= CUT_OFF * top)
        .filter_map(|g| {
            let score = best(&g);
            // The best-scoring member that names a primary unit, else the best one.
            let pick = |with_primary: bool| {
                let best = g
                    .iter()
                    .filter(|x| x.item.primary.is_empty() != with_primary)
                    .copied()
                    .reduce(|a, x| if x.score > a.score { x } else { a })?;
                // The territorial item (主体/配合责任, written for the public) unless it
                // scores far below the best of the matter.
                let territorial = g
                    .iter()
                    .filter(|x| x.item.primary.is_empty() != with_primary)
                    .filter(|x| x.item.kind == ListKind::Territorial)
                    .copied()
                    .reduce(|a, x| if x.score > a.score { x } else { a });
                match territorial {
                    Some(t) if t.score >= PREFER_TERRITORIAL * best.score => Some(t),
                    _ => Some(best),
                }
            };
            let shown = pick(true).or_else(|| pick(false))?;
            let mut kinds: Vec<ListKind> = g
                .iter()
                .map(|x| x.item.kind)
                .filter(|k| *k != shown.item.kind)
                .collect();
            kinds.sort();
            kinds.dedup();
            Some(Matter {
                shown,
                score,
                kinds,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        a.shown
            .item
            .primary
            .is_empty()
            .cmp(&b.shown.item.primary.is_empty())
            .then(b.score.total_cmp(&a.score))
    });
    out.truncate(MAX_CARDS);
    out
}

/// Unit names, short, joined by 、; every township listed becomes 各乡镇(街道).
pub(crate) fn units_text(codes: &[String], st: &CountyState, l: Lang) -> String {
    let org = &st.org;
    let townships = org.units.values().filter(|u| u.kind.is_township()).count();
    let listed = codes
        .iter()
        .filter(|c| org.unit(c).is_some_and(|u| u.kind.is_township()))
        .count();
    let collapse = townships >= 2 && listed == townships;
    let mut out: Vec<String> = Vec::new();
    for c in codes {
        let unit = org.unit(c);
        if collapse && unit.is_some_and(|u| u.kind.is_township()) {
            let all = l.pick("各乡镇(街道)", "every township and subdistrict");
            if !out.iter().any(|x| x == all) {
                out.push(all.to_string());
            }
            continue;
        }
        out.push(
            unit.map(|u| u.short_name.clone())
                .unwrap_or_else(|| c.clone()),
        );
    }
    out.join(l.pick("、", ", "))
}

/// The plain answer: who is responsible and who assists.
pub fn answer_text(l: Lang, primary: &str, supporting: &str) -> String {
    match (l, primary.is_empty(), supporting.is_empty()) {
        (Lang::Zh, false, false) => format!("这件事由{primary}负责，{supporting}配合。"),
        (Lang::Zh, false, true) => format!("这件事由{primary}负责。"),
        (Lang::Zh, true, _) => "清单未列明这件事的主体责任单位，请通过下面的方式反映，由指挥中心分派。".into(),
        (Lang::En, false, false) => format!("{primary} is responsible for this, assisted by {supporting}."),
        (Lang::En, false, true) => format!("{primary} is responsible for this."),
        (Lang::En, true, _) => "The lists name no responsible unit for this; report it as below and the command centre will assign it.".into(),
    }
}

/// How to report it.
pub fn report_text(l: Lang) -> String {
    l.pick(
        "可以这样反映：拨打 12345 政务服务便民热线，或到所在乡镇(街道)综合信息指挥室反映，也可以告诉您所在村(社区)的网格员。",
        "To report it: call the 12345 government service hotline, or go to the command room of your township or subdistrict, or tell your village or community grid worker.",
    )
    .to_string()
}

/// The card of one item; `query` (may be empty) is highlighted by whole words.
pub fn card(st: &CountyState, l: Lang, item: &Item, query: &str, also: &[ListKind]) -> Card {
    let duties = [
        item.primary_duty.as_str(),
        item.problem.as_str(),
        item.supporting_duty.as_str(),
        item.guide.as_str(),
    ];
    let (name_html, snippet_html) = if query.trim().is_empty() {
        (tiaokuai_search::escape_html(&item.name), String::new())
    } else {
        let mut texts = vec![item.name.as_str()];
        texts.extend(duties);
        let h = WordHighlighter::new(query, &texts);
        (h.mark(&item.name), h.snippet(&duties, SNIPPET_CHARS))
    };
    let mut primary = units_text(&item.primary, st, l);
    // A village (community) item without a named unit is the village committee's own duty.
    if primary.is_empty() && item.kind == ListKind::Village {
        primary = l
            .pick("所在村(社区)", "your village or community committee")
            .to_string();
    }
    let supporting = units_text(&item.supporting, st, l);
    let kind_label = |k: ListKind| {
        if l == Lang::Zh {
            k.label_zh()
        } else {
            k.label_en()
        }
    };
    Card {
        path: item.id.clone(),
        name_html,
        snippet_html,
        answer: answer_text(l, &primary, &supporting),
        report: report_text(l),
        primary,
        supporting,
        basis: item.legal_basis.clone(),
        kind: kind_label(item.kind),
        also: also.iter().map(|k| kind_label(*k)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: ListKind, name: &str, primary: &[&str]) -> Item {
        Item {
            id: format!("{}/{name}", kind.as_str()),
            kind,
            name: name.into(),
            primary: primary.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn one_card_per_matter_and_a_cut_off() {
        let a = item(ListKind::Joint, "餐饮油烟治理“一件事”", &["D-ZF"]);
        let b = item(ListKind::Territorial, "餐饮油烟扰民", &["D-ZF"]);
        let c = item(ListKind::Boundary, "餐饮油烟监管", &[]);
        let d = item(ListKind::Territorial, "露天焚烧", &["D-HB"]);
        let e = item(ListKind::Territorial, "无关事项", &["D-X"]);
        let hits = [
            Scored {
                item: &c,
                score: 12.0,
            },
            Scored {
                item: &a,
                score: 10.0,
            },
            Scored {
                item: &b,
                score: 9.0,
            },
            Scored {
                item: &d,
                score: 5.0,
            },
            Scored {
                item: &e,
                score: 1.0,
            },
        ];
        let m = matters(&hits);
        // c has no primary unit: it comes after the matters that have one.
        let names: Vec<&str> = m.iter().map(|x| x.shown.item.name.as_str()).collect();
        // The territorial item stands for its matter (9 is not far below 10).
        assert_eq!(names, vec!["餐饮油烟扰民", "露天焚烧", "餐饮油烟监管"]);
        assert_eq!(m[0].kinds, vec![ListKind::Joint]);
        assert_eq!(m[0].score, 10.0);
        assert!(m.iter().all(|x| x.shown.item.name != "无关事项"));
    }

    #[test]
    fn a_primary_unit_wins_within_a_matter() {
        let a = item(ListKind::Boundary, "占道经营", &[]);
        let b = item(ListKind::Territorial, "占道经营(流动摊贩)", &["D-ZF"]);
        let m = matters(&[
            Scored {
                item: &a,
                score: 9.0,
            },
            Scored {
                item: &b,
                score: 8.0,
            },
        ]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].shown.item.kind, ListKind::Territorial);
        assert_eq!(m[0].score, 9.0);
    }

    #[test]
    fn a_territorial_item_far_below_does_not_stand_for_its_matter() {
        let a = item(ListKind::Joint, "欠薪治理“一件事”", &["D-RS"]);
        let b = item(ListKind::Territorial, "拖欠农民工工资", &["D-RS"]);
        let m = matters(&[
            Scored {
                item: &a,
                score: 10.0,
            },
            Scored {
                item: &b,
                score: 3.0,
            },
        ]);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].shown.item.kind, ListKind::Joint);
    }

    #[test]
    fn the_lists_own_words_count_more() {
        let mut well = item(
            ListKind::Territorial,
            "城市道路塌陷和市政管网破裂",
            &["D-ZJ"],
        );
        well.keywords = vec!["井盖".into(), "管网".into()];
        well.aliases = vec!["井盖缺失".into(), "井".into()];
        assert_eq!(keyword_factor(&well, "小区门口的井盖丢了"), KEYWORD_FACTOR);
        assert_eq!(
            keyword_factor(&well, "井口"),
            1.0,
            "single characters do not count"
        );
        assert_eq!(keyword_factor(&well, "小区停车"), 1.0);
    }

    #[test]
    fn plain_answers() {
        assert_eq!(
            answer_text(Lang::Zh, "人社局", "住建局、公安局"),
            "这件事由人社局负责，住建局、公安局配合。"
        );
        assert!(!answer_text(Lang::Zh, "", "").is_ascii());
        assert!(answer_text(Lang::En, "人社局", "").contains("responsible"));
        assert!(report_text(Lang::Zh).contains("12345"));
    }
}
