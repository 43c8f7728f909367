//! 准入 over the JSON API on the demo county (SQLite, and PostgreSQL in CI): a department
//! applies, townships give opinions (silence after the working-day deadline), 编办 and 司法局
//! review, the county approves and the entry is in the public catalogue; 交办 handovers cite
//! it or are refused. Every refusal leaves the log as it was.

use crate::events_api::{fields, log_len, Api};
use serde_json::{json, Value};
use tiaokuai_app::now_ms;
use tiaokuai_core::admission::{AdmissionCmd, Application, Review};
use tiaokuai_testkit::{demo_server, TestServer};

const QINGSHAN: &str = "370999001";
const CHENGGUAN: &str = "370999009";
const DAY: i64 = 86_400_000;

fn date_in(days: i64) -> String {
    tiaokuai_core::calendar::cst_date(now_ms() + days * DAY).to_string()
}

fn body() -> Value {
    json!({
        "title": "城镇燃气安全入户排查",
        "content": "每季度对辖区餐饮场所开展燃气安全入户排查",
        "basis": "《城镇燃气管理条例》第五条",
        "start_date": date_in(120),
        "end_date": date_in(480),
        "recurring": true,
        "powers": "督促检查权",
        "funds": "每镇 2 万元",
        "staff": "派驻 1 人",
        "attachments": ["实施方案.pdf"],
        "consult": [QINGSHAN, CHENGGUAN],
    })
}

/// `path` with `body` by `who` is refused with `status`, and the log does not grow.
async fn refused(s: &TestServer, who: &Api<'_>, path: &str, body: Value, status: u16) -> Value {
    let before = log_len(s).await;
    let (st, v) = who.post(path, body.clone()).await;
    assert_eq!(st.as_u16(), status, "{path} {body}: {v}");
    assert_eq!(log_len(s).await, before, "{path} {body} changed the log");
    v
}

async fn ok(who: &Api<'_>, path: &str, body: Value) -> u64 {
    let (st, v) = who.post(path, body.clone()).await;
    assert_eq!(st, 200, "{path} {body}: {v}");
    v["seq"].as_u64().unwrap()
}

fn code(v: &Value) -> String {
    v["reason"]
        .as_str()
        .or_else(|| v["errors"][0]["code"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// Applies as 住建局 and takes the application through to approval.
async fn admitted(s: &TestServer) -> u64 {
    let zj = Api::login(s, "zhujian").await;
    let id = ok(&zj, "/api/v1/admission/applications", body()).await;
    let p = |x: &str| format!("/api/v1/admission/applications/{id}/{x}");
    ok(
        &Api::login(s, "qingshan_op").await,
        &p("opinion"),
        json!({"agree": true}),
    )
    .await;
    ok(
        &Api::login(s, "chengguan_op").await,
        &p("opinion"),
        json!({"agree": true}),
    )
    .await;
    let review = |r: &str| json!({"review": r, "pass": true});
    ok(
        &Api::login(s, "bianban").await,
        &p("review"),
        review("establishment"),
    )
    .await;
    ok(
        &Api::login(s, "sifa").await,
        &p("review"),
        review("justice"),
    )
    .await;
    let d = json!({"approve": true, "document_no": "青政办发〔2026〕37号"});
    ok(&Api::login(s, "leader").await, &p("decision"), d).await;
    id
}

#[tokio::test]
async fn a_department_applies_and_the_task_reaches_the_public_catalogue() {
    let s = demo_server().await.unwrap();
    let zj = Api::login(&s, "zhujian").await;
    let qs = Api::login(&s, "qingshan_op").await;
    let cg = Api::login(&s, "chengguan_op").await;
    let bb = Api::login(&s, "bianban").await;
    let sf = Api::login(&s, "sifa").await;
    let ld = Api::login(&s, "leader").await;
    let apps = "/api/v1/admission/applications";

    // Bad input names the field and saves nothing.
    for (drop, field) in [
        ("basis", "basis"),
        ("end_date", "end_date"),
        ("title", "title"),
    ] {
        let mut b = body();
        b.as_object_mut().unwrap().remove(drop);
        let mut b2 = body();
        b2[drop] = json!("");
        for x in [b, b2] {
            let v = refused(&s, &zj, apps, x, 422).await;
            assert_eq!(fields(&v), [field], "{v}");
        }
    }
    let mut soon = body();
    soon["start_date"] = json!(date_in(10));
    let v = refused(&s, &zj, apps, soon, 422).await;
    assert_eq!(fields(&v), ["start_date"], "{v}");
    assert_eq!(code(&v), "admission_too_late", "{v}");
    // Who may apply: departments and townships, not 司法局 or the county leader.
    for who in [&sf, &ld] {
        let v = refused(&s, who, apps, body(), 403).await;
        assert_eq!(code(&v), "admission_apply_role", "{v}");
    }

    let id = ok(&zj, apps, body()).await;
    let p = |x: &str| format!("{apps}/{id}/{x}");
    let (_, v) = zj.get(&format!("{apps}/{id}")).await;
    assert_eq!(v["stage"], "consulting", "{v}");
    assert_eq!(v["next"], format!("townships:{QINGSHAN},{CHENGGUAN}"));
    assert_eq!(v["opinions"][QINGSHAN], "awaited");
    // Opinions: the consulted townships only; an objection needs its reason.
    refused(&s, &zj, &p("opinion"), json!({"agree": true}), 403).await;
    ok(&qs, &p("opinion"), json!({"agree": true})).await;
    refused(&s, &qs, &p("opinion"), json!({"agree": true}), 409).await;
    // 编办 waits for 城关 (its deadline has not passed).
    let review = |r: &str| json!({"review": r, "pass": true});
    let v = refused(&s, &bb, &p("review"), review("establishment"), 409).await;
    assert_eq!(code(&v), "admission_opinions_open", "{v}");
    let v = refused(&s, &cg, &p("opinion"), json!({"agree": false}), 422).await;
    assert_eq!(fields(&v), ["text"]);
    ok(
        &cg,
        &p("opinion"),
        json!({"agree": false, "text": "需同步下放经费"}),
    )
    .await;

    // Reviews in order, each by its own office.
    refused(&s, &sf, &p("review"), review("establishment"), 403).await;
    refused(&s, &sf, &p("review"), review("justice"), 409).await;
    ok(&bb, &p("review"), review("establishment")).await;
    refused(&s, &bb, &p("review"), review("justice"), 403).await;
    ok(&sf, &p("review"), review("justice")).await;
    // Approval: a county leader, with a document number.
    let d = json!({"approve": true, "document_no": "青政办发〔2026〕37号"});
    for who in ["zhujian_leader", "qingshan_leader", "bianban"] {
        let a = Api::login(&s, who).await;
        let v = refused(&s, &a, &p("decision"), d.clone(), 403).await;
        assert_eq!(code(&v), "admission_leader_approves", "{who}: {v}");
    }
    let v = refused(&s, &ld, &p("decision"), json!({"approve": true}), 422).await;
    assert_eq!(fields(&v), ["document_no"]);
    ok(&ld, &p("decision"), d).await;

    // The catalogue is public; the application's steps are log entries.
    let r = reqwest::get(s.url("/api/v1/admission/catalogue"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cat: Value = r.json().await.unwrap();
    let e = cat
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id)
        .unwrap();
    assert_eq!(e["document_no"], "青政办发〔2026〕37号");
    assert_eq!(e["stage"], "admitted");
    let kinds = s
        .engine
        .with_state(|st| st.admission.applications[&id].steps.len())
        .await
        .unwrap();
    assert_eq!(kinds, 6);
    // Another department does not see 住建局's application.
    let sj = Api::login(&s, "shichang").await;
    let (st, _) = sj.get(&format!("{apps}/{id}")).await;
    assert_eq!(st, 404);
    let (_, list) = sj.get(apps).await;
    assert!(!list.as_array().unwrap().iter().any(|a| a["id"] == id));
    let (_, list) = bb.get(&format!("{apps}?stage=admitted")).await;
    assert!(list.as_array().unwrap().iter().any(|a| a["id"] == id));
    // The OpenAPI document describes the endpoints.
    let doc: Value = reqwest::get(s.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/admission/applications/{id}/review"].is_object());
    assert!(doc["paths"]["/api/v1/admission/catalogue"].is_object());
}

#[tokio::test]
async fn silence_after_the_working_day_deadline_lets_the_establishment_office_proceed() {
    let s = demo_server().await.unwrap();
    let zj = s.engine.principal_of("zhujian").await.unwrap().unwrap();
    // Filed 30 days ago: the 5 working days for opinions are long past.
    let at = now_ms() - 30 * DAY;
    let mut a: Application = serde_json::from_value(body()).unwrap();
    a.consult = vec![QINGSHAN.into()];
    let id = s
        .engine
        .admission_step(&zj, at, AdmissionCmd::Apply { application: a })
        .await
        .unwrap();
    let rec = s.engine.admission_application(&zj, id).await.unwrap();
    let cal = s
        .engine
        .with_state(|st| st.events.calendar.clone())
        .await
        .unwrap();
    let due = tiaokuai_core::admission::working_days_after(
        &cal,
        tiaokuai_core::calendar::cst_date(at),
        5,
    );
    assert_eq!(rec.opinion_deadline_ms, cal.close_of_day(due));
    let qs = Api::login(&s, "qingshan_op").await;
    let (_, v) = qs
        .get(&format!("/api/v1/admission/applications/{id}"))
        .await;
    assert_eq!(v["opinions"][QINGSHAN], "silent", "{v}");
    assert_eq!(v["stage"], "establishment");
    let p = format!("/api/v1/admission/applications/{id}/opinion");
    let v = refused(&s, &qs, &p, json!({"agree": true}), 409).await;
    assert_eq!(code(&v), "admission_opinion_closed", "{v}");
    let bb = Api::login(&s, "bianban").await;
    let p = format!("/api/v1/admission/applications/{id}/review");
    // Sending back needs a reason; then the applicant may withdraw.
    refused(
        &s,
        &bb,
        &p,
        json!({"review": "establishment", "pass": false}),
        422,
    )
    .await;
    ok(
        &bb,
        &p,
        json!({"review": "establishment", "pass": false, "comment": "经费未落实"}),
    )
    .await;
    let zja = Api::login(&s, "zhujian").await;
    let w = format!("/api/v1/admission/applications/{id}/withdraw");
    refused(&s, &bb, &w, json!({"reason": "x"}), 403).await;
    ok(&zja, &w, json!({"reason": "改由部门自办"})).await;
    let (_, v) = zja
        .get(&format!("/api/v1/admission/applications/{id}"))
        .await;
    assert_eq!(v["stage"], "withdrawn");
    // The time limits are settings (administrators only).
    let cfg = json!({"advance_days": 20, "decide_days": 10, "opinion_days": 3});
    let r = zja.put("/api/v1/admission/config", cfg.clone()).await;
    assert_eq!(r.0, 403);
    let admin = Api::login(&s, "admin").await;
    let (st, v) = admin
        .put(
            "/api/v1/admission/config",
            json!({"advance_days": 0, "decide_days": 10, "opinion_days": 3}),
        )
        .await;
    assert_eq!(st, 422);
    assert_eq!(fields(&v), ["advance_days"]);
    assert_eq!(admin.put("/api/v1/admission/config", cfg).await.0, 200);
    let (_, v) = zja.get("/api/v1/admission/config").await;
    assert_eq!(v["advance_days"], 20);
}

#[tokio::test]
async fn handovers_cite_the_catalogue_and_townships_refuse_the_rest() {
    let s = demo_server().await.unwrap();
    let entry = admitted(&s).await;
    let zj = Api::login(&s, "zhujian").await;
    let qs = Api::login(&s, "qingshan_op").await;
    let cg = Api::login(&s, "chengguan_op").await;
    let hs = "/api/v1/admission/handovers";
    let task = |entry: Option<u64>| {
        json!({"title": "燃气安全排查", "content": "本季度入户排查", "townships": [QINGSHAN, CHENGGUAN],
               "deadline": date_in(20), "entry": entry})
    };
    // A township cannot issue; another department cannot cite 住建局's entry; a deadline is needed.
    let v = refused(&s, &qs, hs, task(None), 403).await;
    assert_eq!(code(&v), "handover_issue_role");
    let sj = Api::login(&s, "shichang").await;
    let v = refused(&s, &sj, hs, task(Some(entry)), 422).await;
    assert_eq!(fields(&v), ["entry"]);
    let mut t = task(None);
    t["deadline"] = json!("");
    assert_eq!(fields(&refused(&s, &zj, hs, t, 422).await), ["deadline"]);

    let cited = ok(&zj, hs, task(Some(entry))).await;
    let bare = ok(&zj, hs, task(None)).await;
    let h = |id: u64, x: &str| format!("{hs}/{id}/{x}");
    // An admitted task cannot be refused; a bare one can, once, by a township it went to.
    let v = refused(&s, &cg, &h(cited, "refuse"), json!({}), 409).await;
    assert_eq!(code(&v), "handover_admitted_no_refusal");
    refused(&s, &zj, &h(bare, "refuse"), json!({}), 403).await;
    ok(&qs, &h(bare, "refuse"), json!({"text": "未经准入"})).await;
    refused(&s, &qs, &h(bare, "refuse"), json!({}), 409).await;
    // Report back after accepting.
    refused(&s, &cg, &h(cited, "report"), json!({"text": "已完成"}), 409).await;
    ok(&cg, &h(cited, "accept"), json!({})).await;
    refused(&s, &cg, &h(cited, "report"), json!({"text": ""}), 422).await;
    ok(&cg, &h(cited, "report"), json!({"text": "已完成排查"})).await;
    // The refusal counts against 住建局, publicly.
    let r: Value = reqwest::get(s.url("/api/v1/admission/refusals"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let zj_row = r
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["unit"] == "D-ZJ")
        .unwrap();
    assert!(zj_row["refusals"].as_u64().unwrap() >= 1, "{r}");
    // Handovers are seen by the department and the townships addressed, not others.
    let (st, _) = sj.get(&format!("{hs}/{bare}")).await;
    assert_eq!(st, 404);
    let (st, v) = qs.get(&format!("{hs}/{bare}")).await;
    assert_eq!(st, 200);
    assert_eq!(v["admitted"], false);
}

#[tokio::test]
async fn a_handover_citing_an_expired_entry_names_the_entry_and_saves_nothing() {
    let s = demo_server().await.unwrap();
    let who = |u: &'static str| {
        let e = s.engine.clone();
        async move { e.principal_of(u).await.unwrap().unwrap() }
    };
    // An entry filed and admitted long ago, whose end date has passed.
    let at = now_ms() - 400 * DAY;
    let start = tiaokuai_core::calendar::cst_date(at + 80 * DAY);
    let a = Application {
        title: "秸秆禁烧巡查".into(),
        content: "秋收期间巡查".into(),
        basis: "《大气污染防治法》第七十七条".into(),
        start_date: start.to_string(),
        end_date: tiaokuai_core::calendar::cst_date(at + 140 * DAY).to_string(),
        consult: vec![QINGSHAN.into()],
        ..Default::default()
    };
    let e = &s.engine;
    let id = e
        .admission_step(
            &who("zhujian").await,
            at,
            AdmissionCmd::Apply { application: a },
        )
        .await
        .unwrap();
    let steps = [
        (
            "qingshan_op",
            AdmissionCmd::Opinion {
                id,
                agree: true,
                text: String::new(),
            },
        ),
        (
            "bianban",
            AdmissionCmd::Review {
                id,
                review: Review::Establishment,
                pass: true,
                comment: String::new(),
            },
        ),
        (
            "sifa",
            AdmissionCmd::Review {
                id,
                review: Review::Justice,
                pass: true,
                comment: String::new(),
            },
        ),
        (
            "leader",
            AdmissionCmd::Decide {
                id,
                approve: true,
                document_no: "青政办发〔2025〕9号".into(),
                comment: String::new(),
            },
        ),
    ];
    for (u, cmd) in steps {
        e.admission_step(&who(u).await, at + DAY, cmd)
            .await
            .unwrap();
    }
    let zj = Api::login(&s, "zhujian").await;
    let task = json!({"title": "禁烧巡查", "content": "巡查", "townships": [QINGSHAN],
                      "deadline": date_in(10), "entry": id});
    let v = refused(&s, &zj, "/api/v1/admission/handovers", task, 422).await;
    assert_eq!(fields(&v), ["entry"], "{v}");
    assert_eq!(code(&v), "handover_entry_expired", "{v}");
    let cat: Value = reqwest::get(s.url("/api/v1/admission/catalogue"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let row = cat
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap();
    assert_eq!(row["stage"], "expired");
}

async fn html(s: &TestServer, a: &Api<'_>, path: &str) -> (u16, String) {
    let r = a.c.get(s.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn pages_are_scoped_and_a_refused_form_keeps_its_input() {
    let s = demo_server().await.unwrap();
    let id = admitted(&s).await;
    let zj = Api::login(&s, "zhujian").await;
    let (st, body) = html(&s, &zj, &format!("/admission/{id}")).await;
    assert_eq!(st, 200);
    assert!(body.contains("已准入") && body.contains("青政办发〔2026〕37号"));
    // Another department: not found; a grid worker: no admission pages at all.
    let sj = Api::login(&s, "shichang").await;
    assert_eq!(html(&s, &sj, &format!("/admission/{id}")).await.0, 404);
    let grid = Api::login(&s, "grid_qs01").await;
    assert_eq!(html(&s, &grid, "/admission").await.0, 403);
    // The catalogue is public.
    let r = reqwest::get(s.url("/public/admission")).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("城镇燃气安全入户排查"));
    // A form without a legal basis comes back with the field named and the input kept.
    let before = log_len(&s).await;
    let form = [
        ("csrf", zj.csrf.as_str()),
        ("title", "入户宣传"),
        ("content", "每季度入户宣传"),
        ("start_date", &date_in(120)),
        ("end_date", &date_in(300)),
    ];
    let r =
        zj.c.post(s.url("/admission/new"))
            .form(&form)
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("依据：必填"), "{body}");
    assert!(body.contains("value=\"入户宣传\""));
    assert_eq!(log_len(&s).await, before);
    // In English the page speaks English.
    zj.c.get(s.url("/lang/en")).send().await.unwrap();
    let (_, body) = html(&s, &zj, &format!("/admission/{id}")).await;
    assert!(
        body.contains("Admitted") && body.contains("Legal basis"),
        "{body}"
    );
}
