//! Routing suggestions (issue #10): retrieval over the demo county's published list items,
//! the model trained on past dispatches, and the two API endpoints with their scope and
//! their handling of odd input.

use crate::events_api::Api;
use serde_json::{json, Value};
use std::sync::Arc;
use tiaokuai_app::routing::{ListIndexCache, Routing, RoutingSettings};
use tiaokuai_testkit::{demo_engine, demo_server};

fn settings(min_examples: usize) -> RoutingSettings {
    RoutingSettings {
        min_examples,
        ..Default::default()
    }
}

#[tokio::test]
async fn retrieval_finds_every_demo_item_from_its_own_wording() {
    let (engine, _fx) = demo_engine().await.unwrap();
    let routing = Routing::new(
        engine.clone(),
        Arc::new(ListIndexCache::default()),
        settings(usize::MAX),
    );
    let items: Vec<(String, String, String)> = engine
        .with_state(|st| {
            st.lists
                .items_at(st.lists.latest())
                .map(|i| (i.id.clone(), i.name.clone(), i.problem.clone()))
                .collect()
        })
        .await
        .unwrap();
    assert!(items.len() >= 5, "the demo lists have items");
    let mut misses = Vec::new();
    let mut first = 0;
    for (id, name, problem) in &items {
        let text = format!("{name}\n{problem}");
        let got = routing.suggest(&text, 3).await;
        assert!(got.len() <= 3);
        match got.iter().position(|s| &s.item == id) {
            Some(0) => first += 1,
            Some(_) => {}
            None => misses.push(format!(
                "{id} {name}: {:?}",
                got.iter().map(|s| &s.item).collect::<Vec<_>>()
            )),
        }
        if let Some(top) = got.first() {
            assert!(top.score > 0.0 && top.score <= 1.0, "{top:?}");
            assert_eq!(top.model, 0.0, "no model without dispatch history");
        }
    }
    assert!(misses.is_empty(), "not in the top 3: {misses:#?}");
    assert!(
        first * 10 >= items.len() * 9,
        "first for only {first} of {} items",
        items.len()
    );
    // The lead and co-units come from the item.
    let (id, name, _) = &items[0];
    let top = routing.suggest(name, 1).await;
    assert_eq!(&top[0].item, id);
    let lead = engine
        .with_state(|st| {
            st.lists
                .item_at(id, st.lists.latest())
                .and_then(|i| i.primary.first().cloned())
        })
        .await
        .unwrap();
    assert_eq!(top[0].lead.as_ref().map(|u| u.code.clone()), lead);
}

#[tokio::test]
async fn odd_texts_never_fail() {
    let (engine, _fx) = demo_engine().await.unwrap();
    let routing = Routing::new(
        engine.clone(),
        Arc::new(ListIndexCache::default()),
        settings(1),
    );
    // The demo's own dispatches train a model (however small).
    let info = routing.retrain().await.unwrap();
    for text in [
        String::new(),
        "   \n\t".into(),
        "😀🔥🏚️".into(),
        "扬尘".repeat(50_000),
        "<script>alert(1)</script>".into(),
        "\u{0}\u{feff}".into(),
    ] {
        let got = routing.suggest(&text, 5).await;
        assert!(got.len() <= 5);
        if text.trim().is_empty() {
            assert!(got.is_empty());
        }
        assert!(got.iter().all(|s| s.score.is_finite()));
    }
    assert!(routing.suggest("扬尘", 0).await.is_empty());
    assert!(routing.suggest("扬尘", 10_000).await.len() <= tiaokuai_app::routing::MAX_K);
    if let Some(info) = info {
        assert!(info.examples >= 1);
        assert_eq!(routing.model_info(), Some(info));
    }
}

#[tokio::test]
async fn the_api_suggests_for_texts_and_for_visible_events_only() {
    let s = demo_server().await.unwrap();
    let anon = reqwest::Client::new();
    let r = anon
        .post(s.url("/api/v1/route"))
        .json(&json!({"text": "工地扬尘"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    let grid = Api::login(&s, "grid_qs01").await;
    let (st, v) = grid
        .post(
            "/api/v1/route",
            json!({"text": "工地夜间施工扬尘，未洒水未覆盖", "k": 3}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let list = v["suggestions"].as_array().unwrap();
    assert!(!list.is_empty() && list.len() <= 3, "{v}");
    assert!(list[0]["item"].is_string() && list[0]["version"].is_u64());
    assert!(list[0]["score"].as_f64().unwrap() > 0.0);
    assert!(list[0]["reason"]["matched_words"].is_array());

    // Bad input: empty, huge, emoji, odd k — never an error; a body that is not the
    // request names the field.
    for (body, want) in [
        (json!({"text": ""}), Some(0)),
        (json!({"text": "   "}), Some(0)),
        (json!({"text": "扬尘".repeat(50_000), "k": 2}), None),
        (json!({"text": "😀😀 工地 🏗️ 扬尘"}), None),
        (json!({"text": "扬尘", "k": 0}), Some(0)),
        (json!({}), Some(0)),
    ] {
        let (st, v) = grid.post("/api/v1/route", body.clone()).await;
        assert_eq!(st, 200, "{body}: {v}");
        let n = v["suggestions"].as_array().unwrap().len();
        if let Some(want) = want {
            assert_eq!(n, want, "{v}");
        }
    }
    let (st, v) = grid
        .post("/api/v1/route", json!({"text": "扬尘", "k": 100000}))
        .await;
    assert_eq!(st, 200);
    assert!(v["suggestions"].as_array().unwrap().len() <= 20);
    for bad in [
        json!({"text": 12}),
        json!({"text": "x", "k": -1}),
        json!([1]),
    ] {
        let (st, v) = grid.post("/api/v1/route", bad.clone()).await;
        assert_eq!(st, 400, "{bad}: {v}");
        assert!(v["code"].is_string(), "{v}");
    }
    let r = grid
        .c
        .post(s.url("/api/v1/route"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    // An event: the township that reported it and the dispatcher get suggestions; another
    // township's operator gets 404, as for a missing event.
    let (st, v) = grid
        .post(
            "/api/v1/events",
            json!({
                "channel": "grid_report",
                "title": "工地夜间施工扬尘",
                "description": "王家庄村东侧工地夜间土方作业，未洒水未覆盖，扬尘严重。",
                "location": {"lon": 116.71, "lat": 36.61, "address": "王家庄村东"},
            }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let id = v["id"].as_u64().unwrap();
    let path = format!("/api/v1/events/{id}/suggestions?k=2");
    let (st, v) = grid.get(&path).await;
    assert_eq!(st, 200, "{v}");
    let list: &Vec<Value> = v["suggestions"].as_array().unwrap();
    assert!(!list.is_empty() && list.len() <= 2, "{v}");
    let op = Api::login(&s, "qingshan_op").await;
    let (st, _) = op.get(&path).await;
    assert_eq!(st, 200);
    let other = Api::login(&s, "chengguan_op").await;
    let (st, v) = other.get(&path).await;
    assert_eq!(st, 404, "{v}");
    let (st, _) = other.get("/api/v1/events/987654321/suggestions").await;
    assert_eq!(st, 404);
    let (st, _) = grid
        .get(&format!("/api/v1/events/{id}/suggestions?k=x"))
        .await;
    assert_eq!(st, 400);
    let r = anon.get(s.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), 401);
}

/// The current item named `name` (id, version, problem text).
async fn demo_item(engine: &tiaokuai_app::Engine, name: &str) -> (String, u32, String) {
    let name = name.to_string();
    engine
        .with_state(move |st| {
            let v = st.lists.latest();
            st.lists
                .items_at(v)
                .find(|i| i.name == name)
                .map(|i| (i.id.clone(), v, i.problem.clone()))
        })
        .await
        .unwrap()
        .expect("demo item")
}

/// The `<option …>` tag of `value` in `html`.
fn option_tag<'a>(html: &'a str, value: &str) -> &'a str {
    let start = html
        .find(&format!("<option value=\"{value}\""))
        .unwrap_or_else(|| panic!("no option {value}"));
    let end = html[start..].find('>').unwrap() + start;
    &html[start..=end]
}

#[tokio::test]
async fn the_dispatch_form_preselects_the_top_suggestion_and_the_report_form_offers_it() {
    let s = demo_server().await.unwrap();
    let (item, version, problem) = demo_item(&s.engine, "建筑工地扬尘").await;
    let op = s.engine.principal_of("qingshan_op").await.unwrap().unwrap();
    let id = s
        .engine
        .report_event(
            &op,
            tiaokuai_app::now_ms(),
            tiaokuai_testkit::township_call("建筑工地扬尘", &format!("{problem}，群众反映强烈。")),
        )
        .await
        .unwrap();
    let value = format!("{item}@{version}");

    let d = Api::login(&s, "dispatcher").await;
    let r =
        d.c.get(s.url(&format!("/events/{id}")))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"route-suggestions\""), "no suggestions");
    let form = &html[html.find("id=\"act-dispatch\"").expect("dispatch form")..];
    assert!(
        option_tag(form, &value).contains(" selected"),
        "{}",
        option_tag(form, &value)
    );
    assert!(option_tag(form, "D-ZJ").contains(" selected"), "lead");
    assert!(form.contains(&format!("name=\"suggested\" value=\"{value}\"")));
    // The dispatcher's choice wins: another item picked is what the form starts from.
    let not = item.clone();
    let other = s
        .engine
        .with_state(move |st| {
            st.lists
                .items_at(st.lists.latest())
                .find(|i| i.id != not && i.id.starts_with("territorial/"))
                .map(|i| i.id.clone())
        })
        .await
        .unwrap()
        .unwrap();
    let r =
        d.c.get(s.url(&format!("/events/{id}?item={other}")))
            .send()
            .await
            .unwrap();
    let html = r.text().await.unwrap();
    let form = &html[html.find("id=\"act-dispatch\"").unwrap()..];
    assert!(option_tag(form, &format!("{other}@{version}")).contains(" selected"));
    assert!(!option_tag(form, &value).contains(" selected"));

    // One click: the form as shown (the suggested item, its lead) is dispatched, and the
    // suggestion shown is recorded with it.
    let form = reqwest::multipart::Form::new()
        .text("csrf", d.csrf.clone())
        .text("item", value.clone())
        .text("lead", "D-ZJ")
        .text("suggested", value.clone());
    let r =
        d.c.post(s.url(&format!("/events/{id}/act/dispatch")))
            .multipart(form)
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 200, "{}", r.url());
    assert!(
        r.url().query().unwrap_or("").contains("done=dispatch"),
        "{}",
        r.url()
    );
    let suggested = s
        .engine
        .with_events(&[id], |st| st.events.event(id).unwrap().suggested.clone())
        .await
        .unwrap();
    assert_eq!(
        suggested.map(|r| format!("{}@{}", r.id, r.version)),
        Some(value.clone())
    );
    let admin = Api::login(&s, "admin").await;
    let r = admin.c.get(s.url("/admin/routing")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let table = &html[html.find("id=\"routing-weeks\"").expect("weekly table")..];
    assert!(table.contains("<td class=\"share\">100%</td>"), "{table}");
    let r = d.c.get(s.url("/admin/routing")).send().await.unwrap();
    assert_eq!(r.status(), 403, "dispatchers do not administer");

    // The township sees no dispatch form, so no suggestions.
    let township = Api::login(&s, "qingshan_op").await;
    let html = township
        .c
        .get(s.url(&format!("/events/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("id=\"route-suggestions\""));

    // The report form, without script: "suggest from the description" offers the item.
    let grid = Api::login(&s, "grid_qs01").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", grid.csrf.clone())
        .text("title", "工地扬尘")
        .text("description", problem.clone())
        .text("suggest_item", "1");
    let r = grid
        .c
        .post(s.url("/events/new"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = r.text().await.unwrap();
    let block = &html[html.find("id=\"route-suggest\"").expect("suggestion block")..];
    let block = &block[..block.find("</div>").unwrap()];
    assert!(!block.contains(" hidden"), "{block}");
    assert!(block.contains(&format!("value=\"{value}\"")), "{block}");
}

/// Reports a township call with `title`, and dispatches it citing `item` to its first
/// department.
async fn call_and_dispatch(
    engine: &tiaokuai_app::Engine,
    title: &str,
    item: &tiaokuai_core::events::ItemRef,
    lead: &str,
) -> u64 {
    use tiaokuai_core::events::EventCmd;
    let op = engine.principal_of("qingshan_op").await.unwrap().unwrap();
    let disp = engine.principal_of("dispatcher").await.unwrap().unwrap();
    let now = tiaokuai_app::now_ms();
    let id = engine
        .report_event(
            &op,
            now,
            tiaokuai_testkit::township_call(title, &format!("{title}，居民多次反映。")),
        )
        .await
        .unwrap();
    engine
        .act(
            &disp,
            now,
            EventCmd::Dispatch {
                event: id,
                item: Some(item.clone()),
                lead: lead.into(),
                co: vec![],
                override_reason: None,
                note: String::new(),
                suggested: None,
            },
        )
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn the_model_learns_from_dispatches_in_the_background() {
    use tiaokuai_core::events::ItemRef;
    let (engine, _fx) = demo_engine().await.unwrap();
    // Two items led by a department.
    let items: Vec<(ItemRef, String)> = engine
        .with_state(|st| {
            let v = st.lists.latest();
            st.lists
                .items_at(v)
                .filter_map(|i| {
                    let lead = i.primary.first()?;
                    (lead.starts_with("D-") && i.id.starts_with("territorial/")).then(|| {
                        (
                            ItemRef {
                                id: i.id.clone(),
                                version: v,
                            },
                            lead.clone(),
                        )
                    })
                })
                .take(2)
                .collect()
        })
        .await
        .unwrap();
    assert_eq!(items.len(), 2);
    let routing = Arc::new(Routing::new(
        engine.clone(),
        Arc::new(ListIndexCache::default()),
        RoutingSettings {
            retrain_after: 25,
            retrain_every_ms: 3_600_000,
            min_interval_ms: 0,
            min_examples: 8,
            ..Default::default()
        },
    ));
    routing.spawn();
    // Colloquial reports in words no list item uses.
    let mut ids = Vec::new();
    // 50 of each: the model then weighs about 0.4 (see `combine`).
    for n in 0..50 {
        let (a, lead_a) = &items[0];
        ids.push(
            call_and_dispatch(&engine, &format!("楼上邻居半夜咚咚响第{n}回"), a, lead_a).await,
        );
        let (b, lead_b) = &items[1];
        ids.push(
            call_and_dispatch(&engine, &format!("门口那条沟臭得不行第{n}回"), b, lead_b).await,
        );
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let info = loop {
        if let Some(i) = routing.model_info().filter(|i| i.examples >= 100) {
            break i;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no model after 100 dispatches: {:?}",
            routing.model_info()
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert!(info.items >= 2);
    let got = routing.suggest("楼上邻居半夜咚咚响", 3).await;
    let top = &got[0];
    assert_eq!(top.item, items[0].0.id, "{got:#?}");
    assert!(top.model > 0.5, "{top:?}");
    assert!(!top.reason.model_words.is_empty(), "{top:?}");
    assert!(
        top.reason.similar_events.iter().all(|e| ids.contains(e))
            && !top.reason.similar_events.is_empty(),
        "{top:?}"
    );
    let got = routing.suggest("沟里臭", 1).await;
    assert_eq!(got[0].item, items[1].0.id, "{got:#?}");
}
