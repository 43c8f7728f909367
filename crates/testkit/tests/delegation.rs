//! 赋权 over the JSON API and the pages on the demo county (SQLite, and PostgreSQL in CI):
//! usage counts equal the cases cited, a township orders a power from the menu and, once the
//! list adjustment is published, holds it; a round decides a recall that opens the adjustment.
//! Every refusal leaves the log as it was.

use crate::events_api::{log_len, Api};
use serde_json::{json, Value};
use tiaokuai_testkit::{demo_server, TestServer};

const QINGSHAN: &str = "370999001";
// The test demo's clock stands in November 2025: usage is asked from 2025 on.

async fn refused(s: &TestServer, who: &Api<'_>, path: &str, body: Value, status: u16) -> Value {
    let before = log_len(s).await;
    let (st, v) = who.post(path, body.clone()).await;
    assert_eq!(st.as_u16(), status, "{path} {body}: {v}");
    assert_eq!(log_len(s).await, before, "{path} {body} changed the log");
    v
}

fn code(v: &Value) -> String {
    v["reason"]
        .as_str()
        .or_else(|| v["errors"][0]["code"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// The usage row of the power whose name contains `name`.
async fn row(a: &Api<'_>, name: &str) -> Value {
    let (st, u) = a
        .get("/api/v1/delegation/usage?period=2025-01-01..2027-12-31")
        .await;
    assert_eq!(st, 200, "{u}");
    u["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"].as_str().unwrap().contains(name))
        .cloned()
        .unwrap_or_else(|| panic!("no delegated power {name}"))
}

fn cases_in(r: &Value, township: &str) -> u64 {
    r["townships"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t[0] == township)
        .map_or(0, |t| t[1].as_u64().unwrap())
}

#[tokio::test]
async fn usage_counts_the_cases_that_cite_a_power() {
    let s = demo_server().await.unwrap();
    let bb = Api::login(&s, "bianban").await;
    // The demo: two powers nobody used, others with cases.
    let (_, u) = bb
        .get("/api/v1/delegation/usage?period=2025-01-01..2027-12-31")
        .await;
    let rows = u["rows"].as_array().unwrap();
    let zero: Vec<&str> = rows
        .iter()
        .filter(|r| r["total"] == 0)
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(zero.iter().any(|n| n.contains("畜禽品种")), "{zero:?}");
    assert!(zero.iter().any(|n| n.contains("地质灾害")), "{zero:?}");
    assert!(rows.iter().any(|r| r["total"].as_u64().unwrap() > 0));

    // 青山镇 handles two cases under the 畜禽品种 power itself: the count follows.
    let before = row(&bb, "畜禽品种").await;
    assert_eq!(cases_in(&before, QINGSHAN), 0);
    let op = Api::login(&s, "qingshan_op").await;
    let (_, versions) = op.get("/api/v1/lists/versions").await;
    let version = versions.as_array().unwrap().last().unwrap()["version"].clone();
    for k in 0..2 {
        let (st, v) = op
            .post(
                "/api/v1/events",
                json!({
                    "channel": "manual",
                    "title": format!("销售未经审定畜禽品种 {k}"),
                    "description": "集市上有摊贩销售未经审定的畜禽品种",
                    "urgency": "normal",
                    "item": {"id": before["item_id"], "version": version},
                    "location": {"lon": 116.71, "lat": 36.61, "address": "王家庄村集市"},
                }),
            )
            .await;
        assert_eq!(st, 201, "{v}");
        let id = v["id"].as_u64().unwrap();
        let (st, v) = op
            .cmd(
                id,
                json!({"cmd": "self_close", "note": "镇综合执法队立案查处"}),
            )
            .await;
        assert_eq!(st, 200, "{v}");
    }
    let after = row(&bb, "畜禽品种").await;
    assert_eq!(cases_in(&after, QINGSHAN), 2, "{after}");
    assert_eq!(after["total"], 2);
    // By month: the same total, spread over the period's months.
    let (_, m) = bb
        .get("/api/v1/delegation/usage?period=2025-01-01..2027-12-31&by=month")
        .await;
    let per = &m["by_period"][after["item_id"].as_str().unwrap()];
    let sum: u64 = per
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(sum, 2, "{m}");
    let (st, v) = bb.get("/api/v1/delegation/usage?by=week").await;
    assert_eq!(st, 422, "{v}");
}

#[tokio::test]
async fn a_township_orders_a_power_and_holds_it_once_published() {
    let s = demo_server().await.unwrap();
    let op = Api::login(&s, "qingshan_op").await;
    let (_, b) = op.get("/api/v1/delegation/book").await;
    let menu: Vec<String> = b["book"]["menu"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["item_id"].as_str().unwrap().to_string())
        .collect();
    let bbq = row(&op, "露天烧烤").await;
    let item = bbq["item_id"].as_str().unwrap().to_string();
    assert!(menu.contains(&item), "{menu:?}");
    let order = |item: &str, staff: u32| {
        json!({"township": QINGSHAN, "item_id": item, "staff": staff,
               "qualifications": "2人持执法证", "reason": "镇驻地夜市烧烤多",
               "opinions": "县综合执法局：同意"})
    };
    // Not on the menu; too few staff; another township's operator; 编办 cannot order.
    let v = refused(
        &s,
        &op,
        "/api/v1/delegation/orders",
        order("territorial/1", 3),
        422,
    )
    .await;
    assert_eq!(code(&v), "delegation_not_on_menu", "{v}");
    let v = refused(&s, &op, "/api/v1/delegation/orders", order(&item, 1), 422).await;
    assert_eq!(code(&v), "delegation_too_few_staff", "{v}");
    let cg = Api::login(&s, "chengguan_op").await;
    let v = refused(&s, &cg, "/api/v1/delegation/orders", order(&item, 3), 403).await;
    assert_eq!(code(&v), "delegation_order_by_township", "{v}");
    let bb = Api::login(&s, "bianban").await;
    refused(&s, &bb, "/api/v1/delegation/orders", order(&item, 3), 403).await;

    let (st, v) = op.post("/api/v1/delegation/orders", order(&item, 3)).await;
    assert_eq!(st, 200, "{v}");
    let adj = v["adjustment"].as_u64().unwrap();
    // The same order again while the first is under review.
    let v = refused(&s, &op, "/api/v1/delegation/orders", order(&item, 3), 422).await;
    assert_eq!(code(&v), "delegation_order_pending", "{v}");
    let decide = |action: &str| json!({"action": action, "comment": "同意", "document_no": "青政发〔2026〕30号", "effective_date": "2026-12-01"});
    let path = format!("/api/v1/lists/adjustments/{adj}/decision");
    for (who, action) in [
        ("bianban", "establishment"),
        ("sifa", "justice"),
        ("leader", "approve"),
        ("bianban", "publish"),
    ] {
        let (st, v) = Api::login(&s, who).await.post(&path, decide(action)).await;
        assert_eq!(st, 200, "{who} {action}: {v}");
    }
    let after = row(&op, "露天烧烤").await;
    assert!(
        after["townships"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t[0] == QINGSHAN),
        "{after}"
    );
    // Now held: a second order is refused as already delegated.
    let v = refused(&s, &op, "/api/v1/delegation/orders", order(&item, 3), 422).await;
    assert_eq!(code(&v), "delegation_already_delegated", "{v}");
}

#[tokio::test]
async fn a_round_decides_and_the_recall_opens_an_adjustment() {
    let s = demo_server().await.unwrap();
    let bb = Api::login(&s, "bianban").await;
    let sifa = Api::login(&s, "sifa").await;
    let round = json!({"title": "2027年一季度评估", "method": "案卷评查", "from": "2026-01-01", "to": "2026-11-30"});
    let v = refused(&s, &sifa, "/api/v1/delegation/rounds", round.clone(), 403).await;
    assert_eq!(code(&v), "delegation_rounds_by_establishment", "{v}");
    let bad = json!({"title": "x", "method": "y", "from": "2026-11-30", "to": "2026-01-01"});
    refused(&s, &bb, "/api/v1/delegation/rounds", bad, 422).await;
    let (st, v) = bb.post("/api/v1/delegation/rounds", round).await;
    assert_eq!(st, 200, "{v}");
    let (_, b) = bb.get("/api/v1/delegation/book").await;
    let id = b["book"]["rounds"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.parse::<u64>().unwrap())
        .max()
        .unwrap();
    let fish = row(&bb, "禁渔区").await;
    let item = fish["item_id"].as_str().unwrap();
    let town = fish["townships"][0][0].as_str().unwrap().to_string();
    let recall = json!({"round": id, "item_id": item, "townships": [town],
        "receiving_unit": fish["department"], "effective_date": "2027-01-01"});
    // No recall decided yet.
    let v = refused(&s, &bb, "/api/v1/delegation/recalls", recall.clone(), 422).await;
    assert_eq!(code(&v), "delegation_no_recall_decision", "{v}");
    let results = format!("/api/v1/delegation/rounds/{id}/results");
    let no_reason = json!({"item_id": item, "decision": "recall"});
    refused(&s, &bb, &results, no_reason, 422).await;
    let (st, v) = bb
        .post(
            &results,
            json!({"item_id": item, "township": town, "decision": "recall",
                   "reason": "禁渔执法需船艇装备，镇街无力承接", "evidence": "座谈记录"}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = bb.post("/api/v1/delegation/recalls", recall.clone()).await;
    assert_eq!(st, 200, "{v}");
    let adj = v["adjustment"].as_u64().unwrap();
    let (st, a) = bb.get(&format!("/api/v1/lists/adjustments/{adj}")).await;
    if st == 200 {
        assert_eq!(a["app"]["item_id"], item, "{a}");
    }
    let v = refused(&s, &bb, "/api/v1/delegation/recalls", recall, 422).await;
    assert_eq!(code(&v), "delegation_recall_filed", "{v}");
    let (st, v) = bb
        .post(&format!("/api/v1/delegation/rounds/{id}/close"), json!({}))
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, _) = bb
        .post(&format!("/api/v1/delegation/rounds/{id}/close"), json!({}))
        .await;
    assert_eq!(st, 409);
}

#[tokio::test]
async fn the_pages_show_usage_menu_and_rounds() {
    let s = demo_server().await.unwrap();
    let html = |a: &Api<'_>, path: &str| {
        let req = a.c.get(s.url(path));
        async move {
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let bb = Api::login(&s, "bianban").await;
    let (st, body) = html(&bb, "/delegation?period=2025").await;
    assert_eq!(st, 200);
    assert!(
        body.contains("零办件") && body.contains("畜禽品种"),
        "{body}"
    );
    let (st, body) = html(&bb, "/delegation?by=quarter").await;
    assert_eq!(st, 200, "{body}");
    let (st, body) = html(&bb, "/delegation/rounds/1").await;
    assert_eq!(st, 200);
    assert!(
        body.contains("收回申请"),
        "the demo's recall is shown: {body}"
    );
    let op = Api::login(&s, "qingshan_op").await;
    let (st, body) = html(&op, "/delegation/menu").await;
    assert_eq!(st, 200);
    assert!(
        body.contains("提交点单") && !body.contains("menu-add"),
        "{body}"
    );
}
