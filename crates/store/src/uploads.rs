//! Uploaded files staged in the database until confirmed, so that any server can confirm them.

use crate::{Result, Store};
use sqlx::Row;

/// A staged file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedUpload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Store {
    /// Stages `bytes` under `token` for `owner` until `expires_ms`, and deletes expired files.
    pub async fn stage_upload(
        &self,
        token: &str,
        owner: &str,
        file_name: &str,
        bytes: &[u8],
        now_ms: i64,
        expires_ms: i64,
    ) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("delete from staged_uploads where expires_ms < $1")
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "insert into staged_uploads (token, owner, file_name, bytes, created_ms, expires_ms) \
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token)
        .bind(owner)
        .bind(file_name)
        .bind(bytes.to_vec())
        .bind(now_ms)
        .bind(expires_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The file staged under `token` by `owner`, unless it expired.
    pub async fn staged_upload(
        &self,
        token: &str,
        owner: &str,
        now_ms: i64,
    ) -> Result<Option<StagedUpload>> {
        let row = sqlx::query(
            "select file_name, bytes from staged_uploads \
             where token = $1 and owner = $2 and expires_ms >= $3",
        )
        .bind(token)
        .bind(owner)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(StagedUpload {
                file_name: r.try_get(0)?,
                bytes: r.try_get(1)?,
            })
        })
        .transpose()
    }

    /// Forgets a staged file (after its import).
    pub async fn drop_staged_upload(&self, token: &str) -> Result<()> {
        sqlx::query("delete from staged_uploads where token = $1")
            .bind(token)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
