//! Grid patrol over the JSON API: a grid worker patrols their own grid, sends GPS batches
//! (sorted, repeats and far points dropped with counts; a batch sent twice is received once;
//! a malformed point refuses the batch naming it), reports a finding as an event, ends; the
//! township analyses the week and records minutes; the county sums up the month. Others are
//! refused and the log stays as it was.

use crate::events_api::{fields, log_len, Api};
use serde_json::json;
use tiaokuai_app::{now_ms, Actor};
use tiaokuai_testkit::demo_server;

const GRID: &str = "370999001001-01";
const QINGSHAN: &str = "370999001";

#[tokio::test]
async fn a_grid_worker_patrols_reports_a_finding_and_the_week_shows_it() {
    let s = demo_server().await.unwrap();
    s.engine
        .set_password(
            &Actor::system("test"),
            now_ms(),
            "gw_370999001002_1",
            "tiaokuai2026",
        )
        .await
        .unwrap();
    let grid = Api::login(&s, "grid_qs01").await;
    let other = Api::login(&s, "gw_370999001002_1").await;
    let op = Api::login(&s, "qingshan_op").await;
    let chengguan = Api::login(&s, "chengguan_op").await;
    let disp = Api::login(&s, "dispatcher").await;
    let zj = Api::login(&s, "zhujian").await;
    let t0 = now_ms() - 10 * 60_000;
    let start = json!({"id": "p-test-1", "grid": GRID, "started_ms": t0});

    // Only the grid's own workers patrol it; nothing is written by a refusal.
    let before = log_len(&s).await;
    for who in [&other, &op] {
        let (st, v) = who.post("/api/v1/patrols", start.clone()).await;
        assert_eq!(st, 403, "{v}");
    }
    assert_eq!(log_len(&s).await, before);

    let (st, v) = grid.post("/api/v1/patrols", start.clone()).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["duplicate"], false);
    // A start sent again (the phone retrying) is received once.
    let n = log_len(&s).await;
    let (st, v) = grid.post("/api/v1/patrols", start.clone()).await;
    assert_eq!(
        (st.as_u16(), v["duplicate"].as_bool()),
        (200, Some(true)),
        "{v}"
    );
    assert_eq!(log_len(&s).await, n);

    // Out of order, a repeat, one point thousands of km away, one before the start.
    let pts = json!([
        {"t": t0 + 120_000, "lon": 116.712, "lat": 36.611},
        {"t": t0 + 60_000, "lon": 116.711, "lat": 36.610},
        {"t": t0 + 60_000, "lon": 116.711, "lat": 36.610},
        {"t": t0 + 90_000, "lon": 2.35, "lat": 48.85},
        {"t": t0 - 3_600_000, "lon": 116.711, "lat": 36.610},
        {"t": t0 + 180_000, "lon": 116.713, "lat": 36.612}
    ]);
    let path = "/api/v1/patrols/p-test-1/points";
    let (st, v) = grid
        .post(path, json!({"batch": "b1", "points": pts.clone()}))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["accepted"], 3, "{v}");
    assert_eq!(
        v["dropped"],
        json!({"duplicates": 1, "far": 1, "out_of_time": 1})
    );
    let n = log_len(&s).await;
    let (st, v) = grid.post(path, json!({"batch": "b1", "points": pts})).await;
    assert_eq!(
        (st.as_u16(), v["duplicate"].as_bool()),
        (200, Some(true)),
        "{v}"
    );
    assert_eq!(log_len(&s).await, n, "a batch sent twice is received once");
    // A malformed point refuses the whole batch, naming it.
    let (st, v) = grid
        .post(
            path,
            json!({"batch": "b2", "points": [
                {"t": t0 + 200_000, "lon": 116.7, "lat": 36.6},
                {"t": t0 + 210_000, "lon": 116.7, "lat": 96.6}
            ]}),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(fields(&v), ["points[1].lat"]);
    assert_eq!(log_len(&s).await, n);
    // Another worker may not add to the patrol.
    let (st, _) = other
        .post(
            path,
            json!({"batch": "b3", "points": [{"t": t0 + 1, "lon": 116.7, "lat": 36.6}]}),
        )
        .await;
    assert_eq!(st, 403);
    let (st, v) = grid.get("/api/v1/patrols/p-test-1/track").await;
    assert_eq!(st, 200);
    let ts: Vec<i64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["t"].as_i64().unwrap())
        .collect();
    assert_eq!(ts, [t0 + 60_000, t0 + 120_000, t0 + 180_000]);

    // A finding reported as an event at once, its place prefilled.
    let (st, v) = grid
        .post(
            "/api/v1/patrols/p-test-1/findings",
            json!({"id": "f1", "category": "市容环境", "description": "垃圾堆放未清运",
                   "lon": 116.712, "lat": 36.611, "report": true}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (_, p) = grid.get("/api/v1/patrols/p-test-1").await;
    let event = p["findings"][0]["event"].as_u64().expect("linked event");
    let (st, e) = grid.get(&format!("/api/v1/events/{event}")).await;
    assert_eq!(st, 200, "{e}");
    assert_eq!(e["reporter"], "grid_qs01", "{e}");
    // Reporting it again is refused.
    let (st, _) = grid
        .post("/api/v1/patrols/p-test-1/findings/f1/event", json!({}))
        .await;
    assert_eq!(st, 409);
    let (st, v) = grid
        .post("/api/v1/patrols/p-test-1/end", json!({"note": "正常"}))
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, _) = grid.post("/api/v1/patrols/p-test-1/end", json!({})).await;
    assert_eq!(st, 409);

    // The township's week shows the patrol and the finding; others may not look.
    let q = format!("/api/v1/patrols/analysis?township={QINGSHAN}");
    let (st, a) = op.get(&q).await;
    assert_eq!(st, 200, "{a}");
    assert_eq!(a["findings"], 1, "{a}");
    assert_eq!(a["reported"], 1);
    assert!(a["grids"]
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["grid"] == GRID && g["patrols"] == 1));
    for who in [&chengguan, &zj, &grid] {
        let (st, v) = who.get(&q).await;
        assert_eq!(st, 403, "{v}");
    }
    let (st, _) = zj.get("/api/v1/patrols/p-test-1").await;
    assert!(st == 404 || st == 403, "{st}");

    // Minutes by the township's own staff only.
    let week = a["period"].as_str().unwrap().to_string();
    let minutes =
        json!({"township": QINGSHAN, "week": week, "attendees": "范娜", "text": "会商垃圾清运"});
    let n = log_len(&s).await;
    for who in [&chengguan, &disp] {
        let (st, _) = who.post("/api/v1/patrols/minutes", minutes.clone()).await;
        assert_eq!(st, 403);
    }
    let (st, v) = op
        .post(
            "/api/v1/patrols/minutes",
            json!({"township": QINGSHAN, "week": "2026-11", "text": "x"}),
        )
        .await;
    assert_eq!(st, 422);
    assert_eq!(fields(&v), ["week"]);
    assert_eq!(log_len(&s).await, n);
    let (st, _) = op.post("/api/v1/patrols/minutes", minutes).await;
    assert_eq!(st, 200);
    let (_, a) = op.get(&q).await;
    assert_eq!(a["minutes"], "会商垃圾清运");

    // The month: township rows and the county's total for the command centre.
    let (st, m) = disp.get("/api/v1/patrols/monthly").await;
    assert_eq!(st, 200, "{m}");
    let rows = m.as_array().unwrap();
    let total = rows.last().unwrap();
    assert_eq!(total["township"], "");
    assert_eq!(total["patrols"], 1);
    assert_eq!(total["findings"], 1);
    let (st, m) = op.get("/api/v1/patrols/monthly").await;
    assert_eq!(st, 200);
    assert_eq!(
        m.as_array().unwrap().len(),
        1,
        "a township sees its own row only"
    );
    let r = disp
        .c
        .get(s.url("/patrol/monthly/export"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
}

#[tokio::test]
async fn patrol_rules_are_set_by_an_administrator_and_flag_grids_not_patrolled() {
    let s = demo_server().await.unwrap();
    let admin = Api::login(&s, "admin").await;
    let op = Api::login(&s, "qingshan_op").await;
    let (st, v) = admin
        .put(
            "/api/v1/patrols/rules",
            json!({"community_days": 0, "village_days": 2, "special_days": 7}),
        )
        .await;
    assert_eq!(st, 422);
    assert_eq!(fields(&v), ["community_days"]);
    let (st, _) = op
        .put(
            "/api/v1/patrols/rules",
            json!({"community_days": 1, "village_days": 3, "special_days": 7}),
        )
        .await;
    assert_eq!(st, 403);
    let (st, v) = admin
        .put(
            "/api/v1/patrols/rules",
            json!({"community_days": 1, "village_days": 3, "special_days": 7}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (_, r) = op.get("/api/v1/patrols/rules").await;
    assert_eq!(r["village_days"], 3);
    // No patrols yet: every grid of the township is flagged on its desk and board.
    let (_, a) = op
        .get(&format!("/api/v1/patrols/analysis?township={QINGSHAN}"))
        .await;
    let grids = a["grids"].as_array().unwrap();
    assert!(!grids.is_empty() && grids.iter().all(|g| g["overdue"] == true));
    let page =
        op.c.get(s.url("/desk"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
    assert!(
        page.contains("未按时巡查网格"),
        "township desk flags overdue grids"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_month_of_demo_patrols_goes_through_the_rules() {
    use tiaokuai_app::demo::{self, DemoOptions};
    use tiaokuai_app::Engine;
    use tiaokuai_testkit::{fresh_db, test_signer};
    const NOW: i64 = 1_763_700_000_000;
    sqlx::any::install_default_drivers();
    let (store, fx) = fresh_db().await.unwrap();
    let engine = Engine::start(store, demo::COUNTY, test_signer())
        .await
        .unwrap();
    demo::load_with(&engine, &fx.dir.path().join("demo"), NOW, DemoOptions::BARE)
        .await
        .unwrap();
    let t = std::time::Instant::now();
    let (recorded, refused) = tiaokuai_app::demo_patrol::generate(&engine, NOW, 1, 7)
        .await
        .unwrap();
    eprintln!("{recorded} demo patrols in {:?}", t.elapsed());
    assert_eq!(refused, 0);
    assert!(recorded > 300, "{recorded}");
    let (findings, linked) = engine
        .with_state(|s| {
            let f: Vec<_> = s
                .patrol
                .patrols
                .values()
                .flat_map(|p| &p.findings)
                .collect();
            (f.len(), f.iter().filter(|f| f.event.is_some()).count())
        })
        .await
        .unwrap();
    assert!(
        findings > 20 && linked > findings / 2,
        "{findings} {linked}"
    );
}

#[tokio::test]
async fn patrol_pages_and_the_document_are_scoped() {
    let s = demo_server().await.unwrap();
    let grid = Api::login(&s, "grid_qs01").await;
    let zj = Api::login(&s, "zhujian").await;
    let op = Api::login(&s, "qingshan_op").await;
    let status = |a: &Api<'_>, path: &str| {
        let req = a.c.get(s.url(path));
        async move { req.send().await.unwrap().status().as_u16() }
    };
    // The phone page is the grid worker's; the board and reports are the townships' and county's.
    assert_eq!(status(&grid, "/patrol").await, 200);
    assert_eq!(status(&zj, "/patrol").await, 403);
    for path in ["/patrol/board", "/patrol/weekly", "/patrol/monthly"] {
        assert_eq!(status(&grid, path).await, 403, "{path}");
        assert_eq!(status(&zj, path).await, 403, "{path}");
        assert_eq!(status(&op, path).await, 200, "{path}");
    }
    // Another township's week is not 青山镇's to read.
    assert_eq!(status(&op, "/patrol/weekly?township=370999009").await, 403);
    let (_, doc) = op.get("/api/v1/openapi.json").await;
    for p in [
        "/api/v1/patrols",
        "/api/v1/patrols/{id}/points",
        "/api/v1/patrols/{id}/findings",
        "/api/v1/patrols/analysis",
        "/api/v1/patrols/monthly",
        "/api/v1/patrols/minutes",
        "/api/v1/patrols/rules",
    ] {
        assert!(
            doc["paths"].get(p).is_some(),
            "{p} not in the OpenAPI document"
        );
    }
}
