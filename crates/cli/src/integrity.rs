//! The log's integrity: `verify`, `keygen`, `key rotate|show` and `checkpoint export`.
//! See docs/integrity.md.

use crate::commands::{county_of, open_engine, open_existing_store};
use crate::DbArgs;
use anyhow::{bail, Context};
use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tiaokuai_app::verify::{ProblemKind, VerifyOptions};
use tiaokuai_app::{keys, now_ms};
use tiaokuai_log::{LogVerifier, SignedCheckpoint};

/// Exit code of `verify` when the only problem is a wrong or missing key.
pub const EXIT_WRONG_KEY: u8 = 2;

#[derive(clap::Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The log's public key (hex) known out of band; the log must be signed by it.
    #[arg(long)]
    pub public_key: Option<String>,
    /// A checkpoint saved earlier (`checkpoint export`, or a witness's): the log must extend it.
    #[arg(long)]
    pub trusted_checkpoint: Option<PathBuf>,
    /// Skip re-hashing photos and attachments.
    #[arg(long)]
    pub skip_evidence: bool,
}

pub async fn verify(a: VerifyArgs) -> anyhow::Result<ExitCode> {
    let store = open_existing_store(&a.db).await?;
    let pinned = a
        .public_key
        .as_deref()
        .map(|h| LogVerifier::from_hex(h).map_err(|e| anyhow::anyhow!("--public-key {h}: {e}")))
        .transpose()?;
    let trusted = a
        .trusted_checkpoint
        .as_deref()
        .map(read_checkpoint)
        .transpose()?;
    // The key file only matters for logs from before keys were declared, and is never created.
    let fallback = keys::load(&a.db.key_file()).ok().map(|s| s.verifier());
    let counties = match (&a.db.county(), &trusted) {
        (Some(c), _) => vec![c.clone()],
        (None, Some(t)) => vec![t.checkpoint.county.clone()],
        (None, None) => store.counties().await?,
    };
    let mut code = ExitCode::SUCCESS;
    for county in counties {
        let opts = VerifyOptions {
            pinned: pinned.clone(),
            fallback: fallback.clone(),
            trusted: trusted
                .as_ref()
                .filter(|t| t.checkpoint.county == county)
                .map(|t| t.checkpoint.clone()),
            skip_evidence: a.skip_evidence,
        };
        let start = std::time::Instant::now();
        let r = tiaokuai_app::verify::verify_log(&store, &county, &opts).await?;
        let secs = start.elapsed().as_secs_f64();
        match (&r.problem, r.kind) {
            (None, _) => println!(
                "county {county}: OK — {} entries, {} signed checkpoints by key {}, {} photos \
                 re-hashed, {} personal values matched, root {} ({:.0} entries/s){}",
                r.entries,
                r.checkpoints,
                if r.keys.is_empty() {
                    "-".to_string()
                } else {
                    r.keys.join(" → ")
                },
                r.evidence,
                r.personal,
                r.root,
                r.entries as f64 / secs.max(1e-9),
                match &opts.trusted {
                    Some(t) => format!("; extends the trusted checkpoint at size {}", t.size),
                    None => String::new(),
                } + &match r.appended {
                    0 => String::new(),
                    n =>
                        format!("; {n} entries appended while verifying are left for the next run"),
                }
            ),
            (Some(p), kind) => {
                let kind = kind.unwrap_or(ProblemKind::Tampered);
                println!("county {county}: {} — {p}", kind.label());
                if kind == ProblemKind::WrongKey {
                    if code == ExitCode::SUCCESS {
                        code = ExitCode::from(EXIT_WRONG_KEY);
                    }
                } else {
                    code = ExitCode::FAILURE;
                }
            }
        }
    }
    Ok(code)
}

/// Reads and checks a checkpoint file (its signature by the key it carries).
pub fn read_checkpoint(path: &Path) -> anyhow::Result<SignedCheckpoint> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let cp: SignedCheckpoint = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a checkpoint file", path.display()))?;
    cp.check()
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(cp)
}

#[derive(Subcommand)]
pub enum KeyCmd {
    /// Rotate the log's signing key: the current key (--key-file) signs an entry that names
    /// the new one. Stop every server first; restart them with the new key file.
    Rotate {
        #[command(flatten)]
        db: DbArgs,
        /// The new key, made with `tiaokuai keygen --key-file F`.
        #[arg(long)]
        new_key_file: PathBuf,
    },
    /// The public keys the log declares, oldest first.
    Show {
        #[command(flatten)]
        db: DbArgs,
    },
}

pub async fn key(cmd: KeyCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        KeyCmd::Rotate { db, new_key_file } => {
            let new = keys::load(&new_key_file)?.verifier();
            let engine = open_engine(&db).await?;
            let old = engine.verifier().key_id();
            let seq = keys::rotate(&engine, &new, now_ms()).await?;
            println!(
                "county {}: entry {seq} rotates the log key from {old} to {} (public key {}). \
                 Restart the servers with --key-file {}",
                engine.county(),
                new.key_id(),
                new.public_hex(),
                new_key_file.display()
            );
        }
        KeyCmd::Show { db } => {
            let store = open_existing_store(&db).await?;
            let county = county_of(&store, &db).await?;
            let declared = keys::declared_keys(&store, &county).await?;
            if declared.is_empty() {
                println!("county {county}: the log declares no key yet (the next `serve` does)");
            }
            for k in declared {
                println!(
                    "entry {:>8}  key {}  public key {}{}",
                    k.seq,
                    k.key_id(),
                    k.verifier.public_hex(),
                    k.replaces_key_id
                        .map(|o| format!("  (replaces {o})"))
                        .unwrap_or_default()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `tiaokuai keygen`: a new signing key file (never overwrites).
pub fn keygen(key_file: &Path) -> anyhow::Result<ExitCode> {
    let v = keys::create(key_file)?.verifier();
    println!(
        "wrote {} (key id {}, public key {})",
        key_file.display(),
        v.key_id(),
        v.public_hex()
    );
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum CheckpointCmd {
    /// Write the latest signed checkpoint with its public key (JSON), for
    /// `verify --trusted-checkpoint` later or elsewhere.
    Export {
        #[command(flatten)]
        db: DbArgs,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub async fn checkpoint(cmd: CheckpointCmd) -> anyhow::Result<ExitCode> {
    let CheckpointCmd::Export { db, out } = cmd;
    let store = open_existing_store(&db).await?;
    let county = county_of(&store, &db).await?;
    let Some(cp) = store.latest_checkpoint(&county).await? else {
        bail!("county {county} has no signed checkpoint yet");
    };
    let declared = keys::declared_keys(&store, &county).await?;
    let public_key = declared
        .iter()
        .map(|k| k.verifier.clone())
        .chain(keys::load(&db.key_file()).ok().map(|s| s.verifier()))
        .find(|v| v.key_id() == cp.key_id)
        .map(|v| v.public_hex())
        .with_context(|| {
            format!(
                "county {county}: key {} of the latest checkpoint is neither declared in the log \
                 nor in {}",
                cp.key_id,
                db.key_file().display()
            )
        })?;
    let signed = SignedCheckpoint {
        checkpoint: cp,
        public_key,
    };
    signed
        .check()
        .map_err(|e| anyhow::anyhow!("county {county}: the latest checkpoint: {e}"))?;
    let text = serde_json::to_string_pretty(&signed)? + "\n";
    match out {
        Some(path) => {
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!(
                "wrote the checkpoint of county {county} at size {} to {}",
                signed.checkpoint.size,
                path.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
