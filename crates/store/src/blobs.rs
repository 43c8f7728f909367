//! Content-addressed evidence (photos): stored once under their SHA-256, never changed.

use crate::{Result, Store};
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct Blob {
    pub hash: String,
    pub mime: String,
    pub bytes: Vec<u8>,
}

impl Store {
    /// Stores `bytes` under `hash` unless already there (the same hash is the same content).
    pub async fn put_blob(&self, hash: &str, mime: &str, bytes: &[u8], now_ms: i64) -> Result<()> {
        sqlx::query(
            "insert into blobs (hash, mime, size, bytes, created_ms) values ($1, $2, $3, $4, $5) \
             on conflict (hash) do nothing",
        )
        .bind(hash)
        .bind(mime)
        .bind(bytes.len() as i64)
        .bind(bytes.to_vec())
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn get_blob(&self, hash: &str) -> Result<Option<Blob>> {
        let row = sqlx::query("select hash, mime, bytes from blobs where hash = $1")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(Blob {
                hash: r.try_get(0)?,
                mime: r.try_get(1)?,
                bytes: r.try_get(2)?,
            })
        })
        .transpose()
    }

    /// Which of `hashes` are stored.
    pub async fn blobs_present(&self, hashes: &[String]) -> Result<Vec<String>> {
        let mut found = Vec::new();
        for h in hashes {
            let n: i64 = sqlx::query_scalar("select count(*) from blobs where hash = $1")
                .bind(h)
                .fetch_one(&self.pool)
                .await?;
            if n > 0 {
                found.push(h.clone());
            }
        }
        Ok(found)
    }
}
