use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn file(text: &str) -> tempfile::NamedTempFile {
    let f = tempfile::Builder::new()
        .suffix(".toml")
        .tempfile()
        .expect("temp file");
    std::fs::write(f.path(), text).expect("write");
    f
}

#[test]
fn defaults_are_valid() {
    let c = Config::load_from(None, env(&[])).expect("defaults");
    assert_eq!(c, Config::default());
    assert_eq!(c.history_policy().keep_settled_ms, 7 * 86_400_000);
}

#[test]
fn file_then_env_then_flags() {
    let f = file(
        "[server]\nsession_hours = 8\naddr = \"0.0.0.0:9000\"\n[history]\nkeep_settled_days = 30\n",
    );
    let c = Config::load_from(Some(f.path()), env(&[])).expect("file");
    assert_eq!(c.server.session_hours, 8);
    assert_eq!(c.server.addr.port(), 9000);
    assert_eq!(c.history.keep_settled_days, 30);
    // The environment beats the file, in both spellings.
    let c = Config::load_from(
        Some(f.path()),
        env(&[
            ("TIAOKUAI_SERVER__SESSION_HOURS", "4"),
            ("TIAOKUAI_ADDR", "127.0.0.1:7000"),
            ("DATABASE_URL", "postgres://a@h/db"),
            ("TIAOKUAI_DATABASE_URL", "postgres://b@h/db"),
            (
                "TIAOKUAI_SERVER__TRUSTED_PROXIES",
                "10.0.0.0/8, 192.168.1.1/32",
            ),
            // Not ours: ignored.
            ("TIAOKUAI_BROWSER", "1"),
            ("TIAOKUAI_SHARED_DIR", "../shared"),
        ]),
    )
    .expect("env");
    assert_eq!(c.server.session_hours, 4);
    assert_eq!(c.server.addr.port(), 7000);
    assert_eq!(c.database.url, "postgres://b@h/db");
    assert_eq!(c.server.trusted_proxies.len(), 2);
    assert_eq!(c.history.keep_settled_days, 30);
}

#[test]
fn bad_values_name_the_key() {
    let f = file("[server]\nsession_hours = \"many\"\n");
    let e = Config::load_from(Some(f.path()), env(&[]))
        .expect_err("a string for a number")
        .to_string();
    assert!(e.contains("session_hours"), "{e}");
    let f = file("[server]\nsesion_hours = 3\n");
    let e = Config::load_from(Some(f.path()), env(&[]))
        .expect_err("a misspelt key")
        .to_string();
    assert!(e.contains("sesion_hours"), "{e}");
    let e = Config::load_from(None, env(&[("TIAOKUAI_DATABASE_URL", "mysql://x")]))
        .expect_err("an unsupported database")
        .to_string();
    assert!(e.contains("database.url"), "{e}");
    let e = Config::load_from(None, env(&[("TIAOKUAI_SERVER__SESSION_HOURS", "0")]))
        .expect_err("zero hours")
        .to_string();
    assert!(e.contains("server.session_hours"), "{e}");
    let e = Config::load_from(Some(Path::new("/nonexistent/tk.toml")), env(&[]))
        .expect_err("a missing file")
        .to_string();
    assert!(e.contains("does not exist"), "{e}");
}

#[test]
fn show_masks_secrets() {
    let mut c = Config::default();
    c.database.url = "postgres://tk:hunter2@db.example/tk".into();
    c.notify.webhook = "https://hooks.example/x?token=abc".into();
    let s = c.show();
    assert!(!s.contains("hunter2") && !s.contains("abc"), "{s}");
    assert!(s.contains("postgres://tk:***@db.example/tk"), "{s}");
    // What is shown reads back as a configuration.
    let f = file(&Config::default().show());
    assert_eq!(
        Config::load_from(Some(f.path()), env(&[])).expect("round trip"),
        Config::default()
    );
}

/// README's configuration section is the default configuration, as `config show` prints it.
#[test]
fn readme_shows_the_defaults() {
    let readme = include_str!("../../../../README.md");
    let shown = Config::default().show();
    assert!(
        readme.contains(&shown),
        "README.md's configuration block differs from `tiaokuai config show` with no settings:\n{shown}"
    );
}

/// The example configuration shipped for systemd loads.
#[test]
fn deploy_example_is_valid() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/tiaokuai.toml");
    let c = Config::load_from(Some(&p), env(&[])).expect("deploy/tiaokuai.toml");
    assert_eq!(c.log.format, LogFormat::Json);
    assert_eq!(c.server.secure_cookies, Switch::On);
}

#[test]
fn otlp_endpoint_from_file_env_and_the_standard_variable() {
    // Unset by default, and then not printed by `config show`.
    assert_eq!(Config::default().log.otlp_endpoint, None);
    assert!(!Config::default().show().contains("otlp_endpoint"));
    let f = file("[log]\notlp_endpoint = \"http://127.0.0.1:4318\"\n");
    let c = Config::load_from(Some(f.path()), env(&[])).expect("file");
    assert_eq!(
        c.log.otlp_endpoint.as_deref(),
        Some("http://127.0.0.1:4318")
    );
    assert!(c
        .show()
        .contains("otlp_endpoint = \"http://127.0.0.1:4318\""));
    let c = Config::load_from(
        None,
        env(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")]),
    )
    .expect("standard variable");
    assert_eq!(
        c.log.otlp_endpoint.as_deref(),
        Some("http://collector:4318")
    );
    // Ours wins over the standard name, whatever the order of the environment.
    for pairs in [
        [
            ("TIAOKUAI_LOG__OTLP_ENDPOINT", "https://otel.example:4318"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
        ],
        [
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
            ("TIAOKUAI_LOG__OTLP_ENDPOINT", "https://otel.example:4318"),
        ],
    ] {
        let c = Config::load_from(Some(f.path()), env(&pairs)).expect("env");
        assert_eq!(
            c.log.otlp_endpoint.as_deref(),
            Some("https://otel.example:4318")
        );
    }
    // Empty means none; anything but http(s) is refused with the key's name.
    let c = Config::load_from(None, env(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "")])).expect("empty");
    assert_eq!(c.log.otlp_endpoint, None);
    let e = Config::load_from(
        None,
        env(&[("TIAOKUAI_LOG__OTLP_ENDPOINT", "collector:4318")]),
    )
    .expect_err("not a URL");
    assert!(e.to_string().contains("log.otlp_endpoint"), "{e}");
}
