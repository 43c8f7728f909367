//! The `tiaokuai` binary as an operator uses it: import, verify, tamper, rebuild. SQLite only
//! (the tamper step edits the file, as an attacker with file access would).

use super::common::{tk, tk_with};
use std::process::Command;

#[test]
fn import_verify_tamper_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let org: Vec<String> = ["units.csv", "people.csv", "grids.csv"]
        .iter()
        .map(|f| root.join("demo/org").join(f).display().to_string())
        .collect();
    // The first migrate creates the log signing key; nothing else does.
    let (code, out) = tk(&["migrate"], d);
    assert_eq!(code, 0, "{out}");
    let mut args = vec!["org", "import"];
    args.extend(org.iter().map(|s| s.as_str()));
    let (code, out) = tk(&args, d);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("imported 336 units"), "{out}");

    let lists = root
        .join("demo/lists/属地管理事项清单.xlsx")
        .display()
        .to_string();
    let (code, out) = tk(&["lists", "import", &lists, "--dry-run"], d);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("would import 88 items"), "{out}");
    // The whole demo catalogue, every workbook, through the CLI.
    let all: Vec<String> = [
        "属地管理事项清单.xlsx",
        "一件事清单.xlsx",
        "权责清单.xlsx",
        "赋权事项清单.xlsx",
        "职责边界清单.xlsx",
        "村社区事项清单.xlsx",
    ]
    .iter()
    .map(|f| root.join("demo/lists").join(f).display().to_string())
    .collect();
    let mut args = vec!["lists", "import"];
    args.extend(all.iter().map(|s| s.as_str()));
    let (code, out) = tk(&args, d);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("imported 463 items") && out.contains("as version 1"),
        "{out}"
    );
    let bad = root
        .join("demo/lists/bad/属地管理事项_错误示例.xlsx")
        .display()
        .to_string();
    let (code, out) = tk(&["lists", "import", &bad], d);
    assert_ne!(code, 0);
    assert!(
        out.contains("nothing was imported") && out.contains("宇宙管理局"),
        "{out}"
    );
    let xlsx = d.join("v1.xlsx").display().to_string();
    let (code, out) = tk(&["lists", "export", "--version", "1", "--out", &xlsx], d);
    assert_eq!(code, 0, "{out}");

    let (code, out) = tk(&["verify"], d);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OK"), "{out}");
    let (code, out) = tk(&["rebuild"], d);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("identical"), "{out}");

    // Change one byte of one stored entry behind the application's back.
    let db = sqlx_free_edit(&d.join("t.db"));
    assert!(db, "could not edit the database");
    let (code, out) = tk(&["verify"], d);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("TAMPERED") && out.contains("entry 20 "),
        "{out}"
    );
}

/// Edits the payload of entry 20 with the sqlite3 command-line tool (`.ci/run` installs it).
fn sqlx_free_edit(db: &std::path::Path) -> bool {
    Command::new("sqlite3")
        .arg(db)
        .arg("update log_entries set payload = replace(payload, 'type', 'typf') where seq = 20;")
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// A mistyped database path is refused and no file appears there.
#[test]
fn reading_commands_refuse_a_missing_database() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for args in [
        vec!["verify"],
        vec!["rebuild"],
        vec!["stats", "--measures", "events"],
        vec!["assess", "--scheme", "dept-monthly", "--period", "2026-11"],
    ] {
        let (code, out) = tk(&args, d);
        assert_eq!(code, 1, "{args:?}: {out}");
        assert!(out.contains("no database at"), "{args:?}: {out}");
        assert!(!d.join("t.db").exists(), "{args:?} created a database");
    }
}

/// `demo` killed during its first-run setup leaves nothing that the next run would serve as
/// a complete county: the next run says the setup was interrupted, starts again, and the
/// result verifies.
#[test]
fn demo_setup_is_all_or_nothing() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
            .args(["demo", "--data-dir", &data.display().to_string()])
            .args(["--addr", "127.0.0.1:0"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run tiaokuai demo")
    };
    // First run: killed as soon as its database exists, long before the county is loaded.
    let mut first = spawn();
    let partial = data.join(".demo-setup/tiaokuai.db");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !partial.exists() {
        assert!(std::time::Instant::now() < deadline, "setup never started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(
        !data.join("tiaokuai.db").exists(),
        "a half-built county must not be in place"
    );

    // Second run: discards the partial setup, builds the county, serves.
    let mut second = spawn();
    let mut out = String::new();
    let mut lines = BufReader::new(second.stdout.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        out.push_str(&line);
        out.push('\n');
        if line.contains("is serving on") {
            break;
        }
    }
    second.kill().unwrap();
    second.wait().unwrap();
    assert!(out.contains("was interrupted"), "{out}");
    assert!(out.contains("created the demo county"), "{out}");
    assert!(!data.join(".demo-setup").exists());

    let verify = Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
        .args(["verify", "--database-url"])
        .arg(format!("sqlite://{}", data.join("tiaokuai.db").display()))
        .arg("--key-file")
        .arg(data.join("log-signing.key"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success() && text.contains("OK"), "{text}");
}

/// backup → restore into a fresh directory → verify; a restore over existing data refuses
/// unless told to overwrite; a changed backup file is refused by name.
#[test]
fn backup_restore_verify() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let units = root.join("demo/org/units.csv").display().to_string();
    let (code, out) = tk(&["migrate"], d);
    assert_eq!(code, 0, "{out}");
    let (code, out) = tk(&["org", "import", &units], d);
    assert_eq!(code, 0, "{out}");
    let src = format!("sqlite://{}", d.join("t.db").display());
    let backup = d.join("backup");
    let (code, out) = tk(&["backup", "--out", &backup.display().to_string()], d);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("log entries backed up"), "{out}");
    // Into the same place again: refused.
    let (code, out) = tk(&["backup", "--out", &backup.display().to_string()], d);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("not empty"), "{out}");

    let fresh = d.join("restored");
    let db = format!("sqlite://{}", fresh.join("r.db").display());
    let key = fresh.join("r.key");
    let from = backup.display().to_string();
    let (code, out) = tk_with(&["restore", "--from", &from], &db, &key);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("restored") && out.contains("OK"), "{out}");
    let (code, out) = tk_with(&["verify"], &db, &key);
    assert_eq!(code, 0, "{out}");
    // Again over the restored database: refused, then allowed with --overwrite.
    let (code, out) = tk_with(&["restore", "--from", &from], &db, &key);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("--overwrite"), "{out}");
    let (code, out) = tk_with(&["restore", "--from", &from, "--overwrite"], &db, &key);
    assert_eq!(code, 0, "{out}");
    // The source is untouched and still verifies.
    let (code, out) = tk_with(&["verify"], &src, &d.join("k.key"));
    assert_eq!(code, 0, "{out}");

    // A backup file changed after the fact is named and nothing is restored.
    let copy = backup.join("tiaokuai.db");
    let mut bytes = std::fs::read(&copy).unwrap();
    let last = bytes.len() - 100;
    bytes[last] ^= 0xff;
    std::fs::write(&copy, bytes).unwrap();
    let other = format!("sqlite://{}", d.join("other.db").display());
    let (code, out) = tk_with(&["restore", "--from", &from], &other, &d.join("o.key"));
    assert_ne!(code, 0, "{out}");
    assert!(
        out.contains("tiaokuai.db: changed since the backup"),
        "{out}"
    );
    assert!(!d.join("other.db").exists());
}

/// The same on PostgreSQL (pg_dump / pg_restore), when `TIAOKUAI_TEST_PG_URL` names a server.
#[test]
fn backup_restore_verify_postgres() {
    let Ok(admin) = std::env::var("TIAOKUAI_TEST_PG_URL") else {
        eprintln!("skipped: TIAOKUAI_TEST_PG_URL is not set");
        return;
    };
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
    let suffix = format!("{:08x}", std::process::id());
    let (src, dst) = (format!("tk_bk_src_{suffix}"), format!("tk_bk_dst_{suffix}"));
    let psql = |sql: &str| {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            sqlx::any::install_default_drivers();
            let pool = sqlx::any::AnyPoolOptions::new()
                .max_connections(1)
                .connect(&admin)
                .await
                .unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        })
    };
    psql(&format!("create database {src}"));
    psql(&format!("create database {dst}"));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = d.join("k.key");
    let (src_url, dst_url) = (format!("{base}/{src}"), format!("{base}/{dst}"));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let units = root.join("demo/org/units.csv").display().to_string();
    let (code, out) = tk_with(&["migrate"], &src_url, &key);
    assert_eq!(code, 0, "{out}");
    let (code, out) = tk_with(&["org", "import", &units], &src_url, &key);
    assert_eq!(code, 0, "{out}");
    let backup = d.join("backup").display().to_string();
    let (code, out) = tk_with(&["backup", "--out", &backup], &src_url, &key);
    assert_eq!(code, 0, "{out}");
    let key2 = d.join("k2.key");
    let (code, out) = tk_with(&["restore", "--from", &backup], &dst_url, &key2);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OK"), "{out}");
    let (code, out) = tk_with(&["restore", "--from", &backup], &dst_url, &key2);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("--overwrite"), "{out}");
    let (code, out) = tk_with(
        &["restore", "--from", &backup, "--overwrite"],
        &dst_url,
        &key2,
    );
    assert_eq!(code, 0, "{out}");
    psql(&format!("drop database {src} with (force)"));
    psql(&format!("drop database {dst} with (force)"));
}
