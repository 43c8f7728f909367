//! `tiaokuai backup` and `tiaokuai restore`: a copy of the database (an online SQLite copy, or a
//! `pg_dump` archive), the log signing key, and a manifest holding every file's SHA-256 and each
//! county's log size and newest signed checkpoint. A restore checks the manifest, refuses a
//! target that already holds data unless told to overwrite, and verifies the restored log.

use crate::commands::{open_existing_store, open_store, redact};
use crate::DbArgs;
use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tiaokuai_store::{Backend, Store};

const FORMAT: &str = "tiaokuai-backup/1";
const MANIFEST: &str = "manifest.json";
const SQLITE_FILE: &str = "tiaokuai.db";
const PG_FILE: &str = "tiaokuai.pgdump";
const KEY_FILE: &str = "log-signing.key";

#[derive(clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// A new or empty directory to write the backup into.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The backup directory (as `tiaokuai backup --out` wrote it).
    #[arg(long)]
    pub from: PathBuf,
    /// Replace a database (and key file) that already holds data.
    #[arg(long)]
    pub overwrite: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    created_ms: i64,
    /// sqlite or postgres.
    backend: String,
    database_file: String,
    key_file: Option<String>,
    counties: Vec<CountyHead>,
    files: Vec<FileSum>,
}

#[derive(Debug, Serialize, Deserialize)]
struct CountyHead {
    county: String,
    entries: u64,
    checkpoint_size: Option<u64>,
    checkpoint_root: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct FileSum {
    name: String,
    bytes: u64,
    sha256: String,
}

pub async fn backup(a: BackupArgs) -> anyhow::Result<ExitCode> {
    let out = &a.out;
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        bail!(
            "{} is not empty: back up into a new or empty directory",
            out.display()
        );
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let store = open_existing_store(&a.db).await?;
    let (backend, database_file, counties) = match store.backend() {
        Backend::Sqlite => {
            let copy = out.join(SQLITE_FILE);
            store
                .sqlite_copy_into(&copy)
                .await
                .context("copying the SQLite database")?;
            // The manifest describes what the copy holds, read back from it.
            let copied = Store::connect(&format!("sqlite://{}", copy.display())).await?;
            let heads = heads(&copied).await?;
            copied.close().await;
            ("sqlite", SQLITE_FILE, heads)
        }
        Backend::Postgres => {
            // pg_dump takes one consistent snapshot, at or after these heads.
            let heads = heads(&store).await?;
            let status = std::process::Command::new(pg_tool("pg_dump")?)
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(out.join(PG_FILE))
                .arg(a.db.url())
                .status()
                .context("running pg_dump")?;
            if !status.success() {
                bail!("pg_dump failed ({status})");
            }
            ("postgres", PG_FILE, heads)
        }
    };
    store.close().await;
    let mut names = vec![database_file.to_string()];
    let key_file = if a.db.key_file().is_file() {
        let text = std::fs::read(a.db.key_file())
            .with_context(|| format!("reading {}", a.db.key_file().display()))?;
        write_private(&out.join(KEY_FILE), &text)?;
        names.push(KEY_FILE.to_string());
        Some(KEY_FILE.to_string())
    } else {
        println!(
            "note: no key file at {}; the backup holds the database only",
            a.db.key_file().display()
        );
        None
    };
    let files = names
        .iter()
        .map(|n| sum(&out.join(n), n))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let manifest = Manifest {
        format: FORMAT.into(),
        created_ms: tiaokuai_app::now_ms(),
        backend: backend.into(),
        database_file: database_file.into(),
        key_file,
        counties,
        files,
    };
    let tmp = out.join(format!("{MANIFEST}.tmp"));
    std::fs::write(&tmp, serde_json::to_vec_pretty(&manifest)?)?;
    std::fs::rename(&tmp, out.join(MANIFEST))?;
    for c in &manifest.counties {
        println!("county {}: {} log entries backed up", c.county, c.entries);
    }
    let bytes: u64 = manifest.files.iter().map(|f| f.bytes).sum();
    println!(
        "backup written to {} ({} files, {:.1} MiB, {MANIFEST} lists their SHA-256)",
        out.display(),
        manifest.files.len(),
        bytes as f64 / 1048576.0
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(a: RestoreArgs) -> anyhow::Result<ExitCode> {
    let manifest = check_backup(&a.from)?;
    let url = a.db.url();
    match (manifest.backend.as_str(), url.strip_prefix("sqlite://")) {
        ("sqlite", Some(path)) => {
            let path = Path::new(path.split('?').next().unwrap_or(path));
            if path.exists() && !a.overwrite {
                bail!(
                    "{} already exists: restore into a new path, or pass --overwrite to replace it",
                    path.display()
                );
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let tmp = path.with_extension("restoring");
            std::fs::copy(a.from.join(&manifest.database_file), &tmp)
                .with_context(|| format!("copying into {}", tmp.display()))?;
            for side in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{side}", path.display()));
            }
            std::fs::rename(&tmp, path)?;
        }
        ("postgres", None) => {
            let store = Store::connect(&url).await?;
            let tables: i64 = sqlx::query_scalar(
                "select count(*) from information_schema.tables where table_schema = 'public'",
            )
            .fetch_one(store.pool())
            .await?;
            store.close().await;
            if tables > 0 && !a.overwrite {
                bail!("the target database already has tables: restore into an empty database, or pass --overwrite to replace them");
            }
            let mut cmd = std::process::Command::new(pg_tool("pg_restore")?);
            cmd.args(["--no-owner", "--exit-on-error", "--dbname", &url]);
            if a.overwrite {
                cmd.args(["--clean", "--if-exists"]);
            }
            let status = cmd
                .arg(a.from.join(&manifest.database_file))
                .status()
                .context("running pg_restore")?;
            if !status.success() {
                bail!("pg_restore failed ({status})");
            }
        }
        (backend, _) => bail!(
            "the backup is of a {backend} database; give a {backend} --database-url to restore it"
        ),
    }
    if let Some(key) = &manifest.key_file {
        let text = std::fs::read(a.from.join(key))?;
        let dest = &a.db.key_file();
        match std::fs::read(dest) {
            Ok(existing) if existing == text => {}
            Ok(_) if !a.overwrite => bail!(
                "{} holds a different key: give another --key-file, or pass --overwrite",
                dest.display()
            ),
            Ok(_) => {
                std::fs::remove_file(dest)?;
                write_private(dest, &text)?;
            }
            Err(_) => {
                if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)?;
                }
                write_private(dest, &text)?;
            }
        }
    }
    // The restored log must hold what the manifest says, and verify.
    let store = open_store(&a.db).await?;
    for c in &manifest.counties {
        let n = store.log_size(&c.county).await?;
        if n < c.entries {
            bail!(
                "county {}: the restored log has {n} entries, the manifest {}",
                c.county,
                c.entries
            );
        }
    }
    store.close().await;
    println!("restored {} into {}", a.from.display(), redact(&url));
    // Verified against the backup's own key, photos and attachments re-hashed.
    let public_key = match &manifest.key_file {
        Some(_) => Some(
            tiaokuai_app::keys::load(&a.db.key_file())?
                .verifier()
                .public_hex(),
        ),
        None => None,
    };
    crate::integrity::verify(crate::integrity::VerifyArgs {
        db: a.db.clone(),
        public_key,
        trusted_checkpoint: None,
        skip_evidence: false,
    })
    .await
}

/// Reads the manifest and checks every file it lists against its size and SHA-256.
fn check_backup(dir: &Path) -> anyhow::Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read(&path)
        .with_context(|| format!("{}: not a backup directory", dir.display()))?;
    let m: Manifest =
        serde_json::from_slice(&text).with_context(|| format!("{}", path.display()))?;
    if m.format != FORMAT {
        bail!(
            "{}: format {} is not {FORMAT}, which this version reads",
            path.display(),
            m.format
        );
    }
    for f in &m.files {
        let got = sum(&dir.join(&f.name), &f.name)?;
        if got.bytes != f.bytes || got.sha256 != f.sha256 {
            bail!(
                "{}: changed since the backup (SHA-256 {} expected, {} found); not restoring",
                f.name,
                &f.sha256[..16],
                &got.sha256[..16]
            );
        }
    }
    Ok(m)
}

async fn heads(store: &Store) -> anyhow::Result<Vec<CountyHead>> {
    let mut out = Vec::new();
    for county in store.counties().await? {
        let entries = store.log_size(&county).await?;
        let last = store.checkpoints(&county).await?.pop();
        out.push(CountyHead {
            county,
            entries,
            checkpoint_size: last.as_ref().map(|c| c.size),
            checkpoint_root: last.as_ref().map(|c| hex::encode(c.root)),
        });
    }
    Ok(out)
}

fn sum(path: &Path, name: &str) -> anyhow::Result<FileSum> {
    let mut f =
        std::fs::File::open(path).with_context(|| format!("{name}: missing from the backup"))?;
    let mut h = Sha256::new();
    let bytes = std::io::copy(&mut f, &mut h)?;
    Ok(FileSum {
        name: name.to_string(),
        bytes,
        sha256: hex::encode(h.finalize()),
    })
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

/// `pg_dump` or `pg_restore`: from PATH, else the newest Debian PostgreSQL install.
fn pg_tool(name: &str) -> anyhow::Result<PathBuf> {
    if let Some(p) = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
    {
        return Ok(p);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.is_file())
        .collect();
    found.sort_by_key(|p| {
        p.components()
            .nth(4)
            .and_then(|c| c.as_os_str().to_str()?.parse::<u32>().ok())
            .unwrap_or(0)
    });
    found
        .pop()
        .with_context(|| format!("{name} not found: install the PostgreSQL client tools"))
}
