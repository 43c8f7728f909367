use super::*;

fn history() -> Vec<(String, String)> {
    let mut v = Vec::new();
    let topics = [
        ("教育", ["学校", "老师", "学生", "补课", "幼儿园"]),
        ("城管", ["占道", "摊贩", "垃圾", "噪音", "违建"]),
        ("交通", ["公交", "道路", "红绿灯", "停车", "拥堵"]),
    ];
    for (label, words) in topics {
        for (i, a) in words.iter().enumerate() {
            for b in &words[i + 1..] {
                v.push((
                    format!("反映{a}问题\n小区附近{a}和{b}的情况很严重，请处理"),
                    label.to_string(),
                ));
            }
        }
    }
    v
}

#[test]
fn learns_a_synthetic_history() {
    let model = Router::default().train(&history()).unwrap();
    let s = model.suggest("学校老师周末补课收费", 3);
    assert_eq!(s[0].label, "教育");
    assert!(s[0].score > 0.5, "{s:?}");
    assert!(!s[0].reason_terms.is_empty());
    assert_eq!(model.suggest("公交车站附近道路拥堵", 1)[0].label, "交通");
}

#[test]
fn bad_training_sets_are_errors_or_well_defined() {
    let none: Vec<(String, String)> = Vec::new();
    assert_eq!(
        Router::default().train(&none).unwrap_err(),
        RouteError::NoExamples
    );
    assert_eq!(
        Router::default()
            .train(&[("路灯坏了", "城管"), ("x", " ")])
            .unwrap_err(),
        RouteError::EmptyLabel(1)
    );
    // One class: always that label, with certainty.
    let one = Router::default()
        .train(&[("路灯坏了", "城管"), ("垃圾没人清", "城管")])
        .unwrap();
    let s = one.suggest("学校收费", 3);
    assert_eq!((s.len(), s[0].label.as_str(), s[0].score), (1, "城管", 1.0));
    // Only empty texts: the label frequencies.
    let empty = Router::default()
        .train(&[("", "a"), ("", "a"), ("", "b")])
        .unwrap();
    let s = empty.suggest("", 2);
    assert_eq!(s[0].label, "a");
    assert!((s[0].score - 2.0 / 3.0).abs() < 1e-5);
    // A label seen once is learned and can be suggested.
    let mut h = history();
    h.push((
        "消防通道被堵\n楼下消防通道被私家车堵住".into(),
        "消防".into(),
    ));
    let m = Router::default().train(&h).unwrap();
    assert!(m.labels().iter().any(|l| l == "消防"));
    assert!(m
        .suggest("消防通道堵了", 3)
        .iter()
        .any(|s| s.label == "消防"));
}

#[test]
fn odd_texts_get_well_formed_suggestions() {
    let model = Router::default().train(&history()).unwrap();
    let long = "学校老师补课".repeat(20_000);
    for text in [
        "",
        " \n\t",
        "🙂🙂🚧",
        "Bus站台 broken 公交 ١٢٣ ÄÖ",
        &long,
        "\n",
        "ＡＢＣ学校",
    ] {
        let s = model.suggest(text, 10);
        assert_eq!(s.len(), 3, "{text:.20}");
        let total: f32 = s.iter().map(|x| x.score).sum();
        assert!((total - 1.0).abs() < 1e-4, "{s:?}");
    }
    assert_eq!(model.suggest(&long, 1)[0].label, "教育");
    assert!(model.suggest("学校", 0).is_empty());
}

#[test]
fn terms_mix_words_title_words_and_char_ngrams() {
    let mut terms = Vec::new();
    for_each_term(
        "公交站\n公交站牌坏了😀",
        TermOptions::default(),
        |t| terms.push(t.to_string()),
    );
    for want in ["t公交站", "w公交站", "c公", "c公交", "c公交站", "c站牌坏"] {
        assert!(terms.iter().any(|t| t == want), "{want} not in {terms:?}");
    }
    // Emoji and the newline break character runs: no n-gram holds them.
    assert!(
        !terms.iter().any(|t| t.contains('😀') || t.contains('\n')),
        "{terms:?}"
    );
    let mut n = 0;
    for_each_term(&"长".repeat(100_000), TermOptions::default(), |_| n += 1);
    assert!(n <= 5 * MAX_CHARS, "{n}");
}

#[test]
fn cross_validation_is_stratified_and_reproducible() {
    let h = history();
    let labels: Vec<&str> = h.iter().map(|(_, l)| l.as_str()).collect();
    let folds = stratified_folds(&labels, 5, 3);
    for f in 0..5 {
        let n = folds.iter().filter(|&&g| g == f).count();
        assert!((5..=7).contains(&n), "fold {f} has {n}");
    }
    let a = cross_validate(&Router::default(), &h, 5, 3).unwrap();
    assert_eq!(a, cross_validate(&Router::default(), &h, 5, 3).unwrap());
    assert_eq!(a.examples, h.len());
    assert!(a.top1 > 0.8 && a.top3 == 1.0, "{a:?}");
    assert_eq!(a.per_class.len(), 3);
    assert!(cross_validate(&Router::default(), &h, 1, 3).is_err());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn suggest_never_panics_and_scores_are_sorted(text in "\\PC{0,300}", k in 0usize..6) {
        use std::sync::LazyLock;
        static MODEL: LazyLock<Model> = LazyLock::new(|| Router::default().train(&history()).unwrap());
        let s = MODEL.suggest(&text, k);
        proptest::prop_assert_eq!(s.len(), k.min(3));
        for w in s.windows(2) {
            proptest::prop_assert!(w[0].score >= w[1].score);
        }
        for x in &s {
            proptest::prop_assert!((0.0..=1.0).contains(&x.score));
        }
    }
}
