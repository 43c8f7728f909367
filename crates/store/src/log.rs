//! Reading the log: entries, leaf hashes and checkpoints.

use crate::{Result, Store, StoreError};
use sqlx::Row;
use tiaokuai_log::{Checkpoint, EntryHeader, Hash, LogEntry};

/// A page of entries read in order.
pub type StoredEntries = Vec<LogEntry>;

pub(crate) fn to_hash(v: Vec<u8>, what: &str, seq: i64) -> Result<Hash> {
    v.try_into()
        .map_err(|_| StoreError::Corrupt(format!("{what} of entry {seq} is not 32 bytes")))
}

pub(crate) fn row_to_entry(county: &str, r: &sqlx::any::AnyRow) -> Result<LogEntry> {
    let seq: i64 = r.try_get("seq")?;
    Ok(LogEntry {
        header: EntryHeader {
            county: county.to_string(),
            seq: seq as u64,
            at_ms: r.try_get("at_ms")?,
            actor: r.try_get("actor")?,
            role: r.try_get("role")?,
            unit: r.try_get("unit")?,
            kind: r.try_get("kind")?,
        },
        payload: r.try_get("payload")?,
        prev_hash: to_hash(r.try_get("prev_hash")?, "prev_hash", seq)?,
        hash: to_hash(r.try_get("hash")?, "hash", seq)?,
    })
}

impl Store {
    /// Counties that have a log.
    pub async fn counties(&self) -> Result<Vec<String>> {
        let rows = sqlx::query("select distinct county from log_entries order by county")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| Ok(r.try_get::<String, _>(0)?))
            .collect()
    }

    /// Number of entries in a county's log: the next sequence number. Sequence numbers are
    /// contiguous (verify checks it), so `max(seq)` on the primary key answers in O(log n);
    /// every page request asks this to catch up with other servers.
    pub async fn log_size(&self, county: &str) -> Result<u64> {
        let n: i64 = sqlx::query_scalar(
            "select coalesce(max(seq) + 1, 0) from log_entries where county = $1",
        )
        .bind(county)
        .fetch_one(&self.pool)
        .await?;
        Ok(n as u64)
    }

    /// The entries with the given sequence numbers, in order (an event's timeline).
    pub async fn read_entries(&self, county: &str, seqs: &[u64]) -> Result<StoredEntries> {
        let mut out = Vec::with_capacity(seqs.len());
        for chunk in seqs.chunks(500) {
            let list: Vec<String> = chunk.iter().map(|s| s.to_string()).collect();
            // Sequence numbers are integers we produced, so inlining them is safe.
            let sql = format!(
                "select seq, at_ms, actor, role, unit, kind, payload, prev_hash, hash from log_entries \
                 where county = $1 and seq in ({}) order by seq",
                list.join(",")
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(&*sql))
                .bind(county)
                .fetch_all(&self.pool)
                .await?;
            for r in &rows {
                out.push(row_to_entry(county, r)?);
            }
        }
        Ok(out)
    }

    /// Entries with `from <= seq < from + limit`, in order.
    pub async fn read_log(&self, county: &str, from: u64, limit: u64) -> Result<StoredEntries> {
        let rows = sqlx::query(
            "select seq, at_ms, actor, role, unit, kind, payload, prev_hash, hash from log_entries \
             where county = $1 and seq >= $2 order by seq limit $3",
        )
        .bind(county)
        .bind(from as i64)
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| row_to_entry(county, r)).collect()
    }

    /// Newest entries first, optionally only one kind prefix.
    pub async fn recent_log(
        &self,
        county: &str,
        kind_prefix: &str,
        limit: u64,
    ) -> Result<StoredEntries> {
        let rows = sqlx::query(
            "select seq, at_ms, actor, role, unit, kind, payload, prev_hash, hash from log_entries \
             where county = $1 and kind like $2 order by seq desc limit $3",
        )
        .bind(county)
        .bind(format!("{kind_prefix}%"))
        .bind(limit as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| row_to_entry(county, r)).collect()
    }

    /// Stored leaf hashes from `from` on, in order (for proofs and in-memory tree state).
    pub async fn leaf_hashes(&self, county: &str, from: u64) -> Result<Vec<Hash>> {
        let rows = sqlx::query(
            "select seq, hash from log_entries where county = $1 and seq >= $2 order by seq",
        )
        .bind(county)
        .bind(from as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let seq: i64 = r.try_get(0)?;
                to_hash(r.try_get(1)?, "hash", seq)
            })
            .collect()
    }

    /// Stored leaf hashes of entries `[from, to)`, for Merkle proofs over entries whose
    /// hashes are no longer held in memory.
    pub async fn leaf_hash_range(&self, county: &str, from: u64, to: u64) -> Result<Vec<Hash>> {
        let rows = sqlx::query(
            "select seq, hash from log_entries where county = $1 and seq >= $2 and seq < $3 order by seq",
        )
        .bind(county)
        .bind(from as i64)
        .bind(to as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let seq: i64 = r.try_get(0)?;
                to_hash(r.try_get(1)?, "hash", seq)
            })
            .collect()
    }

    pub async fn checkpoints(&self, county: &str) -> Result<Vec<Checkpoint>> {
        let rows = sqlx::query(
            "select size, root, at_ms, signature, key_id from log_checkpoints where county = $1 order by size",
        )
        .bind(county)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| row_to_checkpoint(county, r)).collect()
    }

    pub async fn latest_checkpoint(&self, county: &str) -> Result<Option<Checkpoint>> {
        let row = sqlx::query(
            "select size, root, at_ms, signature, key_id from log_checkpoints where county = $1 \
             order by size desc limit 1",
        )
        .bind(county)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| row_to_checkpoint(county, &r)).transpose()
    }
}

fn row_to_checkpoint(county: &str, r: &sqlx::any::AnyRow) -> Result<Checkpoint> {
    let size: i64 = r.try_get("size")?;
    Ok(Checkpoint {
        county: county.to_string(),
        size: size as u64,
        root: to_hash(r.try_get("root")?, "checkpoint root", size)?,
        at_ms: r.try_get("at_ms")?,
        signature: r.try_get("signature")?,
        key_id: r.try_get("key_id")?,
    })
}
