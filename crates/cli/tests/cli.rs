//! The `tiaokuai` binary as an operator uses it: import, verify, tamper, rebuild. SQLite only
//! (the tamper step edits the file, as an attacker with file access would).

use std::process::Command;

fn tk(args: &[&str], dir: &std::path::Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
        .args(args)
        .args([
            "--database-url",
            &format!("sqlite://{}", dir.join("t.db").display()),
            "--key-file",
            &dir.join("k.key").display().to_string(),
        ])
        .env("RUST_LOG", "warn")
        .output()
        .expect("run tiaokuai");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

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
