//! `serve` as a process: JSON log lines carrying the request id, and an orderly exit 0 on
//! SIGTERM.

use crate::common::{db_url, tk};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn get(addr: &str, path: &str, request_id: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nX-Request-Id: {request_id}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("read");
    out
}

#[test]
fn serve_logs_request_ids_as_json_and_stops_on_sigterm() {
    let d = tempfile::tempdir().expect("temp dir");
    let (code, out) = tk(&["migrate"], d.path());
    assert_eq!(code, 0, "{out}");
    let log = d.path().join("serve.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tiaokuai"))
        .args(["serve", "--addr", "127.0.0.1:0", "--log-format", "json"])
        .args(["--database-url", &db_url(d.path())])
        .arg("--key-file")
        .arg(d.path().join("k.key"))
        .env("RUST_LOG", "info,tiaokuai=debug")
        .env_remove("DATABASE_URL")
        .env_remove("TIAOKUAI_KEY_FILE")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("start serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("serve printed its address")
            .expect("line");
        if let Some(rest) = line.strip_prefix("Tiaokuai is serving on http://") {
            break rest.trim_end_matches('/').to_string();
        }
    };
    let res = get(&addr, "/readyz", "cli-test-7");
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
    assert!(
        res.to_ascii_lowercase()
            .contains("x-request-id: cli-test-7"),
        "{res}"
    );

    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill")
        .success();
    assert!(ok);
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "serve did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status}");
    let text = std::fs::read_to_string(&log).expect("log");
    let json: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(
        json.iter()
            .any(|v| v["span"]["request_id"] == "cli-test-7" && v["message"] == "response"),
        "a log line of the request carries its id:\n{text}"
    );
    assert!(
        json.iter()
            .any(|v| v["message"] == "shutting down" && v["signal"] == "SIGTERM"),
        "{text}"
    );
    assert!(json.iter().any(|v| v["message"] == "stopped"), "{text}");
}
