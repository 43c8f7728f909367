//! Fixtures shared by the integration and browser tests.
//!
//! Every test gets its own database: a SQLite file in a temporary directory by default, or a
//! new PostgreSQL database when `TIAOKUAI_TEST_PG_URL` names a server (e.g.
//! `postgres://postgres@127.0.0.1:55432/postgres`). The same tests thus run on both backends.

use std::net::SocketAddr;
use tiaokuai_app::{demo, Engine};
use tiaokuai_log::LogSigner;
use tiaokuai_server::{AppState, ServerConfig};
use tiaokuai_store::Store;

/// Keeps the temporary directory alive for the test's duration.
pub struct Fixture {
    pub url: String,
    pub dir: tempfile::TempDir,
}

pub fn backend_name() -> &'static str {
    if std::env::var("TIAOKUAI_TEST_PG_URL").is_ok() {
        "postgres"
    } else {
        "sqlite"
    }
}

/// A new, empty, migrated database.
pub async fn fresh_db() -> anyhow::Result<(Store, Fixture)> {
    let dir = tempfile::tempdir()?;
    let url = match std::env::var("TIAOKUAI_TEST_PG_URL") {
        Ok(admin) => {
            let name = format!("tk_test_{:016x}", rand::random::<u64>());
            sqlx::any::install_default_drivers();
            let pool = sqlx::any::AnyPoolOptions::new()
                .max_connections(1)
                .connect(&admin)
                .await?;
            sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
                .execute(&pool)
                .await?;
            pool.close().await;
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin.clone());
            format!("{base}/{name}")
        }
        Err(_) => format!("sqlite://{}", dir.path().join("test.db").display()),
    };
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    Ok((store, Fixture { url, dir }))
}

pub fn test_signer() -> LogSigner {
    LogSigner::from_bytes(&[42; 32])
}

/// An engine over a fresh database with the demo county loaded.
pub async fn demo_engine() -> anyhow::Result<(Engine, Fixture)> {
    sqlx::any::install_default_drivers();
    let (store, fx) = fresh_db().await?;
    let engine = Engine::start(store, demo::COUNTY, test_signer()).await?;
    demo::load_with(
        &engine,
        &fx.dir.path().join("demo"),
        1_763_700_000_000,
        demo::DemoOptions::SMALL,
    )
    .await?;
    Ok((engine, fx))
}

pub struct TestServer {
    pub addr: SocketAddr,
    pub engine: Engine,
    pub fixture: Fixture,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

/// The demo county served on a free loopback port.
pub async fn demo_server() -> anyhow::Result<TestServer> {
    let (engine, fixture) = demo_engine().await?;
    let state = AppState::new(
        engine.clone(),
        ServerConfig {
            secure_cookies: false,
            session_hours: 1,
            ..Default::default()
        },
    );
    let addr = tiaokuai_server::spawn_local(state).await?;
    Ok(TestServer {
        addr,
        engine,
        fixture,
    })
}

/// A township's call to the county, normal urgency, located in the demo county's first
/// township: the report the routing and dispatch tests start from.
pub fn township_call(title: &str, description: &str) -> tiaokuai_core::events::NewEvent {
    use tiaokuai_core::events::{Channel, Grade, Location, NewEvent, Urgency};
    NewEvent {
        channel: Channel::TownshipCall,
        title: title.into(),
        description: description.into(),
        category: String::new(),
        urgency: Urgency::Normal,
        grade: Grade::Ordinary,
        request_type: None,
        item: None,
        location: Location {
            lon: 116.71,
            lat: 36.61,
            ..Default::default()
        },
        photos: vec![],
        hotline_no: None,
        hotline_due_ms: None,
        call: true,
    }
}
