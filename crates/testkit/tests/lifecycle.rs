//! Operations: queued appends committed by `flush` (what shutdown waits for), request ids in
//! responses, readiness, and an upload checked on one server and confirmed on another over the
//! same database.

use tiaokuai_app::{demo, Actor, Engine};
use tiaokuai_server::{AppState, ServerConfig};
use tiaokuai_testkit::{demo_engine, demo_server, test_signer};

#[tokio::test]
async fn flush_waits_for_every_append_queued_before_it() {
    let (engine, _fx) = demo_engine().await.unwrap();
    let before = engine.store().log_size(engine.county()).await.unwrap();
    let actor = Actor::system("test");
    let mut subs: Vec<_> = (0..20)
        .map(|i| {
            Box::pin(engine.submit(
                &actor,
                1_763_800_000_000 + i,
                vec![crate::log::phone_change(i as usize)],
            ))
        })
        .collect();
    // Each submit queues its append on its first poll; none is awaited yet.
    for s in subs.iter_mut() {
        assert!(futures::poll!(s.as_mut()).is_pending());
    }
    engine.flush().await.unwrap();
    let after = engine.store().log_size(engine.county()).await.unwrap();
    assert_eq!(
        after,
        before + 20,
        "flush returned before the queued appends"
    );
    for s in subs {
        s.await.unwrap();
    }
}

#[tokio::test]
async fn request_ids_are_echoed_and_readiness_follows_shutdown() {
    // That log lines carry the id is tested on a real process (the CLI's lifecycle test):
    // a per-test log capture races with the other tests' threads here.
    let (engine, _fx) = demo_engine().await.unwrap();
    let state = AppState::new(engine, ServerConfig::default());
    let stopping = state.stopping.clone();
    let addr = tiaokuai_server::spawn_local(state).await.unwrap();
    let c = reqwest::Client::new();
    let r = c
        .get(format!("http://{addr}/readyz"))
        .header("x-request-id", "req-from-the-proxy-42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-request-id"], "req-from-the-proxy-42");
    let r = c
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap();
    let made = r.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(made.len(), 16, "a made id: {made}");
    stopping.cancel();
    let r = c.get(format!("http://{addr}/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 503, "not ready once shutdown began");
    assert_eq!(
        c.get(format!("http://{addr}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "still alive"
    );
}

#[tokio::test]
async fn an_upload_checked_on_one_server_is_confirmed_on_another() {
    let a = demo_server().await.unwrap();
    let store_b = tiaokuai_store::Store::connect(&a.fixture.url)
        .await
        .unwrap();
    let engine_b = Engine::start(store_b, demo::COUNTY, test_signer())
        .await
        .unwrap();
    let b = tiaokuai_server::spawn_local(AppState::new(engine_b.clone(), ServerConfig::default()))
        .await
        .unwrap();
    let (c, csrf) = crate::api::login(&a, "bianban").await;
    let bytes = std::fs::read(crate::lists::demo_list("属地管理事项清单.xlsx")).unwrap();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name("属地.xlsx"),
    );
    let html = c
        .post(a.url(&format!("/lists/upload?csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let Some(token) = html
        .split("name=\"token\" value=\"")
        .nth(1)
        .and_then(|t| t.split('"').next())
        .filter(|t| !t.is_empty())
    else {
        panic!("the check shows a confirm form:\n{html}");
    };
    let confirm = |base: String| {
        let c = c.clone();
        let (csrf, token) = (csrf.clone(), token.to_string());
        async move {
            c.post(format!("{base}/lists/upload/confirm"))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("token", token.as_str()),
                    ("effective_date", "2026-12-01"),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let r = confirm(format!("http://{b}")).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    // The demo county already has this workbook, so nothing changes; the point is that B
    // found the file that A checked.
    assert!(
        html.contains("upload-notice") && html.contains("Nothing changed"),
        "{html}"
    );
    a.engine.sync().await.unwrap();
    assert_eq!(
        a.engine.with_state(|s| s.lists.latest()).await.unwrap(),
        engine_b.with_state(|s| s.lists.latest()).await.unwrap()
    );
    // Confirmed once: the staged file is gone on both servers.
    assert_eq!(confirm(a.url("")).await.status(), 404);
}
