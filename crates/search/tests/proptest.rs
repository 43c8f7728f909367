//! Arbitrary strings never make search panic or emit unescaped markup.

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use tiaokuai_search::ListIndex;

fn index() -> &'static ListIndex {
    static INDEX: OnceLock<ListIndex> = OnceLock::new();
    INDEX.get_or_init(|| ListIndex::build(&common::corpus()).expect("index builds"))
}

fn check(q: &str, kind: Option<&str>) {
    let hits = index()
        .search(q, 5, kind)
        .expect("search never errors on user input");
    for h in hits {
        for html in [&h.name_html, &h.snippet_html] {
            let stripped = html.replace("<mark>", "").replace("</mark>", "");
            assert!(!stripped.contains('<') && !stripped.contains('>'), "{html}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_strings_never_panic(q in any::<String>(), kind in proptest::option::of(any::<String>())) {
        check(&q, kind.as_deref());
    }

    #[test]
    fn chinese_heavy_strings_never_panic(q in "[\\u4e00-\\u9fa5 ，。！？<>&a-z0-9]{0,300}") {
        check(&q, None);
    }
}
