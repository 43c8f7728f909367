//! Running the built `tiaokuai` as the tests of this binary do, and editing its SQLite file as
//! an attacker with file access would.

use std::path::Path;
use std::process::Command;

/// Runs `tiaokuai` with exactly `args` (no database or key taken from the environment).
/// Returns the exit code and stdout followed by stderr.
pub fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("DATABASE_URL")
        .env_remove("TIAOKUAI_KEY_FILE")
        .output()
        .expect("run tiaokuai");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

/// Runs a command on the database `db` (a URL) with the key file `key`.
pub fn tk_with(args: &[&str], db: &str, key: &Path) -> (i32, String) {
    let key = key.display().to_string();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--database-url", db, "--key-file", &key]);
    run(&all)
}

/// The test database of directory `d`: `d/t.db`.
pub fn db_url(d: &Path) -> String {
    format!("sqlite://{}", d.join("t.db").display())
}

/// Runs a command on the test database of `d` with the key file `d/k.key`.
pub fn tk(args: &[&str], d: &Path) -> (i32, String) {
    tk_with(args, &db_url(d), &d.join("k.key"))
}

/// Runs `statement` on `d/t.db` with the sqlite3 tool (`.ci/run` installs it).
pub fn sql(d: &Path, statement: &str) {
    let ok = Command::new("sqlite3")
        .arg(d.join("t.db"))
        .arg(statement)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "sqlite3 failed: {statement}");
}
