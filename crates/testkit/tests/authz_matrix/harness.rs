//! The matrix's harness: status classes, a logged-in client, and the table of failing cells.

use reqwest::StatusCode;
use serde_json::{json, Value};
use std::fmt::Write as _;
use tiaokuai_testkit::TestServer;

/// A status class: what a cell expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    /// 2xx.
    Ok,
    /// 403: may read, may not do this.
    Denied,
    /// 404: missing, or not readable (the same answer).
    Hidden,
    /// 409 or 422: allowed, but not in this state or with these fields.
    Refused,
}

fn class_of(st: StatusCode) -> Option<Class> {
    use Class::*;
    match st.as_u16() {
        200..=299 => Some(Ok),
        403 => Some(Denied),
        404 => Some(Hidden),
        409 | 422 => Some(Refused),
        _ => None,
    }
}

pub(super) struct Client<'a> {
    s: &'a TestServer,
    c: reqwest::Client,
    pub(super) csrf: String,
}

impl<'a> Client<'a> {
    pub(super) async fn login(s: &'a TestServer, user: &str) -> Client<'a> {
        let c = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let r = c
            .post(s.url("/api/v1/session"))
            .json(&json!({"username": user, "password": "tiaokuai2026"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "login {user}");
        let v: Value = r.json().await.unwrap();
        let csrf = v["csrf"].as_str().unwrap().to_string();
        Client { s, c, csrf }
    }

    pub(super) async fn read(r: reqwest::Response) -> (StatusCode, Value) {
        let st = r.status();
        let text = r.text().await.unwrap();
        (
            st,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub(super) async fn get(&self, path: &str) -> (StatusCode, Value) {
        Self::read(self.c.get(self.s.url(path)).send().await.unwrap()).await
    }

    pub(super) async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let r = self
            .c
            .post(self.s.url(path))
            .header("x-csrf-token", &self.csrf)
            .json(body)
            .send()
            .await
            .unwrap();
        Self::read(r).await
    }

    pub(super) async fn put(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let r = self
            .c
            .put(self.s.url(path))
            .header("x-csrf-token", &self.csrf)
            .json(body)
            .send()
            .await
            .unwrap();
        Self::read(r).await
    }

    /// A page form post (multipart, CSRF in the form).
    pub(super) async fn post_page(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String) {
        let mut form = reqwest::multipart::Form::new().text("csrf", self.csrf.clone());
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let r = self
            .c
            .post(self.s.url(path))
            .multipart(form)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    pub(super) async fn get_page(&self, path: &str) -> (StatusCode, String) {
        let r = self.c.get(self.s.url(path)).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

/// The failing cells, printed as one table.
#[derive(Default)]
pub(super) struct Matrix {
    cells: usize,
    failures: Vec<String>,
}

impl Matrix {
    pub(super) fn expect(
        &mut self,
        role: &str,
        action: &str,
        target: &str,
        want: Class,
        got: &(StatusCode, Value),
    ) {
        self.cells += 1;
        if class_of(got.0) != Some(want) {
            self.fail(role, action, target, &format!("{want:?}"), got);
        }
    }

    pub(super) fn fail(
        &mut self,
        role: &str,
        action: &str,
        target: &str,
        want: &str,
        got: &(StatusCode, Value),
    ) {
        let body = got.1.to_string();
        let body: String = body.chars().take(160).collect();
        self.failures.push(format!(
            "{role:<16} {action:<20} {target:<10} expected {want:<28} got {} {body}",
            got.0.as_u16()
        ));
    }

    pub(super) fn check(self) {
        let mut out = String::new();
        for f in &self.failures {
            let _ = writeln!(out, "  {f}");
        }
        assert!(
            self.failures.is_empty(),
            "{} of {} cells failed:\n  {:<16} {:<20} {:<10} expected / got\n{out}",
            self.failures.len(),
            self.cells,
            "role",
            "action",
            "target"
        );
    }
}

/// An answer with the event id taken out, to compare an unreadable event's refusal with a
/// missing one's.
pub(super) fn without_id(v: &(StatusCode, Value), id: u64) -> String {
    format!("{} {}", v.0.as_u16(), v.1).replace(&id.to_string(), "#")
}

pub(super) fn is_event_hidden(v: &(StatusCode, Value)) -> bool {
    v.0 == StatusCode::NOT_FOUND
        && v.1["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("event"))
}
