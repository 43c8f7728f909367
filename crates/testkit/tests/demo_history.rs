//! Generated demo history: one month on a fresh county goes through the rules without a
//! refusal, every event reaches the statistics facts, the outcomes are mixed, and rebuilding
//! the read models from the log gives the same tables.

use tiaokuai_app::demo::{self, DemoOptions};
use tiaokuai_app::demo_history::{generate, HistorySpec};
use tiaokuai_app::Engine;
use tiaokuai_core::stats::{Dim, Measure, Query, Value};
use tiaokuai_testkit::{fresh_db, test_signer};

const NOW: i64 = 1_763_700_000_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_month_of_history_is_in_the_statistics_and_rebuilds() {
    sqlx::any::install_default_drivers();
    let (store, fx) = fresh_db().await.unwrap();
    let engine = Engine::start(store, demo::COUNTY, test_signer())
        .await
        .unwrap();
    demo::load_with(&engine, &fx.dir.path().join("demo"), NOW, DemoOptions::BARE)
        .await
        .unwrap();
    let spec = HistorySpec {
        months: 1,
        events_per_month: 400,
        seed: 7,
        open_tail_days: 7,
    };
    let c = generate(&engine, NOW, spec).await.unwrap();
    assert_eq!(c.refused, 0, "{c:?}");
    assert_eq!(c.events, 400, "{c:?}");
    let share = |n: usize| n as f64 / c.events as f64;
    assert!(share(c.closed) > 0.4, "{c:?}");
    assert!(share(c.self_closed) > 0.04, "{c:?}");
    assert!(c.open > 0, "{c:?}");
    assert!(share(c.late) > 0.05, "{c:?}");
    assert!(c.unsatisfied > 2, "{c:?}");
    assert!(c.returns > 2, "{c:?}");
    assert!(c.township_assigned > 0 && c.whistled > 0, "{c:?}");

    // Every report is an event fact.
    let leader = engine.principal_of("leader").await.unwrap().unwrap();
    let q = Query {
        rows: Dim::All,
        cols: Dim::All,
        measures: vec![
            Measure::Events,
            Measure::Unsatisfied,
            Measure::EventsReturned,
        ],
        filters: vec![],
        from_ms: NOW - 40 * 86_400_000,
        to_ms: NOW + 86_400_000,
    };
    let t = engine.stats(&leader, &q, true, NOW).await.unwrap();
    assert_eq!(t.total[0], Value::Count(c.events as u64), "{t:?}");
    assert!(matches!(t.total[1], Value::Count(n) if n > 0), "{t:?}");
    assert!(matches!(t.total[2], Value::Count(n) if n > 0), "{t:?}");

    let store = engine.store();
    let before = store.dump_read_models(demo::COUNTY).await.unwrap();
    store.rebuild_read_models(demo::COUNTY).await.unwrap();
    let after = store.dump_read_models(demo::COUNTY).await.unwrap();
    if before != after {
        std::fs::write("/tmp/wtdemo-before.txt", &before).unwrap();
        std::fs::write("/tmp/wtdemo-after.txt", &after).unwrap();
    }
    assert!(before == after, "rebuilt read models differ");
}
