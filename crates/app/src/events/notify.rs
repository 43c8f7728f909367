//! Outbound notifications. Every workflow step is already in the log; a notifier tells people
//! outside the web app. The default only writes to the application log; a webhook (for an
//! SMS gateway or a messaging bot) can be configured.

use crate::engine::{Committed, Engine};
use serde::Serialize;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

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
}

pub trait Notifier: Send + Sync + 'static {
    /// Must not block: slow deliveries belong on their own task.
    fn notify(&self, n: Notice);
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
        tokio::spawn(async move {
            if let Err(e) = req.send().await.and_then(|r| r.error_for_status()) {
                tracing::warn!(error = %e, event = n.event, "webhook notice failed");
            }
        });
    }
}

/// The notice for a committed entry, if it is a workflow step.
pub async fn notice_for(engine: &Engine, c: &Committed) -> Option<Notice> {
    let id = c.event?;
    engine
        .with_state(|s| {
            let e = s.events.event(id)?;
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
            })
        })
        .await
        .ok()
        .flatten()
}

/// Feeds every committed workflow step to `notifier` until the engine stops.
pub fn spawn(engine: Engine, notifier: Arc<dyn Notifier>) -> tokio::task::JoinHandle<()> {
    let mut rx = engine.subscribe();
    tokio::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(c) => {
                    if let Some(n) = notice_for(&engine, &c).await {
                        notifier.notify(n);
                    }
                }
                Err(RecvError::Lagged(k)) => tracing::warn!(missed = k, "notifier fell behind"),
                Err(RecvError::Closed) => break,
            }
        }
    })
}
