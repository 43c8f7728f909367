//! `tiaokuai bench stats`: statistics and assessment over a county with N events of generated
//! history (about twelve months, through the real append path): the leader dashboard, a
//! two-dimension cube over a year, a monthly scorecard, and one rebuild of the read models.

use std::future::Future;
use std::process::ExitCode;
use std::time::Instant;
use tiaokuai_app::demo::{self, DemoOptions};
use tiaokuai_app::demo_history::{generate, HistorySpec};
use tiaokuai_app::{now_ms, Engine};
use tiaokuai_core::access::Principal;
use tiaokuai_core::stats::{Dim, Grain, Measure, Period, Query};
use tiaokuai_store::Backend;

#[derive(clap::Args, Clone, Debug)]
pub struct StatsArgs {
    /// Events of history to generate (spread over about twelve months).
    #[arg(long, default_value_t = 100_000)]
    events: u32,
    /// Timed runs of each query (at least 20).
    #[arg(long, default_value_t = 20)]
    runs: usize,
    /// Database [default: a new SQLite file in a temporary directory]. For PostgreSQL give a
    /// URL to an empty database; it is migrated.
    #[arg(long)]
    database_url: Option<String>,
    /// Seed of the generated history.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
}

const DAY: i64 = 86_400_000;

/// Peak resident set size of this process in KiB (`VmHWM`), where /proc exists.
fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// p50 and p95 in milliseconds of `runs` runs of `f`.
async fn time<F, Fut>(runs: usize, mut f: F) -> anyhow::Result<(f64, f64)>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    let at = |p: f64| {
        ms.get(((ms.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    Ok((at(0.5), at(0.95)))
}

fn query(rows: Dim, cols: Dim, measures: Vec<Measure>, from_ms: i64, to_ms: i64) -> Query {
    Query {
        rows,
        cols,
        measures,
        filters: vec![],
        from_ms,
        to_ms,
    }
}

/// The queries a leader's dashboard makes.
fn dashboard(now: i64) -> Vec<Query> {
    let month = Period::month_of(now);
    let (m0, m1) = (month.from_ms(), month.to_ms());
    let year = now - 365 * DAY;
    let hop_rates = vec![
        Measure::Hops,
        Measure::OnTimeSignRate,
        Measure::OnTimeResolutionRate,
        Measure::SatisfactionRate,
        Measure::ReturnRate,
        Measure::Overdue,
    ];
    vec![
        query(
            Dim::All,
            Dim::All,
            vec![
                Measure::Events,
                Measure::Closed,
                Measure::SelfClosed,
                Measure::ClosureRate,
                Measure::OnTimeClosureRate,
                Measure::Hops,
                Measure::Overdue,
                Measure::SatisfactionRate,
                Measure::OnTimeResolutionRate,
            ],
            m0,
            m1,
        ),
        query(
            Dim::Period(Grain::Month),
            Dim::All,
            vec![Measure::Events, Measure::Closed, Measure::ClosureRate],
            year,
            m1,
        ),
        query(Dim::Department, Dim::All, hop_rates.clone(), m0, m1),
        query(Dim::Township, Dim::All, hop_rates, m0, m1),
        query(
            Dim::Category(2),
            Dim::All,
            vec![Measure::Events, Measure::ClosureRate],
            m0,
            m1,
        ),
    ]
}

async fn leader(engine: &Engine) -> anyhow::Result<Principal> {
    engine
        .principal_of("leader")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo account leader is missing"))
}

fn db_size(url: &str, dir: &std::path::Path) -> u64 {
    let path = url
        .strip_prefix("sqlite://")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.join("bench.db"));
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
        .map(|m| m.len())
        .sum()
}

pub async fn run(args: StatsArgs) -> anyhow::Result<ExitCode> {
    let runs = args.runs.max(20);
    let dir = tempfile::tempdir()?;
    let url = args
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let store = tiaokuai_store::Store::connect(&url).await?;
    store.migrate().await?;
    let signer = tiaokuai_app::keys::ephemeral();
    let engine = Engine::start(store.clone(), demo::COUNTY, signer).await?;
    let now = now_ms();
    demo::load_with(&engine, &dir.path().join("demo"), now, DemoOptions::BARE).await?;
    let base = engine.tree_head().await.0;
    println!(
        "backend: {:?}; demo county loaded ({base} entries); generating {} events over 12 months",
        store.backend(),
        args.events
    );

    let start = Instant::now();
    let spec = HistorySpec {
        months: 12,
        events_per_month: args.events.div_ceil(12),
        seed: args.seed,
        open_tail_days: 14,
    };
    let c = generate(&engine, now, spec).await?;
    let secs = start.elapsed().as_secs_f64();
    anyhow::ensure!(c.refused == 0, "{} generated steps were refused", c.refused);
    println!(
        "build: {} events, {} transitions in {secs:.1} s = {:.0} events/s, {:.0} transitions/s ({} rounds)",
        c.events,
        c.transitions,
        c.events as f64 / secs,
        c.transitions as f64 / secs,
        c.rounds
    );
    println!(
        "history: closed {}, self-closed {}, open {}, late {}, not satisfied {}, returns {}, disputes {}, reminders {}, township-assigned {}, whistled {}",
        c.closed, c.self_closed, c.open, c.late, c.unsatisfied, c.returns, c.disputes, c.reminders, c.township_assigned, c.whistled
    );

    let who = leader(&engine).await?;
    let qs = dashboard(now);
    let (p50, p95) = time(runs, || async {
        for q in &qs {
            engine.stats(&who, q, true, now).await?;
        }
        Ok(())
    })
    .await?;
    println!(
        "dashboard ({} queries: month totals, 12-month trend, departments, townships, categories): p50 {p50:.1} ms, p95 {p95:.1} ms",
        qs.len()
    );

    let cube = query(
        Dim::Township,
        Dim::Category(2),
        vec![
            Measure::Events,
            Measure::Closed,
            Measure::Hops,
            Measure::OnTimeResolutionRate,
            Measure::SatisfactionRate,
            Measure::ReportTimeP50,
        ],
        now - 365 * DAY,
        now + DAY,
    );
    let cells = std::cell::Cell::new(0);
    let (p50, p95) = time(runs, || {
        let (engine, who, cube, cells) = (&engine, &who, &cube, &cells);
        async move {
            let t = engine.stats(who, cube, true, now).await?;
            cells.set(t.rows.len() * t.cols.len());
            Ok(())
        }
    })
    .await?;
    let cells = cells.get();
    println!("cube (township x category level 2, 6 measures, 12 months, {cells} cells): p50 {p50:.1} ms, p95 {p95:.1} ms");

    let last = Period::month_of(now)
        .previous()
        .ok_or_else(|| anyhow::anyhow!("no previous month"))?;
    let units = std::cell::Cell::new(0);
    let (p50, p95) = time(runs, || {
        let (engine, who, name, units) = (&engine, &who, &last.name, &units);
        async move {
            let v = engine.assessment(who, "dept-monthly", name, now).await?;
            units.set(v.results.len());
            Ok(())
        }
    })
    .await?;
    let units = units.get();
    println!(
        "assessment (dept-monthly {}, {units} units with explanations): p50 {p50:.1} ms, p95 {p95:.1} ms",
        last.name
    );

    let t = Instant::now();
    let n = store.rebuild_read_models(demo::COUNTY).await?;
    println!(
        "rebuild: read models from {n} log entries in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    match store.backend() {
        Backend::Sqlite => println!(
            "database: {:.1} MiB (SQLite file with WAL)",
            db_size(&url, dir.path()) as f64 / 1048576.0
        ),
        _ => {
            let size: i64 = sqlx::query_scalar("select pg_database_size(current_database())")
                .fetch_one(store.pool())
                .await?;
            println!(
                "database: {:.1} MiB (pg_database_size)",
                size as f64 / 1048576.0
            );
        }
    }
    println!(
        "peak RSS: {:.0} MiB",
        peak_rss_kib().unwrap_or(0) as f64 / 1024.0
    );
    store.close().await;
    Ok(ExitCode::SUCCESS)
}
