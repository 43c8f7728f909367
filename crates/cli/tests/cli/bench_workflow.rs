//! `tiaokuai bench workflow` end to end on a small budget: every lifecycle completes over HTTP
//! and the JSON report adds up. Timings are printed by the bench, never asserted here.

use std::process::Command;

#[test]
fn bench_workflow_runs_full_lifecycles() {
    let out = Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
        .args([
            "bench",
            "workflow",
            "--clients",
            "4",
            "--lifecycles",
            "20",
            "--warmup",
            "0",
            "--json",
        ])
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
    let v: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}):\n{stdout}\n{stderr}"));
    assert_eq!(v["lifecycles"], 20, "{v:#}");
    assert_eq!(v["failed_lifecycles"], 0, "{v:#}");
    assert_eq!(v["errors"], 0, "{v:#}");
    assert_eq!(v["clients"], 4);
    assert_eq!(v["backend"], "sqlite");
    for cmd in [
        "create",
        "dispatch",
        "accept",
        "respond",
        "report_back",
        "evaluate",
        "close",
    ] {
        assert_eq!(v["commands"][cmd]["count"], 20, "{cmd}: {v:#}");
        assert_eq!(v["commands"][cmd]["errors"], 0, "{cmd}: {v:#}");
    }
    assert_eq!(v["all"]["count"], 140);
    assert!(v["lifecycles_per_s"].is_number());
}
