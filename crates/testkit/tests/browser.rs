//! Headless-Chromium tests of the web pages, driven through chromedriver with fantoccini.
//!
//! Ignored unless asked for: `TIAOKUAI_BROWSER=1 cargo test -p tiaokuai-testkit --test browser --
//! --ignored`. Each test starts its own chromedriver (`CHROMEDRIVER`,
//! default `chromedriver`) on a free loopback port and drives Chromium (`CHROME_BIN`, default
//! `/usr/bin/chromium`) against its own demo server. With `TIAOKUAI_SCREENSHOTS=DIR`, PNG
//! screenshots of the key pages are written into DIR.

use anyhow::{ensure, Context};
use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tiaokuai_testkit::{demo_server, TestServer};

type R = anyhow::Result<()>;
const PASSWORD: &str = "tiaokuai2026";

/// Kills chromedriver (and the Chromium it started, same process group) when dropped.
struct DriverGuard(Child);

impl Drop for DriverGuard {
    fn drop(&mut self) {
        let pgid = format!("-{}", self.0.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &pgid])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One browser against one demo server.
struct T {
    c: Client,
    s: TestServer,
    name: &'static str,
    _driver: DriverGuard,
    _profile: tempfile::TempDir,
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl T {
    /// Starts chromedriver and a demo server; an error when browser tests are not enabled, so an
    /// `--ignored` run without a browser fails instead of passing without checking anything.
    async fn start(name: &'static str) -> anyhow::Result<T> {
        if std::env::var("TIAOKUAI_BROWSER").as_deref() != Ok("1") {
            anyhow::bail!("browser test {name}: set TIAOKUAI_BROWSER=1 to run it (needs chromium and chromedriver)");
        }
        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let chrome_bin = std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port()?;
        let mut cmd = Command::new(&driver_bin);
        cmd.arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let driver = DriverGuard(
            cmd.spawn()
                .with_context(|| format!("starting {driver_bin}"))?,
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            ensure!(
                Instant::now() < deadline,
                "{driver_bin} did not listen on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir()?;
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        let options = json!({
            "binary": chrome_bin,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        });
        caps.insert("goog:chromeOptions".into(), options);
        // fantoccini's connector and reqwest both use rustls' aws-lc-rs backend; install it as the
        // process default explicitly so another backend unified in later cannot make it ambiguous.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let c = ClientBuilder::rustls()?
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("connecting to chromedriver")?;
        let s = demo_server().await?;
        Ok(T {
            c,
            s,
            name,
            _driver: driver,
            _profile: profile,
        })
    }

    /// Ends the browser session (Chromium exits), then chromedriver is killed by the guard.
    async fn finish(self, res: R) -> R {
        if res.is_err() {
            let _ = self.shot("failure").await;
        }
        let _ = self.c.close().await;
        res.with_context(|| format!("browser test {}", self.name))
    }

    async fn goto(&self, path: &str) -> R {
        self.c
            .goto(&self.s.url(path))
            .await
            .with_context(|| format!("goto {path}"))
    }

    async fn path(&self) -> anyhow::Result<String> {
        Ok(self.c.current_url().await?.path().to_string())
    }

    async fn find(&self, css: &str) -> anyhow::Result<Element> {
        let found = self
            .c
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(e) => {
                // A folded action (<details>) is opened the way a person would tap its summary.
                let arg = serde_json::to_value(&e)?;
                self.c
                    .execute(
                        "for (let d = arguments[0].closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) { d.open = true; } return true;",
                        vec![arg],
                    )
                    .await?;
                Ok(e)
            }
            Err(e) => {
                let on = self.path().await.unwrap_or_default();
                Err(anyhow::Error::new(e).context(format!("no element {css} on {on}")))
            }
        }
    }

    async fn text(&self, css: &str) -> anyhow::Result<String> {
        Ok(self.find(css).await?.text().await?)
    }

    async fn count(&self, css: &str) -> anyhow::Result<usize> {
        Ok(self.c.find_all(Locator::Css(css)).await?.len())
    }

    async fn fill(&self, css: &str, value: &str) -> R {
        let e = self.find(css).await?;
        e.clear().await?;
        e.send_keys(value).await?;
        Ok(())
    }

    async fn click(&self, css: &str) -> R {
        Ok(self.find(css).await?.click().await?)
    }

    /// Saves a PNG of the current viewport into `TIAOKUAI_SCREENSHOTS`, if set.
    async fn shot(&self, label: &str) -> R {
        if let Ok(dir) = std::env::var("TIAOKUAI_SCREENSHOTS") {
            std::fs::create_dir_all(&dir)?;
            let png = self.c.screenshot().await?;
            let file = std::path::Path::new(&dir).join(format!("{}-{label}.png", self.name));
            std::fs::write(&file, png).with_context(|| format!("writing {}", file.display()))?;
        }
        Ok(())
    }

    /// Logs in through the form on the current `/login` page (opening it if needed).
    async fn submit_login(&self, user: &str, password: &str) -> R {
        if self.path().await? != "/login" {
            self.goto("/login").await?;
        }
        self.fill("#username", user).await?;
        self.fill("#password", password).await?;
        self.click("#login-submit").await
    }

    async fn login(&self, user: &str) -> R {
        self.login_with(user, PASSWORD).await
    }

    async fn login_with(&self, user: &str, password: &str) -> R {
        self.submit_login(user, password).await?;
        self.expect_text("#home-title", "您好")
            .await
            .with_context(|| format!("login as {user}"))
    }

    /// Logs in with the language already chosen (the greeting differs).
    async fn login_lang(&self, user: &str, zh: bool) -> R {
        self.submit_login(user, PASSWORD).await?;
        self.expect_text("#home-title", if zh { "您好" } else { "Hello" })
            .await
            .with_context(|| format!("login as {user}"))
    }

    async fn logout(&self) -> R {
        self.click("button#logout").await?;
        self.find("#login-submit").await?;
        self.goto("/").await?;
        self.expect_path("/login").await.context("/ after logout")
    }

    /// Waits (up to 10 s) until `css` exists and its text contains `needle`. Polling also rides
    /// out the moment after a click when the old page's element goes stale.
    async fn expect_text(&self, css: &str, needle: &str) -> R {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let text = match self.text(css).await {
                Ok(t) => t,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            if text.contains(needle) {
                return Ok(());
            }
            ensure!(
                Instant::now() < deadline,
                "{css} lacks {needle:?}: {text:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn expect_path(&self, want: &str) -> R {
        let path = self.path().await?;
        ensure!(path == want, "on {path}, expected {want}");
        Ok(())
    }

    async fn expect_absent(&self, css: &str) -> R {
        ensure!(self.count(css).await? == 0, "unexpected {css}");
        Ok(())
    }

    /// The 403 page: title with 403 and a message, none of `hidden`.
    async fn expect_forbidden(&self, path: &str, hidden: &str) -> R {
        self.goto(path).await?;
        self.expect_text("h1.error-title", "403").await?;
        ensure!(
            !self.text("#error-message").await?.is_empty(),
            "empty #error-message"
        );
        self.expect_absent(hidden).await
    }
}

/// A browser test: ignored unless asked for (`--ignored`, with `TIAOKUAI_BROWSER=1`), then
/// `$body(&T)` against a demo server.
macro_rules! browser_test {
    ($name:ident, $body:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        #[ignore = "headless Chromium: TIAOKUAI_BROWSER=1 cargo test -p tiaokuai-testkit --test browser -- --ignored"]
        async fn $name() -> R {
            let t = T::start(stringify!($name)).await?;
            let res = $body(&t).await;
            t.finish(res).await
        }
    };
}

browser_test!(three_roles_log_in_and_browse, three_roles);
browser_test!(role_is_refused_on_admin_page, admin_page);
browser_test!(wrong_password_is_refused, wrong_password);
browser_test!(contacts_are_scoped, contacts);
browser_test!(audit_page_shows_intact_log, audit);
browser_test!(english_switch, english);

async fn three_roles(t: &T) -> R {
    for (user, label) in [
        ("dispatcher", "县指挥中心调度员"),
        ("qingshan_op", "乡镇指挥室操作员"),
        ("grid_qs01", "网格员"),
    ] {
        t.goto("/").await?;
        t.expect_path("/login").await.context(user)?;
        t.shot("login").await?;
        t.login(user).await?;
        if user == "grid_qs01" {
            // A grid worker's home is reporting and their own reports.
            t.expect_path("/desk/grid").await?;
            t.expect_text("#report-link", "上报问题").await?;
        } else {
            t.expect_path("/").await?;
            t.expect_text("#my-roles", label).await.context(user)?;
        }
        t.shot(&format!("home-{user}")).await?;

        // Organisation tree, search, and into a unit: 住建 is short for 青川县住房和城乡建设局.
        t.goto("/org").await?;
        t.find("#unit-tree details").await?;
        t.fill("#q", "住建").await?;
        t.click("form[role=search] button[type=submit]").await?;
        let hit = "#search-results a[href='/org/units/D-ZJ']";
        t.expect_text(hit, "住房和城乡建设局").await.context(user)?;
        t.shot(&format!("org-search-{user}")).await?;
        t.click(hit).await?;
        t.expect_text("#unit-name", "住房和城乡建设局").await?;
        t.expect_path("/org/units/D-ZJ").await?;

        // Grid map and one grid.
        t.click("nav.main-nav a[href='/org/map']").await?;
        t.find("#county-map svg.county-map").await?;
        let n = t.count("#county-map svg.county-map a path.grid").await?;
        ensure!(n >= 300, "{user}: map has only {n} grid paths");
        t.shot(&format!("map-{user}")).await?;
        let links = t.c.find_all(Locator::Css("#county-map a")).await?;
        let link = &links[links.len() / 2];
        let href = link.attr("href").await?.unwrap_or_default();
        link.find(Locator::Css("path.grid")).await?.click().await?;
        ensure!(
            !t.text("#grid-name").await?.trim().is_empty(),
            "empty #grid-name"
        );
        t.expect_path(&href).await.context(user)?;
        t.shot(&format!("grid-{user}")).await?;

        t.logout().await?;
    }
    Ok(())
}

async fn admin_page(t: &T) -> R {
    for user in ["grid_qs01", "zhujian"] {
        t.login(user).await?;
        let nav = t.text("nav.main-nav").await?;
        ensure!(
            !nav.contains("人员与权限"),
            "{user} sees the admin link: {nav:?}"
        );
        t.expect_forbidden("/admin/people", "#admin-title")
            .await
            .context(user)?;
        t.shot(&format!("forbidden-{user}")).await?;
        t.goto("/").await?;
        t.logout().await?;
    }

    t.login("admin").await?;
    t.expect_text("nav.main-nav", "人员与权限").await?;
    t.click("nav.main-nav a[href='/admin/people']").await?;
    t.find("#admin-title").await?;
    for (field, value) in [
        ("input[name=username]", "browser_gw01"),
        ("input[name=name]", "浏览器测试员"),
        ("input[name=phone]", "13900000001"),
        ("input[name=unit]", "370999001001"),
        ("input[name=password]", "browser-pass-2026"),
        ("input[name=role_unit1]", "370999001001"),
    ] {
        t.fill(&format!("form.grid-form {field}"), value).await?;
    }
    // The role from the select (no more typing `role@UNIT`).
    t.find("form.grid-form select[name=role1]")
        .await?
        .select_by_value("grid_worker")
        .await?;
    t.shot("admin-form").await?;
    t.click("form.grid-form button[type=submit]").await?;
    t.expect_text("p.notice", "browser_gw01").await?;
    t.shot("admin-added").await?;
    t.logout().await?;

    t.login_with("browser_gw01", "browser-pass-2026").await?;
    t.expect_text("#home-title", "浏览器测试员").await?;
    t.expect_text("#report-link", "上报问题").await?;
    t.logout().await
}

async fn wrong_password(t: &T) -> R {
    t.goto("/login").await?;
    t.submit_login("admin", "not-the-password").await?;
    ensure!(
        !t.text("#login-error").await?.trim().is_empty(),
        "empty #login-error"
    );
    t.expect_path("/login").await?;
    t.expect_absent("#home-title").await?;
    t.shot("wrong-password").await?;
    // The form still works afterwards.
    t.login("admin").await
}

async fn phones(t: &T, unit: &str) -> anyhow::Result<Vec<String>> {
    t.goto(&format!("/org/units/{unit}")).await?;
    t.find("#unit-name").await?;
    let mut out = vec![];
    for td in t.c.find_all(Locator::Css("#people td.phone")).await? {
        out.push(td.text().await?.trim().to_string());
    }
    ensure!(!out.is_empty(), "no people listed on {unit}");
    Ok(out)
}

async fn contacts(t: &T) -> R {
    const HIDDEN: &str = "（无权查看）";
    t.login("qingshan_op").await?;
    let own = phones(t, "370999001001").await?;
    let digits = |p: &String| p.chars().filter(char::is_ascii_digit).count() >= 7;
    ensure!(
        own.iter().any(digits),
        "own village phones not shown: {own:?}"
    );
    ensure!(
        own.iter().all(|p| p != HIDDEN),
        "own village phones hidden: {own:?}"
    );
    t.shot("contacts-visible").await?;
    let other = phones(t, "D-ZJ").await?;
    ensure!(
        other.iter().all(|p| p == HIDDEN),
        "住建局 phones shown: {other:?}"
    );
    t.shot("contacts-hidden").await
}

async fn audit(t: &T) -> R {
    t.login("admin").await?;
    t.click("nav.main-nav a[href='/audit/log']").await?;
    t.expect_text("#verify-result", "日志完整").await?;
    ensure!(
        t.count("#log-table tbody tr").await? > 0,
        "empty #log-table"
    );
    t.shot("audit").await?;
    t.logout().await?;

    t.login("grid_qs01").await?;
    ensure!(
        !t.text("nav.main-nav").await?.contains("日志审计"),
        "grid worker sees the audit link"
    );
    t.expect_forbidden("/audit/log", "#verify-result").await
}

async fn english(t: &T) -> R {
    t.goto("/login").await?;
    t.expect_text("#login-submit", "登录").await?;
    t.goto("/lang/en").await?;
    t.goto("/login").await?;
    let button = t.text("#login-submit").await?;
    ensure!(
        button == "Log in",
        "login button after /lang/en: {button:?}"
    );
    t.shot("english-login").await?;
    t.submit_login("admin", PASSWORD).await?;
    t.expect_text("#home-title", "Hello").await?;
    t.shot("english-home").await
}

#[path = "browser/admission.rs"]
mod admission_flows;

#[path = "browser/delegation.rs"]
mod delegation_flows;

#[path = "browser/lists.rs"]
mod list_flows;

#[path = "browser/events/mod.rs"]
mod event_flows;

#[path = "browser/desks.rs"]
mod desk_flows;

#[path = "browser/settings.rs"]
mod settings_flows;

#[path = "browser/stats.rs"]
mod stats_flows;

#[path = "browser/homes.rs"]
mod home_flows;

#[path = "browser/language.rs"]
mod language_flows;

#[path = "browser/tables.rs"]
mod table_flows;

#[path = "browser/public.rs"]
mod public_flows;

#[path = "browser/patrol.rs"]
mod patrol_flows;
