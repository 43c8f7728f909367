use tiaokuai_app::{now_ms, Actor, Engine};
use tiaokuai_core::org::Person;
use tiaokuai_core::Transition;
use tiaokuai_testkit::{demo_engine, test_signer};

pub(crate) fn phone_change(i: usize) -> Transition {
    Transition::PersonSaved {
        person: Person {
            username: "grid_qs01".into(),
            name: "测试".into(),
            phone: format!("1380000{i:04}"),
            unit: "370999001001".into(),
            active: true,
        },
    }
}

#[tokio::test]
async fn demo_log_verifies_and_rebuild_reproduces_live_state() {
    let (engine, _fx) = demo_engine().await.unwrap();
    let store = engine.store();
    let report = tiaokuai_app::verify::verify_county(store, "370999", engine.verifier())
        .await
        .unwrap();
    assert!(report.ok(), "{:?}", report.problem);
    assert!(report.entries > 1000);
    let (units, people, grids) = store.org_counts("370999").await.unwrap();
    assert!(
        units >= 300 && people >= 600 && grids >= 300,
        "{units} {people} {grids}"
    );
    let before = store.dump_read_models("370999").await.unwrap();
    let n = store.rebuild_read_models("370999").await.unwrap();
    assert_eq!(n, report.entries);
    assert_eq!(before, store.dump_read_models("370999").await.unwrap());
}

#[tokio::test]
async fn a_changed_byte_is_found_and_named() {
    let (engine, _fx) = demo_engine().await.unwrap();
    let store = engine.store();
    let sql = "update log_entries set payload = replace(payload, 'type', 'typf') where county = '370999' and seq = 20";
    let res = sqlx::query(sql).execute(store.pool()).await;
    match store.backend() {
        tiaokuai_store::Backend::Postgres => {
            // The database itself refuses to rewrite history.
            let err = res.unwrap_err().to_string();
            assert!(err.contains("append-only"), "{err}");
            let del = sqlx::query("delete from log_entries where seq = 3")
                .execute(store.pool())
                .await;
            assert!(del.is_err());
        }
        tiaokuai_store::Backend::Sqlite => {
            assert_eq!(res.unwrap().rows_affected(), 1);
            let report = tiaokuai_app::verify::verify_county(store, "370999", engine.verifier())
                .await
                .unwrap();
            let problem = report.problem.unwrap();
            assert!(problem.starts_with("entry 20 "), "{problem}");
        }
    }
}

#[tokio::test]
async fn a_forged_checkpoint_signature_is_found() {
    let (engine, _fx) = demo_engine().await.unwrap();
    let other = tiaokuai_log::LogSigner::from_bytes(&[9; 32]).verifier();
    let report = tiaokuai_app::verify::verify_county(engine.store(), "370999", &other)
        .await
        .unwrap();
    assert!(report.problem.unwrap().contains("bad signature"));
}

#[tokio::test]
async fn concurrent_appends_keep_one_chain_and_all_or_nothing_batches() {
    let (engine, _fx) = demo_engine().await.unwrap();
    let start = engine.tree_head().await.0;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let e = engine.clone();
        tasks.push(tokio::spawn(async move {
            e.submit(&Actor::system("t"), now_ms(), vec![phone_change(i)])
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(engine.tree_head().await.0, start + 50);
    // A batch whose second transition is invalid writes nothing.
    let bad = Transition::RolesSet {
        username: "nobody".into(),
        grants: vec![],
    };
    let err = engine
        .submit(&Actor::system("t"), now_ms(), vec![phone_change(99), bad])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("nobody"), "{err}");
    assert_eq!(engine.tree_head().await.0, start + 50);
    let r = tiaokuai_app::verify::verify_county(engine.store(), "370999", engine.verifier())
        .await
        .unwrap();
    assert!(r.ok(), "{:?}", r.problem);
}

#[tokio::test]
async fn two_servers_on_one_database_share_one_log() {
    let (a, _fx) = demo_engine().await.unwrap();
    // A second "server process": its own engine and writer over the same database.
    let b = Engine::start(a.store().clone(), "370999", test_signer())
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let e = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            e.submit(&Actor::system("t"), now_ms(), vec![phone_change(i)])
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    assert_eq!(a.tree_head().await, b.tree_head().await);
    let r = tiaokuai_app::verify::verify_county(a.store(), "370999", a.verifier())
        .await
        .unwrap();
    assert!(r.ok(), "{:?}", r.problem);
    // Each sees the other's last write.
    let phone_a = a
        .with_state(|s| s.org.people["grid_qs01"].person.phone.clone())
        .await
        .unwrap();
    let phone_b = b
        .with_state(|s| s.org.people["grid_qs01"].person.phone.clone())
        .await
        .unwrap();
    assert_eq!(phone_a, phone_b);
}

#[tokio::test]
async fn proofs_from_the_engine_verify() {
    let (engine, _fx) = demo_engine().await.unwrap();
    let (size, root) = engine.tree_head().await;
    for seq in [0, 1, size / 2, size - 1] {
        let (leaf, proof) = engine.inclusion_proof(seq, size).await.unwrap();
        assert!(tiaokuai_log::merkle::verify_inclusion(
            seq, size, &leaf, &proof, &root
        ));
    }
    let old = size / 3;
    let old_root = engine.root_at(old).await.unwrap();
    let proof = engine.consistency_proof(old, size).await.unwrap();
    assert!(tiaokuai_log::merkle::verify_consistency(
        old, size, &old_root, &root, &proof
    ));
    let cp = engine.latest_checkpoint().await.unwrap().unwrap();
    assert_eq!((cp.size, cp.root), (size, root));
    assert!(engine.verifier().verify(&cp));
}

/// A write transaction dropped without commit leaves nothing behind and releases the write
/// lock at once: another server process (its own store on the same database) can append.
#[tokio::test]
async fn a_dropped_write_rolls_back_and_frees_the_lock() {
    use tiaokuai_log::{EntryHeader, LogEntry};
    use tiaokuai_store::{EventRows, Store};
    let (store, fx) = tiaokuai_testkit::fresh_db().await.unwrap();
    let entry = |seq: u64, prev| {
        let t = phone_change(seq as usize);
        let header = EntryHeader {
            county: "370999".into(),
            seq,
            at_ms: now_ms(),
            actor: "t".into(),
            role: "system".into(),
            unit: String::new(),
            kind: t.kind().to_string(),
        };
        (LogEntry::seal(header, t.to_payload(), prev), t)
    };
    {
        let mut w = store.begin_write("370999").await.unwrap();
        assert_eq!(w.head().await.unwrap().0, 0);
        w.append_many(&[entry(0, [0; 32])], &EventRows::default())
            .await
            .unwrap();
        assert_eq!(w.head().await.unwrap().0, 1);
    }
    let other = Store::connect(&fx.url).await.unwrap();
    let mut w = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        other.begin_write("370999"),
    )
    .await
    .expect("the dropped transaction still holds the write lock")
    .unwrap();
    assert_eq!(w.head().await.unwrap().0, 0, "the dropped append was kept");
    w.append_many(&[entry(0, [0; 32])], &EventRows::default())
        .await
        .unwrap();
    w.commit().await.unwrap();
    // The first store's writer works again and sees the other's entry.
    let mut w = store.begin_write("370999").await.unwrap();
    assert_eq!(w.head().await.unwrap().0, 1);
    drop(w);
    assert_eq!(store.log_size("370999").await.unwrap(), 1);
    other.close().await;
}

/// PostgreSQL: the append connection dies (a restarted server, an idle timeout); the next
/// append reconnects instead of failing.
#[tokio::test]
async fn appends_survive_a_dropped_database_connection() {
    if tiaokuai_testkit::backend_name() != "postgres" {
        return;
    }
    let (engine, _fx) = demo_engine().await.unwrap();
    let start = engine.tree_head().await.0;
    engine
        .submit(&Actor::system("t"), now_ms(), vec![phone_change(1)])
        .await
        .unwrap();
    let killed: i64 = sqlx::query_scalar(
        "select count(pg_terminate_backend(pid)) from pg_stat_activity \
         where datname = current_database() and pid <> pg_backend_pid()",
    )
    .fetch_one(engine.store().pool())
    .await
    .unwrap();
    assert!(killed >= 1, "no connection to terminate");
    engine
        .submit(&Actor::system("t"), now_ms(), vec![phone_change(2)])
        .await
        .unwrap();
    assert_eq!(engine.tree_head().await.0, start + 2);
}

/// `verify` on a database that a server keeps appending to checks the log as of its newest
/// checkpoint and leaves later entries for the next run, instead of calling the newest ones
/// uncovered.
#[tokio::test]
async fn verify_while_a_server_appends() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let (engine, _fx) = demo_engine().await.unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let (e, halt) = (engine.clone(), stop.clone());
    let writer = tokio::spawn(async move {
        let mut i = 0;
        while !halt.load(Ordering::Relaxed) {
            e.submit(&Actor::system("t"), now_ms(), vec![phone_change(i)])
                .await
                .unwrap();
            i += 1;
        }
        i
    });
    let mut appended = 0;
    for _ in 0..15 {
        let r = tiaokuai_app::verify::verify_county(engine.store(), "370999", engine.verifier())
            .await
            .unwrap();
        assert!(r.ok(), "{:?}", r.problem);
        appended += r.appended;
    }
    stop.store(true, Ordering::Relaxed);
    let written = writer.await.unwrap();
    assert!(written > 0);
    eprintln!("{written} appends during 15 runs; {appended} entries left for a next run");
}
