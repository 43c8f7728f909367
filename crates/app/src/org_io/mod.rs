//! Importing and exporting the organisation as the tables governments keep: units, people and
//! grids, in .xlsx (one sheet each) or .csv (one file each). Imports are all-or-nothing: every
//! problem is listed with file/sheet, row and column, and nothing is written unless none is found.

mod columns;
mod export;
mod limits;
mod plan;
mod table;

pub use columns::TableKind;
pub use export::{export_csv, export_xlsx};
pub use limits::{MAX_CELLS, MAX_COLUMNS, MAX_INFLATED_BYTES, MAX_ROWS};
pub use plan::{plan_import, ImportSummary};
pub use table::{read_raw, read_tables, RawTable, Table};

use crate::engine::{Actor, Engine};
use crate::error::{AppError, Result};
use std::path::Path;

impl Engine {
    /// Imports organisation files. With `dry_run`, validates and reports without writing.
    pub async fn import_org(
        &self,
        actor: &Actor,
        now_ms: i64,
        paths: &[&Path],
        dry_run: bool,
    ) -> Result<ImportSummary> {
        let mut tables = Vec::new();
        let mut errors = Vec::new();
        for p in paths {
            match read_tables(p) {
                Ok(t) => tables.extend(t),
                Err(e) => errors.extend(e),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::invalid(errors));
        }
        let (transitions, summary) = self
            .with_state(|s| plan_import(s, &tables))
            .await?
            .map_err(AppError::invalid)?;
        if !dry_run {
            self.submit(actor, now_ms, transitions).await?;
        }
        Ok(summary)
    }
}
