use serde_json::{json, Value};
use tiaokuai_testkit::{demo_server, TestServer};

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A client logged in through the API as `user` (demo password) and its CSRF token.
pub(crate) async fn login(s: &TestServer, user: &str) -> (reqwest::Client, String) {
    login_with(s, user, "tiaokuai2026").await
}

async fn login_with(s: &TestServer, user: &str, password: &str) -> (reqwest::Client, String) {
    let c = client();
    let r = c
        .post(s.url("/api/v1/session"))
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "login {user}");
    let v: Value = r.json().await.unwrap();
    (c, v["csrf"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn login_grants_and_denials() {
    let s = demo_server().await.unwrap();
    let c = client();
    let r = c
        .post(s.url("/api/v1/session"))
        .json(&json!({"username": "admin", "password": "wrong-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        c.get(s.url("/api/v1/me")).send().await.unwrap().status(),
        401
    );
    // Malformed bodies name the problem.
    let r = c
        .post(s.url("/api/v1/session"))
        .header("content-type", "application/json")
        .body(r#"{"username":"admin"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["message"].as_str().unwrap().contains("password"), "{v}");

    let (admin, csrf) = login(&s, "admin").await;
    let me: Value = admin
        .get(s.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["roles"][0], "system_admin@370999");
    // State-changing calls need the CSRF header.
    let body = json!({"username": "wangwei", "name": "王伟", "unit": "D-ZJ", "password": "longenough1", "roles": ["department_handler@D-ZJ"]});
    let r = admin
        .post(s.url("/api/v1/people"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = admin
        .post(s.url("/api/v1/people"))
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    // Duplicate → conflict; bad unit and bad scope → 422 naming the fields.
    let r = admin
        .post(s.url("/api/v1/people"))
        .header("x-csrf-token", &csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let bad = json!({"username": "li", "name": "李", "unit": "NOPE", "roles": ["county_dispatcher@D-ZJ"]});
    let r = admin
        .post(s.url("/api/v1/people"))
        .header("x-csrf-token", &csrf)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    let fields: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"unit"), "{v}");
    let bad_role =
        json!({"username": "li", "name": "李", "unit": "D-ZJ", "roles": ["astronaut@D-ZJ"]});
    let r = admin
        .post(s.url("/api/v1/people"))
        .header("x-csrf-token", &csrf)
        .json(&bad_role)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("roles[0]"));
    // The new person can log in.
    let _ = login_with(&s, "wangwei", "longenough1").await;

    // A grid worker may not add people or read raw log entries.
    let (gw, gw_csrf) = login(&s, "grid_qs01").await;
    let r = gw
        .post(s.url("/api/v1/people"))
        .header("x-csrf-token", &gw_csrf)
        .json(&json!({"username": "x1", "name": "x", "unit": "D-ZJ"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(
        gw.get(s.url("/api/v1/log/entries"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        gw.get(s.url("/admin/people"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        gw.get(s.url("/audit/log")).send().await.unwrap().status(),
        403
    );
    assert_eq!(
        admin
            .get(s.url("/audit/log"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let cp: Value = admin
        .get(s.url("/api/v1/log/checkpoint"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let from = cp["size"].as_u64().unwrap() - 40;
    let entries: Value = admin
        .get(s.url(&format!("/api/v1/log/entries?from={from}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pw = entries
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "org.person.password")
        .unwrap();
    assert!(pw["payload"].as_str().unwrap().contains("[redacted]"));
}

#[tokio::test]
async fn contacts_are_scoped_to_the_viewer() {
    let s = demo_server().await.unwrap();
    let (op, _) = login(&s, "qingshan_op").await;
    let village: Value = op
        .get(s.url("/api/v1/people?unit=370999001001"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(village
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["phone"].is_string()));
    let dept: Value = op
        .get(s.url("/api/v1/people?unit=D-ZJ"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!dept.as_array().unwrap().is_empty());
    assert!(dept
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["phone"].is_null()));
    let (disp, _) = login(&s, "dispatcher").await;
    let dept: Value = disp
        .get(s.url("/api/v1/people?unit=D-ZJ"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(dept
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["phone"].is_string()));
    // Unit lookup by any of its names.
    let u: Value = op
        .get(s.url("/api/v1/units/县住建局"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(u["code"], "D-ZJ");
    let grids: Value = op
        .get(s.url("/api/v1/grids"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(grids.as_array().unwrap().len() >= 300);
}

#[tokio::test]
async fn log_proofs_over_http_verify() {
    let s = demo_server().await.unwrap();
    let (c, _) = login(&s, "jiwei").await;
    let cp: Value = c
        .get(s.url("/api/v1/log/checkpoint"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let size = cp["size"].as_u64().unwrap();
    let root = tiaokuai_log::merkle::parse_hash(cp["root"].as_str().unwrap()).unwrap();
    let p: Value = c
        .get(s.url("/api/v1/log/proof/inclusion?seq=7"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let hashes = |v: &Value| -> Vec<[u8; 32]> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|h| tiaokuai_log::merkle::parse_hash(h.as_str().unwrap()).unwrap())
            .collect()
    };
    let leaf = tiaokuai_log::merkle::parse_hash(p["leaf_hash"].as_str().unwrap()).unwrap();
    assert!(tiaokuai_log::merkle::verify_inclusion(
        7,
        size,
        &leaf,
        &hashes(&p["proof"]),
        &root
    ));
    let q: Value = c
        .get(s.url("/api/v1/log/proof/consistency?old=100"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let old_root = tiaokuai_log::merkle::parse_hash(q["old_root"].as_str().unwrap()).unwrap();
    assert!(tiaokuai_log::merkle::verify_consistency(
        100,
        size,
        &old_root,
        &root,
        &hashes(&q["proof"])
    ));
    let r = c
        .get(s.url("/api/v1/log/proof/inclusion?seq=999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .get(s.url("/api/v1/log/proof/inclusion?seq=abc"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn service_endpoints_and_page_protections() {
    let s = demo_server().await.unwrap();
    let c = client();
    let spec: Value = c
        .get(s.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(spec["paths"]["/api/v1/people"].is_object());
    let h: Value = c
        .get(s.url("/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h["status"], "ok");
    let m = c
        .get(s.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(m.contains("tiaokuai_log_entries"), "{m}");
    // Pages redirect to login; the login form rejects a post without its CSRF token.
    let r = c.get(s.url("/org")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'self'"));
    let r = c
        .post(s.url("/login"))
        .form(&[
            ("username", "admin"),
            ("password", "tiaokuai2026"),
            ("csrf", "forged"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r
        .headers()
        .get("set-cookie")
        .map(|v| !v.to_str().unwrap().contains("tk_session="))
        .unwrap_or(true));
    // Rate limiting: the 11th wrong attempt within a minute is refused outright.
    let mut last = 0;
    for _ in 0..12 {
        last = c
            .post(s.url("/api/v1/session"))
            .json(&json!({"username": "leader", "password": "nope-nope"}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
    // Unknown API routes answer JSON.
    let r = c.get(s.url("/api/v1/nothing")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["code"], "not_found");
}
