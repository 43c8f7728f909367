//! `tiaokuai bench workflow`: full event lifecycles over HTTP from concurrent clients.
//!
//! One lifecycle is seven API calls by three people: a township operator reports and calls the
//! county, the county dispatcher dispatches to a department by the list, the department's
//! handler signs, responds and reports back, and the township grades and closes. Each client
//! is one task holding one logged-in session per role (its own cookie jar per session); it runs
//! one lifecycle after another until the shared budget is spent. Logins happen before the
//! clock starts. Reported: lifecycles/s, commands/s, per-command latency and the peak RSS.

use anyhow::{bail, Context};
use reqwest::Url;
use std::process::ExitCode;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::time::Instant;
use tiaokuai_app::{demo, now_ms, Actor, Engine};
use tiaokuai_core::Transition;
use tiaokuai_server::{AppState, ServerConfig};
use tokio::sync::Barrier;

mod load;
pub(crate) mod report;
pub(crate) mod sessions;
use load::*;
use report::*;
use sessions::*;

#[derive(clap::Args, Clone, Debug)]
pub struct WorkflowArgs {
    /// Concurrent clients; each holds a township, a dispatcher and a department session.
    #[arg(long, default_value_t = 64)]
    clients: usize,
    /// Lifecycles to time (7 commands each).
    #[arg(long, default_value_t = 5_000)]
    lifecycles: usize,
    /// Lifecycles run before the clock starts.
    #[arg(long, default_value_t = 200)]
    warmup: usize,
    /// Database of the in-process server [default: a new SQLite file in a temporary
    /// directory]. For PostgreSQL give a URL to an empty database.
    #[arg(long, conflicts_with = "url")]
    database_url: Option<String>,
    /// Drive an already running server (with the demo county and its accounts) instead.
    #[arg(long)]
    url: Option<String>,
    /// Worker threads of the load generator's own runtime [default: 1 with the in-process
    /// server, else the number of cores]; 0 runs it on the server's runtime.
    #[arg(long)]
    client_threads: Option<usize>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
}

/// The seven commands of a lifecycle, in order.
pub(crate) const COMMANDS: [&str; 7] = [
    "create",
    "dispatch",
    "accept",
    "respond",
    "report_back",
    "evaluate",
    "close",
];

/// Demo accounts, by role, that every demo server has (password [`demo::PASSWORD`]).
pub(crate) const DEMO_OPERATORS: &[&str] = &["qingshan_op", "chengguan_op"];
pub(crate) const DISPATCHERS: &[&str] = &["dispatcher", "dispatcher2"];
pub(crate) const DEMO_HANDLERS: &[&str] = &["zhujian", "zhifa", "shichang", "huanbao"];
/// More people of the demo organisation, given a password by the in-process server so that
/// sessions spread over many users and units.
pub(crate) const MORE_OPERATORS: &[&str] = &[
    "op_370999001",
    "op_370999002",
    "op_370999003",
    "op_370999004",
    "op_370999005",
    "op_370999006",
    "op_370999007",
    "op_370999008",
    "op_370999009",
    "op_370999010",
    "op_370999011",
    "op_370999012",
];
pub(crate) const MORE_HANDLERS: &[&str] = &[
    "dept_zj_handler",
    "dept_zf_handler",
    "dept_sj_handler",
    "dept_hb_handler",
];

/// The demo county's grids, for a point inside each operator's own township (a township
/// reports only within itself).
const DEMO_GRIDS: &str = include_str!("../../../../demo/org/grids.csv");

/// A point inside the first demo grid of `operator`'s township.
pub(crate) fn report_point(operator: &str) -> Option<(f64, f64)> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static POINTS: OnceLock<HashMap<String, (f64, f64)>> = OnceLock::new();
    let points = POINTS.get_or_init(|| {
        let mut out = HashMap::new();
        let mut rdr = csv::Reader::from_reader(DEMO_GRIDS.as_bytes());
        for rec in rdr.records().flatten() {
            let (Some(code), Some(shape)) = (rec.get(0), rec.get(6)) else {
                continue;
            };
            let Some(township) = code.get(..9) else {
                continue;
            };
            let Ok(geo) = serde_json::from_str::<serde_json::Value>(shape) else {
                continue;
            };
            let Some(ring) = geo["coordinates"][0].as_array() else {
                continue;
            };
            // The mean of the ring's corners: inside for the demo's convex grids.
            let corners: Vec<(f64, f64)> = ring
                .iter()
                .skip(1)
                .filter_map(|p| Some((p[0].as_f64()?, p[1].as_f64()?)))
                .collect();
            if corners.is_empty() {
                continue;
            }
            let n = corners.len() as f64;
            let lon = corners.iter().map(|c| c.0).sum::<f64>() / n;
            let lat = corners.iter().map(|c| c.1).sum::<f64>() / n;
            out.entry(township.to_string()).or_insert((lon, lat));
        }
        out
    });
    let township = match operator {
        "qingshan_op" => "370999001",
        "chengguan_op" => "370999009",
        other => other.strip_prefix("op_")?,
    };
    points.get(township).copied()
}
/// First error bodies kept for the report.
pub(crate) const KEEP_ERRORS: usize = 5;

pub async fn run(args: WorkflowArgs) -> anyhow::Result<ExitCode> {
    if args.clients == 0 {
        bail!("--clients must be at least 1");
    }
    let _dir; // keeps the temporary data directory until the end
    let (base, target, backend, operators, handlers) = match &args.url {
        Some(u) => {
            let base = Url::parse(u).with_context(|| format!("bad --url {u}"))?;
            (
                base,
                format!("server at {u}"),
                "remote".to_string(),
                DEMO_OPERATORS.to_vec(),
                DEMO_HANDLERS.to_vec(),
            )
        }
        None => {
            let dir = tempfile::tempdir()?;
            let (addr, backend) = start_in_process(dir.path(), args.database_url.clone()).await?;
            _dir = dir;
            let base = Url::parse(&format!("http://{addr}/"))?;
            (
                base,
                format!("in-process server on {addr}"),
                backend,
                [DEMO_OPERATORS, MORE_OPERATORS].concat(),
                [DEMO_HANDLERS, MORE_HANDLERS].concat(),
            )
        }
    };
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let say = |s: String| {
        if args.json {
            eprintln!("{s}");
        } else {
            println!("{s}");
        }
    };
    say(format!(
        "bench workflow: {target} ({backend}); {} clients, {} lifecycles ({} commands) after {} warm-up",
        args.clients,
        args.lifecycles,
        args.lifecycles * COMMANDS.len(),
        args.warmup
    ));
    if args.url.is_none() {
        say(format!(
            "note: the server, its database and the load generator share this machine's {cores} cores"
        ));
    }

    // The load generator runs on its own runtime, as separate client processes would, so its
    // tasks do not queue in front of the server's; 0 threads shares the server's runtime.
    let threads = args
        .client_threads
        .unwrap_or(if args.url.is_some() { cores } else { 1 });
    say(format!(
        "load generator: {}",
        if threads == 0 {
            "on the server's runtime".to_string()
        } else {
            format!("its own runtime with {threads} worker thread(s)")
        }
    ));
    let job = drive(args.clone(), base, operators, handlers);
    let (total, secs) = if threads == 0 {
        job.await?
    } else {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("bench-client")
            .enable_all()
            .build()?;
        let out = rt.spawn(job).await;
        rt.shutdown_background();
        out??
    };
    let mut report = Report::new(&args, &target, &backend, cores, secs, total);
    report.client_threads = threads;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.json())?);
    } else {
        report.print();
    }
    Ok(if report.tally.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Logs every client in, warms up, then times the run. Returns the tally and the seconds.
pub(crate) async fn drive(
    args: WorkflowArgs,
    base: Url,
    operators: Vec<&'static str>,
    handlers: Vec<&'static str>,
) -> anyhow::Result<(Tally, f64)> {
    let say = |s: String| {
        if args.json {
            eprintln!("{s}");
        } else {
            println!("{s}");
        }
    };
    // Sessions: one per client and role, logged in before the clock starts.
    let login_start = Instant::now();
    let plan = plan_sessions(&base, args.clients, &operators, &handlers);
    let sessions = login_all(&base, &plan).await?;
    let mut clients = Vec::with_capacity(args.clients);
    for (i, roles) in plan.per_client.iter().enumerate() {
        clients.push(ClientSet::new(&base, plan.source_ip(i), roles, &sessions)?);
    }
    let distinct_users = {
        let mut u: Vec<&str> = sessions.keys().map(|(u, _)| u.as_str()).collect();
        u.sort_unstable();
        u.dedup();
        u.len()
    };
    let first = clients
        .first()
        .ok_or_else(|| anyhow::anyhow!("no clients"))?;
    let routes = routes(&base, &first.dispatcher, &sessions).await?;
    say(format!(
        "logged in {} sessions of {distinct_users} users in {:.1} s{}",
        sessions.len(),
        login_start.elapsed().as_secs_f64(),
        if plan.bind_sources {
            " (each client from its own 127.x.y.z source address)"
        } else {
            ""
        }
    ));

    let mut leads: Vec<String> = routes
        .iter()
        .map(
            |(u, r)| match (r.override_reason.is_null(), r.item.get("id")) {
                (true, Some(id)) => format!("{u} by item {}", id.as_str().unwrap_or("?")),
                _ => format!("{u} by override"),
            },
        )
        .collect();
    leads.sort();
    say(format!("dispatch leads: {}", leads.join(", ")));

    // Warm-up, then the timed run; every client claims lifecycles from shared counters.
    let shared = Arc::new(Shared {
        base: base.clone(),
        routes,
        warm_left: AtomicUsize::new(args.warmup),
        timed_left: AtomicUsize::new(args.lifecycles),
        barrier: Barrier::new(args.clients + 1),
    });
    let mut tasks = Vec::with_capacity(args.clients);
    for c in clients {
        let shared = shared.clone();
        tasks.push(tokio::spawn(async move { client_loop(shared, c).await }));
    }
    shared.barrier.wait().await;
    let start = Instant::now();
    let mut total = Tally::default();
    for t in tasks {
        total.merge(t.await?);
    }
    let secs = start.elapsed().as_secs_f64();

    Ok((total, secs))
}

/// A new county with the demo data in `dir` (or at `database_url`), served on 127.0.0.1:0.
/// Returns the address and the backend's name.
pub(crate) async fn start_in_process(
    dir: &std::path::Path,
    database_url: Option<String>,
) -> anyhow::Result<(std::net::SocketAddr, String)> {
    let url =
        database_url.unwrap_or_else(|| format!("sqlite://{}", dir.join("bench.db").display()));
    let store = tiaokuai_store::Store::connect(&url).await?;
    store.migrate().await?;
    let backend = format!("{:?}", store.backend()).to_lowercase();
    let signer = tiaokuai_app::keys::ephemeral();
    let engine = Engine::start(store, demo::COUNTY, signer).await?;
    // Never touch a database that holds data: the bench resets the demo accounts' passwords.
    if !demo::load_with(
        &engine,
        &dir.join("demo"),
        now_ms(),
        demo::DemoOptions::SMALL,
    )
    .await?
    {
        bail!("the database already holds a county's log; give bench workflow an empty database (or use --url to drive a running server)");
    }
    // Cheap password hashes for the bench accounts, so logging in 3 × clients sessions does
    // not take longer than the run (the real cost parameters live in the stored hash).
    let hash = cheap_hash(demo::PASSWORD)?;
    let people: Vec<&str> = [
        DEMO_OPERATORS,
        MORE_OPERATORS,
        DISPATCHERS,
        DEMO_HANDLERS,
        MORE_HANDLERS,
    ]
    .concat();
    let ts = people
        .iter()
        .map(|u| Transition::PasswordSet {
            username: u.to_string(),
            password_hash: hash.clone(),
        })
        .collect();
    engine
        .submit(&Actor::system("bench"), now_ms(), ts)
        .await
        .context("setting the bench accounts' passwords")?;
    // Outbound notices are computed for every step as in `serve`, but delivered nowhere, so
    // the numbers do not include writing a log line per step to the terminal.
    tiaokuai_app::events::notify::spawn(engine.clone(), Arc::new(Discard), Default::default());
    let state = AppState::new(
        engine,
        ServerConfig {
            secure_cookies: false,
            session_hours: 12,
            ..Default::default()
        },
    );
    let addr = tiaokuai_server::spawn_local(state).await?;
    Ok((addr, backend))
}

pub(crate) struct Discard;

impl tiaokuai_app::events::notify::Notifier for Discard {
    fn notify(&self, _n: tiaokuai_app::events::notify::Notice) {}
}

pub(crate) fn cheap_hash(password: &str) -> anyhow::Result<String> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let params = argon2::Params::new(1024, 1, 1, None)
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let salt = SaltString::generate(&mut OsRng);
    a.hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}
