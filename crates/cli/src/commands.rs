//! Administrative subcommands. Each opens the store, acts as `system:cli`, and reports.

use crate::DbArgs;
use anyhow::{bail, Context};
use clap::Subcommand;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use tiaokuai_app::org_io::{export_csv, export_xlsx, TableKind};
use tiaokuai_app::{now_ms, Actor, AppError, Engine};
use tiaokuai_core::org::{Person, RoleGrant};
use tiaokuai_server::{AppState, ServerConfig};
use tiaokuai_store::Store;

pub async fn open_store(db: &DbArgs) -> anyhow::Result<Store> {
    let url = db.url();
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        if let Some(dir) = std::path::Path::new(path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
    }
    let store = Store::connect(&url)
        .await
        .with_context(|| format!("could not open {}", redact(&url)))?;
    store.migrate().await.context("migrating the schema")?;
    Ok(store)
}

/// The store at `db`, which must already exist: reading commands (verify, rebuild, stats,
/// assess) never create an empty database at a mistyped path.
pub async fn open_existing_store(db: &DbArgs) -> anyhow::Result<Store> {
    let url = db.url();
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        if !std::path::Path::new(path).is_file() {
            anyhow::bail!(
                "no database at {path}: check --database-url (this command never creates one)"
            );
        }
    }
    open_store(db).await
}

/// The URL with any credentials hidden, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(a), Some(b)) if b > a => format!("{}://***{}", &url[..a], &url[b..]),
        _ => url.to_string(),
    }
}

pub async fn county_of(store: &Store, db: &DbArgs) -> anyhow::Result<String> {
    if let Some(c) = db.county() {
        return Ok(c);
    }
    let counties = store.counties().await?;
    match counties.as_slice() {
        [] => Ok("370999".to_string()),
        [one] => Ok(one.clone()),
        many => bail!(
            "the database holds several counties ({}); choose one with --county",
            many.join(", ")
        ),
    }
}

/// An engine that writes: its key file must exist and be the log's current key. A log that
/// declares no key yet (new, or from an older version) gets this key declared first.
pub async fn open_engine(db: &DbArgs) -> anyhow::Result<Engine> {
    let store = open_store(db).await?;
    signing_engine(store, db).await
}

/// An engine that appends (so it signs with the county's key) over a database that must
/// already exist.
pub async fn open_existing_engine_to_write(db: &DbArgs) -> anyhow::Result<Engine> {
    let store = open_existing_store(db).await?;
    signing_engine(store, db).await
}

async fn signing_engine(store: Store, db: &DbArgs) -> anyhow::Result<Engine> {
    let county = county_of(&store, db).await?;
    let key_file = db.key_file();
    let signer = tiaokuai_app::keys::load(&key_file)?;
    tiaokuai_app::keys::check_signer(&store, &county, &signer, &key_file).await?;
    let verifier = signer.verifier();
    let policy = crate::config::get().history_policy();
    let engine = Engine::start_with(store, &county, signer, policy).await?;
    tiaokuai_app::keys::declare_if_missing(&engine, &verifier, now_ms()).await?;
    Ok(engine)
}

/// An engine over a database that must already exist, for commands that only read (stats,
/// assess): they never append, so they need no signing key and sign with a throw-away one.
pub async fn open_existing_engine(db: &DbArgs) -> anyhow::Result<Engine> {
    let store = open_existing_store(db).await?;
    let county = county_of(&store, db).await?;
    Ok(Engine::start(store, &county, tiaokuai_app::keys::ephemeral()).await?)
}

/// Creates the key file if it is missing and the database holds no log yet: the first setup
/// of a deployment (`migrate`, `demo`). Returns whether it created one.
pub async fn create_key_on_first_setup(store: &Store, db: &DbArgs) -> anyhow::Result<bool> {
    let key_file = db.key_file();
    if key_file.exists() || !store.counties().await?.is_empty() {
        return Ok(false);
    }
    let signer = tiaokuai_app::keys::create(&key_file)?;
    println!(
        "created the log signing key {} (key id {}); keep it secret and back it up",
        key_file.display(),
        signer.verifier().key_id()
    );
    Ok(true)
}

pub async fn serve(
    db: DbArgs,
    addr: Option<SocketAddr>,
    secure: Option<bool>,
) -> anyhow::Result<ExitCode> {
    let engine = open_engine(&db).await?;
    let addr = addr.unwrap_or(crate::config::get().server.addr);
    serve_engine(engine, addr, secure, None).await
}

/// Serves until SIGTERM or Ctrl-C, then shuts down in order within `server.shutdown_grace_secs`:
/// stop accepting and answer the requests in flight, stop the scheduler, commit the queued
/// appends, hand the committed steps to the notifier and wait for its deliveries.
pub async fn serve_engine(
    engine: Engine,
    addr: SocketAddr,
    secure: Option<bool>,
    banner: Option<String>,
) -> anyhow::Result<ExitCode> {
    let cfg = crate::config::get();
    let config = ServerConfig {
        secure_cookies: secure.unwrap_or(cfg.secure_cookies(addr)),
        session_hours: i64::from(cfg.server.session_hours),
        trusted_proxies: cfg.server.trusted_proxies.clone(),
        upload_expiry_ms: i64::from(cfg.server.upload_expiry_hours) * 3_600_000,
    };
    let stop = tiaokuai_app::CancellationToken::new();
    // Reminders and escalations on schedule; outbound notices (log only unless a webhook or an
    // SMS gateway is set; both may be).
    let scheduler = tiaokuai_app::events::scheduler::spawn(
        engine.clone(),
        std::time::Duration::from_secs(cfg.workflow.scheduler_every_secs),
        stop.clone(),
    );
    let notices =
        tiaokuai_app::events::notify::spawn(engine.clone(), notifier(&cfg.notify), stop.clone());
    let state = AppState::new(engine.clone(), config);
    let stopping = state.stopping.clone();
    let grace = std::time::Duration::from_secs(cfg.server.shutdown_grace_secs);
    let server = tiaokuai_server::serve(state, addr, |a| {
        println!("Tiaokuai is serving on http://{a}/");
        if let Some(b) = banner {
            println!("{b}");
        }
    });
    tokio::pin!(server);
    tokio::select! {
        r = &mut server => { r?; }
        signal = crate::lifecycle::shutdown_signal() => {
            tracing::info!(signal, grace_secs = grace.as_secs(), "shutting down");
            stopping.cancel();
        }
    }
    let deadline = tokio::time::Instant::now() + grace;
    if stopping.is_cancelled()
        && tokio::time::timeout_at(deadline, &mut server)
            .await
            .is_err()
    {
        tracing::warn!("requests still in flight at the end of the grace period");
    }
    stop.cancel();
    let _ = tokio::time::timeout_at(deadline, scheduler).await;
    match tokio::time::timeout_at(deadline, engine.flush()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "queued appends could not be committed"),
        Err(_) => tracing::warn!("queued appends not committed within the grace period"),
    }
    let _ = tokio::time::timeout_at(deadline, notices).await;
    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
    tiaokuai_app::events::notify::drain(left).await;
    engine.store().close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// The outbound notifier: `notify.webhook` and `notify.sms_gateway` (URLs) each add one; with
/// neither, notices go to the application log only.
fn notifier(
    cfg: &crate::config::Notify,
) -> std::sync::Arc<dyn tiaokuai_app::events::notify::Notifier> {
    use std::sync::Arc;
    use tiaokuai_app::events::notify as n;
    let mut all: Vec<Arc<dyn n::Notifier>> = Vec::new();
    if !cfg.webhook.trim().is_empty() {
        all.push(Arc::new(n::WebhookNotifier::new(cfg.webhook.trim())));
    }
    if !cfg.sms_gateway.trim().is_empty() {
        all.push(Arc::new(n::SmsNotifier::new(Arc::new(
            n::HttpSmsGateway::new(cfg.sms_gateway.trim()),
        ))));
    }
    match all.len() {
        0 => Arc::new(n::LogNotifier),
        1 => all.remove(0),
        _ => Arc::new(n::Fanout(all)),
    }
}

pub async fn migrate(db: DbArgs) -> anyhow::Result<ExitCode> {
    let store = open_store(&db).await?;
    println!("schema is up to date");
    if !create_key_on_first_setup(&store, &db).await? && !db.key_file().exists() {
        println!(
            "note: no log signing key at {} (the database already has a log; give its \
             --key-file to serve)",
            db.key_file().display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn rebuild(db: DbArgs) -> anyhow::Result<ExitCode> {
    let store = open_existing_store(&db).await?;
    let county = county_of(&store, &db).await?;
    let before = store.dump_read_models(&county).await?;
    let n = store.rebuild_read_models(&county).await?;
    let after = store.dump_read_models(&county).await?;
    if before == after {
        println!("county {county}: rebuilt read models from {n} log entries; identical to the live state");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("county {county}: rebuilt from {n} entries, but the live read models differed (now replaced by the rebuilt ones)");
        Ok(ExitCode::FAILURE)
    }
}

#[derive(Subcommand)]
pub enum UserCmd {
    /// Add a person.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Unit code.
        #[arg(long)]
        unit: String,
        #[arg(long, default_value = "")]
        phone: String,
        /// role@unit, repeatable.
        #[arg(long = "role")]
        roles: Vec<String>,
        /// Initial password (or use --password-stdin).
        #[arg(long)]
        password: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a person's password (ends their sessions).
    Passwd {
        #[command(flatten)]
        db: DbArgs,
        username: String,
        #[arg(long)]
        password: Option<String>,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Replace a person's roles (role@unit, repeatable; none removes all).
    Roles {
        #[command(flatten)]
        db: DbArgs,
        username: String,
        #[arg(long = "role")]
        roles: Vec<String>,
    },
}

fn read_password(flag: Option<String>, stdin: bool) -> anyhow::Result<Option<String>> {
    if stdin {
        let mut s = String::new();
        std::io::stdin().read_line(&mut s)?;
        return Ok(Some(s.trim_end_matches(['\n', '\r']).to_string()));
    }
    Ok(flag)
}

fn parse_grants(roles: &[String]) -> anyhow::Result<Vec<RoleGrant>> {
    roles
        .iter()
        .map(|r| RoleGrant::parse(r).map_err(|e| anyhow::anyhow!("--role {r}: {e}")))
        .collect()
}

fn report(e: AppError) -> anyhow::Error {
    match e {
        AppError::Domain(tiaokuai_core::DomainError::Invalid(errs)) => {
            anyhow::anyhow!(
                "{}",
                errs.iter()
                    .map(|e| format!("  {e}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        }
        other => other.into(),
    }
}

pub async fn user(cmd: UserCmd) -> anyhow::Result<ExitCode> {
    let actor = Actor::system("cli");
    match cmd {
        UserCmd::Add {
            db,
            username,
            name,
            unit,
            phone,
            roles,
            password,
            password_stdin,
        } => {
            let engine = open_engine(&db).await?;
            let grants = parse_grants(&roles)?;
            let pw = read_password(password, password_stdin)?;
            let person = Person {
                username: username.clone(),
                name,
                phone,
                unit,
                active: true,
            };
            engine
                .add_person(&actor, now_ms(), person, pw.as_deref(), grants)
                .await
                .map_err(report)?;
            println!("added {username}");
        }
        UserCmd::Passwd {
            db,
            username,
            password,
            password_stdin,
        } => {
            let engine = open_engine(&db).await?;
            let Some(pw) = read_password(password, password_stdin)? else {
                bail!("give --password or --password-stdin")
            };
            engine
                .set_password(&actor, now_ms(), &username, &pw)
                .await
                .map_err(report)?;
            println!("password of {username} changed");
        }
        UserCmd::Roles {
            db,
            username,
            roles,
        } => {
            let engine = open_engine(&db).await?;
            engine
                .set_roles(&actor, now_ms(), &username, parse_grants(&roles)?)
                .await
                .map_err(report)?;
            println!("roles of {username} set");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum OrgCmd {
    /// Import .xlsx workbooks (sheets 单位/人员/网格) or .csv tables. All or nothing.
    Import {
        #[command(flatten)]
        db: DbArgs,
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Check everything and report, but write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Teach the organisation a name that a county's tables use for a unit: it is saved as an
    /// alias (a log entry), and later imports and forms match it.
    Alias {
        #[command(flatten)]
        db: DbArgs,
        /// The unit: its code or a name it already has.
        unit: String,
        /// The name to add, as the tables write it.
        alias: String,
    },
    /// Export to .xlsx (all tables) or .csv (one table, see --table).
    Export {
        #[command(flatten)]
        db: DbArgs,
        file: PathBuf,
        /// For .csv: units, people or grids.
        #[arg(long, default_value = "units")]
        table: String,
    },
}

pub async fn org(cmd: OrgCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        OrgCmd::Import { db, files, dry_run } => {
            let engine = open_engine(&db).await?;
            let paths: Vec<&std::path::Path> = files.iter().map(|p| p.as_path()).collect();
            match engine
                .import_org(&Actor::system("org-import"), now_ms(), &paths, dry_run)
                .await
            {
                Ok(s) => {
                    println!(
                        "{} {} units, {} people, {} grids ({} rows unchanged, {} log entries)",
                        if dry_run { "would import" } else { "imported" },
                        s.units,
                        s.people,
                        s.grids,
                        s.unchanged,
                        s.transitions
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(AppError::Domain(tiaokuai_core::DomainError::Invalid(errs))) => {
                    eprintln!("nothing was imported; {} problem(s):", errs.len());
                    for e in errs {
                        eprintln!("  {e}");
                    }
                    Ok(ExitCode::from(2))
                }
                Err(e) => Err(e.into()),
            }
        }
        OrgCmd::Alias { db, unit, alias } => {
            let engine = open_engine(&db).await?;
            let alias = tiaokuai_core::org::names::fold(&alias);
            let (target, taken) = engine
                .with_state(|s| {
                    let target = s.org.resolve_unit(&unit).cloned();
                    let taken = s
                        .org
                        .units
                        .values()
                        .find(|u| u.names().any(|n| n == alias))
                        .map(|u| u.code.clone());
                    (target, taken)
                })
                .await?;
            let Some(mut target) = target else {
                bail!("unknown unit '{unit}'");
            };
            if alias.is_empty() {
                bail!("the alias is empty");
            }
            match taken {
                Some(c) if c == target.code => {
                    println!("{} already has the name {alias}", target.name);
                    return Ok(ExitCode::SUCCESS);
                }
                Some(c) => bail!("'{alias}' already names unit {c}"),
                None => {}
            }
            target.aliases.push(alias.clone());
            let name = target.name.clone();
            engine
                .submit(
                    &Actor::system("org-alias"),
                    now_ms(),
                    vec![tiaokuai_core::Transition::UnitSaved { unit: target }],
                )
                .await?;
            println!("{name} is now also known as {alias}");
            Ok(ExitCode::SUCCESS)
        }
        OrgCmd::Export { db, file, table } => {
            let engine = open_engine(&db).await?;
            let name = file.to_string_lossy().to_lowercase();
            let kind = match table.as_str() {
                "units" => TableKind::Units,
                "people" => TableKind::People,
                "grids" => TableKind::Grids,
                other => bail!("--table must be units, people or grids, not '{other}'"),
            };
            let state = engine.with_state(|s| s.clone()).await?;
            if name.ends_with(".xlsx") {
                export_xlsx(&state, &file)?;
            } else if name.ends_with(".csv") {
                export_csv(&state, kind, &file)?;
            } else {
                bail!("the export file must end in .xlsx or .csv");
            }
            println!("wrote {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}
