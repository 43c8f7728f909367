//! Storage for Tiaokuai behind one narrow interface, on SQLite (default) or PostgreSQL.
//!
//! Only [`WriteTxn`] writes domain state, and it writes it in exactly one way: append a log entry
//! and project its transition into the read models, in the same transaction. Everything else
//! here reads. Times are integer milliseconds (UTC) so one SQL text serves both backends through
//! sqlx's `Any` driver; the few statements that differ are chosen by [`Backend`].
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used)]

mod archive;
mod backup;
mod blobs;
pub mod event_list;
mod log;
pub mod personal;
mod project;
mod project_events;
mod project_lists;
pub mod readmodel;
mod sessions;
mod stats;
mod uploads;
mod write;

pub use archive::{ArchiveRow, SnapshotRow};
pub use blobs::Blob;
pub use event_list::{EventListQuery, EventPage, Involvement, UnitConcern, COUNT_CAP};
pub use log::StoredEntries;
pub use personal::{PersonalDataProblem, Sealed, VaultRow};
pub use project_events::EventRows;
pub use sessions::SessionRow;
pub use write::WriteTxn;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("unsupported database URL '{0}': use sqlite://PATH or postgres://…")]
    BadUrl(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Splits `v` into chunks whose lengths are powers of two (at most `max`, largest first), so
/// multi-row statements come in a few shapes that stay in sqlx's per-connection statement
/// cache (100 entries) instead of a new statement to prepare for every batch size.
pub(crate) fn pow2_chunks<T>(v: &[T], max: usize) -> Vec<&[T]> {
    let mut out = Vec::new();
    let mut rest = v;
    while !rest.is_empty() {
        let mut size = 1usize;
        while size * 2 <= rest.len() && size * 2 <= max {
            size *= 2;
        }
        let (chunk, tail) = rest.split_at(size);
        out.push(chunk);
        rest = tail;
    }
    out
}

/// Every SQLite connection: WAL lets pages be read while the writer commits; FULL sync makes
/// every acknowledged append survive power loss; statement journals (multi-row upserts write
/// one) stay in memory instead of a temporary file. Deleted content is overwritten with zeros
/// (`secure_delete`), so erased personal data does not linger in free pages.
pub(crate) async fn sqlite_pragmas(conn: &mut sqlx::AnyConnection) -> sqlx::Result<()> {
    conn.execute("pragma secure_delete = on").await?;
    conn.execute("pragma journal_mode = wal").await?;
    conn.execute("pragma synchronous = full").await?;
    conn.execute("pragma busy_timeout = 10000").await?;
    conn.execute("pragma temp_store = memory").await?;
    Ok(())
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The one connection every append goes through (see [`write::WriterConn`]).
    writer: std::sync::Arc<tokio::sync::Mutex<write::WriterConn>>,
}

impl Store {
    /// Opens `sqlite://PATH` (created if missing, WAL, full sync) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::BadUrl(url.to_string()));
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        let opts = AnyConnectOptions::from_str(&url)?;
        let writer = std::sync::Arc::new(tokio::sync::Mutex::new(
            write::WriterConn::open(&opts, backend).await?,
        ));
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(30))
            // A local SQLite file needs no liveness ping before every acquire (sqlx still
            // pings on release); each ping is a round trip to the connection's thread.
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        sqlite_pragmas(conn).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(opts)
            .await?;
        Ok(Store {
            pool,
            backend,
            writer,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.writer.lock().await.close().await;
        self.pool.close().await;
    }
}
