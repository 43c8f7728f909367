//! `tiaokuai witness` against a live `tiaokuai serve`: it keeps what it saw, accepts growth
//! proven consistent, and raises an ALERT when the log is rolled back behind the server's
//! back (tail entries and their checkpoints deleted with SQL). SQLite only.

use super::common::run as tk;
use std::path::Path;
use std::process::{Child, Command};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn witness_accepts_growth_and_alerts_on_a_rollback() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = format!("sqlite://{}", d.join("t.db").display());
    let key = d.join("k.key").display().to_string();
    let db = ["--database-url", url.as_str(), "--key-file", key.as_str()];
    let with_db = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(db);
        tk(&all)
    };
    let (code, out) = with_db(&["migrate"]);
    assert_eq!(code, 0, "{out}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let org: Vec<String> = ["units.csv", "people.csv", "grids.csv"]
        .iter()
        .map(|f| root.join("demo/org").join(f).display().to_string())
        .collect();
    let mut args = vec!["org", "import"];
    args.extend(org.iter().map(|s| s.as_str()));
    let (code, out) = with_db(&args);
    assert_eq!(code, 0, "{out}");

    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let _server = Server(
        Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
            .args(["serve", "--addr", &addr])
            .args(db)
            .env("RUST_LOG", "warn")
            .spawn()
            .expect("start the server"),
    );
    let server = format!("http://{addr}");
    let state = d.join("witness");
    let state_s = state.display().to_string();
    let witness = || {
        tk(&[
            "witness",
            "--server",
            &server,
            "--state-dir",
            &state_s,
            "--once",
        ])
    };

    // Wait for the server (exit 2: not reachable yet).
    let mut first = witness();
    for _ in 0..100 {
        if first.0 != 2 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        first = witness();
    }
    assert_eq!(first.0, 0, "{}", first.1);
    assert!(
        first.1.contains("first checkpoint; trusting key"),
        "{}",
        first.1
    );
    let (code, out) = witness();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("unchanged"), "{out}");

    // The log grows (another process appends to the shared database): consistent.
    let size_before: u64 = last_size(&state);
    for n in 0..3 {
        let pw = format!("Secret-pass-{n:04}");
        let (code, out) = with_db(&["user", "passwd", "admin", "--password", &pw]);
        assert_eq!(code, 0, "{out}");
    }
    let (code, out) = witness();
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("grew from {size_before}, consistent")),
        "{out}"
    );
    let seen = last_size(&state);
    assert_eq!(seen, size_before + 3);

    // Roll back: delete the newest entries with their checkpoints.
    let keep = seen - 2;
    let ok = Command::new("sqlite3")
        .arg(d.join("t.db"))
        .arg(format!(
            "delete from log_entries where seq >= {keep}; delete from log_checkpoints where size > {keep};"
        ))
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "sqlite3 failed");
    let (code, out) = witness();
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("ALERT ROLLBACK") && out.contains(&format!("from {seen} to {keep}")),
        "{out}"
    );
    let alerts = std::fs::read_to_string(state.join("alerts.jsonl")).unwrap();
    assert!(alerts.contains("ROLLBACK"), "{alerts}");
    // The witness keeps the good checkpoint: it alerts again, and its last line is a valid
    // trusted checkpoint for `verify`.
    assert_eq!(last_size(&state), seen);
    assert_eq!(witness().0, 1);
    let last = std::fs::read_to_string(state.join("checkpoints.jsonl")).unwrap();
    let trusted = d.join("trusted.json");
    std::fs::write(&trusted, last.lines().last().unwrap()).unwrap();
    let mut args = vec!["verify", "--trusted-checkpoint"];
    let t = trusted.display().to_string();
    args.push(&t);
    let (code, out) = with_db(&args);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ROLLED BACK"), "{out}");
}

fn last_size(state: &Path) -> u64 {
    let text = std::fs::read_to_string(state.join("checkpoints.jsonl")).unwrap();
    let v: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    v["size"].as_u64().unwrap()
}
