//! Headless-Chromium tests of the web pages, driven through chromedriver with fantoccini.
//!
//! Skipped unless `TIAOKUAI_BROWSER=1`. Each test starts its own chromedriver (`CHROMEDRIVER`,
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
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl T {
    /// `None` (after saying why) when browser tests are not enabled.
    async fn start(name: &'static str) -> anyhow::Result<Option<T>> {
        if std::env::var("TIAOKUAI_BROWSER").as_deref() != Ok("1") {
            println!("skipping browser test {name}: set TIAOKUAI_BROWSER=1 to run it (needs chromium and chromedriver)");
            return Ok(None);
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
        let driver = DriverGuard(cmd.spawn().with_context(|| format!("starting {driver_bin}"))?);
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            ensure!(Instant::now() < deadline, "{driver_bin} did not listen on port {port}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir()?;
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chrome_bin,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        });
        let serde_json::Value::Object(caps) = caps else { unreachable!() };
        let c = ClientBuilder::rustls()?
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("connecting to chromedriver")?;
        let s = demo_server().await?;
        Ok(Some(T { c, s, name, _driver: driver, _profile: profile }))
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
        self.c.goto(&self.s.url(path)).await.with_context(|| format!("goto {path}"))
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
            Ok(e) => Ok(e),
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
        self.find(css).await?.click().await.with_context(|| format!("click {css}"))?;
        Ok(())
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
        let title = self.text("#home-title").await.with_context(|| format!("login as {user}"))?;
        ensure!(title.contains("您好"), "home title after login as {user}: {title:?}");
        Ok(())
    }

    async fn logout(&self) -> R {
        self.click("button#logout").await?;
        self.find("#login-submit").await?;
        self.goto("/").await?;
        ensure!(self.path().await? == "/login", "after logout / should redirect to /login");
        Ok(())
    }

    async fn nav_text(&self) -> anyhow::Result<String> {
        self.text("nav.main-nav").await
    }
}

async fn three_roles_body(t: &T) -> R {
    for (user, label) in [
        ("dispatcher", "县指挥中心调度员"),
        ("qingshan_op", "乡镇指挥室操作员"),
        ("grid_qs01", "网格员"),
    ] {
        t.goto("/").await?;
        ensure!(t.path().await? == "/login", "{user}: / did not redirect to /login");
        t.shot("login").await?;
        t.login(user).await?;
        ensure!(t.path().await? == "/", "{user}: login did not return to /");
        let roles = t.text("#my-roles").await?;
        ensure!(roles.contains(label), "{user}: #my-roles lacks {label}: {roles:?}");
        t.shot(&format!("home-{user}")).await?;

        // Organisation tree, search, and into a unit.
        t.click("nav.main-nav a[href='/org']").await?;
        t.find("#unit-tree details").await?;
        t.fill("#q", "住建").await?;
        t.click("form[role=search] button[type=submit]").await?;
        // 住建 is the short name of 青川县住房和城乡建设局 (D-ZJ).
        let link = t.find("#search-results a[href='/org/units/D-ZJ']").await?;
        let text = link.text().await?;
        ensure!(text.contains("住房和城乡建设局"), "{user}: search 住建 links {text:?}");
        t.shot(&format!("org-search-{user}")).await?;
        link.click().await?;
        let unit = t.text("#unit-name").await?;
        ensure!(unit.contains("住房和城乡建设局"), "{user}: unit page shows {unit:?}");
        ensure!(t.path().await? == "/org/units/D-ZJ", "{user}: unit url {}", t.path().await?);

        // Grid map and one grid.
        t.click("nav.main-nav a[href='/org/map']").await?;
        t.find("#county-map svg.county-map").await?;
        let n = t.count("#county-map svg.county-map a path.grid").await?;
        ensure!(n >= 300, "{user}: map has only {n} grid paths");
        t.shot(&format!("map-{user}")).await?;
        let links = t.c.find_all(Locator::Css("#county-map svg.county-map a")).await?;
        let link = &links[links.len() / 2];
        let href = link.attr("href").await?.unwrap_or_default();
        link.find(Locator::Css("path.grid")).await?.click().await?;
        let grid = t.text("#grid-name").await?;
        ensure!(!grid.trim().is_empty(), "{user}: empty #grid-name");
        ensure!(t.path().await? == href, "{user}: clicked {href} but is on {}", t.path().await?);
        t.shot(&format!("grid-{user}")).await?;

        t.logout().await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_roles_log_in_and_browse() -> R {
    let Some(t) = T::start("three_roles").await? else { return Ok(()) };
    let res = three_roles_body(&t).await;
    t.finish(res).await
}

async fn admin_page_body(t: &T) -> R {
    for user in ["grid_qs01", "zhujian"] {
        t.login(user).await?;
        let nav = t.nav_text().await?;
        ensure!(!nav.contains("人员与权限"), "{user} sees the admin link: {nav:?}");
        ensure!(t.count("nav.main-nav a[href='/admin/people']").await? == 0, "{user}: admin link");
        t.goto("/admin/people").await?;
        let title = t.text("h1.error-title").await?;
        ensure!(title.contains("403"), "{user}: /admin/people shows {title:?}");
        ensure!(!t.text("#error-message").await?.is_empty(), "{user}: empty #error-message");
        ensure!(t.count("#admin-title").await? == 0, "{user}: admin page rendered");
        t.shot(&format!("forbidden-{user}")).await?;
        t.goto("/").await?;
        t.logout().await?;
    }

    t.login("admin").await?;
    ensure!(t.nav_text().await?.contains("人员与权限"), "admin lacks the admin link");
    t.click("nav.main-nav a[href='/admin/people']").await?;
    t.find("#admin-title").await?;
    let form = "form.grid-form";
    t.fill(&format!("{form} input[name=username]"), "browser_gw01").await?;
    t.fill(&format!("{form} input[name=name]"), "浏览器测试员").await?;
    t.fill(&format!("{form} input[name=phone]"), "13900000001").await?;
    t.fill(&format!("{form} input[name=unit]"), "370999001001").await?;
    t.fill(&format!("{form} input[name=password]"), "browser-pass-2026").await?;
    t.fill(&format!("{form} textarea[name=roles]"), "grid_worker@370999001001").await?;
    t.shot("admin-form").await?;
    t.click(&format!("{form} button[type=submit]")).await?;
    let notice = t.text("p.notice").await.context("no notice after adding a person")?;
    ensure!(notice.contains("browser_gw01"), "notice: {notice:?}");
    t.shot("admin-added").await?;
    t.logout().await?;

    t.login_with("browser_gw01", "browser-pass-2026").await?;
    ensure!(t.text("#home-title").await?.contains("浏览器测试员"), "new person's home title");
    ensure!(t.text("#my-roles").await?.contains("网格员"), "new person's roles");
    t.logout().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_is_refused_on_admin_page() -> R {
    let Some(t) = T::start("admin_page").await? else { return Ok(()) };
    let res = admin_page_body(&t).await;
    t.finish(res).await
}

async fn wrong_password_body(t: &T) -> R {
    t.goto("/login").await?;
    t.submit_login("admin", "not-the-password").await?;
    let err = t.text("#login-error").await?;
    ensure!(!err.trim().is_empty(), "empty #login-error");
    ensure!(t.path().await? == "/login", "left /login after a bad password");
    ensure!(t.count("#home-title").await? == 0, "logged in with a bad password");
    t.shot("wrong-password").await?;
    // The form still works afterwards.
    t.login("admin").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_is_refused() -> R {
    let Some(t) = T::start("wrong_password").await? else { return Ok(()) };
    let res = wrong_password_body(&t).await;
    t.finish(res).await
}

async fn phones(t: &T) -> anyhow::Result<Vec<String>> {
    let mut out = vec![];
    for td in t.c.find_all(Locator::Css("#people td.phone")).await? {
        out.push(td.text().await?.trim().to_string());
    }
    Ok(out)
}

async fn contacts_body(t: &T) -> R {
    const HIDDEN: &str = "（无权查看）";
    t.login("qingshan_op").await?;
    t.goto("/org/units/370999001001").await?;
    t.find("#unit-name").await?;
    let own = phones(t).await?;
    ensure!(!own.is_empty(), "no people listed on 370999001001");
    ensure!(
        own.iter().any(|p| p.chars().filter(char::is_ascii_digit).count() >= 7),
        "qingshan_op sees no phone numbers in its own village: {own:?}"
    );
    ensure!(own.iter().all(|p| p != HIDDEN), "own village phones hidden: {own:?}");
    t.shot("contacts-visible").await?;
    t.goto("/org/units/D-ZJ").await?;
    t.find("#unit-name").await?;
    let other = phones(t).await?;
    ensure!(!other.is_empty(), "no people listed on D-ZJ");
    ensure!(other.iter().all(|p| p == HIDDEN), "qingshan_op sees 住建局 phones: {other:?}");
    t.shot("contacts-hidden").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contacts_are_scoped() -> R {
    let Some(t) = T::start("contacts").await? else { return Ok(()) };
    let res = contacts_body(&t).await;
    t.finish(res).await
}

async fn audit_body(t: &T) -> R {
    t.login("admin").await?;
    t.click("nav.main-nav a[href='/audit/log']").await?;
    let verdict = t.text("#verify-result").await?;
    ensure!(verdict.contains("日志完整"), "#verify-result: {verdict:?}");
    let rows = t.count("#log-table tbody tr").await?;
    ensure!(rows > 0, "empty #log-table");
    t.shot("audit").await?;
    t.logout().await?;

    t.login("grid_qs01").await?;
    ensure!(!t.nav_text().await?.contains("日志审计"), "grid worker sees the audit link");
    t.goto("/audit/log").await?;
    let title = t.text("h1.error-title").await?;
    ensure!(title.contains("403"), "grid_qs01 on /audit/log sees {title:?}");
    ensure!(t.count("#verify-result").await? == 0, "grid_qs01 sees the verify result");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_page_shows_intact_log() -> R {
    let Some(t) = T::start("audit").await? else { return Ok(()) };
    let res = audit_body(&t).await;
    t.finish(res).await
}

async fn english_body(t: &T) -> R {
    t.goto("/login").await?;
    ensure!(t.text("#login-submit").await? == "登录", "default language is not Chinese");
    t.goto("/lang/en").await?;
    t.goto("/login").await?;
    let button = t.text("#login-submit").await?;
    ensure!(button == "Log in", "login button after /lang/en: {button:?}");
    t.shot("english-login").await?;
    t.submit_login("admin", PASSWORD).await?;
    let title = t.text("#home-title").await?;
    ensure!(title.starts_with("Hello"), "home title after /lang/en: {title:?}");
    t.shot("english-home").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_switch() -> R {
    let Some(t) = T::start("english").await? else { return Ok(()) };
    let res = english_body(&t).await;
    t.finish(res).await
}
