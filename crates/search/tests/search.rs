//! Ranking, highlighting, escaping and robustness on a small realistic catalogue.

mod common;

use std::sync::OnceLock;

use tiaokuai_search::{Hit, ListIndex};

fn index() -> &'static ListIndex {
    static INDEX: OnceLock<ListIndex> = OnceLock::new();
    INDEX.get_or_init(|| ListIndex::build(&common::corpus()).expect("index builds"))
}

fn search(q: &str) -> Vec<Hit> {
    index().search(q, 10, None).expect("search works")
}

fn top(q: &str) -> String {
    let hits = search(q);
    hits.first()
        .map(|h| h.id.clone())
        .unwrap_or_else(|| format!("<no hit for {q}>"))
}

#[test]
fn keywords_and_aliases_rank_the_right_item_first() {
    for (q, want) in [
        ("油烟", "territorial/1"),
        ("饭店排烟", "territorial/1"),
        ("违建", "territorial/2"),
        ("私搭乱建", "territorial/2"),
        ("欠薪", "power/3"),
        ("讨薪", "power/3"),
        ("占道经营", "territorial/4"),
        ("流动摊贩", "territorial/4"),
        ("马路市场", "territorial/4"),
        ("群租房", "boundary/5"),
        ("电鱼", "power/6"),
        ("非法捕捞", "power/6"),
        ("线缆外露", "joint/7"),
        ("停车管理", "territorial/8"),
        (
            "健身房预付卡",
            "territorial/9".replace("territorial", "power").as_str(),
        ),
        ("秸秆焚烧", "territorial/10"),
        ("垃圾清运", "territorial/13"),
    ] {
        assert_eq!(top(q), want, "query {q}: {:#?}", search(q));
    }
}

#[test]
fn colloquial_messages_rank_the_right_item_first() {
    for (q, want) in [
        ("楼下饭店的油烟太大了熏得没法开窗", "territorial/1"),
        ("工地老板拖欠我们三个月工资", "power/3"),
        (
            "隔壁邻居在楼顶私自加盖了一层房子，谁来管管",
            "territorial/2",
        ),
        (
            "小区门口每天晚上都有人摆摊卖烧烤，路都堵了",
            "territorial/4",
        ),
        ("我在健身房办的卡，现在老板跑路了，钱退不回来", "power/9"),
        ("晚上十二点了工地还在施工，吵得睡不着", "territorial/11"),
        ("有人在河里电鱼，请尽快处理", "power/6"),
        (
            "楼道里堆满了杂物，还有人给电动车充电，太危险了",
            "territorial/16",
        ),
        ("闻到很重的煤气味，是不是燃气泄漏了", "delegated/17"),
        ("垃圾桶满了好几天没人清运，臭得要命", "territorial/13"),
    ] {
        assert_eq!(top(q), want, "query {q}: {:#?}", search(q));
    }
}

#[test]
fn a_single_meaningful_character_still_finds_items() {
    assert_eq!(top("桥"), "territorial/12");
    assert_eq!(top("狗"), "territorial/19");
    let hits = search("桥");
    assert!(
        hits[0].name_html.contains("<mark>桥</mark>"),
        "{:?}",
        hits[0]
    );
}

#[test]
fn highlights_mark_matches() {
    let hits = search("油烟");
    assert!(
        hits[0].name_html.contains("<mark>油烟</mark>"),
        "{:?}",
        hits[0]
    );
    assert!(
        hits[0].snippet_html.contains("<mark>油烟</mark>"),
        "{:?}",
        hits[0]
    );
    let hits = search("工地老板拖欠我们三个月工资");
    assert!(hits[0].name_html.contains("<mark>"), "{:?}", hits[0]);
    assert!(hits[0].snippet_html.contains("<mark>"), "{:?}", hits[0]);
}

#[test]
fn snippets_are_at_most_80_characters() {
    for q in [
        "油烟",
        "违建",
        "工地老板拖欠我们三个月工资",
        "消防通道",
        "桥",
    ] {
        for h in search(q) {
            let plain = h.snippet_html.replace("<mark>", "").replace("</mark>", "");
            let plain = plain
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&");
            let plain = plain.replace("&quot;", "\"").replace("&#39;", "'");
            assert!(plain.chars().count() <= 80, "{q}: {plain}");
        }
    }
}

#[test]
fn html_in_queries_and_documents_is_escaped() {
    let hits = search("<script>alert(1)</script>脚本");
    assert!(!hits.is_empty());
    for h in &hits {
        assert!(!h.name_html.contains("<script"), "{h:?}");
        assert!(!h.snippet_html.contains("<script"), "{h:?}");
        assert!(!h.snippet_html.contains(" & "), "{h:?}");
    }
    let doc = hits
        .iter()
        .find(|h| h.id == "territorial/21")
        .expect("script item found");
    assert!(doc.name_html.contains("&lt;"), "{doc:?}");
    assert!(doc.name_html.contains("<mark>"), "{doc:?}");
    // Every '<' in the output starts one of our own tags.
    for h in &hits {
        for html in [&h.name_html, &h.snippet_html] {
            let stripped = html.replace("<mark>", "").replace("</mark>", "");
            assert!(!stripped.contains('<') && !stripped.contains('>'), "{html}");
        }
    }
}

#[test]
fn kind_filter_restricts_results() {
    let hits = index()
        .search("工资", 10, Some("territorial"))
        .expect("search");
    assert!(
        hits.iter().all(|h| h.id.starts_with("territorial/")),
        "{hits:?}"
    );
    let hits = index().search("欠薪", 10, Some("power")).expect("search");
    assert_eq!(hits.first().map(|h| h.id.as_str()), Some("power/3"));
    // A filter alone never matches everything of that kind.
    let hits = index()
        .search("欠薪", 10, Some("territorial"))
        .expect("search");
    assert!(hits.is_empty(), "{hits:?}");
    assert!(index()
        .search("欠薪", 10, Some("nonexistent"))
        .expect("search")
        .is_empty());
}

#[test]
fn limit_is_respected() {
    assert!(search("管理").len() <= 10);
    assert_eq!(index().search("油烟", 0, None).expect("search").len(), 0);
    assert!(index().search("管理", 1, None).expect("search").len() <= 1);
    assert!(index().search("管理", usize::MAX, None).is_ok());
}

#[test]
fn odd_input_never_panics() {
    let long = "油烟扰民".repeat(2_500);
    let mixed: String = (0..10_000)
        .map(|i| char::from_u32(0x4e00 + (i * 37) % 20_000).unwrap_or('x'))
        .collect();
    for q in [
        "",
        " ",
        "\t\n  ",
        "\u{3000}",
        "😀",
        "🔥🔥🔥油烟🔥",
        "\u{0}",
        "\u{200b}\u{feff}",
        "的",
        "了吗",
        "ABC abc",
        "a",
        "1",
        "？？？",
        "e\u{301}\u{301}\u{301}",
        "𠀀𠀁𪚥",
        "\u{202e}油烟",
        long.as_str(),
        mixed.as_str(),
        "\"油烟\" AND OR NOT (违建",
        "*:*",
        "油烟 -违建 +欠薪",
    ] {
        let hits = index().search(q, 10, None).expect("no error");
        if q.trim().is_empty() {
            assert!(hits.is_empty());
        }
        let _ = index().search(q, 10, Some(q));
    }
    assert_eq!(top(&long), "territorial/1");
}

#[test]
fn an_empty_catalogue_finds_nothing() {
    let empty = ListIndex::build(&[]).expect("builds");
    assert!(empty.is_empty());
    assert!(empty.search("油烟", 10, None).expect("search").is_empty());
}

#[test]
fn the_index_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<ListIndex>();
    let idx = std::sync::Arc::new(ListIndex::build(&common::corpus()).expect("builds"));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let idx = std::sync::Arc::clone(&idx);
            std::thread::spawn(move || idx.search("油烟", 3, None).expect("search").len())
        })
        .collect();
    for h in handles {
        assert!(h.join().expect("thread") > 0);
    }
}
