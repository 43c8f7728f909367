//! 乡镇派单 over the JSON API: the township command room assigns its own event to the 派出所
//! stationed in it, which signs, responds and reports back; the township grades and closes.
//! Assigning outside the township, by the wrong role, grading by the county and signing by
//! another township's stationed unit are refused and leave the log as it was.

use crate::events_api::{fields, has_item, log_len, Api};
use serde_json::{json, Value};
use tiaokuai_app::{now_ms, Actor};
use tiaokuai_testkit::{demo_server, TestServer};

/// 青山镇 and its 派出所; 柳林镇's 派出所 (another township); a county department.
const QINGSHAN_PCS: &str = "D-GA-PCS-001";
const LIULIN_PCS: &str = "D-GA-PCS-002";

/// A grid worker's report in 青山镇 (a draft for the township).
async fn report(grid: &Api<'_>) -> u64 {
    let (st, v) = grid
        .post(
            "/api/v1/events",
            json!({
                "channel": "grid_report",
                "title": "村民宅基地边界纠纷",
                "description": "两户村民因宅基地边界发生争吵。",
                "location": {"lon": 116.71, "lat": 36.61, "address": "王家庄村"},
            }),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    v["id"].as_u64().unwrap()
}

/// `cmd` by `who` is refused with `status`, and the log does not grow.
async fn refused(s: &TestServer, who: &Api<'_>, id: u64, cmd: Value, status: u16) -> Value {
    let before = log_len(s).await;
    let (st, v) = who.cmd(id, cmd.clone()).await;
    assert_eq!(st.as_u16(), status, "{cmd}: {v}");
    assert_eq!(log_len(s).await, before, "{cmd} changed the log");
    v
}

#[tokio::test]
async fn township_assigns_its_police_station_which_handles_it_and_is_graded_by_the_township() {
    let s = demo_server().await.unwrap();
    // Someone at 柳林镇's 派出所, to try signing for 青山's work.
    s.engine
        .set_password(
            &Actor::system("test"),
            now_ms(),
            "h_d_ga_pcs_002",
            "tiaokuai2026",
        )
        .await
        .unwrap();
    let grid = Api::login(&s, "grid_qs01").await;
    let op = Api::login(&s, "qingshan_op").await;
    let disp = Api::login(&s, "dispatcher").await;
    let zj = Api::login(&s, "zhujian").await;
    let pcs = Api::login(&s, "paichusuo_qs").await;
    let pcs2 = Api::login(&s, "h_d_ga_pcs_002").await;
    let id = report(&grid).await;

    // Denials: another township's 派出所, a county department, the township itself (422);
    // a department handler or the command centre assigning (403). The log is unchanged.
    let assign = |unit: &str| json!({"cmd": "assign", "unit": unit, "note": "请到场处置"});
    for unit in [LIULIN_PCS, "D-ZJ", "370999001"] {
        let v = refused(&s, &op, id, assign(unit), 422).await;
        assert_eq!(fields(&v), ["unit"], "{v}");
    }
    // 住建局 and the 派出所 (no hop yet) may not read the draft: 404, as for a missing event.
    refused(&s, &zj, id, assign(QINGSHAN_PCS), 404).await;
    refused(&s, &pcs, id, assign(QINGSHAN_PCS), 404).await;
    refused(&s, &disp, id, assign(QINGSHAN_PCS), 403).await;

    // The township assigns to its own 派出所.
    let (st, v) = op.cmd(id, assign(QINGSHAN_PCS)).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "dispatched");
    let hop = &v["event"]["hops"][0];
    assert_eq!(hop["receiver_unit"], QINGSHAN_PCS);
    assert_eq!(hop["role"], "township");
    assert!(hop["deadline"].as_i64().unwrap() > 0, "{hop}");
    let (_, inbox) = pcs.get("/api/v1/inbox").await;
    assert!(has_item(&inbox, "sign", id), "{inbox}");
    let (_, inbox) = op.get("/api/v1/inbox").await;
    assert!(
        !has_item(&inbox, "sign", id),
        "the township is the sender: {inbox}"
    );
    let (st, _) = pcs.get(&format!("/api/v1/events/{id}")).await;
    assert_eq!(st, 200);

    // Another township's 派出所 (which may not even read it), and the township itself,
    // cannot sign.
    let sign = json!({"cmd": "sign", "assignment": 1});
    refused(&s, &pcs2, id, sign.clone(), 404).await;
    refused(&s, &op, id, sign.clone(), 403).await;

    // The 派出所 signs, responds and reports back with the four elements.
    let (st, v) = pcs.cmd(id, sign).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "accepted");
    let (st, v) = pcs
        .cmd(
            id,
            json!({"cmd": "respond", "assignment": 1, "contacted": "纠纷双方", "arrived": true}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "in_progress");
    let (st, v) = pcs
        .cmd(
            id,
            json!({"cmd": "report_back", "assignment": 1, "report": {
                "contacted": "纠纷双方及村调委会", "measures": "现场调解，双方达成协议",
                "resolve_by": "当日"}}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "resolved");

    // 谁派单、谁评价: the county may not grade the township's hop; the township does.
    let grade = json!({"cmd": "evaluate", "assignment": 1, "level": 0});
    refused(&s, &disp, id, grade.clone(), 403).await;
    let (_, inbox) = op.get("/api/v1/inbox").await;
    assert!(has_item(&inbox, "evaluate", id), "{inbox}");
    let (st, v) = op.cmd(id, grade).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "evaluated");
    let (st, v) = op
        .cmd(id, json!({"cmd": "close", "note": "派出所调解完毕"}))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "closed");

    // The log kind keeps township hops apart from the county's dispatches.
    let kinds: Vec<String> = s
        .engine
        .event_timeline(id)
        .await
        .unwrap()
        .iter()
        .map(|t| t.kind.clone())
        .collect();
    assert!(kinds.iter().any(|k| k == "event.assign"), "{kinds:?}");
    assert!(!kinds.iter().any(|k| k == "event.dispatch"), "{kinds:?}");
}

#[tokio::test]
async fn a_returned_township_hop_goes_to_the_county_when_the_township_calls() {
    let s = demo_server().await.unwrap();
    let grid = Api::login(&s, "grid_qs01").await;
    let op = Api::login(&s, "qingshan_op").await;
    let disp = Api::login(&s, "dispatcher").await;
    let pcs = Api::login(&s, "paichusuo_qs").await;
    let id = report(&grid).await;
    let (st, v) = op
        .cmd(id, json!({"cmd": "assign", "unit": QINGSHAN_PCS}))
        .await;
    assert_eq!(st, 200, "{v}");
    let (st, v) = pcs
        .cmd(
            id,
            json!({"cmd": "request_return", "assignment": 1, "reason": "属宅基地管理，非治安案件",
                "legal_basis": "《土地管理法》第六十二条"}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "return_requested");
    // The county does not decide the township's return; 编办 is not asked.
    let reject = json!({"cmd": "decide_return", "assignment": 1,
        "decision": {"decision": "reject", "note": "x"}});
    refused(&s, &disp, id, reject, 403).await;
    let dispute = json!({"cmd": "decide_return", "assignment": 1,
        "decision": {"decision": "dispute", "note": "x"}});
    refused(&s, &op, id, dispute, 422).await;
    let (_, inbox) = op.get("/api/v1/inbox").await;
    assert!(has_item(&inbox, "decide_return", id), "{inbox}");
    // The township calls the county instead: the return is accepted, the county dispatches.
    let (st, v) = op
        .cmd(id, json!({"cmd": "call", "note": "派出所退回，呼叫县级"}))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "called");
    let (st, v) = disp
        .cmd(
            id,
            json!({"cmd": "dispatch", "item": null, "lead": "D-ZJ", "override_reason": "宅基地纠纷，先派住建"}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "dispatched");
    let hops = v["event"]["hops"].as_array().unwrap();
    assert!(
        hops.iter()
            .any(|h| h["role"] == "lead" && h["receiver_unit"] == "D-ZJ"),
        "{v}"
    );
}
