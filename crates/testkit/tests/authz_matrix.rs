//! Who may read and do what, as a matrix: every demo role (and a leader of one township) ×
//! every command and read of the JSON API × an event of the caller's own township, one of a
//! sibling township, one archived, and one that does not exist; plus the organisation, list,
//! log, statistics and assessment routes. Each cell names the expected status class; a failing
//! cell prints role, action, target, expected and got. One server for the whole matrix; runs on
//! SQLite, and on PostgreSQL when `TIAOKUAI_TEST_PG_URL` is set.
//!
//! The rule under test above all: a caller who may not read an event learns nothing about it.
//! Every refusal on an unreadable event is byte for byte the refusal on a missing one.

mod harness;
mod pages;
mod settings;

use harness::{is_event_hidden, without_id, Class, Client, Matrix};
use serde_json::{json, Value};
use tiaokuai_testkit::{demo_server, TestServer};
use Class::*;

/// The roles: demo accounts, and `qs_lingdao`, a leader granted on 青山镇 only (created by the
/// administrator through `POST /people` at the start).
const ROLES: [&str; 15] = [
    "admin",
    "dispatcher",
    "qingshan_op",
    "qingshan_leader",
    "qs_lingdao",
    "chengguan_op",
    "grid_qs01",
    "zhujian",
    "zhifa",
    "shichang",
    "paichusuo_qs",
    "bianban",
    "sifa",
    "jiwei",
    "leader",
];

/// The events: `QS` a 青山 event (in grid_qs01's village) dispatched to 住建局; `CG` a 城关
/// event dispatched to 综合执法局; `DONE` a 青山 draft closed locally (自办结, final); `MISSING`
/// an id that does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    Qs,
    Cg,
    Done,
    Missing,
}
const TARGETS: [Target; 4] = [Target::Qs, Target::Cg, Target::Done, Target::Missing];
pub(super) const MISSING_ID: u64 = 987_654_321;

/// Who reads which event: county-wide roles and the county leader all; a township's staff and
/// leaders their township's; the grid worker its village's; departments what they received.
pub(super) fn reads(role: &str, t: Target) -> bool {
    let all = ["admin", "dispatcher", "bianban", "sifa", "jiwei", "leader"];
    let qingshan = ["qingshan_op", "qingshan_leader", "qs_lingdao", "grid_qs01"];
    t != Target::Missing
        && (all.contains(&role)
            || match t {
                Target::Qs => qingshan.contains(&role) || role == "zhujian",
                Target::Done => qingshan.contains(&role),
                Target::Cg => role == "chengguan_op" || role == "zhifa",
                Target::Missing => false,
            })
}

/// The caller's side (township staff of the event's township) and the receiving unit's handler.
fn sides(t: Target) -> (&'static [&'static str], &'static str) {
    match t {
        Target::Cg => (&["chengguan_op"], "zhifa"),
        _ => (&["qingshan_op", "qingshan_leader"], "zhujian"),
    }
}

/// Who is granted each precisely checked command on an open event (others who read it: 403).
/// `caller` and `receiver` stand for the event's sides.
const GRANTS: [(&str, &str, Class); 6] = [
    ("note", "caller dispatcher receiver", Ok),
    ("remind", "caller dispatcher", Ok),
    ("supervise", "dispatcher leader qs_lingdao", Ok),
    ("sign", "receiver", Ok),
    // Allowed, but the event is already dispatched / not handled yet.
    ("dispatch", "dispatcher", Refused),
    ("close", "caller", Refused),
];

fn granted(action: &str, role: &str, t: Target) -> Option<Class> {
    let (who, class) = GRANTS
        .iter()
        .find(|(a, _, _)| *a == action)
        .map(|(_, w, c)| (*w, *c))?;
    let (caller, receiver) = sides(t);
    let hit = who.split(' ').any(|w| match w {
        "caller" => caller.contains(&role),
        "receiver" => role == receiver,
        name => name == role,
    });
    Some(if hit { class } else { Denied })
}

/// Every command of `POST /events/{id}/commands` with a body that passes parsing.
fn commands() -> Vec<(&'static str, Value)> {
    vec![
        ("note", json!({"cmd": "note", "text": "矩阵测试"})),
        (
            "remind",
            json!({"cmd": "remind", "assignment": 1, "kind": "remind"}),
        ),
        (
            "supervise",
            json!({"cmd": "remind", "assignment": 1, "kind": "supervise"}),
        ),
        ("sign", json!({"cmd": "sign", "assignment": 1})),
        (
            "dispatch",
            json!({"cmd": "dispatch", "item": null, "lead": "D-HB", "override_reason": "矩阵"}),
        ),
        ("close", json!({"cmd": "close"})),
        ("self_close", json!({"cmd": "self_close", "note": ""})),
        ("call", json!({"cmd": "call", "note": ""})),
        ("cancel", json!({"cmd": "cancel", "reason": ""})),
        ("assign", json!({"cmd": "assign", "unit": "D-GA-PCS-001"})),
        ("whistle", json!({"cmd": "whistle", "units": []})),
        ("check_in", json!({"cmd": "check_in", "assignment": 9})),
        (
            "request_return",
            json!({"cmd": "request_return", "assignment": 1, "reason": "", "legal_basis": ""}),
        ),
        (
            "decide_return",
            json!({"cmd": "decide_return", "assignment": 1, "decision": {"decision": "reject", "note": ""}}),
        ),
        (
            "rule",
            json!({"cmd": "rule", "primary": "D-ZJ", "reasoning": ""}),
        ),
        (
            "respond",
            json!({"cmd": "respond", "assignment": 1, "contacted": ""}),
        ),
        (
            "request_extension",
            json!({"cmd": "request_extension", "assignment": 1, "days": 0, "reason": ""}),
        ),
        (
            "decide_extension",
            json!({"cmd": "decide_extension", "assignment": 1, "approve": true}),
        ),
        (
            "report_back",
            json!({"cmd": "report_back", "assignment": 1, "report": {"contacted": "", "measures": "", "resolve_by": ""}}),
        ),
        (
            "verify",
            json!({"cmd": "verify", "assignment": 1, "pass": true}),
        ),
        (
            "evaluate",
            json!({"cmd": "evaluate", "assignment": 1, "level": 9}),
        ),
        (
            "appeal",
            json!({"cmd": "appeal", "assignment": 1, "reason": ""}),
        ),
        (
            "decide_appeal",
            json!({"cmd": "decide_appeal", "assignment": 1, "upheld": true, "note": ""}),
        ),
        ("shelve", json!({"cmd": "shelve", "reason": ""})),
        (
            "public_feedback",
            json!({"cmd": "public_feedback", "level": 99}),
        ),
        (
            "conclude_case",
            json!({"cmd": "conclude_case", "assignment": 1, "outcome": ""}),
        ),
    ]
}

pub(super) struct Events {
    qs: u64,
    cg: u64,
    done: u64,
}

impl Events {
    pub(super) fn id(&self, t: Target) -> u64 {
        match t {
            Target::Qs => self.qs,
            Target::Cg => self.cg,
            Target::Done => self.done,
            Target::Missing => MISSING_ID,
        }
    }
}

fn report(grid: &str, call: bool) -> Value {
    // A point inside the grid.
    let (lon, lat) = if grid.starts_with("370999009") {
        (116.865, 36.455)
    } else {
        (116.71, 36.61)
    };
    json!({
        "channel": "grid_report",
        "title": "矩阵测试：占道经营",
        "description": "路口占道经营，影响通行。",
        "urgency": "normal",
        "location": {"lon": lon, "lat": lat, "grid": grid, "address": "路口"},
        "call": call,
    })
}

/// An item of the current list version whose primary unit is `unit`.
async fn item_of(api: &Client<'_>, unit: &str) -> Value {
    let (_, versions) = api.get("/api/v1/lists/versions").await;
    let version = versions.as_array().unwrap().last().unwrap()["version"].clone();
    let (_, items) = api
        .get(&format!("/api/v1/lists/items?kind=territorial&unit={unit}"))
        .await;
    let item = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["primary"].as_array().unwrap().iter().any(|p| p == unit))
        .unwrap_or_else(|| panic!("no territorial item with {unit} as primary"));
    json!({"id": item["id"], "version": version})
}

/// The township leader account, and the three events.
pub(super) async fn setup(s: &TestServer) -> Events {
    let admin = Client::login(s, "admin").await;
    let person = json!({"username": "qs_lingdao", "name": "青山镇分管领导", "phone": "13900000001",
        "unit": "370999001", "password": "tiaokuai2026", "roles": ["leader@370999001"]});
    let r = admin.post("/api/v1/people", &person).await;
    assert_eq!(r.0, 201, "{}", r.1);
    let qs_op = Client::login(s, "qingshan_op").await;
    let cg_op = Client::login(s, "chengguan_op").await;
    let disp = Client::login(s, "dispatcher").await;
    let mut ids = vec![];
    for (op, grid, lead) in [
        (&qs_op, "370999001001-01", "D-ZJ"),
        (&cg_op, "370999009001-01", "D-ZF"),
    ] {
        let (st, v) = op.post("/api/v1/events", &report(grid, true)).await;
        assert_eq!(st, 201, "{v}");
        let id = v["id"].as_u64().unwrap();
        let item = item_of(&disp, lead).await;
        let body =
            json!({"cmd": "dispatch", "item": item, "lead": lead, "override_reason": "矩阵测试"});
        let (st, v) = disp
            .post(&format!("/api/v1/events/{id}/commands"), &body)
            .await;
        assert_eq!(st, 200, "{v}");
        ids.push(id);
    }
    let (st, v) = qs_op
        .post("/api/v1/events", &report("370999001001-01", false))
        .await;
    assert_eq!(st, 201, "{v}");
    let done = v["id"].as_u64().unwrap();
    let body = json!({"cmd": "self_close", "note": "已劝离"});
    let (st, v) = qs_op
        .post(&format!("/api/v1/events/{done}/commands"), &body)
        .await;
    assert_eq!(st, 200, "{v}");
    Events {
        qs: ids[0],
        cg: ids[1],
        done,
    }
}

#[tokio::test]
async fn every_role_every_route_every_target() {
    let s = demo_server().await.unwrap();
    let ev = setup(&s).await;
    let mut m = Matrix::default();
    let mut clients = vec![];
    for role in ROLES {
        clients.push((role, Client::login(&s, role).await));
    }

    // Reads of an event: readable 200; otherwise exactly the missing event's 404.
    for (role, c) in &clients {
        for t in TARGETS {
            let id = ev.id(t);
            for (action, path) in [
                ("GET event", format!("/api/v1/events/{id}")),
                ("GET timeline", format!("/api/v1/events/{id}/timeline")),
                ("GET proof", format!("/api/v1/events/{id}/proof")),
            ] {
                let got = c.get(&path).await;
                m.expect(
                    role,
                    action,
                    &format!("{t:?}"),
                    if reads(role, t) { Ok } else { Hidden },
                    &got,
                );
            }
        }
        // The inbox holds nothing of an unreadable event.
        let (st, inbox) = c.get("/api/v1/inbox").await;
        let waiting: Vec<u64> = inbox["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|i| i["event"]["id"].as_u64()).collect())
            .unwrap_or_default();
        for t in [Target::Qs, Target::Cg, Target::Done] {
            if st != 200 || (waiting.contains(&ev.id(t)) && !reads(role, t)) {
                m.fail(
                    role,
                    "GET inbox",
                    &format!("{t:?}"),
                    "not in the inbox",
                    &(st, json!(waiting)),
                );
            }
        }
        // The list shows exactly the readable ones.
        let (st, list) = c.get("/api/v1/events?limit=1000").await;
        let listed: Vec<u64> = list
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["id"].as_u64()).collect())
            .unwrap_or_default();
        for t in [Target::Qs, Target::Cg, Target::Done] {
            if st != 200 || listed.contains(&ev.id(t)) != reads(role, t) {
                let want = if reads(role, t) {
                    "listed"
                } else {
                    "not listed"
                };
                m.fail(
                    role,
                    "GET events",
                    &format!("{t:?}"),
                    want,
                    &(st, json!(listed.contains(&ev.id(t)))),
                );
            }
        }
    }

    // Every command × role × target. Unreadable: the missing event's answer, byte for byte.
    // Readable: never "event not found"; the precisely granted commands as in `GRANTS`; on the
    // archived event a conflict for everyone who reads it.
    for (action, body) in commands() {
        for (role, c) in &clients {
            let missing = c
                .post(&format!("/api/v1/events/{MISSING_ID}/commands"), &body)
                .await;
            m.expect(role, action, "Missing", Hidden, &missing);
            for t in [Target::Qs, Target::Cg, Target::Done] {
                let id = ev.id(t);
                let got = c
                    .post(&format!("/api/v1/events/{id}/commands"), &body)
                    .await;
                let target = format!("{t:?}");
                if !reads(role, t) {
                    if without_id(&got, id) != without_id(&missing, MISSING_ID) {
                        m.fail(role, action, &target, "the missing event's 404", &got);
                    }
                    continue;
                }
                if is_event_hidden(&got) {
                    m.fail(role, action, &target, "not hidden (reads it)", &got);
                    continue;
                }
                match (t, granted(action, role, t)) {
                    (Target::Done, _)
                        if action != "conclude_case" && action != "public_feedback" =>
                    {
                        m.expect(role, action, &target, Refused, &got)
                    }
                    (Target::Done, _) => {}
                    (_, Some(want)) => m.expect(role, action, &target, want, &got),
                    (_, None) => {}
                }
            }
        }
    }

    other_routes(&s, &clients, &mut m).await;
    settings::settings_and_assessment(&clients, &mut m).await;
    m.check();
}

/// Organisation, lists, log, statistics and assessment: role → expected class.
async fn other_routes(s: &TestServer, clients: &[(&str, Client<'_>)], m: &mut Matrix) {
    let filers = [
        "qingshan_op",
        "qingshan_leader",
        "chengguan_op",
        "zhujian",
        "zhifa",
        "shichang",
        "paichusuo_qs",
        "bianban",
    ];
    let auditors = ["admin", "jiwei", "leader"];
    // An application by 住建局, awaiting 编办: only a county leader may approve (and then hears
    // that it is not its turn yet); a township's leader may not (defect 4).
    let zj = clients
        .iter()
        .find(|(r, _)| *r == "zhujian")
        .map(|(_, c)| c)
        .unwrap();
    let item = item_of(zj, "D-ZJ").await;
    let file =
        json!({"kind": "cancel", "item_id": item["id"], "reason": "矩阵测试", "basis": "矩阵测试"});
    let (st, v) = zj.post("/api/v1/lists/adjustments", &file).await;
    assert_eq!(st, 201, "{v}");
    let adj = v["id"].as_u64().unwrap();
    let _ = s;
    for (role, c) in clients {
        let all_ok = [
            "/api/v1/me",
            "/api/v1/units",
            "/api/v1/people",
            "/api/v1/grids",
            "/api/v1/lists/versions",
            "/api/v1/lists/items?kind=territorial",
            "/api/v1/inbox",
            "/api/v1/log/checkpoint",
            "/api/v1/stats/dimensions",
            "/api/v1/assessment/schemes",
        ];
        for path in all_ok {
            let got = c.get(path).await;
            m.expect(role, &format!("GET {path}"), "-", Ok, &got);
        }
        let got = c.get("/api/v1/log/entries?limit=1").await;
        let want = if auditors.contains(role) { Ok } else { Denied };
        m.expect(role, "GET log/entries", "-", want, &got);

        let person = json!({"username": format!("mx_{role}"), "name": "矩阵", "phone": "13900000002",
            "unit": "D-ZJ", "roles": ["department_handler@D-ZJ"]});
        let got = c.post("/api/v1/people", &person).await;
        m.expect(
            role,
            "POST people",
            "-",
            if *role == "admin" { Ok } else { Denied },
            &got,
        );

        let got = c.post("/api/v1/lists/adjustments", &file).await;
        m.expect(
            role,
            "POST adjustments",
            "-",
            if filers.contains(role) { Ok } else { Denied },
            &got,
        );

        // Reports in 青山: its own staff, its grid worker and the command centre; 城关's
        // operator may not file there (defect 10); other roles do not report.
        let reporters = ["dispatcher", "qingshan_op", "qingshan_leader", "grid_qs01"];
        let got = c
            .post("/api/v1/events", &report("370999001001-01", false))
            .await;
        m.expect(
            role,
            "POST events",
            "Qs",
            if reporters.contains(role) { Ok } else { Denied },
            &got,
        );
        let got = c
            .post("/api/v1/events", &report("370999009001-01", false))
            .await;
        let cg = ["dispatcher", "chengguan_op"];
        m.expect(
            role,
            "POST events",
            "Cg",
            if cg.contains(role) { Ok } else { Denied },
            &got,
        );

        let approve = json!({"action": "approve", "document_no": "矩阵〔2026〕1号", "effective_date": "2026-12-01"});
        let got = c
            .post(
                &format!("/api/v1/lists/adjustments/{adj}/decision"),
                &approve,
            )
            .await;
        m.expect(
            role,
            "approve adjustment",
            "county",
            if *role == "leader" { Refused } else { Denied },
            &got,
        );
    }
}
