//! Login sessions. Only a hash of the session id is stored, so a database dump cannot be
//! replayed as cookies.

use crate::{Result, Store};
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub county: String,
    pub username: String,
    pub csrf: String,
    pub expires_ms: i64,
}

impl Store {
    pub async fn create_session(&self, id_hash: &str, row: &SessionRow, now_ms: i64) -> Result<()> {
        sqlx::query("insert into sessions (id_hash, county, username, csrf, created_ms, expires_ms) values ($1, $2, $3, $4, $5, $6)")
            .bind(id_hash)
            .bind(&row.county)
            .bind(&row.username)
            .bind(&row.csrf)
            .bind(now_ms)
            .bind(row.expires_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn session(&self, id_hash: &str, now_ms: i64) -> Result<Option<SessionRow>> {
        let row = sqlx::query("select county, username, csrf, expires_ms from sessions where id_hash = $1 and expires_ms > $2")
            .bind(id_hash)
            .bind(now_ms)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(SessionRow {
                county: r.try_get(0)?,
                username: r.try_get(1)?,
                csrf: r.try_get(2)?,
                expires_ms: r.try_get(3)?,
            })
        })
        .transpose()
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query("delete from sessions where id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends every session of a person (after a password change).
    pub async fn delete_sessions_of(&self, county: &str, username: &str) -> Result<()> {
        sqlx::query("delete from sessions where county = $1 and username = $2")
            .bind(county)
            .bind(username)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn purge_expired_sessions(&self, now_ms: i64) -> Result<u64> {
        let r = sqlx::query("delete from sessions where expires_ms <= $1")
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(r.rows_affected())
    }
}
