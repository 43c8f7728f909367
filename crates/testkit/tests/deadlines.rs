//! The deadline that heads an event page: a receiving unit's staff see their own hop's, the
//! others the event's governing one; and a hop is not flagged the moment it is created.

use crate::events_api::Api;
use serde_json::json;
use tiaokuai_core::events::{EventBook, Flag};
use tiaokuai_testkit::demo_server;

/// The text of the `#event-due` header on the event page, as `user` sees it.
async fn header_due(api: &Api<'_>, id: u64) -> String {
    let (st, v) = api.get(&format!("/events/{id}")).await;
    assert_eq!(st, 200);
    let html = v.as_str().unwrap().to_string();
    let start = html
        .find("id=\"event-due\">")
        .expect("a deadline heads the page")
        + 15;
    let end = start + html[start..].find("</span>").unwrap();
    html[start..end].to_string()
}

#[tokio::test]
async fn the_header_shows_the_viewers_own_deadline() {
    let s = demo_server().await.unwrap();
    let op = Api::login(&s, "qingshan_op").await;
    let disp = Api::login(&s, "dispatcher").await;
    let zj = Api::login(&s, "zhujian").await;
    let zf = Api::login(&s, "zhifa").await;
    let (st, v) = op
        .post(
            "/api/v1/events",
            json!({
                "channel": "township_call", "title": "工地夜间施工扬尘",
                "description": "王家庄村东侧工地夜间土方作业，扬尘严重。", "urgency": "normal",
                "location": {"lon": 116.71, "lat": 36.61, "address": "王家庄村东"}, "call": true,
            }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let id = v["id"].as_u64().unwrap();
    let dispatch = json!({"cmd": "dispatch", "lead": "D-ZJ", "co": ["D-ZF"],
        "override_reason": "测试：住建局牵头，综合执法局配合"});
    let (st, v) = disp.cmd(id, dispatch).await;
    assert_eq!(st, 200, "{v}");
    // Fresh hops are not flagged, at the moment they are created or on the page.
    let (a1, a2, created) = s
        .engine
        .with_state(|st| {
            let e = st.events.event(id).unwrap();
            let a = e.assignments.clone();
            let created = a[0].dispatched_ms;
            assert_eq!(st.events.flag(&a[0], created), Flag::None);
            assert_eq!(st.events.flag(&a[1], created), Flag::None);
            (a[0].clone(), a[1].clone(), created)
        })
        .await
        .unwrap();
    assert_eq!(a1.receiver_unit, "D-ZJ");
    assert_eq!(a2.receiver_unit, "D-ZF");
    assert!(a1.dispatched_ms >= created);
    let (st, v) = zj.cmd(id, json!({"cmd": "sign", "assignment": 1})).await;
    assert_eq!(st, 200, "{v}");
    let (respond, sign) = s
        .engine
        .with_state(|st| {
            let e = st.events.event(id).unwrap();
            (
                EventBook::current_deadline(&e.assignments[0]).unwrap(),
                EventBook::current_deadline(&e.assignments[1]).unwrap(),
            )
        })
        .await
        .unwrap();
    let at = |ms: i64| tiaokuai_app::cst::format_ms(ms)[..16].to_string();
    // 住建局 signed: its own response deadline, not the co-unit's signing deadline.
    let h = header_due(&zj, id).await;
    assert!(h.contains(&at(respond)), "{h}");
    assert!(!h.contains("预警"), "{h}");
    // 综合执法局 sees its own signing deadline.
    let h = header_due(&zf, id).await;
    assert!(h.contains(&at(sign)), "{h}");
    // Others (the township) see the lead hop's.
    let h = header_due(&op, id).await;
    assert!(h.contains(&at(respond)), "{h}");
}
