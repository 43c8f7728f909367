//! Outbound notifications. Every workflow step is already in the log; a notifier tells people
//! outside the web app. The default only writes to the application log; a webhook (for an
//! SMS gateway adapter or a messaging bot) and an SMS gateway (texts to the people who must
//! act next, `sms.rs`) can be configured, alone or together (`Fanout`).

mod sms;

use crate::engine::{Committed, Engine};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use tiaokuai_core::events::work::{units_to_act, COMMAND_CENTRE, ESTABLISHMENT_OFFICE};
use tiaokuai_core::events::{EventCmd, ReminderKind};
use tiaokuai_core::org::RoleKind;
use tiaokuai_core::state::OrgState;
use tiaokuai_core::Transition;
use tokio::sync::broadcast::error::RecvError;

pub use sms::{HttpSmsGateway, SmsGateway, SmsNotifier};

/// One notification: what happened to which event, and the units to tell.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub event: u64,
    pub no: String,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub units: Vec<String>,
    pub at_ms: i64,
    /// The units that hold the ball after this step (`work::units_to_act`; the command centre
    /// and 编办 appear as the markers `@command_centre` and `@establishment_office`).
    pub to_act: Vec<String>,
    /// For `event.remind`: the receiver of the reminded hop and the reminder's kind
    /// (催办, 督办 or 升级督办).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminded: Option<(String, String)>,
    /// Mobile numbers of the desk staff of each unit in `to_act` and `reminded` (units whose
    /// people have no phone are left out). Not serialised: the webhook never sees them.
    #[serde(skip)]
    pub phones: BTreeMap<String, Vec<String>>,
}

pub trait Notifier: Send + Sync + 'static {
    /// Must not block: slow deliveries belong on their own task.
    fn notify(&self, n: Notice);

    /// Whether notices need `phones` filled in (a scan of the people, skipped otherwise).
    fn wants_phones(&self) -> bool {
        false
    }
}

/// Writes notices to the application log only (target `tiaokuai::notify`).
pub struct LogNotifier;

impl Notifier for LogNotifier {
    fn notify(&self, n: Notice) {
        tracing::info!(target: "tiaokuai::notify", event = n.event, no = %n.no, kind = %n.kind, units = ?n.units, "notice");
    }
}

/// POSTs each notice as JSON to a URL (an SMS gateway adapter, a chat bot...).
pub struct WebhookNotifier {
    url: String,
    client: reqwest::Client,
}

impl WebhookNotifier {
    pub fn new(url: &str) -> Self {
        WebhookNotifier {
            url: url.to_string(),
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()
                .unwrap_or_default(),
        }
    }
}

impl Notifier for WebhookNotifier {
    fn notify(&self, n: Notice) {
        let req = self.client.post(&self.url).json(&n);
        deliver(async move {
            if let Err(e) = req.send().await.and_then(|r| r.error_for_status()) {
                tracing::warn!(error = %e, event = n.event, "webhook notice failed");
            }
        });
    }
}

/// Hands each notice to every notifier in turn (for example the webhook and the SMS gateway).
pub struct Fanout(pub Vec<Arc<dyn Notifier>>);

impl Notifier for Fanout {
    fn notify(&self, n: Notice) {
        for x in &self.0 {
            x.notify(n.clone());
        }
    }

    fn wants_phones(&self) -> bool {
        self.0.iter().any(|x| x.wants_phones())
    }
}

/// The working desk roles texted first; the leaders only when no working desk has a phone.
const WORKING: [RoleKind; 3] = [
    RoleKind::TownshipOperator,
    RoleKind::CountyDispatcher,
    RoleKind::DepartmentHandler,
];
const LEADING: [RoleKind; 2] = [RoleKind::TownshipLeader, RoleKind::DepartmentLeader];

/// Mobile numbers of the active people who act for `unit` (a unit code or one of the
/// `ball` markers) in a desk role, sorted and without duplicates.
pub fn phones_of(org: &OrgState, unit: &str) -> Vec<String> {
    let pick = |roles: &[RoleKind]| -> Vec<String> {
        let mut out: Vec<String> = org
            .people
            .values()
            .filter(|p| p.person.active && !p.person.phone.trim().is_empty())
            .filter(|p| {
                p.grants.iter().any(|g| {
                    roles.contains(&g.role)
                        && match unit {
                            COMMAND_CENTRE => g.role == RoleKind::CountyDispatcher,
                            ESTABLISHMENT_OFFICE => g.role == RoleKind::EstablishmentReviewer,
                            _ => {
                                tiaokuai_core::events::who::effective_unit(org, g.role, &g.unit)
                                    == unit
                            }
                        }
                })
            })
            .map(|p| p.person.phone.trim().to_string())
            .collect();
        out.sort();
        out.dedup();
        out
    };
    match unit {
        ESTABLISHMENT_OFFICE => pick(&[RoleKind::EstablishmentReviewer]),
        _ => {
            let working = pick(&WORKING);
            if working.is_empty() {
                pick(&LEADING)
            } else {
                working
            }
        }
    }
}

/// The kind of reminder entry `seq` records (催办, 督办 or 升级督办), read from the log.
async fn reminder_kind(engine: &Engine, seq: u64) -> Option<ReminderKind> {
    let entries = engine
        .store()
        .read_entries(engine.county(), &[seq])
        .await
        .ok()?;
    entries
        .into_iter()
        .find_map(|x| match Transition::from_payload(&x.payload) {
            Ok(Transition::Event {
                cmd: EventCmd::Remind { kind, .. },
                ..
            }) => Some(kind),
            _ => None,
        })
}

/// The notice for a committed entry, if it is a workflow step; with the staff's phones when
/// `with_phones`.
pub async fn notice_for(engine: &Engine, c: &Committed, with_phones: bool) -> Option<Notice> {
    let id = c.event?;
    let reminder = if c.kind == "event.remind" {
        reminder_kind(engine, c.seq).await
    } else {
        None
    };
    engine
        .with_state(|s| {
            let e = s.events.event(id)?;
            let to_act = units_to_act(&s.events, e);
            // The reminded hop is the one this entry changed.
            let reminded = reminder.and_then(|k| {
                e.assignments
                    .iter()
                    .find(|a| a.seq == c.seq)
                    .map(|a| (a.receiver_unit.clone(), k.label_zh().to_string()))
            });
            let phones: BTreeMap<String, Vec<String>> = to_act
                .iter()
                .chain(reminded.as_ref().map(|r| &r.0))
                .filter(|_| with_phones)
                .map(|u| (u.clone(), phones_of(&s.org, u)))
                .filter(|(_, p)| !p.is_empty())
                .collect();
            let mut units: Vec<String> = e
                .assignments
                .iter()
                .map(|a| a.receiver_unit.clone())
                .collect();
            units.push(e.caller_unit.clone());
            units.sort();
            units.dedup();
            Some(Notice {
                event: id,
                no: e.no.clone(),
                title: e.facts.title.clone(),
                kind: c.kind.clone(),
                status: e.status.as_str().to_string(),
                units,
                at_ms: c.at_ms,
                to_act,
                reminded,
                phones,
            })
        })
        .await
        .ok()
        .flatten()
}

/// Feeds every committed workflow step to `notifier` until `stop` is cancelled; then hands
/// over the steps already committed and returns (see [`drain`] for the deliveries).
pub fn spawn(
    engine: Engine,
    notifier: Arc<dyn Notifier>,
    stop: tokio_util::sync::CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let mut rx = engine.subscribe();
    let with_phones = notifier.wants_phones();
    tokio::spawn(async move {
        loop {
            let got = tokio::select! {
                biased;
                r = rx.recv() => r,
                _ = stop.cancelled() => break,
            };
            match got {
                Ok(c) => {
                    if let Some(n) = notice_for(&engine, &c, with_phones).await {
                        notifier.notify(n);
                    }
                }
                Err(RecvError::Lagged(k)) => tracing::warn!(missed = k, "notifier fell behind"),
                Err(RecvError::Closed) => return,
            }
        }
        // Stopping: what was committed before the stop still gets its notice.
        while let Ok(c) = rx.try_recv() {
            if let Some(n) = notice_for(&engine, &c, with_phones).await {
                notifier.notify(n);
            }
        }
    })
}

/// Deliveries (webhook and SMS requests) under way; [`drain`] waits for them on shutdown.
fn deliveries() -> &'static tokio_util::task::TaskTracker {
    static T: std::sync::OnceLock<tokio_util::task::TaskTracker> = std::sync::OnceLock::new();
    T.get_or_init(tokio_util::task::TaskTracker::new)
}

/// Runs one delivery on its own task, tracked for [`drain`].
pub(crate) fn deliver(f: impl std::future::Future<Output = ()> + Send + 'static) {
    deliveries().spawn(f);
}

/// Waits up to `grace` for deliveries under way; returns how many did not finish (they are
/// logged as undelivered).
pub async fn drain(grace: std::time::Duration) -> usize {
    let t = deliveries();
    t.close();
    if tokio::time::timeout(grace, t.wait()).await.is_ok() {
        return 0;
    }
    let left = t.len();
    tracing::warn!(
        target: "tiaokuai::notify",
        undelivered = left,
        "shutting down with notices still being delivered; they are lost"
    );
    left
}
