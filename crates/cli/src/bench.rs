//! `tiaokuai bench log`: durable appends per second (group commit, concurrent clients) and
//! verified entries per second, on a fresh database.

use clap::Subcommand;
use std::process::ExitCode;
use std::time::Instant;
use tiaokuai_app::{demo, now_ms, Actor, Engine};
use tiaokuai_core::org::Person;
use tiaokuai_core::Transition;
use tiaokuai_log::Frontier;

#[derive(Subcommand)]
pub enum BenchCmd {
    /// Append and verify throughput of the tamper-evident log.
    Log {
        /// Database to benchmark in [default: a new SQLite file in a temporary directory].
        /// For PostgreSQL give a URL to an empty database.
        #[arg(long)]
        database_url: Option<String>,
        /// Entries to append.
        #[arg(long, default_value_t = 200_000)]
        entries: usize,
        /// Concurrent clients submitting one transition at a time.
        #[arg(long, default_value_t = 256)]
        clients: usize,
    },
    /// List import rows/s (the demo catalogue, repeated) and search p50/p99 over many items.
    Lists {
        /// Items in the search index.
        #[arg(long, default_value_t = 20_000)]
        items: usize,
        #[arg(long, default_value_t = 2_000)]
        queries: usize,
    },
    /// Full event lifecycles over HTTP (report, dispatch, sign, respond, report back, grade,
    /// close) from concurrent clients: lifecycles/s and per-command latency.
    Workflow(crate::bench_workflow::WorkflowArgs),
    /// Statistics over N events of generated history: the leader dashboard, a two-dimension
    /// cube, a monthly scorecard (p50/p95) and one rebuild; database size and peak RSS.
    Stats(crate::bench_stats::StatsArgs),
    /// A server with N closed events behind it: restart time, idle memory, list/desk/public
    /// latency and workflow throughput (`--closed 0` for the empty-county baseline).
    History(crate::bench_history::HistoryArgs),
    /// Routing suggestions: train on a few thousand messages, then suggestions/s on one core
    /// and p50/p99 latency per suggestion.
    Route(crate::bench_route::RouteArgs),
}

pub async fn run(cmd: BenchCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        BenchCmd::Log {
            database_url,
            entries,
            clients,
        } => bench_log(database_url, entries, clients).await,
        BenchCmd::Lists { items, queries } => bench_lists(items, queries).await,
        BenchCmd::Workflow(args) => crate::bench_workflow::run(args).await,
        BenchCmd::Stats(args) => crate::bench_stats::run(args).await,
        BenchCmd::History(args) => crate::bench_history::run(args).await,
        BenchCmd::Route(args) => crate::bench_route::run(args),
    }
}

async fn bench_log(
    url: Option<String>,
    entries: usize,
    clients: usize,
) -> anyhow::Result<ExitCode> {
    let dir = tempfile::tempdir()?;
    let url = url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let store = tiaokuai_store::Store::connect(&url).await?;
    store.migrate().await?;
    let signer = tiaokuai_app::keys::ephemeral();
    let engine = Engine::start(store.clone(), demo::COUNTY, signer).await?;
    demo::load_with(
        &engine,
        &dir.path().join("demo"),
        now_ms(),
        demo::DemoOptions::SMALL,
    )
    .await?;
    let base = engine.tree_head().await.0;
    println!("backend: {:?}; demo county loaded ({base} entries); appending {entries} entries from {clients} clients", store.backend());

    let start = Instant::now();
    let per_client = entries.div_ceil(clients.max(1));
    let mut tasks = Vec::new();
    for c in 0..clients {
        let engine = engine.clone();
        tasks.push(tokio::spawn(async move {
            let actor = Actor::system("bench");
            let mut lat = Vec::with_capacity(per_client);
            for i in 0..per_client {
                let person = Person {
                    username: "grid_qs01".into(),
                    name: "基准测试".into(),
                    phone: format!("138{:08}", (c * per_client + i) % 100_000_000),
                    unit: "370999001001".into(),
                    active: true,
                };
                let t0 = Instant::now();
                engine
                    .submit(&actor, now_ms(), vec![Transition::PersonSaved { person }])
                    .await?;
                lat.push(t0.elapsed().as_secs_f64() * 1000.0);
            }
            anyhow::Ok(lat)
        }));
    }
    let mut lat = Vec::new();
    for t in tasks {
        lat.extend(t.await??);
    }
    let secs = start.elapsed().as_secs_f64();
    lat.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let appended = lat.len();
    println!(
        "appends: {appended} durable appends in {secs:.2} s = {:.0} appends/s (commit latency p50 {:.1} ms, p99 {:.1} ms)",
        appended as f64 / secs,
        pct(0.5),
        pct(0.99)
    );

    let start = Instant::now();
    let report =
        tiaokuai_app::verify::verify_county(&store, demo::COUNTY, engine.verifier()).await?;
    let secs = start.elapsed().as_secs_f64();
    anyhow::ensure!(report.ok(), "verification failed: {:?}", report.problem);
    println!(
        "verify (read from the database + hash + chain + Merkle + {} signatures): {} entries in {secs:.2} s = {:.0} entries/s",
        report.checkpoints,
        report.entries,
        report.entries as f64 / secs
    );

    // The hashing part alone, on entries already in memory.
    let all = store.read_log(demo::COUNTY, 0, u64::MAX / 2).await?;
    let start = Instant::now();
    let mut f = Frontier::new();
    let mut prev = [0u8; 32];
    for e in &all {
        let h = e.recompute_hash();
        anyhow::ensure!(
            h == e.hash && e.prev_hash == prev,
            "entry {} does not verify",
            e.header.seq
        );
        f.push(h);
        prev = h;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "verify (in memory: hash + chain + Merkle root): {} entries in {secs:.3} s = {:.0} entries/s",
        all.len(),
        all.len() as f64 / secs
    );
    engine.store().close().await;
    Ok(ExitCode::SUCCESS)
}

async fn bench_lists(items: usize, queries: usize) -> anyhow::Result<ExitCode> {
    let dir = tempfile::tempdir()?;
    let store = tiaokuai_store::Store::connect(&format!(
        "sqlite://{}",
        dir.path().join("bench.db").display()
    ))
    .await?;
    store.migrate().await?;
    let signer = tiaokuai_app::keys::ephemeral();
    let engine = Engine::start(store, demo::COUNTY, signer).await?;
    let files = demo::write_files(&dir.path().join("org"))?;
    let paths: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
    engine
        .import_org(&Actor::system("bench"), now_ms(), &paths, false)
        .await?;
    let lists = demo::write_list_files(&dir.path().join("lists"))?;
    let paths: Vec<&std::path::Path> = lists.iter().map(|p| p.as_path()).collect();
    // Parse + validate + check + append + project, as `lists import` does; repeated with a
    // dry run so every round reads and checks all rows.
    let rounds = 5;
    let start = Instant::now();
    let mut rows = 0usize;
    for r in 0..rounds {
        let opts = tiaokuai_app::lists::ImportOptions {
            dry_run: r > 0,
            ..Default::default()
        };
        let s = engine
            .import_lists(&Actor::system("bench"), now_ms(), &paths, &opts)
            .await?;
        rows += s.per_kind.values().sum::<usize>();
    }
    let secs = start.elapsed().as_secs_f64();
    println!("import: {rows} rows from {} workbooks in {rounds} rounds, {secs:.2} s = {:.0} rows/s (read .xlsx + map headers + resolve units + validate; first round also appends)", lists.len(), rows as f64 / secs);
    println!("{}", tiaokuai_search::bench::bench_report(items, queries));
    Ok(ExitCode::SUCCESS)
}
