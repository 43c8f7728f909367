//! Experiment harness (development only): `cargo run --release -p tiaokuai-route --example cv -- FILE LABEL`.
use tiaokuai_route::*;
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let mut r = csv::Reader::from_path(&a[1]).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (ti, de, la) = (col("title"), col("detail"), col(&a[2]));
    let ex: Vec<(String, String)> = r.records().map(|x| { let x = x.unwrap(); (format!("{}\n{}", &x[ti], &x[de]), x[la].to_string()) }).collect();
    let mut router = Router::default();
    let env = |k: &str| std::env::var(k).ok();
    if let Some(v) = env("ALPHA") { router.alpha = v.parse().unwrap(); }
    if let Some(v) = env("MAXF") { router.max_features = v.parse().unwrap(); }
    if let Some(v) = env("MINDF") { router.min_df = v.parse().unwrap(); }
    if let Some(v) = env("NGRAM") { router.terms.max_ngram = v.parse().unwrap(); }
    if let Some(v) = env("TITLE") { router.terms.title_terms = v == "1"; }
    if let Some(v) = env("ITER") { router.max_iterations = v.parse().unwrap(); }
    if let Some(v) = env("BAL") { router.balance = v.parse().unwrap(); }
    if let Some(v) = env("CNB") { router.cnb_weight = v.parse().unwrap(); }
    let t = std::time::Instant::now();
    for seed in [1u64, 2] {
        let rep = cross_validate(&router, &ex, 5, seed).unwrap();
        println!("seed {seed}: top1 {:.3} top3 {:.3}", rep.top1, rep.top3);
        if env("PER").is_some() { for c in &rep.per_class { println!("  {} {:.2} {}", c.label, c.recall, c.support); } }
    }
    println!("{:.1}s", t.elapsed().as_secs_f64());
}
