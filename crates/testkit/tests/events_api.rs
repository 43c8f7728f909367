//! The event workflow over the JSON API, against the demo county served on a free port: the
//! full loop from a grid worker's report to the archive, refusals that change nothing,
//! visibility, concurrent dispatch, proofs, the calendar and the workflow settings.

use reqwest::StatusCode;
use serde_json::{json, Value};
use tiaokuai_app::events::timeline::{verify_bundle, ProofBundle};
use tiaokuai_testkit::{demo_server, TestServer};

mod settings;

/// A 1×1 PNG.
const PNG: &str = "89504e470d0a1a0a0000000d4948445200000001000000010806000000\
                   1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082";

/// A logged-in API client (also used by the other workflow API tests).
pub(crate) struct Api<'a> {
    s: &'a TestServer,
    pub(crate) c: reqwest::Client,
    pub(crate) csrf: String,
}

impl<'a> Api<'a> {
    pub(crate) async fn login(s: &'a TestServer, user: &str) -> Api<'a> {
        let c = reqwest::Client::builder()
            .cookie_store(true)
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
        let csrf = v["csrf"].as_str().unwrap().to_string();
        Api { s, c, csrf }
    }

    pub(crate) async fn read(r: reqwest::Response) -> (StatusCode, Value) {
        let st = r.status();
        let text = r.text().await.unwrap();
        (
            st,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub(crate) async fn get(&self, path: &str) -> (StatusCode, Value) {
        Self::read(self.c.get(self.s.url(path)).send().await.unwrap()).await
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self
            .c
            .post(self.s.url(path))
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        Self::read(r).await
    }

    pub(crate) async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let r = self
            .c
            .put(self.s.url(path))
            .header("x-csrf-token", &self.csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        Self::read(r).await
    }

    pub(crate) async fn cmd(&self, id: u64, body: Value) -> (StatusCode, Value) {
        self.post(&format!("/api/v1/events/{id}/commands"), body)
            .await
    }

    pub(crate) async fn upload(&self, files: Vec<(&str, Vec<u8>)>) -> (StatusCode, Value) {
        let mut form = reqwest::multipart::Form::new();
        for (name, bytes) in files {
            form = form.part(
                "photo",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
            );
        }
        let r = self
            .c
            .post(self.s.url("/api/v1/photos"))
            .header("x-csrf-token", &self.csrf)
            .multipart(form)
            .send()
            .await
            .unwrap();
        Self::read(r).await
    }
}

/// The fields named in a 422 answer.
pub(crate) fn fields(v: &Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) async fn log_len(s: &TestServer) -> u64 {
    s.engine.with_state(|st| st.log_len).await.unwrap()
}

fn report_body(photos: Vec<String>) -> Value {
    json!({
        "channel": "grid_report",
        "title": "工地夜间施工扬尘",
        "description": "王家庄村东侧工地夜间土方作业，未洒水未覆盖，扬尘严重。",
        "urgency": "normal",
        "location": {"lon": 116.71, "lat": 36.61, "address": "王家庄村东"},
        "photos": photos,
    })
}

/// An item of the current list version whose primary unit is `unit`.
async fn current_item(api: &Api<'_>, unit: &str) -> Value {
    let (st, versions) = api.get("/api/v1/lists/versions").await;
    assert_eq!(st, 200);
    let version = versions.as_array().unwrap().last().unwrap()["version"]
        .as_u64()
        .unwrap();
    let (st, items) = api
        .get(&format!("/api/v1/lists/items?kind=territorial&unit={unit}"))
        .await;
    assert_eq!(st, 200);
    let item = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["primary"].as_array().unwrap().iter().any(|p| p == unit))
        .unwrap_or_else(|| panic!("no territorial item with {unit} as primary"));
    json!({"id": item["id"], "version": version})
}

pub(crate) fn has_item(inbox: &Value, kind: &str, id: u64) -> bool {
    inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["kind"] == kind && i["event"]["id"] == id)
}

#[tokio::test]
async fn full_loop_with_refusals_that_change_nothing() {
    let s = demo_server().await.unwrap();
    let grid = Api::login(&s, "grid_qs01").await;
    let op = Api::login(&s, "qingshan_op").await;
    let disp = Api::login(&s, "dispatcher").await;
    let zj = Api::login(&s, "zhujian").await;
    let other_op = Api::login(&s, "chengguan_op").await;

    // Photos: an image is stored by hash; anything else is refused, naming field and file.
    let png = hex::decode(PNG).unwrap();
    let (st, v) = grid.upload(vec![("site.png", png.clone())]).await;
    assert_eq!(st, 200, "{v}");
    let hash = v["hashes"][0].as_str().unwrap().to_string();
    assert_eq!(hash.len(), 64);
    let (st, v) = grid
        .upload(vec![("notes.txt", b"not a photo at all".to_vec())])
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(fields(&v), ["photo"]);
    assert_eq!(v["errors"][0]["location"], "notes.txt");
    let r = grid
        .c
        .get(s.url(&format!("/api/v1/photos/{hash}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().to_vec(), png);
    let (st, _) = grid
        .get(&format!("/api/v1/photos/{}", "0".repeat(64)))
        .await;
    assert_eq!(st, 404);
    let anon = reqwest::Client::new();
    let r = anon
        .get(s.url(&format!("/api/v1/photos/{hash}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    // Reports without a location or text, or with unknown codes, are refused by field.
    let before = log_len(&s).await;
    let mut body = report_body(vec![]);
    body.as_object_mut().unwrap().remove("location");
    let (st, v) = grid.post("/api/v1/events", body).await;
    assert_eq!(st, 422, "{v}");
    assert!(fields(&v).contains(&"location".to_string()), "{v}");
    let mut body = report_body(vec![]);
    body["title"] = json!("");
    body["description"] = json!("  ");
    let (st, v) = grid.post("/api/v1/events", body).await;
    assert_eq!(st, 422, "{v}");
    let f = fields(&v);
    assert!(f.contains(&"title".to_string()) && f.contains(&"description".to_string()));
    let mut body = report_body(vec![]);
    body["channel"] = json!("carrier_pigeon");
    body["urgency"] = json!("whenever");
    let (st, v) = grid.post("/api/v1/events", body).await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(fields(&v), ["channel", "urgency"]);
    let (st, v) = grid
        .post("/api/v1/events", report_body(vec!["ab".repeat(32)]))
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(fields(&v), ["photos"]);
    // Without the CSRF header nothing happens either.
    let r = grid
        .c
        .post(s.url("/api/v1/events"))
        .json(&report_body(vec![]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(log_len(&s).await, before, "refused reports changed the log");

    // 1. The grid worker reports with the photo: a draft for the township.
    let (st, v) = grid
        .post("/api/v1/events", report_body(vec![hash.clone()]))
        .await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["status"], "draft");
    let id = v["id"].as_u64().unwrap();
    let no = v["no"].as_str().unwrap().to_string();
    let (_, e) = grid.get(&format!("/api/v1/events/{id}")).await;
    assert_eq!(e["facts"]["location"]["grid"], "370999001001-01");
    assert_eq!(e["facts"]["location"]["township"], "370999001");
    assert_eq!(e["facts"]["photos"][0], hash.as_str());

    // Another township's operator neither sees nor lists it: 404, as for a missing event.
    let (st, _) = other_op.get(&format!("/api/v1/events/{id}")).await;
    assert_eq!(st, 404);
    let (st, list) = other_op.get("/api/v1/events?limit=500").await;
    assert_eq!(st, 200);
    assert!(!list.as_array().unwrap().iter().any(|e| e["id"] == id));
    let (st, _) = other_op.get(&format!("/api/v1/events/{id}/timeline")).await;
    assert_eq!(st, 404);
    // Its photo follows the event: readers fetch it, others get 404 as for a missing photo.
    let (st, _) = other_op.get(&format!("/api/v1/photos/{hash}")).await;
    assert_eq!(st, 404);
    let (st, _) = op.get(&format!("/api/v1/photos/{hash}")).await;
    assert_eq!(st, 200);
    let (st, _) = op.get("/api/v1/events/987654321").await;
    assert_eq!(st, 404);
    let (st, _) = zj.get(&format!("/api/v1/events/{id}")).await;
    assert_eq!(st, 404, "住建局 sees it only once it receives a hop");
    let (st, list) = op.get("/api/v1/events?status=draft").await;
    assert_eq!(st, 200);
    assert!(list.as_array().unwrap().iter().any(|e| e["id"] == id));
    let (st, v) = op.get("/api/v1/events?status=nonsense").await;
    assert_eq!(st, 422);
    assert_eq!(fields(&v), ["status"]);

    // 2. The township calls the county.
    let (_, inbox) = op.get("/api/v1/inbox").await;
    assert!(has_item(&inbox, "call", id), "{inbox}");
    let (st, v) = op
        .cmd(id, json!({"cmd": "call", "event": id + 1, "note": "x"}))
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(fields(&v), ["event"]);
    let (st, v) = op
        .cmd(id, json!({"cmd": "call", "note": "镇级无执法权，呼叫县级"}))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "called");
    assert!(v["seq"].as_u64().unwrap() > id);

    // 3. Wrong role: a grid worker cannot dispatch (403), and nothing changes.
    let item = current_item(&disp, "D-ZJ").await;
    let dispatch = json!({"cmd": "dispatch", "item": item, "lead": "D-ZJ", "co": []});
    let before = log_len(&s).await;
    let (st, v) = grid.cmd(id, dispatch.clone()).await;
    assert_eq!(st, 403, "{v}");
    assert_eq!(log_len(&s).await, before);

    // The command centre dispatches by the list.
    let (_, inbox) = disp.get("/api/v1/inbox").await;
    assert!(has_item(&inbox, "dispatch", id), "{inbox}");
    let (st, v) = disp.cmd(id, dispatch).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "dispatched");
    let hop = &v["event"]["hops"][0];
    assert_eq!(hop["receiver_unit"], "D-ZJ");
    assert_eq!(hop["status"], "dispatched");
    assert!(hop["deadline"].as_i64().unwrap() > 0);

    // 4. Wrong order: reporting back before signing (409); a return without a legal basis
    // (422 naming legal_basis). Nothing changes.
    let before = log_len(&s).await;
    let report_back = json!({"cmd": "report_back", "assignment": 1, "report": {
        "contacted": "施工单位项目经理", "measures": "责令停工整改，洒水降尘", "resolve_by": "3个工作日内"}});
    let (st, v) = zj.cmd(id, report_back.clone()).await;
    assert_eq!(st, 409, "{v}");
    // The body names the reason by code, in both languages.
    assert_eq!(v["code"], "conflict", "{v}");
    assert_eq!(v["reason"], "assignment_status", "{v}");
    assert!(v["message_zh"].as_str().unwrap().contains("第1单"), "{v}");
    assert!(
        v["message_en"].as_str().unwrap().contains("assignment 1"),
        "{v}"
    );
    let (st, v) = zj
        .cmd(
            id,
            json!({"cmd": "request_return", "assignment": 1, "reason": "非本部门职责", "legal_basis": " "}),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(fields(&v), ["legal_basis"]);
    assert_eq!(v["errors"][0]["code"], "required", "{v}");
    assert_eq!(v["errors"][0]["message_zh"], "必须填写", "{v}");
    let (st, v) = zj
        .cmd(
            id,
            json!({"cmd": "request_return", "assignment": 1, "reason": "非本部门职责"}),
        )
        .await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(fields(&v), ["legal_basis"]);
    let (st, v) = zj.cmd(id, json!({"cmd": "fly", "assignment": 1})).await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(fields(&v), ["cmd"]);
    let (st, _) = zj.cmd(id, json!({"cmd": "sign", "assignment": 9})).await;
    assert_eq!(st, 404);
    let (st, _) = op.cmd(id, json!({"cmd": "sign", "assignment": 1})).await;
    assert_eq!(st, 403, "the township is not the receiver");
    assert_eq!(
        log_len(&s).await,
        before,
        "refused commands changed the log"
    );

    // 5. The department signs, responds and reports back.
    let (_, inbox) = zj.get("/api/v1/inbox").await;
    assert!(has_item(&inbox, "sign", id), "{inbox}");
    let (st, v) = zj.cmd(id, json!({"cmd": "sign", "assignment": 1})).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "accepted");
    let (st, v) = zj
        .cmd(
            id,
            json!({"cmd": "respond", "assignment": 1, "contacted": "施工单位项目经理", "arrived": true}),
        )
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "in_progress");
    let (st, v) = zj.cmd(id, report_back).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "resolved");
    let (_, list) = zj.get("/api/v1/events?mine=true").await;
    assert!(list.as_array().unwrap().iter().any(|e| e["id"] == id));

    // 6. The township grades (谁派单、谁评价) and closes.
    let (_, inbox) = op.get("/api/v1/inbox").await;
    assert!(has_item(&inbox, "evaluate", id), "{inbox}");
    let (st, v) = zj
        .cmd(id, json!({"cmd": "evaluate", "assignment": 1, "level": 0}))
        .await;
    assert_eq!(st, 403, "{v}");
    let (st, v) = op.cmd(id, json!({"cmd": "close", "note": "已复查"})).await;
    assert_eq!(st, 409, "closing before grading: {v}");
    let (st, v) = op
        .cmd(id, json!({"cmd": "evaluate", "assignment": 1, "level": 0}))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "evaluated");
    let (_, inbox) = op.get("/api/v1/inbox").await;
    assert!(has_item(&inbox, "close", id), "{inbox}");
    let (st, v) = op
        .cmd(id, json!({"cmd": "close", "note": "已复查，群众满意"}))
        .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["event"]["status"], "closed");
    let (st, _) = op.cmd(id, json!({"cmd": "close"})).await;
    assert_eq!(st, 409, "a closed event no longer changes");

    // The full event, its timeline and a proof bundle that verifies offline.
    let (st, e) = op.get(&format!("/api/v1/events/{id}")).await;
    assert_eq!(st, 200);
    assert_eq!(e["status"], "closed");
    assert_eq!(e["status_label"], "办结归档");
    assert_eq!(e["assignments"][0]["evaluation"]["level"], 0);
    assert_eq!(e["flags"][0]["n"], 1);
    assert_eq!(e["flags"][0]["flag"], "none");
    let (st, tl) = grid.get(&format!("/api/v1/events/{id}/timeline")).await;
    assert_eq!(st, 200);
    let kinds: Vec<&str> = tl
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "event.report",
            "event.call",
            "event.dispatch",
            "event.sign",
            "event.respond",
            "event.report_back",
            "event.evaluate",
            "event.close"
        ]
    );
    assert_eq!(tl[2]["actor"], "dispatcher");
    let r =
        op.c.get(s.url(&format!("/api/v1/events/{id}/proof")))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-disposition"],
        format!("attachment; filename=\"event-{no}-proof.json\"").as_str()
    );
    let bundle: ProofBundle = r.json().await.unwrap();
    assert_eq!(bundle.event, id);
    assert_eq!(verify_bundle(&bundle), Ok(8));
    let mut forged = bundle.clone();
    forged.entries[2].payload = forged.entries[2].payload.replace("D-ZJ", "D-ZF");
    assert!(verify_bundle(&forged).is_err());
    let (st, _) = other_op.get(&format!("/api/v1/events/{id}/proof")).await;
    assert_eq!(st, 404);

    // Lists by status and unit, newest first, with the total in a header.
    let r =
        op.c.get(s.url("/api/v1/events?status=closed&unit=D-ZJ&limit=1"))
            .send()
            .await
            .unwrap();
    let total: usize = r.headers()["x-total-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let rows: Value = r.json().await.unwrap();
    assert!(total >= 2, "the demo's closed event and this one");
    assert_eq!(rows[0]["id"], id);
    assert_eq!(rows[0]["status_label"], "办结归档");
    assert_eq!(rows[0]["hops"][0]["receiver_unit"], "D-ZJ");
}

#[tokio::test]
async fn concurrent_dispatch_has_exactly_one_winner() {
    let s = demo_server().await.unwrap();
    let op = Api::login(&s, "qingshan_op").await;
    let d1 = Api::login(&s, "dispatcher").await;
    let d2 = Api::login(&s, "dispatcher2").await;
    let mut body = report_body(vec![]);
    body["channel"] = json!("township_call");
    body["call"] = json!(true);
    let (st, v) = op.post("/api/v1/events", body).await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["status"], "called");
    let id = v["id"].as_u64().unwrap();
    let item = current_item(&d1, "D-ZJ").await;
    let a = json!({"cmd": "dispatch", "item": item, "lead": "D-ZJ"});
    let b = json!({"cmd": "dispatch", "item": item, "lead": "D-ZF", "override_reason": "涉及违法建设，由综合执法牵头"});
    let ((s1, v1), (s2, v2)) = tokio::join!(d1.cmd(id, a), d2.cmd(id, b));
    let mut got = [s1.as_u16(), s2.as_u16()];
    got.sort();
    assert_eq!(got, [200, 409], "{v1} {v2}");
    let (_, e) = op.get(&format!("/api/v1/events/{id}")).await;
    assert_eq!(e["assignments"].as_array().unwrap().len(), 1);
    let (_, tl) = op.get(&format!("/api/v1/events/{id}/timeline")).await;
    let dispatches = tl
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "event.dispatch")
        .count();
    assert_eq!(dispatches, 1);
    let in_log = s
        .engine
        .store()
        .read_log(s.engine.county(), 0, 100_000)
        .await
        .unwrap()
        .iter()
        .filter(|x| {
            x.header.kind == "event.dispatch" && x.payload.contains(&format!("\"event\":{id},"))
        })
        .count();
    assert_eq!(in_log, 1);
}
