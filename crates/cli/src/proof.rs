//! `tiaokuai proof verify FILE`: checks an event's proof bundle offline (no database).

use std::path::PathBuf;
use std::process::ExitCode;
use tiaokuai_app::events::timeline::{verify_bundle, ProofBundle};

#[derive(clap::Subcommand)]
pub enum ProofCmd {
    /// Check a proof bundle downloaded from an event page: the checkpoint signature, every
    /// entry's hash and its inclusion in the signed tree. Exit 1 if anything fails.
    Verify {
        file: PathBuf,
        /// The log's public key (hex) known out of band: the bundle must be signed by it
        /// (a bundle carries its checkpoint and the key that signed it).
        #[arg(long)]
        public_key: Option<String>,
    },
}

pub async fn run(cmd: ProofCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        ProofCmd::Verify { file, public_key } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let bundle: ProofBundle = serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("{}: not a proof bundle: {e}", file.display()))?;
            if let Some(pinned) = public_key {
                if !pinned.trim().eq_ignore_ascii_case(bundle.public_key.trim()) {
                    println!(
                        "WRONG KEY: the bundle is signed by public key {} (key id {}), not the \
                         given {}",
                        bundle.public_key, bundle.checkpoint.key_id, pinned
                    );
                    return Ok(ExitCode::from(crate::integrity::EXIT_WRONG_KEY));
                }
            }
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
