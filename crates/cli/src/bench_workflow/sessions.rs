//! Logging the bench clients in: one township, dispatcher and department session each.

use super::*;
use anyhow::{bail, Context};
use reqwest::cookie::Jar;
use reqwest::{Client, Url};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Duration;
use tiaokuai_app::demo;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum Role {
    Operator,
    Dispatcher,
    Handler,
}

/// Which account each client uses per role, and whether each client gets its own loopback
/// source address (the server limits logins per address; 127.0.0.0/8 is all loopback).
pub(crate) struct Plan {
    pub(crate) per_client: Vec<[(Role, String); 3]>,
    pub(crate) bind_sources: bool,
}

impl Plan {
    pub(crate) fn source_ip(&self, client: usize) -> Option<IpAddr> {
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

    pub(crate) fn key(&self, client: usize, username: &str) -> (String, Option<IpAddr>) {
        (username.to_string(), self.source_ip(client))
    }
}

pub(crate) fn plan_sessions(
    base: &Url,
    clients: usize,
    operators: &[&str],
    handlers: &[&str],
) -> Plan {
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
pub(crate) struct Session {
    pub(crate) cookie: String,
    pub(crate) csrf: String,
    pub(crate) unit: String,
    /// `role@unit` grants.
    pub(crate) roles: Vec<String>,
}

pub(crate) type SessionKey = (String, Option<IpAddr>);

pub(crate) fn http_client(source: Option<IpAddr>, jar: Option<Arc<Jar>>) -> anyhow::Result<Client> {
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
pub(crate) async fn login_all(
    base: &Url,
    plan: &Plan,
) -> anyhow::Result<HashMap<SessionKey, Session>> {
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

pub(crate) async fn login(
    url: &Url,
    user: &str,
    source: Option<IpAddr>,
) -> anyhow::Result<Session> {
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

pub(crate) fn str_field(v: &Value, f: &str) -> anyhow::Result<String> {
    v.get(f)
        .and_then(Value::as_str)
        .map(String::from)
        .ok_or_else(|| anyhow::anyhow!("reply without '{f}': {v}"))
}

/// One role's HTTP client of one bench client: its own cookie jar holding its session.
pub(crate) struct RoleClient {
    pub(crate) http: Client,
    pub(crate) csrf: String,
    pub(crate) user: String,
    /// The department a handler works for (the dispatch lead).
    pub(crate) unit: String,
}

impl RoleClient {
    pub(crate) fn new(
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

pub(crate) struct ClientSet {
    pub(crate) operator: RoleClient,
    pub(crate) dispatcher: RoleClient,
    pub(crate) handler: RoleClient,
}

impl ClientSet {
    pub(crate) fn new(
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
pub(crate) struct Route {
    pub(crate) item: Value,
    pub(crate) override_reason: Value,
}

/// Finds a route for every handler's department from the current catalogue.
pub(crate) async fn routes(
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

pub(crate) async fn get_json(http: &Client, url: Url) -> anyhow::Result<Value> {
    let res = http.get(url.clone()).send().await?;
    let status = res.status();
    let body = res.text().await?;
    if !status.is_success() {
        bail!("GET {url}: HTTP {status}: {}", clip(&body));
    }
    Ok(serde_json::from_str(&body)?)
}
