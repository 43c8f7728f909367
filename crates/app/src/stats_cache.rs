//! The recent statistical facts in memory. Dashboards and scorecards ask about the last
//! months again and again; reading those facts from the database for every question took
//! seconds at 100,000 events. The cache holds the facts whose own time (report or dispatch)
//! lies in the last [`WINDOW_MONTHS`] months. Before each question it catches up with the
//! store: the events changed since the log position it saw (this process's appends and other
//! servers' alike) are read back from the facts tables, so it never disagrees with them.
//! Older periods are read from the database as before.

use crate::error::Result;
use std::collections::HashMap;
use tiaokuai_core::stats::{EventFact, HopFact, Period};
use tiaokuai_store::Store;
use tokio::sync::RwLock;

/// Months of facts kept in memory (a year to compare with, and the current month).
pub const WINDOW_MONTHS: u32 = 13;

#[derive(Default)]
pub struct FactCache {
    inner: RwLock<Option<Cached>>,
}

struct Cached {
    /// The log size whose changes are in.
    log_len: u64,
    /// Facts at or after this time are kept.
    from_ms: i64,
    events: HashMap<u64, EventFact>,
    hops: HashMap<(u64, u32), HopFact>,
}

impl Cached {
    fn put(&mut self, events: Vec<EventFact>, hops: Vec<HopFact>) {
        for f in events {
            if f.created_ms >= self.from_ms {
                self.events.insert(f.event_id, f);
            }
        }
        for f in hops {
            if f.dispatched_ms >= self.from_ms {
                self.hops.insert((f.event_id, f.n), f);
            }
        }
    }
}

/// The facts of one period: borrowed from the cache, or read from the database.
pub struct Facts<'a>(Source<'a>);

enum Source<'a> {
    Cached(tokio::sync::RwLockReadGuard<'a, Option<Cached>>, i64, i64),
    Read(Vec<EventFact>, Vec<HopFact>),
}

impl Facts<'_> {
    pub fn events(&self) -> Box<dyn Iterator<Item = &EventFact> + '_> {
        match &self.0 {
            Source::Cached(g, from, to) => Box::new(
                g.iter()
                    .flat_map(|c| c.events.values())
                    .filter(move |f| (*from..*to).contains(&f.created_ms)),
            ),
            Source::Read(e, _) => Box::new(e.iter()),
        }
    }

    pub fn hops(&self) -> Box<dyn Iterator<Item = &HopFact> + '_> {
        match &self.0 {
            Source::Cached(g, from, to) => Box::new(
                g.iter()
                    .flat_map(|c| c.hops.values())
                    .filter(move |f| (*from..*to).contains(&f.dispatched_ms)),
            ),
            Source::Read(_, h) => Box::new(h.iter()),
        }
    }
}

impl FactCache {
    /// The facts of `[from_ms, to_ms)`, as the store holds them now.
    pub async fn facts(
        &self,
        store: &Store,
        county: &str,
        from_ms: i64,
        to_ms: i64,
        now_ms: i64,
    ) -> Result<Facts<'_>> {
        let window = Period::trailing_months(now_ms, WINDOW_MONTHS).from_ms();
        if from_ms < window {
            let (e, h) = store.stat_facts(county, from_ms, to_ms).await?;
            return Ok(Facts(Source::Read(e, h)));
        }
        let size = store.log_size(county).await?;
        let stale = {
            let g = self.inner.read().await;
            match g.as_ref() {
                Some(c) => c.log_len != size || c.from_ms > window,
                None => true,
            }
        };
        if stale {
            let mut g = self.inner.write().await;
            match g.as_mut() {
                // A new month moved the window: start again from the store.
                Some(c) if c.from_ms <= window => {
                    if c.log_len != size {
                        let (e, h) = store.stat_facts_changed_since(county, c.log_len).await?;
                        c.put(e, h);
                        c.log_len = size;
                    }
                }
                _ => {
                    let (e, h) = store.stat_facts(county, window, i64::MAX).await?;
                    let mut c = Cached {
                        log_len: size,
                        from_ms: window,
                        events: HashMap::with_capacity(e.len()),
                        hops: HashMap::with_capacity(h.len()),
                    };
                    c.put(e, h);
                    *g = Some(c);
                }
            }
        }
        Ok(Facts(Source::Cached(
            self.inner.read().await,
            from_ms,
            to_ms,
        )))
    }
}
