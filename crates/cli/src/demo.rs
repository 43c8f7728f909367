//! `tiaokuai demo`: the demo county on embedded SQLite, created on first run.

use crate::DbArgs;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tiaokuai_app::demo;

pub async fn run(data_dir: PathBuf, addr: SocketAddr) -> anyhow::Result<ExitCode> {
    let db = DbArgs {
        database_url: Some(format!(
            "sqlite://{}",
            data_dir.join("tiaokuai.db").display()
        )),
        key_file: data_dir.join("log-signing.key"),
        county: Some(demo::COUNTY.to_string()),
    };
    let store = crate::commands::open_store(&db).await?;
    crate::commands::create_key_on_first_setup(&store, &db).await?;
    drop(store);
    let engine = crate::commands::open_engine(&db).await?;
    if demo::load_if_empty(
        &engine,
        &data_dir.join("demo-import"),
        tiaokuai_app::now_ms(),
    )
    .await?
    {
        println!("created the demo county 青川县 in {}", data_dir.display());
    }
    let mut banner = format!("Demo accounts (password: {}):\n", demo::PASSWORD);
    for (u, what) in demo::ACCOUNTS {
        banner.push_str(&format!("  {u:<16} {what}\n"));
    }
    crate::commands::serve_engine(engine, addr, Some(false), Some(banner)).await
}
