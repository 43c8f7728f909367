//! `tiaokuai route eval` on a small generated CSV: the report's format, reproducible figures,
//! and a clear error (exit 2) for a missing column.

use super::common::run;
use std::fmt::Write;

fn write_csv(dir: &std::path::Path, name: &str, header: &str, seed: usize) -> String {
    let topics = [
        ("教育", ["学校", "老师", "学生", "补课", "幼儿园", "校车"]),
        ("城管", ["占道", "摊贩", "垃圾", "噪音", "违建", "广告"]),
        ("交通", ["公交", "道路", "红绿灯", "停车", "拥堵", "客运"]),
    ];
    let mut s = format!("{header}\n");
    for (t, (label, words)) in topics.iter().enumerate() {
        for i in 0..8 {
            let a = words[(i + seed) % 6];
            let b = words[(i * 5 + t + seed) % 6];
            writeln!(s, "{i},反映{a}问题,附近{a}和{b}的情况很严重请处理,{label}").unwrap();
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, s).unwrap();
    path.display().to_string()
}

#[test]
fn route_eval_reports_accuracy_and_recall() {
    let d = tempfile::tempdir().unwrap();
    let train = write_csv(d.path(), "train.csv", "id,title,detail,kind", 0);
    let test = write_csv(d.path(), "test.csv", "id,title,detail,kind", 1);
    let args = [
        "route",
        "eval",
        "--train",
        &train,
        "--test",
        &test,
        "--text",
        "title,detail",
        "--label",
        "kind",
    ];
    let (code, out) = run(&args);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("train 24 rows, test 24 rows"), "{out}");
    let top1 = out
        .lines()
        .find(|l| l.starts_with("top-1 accuracy: "))
        .expect(&out);
    let top1: f64 = top1["top-1 accuracy: ".len()..].parse().unwrap();
    assert!(top1 >= 0.8, "{out}");
    assert!(out.contains("top-3 accuracy: 1.000"), "{out}");
    for label in ["教育", "城管", "交通"] {
        assert!(
            out.lines()
                .any(|l| l.trim_start().starts_with(label) && l.contains("(n=8)")),
            "{out}"
        );
    }
    // Same figures on a second run.
    assert_eq!(run(&args).1, out);

    let (code, cv) = run(&[
        "route", "eval", "--train", &train, "--folds", "4", "--label", "kind",
    ]);
    assert_eq!(code, 0, "{cv}");
    assert!(
        cv.contains("4-fold stratified cross-validation (seed 1) on 24 rows"),
        "{cv}"
    );
    assert!(cv.contains("top-3 accuracy: "), "{cv}");
}

#[test]
fn route_eval_names_a_missing_column() {
    let d = tempfile::tempdir().unwrap();
    let train = write_csv(d.path(), "train.csv", "id,title,detail,kind", 0);
    let (code, out) = run(&[
        "route",
        "eval",
        "--train",
        &train,
        "--folds",
        "3",
        "--label",
        "unit_type",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("no column \"unit_type\"") && out.contains("train.csv"),
        "{out}"
    );
    assert!(!out.contains("panicked"), "{out}");
    let (code, out) = run(&[
        "route",
        "eval",
        "--train",
        &train,
        "--folds",
        "3",
        "--label",
        "kind",
        "--text",
        "title,body",
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no column \"body\""), "{out}");
}
