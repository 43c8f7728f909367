//! The working calendar and the workflow settings through the API.

use super::*;

#[tokio::test]
async fn calendar_and_workflow_settings() {
    let s = demo_server().await.unwrap();
    let op = Api::login(&s, "qingshan_op").await;
    let admin = Api::login(&s, "admin").await;

    // Spring Festival 2026: 2026-02-14 (Saturday) is a make-up working day, 02-15..23 off.
    let (st, v) = op
        .get("/api/v1/calendar/due?from=2026-02-13T16:00&limit=5d")
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["due"], "2026-02-27T17:30+08:00");
    let (st, v) = op.get("/api/v1/calendar/due?from=yesterday&limit=5x").await;
    assert_eq!(st, 422);
    assert_eq!(fields(&v), ["from", "limit"]);
    let (st, v) = op.get("/api/v1/calendar/days?year=2026").await;
    assert_eq!(st, 200);
    let days = v["days"].as_array().unwrap();
    assert!(days
        .iter()
        .any(|d| d["date"] == "2026-02-17" && d["kind"] == "holiday"));
    assert!(days
        .iter()
        .all(|d| d["date"].as_str().unwrap().starts_with("2026-")));

    // Only a system administrator adds special days; bad rows are named.
    let csv = "date,kind,name\n2027-01-01,holiday,元旦\n";
    let r =
        op.c.post(s.url("/api/v1/calendar/days"))
            .header("x-csrf-token", &op.csrf)
            .body(csv)
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 403);
    let r = admin
        .c
        .post(s.url("/api/v1/calendar/days"))
        .header("x-csrf-token", &admin.csrf)
        .body("date,kind,name\n2027-13-01,holiday,x\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(fields(&v), ["date"]);
    let r = admin
        .c
        .post(s.url("/api/v1/calendar/days"))
        .header("x-csrf-token", &admin.csrf)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["days"], 1);
    assert!(v["years_covered"]
        .as_array()
        .unwrap()
        .contains(&json!(2027)));
    let (st, v) = admin
        .post(
            "/api/v1/calendar/days",
            json!({"days": [{"date": "2027-02-06", "kind": "班", "name": "春节调休"}]}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    let (_, v) = op.get("/api/v1/calendar/days?year=2027").await;
    assert_eq!(v["days"].as_array().unwrap().len(), 2);

    // Workflow settings: read by anyone, replaced by the administrator, checked by field.
    let (st, cfg) = op.get("/api/v1/workflow/config").await;
    assert_eq!(st, 200);
    assert_eq!(cfg["labels"]["call"], "呼叫");
    let r =
        op.c.put(s.url("/api/v1/workflow/config"))
            .header("x-csrf-token", &op.csrf)
            .json(&cfg)
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 403);
    let mut bad = cfg.clone();
    bad["scale"]["fail_from"] = json!(0);
    let r = admin
        .c
        .put(s.url("/api/v1/workflow/config"))
        .header("x-csrf-token", &admin.csrf)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(fields(&v), ["scale.fail_from"]);
    let mut good = cfg.clone();
    good["labels"]["call"] = json!("呼");
    good["verification_required"] = json!(true);
    let r = admin
        .c
        .put(s.url("/api/v1/workflow/config"))
        .header("x-csrf-token", &admin.csrf)
        .json(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, cfg) = op.get("/api/v1/workflow/config").await;
    assert_eq!(cfg["labels"]["call"], "呼");
    assert_eq!(cfg["verification_required"], true);

    // The OpenAPI document describes the event endpoints.
    let (st, doc) = op.get("/api/v1/openapi.json").await;
    assert_eq!(st, 200);
    for p in [
        "/api/v1/events",
        "/api/v1/events/{id}/commands",
        "/api/v1/photos",
        "/api/v1/inbox",
        "/api/v1/calendar/due",
        "/api/v1/workflow/config",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing from OpenAPI");
    }
    let desc = doc["paths"]["/api/v1/events/{id}/commands"]["post"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(desc.contains("request_return") && desc.contains("legal_basis"));
}
