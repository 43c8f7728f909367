//! Texts to the people who must act next: a demo event called, dispatched to 住建局, signed,
//! responded to and reported back. The command centre is asked to dispatch, 住建局's handlers
//! to sign, nobody on the sign or the response, and the township to grade; a 督办 always
//! reaches the receiver. `HttpSmsGateway` posts `{"phones", "text"}` as JSON.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tiaokuai_app::events::notify::{self, HttpSmsGateway, SmsGateway, SmsNotifier};
use tiaokuai_core::events::{Channel, EventCmd, Grade, HandlingReport, Location, NewEvent};
use tiaokuai_core::events::{ReminderKind, Urgency};
use tiaokuai_testkit::demo_engine;

const T0: i64 = 1_763_700_000_000;
/// 青山镇 (the caller) and its operator; 住建局's two handlers and its leader.
const QINGSHAN: &str = "370999001";
const QINGSHAN_OP_PHONE: &str = "15907502622";
const ZJ_HANDLERS: [&str; 2] = ["15810989753", "18162181628"];
const ZJ_LEADER_PHONE: &str = "13032383451";
const DISPATCHER_PHONE: &str = "18901109960";

type Sent = Arc<Mutex<Vec<(Vec<String>, String)>>>;

struct Recorder(Sent);

impl SmsGateway for Recorder {
    fn send(&self, phones: Vec<String>, text: String) {
        self.0.lock().unwrap().push((phones, text));
    }
}

/// Waits until `sent` holds `n` texts, then returns them.
/// The texts about this test's event (the scheduler may text about the demo's other events
/// meanwhile, when the machine is slow), once there are `n` of them or after 4 s.
async fn wait_for(sent: &Sent, n: usize) -> Vec<(Vec<String>, String)> {
    let ours = || -> Vec<(Vec<String>, String)> {
        sent.lock()
            .unwrap()
            .iter()
            .filter(|(_, t)| t.contains("村口路灯不亮"))
            .cloned()
            .collect()
    };
    for _ in 0..200 {
        if ours().len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    ours()
}

fn new_event() -> NewEvent {
    NewEvent {
        channel: Channel::TownshipCall,
        title: "村口路灯不亮".into(),
        description: "王家庄村村口路灯已坏三天。".into(),
        category: String::new(),
        urgency: Urgency::Normal,
        grade: Grade::Ordinary,
        request_type: None,
        item: None,
        location: Location {
            lon: 116.71,
            lat: 36.61,
            ..Default::default()
        },
        photos: vec![],
        hotline_no: None,
        hotline_due_ms: None,
        call: true,
    }
}

#[tokio::test]
async fn dispatch_texts_the_handlers_sign_texts_nobody_report_back_texts_the_township() {
    let (engine, _fx) = demo_engine().await.unwrap();
    let sent: Sent = Arc::default();
    let sms = SmsNotifier::new(Arc::new(Recorder(sent.clone())));
    notify::spawn(engine.clone(), Arc::new(sms), Default::default());
    let who = |u: &'static str| {
        let engine = engine.clone();
        async move { engine.principal_of(u).await.unwrap().unwrap() }
    };
    let (op, dispatcher, zhujian) = (
        who("qingshan_op").await,
        who("dispatcher").await,
        who("zhujian").await,
    );

    let id = engine.report_event(&op, T0, new_event()).await.unwrap();
    let e = engine.event(id).await.unwrap();
    assert_eq!(e.caller_unit, QINGSHAN);
    let got = wait_for(&sent, 1).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].0.contains(&DISPATCHER_PHONE.to_string()), "{got:?}");
    assert!(got[0].1.contains("请及时分拨"), "{}", got[0].1);

    let dispatch = EventCmd::Dispatch {
        event: id,
        item: None,
        lead: "D-ZJ".into(),
        co: vec![],
        override_reason: Some("非清单事项".into()),
        note: String::new(),
        suggested: None,
    };
    engine.act(&dispatcher, T0 + 1_000, dispatch).await.unwrap();
    let got = wait_for(&sent, 2).await;
    assert_eq!(got.len(), 2, "{got:?}");
    let (phones, text) = &got[1];
    assert_eq!(
        text,
        &format!(
            "【条块协同】事件 {}「村口路灯不亮」已派至贵单位，请及时签收办理。",
            e.no
        )
    );
    for p in ZJ_HANDLERS {
        assert!(phones.contains(&p.to_string()), "{p} not in {phones:?}");
    }
    assert!(!phones.contains(&ZJ_LEADER_PHONE.to_string()), "{phones:?}");
    assert!(
        !phones.contains(&QINGSHAN_OP_PHONE.to_string()),
        "{phones:?}"
    );

    // Signing (and later responding) keeps the ball where it is: no text.
    engine
        .act(
            &zhujian,
            T0 + 2_000,
            EventCmd::Sign {
                event: id,
                assignment: 1,
            },
        )
        .await
        .unwrap();
    // A 督办 always reaches the receiver, though it holds nothing new.
    let remind = EventCmd::Remind {
        event: id,
        assignment: 1,
        kind: ReminderKind::Supervise,
        note: String::new(),
    };
    engine.act(&dispatcher, T0 + 2_500, remind).await.unwrap();
    let got = wait_for(&sent, 3).await;
    assert_eq!(got.len(), 3, "{got:?}");
    let (phones, text) = &got[2];
    assert!(phones.contains(&ZJ_HANDLERS[0].to_string()), "{phones:?}");
    assert!(text.ends_with("被督办，请尽快办理。"), "{text}");
    let respond = EventCmd::Respond {
        event: id,
        assignment: 1,
        contacted: "村委会".into(),
        arrived: true,
        note: String::new(),
    };
    engine.act(&zhujian, T0 + 3_000, respond).await.unwrap();
    let report_back = EventCmd::ReportBack {
        event: id,
        assignment: 1,
        report: HandlingReport {
            accepted_at_ms: T0 + 2_000,
            contacted: "村委会".into(),
            measures: "已更换灯具".into(),
            resolve_by: "当日".into(),
            photos: vec![],
        },
        note: String::new(),
    };
    engine.act(&zhujian, T0 + 4_000, report_back).await.unwrap();
    // Notices are handled in order, so the fourth text is the report back's.
    let got = wait_for(&sent, 4).await;
    assert_eq!(got.len(), 4, "sign or respond sent a text: {got:?}");
    let (phones, text) = &got[3];
    assert!(
        phones.contains(&QINGSHAN_OP_PHONE.to_string()),
        "{phones:?}"
    );
    for p in ZJ_HANDLERS {
        assert!(!phones.contains(&p.to_string()), "{phones:?}");
    }
    assert!(text.ends_with("已反馈办理结果，请及时评价。"), "{text}");
}

#[tokio::test]
async fn http_gateway_posts_phones_and_text_as_json() {
    use axum::{routing::post, Json, Router};
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<serde_json::Value>();
    let app = Router::new().route(
        "/sms",
        post(move |Json(v): Json<serde_json::Value>| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(v);
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let gw = HttpSmsGateway::new(&format!("http://{addr}/sms"));
    gw.send(
        vec!["15810989753".into(), "18162181628".into()],
        "【条块协同】事件 2026-000123「村口路灯不亮」已派至贵单位，请及时签收办理。".into(),
    );
    let body = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("the gateway posted nothing")
        .unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "phones": ["15810989753", "18162181628"],
            "text": "【条块协同】事件 2026-000123「村口路灯不亮」已派至贵单位，请及时签收办理。",
        })
    );
    // An unreachable gateway is logged, never fatal.
    HttpSmsGateway::new("http://127.0.0.1:9/sms").send(vec!["1".into()], "x".into());
    tokio::time::sleep(Duration::from_millis(100)).await;
}
