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
                v.push((format!("反映{a}问题\n小区附近{a}和{b}的情况很严重，请处理"), label.to_string()));
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
