//! Live updates: `GET /desk/live` speaks server-sent events (`text/event-stream`) to the
//! browser's `EventSource` (`static/live.js`). Each message is one committed workflow entry
//! the viewer may see (`who::may_see`): `{seq, kind, event, no}`, with the log sequence as its
//! SSE id.
//!
//! A response is held open until something arrives (or [`HOLD`] passes: the keep-alive), then
//! ends; the browser reconnects at once (`retry:`) and sends `Last-Event-ID`, from which the
//! next response resumes, so nothing committed in between is lost. Entries are picked up from
//! the engine's broadcast as they commit here, and from the state for entries other server
//! processes wrote. A receiver that falls behind the broadcast (`Lagged`) tells the client to
//! reload. Bounded responses also let the server shut down gracefully while desks are open.
//!
//! Each response is a complete SSE body rather than `axum::response::Sse` over an endless
//! stream: the server crate has no `Stream` at hand (no `futures`/`tokio-stream` dependency),
//! and an endless stream would hold a graceful shutdown for as long as a desk stays open.

use crate::session::PageSession;
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::Duration;
use tiaokuai_core::access::Principal;
use tiaokuai_core::events::scope::{read_scope, sees};
use tiaokuai_core::events::who::may_see;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::{sleep, sleep_until, Instant};

/// How long a response waits for news before it ends with only a keep-alive. It also bounds
/// how long a graceful shutdown waits for open desks.
const HOLD: Duration = Duration::from_secs(15);
/// How often a waiting response checks the state for entries other servers appended.
const POLL: Duration = Duration::from_secs(3);
/// After the first entry, how long to wait for others committed together with it.
const GATHER: Duration = Duration::from_millis(200);
/// The client's reconnection delay.
const RETRY_MS: u32 = 500;
/// More missed entries than this, and the client is told to reload instead.
const MAX_CATCH_UP: usize = 100;

#[derive(Deserialize, Default)]
pub struct LiveQuery {
    /// The first log sequence the page has not seen (the log size when it was rendered).
    from: Option<u64>,
    /// Only entries about this event (the event page).
    event: Option<u64>,
}

#[derive(Serialize)]
struct Hit {
    seq: u64,
    kind: String,
    event: u64,
    no: String,
}

/// Who is listening, and to what.
struct Listener<'a> {
    state: &'a AppState,
    who: &'a Principal,
    only: Option<u64>,
}

impl Listener<'_> {
    /// Whether the viewer may see event `id` (and listens to it); its number if so.
    async fn visible(&self, id: u64) -> Option<String> {
        if self.only.is_some_and(|o| o != id) {
            return None;
        }
        self.state
            .engine
            .with_state(|st| {
                st.events
                    .event(id)
                    .filter(|e| may_see(self.who, &st.org, e))
                    .map(|e| e.no.clone())
            })
            .await
            .ok()
            .flatten()
    }

    /// Entries with a sequence in `[from, to)` (to = the log size when `None`) about events the
    /// viewer may see, read from the state. Returns the log size read and the entries, or
    /// `None` when there are too many to list.
    async fn scan(&self, from: u64, to: Option<u64>) -> (u64, Option<Vec<Hit>>) {
        let found = self
            .state
            .engine
            .with_state(|st| {
                let to = to.unwrap_or(st.log_len).min(st.log_len);
                let mut v: Vec<(u64, u64, String)> = Vec::new();
                let scope = read_scope(&st.org, self.who);
                for e in st.events.events.values() {
                    if e.seq < from || self.only.is_some_and(|o| o != e.id) {
                        continue;
                    }
                    if !sees(&scope, e) {
                        continue;
                    }
                    for &h in e.history.iter().rev() {
                        if h < from {
                            break;
                        }
                        if h < to {
                            v.push((h, e.id, e.no.clone()));
                        }
                    }
                }
                v.sort();
                (st.log_len, v)
            })
            .await;
        let Ok((len, v)) = found else {
            return (from, Some(vec![]));
        };
        if v.len() > MAX_CATCH_UP {
            return (len, None);
        }
        if v.is_empty() {
            return (len, Some(vec![]));
        }
        let seqs: Vec<u64> = v.iter().map(|x| x.0).collect();
        let kinds: BTreeMap<u64, String> = match self
            .state
            .engine
            .store()
            .read_entries(self.state.engine.county(), &seqs)
            .await
        {
            Ok(entries) => entries
                .into_iter()
                .map(|x| (x.header.seq, x.header.kind))
                .collect(),
            Err(e) => {
                tracing::warn!(error = %e, "live: reading entry kinds failed");
                BTreeMap::new()
            }
        };
        let hits = v
            .into_iter()
            .map(|(seq, event, no)| Hit {
                seq,
                kind: kinds.get(&seq).cloned().unwrap_or_else(|| "event".into()),
                event,
                no,
            })
            .collect();
        (len, Some(hits))
    }
}

fn last_event_id(headers: &HeaderMap) -> Option<u64> {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
}

/// What one response carries.
enum Outcome {
    Hits(Vec<Hit>),
    Reload,
}

fn body(pos: u64, out: Outcome) -> String {
    let mut b = format!(": tiaokuai live\nretry: {RETRY_MS}\n\n");
    match out {
        Outcome::Hits(hits) => {
            for h in hits {
                let data = serde_json::to_string(&h).unwrap_or_else(|_| "{}".into());
                let _ = write!(b, "id: {}\nevent: entry\ndata: {data}\n\n", h.seq);
            }
        }
        Outcome::Reload => b.push_str("event: reload\ndata: {}\n\n"),
    }
    // Where the next response resumes (Last-Event-ID), even when nothing was sent.
    if let Some(last) = pos.checked_sub(1) {
        let _ = write!(b, "id: {last}\n\n");
    }
    b
}

pub async fn live(
    State(state): State<AppState>,
    session: Result<PageSession, Response>,
    headers: HeaderMap,
    Query(q): Query<LiveQuery>,
) -> Response {
    // 204 tells EventSource to stop reconnecting (logged out, session expired).
    let Ok(PageSession(s)) = session else {
        return StatusCode::NO_CONTENT.into_response();
    };
    let l = Listener {
        state: &state,
        who: &s.principal,
        only: q.event,
    };
    // Subscribe before reading the state, so nothing falls between the two.
    let mut rx = state.engine.subscribe();
    let from = last_event_id(&headers).map(|x| x + 1).or(q.from);
    let (mut pos, mut hits) = match from {
        Some(f) => match l.scan(f, None).await {
            (len, Some(h)) => (len.max(f), h),
            (len, None) => return sse(body(len, Outcome::Reload)),
        },
        None => (
            state.engine.with_state(|st| st.log_len).await.unwrap_or(0),
            vec![],
        ),
    };
    let deadline = Instant::now() + HOLD;
    let mut gather_until: Option<Instant> = None;
    loop {
        if !hits.is_empty() && gather_until.is_none() {
            gather_until = Some(Instant::now() + GATHER);
        }
        let until = gather_until.unwrap_or(deadline).min(deadline);
        tokio::select! {
            r = rx.recv() => match r {
                Ok(c) => {
                    if c.seq < pos {
                        continue;
                    }
                    if c.seq > pos {
                        // Appended meanwhile by another server process.
                        match l.scan(pos, Some(c.seq)).await {
                            (_, Some(h)) => hits.extend(h),
                            (len, None) => return sse(body(len, Outcome::Reload)),
                        }
                    }
                    pos = c.seq + 1;
                    if let Some(id) = c.event {
                        if let Some(no) = l.visible(id).await {
                            hits.push(Hit { seq: c.seq, kind: c.kind, event: id, no });
                        }
                    }
                }
                Err(RecvError::Lagged(_)) => return sse(body(pos, Outcome::Reload)),
                Err(RecvError::Closed) => break,
            },
            _ = sleep(POLL), if gather_until.is_none() => {
                let len = state.engine.with_state(|st| st.log_len).await.unwrap_or(pos);
                if len > pos {
                    match l.scan(pos, None).await {
                        (len, Some(h)) => {
                            hits.extend(h);
                            pos = pos.max(len);
                        }
                        (len, None) => return sse(body(len, Outcome::Reload)),
                    }
                }
            },
            _ = sleep_until(until) => break,
        }
    }
    hits.sort_by_key(|h| h.seq);
    hits.dedup_by_key(|h| h.seq);
    sse(body(pos, Outcome::Hits(hits)))
}

fn sse(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/event-stream; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache, no-store"),
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        body,
    )
        .into_response()
}

pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../../static/live.js"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_carries_entries_and_where_to_resume() {
        let b = body(
            43,
            Outcome::Hits(vec![Hit {
                seq: 41,
                kind: "event.dispatch".into(),
                event: 7,
                no: "2026-000001".into(),
            }]),
        );
        assert!(b.contains("retry: 500\n"));
        assert!(b.contains(
            "id: 41\nevent: entry\ndata: {\"seq\":41,\"kind\":\"event.dispatch\",\"event\":7,\"no\":\"2026-000001\"}\n\n"
        ));
        assert!(b.ends_with("id: 42\n\n"));
        let r = body(10, Outcome::Reload);
        assert!(r.contains("event: reload\n"));
        assert!(!body(0, Outcome::Hits(vec![])).contains("id:"));
    }

    #[test]
    fn last_event_id_is_read_from_the_header() {
        let mut h = HeaderMap::new();
        assert_eq!(last_event_id(&h), None);
        h.insert(
            "last-event-id",
            axum::http::HeaderValue::from_static(" 17 "),
        );
        assert_eq!(last_event_id(&h), Some(17));
        h.insert("last-event-id", axum::http::HeaderValue::from_static("x"));
        assert_eq!(last_event_id(&h), None);
    }
}
