//! The one write path: append entries (and project them) inside a transaction that holds the
//! county's log lock.

use crate::log::{row_to_entry, to_hash};
use crate::personal::{decode_entries, VaultRow};
use crate::project::project;
use crate::project_events::{project_events, EventRows};
use crate::{Backend, Result, Store};
use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, Connection, Executor, Row};
use std::sync::Arc;
use tiaokuai_core::{CountyState, Transition};
use tiaokuai_log::{Checkpoint, Hash, LogEntry};
use tokio::sync::OwnedMutexGuard;

/// The one connection every append of this process goes through. Appends are serialised
/// anyway (SQLite admits one writer; PostgreSQL appends hold the county's advisory lock), so a
/// dedicated connection costs no concurrency and saves the pool's acquire, liveness ping and
/// release per append. On SQLite it also keeps its page cache warm: a pooled connection finds
/// its cache invalidated by whichever connection wrote last. A connection that fails to begin
/// or to roll back is dropped and replaced on the next append (a restarted PostgreSQL).
pub(crate) struct WriterConn {
    opts: AnyConnectOptions,
    backend: Backend,
    conn: Option<AnyConnection>,
    /// A transaction was begun and neither committed nor rolled back yet.
    open_txn: bool,
    closed: bool,
}

impl WriterConn {
    pub(crate) async fn open(opts: &AnyConnectOptions, backend: Backend) -> Result<WriterConn> {
        let mut w = WriterConn {
            opts: opts.clone(),
            backend,
            conn: None,
            open_txn: false,
            closed: false,
        };
        w.ready().await?;
        Ok(w)
    }

    pub(crate) async fn close(&mut self) {
        self.closed = true;
        if let Some(c) = self.conn.take() {
            let _ = c.close().await;
        }
    }

    /// The connection, (re)connected if needed.
    async fn ready(&mut self) -> Result<&mut AnyConnection> {
        if self.closed {
            return Err(crate::StoreError::Corrupt("the store is closed".into()));
        }
        if self.conn.is_none() {
            let mut conn = AnyConnection::connect_with(&self.opts).await?;
            if self.backend == Backend::Sqlite {
                crate::sqlite_pragmas(&mut conn).await?;
                // The writer touches every read model's indexes; 32 MiB keeps them in memory.
                conn.execute("pragma cache_size = -32768").await?;
            }
            self.conn = Some(conn);
        }
        self.conn()
    }

    fn conn(&mut self) -> Result<&mut AnyConnection> {
        self.conn
            .as_mut()
            .ok_or_else(|| crate::StoreError::Corrupt("the write connection is gone".into()))
    }

    async fn begin(&mut self, county: &str) -> Result<()> {
        self.rollback_if_open().await;
        match self.try_begin(county).await {
            Ok(()) => Ok(()),
            // A PostgreSQL connection may have died while idle (a restarted or failed-over
            // server): one more try on a fresh connection. SQLite's failure is a busy lock,
            // already waited for.
            Err(_) if self.backend == Backend::Postgres && self.conn.is_none() => {
                self.try_begin(county).await
            }
            Err(e) => Err(e),
        }
    }

    async fn try_begin(&mut self, county: &str) -> Result<()> {
        let r = match self.backend {
            // Takes SQLite's write lock now (waiting up to busy_timeout), before this
            // transaction reads anything it will build on.
            Backend::Sqlite => self.ready().await?.execute("begin immediate").await,
            Backend::Postgres => match self.ready().await?.execute("begin").await {
                Ok(_) => {
                    self.open_txn = true;
                    sqlx::query("select pg_advisory_xact_lock($1)")
                        .bind(lock_key(county))
                        .execute(self.conn()?)
                        .await
                }
                Err(e) => Err(e),
            },
        };
        match r {
            Ok(_) => {
                self.open_txn = true;
                Ok(())
            }
            Err(e) => {
                self.rollback_if_open().await;
                // Perhaps broken: connect afresh next time.
                self.conn = None;
                Err(e.into())
            }
        }
    }

    /// A transaction for derived data written beside the log (archived events, snapshots):
    /// SQLite's write lock, without the county's log lock.
    async fn begin_derived(&mut self) -> Result<()> {
        self.rollback_if_open().await;
        match self.ready().await?.execute("begin immediate").await {
            Ok(_) => {
                self.open_txn = true;
                Ok(())
            }
            Err(e) => {
                self.conn = None;
                Err(e.into())
            }
        }
    }

    async fn rollback_if_open(&mut self) {
        if self.open_txn {
            self.open_txn = false;
            let ok = match self.conn.as_mut() {
                Some(c) => c.execute("rollback").await.is_ok(),
                None => true,
            };
            if !ok {
                // The server rolls back a transaction whose connection is gone.
                self.conn = None;
            }
        }
    }
}

/// A transaction for derived data (see [`Store::begin_derived`]). Dropped without
/// [`DerivedTxn::commit`], it is rolled back (on SQLite before the writer's next use).
pub(crate) enum DerivedTxn {
    Writer(OwnedMutexGuard<WriterConn>),
    Pool(sqlx::Transaction<'static, sqlx::Any>),
}

impl DerivedTxn {
    pub(crate) fn conn(&mut self) -> Result<&mut AnyConnection> {
        match self {
            DerivedTxn::Writer(g) => g.conn(),
            DerivedTxn::Pool(tx) => Ok(&mut **tx),
        }
    }

    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            DerivedTxn::Writer(mut g) => {
                g.conn()?.execute("commit").await?;
                g.open_txn = false;
            }
            DerivedTxn::Pool(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

impl Store {
    /// Begins a transaction for derived data. On SQLite it runs on the one writer connection,
    /// queueing behind appends instead of contending for SQLite's single write lock (a pooled
    /// connection could hold it long enough for an append to give up waiting); on PostgreSQL
    /// it is an ordinary pooled transaction beside the appends.
    pub(crate) async fn begin_derived(&self) -> Result<DerivedTxn> {
        match self.backend {
            Backend::Sqlite => {
                let mut g = Arc::clone(&self.writer).lock_owned().await;
                g.begin_derived().await?;
                Ok(DerivedTxn::Writer(g))
            }
            Backend::Postgres => Ok(DerivedTxn::Pool(self.pool.begin().await?)),
        }
    }
}

/// The connection of a transaction (a free function so callers can borrow other fields).
fn conn_of(c: &mut Option<OwnedMutexGuard<WriterConn>>) -> Result<&mut AnyConnection> {
    match c {
        Some(g) => g.conn(),
        None => Err(crate::StoreError::Corrupt("the transaction is over".into())),
    }
}

/// A write transaction on one county's log. Dropping it without [`WriteTxn::commit`] rolls
/// everything back.
pub struct WriteTxn {
    conn: Option<OwnedMutexGuard<WriterConn>>,
    county: String,
    backend: Backend,
}

impl Drop for WriteTxn {
    fn drop(&mut self) {
        // Rolled back on a task that keeps the connection locked until then; without a
        // runtime, the next `begin_write` rolls it back first.
        if let Some(mut g) = self.conn.take() {
            if g.open_txn {
                if let Ok(rt) = tokio::runtime::Handle::try_current() {
                    rt.spawn(async move { g.rollback_if_open().await });
                }
            }
        }
    }
}

/// Stable 64-bit key for a county's advisory lock (FNV-1a).
fn lock_key(county: &str) -> i64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in county.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h as i64
}

impl Store {
    /// Starts a write transaction and takes the county's log lock, so appends from several
    /// server processes are serialised and never fork the log.
    pub async fn begin_write(&self, county: &str) -> Result<WriteTxn> {
        let mut g = Arc::clone(&self.writer).lock_owned().await;
        g.begin(county).await?;
        Ok(WriteTxn {
            conn: Some(g),
            county: county.to_string(),
            backend: self.backend,
        })
    }
}

impl WriteTxn {
    pub fn county(&self) -> &str {
        &self.county
    }

    fn c(&mut self) -> Result<&mut AnyConnection> {
        conn_of(&mut self.conn)
    }

    /// `(next seq, hash of the last entry)`; `(0, zeros)` for an empty log.
    pub async fn head(&mut self) -> Result<(u64, Hash)> {
        let row = sqlx::query(
            "select seq, hash from log_entries where county = $1 order by seq desc limit 1",
        )
        .bind(&self.county)
        .fetch_optional(conn_of(&mut self.conn)?)
        .await?;
        match row {
            None => Ok((0, [0; 32])),
            Some(r) => {
                let seq: i64 = r.try_get(0)?;
                Ok((seq as u64 + 1, to_hash(r.try_get(1)?, "hash", seq)?))
            }
        }
    }

    /// Entries from `from` on, as seen inside this transaction.
    pub async fn entries_since(&mut self, from: u64) -> Result<Vec<LogEntry>> {
        let rows = sqlx::query(
            "select seq, at_ms, actor, role, unit, kind, payload, prev_hash, hash from log_entries \
             where county = $1 and seq >= $2 order by seq",
        )
        .bind(&self.county)
        .bind(from as i64)
        .fetch_all(conn_of(&mut self.conn)?)
        .await?;
        rows.iter().map(|r| row_to_entry(&self.county, r)).collect()
    }

    /// Appends many sealed entries with multi-row inserts (fewer round trips), then projects
    /// each transition in order. `events` are the event rows after folding the whole batch
    /// ([`EventRows::collect`]), written once per touched event.
    pub async fn append_many(
        &mut self,
        batch: &[(LogEntry, Transition)],
        events: &EventRows,
    ) -> Result<()> {
        const ROWS: usize = 100;
        for chunk in crate::pow2_chunks(batch, ROWS) {
            let mut sql = String::from(
                "insert into log_entries (county, seq, at_ms, actor, role, unit, kind, payload, prev_hash, hash) values ",
            );
            for i in 0..chunk.len() {
                let b = i * 10;
                if i > 0 {
                    sql.push(',');
                }
                let ph: Vec<String> = (1..=10)
                    .map(|k| crate::project_events::placeholder(self.backend, b + k))
                    .collect();
                sql.push('(');
                sql.push_str(&ph.join(","));
                sql.push(')');
            }
            let mut q = sqlx::query(sqlx::AssertSqlSafe(&*sql));
            for (e, _) in chunk {
                let h = &e.header;
                q = q
                    .bind(&h.county)
                    .bind(h.seq as i64)
                    .bind(h.at_ms)
                    .bind(&h.actor)
                    .bind(&h.role)
                    .bind(&h.unit)
                    .bind(&h.kind)
                    .bind(&e.payload)
                    .bind(e.prev_hash.to_vec())
                    .bind(e.hash.to_vec());
            }
            q.execute(self.c()?).await?;
        }
        for (e, t) in batch {
            project(self.c()?, &e.header.county, e.header.seq as i64, t).await?;
        }
        let backend = self.backend;
        project_events(conn_of(&mut self.conn)?, backend, &self.county, events).await?;
        Ok(())
    }

    /// Stores the personal values taken out of entry `seq`'s payload ([`crate::personal::seal`]).
    pub async fn put_personal_data(&mut self, seq: u64, rows: &[VaultRow]) -> Result<()> {
        let county = self.county.clone();
        crate::personal::put_rows(self.c()?, &county, seq, rows).await
    }

    /// Deletes every personal value of `username` (with the entry recording the erasure).
    /// Returns how many values were deleted.
    pub async fn erase_personal_data(&mut self, username: &str) -> Result<u64> {
        let county = self.county.clone();
        crate::personal::delete_subject(self.c()?, &county, username).await
    }

    /// Transitions of entries, as seen inside this transaction ([`decode_entries`]).
    pub async fn transitions(&mut self, entries: &[LogEntry]) -> Result<Vec<Transition>> {
        let county = self.county.clone();
        decode_entries(self.c()?, &county, entries).await
    }

    pub async fn save_checkpoint(&mut self, cp: &Checkpoint) -> Result<()> {
        sqlx::query(
            "insert into log_checkpoints (county, size, root, at_ms, signature, key_id) values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&cp.county)
        .bind(cp.size as i64)
        .bind(cp.root.to_vec())
        .bind(cp.at_ms)
        .bind(&cp.signature)
        .bind(&cp.key_id)
        .execute(self.c()?)
        .await?;
        Ok(())
    }

    pub async fn commit(mut self) -> Result<()> {
        if let Some(mut g) = self.conn.take() {
            match g.conn()?.execute("commit").await {
                Ok(_) => g.open_txn = false,
                Err(e) => {
                    g.rollback_if_open().await;
                    return Err(e.into());
                }
            }
        }
        Ok(())
    }
}

impl Store {
    /// Drops the county's read models and replays its whole log into them, in one transaction.
    /// Returns the number of entries replayed.
    pub async fn rebuild_read_models(&self, county: &str) -> Result<u64> {
        let mut w = self.begin_write(county).await?;
        for table in crate::readmodel::READ_MODEL_TABLES {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "delete from {table} where county = $1"
            )))
            .bind(county)
            .execute(w.c()?)
            .await?;
        }
        // Events are projected from the folded state at the end, as live appends do.
        let mut state = CountyState::default();
        let mut from = 0u64;
        loop {
            let page = self.read_log_in(&mut w, from, 5000).await?;
            if page.is_empty() {
                break;
            }
            let ts = decode_entries(w.c()?, county, &page).await?;
            for (e, t) in page.iter().zip(&ts) {
                project(w.c()?, county, e.header.seq as i64, t).await?;
                state.apply(t);
            }
            from += page.len() as u64;
        }
        project_events(w.c()?, self.backend, county, &EventRows::all(&state)).await?;
        w.commit().await?;
        Ok(from)
    }

    async fn read_log_in(&self, w: &mut WriteTxn, from: u64, limit: u64) -> Result<Vec<LogEntry>> {
        let rows = sqlx::query(
            "select seq, at_ms, actor, role, unit, kind, payload, prev_hash, hash from log_entries \
             where county = $1 and seq >= $2 order by seq limit $3",
        )
        .bind(&w.county)
        .bind(from as i64)
        .bind(limit as i64)
        .fetch_all(conn_of(&mut w.conn)?)
        .await?;
        rows.iter().map(|r| row_to_entry(&w.county, r)).collect()
    }
}
