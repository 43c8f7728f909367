//! `tiaokuai bench workflow`: full event lifecycles over HTTP from concurrent clients.
//!
//! One lifecycle is seven API calls by three people: a township operator reports and calls the
//! county, the county dispatcher dispatches to a department by the list, the department's
//! handler signs, responds and reports back, and the township grades and closes. Each client
//! is one task holding one logged-in session per role (its own cookie jar per session); it runs
//! one lifecycle after another until the shared budget is spent. Logins happen before the
//! clock starts. Reported: lifecycles/s, commands/s, per-command latency and the peak RSS.

use anyhow::{bail, Context};
use reqwest::cookie::Jar;
use reqwest::{Client, StatusCode, Url};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tiaokuai_app::{demo, now_ms, Actor, Engine};
use tiaokuai_core::Transition;
use tiaokuai_server::{AppState, ServerConfig};
use tokio::sync::Barrier;

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
    /// Print one JSON object instead of the table.
    #[arg(long)]
    json: bool,
}

/// The seven commands of a lifecycle, in order.
const COMMANDS: [&str; 7] = [
    "create",
    "dispatch",
    "accept",
    "respond",
    "report_back",
    "evaluate",
    "close",
];

/// Demo accounts, by role, that every demo server has (password [`demo::PASSWORD`]).
const DEMO_OPERATORS: &[&str] = &["qingshan_op", "chengguan_op"];
const DISPATCHERS: &[&str] = &["dispatcher", "dispatcher2"];
const DEMO_HANDLERS: &[&str] = &["zhujian", "zhifa", "shichang", "huanbao"];
/// More people of the demo organisation, given a password by the in-process server so that
/// sessions spread over many users and units.
const MORE_OPERATORS: &[&str] = &[
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
const MORE_HANDLERS: &[&str] = &[
    "dept_zj_handler",
    "dept_zf_handler",
    "dept_sj_handler",
    "dept_hb_handler",
];

/// Where the lifecycle points: the demo county's 青山镇.
const LON: f64 = 116.71;
const LAT: f64 = 36.61;
/// First error bodies kept for the report.
const KEEP_ERRORS: usize = 5;

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

    let report = Report::new(&args, &target, &backend, cores, secs, total);
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

/// A new county with the demo data in `dir` (or at `database_url`), served on 127.0.0.1:0.
/// Returns the address and the backend's name.
async fn start_in_process(
    dir: &std::path::Path,
    database_url: Option<String>,
) -> anyhow::Result<(std::net::SocketAddr, String)> {
    let url =
        database_url.unwrap_or_else(|| format!("sqlite://{}", dir.join("bench.db").display()));
    let store = tiaokuai_store::Store::connect(&url).await?;
    store.migrate().await?;
    let backend = format!("{:?}", store.backend()).to_lowercase();
    let signer = tiaokuai_app::keys::load_or_create(&dir.join("bench.key"))?;
    let engine = Engine::start(store, demo::COUNTY, signer).await?;
    demo::load_if_empty(&engine, &dir.join("demo"), now_ms()).await?;
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
    tiaokuai_app::events::notify::spawn(engine.clone(), Arc::new(Discard));
    let state = AppState::new(
        engine,
        ServerConfig {
            secure_cookies: false,
            session_hours: 12,
        },
    );
    let addr = tiaokuai_server::spawn_local(state).await?;
    Ok((addr, backend))
}

struct Discard;

impl tiaokuai_app::events::notify::Notifier for Discard {
    fn notify(&self, _n: tiaokuai_app::events::notify::Notice) {}
}

fn cheap_hash(password: &str) -> anyhow::Result<String> {
    use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
    let params = argon2::Params::new(1024, 1, 1, None)
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let salt = SaltString::generate(&mut OsRng);
    a.hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("password hashing failed: {e}"))
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum Role {
    Operator,
    Dispatcher,
    Handler,
}

/// Which account each client uses per role, and whether each client gets its own loopback
/// source address (the server limits logins per address; 127.0.0.0/8 is all loopback).
struct Plan {
    per_client: Vec<[(Role, String); 3]>,
    bind_sources: bool,
}

impl Plan {
    fn source_ip(&self, client: usize) -> Option<IpAddr> {
        if !self.bind_sources {
            return None;
        }
        // 127.0.0.2, 127.0.0.3, ... 127.0.0.251, 127.0.1.2, ...: never .0, .1 or .255.
        let hi = client / 250;
        Some(IpAddr::V4(Ipv4Addr::new(
            127,
            ((hi >> 8) & 0xff) as u8,
            (hi & 0xff) as u8,
            (client % 250 + 2) as u8,
        )))
    }

    fn key(&self, client: usize, username: &str) -> (String, Option<IpAddr>) {
        (username.to_string(), self.source_ip(client))
    }
}

fn plan_sessions(base: &Url, clients: usize, operators: &[&str], handlers: &[&str]) -> Plan {
    // Only for an IPv4 loopback literal: "localhost" may resolve to ::1.
    let loopback = base
        .host_str()
        .and_then(|h| h.parse::<Ipv4Addr>().ok())
        .is_some_and(|ip| ip.is_loopback());
    let bind_sources = loopback && cfg!(target_os = "linux");
    let per_client = (0..clients)
        .map(|i| {
            [
                (Role::Operator, operators[i % operators.len()].to_string()),
                (
                    Role::Dispatcher,
                    DISPATCHERS[i % DISPATCHERS.len()].to_string(),
                ),
                (Role::Handler, handlers[i % handlers.len()].to_string()),
            ]
        })
        .collect();
    Plan {
        per_client,
        bind_sources,
    }
}

/// A logged-in session: the cookie pair to replay and the CSRF token.
#[derive(Clone)]
struct Session {
    cookie: String,
    csrf: String,
    unit: String,
    /// `role@unit` grants.
    roles: Vec<String>,
}

type SessionKey = (String, Option<IpAddr>);

fn http_client(source: Option<IpAddr>, jar: Option<Arc<Jar>>) -> anyhow::Result<Client> {
    let mut b = Client::builder()
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(300))
        .timeout(Duration::from_secs(120));
    if let Some(ip) = source {
        b = b.local_address(ip);
    }
    if let Some(jar) = jar {
        b = b.cookie_provider(jar);
    }
    Ok(b.build()?)
}

/// Logs in every distinct (user, source address) once, a few at a time.
async fn login_all(base: &Url, plan: &Plan) -> anyhow::Result<HashMap<SessionKey, Session>> {
    let mut keys: Vec<SessionKey> = Vec::new();
    for (i, roles) in plan.per_client.iter().enumerate() {
        for (_, user) in roles {
            let k = plan.key(i, user);
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    let mut out = HashMap::new();
    let url = base.join("api/v1/session")?;
    for chunk in keys.chunks(8) {
        let mut set = tokio::task::JoinSet::new();
        for k in chunk.iter().cloned() {
            let url = url.clone();
            set.spawn(async move {
                let s = login(&url, &k.0, k.1).await;
                (k, s)
            });
        }
        while let Some(r) = set.join_next().await {
            let (k, s) = r?;
            out.insert(k, s?);
        }
    }
    Ok(out)
}

async fn login(url: &Url, user: &str, source: Option<IpAddr>) -> anyhow::Result<Session> {
    let client = http_client(source, None)?;
    let res = client
        .post(url.clone())
        .json(&json!({"username": user, "password": demo::PASSWORD}))
        .send()
        .await
        .with_context(|| format!("logging in {user}"))?;
    let status = res.status();
    let cookie = res
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|v| v.starts_with(&format!("{}=", tiaokuai_server::SESSION_COOKIE)))
        .map(String::from);
    let body = res.text().await?;
    if !status.is_success() {
        bail!("logging in {user}: HTTP {status}: {}", clip(&body));
    }
    let v: Value = serde_json::from_str(&body).with_context(|| format!("login reply {body}"))?;
    let cookie = cookie.ok_or_else(|| anyhow::anyhow!("logging in {user}: no session cookie"))?;
    Ok(Session {
        cookie,
        csrf: str_field(&v, "csrf")?,
        unit: str_field(&v, "unit")?,
        roles: v
            .get("roles")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

fn str_field(v: &Value, f: &str) -> anyhow::Result<String> {
    v.get(f)
        .and_then(Value::as_str)
        .map(String::from)
        .ok_or_else(|| anyhow::anyhow!("reply without '{f}': {v}"))
}

/// One role's HTTP client of one bench client: its own cookie jar holding its session.
struct RoleClient {
    http: Client,
    csrf: String,
    user: String,
    /// The department a handler works for (the dispatch lead).
    unit: String,
}

impl RoleClient {
    fn new(
        base: &Url,
        source: Option<IpAddr>,
        user: &str,
        s: &Session,
        role: Role,
    ) -> anyhow::Result<Self> {
        let jar = Arc::new(Jar::default());
        jar.add_cookie_str(&format!("{}; Path=/", s.cookie), base);
        // The unit the handler's department_handler grant names (else their own unit).
        let unit = match role {
            Role::Handler => s
                .roles
                .iter()
                .find_map(|r| r.strip_prefix("department_handler@"))
                .unwrap_or(&s.unit)
                .to_string(),
            _ => s.unit.clone(),
        };
        Ok(RoleClient {
            http: http_client(source, Some(jar))?,
            csrf: s.csrf.clone(),
            user: user.to_string(),
            unit,
        })
    }
}

struct ClientSet {
    operator: RoleClient,
    dispatcher: RoleClient,
    handler: RoleClient,
}

impl ClientSet {
    fn new(
        base: &Url,
        source: Option<IpAddr>,
        roles: &[(Role, String); 3],
        sessions: &HashMap<SessionKey, Session>,
    ) -> anyhow::Result<Self> {
        let get = |role: Role| -> anyhow::Result<RoleClient> {
            let (_, user) = roles
                .iter()
                .find(|(r, _)| *r == role)
                .ok_or_else(|| anyhow::anyhow!("no {role:?} account"))?;
            let s = sessions
                .get(&(user.clone(), source))
                .ok_or_else(|| anyhow::anyhow!("{user} is not logged in"))?;
            RoleClient::new(base, source, user, s, role)
        };
        Ok(ClientSet {
            operator: get(Role::Operator)?,
            dispatcher: get(Role::Dispatcher)?,
            handler: get(Role::Handler)?,
        })
    }
}

/// How to dispatch to a lead department: a current list item naming it primary, or (when the
/// catalogue has none) any current item with an override reason.
#[derive(Clone, Debug)]
struct Route {
    item: Value,
    override_reason: Value,
}

/// Finds a route for every handler's department from the current catalogue.
async fn routes(
    base: &Url,
    dispatcher: &RoleClient,
    sessions: &HashMap<SessionKey, Session>,
) -> anyhow::Result<HashMap<String, Route>> {
    let versions: Value = get_json(&dispatcher.http, base.join("api/v1/lists/versions")?).await?;
    let latest = versions
        .as_array()
        .and_then(|a| a.iter().filter_map(|v| v.get("version")?.as_u64()).max())
        .ok_or_else(|| {
            anyhow::anyhow!("no published list version: {}", clip(&versions.to_string()))
        })?;
    let mut url = base.join("api/v1/lists/items")?;
    url.query_pairs_mut()
        .append_pair("kind", "territorial")
        .append_pair("version", &latest.to_string());
    let items: Value = get_json(&dispatcher.http, url).await?;
    let items = items.as_array().cloned().unwrap_or_default();
    let any = items
        .first()
        .ok_or_else(|| anyhow::anyhow!("the current list version has no territorial items"))?;
    let mut units: Vec<String> = Vec::new();
    for s in sessions.values() {
        if let Some(u) = s
            .roles
            .iter()
            .find_map(|r| r.strip_prefix("department_handler@"))
        {
            units.push(u.to_string());
        }
    }
    units.sort();
    units.dedup();
    let mut out = HashMap::new();
    for u in units {
        let named = items.iter().find(|i| {
            i.get("primary")
                .and_then(Value::as_array)
                .is_some_and(|p| p.iter().any(|x| x.as_str() == Some(u.as_str())))
        });
        let (item, reason) = match named {
            Some(i) => (i, Value::Null),
            None => (any, json!("基准测试：按部门职责指定牵头单位")),
        };
        let id = item.get("id").cloned().unwrap_or(Value::Null);
        out.insert(
            u,
            Route {
                item: json!({"id": id, "version": latest}),
                override_reason: reason,
            },
        );
    }
    Ok(out)
}

async fn get_json(http: &Client, url: Url) -> anyhow::Result<Value> {
    let res = http.get(url.clone()).send().await?;
    let status = res.status();
    let body = res.text().await?;
    if !status.is_success() {
        bail!("GET {url}: HTTP {status}: {}", clip(&body));
    }
    Ok(serde_json::from_str(&body)?)
}

struct Shared {
    base: Url,
    routes: HashMap<String, Route>,
    warm_left: AtomicUsize,
    timed_left: AtomicUsize,
    barrier: Barrier,
}

/// Claims one unit of a budget; false when it is spent.
fn claim(left: &AtomicUsize) -> bool {
    left.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
        .is_ok()
}

/// Latencies and outcomes of one client (then of all).
#[derive(Default)]
struct Tally {
    /// Milliseconds of each successful call, per command.
    lat: [Vec<f64>; 7],
    /// Failed calls per command.
    failed: [usize; 7],
    lifecycles: usize,
    failed_lifecycles: usize,
    errors: usize,
    first_errors: Vec<String>,
}

impl Tally {
    fn merge(&mut self, o: Tally) {
        for (a, b) in self.lat.iter_mut().zip(o.lat) {
            a.extend(b);
        }
        for (a, b) in self.failed.iter_mut().zip(o.failed) {
            *a += b;
        }
        self.lifecycles += o.lifecycles;
        self.failed_lifecycles += o.failed_lifecycles;
        self.errors += o.errors;
        for e in o.first_errors {
            if self.first_errors.len() < KEEP_ERRORS {
                self.first_errors.push(e);
            }
        }
    }

    fn fail(&mut self, cmd: usize, msg: String) {
        self.failed[cmd] += 1;
        self.errors += 1;
        if self.first_errors.len() < KEEP_ERRORS {
            self.first_errors.push(msg);
        }
    }
}

async fn client_loop(shared: Arc<Shared>, c: ClientSet) -> Tally {
    let mut scratch = Tally::default();
    while claim(&shared.warm_left) {
        let _ = lifecycle(&shared, &c, &mut scratch).await;
    }
    shared.barrier.wait().await;
    let mut t = Tally::default();
    while claim(&shared.timed_left) {
        if lifecycle(&shared, &c, &mut t).await {
            t.lifecycles += 1;
        } else {
            t.failed_lifecycles += 1;
        }
    }
    t
}

/// POSTs `body` and times it; on success returns the parsed reply.
async fn call(
    shared: &Shared,
    who: &RoleClient,
    path: &str,
    body: &Value,
    cmd: usize,
    t: &mut Tally,
) -> Option<Value> {
    let name = COMMANDS.get(cmd).copied().unwrap_or("?");
    let url = match shared.base.join(path) {
        Ok(u) => u,
        Err(e) => {
            t.fail(cmd, format!("{name}: bad path {path}: {e}"));
            return None;
        }
    };
    let t0 = Instant::now();
    let res = who
        .http
        .post(url)
        .header("x-csrf-token", &who.csrf)
        .json(body)
        .send()
        .await;
    let (status, text) = match res {
        Ok(r) => {
            let status = r.status();
            match r.text().await {
                Ok(text) => (status, text),
                Err(e) => {
                    t.fail(
                        cmd,
                        format!("{name} as {}: reading the reply: {e}", who.user),
                    );
                    return None;
                }
            }
        }
        Err(e) => {
            t.fail(cmd, format!("{name} as {}: {e}", who.user));
            return None;
        }
    };
    let ms = t0.elapsed().as_secs_f64() * 1000.0;
    if !status.is_success() {
        t.fail(
            cmd,
            format!("{name} as {}: HTTP {status}: {}", who.user, clip(&text)),
        );
        return None;
    }
    if let Some(v) = t.lat.get_mut(cmd) {
        v.push(ms);
    }
    if status == StatusCode::NO_CONTENT || text.is_empty() {
        return Some(Value::Null);
    }
    Some(serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// One full lifecycle; false (with the failure recorded) when a step failed.
async fn lifecycle(shared: &Shared, c: &ClientSet, t: &mut Tally) -> bool {
    let lead = c.handler.unit.as_str();
    let route = shared.routes.get(lead).cloned().unwrap_or(Route {
        item: Value::Null,
        override_reason: json!("基准测试：按部门职责指定牵头单位"),
    });
    let create = json!({
        "channel": "township_call",
        "title": "基准测试：工地夜间施工扬尘",
        "description": "村东侧工地夜间土方作业，未洒水未覆盖，扬尘严重，群众反映强烈。",
        "urgency": "normal",
        "location": {"lon": LON, "lat": LAT, "address": "青山镇王家庄村东侧"},
        "call": true,
        "item": route.item,
    });
    let Some(made) = call(shared, &c.operator, "api/v1/events", &create, 0, t).await else {
        return false;
    };
    let Some(id) = made.get("id").and_then(Value::as_u64) else {
        t.fail(
            0,
            format!("create: reply without an id: {}", clip(&made.to_string())),
        );
        return false;
    };
    let path = format!("api/v1/events/{id}/commands");
    let now = now_ms();
    let steps: [(&RoleClient, Value); 6] = [
        (
            &c.dispatcher,
            json!({"cmd": "dispatch", "item": route.item, "lead": lead, "co": [],
                   "override_reason": route.override_reason}),
        ),
        (&c.handler, json!({"cmd": "sign", "assignment": 1})),
        (
            &c.handler,
            json!({"cmd": "respond", "assignment": 1, "contacted": "施工单位项目经理",
                   "arrived": true}),
        ),
        (
            &c.handler,
            json!({"cmd": "report_back", "assignment": 1, "report": {
                "accepted_at_ms": now - 60_000,
                "contacted": "村委会主任及施工单位负责人",
                "measures": "现场责令整改，洒水降尘并加装围挡，已复查",
                "resolve_by": "3个工作日内",
                "photos": []}}),
        ),
        (
            &c.operator,
            json!({"cmd": "evaluate", "assignment": 1, "level": 0, "reason": ""}),
        ),
        (&c.operator, json!({"cmd": "close", "note": ""})),
    ];
    for (i, (who, body)) in steps.iter().enumerate() {
        if call(shared, who, &path, body, i + 1, t).await.is_none() {
            return false;
        }
    }
    true
}

fn clip(s: &str) -> String {
    const MAX: usize = 400;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}

/// Nearest-rank percentile of sorted values.
fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted
        .get(rank.clamp(1, sorted.len()) - 1)
        .copied()
        .unwrap_or(0.0)
}

/// Peak resident set size of this process in KiB (`VmHWM`), where /proc exists.
fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

struct Row {
    name: &'static str,
    count: usize,
    failed: usize,
    p50: f64,
    p99: f64,
    max: f64,
}

struct Report {
    target: String,
    backend: String,
    cores: usize,
    clients: usize,
    warmup: usize,
    requested: usize,
    secs: f64,
    rows: Vec<Row>,
    all: Row,
    tally: Tally,
    peak_rss_kib: Option<u64>,
}

impl Report {
    fn new(
        args: &WorkflowArgs,
        target: &str,
        backend: &str,
        cores: usize,
        secs: f64,
        mut tally: Tally,
    ) -> Self {
        let mut all: Vec<f64> = Vec::new();
        let mut rows = Vec::new();
        for (i, name) in COMMANDS.iter().enumerate() {
            let v = tally.lat.get_mut(i).map(std::mem::take).unwrap_or_default();
            let mut v = v;
            v.sort_by(|a, b| a.total_cmp(b));
            rows.push(Row {
                name,
                count: v.len(),
                failed: tally.failed.get(i).copied().unwrap_or(0),
                p50: pct(&v, 0.50),
                p99: pct(&v, 0.99),
                max: v.last().copied().unwrap_or(0.0),
            });
            all.extend(v);
        }
        all.sort_by(|a, b| a.total_cmp(b));
        let all_row = Row {
            name: "all",
            count: all.len(),
            failed: tally.errors,
            p50: pct(&all, 0.50),
            p99: pct(&all, 0.99),
            max: all.last().copied().unwrap_or(0.0),
        };
        Report {
            target: target.to_string(),
            backend: backend.to_string(),
            cores,
            clients: args.clients,
            warmup: args.warmup,
            requested: args.lifecycles,
            secs,
            rows,
            all: all_row,
            tally,
            peak_rss_kib: peak_rss_kib(),
        }
    }

    fn per_s(&self, n: usize) -> f64 {
        if self.secs > 0.0 {
            n as f64 / self.secs
        } else {
            0.0
        }
    }

    fn print(&self) {
        println!();
        println!(
            "{:<12} {:>8} {:>7} {:>9} {:>9} {:>9}",
            "command", "count", "errors", "p50 ms", "p99 ms", "max ms"
        );
        for r in self.rows.iter().chain(std::iter::once(&self.all)) {
            println!(
                "{:<12} {:>8} {:>7} {:>9.2} {:>9.2} {:>9.2}",
                r.name, r.count, r.failed, r.p50, r.p99, r.max
            );
        }
        println!();
        println!(
            "{} lifecycles in {:.2} s = {:.0} lifecycles/s, {:.0} commands/s ({} clients, {})",
            self.tally.lifecycles,
            self.secs,
            self.per_s(self.tally.lifecycles),
            self.per_s(self.all.count),
            self.clients,
            self.backend
        );
        match self.peak_rss_kib {
            Some(k) => println!(
                "peak RSS of this process: {:.1} MiB{}",
                k as f64 / 1024.0,
                if self.backend == "remote" {
                    " (load generator only)"
                } else {
                    " (server + database driver + load generator)"
                }
            ),
            None => println!("peak RSS: unknown (no /proc/self/status)"),
        }
        if self.tally.errors > 0 {
            println!(
                "errors: {} failed calls, {} failed lifecycles; first:",
                self.tally.errors, self.tally.failed_lifecycles
            );
            for e in &self.tally.first_errors {
                println!("  {e}");
            }
        } else {
            println!("errors: 0");
        }
    }

    fn json(&self) -> Value {
        let mut cmds = serde_json::Map::new();
        for r in &self.rows {
            cmds.insert(
                r.name.to_string(),
                json!({"count": r.count, "errors": r.failed, "p50_ms": r.p50,
                       "p99_ms": r.p99, "max_ms": r.max}),
            );
        }
        json!({
            "target": self.target,
            "backend": self.backend,
            "cores": self.cores,
            "clients": self.clients,
            "warmup": self.warmup,
            "requested": self.requested,
            "lifecycles": self.tally.lifecycles,
            "failed_lifecycles": self.tally.failed_lifecycles,
            "errors": self.tally.errors,
            "first_errors": self.tally.first_errors,
            "wall_s": self.secs,
            "lifecycles_per_s": self.per_s(self.tally.lifecycles),
            "commands_per_s": self.per_s(self.all.count),
            "commands": cmds,
            "all": {"count": self.all.count, "p50_ms": self.all.p50,
                    "p99_ms": self.all.p99, "max_ms": self.all.max},
            "peak_rss_kib": self.peak_rss_kib,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(pct(&v, 0.5), 50.0);
        assert_eq!(pct(&v, 0.99), 99.0);
        assert_eq!(pct(&v, 1.0), 100.0);
        assert_eq!(pct(&[], 0.5), 0.0);
        assert_eq!(pct(&[7.0], 0.99), 7.0);
    }

    #[test]
    fn budgets_are_claimed_exactly() {
        let left = AtomicUsize::new(3);
        assert!(claim(&left) && claim(&left) && claim(&left));
        assert!(!claim(&left));
    }

    #[test]
    fn clients_get_distinct_loopback_sources() {
        let base = Url::parse("http://127.0.0.1:8080/").unwrap();
        let plan = plan_sessions(&base, 300, DEMO_OPERATORS, DEMO_HANDLERS);
        if plan.bind_sources {
            let mut ips: Vec<_> = (0..300).filter_map(|i| plan.source_ip(i)).collect();
            ips.sort();
            ips.dedup();
            assert_eq!(ips.len(), 300);
        }
        let remote = Url::parse("http://10.1.2.3:8080/").unwrap();
        assert!(!plan_sessions(&remote, 2, DEMO_OPERATORS, DEMO_HANDLERS).bind_sources);
    }
}
