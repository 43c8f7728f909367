//! The one typed configuration of the `tiaokuai` command.
//!
//! Precedence, lowest first: built-in defaults → the TOML file given by `--config` (or
//! `TIAOKUAI_CONFIG`) → `TIAOKUAI_*` environment variables → command-line flags. Everything is
//! validated at start; `tiaokuai config show` prints the result with secrets masked.

use figment::providers::{Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub database: Database,
    pub server: Server,
    pub history: History,
    pub workflow: Workflow,
    pub notify: Notify,
    pub log: Log,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Database {
    /// `sqlite://PATH` or `postgres://USER@HOST/DB`.
    pub url: String,
    /// The ed25519 key that signs log checkpoints.
    pub key_file: PathBuf,
    /// County whose log to use; empty: the only county in the database, else 370999.
    pub county: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Server {
    pub addr: SocketAddr,
    /// Mark cookies `Secure` and send HSTS: "auto" (on unless listening on loopback), "on", "off".
    pub secure_cookies: Switch,
    /// Session lifetime in hours.
    pub session_hours: u32,
    /// On SIGTERM or Ctrl-C: how long in-flight requests, queued appends and notices may take.
    pub shutdown_grace_secs: u64,
    /// Reverse proxies whose `X-Forwarded-For` is believed (addresses or CIDR blocks).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Uploaded list files wait this long for confirmation (staged in the database).
    pub upload_expiry_hours: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Switch {
    Auto,
    On,
    Off,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct History {
    /// Days a settled (closed, cancelled…) event stays in memory before it is archived.
    pub keep_settled_days: u32,
    /// A state snapshot is written after this many new log entries.
    pub snapshot_every: u64,
    /// Seconds between archiving passes.
    pub maintain_every_secs: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Workflow {
    /// Seconds between deadline scans (warnings, reminders, escalations).
    pub scheduler_every_secs: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Notify {
    /// URL that receives every workflow step as JSON; empty: none.
    pub webhook: String,
    /// URL that receives texts for the people who must act next; empty: none.
    pub sms_gateway: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Log {
    /// "text" or "json" (one JSON object per line).
    pub format: LogFormat,
    /// A tracing filter (`RUST_LOG` overrides it).
    pub filter: String,
    /// OTLP/HTTP collector base URL (e.g. `http://127.0.0.1:4318`) that receives the spans;
    /// unset: none. Needs a build with the `otel` feature. `OTEL_EXPORTER_OTLP_ENDPOINT` sets it too.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otlp_endpoint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Database {
    fn default() -> Self {
        Database {
            url: "sqlite://./tiaokuai-data/tiaokuai.db".into(),
            key_file: "./tiaokuai-data/log-signing.key".into(),
            county: String::new(),
        }
    }
}

impl Default for Server {
    fn default() -> Self {
        Server {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            secure_cookies: Switch::Auto,
            session_hours: 12,
            shutdown_grace_secs: 30,
            trusted_proxies: Vec::new(),
            upload_expiry_hours: 24,
        }
    }
}

impl Default for History {
    fn default() -> Self {
        let p = tiaokuai_app::archive::HistoryPolicy::default();
        History {
            keep_settled_days: (p.keep_settled_ms / 86_400_000) as u32,
            snapshot_every: p.snapshot_every,
            maintain_every_secs: p.maintain_every_ms / 1000,
        }
    }
}

impl Default for Workflow {
    fn default() -> Self {
        Workflow {
            scheduler_every_secs: 60,
        }
    }
}

impl Default for Log {
    fn default() -> Self {
        Log {
            format: LogFormat::Text,
            filter: "info,sqlx=warn,tower_http=warn".into(),
            otlp_endpoint: None,
        }
    }
}

/// Environment variables with their own names (documented before the file existed); any other
/// setting is `TIAOKUAI_<SECTION>__<KEY>`, e.g. `TIAOKUAI_SERVER__SESSION_HOURS=8`.
const ENV_NAMES: [(&str, &str); 10] = [
    ("DATABASE_URL", "database.url"),
    ("TIAOKUAI_DATABASE_URL", "database.url"),
    ("TIAOKUAI_KEY_FILE", "database.key_file"),
    ("TIAOKUAI_COUNTY", "database.county"),
    ("TIAOKUAI_ADDR", "server.addr"),
    ("TIAOKUAI_SECURE_COOKIES", "server.secure_cookies"),
    ("TIAOKUAI_NOTIFY_WEBHOOK", "notify.webhook"),
    ("TIAOKUAI_SMS_GATEWAY", "notify.sms_gateway"),
    ("TIAOKUAI_LOG_FORMAT", "log.format"),
    // The OpenTelemetry standard name; `TIAOKUAI_LOG__OTLP_ENDPOINT` wins over it.
    ("OTEL_EXPORTER_OTLP_ENDPOINT", "log.otlp_endpoint"),
];

const SECTIONS: [&str; 6] = ["database", "server", "history", "workflow", "notify", "log"];

impl Config {
    /// Defaults, then `file` (which must exist when given), then the process environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        Self::load_from(file, std::env::vars())
    }

    /// As [`Config::load`], with the environment given (for tests).
    pub fn load_from(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        if let Some(f) = file {
            if !f.is_file() {
                anyhow::bail!("configuration file {} does not exist", f.display());
            }
            fig = fig.merge(Toml::file(f));
        }
        // The generic names first so that `TIAOKUAI_DATABASE_URL` wins over `DATABASE_URL` and
        // `TIAOKUAI_LOG__OTLP_ENDPOINT` over `OTEL_EXPORTER_OTLP_ENDPOINT`.
        let mut vars: Vec<(String, String)> = env.into_iter().collect();
        vars.sort_by_key(|(k, _)| !(k == "DATABASE_URL" || k == "OTEL_EXPORTER_OTLP_ENDPOINT"));
        for (k, v) in vars {
            if let Some(key) = env_key(&k) {
                let value = if key.ends_with("proxies") {
                    // A comma-separated list, as environments can only hold strings.
                    let list: Vec<String> = v
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect();
                    Serialized::global(&key, figment::value::Value::from(list))
                } else {
                    Serialized::global(
                        &key,
                        v.parse::<figment::value::Value>()
                            .unwrap_or_else(|_| v.clone().into()),
                    )
                };
                fig = fig.merge(value);
            }
        }
        let mut c: Config = fig.extract().map_err(|e| {
            let msgs: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
            anyhow::anyhow!("invalid configuration: {}", msgs.join("; "))
        })?;
        // An empty endpoint (e.g. `OTEL_EXPORTER_OTLP_ENDPOINT=`) means none.
        if c.log
            .otlp_endpoint
            .as_deref()
            .is_some_and(|u| u.trim().is_empty())
        {
            c.log.otlp_endpoint = None;
        }
        c.validate()?;
        Ok(c)
    }

    /// Checks what types alone cannot.
    pub fn validate(&self) -> anyhow::Result<()> {
        let mut errs = Vec::new();
        let url = &self.database.url;
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            errs.push(format!(
                "database.url: must start with sqlite:// or postgres:// (got {})",
                mask_url(url)
            ));
        }
        if self.server.session_hours == 0 || self.server.session_hours > 24 * 30 {
            errs.push("server.session_hours: must be between 1 and 720".into());
        }
        if self.server.shutdown_grace_secs > 3600 {
            errs.push("server.shutdown_grace_secs: at most 3600".into());
        }
        if self.server.upload_expiry_hours == 0 {
            errs.push("server.upload_expiry_hours: must be at least 1".into());
        }
        if self.history.snapshot_every < 1_000 {
            errs.push("history.snapshot_every: at least 1000 entries".into());
        }
        if self.history.maintain_every_secs == 0 {
            errs.push("history.maintain_every_secs: must be at least 1".into());
        }
        if self.workflow.scheduler_every_secs == 0 {
            errs.push("workflow.scheduler_every_secs: must be at least 1".into());
        }
        for (name, u) in [
            ("notify.webhook", &self.notify.webhook),
            ("notify.sms_gateway", &self.notify.sms_gateway),
        ] {
            if !(u.is_empty() || u.starts_with("http://") || u.starts_with("https://")) {
                errs.push(format!("{name}: must be an http(s) URL or empty"));
            }
        }
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.log.filter) {
            errs.push(format!("log.filter: {e}"));
        }
        if let Some(u) = &self.log.otlp_endpoint {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                errs.push("log.otlp_endpoint: must be an http(s) URL".into());
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            anyhow::bail!("invalid configuration: {}", errs.join("; "))
        }
    }

    pub fn history_policy(&self) -> tiaokuai_app::archive::HistoryPolicy {
        tiaokuai_app::archive::HistoryPolicy {
            keep_settled_ms: i64::from(self.history.keep_settled_days) * 86_400_000,
            snapshot_every: self.history.snapshot_every,
            maintain_every_ms: self.history.maintain_every_secs * 1000,
            ..Default::default()
        }
    }

    /// Whether cookies are `Secure` when listening on `addr`.
    pub fn secure_cookies(&self, addr: SocketAddr) -> bool {
        match self.server.secure_cookies {
            Switch::On => true,
            Switch::Off => false,
            Switch::Auto => !addr.ip().is_loopback(),
        }
    }

    /// The configuration as TOML, with passwords in URLs and secret-looking query strings masked.
    pub fn show(&self) -> String {
        let mut c = self.clone();
        c.database.url = mask_url(&c.database.url);
        c.notify.webhook = mask_url(&c.notify.webhook);
        c.notify.sms_gateway = mask_url(&c.notify.sms_gateway);
        c.log.otlp_endpoint = c.log.otlp_endpoint.as_deref().map(mask_url);
        toml::to_string(&c).unwrap_or_else(|e| format!("# cannot print: {e}\n"))
    }
}

/// The config key an environment variable sets, if it is one of ours.
fn env_key(var: &str) -> Option<String> {
    if let Some((_, key)) = ENV_NAMES.iter().find(|(v, _)| *v == var) {
        return Some(key.to_string());
    }
    let rest = var.strip_prefix("TIAOKUAI_")?;
    let (section, key) = rest.split_once("__")?;
    let section = section.to_ascii_lowercase();
    SECTIONS
        .contains(&section.as_str())
        .then(|| format!("{section}.{}", key.to_ascii_lowercase()))
}

/// `scheme://user:secret@host/db?token=x` → `scheme://user:***@host/db?***`.
pub fn mask_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, _)) => (b, "?***"),
        None => (url, ""),
    };
    let masked = match (base.find("://"), base.rfind('@')) {
        (Some(a), Some(at)) if at > a => {
            let cred = &base[a + 3..at];
            match cred.split_once(':') {
                Some((user, _)) => format!("{}://{user}:***{}", &base[..a], &base[at..]),
                None => base.to_string(),
            }
        }
        _ => base.to_string(),
    };
    format!("{masked}{query}")
}

static CONFIG: OnceLock<Config> = OnceLock::new();

/// Sets the process's configuration (once, in `main`).
pub fn init(c: Config) {
    let _ = CONFIG.set(c);
}

/// The process's configuration (the defaults until `init`).
pub fn get() -> &'static Config {
    CONFIG.get_or_init(Config::default)
}

#[cfg(test)]
mod tests;
