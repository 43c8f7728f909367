//! A consistent copy of a SQLite database while it is in use.

use crate::{Backend, Result, Store, StoreError};
use std::path::Path;

impl Store {
    /// Writes a compacted, consistent copy of this SQLite database to `path` (`VACUUM INTO`:
    /// one read transaction, so writers carry on and the copy holds no deleted pages).
    pub async fn sqlite_copy_into(&self, path: &Path) -> Result<()> {
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::BadUrl(
                "only a SQLite database can be copied this way".into(),
            ));
        }
        sqlx::query("VACUUM INTO $1")
            .bind(path.display().to_string())
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
