//! `tiaokuai proof verify FILE`: checks an event's proof bundle offline (no database).

use std::path::PathBuf;
use std::process::ExitCode;
use tiaokuai_app::events::timeline::{verify_bundle, ProofBundle};

#[derive(clap::Subcommand)]
pub enum ProofCmd {
    /// Check a proof bundle downloaded from an event page: the checkpoint signature, every
    /// entry's hash and its inclusion in the signed tree. Exit 1 if anything fails.
    Verify { file: PathBuf },
}

pub async fn run(cmd: ProofCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        ProofCmd::Verify { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let bundle: ProofBundle = serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: not a proof bundle: {e}", file.display()))?;
            match verify_bundle(&bundle) {
                Ok(n) => {
                    println!(
                        "ok: {n} entries of event {} are in the tree of {} entries signed by key {} (root {})",
                        bundle.event,
                        bundle.checkpoint.size,
                        bundle.checkpoint.key_id,
                        hex::encode(bundle.checkpoint.root)
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    println!("FAILED: {e}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}
