//! `tiaokuai bench stats` end to end on a small history: every section is printed. Timings
//! are printed by the bench, never asserted here.

use std::process::Command;

#[test]
fn bench_stats_prints_every_figure() {
    let out = Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
        .args(["bench", "stats", "--events", "300", "--runs", "20"])
        .env("RUST_LOG", "warn")
        .output()
        .expect("run tiaokuai");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "exit {:?}\n{stdout}\n{stderr}",
        out.status
    );
    for prefix in [
        "backend: Sqlite",
        "build: ",
        "history: ",
        "dashboard (5 queries",
        "cube (",
        "assessment (dept-monthly",
        "rebuild: ",
        "database: ",
        "peak RSS: ",
    ] {
        assert!(
            stdout.lines().any(|l| l.starts_with(prefix)),
            "no line starting with {prefix:?}:\n{stdout}\n{stderr}"
        );
    }
    assert!(stdout.contains("p50") && stdout.contains("p95"), "{stdout}");
    let build = stdout
        .lines()
        .find(|l| l.starts_with("build: "))
        .unwrap_or_default();
    assert!(build.starts_with("build: 300 events"), "{build}");
}
