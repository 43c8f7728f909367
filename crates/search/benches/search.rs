//! Search benchmark: 20,000 synthetic list items, 2,000 queries.
//! Run with `cargo bench -p tiaokuai-search` (or build with
//! `cargo build --release -p tiaokuai-search --benches` and run the binary).
//! `TK_BENCH_ITEMS` / `TK_BENCH_QUERIES` override the sizes.

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let items = env_or("TK_BENCH_ITEMS", 20_000);
    let queries = env_or("TK_BENCH_QUERIES", 2_000);
    print!("{}", tiaokuai_search::bench::bench_report(items, queries));
}
