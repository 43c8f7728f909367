//! The key model as an operator meets it: only `keygen` and the first `migrate` create a key;
//! `serve` refuses a missing or wrong key; `verify` needs no secret and tells a wrong key from
//! tampering; rotation; trusted checkpoints catch deleted tails and rewritten history.
//! SQLite only (the tamper steps edit the file with the sqlite3 tool, as an attacker would).

use super::common::{db_url, run, sql, tk_with};
use std::path::Path;

/// Runs a command on the test database with the key file `key` (in `d`).
fn tk(args: &[&str], d: &Path, key: &str) -> (i32, String) {
    tk_with(args, &db_url(d), &d.join(key))
}

fn public_key(d: &Path, key: &str) -> String {
    let text = std::fs::read_to_string(d.join(key)).unwrap();
    tiaokuai_log::LogSigner::from_hex(&text)
        .unwrap()
        .verifier()
        .public_hex()
}

/// migrate (creates the key) + the demo organisation (declares the key, imports).
fn county(d: &Path) {
    let (code, out) = tk(&["migrate"], d, "k.key");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("created the log signing key"), "{out}");
    assert!(d.join("k.key").exists());
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let org: Vec<String> = ["units.csv", "people.csv", "grids.csv"]
        .iter()
        .map(|f| root.join("demo/org").join(f).display().to_string())
        .collect();
    let mut args = vec!["org", "import"];
    args.extend(org.iter().map(|s| s.as_str()));
    let (code, out) = tk(&args, d, "k.key");
    assert_eq!(code, 0, "{out}");
}

fn passwd(d: &Path, key: &str, n: usize) -> (i32, String) {
    let pw = format!("Secret-pass-{n:04}");
    tk(&["user", "passwd", "admin", "--password", &pw], d, key)
}

#[test]
fn no_command_but_keygen_and_first_migrate_creates_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    county(d);
    // The log's first entry declares the key.
    let (code, out) = tk(&["key", "show"], d, "k.key");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("entry        0") && out.contains(&public_key(d, "k.key")),
        "{out}"
    );

    // A second migrate does not make a new key, and says nothing about it.
    let before = std::fs::read_to_string(d.join("k.key")).unwrap();
    let (code, _) = tk(&["migrate"], d, "k.key");
    assert_eq!(code, 0);
    assert_eq!(std::fs::read_to_string(d.join("k.key")).unwrap(), before);

    // A mistyped key file: writing commands and serve refuse, naming the path; nothing created.
    for args in [
        vec!["user", "passwd", "admin", "--password", "Secret-pass-0001"],
        vec!["serve", "--addr", "127.0.0.1:0"],
    ] {
        let (code, out) = tk(&args, d, "typo.key");
        assert_eq!(code, 1, "{args:?}: {out}");
        assert!(
            out.contains("no log signing key at") && out.contains("typo.key"),
            "{args:?}: {out}"
        );
        assert!(!d.join("typo.key").exists(), "{args:?} created a key");
    }
    let (code, out) = tk(&["migrate"], d, "typo.key");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no log signing key at"), "{out}");
    assert!(
        !d.join("typo.key").exists(),
        "migrate created a key for an existing log"
    );

    // verify works from the database alone: no key file, or the wrong one, is no problem.
    let url = db_url(d);
    let (code, out) = run(&["verify", "--database-url", &url]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("OK"), "{out}");
    let (code, out) = tk(&["verify"], d, "typo.key");
    assert_eq!(code, 0, "{out}");
    assert!(!d.join("typo.key").exists());

    // Another key: keygen makes it (never overwriting), serve refuses it naming both ids.
    let (code, out) = run(&[
        "keygen",
        "--key-file",
        &d.join("other.key").display().to_string(),
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(&[
        "keygen",
        "--key-file",
        &d.join("other.key").display().to_string(),
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("never overwritten"), "{out}");
    let mine = &public_key(d, "k.key")[..16];
    let other = &public_key(d, "other.key")[..16];
    let (code, out) = tk(&["serve", "--addr", "127.0.0.1:0"], d, "other.key");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("not the log's current key") && out.contains(mine) && out.contains(other),
        "{out}"
    );

    // Pinning: the right key passes; another key is a wrong key (exit 2), not tampering.
    let (code, out) = tk(
        &["verify", "--public-key", &public_key(d, "k.key")],
        d,
        "k.key",
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = tk(
        &["verify", "--public-key", &public_key(d, "other.key")],
        d,
        "k.key",
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("WRONG KEY") && !out.contains("TAMPERED"),
        "{out}"
    );
    assert!(out.contains(other) && out.contains(mine), "{out}");
}

#[test]
fn checkpoints_signed_by_another_key_are_a_wrong_key_not_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    county(d);
    // What the old code did with a wrong --key-file: sign new checkpoints with another key.
    let signer = tiaokuai_log::LogSigner::from_bytes(&[9; 32]);
    let cp = signer.sign("370999", 1, [0; 32], 0);
    sql(
        d,
        &format!(
            "update log_checkpoints set key_id = '{}', signature = '{}' where size = (select max(size) from log_checkpoints);",
            cp.key_id, cp.signature
        ),
    );
    let (code, out) = tk(&["verify"], d, "k.key");
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("WRONG KEY") && out.contains(&cp.key_id),
        "{out}"
    );
}

#[test]
fn rotation_hands_over_to_the_new_key_and_verify_follows_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    county(d);
    let new = d.join("new.key").display().to_string();
    // Rotating to a key file that does not exist creates nothing.
    let (code, out) = tk(&["key", "rotate", "--new-key-file", &new], d, "k.key");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no log signing key at"), "{out}");
    assert!(!d.join("new.key").exists());
    let (code, out) = run(&["keygen", "--key-file", &new]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = tk(&["key", "rotate", "--new-key-file", &new], d, "k.key");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("rotates the log key"), "{out}");
    // Afterwards the old key may not append, the new one may.
    let (code, out) = passwd(d, "k.key", 1);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("not the log's current key"), "{out}");
    let (code, out) = passwd(d, "new.key", 2);
    assert_eq!(code, 0, "{out}");
    let old_id = &public_key(d, "k.key")[..16];
    let new_id = &public_key(d, "new.key")[..16];
    let (code, out) = tk(&["verify"], d, "new.key");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("{old_id} → {new_id}")), "{out}");
    // Both the first key and the new one pin the log.
    for key in ["k.key", "new.key"] {
        let (code, out) = tk(&["verify", "--public-key", &public_key(d, key)], d, "k.key");
        assert_eq!(code, 0, "{key}: {out}");
    }
    let (code, out) = tk(&["key", "show"], d, "new.key");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("(replaces {old_id})")), "{out}");
}

#[test]
fn a_trusted_checkpoint_catches_a_deleted_tail_and_a_rewritten_history() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    county(d);
    let (code, _) = passwd(d, "k.key", 1);
    assert_eq!(code, 0);
    let (code, out) = tk(&["checkpoint", "export"], d, "k.key");
    assert_eq!(code, 0, "{out}");
    let cp: serde_json::Value = serde_json::from_str(&out).unwrap();
    let size = cp["size"].as_u64().unwrap();
    assert_eq!(cp["public_key"], public_key(d, "k.key"));
    let trusted = d.join("cp.json").display().to_string();
    let (code, out) = tk(&["checkpoint", "export", "--out", &trusted], d, "k.key");
    assert_eq!(code, 0, "{out}");
    for n in 2..5 {
        assert_eq!(passwd(d, "k.key", n).0, 0);
    }
    let (code, out) = tk(&["verify", "--trusted-checkpoint", &trusted], d, "k.key");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("extends the trusted checkpoint at size {size}")),
        "{out}"
    );

    // Delete the newest entries: their personal values, kept outside the log, then point at
    // entries that are gone, and verify says so.
    let keep = size - 1;
    sql(
        d,
        &format!(
            "delete from log_entries where seq >= {keep}; delete from log_checkpoints where size > {keep};"
        ),
    );
    let (code, out) = tk(&["verify"], d, "k.key");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("PERSONAL DATA CHANGED"), "{out}");
    // A thorough attacker deletes those values too: the log alone then verifies (nothing in it
    // is wrong), but not against the checkpoint kept elsewhere.
    sql(
        d,
        &format!("delete from personal_data where seq >= {keep};"),
    );
    let (code, out) = tk(&["verify"], d, "k.key");
    assert_eq!(code, 0, "{out}");
    let (code, out) = tk(&["verify", "--trusted-checkpoint", &trusted], d, "k.key");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("ROLLED BACK") && out.contains(&format!("saw {size}")),
        "{out}"
    );

    // A trusted checkpoint of the same size with another root (signed by the log's own key,
    // as a forked history would be): the log does not extend it.
    let signer =
        tiaokuai_log::LogSigner::from_hex(&std::fs::read_to_string(d.join("k.key")).unwrap())
            .unwrap();
    let forged = tiaokuai_log::SignedCheckpoint {
        checkpoint: signer.sign("370999", keep - 3, [7; 32], 0),
        public_key: signer.verifier().public_hex(),
    };
    let forged_path = d.join("forged.json");
    std::fs::write(&forged_path, serde_json::to_string(&forged).unwrap()).unwrap();
    let (code, out) = tk(
        &[
            "verify",
            "--trusted-checkpoint",
            &forged_path.display().to_string(),
        ],
        d,
        "k.key",
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FORKED"), "{out}");

    // A checkpoint file whose signature does not verify is refused as input.
    let mut bad = forged.clone();
    bad.checkpoint.size += 1;
    std::fs::write(&forged_path, serde_json::to_string(&bad).unwrap()).unwrap();
    let (code, out) = tk(
        &[
            "verify",
            "--trusted-checkpoint",
            &forged_path.display().to_string(),
        ],
        d,
        "k.key",
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("forged.json") && out.contains("does not verify"),
        "{out}"
    );
}

/// A log written before keys were declared: `verify` from the database alone reports the
/// missing key (not tampering); the next start with the right key declares it, checkpointed by
/// that key, and from then on the database alone suffices. A wrong key is refused.
#[tokio::test]
async fn a_log_from_before_key_declarations_gets_its_key_declared_at_the_next_start() {
    use tiaokuai_app::{keys, Actor, Engine};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (code, out) = tk(&["migrate"], d, "k.key");
    assert_eq!(code, 0, "{out}");
    sqlx::any::install_default_drivers();
    let store = tiaokuai_store::Store::connect(&db_url(d)).await.unwrap();
    let signer = keys::load(&d.join("k.key")).unwrap();
    let engine = Engine::start(store, "370999", signer).await.unwrap();
    let cal = tiaokuai_core::Transition::CalendarSet {
        days: vec![],
        hours: Some(tiaokuai_core::calendar::OfficeHours::default()),
    };
    engine
        .submit(&Actor::system("old"), 1_700_000_000_000, vec![cal])
        .await
        .unwrap();
    drop(engine);

    let url = db_url(d);
    let (code, out) = run(&["verify", "--database-url", &url]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("WRONG KEY") && out.contains("declares no public key"),
        "{out}"
    );
    // The key file, when given, stands in for the missing declaration.
    let (code, out) = tk(&["verify"], d, "k.key");
    assert_eq!(code, 0, "{out}");
    // Another key may not declare itself over the old checkpoints.
    let other = d.join("other.key").display().to_string();
    assert_eq!(run(&["keygen", "--key-file", &other]).0, 0);
    let (code, out) = passwd(d, "other.key", 1);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("not the log's current key"), "{out}");
    // The right key declares itself at the next start (here: a rotation, which starts first).
    let (code, out) = tk(&["key", "rotate", "--new-key-file", &other], d, "k.key");
    assert_eq!(code, 0, "{out}");
    let (code, out) = tk(&["key", "show"], d, "other.key");
    assert!(
        code == 0 && out.contains("entry        1") && out.contains("entry        2"),
        "{out}"
    );
    let (code, out) = run(&["verify", "--database-url", &url]);
    assert_eq!(code, 0, "{out}");
}
