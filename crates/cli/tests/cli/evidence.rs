//! Evidence in the chain: `verify` re-hashes every stored photo against the hash its log entry
//! holds, and names the event, the entry and the hash of a changed or missing one. SQLite only
//! (the photo is changed with the sqlite3 tool, as an attacker with file access would).

use super::common::{sql, tk};
use std::path::Path;
use std::process::Command;
use tiaokuai_app::{demo, keys, Engine};
use tiaokuai_core::events::{Channel, Grade, Location, NewEvent, Urgency};

/// A tiny PNG: the signature and an IHDR chunk are enough to be judged an image.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\x00\x01\x01\x01\x00\x18\xdd\x8d\xb4\0\0\0\0IEND\xaeB`\x82";

/// The demo organisation and one event reported with a photo. Returns (event id, photo hash).
async fn county_with_a_photo(d: &Path) -> (u64, String) {
    let (code, out) = tk(&["migrate"], d);
    assert_eq!(code, 0, "{out}");
    sqlx::any::install_default_drivers();
    let store = tiaokuai_store::Store::connect(&format!("sqlite://{}", d.join("t.db").display()))
        .await
        .unwrap();
    let signer = keys::load(&d.join("k.key")).unwrap();
    let verifier = signer.verifier();
    let engine = Engine::start(store, demo::COUNTY, signer).await.unwrap();
    keys::declare_if_missing(&engine, &verifier, 1_763_700_000_000)
        .await
        .unwrap();
    demo::load_with(
        &engine,
        &d.join("demo"),
        1_763_700_000_000,
        demo::DemoOptions::BARE,
    )
    .await
    .unwrap();
    let photo = engine
        .put_photo("photos", "p.png", PNG, 1_763_700_000_000)
        .await
        .unwrap();
    let op = engine.principal_of("qingshan_op").await.unwrap().unwrap();
    let event = NewEvent {
        channel: Channel::TownshipCall,
        title: "村口路灯不亮".into(),
        description: "王家庄村村口路灯已坏三天。".into(),
        category: String::new(),
        urgency: Urgency::Normal,
        grade: Grade::Ordinary,
        request_type: None,
        item: None,
        location: Location {
            lon: 116.71,
            lat: 36.61,
            ..Default::default()
        },
        photos: vec![photo.clone()],
        hotline_no: None,
        hotline_due_ms: None,
        call: true,
    };
    let id = engine
        .report_event(&op, 1_763_700_100_000, event)
        .await
        .unwrap();
    let bundle = engine.event_proof(id).await.unwrap();
    std::fs::write(
        d.join("bundle.json"),
        serde_json::to_string(&bundle).unwrap(),
    )
    .unwrap();
    (id, photo)
}

fn proof_verify(d: &Path, public_key: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
        .args(["proof", "verify"])
        .arg(d.join("bundle.json"))
        .args(["--public-key", public_key])
        .output()
        .expect("run tiaokuai");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

/// An event's proof bundle carries its checkpoint and key; a pinned key must match.
#[tokio::test]
async fn a_proof_bundle_is_checked_against_a_pinned_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    county_with_a_photo(d).await;
    let mine = keys::load(&d.join("k.key")).unwrap().verifier();
    let (code, out) = proof_verify(d, &mine.public_hex());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&format!("signed by key {}", mine.key_id())),
        "{out}"
    );
    let other = tiaokuai_log::LogSigner::from_bytes(&[9; 32]).verifier();
    let (code, out) = proof_verify(d, &other.public_hex());
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("WRONG KEY"), "{out}");
}

#[tokio::test]
async fn a_changed_or_missing_photo_is_found_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (id, photo) = county_with_a_photo(d).await;
    let (code, out) = tk(&["verify"], d);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 photos re-hashed"), "{out}");

    // Zero the photo's bytes.
    sql(
        d,
        &format!("update blobs set bytes = zeroblob(length(bytes)) where hash = '{photo}';"),
    );
    let (code, out) = tk(&["verify"], d);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("EVIDENCE CHANGED")
            && out.contains(&photo)
            && out.contains(&format!("event {id} (entry "))
            && out.contains("was changed"),
        "{out}"
    );
    // Skipping the evidence check is explicit.
    let (code, out) = tk(&["verify", "--skip-evidence"], d);
    assert_eq!(code, 0, "{out}");

    // Delete it.
    sql(d, &format!("delete from blobs where hash = '{photo}';"));
    let (code, out) = tk(&["verify"], d);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("EVIDENCE CHANGED") && out.contains(&photo) && out.contains("missing"),
        "{out}"
    );
}
