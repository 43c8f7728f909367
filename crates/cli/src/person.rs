//! `tiaokuai person`: personal data (个人信息保护法) — erase a person's data, and re-seal a log
//! written before personal data left the log (see docs/personal-data.md).

use crate::commands::{county_of, open_existing_engine_to_write, open_existing_store, open_store};
use crate::DbArgs;
use anyhow::Context;
use clap::Subcommand;
use std::process::ExitCode;
use tiaokuai_app::{now_ms, Actor};

#[derive(Subcommand)]
pub enum PersonCmd {
    /// Erase a person's name, phone and password hash and close the account for good. The log
    /// records the erasure and still verifies.
    Erase {
        #[command(flatten)]
        db: DbArgs,
        username: String,
    },
    /// Copy a log written before this version into a new, empty database, taking personal data
    /// out of the log into the vault; both logs are verified and the folded states compared.
    Reseal {
        /// The database with the old log (sqlite://PATH or postgres://…).
        #[arg(long)]
        from: String,
        /// A new, empty database for the re-sealed log.
        #[arg(long)]
        to: String,
        /// Signing key of the old log, and of the new one [default: database.key_file].
        #[arg(long)]
        key_file: Option<std::path::PathBuf>,
        /// County code [default: the only county in the old database].
        #[arg(long)]
        county: Option<String>,
    },
}

pub async fn run(cmd: PersonCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        PersonCmd::Erase { db, username } => {
            let engine = open_existing_engine_to_write(&db).await?;
            let seq = engine
                .erase_person(&Actor::system("cli"), now_ms(), &username)
                .await
                .with_context(|| format!("erasing the personal data of '{username}'"))?;
            println!(
                "erased the personal data of {username} (log entry {seq}); the log still verifies"
            );
            Ok(ExitCode::SUCCESS)
        }
        PersonCmd::Reseal {
            from,
            to,
            key_file,
            county,
        } => {
            let old = DbArgs {
                database_url: Some(from.clone()),
                key_file: key_file.clone(),
                county,
            };
            let source = open_existing_store(&old).await?;
            let county = county_of(&source, &old).await?;
            let new = DbArgs {
                database_url: Some(to),
                ..old.clone()
            };
            let target = open_store(&new).await?;
            let signer = tiaokuai_app::keys::load(&old.key_file())?;
            let r = tiaokuai_app::personal::reseal(
                &source,
                &target,
                &county,
                &signer.verifier(),
                signer,
            )
            .await
            .with_context(|| format!("re-sealing county {county}"))?;
            println!(
                "county {county}: re-sealed {} entries, {} personal values now outside the log; \
                 both logs verify and fold to the same state. Keep the old database offline \
                 only as long as the law allows: it still holds the plaintext.",
                r.entries, r.sealed_values
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
