//! `tiaokuai lists import|export`.

use crate::DbArgs;
use anyhow::bail;
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;
use tiaokuai_app::lists::ImportOptions;
use tiaokuai_app::{now_ms, Actor, AppError};
use tiaokuai_core::lists::ListKind;

#[derive(Subcommand)]
pub enum ListsCmd {
    /// Import published list workbooks (.xlsx/.csv) as a new version. All or nothing.
    Import {
        #[command(flatten)]
        db: DbArgs,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// territorial, power, boundary, joint, delegated or village (default: from titles/sheet names)
        #[arg(long)]
        kind: Option<String>,
        /// 文号 of the version (default: found in the title rows)
        #[arg(long)]
        document_no: Option<String>,
        /// YYYY-MM-DD (default: found in the title rows, else today)
        #[arg(long)]
        effective_date: Option<String>,
        #[arg(long)]
        dry_run: bool,
    },
    /// Export a version to .xlsx (all kinds), .csv (one kind, see --kind) or .json.
    Export {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        version: Option<u32>,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "territorial")]
        kind: String,
    },
}

pub async fn run(cmd: ListsCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        ListsCmd::Import {
            db,
            files,
            kind,
            document_no,
            effective_date,
            dry_run,
        } => {
            let kind = match kind {
                Some(k) => Some(
                    ListKind::parse(&k).ok_or_else(|| anyhow::anyhow!("unknown --kind '{k}'"))?,
                ),
                None => None,
            };
            let engine = crate::commands::open_engine(&db).await?;
            let paths: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
            let opts = ImportOptions {
                kind,
                document_no,
                effective_date,
                dry_run,
            };
            match engine
                .import_lists(&Actor::system("lists-import"), now_ms(), &paths, &opts)
                .await
            {
                Ok(s) => {
                    let total: usize = s.per_kind.values().sum();
                    let kinds = s
                        .per_kind
                        .iter()
                        .map(|(k, n)| format!("{k} {n}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    match (dry_run, s.version) {
                        (true, _) => println!("would import {total} items ({kinds}); {} added or changed, {} removed", s.added_or_changed, s.removed),
                        (false, Some(v)) => println!("imported {total} items ({kinds}) as version {v} ({} added or changed, {} removed; {} effective {})", s.added_or_changed, s.removed, s.document_no, s.effective_date),
                        (false, None) => println!("{total} items read ({kinds}); identical to the current version, nothing published"),
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(AppError::Domain(tiaokuai_core::DomainError::Invalid(errs))) => {
                    eprintln!("nothing was imported; {} problem(s):", errs.len());
                    for e in errs {
                        eprintln!("  {e}");
                    }
                    Ok(ExitCode::from(2))
                }
                Err(e) => Err(e.into()),
            }
        }
        ListsCmd::Export {
            db,
            version,
            out,
            kind,
        } => {
            let engine = crate::commands::open_engine(&db).await?;
            let state = engine.with_state(|s| s.clone()).await?;
            let latest = state.lists.latest();
            let v = version.unwrap_or(latest);
            if v == 0 || v > latest {
                bail!("no version {v} (latest is {latest})");
            }
            let name = out.to_string_lossy().to_lowercase();
            if name.ends_with(".xlsx") {
                tiaokuai_app::lists::export::export_xlsx(&state, v, &out)?;
            } else if name.ends_with(".csv") {
                let k = ListKind::parse(&kind)
                    .ok_or_else(|| anyhow::anyhow!("unknown --kind '{kind}'"))?;
                tiaokuai_app::lists::export::export_csv(&state, v, k, &out)?;
            } else if name.ends_with(".json") {
                std::fs::write(
                    &out,
                    serde_json::to_vec_pretty(&tiaokuai_app::lists::export::export_json(
                        &state, v,
                    ))?,
                )?;
            } else {
                bail!("--out must end in .xlsx, .csv or .json");
            }
            println!("wrote version {v} to {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}
