//! `tiaokuai demo`: the demo county on embedded SQLite, created on first run.
//!
//! Setup is all-or-nothing: the county is built in `DATA_DIR/.demo-setup/` and moved into place
//! only when complete, so a setup killed half-way is discarded (and said so) by the next run
//! instead of being served as if it were whole.

use crate::DbArgs;
use anyhow::Context;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tiaokuai_app::demo;

const DB_FILE: &str = "tiaokuai.db";
const KEY_FILE: &str = "log-signing.key";
const SETUP_DIR: &str = ".demo-setup";

fn db_args(dir: &Path) -> DbArgs {
    DbArgs {
        database_url: Some(format!("sqlite://{}", dir.join(DB_FILE).display())),
        key_file: Some(dir.join(KEY_FILE)),
        county: Some(demo::COUNTY.to_string()),
    }
}

pub async fn run(data_dir: PathBuf, addr: SocketAddr) -> anyhow::Result<ExitCode> {
    if !data_dir.join(DB_FILE).exists() {
        set_up(&data_dir).await?;
    }
    let engine = crate::commands::open_engine(&db_args(&data_dir)).await?;
    let mut banner = format!("Demo accounts (password: {}):\n", demo::PASSWORD);
    for (u, what) in demo::ACCOUNTS {
        banner.push_str(&format!("  {u:<16} {what}\n"));
    }
    crate::commands::serve_engine(engine, addr, Some(false), Some(banner)).await
}

/// Builds the demo county beside its final place and moves it in when it is complete.
async fn set_up(data_dir: &Path) -> anyhow::Result<()> {
    let work = data_dir.join(SETUP_DIR);
    if work.exists() {
        println!(
            "a previous demo setup in {} was interrupted; discarding it and starting again",
            work.display()
        );
        std::fs::remove_dir_all(&work).with_context(|| format!("removing {}", work.display()))?;
    }
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    println!(
        "setting up the demo county 青川县 in {} …",
        data_dir.display()
    );
    let db = db_args(&work);
    let store = crate::commands::open_store(&db).await?;
    crate::commands::create_key_on_first_setup(&store, &db).await?;
    store.close().await;
    let engine = crate::commands::open_engine(&db).await?;
    demo::load_if_empty(&engine, &work.join("demo-import"), tiaokuai_app::now_ms()).await?;
    // Closing the pool checkpoints SQLite's write-ahead log into the database file.
    engine.store().close().await;
    drop(engine);
    // The key first: a key without a database is harmless (the next setup replaces it); the
    // database's arrival is what marks the county complete.
    move_in(&work, data_dir, KEY_FILE)?;
    for side in ["-wal", "-shm"] {
        let name = format!("{DB_FILE}{side}");
        // A leftover from a move that was cut short belongs to no database any more.
        let _ = std::fs::remove_file(data_dir.join(&name));
        if work.join(&name).exists() {
            move_in(&work, data_dir, &name)?;
        }
    }
    move_in(&work, data_dir, DB_FILE)?;
    std::fs::remove_dir_all(&work).with_context(|| format!("removing {}", work.display()))?;
    println!("created the demo county 青川县 in {}", data_dir.display());
    Ok(())
}

fn move_in(from: &Path, to: &Path, name: &str) -> anyhow::Result<()> {
    std::fs::rename(from.join(name), to.join(name)).with_context(|| {
        format!(
            "moving {name} from {} into {}",
            from.display(),
            to.display()
        )
    })
}
