//! `tiaokuai bench history`: a server with N closed events behind it. Builds the demo county
//! with N events of generated history (two years, through the real append path), archives
//! what settled and writes a snapshot, then runs `tiaokuai serve` on it as a separate process
//! and measures: restart to healthy (from the snapshot, and optionally by full replay), the
//! idle server's resident memory, event list / desk / public query latency over HTTP, and
//! `bench workflow` lifecycles/s against it. `--closed 0` gives the empty-county baseline.

use crate::bench_workflow::report::pct;
use crate::bench_workflow::sessions::login;
use anyhow::{bail, Context};
use reqwest::Url;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};
use tiaokuai_app::demo::{self, DemoOptions};
use tiaokuai_app::demo_history::{generate, HistorySpec};
use tiaokuai_app::{now_ms, Engine};

#[derive(clap::Args, Clone, Debug)]
pub struct HistoryArgs {
    /// Events of generated history (almost all closed; the last days stay open).
    #[arg(long, default_value_t = 100_000)]
    closed: u32,
    /// Keep the county here and reuse it when the directory already holds one
    /// [default: a temporary directory].
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL of an empty database (or of one built by an earlier run with the same
    /// --data-dir) [default: SQLite in the data directory].
    #[arg(long)]
    database_url: Option<String>,
    /// Timed requests per query.
    #[arg(long, default_value_t = 50)]
    runs: usize,
    /// Lifecycles for the workflow measurement (0 skips it).
    #[arg(long, default_value_t = 3_000)]
    lifecycles: usize,
    /// Concurrent workflow clients.
    #[arg(long, default_value_t = 32)]
    clients: usize,
    /// Also time a restart without snapshots (a full replay of the log).
    #[arg(long)]
    full_replay: bool,
}

const KEY: &str = "log-signing.key";

pub async fn run(args: HistoryArgs) -> anyhow::Result<ExitCode> {
    let tmp;
    let dir = match &args.data_dir {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.clone()
        }
        None => {
            tmp = tempfile::tempdir()?;
            tmp.path().to_path_buf()
        }
    };
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.join("history.db").display()));
    let key = dir.join(KEY);
    println!(
        "bench history: {} events of history in {} ({})",
        args.closed,
        dir.display(),
        redact(&url)
    );
    build(&args, &dir, &url, &key).await?;

    if args.full_replay {
        let store = tiaokuai_store::Store::connect(&url).await?;
        let snaps = store.snapshots(demo::COUNTY).await?;
        sqlx::query("delete from state_snapshots")
            .execute(store.pool())
            .await?;
        store.close().await;
        let (server, secs) = Server::start(&url, &key, &dir).await?;
        println!("restart without a snapshot (full replay): {secs:.2} s to healthy");
        server.stop();
        let store = tiaokuai_store::Store::connect(&url).await?;
        for s in &snaps {
            store.put_snapshot(demo::COUNTY, s).await?;
        }
        store.close().await;
    }
    let (server, secs) = Server::start(&url, &key, &dir).await?;
    println!("restart from the snapshot: {secs:.2} s to healthy");
    tokio::time::sleep(Duration::from_secs(5)).await;
    println!(
        "idle server resident memory: {:.0} MiB",
        server.rss_kib().unwrap_or(0) as f64 / 1024.0
    );
    queries(&server.base, args.runs).await?;
    if args.lifecycles > 0 {
        workflow(&server.base, &args)?;
        println!(
            "server resident memory after the workflow: {:.0} MiB",
            server.rss_kib().unwrap_or(0) as f64 / 1024.0
        );
    }
    server.stop();
    Ok(ExitCode::SUCCESS)
}

fn redact(url: &str) -> String {
    match url.split_once('@') {
        Some((_, host)) if url.contains("://") => format!("postgres://…@{host}"),
        _ => url.to_string(),
    }
}

/// Builds the county unless the directory already holds one.
async fn build(args: &HistoryArgs, dir: &Path, url: &str, key: &Path) -> anyhow::Result<()> {
    let store = tiaokuai_store::Store::connect(url).await?;
    store.migrate().await?;
    let signer = if key.exists() {
        tiaokuai_app::keys::load(key)?
    } else {
        tiaokuai_app::keys::create(key)?
    };
    let verifier = signer.verifier();
    let engine = Engine::start(store.clone(), demo::COUNTY, signer).await?;
    tiaokuai_app::keys::declare_if_missing(&engine, &verifier, now_ms()).await?;
    let now = now_ms();
    let t = Instant::now();
    let loaded = demo::load_with(&engine, &dir.join("demo"), now, DemoOptions::SMALL).await?;
    if !loaded {
        println!("reusing the county already in {}", dir.display());
        return Ok(());
    }
    if args.closed > 0 {
        let months = 24;
        let spec = HistorySpec {
            months,
            events_per_month: args.closed.div_ceil(months),
            seed: 2026,
            open_tail_days: 3,
        };
        let c = generate(&engine, now, spec).await?;
        let secs = t.elapsed().as_secs_f64();
        let entries = engine.tree_head().await.0;
        println!(
            "built: {} events ({} closed, {} open), {entries} log entries in {secs:.0} s ({:.0} entries/s)",
            c.events,
            c.closed + c.self_closed,
            c.open,
            entries as f64 / secs
        );
    }
    let archived = engine.archive_settled(now_ms()).await?;
    let size = engine.take_snapshot(now_ms()).await?;
    println!(
        "archived {archived} settled events; {} stay in memory; snapshot at {size} entries",
        engine.resident_events().await
    );
    store.close().await;
    Ok(())
}

/// `tiaokuai serve` on the county, as its own process.
struct Server {
    child: Child,
    base: Url,
}

impl Server {
    /// Starts the server; its log goes to `serve.log` in `dir`.
    async fn start(url: &str, key: &Path, dir: &Path) -> anyhow::Result<(Server, f64)> {
        let log = std::fs::File::create(dir.join("serve.log"))?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let t = Instant::now();
        let child = Command::new(std::env::current_exe()?)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .env("DATABASE_URL", url)
            .env("TIAOKUAI_KEY_FILE", key)
            .env("TIAOKUAI_COUNTY", demo::COUNTY)
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .context("starting tiaokuai serve")?;
        let base = Url::parse(&format!("http://127.0.0.1:{port}/"))?;
        let server = Server { child, base };
        let health = server.base.join("healthz")?;
        let http = reqwest::Client::new();
        loop {
            if let Ok(r) = http.get(health.clone()).send().await {
                if r.status().is_success() {
                    break;
                }
            }
            if t.elapsed() > Duration::from_secs(1800) {
                server.stop();
                bail!("the server did not become healthy in 30 minutes");
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Ok((server, t.elapsed().as_secs_f64()))
    }

    fn rss_kib(&self) -> Option<u64> {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        s.lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    fn stop(self) {}
}

impl Drop for Server {
    /// The server never outlives the benchmark, whichever way it ends.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// p50/p95 of the pages and API reads people use most, each as the role that uses it.
async fn queries(base: &Url, runs: usize) -> anyhow::Result<()> {
    let login_url = base.join("api/v1/session")?;
    let cases: [(&str, &str, &str); 7] = [
        ("event list page (county)", "dispatcher", "events"),
        (
            "event list page, closed",
            "dispatcher",
            "events?status=closed",
        ),
        (
            "event list API (county)",
            "dispatcher",
            "api/v1/events?limit=50",
        ),
        ("event list page (township)", "qingshan_op", "events"),
        ("command desk", "dispatcher", "desk"),
        ("department desk", "zhujian", "desk"),
        (
            "public list query",
            "",
            "public/lists?q=%E5%8D%A0%E9%81%93%E7%BB%8F%E8%90%A5",
        ),
    ];
    println!("{:<30} {:>9} {:>9}", "query", "p50 ms", "p95 ms");
    for (name, user, path) in cases {
        // `/desk` redirects to the person's own desk.
        let client = reqwest::Client::builder().build()?;
        let cookie = if user.is_empty() {
            None
        } else {
            Some(login(&login_url, user, None).await?.cookie)
        };
        let url = base.join(path)?;
        let mut ms = Vec::with_capacity(runs);
        for i in 0..runs + 3 {
            let mut req = client.get(url.clone());
            if let Some(c) = &cookie {
                req = req.header(reqwest::header::COOKIE, c);
            }
            let t = Instant::now();
            let res = req.send().await?;
            let status = res.status();
            let _ = res.bytes().await?;
            if !status.is_success() {
                bail!("{name}: GET /{path} as {user}: HTTP {status}");
            }
            if i >= 3 {
                ms.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        ms.sort_by(|a, b| a.total_cmp(b));
        println!("{name:<30} {:>9.1} {:>9.1}", pct(&ms, 0.5), pct(&ms, 0.95));
    }
    Ok(())
}

/// `bench workflow --url` against the server, in its own process.
fn workflow(base: &Url, args: &HistoryArgs) -> anyhow::Result<()> {
    let out = Command::new(std::env::current_exe()?)
        .args([
            "bench",
            "workflow",
            "--url",
            base.as_str(),
            "--clients",
            &args.clients.to_string(),
            "--lifecycles",
            &args.lifecycles.to_string(),
            "--json",
        ])
        .stderr(Stdio::inherit())
        .output()?;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).with_context(|| {
        format!(
            "bench workflow said: {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })?;
    println!(
        "workflow against it: {} lifecycles/s ({} clients, {} lifecycles)",
        v["lifecycles_per_s"], args.clients, args.lifecycles
    );
    Ok(())
}
