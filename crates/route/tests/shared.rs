//! Cross-validated figures on the development sets of the shared data folder (real citizen
//! messages; not in the repository). Opt-in:
//! `TIAOKUAI_SHARED_DIR=../shared cargo test -p tiaokuai-route -- --ignored shared_`.

use tiaokuai_route::{cross_validate, Router};

/// `(title + "\n" + detail, label)` rows of `data/FILE`, or `None` when no shared folder is set.
fn rows(file: &str, label: &str) -> Option<Vec<(String, String)>> {
    let Some(dir) = std::env::var_os("TIAOKUAI_SHARED_DIR") else {
        println!("skipped: TIAOKUAI_SHARED_DIR is not set (it names the shared folder)");
        return None;
    };
    let path = std::path::Path::new(&dir).join("data").join(file);
    let mut rdr = csv::Reader::from_path(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let h = rdr.headers().unwrap().clone();
    let col = |n: &str| {
        h.iter()
            .position(|x| x == n)
            .unwrap_or_else(|| panic!("no {n}"))
    };
    let (t, d, l) = (col("title"), col("detail"), col(label));
    Some(
        rdr.records()
            .map(|r| {
                let r = r.unwrap();
                (format!("{}\n{}", &r[t], &r[d]), r[l].to_string())
            })
            .collect(),
    )
}

fn check(file: &str, label: &str, min_top1: f64, min_top3: f64) {
    let Some(rows) = rows(file, label) else {
        return;
    };
    let r = cross_validate(&Router::default(), &rows, 5, 1).unwrap();
    println!(
        "{file}: {} rows, 5-fold top-1 {:.3}, top-3 {:.3}",
        r.examples, r.top1, r.top3
    );
    for c in &r.per_class {
        println!("  {:<20} {:.3} (n={})", c.label, c.recall, c.support);
    }
    // Floors well under the measured figures (README.md): they catch a broken pipeline.
    assert!(r.top1 >= min_top1 && r.top3 >= min_top3, "{r:?}");
}

#[test]
#[ignore = "reads the shared data folder; run with TIAOKUAI_SHARED_DIR=DIR and --ignored"]
fn shared_route_units_cross_validation() {
    check("routing_dev_units.csv", "unit_type", 0.50, 0.75);
}

#[test]
#[ignore = "reads the shared data folder; run with TIAOKUAI_SHARED_DIR=DIR and --ignored"]
fn shared_route_domains_cross_validation() {
    check("routing_dev_domains.csv", "label_level1", 0.55, 0.85);
}
