//! `tiaokuai person erase` as an operator uses it: the erasure is appended, the log still
//! verifies, and erasing twice or erasing no one is refused with the reason.

use super::common::tk;
use std::process::Command;

#[test]
fn erase_a_person_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let org: Vec<String> = ["units.csv", "people.csv", "grids.csv"]
        .iter()
        .map(|f| root.join("demo/org").join(f).display().to_string())
        .collect();
    // The first migrate makes the county's key; nothing else does.
    let (code, out) = tk(&["migrate"], d);
    assert_eq!(code, 0, "{out}");
    let mut args = vec!["org", "import"];
    args.extend(org.iter().map(|s| s.as_str()));
    let (code, out) = tk(&args, d);
    assert_eq!(code, 0, "{out}");
    let files = || {
        let mut b = std::fs::read(d.join("t.db")).unwrap();
        b.extend(std::fs::read(d.join("t.db-wal")).unwrap_or_default());
        b
    };
    let before = files();
    let phone = b"15810989753"; // zhujian's phone in demo/org/people.csv
    let (code, out) = tk(&["person", "erase", "zhujian"], d);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("erased the personal data of zhujian"), "{out}");
    let (code, out) = tk(&["verify"], d);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OK"), "{out}");
    let has = |bytes: &[u8]| bytes.windows(phone.len()).any(|w| w == phone);
    assert!(has(&before), "the phone was never written");
    assert!(!has(&files()), "the phone is still in the database files");
    // A backup made after the erasure does not hold it either.
    let backup = d.join("backup");
    let (code, out) = tk(&["backup", "--out", &backup.display().to_string()], d);
    assert_eq!(code, 0, "{out}");
    assert!(!has(&std::fs::read(backup.join("tiaokuai.db")).unwrap()));
    // Denials.
    let (code, out) = tk(&["person", "erase", "zhujian"], d);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("already erased"), "{out}");
    let (code, out) = tk(&["person", "erase", "nobody"], d);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("nobody"), "{out}");

    // A personal value changed in the vault no longer matches its commitment: verify names it.
    let status = Command::new("sqlite3")
        .arg(d.join("t.db"))
        .arg("update personal_data set value = '13900000000' where subject = 'zhifa' and field = 'person.phone'")
        .status()
        .expect("run sqlite3");
    assert!(status.success());
    let (code, out) = tk(&["verify"], d);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("PERSONAL DATA CHANGED") && out.contains("zhifa"),
        "{out}"
    );
}
