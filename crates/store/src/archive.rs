//! Archived events and state snapshots: derived data that lets a server keep only live work
//! in memory and restart without replaying the whole log. Bodies are opaque bytes here; the
//! application encodes, signs and checks them.

use crate::{Result, Store};
use sqlx::Row;

/// Archived events written per transaction.
const ARCHIVE_CHUNK: usize = 500;

/// One archived version of an event.
#[derive(Debug, Clone)]
pub struct ArchiveRow {
    pub event_id: u64,
    /// Log position of the event's last change.
    pub seq: u64,
    pub body: Vec<u8>,
    pub photos: Vec<String>,
}

/// A stored snapshot of the folded state at log size `size`.
#[derive(Debug, Clone)]
pub struct SnapshotRow {
    pub size: u64,
    pub format: u32,
    pub root: Vec<u8>,
    pub key_id: String,
    pub body_hash: Vec<u8>,
    pub signature: String,
    pub created_ms: i64,
    pub body: Vec<u8>,
}

/// Snapshots kept per county: the newest and the one before, in case the newest is refused.
const SNAPSHOTS_KEPT: i64 = 2;

impl Store {
    /// Stores archived versions; a version already stored is left as it is (the same event at
    /// the same log position is the same content).
    pub async fn put_archive(&self, county: &str, rows: &[ArchiveRow]) -> Result<()> {
        // Short transactions, so appends waiting for the writer get their turn in between.
        for chunk in rows.chunks(ARCHIVE_CHUNK) {
            self.put_archive_chunk(county, chunk).await?;
        }
        Ok(())
    }

    async fn put_archive_chunk(&self, county: &str, rows: &[ArchiveRow]) -> Result<()> {
        let mut tx = self.begin_derived().await?;
        for r in rows {
            sqlx::query(
                "insert into event_archive (county, event_id, seq, body) values ($1, $2, $3, $4) \
                 on conflict do nothing",
            )
            .bind(county)
            .bind(r.event_id as i64)
            .bind(r.seq as i64)
            .bind(r.body.clone())
            .execute(tx.conn()?)
            .await?;
            for h in &r.photos {
                sqlx::query(
                    "insert into event_archive_photos (county, hash, event_id) values ($1, $2, $3) \
                     on conflict do nothing",
                )
                .bind(county)
                .bind(h)
                .bind(r.event_id as i64)
                .execute(tx.conn()?)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The newest archived version of event `id` whose last change lies before log position
    /// `before` (`u64::MAX` for the newest of all).
    pub async fn archived_event(
        &self,
        county: &str,
        id: u64,
        before: u64,
    ) -> Result<Option<Vec<u8>>> {
        let before = i64::try_from(before).unwrap_or(i64::MAX);
        let row = sqlx::query(
            "select body from event_archive where county = $1 and event_id = $2 and seq < $3 \
             order by seq desc limit 1",
        )
        .bind(county)
        .bind(id as i64)
        .bind(before)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    /// The newest archived version of each of `ids` that has one (one query).
    pub async fn archived_events(&self, county: &str, ids: &[u64]) -> Result<Vec<Vec<u8>>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "select a.body from event_archive a where a.county = $1 and a.event_id in ({}) \
             and a.seq = (select max(b.seq) from event_archive b \
                          where b.county = a.county and b.event_id = a.event_id)",
            marks.join(", ")
        );
        let mut q = sqlx::query_scalar::<_, Vec<u8>>(sqlx::AssertSqlSafe(&*sql)).bind(county);
        for id in ids {
            q = q.bind(*id as i64);
        }
        Ok(q.fetch_all(&self.pool).await?)
    }

    /// Every event with an archived version.
    pub async fn archived_ids(&self, county: &str) -> Result<Vec<u64>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "select distinct event_id from event_archive where county = $1 order by event_id",
        )
        .bind(county)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(|i| i as u64).collect())
    }

    /// Archived events a photo is attached to.
    pub async fn archived_photo_events(&self, county: &str, hash: &str) -> Result<Vec<u64>> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "select event_id from event_archive_photos where county = $1 and hash = $2 order by event_id",
        )
        .bind(county)
        .bind(hash)
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(|i| i as u64).collect())
    }

    /// Archived versions stored (for benchmarks and the operator).
    pub async fn archive_size(&self, county: &str) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("select count(*) from event_archive where county = $1")
            .bind(county)
            .fetch_one(&self.pool)
            .await?;
        Ok(n as u64)
    }

    /// Forgets every archived version and snapshot of the county: after an erasure of personal
    /// data (they may hold it) and after a rebuild. The next start replays the whole log.
    pub async fn clear_derived_state(&self, county: &str) -> Result<()> {
        let mut tx = self.begin_derived().await?;
        for t in ["event_archive", "event_archive_photos", "state_snapshots"] {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "delete from {t} where county = $1"
            )))
            .bind(county)
            .execute(tx.conn()?)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Stores a snapshot and drops all but the newest [`SNAPSHOTS_KEPT`]. One transaction: a
    /// crash while writing leaves the previous snapshots as they were.
    pub async fn put_snapshot(&self, county: &str, s: &SnapshotRow) -> Result<()> {
        let mut tx = self.begin_derived().await?;
        sqlx::query(
            "insert into state_snapshots (county, size, format, root, key_id, body_hash, signature, created_ms, body) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict do nothing",
        )
        .bind(county)
        .bind(s.size as i64)
        .bind(s.format as i64)
        .bind(s.root.clone())
        .bind(&s.key_id)
        .bind(s.body_hash.clone())
        .bind(&s.signature)
        .bind(s.created_ms)
        .bind(s.body.clone())
        .execute(tx.conn()?)
        .await?;
        sqlx::query(
            "delete from state_snapshots where county = $1 and size not in \
             (select size from state_snapshots where county = $1 order by size desc limit $2)",
        )
        .bind(county)
        .bind(SNAPSHOTS_KEPT)
        .execute(tx.conn()?)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Stored snapshots, newest first, without their bodies' bytes loaded twice.
    pub async fn snapshots(&self, county: &str) -> Result<Vec<SnapshotRow>> {
        let rows = sqlx::query(
            "select size, format, root, key_id, body_hash, signature, created_ms, body \
             from state_snapshots where county = $1 order by size desc",
        )
        .bind(county)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(SnapshotRow {
                    size: r.try_get::<i64, _>(0)? as u64,
                    format: r.try_get::<i64, _>(1)? as u32,
                    root: r.try_get(2)?,
                    key_id: r.try_get(3)?,
                    body_hash: r.try_get(4)?,
                    signature: r.try_get(5)?,
                    created_ms: r.try_get(6)?,
                    body: r.try_get(7)?,
                })
            })
            .collect()
    }
}
