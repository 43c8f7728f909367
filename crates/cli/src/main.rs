//! `tiaokuai`: one binary for serving, administration and benchmarks.

mod backup;
mod bench;
mod bench_history;
mod bench_route;
mod bench_stats;
mod bench_workflow;
mod calendar;
mod commands;
mod config;
mod demo;
mod integrity;
mod lifecycle;
mod lists;
mod otel;
mod person;
mod proof;
mod route;
mod stats;
mod witness;

use clap::{Parser, Subcommand};

/// mimalloc instead of glibc's malloc: the server allocates many small short-lived buffers per
/// request, and glibc spent about a tenth of the workflow benchmark's CPU in malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "tiaokuai", version, about = "条块协同 — county–township collaborative governance", after_help = EXAMPLES)]
struct Cli {
    /// A TOML configuration file (see `tiaokuai config show`).
    #[arg(long, global = true, env = "TIAOKUAI_CONFIG")]
    config: Option<PathBuf>,
    /// Log lines as text or JSON [default: log.format].
    #[arg(long, global = true, value_enum)]
    log_format: Option<config::LogFormat>,
    #[command(subcommand)]
    cmd: Cmd,
}

const EXAMPLES: &str = "Examples:
  tiaokuai demo                                  # demo county on SQLite, http://127.0.0.1:8080
  tiaokuai serve --database-url postgres://tiaokuai@localhost/tiaokuai
  tiaokuai verify                                # check every hash, signature and photo of the log
  tiaokuai checkpoint export --out cp.json       # keep a signed checkpoint elsewhere
  tiaokuai verify --trusted-checkpoint cp.json   # ... and later check nothing was cut off
  tiaokuai witness --server https://tk.example.gov.cn --state-dir /var/lib/tk-witness --once
  tiaokuai user add --username wang --name 王伟 --unit D-ZJ --role department_handler@D-ZJ
  tiaokuai person erase wang                     # delete wang's name, phone, password (个人信息保护法)
  tiaokuai org import units.csv people.csv grids.csv --dry-run
  tiaokuai lists import 属地管理事项清单.xlsx --dry-run
  tiaokuai lists export --version 2 --out lists-v2.xlsx
  tiaokuai calendar due --from 2026-02-13T16:00 --working-days 5   # 2026-02-27T17:30+08:00
  tiaokuai stats --rows township --cols month --measures events,closure_rate --period 2026-Q4
  tiaokuai assess --scheme dept-monthly --period 2026-11
  tiaokuai bench log
  tiaokuai bench lists
  tiaokuai bench stats --events 100000
  tiaokuai route eval --train units.csv --folds 5 --text title,detail --label unit_type
  tiaokuai bench route";

/// Where the data lives. Unset flags come from the configuration (`--config`, `TIAOKUAI_*`).
#[derive(clap::Args, Clone, Default)]
pub struct DbArgs {
    /// sqlite://PATH or postgres://USER@HOST/DB [default: database.url]
    #[arg(long)]
    pub database_url: Option<String>,
    /// The log signing key file [default: database.key_file]. Only `keygen` and the first
    /// `migrate`/`demo` create one; every other command refuses a missing file.
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// County code whose log to use [default: database.county, else the only county in the
    /// database, else 370999].
    #[arg(long)]
    pub county: Option<String>,
}

impl DbArgs {
    pub fn url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| config::get().database.url.clone())
    }

    pub fn key_file(&self) -> PathBuf {
        self.key_file
            .clone()
            .unwrap_or_else(|| config::get().database.key_file.clone())
    }

    pub fn county(&self) -> Option<String> {
        self.county
            .clone()
            .or_else(|| Some(config::get().database.county.clone()).filter(|c| !c.is_empty()))
    }
}

#[derive(Subcommand)]
enum Cmd {
    /// Create the demo county (if missing) in DIR and serve it.
    Demo {
        #[arg(long, default_value = "./tiaokuai-data")]
        data_dir: PathBuf,
        /// [default: server.addr]
        #[arg(long)]
        addr: Option<SocketAddr>,
    },
    /// Serve the web app and API.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// [default: server.addr]
        #[arg(long)]
        addr: Option<SocketAddr>,
        /// Mark cookies Secure [default: server.secure_cookies: on unless listening on
        /// loopback]. Use behind TLS.
        #[arg(long)]
        secure_cookies: Option<bool>,
    },
    /// The configuration: print it (secrets masked) after files, environment and defaults.
    Config {
        #[command(subcommand)]
        cmd: ConfigCmd,
    },
    /// Create or upgrade the database schema.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Recompute every hash, the chain, every checkpoint root and signature (with the keys the
    /// log declares) and every photo's hash. Exit 1 if tampered, 2 if only the key is wrong.
    Verify(integrity::VerifyArgs),
    /// Create a new log signing key file (never overwrites one).
    Keygen {
        /// [default: database.key_file]
        #[arg(long)]
        key_file: Option<PathBuf>,
    },
    /// The log's signing keys: rotate, show.
    Key {
        #[command(subcommand)]
        cmd: integrity::KeyCmd,
    },
    /// Signed checkpoints: export the latest.
    Checkpoint {
        #[command(subcommand)]
        cmd: integrity::CheckpointCmd,
    },
    /// Watch a server's signed checkpoints and alert on a rollback, fork or bad signature.
    Witness(witness::WitnessArgs),
    /// Recompute all read models from the log and check they equal the live ones.
    Rebuild {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Write a backup: the database (online copy or pg_dump), the key file and a manifest.
    Backup(backup::BackupArgs),
    /// Restore a backup into a new database (or --overwrite one) and verify it.
    Restore(backup::RestoreArgs),
    /// People and their passwords and roles.
    User {
        #[command(subcommand)]
        cmd: commands::UserCmd,
    },
    /// Import or export the organisation (units, people, grids) as .xlsx or .csv.
    Org {
        #[command(subcommand)]
        cmd: commands::OrgCmd,
    },
    /// Personal data (个人信息保护法): erase a person's data; re-seal an old log.
    Person {
        #[command(subcommand)]
        cmd: person::PersonCmd,
    },
    /// Responsibility lists: import and export versions.
    Lists {
        #[command(subcommand)]
        cmd: lists::ListsCmd,
    },
    /// Working-time calendar: due times and holidays.
    Calendar {
        #[command(subcommand)]
        cmd: calendar::CalendarCmd,
    },
    /// Event proof bundles: check one offline.
    Proof {
        #[command(subcommand)]
        cmd: proof::ProofCmd,
    },
    /// Statistics: counts, rates and durations by two dimensions over a period.
    Stats(stats::StatsArgs),
    /// Assessment results of a scheme for a period, with per-point explanations.
    Assess(stats::AssessArgs),
    /// Routing suggestions: evaluate the model on labelled messages.
    Route {
        #[command(subcommand)]
        cmd: route::RouteCmd,
    },
    /// Benchmarks.
    Bench {
        #[command(subcommand)]
        cmd: bench::BenchCmd,
    },
}

#[derive(Subcommand)]
enum ConfigCmd {
    /// Print the configuration in force, as TOML, with secrets masked.
    Show,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let mut cfg = match config::Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return std::process::ExitCode::from(2);
        }
    };
    if let Some(f) = cli.log_format {
        cfg.log.format = f;
    }
    #[cfg(not(feature = "otel"))]
    if let Some(url) = &cfg.log.otlp_endpoint {
        eprintln!(
            "error: log.otlp_endpoint is set ({}), but this tiaokuai was built without the otel \
             feature: build it with `--features otel`, or unset log.otlp_endpoint \
             (TIAOKUAI_LOG__OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT)",
            config::mask_url(url)
        );
        return std::process::ExitCode::from(2);
    }
    #[cfg(not(feature = "otel"))]
    init_logging(&cfg.log);
    // Spans are exported from here on; the exporter is flushed when the command has ended.
    #[cfg(feature = "otel")]
    let telemetry = match cfg.log.otlp_endpoint.as_deref() {
        Some(endpoint) => match init_logging_otel(&cfg.log, endpoint) {
            Ok(e) => Some(e),
            Err(e) => {
                eprintln!("error: cannot start the OTLP trace exporter: {e:#}");
                return std::process::ExitCode::from(2);
            }
        },
        None => {
            init_logging(&cfg.log);
            None
        }
    };
    config::init(cfg);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(async move {
        match cli.cmd {
            Cmd::Demo { data_dir, addr } => {
                demo::run(data_dir, addr.unwrap_or(config::get().server.addr)).await
            }
            Cmd::Config {
                cmd: ConfigCmd::Show,
            } => {
                print!("{}", config::get().show());
                Ok(std::process::ExitCode::SUCCESS)
            }
            Cmd::Serve {
                db,
                addr,
                secure_cookies,
            } => commands::serve(db, addr, secure_cookies).await,
            Cmd::Migrate { db } => commands::migrate(db).await,
            Cmd::Verify(a) => integrity::verify(a).await,
            Cmd::Keygen { key_file } => integrity::keygen(
                &key_file.unwrap_or_else(|| config::get().database.key_file.clone()),
            ),
            Cmd::Key { cmd } => integrity::key(cmd).await,
            Cmd::Checkpoint { cmd } => integrity::checkpoint(cmd).await,
            Cmd::Witness(a) => witness::run(a).await,
            Cmd::Rebuild { db } => commands::rebuild(db).await,
            Cmd::Backup(a) => backup::backup(a).await,
            Cmd::Restore(a) => backup::restore(a).await,
            Cmd::User { cmd } => commands::user(cmd).await,
            Cmd::Org { cmd } => commands::org(cmd).await,
            Cmd::Person { cmd } => person::run(cmd).await,
            Cmd::Lists { cmd } => lists::run(cmd).await,
            Cmd::Calendar { cmd } => calendar::run(cmd).await,
            Cmd::Proof { cmd } => proof::run(cmd).await,
            Cmd::Stats(a) => stats::stats(a).await,
            Cmd::Assess(a) => stats::assess(a).await,
            Cmd::Route { cmd } => route::run(cmd),
            Cmd::Bench { cmd } => bench::run(cmd).await,
        }
    });
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    };
    // After the graceful shutdown (`serve`) or the command's end: send the spans still queued.
    #[cfg(feature = "otel")]
    if let Some(exporter) = telemetry {
        exporter.shutdown();
    }
    code
}

/// Text or JSON log lines on stderr, filtered by `RUST_LOG` or else `log.filter`.
fn init_logging(log: &config::Log) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&log.filter));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match log.format {
        config::LogFormat::Json => b.json().flatten_event(true).with_current_span(true).init(),
        config::LogFormat::Text => b.init(),
    }
}

/// As [`init_logging`], and every span that passes the filter is also exported over OTLP.
#[cfg(feature = "otel")]
fn init_logging_otel(log: &config::Log, endpoint: &str) -> anyhow::Result<otel::Exporter> {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let exporter = otel::Exporter::start(endpoint)?;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&log.filter));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let registry = tracing_subscriber::registry().with(filter);
    match log.format {
        config::LogFormat::Json => registry
            .with(fmt.json().flatten_event(true).with_current_span(true))
            .with(exporter.layer())
            .init(),
        config::LogFormat::Text => registry.with(fmt).with(exporter.layer()).init(),
    }
    Ok(exporter)
}
