//! Years of history on one server: settled events leave memory and come back for a late
//! command or a read; a restart loads the newest snapshot and replays only the tail; a bad
//! snapshot is refused with its reason and the log replayed in full. On both databases.

use tiaokuai_app::archive::HistoryPolicy;
use tiaokuai_app::demo::{self, DemoOptions};
use tiaokuai_app::demo_history::{generate, HistorySpec};
use tiaokuai_app::{Actor, Engine};
use tiaokuai_core::events::{EventCmd, Party};
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::Transition;
use tiaokuai_store::Store;
use tiaokuai_testkit::{fresh_db, test_signer, Fixture};

const NOW: i64 = 1_763_700_000_000;
const DAY: i64 = 86_400_000;

/// Keeps every event in memory until the test archives explicitly.
fn manual() -> HistoryPolicy {
    HistoryPolicy {
        keep_settled_ms: 30 * DAY,
        batch: 64,
        snapshot_every: u64::MAX / 2,
        maintain_every_ms: 3_600_000,
    }
}

/// The demo county with three months of generated history (most of it settled).
async fn county_with_history() -> (Engine, Fixture) {
    sqlx::any::install_default_drivers();
    let (store, fx) = fresh_db().await.unwrap();
    let engine = Engine::start_with(store, demo::COUNTY, test_signer(), manual())
        .await
        .unwrap();
    demo::load_with(&engine, &fx.dir.path().join("demo"), NOW, DemoOptions::BARE)
        .await
        .unwrap();
    let spec = HistorySpec {
        months: 3,
        events_per_month: 60,
        seed: 11,
        open_tail_days: 5,
    };
    let c = generate(&engine, NOW, spec).await.unwrap();
    assert!(c.closed > 20, "{c:?}");
    (engine, fx)
}

async fn restart(store: &Store, policy: HistoryPolicy) -> Engine {
    Engine::start_with(store.clone(), demo::COUNTY, test_signer(), policy)
        .await
        .unwrap()
}

fn dispatcher() -> Party {
    Party {
        username: "dispatcher".into(),
        role: RoleKind::CountyDispatcher,
        unit: "370999-ZHZX".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settled_events_leave_memory_and_come_back() {
    let (engine, _fx) = county_with_history().await;
    let full_before = engine.full_state().await.unwrap();
    let resident_before = engine.resident_events().await;
    let gone = engine.archive_settled(NOW).await.unwrap();
    assert!(gone > 20, "archived {gone}");
    assert_eq!(engine.resident_events().await, resident_before - gone);
    // Nothing was lost: the state with its archive is the state folded from the log.
    assert!(engine.full_state().await.unwrap() == full_before);
    // Open work stays in memory.
    let open_resident = engine
        .with_state(|s| {
            s.events
                .events
                .values()
                .all(|e| e.status.is_final() || s.events.is_resident(e.id))
        })
        .await
        .unwrap();
    assert!(open_resident);

    // A closed event that left memory: read it, then a late 回访 on it.
    let closed = full_before
        .events
        .events
        .values()
        .find(|e| {
            e.status == tiaokuai_core::events::EventStatus::Closed
                && !full_before.events.feedback.contains_key(&e.id)
        })
        .map(|e| e.id)
        .unwrap();
    let resident = engine
        .with_state(|s| s.events.is_resident(closed))
        .await
        .unwrap();
    assert!(!resident, "a closed event of months ago is archived");
    let read = engine.event(closed).await.unwrap();
    assert_eq!(Some(&read), full_before.events.event(closed));
    let actor = Actor {
        username: "dispatcher".into(),
        role: "county_dispatcher".into(),
        unit: "370999-ZHZX".into(),
    };
    let late = Transition::Event {
        at_ms: NOW + DAY,
        by: dispatcher(),
        cmd: EventCmd::PublicFeedback {
            event: closed,
            level: 0,
            comment: "回访满意".into(),
        },
    };
    engine.submit(&actor, NOW + DAY, vec![late]).await.unwrap();
    let fb = engine
        .with_events(&[closed], |s| s.events.feedback.get(&closed).cloned())
        .await
        .unwrap();
    assert_eq!(fb.map(|f| f.comment), Some("回访满意".into()));

    // Archive it again (its new version), then a second server folds the same log.
    engine.archive_settled(NOW + 2 * DAY).await.unwrap();
    let live = engine.full_state().await.unwrap();
    let other = restart(engine.store(), manual()).await;
    assert!(other.full_state().await.unwrap() == live);
    // Rebuilt read models equal the live ones.
    let store = engine.store();
    let dumped = store.dump_read_models(demo::COUNTY).await.unwrap();
    store.rebuild_read_models(demo::COUNTY).await.unwrap();
    assert_eq!(store.dump_read_models(demo::COUNTY).await.unwrap(), dumped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_replays_only_what_follows_the_snapshot() {
    let (engine, _fx) = county_with_history().await;
    engine.archive_settled(NOW).await.unwrap();
    let at = engine.take_snapshot(NOW).await.unwrap();
    // Entries after the snapshot, one of them on an archived event.
    let archived = engine.store().archived_ids(demo::COUNTY).await.unwrap();
    let full = engine.full_state().await.unwrap();
    let target = *archived
        .iter()
        .find(|id| {
            full.events.event(**id).map(|e| e.status)
                == Some(tiaokuai_core::events::EventStatus::Closed)
        })
        .unwrap();
    let late = Transition::Event {
        at_ms: NOW + DAY,
        by: dispatcher(),
        cmd: EventCmd::PublicFeedback {
            event: target,
            level: 1,
            comment: "快照之后".into(),
        },
    };
    let dispatcher_actor = Actor {
        username: "dispatcher".into(),
        role: "county_dispatcher".into(),
        unit: "370999-ZHZX".into(),
    };
    engine
        .submit(&dispatcher_actor, NOW + DAY, vec![late])
        .await
        .unwrap();
    let size = engine.tree_head().await;
    let live = engine.full_state().await.unwrap();

    let again = restart(engine.store(), manual()).await;
    let r = again.start_report().clone();
    assert_eq!(r.snapshot, Some(at), "{r:?}");
    assert_eq!(r.replayed, size.0 - at, "{r:?}");
    assert!(r.refused.is_empty(), "{r:?}");
    assert_eq!(again.tree_head().await, size);
    let got = again.full_state().await.unwrap();
    assert!(got.org == live.org, "org");
    assert!(got.lists == live.lists, "lists");
    assert!(got.adjustments == live.adjustments, "adjustments");
    assert!(got.assessment == live.assessment, "assessment");
    assert!(got.categories == live.categories, "categories");
    assert_eq!(got.events.config, live.events.config);
    assert!(got.events.calendar == live.events.calendar, "calendar");
    assert_eq!(got.events.per_year, live.events.per_year);
    assert_eq!(got.events.feedback, live.events.feedback);
    assert_eq!(got.events.cases, live.events.cases);
    assert_eq!(got.events.photo_events, live.events.photo_events);
    for (id, e) in &live.events.events {
        assert_eq!(got.events.events.get(id), Some(e));
    }
    assert_eq!(got.events.events.len(), live.events.events.len());
    assert!(got == live);
    // Proofs work from the snapshot's pyramid and the stored leaves.
    let (leaf, path) = again.inclusion_proof(3, size.0).await.unwrap();
    assert!(tiaokuai_log::merkle::verify_inclusion(
        3, size.0, &leaf, &path, &size.1
    ));
    let c = again.consistency_proof(at / 2, size.0).await.unwrap();
    let old_root = again.root_at(at / 2).await.unwrap();
    assert!(tiaokuai_log::merkle::verify_consistency(
        at / 2,
        size.0,
        &old_root,
        &size.1,
        &c
    ));
}

/// Changes the newest snapshot with `sql` and restarts: it must be refused for `why`, and
/// the full replay must give the same state.
async fn refused_after(engine: &Engine, sql: &str, why: &str) {
    let store = engine.store();
    let live = engine.full_state().await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .execute(store.pool())
        .await
        .unwrap();
    let again = restart(store, manual()).await;
    let r = again.start_report().clone();
    assert_eq!(r.snapshot, None, "{r:?}");
    assert!(
        r.refused.iter().any(|(_, w)| w.contains(why)),
        "expected a refusal for '{why}': {r:?}"
    );
    assert_eq!(r.replayed, live.log_len, "a full replay");
    assert!(again.full_state().await.unwrap() == live);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_snapshots_are_refused_and_the_log_replayed() {
    let (engine, _fx) = county_with_history().await;
    engine.archive_settled(NOW).await.unwrap();
    engine.take_snapshot(NOW).await.unwrap();
    // Truncated body (SQLite and PostgreSQL both have substr on blobs/bytea).
    let truncate = if tiaokuai_testkit::backend_name() == "postgres" {
        "update state_snapshots set body = substring(body from 1 for length(body) / 2)"
    } else {
        "update state_snapshots set body = substr(body, 1, length(body) / 2)"
    };
    refused_after(&engine, truncate, "truncated or changed").await;
    engine.take_snapshot(NOW).await.unwrap();
    sqlx::query("delete from state_snapshots")
        .execute(engine.store().pool())
        .await
        .unwrap();
    engine.take_snapshot(NOW).await.unwrap();
    refused_after(&engine, "update state_snapshots set format = 999", "format").await;

    // Another key: a snapshot of the same log signed by a different key.
    sqlx::query("delete from state_snapshots")
        .execute(engine.store().pool())
        .await
        .unwrap();
    let forger = Engine::start_with(
        engine.store().clone(),
        demo::COUNTY,
        tiaokuai_log::LogSigner::from_bytes(&[9; 32]),
        manual(),
    )
    .await
    .unwrap();
    forger.take_snapshot(NOW).await.unwrap();
    refused_after(
        &engine,
        "update state_snapshots set signature = signature",
        "signed by key",
    )
    .await;

    // Another county's snapshot put under this county.
    sqlx::query("delete from state_snapshots")
        .execute(engine.store().pool())
        .await
        .unwrap();
    let other = Engine::start_with(engine.store().clone(), "370998", test_signer(), manual())
        .await
        .unwrap();
    other.take_snapshot(NOW).await.unwrap();
    let size = engine.tree_head().await.0;
    refused_after(
        &engine,
        &format!(
            "update state_snapshots set county = '{}', size = {size}",
            demo::COUNTY
        ),
        "signature does not match",
    )
    .await;
}
