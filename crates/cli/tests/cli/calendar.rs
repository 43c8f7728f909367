//! `tiaokuai calendar` as an operator uses it: due times around the 2026 Spring Festival and
//! National Day, with the repository's holiday file and with the built-in calendar, and bad input.
//! The shared data folder's copy is checked only when `TIAOKUAI_SHARED_DIR` points at it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// (exit code, stdout, stderr).
fn tk(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run tiaokuai");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The repository's holiday file (the built-in calendar is compiled from it).
fn repo_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../demo/calendar/holidays_cn.csv")
}

/// The shared folder's holiday file; the tests that read it are opt-in.
fn shared_csv() -> PathBuf {
    let dir = std::env::var_os("TIAOKUAI_SHARED_DIR")
        .expect("set TIAOKUAI_SHARED_DIR to the shared folder (its data/holidays_cn.csv is read)");
    Path::new(&dir).join("data/holidays_cn.csv")
}

/// The file without its `source` column, as `calendar days` prints it.
fn without_source(text: &str) -> String {
    text.lines()
        .map(|l| l.splitn(4, ',').take(3).collect::<Vec<_>>().join(",") + "\n")
        .collect()
}

/// `calendar due` prints exactly `want` and a newline, nothing on stderr, with and without the file.
fn due(from: &str, limit: &[&str], want: &str) {
    let file = repo_csv().display().to_string();
    for extra in [vec!["--calendar", file.as_str()], vec![]] {
        let mut args = vec!["calendar", "due", "--from", from];
        args.extend(limit);
        args.extend(&extra);
        let (code, out, err) = tk(&args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
        assert_eq!(out, format!("{want}\n"), "{args:?}");
        assert_eq!(err, "", "{args:?}");
    }
}

#[test]
#[ignore = "reads the shared data folder; run with TIAOKUAI_SHARED_DIR=DIR and --ignored"]
fn shared_holiday_file_is_what_calendar_days_prints() {
    let text = std::fs::read_to_string(shared_csv()).expect("shared data/holidays_cn.csv");
    assert!(
        text.contains("2026-02-14"),
        "the shared calendar covers the 2026 Spring Festival"
    );
    let (code, all, _) = tk(&["calendar", "days"]);
    assert_eq!(code, 0);
    assert_eq!(all, without_source(&text));
    let shared = shared_csv().display().to_string();
    let (code, out, err) = tk(&["calendar", "check", &shared]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2026: 39 days"), "{out}");
}

#[test]
fn calendar_due_official_answers() {
    // 春节 2026: 02-14 (Sat) make-up workday, 02-15..23 off, 02-28 (Sat) make-up workday.
    due(
        "2026-02-13T16:00",
        &["--working-days", "5"],
        "2026-02-27T17:30+08:00",
    );
    due(
        "2026-02-13T16:00",
        &["--working-days", "1"],
        "2026-02-14T17:30+08:00",
    );
    due(
        "2026-02-13 16:00",
        &["--working-days", "2"],
        "2026-02-24T17:30+08:00",
    );
    // 国庆 2026: 10-01..07 off, 10-10 (Sat) make-up workday.
    due(
        "2026-09-30T10:00",
        &["--working-days", "3"],
        "2026-10-10T17:30+08:00",
    );
    due(
        "2026-09-30T10:00+08:00",
        &["--working-days", "1"],
        "2026-10-08T17:30+08:00",
    );
    // Office time across lunch, the make-up Saturday and the holiday.
    due(
        "2026-02-13T16:00",
        &["--working-hours", "3"],
        "2026-02-14T10:00+08:00",
    );
    due(
        "2026-02-14T17:00",
        &["--working-minutes", "60"],
        "2026-02-24T09:00+08:00",
    );
    due(
        "2026-09-30T11:30",
        &["--working-minutes", "60"],
        "2026-09-30T14:00+08:00",
    );
    due(
        "2026-09-30T17:00",
        &["--limit", "1h"],
        "2026-10-08T09:00+08:00",
    );
    // Clock minutes ignore holidays.
    due(
        "2026-10-01T09:00",
        &["--clock-minutes", "30"],
        "2026-10-01T09:30+08:00",
    );
}

#[test]
fn calendar_due_with_other_office_hours() {
    let (code, out, err) = tk(&[
        "calendar",
        "due",
        "--from",
        "2026-02-13T16:00",
        "--working-days",
        "1",
        "--office-hours",
        "09:00-12:00,14:00-18:00",
    ]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "2026-02-14T18:00+08:00\n", "")
    );
}

#[test]
fn calendar_days_and_check() {
    let file = repo_csv().display().to_string();
    let (code, out, _) = tk(&["calendar", "days", "--year", "2026"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.first(), Some(&"date,kind,name"));
    assert_eq!(lines.len(), 1 + 39, "{out}");
    assert!(lines.contains(&"2026-02-14,workday,春节调休上班"), "{out}");
    assert!(lines.contains(&"2026-10-07,holiday,国庆节"), "{out}");
    // The built-in days, printed, are the repository's file.
    let (code, all, _) = tk(&["calendar", "days"]);
    assert_eq!(code, 0);
    assert_eq!(
        all,
        without_source(&std::fs::read_to_string(repo_csv()).unwrap())
    );
    let (code, out, err) = tk(&["calendar", "check", &file]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("2025: 33 days (28 holidays, 5 make-up workdays)"),
        "{out}"
    );
    assert!(
        out.contains("2026: 39 days (33 holidays, 6 make-up workdays)"),
        "{out}"
    );
    assert!(out.contains("ok, 72 special days"), "{out}");
}

#[test]
fn calendar_bad_input_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "date,kind,name\n2027-02-06,holiday,春节\n2027-02-30,holiday,春节\n2027-02-14,周末,x\n",
    )
    .unwrap();
    let bad = bad.display().to_string();
    let (code, out, err) = tk(&["calendar", "check", &bad]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("2 errors"), "{err}");
    assert!(
        err.contains("row 3, date: '2027-02-30' is not a date"),
        "{err}"
    );
    assert!(
        err.contains("row 4, kind: '周末' is not a day kind"),
        "{err}"
    );

    let due_with = |args: &[&str]| {
        let mut a = vec!["calendar", "due"];
        a.extend(args);
        tk(&a)
    };
    let (code, out, err) = due_with(&[
        "--from",
        "2026-02-13T16:00",
        "--working-days",
        "1",
        "--calendar",
        &bad,
    ]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.contains("bad.csv") && err.contains("row 3, date"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    let (code, out, err) = due_with(&["--from", "2026-02-30T16:00", "--working-days", "1"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.contains("--from") && err.contains("2026-02-30T16:00"),
        "{err}"
    );

    let missing = dir.path().join("missing.csv").display().to_string();
    let (code, _, err) = due_with(&[
        "--from",
        "2026-02-13T16:00",
        "--working-days",
        "1",
        "--calendar",
        &missing,
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("cannot read the calendar file") && err.contains("missing.csv"),
        "{err}"
    );

    let (code, _, err) = due_with(&[
        "--from",
        "2026-02-13T16:00",
        "--working-days",
        "1",
        "--office-hours",
        "17:30-08:30",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--office-hours"), "{err}");

    // No limit, or two limits: a usage error from clap.
    let (code, _, _) = due_with(&["--from", "2026-02-13T16:00"]);
    assert_eq!(code, 2);
    let (code, _, _) = due_with(&[
        "--from",
        "2026-02-13T16:00",
        "--working-days",
        "1",
        "--clock-minutes",
        "5",
    ]);
    assert_eq!(code, 2);
}
