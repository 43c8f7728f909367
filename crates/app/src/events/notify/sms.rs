//! Texts (SMS) to the people who must act next. `SmsNotifier` turns each notice into a short
//! Chinese message for every unit that newly holds the ball (`ball::units_to_act`), and for
//! the receiver of a 催办/督办/升级督办; an `SmsGateway` delivers it. `HttpSmsGateway` POSTs
//! `{"phones": [...], "text": "..."}` to a URL (an adapter in front of the operator's SMS API).

use super::{Notice, Notifier};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Delivers one text to some phones.
pub trait SmsGateway: Send + Sync + 'static {
    /// Must not block: slow deliveries belong on their own task.
    fn send(&self, phones: Vec<String>, text: String);
}

/// POSTs `{"phones": [...], "text": "..."}` as JSON to a URL; failures are logged, never fatal.
pub struct HttpSmsGateway {
    url: String,
    client: reqwest::Client,
}

impl HttpSmsGateway {
    pub fn new(url: &str) -> Self {
        HttpSmsGateway {
            url: url.to_string(),
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
        }
    }
}

#[derive(serde::Serialize)]
struct SmsBody {
    phones: Vec<String>,
    text: String,
}

impl SmsGateway for HttpSmsGateway {
    fn send(&self, phones: Vec<String>, text: String) {
        if tokio::runtime::Handle::try_current().is_err() {
            tracing::warn!("SMS not sent: no async runtime");
            return;
        }
        let n = phones.len();
        let req = self.client.post(&self.url).json(&SmsBody { phones, text });
        super::deliver(async move {
            if let Err(e) = req.send().await.and_then(|r| r.error_for_status()) {
                tracing::warn!(target: "tiaokuai::notify", error = %e, phones = n, "SMS gateway failed");
            }
        });
    }
}

/// How many events' ball holders are remembered (the oldest are forgotten first).
const MEMORY: usize = 10_000;

/// Steps that never hand the ball to anyone new: an event the notifier has not seen before
/// (after a restart) gets no text on these.
const NO_HANDOVER: [&str; 6] = [
    "event.sign",
    "event.check_in",
    "event.respond",
    "event.note",
    "event.public_feedback",
    "event.case.conclude",
];

#[derive(Default)]
struct Holders {
    by_event: HashMap<u64, Vec<String>>,
    order: VecDeque<u64>,
}

impl Holders {
    /// Records the holders of `event` and returns the previous ones (None if unknown).
    fn swap(&mut self, event: u64, now: Vec<String>) -> Option<Vec<String>> {
        let prev = self.by_event.insert(event, now);
        if prev.is_none() {
            self.order.push_back(event);
            while self.order.len() > MEMORY {
                if let Some(old) = self.order.pop_front() {
                    self.by_event.remove(&old);
                }
            }
        }
        prev
    }
}

/// Texts the desk staff of each unit that newly holds the ball on an event, and the receiver
/// of a reminded hop. Units whose people have no phone get nothing.
pub struct SmsNotifier {
    gateway: Arc<dyn SmsGateway>,
    holders: Mutex<Holders>,
}

impl SmsNotifier {
    pub fn new(gateway: Arc<dyn SmsGateway>) -> Self {
        SmsNotifier {
            gateway,
            holders: Mutex::new(Holders::default()),
        }
    }

    /// The units to text for `n`, with the text for each.
    fn texts(&self, n: &Notice) -> Vec<(String, String)> {
        let prev = self
            .holders
            .lock()
            .map(|mut h| h.swap(n.event, n.to_act.clone()))
            .unwrap_or_default();
        if let Some((unit, label)) = &n.reminded {
            return vec![(unit.clone(), text(n, &format!("被{label}，请尽快办理。")))];
        }
        let new: Vec<&String> = match &prev {
            Some(p) => n.to_act.iter().filter(|u| !p.contains(u)).collect(),
            None if NO_HANDOVER.contains(&n.kind.as_str()) => Vec::new(),
            None => n.to_act.iter().collect(),
        };
        let ask = ask(&n.kind, &n.status);
        new.into_iter().map(|u| (u.clone(), text(n, ask))).collect()
    }
}

impl Notifier for SmsNotifier {
    fn wants_phones(&self) -> bool {
        true
    }

    fn notify(&self, n: Notice) {
        for (unit, text) in self.texts(&n) {
            let Some(phones) = n.phones.get(&unit).filter(|p| !p.is_empty()) else {
                tracing::debug!(target: "tiaokuai::notify", unit = %unit, "no phone to text");
                continue;
            };
            let phones: Vec<String> = phones
                .iter()
                .cloned()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            self.gateway.send(phones, text);
        }
    }
}

/// What the step asks of the unit it reaches (`status`: the event's status after it).
fn ask(kind: &str, status: &str) -> &'static str {
    if status == "called" {
        // Reported straight to the county (一键呼叫), or called after a draft.
        return "已呼叫县级，请及时分拨。";
    }
    match kind {
        "event.dispatch" | "event.assign" | "event.whistle" => "已派至贵单位，请及时签收办理。",
        "event.report_back" => "已反馈办理结果，请及时评价。",
        "event.return.request" => "有退单申请，请及时审核。",
        "event.extension.request" => "有延期申请，请及时审核。",
        "event.appeal" => "有评价申诉，请及时审核。",
        "event.evaluate" | "event.verify" => "需重办，请及时签收办理。",
        _ => "待贵单位办理，请及时处理。",
    }
}

/// Longest title kept in a text (characters); longer ones end with "…".
const TITLE_MAX: usize = 16;

/// `【条块协同】事件 2026-000123「村口路灯不亮」已派至贵单位，请及时签收办理。`
fn text(n: &Notice, ask: &str) -> String {
    let title: String = if n.title.chars().count() > TITLE_MAX {
        n.title.chars().take(TITLE_MAX - 1).chain(['…']).collect()
    } else {
        n.title.clone()
    };
    format!("【条块协同】事件 {}「{}」{}", n.no, title, ask)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<(Vec<String>, String)>>);

    impl SmsGateway for Recorder {
        fn send(&self, phones: Vec<String>, text: String) {
            self.0.lock().unwrap().push((phones, text));
        }
    }

    fn notice(kind: &str, to_act: &[&str]) -> Notice {
        let phones: BTreeMap<String, Vec<String>> = [
            ("D-ZJ", "13800000001"),
            ("T1", "13800000002"),
            ("@command_centre", "13800000003"),
        ]
        .into_iter()
        .map(|(u, p)| (u.to_string(), vec![p.to_string()]))
        .collect();
        Notice {
            event: 1,
            no: "2026-000123".into(),
            title: "村口路灯不亮".into(),
            kind: kind.into(),
            status: if kind == "event.call" { "called" } else { "" }.into(),
            units: vec![],
            at_ms: 0,
            to_act: to_act.iter().map(|s| s.to_string()).collect(),
            reminded: None,
            phones,
        }
    }

    fn run(steps: &[Notice]) -> Vec<Vec<(Vec<String>, String)>> {
        let rec = Arc::new(Recorder::default());
        let sms = SmsNotifier::new(rec.clone());
        steps
            .iter()
            .map(|n| {
                sms.notify(n.clone());
                std::mem::take(&mut *rec.0.lock().unwrap())
            })
            .collect()
    }

    #[test]
    fn only_new_holders_get_a_text_worded_for_the_step() {
        let got = run(&[
            notice("event.call", &["@command_centre"]),
            notice("event.dispatch", &["D-ZJ"]),
            notice("event.sign", &["D-ZJ"]),
            notice("event.report_back", &["T1"]),
            notice("event.evaluate", &[]),
        ]);
        assert_eq!(
            got[0][0].1,
            "【条块协同】事件 2026-000123「村口路灯不亮」已呼叫县级，请及时分拨。"
        );
        assert_eq!(got[1].len(), 1);
        assert_eq!(got[1][0].0, vec!["13800000001"]);
        assert!(got[1][0].1.ends_with("已派至贵单位，请及时签收办理。"));
        assert!(got[2].is_empty(), "{:?}", got[2]);
        assert_eq!(got[3][0].0, vec!["13800000002"]);
        assert!(got[3][0].1.contains("请及时评价"));
        assert!(got[4].is_empty());
    }

    #[test]
    fn reminders_always_text_the_receiver_and_unknown_events_stay_quiet_on_sign() {
        let mut r = notice("event.remind", &["D-ZJ"]);
        r.reminded = Some(("D-ZJ".into(), "督办".into()));
        let got = run(&[notice("event.sign", &["D-ZJ"]), r.clone(), r]);
        assert!(got[0].is_empty());
        for g in &got[1..] {
            assert_eq!(g.len(), 1);
            assert_eq!(g[0].0, vec!["13800000001"]);
            assert!(g[0].1.contains("被督办"), "{}", g[0].1);
        }
    }

    #[test]
    fn no_phone_no_text_and_long_titles_are_cut() {
        let mut n = notice("event.dispatch", &["D-NOPHONE", "D-ZJ"]);
        n.title = "某某村村口至镇政府方向道路两侧路灯大面积不亮影响夜间通行安全".into();
        let got = run(&[n]);
        assert_eq!(got[0].len(), 1);
        let t = &got[0][0].1;
        assert!(t.contains('…'), "{t}");
        assert!(t.chars().count() <= 70, "{} chars: {t}", t.chars().count());
    }
}
