//! The statistics and assessment pages over HTTP: the explorer and its drill-down and export,
//! query-string errors naming their field, the dashboard's drill links, scorecards, an appeal
//! decided by 编办 that changes the score, the scheme editor and closing a period.

use serde_json::{json, Value};
use tiaokuai_app::now_ms;
use tiaokuai_core::events::EventCmd;
use tiaokuai_core::stats::Period;
use tiaokuai_testkit::{demo_server, TestServer};

struct User {
    c: reqwest::Client,
    csrf: String,
}

async fn login(s: &TestServer, user: &str) -> User {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = c
        .post(s.url("/api/v1/session"))
        .json(&json!({"username": user, "password": "tiaokuai2026"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "login {user}");
    let v: Value = r.json().await.unwrap();
    User {
        c,
        csrf: v["csrf"].as_str().unwrap().to_string(),
    }
}

async fn get(s: &TestServer, u: &User, path: &str) -> (u16, String) {
    let r = u.c.get(s.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Posts a form; returns the status and the redirect target.
async fn post(s: &TestServer, u: &User, path: &str, f: &[(&str, &str)]) -> (u16, String, String) {
    let mut f: Vec<(String, String)> = f
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    f.push(("csrf".into(), u.csrf.clone()));
    let r = u.c.post(s.url(path)).form(&f).send().await.unwrap();
    let loc = r
        .headers()
        .get("location")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("")
        .to_string();
    (r.status().as_u16(), loc, r.text().await.unwrap())
}

/// The demo event titled `title`, and the month it was reported in.
async fn event(s: &TestServer, title: &str) -> (u64, String) {
    let t = title.to_string();
    s.engine
        .with_state(move |st| {
            st.events
                .events
                .values()
                .find(|e| e.facts.title == t)
                .map(|e| (e.id, Period::month_of(e.created_ms).name))
        })
        .await
        .unwrap()
        .unwrap()
}

/// The township grades 住建's answer on 工地渣土未覆盖 不满意: a deduction for 住建.
async fn unsatisfied(s: &TestServer) -> (u64, String) {
    let (id, month) = event(s, "工地渣土未覆盖").await;
    let op = s.engine.principal_of("qingshan_op").await.unwrap().unwrap();
    s.engine
        .act(
            &op,
            now_ms(),
            EventCmd::Evaluate {
                event: id,
                assignment: 1,
                level: 2,
                reason: "渣土仍未覆盖".into(),
            },
        )
        .await
        .unwrap();
    (id, month)
}

#[tokio::test]
async fn explorer_drill_export_and_errors() {
    let s = demo_server().await.unwrap();
    let (id, month) = event(&s, "工地渣土未覆盖").await;
    let leader = login(&s, "leader").await;
    let q = format!("rows=township&cols=month&m=events&m=satisfaction_rate&period={month}");
    let (st, body) = get(&s, &leader, &format!("/stats?{q}")).await;
    assert_eq!(st, 200, "{body}");
    assert!(body.contains("id=\"stats-table\""), "{body}");
    assert!(body.contains("<th>青山</th>"), "{body}");
    let href = body
        .split("class=\"cell\" href=\"")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .expect("a count cell links to its events")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let (st, drill) = get(&s, &leader, &href).await;
    assert_eq!(st, 200, "{drill}");
    assert!(drill.contains("id=\"drill-table\""), "{drill}");
    let (st, all) = get(
        &s,
        &leader,
        &format!("/stats/events?rows=all&cols=all&period={month}&r=&c=&dm=events"),
    )
    .await;
    assert_eq!(st, 200);
    assert!(all.contains(&format!("/events/{id}")), "{all}");

    let r = leader
        .c
        .get(s.url(&format!("/stats/export.xlsx?{q}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    assert_eq!(&r.bytes().await.unwrap()[..2], b"PK");

    let (st, body) = get(&s, &leader, "/stats?rows=planet&period=soon").await;
    assert_eq!(st, 422);
    assert!(body.contains("data-field=\"rows\""), "{body}");
    assert!(body.contains("data-field=\"period\""), "{body}");

    let (st, body) = get(&s, &leader, &format!("/stats/dashboard?month={month}")).await;
    assert_eq!(st, 200, "{body}");
    for id in [
        "trend-events",
        "rank-departments",
        "rank-townships",
        "hot-categories",
    ] {
        assert!(body.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(
        body.contains("class=\"bar-link\" href=\"/stats/events?"),
        "{body}"
    );
    assert!(body.contains("path class=\"grid shaded\""));
    let (st, body) = get(
        &s,
        &leader,
        &format!("/stats/dashboard?month={month}&map=satisfaction_rate&rank=response_rate"),
    )
    .await;
    assert_eq!(st, 200);
    assert!(body.contains("dm=satisfaction_rate"), "{body}");
    assert_eq!(
        get(&s, &leader, "/stats/dashboard?map=sign_time_p50")
            .await
            .0,
        400
    );

    // English labels from the catalogue.
    get(&s, &leader, "/lang/en").await;
    let (st, body) = get(&s, &leader, &format!("/stats?{q}")).await;
    assert_eq!(st, 200);
    assert!(
        body.contains("Satisfaction rate") && body.contains(">Statistics<"),
        "{body}"
    );
    let (st, body) = get(&s, &leader, &format!("/stats/dashboard?month={month}")).await;
    assert_eq!(st, 200);
    assert!(body.contains("Hot categories"), "{body}");
    let (st, body) = get(&s, &leader, &format!("/assessment/town-monthly/{month}")).await;
    assert_eq!(st, 200);
    assert!(body.contains("Ranking"), "{body}");

    let grid = login(&s, "grid_qs01").await;
    assert_eq!(get(&s, &grid, "/stats").await.0, 403);
    assert_eq!(get(&s, &grid, "/assessment").await.0, 403);
}

#[tokio::test]
async fn appeal_decide_scheme_edit_and_close() {
    let s = demo_server().await.unwrap();
    let (id, month) = unsatisfied(&s).await;
    let card = format!("/assessment/dept-monthly/{month}/D-ZJ");

    let zj = login(&s, "zhujian").await;
    let (st, body) = get(&s, &zj, &card).await;
    assert_eq!(st, 200, "{body}");
    assert!(
        body.contains("form method=\"post\" action=\"/assessment/act/appeal\""),
        "{body}"
    );
    let score = |b: &str| {
        b.split("class=\"score\">")
            .nth(1)
            .and_then(|x| x.split('<').next())
            .unwrap()
            .to_string()
    };
    let before = score(&body);
    let ev = id.to_string();
    let appeal = [
        ("scheme", "dept-monthly"),
        ("period", month.as_str()),
        ("unit", "D-ZJ"),
        ("indicator", "sat_township"),
        ("event", ev.as_str()),
        ("reason", "群众诉求已办结，属二次投诉"),
        ("back", card.as_str()),
    ];
    let (st, loc, _) = post(&s, &zj, "/assessment/act/appeal", &appeal).await;
    assert_eq!(st, 303);
    assert!(loc.ends_with("done=appealed"), "{loc}");
    // Once only.
    let (_, loc, _) = post(&s, &zj, "/assessment/act/appeal", &appeal).await;
    assert!(loc.contains("err="), "{loc}");
    // The department may not decide; 编办 may.
    let aid = s
        .engine
        .with_state(|st| st.assessment.appeals.keys().next().copied())
        .await
        .unwrap()
        .unwrap()
        .to_string();
    let decide = [
        ("id", aid.as_str()),
        ("remove", "yes"),
        ("note", "核实属实"),
        ("back", card.as_str()),
    ];
    let (_, loc, _) = post(&s, &zj, "/assessment/act/decide", &decide).await;
    assert!(loc.contains("err="), "{loc}");
    let bb = login(&s, "bianban").await;
    let (st, body) = get(&s, &bb, &format!("/assessment/dept-monthly/{month}")).await;
    assert_eq!(st, 200);
    assert!(body.contains(&format!("id=\"appeal-{aid}\"")), "{body}");
    let (_, loc, _) = post(&s, &bb, "/assessment/act/decide", &decide).await;
    assert!(loc.ends_with("done=decided"), "{loc}");
    let (_, body) = get(&s, &zj, &card).await;
    assert_ne!(
        score(&body),
        before,
        "the score changes once the deduction is removed"
    );

    // Scheme editor: bad JSON, then an unsound scheme, then a valid change → version 2.
    let admin = login(&s, "admin").await;
    assert_eq!(
        get(&s, &zj, "/assessment/schemes/dept-monthly").await.0,
        403
    );
    let (st, body) = get(&s, &admin, "/assessment/schemes/dept-monthly").await;
    assert_eq!(st, 200);
    let (st, _, body2) = post(
        &s,
        &admin,
        "/assessment/schemes/dept-monthly",
        &[("json", "{ oops")],
    )
    .await;
    assert_eq!(st, 422);
    assert!(body2.contains("第 1 行"), "{body2}");
    let json = body
        .split("id=\"scheme-json\" class=\"json\" spellcheck=\"false\">")
        .nth(1)
        .and_then(|x| x.split("</textarea>").next())
        .unwrap()
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'");
    let bad = json.replacen("\"weight\": 8.0", "\"weight\": 9.0", 1);
    assert_ne!(bad, json, "{json}");
    let (st, _, body3) = post(
        &s,
        &admin,
        "/assessment/schemes/dept-monthly",
        &[("json", &bad)],
    )
    .await;
    assert_eq!(st, 422);
    assert!(body3.contains("指标 respond"), "{body3}");
    let good = json.replacen("县直部门月度履职考评", "县直部门月度履职考评（修订）", 1);
    let (st, loc, _) = post(
        &s,
        &admin,
        "/assessment/schemes/dept-monthly",
        &[("json", &good)],
    )
    .await;
    assert_eq!(st, 303, "{loc}");
    let (_, body) = get(&s, &admin, "/assessment/schemes/dept-monthly").await;
    assert!(body.contains("版本 2"), "{body}");

    // Closing freezes the period: the banner names the log entry, appeal forms are gone.
    let (_, loc, _) = post(
        &s,
        &admin,
        "/assessment/act/close",
        &[("scheme", "dept-monthly"), ("period", month.as_str())],
    )
    .await;
    assert!(loc.ends_with("done=closed"), "{loc}");
    let (_, body) = get(&s, &zj, &card).await;
    assert!(body.contains("id=\"closed-banner\""), "{body}");
    assert!(body.contains("日志条目"), "{body}");
    assert!(!body.contains("/assessment/act/appeal"));
    let (st, report) = get(
        &s,
        &admin,
        &format!("/assessment/dept-monthly/{month}/report"),
    )
    .await;
    assert_eq!(st, 200);
    assert!(report.contains("情况通报"));
    let r = admin
        .c
        .get(s.url(&format!("/assessment/dept-monthly/{month}/export.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    // A township operator reads its own scorecard, not 住建's explanation.
    let qs = login(&s, "qingshan_op").await;
    let (st, _) = get(&s, &qs, "/assessment/mine").await;
    assert_eq!(st, 303);
    assert_eq!(get(&s, &qs, &card).await.0, 403);
}
