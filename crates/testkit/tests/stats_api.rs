//! Statistics and assessment over the JSON API, on the demo county: the cube equals the events
//! in the read models, each role sees only its own units, bad questions name their field; an
//! appeal is decided and the score changes; a closed period does not move when the scheme does.

use crate::events_api::{fields, log_len, Api};
use serde_json::{json, Value};
use tiaokuai_testkit::demo_server;

/// The demo events are reported in November 2025.
const PERIOD: &str = "2025-11";

fn count(v: &Value) -> u64 {
    v.as_u64().unwrap_or_else(|| panic!("not a count: {v}"))
}

fn row_keys(v: &Value) -> Vec<String> {
    v["table"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["key"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_cube_counts_what_the_log_holds_and_each_role_sees_its_own() {
    let s = demo_server().await.unwrap();
    let (events, hops) = s
        .engine
        .with_state(|st| {
            let evs: Vec<_> = st.events.events.values().collect();
            (
                evs.len() as u64,
                evs.iter().map(|e| e.assignments.len() as u64).sum::<u64>(),
            )
        })
        .await
        .unwrap();
    assert!(events >= 5, "the demo has events");
    let leader = Api::login(&s, "leader").await;
    // Settled events leave memory (issue #9): the read models hold them all.
    let r = leader
        .c
        .get(s.url("/api/v1/events?limit=1"))
        .send()
        .await
        .unwrap();
    let events: u64 = r.headers()["x-total-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let (st, v) = leader
        .get(&format!(
            "/api/v1/stats?measures=events,hops,closure_rate,satisfaction_rate&period={PERIOD}"
        ))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(count(&v["table"]["total"][0]), events);
    assert_eq!(count(&v["table"]["total"][1]), hops);
    assert_eq!(v["period"], PERIOD);

    // By township × month: the cells add up to the total.
    let (st, v) = leader
        .get(&format!(
            "/api/v1/stats?rows=township&cols=month&measures=events&period={PERIOD}"
        ))
        .await;
    assert_eq!(st, 200, "{v}");
    let sum: u64 = v["table"]["row_totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| count(&r[0]))
        .sum();
    assert_eq!(sum, events);

    // Drill-down: the events behind the total are the events.
    let (st, d) = leader
        .get(&format!(
            "/api/v1/stats/events?measures=events&measure=events&period={PERIOD}"
        ))
        .await;
    assert_eq!(st, 200, "{d}");
    assert_eq!(count(&d["total"]), events);

    // A department sees the hops it received or sent (as lead of a joint matter, it grades
    // its co-departments), not the rest of the county; a township its own area only.
    let by_dept = format!("/api/v1/stats?rows=department&measures=hops&period={PERIOD}");
    let (_, all) = leader.get(&by_dept).await;
    let zj = Api::login(&s, "zhujian").await;
    let (st, v) = zj.get(&by_dept).await;
    assert_eq!(st, 200, "{v}");
    let mine = row_keys(&v);
    assert!(mine.contains(&"D-ZJ".to_string()), "{mine:?}");
    assert!(mine.len() < row_keys(&all).len(), "{mine:?}");
    let (_, sent) = zj.get(&format!("{by_dept}&filter=sender:D-ZJ")).await;
    for k in mine.iter().filter(|k| *k != "D-ZJ") {
        assert!(
            row_keys(&sent).contains(k),
            "{k} is neither received nor sent by 住建局"
        );
    }
    let qs = Api::login(&s, "qingshan_op").await;
    let (_, v) = qs
        .get(&format!(
            "/api/v1/stats?rows=township&measures=events&period={PERIOD}"
        ))
        .await;
    let keys = row_keys(&v);
    assert!(keys.iter().all(|k| k == "370999001"), "{keys:?}");

    // English labels on request.
    let (_, v) = leader
        .get(&format!(
            "/api/v1/stats?rows=channel&measures=events&period={PERIOD}&lang=en"
        ))
        .await;
    assert!(
        v["table"]["rows"][0]["label"].as_str().unwrap().is_ascii(),
        "{v}"
    );

    // Bad questions name the field and answer nothing else.
    let (st, v) = leader
        .get("/api/v1/stats?rows=planet&measures=events,happiness&period=2025-13")
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(fields(&v), vec!["rows", "measures", "period"]);
    let (st, v) = leader.get("/api/v1/stats/events?measures=events").await;
    assert_eq!(st, 422);
    assert_eq!(fields(&v), vec!["measure"]);
    // A period with no data answers with zeros and "—", not an error.
    let (st, v) = leader
        .get("/api/v1/stats?measures=events,satisfaction_rate&period=2020-01")
        .await;
    assert_eq!(st, 200);
    assert_eq!(v["table"]["total"], json!([0, null]));
    let (st, v) = leader.get("/api/v1/stats/dimensions").await;
    assert_eq!(st, 200);
    assert!(v["measures"].as_array().unwrap().len() > 40);
    let anon = reqwest::get(s.url("/api/v1/stats")).await.unwrap();
    assert_eq!(anon.status(), 401);
}

/// The first deduction line with an event in a unit's explanation: (indicator, event).
fn first_deduction(result: &Value) -> Option<(String, u64)> {
    fn walk(ind: &Value) -> Option<(String, u64)> {
        for l in ind["lines"].as_array().into_iter().flatten() {
            if l["points"].as_f64().unwrap_or(0.0) < 0.0 {
                if let Some(e) = l["events"][0].as_u64() {
                    return Some((ind["code"].as_str()?.to_string(), e));
                }
            }
        }
        ind["children"]
            .as_array()
            .into_iter()
            .flatten()
            .find_map(walk)
    }
    result["indicators"].as_array()?.iter().find_map(walk)
}

fn unit<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"] == code)
        .unwrap_or_else(|| panic!("{code} not in {v}"))
}

#[tokio::test]
async fn appeals_change_scores_and_closed_periods_stay_frozen() {
    let s = demo_server().await.unwrap();
    let path = format!("/api/v1/assessment/dept-monthly/{PERIOD}");
    let zj = Api::login(&s, "zhujian").await;
    let (st, v) = zj.get(&path).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["version"], 1);
    let mine = unit(&v, "D-ZJ");
    let before = mine["score"].as_f64().unwrap();
    let (indicator, event) =
        first_deduction(mine).expect("住建局 has a deduction in the demo month");
    // Another unit's explanation is not shown to 住建局.
    for r in v["results"].as_array().unwrap() {
        if r["unit"] != "D-ZJ" {
            assert_eq!(r["indicators"], json!([]), "{}", r["unit"]);
        }
    }

    // Appeal once; a second appeal of the same deduction is refused; others may not appeal it.
    let body = json!({"unit": "D-ZJ", "indicator": indicator, "event": event, "reason": "该事件系清单外派单，已按程序退回"});
    let (st, a) = zj.post(&format!("{path}/appeals"), body.clone()).await;
    assert_eq!(st, 200, "{a}");
    let appeal = a["seq"].as_u64().unwrap();
    let (st, _) = zj.post(&format!("{path}/appeals"), body.clone()).await;
    assert_eq!(st, 409);
    let zf = Api::login(&s, "zhifa").await;
    let (st, _) = zf.post(&format!("{path}/appeals"), body.clone()).await;
    assert_eq!(st, 403);
    let (st, v) = zj
        .post(&format!("{path}/appeals"), json!({"unit": "D-ZJ", "indicator": indicator, "event": event + 100_000, "reason": " "}))
        .await;
    assert_eq!((st.as_u16(), fields(&v)), (422, vec!["reason".to_string()]));

    // The department cannot decide; the reviewer removes the deduction and the score rises.
    let decision = format!("/api/v1/assessment/appeals/{appeal}/decision");
    let (st, _) = zj
        .post(&decision, json!({"remove": true, "note": "自己说了算"}))
        .await;
    assert_eq!(st, 403);
    let admin = Api::login(&s, "admin").await;
    // Closing is refused while the appeal waits.
    let (st, _) = admin.post(&format!("{path}/close"), json!({})).await;
    assert_eq!(st, 409);
    let bb = Api::login(&s, "bianban").await;
    let (st, d) = bb
        .post(
            &decision,
            json!({"remove": true, "note": "经核实，扣分撤销"}),
        )
        .await;
    assert_eq!(st, 200, "{d}");
    let (_, v) = zj.get(&path).await;
    let after = unit(&v, "D-ZJ")["score"].as_f64().unwrap();
    assert!(after > before, "{before} → {after}");
    assert_eq!(v["appeals"][0]["decision"]["remove"], true);

    // A scheme whose weights do not add up is refused and nothing changes.
    let (_, schemes) = admin.get("/api/v1/assessment/schemes").await;
    let mut scheme = schemes
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["scheme"]["id"] == "dept-monthly")
        .unwrap()["scheme"]
        .clone();
    let len = log_len(&s).await;
    scheme["full_score"] = json!(90);
    let (st, e) = admin
        .put("/api/v1/assessment/schemes/dept-monthly", scheme.clone())
        .await;
    assert_eq!(st, 422, "{e}");
    assert!(fields(&e).contains(&"indicators".to_string()), "{e}");
    assert_eq!(log_len(&s).await, len);
    let (st, _) = zj
        .put("/api/v1/assessment/schemes/dept-monthly", scheme.clone())
        .await;
    assert_eq!(st, 403);

    // Close the period (admin only), then change the scheme: the closed period keeps its
    // results and version; later appeals are refused.
    let (st, _) = zj.post(&format!("{path}/close"), json!({})).await;
    assert_eq!(st, 403);
    let (st, c) = admin.post(&format!("{path}/close"), json!({})).await;
    assert_eq!(st, 200, "{c}");
    let (_, frozen) = admin.get(&path).await;
    assert_eq!(frozen["closed"]["seq"], c["seq"]);
    scheme["full_score"] = json!(100);
    scheme["indicators"][4]["name"] = json!("工作创新与亮点(人工评分)");
    let (st, _) = admin
        .put("/api/v1/assessment/schemes/dept-monthly", scheme)
        .await;
    assert_eq!(st, 200);
    let (_, again) = admin.get(&path).await;
    assert_eq!(again["version"], 1);
    assert_eq!(again["results"], frozen["results"]);
    let (st, _) = zj.post(&format!("{path}/appeals"), body).await;
    assert_eq!(st, 409);
    let (st, _) = admin.post(&format!("{path}/close"), json!({})).await;
    assert_eq!(st, 409);
    // A period with no data cannot be closed.
    let (st, e) = admin
        .post("/api/v1/assessment/dept-monthly/2020-01/close", json!({}))
        .await;
    assert_eq!((st.as_u16(), fields(&e)), (422, vec!["period".to_string()]));
    // Manual scores: in range, by the administrator, with evidence.
    let manual = "/api/v1/assessment/dept-monthly/2025-12/manual";
    let (st, e) = admin
        .post(
            manual,
            json!({"unit": "D-ZJ", "indicator": "innovation", "score": 9, "evidence": "x"}),
        )
        .await;
    assert_eq!((st.as_u16(), fields(&e)), (422, vec!["score".to_string()]));
    let (st, _) = admin
        .post(manual, json!({"unit": "D-ZJ", "indicator": "innovation", "score": 2.5, "evidence": "城市体检经验在全市推广"}))
        .await;
    assert_eq!(st, 200);
}

/// The recent months are answered from memory: the answer follows every append at once and
/// equals the same question asked of the facts tables.
#[tokio::test]
async fn recent_statistics_follow_every_append_and_equal_the_database() {
    use tiaokuai_core::stats::{aggregate, Dim, Measure, Period, Query, Rules, Visibility};
    let s = demo_server().await.unwrap();
    let now = tiaokuai_app::now_ms();
    let month = Period::month_of(now);
    let q = Query {
        rows: Dim::Township,
        cols: Dim::Category(2),
        measures: vec![
            Measure::Events,
            Measure::Hops,
            Measure::ClosureRate,
            Measure::SignTimeP50,
        ],
        filters: vec![],
        from_ms: month.from_ms(),
        to_ms: month.to_ms(),
    };
    let leader = s.engine.principal_of("leader").await.unwrap().unwrap();
    let before = s.engine.stats(&leader, &q, true, now).await.unwrap();
    let grid = Api::login(&s, "grid_qs01").await;
    let (st, v) = grid
        .post(
            "/api/v1/events",
            json!({
                "channel": "grid_report",
                "title": "路灯不亮",
                "description": "王家庄村主干道三盏路灯夜间不亮。",
                "location": {"lon": 116.71, "lat": 36.61},
            }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let after = s.engine.stats(&leader, &q, true, now).await.unwrap();
    assert_eq!(
        count(&json!(after.total[0])),
        count(&json!(before.total[0])) + 1
    );
    // The same question over the facts read straight from the database.
    let (events, hops) = s
        .engine
        .store()
        .stat_facts(s.engine.county(), q.from_ms, q.to_ms)
        .await
        .unwrap();
    let look = s
        .engine
        .with_state(tiaokuai_app::stats::Lookup::of)
        .await
        .unwrap();
    let rules = Rules {
        satisfied_below: look.satisfied_below,
        now_ms: now,
    };
    let direct = aggregate(&q, &look.ctx(), &rules, &Visibility::All, &events, &hops);
    assert_eq!(after, direct);
}
